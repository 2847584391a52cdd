"""Wall time and peak resident memory (PSS) of a command and every process it starts (Spark's JVM too)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

POLL_SECONDS = 0.05
PSS_SECONDS = 0.5


@dataclass(frozen=True)
class Measured:
    """One command's outcome: seconds, the peak of the summed RSS of its process tree, its output tail."""

    name: str
    seconds: float
    peak_rss_mib: float
    returncode: int
    output_tail: str


def tree_rss(process: psutil.Process, proportional: bool = False) -> int:
    """Resident bytes of a process and all its descendants right now (0 once it is gone).

    `proportional`: each member counts its proportional share of resident pages (PSS, Linux), so
    pages processes share are counted once. Summing plain RSS counts them in every process: a
    child the JVM has just forked (Hadoop's local file system runs shell commands) shows the JVM's
    whole RSS until it execs, and at Kaggle scale the silver job's tree "peaked" at 8.6 GiB with
    4.8 GiB resident. PSS is dearer to read (the kernel walks the page tables), see `measure`.
    """
    try:
        family = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for member in family:
        try:
            total += _resident(member) if proportional else int(member.memory_info().rss)
        except psutil.NoSuchProcess:
            continue
    return total


def _resident(member: psutil.Process) -> int:
    try:
        return int(member.memory_full_info().pss)
    except (AttributeError, psutil.AccessDenied):
        return int(member.memory_info().rss)


def measure(name: str, command: Sequence[str], env: Mapping[str, str], cwd: Path, log: Path) -> Measured:
    """Run `command`, polling its process tree's memory; output goes to `log`, its tail is kept.

    The tree's RSS is polled every POLL_SECONDS (cheap); whenever it reaches a new high, and at
    most every PSS_SECONDS, its PSS is read, and the peak reported is the highest PSS read. Reading
    PSS on every poll slowed the measured stages by up to a third.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    started, peak, high, last_pss = time.perf_counter(), 0, 0, float("-inf")
    with (
        log.open("w") as out,
        subprocess.Popen(command, env=dict(env), cwd=cwd, stdout=out, stderr=out) as child,
    ):
        process = psutil.Process(child.pid)
        while child.poll() is None:
            rss = tree_rss(process)
            if rss > high and time.perf_counter() - last_pss >= PSS_SECONDS:
                peak, high, last_pss = (
                    max(peak, tree_rss(process, proportional=True)),
                    rss,
                    time.perf_counter(),
                )
            time.sleep(POLL_SECONDS)
    seconds = time.perf_counter() - started
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
    return Measured(name, round(seconds, 2), round(peak / 2**20, 1), child.returncode, tail)
