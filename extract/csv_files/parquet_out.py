"""Write one CSV file's typed rows to the parquet file dlt imports into raw/ as it is.

dlt's own parquet writer dictionary-encodes every column. For a column of mostly distinct values
(ratings' `timestamp`, 26M rows) the dictionary overflows its page limit and the writer falls back
to plain encoding, after hashing the values for nothing: measured on ratings, that costs 40% of
the write. Writing the file here lets each column get the encoding that fits it; dlt then imports
the finished file into the load package (`dlt.mark.with_file_import`), counting the rows its footer
records. The columns dlt adds to its own files are added here too: `_dlt_load_id` (the load id of
the package being extracted).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

# A column whose first rows are mostly distinct values is written plain (no dictionary attempt).
MOSTLY_DISTINCT = 0.5
SAMPLE_ROWS = 65_536


def constant(value: str, rows: int) -> pa.DictionaryArray:
    """One value on every row, dictionary-encoded: written once per page instead of per row, and
    read back as a plain string by Spark, DuckDB and Trino."""
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, np.int8)), pa.array([value]))


def dictionary_columns(table: pa.Table) -> list[str]:
    """The columns worth a dictionary: already dictionary-encoded, or repeating values in the first rows."""
    sample = table.slice(0, SAMPLE_ROWS)
    return [name for name in table.column_names if _repeats(sample[name])]


def _repeats(column: pa.ChunkedArray) -> bool:
    if pa.types.is_dictionary(column.type) or not len(column):
        return True
    return bool(pc.count_distinct(column).as_py() <= MOSTLY_DISTINCT * len(column))


class RawParquetFile:
    """Rows appended block by block to one parquet file; the encoding is chosen on the first block."""

    def __init__(self, path: Path, load_id: str) -> None:
        self.path = path
        self.load_id = load_id
        self._writer: pq.ParquetWriter | None = None

    def write(self, table: pa.Table) -> None:
        """Append one block (gets `_dlt_load_id`)."""
        table = table.append_column("_dlt_load_id", constant(self.load_id, table.num_rows))
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(
                self.path, table.schema, compression="snappy", use_dictionary=dictionary_columns(table)
            )
        self._writer.write_table(table)

    def close(self) -> int:
        """Finish the file; the rows its footer records (0, and no file, when nothing was written)."""
        if self._writer is None:
            return 0
        self._writer.close()
        self._writer = None
        return int(pq.read_metadata(self.path).num_rows)

    def hints(self) -> Any:
        """An empty table of the file's schema: dlt takes the table's columns from it."""
        return pq.read_schema(self.path).empty_table()
