"""Wall time and peak resident memory (PSS) of a command and every process it starts (Spark's JVM too)."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import psutil

POLL_SECONDS = 0.05
PSS_SECONDS = 0.5
MARKS_ENV = "BENCH_MARKS"  # the file bench.stage marks each stage's start and end in (JSON lines)
OUTSIDE = "outside stages"  # the row of a stages run's time outside every stage


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
    whole RSS until it execs, so summed RSS can report far more than is resident. PSS is dearer to
    read (the kernel walks the page tables), see `measure`.
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


class PeakTracker:
    """The peak PSS of a process tree over a span of polls.

    The tree's RSS is read on every poll (cheap); whenever it reaches a new high, and at most every
    PSS_SECONDS, its PSS is read, and the peak is the highest PSS read. Reading PSS on every poll
    slowed the measured stages by up to a third.
    """

    def __init__(self) -> None:
        self.peak, self.high, self.last_pss = 0, 0, float("-inf")

    def poll(self, process: psutil.Process) -> None:
        """Take one reading of the tree's memory."""
        rss = tree_rss(process)
        if rss > self.high and time.perf_counter() - self.last_pss >= PSS_SECONDS:
            self.peak = max(self.peak, tree_rss(process, proportional=True))
            self.high, self.last_pss = rss, time.perf_counter()

    @property
    def peak_mib(self) -> float:
        """The peak so far, in MiB."""
        return round(self.peak / 2**20, 1)


def measure(name: str, command: Sequence[str], env: Mapping[str, str], cwd: Path, log: Path) -> Measured:
    """Run `command`, polling its process tree's memory (`PeakTracker`); output goes to `log`, its
    tail is kept."""
    log.parent.mkdir(parents=True, exist_ok=True)
    started, tracker = time.perf_counter(), PeakTracker()
    with (
        log.open("w") as out,
        subprocess.Popen(command, env=dict(env), cwd=cwd, stdout=out, stderr=out) as child,
    ):
        process = psutil.Process(child.pid)
        while child.poll() is None:
            tracker.poll(process)
            time.sleep(POLL_SECONDS)
    seconds = time.perf_counter() - started
    return Measured(name, round(seconds, 2), tracker.peak_mib, child.returncode, log_tail(log))


def log_tail(log: Path, lines: int = 30) -> str:
    """The last `lines` lines of a log."""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class _Span:
    """A stage, or a stretch outside every stage, since `started` (time.time())."""

    name: str
    started: float
    tracker: PeakTracker = field(default_factory=PeakTracker)

    def row(self, ended: float, returncode: int) -> Measured:
        """The span as a measured row, ending at `ended` (time.time())."""
        return Measured(self.name, round(ended - self.started, 2), self.tracker.peak_mib, returncode, "")


class _StageClock:
    """Which stage a stages run is in, from its marks; one row per stage, one for the time outside."""

    def __init__(self, began: float) -> None:
        self.rows: list[Measured] = []
        self.outside = _Span(OUTSIDE, began)
        self.seconds_outside = 0.0
        self.span = self.outside

    def mark(self, line: str) -> None:
        """Apply one mark: {"event": "start", "stage", "at"} or {"event": "end", "ok", "at"}."""
        mark = json.loads(line)
        if mark["event"] == "start":
            self.seconds_outside += mark["at"] - self.span.started
            self.span = _Span(mark["stage"], mark["at"])
        else:
            self.rows.append(self.span.row(mark["at"], 0 if mark["ok"] else 1))
            self.span = _Span(OUTSIDE, mark["at"], self.outside.tracker)

    def finish(self, ended: float, returncode: int) -> list[Measured]:
        """The rows once the process exited with `returncode` at `ended`."""
        if self.span.name == OUTSIDE:
            self.seconds_outside += ended - self.span.started
        else:
            self.rows.append(self.span.row(ended, returncode))  # the stage never marked its end
        outside = Measured(
            OUTSIDE, round(self.seconds_outside, 2), self.outside.tracker.peak_mib, returncode, ""
        )
        return [*self.rows, outside]


def measure_stages(
    command: Sequence[str], env: Mapping[str, str], cwd: Path, log: Path, marks: Path
) -> list[Measured]:
    """Run `command`, a process that runs several stages one after another (bench.stage) and marks
    each one's start and end in the file `marks` (named by MARKS_ENV); measure each stage.

    Returns one row per stage that started, in order, then an `OUTSIDE` row: the time outside every
    stage (interpreter start and exit, imports before the first stage) with its peak. The rows' seconds
    add up to the command's wall time. A stage that never marked its end takes the command's exit code;
    a failed row keeps the tail of the output.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    marks.write_text("")
    clock = _StageClock(time.time())
    env = {**env, MARKS_ENV: str(marks)}
    with (
        log.open("w") as out,
        marks.open() as reader,
        subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=out) as child,
    ):
        process, pending = psutil.Process(child.pid), ""
        while True:
            running = child.poll() is None
            *complete, pending = (pending + reader.read()).split("\n")
            for line in complete:
                clock.mark(line)
            if not running:
                break
            clock.span.tracker.poll(process)
            time.sleep(POLL_SECONDS)
    rows = clock.finish(time.time(), child.returncode)
    tail = log_tail(log)
    return [replace(row, output_tail=tail) if row.returncode else row for row in rows]
