"""The fault scenarios: each injects its fault into real `movies run`s on the bench's input, lets the
next run recover, and holds what the runs leave to the clean run's tables (bench.chaos.state).

A fault is a function that makes one faulted run on a data dir and says whether the fault struck (a
kill timed for a stage that ended first did not). A scenario injects its fault `injections` times,
each on a fresh data dir followed by the run that must recover, and returns an `Outcome`: the runs
it made, the faults injected, how many the next run recovered from, and the damage left. `chained`
injects several faults one after another into the runs of one data dir, each run being the recovery
of the fault before it, and holds the last run's tables to the clean run's: one injection of each
for the price of about one run (the pytest tests).
"""

from __future__ import annotations

import random
import re
import shutil
import sqlite3
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy

from bench.chaos.bench import Bench, folder_bytes
from bench.chaos.runs import Finished, FlowRun
from bench.chaos.state import Damage, Rows, compare
from lakehouse.catalog import SQLITE_FILE, sqlalchemy_url
from sample.s3_faults import WRITES
from sample.s3_faults import Fault as S3Fault

QUEUED_WAIT_S = "1800"  # a queued run waits this long for the lock: longer than any run here
REFUSED_MARK = "another movie_warehouse run is using"
DBT_NODE = re.compile(r"\d+ of \d+ START ")  # dbt's line as it starts a node
GX_METRICS = re.compile(r"Calculating Metrics")  # GX's progress line as it validates a batch


@dataclass
class Outcome:
    """One scenario's line of the table."""

    scenario: str
    runs: int = 0
    faults: int = 0
    recovered: int = 0
    rows_lost: int = 0
    duplicate_rows: int = 0
    changed_rows: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every injected fault was recovered from, and nothing was lost, duplicated or changed."""
        return (self.faults > 0 and self.recovered == self.faults
                and not (self.rows_lost or self.duplicate_rows or self.changed_rows))  # fmt: skip

    def settle(self, damage: Damage) -> None:
        """Count one recovery's damage (none: recovered)."""
        self.rows_lost += damage.rows_lost
        self.duplicate_rows += damage.duplicate_rows
        self.changed_rows += damage.changed_rows
        if damage.none:
            self.recovered += 1
        else:
            self.notes.append(f"differs: {', '.join(damage.differing + damage.tables_missing)}")


def _last_error(finished: Finished) -> str:
    lines = [line for line in finished.log.splitlines() if "Error" in line or "error" in line]
    return (lines[-1] if lines else finished.log)[-300:]


def _silver_commits(catalog_uri: str) -> dict[str, str]:
    """Each silver table's metadata file as its catalog records it now, read-only: the SQLite file
    inside the lake, or a catalog service's database. Empty while the catalog is missing, busy or down."""
    query = "select table_name, metadata_location from iceberg_tables"
    if catalog_uri.startswith("jdbc:sqlite:"):
        catalog = Path(catalog_uri.removeprefix("jdbc:sqlite:"))
        if not catalog.is_file():
            return {}
        try:
            with sqlite3.connect(f"file:{catalog}?mode=ro", uri=True, timeout=1) as connection:
                return dict(connection.execute(query).fetchall())
        except sqlite3.Error:  # not created yet, or busy: no commit seen this time
            return {}
    engine = sqlalchemy.create_engine(sqlalchemy_url(catalog_uri), poolclass=sqlalchemy.NullPool)
    try:
        with engine.connect() as connection:
            return {str(name): str(at) for name, at in connection.execute(sqlalchemy.text(query))}
    except sqlalchemy.exc.SQLAlchemyError:  # no table yet, or the service is down
        return {}
    finally:
        engine.dispose()


# When a kill strikes, given the run, its data dir and a random draw: a condition the run is polled on.
Trigger = Callable[[FlowRun, Path, random.Random], Callable[[], bool]]


