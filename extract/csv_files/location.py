"""Where a source file lives: a local path or a URL (`s3://bucket/key`, `https://...`), read alike.

Remote files are opened through fsspec (s3fs for `s3://`), which takes credentials and the endpoint
from the standard AWS settings (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ENDPOINT_URL`,
`~/.aws`). A file's fingerprint decides whether it was loaded before: the sha256 of a local file's
bytes, or for an object its ETag and size (reading 700 MB again just to hash it would double the
transfer; the store already keeps a content tag); a download without an ETag is hashed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def is_remote(location: str) -> bool:
    """True for an object-store URL such as `s3://bucket/key`."""
    return "://" in location and not location.startswith("file://")


def join(location: str, *parts: str) -> str:
    """`location/part/...` for a path or a URL."""
    if is_remote(location):
        return "/".join([location.rstrip("/"), *parts])
    return str(Path(location.removeprefix("file://"), *parts))


def name(location: str) -> str:
    """The file name, e.g. `ratings.csv`."""
    return location.rstrip("/").rsplit("/", 1)[-1]


def fsspec_filesystem(location: str) -> tuple[Any, str]:
    """The fsspec filesystem for a URL (s3fs for `s3://`) and the path inside it."""
    import fsspec

    # A fresh instance each time: fsspec's instance cache would keep an endpoint from the environment
    # of an earlier call (AWS_ENDPOINT_URL is read when the filesystem is built).
    return fsspec.core.url_to_fs(location, skip_instance_cache=True)


def exists(location: str) -> bool:
    """Whether the file is there."""
    if not is_remote(location):
        return Path(location.removeprefix("file://")).is_file()
    filesystem, path = fsspec_filesystem(location)
    return bool(filesystem.isfile(path))


def file_sha256(path: Path, chunk_size: int = 8 << 20) -> str:
    """Content hash of a local file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def stat_key(location: str) -> str | None:
    """`<size>:<mtime_ns>` of a local file (what decides "unchanged" without reading it), None for
    an object, whose fingerprint is already cheap."""
    if is_remote(location):
        return None
    stat = Path(location.removeprefix("file://")).stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def fingerprint(location: str) -> str:
    """`sha256:<hex>` for a local file, `etag:<etag>:<size>` for an object."""
    if not is_remote(location):
        return f"sha256:{file_sha256(Path(location.removeprefix('file://')))}"
    filesystem, path = fsspec_filesystem(location)
    filesystem.invalidate_cache(path)
    etag = str(filesystem.info(path).get("ETag") or "").strip('"')
    if etag:
        return f"etag:{etag}:{filesystem.size(path)}"
    digest = hashlib.sha256()  # a plain HTTP download (FRED's CSV): hash what it serves
    with filesystem.open(path, "rb") as handle:
        while chunk := handle.read(8 << 20):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"


@contextmanager
def open_binary(location: str) -> Iterator[IO[bytes] | str]:
    """A local file's path (Arrow reads it fastest itself) or an open binary stream for an object."""
    if not is_remote(location):
        yield location.removeprefix("file://")
        return
    filesystem, path = fsspec_filesystem(location)
    with filesystem.open(path, "rb", block_size=16 << 20) as handle:
        yield handle
