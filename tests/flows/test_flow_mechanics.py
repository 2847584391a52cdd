"""How the flow behaves around its stages, on a real (temporary) Prefect API: the run lock, the
parameters, and stage results that a retried flow run does not recompute."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from prefect import flow, task
from prefect.settings import PREFECT_LOCAL_STORAGE_PATH, temporary_settings
from prefect.testing.utilities import prefect_test_harness

from flows.lock import RunLockedError, run_lock
from flows.pipeline import RESUMABLE, movie_warehouse
from flows.settings import Settings

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
        movie_warehouse(sources=["fred"], build_sample_first=False, settings=settings)
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
