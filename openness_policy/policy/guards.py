"""Policy files read defensively: like manifests (never a FIFO, device or folder, never through a
link out of the repository, never past the size limit), and requirement nesting measured
iteratively before anything recursive (the policy schema) looks at it."""
from __future__ import annotations

import os
from pathlib import Path

from openness_policy.errors import ConfigError
from openness_policy.limits import MAX_POLICY_BYTES, MAX_REQUIREMENT_DEPTH
from openness_policy.reading import check_path, decode, read_bytes
from openness_policy.sourcemap import Located, key_string

COMBINATORS = ("all", "any", "not")


def read_policy(path: Path, root: Path) -> str:
    """A policy file from the work tree, read like a manifest: never a FIFO, device or directory,
    never through a link out of the repository, never more than ``MAX_POLICY_BYTES``."""
    if not os.path.lexists(path):
        raise FileNotFoundError(str(path))
    return decode(read_bytes(check_path(path, root, MAX_POLICY_BYTES), MAX_POLICY_BYTES))


def check_nesting(doc: Located) -> None:
    """Refuse all/any/not nested deeper than ``MAX_REQUIREMENT_DEPTH`` (iteratively, before anything
    recursive looks at the rules)."""
    for i, rule in doc.items("rules"):
        if not isinstance(rule, dict):
            continue
        stack = [(("rules", i, key), rule[key], 0) for key in ("require", "when") if key in rule]
        while stack:
            path, req, depth = stack.pop()
            if depth > MAX_REQUIREMENT_DEPTH:
                pos = doc.pos(*path)
                raise ConfigError(pos.file, pos.line, pos.col,
                                  f"requirements are nested more than {MAX_REQUIREMENT_DEPTH} levels deep",
                                  "flatten the all/any/not nesting", "$." + key_string(path))
            if not isinstance(req, dict):
                continue
            for kind in COMBINATORS:
                sub = req.get(kind)
                if kind == "not" and sub is not None:
                    stack.append((path + (kind,), sub, depth + 1))
                elif isinstance(sub, list):
                    stack.extend((path + (kind, j), item, depth + 1) for j, item in enumerate(sub))
