"""bench.measure: a process tree's memory counts pages a fork shares with its parent once."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil

from bench.measure import tree_rss

# A parent holding ~300 MiB that forks a child which never execs: both map the same pages.
FORKING_PARENT = """
import os, sys, time
block = bytearray(300 * 2**20)
for i in range(0, len(block), 4096):
    block[i] = 1
if os.fork() == 0:
    time.sleep(30)
    os._exit(0)
print("forked", flush=True)
time.sleep(30)
"""


def test_shared_pages_of_a_fork_are_counted_once() -> None:
    parent = subprocess.Popen([sys.executable, "-c", FORKING_PARENT], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "forked"
        process = psutil.Process(parent.pid)
        deadline = time.monotonic() + 10
        while not process.children() and time.monotonic() < deadline:
            time.sleep(0.05)
        mib = 2**20
        rss, pss = tree_rss(process) / mib, tree_rss(process, proportional=True) / mib
        assert rss > 580  # plain RSS counts the 300 MiB block in both processes
        assert 290 < pss < 420  # PSS counts it once (plus two interpreters)
    finally:
        for member in psutil.Process(parent.pid).children():
            member.kill()
        parent.kill()
        parent.wait()
