"""Pull-request mode searches the merge base's blobs, not the work tree (``git grep FORK``), and starts
its git commands before plugins load (``openness_policy.git.early``).

A blob stands for a file only when the file is unchanged since the fork and no checkout filter
rewrites it. These tests build the cases where the blob and the file differ and check that pull-request
mode still finds what a full run (which reads the work tree) finds.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gitfixture import commit, count_reads, edit, family, git, make_repo, run_cli, run_json
from openness_policy.discover import git_files_command
from openness_policy.git.attributes import rewritten
from openness_policy.git.search import named_in, named_like

KID = "models/kid/kid.openness.yaml"
KID_TEXT = ("openness: 1\nname: kid\nowner: k@example.com\nweights: {released: true}\n"
            "components:\n  model-parameters-final: {}\nbase_models:\n  - id: OLMo\n    relation: finetune\n")
BASE_PATH = "models/base/base.openness.yaml"


def _kid_changed(repo: Path) -> str:
    """Commit the kid, then change it in a second commit; returns the first commit."""
    (repo / "models" / "kid").mkdir(parents=True, exist_ok=True)
    (repo / KID).write_text(KID_TEXT)
    base = commit(repo, "kid")
    edit(repo, KID, "name: kid", 'name: kid\nversion: "2"')
    commit(repo)
    return base


def test_a_file_a_checkout_filter_rewrites_is_read_from_the_work_tree(tmp_path, monkeypatch, capsys):
    """Like a Git LFS pointer: the blob says ``name: hidden``, the checked-out file ``name: olmo``, and
    git sees no change (the clean filter turns the file back into the blob). Only the file counts."""
    repo = make_repo(tmp_path / "repo")
    git(repo, "config", "filter.hide.clean", "sed s/olmo/hidden/")
    git(repo, "config", "filter.hide.smudge", "sed s/hidden/olmo/")
    (repo / ".gitattributes").write_text("models/base/*.yaml filter=hide\n")
    family(repo, 3)
    (repo / BASE_PATH).parent.mkdir(parents=True)
    (repo / BASE_PATH).write_text("openness: 1\nname: olmo\nowner: o@example.com\nlicense: mit\n")
    base = _kid_changed(repo)
    assert "name: hidden" in git(repo, "show", f"HEAD:{BASE_PATH}")  # the blob
    assert git(repo, "status", "--porcelain") == ""  # git sees no change
    _, full = run_json(repo, KID, BASE_PATH, monkeypatch=monkeypatch, capsys=capsys)
    kid_full = next(m for m in full["models"] if m["path"] == KID)
    assert kid_full["openness"]["level"] == "open-weights"  # MIT from the base, as the file names it
    seen = count_reads(monkeypatch)
    _, pr = run_json(repo, "--diff-base", base, monkeypatch=monkeypatch, capsys=capsys)
    assert [m["path"] for m in pr["models"]] == [KID]
    assert pr["models"][0]["openness"] == kid_full["openness"]
    assert "base.openness.yaml" in seen
    assert not [n for n in seen if n.startswith("fam-")]  # the others were still answered by git


def test_a_file_changed_since_the_fork_is_read_from_the_work_tree(tmp_path, monkeypatch, capsys):
    """The base model's file gains the name only in the work tree: its blob at the fork cannot say so."""
    repo = make_repo(tmp_path / "repo")
    family(repo, 3)
    (repo / BASE_PATH).parent.mkdir(parents=True)
    (repo / BASE_PATH).write_text("openness: 1\nname: other\nowner: o@example.com\nlicense: mit\n")
    base = _kid_changed(repo)
    edit(repo, BASE_PATH, "name: other", "name: olmo")  # not committed
    _, pr = run_json(repo, "--diff-base", base, monkeypatch=monkeypatch, capsys=capsys)
    kid = next(m for m in pr["models"] if m["path"] == KID)
    assert kid["openness"]["level"] == "open-weights"


def test_rewritten_names_the_files_with_a_filter_or_ident(tmp_path):
    repo = make_repo(tmp_path / "repo")
    (repo / "models" / "a").mkdir(parents=True)
    for name in ("big.yaml", "id.yaml", "plain.yaml", "unset.yaml", "filter", "ident"):
        (repo / "models" / "a" / name).write_text("x: 1\n")
    (repo / ".gitattributes").write_text("big.yaml filter=lfs\nid.yaml ident\nunset.yaml -filter\nfilter filter=x\n")
    commit(repo, "attributes")
    # "-filter" is listed too: the file is then read from disk, which costs a read and is never wrong
    assert rewritten(repo, [str(repo / "models")])() == {"models/a/big.yaml", "models/a/id.yaml", "models/a/filter",
                                                          "models/a/unset.yaml"}
    assert rewritten(repo, [str(repo)])() == {"models/a/big.yaml", "models/a/id.yaml", "models/a/filter",
                                              "models/a/unset.yaml"}
    odd = repo / "models" / "[b]*"  # a folder named like a glob: matched by itself only
    odd.mkdir()
    (odd / "big.yaml").write_text("x: 1\n")
    (repo / "models" / "bb").mkdir()
    (repo / "models" / "bb" / "big.yaml").write_text("x: 1\n")
    commit(repo, "odd folder")
    assert rewritten(repo, [str(odd)])() == {"models/[b]*/big.yaml"}
    assert rewritten(repo, [])() is None  # nothing asked: nothing can be vouched for
    assert rewritten(repo, [str(tmp_path)])() is None  # outside the repository


