"""The scheduled deployment for real: a local Prefect server on a free 127.0.0.1 port, the process work
pool, `prefect deploy` from prefect.yaml, a worker, and one triggered run that completes with its
run-summary artifact. Everything in a temporary PREFECT_HOME and data dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from sample.build import build_sample
from tests.local_servers import free_port

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[2]
PREFECT = str(Path(sys.executable).parent / "prefect")


def _wait_healthy(url: str, server: subprocess.Popen[bytes], seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "prefect server exited"
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise AssertionError(f"prefect server not healthy at {url} after {seconds} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def prefect_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A real Prefect server (own PREFECT_HOME, free port); yields the environment its clients use."""
    home = tmp_path_factory.mktemp("prefect_home")
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "DO_NOT_TRACK": "1", "PREFECT_API_URL": api}  # fmt: skip
    server_env = {key: value for key, value in env.items() if key != "PREFECT_API_URL"}
    log = (home / "server.log").open("wb")
    server = subprocess.Popen(
        [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=server_env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_healthy(api, server)
        yield env
    finally:
        _stop(server)
        log.close()


def _prefect(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [PREFECT, *args], env=env, cwd=PROJECT, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, (
        f"prefect {' '.join(args)}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result.stdout


def test_the_daily_deployment_runs_on_a_worker_and_publishes_its_summary(prefect_env, tmp_path):
    _prefect(prefect_env, "work-pool", "create", "movies-process", "--type", "process", "--overwrite")
    deployed = _prefect(prefect_env, "--no-prompt", "deploy", "--all")
    assert "movie_warehouse/daily" in deployed
    data_dir = tmp_path / "data"
    build_sample(data_dir / "sample")  # the operator's one step for the offline sample (`make sample`)
    worker_env = {**prefect_env, "MOVIES_PROJECT_DIR": str(PROJECT), "MOVIES_DATA_DIR": str(data_dir)}
    worker_log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [PREFECT, "worker", "start", "--pool", "movies-process"],
        env=worker_env, cwd=tmp_path, stdout=worker_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        # Small and fast: the two file sources only (API sources absent publish empty silver entities).
        run = _prefect(
            prefect_env, "deployment", "run", "movie_warehouse/daily",
            "--param", 'sources=["kaggle", "fred"]', "--watch", timeout=1200,
        )  # fmt: skip
    finally:
        _stop(worker)
        worker_log.close()
    assert "COMPLETED" in run.upper(), run[-3000:] + (tmp_path / "worker.log").read_text()[-5000:]
    artifact = json.loads(
        _prefect(prefect_env, "artifact", "inspect", "movie-warehouse-run", "--output", "json")
    )
    markdown = artifact[0]["data"] if isinstance(artifact, list) else artifact["data"]
    assert markdown.startswith("# Movie warehouse run")
    assert "| kaggle | ratings | 100004 |" in markdown
    assert "FAILED" not in markdown
    assert (data_dir / "reports" / "report.html").stat().st_size > 100_000
    report = json.loads((data_dir / "reports" / "run_report.json").read_text())
    assert report["parameters"]["sources"] == "kaggle,fred"
    assert [load["dataset"] for load in report["loads"]] == ["kaggle", "fred"]
    # Raw checks covered the two delivered sources; the API sources' tables were skipped, not failed.
    assert report["quality"]["raw"]["skipped"] == ["omdb_movies", "tmdb_movies", "yts_movies"]
    assert report["quality"]["raw"]["critical"] == []
    assert set(report["quality"]["raw"]["rows_checked"]) == {
        "kaggle_movies_metadata", "kaggle_ratings", "kaggle_links", "kaggle_credits", "fred_cpiaucsl",
    }  # fmt: skip
