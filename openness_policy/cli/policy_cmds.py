"""``validate`` (check policy files) and ``init`` (write a starter policy)."""
from __future__ import annotations

from pathlib import Path

import click

STARTER = """\
# openness-policy configuration: https://github.com/openness-policy/openness-policy#policy-reference
version: 1

# Built-in templates to check against as well (see `openness-policy templates list`):
# extends:
#   - builtin:osaid-1.0

settings:
  unknown-license: error      # a licence we cannot identify is never treated as open

rules:
  # The seed rule: production models must be open-weights+data with no competitor-training clause.
  - id: production-open-weights-data
    title: Production models are open-weights+data without a competitor-training clause
    description: >-
      Models labelled stage=production must publish their weights and training-data information,
      under a licence that does not forbid using the model to improve other models.
    help: >-
      Release the weights, publish training-data information (data card, datasets with sources,
      or a training-content summary), and pick a licence without a competitor-training clause.
    severity: error
    scope:
      labels: {stage: production}
    require:
      all:
        - openness: open-weights+data
        - license-clauses: {forbid: [competitor-training]}

# Waivers need a reason and an expiry date; an expired one stops applying and is reported.
# exceptions:
#   - rule: production-open-weights-data
#     models: [legacy-chat]
#     reason: "Replacement model ships in Q3 (ticket ML-123)"
#     expires: 2026-12-31
"""


@click.command("validate")
@click.argument("policies", nargs=-1, required=True, type=click.Path())
def validate_command(policies) -> int:
    """Check POLICY files (and what they extend) against the policy schema."""
    from openness_policy.discover import find_root
    from openness_policy.plugins import load_registry
    from openness_policy.policy.load import PolicyLoader

    registry = load_registry()
    for name in policies:
        loader = PolicyLoader(registry, find_root(Path.cwd()))
        loader.load_file(Path(name).absolute(), display=name)
        pol = loader.policy
        click.echo(f"{name}: ok ({len(pol.rules)} rules, {len(pol.waivers)} exceptions, "
                   f"{len(pol.licenses)} licences; read {', '.join(pol.files)})")
    return 0


@click.command("init")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.argument("path", default=".openness-policy.yaml", type=click.Path())
def init_command(force, path) -> int:
    """Write a commented starter policy to PATH (default .openness-policy.yaml)."""
    from openness_policy.errors import UserError

    target = Path(path)
    if target.exists() and not force:
        raise UserError(f"{path} already exists; use --force to overwrite it")
    target.write_text(STARTER, encoding="utf-8")
    click.echo(f"wrote {path}: edit it, then run `openness-policy eval`")
    return 0
