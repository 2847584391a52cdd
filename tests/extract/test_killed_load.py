"""A load process that dies mid-run and is started again: the lake ends with exactly the rows of a
clean load, one load per table, nothing duplicated and nothing missing.

The child process dies abruptly (`os._exit`, no cleanup, like a kill) at a chosen point of dlt's
run: after extract (before normalize), while normalize commits (its extracted copy half deleted),
after normalize (before load), or in the middle of the load with some files already in the lake.
The next run in the same pipelines folder finishes the job.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from extract.pipelines import load_file_sources
from sample.build import build_sample

pytestmark = pytest.mark.slow

CRASH = """
import os, sys
from dlt.destinations.impl.filesystem.filesystem import FilesystemLoadJob
from dlt.pipeline.pipeline import Pipeline
from extract.pipelines import load_file_sources

files, lake, pipelines, point = sys.argv[1:5]

def die(*args, **kwargs):
    os._exit(137)

if point == "before-normalize":
    Pipeline.normalize = die
elif point == "normalize-commit":  # dlt: "Committing storage, do not kill this process"
    import shutil
    from dlt.common.storages.load_package import PackageStorage
    delete_package = PackageStorage.delete_package
    def delete_half(self, load_id, not_exists_ok=False):  # the extracted copy, killed mid-delete
        if self.storage.storage_path.rstrip("/").endswith("extracted"):
            shutil.rmtree(os.path.join(self.storage.storage_path, load_id, "new_jobs"))
            os._exit(137)
        delete_package(self, load_id, not_exists_ok)
    PackageStorage.delete_package = delete_half
elif point == "before-load":
    Pipeline.load = die
else:  # mid-load: once the ratings file is in the lake, before the package is complete
    original = FilesystemLoadJob.run
    def run_then_die(self):
        original(self)
        if "ratings" in self._file_path:
            os._exit(137)
    FilesystemLoadJob.run = run_then_die
load_file_sources(files, lake, pipelines, names=("kaggle",))
"""
TABLES = ["credits", "links", "movies_metadata", "ratings"]  # the sample has no rejected line


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    build_sample(folder)
    return folder


@pytest.fixture(scope="module")
def clean_lake(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("clean")
    load_file_sources(sample, str(root / "lake"), root / "pipelines", names=("kaggle",))
    return root / "lake"


def _data_tables(lake: Path) -> list[str]:
    folders = (lake / "raw" / "kaggle").iterdir()
    return sorted(p.name for p in folders if p.is_dir() and not p.name.startswith("_dlt"))


def _table(lake: Path, table: str) -> tuple[int, int, int]:
    """(rows, distinct rows without dlt's columns, distinct load ids) of raw/kaggle/<table>."""
    files = f"read_parquet('{lake}/raw/kaggle/{table}/*.parquet', union_by_name = true)"
    return duckdb.sql(
        f"select count(*), (select count(*) from (select distinct * exclude (_dlt_load_id)"
        f" from {files})), count(distinct _dlt_load_id) from {files}"
    ).fetchone()


@pytest.mark.parametrize("point", ["before-normalize", "normalize-commit", "before-load", "mid-load"])
def test_a_load_killed_mid_run_completes_on_the_next_run(
    sample: Path, clean_lake: Path, tmp_path: Path, point: str
) -> None:
    lake, pipelines = tmp_path / "lake", tmp_path / "pipelines"
    crashed = subprocess.run(
        [sys.executable, "-c", CRASH, str(sample), str(lake), str(pipelines), point],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert crashed.returncode == 137, crashed.stderr[-2000:]
    dataset = lake / "raw" / "kaggle"
    landed = sorted({p.parent.name for p in dataset.glob("*/*.parquet")})
    completed = list(dataset.glob("_dlt_loads/*"))
    if point == "mid-load":  # data files in the lake, the load never marked complete
        assert "ratings" in landed and completed == [], (landed, completed)
    else:
        assert landed == [] and completed == [], (landed, completed)  # nothing reached the lake yet

    load_file_sources(sample, str(lake), pipelines, names=("kaggle",))

    assert _data_tables(lake) == _data_tables(clean_lake) == TABLES
    for table in TABLES:
        rows, distinct, loads = _table(lake, table)
        clean_rows, clean_distinct, _ = _table(clean_lake, table)
        assert (rows, distinct, loads) == (clean_rows, clean_distinct, 1), table
    assert _table(lake, "ratings")[0] == 100_004
    # A third run finds the delivery unchanged and appends nothing.
    before = sorted(str(p) for p in lake.rglob("*.parquet"))
    load_file_sources(sample, str(lake), pipelines, names=("kaggle",))
    assert sorted(str(p) for p in lake.rglob("*.parquet")) == before


def test_after_a_crash_the_next_run_finishes_the_old_load_and_loads_the_new_delivery(
    sample: Path, tmp_path: Path
) -> None:
    """The pending load is finished first, then the delivery that arrived meanwhile is extracted
    (dlt alone would only finish the pending load and leave the new delivery for yet another run)."""
    files, lake, pipelines = tmp_path / "files", tmp_path / "lake", tmp_path / "pipelines"
    shutil.copytree(sample / "kaggle", files / "kaggle")
    crashed = subprocess.run(
        [sys.executable, "-c", CRASH, str(files), str(lake), str(pipelines), "before-load"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert crashed.returncode == 137, crashed.stderr[-2000:]
    links = files / "kaggle" / "links.csv"
    links.write_text(links.read_text() + "999999,0000001,999999\n")  # the next delivery: one new link

    [summary] = load_file_sources(files, str(lake), pipelines, names=("kaggle",))

    assert len(summary.load_ids) == 2  # the interrupted load, then the new one
    assert summary.rows == {"links": 9067}  # this run extracted only the changed file, whole
    rows, _, loads = _table(lake, "links")
    assert (rows, loads) == (9066 + 9067, 2)
    assert _table(lake, "ratings")[0::2] == (100_004, 1)
