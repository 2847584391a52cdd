"""One pair of whole-flow runs on the real sample (keyed, against the fake APIs), shared by every test
that needs a built warehouse."""

from __future__ import annotations

import pytest

from sample.build import build_sample
from sample.replay.catalog import Catalog
from sample.replay.server import ReplayServer
from tests.flows.runs import (
    OMDB_KEY,
    TMDB_TOKEN,
    broken_ratings_run,
    fingerprints,
    keyed_api_env,
    movies_run,
    raw_files,
)


@pytest.fixture(scope="session")
def pipeline_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """`movies run` twice on one data dir (~5 minutes): what the first built and what the second changed.

    The runs take the keyed path, as against the real services: the fake APIs (the replay server of
    the same sample) accept only the dummy keys the runs are given."""
    data_dir = tmp_path_factory.mktemp("data")
    build_sample(data_dir / "sample")
    with ReplayServer(
        Catalog.from_sample(data_dir / "sample"), omdb_api_key=OMDB_KEY, tmdb_token=TMDB_TOKEN
    ) as api:
        keyed = keyed_api_env(api)
        first = movies_run(data_dir, env=keyed)
        after_first = (fingerprints(data_dir / "warehouse.duckdb"), raw_files(data_dir))
        first_report = (data_dir / "reports" / "run_report.md").read_text()
        second = movies_run(data_dir, env=keyed)
        after_second = (fingerprints(data_dir / "warehouse.duckdb"), raw_files(data_dir))
        second_report = (data_dir / "reports" / "run_report.md").read_text()
        broken = broken_ratings_run(data_dir, tmp_path_factory.mktemp("broken_delivery"), keyed)
        api_hits = dict(api.hits)
    return {"dir": data_dir, "first": first, "second": second, "after_first": after_first,
            "after_second": after_second, "first_report": first_report, "second_report": second_report,
            "broken": broken, "api_hits": api_hits}  # fmt: skip
