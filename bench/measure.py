"""Wall time and peak resident memory of a command, counting every process it starts (Spark's JVM too)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Measured:
    """One command's outcome: seconds, the peak of the summed RSS of its process tree, its output tail."""

    name: str
    seconds: float
    peak_rss_mib: float
    returncode: int
    output_tail: str


def tree_rss(process: psutil.Process) -> int:
    """Resident bytes of a process and all its descendants right now (0 once it is gone)."""
    try:
        family = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for member in family:
        try:
            total += member.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


def measure(name: str, command: Sequence[str], env: Mapping[str, str], cwd: Path, log: Path) -> Measured:
    """Run `command`, polling its process tree's memory; output goes to `log`, its tail is kept."""
    log.parent.mkdir(parents=True, exist_ok=True)
    started, peak = time.perf_counter(), 0
    with (
        log.open("w") as out,
        subprocess.Popen(command, env=dict(env), cwd=cwd, stdout=out, stderr=out) as child,
    ):
        process = psutil.Process(child.pid)
        while child.poll() is None:
            peak = max(peak, tree_rss(process))
            time.sleep(POLL_SECONDS)
    seconds = time.perf_counter() - started
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
    return Measured(name, round(seconds, 2), round(peak / 2**20, 1), child.returncode, tail)
