"""The offline demo's APIs: the sample's OMDb, TMDB and YTS answers served by the replay server on
127.0.0.1, reached by the production REST code exactly as it reaches the real services."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from extract.pipelines import ApiTarget
from sample.replay import replay_sample_in_process

log = logging.getLogger(__name__)
# The key and token the replay server is sent: it needs none, but the sources always send one.
REPLAY_KEY = "sample-replay"
# The server is on this machine: no rate limit, and more calls at once than a real API allows.
REPLAY_RATE, REPLAY_WORKERS = 0.0, 8


def has_api_answers(sample_dir: Path) -> bool:
    """Whether the built sample holds API answers to replay."""
    return (sample_dir / "omdb" / "movies.jsonl").is_file()


@contextmanager
def replayed_apis(sample_dir: Path, target: ApiTarget | None = None) -> Iterator[ApiTarget]:
    """For the block, the replay server over `sample_dir` in a child process, and `target` (its
    OMDb settings kept) pointed at it."""
    with replay_sample_in_process(sample_dir) as url:
        log.warning("no API keys configured: replaying the sample %s from %s", sample_dir, url)
        yield replace(
            target or ApiTarget(),
            omdb_url=f"{url}/", tmdb_url=f"{url}/3", yts_url=f"{url}/api/v2",
            omdb_api_key=REPLAY_KEY, tmdb_token=REPLAY_KEY,
            requests_per_second=REPLAY_RATE, max_workers=REPLAY_WORKERS,
        )  # fmt: skip
