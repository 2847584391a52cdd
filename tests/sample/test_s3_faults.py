"""The fault-injecting S3 proxy (sample.s3_faults) in front of moto's S3, driven by the clients the lake
is written with: boto3, s3fs (dlt's filesystem destination, so extract), pyarrow (pyiceberg's file IO)
and s3a (Spark's Iceberg commits)."""

from __future__ import annotations

import http.client
import io
import random
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import boto3
import dlt
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest
import s3fs
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ReadTimeoutError
from dlt.extract import DltResource
from dlt.pipeline.exceptions import PipelineStepFailed

from extract.pipelines import LoadSummary, run_source
from sample.s3 import CREDENTIALS, moto_s3
from sample.s3_faults import WRITES, Fault, FaultyS3, S3Faults, faulty_s3

pytestmark = pytest.mark.slow  # starts servers
BUCKET = "faulty-lake"
MIB = 1 << 20
# A signature moto does not check; without any, moto takes a request as anonymous and refuses a GET.
AUTHORIZATION = (
    "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0"
)
TABLE = pa.table({"movie_id": [862, 949, 13], "imdb_id": ["tt0114709", "tt0113277", "tt0109830"]})


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    with moto_s3(BUCKET) as url:
        yield url


@pytest.fixture
def proxy(upstream: str) -> Iterator[FaultyS3]:
    with faulty_s3(upstream) as running:
        yield running


def s3_client(url: str, **config: Any) -> Any:
    return boto3.client("s3", endpoint_url=url, config=Config(**config), **CREDENTIALS)


def s3fs_filesystem(url: str) -> s3fs.S3FileSystem:
    """s3fs as dlt's filesystem destination builds it: its defaults, the endpoint and keys."""
    return s3fs.S3FileSystem(
        key="test",
        secret="test",
        endpoint_url=url,
        client_kwargs={"region_name": "us-east-1"},
        skip_instance_cache=True,
    )


def arrow_filesystem(url: str) -> pafs.S3FileSystem:
    return pafs.S3FileSystem(access_key="test", secret_key="test", endpoint_override=url, region="us-east-1")


def keys(url: str, prefix: str) -> list[str]:
    listed = s3_client(url).list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def incomplete_uploads(url: str, prefix: str) -> list[str]:
    listed = s3_client(url).list_multipart_uploads(Bucket=BUCKET, Prefix=prefix)
    return [upload["Key"] for upload in listed.get("Uploads", [])]


def read_head(reader: BinaryIO) -> tuple[int, dict[str, str]]:
    """Status and headers of one raw HTTP/1.1 answer."""
    status = int(reader.readline().split()[1])
    headers = {}
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, value = line.decode().split(":", 1)
        headers[name.strip().lower()] = value.strip()
    return status, headers


def test_rules_match_by_method_and_prefix_in_order_and_count_what_they_served() -> None:
    faults = S3Faults()
    faults.add(Fault.SLOWDOWN, 2, methods=WRITES, prefix="/lake/raw/")
    faults.add(Fault.INTERNAL_ERROR, None, methods=["delete"])

    outcomes = [
        faults.take("GET", "/lake/raw/a.parquet"),  # not a write
        faults.take("PUT", "/lake/silver/a.parquet"),  # another prefix
        faults.take("PUT", "/lake/raw/a%20b.parquet?partNumber=1"),  # the prefix of the decoded path
        faults.take("DELETE", "/lake/raw/a.parquet"),
        faults.take("DELETE", "/lake/raw/a.parquet"),  # the first rule used up: the unlimited one
        faults.take("DELETE", "/other"),
    ]

    assert [served and served.kind for served in outcomes] == [
        None,
        None,
        Fault.SLOWDOWN,
        Fault.SLOWDOWN,
        Fault.INTERNAL_ERROR,
        Fault.INTERNAL_ERROR,
    ]
    assert faults.pending() == 1
    assert faults.injected() == {"slowdown": 2, "internal_error": 2}
    assert faults.counts()[("GET", "forwarded")] == 1
    faults.reset()
    assert (faults.pending(), faults.injected(), faults.take("DELETE", "/x")) == (0, {}, None)
    with pytest.raises(ValueError, match="seconds"):
        faults.add(Fault.STALL)


