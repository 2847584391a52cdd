"""Stream a CSV file as typed Arrow batches; a row that does not parse goes to quarantine, never away.

Parsing is Arrow's multithreaded reader with every column read as text, so a bad value cannot
abort a whole block. Typed columns are then validated with vectorised checks: rows that fail
become quarantine rows (source file, position, raw text, reason) and the rest are cast.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

QUARANTINE_TABLE = "quarantine"
QUARANTINE_SCHEMA = pa.schema(
    [
        ("source_file", pa.string()),
        ("position", pa.string()),
        ("raw_value", pa.string()),
        ("reason", pa.string()),
    ]
)
_PATTERNS: Mapping[pa.DataType, str] = {
    pa.int64(): r"^[+-]?\d{1,18}$",  # 18 digits always fit in int64
    pa.float64(): r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$",
    pa.date32(): r"^\d{4}-\d{2}-\d{2}$",
}


@dataclass(frozen=True)
class CsvSpec:
    """Expected header and the types to enforce; columns not named in `types` stay text."""

    columns: tuple[str, ...]
    types: Mapping[str, pa.DataType] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    block_size: int = 32 << 20


@dataclass(frozen=True)
class CsvBatch:
    """One parsed block: the rows that passed and the rows quarantined from it."""

    rows: pa.Table
    quarantined: pa.Table


def file_sha256(path: Path, chunk_size: int = 8 << 20) -> str:
    """Content hash used to skip a file that was already loaded unchanged."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def read_csv_batches(path: Path, spec: CsvSpec) -> Iterator[CsvBatch]:
    """Yield the file block by block; raise if the header is not the one the spec expects."""
    invalid: list[pacsv.InvalidRow] = []

    def keep_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append(row)
        return "skip"

    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(block_size=spec.block_size),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=keep_invalid),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(spec.columns, pa.string()),
            strings_can_be_null=False,
        ),
    )
    _check_header(path, reader.schema.names, spec.columns)
    records_before = 0
    for record_batch in reader:
        table = pa.Table.from_batches([record_batch])
        rows, rejected = _enforce_types(table, spec, path.name, records_before)
        parse_errors = _invalid_rows_table(invalid, path.name)
        invalid.clear()
        records_before += table.num_rows
        yield CsvBatch(rows=rows, quarantined=pa.concat_tables([parse_errors, rejected]))
    if invalid:  # malformed lines after the last parsed block (or in a file of only bad lines)
        empty = pa.table({name: pa.array([], pa.string()) for name in spec.columns})
        yield CsvBatch(rows=_cast(empty, spec), quarantined=_invalid_rows_table(invalid, path.name))


def _check_header(path: Path, found: list[str], expected: tuple[str, ...]) -> None:
    if tuple(found) != expected:
        raise ValueError(f"{path.name}: header {found} does not match the expected columns {list(expected)}")


def _enforce_types(
    table: pa.Table, spec: CsvSpec, source_file: str, records_before: int
) -> tuple[pa.Table, pa.Table]:
    """Split a text table into typed rows that pass and quarantine rows with a reason."""
    reasons = pa.nulls(table.num_rows, pa.string())
    for name in spec.columns:
        column = table[name]
        empty = pc.equal(column, "")
        if name in spec.required:
            reasons = _first_reason(reasons, empty, f"{name}: missing value")
        if name in spec.types:
            valid = _valid_values(column, spec.types[name])
            bad = pc.and_(pc.invert(valid), pc.invert(empty))
            reasons = _first_reason(reasons, bad, f"{name}: not a valid {spec.types[name]}")
    rejected_mask = pc.is_valid(reasons)
    good = table.filter(pc.invert(rejected_mask))
    quarantined = _rejected_rows_table(table, reasons, rejected_mask, source_file, records_before)
    return _cast(good, spec), quarantined


def _valid_values(column: pa.ChunkedArray, target: pa.DataType) -> pa.ChunkedArray:
    """Values that match the type's pattern and, for dates, name a real day."""
    valid = pc.match_substring_regex(column, _PATTERNS[target])
    if target == pa.date32():
        parsed = pc.strptime(column, format="%Y-%m-%d", unit="s", error_is_null=True)
        valid = pc.and_(valid, pc.is_valid(parsed))
    return valid


def _first_reason(reasons: pa.Array, failed: pa.Array, reason: str) -> pa.Array:
    """Keep the first reason found for a row; rows already rejected keep theirs."""
    return pc.if_else(pc.and_(failed, pc.is_null(reasons)), reason, reasons)


def _cast(table: pa.Table, spec: CsvSpec) -> pa.Table:
    columns = []
    for name in spec.columns:
        column = pc.if_else(pc.equal(table[name], ""), None, table[name])
        target = spec.types.get(name)
        if target == pa.date32():
            column = pc.cast(pc.strptime(column, format="%Y-%m-%d", unit="s"), pa.date32())
        elif target is not None:
            column = pc.cast(column, target)
        columns.append(column)
    return pa.Table.from_arrays(columns, names=list(spec.columns))


def _rejected_rows_table(
    table: pa.Table, reasons: pa.Array, mask: pa.Array, source_file: str, records_before: int
) -> pa.Table:
    indices = pc.indices_nonzero(mask).to_pylist()
    if not indices:
        return QUARANTINE_SCHEMA.empty_table()
    rejected = table.take(indices)
    raw = [",".join(values) for values in zip(*rejected.to_pydict().values(), strict=True)]
    return pa.table(
        {
            "source_file": [source_file] * len(indices),
            "position": [f"record {records_before + i + 1}" for i in indices],
            "raw_value": raw,
            "reason": pc.take(reasons, indices).to_pylist(),
        },
        schema=QUARANTINE_SCHEMA,
    )


def _invalid_rows_table(rows: list[pacsv.InvalidRow], source_file: str) -> pa.Table:
    return pa.table(
        {
            "source_file": [source_file] * len(rows),
            "position": [f"line {row.number}" if row.number else "line unknown" for row in rows],
            "raw_value": [row.text for row in rows],
            "reason": [f"expected {row.expected_columns} fields, found {row.actual_columns}" for row in rows],
        },
        schema=QUARANTINE_SCHEMA,
    )
