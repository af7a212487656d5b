"""SARIF written while files are judged: the same bytes as the ``sarif`` reporter, in constant memory.

The ``sarif`` reporter renders a :class:`Report` that holds every finding; at 10,000 manifests and the
built-in templates that is 150,000 findings and a 150 MB string. Here each file's results are
rendered as soon as it is judged (in the worker, with ``--jobs``), spooled to a temporary file in
order, and copied into the output at the end, when the rules (and so every ``ruleIndex``) are known.

Order: files arrive in discovery order (sorted paths) and each file's results are sorted, so the
spool is already in the reporter's order. A finding that points into another file (rare) is kept
aside and merged in at its place, as are the results of files judged again for cross-file lineage.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import IO, Any, Iterator

from openness_policy.findings import Finding
from openness_policy.reporters import json_text
from openness_policy.reporters.sarif import keyed, sarif_document
from openness_policy.reporters.sarif_text import RESULT_INDENT, SENTINEL, around, body_fields, level_in, result_head


@dataclass
class Part:
    """One file's rendered results in order, as columns: sort keys, rule ids and texts (``body_fields``);
    plus the findings that point into other files."""

    display: str
    keys: list[tuple] = field(default_factory=list)
    rule_ids: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    elsewhere: list[Finding] = field(default_factory=list)


# A file's results as spooled: (display, rule ids, texts, sort keys). On disk the keys stay pickled (bytes) until
# a result kept aside has to be merged in among that file's results, which is rare.
Stored = tuple[str, list[str], list[str], Any]


def render_part(findings: list[Finding], display: str) -> Part:
    """Render a file's live findings (suppressed ones are not in the default SARIF output)."""
    part = Part(display)
    for key, f in keyed(findings):
        if f.pos.file != display:
            part.elsewhere.append(f)
            continue
        part.keys.append(key)
        part.rule_ids.append(f.rule.id)
        part.texts.append(body_fields(f, key[-1]))
    return part


def _dump(stored: Stored, fh: IO[bytes]) -> None:
    import pickle

    display, rule_ids, texts, keys = stored
    pickle.dump((display, rule_ids, texts, pickle.dumps(keys, pickle.HIGHEST_PROTOCOL)), fh, pickle.HIGHEST_PROTOCOL)


def _keys(stored: Stored) -> list[tuple]:
    import pickle

    keys = stored[3]
    return pickle.loads(keys) if isinstance(keys, bytes) else keys


def write_segment(parts: list[Part], folder: str | None) -> str:
    """Write the results of consecutive files to a file of their own (a worker does this, so the
    results never travel through the parent); the parts keep only what points elsewhere."""
    import tempfile

    fd, path = tempfile.mkstemp(prefix="op-sarif-", suffix=".spool", dir=folder)
    with os.fdopen(fd, "wb") as fh:
        for part in parts:
            if part.texts:
                _dump((part.display, part.rule_ids, part.texts, part.keys), fh)
            part.keys, part.rule_ids, part.texts = [], [], []
    return path


# Text handed to each out.write: ~60-120 KB (two pieces a result). Chunks of megabytes (and the encoded copy
# each write makes) are fresh memory from the system every time, paid for in page faults: ~0.15 s more for a
# 150 MB log at 2 MB a write.
WRITE_PIECES = 128

Batch = tuple[list[str], list[str]]  # rule ids and texts of consecutive results


def _merge(spooled: Iterator[Stored], late: list[tuple[tuple, str, str]]) -> Iterator[Batch]:
    """``heapq.merge`` of the spooled results and ``late`` (sorted) on the results' sort keys, a file's results
    at a time: on equal keys the spooled result comes first, as with ``heapq.merge``. Every spooled result of
    a file has that file's path as its key's first item, so a file's own keys are looked at only when a late
    result has that path too."""
    i, n = 0, len(late)
    for stored in spooled:
        display = stored[0]
        start = i
        while i < n and late[i][0][0] < display:  # before every result of this file
            i += 1
        if i > start:
            yield [r[1] for r in late[start:i]], [r[2] for r in late[start:i]]
        if i == n or late[i][0][0] != display:  # after every result of this file
            yield stored[1], stored[2]
            continue
        rule_ids: list[str] = []
        texts: list[str] = []
        for key, rule_id, text in zip(_keys(stored), stored[1], stored[2]):
            while i < n and late[i][0] < key:
                rule_ids.append(late[i][1])
                texts.append(late[i][2])
                i += 1
            rule_ids.append(rule_id)
            texts.append(text)
        yield rule_ids, texts
    if i < n:
        yield [r[1] for r in late[i:]], [r[2] for r in late[i:]]


