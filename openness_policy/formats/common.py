"""Small helpers shared by format plugins: facts from located values, records, problems."""
from __future__ import annotations

from typing import Any

from openness_policy.record import Fact, ModelRecord, Problem
from openness_policy.sourcemap import Located


def fact(doc: Located, *path: Any, how: str = "declared", note: str = "") -> Fact | None:
    """A Fact for the value at ``path``, or None when it is absent or null."""
    value = doc.get(*path)
    if value is None:
        return None
    return Fact(value, doc.pos(*path), how, note)


def text_fact(doc: Located, *path: Any, how: str = "declared") -> Fact | None:
    """Like :func:`fact`, but only for scalar values, converted to text (a list or map is ignored)."""
    value = doc.get(*path)
    if value is None or isinstance(value, (dict, list)):
        return None
    return Fact(value if isinstance(value, str) else str(value), doc.pos(*path), how)


def new_record(doc: Located, fmt: str, *root: Any, index: int = 0) -> ModelRecord:
    rec = ModelRecord(path=doc.file, format=fmt, pos=doc.pos(*root), index=index)
    for rule, path, message in doc.problems:
        rec.problems.append(Problem(rule="manifest-invalid", message=message, pos=doc.pos(*path), level="warning",
                                    fix="remove the duplicate key"))
    return rec


def unreadable(display: str, message: str, line: int = 1, col: int = 1, fmt: str = "unknown",
               fix: str = "fix the syntax error so the manifest can be judged") -> ModelRecord:
    """A record that stands for a manifest we could not read: it carries one error problem."""
    from openness_policy.sourcemap import Pos

    pos = Pos(display, line, col)
    rec = ModelRecord(path=display, format=fmt, pos=pos)
    rec.problems.append(Problem(rule="manifest-unreadable", message=message, pos=pos, fix=fix))
    return rec


def regulatory_facts(rec: ModelRecord, doc: Located, path: tuple, prefix: str = "", depth: int = 0) -> None:
    """Regulatory facts from the mapping at ``path``, under dotted keys (``ab2013.sources_owners``).

    A nested mapping is a fact too, and an anchor for its missing keys. An empty string counts as not
    given. Used by every format that can carry our ``regulatory`` block."""
    for key, value in doc.get(*path).items():
        f = fact(doc, *path, key)
        if f is None or value == "":
            continue
        rec.regulatory[prefix + key] = f
        if isinstance(value, dict) and depth < 4:
            rec.anchors[f"regulatory.{prefix}{key}"] = doc.pos(*path, key)
            regulatory_facts(rec, doc, path + (key,), f"{prefix}{key}.", depth + 1)