def test_boto3_through_the_proxy_sees_what_it_sees_at_the_endpoint(proxy: FaultyS3, upstream: str) -> None:
    through, direct = s3_client(proxy.url), s3_client(upstream)
    big = random.Random(32).randbytes(11 * MIB)  # three parts of a multipart upload
    parts = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)

    through.put_object(Bucket=BUCKET, Key="round/small.json", Body=b'{"id": 1}')
    through.upload_fileobj(Bucket=BUCKET, Key="round/big.bin", Fileobj=io.BytesIO(big), Config=parts)
    direct.put_object(Bucket=BUCKET, Key="round/direct.txt", Body=b"written beside the proxy")

    assert direct.get_object(Bucket=BUCKET, Key="round/small.json")["Body"].read() == b'{"id": 1}'
    assert direct.get_object(Bucket=BUCKET, Key="round/big.bin")["Body"].read() == big
    assert through.get_object(Bucket=BUCKET, Key="round/big.bin")["Body"].read() == big  # 11 MiB streamed
    ranged = through.get_object(Bucket=BUCKET, Key="round/big.bin", Range="bytes=100-199")
    assert (ranged["ResponseMetadata"]["HTTPStatusCode"], ranged["Body"].read()) == (206, big[100:200])
    beside = through.get_object(Bucket=BUCKET, Key="round/direct.txt")["Body"].read()
    assert beside == b"written beside the proxy"
    head, direct_head = (
        client.head_object(Bucket=BUCKET, Key="round/big.bin") for client in (through, direct)
    )
    assert (head["ContentLength"], head["ETag"]) == (direct_head["ContentLength"], direct_head["ETag"])
    assert head["ETag"].endswith('-3"')

    def listing(client: Any) -> list[tuple[str, int, str]]:
        listed = client.list_objects_v2(Bucket=BUCKET, Prefix="round/")["Contents"]
        return [(item["Key"], item["Size"], item["ETag"]) for item in listed]

    assert listing(through) == listing(direct)
    assert [key for key, _, _ in listing(direct)] == ["round/big.bin", "round/direct.txt", "round/small.json"]
    through.delete_object(Bucket=BUCKET, Key="round/small.json")
    assert keys(upstream, "round/") == ["round/big.bin", "round/direct.txt"]
    # Every request went through once: one PUT for the small object, three parts, no retries.
    counts = proxy.faults.counts()
    assert (counts[("PUT", "forwarded")], counts[("POST", "forwarded")]) == (4, 2)  # create, complete
    assert proxy.faults.injected() == {}


