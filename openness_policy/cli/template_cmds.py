"""``templates list|show``, ``test`` (policy unit tests) and ``doc`` (Markdown documentation of a policy).

Each command's work is a plain function returning text or an exit code, so it is tested without the CLI.
"""
from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import click

from openness_policy.cli import options


def builtin_tests() -> Path:
    from openness_policy.resources import data_dir

    return data_dir("policies") / "templates" / "tests"


def source_meta(path: Path) -> tuple[str, str, dict[str, list[str]]]:
    """(name, description, rule id -> references) of one policy or template file; blanks when unreadable."""
    from openness_policy.yamlload import YamlError, load_yaml

    try:
        data = load_yaml(path.read_text(encoding="utf-8"), str(path)).data
    except (OSError, UnicodeDecodeError, YamlError):
        return "", "", {}
    if not isinstance(data, dict):
        return "", "", {}
    refs = {r["id"]: [str(u) for u in r.get("references") or []] for r in data.get("rules") or []
            if isinstance(r, dict) and isinstance(r.get("id"), str)}
    return str(data.get("name") or ""), " ".join(str(data.get("description") or "").split()), refs


def load_policy(ref: str, registry: Any, cwd: Path) -> tuple[Any, Path | None]:
    """A policy by ``builtin:NAME`` (or a bare template name) or file path, and the file it came from."""
    from openness_policy.discover import find_root
    from openness_policy.policy.load import PolicyLoader

    loader = PolicyLoader(registry, find_root(cwd))
    name = ref[len("builtin:"):] if ref.startswith("builtin:") else ref
    if ref.startswith("builtin:") or (name in registry.templates and not (cwd / ref).exists()):
        loader.load_template(name)  # unknown names raise, listing the known ones
        return loader.policy, Path(registry.templates[name].path)
    path = (cwd / ref).absolute()
    loader.load_file(path, display=ref)
    return loader.policy, path


def all_references(policy: Any, registry: Any, top: Path | None) -> dict[str, list[str]]:
    refs: dict[str, list[str]] = {}
    for shown in policy.files:
        path = Path(registry.templates[shown[8:]].path) if shown.startswith("builtin:") else top
        if path is not None:
            refs.update(source_meta(path)[2])
    return refs


def template_rows(registry: Any) -> list[dict[str, Any]]:
    rows = []
    for name in sorted(registry.templates):
        policy, path = load_policy(f"builtin:{name}", registry, Path.cwd())
        _, description, _ = source_meta(path)
        rows.append({"name": name, "rules": len(policy.rules), "extends": [f for f in policy.files[:-1]],
                     "description": description, "provider": registry.provider.get(("templates", name), "")})
    return rows


def show_text(name: str, registry: Any, today: str | None) -> str:
    policy, path = load_policy(f"builtin:{name}", registry, Path.cwd())
    _, description, _ = source_meta(path)
    refs = all_references(policy, registry, path)
    out = [f"{name}: {len(policy.rules)} rules", description]
    if len(policy.files) > 1:
        out.append("extends: " + ", ".join(policy.files[:-1]))
    for rule in policy.rules:
        info = rule.info
        when = ""
        if info.effective:
            due = today is not None and today >= info.effective
            when = f", in force from {info.effective}" + (
                "" if today is None else (" (in force)" if due else f" (a note on {today})"))
        out += ["", f"{info.id}  [{info.level}{when}]", f"  {info.title}"]
        for url in refs.get(info.id) or ([info.help_uri] if info.help_uri else []):
            out.append(f"  cite: {url}")
        out.append(textwrap.fill(info.help, 100, initial_indent="  help: ", subsequent_indent="        "))
    return "\n".join(out)


def doc_markdown(ref: str, registry: Any, cwd: Path) -> str:
    from openness_policy.policy.docgen import render

    policy, path = load_policy(ref, registry, cwd)
    name, description, _ = source_meta(path) if path else ("", "", {})
    title = name or ref
    return render(policy, registry.requirements, title, description, all_references(policy, registry, path))


