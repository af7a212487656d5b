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
from openness_policy.reporters.sarif_text import RESULT_INDENT, SENTINEL, around, body_text, result_text


@dataclass
class Part:
    """One file's rendered results: ``(sort key, rule id, text)``, plus findings that point elsewhere."""

    results: list[tuple[tuple, str, str]] = field(default_factory=list)
    elsewhere: list[Finding] = field(default_factory=list)


def render_part(findings: list[Finding], display: str) -> Part:
    """Render a file's live findings (suppressed ones are not in the default SARIF output)."""
    part = Part()
    results = part.results
    for key, f in keyed(findings):
        if f.pos.file != display:
            part.elsewhere.append(f)
            continue
        results.append((key, f.rule.id, body_text(f, key[-1])))
    return part


def write_segment(parts: list[Part], folder: str | None) -> str:
    """Write the results of consecutive files to a file of their own (a worker does this, so the
    results never travel through the parent); the parts keep only what points elsewhere."""
    import pickle
    import tempfile

    fd, path = tempfile.mkstemp(prefix="op-sarif-", suffix=".spool", dir=folder)
    with os.fdopen(fd, "wb") as fh:
        for part in parts:
            if part.results:
                pickle.dump(part.results, fh, pickle.HIGHEST_PROTOCOL)
            part.results = []
    return path


def _merge(spooled: Iterator[tuple[tuple, str, str]], late: list[tuple[tuple, str, str]]) -> Iterator[tuple[tuple, str, str]]:
    """``heapq.merge(spooled, late, key=...)`` on the results' sort keys, for a long stream and a short list:
    one comparison per result. On equal keys the spooled result comes first, as with ``heapq.merge``."""
    i, n = 0, len(late)
    for item in spooled:
        key = item[0]
        while i < n and late[i][0] < key:
            yield late[i]
            i += 1
        yield item
    yield from late[i:]


class Spool:
    """Rendered results in order, on disk until :meth:`write`: this process's own file, or segments
    written by workers (one per chunk of files), never both."""

    HELD = 4000  # results kept in memory before they go to the spool file (a small run never writes one)

    def __init__(self, folder: str | None = None) -> None:
        self._folder = folder
        self._fh: IO[bytes] | None = None
        self._held: list[list[tuple[tuple, str, str]]] = []  # this process's newest results, not yet on disk
        self._held_count = 0
        self._segments: list[str] = []
        self._late: list[tuple[tuple, str, str]] = []
        self._replaced: set[str] = set()
        self._elsewhere: dict[str, list[Finding]] = {}

    def add(self, display: str, part: Part) -> None:
        if part.results:
            assert not self._segments, "results from this process after a worker's segment"
            self._held.append(part.results)
            self._held_count += len(part.results)
            if self._held_count > self.HELD:
                self._spill()
        if part.elsewhere:
            self._elsewhere[display] = list(part.elsewhere)

    def _spill(self) -> None:
        import pickle

        if self._fh is None:
            import tempfile

            self._fh = tempfile.TemporaryFile(dir=self._folder)
        for batch in self._held:
            pickle.dump(batch, self._fh, pickle.HIGHEST_PROTOCOL)
        self._held, self._held_count = [], 0

    def add_segment(self, path: str) -> None:
        """A worker's file of results, the next in order; deleted by :meth:`close`."""
        self._segments.append(path)

    def replace(self, display: str, part: Part) -> None:
        """New results for a file already added (judged again for cross-file lineage)."""
        self._replaced.add(display)
        self._elsewhere[display] = list(part.elsewhere)
        self._late.extend(part.results)

    def _spooled(self) -> Iterator[tuple[tuple, str, str]]:
        if self._fh is not None:
            self._fh.seek(0)
            yield from self._read(self._fh)
        for batch in self._held:
            yield from self._unreplaced(batch)
        for path in self._segments:
            with open(path, "rb") as fh:
                yield from self._read(fh)

    def _read(self, fh: IO[bytes]) -> Iterator[tuple[tuple, str, str]]:
        import pickle

        while True:
            try:
                batch = pickle.load(fh)
            except EOFError:
                return
            yield from self._unreplaced(batch)

    def _unreplaced(self, batch: list[tuple[tuple, str, str]]) -> Iterator[tuple[tuple, str, str]]:
        if not self._replaced:
            yield from batch
            return
        for item in batch:
            if item[0][0] not in self._replaced:
                yield item

    def results(self, extra: list[Finding]) -> Iterator[tuple[tuple, str, str]]:
        """Every result in the reporter's order: the spool merged with findings kept aside."""
        aside = [f for fs in self._elsewhere.values() for f in fs] + list(extra)
        if not aside and not self._late:
            return self._spooled()
        late = sorted(self._late + [(key, f.rule.id, body_text(f, key[-1])) for key, f in keyed(aside)],
                      key=lambda r: r[0])
        return _merge(self._spooled(), late)

    def write(self, out: IO[str], rules: dict[str, Any], *, extra: list[Finding], notices: list[str], models: int,
              files: int, suppressed: int, version: str) -> None:
        """Write the SARIF log; ``rules`` must already hold every rule a result refers to."""
        index = {rid: i for i, rid in enumerate(sorted(rules))}
        meta: dict[str, Any] = dict(notices=notices, models=models, files=files, suppressed=suppressed, version=version)
        head, tail = around(sarif_document(rules, [SENTINEL], **meta))
        empty = json_text.dumps(sarif_document(rules, [], **meta)) + "\n"
        out_started = False
        starts = {rid: result_text(rid, i, "{") for rid, i in index.items()}  # each result's text up to its body
        between = "," + RESULT_INDENT
        chunk: list[str] = []
        for _key, rule_id, body in self.results(extra):  # as sarif_text.join(head, result_text(...), ...) gives
            chunk += (between if chunk or out_started else head, starts[rule_id], body[1:])
            if len(chunk) >= 3000:
                out.write("".join(chunk))
                chunk, out_started = [], True
        if chunk or out_started:
            out.write("".join(chunk) + tail)
        else:
            out.write(empty)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        for path in self._segments:
            try:
                os.unlink(path)
            except OSError:
                pass
