"""Hostile files and paths (issue 7, classes 3, 4 and 6): size, long lines, encodings, links, FIFOs,
sockets, devices, folders with manifest names, unreadable files and odd characters in paths."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from urllib.parse import quote

import pytest
from hostile import OK_MANIFEST, Run, cli, cli_subprocess, sarif_eval

from openness_policy.limits import MAX_FILE_BYTES
from openness_policy.reading import Undecodable, decode

HEAD = "openness: 1\nname: hostile\nlicense: apache-2.0\n"
# An unknown key at line 4: the schema finding shows whether lines are counted right.
WITH_ERROR_AT_4 = HEAD + "no-such-key: 1\n"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.chdir(root)
    (root / "fine.openness.yaml").write_text(OK_MANIFEST)
    return root


@pytest.fixture
def outside(tmp_path):
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.openness.yaml").write_text("openness: 1\nname: SECRET-OUTSIDE\nlicense: mit\n")
    return folder


def no_secret(run: Run) -> None:
    assert "SECRET-OUTSIDE" not in run.out + run.err


# --- class 3: size and long lines -------------------------------------------------------------

def test_a_file_over_the_size_limit_is_reported_from_its_size_alone(repo, capsys):
    """A 64 GiB sparse file: reading it, even once, would not finish."""
    with open(repo / "huge.openness.yaml", "wb") as fh:
        fh.truncate(64 * 1024 ** 3)
    start = time.monotonic()
    run = sarif_eval(capsys)
    assert time.monotonic() - start < 30
    hit = run.result_for("huge.openness.yaml", "path-unsafe")
    assert f"{MAX_FILE_BYTES:,}-byte limit" in hit.message and "--max-file-size" in hit.message
    assert run.result_for("fine.openness.yaml") and run.code == 1


def test_max_file_size_option_is_honoured(repo, capsys):
    (repo / "big.openness.yaml").write_text(HEAD + "x-pad: '" + "x" * 5000 + "'\n")
    run = cli(capsys, "eval", "--format", "sarif", "--max-file-size", "4096")
    assert "4,096-byte limit" in run.result_for("big.openness.yaml", "path-unsafe").message


@pytest.mark.parametrize("name, body", [
    ("line.openness.yaml", HEAD + "description: " + "word " * 1_000_000 + "\n"),
    ("flow.openness.yaml", HEAD + "x-list: [" + "a, " * 1_000_000 + "b]\n"),
    ("line.cdx.json", '{"bomFormat": "CycloneDX", "specVersion": "1.6", "x": "' + "y" * 5_000_000 + '", '
                      '"components": [{"type": "machine-learning-model", "name": "long"}]}'),
])
def test_a_five_megabyte_line_is_read_in_linear_time(repo, capsys, name, body):
    (repo / name).write_text(body)
    start = time.monotonic()
    run = sarif_eval(capsys)
    assert time.monotonic() - start < 30
    assert run.code in (0, 1)
    assert any(r.uri == name for r in run.results)


# --- class 4: bytes and encodings -----------------------------------------------------------------

@pytest.mark.parametrize("data, expect", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content (a NUL byte at line 3)"),
    (HEAD.encode() + b"description: caf\xe9\n", "not UTF-8 text (invalid byte at line 4)"),
    (HEAD.encode() + "description: café\n".encode("utf-8") + b"owner: M\xfcller\n", "invalid byte at line 5"),
    (b"\xff\xfe\x00\x00" + HEAD.encode("utf-32-le"), "UTF-32"),
    (b"\xff\xfe" + "a: \0\n".encode("utf-16-le"), "NUL"),
])
def test_undecodable_bytes_are_named_with_their_line(repo, capsys, data, expect):
    (repo / "bad.openness.yaml").write_bytes(data)
    run = sarif_eval(capsys)
    assert run.code == 1
    hit = run.result_for("bad.openness.yaml", "manifest-unreadable")
    assert expect in hit.message and "UTF-8" in hit.message


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be-bom", "utf-16-le-bom"])
def test_boms_are_understood_and_lines_stay_right(repo, capsys, encoding):
    if encoding.endswith("-bom"):
        codec = encoding[: -len("-bom")]
        data = ("\ufeff" + WITH_ERROR_AT_4).encode(codec)
    else:
        data = WITH_ERROR_AT_4.encode(encoding)
    (repo / "bom.openness.yaml").write_bytes(data)
    run = sarif_eval(capsys)
    hit = run.result_for("bom.openness.yaml", "manifest-invalid")
    assert hit.line == 4 and "no-such-key" in hit.message


@pytest.mark.parametrize("eol", ["\r\n", "\r"])
def test_crlf_and_cr_line_endings_keep_lines_right(repo, capsys, eol):
    (repo / "eol.openness.yaml").write_bytes(WITH_ERROR_AT_4.replace("\n", eol).encode())
    (repo / "eol.cdx.json").write_bytes(eol.join([
        "{", ' "bomFormat": "CycloneDX",', ' "specVersion": "1.6",', ' "components": [',
        '  {"type": "machine-learning-model", "name": "m"', "  ,}]}"]).encode())
    run = sarif_eval(capsys)
    assert run.result_for("eol.openness.yaml", "manifest-invalid").line == 4
    assert run.result_for("eol.cdx.json", "manifest-unreadable").line == 6


def test_control_characters_are_refused_at_their_line(repo, capsys):
    (repo / "ctl.openness.yaml").write_text(HEAD + "description: a\x07b\n")
    hit = sarif_eval(capsys).result_for("ctl.openness.yaml", "manifest-unreadable")
    assert hit.line == 4


def test_decode_accepts_utf8_with_and_without_bom_only():
    assert decode(b"\xef\xbb\xbfa: 1") == "a: 1"
    assert decode("a: é".encode("utf-16")) == "a: é"
    with pytest.raises(Undecodable):
        decode("a: é".encode("latin-1"))


# --- class 6: links, special files, folders, odd names -----------------------------------------------

def test_a_link_out_of_the_repository_is_reported_and_never_read(repo, outside, capsys):
    (repo / "leak.openness.yaml").symlink_to(outside / "secret.openness.yaml")
    (repo / "inside.openness.yaml").symlink_to(repo / "fine.openness.yaml")
    run = sarif_eval(capsys)
    no_secret(run)
    assert "outside the repository" in run.result_for("leak.openness.yaml", "path-unsafe").message
    assert not [r for r in run.results if r.uri == "inside.openness.yaml" and r.rule == "path-unsafe"]


def test_a_folder_link_out_of_the_repository_is_not_walked_nor_read(repo, outside, capsys):
    (repo / "models").symlink_to(outside, target_is_directory=True)
    run = sarif_eval(capsys)
    no_secret(run)
    run = sarif_eval(capsys, "models/secret.openness.yaml", "fine.openness.yaml")
    no_secret(run)
    assert "folder that is a symbolic link" in run.result_for("models/secret.openness.yaml", "path-unsafe").message


def test_a_link_out_of_a_git_repository_is_reported(repo, outside, capsys):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "leak.openness.yaml").symlink_to(outside / "secret.openness.yaml")
    run = sarif_eval(capsys)
    no_secret(run)
    assert run.result_for("leak.openness.yaml", "path-unsafe")


def test_link_loops_and_dangling_links_are_findings(repo, capsys):
    (repo / "a.openness.yaml").symlink_to("b.openness.yaml")
    (repo / "b.openness.yaml").symlink_to("a.openness.yaml")
    (repo / "gone.openness.yaml").symlink_to("nowhere.yaml")
    run = sarif_eval(capsys)
    for name in ("a.openness.yaml", "b.openness.yaml", "gone.openness.yaml"):
        assert "loops or points nowhere" in run.result_for(name, "path-unsafe").message
    assert run.code == 1


def test_links_to_devices_are_never_opened(repo, capsys):
    (repo / "null.openness.yaml").symlink_to("/dev/null")
    (repo / "zero.openness.yaml").symlink_to("/dev/zero")
    run = sarif_eval(capsys)
    assert run.result_for("null.openness.yaml", "path-unsafe")
    assert run.result_for("zero.openness.yaml", "path-unsafe")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifos_and_sockets_are_never_opened(tmp_path):
    """Opening a FIFO for reading blocks until a writer comes: run in a child process with a timeout."""
    (tmp_path / "fine.openness.yaml").write_text(OK_MANIFEST)
    os.mkfifo(tmp_path / "pipe.openness.yaml")
    os.mkfifo(tmp_path / "pipe.cdx.json")
    os.mkdir(tmp_path / "card")
    (tmp_path / "card" / "README.md").write_text("---\nlicense: other\n---\n# model\n")
    os.mkfifo(tmp_path / "card" / "LICENSE")  # a sibling the card reader looks at
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(tmp_path / "sock.openness.yaml"))
        proc = cli_subprocess(tmp_path, "eval", "--format", "sarif", timeout=60)
        run = Run(proc.returncode, proc.stdout, proc.stderr)
        for name in ("pipe.openness.yaml", "sock.openness.yaml"):
            assert "FIFO, socket or device" in run.result_for(name, "path-unsafe").message
        proc = cli_subprocess(tmp_path, "eval", "--format", "sarif", "pipe.cdx.json", "card/README.md", timeout=60)
        run = Run(proc.returncode, proc.stdout, proc.stderr)
        assert run.result_for("pipe.cdx.json", "path-unsafe") and run.result_for("card/README.md")
    finally:
        sock.close()


def test_folders_named_like_manifests(repo, capsys):
    folder = repo / "dir.openness.yaml"
    folder.mkdir()
    (folder / "inner.openness.yaml").write_text(OK_MANIFEST)
    (repo / "dirlink.openness.yaml").symlink_to(folder, target_is_directory=True)
    run = sarif_eval(capsys)
    assert run.result_for("dir.openness.yaml/inner.openness.yaml")
    assert "is a directory" in run.result_for("dirlink.openness.yaml", "path-unsafe").message
    run = sarif_eval(capsys, "dir.openness.yaml")
    assert run.result_for("dir.openness.yaml/inner.openness.yaml")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_is_named(repo, capsys):
    target = repo / "locked.openness.yaml"
    target.write_text(OK_MANIFEST)
    target.chmod(0)
    try:
        run = sarif_eval(capsys)
    finally:
        target.chmod(0o644)
    assert "Permission denied" in run.result_for("locked.openness.yaml", "path-unsafe").message


ODD_NAMES = ["my model.openness.yaml", "100%.openness.yaml", "#1.openness.yaml", "modèle-é.openness.yaml",
             "line\nbreak.openness.yaml", "a?b&c=d;e.openness.yaml", "日本語.openness.yaml", "[x].openness.yaml"]


def test_odd_characters_in_paths_give_valid_percent_encoded_uris(repo, capsys):
    folder = repo / "sub dir %20"
    folder.mkdir()
    for name in ODD_NAMES:
        (folder / name).write_text(WITH_ERROR_AT_4)
    run = sarif_eval(capsys)  # .sarif lints every URI
    for name in ODD_NAMES:
        uri = quote(f"sub dir %20/{name}", safe="/")
        assert run.result_for(uri, "manifest-invalid").line == 4


def test_file_names_that_are_not_utf8_still_give_valid_output(repo, capsys):
    name = os.fsdecode(b"caf\xe9.openness.yaml")
    (repo / name).write_text(WITH_ERROR_AT_4)
    run = sarif_eval(capsys)
    hits = [r for r in run.results if r.rule == "manifest-invalid"]
    assert hits and hits[0].uri == quote("caf\ufffd.openness.yaml", safe="/")
    for fmt in ("text", "json", "markdown", "github"):
        assert cli(capsys, "eval", "--format", fmt).code == 1


def test_deeply_nested_folders_are_walked_without_recursion(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    folder, made = tmp_path, 0
    for _ in range(1200):  # deeper than Python's recursion limit; os.walk recurses before 3.12
        try:
            os.mkdir(folder / "d")
        except OSError:
            break
        folder, made = folder / "d", made + 1
    try:
        if made < 1200:
            pytest.skip("the file system refuses paths this deep")
        (folder / "deep.openness.yaml").write_text(OK_MANIFEST)
        run = sarif_eval(capsys)
        assert any(r.uri.endswith("/deep.openness.yaml") for r in run.results)
    finally:  # pytest's own clean-up recurses and would fail on a tree this deep
        (folder / "deep.openness.yaml").unlink(missing_ok=True)
        while folder != tmp_path:
            folder.rmdir()
            folder = folder.parent
