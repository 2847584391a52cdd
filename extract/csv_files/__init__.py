"""A dlt resource over one CSV file: typed Arrow batches, quarantine rows, skip-if-unchanged."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from extract.counts import tally
from extract.csv_files import location
from extract.csv_files.location import fingerprint, name, stat_key
from extract.csv_files.parquet_out import RawParquetFile, constant
from extract.csv_files.reader import QUARANTINE_TABLE, CsvSpec, read_csv_batches

__all__ = ["QUARANTINE_TABLE", "CsvSpec", "csv_file_resource", "location"]


def csv_file_resource(
    location: Path | str, table: str, spec: CsvSpec, counts: MutableMapping[str, int] | None = None
) -> DltResource:
    """Append the file's rows to `table` and its rejected rows to `quarantine`; `counts` gets
    `read:<table>`, the records read, for the run's totals check (loaded + quarantined = read).

    The file's fingerprint (sha256 of a local file, ETag and size of an `s3://` object) is kept in
    the resource's dlt state, which dlt stores with the destination, so loading the same file again
    adds nothing, even from a fresh machine. A local file whose size and modification time are the
    ones recorded at its load is not hashed again; on a first load the hash is computed beside the
    parse instead of before it.
    """
    where = str(location)

    def rows() -> Iterator[Any]:
        state = dlt.current.resource_state()
        stat = stat_key(where)
        if state.get("fingerprint") and stat is not None and state.get("stat") == stat:
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="csv-hash") as pool:
            digest = pool.submit(fingerprint, where)
            if state.get("fingerprint") and digest.result() == state["fingerprint"]:
                state["stat"] = stat  # touched or copied, same bytes: nothing to load
                return
            yield from _batches(where, table, spec, counts)
            state["fingerprint"], state["stat"] = digest.result(), stat

    return dlt.resource(rows, name=table, write_disposition="append")


def _batches(where: str, table: str, spec: CsvSpec, counts: MutableMapping[str, int] | None) -> Iterator[Any]:
    """The file's rejected rows for quarantine as they are found, then its typed rows (with
    `_source_file`) as one parquet file for dlt to import (see `parquet_out`)."""
    load_id = dlt.current.load_package_state()["load_id"]
    naming = dlt.current.source_schema().naming
    folder = Path(dlt.current.pipeline().working_dir) / "csv_import"
    for stale in folder.glob(f"{table}.*.parquet"):  # left by a run killed mid-extract
        stale.unlink()
    out = RawParquetFile(folder / f"{table}.{load_id}.parquet", load_id)
    try:
        for batch in read_csv_batches(where, spec):
            if counts is not None:
                tally(counts, f"read:{table}", batch.records)
            if batch.rows.num_rows:
                rows = batch.rows.append_column("_source_file", constant(name(where), batch.rows.num_rows))
                out.write(
                    rows.rename_columns([naming.normalize_identifier(column) for column in rows.column_names])
                )
            if batch.quarantined.num_rows:
                yield dlt.mark.with_table_name(batch.quarantined, QUARANTINE_TABLE)
        if written := out.close():
            yield dlt.mark.with_file_import(str(out.path), "parquet", written, hints=out.hints())
    finally:
        out.close()
        out.path.unlink(missing_ok=True)  # dlt has linked it into the load package by now
