"""The scheduled deployment for real (tests.flows.deployment): a local Prefect server on a free
127.0.0.1 port, the process work pool, `prefect deploy` from prefect.yaml, a worker, and one
triggered run that completes with its run-summary artifact. The run reads the chaos bench's input (the
bench generator's files and 30 films' API answers, reached with keys) in a data dir of its own; the
chaos tests hold their faulted runs to what it built."""

from __future__ import annotations

import json

import pytest

from bench.generate import Sizes
from tests.flows.deployment import CHAOS_SCALE, DeployedRun

pytestmark = pytest.mark.slow


def test_the_daily_deployment_runs_on_a_worker_and_publishes_its_summary(deployed_run: DeployedRun) -> None:
    assert "movie_warehouse/daily" in deployed_run.deployed
    assert "COMPLETED" in deployed_run.run.upper(), deployed_run.run[-3000:] + deployed_run.worker_log[-5000:]
    artifact = json.loads(deployed_run.artifact)
    markdown = artifact[0]["data"] if isinstance(artifact, list) else artifact["data"]
    assert markdown.startswith("# Movie warehouse run")
    assert f"| kaggle | ratings | {Sizes.at(CHAOS_SCALE).ratings} |" in markdown
    assert "FAILED" not in markdown
    data_dir = deployed_run.data_dir
    assert (data_dir / "reports" / "report.html").stat().st_size > 100_000
    report = json.loads((data_dir / "reports" / "run_report.json").read_text())
    # The deployment's default sources: the files, and the APIs since keys are configured.
    assert report["parameters"]["sources"] == "kaggle,fred,omdb,tmdb,yts"
    assert [load["dataset"] for load in report["loads"]] == ["kaggle", "fred", "omdb", "tmdb", "yts"]
    assert report["quality"]["raw"]["skipped"] == []
    assert report["quality"]["raw"]["critical"] == []
    assert set(report["quality"]["raw"]["rows_checked"]) == {
        "kaggle_movies_metadata", "kaggle_ratings", "kaggle_links", "kaggle_credits", "fred_cpiaucsl",
        "omdb_movies", "tmdb_movies", "yts_movies",
    }  # fmt: skip