def test_rewritten_is_none_when_git_fails(tmp_path):
    (tmp_path / "f.yaml").write_text("x: 1\n")
    assert rewritten(tmp_path, [str(tmp_path)])() is None  # not a repository


NAMES = ["models/a/OLMo.yaml", "models/a/olmo", "models/b/olmo.openness.yaml", "models/b/olmo-2.yaml",
         "models/c/olmo.yaml/inner.txt", "models/d/llama-3.1-8b.yml", "models/d/llama-3.yml", "other/olmo.yaml",
         "models/e/Ünïcode.yaml", "models/e/x olmo.yaml", "models/e/tab\tolmo.yaml"]


@pytest.mark.parametrize("stems", [{"olmo"}, {"OLMO"}, {"llama-3.1-8b"}, {"llama-3"}, {"ünïcode", "x olmo"},
                                   {"inner"}, {"olmo.yaml"}, {"a*"}, {"nothing"}])
@pytest.mark.parametrize("folders", [["models"], [""], ["models/b", "other"]])
def test_named_in_answers_as_git_ls_files_does(tmp_path, stems, folders):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    for name in NAMES:
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text("x: 1\n")
    commit(repo, "names")
    listed = [subprocess.run(git_files_command(repo / f if f else repo, True), cwd=repo, capture_output=True,
                             check=True).stdout for f in folders]
    assert named_in(listed, stems, folders) == named_like(repo, stems, folders)


def test_a_bad_revision_started_early_is_reported_as_before(tmp_path, monkeypatch, capsys):
    repo = make_repo(tmp_path / "repo")
    code, _out, err = run_cli(repo, "eval", "--diff-base", "no-such-branch", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "unknown revision 'no-such-branch'" in err
    code, _out, err = run_cli(tmp_path, "eval", "--diff-base", "main", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "needs a git repository" in err and "Traceback" not in err


ALPHA = "models/alpha/alpha.openness.yaml"
BETA = "models/beta/beta.openness.yaml"


def _usual_way(repo: Path, ref: str):
    """What the functions of git.repo give when called one after the other, as before GitStart."""
    from openness_policy.git import repo as gitrepo

    r, sha = gitrepo.open_repo(repo, ref)
    fork = gitrepo.merge_base(r, sha, ref)
    return sha, fork, gitrepo.changes(r, fork)()


def test_git_start_gives_what_the_commands_give_one_after_another(tmp_path):
    """Renamed, deleted, edited, staged and untracked files, on a branch whose base moved on."""
    from openness_policy.git.early import GitStart

    repo = make_repo(tmp_path / "repo")
    git(repo, "mv", ALPHA, "models/alpha/renamed.openness.yaml")
    (repo / BETA).unlink()
    commit(repo, "rename and delete")
    git(repo, "checkout", "-q", "main")
    (repo / "models" / "main-only.openness.yaml").write_text("openness: 1\nname: m\n")
    commit(repo, "main moves on")
    git(repo, "checkout", "-q", "pr")
    (repo / "models" / "untracked.openness.yaml").write_text("openness: 1\nname: u\n")
    (repo / "models" / "staged.openness.yaml").write_text("openness: 1\nname: s\n")
    git(repo, "add", "models/staged.openness.yaml")
    started = GitStart("main", repo, [str(repo / "models")]).result()  # paths as given, from the current folder
    sha, fork, changes = _usual_way(repo, "main")
    assert (started.ref_sha, started.fork) == (sha, fork) and fork != sha
    assert sorted(started.changes, key=repr) == sorted(changes, key=repr)
    assert {c.status for c in changes} >= {"R", "D", "A", "?"}
    assert list(started.listed) == [str(repo / "models")]


def test_unrelated_histories_fall_back_to_the_usual_diff(tmp_path, monkeypatch, capsys):
    """No merge base: ``git diff --merge-base`` fails, and the change is taken against the base as it is."""
    from openness_policy.git.early import GitStart

    repo = make_repo(tmp_path / "repo")
    git(repo, "checkout", "-q", "--orphan", "other")
    edit(repo, ALPHA, "name: alpha", 'name: alpha\nversion: "9"')
    commit(repo, "unrelated root")
    started = GitStart("main", repo, ["."]).result()
    assert started.fork == started.ref_sha  # compared with main as it is
    assert [(c.status, c.path) for c in started.changes] == [("M", ALPHA)]
    _, doc = run_json(repo, "--diff-base", "main", monkeypatch=monkeypatch, capsys=capsys)
    assert [m["path"] for m in doc["models"]] == [ALPHA]


def test_wait_exit_wakes_when_the_process_ends_and_times_out_otherwise():
    from openness_policy.git.repo import wait_exit

    quick = subprocess.Popen(["true"])
    wait_exit(quick, 10)
    assert quick.returncode == 0
    slow = subprocess.Popen(["sleep", "5"])
    with pytest.raises(subprocess.TimeoutExpired):
        wait_exit(slow, 0.05)
    slow.kill()
    slow.wait()
