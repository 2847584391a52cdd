"""Fetch the pinned Trino server and plugins from Maven Central, verified, into a cache outside the repo.

Only `trino-server-core` (no connectors) plus the plugin zips the warehouse needs are fetched: about
550 MB instead of the 820 MB full server tarball. Every file is checked against Maven Central's
`.sha1` before it is unpacked; a finished install is marked so later runs do not touch the network.
A plugin's extra jars (the SQLite JDBC driver of silver's catalog) are fetched the same way into its
folder, and added to an install made before they were listed without fetching the rest again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tarfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import requests

from settings import TrinoSettings
from spark.jars import SQLITE_JDBC

log = logging.getLogger(__name__)

# 476 is the last Trino on Maven Central, and MERGE regressed after it (duplicate rows in 477, false
# "multiple matches" errors in 478-481). Do not upgrade without re-running tests/dbt_project/test_trino.py.
TRINO_VERSION = "476"
MAVEN_CENTRAL = "https://repo1.maven.org/maven2"
# iceberg: both catalogs, the dbt target's warehouse and silver's tables (infra/trino/config.py).
PLUGINS: tuple[str, ...] = ("iceberg",)
# Maven coordinates (group:artifact:version) of jars a plugin loads besides its own: silver's JDBC
# catalog is a SQLite file, and the iceberg plugin ships PostgreSQL's driver only. The pin is the one
# Spark writes the catalog with (spark/jars.py).
PLUGIN_JARS: dict[str, tuple[str, ...]] = {"iceberg": (SQLITE_JDBC,)}
CHUNK_BYTES = 1 << 20
INSTALLED_MARKER = ".installed"


class ChecksumError(ValueError):
    """A downloaded file does not match the repository's published sha1."""


@dataclass(frozen=True)
class Artifact:
    """One Maven Central file: where it lives and what it is called locally."""

    artifact_id: str
    extension: str
    version: str = TRINO_VERSION
    group: str = "io.trino"

    @classmethod
    def jar(cls, coordinate: str) -> Artifact:
        """The jar of a `group:artifact:version` coordinate."""
        group, artifact_id, version = coordinate.split(":")
        return cls(artifact_id, "jar", version, group)

    @property
    def file_name(self) -> str:
        return f"{self.artifact_id}-{self.version}.{self.extension}"

    def url(self, repository: str) -> str:
        folder = f"{self.group.replace('.', '/')}/{self.artifact_id}/{self.version}"
        return f"{repository.rstrip('/')}/{folder}/{self.file_name}"


@dataclass(frozen=True)
class FetchReport:
    """What a fetch did: bytes downloaded (0 when everything was cached) and seconds spent."""

    install_dir: Path
    downloaded_bytes: int
    seconds: float


def default_cache_dir(trino: TrinoSettings | None = None) -> Path:
    """MOVIES_TRINO_CACHE (`trino`'s, else this process's), else ~/.cache/movie-warehouse/trino;
    never inside the repository."""
    configured = (TrinoSettings.read() if trino is None else trino).cache
    if configured:
        return configured.expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "movie-warehouse" / "trino"


def default_repository() -> str:
    """Maven Central, or a mirror named by MOVIES_TRINO_MAVEN_REPOSITORY (same layout)."""
    return TrinoSettings.read().maven_repository or MAVEN_CENTRAL


def server_artifact() -> Artifact:
    return Artifact("trino-server-core", "tar.gz")


def plugin_artifacts() -> list[Artifact]:
    return [Artifact(f"trino-{name}", "zip") for name in PLUGINS]


def plugin_jars(install_dir: Path) -> dict[Path, Artifact]:
    """Where each plugin's extra jar goes (`plugin/<name>/<artifact>-<version>.jar`) -> the jar."""
    return {
        install_dir / "plugin" / plugin / artifact.file_name: artifact
        for plugin, coordinates in PLUGIN_JARS.items()
        for artifact in map(Artifact.jar, coordinates)
    }


def sha1_of(path: Path) -> str:
    digest = hashlib.sha1(usedforsecurity=False)
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def expected_sha1(session: requests.Session, url: str) -> str:
    """The published checksum (Maven's .sha1 holds the hex digest, sometimes followed by a name)."""
    response = session.get(f"{url}.sha1", timeout=60)
    response.raise_for_status()
    return response.text.split()[0].strip().lower()


