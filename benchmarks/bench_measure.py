"""Running one command and measuring it: wall time, CPU time and peak memory of the process tree.

Each measurement is a fresh process. CPU time and peak RSS come from ``os.wait4`` on that process:
user + system time of it and of every worker it waited for, and the largest resident set of any one
of them (the kernel's ``ru_maxrss``). With ``tree=True`` the process tree is also sampled every
20 ms from ``/proc`` and the largest *sum* of resident sets is kept, which is what several worker
processes cost together (the whole process group, by scanning ``/proc``, where the kernel does not
list a process's children).
"""
from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float  # largest single process
    tree_mb: float | None = None  # largest sum over the process group (sampled), when asked for
    code: int = 0
    stderr: str = ""

    def merge(self, other: Run) -> Run:
        """Two runs one after the other (batches): times add up, memory is the larger one."""
        return Run(self.wall + other.wall, self.cpu + other.cpu, max(self.rss_mb, other.rss_mb),
                   max(self.tree_mb or 0, other.tree_mb or 0) or None, max(self.code, other.code),
                   self.stderr + other.stderr)


def _tree_rss(root: int) -> int | None:
    """Resident bytes of ``root`` and its descendants, following ``/proc/PID/task/TID/children``: a few
    small reads, where scanning every process of the machine cost ~1 ms each time, 5% of one core taken
    from the run being measured (and only from the runs sampled, not from the peer's). None when the
    kernel does not list children."""
    page = os.sysconf("SC_PAGE_SIZE")
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
                total += int(fh.read().split()[1]) * page
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                    todo.extend(int(child) for child in fh.read().split())
        except FileNotFoundError:
            if pid == root and not os.path.exists(f"/proc/{root}/task/{root}/children"):
                return None
        except (OSError, IndexError, ValueError):
            continue
    return total


def _group_rss(pgid: int) -> int:
    total = 0
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:  # field 5 of stat: the process group
                total += int(fields[21]) * page  # field 24: resident pages
        except (OSError, IndexError, ValueError):
            continue
    return total


def measure(cmd: list[str], cwd: Path, env: dict[str, str], tree: bool = False) -> Run:
    """Run ``cmd`` to completion (output discarded, standard error kept for error messages)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err, start_new_session=True)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                rss = _tree_rss(proc.pid)
                peak[0] = max(peak[0], _group_rss(proc.pid) if rss is None else rss)
                done.wait(0.02)

        sampler = threading.Thread(target=sample, daemon=True) if tree and os.path.isdir("/proc") else None
        if sampler:
            sampler.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        if sampler:
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
               peak[0] / 2**20 if sampler else None, proc.returncode, text)


def best(runs: list[Run]) -> Run:
    """The fastest run (wall time): the one least disturbed by whatever else the machine was doing."""
    return min(runs, key=lambda r: r.wall)


def arg_batches(files: list[str], fixed: list[str], env: dict[str, str]) -> list[list[str]]:
    """Split ``files`` into command lines that fit the system's argument-size limit."""
    try:
        limit = os.sysconf("SC_ARG_MAX")
    except (ValueError, OSError):
        limit = 128 * 1024
    budget = limit - sum(len(k) + len(v) + 2 for k, v in env.items()) - sum(len(a) + 1 for a in fixed) - 64 * 1024
    budget = max(budget, 32 * 1024)
    batches, current, size = [], [], 0
    for f in files:
        if current and size + len(f) + 9 > budget:  # the string, its NUL and its argv pointer
            batches.append(current)
            current, size = [], 0
        current.append(f)
        size += len(f) + 9
    if current:
        batches.append(current)
    return batches
