"""`python -m sample.replay <sample_dir>`: serve the sample, print the URL, stop when stdin closes."""

from __future__ import annotations

import sys
from pathlib import Path

from sample.replay.server import ReplayServer


def main(argv: list[str]) -> int:
    """Serve until the parent closes our stdin (or terminates us)."""
    with ReplayServer.from_sample(Path(argv[0])) as server:
        print(server.url, flush=True)
        sys.stdin.read()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
