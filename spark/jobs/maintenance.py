"""Silver's Iceberg upkeep: expire old snapshots and remove orphan files, table by table.

Iceberg's own procedures do the work (`expire_snapshots`, `remove_orphan_files`). Retention
(`MOVIES_SILVER_RETENTION_DAYS`, default 7): snapshots older than that are expired, except the
newest `RETAIN_LAST` of each table, which stay readable as of their id whatever their age; files
that no snapshot references and that are older than the retention (the data files of a job that
died before its commit) are removed. A file younger than that is never removed, so a job still
writing is never robbed of its files (nor one younger than a day, whatever the retention: Iceberg
refuses a shorter interval for the same reason).

A table is maintained only when it is due: it holds more than `RETAIN_LAST` snapshots and the
oldest is older than the retention (so about once per retention period per table). That is read
from the catalog with pyiceberg before any Spark session starts: a run with nothing due starts no
JVM. A killed job's orphans are removed with the table's next expiry.

`python -m spark.jobs.maintenance --lake data/lake --retention-days 7` runs it alone.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, timedelta

from pyspark.sql import SparkSession

from lakehouse.catalog import CATALOG_NAME, NAMESPACE, catalog_for
from settings import Settings
from spark.lake import Lake
from spark.session import spark_session

RETAIN_LAST = 5
DEFAULT_RETENTION = timedelta(days=7)
ORPHAN_MIN_AGE = timedelta(hours=24, minutes=1)


def _sql_time(moment: datetime) -> str:
    """A UTC instant as a Spark SQL timestamp literal's text (the session's time zone is UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def due_tables(
    lake_url: str, retention: timedelta = DEFAULT_RETENTION, now: datetime | None = None
) -> list[str]:
    """The silver tables due for maintenance (see the module docstring), read through pyiceberg."""
    catalog = catalog_for(lake_url).load()
    if not catalog.namespace_exists(NAMESPACE):
        return []
    cutoff_ms = ((now or datetime.now(UTC)) - retention).timestamp() * 1000
    due = []
    for _, name in catalog.list_tables(NAMESPACE):
        snapshots = catalog.load_table((NAMESPACE, name)).metadata.snapshots
        if len(snapshots) > RETAIN_LAST and min(s.timestamp_ms for s in snapshots) < cutoff_ms:
            due.append(name)
    return sorted(due)


def maintain_silver(
    spark: SparkSession,
    lake_url: str,
    tables: list[str],
    retention: timedelta = DEFAULT_RETENTION,
    now: datetime | None = None,
) -> dict[str, dict[str, int]]:
    """Expire snapshots and remove orphan files older than `retention` before `now` in `tables`;
    returns, per table, the snapshots left, the files the expiry deleted and the orphans removed."""
    Lake(spark, lake_url)  # points the session's catalog at the lake
    cutoff = (now or datetime.now(UTC)) - retention
    orphan_cutoff = min(cutoff, datetime.now(UTC) - ORPHAN_MIN_AGE)
    done = {}
    for name in tables:
        table = f"{CATALOG_NAME}.{NAMESPACE}.{name}"
        expired = spark.sql(
            f"call {CATALOG_NAME}.system.expire_snapshots(table => '{table}', "
            f"older_than => timestamp '{_sql_time(cutoff)}', retain_last => {RETAIN_LAST})"
        ).collect()[0]
        orphans = spark.sql(
            f"call {CATALOG_NAME}.system.remove_orphan_files(table => '{table}', "
            f"older_than => timestamp '{_sql_time(orphan_cutoff)}')"
        ).count()
        done[name] = {
            "snapshots": spark.table(f"{table}.snapshots").count(),
            "expired_files": sum(int(value) for value in expired.asDict().values()),
            "orphans_removed": orphans,
        }
    return done


def run_maintenance(
    lake_url: str, retention: timedelta = DEFAULT_RETENTION, app_name: str = "silver-maintenance"
) -> dict[str, dict[str, int]]:
    """`maintain_silver` on the tables due, in a session of its own (none when no table is due)."""
    tables = due_tables(lake_url, retention)
    if not tables:
        return {}
    with spark_session(app_name, lake_url=lake_url) as spark:
        return maintain_silver(spark, lake_url, tables, retention)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, maintain silver, print what was done as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--lake", help="lake root: a folder or s3://bucket/prefix; default MOVIES_LAKE, else <data dir>/lake"
    )
    parser.add_argument("--retention-days", type=float, help="default MOVIES_SILVER_RETENTION_DAYS, else 7")
    args = parser.parse_args(argv)
    settings = Settings.read()
    retention = settings.silver_retention_days if args.retention_days is None else args.retention_days
    print(json.dumps(run_maintenance(args.lake or settings.lake_url, timedelta(days=retention)), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
