"""One local Spark session for every Spark test: tiny frames, so one partition each (fewer tasks)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pyspark.sql import SparkSession

from spark.session import get_spark


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    session = get_spark(
        "tests",
        {
            "spark.sql.shuffle.partitions": "1",
            "spark.default.parallelism": "1",
        },
    )
    try:
        yield session
    finally:
        session.stop()
