"""Fetching Trino: checksums, the cache, unpacking and the plugins' extra jars, against a Maven-layout
server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import io
import tarfile
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from infra.trino.distribution import (
    PLUGIN_JARS,
    PLUGINS,
    TRINO_VERSION,
    Artifact,
    ChecksumError,
    default_cache_dir,
    fetch,
    install_dir_for,
    is_installed,
)
from spark.jars import SQLITE_JDBC

SQLITE_JAR = Artifact.jar(SQLITE_JDBC)


def _tar_gz(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, data in files.items():
            bundle.writestr(name, data)
    return buffer.getvalue()


def _publish(repo: Path, artifact: Artifact, data: bytes, sha1: str | None = None) -> None:
    """Put `data` where Maven Central keeps `artifact`, with its `.sha1` beside it."""
    path = Path(artifact.url(repo.as_posix()))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    digest = sha1 or hashlib.sha1(data, usedforsecurity=False).hexdigest()
    path.with_name(f"{path.name}.sha1").write_text(f"{digest}  {path.name}\n")


@pytest.fixture
def repository(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A tiny Trino in Maven Central's layout, served over HTTP on 127.0.0.1."""
    repo = tmp_path / "repo"
    top = f"trino-server-core-{TRINO_VERSION}"
    _publish(
        repo,
        Artifact("trino-server-core", "tar.gz"),
        _tar_gz({f"{top}/bin/launcher": b"#!/bin/sh\n", f"{top}/lib/core.jar": b"jar"}),
    )
    for plugin in PLUGINS:
        top = f"trino-{plugin}-{TRINO_VERSION}"
        _publish(repo, Artifact(f"trino-{plugin}", "zip"), _zip({f"{top}/{plugin}.jar": plugin.encode()}))
    _publish(repo, SQLITE_JAR, b"sqlite driver")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=repo))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", repo
    finally:
        server.shutdown()
        server.server_close()


def test_fetch_unpacks_the_server_and_each_plugin_into_the_cache(
    repository: tuple[str, Path], tmp_path: Path
) -> None:
    url, _ = repository
    cache = tmp_path / "cache"
    report = fetch(cache, repository=url)
    install = install_dir_for(cache)
    assert report.install_dir == install
    assert (install / "lib" / "core.jar").read_bytes() == b"jar"
    assert sorted(p.name for p in (install / "plugin").iterdir()) == sorted(PLUGINS)
    assert (install / "plugin" / "iceberg" / "iceberg.jar").read_bytes() == b"iceberg"
    # silver's catalog driver sits beside the plugin's own jars, so the plugin's class loader finds it.
    assert PLUGIN_JARS == {"iceberg": ("org.xerial:sqlite-jdbc:3.54.1.0",)}
    assert (install / "plugin" / "iceberg" / "sqlite-jdbc-3.54.1.0.jar").read_bytes() == b"sqlite driver"
    assert is_installed(cache)
    # Only the unpacked install stays: no archives, no half-unpacked folder.
    assert sorted(p.name for p in cache.iterdir()) == [install.name]
    assert report.downloaded_bytes > 0


def test_a_second_fetch_downloads_nothing(repository: tuple[str, Path], tmp_path: Path) -> None:
    url, repo = repository
    cache = tmp_path / "cache"
    fetch(cache, repository=url)
    for published in repo.rglob("*"):
        if published.is_file():
            published.unlink()  # the repository is gone: a cached install must not need it
    again = fetch(cache, repository=url)
    assert again.downloaded_bytes == 0
    assert again.install_dir == install_dir_for(cache)


def test_an_install_without_a_plugin_jar_gets_only_the_jar(
    repository: tuple[str, Path], tmp_path: Path
) -> None:
    url, repo = repository
    cache = tmp_path / "cache"
    fetch(cache, repository=url)
    jar = install_dir_for(cache) / "plugin" / "iceberg" / SQLITE_JAR.file_name
    jar.unlink()  # an install made before the jar was listed
    assert not is_installed(cache)
    for published in repo.rglob("trino-*"):
        if published.is_file():
            published.unlink()  # the server and plugins must not be fetched again
    again = fetch(cache, repository=url)
    assert again.downloaded_bytes == len(b"sqlite driver")
    assert jar.read_bytes() == b"sqlite driver"
    assert is_installed(cache)
    assert sorted(p.name for p in cache.iterdir()) == [install_dir_for(cache).name]


def test_a_jar_not_matching_its_sha1_is_rejected(repository: tuple[str, Path], tmp_path: Path) -> None:
    url, repo = repository
    _publish(repo, SQLITE_JAR, b"tampered", sha1="0" * 40)
    cache = tmp_path / "cache"
    with pytest.raises(
        ChecksumError, match=r"org/xerial/sqlite-jdbc/3\.54\.1\.0/sqlite-jdbc-3\.54\.1\.0\.jar"
    ):
        fetch(cache, repository=url)
    assert not is_installed(cache)
    assert not (install_dir_for(cache) / "plugin" / "iceberg" / SQLITE_JAR.file_name).exists()


def test_a_file_not_matching_its_sha1_is_rejected(repository: tuple[str, Path], tmp_path: Path) -> None:
    url, repo = repository
    _publish(repo, Artifact("trino-iceberg", "zip"), b"tampered", sha1="0" * 40)
    cache = tmp_path / "cache"
    with pytest.raises(ChecksumError, match=r"trino-iceberg-476\.zip"):
        fetch(cache, repository=url)
    assert not is_installed(cache)
    assert not install_dir_for(cache).exists()
    assert list((cache / "downloads").glob("trino-iceberg*")) == []


def test_the_cache_lives_outside_the_repository(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MOVIES_TRINO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", tmp_path.as_posix())
    assert default_cache_dir() == tmp_path / "movie-warehouse" / "trino"
    monkeypatch.setenv("MOVIES_TRINO_CACHE", "/somewhere/else")
    assert default_cache_dir() == Path("/somewhere/else")
