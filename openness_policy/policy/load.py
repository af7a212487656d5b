"""Reading policy files: YAML with positions, schema validation, ``extends``, templates.

Every problem is a :class:`ConfigError` naming ``file:line:col``, the JSON path and a fix.
``extends`` may name ``builtin:NAME`` templates or other policy files inside the repository;
it never leaves the repository and never loops.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable

from openness_policy.errors import ConfigError, UserError
from openness_policy.limits import MAX_POLICY_BYTES
from openness_policy.plugin_types import RuleInfo
from openness_policy.policy.guards import check_nesting, read_policy
from openness_policy.policy.model import Policy, Rule, Scope, Waiver
from openness_policy.reading import Undecodable, Unsafe
from openness_policy.sourcemap import Located, key_string
from openness_policy.yamlload import YamlError, load_yaml

SCHEMA = "policy.schema.json"
COMBINATORS = ("all", "any", "not")


class PolicyLoader:
    """Loads policy files and templates into one :class:`Policy`.

    ``read(path) -> text`` abstracts where files come from (the work tree, or a git commit when
    policies are read from the pull request's base).
    """

    def __init__(self, registry: Any, root: Path, read: Callable[[Path], str] | None = None):
        self.registry, self.root = registry, root.resolve()
        self.read = read or (lambda p: read_policy(p, self.root))
        self.policy = Policy()
        self._stack: list[str] = []
        self._done: set[str] = set()

    def load_file(self, path: Path, display: str | None = None) -> None:
        resolved = path if path.is_absolute() else self.root / path
        disp = display or _display(resolved, self.root)
        if not _inside(resolved, self.root) and display is None:
            raise UserError(f"{disp}: policy files must be inside the repository ({self.root})")
        try:
            text = self.read(resolved)
        except FileNotFoundError:
            raise UserError(f"{disp}: policy file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"{disp}: cannot read policy file: {exc}") from None
        except (Unsafe, Undecodable) as exc:
            raise UserError(f"{disp}: the policy file {exc}") from None
        self._load_text(text, disp, resolved.parent)

    def load_template(self, name: str) -> None:
        tpl = self.registry.templates.get(name)
        if tpl is None:
            known = ", ".join(sorted(self.registry.templates)) or "(none)"
            raise UserError(f"unknown template '{name}'; known templates: {known}")
        key = f"builtin:{name}"
        if key in self._done:
            return
        self._done.add(key)
        self._load_doc(lambda: _template_doc(Path(tpl.path), key), key, None)

    def _load_text(self, text: str, display: str, folder: Path | None) -> None:
        self._load_doc(lambda: _policy_doc(text, display), display, folder)

    def _load_doc(self, parse: Callable[[], Located], display: str, folder: Path | None) -> None:
        if display in self._stack:
            chain = " -> ".join(self._stack + [display])
            raise UserError(f"{display}: `extends` loops: {chain}")
        if display in self._done and not display.startswith("builtin:"):
            return
        self._done.add(display)
        doc = parse()
        if doc.data is None:
            doc.data = {}
        self._validate(doc)
        self._stack.append(display)
        try:
            for i, ref in doc.items("extends"):
                self._extend(doc, i, ref, folder)
        finally:
            self._stack.pop()
        self._absorb(doc)
        self.policy.files.append(display)

    def _extend(self, doc: Located, i: int, ref: str, folder: Path | None) -> None:
        if ref.startswith("builtin:"):
            name = ref[len("builtin:"):]
            if name not in self.registry.templates:
                pos = doc.pos("extends", i)
                known = ", ".join(sorted(self.registry.templates)) or "(none)"
                raise ConfigError(pos.file, pos.line, pos.col, f"unknown template '{name}'",
                                  f"known templates: {known}", "extends" + f"[{i}]")
            self.load_template(name)
            return
        pos = doc.pos("extends", i)
        if folder is None:
            raise ConfigError(pos.file, pos.line, pos.col, "a built-in template can only extend other templates",
                              "use builtin:NAME", f"extends[{i}]")
        try:
            target = (folder / ref).resolve()
        except (OSError, RuntimeError, ValueError):  # a link loop, a NUL character
            raise ConfigError(pos.file, pos.line, pos.col, f"'{ref}' cannot be followed (a link loop or an invalid name)",
                              "extend a policy file inside the repository by its relative path", f"extends[{i}]") from None
        if not _inside(target, self.root):
            raise ConfigError(pos.file, pos.line, pos.col, f"'{ref}' is outside the repository",
                              "extend only policy files inside the repository", f"extends[{i}]")
        self.load_file(target)

    def _validate(self, doc: Located) -> None:
        from openness_policy.validation import schema_errors

        check_nesting(doc)  # before the schema, which follows requirements recursively
        try:
            errors = list(schema_errors(doc, SCHEMA))
        except RecursionError:  # not expected under the limits; never a traceback
            raise ConfigError(doc.file, 1, 1, "the policy is nested too deeply to check",
                              "flatten its all/any/not nesting") from None
        for path, message, hint in errors[:1]:
            pos = doc.pos(*path)
            raise ConfigError(pos.file, pos.line, pos.col, message, hint, "$" + ("." if path else "") + key_string(path))
        for i, rule in doc.items("rules"):
            self._check_requirement(doc, ("rules", i, "require"), rule.get("require"))
            if "when" in rule:
                self._check_requirement(doc, ("rules", i, "when"), rule.get("when"))

    def _check_requirement(self, doc: Located, path: tuple, req: Any) -> None:
        from openness_policy.policy.check_requirement import check_requirement

        check_requirement(doc, path, req, self.registry)

    def _absorb(self, doc: Located) -> None:
        pol = self.policy
        settings = doc.get("settings") or {}
        for key, value in settings.items():
            if key == "severity":
                pol.severity.update(value)
            else:
                pol.settings[key] = value
        for i, item in doc.items("rules"):
            pol.rules.append(_rule(doc, i, item))
        for i, item in doc.items("exceptions"):
            pol.waivers.append(_waiver(doc, i, item))
        for i, item in doc.items("licenses"):
            from openness_policy.licenses.catalog import record_from_mapping

            pos = doc.pos("licenses", i)
            try:
                rec = record_from_mapping({k: v for k, v in item.items() if k != "override"}, origin=pos.file)
            except (KeyError, TypeError, ValueError) as exc:
                raise ConfigError(pos.file, pos.line, pos.col, f"invalid licence record: {exc}",
                                  "see schemas/license-catalog.schema.json", f"licenses[{i}]") from None
            pol.licenses.append(rec)
            if item.get("override"):
                pol.license_overrides.add(rec.id)


def _rule(doc: Located, i: int, item: dict) -> Rule:
    refs = item.get("references") or []
    help_uri = refs[0] if refs else None
    info = RuleInfo(id=item["id"], title=item.get("title") or item["id"],
                    description=item.get("description") or item.get("title") or item["id"],
                    help=item.get("help") or item.get("description") or item.get("title") or item["id"],
                    level=item.get("severity", "error"), help_uri=help_uri, tags=tuple(item.get("tags") or ()),
                    source=doc.file, effective=_date(item.get("effective")))
    return Rule(info, item["require"], _scope(item.get("scope") or {}), item.get("when"), doc.pos("rules", i))


def _scope(raw: dict) -> Scope:
    labels = {k: tuple(map(str, v)) if isinstance(v, list) else (str(v),) for k, v in (raw.get("labels") or {}).items()}
    return Scope(labels, tuple(raw.get("paths") or ()), tuple(raw.get("formats") or ()), tuple(raw.get("models") or ()))


def _waiver(doc: Located, i: int, item: dict) -> Waiver:
    pos = doc.pos("exceptions", i)
    problem = ""
    reason = item.get("reason")
    expires = item.get("expires")
    if not isinstance(item.get("rule"), str) or not item.get("rule"):
        problem = "an exception must name the `rule` it waives"
    elif not isinstance(reason, str) or not reason.strip():
        problem = "an exception must carry a non-empty `reason`"
    elif expires is None:
        problem = "an exception must carry an `expires` date (YYYY-MM-DD)"
    elif _date(expires) is None:
        problem = f"`expires: {expires}` is not a date (YYYY-MM-DD)"
    scope = _scope({k: item.get(k) for k in ("labels", "paths", "formats", "models")})
    return Waiver(str(item.get("rule") or ""), str(reason or ""), _date(expires), scope, pos, problem)


def _date(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        return None


def _parse(text: str, display: str) -> Located:
    if len(text) > MAX_POLICY_BYTES:
        raise UserError(f"{display}: policy file larger than {MAX_POLICY_BYTES:,} bytes; split it with `extends`")
    try:
        return load_yaml(text, display)
    except YamlError as exc:
        raise ConfigError(display, exc.line, exc.col, exc.message if exc.hint else f"not valid YAML: {exc.message}",
                          exc.hint or "fix the YAML syntax at that line") from None


def _read_file(path: Path) -> str:
    """A shipped template (inside the installed package, so outside the repository): size-capped."""
    with open(path, encoding="utf-8-sig") as fh:
        return fh.read(MAX_POLICY_BYTES + 1)


# The code that turns a template's text into a Located: a change to any of them invalidates the cache.
READER_MODULES = ("openness_policy.yamlload", "openness_policy.yamlfast", "openness_policy.yamlflow",
                  "openness_policy.yamlscalar", "openness_policy.sourcemap")


def _template_doc(path: Path, display: str) -> Located:
    """A shipped template parsed, from the user's cache when neither the file nor the YAML reader has
    changed since (:mod:`openness_policy.data_cache`): its data, positions and problems as JSON."""
    from openness_policy.data_cache import load_data

    raw = load_data(path, lambda text: _encode(_parse(text, display)), kind="template", code=_reader_code(),
                    read=_read_file)
    return _decoded(raw, display, lambda: _parse(_read_file(path), display))


def _policy_doc(text: str, display: str) -> Located:
    """A policy file's text parsed, from the user's cache when this very text was parsed before by the
    same YAML reader (keyed by content: see ``data_cache.load_text_data``). Policy files are read on every
    run, and those written with block scalars or anchors would otherwise need libyaml's reader each time."""
    from openness_policy.data_cache import load_text_data

    if len(text) > MAX_POLICY_BYTES:
        return _parse(text, display)  # refused there, never cached
    raw = load_text_data(display, text, lambda t: _encode(_parse(t, display)), kind="policy", code=_reader_code())
    return _decoded(raw, display, lambda: _parse(text, display))


def _reader_code() -> tuple[str, ...]:
    """The sources whose change invalidates a cached parse: our YAML reader and ruamel.yaml with libyaml."""
    import sys

    from openness_policy.yamlscalar import parser_sources

    ours = tuple(m.__file__ for m in map(sys.modules.get, READER_MODULES) if m is not None and m.__file__)
    return ours + parser_sources()


def _decoded(raw: Any, display: str, parse_again: Callable[[], Located]) -> Located:
    try:
        return _decode(raw, display)
    except (KeyError, TypeError, ValueError, AttributeError):  # a cache entry of the wrong shape: parse again
        return parse_again()


def _encode(doc: Located) -> dict[str, Any]:
    """A template's Located as plain JSON data (the file name is not kept: it is the template's key)."""
    return {"data": doc.data, "line_offset": doc.line_offset,
            "marks": [[list(path), line, col] for path, (line, col) in doc.marks.items()],
            "problems": [[rule, list(path), message] for rule, path, message in doc.problems]}


def _decode(raw: dict[str, Any], display: str) -> Located:
    return Located(display, raw["data"], {tuple(path): (line, col) for path, line, col in raw["marks"]},
                   line_offset=raw["line_offset"],
                   problems=[(rule, tuple(path), message) for rule, path, message in raw["problems"]])


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except ValueError:
        return False
    except (OSError, RuntimeError):  # a link loop: the reader refuses it with a clearer message
        return True
    return True


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except (ValueError, OSError, RuntimeError):
        return str(path)