def after_seconds(stage: str, span: tuple[float, float], bench: Bench) -> Trigger:
    """A draw from `span` of the clean run's time for `stage`, after the stage starts."""

    def trigger(run: FlowRun, data_dir: Path, rng: random.Random) -> Callable[[], bool]:
        delay = rng.uniform(*span) * bench.clean_stages.get(stage, 1.0)
        started = time.monotonic()
        return lambda: time.monotonic() - started >= delay

    return trigger


def after_lines(stage: str, pattern: re.Pattern[str], most: int) -> Trigger:
    """After the k-th line matching `pattern` in `stage` (k drawn from 1..most): dbt's nodes, GX's batches."""

    def trigger(run: FlowRun, data_dir: Path, rng: random.Random) -> Callable[[], bool]:
        k = rng.randint(1, most)
        return lambda: run.count_in_stage(stage, pattern) >= k

    return trigger


def after_commits(bench: Bench, most: int) -> Trigger:
    """After the k-th silver table this run commits (k drawn from 1..most), seen in the catalog."""

    def trigger(run: FlowRun, data_dir: Path, rng: random.Random) -> Callable[[], bool]:
        catalog = bench.catalog(data_dir).uri
        before, k = _silver_commits(catalog), rng.randint(1, most)
        return lambda: sum(1 for t, at in _silver_commits(catalog).items() if before.get(t) != at) >= k

    return trigger


@dataclass(frozen=True)
class KillPoint:
    """Where a kill lands: in `stage`, when `trigger` says (None: the moment the stage starts)."""

    stage: str
    trigger: Trigger | None = None


def kill_points(bench: Bench) -> dict[str, list[KillPoint]]:
    """The kill scenarios, each with the points a kill is drawn from, timed on the clean run."""
    gx = [KillPoint(stage, after_lines(stage, GX_METRICS, 4)) for stage in ("validate raw", "validate silver",
                                                                             "validate gold")]  # fmt: skip
    return {
        "kill -9 during extract": [KillPoint("extract", after_seconds("extract", (0.1, 0.7), bench))],
        "kill -9 during the silver commits": [KillPoint("spark", after_commits(bench, 20))],
        "kill -9 during the dbt build": [KillPoint("dbt build", after_lines("dbt build", DBT_NODE, 300))],
        "kill -9 during the GX checks": gx,
        "kill -9 during the report": [
            KillPoint("html report", after_seconds("html report", (0.1, 0.6), bench))
        ],
        "crash between extract and silver": [KillPoint("spark")],
        "crash between silver and dbt": [KillPoint("dbt build")],
    }


# A fault: one faulted run on the data dir, then whether the fault struck (notes say why not).
Fault = Callable[[Bench, Path, Outcome], bool]


def _run_to(
    bench: Bench, data_dir: Path, point: KillPoint, outcome: Outcome, meanwhile: Fault | None = None
) -> bool:
    """A run killed -9 at `point`; False (and a note) when the stage ended, or the run did, first.
    `meanwhile`: a second fault struck once the stage has started, before the kill (it must strike)."""
    run = FlowRun(bench.env(data_dir), data_dir / "logs" / f"killed-{bench.runs}.log")
    bench.runs += 1
    struck = run.wait_for_stage(point.stage)
    if struck and meanwhile is not None:
        struck = meanwhile(bench, data_dir, outcome)
    if struck and point.trigger is not None:
        condition = point.trigger(run, data_dir, bench.rng)
        struck = run.wait_until(lambda: condition() or run.finished_stage(point.stage))
        struck = struck and not run.finished_stage(point.stage)
    if struck:
        run.kill()
    run.finish()
    if not struck:
        outcome.notes.append(f"{point.stage} ended before the kill: not counted")
    return struck


def kill_at(points: list[KillPoint], meanwhile: Fault | None = None) -> Fault:
    """A run killed -9 at one of `points` (drawn per injection), `meanwhile` struck before the kill."""

    def fault(bench: Bench, data_dir: Path, outcome: Outcome) -> bool:
        return _run_to(bench, data_dir, bench.rng.choice(points), outcome, meanwhile)

    return fault


