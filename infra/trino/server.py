"""Start and stop the pinned single-node Trino on 127.0.0.1.

    python -m infra.trino.server fetch | start | stop | status

`start` fetches Trino 476 if needed (cached outside the repo), writes the configuration for the lake
of MOVIES_LAKE (silver is read through its Iceberg catalog: nothing to register), starts the server
with a Java 24+ runtime found for Trino only, and returns once it can scan a table.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import trino

from infra.trino.config import config_is_current, write_config
from infra.trino.distribution import fetch, install_dir_for
from infra.trino.java import find_java_home
from infra.trino.settings import LocalTrino
from lakehouse.s3 import s3_access

log = logging.getLogger(__name__)

START_TIMEOUT_SECONDS = 240.0
POLL_SECONDS = 1.0
LOG_TAIL_LINES = 40


class TrinoStartError(RuntimeError):
    """Trino did not come up; the message carries the tail of its server log."""


@dataclass(frozen=True)
class StartReport:
    """How a start went: whether this call started the server, and how long until it served."""

    started: bool
    seconds: float
    java_home: Path


def server_info(settings: LocalTrino, timeout: float = 2.0) -> dict[str, object] | None:
    """Trino's /v1/info as a dict, or None when nothing answers on the port."""
    try:
        with urllib.request.urlopen(f"{settings.url}/v1/info", timeout=timeout) as response:
            return json.load(response)
    except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
        return None


# A one-row table of the warehouse catalog (under the Trino home, never the lake's silver_lake).
READINESS_TABLE = "iceberg.movies_readiness.probe"
READINESS_STATEMENTS = (
    "create schema if not exists iceberg.movies_readiness",
    f"create table if not exists {READINESS_TABLE} as select 1 as ready",
)


def catalogs_scannable(settings: LocalTrino) -> bool:
    """True once a table scan can be scheduled: a one-row table of the warehouse catalog reads back.

    `/v1/info` turns `starting` false before the coordinator's discovery announcement, and with it
    the catalogs it serves, reaches the node manager; a scan in that gap fails with
    NO_NODES_AVAILABLE. The announcement lists every catalog at once, so one catalog's scan
    answering means all of them are schedulable.
    """
    try:
        with trino.dbapi.connect(
            host=settings.host, port=settings.port, user="movies-readiness", request_timeout=10
        ) as connection:
            cursor = connection.cursor()
            for sql in READINESS_STATEMENTS:  # the table is only created once its rows are written
                cursor.execute(sql)
                cursor.fetchall()
            cursor.execute(f"select count(*) from {READINESS_TABLE}")
            return int(cursor.fetchall()[0][0]) == 1
    except (trino.exceptions.Error, OSError):  # not up yet, still starting, or no node for the scan
        return False


def is_ready(settings: LocalTrino) -> bool:
    """Started (`/v1/info`) and able to schedule a table scan (see catalogs_scannable)."""
    info = server_info(settings)
    return info is not None and info.get("starting") is False and catalogs_scannable(settings)


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        return probe.connect_ex((host, port)) == 0


def _launcher(settings: LocalTrino, install_dir: Path, java_home: Path, command: str) -> None:
    env = {**os.environ, "JAVA_HOME": java_home.as_posix()}
    if settings.s3_lake:  # the catalog file names ${ENV:AWS_*}: the lake's keys, wherever they are kept
        access = s3_access()
        keys = {"AWS_ACCESS_KEY_ID": access.key_id, "AWS_SECRET_ACCESS_KEY": access.secret}
        env.update({name: value for name, value in keys.items() if value})
    env["PATH"] = f"{java_home / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    args = [
        (install_dir / "bin" / "launcher").as_posix(),
        f"--jvm-dir={java_home.as_posix()}",
        f"--etc-dir={settings.etc_dir.as_posix()}",
        f"--data-dir={settings.data_dir.as_posix()}",
        command,
    ]
    subprocess.run(args, env=env, check=True, capture_output=True, text=True)


def _log_tail(settings: LocalTrino) -> str:
    if not settings.server_log.exists():
        return "(no server log)"
    lines = settings.server_log.read_text(errors="replace").splitlines()
    return "\n".join(lines[-LOG_TAIL_LINES:])


