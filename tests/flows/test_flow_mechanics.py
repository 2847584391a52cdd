"""How the flow behaves around its stages, on a real (temporary) Prefect API: the run lock, the
parameters, and stage results that a retried flow run does not recompute."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from prefect import flow, task
from prefect.settings import PREFECT_LOCAL_STORAGE_PATH, temporary_settings
from prefect.testing.utilities import prefect_test_harness

from flows.lock import RunLockedError, run_lock
from flows.pipeline import RESUMABLE, movie_warehouse
from flows.stages import extract_files
from flows.warehouse import UnsupportedTargetError
from settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def prefect_api(tmp_path_factory: pytest.TempPathFactory):
    storage = tmp_path_factory.mktemp("prefect-results")
    with (
        prefect_test_harness(server_startup_timeout=180),
        temporary_settings({PREFECT_LOCAL_STORAGE_PATH: storage}),
    ):
        yield


def test_a_second_run_on_the_same_data_dir_is_refused_naming_the_holder(tmp_path):
    settings = Settings(data_dir=tmp_path)
    with (
        run_lock(tmp_path, run_name="first-run"),
        pytest.raises(RunLockedError, match=r"another movie_warehouse run is using .*flow run first-run"),
    ):
        movie_warehouse(sources=["fred"], settings=settings)
    assert not (tmp_path / "lake").exists()  # refused before any stage touched the lake


def test_a_waiting_run_gets_the_lock_once_the_first_lets_go(tmp_path):
    held, release, got = threading.Event(), threading.Event(), []

    def first() -> None:
        with run_lock(tmp_path, run_name="first"):
            held.set()
            release.wait(30)

    holder = threading.Thread(target=first)
    holder.start()
    held.wait(30)
    threading.Timer(1.0, release.set).start()
    with run_lock(tmp_path, wait_seconds=60, run_name="second") as path:
        got.append(path.read_text())
    holder.join()
    assert '"flow run": "second"' in got[0]


def test_unknown_sources_are_refused_before_anything_runs(tmp_path):
    with pytest.raises(ValueError, match=r"unknown source\(s\) \['imdb'\]"):
        movie_warehouse(sources=["kaggle", "imdb"], settings=Settings(data_dir=tmp_path))


@pytest.mark.scaleout
def test_a_redshift_run_is_refused_before_anything_runs(tmp_path):
    # The flow's readers speak DuckDB and Trino: a deployment set to redshift stops at its start.
    settings = Settings(data_dir=tmp_path, dbt_target="redshift")
    with pytest.raises(UnsupportedTargetError, match=r"duckdb or trino only.*offline_compile"):
        movie_warehouse(sources=["fred"], settings=settings)
    assert list(tmp_path.iterdir()) == []  # no lake, no lock, no report


@pytest.mark.scaleout
def test_movies_run_refuses_redshift_in_one_line(tmp_path):
    movies = Path(sys.executable).parent / "movies"
    env = {**os.environ, "MOVIES_DATA_DIR": str(tmp_path / "data"), "MOVIES_DBT_TARGET": "redshift"}
    result = subprocess.run([str(movies), "run"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "movies run: MOVIES_DBT_TARGET=redshift: a flow run builds and checks the warehouse on duckdb or "
        "trino only. The redshift target is compiled and checked offline "
        "(`python -m infra.redshift.offline_compile`); build it with `movies dbt build --target redshift` "
        "and run its tests there."
    ]
    assert not (tmp_path / "data" / "lake").exists()


def test_a_retried_flow_run_does_not_recompute_finished_stages(tmp_path):
    calls = {"resumable": 0, "plain": 0, "later": 0}

    @task(**RESUMABLE)
    def resumable_stage(value: int) -> int:
        calls["resumable"] += 1
        return value + 1

    @task
    def plain_stage(value: int) -> int:
        calls["plain"] += 1
        return value + 1

    @task
    def later_stage() -> None:
        calls["later"] += 1
        if calls["later"] == 1:
            raise RuntimeError("transient failure of a later stage")

    @flow(retries=1, retry_delay_seconds=0)
    def two_stages() -> int:
        value = resumable_stage(1) + plain_stage(1)
        later_stage()
        return value

    assert two_stages() == 4
    assert calls == {"resumable": 1, "plain": 2, "later": 2}


def test_the_lock_file_lives_in_the_data_dir(tmp_path):
    with run_lock(tmp_path / "data") as path:
        assert path == Path(tmp_path / "data" / "run.lock")


def test_without_deliveries_extract_says_where_to_point_or_what_to_build(tmp_path):
    # The flow builds no sample of its own: a run without MOVIES_FILES_DIR needs `make sample` first.
    with pytest.raises(FileNotFoundError, match=r"MOVIES_FILES_DIR is not set .*`make sample`"):
        extract_files(Settings(data_dir=tmp_path))
    assert not (tmp_path / "lake").exists()
