"""Stream a CSV file as typed Arrow batches; a row that does not parse goes to quarantine, never away.

Parsing is Arrow's multithreaded reader with every column read as text, so a bad value cannot
abort a whole block. A block is first cast whole (the fast path: a clean block costs one cast per
column and a few cheap checks); only a block that does not cast cleanly is validated value by value,
and its failing rows become quarantine rows (source file, position, raw text, reason).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from extract.concurrency import ordered_map
from extract.csv_files.location import name as base_name
from extract.csv_files.location import open_binary
from lakehouse.raw import QUARANTINE_COLUMNS

QUARANTINE_TABLE = "quarantine"
QUARANTINE_SCHEMA = pa.schema([(name, pa.string()) for name in QUARANTINE_COLUMNS])
_PATTERNS: Mapping[pa.DataType, str] = {
    pa.int64(): r"^-?\d{1,18}$",  # 18 digits always fit in int64
    pa.float64(): r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$",
    pa.date32(): r"^\d{4}-\d{2}-\d{2}$",
}


@dataclass(frozen=True)
class CsvSpec:
    """Expected header and the types to enforce; columns not named in `types` stay text."""

    columns: tuple[str, ...]
    types: Mapping[str, pa.DataType] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    block_size: int = 8 << 20  # parses ratings faster than 32 MiB blocks do (docs/benchmark.md)
    # Quoted values may span lines (Kaggle's overviews do). A file that never has them (ratings)
    # says so, which lets Arrow split blocks without tracking quotes.
    newlines_in_values: bool = True
    # A file that never quotes (ratings: numbers only) turns quoting off, so a stray quote spoils
    # only its own line instead of swallowing the lines after it into one bad value.
    quoting: bool = True


@dataclass(frozen=True)
class RecordNumbers:
    """1-based record numbers of a block's rows: consecutive after `before`, unless rows were dropped."""

    before: int
    kept: list[int] | None = None

    def of(self, index: int) -> int:
        """The record number of the block's `index`-th remaining row."""
        return self.kept[index] if self.kept is not None else self.before + index + 1


@dataclass(frozen=True)
class CsvBatch:
    """One parsed block: the rows that passed and the rows quarantined from it."""

    rows: pa.Table
    quarantined: pa.Table
    records: int = 0  # records of the file this block read: rows + quarantined, counted at the parser


def read_csv_batches(path: Path | str, spec: CsvSpec, prefetch: int = 2) -> Iterator[CsvBatch]:
    """Yield the file (a path or an `s3://` URL) block by block; raise if its header is not the spec's.

    Blocks are parsed and typed in a background thread up to `prefetch` blocks ahead (Arrow releases
    the GIL), so parsing overlaps with whatever the consumer does with a block, e.g. writing parquet;
    memory stays bounded by `prefetch + 2` blocks.
    """
    return _prefetched(_parse_blocks(str(path), spec), prefetch)


_DONE = object()