def _pid(settings: LocalTrino) -> int | None:
    pid_file = settings.data_dir / "var" / "run" / "launcher.pid"
    if not pid_file.exists():
        return None
    text = pid_file.read_text().strip()
    return int(text) if text.isdigit() else None


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_until_started(settings: LocalTrino, timeout: float = START_TIMEOUT_SECONDS) -> None:
    """Poll until the server is ready (is_ready); fail early (with the log) if the server died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_ready(settings):
            return
        if not _alive(_pid(settings)):
            raise TrinoStartError(f"Trino exited during start-up. Server log:\n{_log_tail(settings)}")
        time.sleep(POLL_SECONDS)
    raise TrinoStartError(f"Trino did not start within {timeout:.0f} s. Server log:\n{_log_tail(settings)}")


def ensure_embedded_catalog(settings: LocalTrino) -> None:
    """Give a local lake without silver yet an empty SQLite catalog, as Spark's first run would.

    Trino's JDBC catalog expects the catalog's tables to exist; without them every query of
    `silver_lake` fails instead of finding no tables. pyiceberg creates them (and nothing else) when
    it opens the catalog. Other catalogs (a server of their own) are left alone.
    """
    catalog = settings.silver_catalog
    if catalog.uri.startswith("jdbc:sqlite:"):
        Path(catalog.uri.removeprefix("jdbc:sqlite:")).parent.mkdir(parents=True, exist_ok=True)
        catalog.load()


def start(settings: LocalTrino) -> StartReport:
    """Start Trino unless this instance already serves the same configuration; idempotent."""
    java_home = find_java_home()
    if is_ready(settings):
        if not config_is_current(settings, install_dir_for(settings.cache_dir)):
            # Catalogs are read once at start-up: the server would go on reading the other lake.
            raise TrinoStartError(
                f"Trino at {settings.url} runs with another configuration (another lake or catalog?): "
                "stop it first (`make trino-stop`)"
            )
        return StartReport(started=False, seconds=0.0, java_home=java_home)
    if port_in_use(settings.host, settings.port) and not _alive(_pid(settings)):
        raise TrinoStartError(f"port {settings.port} on {settings.host} is taken by another program")
    if settings.s3_lake and not (
        os.environ.get("AWS_ACCESS_KEY_ID") and os.environ.get("AWS_SECRET_ACCESS_KEY")
    ):
        raise TrinoStartError(
            "the lake is on S3: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_ENDPOINT_URL for "
            "MinIO) so Trino's silver_lake catalog can read it"
        )
    ensure_embedded_catalog(settings)
    install = fetch(settings.cache_dir)
    write_config(settings, install.install_dir)
    began = time.monotonic()
    if not _alive(_pid(settings)):
        _launcher(settings, install.install_dir, java_home, "start")
    wait_until_started(settings)
    return StartReport(started=True, seconds=time.monotonic() - began, java_home=java_home)


def stop(settings: LocalTrino) -> bool:
    """Stop the instance if it runs (the launcher waits for the process to exit); True if it ran."""
    if not _alive(_pid(settings)):
        return False
    install = fetch(settings.cache_dir)
    _launcher(settings, install.install_dir, find_java_home(), "stop")
    return True


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m infra.trino.server", description=__doc__)
    parser.add_argument("command", choices=("fetch", "start", "stop", "status"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = _parser().parse_args(argv)
    settings = LocalTrino.from_env()
    if args.command == "fetch":
        report = fetch(settings.cache_dir)
        log.info(
            "Trino in %s (%.1f MB downloaded in %.1f s)",
            report.install_dir,
            report.downloaded_bytes / 1e6,
            report.seconds,
        )
    elif args.command == "start":
        started = start(settings)
        verb = f"started in {started.seconds:.1f} s" if started.started else "already running"
        log.info("Trino %s at %s (Java: %s)", verb, settings.url, started.java_home)
    elif args.command == "stop":
        log.info("Trino stopped" if stop(settings) else "Trino was not running")
    else:
        info = server_info(settings)
        log.info("Trino at %s: %s", settings.url, json.dumps(info) if info else "not running")
        return 0 if info else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
