"""bench.measure: a process tree's memory counts pages a fork shares with its parent once, and a
process running several stages gets each stage's time and peak from its marks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from bench.measure import OUTSIDE, measure_stages, tree_rss

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


# Marks two stages as bench.stage does: "big" holds ~200 MiB, "small" has let it go; then a third that
# never ends (the process dies with exit 3, as a crash would).
STAGED_CHILD = """
import json, os, sys, time
def mark(**fields):
    with open(os.environ["BENCH_MARKS"], "a") as out:
        out.write(json.dumps({**fields, "at": time.time()}) + "\\n")
time.sleep(0.3)
mark(event="start", stage="big")
block = bytearray(200 * 2**20)
for i in range(0, len(block), 4096):
    block[i] = 1
time.sleep(0.6)
del block
mark(event="end", ok=True)
mark(event="start", stage="small")
time.sleep(0.4)
mark(event="end", ok=True)
mark(event="start", stage="crashing")
print("stage crashing gave up", flush=True)
time.sleep(0.2)
sys.exit(3)
"""


def test_each_marked_stage_gets_its_time_and_peak_and_the_rest_is_outside(tmp_path: Path) -> None:
    started = time.time()
    rows = measure_stages(
        [sys.executable, "-c", STAGED_CHILD], os.environ, tmp_path, tmp_path / "run.log", tmp_path / "marks"
    )
    wall = time.time() - started

    assert [row.name for row in rows] == ["big", "small", "crashing", OUTSIDE]
    big, small, crashing, outside = rows
    assert 0.6 <= big.seconds < 1.5 and 0.4 <= small.seconds < 1.0 and 0.2 <= crashing.seconds < 1.0
    assert outside.seconds >= 0.3  # the sleep before the first stage, and interpreter start and exit
    assert sum(row.seconds for row in rows) == pytest.approx(wall, abs=0.3)
    assert big.peak_rss_mib > 200 > small.peak_rss_mib
    assert [row.returncode for row in rows] == [0, 0, 3, 3]
    assert "stage crashing gave up" in crashing.output_tail and big.output_tail == ""