def _prefetched(items: Iterator[CsvBatch], depth: int) -> Iterator[CsvBatch]:
    """Run `items` in a daemon thread, `depth` items ahead; its exceptions re-raise here, in order."""
    buffer: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        """Hand one item over; False once the consumer has gone away."""
        while not stop.is_set():
            try:
                buffer.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as error:  # handed to the consumer, which raises it
            put(error)

    worker = threading.Thread(target=produce, name="csv-prefetch", daemon=True)
    worker.start()
    try:
        while (item := buffer.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join()


def _parse_blocks(location: str, spec: CsvSpec) -> Iterator[CsvBatch]:
    """Parse and type the file block by block (runs in the prefetch thread)."""
    with open_binary(location) as source:
        yield from _parse_stream(source, base_name(location), spec)


@dataclass(frozen=True)
class _Block:
    """One block as the parser left it: its rows as bytes (None after the last block), the lines it
    could not split into the header's fields, and how many records came before it."""

    batch: pa.RecordBatch | None
    parse_errors: list[pacsv.InvalidRow]
    records_before: int


def _parse_stream(source: Any, file_name: str, spec: CsvSpec, workers: int = 2) -> Iterator[CsvBatch]:
    """Blocks of one open file (a path Arrow opens itself, or a binary stream), typed `workers` at a
    time (Arrow's casts release the GIL) and yielded in file order."""
    blocks = _split(source, file_name, spec)
    return ordered_map(
        lambda block: _type_block(block, file_name, spec), blocks, workers, in_flight=workers, name="csv-type"
    )


def _split(source: Any, file_name: str, spec: CsvSpec) -> Iterator[_Block]:
    """Arrow's streaming parse, every column as bytes; a last empty block carries any malformed
    lines found after the last parsed one (or in a file of only bad lines)."""
    invalid: list[pacsv.InvalidRow] = []

    def keep_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append(row)
        return "skip"

    try:
        reader = pacsv.open_csv(
            source,
            read_options=pacsv.ReadOptions(block_size=spec.block_size),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=spec.newlines_in_values,
                quote_char='"' if spec.quoting else False,
                invalid_row_handler=keep_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                # Bytes first: one value that is not UTF-8 must not abort the block (see _as_text).
                column_types=dict.fromkeys(spec.columns, pa.binary()),
                strings_can_be_null=True,  # blank (quoted or not) reads as null, and only blank does
                null_values=[""],
            ),
        )
    except pa.ArrowInvalid as error:
        if "Empty CSV file" in str(error):
            raise ValueError(f"{file_name}: the file is empty (not even a header line)") from error
        raise
    _check_header(file_name, reader.schema.names, spec.columns)
    records_before = 0
    for record_batch in reader:
        errors, invalid[:] = list(invalid), []
        yield _Block(record_batch, errors, records_before)
        records_before += record_batch.num_rows
    if invalid:
        yield _Block(None, list(invalid), records_before)


def _type_block(block: _Block, file_name: str, spec: CsvSpec) -> CsvBatch:
    """A parsed block typed: the fast path when it is clean, value by value when it is not."""
    parse_errors = _invalid_rows_table(block.parse_errors, file_name)
    records = len(block.parse_errors)
    if block.batch is None:
        empty = pa.table({name: pa.array([], pa.string()) for name in spec.columns})
        return CsvBatch(_cast(empty, spec), parse_errors, records)
    table = pa.Table.from_batches([block.batch])
    records += table.num_rows
    clean = _typed_fast(table, spec)
    if clean is not None:
        return CsvBatch(clean, parse_errors, records)
    text, not_utf8, numbers = _as_text(table, file_name, block.records_before)
    rows, rejected = _enforce_types(text, spec, file_name, numbers)
    return CsvBatch(rows, pa.concat_tables([parse_errors, not_utf8, rejected]), records)


def _typed_fast(table: pa.Table, spec: CsvSpec) -> pa.Table | None:
    """The block typed without a separate UTF-8 pass over its typed columns, or None.

    A typed column's bytes are read as text unchecked: a byte that is not UTF-8 is not ASCII, so
    the numeric or date cast rejects it and the block takes the slow path, which names the row.
    Text columns are validated by their cast.
    """
    columns = []
    for name in spec.columns:
        column = table[name]
        if name in spec.types:
            columns.append(
                pa.chunked_array([chunk.view(pa.string()) for chunk in column.chunks], pa.string())
            )
            continue
        try:
            columns.append(pc.cast(column, pa.string()))
        except pa.ArrowInvalid:
            return None
    return _cast_clean_block(pa.Table.from_arrays(columns, names=list(spec.columns)), spec)


def _as_text(
    table: pa.Table, source_file: str, records_before: int
) -> tuple[pa.Table, pa.Table, RecordNumbers]:
    """The block as text, rows holding bytes that are not UTF-8 as quarantine rows (shown escaped),
    and the record numbers of the rows kept (positions stay those of the file).

    A block that decodes cleanly costs one validating cast per column; only a block that does not
    is decoded value by value.
    """
    target = pa.schema([pa.field(name, pa.string()) for name in table.column_names])
    try:
        return table.cast(target), QUARANTINE_SCHEMA.empty_table(), RecordNumbers(records_before)
    except pa.ArrowInvalid:
        pass
    columns = table.to_pydict()
    bad: dict[int, str] = {}
    for name, values in columns.items():
        for index, value in enumerate(values):
            if value is not None and index not in bad and not _is_utf8(value):
                bad[index] = f"{name}: not valid UTF-8"
    keep = [index for index in range(table.num_rows) if index not in bad]
    escaped = [
        ",".join("" if value is None else value.decode("utf-8", "backslashreplace") for value in row)
        for row in zip(*columns.values(), strict=True)
    ]
    quarantined = pa.table(
        {
            "source_file": [source_file] * len(bad),
            "position": [f"record {records_before + index + 1}" for index in bad],
            "raw_value": [escaped[index] for index in bad],
            "reason": list(bad.values()),
        },
        schema=QUARANTINE_SCHEMA,
    )
    numbers = RecordNumbers(records_before, [records_before + index + 1 for index in keep])
    return table.take(keep).cast(target), quarantined, numbers


