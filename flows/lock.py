"""OS file locks: one flow run per data dir at a time (`<data_dir>/run.lock`), and `file_lock`, the one
`flock` helper the repo uses for any file lock (quality.runner's lock per GX context too).

The lock is `flock`-based, so the kernel releases it when the holding process ends, however it
ends: a killed run never leaves a stale lock behind. The run lock's file keeps the holder's
description (pid, host, flow run, start time) so the run that is refused can say who is in the way.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

LOCK_FILE = "run.lock"
POLL_SECONDS = 1.0


class RunLockedError(RuntimeError):
    """Another run holds the data dir's lock."""


@contextmanager
def file_lock(path: Path, wait_seconds: float | None = None) -> Iterator[TextIO]:
    """Hold an exclusive lock on `path` (created, with its folder) for the block; yields the open file.

    Waits as long as it takes when `wait_seconds` is None; otherwise tries until `wait_seconds` have
    passed, then raises TimeoutError.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as handle:
        if wait_seconds is None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        else:
            deadline = time.monotonic() + max(wait_seconds, 0.0)
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise TimeoutError(f"{path} is locked by another process") from None
                    time.sleep(POLL_SECONDS)
        try:
            yield handle
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "unknown holder"
    return ", ".join(f"{key} {value}" for key, value in info.items()) or "unknown holder"


@contextmanager
def run_lock(data_dir: Path, wait_seconds: float = 0.0, run_name: str = "") -> Iterator[Path]:
    """Hold the data dir's run lock for the block; wait up to `wait_seconds`, then refuse clearly."""
    path = data_dir / LOCK_FILE
    with ExitStack() as stack:
        try:  # only the wait is refused: an error in the block passes through unchanged
            handle = stack.enter_context(file_lock(path, max(wait_seconds, 0.0)))
        except TimeoutError:
            raise RunLockedError(
                f"another movie_warehouse run is using {data_dir} ({_holder(path)}); "
                f"waited {wait_seconds:.0f} s. Let it finish, or raise MOVIES_LOCK_WAIT_SECONDS "
                "to queue behind it."
            ) from None
        info = {"pid": os.getpid(), "host": socket.gethostname(), "flow run": run_name or "-",
                "since": datetime.now(UTC).isoformat(timespec="seconds")}  # fmt: skip
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(info))
        handle.flush()
        try:
            yield path
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
