"""The offline demo (`movies run` on a machine without API keys): the real-data sample is built, and
its OMDb, TMDB and YTS answers are served by the replay server on 127.0.0.1. The production REST code
reaches that server exactly as it reaches the real services: through dlt's configuration (base URLs
and keys as `SOURCES__*` variables, set for the block only), so the flow runs unchanged and knows no
test server."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from extract.pipelines import api_keys_configured
from sample.build import build_sample
from sample.replay import replay_sample_in_process
from settings import Settings

log = logging.getLogger(__name__)
# The key and token the replay server is sent: it needs none, but the sources always send one.
REPLAY_KEY = "sample-replay"
# The server is on this machine: no rate limit, and more calls at once than a real API allows.
REPLAY_RATE, REPLAY_WORKERS = "0", "8"


def has_api_answers(sample_dir: Path) -> bool:
    """Whether the built sample holds API answers to replay."""
    return (sample_dir / "omdb" / "movies.jsonl").is_file()


def replay_config(url: str) -> dict[str, str]:
    """dlt's configuration (environment form) that points the three API sources at a replay server."""
    paths = {"OMDB": "/", "TMDB": "/3", "YTS": "/api/v2"}
    config = {f"SOURCES__{name}__BASE_URL": f"{url}{path}" for name, path in paths.items()}
    for name in paths:
        config[f"SOURCES__{name}__REQUESTS_PER_SECOND"] = REPLAY_RATE
        config[f"SOURCES__{name}__MAX_WORKERS"] = REPLAY_WORKERS
    return {**config, "SOURCES__OMDB__API_KEY": REPLAY_KEY, "SOURCES__TMDB__ACCESS_TOKEN": REPLAY_KEY}


@contextmanager
def replayed_apis(sample_dir: Path) -> Iterator[str]:
    """For the block, the replay server over `sample_dir` in a child process, with dlt's
    configuration pointing the API sources at it; yields its URL."""
    with replay_sample_in_process(sample_dir) as url, mock.patch.dict(os.environ, replay_config(url)):
        log.warning("no API keys configured: replaying the sample %s from %s", sample_dir, url)
        yield url


@contextmanager
def offline_demo(settings: Settings, build: bool = True) -> Iterator[None]:
    """What `movies run` needs around the flow on this machine: the sample built first (`build`,
    unless MOVIES_FILES_DIR names a real delivery), and without API keys the sample's answers
    replayed. With keys the real services are used, and nothing is replayed."""
    if build and settings.files_dir is None:
        build_sample(settings.sample_dir)
    if api_keys_configured() or not has_api_answers(settings.sample_dir):
        yield
        return
    with replayed_apis(settings.sample_dir):
        yield