def test_chunked_bodies_expect_100_continue_and_errors_keep_http_framing(
    proxy: FaultyS3, upstream: str
) -> None:
    host, port = proxy.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    body = [b"ab", b"c" * 100_000]
    signed = {"Authorization": AUTHORIZATION}
    connection.request("PUT", f"/{BUCKET}/raw/chunked.bin", iter(body), signed, encode_chunked=True)
    answer = connection.getresponse()
    answer.read()
    assert answer.status == 200
    first_socket = connection.sock
    # A HEAD answered with a 503 has no body; a PUT answered with a 500 has its body read and dropped:
    # the same connection then serves a GET.
    proxy.faults.add(Fault.SLOWDOWN, 1, methods=["HEAD"])
    proxy.faults.add(Fault.INTERNAL_ERROR, 1, methods=["PUT"])
    connection.request("HEAD", f"/{BUCKET}/raw/chunked.bin", headers=signed)
    answer = connection.getresponse()
    assert (answer.status, answer.read()) == (503, b"")
    connection.request("PUT", f"/{BUCKET}/raw/dropped.bin", b"d" * 200_000, signed)
    answer = connection.getresponse()
    assert (answer.status, b"<Code>InternalError</Code>" in answer.read()) == (500, True)
    connection.request("GET", f"/{BUCKET}/raw/chunked.bin", headers=signed)
    answer = connection.getresponse()
    assert (answer.status, answer.read()) == (200, b"".join(body))
    assert connection.sock is first_socket  # kept alive through all four
    connection.close()

    with socket.create_connection((host, int(port)), timeout=10) as raw:
        reader = raw.makefile("rb")
        head = (
            f"PUT /{BUCKET}/raw/{{}} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: {AUTHORIZATION}\r\n"
            "Content-Length: 5\r\n"
        )
        raw.sendall((head.format("expect.txt") + "Expect: 100-continue\r\n\r\n").encode())
        assert read_head(reader)[0] == 100  # go ahead: the request is forwarded
        raw.sendall(b"hello")
        status, headers = read_head(reader)
        assert (status, reader.read(int(headers["content-length"]))) == (200, b"")
        # On the same connection, a SlowDown arrives before the body is sent, and ends the connection.
        proxy.faults.add(Fault.SLOWDOWN, 1, methods=WRITES)
        raw.sendall((head.format("refused.txt") + "Expect: 100-continue\r\n\r\n").encode())
        status, headers = read_head(reader)
        error = reader.read(int(headers["content-length"]))
        assert (status, headers["connection"], reader.read()) == (503, "close", b"")
    assert b"<Code>SlowDown</Code>" in error
    assert b"<Resource>/faulty-lake/raw/refused.txt</Resource>" in error
    assert keys(upstream, "raw/") == ["raw/chunked.bin", "raw/expect.txt"]
    assert s3_client(upstream).get_object(Bucket=BUCKET, Key="raw/expect.txt")["Body"].read() == b"hello"


def write_with_s3fs(url: str, key: str, local: Path) -> None:
    s3fs_filesystem(url).put_file(str(local), f"{BUCKET}/{key}")  # what dlt's filesystem destination calls


def write_with_arrow(url: str, key: str, local: Path) -> None:
    pq.write_table(pq.read_table(local), f"{BUCKET}/{key}", filesystem=arrow_filesystem(url))


@pytest.mark.parametrize("write", [write_with_s3fs, write_with_arrow], ids=["s3fs", "pyarrow"])
def test_two_slowdowns_on_a_write_are_absorbed_by_the_clients_retries(
    write: Callable[[str, str, Path], None], proxy: FaultyS3, upstream: str, tmp_path: Path
) -> None:
    pq.write_table(TABLE, tmp_path / "movies.parquet")
    key = f"lake/raw/{write.__name__}/movies.parquet"
    proxy.faults.add(Fault.SLOWDOWN, 2, methods=WRITES, prefix=f"/{BUCKET}/lake/raw/")

    write(proxy.url, key, tmp_path / "movies.parquet")

    assert proxy.faults.injected() == {"slowdown": 2}
    assert proxy.faults.pending() == 0
    assert pq.read_table(f"{BUCKET}/{key}", filesystem=arrow_filesystem(upstream)).equals(TABLE)


