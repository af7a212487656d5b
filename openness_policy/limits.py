"""Every limit that protects a run from hostile or broken input, in one place (docs/hardening.md).

Each limit turns an input that would crash, hang or exhaust memory into a finding (a manifest) or
a clear exit-2 error (a policy file). They are far above anything a real manifest or policy needs.
"""
from __future__ import annotations

#: Largest manifest (or sibling file such as LICENSE) read, in bytes; ``eval --max-file-size`` overrides it.
#: Bigger files are reported from their size alone, never read.
MAX_FILE_BYTES = 10 * 1024 * 1024

#: Largest policy file, in bytes. Policies are small; a bigger one is an error, not read.
MAX_POLICY_BYTES = 2 * 1024 * 1024

#: Deepest nesting of mappings and sequences (YAML) or objects and arrays (JSON). Real manifests stay
#: under 20 levels; a policy rule with the deepest requirement nesting allowed (64 all/any levels, two
#: YAML levels each) needs about 135. The bound keeps every recursive consumer downstream (schema
#: validation, JSON output, deep copies) well inside Python's default recursion limit of 1,000 frames.
MAX_DEPTH = 256

#: Most YAML nodes (scalars, collections and aliases) one document may contain.
MAX_NODES = 1_000_000

#: Most nodes YAML aliases may stand for, in total, beyond the document's own nodes. Aliases are
#: shared, never copied, but whatever walks the data (schema validation, the format plugins) visits
#: a shared subtree once per alias: a "billion laughs" file would make it walk forever.
MAX_ALIAS_EXPANSION = 100_000

#: Longest number literal in YAML or JSON: Python's default ``int_max_str_digits``. Python refuses
#: to turn longer integers into text (a crash in any reporter), and 3.10 releases before 3.10.7
#: take quadratic time converting them.
MAX_NUMBER_CHARS = 4_300

#: Requirement nesting (``all`` / ``any`` / ``not``) allowed in a policy rule.
MAX_REQUIREMENT_DEPTH = 64