def refused(bench: Bench, data_dir: Path, outcome: Outcome) -> bool:
    """A second run on a data dir a run holds, with no wait: it must refuse, naming the holder."""
    second = bench.run(data_dir, f"refused-{bench.runs}", {"MOVIES_LOCK_WAIT_SECONDS": "1"})
    if second.ok or REFUSED_MARK not in second.log:
        outcome.notes.append(f"the overlapping run did not refuse: {_last_error(second)}")
        return False
    return True


@contextmanager
def _held_exclusively(database: Path) -> Iterator[None]:
    """Another process's exclusive transaction on an SQLite file: every other connection gets
    SQLITE_BUSY (`database is locked`) until the block ends, as with a catalog that cannot be reached."""
    connection = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        connection.execute("begin exclusive")
        yield
    finally:
        connection.close()


def catalog_unreachable(bench: Bench, data_dir: Path, outcome: Outcome) -> bool:
    """The embedded catalog cannot be written once silver has committed a table: the run fails,
    naming the catalog's refusal."""
    run = FlowRun(bench.env(data_dir), data_dir / "logs" / f"catalog-{bench.runs}.log")
    bench.runs += 1
    if not _committing(bench, run, data_dir, outcome):
        return False
    with _held_exclusively(data_dir / "lake" / SQLITE_FILE):
        failed = run.finish(timeout=900)
    if failed.ok:
        outcome.notes.append("the run committed with its catalog locked: not counted")
        return False
    if "database is locked" not in failed.log:
        outcome.notes.append(f"unclear failure: {_last_error(failed)}")
    return True


def _committing(bench: Bench, run: FlowRun, data_dir: Path, outcome: Outcome) -> bool:
    """Wait until silver has committed 1-3 tables in this run; False (and a note) when it never does."""
    commit = after_commits(bench, 3)(run, data_dir, bench.rng)
    if run.wait_for_stage("spark") and run.wait_until(commit):
        return True
    outcome.notes.append(f"silver committed nothing to interrupt: {_last_error(run.finish())}")
    return False


def catalog_service_down(bench: Bench, data_dir: Path, outcome: Outcome) -> bool:
    """Silver's catalog is a service, as on the production path (Iceberg's JDBC catalog on PostgreSQL),
    and it goes down, stopped at once as in a crash, once silver has committed 1-3 tables: the run
    fails, naming the catalog it cannot reach (lakehouse.catalog.CatalogUnreachableError); the service
    is back for the next run."""
    service = bench.catalog_service(data_dir)
    run = FlowRun(bench.env(data_dir), data_dir / "logs" / f"catalog-service-{bench.runs}.log")
    bench.runs += 1
    if not _committing(bench, run, data_dir, outcome):
        return False
    service.stop("immediate")
    try:
        failed = run.finish(timeout=900)
    finally:
        service.start()
    if failed.ok:
        outcome.notes.append("the run committed with its catalog service down: not counted")
        return False
    if f"Iceberg catalog at {bench.catalog(data_dir).address} cannot be reached" not in failed.log:
        outcome.notes.append(f"unclear failure: {_last_error(failed)}")
    return True


# What the S3 endpoint does to the writes under each part of the lake: (fault, most times, stall seconds).
S3_FAULTS = ((S3Fault.SLOWDOWN, 2, 0.0), (S3Fault.INTERNAL_ERROR, 2, 0.0), (S3Fault.STALL, 1, 3.0))
S3_PARTS = ("raw/", "silver/")  # extract's writes (dlt through s3fs), silver's commits (Spark's s3a)


