"""The one place a SparkSession is configured: local[*] by default, unchanged under spark-submit."""

from __future__ import annotations

import os
import sys

from pyspark.sql import SparkSession

_DEFAULTS = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "8",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    "spark.sql.sources.partitionOverwriteMode": "dynamic",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def get_spark(app_name: str = "movie-warehouse", extra: dict[str, str] | None = None) -> SparkSession:
    """Return a session; spark-submit's --master and --conf win over these defaults."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # never bind the driver to a public NIC
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers use this environment
    builder = SparkSession.builder.appName(app_name)
    for key, value in {
        **_DEFAULTS,
        "spark.pyspark.python": sys.executable,
        **(extra or {}),
    }.items():
        builder = builder.config(key, value)
    if not _master_configured():
        builder = builder.master("local[*]")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    return spark


def _master_configured() -> bool:
    """spark-submit passes the master through the environment's SparkConf."""
    from pyspark import SparkConf

    return SparkConf().contains("spark.master")