def run_tests(folder: str | None, today: str | None, *, verbose: bool, require_coverage: bool,
              fmt: str = "text") -> tuple[int, str]:
    from openness_policy.plugins import load_registry
    from openness_policy.policy.testing import discover, run
    from openness_policy.policy.testing_eval import render

    root = Path(folder) if folder else builtin_tests()
    result = run(discover(root), load_registry(), today)
    gaps = result.uncovered() if require_coverage else []
    code = 1 if result.failed or gaps else 0
    if fmt == "json":
        cov = result.coverage()
        doc = {"passed": len(result.outcomes) - len(result.failed), "failed": len(result.failed),
               "results": [{"case": o.case.name, "manifest": o.manifest, "today": o.today, "ok": not o.failures,
                            "failures": o.failures} for o in result.outcomes],
               "coverage": {rid: {"failing": a, "passing": b} for rid, (a, b) in sorted(cov.items())}}
        return code, json.dumps(doc, indent=2)
    text = render(result, verbose=verbose, coverage=require_coverage or folder is None)
    if gaps:
        text += f"\n{len(gaps)} rule(s) lack a failing or a passing fixture (--require-coverage)"
    return code, text


@click.group("templates")
def templates_group() -> None:
    """Built-in templates: OSAID 1.0, MOF classes, EU AI Act GPAI duties, California AB 2013."""


@templates_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def templates_list(fmt) -> int:
    """List the templates usable as `--template NAME` or as `builtin:NAME` in a policy's `extends` list."""
    from openness_policy.plugins import load_registry

    rows = template_rows(load_registry())
    if fmt == "json":
        click.echo(json.dumps({"templates": rows}, indent=2))
        return 0
    for row in rows:
        ext = f" (extends {', '.join(row['extends'])})" if row["extends"] else ""
        click.echo(f"{row['name']:16} {row['rules']:3} rules{ext}")
        if row["description"]:
            click.echo(f"{'':16} {row['description'][:200]}{'…' if len(row['description']) > 200 else ''}")
    return 0


@templates_group.command("show")
@click.argument("name")
@options.today
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
def templates_show(name, today, fmt) -> int:
    """Show a template's rules with severity, citation and help (--today: which duties are in force)."""
    from openness_policy.plugins import load_registry

    registry = load_registry()
    ref = name if name.startswith("builtin:") else f"builtin:{name}"
    text = doc_markdown(ref, registry, Path.cwd()) if fmt == "markdown" else show_text(ref[8:], registry, today)
    click.echo(text.rstrip("\n"))
    return 0


@click.command("test")
@click.argument("folder", required=False, type=click.Path())
@options.today
@click.option("--require-coverage", is_flag=True,
              help="Fail (exit 1) unless every rule under test has a failing (must) and a passing (must_not) fixture.")
@click.option("-v", "--verbose", is_flag=True, help="List every finding of every manifest.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def test_command(folder, today, require_coverage, verbose, fmt) -> int:
    """Run policy unit tests in FOLDER (default: the built-in templates' own fixtures).

    Each folder with an expect.yaml is a case: the templates and/or policy files to apply, the date,
    and per manifest the rule ids it `must` and `must_not` produce. Manifests may also carry
    `# ruleid: ID` / `# ok: ID` comments above the line a finding must (not) land on.
    Exit 0: all pass; 1: an expectation failed; 2: the test folder is broken.
    """
    code, text = run_tests(folder, today, verbose=verbose, require_coverage=require_coverage, fmt=fmt)
    click.echo(text)
    return code


@click.command("doc")
@click.argument("policy")
@click.option("-o", "--output", type=click.Path(), help="Write the Markdown to this file instead of standard output.")
def doc_command(policy, output) -> int:
    """Render POLICY (a policy file, or builtin:NAME) as Markdown: rules, severities, citations, help, scope."""
    from openness_policy.errors import UserError
    from openness_policy.plugins import load_registry

    text = doc_markdown(policy, load_registry(), Path.cwd())
    if output is None:
        click.echo(text, nl=False)
        return 0
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{output}: cannot write: {exc.strerror}") from None
    click.echo(f"wrote {output}")
    return 0


def register(cli: click.Group) -> None:
    """Add these commands to the CLI (called by ``openness_policy.cli``)."""
    cli.add_command(templates_group)
    cli.add_command(test_command)
    cli.add_command(doc_command)
