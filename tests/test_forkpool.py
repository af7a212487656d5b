"""The fork pool behind ``eval --jobs``: results in task order, errors raised in the parent, a dying
worker reported (never a hang), large messages both ways, and no process left behind."""
from __future__ import annotations

import os
import signal
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

from openness_policy.forkpool import ForkPool, WorkerDied  # noqa: E402


@pytest.fixture(autouse=True)
def no_hang():
    """A pool that waits for ever fails the test instead of stalling the suite."""
    def stalled(*_):
        raise TimeoutError("the pool hung")

    old = signal.signal(signal.SIGALRM, stalled)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def square_slowly(n: int) -> tuple[int, int]:
    time.sleep((n * 7 % 5) / 1000)  # later tasks often finish first
    return n, n * n


def fail_on_three(n: int) -> int:
    if n == 3:
        raise ValueError(f"no {n}")
    return n


class Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("cannot pickle this")


def fail_unpicklably(n: int) -> int:
    raise Unpicklable("x")


def die_on_two(n: int) -> int:
    if n == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return n


def exit_on_one(n: int) -> int:
    if n == 1:
        os._exit(3)
    return n


def echo_size(blob: bytes) -> bytes:
    return blob * 2


def pid_of(_: int) -> int:
    return os.getpid()


def _gone(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_results_come_back_in_task_order(jobs):
    with ForkPool(jobs) as pool:
        assert list(pool.imap(square_slowly, range(40))) == [(n, n * n) for n in range(40)]
        assert list(pool.imap(square_slowly, [])) == []
        assert list(pool.imap(square_slowly, [5])) == [(5, 25)]  # the pool serves more than one imap


def test_the_work_is_shared_and_every_worker_ends():
    with ForkPool(2) as pool:
        pids = set(pool.imap(pid_of, range(50)))
        workers = [w.pid for w in pool._workers]
    assert pids == set(workers) and os.getpid() not in pids
    assert all(_gone(pid) for pid in workers)


def test_an_error_in_a_task_is_raised_in_the_parent():
    with pytest.raises(ValueError, match="no 3"):
        with ForkPool(2) as pool:
            list(pool.imap(fail_on_three, range(10)))
    with pytest.raises(RuntimeError, match="Unpicklable"):
        with ForkPool(1) as pool:
            list(pool.imap(fail_unpicklably, range(2)))


@pytest.mark.parametrize("fn,cause", [(die_on_two, "killed by signal 9"), (exit_on_one, "exited with status 3")])
def test_a_worker_that_dies_is_reported_not_waited_for(fn, cause):
    pool = ForkPool(2)
    workers = [w.pid for w in pool._workers]
    with pytest.raises(WorkerDied, match=cause) as caught:
        with pool:
            list(pool.imap(fn, range(20)))
    assert "--jobs 1" in str(caught.value)
    assert all(_gone(pid) for pid in workers)  # the other worker was killed, and both were reaped


def test_large_tasks_and_results_do_not_deadlock():
    blobs = [bytes([n]) * (300_000 + n) for n in range(8)]  # each far over a pipe's 64 KiB
    with ForkPool(2) as pool:
        assert list(pool.imap(echo_size, blobs)) == [b * 2 for b in blobs]


def test_workers_do_not_hold_each_others_pipes():
    """Closing the pool ends every worker: none keeps another's task pipe open (it would wait for ever)."""
    with ForkPool(3) as pool:
        list(pool.imap(pid_of, range(6)))
        pids = [w.pid for w in pool._workers]
    assert all(_gone(pid) for pid in pids)
    if sys.platform.startswith("linux"):
        assert not any(os.path.exists(f"/proc/{pid}") and open(f"/proc/{pid}/stat").read().split()[2] != "Z"
                       for pid in pids)


def _killed_chunk(indexes):
    os.kill(os.getpid(), signal.SIGKILL)


def test_eval_reports_a_dead_worker_and_exits_2(tmp_path, monkeypatch, capsys):
    from openness_policy import parallel
    from openness_policy.cli import main

    for n in range(4):
        (tmp_path / f"m{n}.openness.yaml").write_text(f"openness: 1\nname: m{n}\nlicense: MIT\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(parallel, "_judge_chunk", _killed_chunk)  # the workers are forked with it
    code = main(["eval", "--jobs", "2", "--format", "sarif", "--output", "out.sarif", "."])
    err = capsys.readouterr().err
    assert code == 2 and "worker process was killed by signal 9" in err and "Traceback" not in err
    assert not (tmp_path / "out.sarif").exists()  # no half-written log


def test_an_unfinished_imap_is_not_mixed_into_the_next():
    with ForkPool(2) as pool:
        results = pool.imap(square_slowly, range(10))
        assert next(results) == (0, 0)
        results.close()  # left unfinished: tasks are still out with the workers
        with pytest.raises(RuntimeError, match="left unfinished"):
            list(pool.imap(square_slowly, range(3)))
