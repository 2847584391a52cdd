"""Whole-flow runs shared by the tests that need a built warehouse: the runs on the real sample (keyed,
against the fake APIs), and the daily deployment's run on the chaos bench's input, which is also the
clean run the chaos tests hold their faulted runs to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.chaos.bench import Bench, inputs
from sample.build import build_sample
from sample.replay.catalog import Catalog
from sample.replay.server import ReplayServer
from tests.flows.deployment import (
    CHAOS_API_FILMS,
    CHAOS_SCALE,
    CHAOS_SEED,
    DeployedRun,
    prefect_server,
    run_daily_deployment,
)
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


@pytest.fixture(scope="session")
def chaos_inputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    """The chaos bench's files and replayed APIs (bench.chaos.bench.inputs), for the session."""
    with inputs(tmp_path_factory.mktemp("chaos"), CHAOS_SCALE, CHAOS_SEED, CHAOS_API_FILMS) as bench:
        yield bench


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A real Prefect server for the session (own PREFECT_HOME, free port): its clients' environment."""
    with prefect_server(tmp_path_factory.mktemp("prefect_home")) as env:
        yield env


@pytest.fixture(scope="session")
def deployed_run(
    tmp_path_factory: pytest.TempPathFactory, chaos_inputs: Bench, prefect_api: dict[str, str]
) -> DeployedRun:
    """The daily deployment (the server's pool, a worker) run once on the chaos bench's input,
    reaching its APIs with keys, in a data dir of its own."""
    data_dir = chaos_inputs.data_dir("deployed")
    return run_daily_deployment(prefect_api, tmp_path_factory.mktemp("worker"), chaos_inputs.env(data_dir))
