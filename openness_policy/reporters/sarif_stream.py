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

import io
import os
from dataclasses import dataclass, field
from itertools import accumulate, chain, islice
from typing import IO, Any, Callable, Iterator

from openness_policy.findings import Finding
from openness_policy.reporters import json_text
from openness_policy.reporters.sarif import keyed, sarif_document
from openness_policy.reporters.sarif_segments import Stored, _keys, _load, _pieces, _segment, _stored
from openness_policy.reporters.sarif_text import RESULT_INDENT, SENTINEL, around, body_fields, level_at, result_head


@dataclass
class Part:
    """One file's rendered results in order, as columns: sort keys, rule ids and texts (``body_fields``);
    plus the findings that point into other files."""

    display: str
    keys: list[tuple] = field(default_factory=list)
    rule_ids: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    elsewhere: list[Finding] = field(default_factory=list)


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


# Bytes handed to each write: ~60-120 KB (two pieces a result). Chunks of megabytes (and the copy each join makes)
# are fresh memory from the system every time, paid for in page faults: ~0.15 s more for a 150 MB log at 2 MB a
# write.
WRITE_PIECES = 128

Batch = tuple[list[str], bytes, list[int]]  # rule ids of consecutive results, their texts (UTF-8), where each ends


def _batch(rule_ids: list[str], pieces: list[bytes]) -> Batch:
    return rule_ids, b"".join(pieces), list(accumulate(map(len, pieces)))


def _merge(spooled: Iterator[Stored], late: list[tuple[tuple, str, bytes]]) -> Iterator[Batch]:
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
            yield _batch([r[1] for r in late[start:i]], [r[2] for r in late[start:i]])
        if i == n or late[i][0][0] != display:  # after every result of this file
            yield stored[1], stored[2], stored[3]
            continue
        rule_ids: list[str] = []
        pieces: list[bytes] = []
        for key, rule_id, piece in zip(_keys(stored), stored[1], _pieces(stored)):
            while i < n and late[i][0] < key:
                rule_ids.append(late[i][1])
                pieces.append(late[i][2])
                i += 1
            rule_ids.append(rule_id)
            pieces.append(piece)
        yield _batch(rule_ids, pieces)
    if i < n:
        yield _batch([r[1] for r in late[i:]], [r[2] for r in late[i:]])


def _sink(out: IO[Any]) -> Callable[[bytes], Any]:
    """How bytes of the log reach ``out``: as they are to a byte stream, decoded to a text stream."""
    if isinstance(out, io.TextIOBase):
        return lambda data: out.write(data.decode("utf-8"))
    return out.write


