"""Reading the warehouse a run built, on its own engine: the DuckDB file (read-only) or Trino.

The run's readers (gold checks, quarantine summary, HTML report) go through here, so which engine
answers is decided once, by the dbt target. Queries are written in SQL both engines accept; the one
function Trino lacks, an exact `median`, is spelled out for it the way the dbt macro
`trino__median` does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from settings import TrinoSettings

Query = Callable[[str], pd.DataFrame]
MEDIAN = re.compile(r"\bmedian\(([^()]+)\)")
# The dbt targets a flow run can read back (gold checks, quarantine summary, report). Redshift is
# compiled offline only (infra/redshift): no run here has a Redshift to read, so a flow refuses it
# at its start instead of failing at the gold checks after every other stage has run.
FLOW_TARGETS = ("duckdb", "trino")


class UnsupportedTargetError(ValueError):
    """The flow cannot run on this dbt target."""


def require_flow_target(target: str) -> None:
    """Refuse a target the flow's readers cannot read, saying what is supported and what to do."""
    if target in FLOW_TARGETS:
        return
    hint = (
        " The redshift target is compiled and checked offline (`python -m infra.redshift.offline_compile`);"
        " build it with `movies dbt build --target redshift` and run its tests there."
        if target == "redshift"
        else ""
    )
    raise UnsupportedTargetError(
        f"MOVIES_DBT_TARGET={target}: a flow run builds and checks the warehouse on "
        f"{' or '.join(FLOW_TARGETS)} only.{hint}"
    )


def trino_frame(sql: str) -> pd.DataFrame:
    """One query through Trino's DB-API client, with the dbt profile's MOVIES_TRINO_* settings."""
    import trino  # installed with dbt-trino

    settings = TrinoSettings()
    connection = trino.dbapi.connect(
        host=settings.host,
        port=settings.port,
        user=settings.user,
        catalog=settings.catalog,
        http_scheme=settings.http_scheme,
    )
    try:
        cursor = connection.cursor()
        cursor.execute(sql)
        return pd.DataFrame(cursor.fetchall(), columns=[column[0] for column in cursor.description])
    finally:
        connection.close()


def trino_sql(sql: str) -> str:
    """`median(x)` as an exact median Trino can compute: the middle of the sorted non-null values."""

    def exact(match: re.Match[str]) -> str:
        value = match.group(1)
        ordered = f"array_sort(array_agg(cast({value} as double)) filter (where {value} is not null))"
        middle = f"(count({value}) + 1) / 2e0"
        return (
            f"((element_at({ordered}, cast(floor({middle}) as bigint))"
            f" + element_at({ordered}, cast(ceiling({middle}) as bigint))) / 2)"
        )

    return MEDIAN.sub(exact, sql)


@contextmanager
def warehouse_query(target: str, warehouse: Path) -> Iterator[Query]:
    """Queries on the warehouse of dbt target `target`: the DuckDB file (read-only), else Trino."""
    if target == "duckdb":
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            yield lambda sql: connection.sql(sql).df()
        return
    if target != "trino":
        raise ValueError(f"the run reads a DuckDB or Trino warehouse, not target {target!r}")
    yield lambda sql: trino_frame(trino_sql(sql))


def resolution_rates(target: str, warehouse: Path) -> list[dict[str, object]]:
    """How well the sources find each other (marts.rpt_entity_resolution), one row per source pair."""
    sql = (
        "select source_pair, from_source, to_source, from_count, resolved_count, resolution_rate"
        " from marts.rpt_entity_resolution order by source_pair"
    )
    with warehouse_query(target, warehouse) as query:
        return query(sql).to_dict(orient="records")
