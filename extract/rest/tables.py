"""Raw table declarations and quarantine rows shared by the API sources."""

from __future__ import annotations

from collections.abc import Mapping

import dlt
from dlt.common.schema.typing import TDataType
from dlt.common.schema.utils import new_column, new_table
from dlt.extract.items import DataItemWithMeta

from extract.csv_files import QUARANTINE_TABLE
from lakehouse import raw

QUARANTINE_COLUMNS: dict[str, TDataType] = dict.fromkeys(raw.QUARANTINE_COLUMNS, "text")


def declare_tables(tables: Mapping[str, Mapping[str, TDataType]]) -> None:
    """Declare append tables (plus quarantine) in the current source schema; values stay as sent.

    Declared columns exist even when every value is null; the timestamp autodetection is off so
    strings such as YTS's `date_uploaded` land as the API sent them.
    """
    schema = dlt.current.source_schema()
    schema.remove_type_detection("iso_timestamp")
    for name, columns in {**tables, QUARANTINE_TABLE: QUARANTINE_COLUMNS}.items():
        declared = [new_column(column, data_type) for column, data_type in columns.items()]
        schema.update_table(new_table(name, write_disposition="append", columns=declared))


def quarantine_row(source_file: str, position: str, raw_value: str, reason: str) -> DataItemWithMeta:
    """A payload we could not use, routed to the dataset's quarantine table with its reason."""
    row = {"source_file": source_file, "position": position, "raw_value": raw_value, "reason": reason}
    return dlt.mark.with_table_name(row, QUARANTINE_TABLE)
