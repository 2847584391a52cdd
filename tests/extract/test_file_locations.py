"""CSV-file sources from an s3:// prefix (moto on 127.0.0.1) or an HTTP download, and into an S3 lake."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
import pyarrow.dataset as pads
import pyarrow.fs as pafs
import pytest

from extract.csv_files import location
from extract.fred import fred_source
from extract.pipelines import load_file_sources, run_source
from sample.s3 import CREDENTIALS, moto_s3
from tests.extract.source_files import query, write_source_files

pytestmark = pytest.mark.slow
BUCKET = "movies-files"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The endpoint, with the AWS variables s3fs (source files) and dlt (S3 lake) read."""
    with moto_s3(BUCKET) as endpoint:
        env = {"AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
               "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
               "AWS_DEFAULT_REGION": CREDENTIALS["region_name"], "AWS_ENDPOINT_URL": endpoint}  # fmt: skip
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        for key, value in {**CREDENTIALS, "endpoint_url": endpoint}.items():
            monkeypatch.setenv(f"DESTINATION__FILESYSTEM__CREDENTIALS__{key.upper()}", value)
        yield endpoint


def upload(endpoint: str, folder: Path, prefix: str) -> str:
    client = boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS)
    for path in sorted(folder.rglob("*.csv")):
        client.upload_file(str(path), BUCKET, f"{prefix}/{path.relative_to(folder).as_posix()}")
    return f"s3://{BUCKET}/{prefix}"


def rows(lake: Path, dataset: str, table: str) -> list[tuple]:
    pattern = f"{(lake / 'raw' / dataset / table).as_posix()}/*.parquet"
    return query("select * exclude (_dlt_load_id) from read_parquet(?) order by all", pattern)


def test_files_under_an_s3_prefix_load_like_local_files(s3: str, tmp_path: Path) -> None:
    files = write_source_files(tmp_path / "files")
    prefix = upload(s3, files, "delivery")

    remote = {s.dataset: s for s in load_file_sources(prefix, str(tmp_path / "from_s3"), tmp_path / "p1")}
    local = {s.dataset: s for s in load_file_sources(files, str(tmp_path / "from_disk"), tmp_path / "p2")}
    again = load_file_sources(prefix, str(tmp_path / "from_s3"), tmp_path / "p1")

    assert {name: s.rows for name, s in remote.items()} == {name: s.rows for name, s in local.items()}
    assert remote["kaggle"].rows["ratings"] == 3
    for dataset, table in (("kaggle", "ratings"), ("kaggle", "credits"), ("kaggle", "quarantine"),
                           ("fred", "cpiaucsl")):  # fmt: skip
        assert rows(tmp_path / "from_s3", dataset, table) == rows(tmp_path / "from_disk", dataset, table)
    assert [(s.rows, s.load_ids) for s in again] == [({}, ()), ({}, ())]  # same ETags: nothing new


def test_a_replaced_object_is_loaded_again(s3: str, tmp_path: Path) -> None:
    files = write_source_files(tmp_path / "files")
    prefix = upload(s3, files, "delivery")
    load_file_sources(prefix, str(tmp_path / "lake"), tmp_path / "p", ("kaggle",))
    links = files / "kaggle" / "links.csv"
    links.write_text(links.read_text(encoding="utf-8") + "3,0114885,31357\n", encoding="utf-8")
    upload(s3, files, "delivery")

    second = load_file_sources(prefix, str(tmp_path / "lake"), tmp_path / "p", ("kaggle",))[0]

    assert second.rows == {"links": 3}
    assert location.fingerprint(f"{prefix}/kaggle/links.csv").startswith("etag:")


def test_csv_sources_write_to_an_s3_lake(s3: str, tmp_path: Path) -> None:
    files = write_source_files(tmp_path / "files")

    summaries = load_file_sources(files, f"s3://{BUCKET}/lake", tmp_path / "p", ("fred",))

    assert summaries[0].rows == {"cpiaucsl": 2, "quarantine": 1}
    filesystem = pafs.S3FileSystem(
        access_key="test", secret_key="test", region="us-east-1", scheme="http",
        endpoint_override=s3.removeprefix("http://"),
    )  # fmt: skip
    table = pads.dataset(
        f"{BUCKET}/lake/raw/fred/cpiaucsl", filesystem=filesystem, format="parquet"
    ).to_table()
    found = sorted(zip(table["observation_date"].to_pylist(), table["cpiaucsl"].to_pylist(), strict=True))
    assert found == [(date(1995, 10, 1), 153.6), (date(1995, 11, 1), 153.9)]


@pytest.fixture
def http_folder(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A plain HTTP server on 127.0.0.1 over a folder, as FRED's CSV download is served."""
    folder = tmp_path / "served"
    folder.mkdir()
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()
        thread.join()


def test_cpi_from_a_download_url_loads_once_per_content(
    http_folder: tuple[str, Path], tmp_path: Path
) -> None:
    url, folder = http_folder
    files = write_source_files(tmp_path / "files")
    shutil.copyfile(files / "fred" / "CPIAUCSL.csv", folder / "fredgraph.csv")
    lake, pipelines = str(tmp_path / "lake"), tmp_path / "pipelines"

    first = run_source(fred_source(csv_path=f"{url}/fredgraph.csv"), lake, pipelines)
    second = run_source(fred_source(csv_path=f"{url}/fredgraph.csv"), lake, pipelines)
    with (folder / "fredgraph.csv").open("a", encoding="utf-8") as handle:
        handle.write("1996-01-01,154.4\n")
    third = run_source(fred_source(csv_path=f"{url}/fredgraph.csv"), lake, pipelines)

    assert first.rows == {"cpiaucsl": 2, "quarantine": 1}
    assert (second.rows, second.load_ids) == ({}, ())
    assert third.rows == {"cpiaucsl": 3, "quarantine": 1}  # the whole series again, under a new load id
