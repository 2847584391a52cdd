"""bench.floors' scan floor reads silver ratings as the Iceberg table's current snapshot."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from bench.floors import scan_floor
from tests.silver_tables import write_silver_tables


def test_the_scan_floor_reads_the_ratings_table_at_its_current_snapshot(tmp_path: Path) -> None:
    write_silver_tables(tmp_path, {"ratings": pa.table({"user_id": [1, 2, 3], "rating": [1.0, 2.0, 3.0]})})
    write_silver_tables(tmp_path, {"ratings": pa.table({"user_id": [1, 2], "rating": [4.0, 5.0]})})
    assert scan_floor(str(tmp_path)) == {"rows": 2, "average_rating": 4.5}
