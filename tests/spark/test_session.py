"""Spark settings: defaults for the embedded box, each overridable from the environment."""

from __future__ import annotations

import sys

import pytest
from pyspark.sql import SparkSession

from spark.session import python_settings, tuned_settings


def test_defaults_suit_a_two_core_box() -> None:
    assert tuned_settings({}) == {
        "spark.master": "local[*]",
        "spark.sql.shuffle.partitions": "8",
        "spark.driver.memory": "3g",
        "spark.sql.files.maxPartitionBytes": "64m",
        "spark.driver.extraJavaOptions": "-XX:+UseParallelGC",
    }


def test_environment_overrides_each_setting() -> None:
    env = {
        "MOVIES_SPARK_MASTER": "spark://cluster:7077",
        "MOVIES_SPARK_SHUFFLE_PARTITIONS": "200",
        "MOVIES_SPARK_DRIVER_MEMORY": "16g",
        "MOVIES_SPARK_MAX_PARTITION_BYTES": "128m",
        "MOVIES_SPARK_DRIVER_JAVA_OPTIONS": "-XX:+UseG1GC",
    }

    assert tuned_settings(env) == {
        "spark.master": "spark://cluster:7077",
        "spark.sql.shuffle.partitions": "200",
        "spark.driver.memory": "16g",
        "spark.sql.files.maxPartitionBytes": "128m",
        "spark.driver.extraJavaOptions": "-XX:+UseG1GC",
    }


def test_blank_variable_keeps_the_default() -> None:
    assert tuned_settings({"MOVIES_SPARK_SHUFFLE_PARTITIONS": ""})["spark.sql.shuffle.partitions"] == "8"


def test_executors_use_this_python_unless_the_cluster_names_its_own():
    assert python_settings({}) == {"spark.pyspark.python": sys.executable}
    assert python_settings({"MOVIES_SPARK_EXECUTOR_PYTHON": "python3"}) == {"spark.pyspark.python": "python3"}


@pytest.mark.slow
def test_the_driver_runs_the_throughput_collector(spark: SparkSession) -> None:
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    collectors = [
        bean.getName() for bean in jvm.java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()
    ]

    assert collectors == ["PS MarkSweep", "PS Scavenge"]
