"""Secrets stay secret: the whole flow with dummy API keys against the fake APIs (the replay server,
told to accept only those keys), then no log line, artifact, report, lake file, dlt state, dbt or GX
output holds either key.

Slow: one `movies run`, on the Kaggle delivery cut to its 30 most rated films with their credits,
links and ratings.
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from extract.omdb.ids import imdb_ids
from extract.replay.catalog import Catalog
from extract.replay.server import ReplayServer
from extract.sample.build import build_sample

from .conftest import movies_run

pytestmark = pytest.mark.slow

OMDB_KEY = "dummy-omdb-key-for-the-leak-test"
TMDB_TOKEN = "dummy-tmdb-token-for-the-leak-test"
SECRETS = (OMDB_KEY, TMDB_TOKEN)
GX_UNCOMMITTED = Path(__file__).resolve().parents[2] / "great_expectations" / "gx" / "uncommitted"


def _cut_csv(path: Path, keep: Callable[[dict[str, str]], bool]) -> list[dict[str, str]]:
    """Rewrite a CSV with only the rows `keep` accepts (quotes where a value needs them, as the sample
    writes them); returns the rows kept."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames or [], [row for row in reader if keep(row)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def _cut_delivery(sample: Path, files: Path, films: int) -> None:
    """The sample's Kaggle and FRED files cut to its `films` most rated movies with their credits,
    links and ratings, so every stage runs on the keyed path, on little data, and the gold checks
    still find enough films rated often enough to rank."""
    for folder in ("kaggle", "fred"):
        shutil.copytree(sample / folder, files / folder)
    kaggle = files / "kaggle"
    csv.field_size_limit(1 << 30)  # a film's cast literal can exceed the default 128 KiB
    with (kaggle / "ratings.csv").open(newline="", encoding="utf-8") as handle:
        rated = Counter(row["movieId"] for row in csv.DictReader(handle))
    with (kaggle / "links.csv").open(newline="", encoding="utf-8") as handle:
        tmdb = {row["movieId"]: row["tmdbId"] for row in csv.DictReader(handle) if row["tmdbId"]}
    with (kaggle / "movies_metadata.csv").open(newline="", encoding="utf-8") as handle:
        catalog = {row["id"] for row in csv.DictReader(handle)}
    most_rated = [movie for movie, _ in rated.most_common() if tmdb.get(movie) in catalog][:films]
    kept = {tmdb[movie] for movie in most_rated}
    _cut_csv(kaggle / "movies_metadata.csv", lambda row: row["id"] in kept)
    _cut_csv(kaggle / "credits.csv", lambda row: row["id"] in kept)
    _cut_csv(kaggle / "links.csv", lambda row: row["movieId"] in most_rated)
    _cut_csv(kaggle / "ratings.csv", lambda row: row["movieId"] in most_rated)


def _rows(folder: Path) -> int:
    return sum(pq.read_metadata(path).num_rows for path in folder.rglob("*.parquet"))


def _text_of(path: Path) -> str:
    """A file as text: parquet by its values (compressed pages hide bytes), anything else decoded."""
    if path.suffix == ".parquet":
        return repr(pq.read_table(path).to_pylist())
    return path.read_bytes().decode("utf-8", errors="replace")


def _holding_a_secret(folders: list[Path]) -> list[str]:
    return sorted(
        str(path)
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file() and any(secret in _text_of(path) for secret in SECRETS)
    )


def test_api_keys_appear_in_no_log_artifact_report_or_lake_file(tmp_path: Path) -> None:
    sample = tmp_path / "sample"
    build_sample(sample)
    _cut_delivery(sample, tmp_path / "files", films=30)
    data_dir = tmp_path / "data"
    with ReplayServer(Catalog.from_sample(sample), omdb_api_key=OMDB_KEY, tmdb_token=TMDB_TOKEN) as api:
        env = {
            "MOVIES_FILES_DIR": str(tmp_path / "files"),
            "SOURCES__OMDB__API_KEY": OMDB_KEY,
            "SOURCES__TMDB__ACCESS_TOKEN": TMDB_TOKEN,
            "SOURCES__OMDB__BASE_URL": f"{api.url}/",
            "SOURCES__TMDB__BASE_URL": f"{api.url}/3",
            "SOURCES__YTS__BASE_URL": f"{api.url}/api/v2",
            **{f"SOURCES__{name}__REQUESTS_PER_SECOND": "0" for name in ("OMDB", "TMDB", "YTS")},
        }
        result = movies_run(data_dir, "--skip-sample", env=env)
        keyed_requests = dict(api.hits)

    # The keyed path really ran: the fake APIs answered with data and every source landed rows.
    assert sum(n for (_, outcome), n in keyed_requests.items() if outcome == "ok") > 30
    raw = {name: _rows(data_dir / "lake" / "raw" / name / "movies") for name in ("omdb", "tmdb")}
    asked = imdb_ids(tmp_path / "files", str(data_dir / "lake"))  # metadata, links and TMDB's ids
    assert 0 < raw["omdb"] <= len(asked), raw
    assert raw["tmdb"] > 0, raw
    # ... and neither key is anywhere: the run's output, Prefect's database (logs, artifacts), the
    # reports, the lake (raw, state, silver), dlt's working folders, dbt's target, GX's results.
    printed = result.stdout + result.stderr
    assert not [secret for secret in SECRETS if secret in printed]
    assert _holding_a_secret([data_dir, GX_UNCOMMITTED]) == []
