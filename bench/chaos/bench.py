"""The chaos bench's workspace: one generated delivery, the sample's API answers on a local replay server,
and the tables a clean run of that input builds, which every faulted run must end up equal to.

Every run of a scenario reads the same input: the bench generator's files (bench.generate, at the
given scale) and the real-data sample's OMDb, TMDB and YTS answers, served by the replay server in
this process (so it outlives the runs it serves and its faults can be set between them). The runs
reach it with keys, as they would reach the real services.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.chaos.runs import Finished, run_to_end
from bench.chaos.state import Rows, tables_of
from bench.generate import generate
from lakehouse.catalog import CATALOG_URI_VARIABLE, IcebergCatalog, catalog_for
from sample.build import MANIFEST_FILE, build_sample
from sample.offline import REPLAY_KEY, replay_config
from sample.postgres import Postgres, postgres_server
from sample.replay.catalog import Catalog
from sample.replay.faults import Faults
from sample.replay.server import ReplayServer
from sample.s3 import moto_s3
from sample.s3_faults import FaultyS3, S3Faults, faulty_s3
from settings import IcebergSettings

S3_BUCKET = "chaos-lake"
S3_KEYS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1"}  # moto's


@dataclass
class Bench:
    """Where the scenarios run, what they read, and the clean run they are held to."""

    root: Path
    files_dir: Path
    replay: ReplayServer
    rng: random.Random
    apis: bool = True
    clean: dict[str, Rows] = field(default_factory=dict)
    clean_lake_bytes: int = 0
    run_env: dict[str, str] = field(default_factory=dict)  # more settings for every run (a Prefect server)
    clean_stages: dict[str, float] = field(default_factory=dict)
    runs: int = 0
    services: ExitStack = field(default_factory=ExitStack)  # closed with the bench (`inputs`)
    catalog_uris: dict[Path, str] = field(default_factory=dict)  # data dirs whose catalog is a service
    s3_lakes: dict[Path, str] = field(default_factory=dict)  # data dirs whose lake is in a bucket
    _postgres: Postgres | None = None
    _s3: FaultyS3 | None = None

    def data_dir(self, name: str) -> Path:
        """A new, empty data dir for one run or chain of runs."""
        folder = self.root / "runs" / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return folder

    def catalog_service(self, data_dir: Path) -> Postgres:
        """Give `data_dir`'s lake a catalog service of its own, as the production path has: a database
        of Iceberg's JDBC catalog on the bench's PostgreSQL (started at the first call)."""
        if self._postgres is None:
            self._postgres = self.services.enter_context(postgres_server())
        database = f"catalog_{len(self.catalog_uris)}"
        self._postgres.create_database(database)
        self.catalog_uris[data_dir] = self._postgres.database_url(database)
        return self._postgres

    def s3_lake(self, data_dir: Path) -> S3Faults:
        """Put `data_dir`'s lake in a bucket of an S3 endpoint on 127.0.0.1 (moto's) behind the fault
        proxy (sample.s3_faults), both started at the first call, with a catalog service (an S3 lake
        has no folder for the SQLite file); returns the proxy's faults."""
        if self._s3 is None:
            upstream = self.services.enter_context(moto_s3(S3_BUCKET))
            self._s3 = self.services.enter_context(faulty_s3(upstream))
        self.s3_lakes[data_dir] = f"s3://{S3_BUCKET}/{data_dir.name}/lake"
        self.catalog_service(data_dir)
        return self._s3.faults

    def lake_url(self, data_dir: Path) -> str:
        """Where `data_dir`'s lake is: its bucket, else the folder inside it."""
        return self.s3_lakes.get(data_dir) or str(data_dir / "lake")

    def lake_env(self, data_dir: Path) -> dict[str, str]:
        """The settings that place `data_dir`'s lake and catalog elsewhere than the defaults."""
        env = {CATALOG_URI_VARIABLE: self.catalog_uris[data_dir]} if data_dir in self.catalog_uris else {}
        if data_dir in self.s3_lakes and self._s3 is not None:
            env |= {"MOVIES_LAKE": self.s3_lakes[data_dir], "AWS_ENDPOINT_URL": self._s3.url, **S3_KEYS}
        return env

    def catalog(self, data_dir: Path) -> IcebergCatalog:
        """`data_dir`'s silver catalog: its service, else the SQLite file in its lake."""
        return catalog_for(self.lake_url(data_dir), IcebergSettings.read(self.lake_env(data_dir)))

    def env(self, data_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment of a run on `data_dir`: the bench's files, the replayed APIs, its lake."""
        return {
            "MOVIES_DATA_DIR": str(data_dir),
            "MOVIES_FILES_DIR": str(self.files_dir),
            "MOVIES_LOCK_WAIT_SECONDS": "0",
            **(replay_config(self.replay.url) if self.apis else {}),
            **self.lake_env(data_dir),
            **self.run_env,
            **(extra or {}),
        }

    def run(self, data_dir: Path, name: str, extra: Mapping[str, str] | None = None) -> Finished:
        """One run on `data_dir`, to its end."""
        self.runs += 1
        return run_to_end(self.env(data_dir, extra), data_dir / "logs" / f"{name}.log")

    def tables(self, data_dir: Path) -> dict[str, Rows]:
        """What the runs on `data_dir` built."""
        lake, env = self.lake_url(data_dir), self.lake_env(data_dir)
        return tables_of(lake, self.catalog(data_dir), data_dir / "warehouse.duckdb", env)


def _stage_seconds(data_dir: Path) -> dict[str, float]:
    report = json.loads((data_dir / "reports" / "run_report.json").read_text())
    return {stage: float(seconds) for stage, seconds in report["durations_s"].items()}


def folder_bytes(folder: Path) -> int:
    """The bytes of every file under `folder` (0 when it does not exist)."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


@contextmanager
def inputs(root: Path, scale: float, seed: int, api_films: int | None = None) -> Iterator[Bench]:
    """Generate the input (once per scale) and serve the APIs; the bench has no clean run yet
    (`held_to`). `api_films`: how many of the sample's films the APIs answer for (None: the runs load
    the file sources only)."""
    sample = root / "sample"
    if not (sample / MANIFEST_FILE).is_file():
        build_sample(sample)
    files = root / f"files_{scale}"
    if not (files / "kaggle" / "ratings.csv").is_file():
        generate(sample, files, scale, seed)
    answers = Catalog.from_sample(sample).first(api_films or 0)
    with ReplayServer(answers, Faults(), REPLAY_KEY, REPLAY_KEY) as replay:
        bench = Bench(root, files, replay, random.Random(seed), apis=api_films is not None)
        with bench.services:
            yield bench


def held_to(bench: Bench, clean_dir: Path) -> Bench:
    """The bench, holding every faulted run to the tables a clean run made in `clean_dir`."""
    bench.clean = bench.tables(clean_dir)
    bench.clean_stages = _stage_seconds(clean_dir)
    bench.clean_lake_bytes = folder_bytes(clean_dir / "lake")
    return bench


@contextmanager
def prepared(root: Path, scale: float, seed: int, api_films: int | None = None) -> Iterator[Bench]:
    """The inputs, and the clean run every faulted run is held to."""
    with inputs(root, scale, seed, api_films) as bench:
        clean_dir = bench.data_dir("clean")
        clean = bench.run(clean_dir, "clean")
        if not clean.ok:
            raise RuntimeError(f"the clean run failed (exit {clean.returncode}):\n{clean.log[-4000:]}")
        yield held_to(bench, clean_dir)
