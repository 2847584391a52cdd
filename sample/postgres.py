"""A real PostgreSQL server as a local process: the scale-out path's Iceberg catalog service.

Iceberg's JDBC catalog on PostgreSQL is the catalog service the compose stack runs (infra/), and the
one Spark, Trino and pyiceberg all speak without a server of our own in between. Part of the
development harness, like `sample.s3`: the scale-out test runs its catalog on it, and the chaos bench
takes it down in the middle of silver's commits. It starts the machine's PostgreSQL (`initdb`,
`pg_ctl`, from PATH or Debian's /usr/lib/postgresql/<n>/bin) on a free port of 127.0.0.1 with its
data folder, socket and log in a temporary folder of /tmp (pytest's own are private to their owner),
trusting local connections (no password exists to leak), and removes the folder afterwards.
PostgreSQL refuses to run as root, so under root (a CI container) the server runs as the `postgres`
system user, which Debian's package creates.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sample.ports import free_port

USER = "movies"
DATABASE = "iceberg"


def postgres_bin(program: str, path: str | None = None, debian: Path = Path("/usr/lib/postgresql")) -> str:
    """A PostgreSQL server program: on PATH (`path`: another search path), else in the newest Debian
    server package."""
    found = shutil.which(program, path=path)
    if found:
        return found
    versions = sorted(debian.glob(f"*/bin/{program}"), key=lambda p: int(p.parts[-3]))
    if not versions:
        raise FileNotFoundError(
            f"PostgreSQL's {program} is not installed (Debian: apt-get install postgresql)"
        )
    return str(versions[-1])


def _as_server_user(command: list[str], folder: Path) -> list[str]:
    """`command` as the user the server may run as: ours, or `postgres` (owning `folder`) under root."""
    if os.geteuid() != 0:
        return command
    owner = pwd.getpwnam("postgres")
    os.chown(folder, owner.pw_uid, owner.pw_gid)
    return ["runuser", "-u", "postgres", "--", *command]


@dataclass(frozen=True)
class Postgres:
    """A running server: its address, the folder it runs from, and the catalog database on it."""

    port: int
    folder: Path

    @property
    def jdbc_url(self) -> str:
        """The Iceberg JDBC catalog's URL, as Spark and Trino take it (lakehouse.catalog: pyiceberg)."""
        return self.database_url(DATABASE)

    def database_url(self, database: str) -> str:
        """The JDBC URL of another database on the server (`create_database`)."""
        return f"jdbc:postgresql://127.0.0.1:{self.port}/{database}?user={USER}"

    def create_database(self, database: str) -> None:
        """An empty database: a catalog of its own for another lake."""
        subprocess.run(
            [postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, database],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    def start(self) -> None:
        """Start the server (again), waiting until it accepts connections."""
        options = f"-p {self.port} -h 127.0.0.1 -k {self.folder}"
        self._pg_ctl("-l", str(self.folder / "server.log"), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast", check: bool = True) -> None:
        """Stop the server: `fast` closes its sessions cleanly, `immediate` drops them as a crash would."""
        self._pg_ctl("-m", mode, "-w", "stop", check=check)

    def _pg_ctl(self, *args: str, check: bool = True) -> None:
        command = [postgres_bin("pg_ctl"), "-D", str(self.folder / "data"), *args]
        subprocess.run(_as_server_user(command, self.folder), check=check, capture_output=True, timeout=120)


@contextmanager
def postgres_server() -> Iterator[Postgres]:
    """initdb a cluster in a new temporary folder, start it, create the catalog database; stop it and
    remove the folder afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="movies-postgres-"))
    try:
        initdb = [postgres_bin("initdb"), "-D", str(folder / "data"), "-U", USER, "-A", "trust", "-E", "UTF8",
                  "--no-instructions"]  # fmt: skip
        subprocess.run(_as_server_user(initdb, folder), check=True, capture_output=True, timeout=120)
        server = Postgres(free_port(), folder)
        server.start()
        try:
            server.create_database(DATABASE)
            yield server
        finally:
            server.stop(check=False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