def test_an_extract_load_survives_two_slowdowns_and_one_failed_by_500s_is_finished_by_the_next_run(
    proxy: FaultyS3, upstream: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in {**CREDENTIALS, "endpoint_url": proxy.url}.items():
        monkeypatch.setenv(f"DESTINATION__FILESYSTEM__CREDENTIALS__{key.upper()}", value)

    def load(name: str) -> LoadSummary:
        @dlt.source(name=name)
        def movies() -> DltResource:
            return dlt.resource(TABLE.to_pylist(), name="movies")

        return run_source(movies(), f"s3://{BUCKET}/lake", tmp_path / "pipelines")

    def loaded(name: str) -> list[pa.Table]:
        files = [key for key in keys(upstream, f"lake/raw/{name}/movies/") if key.endswith(".parquet")]
        tables = [pq.read_table(f"{BUCKET}/{key}", filesystem=arrow_filesystem(upstream)) for key in files]
        return [table.select(TABLE.column_names) for table in tables]

    proxy.faults.add(Fault.SLOWDOWN, 2, methods=WRITES, prefix=f"/{BUCKET}/lake/raw/throttled/")
    assert load("throttled").rows == {"movies": 3}
    assert proxy.faults.injected() == {"slowdown": 2}
    assert [table.equals(TABLE) for table in loaded("throttled")] == [True]

    proxy.faults.add(Fault.INTERNAL_ERROR, None, methods=WRITES, prefix=f"/{BUCKET}/lake/raw/broken/")
    with pytest.raises(PipelineStepFailed, match="internal error") as failed:
        load("broken")
    assert failed.value.step == "load"
    assert keys(upstream, "lake/raw/broken/") == []  # nothing a reader could see
    assert proxy.faults.injected()["internal_error"] == 5  # botocore's five attempts at the first PUT

    proxy.faults.clear()  # the endpoint recovers: the next run first finishes the load the failed one left
    again = load("broken")
    assert (len(again.load_ids), again.rows) == (2, {"movies": 3})
    assert [table.equals(TABLE) for table in loaded("broken")] == [True, True]


def test_a_stall_past_the_read_timeout_times_out_or_is_retried(proxy: FaultyS3, upstream: str) -> None:
    s3_client(upstream).put_object(Bucket=BUCKET, Key="stall/movie.json", Body=b"{}")
    impatient = {"connect_timeout": 1, "read_timeout": 1}
    proxy.faults.add(Fault.STALL, 1, methods=["GET"], seconds=4)

    started = time.monotonic()
    with pytest.raises(ReadTimeoutError):
        s3_client(proxy.url, retries={"total_max_attempts": 1}, **impatient).get_object(
            Bucket=BUCKET, Key="stall/movie.json"
        )
    assert 1 <= time.monotonic() - started < 3

    # With retries, the next attempt is answered; the same when the connection is held and then closed.
    retrying = s3_client(proxy.url, retries={"total_max_attempts": 3}, **impatient)
    for kind in (Fault.STALL, Fault.HANG):
        proxy.faults.add(kind, 1, methods=["GET"], seconds=4 if kind is Fault.STALL else 0.5)
        assert retrying.get_object(Bucket=BUCKET, Key="stall/movie.json")["Body"].read() == b"{}"
    assert proxy.faults.injected() == {"stall": 2, "hang": 1}
    assert proxy.faults.counts()[("GET", "forwarded")] == 2  # the retries; stalled GETs count as stalls


def multipart_with_s3fs(url: str, key: str, data: bytes) -> None:
    s3fs_filesystem(url).pipe_file(f"{BUCKET}/{key}", data, chunksize=5 * MIB)


def multipart_with_arrow(url: str, key: str, data: bytes) -> None:
    with arrow_filesystem(url).open_output_stream(f"{BUCKET}/{key}") as stream:
        stream.write(data)


@pytest.mark.parametrize(
    ("write", "aborts"),
    [
        (multipart_with_s3fs, True),  # s3fs aborts the multipart upload when a part fails for good
        # Arrow's output stream does not: the upload stays open, invisible to readers, its parts stored
        # until it is aborted (on AWS, by a bucket lifecycle rule's AbortIncompleteMultipartUpload).
        (multipart_with_arrow, False),
    ],
    ids=["s3fs", "pyarrow"],
)
def test_a_500_on_every_part_fails_the_write_and_leaves_nothing_visible(
    write: Callable[[str, str, bytes], None], aborts: bool, proxy: FaultyS3, upstream: str
) -> None:
    key = f"lake/silver/{write.__name__}/data.parquet"
    proxy.faults.add(Fault.INTERNAL_ERROR, None, methods=["PUT"], prefix=f"/{BUCKET}/lake/silver/")

    with pytest.raises(OSError, match="internal error"):
        write(proxy.url, key, random.Random(7).randbytes(11 * MIB))

    assert keys(upstream, "lake/silver/") == []
    assert proxy.faults.counts()[("POST", "forwarded")] == 1  # the upload was created, never completed
    assert incomplete_uploads(upstream, key) == ([] if aborts else [key])


# Spark's s3a client meets these faults in tests/flows/test_scaleout.py: silver's commits on the cluster
# absorb 503s, a 500 and a stall there, within the whole flow.