class Spool:
    """Rendered results in order: segment files (written by workers, one per chunk of files, or by this
    process when it holds too many results), then this process's newest results."""

    HELD = 4000  # results kept in memory before they go to a segment (a small run never writes one)

    def __init__(self, folder: str | None = None) -> None:
        self._folder = folder
        self._held: list[Stored] = []  # this process's newest results, not yet on disk
        self._held_count = 0
        self._segments: list[str] = []
        self._from_workers = False
        self._late: list[tuple[tuple, str, bytes]] = []
        self._replaced: set[str] = set()
        self._elsewhere: dict[str, list[Finding]] = {}

    def add(self, display: str, part: Part) -> None:
        if part.texts:
            assert not self._from_workers, "results from this process after a worker's segment"
            self._held.append(_stored(part))
            self._held_count += len(part.texts)
            if self._held_count > self.HELD:
                files = [(display, rule_ids, ends, keys) for display, rule_ids, _blob, ends, keys in self._held]
                self._segments.append(_segment(files, [stored[2] for stored in self._held], self._folder))
                self._held, self._held_count = [], 0
        if part.elsewhere:
            self._elsewhere[display] = list(part.elsewhere)

    def add_segment(self, path: str) -> None:
        """A worker's file of results, the next in order; deleted by :meth:`close`."""
        self._from_workers = True
        self._segments.append(path)

    def replace(self, display: str, part: Part) -> None:
        """New results for a file already added (judged again for cross-file lineage)."""
        self._replaced.add(display)
        self._elsewhere[display] = list(part.elsewhere)
        self._late.extend(zip(part.keys, part.rule_ids, (t.encode("utf-8") for t in part.texts)))

    def _spooled(self) -> Iterator[Stored]:
        """Every file's spooled results in order, but those of files judged again."""
        for path in self._segments:
            yield from _load(path, self._replaced)
        for stored in self._held:
            if stored[0] not in self._replaced:
                yield stored

    def batches(self, extra: list[Finding]) -> Iterator[Batch]:
        """Every result in the reporter's order, as batches: the spool merged with findings kept aside."""
        aside = [f for fs in self._elsewhere.values() for f in fs] + list(extra)
        if not aside and not self._late:
            return ((stored[1], stored[2], stored[3]) for stored in self._spooled())
        late = sorted(self._late + [(key, f.rule.id, body_fields(f, key[-1]).encode("utf-8"))
                                    for key, f in keyed(aside)], key=lambda r: r[0])
        return _merge(self._spooled(), late)

    def write(self, out: IO[Any], rules: dict[str, Any], *, extra: list[Finding], notices: list[str], models: int,
              files: int, suppressed: int, version: str, max_results: int = 0, results: int | None = None) -> None:
        """Write the SARIF log to ``out``, a text stream or a byte stream (it gets the log in UTF-8, which is
        how it is spooled); ``rules`` must already hold every rule a result refers to. ``max_results``
        (0: no limit): keep the most severe, see ``sarif_limit``; ``results``: how many there are, when known
        (the spool is then read once more only when they are too many)."""
        index = {rid: i for i, rid in enumerate(sorted(rules))}
        meta: dict[str, Any] = dict(notices=notices, models=models, files=files, suppressed=suppressed, version=version)
        document = sarif_document(rules, [SENTINEL], **meta)
        cap = None
        if max_results > 0 and (results is None or results > max_results):
            from openness_policy.reporters.sarif_limit import cap_for, mark_omitted

            cap = cap_for((level_at(blob, start) for _ids, blob, ends in self.batches(extra) for start in [0, *ends[:-1]]),
                          max_results)
            if cap is not None:
                mark_omitted(document, cap.total, max_results)
        head, tail = (text.encode("utf-8") for text in around(document))
        # a result's text up to its body_fields, first in the log and after another result
        first = {rid: result_head(rid, i).encode("utf-8") for rid, i in index.items()}
        after = {rid: b"," + RESULT_INDENT.encode("ascii") + text for rid, text in first.items()}
        sink = _sink(out)
        chunk: list[Any] = []  # as sarif_text.join(head, texts, tail, empty) gives, in UTF-8
        started = False
        for rule_ids, blob, ends in self.batches(extra):
            if cap is not None:
                kept = [i for i, start in enumerate([0, *ends[:-1]]) if cap.keep(level_at(blob, start))]
                pieces = _pieces(("", rule_ids, blob, ends, []))
                rule_ids, blob, ends = _batch([rule_ids[i] for i in kept], [pieces[i] for i in kept])
            if not rule_ids:
                continue
            heads: Iterator[bytes] = map(after.__getitem__, rule_ids)
            if not started:
                chunk += (head,)
                heads = chain((first[rule_ids[0]],), islice(heads, 1, None))
                started = True
            # each result: what comes before its body (by its rule), then its body from the spool
            texts = map(memoryview(blob).__getitem__, map(slice, chain((0,), ends), ends))
            chunk.extend(chain.from_iterable(zip(heads, texts)))
            if len(chunk) >= WRITE_PIECES:
                sink(b"".join(chunk))
                chunk.clear()
        if started:
            sink(b"".join(chunk) + tail)
        else:  # no result: the log as the reporter writes it with an empty list
            sink((json_text.dumps(sarif_document(rules, [], **meta)) + "\n").encode("utf-8"))

    def close(self) -> None:
        for path in self._segments:
            try:
                os.unlink(path)
            except OSError:
                pass
