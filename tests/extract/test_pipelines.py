"""load_file_sources: CSV folders land in <lake>/raw/ as append-only parquet, once per content."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import extract.csv_files as csv_files
from extract.csv_files.parquet_out import dictionary_columns
from extract.pipelines import LoadSummary, load_file_sources
from tests.extract.source_files import query, write_source_files

pytestmark = pytest.mark.slow


def parquet_files(lake: Path) -> list[str]:
    return sorted(path.relative_to(lake).as_posix() for path in lake.rglob("*.parquet"))


@dataclass(frozen=True)
class Workspace:
    files: Path
    lake: Path
    pipelines: Path

    def load(self, names: tuple[str, ...] = ("kaggle", "fred")) -> dict[str, LoadSummary]:
        summaries = load_file_sources(self.files, str(self.lake), self.pipelines, names)
        return {summary.dataset: summary for summary in summaries}


def new_workspace(root: Path) -> Workspace:
    return Workspace(write_source_files(root / "files"), root / "lake", root / "pipelines")


@dataclass(frozen=True)
class TwoRuns:
    workspace: Workspace
    first: dict[str, LoadSummary]
    files_after_first: list[str]
    second: dict[str, LoadSummary]
    files_after_second: list[str]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> TwoRuns:
    """Both sources loaded twice from the same, unchanged files."""
    workspace = new_workspace(tmp_path_factory.mktemp("pipelines"))
    first = workspace.load()
    files_after_first = parquet_files(workspace.lake)
    second = workspace.load()
    return TwoRuns(workspace, first, files_after_first, second, parquet_files(workspace.lake))


def test_first_run_counts_rows_per_table(two_runs: TwoRuns) -> None:
    kaggle, fred = two_runs.first["kaggle"], two_runs.first["fred"]

    assert kaggle.rows == {
        "movies_metadata": 2,
        "credits": 1,
        "keywords": 1,
        "links": 2,
        "ratings": 3,
        "quarantine": 1,
    }
    assert kaggle.quarantined == 1
    assert fred.rows == {"cpiaucsl": 2, "quarantine": 1}
    assert fred.quarantined == 1
    assert len(kaggle.load_ids) == 1
    assert len(fred.load_ids) == 1


def test_every_record_read_is_loaded_or_quarantined(two_runs: TwoRuns) -> None:
    kaggle, fred = two_runs.first["kaggle"], two_runs.first["fred"]
    # The reader's count of records, per file: ratings has 4 data lines, one of them bad.
    assert kaggle.counts["read:ratings"] == 4
    assert kaggle.read == 2 + 1 + 1 + 2 + 4
    assert fred.read == 3
    assert (kaggle.unaccounted, fred.unaccounted) == (0, 0)
    # An unchanged delivery reads nothing and owes nothing.
    assert (two_runs.second["kaggle"].read, two_runs.second["kaggle"].unaccounted) == (None, 0)


def test_records_neither_loaded_nor_quarantined_are_unaccounted() -> None:
    lost = LoadSummary("kaggle", ("1",), {"ratings": 9, "quarantine": 1}, {"read:ratings": 12})
    assert lost.unaccounted == 2
    api = LoadSummary("tmdb", ("1",), {"movies": 5, "quarantine": 1}, {"read:movies": 9, "skipped:movies": 2})
    assert (api.read, api.skipped, api.unaccounted) == (9, 2, 1)
    nothing_read = LoadSummary("omdb", ("1",), {}, {"not_found": 5, "retries": 2})
    assert (nothing_read.read, nothing_read.unaccounted) == (None, 0)


def test_ratings_land_as_typed_parquet_with_the_load_id(two_runs: TwoRuns) -> None:
    load_id = two_runs.first["kaggle"].load_ids[0]
    folder = two_runs.workspace.lake / "raw" / "kaggle" / "ratings"
    files = sorted(folder.glob("*.parquet"))

    assert len(files) == 1
    assert files[0].name.startswith(f"{load_id}.")
    pattern = f"{folder.as_posix()}/*.parquet"
    assert query(
        "select count(*), min(_dlt_load_id), max(_dlt_load_id), sum(rating) from read_parquet(?)",
        pattern,
    ) == [(3, load_id, load_id, 12.5)]
    types = dict(
        query("select column_name, column_type from (describe select * from read_parquet(?))", pattern)
    )
    assert types["user_id"] == "BIGINT"
    assert types["movie_id"] == "BIGINT"
    assert types["rating"] == "DOUBLE"
    assert types["timestamp"] == "BIGINT"


def test_kaggle_text_is_landed_as_read(two_runs: TwoRuns) -> None:
    raw = two_runs.workspace.lake / "raw" / "kaggle"

    assert query(
        "select id, imdb_id, budget from read_parquet(?) order by id",
        f"{(raw / 'movies_metadata').as_posix()}/*.parquet",
    ) == [("1997-08-20", "0", "30000000"), ("862", "tt0114709", "30000000")]
    assert query('select "cast", id from read_parquet(?)', f"{(raw / 'credits').as_posix()}/*.parquet") == [
        ("[{'character': 'Woody',\n'name': 'Tom Hanks'}]", "862")
    ]


def test_rejected_lines_land_in_the_dataset_quarantine(two_runs: TwoRuns) -> None:
    raw = two_runs.workspace.lake / "raw"

    assert query(
        "select source_file, raw_value, reason from read_parquet(?)",
        f"{(raw / 'fred' / 'quarantine').as_posix()}/*.parquet",
    ) == [("CPIAUCSL.csv", "1995-12-01,", "CPIAUCSL: missing value")]
    assert query(
        "select source_file, reason from read_parquet(?)",
        f"{(raw / 'kaggle' / 'quarantine').as_posix()}/*.parquet",
    ) == [("ratings.csv", "movieId: not a valid int64")]


def test_second_identical_run_appends_nothing(two_runs: TwoRuns) -> None:
    for dataset in ("kaggle", "fred"):
        assert two_runs.second[dataset].rows == {}
        assert two_runs.second[dataset].load_ids == ()
    assert two_runs.files_after_second == two_runs.files_after_first
    assert len(two_runs.files_after_first) == 8


def test_changed_file_gets_a_new_load_for_its_table_only(tmp_path: Path) -> None:
    workspace = new_workspace(tmp_path)
    first = workspace.load(("kaggle",))["kaggle"]
    links = workspace.files / "kaggle" / "links.csv"
    links.write_text(links.read_text(encoding="utf-8") + "3,0114885,31357\n", encoding="utf-8")

    second = workspace.load(("kaggle",))["kaggle"]

    assert second.rows == {"links": 3}  # the whole changed file; Spark keeps the latest load
    assert len(second.load_ids) == 1
    assert second.load_ids != first.load_ids
    raw = workspace.lake / "raw" / "kaggle"
    assert len(list((raw / "links").glob("*.parquet"))) == 2
    assert len(list((raw / "ratings").glob("*.parquet"))) == 1
    assert query(
        "select _dlt_load_id, count(*) from read_parquet(?) group by 1 order by 1",
        f"{(raw / 'links').as_posix()}/*.parquet",
    ) == [(first.load_ids[0], 2), (second.load_ids[0], 3)]


def test_state_is_restored_from_the_lake_without_local_pipelines(tmp_path: Path) -> None:
    workspace = new_workspace(tmp_path)
    workspace.load(("kaggle",))
    files_before = parquet_files(workspace.lake)
    shutil.rmtree(workspace.pipelines)

    again = workspace.load(("kaggle",))["kaggle"]

    assert again.rows == {}
    assert again.load_ids == ()
    assert parquet_files(workspace.lake) == files_before


def test_keywords_land_as_read_text(two_runs: TwoRuns) -> None:
    folder = two_runs.workspace.lake / "raw" / "kaggle" / "keywords"

    assert query(
        "select id, keywords, _source_file from read_parquet(?)", f"{folder.as_posix()}/*.parquet"
    ) == [("862", "[{'id': 931, 'name': 'jealousy'}, {'id': 4290, 'name': 'toy'}]", "keywords.csv")]


def test_a_delivery_without_keywords_loads_the_rest(tmp_path: Path) -> None:
    workspace = new_workspace(tmp_path)
    (workspace.files / "kaggle" / "keywords.csv").unlink()

    kaggle = workspace.load(("kaggle",))["kaggle"]

    assert kaggle.rows == {"movies_metadata": 2, "credits": 1, "links": 2, "ratings": 3, "quarantine": 1}
    assert not (workspace.lake / "raw" / "kaggle" / "keywords").exists()


def test_a_missing_required_file_is_an_error_naming_it(tmp_path: Path) -> None:
    workspace = new_workspace(tmp_path)
    (workspace.files / "kaggle" / "links.csv").unlink()

    with pytest.raises(FileNotFoundError, match=r"kaggle: links\.csv not found in .*kaggle"):
        workspace.load(("kaggle",))
    assert not (workspace.lake / "raw" / "kaggle").exists()


def test_an_unchanged_or_touched_file_is_not_loaded_and_hashed_at_most_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = new_workspace(tmp_path)
    workspace.load(("fred",))
    hashed: list[str] = []
    real = csv_files.fingerprint
    monkeypatch.setattr(csv_files, "fingerprint", lambda where: hashed.append(where) or real(where))
    cpi = workspace.files / "fred" / "CPIAUCSL.csv"

    unchanged = workspace.load(("fred",))["fred"]
    assert (unchanged.rows, hashed) == ({}, [])  # size and mtime as recorded: not even hashed
    os.utime(cpi, ns=(cpi.stat().st_atime_ns, cpi.stat().st_mtime_ns + 10**9))
    touched = workspace.load(("fred",))["fred"]
    assert (touched.rows, hashed) == ({}, [str(cpi)])  # same bytes under a new mtime: hashed once
    again = workspace.load(("fred",))["fred"]
    assert (again.rows, hashed) == ({}, [str(cpi)])  # the new mtime was recorded
    cpi.write_text(cpi.read_text(encoding="utf-8") + "1996-01-01,154.4\n", encoding="utf-8")
    assert workspace.load(("fred",))["fred"].rows == {"cpiaucsl": 3, "quarantine": 1}


def test_raw_csv_files_get_the_encoding_their_columns_need(two_runs: TwoRuns) -> None:
    ratings = next((two_runs.workspace.lake / "raw" / "kaggle" / "ratings").glob("*.parquet"))
    chunks = pq.read_metadata(ratings).row_group(0)
    with_dictionary = {
        chunks.column(i).path_in_schema: chunks.column(i).has_dictionary_page
        for i in range(chunks.num_columns)
    }
    # Three rows, all distinct timestamps and ratings: no dictionary; the constants always have one.
    assert with_dictionary == {
        "user_id": False,
        "movie_id": False,
        "rating": False,
        "timestamp": False,
        "_source_file": True,
        "_dlt_load_id": True,
    }
    table = pa.table({"id": list(range(100)), "score": [i % 3 for i in range(100)]})
    assert dictionary_columns(table) == ["score"]
    assert not list(two_runs.workspace.pipelines.rglob("csv_import/*.parquet"))  # dlt linked them in
