"""Shipped YAML data files, parsed once per installation instead of once per run.

Parsing the licence catalogue (84 KB of YAML) costs ~40 ms, a fifth of a one-file run; reading the same
data back as JSON costs ~1 ms. :func:`load_yaml_data` keeps the parsed data as JSON in the user's cache
folder (``$OPENNESS_POLICY_CACHE_DIR``, else ``$XDG_CACHE_HOME/openness-policy``, else
``~/.cache/openness-policy``), keyed by the file's path, size, modification time and the tool version,
so an edited or upgraded file is parsed again. Nothing is downloaded and nothing else is stored. A
cache that cannot be read or written is ignored; ``OPENNESS_POLICY_NO_CACHE=1`` turns it off.
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


def _key(path: Path) -> tuple[str, str]:
    from openness_policy import __version__

    st = path.stat()
    ident = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    return f"{path.stem}-{ident}.json", f"{__version__}:{st.st_size}:{st.st_mtime_ns}"


def load_yaml_data(path: Path, parse: Callable[[str], Any]) -> Any:
    """``parse(text)`` of the file at ``path``, from the cache when the file has not changed.

    Only plain JSON data (dicts, lists, strings, numbers, booleans, null) is cached, so what comes back
    from the cache equals what ``parse`` returned.
    """
    folder = cache_dir()
    if folder is None:
        return parse(path.read_text(encoding="utf-8"))
    name, stamp = _key(path)
    try:
        with open(folder / name, encoding="utf-8") as fh:
            entry = json.load(fh)
        if isinstance(entry, dict) and entry.get("stamp") == stamp:
            return entry["data"]
    except (OSError, ValueError, KeyError):
        pass
    data = parse(path.read_text(encoding="utf-8"))
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