class Spool:
    """Rendered results in order, on disk until :meth:`write`: this process's own file, or segments
    written by workers (one per chunk of files), never both."""

    HELD = 4000  # results kept in memory before they go to the spool file (a small run never writes one)

    def __init__(self, folder: str | None = None) -> None:
        self._folder = folder
        self._fh: IO[bytes] | None = None
        self._held: list[Stored] = []  # this process's newest results, not yet on disk
        self._held_count = 0
        self._segments: list[str] = []
        self._late: list[tuple[tuple, str, str]] = []
        self._replaced: set[str] = set()
        self._elsewhere: dict[str, list[Finding]] = {}

    def add(self, display: str, part: Part) -> None:
        if part.texts:
            assert not self._segments, "results from this process after a worker's segment"
            self._held.append((part.display, part.rule_ids, part.texts, part.keys))
            self._held_count += len(part.texts)
            if self._held_count > self.HELD:
                self._spill()
        if part.elsewhere:
            self._elsewhere[display] = list(part.elsewhere)

    def _spill(self) -> None:
        if self._fh is None:
            import tempfile

            self._fh = tempfile.TemporaryFile(dir=self._folder)
        for stored in self._held:
            _dump(stored, self._fh)
        self._held, self._held_count = [], 0

    def add_segment(self, path: str) -> None:
        """A worker's file of results, the next in order; deleted by :meth:`close`."""
        self._segments.append(path)

    def replace(self, display: str, part: Part) -> None:
        """New results for a file already added (judged again for cross-file lineage)."""
        self._replaced.add(display)
        self._elsewhere[display] = list(part.elsewhere)
        self._late.extend(zip(part.keys, part.rule_ids, part.texts))

    def _spooled(self) -> Iterator[Stored]:
        """Every file's spooled results in order, but those of files judged again."""
        if self._fh is not None:
            self._fh.seek(0)
            yield from self._read(self._fh)
        for stored in self._held:
            if stored[0] not in self._replaced:
                yield stored
        for path in self._segments:
            with open(path, "rb") as fh:
                yield from self._read(fh)

    def _read(self, fh: IO[bytes]) -> Iterator[Stored]:
        import pickle

        while True:
            try:
                stored = pickle.load(fh)
            except EOFError:
                return
            if stored[0] not in self._replaced:
                yield stored

    def batches(self, extra: list[Finding]) -> Iterator[Batch]:
        """Every result in the reporter's order, as batches: the spool merged with findings kept aside."""
        aside = [f for fs in self._elsewhere.values() for f in fs] + list(extra)
        if not aside and not self._late:
            return ((stored[1], stored[2]) for stored in self._spooled())
        late = sorted(self._late + [(key, f.rule.id, body_fields(f, key[-1])) for key, f in keyed(aside)],
                      key=lambda r: r[0])
        return _merge(self._spooled(), late)

    def write(self, out: IO[str], rules: dict[str, Any], *, extra: list[Finding], notices: list[str], models: int,
              files: int, suppressed: int, version: str, max_results: int = 0, results: int | None = None) -> None:
        """Write the SARIF log; ``rules`` must already hold every rule a result refers to. ``max_results``
        (0: no limit): keep the most severe, see ``sarif_limit``; ``results``: how many there are, when known
        (the spool is then read once more only when they are too many)."""
        from itertools import chain

        index = {rid: i for i, rid in enumerate(sorted(rules))}
        meta: dict[str, Any] = dict(notices=notices, models=models, files=files, suppressed=suppressed, version=version)
        document = sarif_document(rules, [SENTINEL], **meta)
        cap = None
        if max_results > 0 and (results is None or results > max_results):
            from openness_policy.reporters.sarif_limit import cap_for, mark_omitted

            cap = cap_for((level_in(t) for _ids, texts in self.batches(extra) for t in texts), max_results)
            if cap is not None:
                mark_omitted(document, cap.total, max_results)
        head, tail = around(document)
        empty = json_text.dumps(sarif_document(rules, [], **meta)) + "\n"
        first = {rid: result_head(rid, i) for rid, i in index.items()}  # a result's text up to its body_fields
        after = {rid: "," + RESULT_INDENT + text for rid, text in first.items()}  # the same after another result
        chunk: list[str] = []  # as sarif_text.join(head, texts, tail, empty) gives
        started = False
        for rule_ids, texts in self.batches(extra):
            if cap is not None:
                kept = [i for i, text in enumerate(texts) if cap.keep(level_in(text))]
                rule_ids, texts = [rule_ids[i] for i in kept], [texts[i] for i in kept]
            if not rule_ids:
                continue
            if not started:
                chunk += (head, first[rule_ids[0]], texts[0])
                rule_ids, texts, started = rule_ids[1:], texts[1:], True
            chunk.extend(chain.from_iterable(zip(map(after.__getitem__, rule_ids), texts)))
            if len(chunk) >= WRITE_PIECES:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk) + tail if started else empty)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        for path in self._segments:
            try:
                os.unlink(path)
            except OSError:
                pass
