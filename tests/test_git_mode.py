"""``eval --diff-base REF``: changed-only, only-new, regressions, policy tamper protection, git errors.

Every test builds a temporary repository with plain ``git`` from ``tests/fixtures/git/repo``: the
base commit is on ``main`` and the change is made on the ``pr`` branch (or left in the work tree).
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from gitfixture import commit, count_reads, edit, git, make_repo, rules_of, run_cli, run_json

ALPHA = "models/alpha/alpha.openness.yaml"
BETA = "models/beta/beta.openness.yaml"
BETA_Q4 = "models/beta-q4/beta-q4.openness.yaml"
GAMMA = "models/gamma/README.md"
OMEGA = "models/omega/omega.openness.yaml"


@pytest.fixture
def repo(tmp_path):
    return make_repo(tmp_path / "repo")


def models(doc: dict) -> list[str]:
    return sorted(m["path"] for m in doc["models"])


def test_only_changed_manifests_are_judged(repo, monkeypatch, capsys):
    edit(repo, ALPHA, "name: alpha", 'name: alpha\nversion: "2"')
    commit(repo)
    code, doc = run_json(repo, "--diff-base", "main", monkeypatch=monkeypatch, capsys=capsys)
    assert models(doc) == [ALPHA]
    assert code == 0 and doc["findings"] == []


def test_nothing_changed_judges_nothing(repo, monkeypatch, capsys):
    code, doc = run_json(repo, "--diff-base", "main", monkeypatch=monkeypatch, capsys=capsys)
    assert (code, doc["models"], doc["findings"]) == (0, [], [])


def test_work_tree_changes_count_without_a_commit(repo, monkeypatch, capsys):
    edit(repo, BETA, "labels:", "owner: beta@example.com\nlabels:")  # uncommitted
    (repo / "models" / "new").mkdir()
    (repo / "models" / "new" / "new.openness.yaml").write_text("openness: 1\nname: new\nlicense: mit\n")  # untracked
    code, doc = run_json(repo, "--diff-base", "main", monkeypatch=monkeypatch, capsys=capsys)
    assert models(doc) == sorted([BETA, BETA_Q4, "models/new/new.openness.yaml"])  # beta-q4: its base changed


def test_added_manifest_is_judged_and_deleted_one_is_a_notice(repo, monkeypatch, capsys):
    git(repo, "rm", "-q", ALPHA)
    (repo / "models" / "delta").mkdir()
    (repo / "models" / "delta" / "delta.openness.yaml").write_text(
        "openness: 1\nname: delta\nlabels: {stage: production}\nlicense: mit\n")
    commit(repo)
    code, doc = run_json(repo, "--diff-base", "main", monkeypatch=monkeypatch, capsys=capsys)
    assert models(doc) == ["models/delta/delta.openness.yaml"]
    assert ("prod-open", "models/delta/delta.openness.yaml") in rules_of(doc)
    assert f"manifest {ALPHA} is deleted in this change" in doc["notices"]
    assert code == 1  # for delta's finding, not for the deletion
    assert not any(f["rule"] == "regression" for f in doc["findings"])  # nothing to compare a new file with


def test_a_licence_file_beside_a_card_is_an_input(repo, monkeypatch, capsys):
    git(repo, "rm", "-q", "models/gamma/LICENSE")
    commit(repo)
    code, doc = run_json(repo, "--diff-base", "main", monkeypatch=monkeypatch, capsys=capsys)
    assert models(doc) == [GAMMA]  # the card itself did not change
    reg = [f for f in doc["findings"] if f["rule"] == "regression"]
    assert len(reg) == 1 and "gamma: openness level got worse: open-weights → closed" in reg[0]["message"]
    assert code == 1


def test_a_base_model_in_the_repository_is_an_input(repo, monkeypatch, capsys):
    # beta-q4 names beta by path; a manifest naming beta only by id is followed too.
    (repo / "models" / "beta-lora").mkdir()
    (repo / "models" / "beta-lora" / "beta-lora.openness.yaml").write_text(
        "openness: 1\nname: beta-lora\nowner: x@example.com\nlicense: mit\nbase_models:\n  - id: beta\n")
    commit(repo, "add beta-lora")
    base = git(repo, "rev-parse", "HEAD")
    edit(repo, BETA, "license: mit", "license: apache-2.0")
    commit(repo)
    code, doc = run_json(repo, "--diff-base", base, monkeypatch=monkeypatch, capsys=capsys)
    assert models(doc) == sorted(["models/beta-lora/beta-lora.openness.yaml", BETA, BETA_Q4])


def test_binary_changed_manifest_is_a_finding_not_a_crash(repo, monkeypatch, capsys):
    (repo / ALPHA).write_bytes(b"openness: 1\n\x00\x01\x02binary")
    commit(repo)
    code, doc = run_json(repo, "--diff-base", "main", monkeypatch=monkeypatch, capsys=capsys)
    assert rules_of(doc) == [("manifest-unreadable", ALPHA)]
    assert code == 1


def test_huge_changed_manifest_is_a_finding(repo, monkeypatch, capsys):
    (repo / ALPHA).write_text((repo / ALPHA).read_text() + "# " + "x" * 5000 + "\n")
    commit(repo)
    code, doc = run_json(repo, "--diff-base", "main", "--max-file-size", "2000", monkeypatch=monkeypatch,
                         capsys=capsys)
    rules = rules_of(doc)
    assert ("path-unsafe", ALPHA) in rules and ("regression", ALPHA) not in rules


# -- only-new ---------------------------------------------------------------------------------------

def test_only_new_hides_findings_that_existed_at_the_base(repo, monkeypatch, capsys):
    edit(repo, BETA, "license: mit", "license: apache-2.0")  # beta still has no owner (existing warning)
    edit(repo, ALPHA, "owner: alpha-team@example.com\n", "")  # a new warning
    commit(repo)
    code, doc = run_json(repo, "--diff-base", "main", "--only-new", monkeypatch=monkeypatch, capsys=capsys)
    assert rules_of(doc) == [("owner-required", ALPHA)]
    old = [f for f in doc["suppressed"] if f["path"] == BETA]
    assert [f["rule"] for f in old] == ["owner-required"]
    assert old[0]["suppression"]["kind"] == "baseline" and "--only-new" in old[0]["suppression"]["reason"]
    code, all_ = run_json(repo, "--diff-base", "main", monkeypatch=monkeypatch, capsys=capsys)
    assert rules_of(all_) == [("owner-required", ALPHA), ("owner-required", BETA)]


def test_only_new_follows_a_renamed_manifest(repo, monkeypatch, capsys):
    (repo / "models" / "beta2").mkdir()
    git(repo, "mv", BETA, "models/beta2/beta.openness.yaml")
    commit(repo)
    code, doc = run_json(repo, "--diff-base", "main", "--only-new", monkeypatch=monkeypatch, capsys=capsys)
    assert doc["findings"] == []  # the missing owner is not new: the file only moved
    assert [f["path"] for f in doc["suppressed"]] == ["models/beta2/beta.openness.yaml"]
    assert not any("deleted" in n for n in doc["notices"])  # moved, not deleted


def test_only_new_needs_diff_base(repo, monkeypatch, capsys):
    code, out, err = run_cli(repo, "eval", "--only-new", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "--only-new needs --diff-base" in err


# -- regression rule ----------------------------------------------------------------------------------

def test_regression_openness_level_shows_before_and_after(repo, monkeypatch, capsys):
    edit(repo, ALPHA, "released: true", "released: false")
    commit(repo)
    code, out, err = run_cli(repo, "eval", "--diff-base", "main", monkeypatch=monkeypatch, capsys=capsys)
    assert "regression" in out and "open-weights+data → closed" in out
    assert code == 1


def test_regression_runs_without_any_policy(repo, monkeypatch, capsys):
    git(repo, "rm", "-q", "-r", ".openness-policy.yaml", "policies")
    commit(repo, "no policy at the base")
    base = git(repo, "rev-parse", "HEAD")
    edit(repo, OMEGA, "  data-card: {license: CC-BY-4.0}\n", "")
    commit(repo)
    code, doc = run_json(repo, "--diff-base", base, monkeypatch=monkeypatch, capsys=capsys)
    reg = [f["message"] for f in doc["findings"] if f["rule"] == "regression"]
    assert any("MOF class got worse: Class III - Open Model → Unclassified" in m for m in reg), reg
    assert code == 1


def test_regression_new_restrictive_clause(repo, monkeypatch, capsys):
    edit(repo, ALPHA, "license: apache-2.0", "license: llama2")
    commit(repo)
    code, doc = run_json(repo, "--diff-base", "main", monkeypatch=monkeypatch, capsys=capsys)
    (reg,) = [f for f in doc["findings"] if f["rule"] == "regression"]
    assert "competitor-training" in reg["message"] and "apache-2.0 → llama2" in reg["message"]
    assert reg["line"] == 7 and reg["level"] == "error"


def test_regression_can_be_suppressed_inline_with_a_reason(repo, monkeypatch, capsys):
    edit(repo, ALPHA, "released: true", "released: false")
    edit(repo, ALPHA, "openness: 1", 'openness: 1\n# openness-policy: ignore regression reason="weights withdrawn, ML-9"')
    edit(repo, ALPHA, "stage: production", "stage: retired")
    commit(repo)
    code, doc = run_json(repo, "--diff-base", "main", monkeypatch=monkeypatch, capsys=capsys)
    assert doc["findings"] == [] and code == 0
    assert [f["rule"] for f in doc["suppressed"]] == ["regression"]


def test_regression_compare_mof_and_osaid():
    from openness_policy.regression import compare
    from openness_policy.sourcemap import Pos

    def result(level_rank, level, mof, label, meets, clauses=()):
        verdict = SimpleNamespace(clauses=[SimpleNamespace(id=c) for c in clauses], expression="X")
        cls = SimpleNamespace(
            openness=SimpleNamespace(rank=level_rank, level=level, reasons=[]),
            mof=SimpleNamespace(mof_class=mof, label=label, missing={}),
            osaid=SimpleNamespace(meets=meets, status="meets" if meets else "does-not-meet", missing=["Datasets"]),
            weights_license=verdict, weights_license_fact=None, component_licenses={})
        rec = SimpleNamespace(pos=Pos("m.yaml", 3, 1, "name"), display_name="m", index=0)
        return SimpleNamespace(record=rec, classification=cls)

    before = result(3, "open-source", 1, "Class I", True, ["attribution"])
    after = result(3, "open-source", 2, "Class II", False, ["attribution", "naming"])
    got = {v.key: v.message for v in compare(after, before)}
    assert got == {"mof-class": "MOF class got worse: Class I → Class II",
                   "osaid": "OSAID 1.0 status got worse: meets → does-not-meet (missing: Datasets)",
                   "license-clauses": "licence gained restrictive clause(s) naming: X → X"}
    assert compare(before, after) == []  # better is not a regression
    unclassified, class3 = result(0, "closed", 0, "Unclassified", False), result(0, "closed", 3, "Class III", False)
    assert compare(class3, unclassified) == []  # 0 is the worst class, not the best
    assert [v.key for v in compare(unclassified, class3)] == ["mof-class"]


# -- policy tamper protection ---------------------------------------------------------------------------

def _weaken(repo):
    """The change breaks prod-open on alpha and weakens the rule so that it would pass."""
    edit(repo, ALPHA, "  training_summary: https://example.com/alpha/training-summary\n", "")
    edit(repo, ALPHA, "data:\n", "")
    edit(repo, ".openness-policy.yaml", "openness: open-weights+data", "openness: open-weights")


def test_policy_is_read_from_the_base_so_weakening_it_does_not_pass(repo, monkeypatch, capsys):
    _weaken(repo)
    commit(repo)
    code, doc = run_json(repo, "--diff-base", "main", monkeypatch=monkeypatch, capsys=capsys)
    assert ("prod-open", ALPHA) in rules_of(doc)
    assert code == 1
    assert any("policy file .openness-policy.yaml is changed in this change; it was read from main" in n
               for n in doc["notices"]), doc["notices"]
    code, head = run_json(repo, "--diff-base", "main", "--policy-from", "head", monkeypatch=monkeypatch, capsys=capsys)
    assert ("prod-open", ALPHA) not in rules_of(head)
    assert any("--policy-from head" in n for n in head["notices"])


def test_weakening_an_extended_policy_file_is_also_ignored(repo, monkeypatch, capsys):
    edit(repo, "policies/common.yaml", "severity: warning", "severity: note")
    edit(repo, ALPHA, "owner: alpha-team@example.com\n", "")
    commit(repo)
    code, doc = run_json(repo, "--diff-base", "main", monkeypatch=monkeypatch, capsys=capsys)
    (f,) = [f for f in doc["findings"] if f["rule"] == "owner-required"]
    assert f["level"] == "warning"
    assert any(n.startswith("policy file policies/common.yaml is changed") for n in doc["notices"])


def test_deleting_the_policy_does_not_switch_it_off(repo, monkeypatch, capsys):
    _weaken(repo)
    git(repo, "rm", "-q", "-f", ".openness-policy.yaml")
    commit(repo)
    code, doc = run_json(repo, "--diff-base", "main", monkeypatch=monkeypatch, capsys=capsys)
    assert ("prod-open", ALPHA) in rules_of(doc) and code == 1
    assert any("policy file .openness-policy.yaml is deleted in this change" in n for n in doc["notices"])


def test_a_policy_new_in_the_change_is_not_applied_yet(repo, monkeypatch, capsys):
    (repo / "strict.yaml").write_text("version: 1\nrules:\n  - id: never\n    title: t\n    description: d\n"
                                      "    help: h\n    require: {openness: open-source}\n")
    edit(repo, ALPHA, 'name: alpha', 'name: alpha\nversion: "2"')
    commit(repo)
    code, doc = run_json(repo, "--diff-base", "main", "--policy", "strict.yaml", monkeypatch=monkeypatch,
                         capsys=capsys)
    assert "never" not in {f["rule"] for f in doc["findings"]}
    assert any("policy file strict.yaml is not in main" in n for n in doc["notices"])


# -- errors ---------------------------------------------------------------------------------------------

def test_diff_base_outside_a_git_repository(tmp_path, monkeypatch, capsys):
    (tmp_path / "m.openness.yaml").write_text("openness: 1\nname: m\n")
    code, out, err = run_cli(tmp_path, "eval", "--diff-base", "main", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "needs a git repository" in err and "drop --diff-base" in err
    assert "Traceback" not in err


def test_unknown_ref(repo, monkeypatch, capsys):
    code, out, err = run_cli(repo, "eval", "--diff-base", "no-such-branch", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "unknown revision 'no-such-branch'" in err and "git fetch" in err


def test_shallow_clone_missing_the_base_says_fetch_depth_0(repo, tmp_path, monkeypatch, capsys):
    edit(repo, ALPHA, "name: alpha", 'name: alpha\nversion: "2"')
    commit(repo)
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "pr", f"file://{repo}", str(clone))
    code, out, err = run_cli(clone, "eval", "--diff-base", "origin/main", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "fetch-depth: 0" in err
    git(clone, "fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main")  # base present, history not
    code, out, err = run_cli(clone, "eval", "--diff-base", "origin/main", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "fetch-depth: 0" in err
    git(clone, "fetch", "-q", "--unshallow", "origin")
    code, out, err = run_cli(clone, "eval", "--diff-base", "origin/main", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err


def test_merge_base_is_used_when_the_base_branch_moved_on(repo, monkeypatch, capsys):
    edit(repo, ALPHA, "name: alpha", 'name: alpha\nversion: "2"')
    commit(repo)
    git(repo, "checkout", "-q", "main")
    edit(repo, BETA, "name: beta", 'name: beta\nversion: "9"')  # a change on main only
    commit(repo, "main moves on")
    git(repo, "checkout", "-q", "pr")
    code, doc = run_json(repo, "--diff-base", "main", monkeypatch=monkeypatch, capsys=capsys)
    assert models(doc) == [ALPHA]  # beta differs from main, but this change did not touch it


def test_a_changed_derivative_still_inherits_from_its_unchanged_base(repo, monkeypatch, capsys):
    (repo / "models" / "kid").mkdir()
    (repo / "models" / "kid" / "kid.openness.yaml").write_text(
        "openness: 1\nname: kid\nowner: k@example.com\nweights: {released: true}\n"
        "components:\n  model-parameters-final: {}\n"
        "base_models:\n  - id: beta\n    relation: finetune\n    path: ../beta/beta.openness.yaml\n")
    commit(repo, "add kid")
    base = git(repo, "rev-parse", "HEAD")
    edit(repo, "models/kid/kid.openness.yaml", "name: kid", 'name: kid\nversion: "2"')
    commit(repo)
    code, doc = run_json(repo, "--diff-base", base, monkeypatch=monkeypatch, capsys=capsys)
    assert models(doc) == ["models/kid/kid.openness.yaml"]  # beta is read for lineage, not reported
    (kid,) = doc["models"]
    assert kid["openness"]["level"] == "open-weights"  # MIT inherited from beta, as in a full run
    assert doc["findings"] == [] and code == 0


def zoo(repo, n: int, extra: dict[str, str] | None = None) -> str:
    """``n`` native manifests zoo-000 … under models/zoo (zoo-150 a fine-tune of zoo-007, named by id
    only), plus ``extra`` files; committed. Returns the commit id."""
    for i in range(n):
        folder = repo / "models" / "zoo" / f"m{i:03d}"
        folder.mkdir(parents=True)
        base = "base_models:\n  - id: zoo-007\n    relation: finetune\n" if i == 150 else ""
        (folder / f"zoo-{i:03d}.openness.yaml").write_text(
            f"openness: 1\nname: zoo-{i:03d}\nowner: z@example.com\nlicense: mit\n{base}")
    for rel, text in (extra or {}).items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_bytes(text.encode("utf-16") if rel.endswith("utf16.openness.yaml") else text.encode())
    return commit(repo, "zoo")


def test_pr_mode_reads_only_the_changed_manifest_and_what_names_it(repo, monkeypatch, capsys):
    base = zoo(repo, 200)
    edit(repo, "models/zoo/m007/zoo-007.openness.yaml", "license: mit", 'license: mit\nversion: "2"')
    commit(repo)
    seen = count_reads(monkeypatch)
    code, doc = run_json(repo, "--diff-base", base, monkeypatch=monkeypatch, capsys=capsys)
    assert models(doc) == ["models/zoo/m007/zoo-007.openness.yaml", "models/zoo/m150/zoo-150.openness.yaml"]
    read = [n for n in seen if n.startswith("zoo-")]
    assert set(read) == {"zoo-007.openness.yaml", "zoo-150.openness.yaml"}  # not the other 198
    assert len(read) <= 4  # each read at most twice (text filter, then loading)


def test_bases_named_in_any_case_spelling_or_encoding_are_found(repo, monkeypatch, capsys):
    kin = "openness: 1\nname: {name}\nowner: k@example.com\nlicense: mit\nbase_models:\n  - id: {ref}\n    relation: finetune\n"
    base = zoo(repo, 20, {
        "models/k/base/kelvin-base.openness.yaml": "openness: 1\nname: kelvin-base\nowner: k@example.com\nlicense: mit\n",
        "models/k/upper/upper.openness.yaml": kin.format(name="upper", ref="KELVIN-BASE"),
        "models/k/sign/sign.openness.yaml": kin.format(name="sign", ref="\u212aelvin-base"),  # Kelvin sign: lower() is "k"
        "models/k/wide/utf16.openness.yaml": kin.format(name="wide", ref="kelvin-base"),  # UTF-16 with a BOM
        "models/k/other/other.openness.yaml": kin.format(name="other", ref="kelvin-based"),
    })
    edit(repo, "models/k/base/kelvin-base.openness.yaml", "license: mit", 'license: mit\nversion: "2"')
    commit(repo)
    code, doc = run_json(repo, "--diff-base", base, monkeypatch=monkeypatch, capsys=capsys)
    assert models(doc) == ["models/k/base/kelvin-base.openness.yaml", "models/k/sign/sign.openness.yaml",
                           "models/k/upper/upper.openness.yaml", "models/k/wide/utf16.openness.yaml"]


def test_a_derivative_named_on_the_command_line_finds_its_base_outside_the_searched_folders(repo, monkeypatch, capsys):
    base = zoo(repo, 160)
    edit(repo, "models/zoo/m007/zoo-007.openness.yaml", "license: mit", 'license: mit\nversion: "2"')
    commit(repo)
    code, doc = run_json(repo, "--diff-base", base, "models/zoo/m007", "models/zoo/m150/zoo-150.openness.yaml",
                         monkeypatch=monkeypatch, capsys=capsys)
    assert models(doc) == ["models/zoo/m007/zoo-007.openness.yaml", "models/zoo/m150/zoo-150.openness.yaml"]


def test_an_assume_unchanged_manifest_is_read_from_disk_like_any_other(repo, monkeypatch, capsys):
    base = zoo(repo, 20)
    kid = "models/zoo/m015/zoo-015.openness.yaml"
    git(repo, "update-index", "--assume-unchanged", kid)  # git grep would search the indexed text
    edit(repo, kid, "license: mit", "license: mit\nbase_models:\n  - id: zoo-007\n    relation: finetune")
    edit(repo, "models/zoo/m007/zoo-007.openness.yaml", "license: mit", 'license: mit\nversion: "2"')
    commit(repo)
    code, doc = run_json(repo, "--diff-base", base, monkeypatch=monkeypatch, capsys=capsys)
    assert models(doc) == ["models/zoo/m007/zoo-007.openness.yaml", kid]


def test_a_manifest_deleted_only_from_the_work_tree_is_a_notice_not_a_finding(repo, monkeypatch, capsys):
    # pull-request mode lists candidates from git's index, so a tracked file removed with plain `rm`
    # is still listed: it must be skipped when read, exactly as a full run never lists it
    (repo / ALPHA).unlink()
    (repo / "models" / "alpha" / "LICENSE").write_text("MIT License\n")  # an input beside it: its folder is read
    code, doc = run_json(repo, "--diff-base", "main", monkeypatch=monkeypatch, capsys=capsys)
    assert models(doc) == [] and doc["findings"] == []
    assert f"manifest {ALPHA} is deleted in this change" in doc["notices"]
    assert code == 0
