"""One local Spark session for every Spark test (small frames, two shuffle partitions)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pyspark.sql import SparkSession

from spark.session import get_spark


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    session = get_spark("tests", {"spark.sql.shuffle.partitions": "2"})
    try:
        yield session
    finally:
        session.stop()
