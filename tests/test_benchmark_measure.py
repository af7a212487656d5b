"""The benchmark's memory sampler: the sum over a process and its workers, read cheaply."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux /proc")

CHILD = """
import os, sys, time
block = bytearray(40 * 2**20)  # touched: resident
if os.fork() == 0:
    more = bytearray(20 * 2**20)
    sys.stdout.write("ready\\n"); sys.stdout.flush()
    time.sleep(5); os._exit(0)
time.sleep(5)
"""


def test_tree_rss_counts_the_workers_and_agrees_with_the_group_scan():
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from bench_measure import _group_rss, _tree_rss
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    proc = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert proc.stdout.readline() == "ready\n"
        time.sleep(0.1)
        tree, group = _tree_rss(proc.pid), _group_rss(proc.pid)
        if tree is None:
            pytest.skip("this kernel does not list a process's children")
        assert tree >= 60 * 2**20  # the parent's 40 MiB and the worker's 20 MiB (the worker shares the 40)
        assert abs(tree - group) < 4 * 2**20
    finally:
        proc.kill()
        proc.wait()
