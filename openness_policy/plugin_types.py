"""What plugins register. Plain dataclasses: the host stores them with the plugin that gave them."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from openness_policy.record import ModelRecord
    from openness_policy.sourcemap import Pos


@dataclass(frozen=True)
class Source:
    """A file handed to a format plugin: its text plus safe access to files beside it."""

    path: Path  # real path on disk (or a virtual path for git objects)
    display: str  # repo-relative POSIX path used in every finding
    text: str
    read_sibling: Callable[[str], str | None] = lambda name: None  # text of a file in the same folder
    list_siblings: Callable[[], list[str]] = lambda: []  # names of files in the same folder


@dataclass(frozen=True)
class FormatSpec:
    """A manifest format: how discovery finds its files and how they load into records."""

    name: str
    description: str
    filenames: tuple[str, ...]  # fnmatch patterns on the file name, for discovery
    detect: Callable[[str, str], bool]  # (file name, first 4 KiB of text) -> is it ours?
    load: Callable[[Source], "list[ModelRecord]"]
    priority: int = 0  # higher is asked first
    docs: str = ""  # detection rule and mapping table, for the README and `plugins`
    # The mapping keys a record's name is read from: its name (lower case) is one such key's scalar
    # value, or ends with "/" and that value (group/name), or is a folder name in the file's path.
    # A key matches every key ending with it ("name" covers "model_name"). Pull-request mode then
    # skips files that merely mention a base model's name; None (unknown): every such file is read.
    name_keys: tuple[str, ...] | None = None


@dataclass(unsafe_hash=True, slots=True)
class Violation:
    """One way a model fails a requirement or check, and where.

    Never changed once made (hashable, like a frozen dataclass); not a frozen one because a frozen
    dataclass costs ~0.6 us more to make, and every manifest makes a dozen or more."""

    message: str
    pos: "Pos"
    key: str = ""  # extra fingerprint key when one requirement yields several violations
    level: str | None = None  # overrides the rule's default level (e.g. a format's warning-level problem)


@dataclass(frozen=True)
class RequirementKind:
    """A kind of requirement policy rules can use, with the schema of its value."""

    name: str  # the key used in a policy rule's `require:`
    description: str
    schema: dict[str, Any]  # JSON Schema of its value
    check: Callable[[Any, Any], "list[Violation]"]  # (value, EvalContext) -> violations
    example: str = ""


@dataclass(frozen=True)
class RuleInfo:
    """What reports say about a rule: id, texts, default level, links."""

    id: str
    title: str
    description: str
    help: str
    level: str = "error"  # error | warning | note
    help_uri: str | None = None
    tags: tuple[str, ...] = ()
    source: str = "builtin"
    effective: str | None = None  # ISO date from which the duty applies (notes before then)


@dataclass(frozen=True)
class Check:
    """A check run on every model, policy or not."""

    rule: RuleInfo
    run: Callable[[Any], "list[Violation]"]  # (EvalContext) -> violations
    extra_rules: tuple[RuleInfo, ...] = field(default=())


@dataclass(frozen=True)
class Template:
    """A built-in policy template, usable as ``builtin:NAME``."""

    name: str
    path: Path
    description: str


@dataclass(frozen=True)
class Reporter:
    """An output format."""

    name: str
    description: str
    render: Callable[[Any], str]  # (Report) -> text
