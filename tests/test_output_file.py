"""Outputs are replaced by writing over an existing file and cutting it at the end (see
``openness_policy.output_file``): the content must be exactly what was written, whatever was there."""
from __future__ import annotations

import os
import stat

import pytest

from openness_policy.output_file import replacing


@pytest.mark.parametrize("before", [None, "", "short", "x" * 100_000, "ünïcödé\n" * 1000])
@pytest.mark.parametrize("after", ["", "new\n", "y" * 50_000, "ü" * 70_000])
def test_the_file_holds_exactly_what_was_written(tmp_path, before, after):
    path = tmp_path / "out.sarif"
    if before is not None:
        path.write_text(before, encoding="utf-8")
    with replacing(str(path)) as out:
        out.write(after)
    assert path.read_text(encoding="utf-8") == after


@pytest.mark.parametrize("before", [None, "", "x" * 100_000])
@pytest.mark.parametrize("after", [b"", b"new\n", "\u00fc".encode() * 70_000])
def test_a_byte_stream_holds_exactly_what_was_written(tmp_path, before, after):
    path = tmp_path / "out.sarif"
    if before is not None:
        path.write_text(before, encoding="utf-8")
    with replacing(str(path), binary=True) as out:
        out.write(after)
    assert path.read_bytes() == after


def test_an_existing_file_keeps_its_inode_and_mode(tmp_path):
    path = tmp_path / "out.sarif"
    path.write_text("old content that is longer than the new one\n")
    path.chmod(0o600)
    inode = path.stat().st_ino
    with replacing(str(path)) as out:
        out.write("new\n")
    assert path.read_text() == "new\n"
    assert path.stat().st_ino == inode and stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_symlinked_output_is_written_through_the_link(tmp_path):
    target = tmp_path / "real.sarif"
    target.write_text("old\n" * 10)
    link = tmp_path / "link.sarif"
    link.symlink_to(target)
    with replacing(str(link)) as out:
        out.write("new\n")
    assert link.is_symlink() and target.read_text() == "new\n"


def test_a_file_this_process_cannot_read_is_written_the_usual_way(tmp_path, monkeypatch):
    """A write-only file: opening it to write over it fails, so it is truncated and written as before.
    (Simulated, so that the test also means something when it runs as root.)"""
    import builtins

    path = tmp_path / "out.sarif"
    path.write_text("old content\n")
    real_open = builtins.open
    modes = []

    def no_reading(file, mode="r", *args, **kwargs):
        modes.append(mode)
        if "+" in mode or "r" in mode:
            raise PermissionError(13, "Permission denied")
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", no_reading)
    with replacing(str(path)) as out:
        out.write("new\n")
    monkeypatch.undo()
    assert modes == ["r+", "w"] and path.read_text() == "new\n"
    monkeypatch.setattr(builtins, "open", no_reading)
    with replacing(str(path), binary=True) as out:
        out.write(b"bytes\n")
    monkeypatch.undo()
    assert modes[2:] == ["r+b", "wb"] and path.read_bytes() == b"bytes\n"


def test_a_fifo_is_written_as_a_stream(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        with replacing(str(fifo)) as out:
            out.write("through the pipe\n")
        assert os.read(reader, 100) == b"through the pipe\n"
    finally:
        os.close(reader)


def test_an_error_is_raised_when_opening(tmp_path):
    with pytest.raises(OSError):
        replacing(str(tmp_path / "missing-folder" / "out.sarif"))
