"""Where a run reaches its API sources (flows.apis): the services dlt's configuration names, with its
keys; nowhere without keys. The offline demo (sample.offline) replays the sample by configuring that
route, and the flow's own modules never import the harness."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from extract.pipelines import FILE_SOURCES, ApiTarget, load_api_sources
from flows.apis import api_route
from flows.pipeline import configure
from sample.offline import offline_demo
from settings import PROJECT_ROOT, Settings
from tests.extract.api_fakes import write_sample

KEYS = ("SOURCES__OMDB__API_KEY", "SOURCES__TMDB__ACCESS_TOKEN", "SOURCES__TMDB__API_KEY")
# What the flow, its stages and the CLI import before a run starts, printed by a fresh interpreter.
HARNESS_IMPORTS = (
    "import json, sys, flows.pipeline, flows.stages, flows.apis, flows.cli; "
    "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('sample', 'tests'))))"
)


@pytest.fixture
def no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in KEYS:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_keys")
def test_the_offline_demo_replays_the_sample_through_the_keyed_route(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(data_dir=tmp_path, omdb_ids_limit=20)
    sample = write_sample(settings.sample_dir, 30)
    caplog.set_level(logging.INFO)

    with offline_demo(settings, build=False):
        route = api_route(settings)
        assert route is not None
        summaries = load_api_sources(sample, str(tmp_path / "lake"), tmp_path / "pipelines", route.target,
                                     ids_limit=route.ids_limit)  # fmt: skip
    assert api_route(settings) is None  # the replay's configuration ends with the block

    assert [(summary.dataset, summary.rows) for summary in summaries] == [
        ("omdb", {"movies": 20}), ("tmdb", {"movies": 30}), ("yts", {"movies": 30})
    ]  # fmt: skip
    assert "replaying the sample" in caplog.text
    assert "sample-replay" not in caplog.text  # the replay key is never logged


@pytest.mark.usefixtures("no_keys")
def test_without_keys_the_api_sources_are_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write_sample(Settings(data_dir=tmp_path).sample_dir, 3)  # a sample is there, but the flow ignores it
    assert api_route(Settings(data_dir=tmp_path)) is None
    assert "API sources skipped" in caplog.text


@pytest.mark.usefixtures("no_keys")
def test_without_keys_a_run_loads_the_file_sources_and_refuses_api_sources_asked_for(tmp_path: Path) -> None:
    # The raw checks then check only what was loaded (a deployment without keys used to fail there).
    assert configure(Settings(data_dir=tmp_path), None, None, None)[1] == tuple(FILE_SOURCES)
    assert configure(Settings(data_dir=tmp_path), None, ["fred"], None)[1] == ("fred",)
    with pytest.raises(ValueError, match=r"\['tmdb'\] need API keys"):
        configure(Settings(data_dir=tmp_path), None, ["kaggle", "tmdb"], None)


def test_with_keys_the_configured_services_are_the_route(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCES__OMDB__API_KEY", "a-key")
    write_sample(Settings(data_dir=tmp_path).sample_dir, 3)

    with offline_demo(Settings(data_dir=tmp_path), build=False):  # keys win: nothing replayed
        route = api_route(Settings(data_dir=tmp_path, omdb_refresh_days=7, omdb_ids_limit=2))
    assert route is not None
    assert route.target == ApiTarget(omdb_refresh_days=7)  # no URL: each source's own service
    assert route.ids_limit == 2


def test_the_flow_imports_no_part_of_the_harness() -> None:
    imported = subprocess.run(
        [sys.executable, "-c", HARNESS_IMPORTS], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(imported.stdout) == []
