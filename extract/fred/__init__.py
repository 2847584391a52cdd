"""dlt source for FRED's CPIAUCSL series (CPI-U, seasonally adjusted, monthly) as a CSV file."""

from __future__ import annotations

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from extract.csv_files import CsvSpec, csv_file_resource

CPI_SPEC = CsvSpec(
    columns=("observation_date", "CPIAUCSL"),
    types={"observation_date": pa.date32(), "CPIAUCSL": pa.float64()},
    required=frozenset({"observation_date", "CPIAUCSL"}),
)


@dlt.source(name="fred")
def fred_source(csv_path: str = dlt.config.value, counts: dict[str, int] | None = None) -> DltResource:
    """CPIAUCSL from a file, an `s3://` object or FRED's CSV download URL
    (`https://fred.stlouisfed.org/graph/fredgraph.csv?id=CPIAUCSL`); FRED's "." for a missing month is
    quarantined with its reason. The whole series is re-delivered each time: an unchanged one adds nothing.
    """
    return csv_file_resource(csv_path, "cpiaucsl", CPI_SPEC, counts)
