"""Licence sets: the built-in catalogue file, registered through the same hook third parties use.

A plugin adds licences by registering the path of a YAML file shaped like
``policies/licenses/catalog.yaml`` (``licenses: [records]``). Its records join the built-in
catalogue; a clash with a built-in id or alias is an error naming both.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from openness_policy.hookspecs import hookimpl
from openness_policy.resources import data_dir


def builtin_path() -> Path:
    return data_dir("policies") / "licenses" / "catalog.yaml"


def load_records(path: Path) -> list[Any]:
    from ruamel.yaml import YAML

    from openness_policy.licenses.catalog import record_from_mapping

    with open(path, encoding="utf-8") as fh:
        doc = YAML(typ="safe", pure=False).load(fh)
    return [record_from_mapping(item, origin=str(path)) for item in (doc or {}).get("licenses", [])]


def catalog_for(registry: Any) -> Any:
    """The built-in catalogue plus every licence set plugins registered."""
    from openness_policy.errors import UserError
    from openness_policy.licenses.catalog import LicenseCatalog, LicenseClashError

    catalog = LicenseCatalog.builtin()
    builtin = builtin_path().resolve()
    for name in registry.license_sets:
        path = Path(name)
        if path.resolve() == builtin:
            continue
        try:
            catalog = catalog.with_records(load_records(path), allow_override=False)
        except LicenseClashError as exc:
            raise UserError(f"licence set {path} ({registry.provider[('license_sets', name)]}): {exc}") from None
        except (OSError, KeyError, TypeError, ValueError) as exc:
            raise UserError(f"licence set {path}: cannot load it: {exc}") from None
    return catalog


@hookimpl
def register_license_sets(register):
    register(builtin_path())
