"""``plugins`` (what each plugin provides) and ``licenses list|show`` (the licence catalogue)."""
from __future__ import annotations

import json

import click


@click.command("plugins")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def plugins_command(fmt) -> int:
    """List every plugin, built-in or installed, and what it provides."""
    from openness_policy.plugins import HOOKS, load_registry

    reg = load_registry()
    by_plugin: dict[str, dict[str, list[str]]] = {}
    for (hook, name), plugin in sorted(reg.provider.items(), key=lambda kv: (kv[1], kv[0])):
        by_plugin.setdefault(plugin, {}).setdefault(hook, []).append(name)
    if fmt == "json":
        doc = [{"name": p, "builtin": p.startswith("openness_policy."), "provides": provides}
               for p, provides in by_plugin.items()]
        click.echo(json.dumps({"plugins": doc}, indent=2))
        return 0
    for plugin, provides in by_plugin.items():
        click.echo(plugin + ("" if plugin.startswith("openness_policy.") else "  (installed)"))
        for hook in HOOKS:
            if hook in provides:
                click.echo(f"  {hook}: {', '.join(provides[hook])}")
    return 0


@click.group("licenses")
def licenses_group() -> None:
    """The licence catalogue: ids, OSI approval and clauses with their sections."""


@licenses_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def licenses_list(fmt) -> int:
    """List every licence in the catalogue."""
    from openness_policy.licenses.catalog import LicenseCatalog

    records = sorted(LicenseCatalog.builtin().records(), key=lambda r: r.id.lower())
    if fmt == "json":
        click.echo(json.dumps({"licenses": [_record_dict(r) for r in records]}, indent=2))
        return 0
    for r in records:
        flags = ",".join(c.id for c in r.clauses) or "-"
        osi = "OSI" if r.osi_approved else "   "
        click.echo(f"{r.id:32} {osi}  {r.name}  [{flags}]")
    return 0


@licenses_group.command("show")
@click.argument("license_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def licenses_show(license_id, fmt) -> int:
    """Show one licence (by id, SPDX id, Hugging Face hub id or alias) with its clauses and citations."""
    from openness_policy.errors import UserError
    from openness_policy.licenses.catalog import LicenseCatalog

    rec = LicenseCatalog.builtin().lookup(license_id)
    if rec is None:
        raise UserError(f"unknown licence '{license_id}'; see `openness-policy licenses list`")
    if fmt == "json":
        click.echo(json.dumps(_record_dict(rec), indent=2))
        return 0
    click.echo(f"{rec.name}  ({rec.id})")
    click.echo(f"  SPDX: {rec.spdx or '-'}   Hugging Face: {', '.join(rec.hf) or '-'}")
    if rec.aliases:
        click.echo(f"  aliases: {', '.join(rec.aliases)}")
    click.echo(f"  OSI-approved: {'yes' if rec.osi_approved else 'no'}   open (MOF sense): {'yes' if rec.open else 'no'}"
               f"   MOF content types: {', '.join(rec.mof_types) or '-'}")
    click.echo("  grants: " + ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in rec.grants.items()))
    if rec.ambiguous or rec.placeholder:
        click.echo("  note: this id does not identify one licence; it is treated as unknown")
    click.echo("  clauses:" if rec.clauses else "  clauses: none")
    for c in rec.clauses:
        extra = f" threshold {c.threshold:,}" if c.threshold else ""
        extra += f" ({c.region + ', ' if c.region else ''}{c.scope})" if c.scope else (f" ({c.region})" if c.region else "")
        mark = "" if c.verified else "  [unverified]"
        click.echo(f"    {c.id:24} {c.section:10} {c.summary}{extra}{mark}")
    click.echo(f"  source: {rec.source}{'' if rec.verified else '  [unverified]'}")
    if rec.notes:
        click.echo(f"  notes: {rec.notes}")
    return 0


def _record_dict(r) -> dict:
    return {"id": r.id, "name": r.name, "spdx": r.spdx, "hf": list(r.hf), "aliases": list(r.aliases),
            "osi_approved": r.osi_approved, "open": r.open, "mof_types": list(r.mof_types), "grants": dict(r.grants),
            "clauses": [{"id": c.id, "section": c.section, "summary": c.summary, "threshold": c.threshold,
                         "scope": c.scope, "region": c.region, "verified": c.verified} for c in r.clauses],
            "source": r.source, "verified": r.verified, "ambiguous": r.ambiguous, "placeholder": r.placeholder}
