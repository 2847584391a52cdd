"""Raw table declarations, the schema contract and quarantine rows shared by the API sources.

Every raw API column is text: a number, a boolean, an object or an array lands as the API sent it
(objects and arrays as compact JSON text), so a field that changes type cannot make dlt split it into
a variant column (`runtime__v_text`) that silver never reads. Silver types the values and quarantines
the ones it cannot read, with their column and reason (spark/transforms/validity.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dlt
from dlt.common.schema.typing import TDataType, TSchemaContractDict, TSimpleRegex
from dlt.common.schema.utils import new_column, new_table
from dlt.extract.items import DataItemWithMeta

from extract.csv_files import QUARANTINE_TABLE
from lakehouse import raw

# The contract each API source states (`@dlt.source(schema_contract=API_CONTRACT)`):
# - tables "freeze": a source writes only the tables it declares (its endpoint's and quarantine);
#   any other table would be a bug of ours, and fails the load naming it.
# - columns "evolve": a new top-level field the API starts sending is kept, as a new text column
#   (the preferred type below, never a type dlt guesses from its first value), and reported by the
#   run (`LoadSummary.new_columns`, a warning in the log). Freezing would stop every load for a field
#   nobody reads yet; discarding it would lose data without a trace.
# - data_type "freeze": a column's type never changes. Every column is text, which takes any JSON
#   value, so this cannot fire on data; if a typed column is ever declared, a value it cannot hold
#   fails the load by name rather than land in a variant column no one reads.
# A new key inside an object (a nested field) needs no rule: the object lands whole as JSON text.
API_CONTRACT: TSchemaContractDict = {"tables": "freeze", "columns": "evolve", "data_type": "freeze"}
# Columns dlt infers for new fields are text too (dlt's own `_dlt_*` columns excepted).
NEW_COLUMN_TYPES: dict[TSimpleRegex, TDataType] = {TSimpleRegex("re:^(?!_dlt_)"): "text"}


def declare_tables(tables: Mapping[str, Sequence[str]]) -> None:
    """Declare append tables (plus quarantine) of text columns in the current source schema.

    Declared columns exist even when every value is null; the timestamp autodetection is off so
    strings such as YTS's `date_uploaded` land as the API sent them.
    """
    schema = dlt.current.source_schema()
    schema.remove_type_detection("iso_timestamp")
    schema.update_preferred_types(NEW_COLUMN_TYPES)
    for name, columns in {**tables, QUARANTINE_TABLE: raw.QUARANTINE_COLUMNS}.items():
        declared = [new_column(column, "text") for column in columns]
        schema.update_table(new_table(name, write_disposition="append", columns=declared))


def quarantine_row(source_file: str, position: str, raw_value: str, reason: str) -> DataItemWithMeta:
    """A payload we could not use, routed to the dataset's quarantine table with its reason."""
    row = {"source_file": source_file, "position": position, "raw_value": raw_value, "reason": reason}
    return dlt.mark.with_table_name(row, QUARANTINE_TABLE)
