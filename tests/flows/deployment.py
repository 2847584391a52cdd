"""The daily deployment for real, as the tests run it: a local Prefect server on a free 127.0.0.1 port
(its own PREFECT_HOME), the process work pool, `prefect deploy` from prefect.yaml, a worker, and one
triggered run of the deployment, watched to its end."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.local_servers import free_port

PROJECT = Path(__file__).resolve().parents[2]
# The deployment's run reads the chaos bench's input: the bench generator at 0.5% of Kaggle (227 films,
# 130,120 ratings: a run costs mostly its fixed work, and faults strike the same code as at scale)
# and 30 films' API answers.
CHAOS_SCALE, CHAOS_API_FILMS, CHAOS_SEED = 0.005, 30, 20261207
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


@contextmanager
def prefect_server(home: Path) -> Iterator[dict[str, str]]:
    """A real Prefect server with its own PREFECT_HOME on a free port; yields its clients' environment."""
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "DO_NOT_TRACK": "1", "PREFECT_API_URL": api}  # fmt: skip
    server_env = {key: value for key, value in env.items() if key != "PREFECT_API_URL"}
    with (home / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=server_env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_healthy(api, server)
            yield env
        finally:
            _stop(server)


def prefect(env: Mapping[str, str], *args: str, timeout: float = 300) -> str:
    """One `prefect` command against the server; its output (it must succeed)."""
    result = subprocess.run(
        [PREFECT, *args], env=env, cwd=PROJECT, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, (
        f"prefect {' '.join(args)}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result.stdout


@dataclass(frozen=True)
class DeployedRun:
    """What `prefect deploy` printed, the watched run's output, the worker's log, the run-summary
    artifact as the server returns it (JSON), and the run's data dir."""

    deployed: str
    run: str
    worker_log: str
    artifact: str
    data_dir: Path


def run_daily_deployment(env: Mapping[str, str], work: Path, run_env: Mapping[str, str]) -> DeployedRun:
    """Create the pool, deploy prefect.yaml, start a worker whose flow runs see `run_env` (their data
    dir, deliveries and API configuration), trigger the daily deployment and watch it to its end."""
    prefect(env, "work-pool", "create", "movies-process", "--type", "process", "--overwrite")
    deployed = prefect(env, "--no-prompt", "deploy", "--all")
    worker_env = {**env, "MOVIES_PROJECT_DIR": str(PROJECT), **run_env}
    log_path = work / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [PREFECT, "worker", "start", "--pool", "movies-process"],
            env=worker_env, cwd=work, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            run = subprocess.run(
                [PREFECT, "deployment", "run", "movie_warehouse/daily", "--watch"],
                env=env, cwd=PROJECT, capture_output=True, text=True, timeout=1500, check=False,
            )  # fmt: skip
        finally:
            _stop(worker)
    artifact = prefect(env, "artifact", "inspect", "movie-warehouse-run", "--output", "json")
    return DeployedRun(deployed, run.stdout + run.stderr, log_path.read_text(errors="replace"), artifact,
                       Path(run_env["MOVIES_DATA_DIR"]))  # fmt: skip