def s3_faults(bench: Bench, data_dir: Path, outcome: Outcome) -> bool:
    """The lake is in a bucket (bench.s3_lake), and the S3 endpoint answers some of extract's writes
    and of silver's commits with 503 SlowDown or 500 InternalError (1-2 of each), or stalls one of each
    for 3 s, as S3 does under load: the clients' retries must absorb them, so the run completes."""
    faults = bench.s3_lake(data_dir)
    lake = bench.lake_url(data_dir).removeprefix("s3://")
    planned: Counter[str] = Counter()
    for part in S3_PARTS:
        for kind, most, seconds in S3_FAULTS:
            times = bench.rng.randint(1, most)
            faults.add(kind, times, methods=WRITES, prefix=f"/{lake}/{part}", seconds=seconds)
            planned[kind.value] += times
    before = Counter(faults.injected())
    finished = bench.run(data_dir, f"s3-faults-{bench.runs}")
    served, pending = Counter(faults.injected()) - before, faults.pending()
    faults.clear()
    if not finished.ok:
        outcome.notes.append(f"the run did not absorb S3's faults: {_last_error(finished)}")
        return False
    if served != planned or pending:
        outcome.notes.append(f"S3 served {dict(served)} of {dict(planned)}: not counted")
        return False
    return True


def overlapped(bench: Bench, data_dir: Path, outcome: Outcome) -> bool:
    """While a run holds the data dir, a second run with no wait refuses naming the holder, and a
    third, queued with a long wait, runs after it. Both queued and first runs must complete."""
    first = FlowRun(bench.env(data_dir), data_dir / "logs" / f"first-{bench.runs}.log")
    queued: FlowRun | None = None
    second_refused = first.wait_for_stage("validate raw") and refused(bench, data_dir, outcome)
    if second_refused:
        queued = FlowRun(bench.env(data_dir, {"MOVIES_LOCK_WAIT_SECONDS": QUEUED_WAIT_S}),
                         data_dir / "logs" / f"queued-{bench.runs}.log")  # fmt: skip
    finished = [first.finish(), *([queued.finish()] if queued else [])]
    bench.runs += len(finished)
    if not second_refused:
        return False
    for run in finished:
        if not run.ok:
            outcome.notes.append(f"an overlapped run failed: {_last_error(run)}")
    return True


def disk_full(bench: Bench, data_dir: Path, outcome: Outcome) -> bool:
    """The lake moves onto a filesystem of its own (tmpfs) with room for what it holds plus 20-60% of
    what a clean run's lake holds beyond that: the run fails with `No space left on device`; then the
    filesystem grows, as when space is freed. The mount stays for the data dir's later runs;
    `unmount_lake` removes it. Needs root: where the machine refuses the mount, the note says so and
    nothing is counted."""
    lake = data_dir / "lake"
    used = folder_bytes(lake)
    room = used + int(max(bench.clean_lake_bytes - used, 0) * bench.rng.uniform(0.2, 0.6))
    refused = _lake_on_tmpfs(lake, room)
    if refused:
        outcome.notes.append(f"this machine allows no filesystem of its own: {refused}")
        return False
    failed = bench.run(data_dir, f"disk-full-{bench.runs}")
    subprocess.run(["mount", "-o", f"remount,size={bench.clean_lake_bytes * 4}", str(lake)], check=True)
    if failed.ok or "No space left on device" not in failed.log:
        outcome.notes.append(f"the run did not stop on a full disk: {_last_error(failed)}")
        return False
    return True


def _lake_on_tmpfs(lake: Path, size: int) -> str:
    """Mount a tmpfs of `size` bytes at `lake`, carrying over what the lake holds; the mount's error."""
    before = lake.with_name("lake.before")
    if lake.exists():
        lake.rename(before)
    lake.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(lake)],
                             capture_output=True, text=True, check=False)  # fmt: skip
    if before.exists():
        shutil.copytree(before, lake, dirs_exist_ok=True)
        shutil.rmtree(before)
    return mounted.stderr.strip() if mounted.returncode else ""