def download(
    session: requests.Session, artifact: Artifact, downloads: Path, repository: str
) -> tuple[Path, int]:
    """Download `artifact` into `downloads` unless a verified copy is there; returns (path, bytes fetched)."""
    url = artifact.url(repository)
    target = downloads / artifact.file_name
    want = expected_sha1(session, url)
    if target.exists() and sha1_of(target) == want:
        return target, 0
    partial = target.with_name(target.name + ".part")
    log.info("downloading %s", url)
    with session.get(url, stream=True, timeout=120) as response:
        response.raise_for_status()
        with partial.open("wb") as handle:
            for chunk in response.iter_content(CHUNK_BYTES):
                handle.write(chunk)
    got = sha1_of(partial)
    if got != want:
        partial.unlink()
        raise ChecksumError(f"checksum mismatch for {url}: sha1 {got}, the repository says {want}")
    partial.replace(target)
    return target, target.stat().st_size


def _safe_members(names: list[str], root: Path) -> None:
    """Refuse archives with entries that would land outside `root`."""
    resolved_root = root.resolve()
    for name in names:
        if not (root / name).resolve().is_relative_to(resolved_root):
            raise ValueError(f"archive entry escapes the install folder: {name}")


def unpack_server(archive: Path, staging: Path) -> Path:
    """Unpack trino-server-core-<v>.tar.gz under `staging`; returns its top folder (bin/, lib/, plugin/)."""
    with tarfile.open(archive, "r:gz") as tar:
        _safe_members(tar.getnames(), staging)
        tar.extractall(staging, filter="tar")
    return staging / f"trino-server-core-{TRINO_VERSION}"


def unpack_plugin(archive: Path, plugin_dir: Path) -> None:
    """Unpack a plugin zip (one top folder `trino-<name>-<v>/`) into plugin/<name>/."""
    name = archive.name.removeprefix("trino-").removesuffix(f"-{TRINO_VERSION}.zip")
    target = plugin_dir / name
    if target.exists():
        shutil.rmtree(target)
    with zipfile.ZipFile(archive) as bundle:
        _safe_members(bundle.namelist(), plugin_dir)
        bundle.extractall(plugin_dir)
    (plugin_dir / archive.name.removesuffix(".zip")).rename(target)


def install_dir_for(cache_dir: Path) -> Path:
    return cache_dir / f"trino-server-{TRINO_VERSION}"


def _server_installed(cache_dir: Path) -> bool:
    return (install_dir_for(cache_dir) / INSTALLED_MARKER).exists()


def is_installed(cache_dir: Path) -> bool:
    """The server and its plugins are unpacked (marked) and every plugin jar is in place."""
    install_dir = install_dir_for(cache_dir)
    return _server_installed(cache_dir) and all(path.is_file() for path in plugin_jars(install_dir))


def _install_server(session: requests.Session, cache_dir: Path, downloads: Path, repository: str) -> int:
    """Download the server and plugin archives and unpack them into the (marked) install; returns bytes."""
    install_dir = install_dir_for(cache_dir)
    fetched = 0
    server_archive, size = download(session, server_artifact(), downloads, repository)
    fetched += size
    plugin_archives = []
    for artifact in plugin_artifacts():
        archive, size = download(session, artifact, downloads, repository)
        fetched += size
        plugin_archives.append(archive)
    staging = cache_dir / "unpacking"
    for stale in (staging, install_dir):
        if stale.exists():
            shutil.rmtree(stale)
    unpacked = unpack_server(server_archive, staging)
    for archive in plugin_archives:
        unpack_plugin(archive, unpacked / "plugin")
    (unpacked / INSTALLED_MARKER).write_text(f"{TRINO_VERSION}\n")
    unpacked.rename(install_dir)
    shutil.rmtree(staging)
    return fetched


def _install_plugin_jars(
    session: requests.Session, install_dir: Path, downloads: Path, repository: str
) -> int:
    """Download each missing plugin jar (verified) and move it into its plugin folder; returns bytes."""
    fetched = 0
    for target, artifact in plugin_jars(install_dir).items():
        if not target.is_file():
            jar, size = download(session, artifact, downloads, repository)
            fetched += size
            jar.replace(target)
    return fetched


def fetch(cache_dir: Path | None = None, repository: str | None = None) -> FetchReport:
    """Make sure Trino, its plugins and their jars are downloaded, verified and unpacked; returns what
    it took. An install that only lacks a plugin jar gets that jar alone."""
    cache_dir = cache_dir or default_cache_dir()
    repository = repository or default_repository()
    install_dir = install_dir_for(cache_dir)
    if is_installed(cache_dir):
        return FetchReport(install_dir, 0, 0.0)
    started = time.monotonic()
    downloads = cache_dir / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    fetched = 0
    with requests.Session() as session:
        if not _server_installed(cache_dir):
            fetched += _install_server(session, cache_dir, downloads, repository)
        fetched += _install_plugin_jars(session, install_dir, downloads, repository)
    # The install is complete; the archives would only double the cache (about 550 MB).
    shutil.rmtree(downloads)
    return FetchReport(install_dir, fetched, time.monotonic() - started)
