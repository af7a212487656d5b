"""Shipped YAML data files, parsed once per installation instead of once per run.

Parsing the licence catalogue (84 KB of YAML) costs ~40 ms, a fifth of a one-file run; reading the same
data back as JSON costs ~1 ms. :func:`load_yaml_data` keeps the parsed data as JSON in the user's cache
folder (``$OPENNESS_POLICY_CACHE_DIR``, else ``$XDG_CACHE_HOME/openness-policy``, else
``~/.cache/openness-policy``), keyed by the file's path, size, modification time and the tool version,
so an edited or upgraded file is parsed again; :func:`load_data` adds the size and modification time of
the parser's own source files to the key (the built-in policy templates, read by our own YAML reader).
:func:`load_text_data` keys a repository's own files (policy files) by their content instead.
Nothing is downloaded and nothing else is stored. A cache that cannot be read or written is ignored;
``OPENNESS_POLICY_NO_CACHE=1`` turns it off.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Callable


def cache_dir() -> Path | None:
    if os.environ.get("OPENNESS_POLICY_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("OPENNESS_POLICY_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "openness-policy"


def _key(path: Path, kind: str = "", code: tuple[str, ...] = ()) -> tuple[str, str | None]:
    """The entry's file name and the stamp it must carry (None: a parser source cannot be looked at)."""
    from openness_policy import __version__

    st = path.stat()
    ident = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    stamp = _with_code(f"{__version__}:{st.st_size}:{st.st_mtime_ns}", code)
    return f"{kind + '-' if kind else ''}{path.stem}-{ident}.json", stamp


def _with_code(stamp: str, code: tuple[str, ...]) -> str | None:
    """``stamp`` with the size and modification time of each parser source (None: one cannot be looked at)."""
    for file in code:
        try:
            cst = os.stat(file)
        except OSError:
            return None
        stamp += f":{cst.st_size}:{cst.st_mtime_ns}"
    return stamp


def _read_utf8(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def load_yaml_data(path: Path, parse: Callable[[str], Any]) -> Any:
    """``parse(text)`` of the file at ``path``, from the cache when the file has not changed.

    Only plain JSON data (dicts, lists, strings, numbers, booleans, null) is cached, so what comes back
    from the cache equals what ``parse`` returned.
    """
    return load_data(path, parse)


def load_data(path: Path, parse: Callable[[str], Any], *, kind: str = "", code: tuple[str, ...] = (),
              read: Callable[[Path], str] = _read_utf8) -> Any:
    """:func:`load_yaml_data` with ``read(path)`` for the text; ``kind`` names the entry (two parsers of one
    file never share one) and the size and modification time of each file in ``code`` (the parser's
    source) join the key, so a changed parser never trusts what the old one cached."""
    folder = cache_dir()
    if folder is None:
        return parse(read(path))
    name, stamp = _key(path, kind, code)
    return _cached(folder, name, stamp, lambda: parse(read(path)))


def load_text_data(name: str, text: str, parse: Callable[[str], Any], *, kind: str,
                   code: tuple[str, ...] = ()) -> Any:
    """``parse(text)``, from the cache when this same text (by its SHA-256) was parsed before under ``name``
    by this tool version and parser code (``code``, as in :func:`load_data`). For files read on every run
    that are not shipped with the tool (a repository's policy files): the key is the content, not a
    modification time, so an edit is always seen. One entry per ``name``; a new text replaces it."""
    from openness_policy import __version__

    folder = cache_dir()
    if folder is None:
        return parse(text)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    entry = f"{kind}-{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}.json"
    return _cached(folder, entry, _with_code(f"{__version__}:{digest}", code), lambda: parse(text))


def _cached(folder: Path, name: str, stamp: str | None, compute: Callable[[], Any]) -> Any:
    """The data of entry ``name`` if it carries ``stamp``, else ``compute()``, stored under that stamp."""
    if stamp is None:
        return compute()
    try:
        with open(folder / name, encoding="utf-8") as fh:
            entry = json.load(fh)
        if isinstance(entry, dict) and entry.get("stamp") == stamp:
            return entry["data"]
    except (OSError, ValueError, KeyError):
        pass
    data = compute()
    _store(folder, name, stamp, data)
    return data


def _store(folder: Path, name: str, stamp: str, data: Any) -> None:
    try:
        text = json.dumps({"stamp": stamp, "data": data}, allow_nan=False)
    except (TypeError, ValueError):  # not plain JSON data (a date, say): never cache what would change
        return
    if json.loads(text)["data"] != data:  # e.g. non-string keys or tuples: not a faithful round trip
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        import tempfile  # only when the cache is (re)written

        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, folder / name)  # atomic: a concurrent reader sees the old entry or the new one
    except OSError:
        try:
            os.unlink(tmp)
        except (OSError, UnboundLocalError):
            pass