def unmount_lake(data_dir: Path) -> None:
    """Remove disk_full's filesystem (its files go with it), once the last run's processes have let
    go of it (a run's children can take a moment to exit after it ends); lazily after 30 s."""
    lake = data_dir / "lake"
    for _ in range(30):
        if not lake.is_mount() or subprocess.run(["umount", str(lake)], check=False).returncode == 0:
            return
        time.sleep(1)
    subprocess.run(["umount", "--lazy", str(lake)], check=True)


def api_faults(then: KillPoint | None = None) -> Fault:
    """The APIs misbehave through a run's extract: a storm of 429s, a listing page that is not JSON,
    and OMDb's daily quota reached. The run goes on (the bad page quarantined, cursors held) to its
    end, or is killed at `then`; the API is quiet again, with a new day's quota, for the next run."""

    def fault(bench: Bench, data_dir: Path, outcome: Outcome) -> bool:
        faults = bench.replay.faults
        faults.throttle, faults.retry_after_s = bench.rng.randint(20, 60), 0
        faults.invalid_pages = frozenset({bench.rng.randint(1, 2)})
        faults.omdb_quota = bench.rng.randint(2, 5)
        struck = _run_to(bench, data_dir, then, outcome) if then else bench.run(data_dir, "faulty-api").ok
        reached = faults.throttle == 0 and faults.omdb_served >= (faults.omdb_quota or 0)
        faults.clear()
        if not struck:
            outcome.notes.append("the run on a faulty API failed or ended early")
        elif not reached:
            outcome.notes.append("not every API fault was reached: not counted")
        return struck and reached

    return fault


def quarantine_tables(name: str) -> bool:
    """Tables that rightly hold a record of a fault (the quarantine of a page that was not JSON)."""
    return "quarantin" in name


def _recover(bench: Bench, outcome: Outcome, data_dir: Path, faults: int = 1) -> None:
    """The next run, left to finish; then its tables against the clean run's, the quarantine's aside."""
    finished = bench.run(data_dir, f"recovery-{bench.runs}")
    if not finished.ok:
        outcome.notes.append(f"recovery run failed (exit {finished.returncode}): {_last_error(finished)}")
        return
    damage = compare(_without(bench.tables(data_dir)), _without(bench.clean))
    for _ in range(faults):
        outcome.settle(damage)


def _without(tables: dict[str, Rows]) -> dict[str, Rows]:
    return {name: rows for name, rows in tables.items() if not quarantine_tables(name)}


Scenario = Callable[[Bench, int], Outcome]  # a scenario: the bench, how many injections


def repeated(name: str, fault: Fault, cleanup: Callable[[Path], None] | None = None) -> Scenario:
    """The scenario that injects `fault` on fresh data dirs, each followed by its recovery run."""

    def scenario(bench: Bench, injections: int) -> Outcome:
        outcome = Outcome(name)
        for attempt in range(injections):
            data_dir = bench.data_dir(f"{_slug(name)}-{attempt}")
            try:
                if fault(bench, data_dir, outcome):
                    outcome.faults += 1
                    _recover(bench, outcome, data_dir)
            finally:
                if cleanup is not None:
                    cleanup(data_dir)
        return outcome

    return scenario


# In the order a run meets them: a chain injects them in this order.
NAMES = (
    "API 429 storm, invalid JSON, quota exhausted",
    "kill -9 during extract",
    "crash between extract and silver",
    "disk full while the lake is written",
    "catalog unreachable during a commit",
    "catalog service down during a commit",
    "S3 500, 503 and stalls on the lake's writes",
    "kill -9 during the silver commits",
    "crash between silver and dbt",
    "kill -9 during the dbt build",
    "kill -9 during the GX checks",
    "kill -9 during the report",
    "overlapping runs",
)


