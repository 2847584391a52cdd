"""`movies run` as the chaos bench drives it: a child in its own process group, its log followed line
by line, so a fault can be timed to a stage (`stage <name>: started`, the flow's own progress line)
and a kill -9 takes the flow and everything it started (Spark's JVM, Prefect's temporary server).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

STARTED = re.compile(r"stage (?P<stage>[a-z ]+): started")
DONE = re.compile(r"stage (?P<stage>[a-z ]+): done in")
RUN_TIMEOUT_S = 1800.0


def movies_command() -> list[str]:
    """The `movies run` this interpreter's environment installs, without (re)building the sample."""
    return [str(Path(sys.executable).parent / "movies"), "run", "--skip-sample"]


@dataclass(frozen=True)
class Finished:
    """How one run ended: its exit status (negative: killed by that signal) and its whole log."""

    returncode: int
    log: str
    seconds: float

    @property
    def ok(self) -> bool:
        """The run completed."""
        return self.returncode == 0


class FlowRun:
    """One `movies run` child; `log_path` receives its output as it comes."""

    def __init__(self, env: Mapping[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self.began = time.monotonic()
        self._lines: list[str] = []
        self._changed = threading.Condition()
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            movies_command(), env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, start_new_session=True,  # its own process group: one signal reaches all it starts
        )  # fmt: skip
        self._reader = threading.Thread(target=self._follow, daemon=True)
        self._reader.start()

    def _follow(self) -> None:
        assert self.process.stdout is not None
        with self.log_path.open("w", encoding="utf-8") as log:
            for line in self.process.stdout:
                log.write(line)
                with self._changed:
                    self._lines.append(line)
                    self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def stages(self, pattern: re.Pattern[str] = STARTED) -> list[str]:
        """The stages whose line of that kind the run has printed so far, in order."""
        with self._changed:
            return [m.group("stage") for line in self._lines if (m := pattern.search(line))]

    def wait_for_stage(self, stage: str, timeout: float = RUN_TIMEOUT_S) -> bool:
        """Block until the run prints that `stage` started; False if it ended first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while stage not in self.stages():
                if self.process.poll() is not None and not self._reader.is_alive():
                    return False
                self._changed.wait(timeout=1.0)
                if time.monotonic() > deadline:
                    return False
            return True

    def count_in_stage(self, stage: str, pattern: re.Pattern[str]) -> int:
        """Lines matching `pattern` the run printed since `stage` started (0 before that)."""
        with self._changed:
            lines = list(self._lines)
        starts = [
            i for i, line in enumerate(lines) if (m := STARTED.search(line)) and m.group("stage") == stage
        ]
        return sum(1 for line in lines[starts[-1] :] if pattern.search(line)) if starts else 0

    def wait_until(self, condition: Callable[[], bool], timeout: float = RUN_TIMEOUT_S) -> bool:
        """Block until `condition()` holds (checked as lines come, and every 0.2 s); False if the run
        ended or `timeout` passed first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                if self.process.poll() is not None or time.monotonic() > deadline:
                    return False
                self._changed.wait(timeout=0.2)
            return True

    def finished_stage(self, stage: str) -> bool:
        """Whether the run has printed that `stage` is done."""
        return stage in self.stages(DONE)

    def kill(self) -> None:
        """kill -9 of the run's whole process group, as a machine or container dying would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def finish(self, timeout: float = RUN_TIMEOUT_S) -> Finished:
        """Wait for the run to end (killing it after `timeout`); its status and log."""
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            self.process.wait()
        self.kill()  # whatever it started and left behind goes with it
        self._reader.join(timeout=30)
        with self._changed:
            log = "".join(self._lines)
        return Finished(self.process.returncode, log, round(time.monotonic() - self.began, 1))


def run_to_end(env: Mapping[str, str], log_path: Path) -> Finished:
    """One run, left to finish."""
    return FlowRun(env, log_path).finish()
