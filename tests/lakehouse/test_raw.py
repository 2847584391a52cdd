"""lakehouse.raw's listing of raw/: load ids from file names, in time order, on a folder and on S3."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from lakehouse.raw import RawListing, load_id_of
from sample.s3 import CREDENTIALS, moto_s3

# dlt's layout: raw/<dataset>/<table>/<load_id>.<file_id>.parquet; its own state tables start _dlt.
FILES = [
    "kaggle/ratings/999999999.5.aaa.parquet",  # sorts after "1700..." as text, before it in time
    "kaggle/ratings/1700000000.5.bbb.parquet",
    "kaggle/ratings/1700000000.5.ccc.parquet",
    "kaggle/ratings/1700086400.0.ddd.parquet",
    "kaggle/ratings/1700086400.0.ddd.parquet.tmp",  # not a finished file
    "kaggle/_dlt_loads/1700086400.0.eee.parquet",
    "fred/cpiaucsl/1700000000.5.fff.parquet",
]
WATERMARKS = {"kaggle/ratings": ("1700086400.0", 3), "fred/cpiaucsl": ("1700000000.5", 1)}


def test_load_id_of_a_file_name() -> None:
    assert load_id_of("1700000000.5.0a1b2c.parquet") == "1700000000.5"
    assert load_id_of("1700000000.5.0a1b2c.parquet.tmp") is None
    assert load_id_of("x.parquet") is None


def test_a_local_lake(tmp_path: Path) -> None:
    for name in FILES:
        (tmp_path / "raw" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "raw" / name).write_bytes(b"")
    listing = RawListing(str(tmp_path))
    assert listing.load_ids("kaggle", "ratings") == ["999999999.5", "1700000000.5", "1700086400.0"]
    assert [file.load_id for file in listing.files("kaggle", "ratings")][1:3] == ["1700000000.5"] * 2
    assert all(Path(file.url).is_file() for file in listing.files("kaggle", "ratings"))
    assert listing.watermarks() == WATERMARKS
    assert listing.load_ids("kaggle", "links") == []
    assert RawListing(str(tmp_path / "absent")).watermarks() == {}


@pytest.mark.slow
def test_an_s3_lake_sees_a_load_that_arrives_after_the_first_look(monkeypatch: pytest.MonkeyPatch) -> None:
    with moto_s3("lake") as endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS["aws_access_key_id"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["aws_secret_access_key"])
        monkeypatch.setenv("AWS_REGION", CREDENTIALS["region_name"])
        s3 = boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS)
        for name in FILES[:-1]:
            s3.put_object(Bucket="lake", Key=f"prefix/raw/{name}", Body=b"")
        listing = RawListing("s3://lake/prefix")
        assert listing.watermarks() == {"kaggle/ratings": ("1700086400.0", 3)}
        s3.put_object(Bucket="lake", Key=f"prefix/raw/{FILES[-1]}", Body=b"")
        assert listing.watermarks() == WATERMARKS
        assert listing.files("fred", "cpiaucsl")[0].url == f"s3://lake/prefix/raw/{FILES[-1]}"