# Scenarios a chain leaves out, each injected into a data dir of its own: they need a lake whose
# catalog is a service, or that is in a bucket, from its first run (the chain's is the embedded default).
ON_ITS_OWN = ("catalog service down during a commit", "S3 500, 503 and stalls on the lake's writes")


def faults(bench: Bench) -> dict[str, tuple[Fault, Callable[[Path], None] | None]]:
    """Every fault by scenario name, in `NAMES`' order, with its clean-up."""
    every: dict[str, tuple[Fault, Callable[[Path], None] | None]] = {
        **{name: (kill_at(points), None) for name, points in kill_points(bench).items()},
        "API 429 storm, invalid JSON, quota exhausted": (api_faults(), None),
        "disk full while the lake is written": (disk_full, unmount_lake),
        "catalog unreachable during a commit": (catalog_unreachable, None),
        "catalog service down during a commit": (catalog_service_down, None),
        "S3 500, 503 and stalls on the lake's writes": (s3_faults, None),
        "overlapping runs": (overlapped, None),
    }
    return {name: every[name] for name in NAMES}


def scenarios(bench: Bench) -> dict[str, Scenario]:
    """Every scenario, each on data dirs of its own."""
    return {name: repeated(name, fault, cleanup) for name, (fault, cleanup) in faults(bench).items()}


def chain_steps(bench: Bench) -> list[tuple[tuple[str, ...], Fault]]:
    """The faults of a chain, each step one faulted run, in an order where each finds work left to
    strike: the first run is killed in its extract; the next meets the APIs' faults and crashes as
    silver starts; silver's commits then meet a locked catalog, a full disk and a kill; the rest
    strike dbt (a second run refused while it builds), the gold checks and the report."""
    points = kill_points(bench)
    return [
        (("kill -9 during extract",), kill_at(points["kill -9 during extract"])),
        (("API 429 storm, invalid JSON, quota exhausted", "crash between extract and silver"),
         api_faults(then=KillPoint("spark"))),
        (("catalog unreachable during a commit",), catalog_unreachable),
        (("disk full while the lake is written",), disk_full),
        (("kill -9 during the silver commits",), kill_at([KillPoint("spark", after_commits(bench, 3))])),
        (("crash between silver and dbt",), kill_at(points["crash between silver and dbt"])),
        (("kill -9 during the dbt build", "overlapping runs"),
         kill_at(points["kill -9 during the dbt build"], meanwhile=refused)),
        (("kill -9 during the GX checks",), kill_at(points["kill -9 during the GX checks"][-1:])),
        (("kill -9 during the report",), kill_at(points["kill -9 during the report"])),
    ]  # fmt: skip


def chained(bench: Bench) -> dict[str, Outcome]:
    """One injection of every fault into successive runs of one data dir (`chain_steps`), each run
    after a fault being its recovery; a last run must complete, and its tables equal the clean
    run's. Every scenario's outcome shares that verdict."""
    data_dir = bench.data_dir("chain")
    outcomes: dict[str, Outcome] = {}
    try:
        for names, fault in chain_steps(bench):
            runs_before, began = bench.runs, time.monotonic()
            step = Outcome(" + ".join(names))
            struck = fault(bench, data_dir, step)
            seconds = round(time.monotonic() - began, 1)
            for name in names:
                outcomes[name] = Outcome(name, runs=bench.runs - runs_before, faults=int(struck),
                                         seconds=seconds, notes=list(step.notes))  # fmt: skip
        last = Outcome("last run")
        _recover(bench, last, data_dir)
    finally:
        unmount_lake(data_dir)
    for outcome in outcomes.values():
        outcome.notes += last.notes
        outcome.rows_lost, outcome.duplicate_rows = last.rows_lost, last.duplicate_rows
        outcome.changed_rows = last.changed_rows
        outcome.recovered = outcome.faults if last.recovered else 0
    return {name: outcomes[name] for name in NAMES if name not in ON_ITS_OWN}


def _slug(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name).split())
