"""lakehouse.duckdb's silver views: one per table of the catalog, at its current snapshot."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from lakehouse.catalog import catalog_for
from lakehouse.duckdb import create_silver_views
from tests.silver_tables import drop_silver_table, write_silver_tables


def test_views_follow_the_catalog_when_made_again(tmp_path: Path) -> None:
    lake, catalog = tmp_path / "lake", catalog_for(str(tmp_path / "lake"))
    write_silver_tables(lake, {"movies": pa.table({"movie_id": [1, 2]}), "people": pa.table({"n": [7]})})
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        assert create_silver_views(con, catalog) == ["movies", "people"]
        write_silver_tables(lake, {"movies": pa.table({"movie_id": [3]})})
        # A view reads the snapshot it was made on, until it is made again.
        assert con.execute("select movie_id from silver.movies order by 1").fetchall() == [(1,), (2,)]
        drop_silver_table(lake, "people")
        assert create_silver_views(con, catalog) == ["movies"]
        assert con.execute("select movie_id from silver.movies").fetchall() == [(3,)]
        current = catalog.load().load_table(("silver", "movies")).metadata.current_snapshot()
        assert current is not None
        assert con.execute(
            "select entity, snapshot_id, epoch_ms(committed_at) from lake_state.silver_snapshots"
        ).fetchall() == [("movies", current.snapshot_id, current.timestamp_ms)]
        with pytest.raises(duckdb.CatalogException, match="people"):
            con.execute("select * from silver.people")
