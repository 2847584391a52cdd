"""Where a run reaches its API sources (flows.apis): the real services with keys, the sample's replay
server without them (the offline default), nowhere when there is neither."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from extract.pipelines import ApiTarget, load_api_sources
from flows.apis import api_route
from settings import Settings
from tests.extract.api_fakes import write_sample

KEYS = ("SOURCES__OMDB__API_KEY", "SOURCES__TMDB__ACCESS_TOKEN", "SOURCES__TMDB__API_KEY")


@pytest.fixture
def no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in KEYS:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_keys")
def test_without_keys_the_sample_is_replayed_from_a_local_server(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(data_dir=tmp_path, sample_api_ids=20)
    sample = write_sample(settings.sample_dir, 30)
    caplog.set_level(logging.INFO)

    with api_route(settings) as route:
        assert route is not None
        summaries = load_api_sources(sample, str(tmp_path / "lake"), tmp_path / "pipelines", route.target,
                                     ids_limit=route.ids_limit)  # fmt: skip

    assert [(summary.dataset, summary.rows) for summary in summaries] == [
        ("omdb", {"movies": 20}), ("tmdb", {"movies": 30}), ("yts", {"movies": 30})
    ]  # fmt: skip
    assert "replaying the sample" in caplog.text
    assert "sample-replay" not in caplog.text  # the replay key is never logged


@pytest.mark.usefixtures("no_keys")
def test_without_keys_and_without_a_sample_the_api_sources_are_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with api_route(Settings(data_dir=tmp_path)) as route:
        assert route is None
    assert "API sources skipped" in caplog.text


def test_with_keys_the_real_services_are_the_route(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCES__OMDB__API_KEY", "a-key")
    write_sample(Settings(data_dir=tmp_path).sample_dir, 3)  # a sample is there, but keys win

    with api_route(Settings(data_dir=tmp_path, omdb_refresh_days=7, sample_api_ids=2)) as route:
        assert route is not None
        assert route.target == ApiTarget(omdb_refresh_days=7)  # no URL: each source's own service
        assert route.ids_limit is None
