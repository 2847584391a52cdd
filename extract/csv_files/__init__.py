"""A dlt resource over one CSV file: typed Arrow batches, quarantine rows, skip-if-unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from extract.csv_files.reader import QUARANTINE_TABLE, CsvSpec, file_sha256, read_csv_batches

__all__ = ["QUARANTINE_TABLE", "CsvSpec", "csv_file_resource"]


def csv_file_resource(path: Path, table: str, spec: CsvSpec) -> DltResource:
    """Append the file's rows to `table` and its rejected rows to `quarantine`.

    The file's sha256 is kept in the resource's dlt state, which dlt stores with the destination,
    so loading the same bytes again adds nothing, even from a fresh machine.
    """

    def rows() -> Iterator[Any]:
        state = dlt.current.resource_state()
        digest = file_sha256(path)
        if state.get("sha256") == digest:
            return
        source_file = pa.scalar(path.name)
        for batch in read_csv_batches(path, spec):
            if batch.rows.num_rows:
                yield batch.rows.append_column("_source_file", pa.repeat(source_file, batch.rows.num_rows))
            if batch.quarantined.num_rows:
                yield dlt.mark.with_table_name(batch.quarantined, QUARANTINE_TABLE)
        state["sha256"] = digest

    return dlt.resource(rows, name=table, write_disposition="append")
