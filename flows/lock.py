"""One flow run per data dir at a time: an OS file lock on `<data_dir>/run.lock`.

The lock is `flock`-based, so the kernel releases it when the holding process ends, however it
ends: a killed run never leaves a stale lock behind. The file itself keeps the holder's description
(pid, host, flow run, start time) so the run that is refused can say who is in the way.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

LOCK_FILE = "run.lock"
POLL_SECONDS = 1.0


class RunLockedError(RuntimeError):
    """Another run holds the data dir's lock."""


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "unknown holder"
    return ", ".join(f"{key} {value}" for key, value in info.items()) or "unknown holder"


@contextmanager
def run_lock(data_dir: Path, wait_seconds: float = 0.0, run_name: str = "") -> Iterator[Path]:
    """Hold the data dir's run lock for the block; wait up to `wait_seconds`, then refuse clearly."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_FILE
    deadline = time.monotonic() + max(wait_seconds, 0.0)
    with path.open("a+", encoding="utf-8") as handle:
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RunLockedError(
                        f"another movie_warehouse run is using {data_dir} ({_holder(path)}); "
                        f"waited {wait_seconds:.0f} s. Let it finish, or raise MOVIES_LOCK_WAIT_SECONDS "
                        "to queue behind it."
                    ) from None
                time.sleep(POLL_SECONDS)
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
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