def _is_utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _check_header(file_name: str, found: list[str], expected: tuple[str, ...]) -> None:
    if tuple(found) != expected:
        raise ValueError(f"{file_name}: header {found} does not match the expected columns {list(expected)}")


def _enforce_types(
    table: pa.Table, spec: CsvSpec, source_file: str, numbers: RecordNumbers
) -> tuple[pa.Table, pa.Table]:
    """Split a text table into typed rows that pass and quarantine rows with a reason."""
    clean = _cast_clean_block(table, spec)
    if clean is not None:
        return clean, QUARANTINE_SCHEMA.empty_table()
    reasons = pa.nulls(table.num_rows, pa.string())
    for name in spec.columns:
        column = table[name]
        empty = pc.is_null(column)
        if name in spec.required:
            reasons = _first_reason(reasons, empty, f"{name}: missing value")
        if name in spec.types:
            valid = _valid_values(column, spec.types[name])
            bad = pc.fill_null(pc.invert(valid), False)  # blanks are null, never invalid
            reasons = _first_reason(reasons, bad, f"{name}: not a valid {spec.types[name]}")
    rejected_mask = pc.is_valid(reasons)
    good = table.filter(pc.invert(rejected_mask))
    quarantined = _rejected_rows_table(table, reasons, rejected_mask, source_file, numbers)
    return _cast(good, spec), quarantined


def _cast_clean_block(table: pa.Table, spec: CsvSpec) -> pa.Table | None:
    """The block cast whole when every value passes; None when any does not (then check row by row).

    Arrow's casts accept a little more than the value patterns do (hex `0x1F` integers, `nan` and
    `inf` floats): those are looked for explicitly, so both paths accept exactly the same values.
    """
    try:
        typed = _cast(table, spec)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    for name in spec.required:
        if typed[name].null_count:
            return None
    for name, target in spec.types.items():
        if target == pa.int64() and _any_hex(table[name]):
            return None
        if target == pa.float64() and not pc.all(pc.is_finite(typed[name])).as_py():
            return None
    return typed


def _any_hex(column: pa.ChunkedArray) -> bool:
    """Whether any value may be a `0x`/`0X` hex literal, the only integer form Arrow casts beyond
    digits: an `x` or `X` anywhere in the values' bytes (one vectorised pass, no per-value work)."""
    for chunk in column.chunks:
        if len(chunk) == 0 or chunk.buffers()[2] is None:
            continue
        offsets = np.frombuffer(chunk.buffers()[1], np.int32)[chunk.offset : chunk.offset + len(chunk) + 1]
        data = np.frombuffer(chunk.buffers()[2], np.uint8)[offsets[0] : offsets[-1]]
        if np.any(np.bitwise_or(data, 0x20) == ord("x")):
            return True
    return False


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
        column = table[name]
        target = spec.types.get(name)
        if target == pa.date32():
            column = pc.cast(pc.strptime(column, format="%Y-%m-%d", unit="s"), pa.date32())
        elif target is not None:
            column = pc.cast(column, target)
        columns.append(column)
    return pa.Table.from_arrays(columns, names=list(spec.columns))


def _rejected_rows_table(
    table: pa.Table, reasons: pa.Array, mask: pa.Array, source_file: str, numbers: RecordNumbers
) -> pa.Table:
    indices = pc.indices_nonzero(mask).to_pylist()
    if not indices:
        return QUARANTINE_SCHEMA.empty_table()
    rejected = table.take(indices)
    raw = [
        ",".join(value or "" for value in values)
        for values in zip(*rejected.to_pydict().values(), strict=True)
    ]
    return pa.table(
        {
            "source_file": [source_file] * len(indices),
            "position": [f"record {numbers.of(i)}" for i in indices],
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
