"""Checks that run on every model, with or without a policy: readable, schema-valid, licence known,
and (before anyone writes a policy) each model's openness level as a note."""
from __future__ import annotations

from typing import Any

from openness_policy.hookspecs import hookimpl
from openness_policy.plugin_types import Check, RuleInfo, Violation

HELP_URI = "https://github.com/openness-policy/openness-policy#built-in-checks"


def _rule(id: str, title: str, description: str, help: str, level: str = "error") -> RuleInfo:
    return RuleInfo(id, title, description, help, level, HELP_URI, ("openness-policy", "manifest"))


UNREADABLE = _rule("manifest-unreadable", "Manifest cannot be read",
                   "A file that looks like a model manifest could not be read or parsed, so it was not judged.",
                   "Fix the syntax or encoding error at the reported line; every manifest must be readable to be judged.")
INVALID = _rule("manifest-invalid", "Manifest breaks its format's schema",
                "A manifest has a key, value or shape its format does not allow.",
                "Change the value at the reported line as the message says; the schemas are in schemas/.")
UNKNOWN_LICENSE = _rule("license-unknown", "Licence not identified",
                        "A licence in the manifest is not in the licence catalogue, so its terms cannot be checked. "
                        "An unknown licence is never treated as open.",
                        "Use an SPDX id, a Hugging Face hub id or a catalogue alias (`openness-policy licenses list`), "
                        "or describe your licence under `licenses:` in the policy file.")
LEVEL = _rule("openness-level", "Openness level", "Each model's openness level, MOF class and OSAID status, for information.",
              "No action needed; write a policy (`openness-policy init`) to require a level.", "note")
META = (
    _rule("manifest-unrecognised", "File is not a manifest of any known format",
          "A file named on the command line is not recognised by any manifest format plugin.",
          "Pass only manifest files, or install the plugin for this format (`openness-policy plugins`).", "warning"),
    _rule("path-unsafe", "Path not read for safety",
          "A symbolic link leading outside the repository, a device, FIFO or socket, or a file over the size limit "
          "was not read.", "Replace the link or special file with a regular file inside the repository."),
    _rule("exception-invalid", "Policy exception is malformed",
          "An exception in a policy file lacks a rule, a reason or a valid expiry date, so it does not apply.",
          "Give the exception `rule`, a non-empty `reason` and `expires: YYYY-MM-DD`."),
    _rule("exception-expired", "Policy exception has expired",
          "An exception's expiry date has passed, so the findings it waived are reported again.",
          "Fix the finding, or renew the exception with a new `expires` date and a reason."),
    _rule("suppression-invalid", "Inline suppression is malformed",
          "An inline suppression in a manifest lacks a reason or has a bad expiry date, so it does not apply.",
          "Give the suppression a non-empty reason and, optionally, `expires: YYYY-MM-DD`."),
    _rule("suppression-expired", "Inline suppression has expired",
          "An inline suppression's expiry date has passed, so the finding it hid is reported again.",
          "Fix the finding, or renew the suppression with a new expiry date and a reason."),
)


def problems(rule: str):
    def run(ctx: Any) -> list[Violation]:
        return [Violation(p.message + (f" (fix: {p.fix})" if p.fix else ""), p.pos, p.pos.key, p.level)
                for p in ctx.record.problems if p.rule == rule]
    return run


def unknown_licenses(ctx: Any) -> list[Violation]:
    # A value the format reader already reported at that very place (e.g. an MOT placeholder such as
    # "Component not included") is not reported twice.
    flagged = {(p.pos.line, p.pos.col) for p in ctx.record.problems}
    return [Violation(f"licence '{term}' is not identified in the licence catalogue", fact.pos, str(term))
            for term, fact in ctx.classification.unknown_licenses if (fact.pos.line, fact.pos.col) not in flagged]


def level_note(ctx: Any) -> list[Violation]:
    if not ctx.settings.get("report-levels") or any(p.rule in ("manifest-unreadable", "path-unsafe", "manifest-unrecognised")
                                                     for p in ctx.record.problems):
        return []
    c = ctx.classification
    mof = c.mof
    text = (f"openness level {c.openness.level}{' (gated)' if c.openness.gated else ''}; MOF {mof.label} "
            f"(III {mof.progress[3]:.1f}%, II {mof.progress[2]:.1f}%, I {mof.progress[1]:.1f}%); "
            f"OSAID 1.0: {c.osaid.status}")
    return [Violation(text, ctx.record.pos)]


@hookimpl
def register_checks(register):
    register(Check(UNREADABLE, problems("manifest-unreadable")))
    register(Check(INVALID, problems("manifest-invalid"), extra_rules=META))
    register(Check(UNKNOWN_LICENSE, unknown_licenses))
    register(Check(LEVEL, level_note))
