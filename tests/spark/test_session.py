"""Spark settings: defaults for the embedded box, each overridable from the environment."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pyspark import SparkContext
from pyspark.sql import SparkSession

from settings import SparkSettings
from spark.session import python_settings, spark_session, tuned_settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Two jobs one after the other in a fresh interpreter, as the Prefect flow's process runs silver.
TWO_JOBS = textwrap.dedent("""
    import json, psutil
    from pyspark import SparkContext
    from pyspark.sql.types import ArrayType, StringType
    from spark.session import SparkJobError, spark_session
    from spark.transforms.literals import with_parsed_literal

    seen = []
    for rows in (5, 7):
        with spark_session("job") as spark:
            jvm = psutil.Process(SparkContext._gateway.proc.pid)
            count = spark.range(rows).count()
            texts = spark.createDataFrame([("['a', 'b']",)] * rows, "t string")
            parsed = with_parsed_literal(texts, "t", ArrayType(StringType()), "v").where("size(v) = 2")
            parsed = parsed.count()
            seen.append({"count": count, "parsed": parsed, "pid": jvm.pid, "create_time": jvm.create_time()})
        seen[-1]["jvm_left"] = jvm.is_running()
    seen.append({"gateway_left": SparkContext._gateway is not None})
    try:
        with spark_session("job") as spark:
            spark._jvm.java.lang.Long.parseLong("not a number")
    except SparkJobError as error:
        seen.append({"failure": str(error)})  # read after the JVM stopped
    print(json.dumps(seen))
""")


def test_defaults_suit_a_two_core_box() -> None:
    assert tuned_settings(SparkSettings.read({})) == {
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

    assert tuned_settings(SparkSettings.read(env)) == {
        "spark.master": "spark://cluster:7077",
        "spark.sql.shuffle.partitions": "200",
        "spark.driver.memory": "16g",
        "spark.sql.files.maxPartitionBytes": "128m",
        "spark.driver.extraJavaOptions": "-XX:+UseG1GC",
    }


def test_blank_variable_keeps_the_default() -> None:
    assert (
        tuned_settings(SparkSettings.read({"MOVIES_SPARK_SHUFFLE_PARTITIONS": ""}))[
            "spark.sql.shuffle.partitions"
        ]
        == "8"
    )


def test_executors_use_this_python_unless_the_cluster_names_its_own():
    assert python_settings(SparkSettings.read({})) == {"spark.pyspark.python": sys.executable}
    assert python_settings(SparkSettings.read({"MOVIES_SPARK_EXECUTOR_PYTHON": "python3"})) == {
        "spark.pyspark.python": "python3"
    }


@pytest.mark.slow
def test_the_driver_runs_the_throughput_collector(spark: SparkSession) -> None:
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    collectors = [
        bean.getName() for bean in jvm.java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()
    ]

    assert collectors == ["PS MarkSweep", "PS Scavenge"]


@pytest.mark.slow
def test_a_job_ends_the_jvm_it_launched_and_the_next_job_launches_another() -> None:
    done = subprocess.run(
        [sys.executable, "-c", TWO_JOBS], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    first, second, after, failed = json.loads(done.stdout.strip().splitlines()[-1])

    assert (first["count"], second["count"]) == (5, 7)
    # The literal parser's UDF works in the second JVM too (a retried silver build starts one).
    assert (first["parsed"], second["parsed"]) == (5, 7)
    assert first["jvm_left"] is False and second["jvm_left"] is False
    assert (first["pid"], first["create_time"]) != (second["pid"], second["create_time"])
    assert after == {"gateway_left": False}
    # A failed job's error names its Java cause, readable after its JVM ended (a Py4JJavaError is not).
    assert failed["failure"].startswith('java.lang.NumberFormatException: For input string: "not a number"')


@pytest.mark.slow
def test_a_job_leaves_a_session_and_jvm_it_did_not_start_running(spark: SparkSession) -> None:
    gateway = SparkContext._gateway

    with spark_session("inside-tests") as session:
        assert session is spark
        assert session.range(3).count() == 3

    assert SparkContext._gateway is gateway
    assert spark.range(4).count() == 4


SUBMITTED_JOB = textwrap.dedent("""
    from spark.session import get_spark

    spark = get_spark("probe")
    print("SEEN", spark.sparkContext.master, spark.conf.get("spark.sql.shuffle.partitions"))
    spark.stop()
""")


@pytest.mark.scaleout
def test_what_spark_submit_sets_wins_over_the_defaults(tmp_path: Path) -> None:
    # spark-submit's --master and --conf reach the job's JVM only; the job must not replace them with
    # its own defaults (local[*], 8 shuffle partitions).
    job = tmp_path / "job.py"
    job.write_text(SUBMITTED_JOB)
    bin_dir = Path(sys.executable).parent
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT), "HOME": str(Path.home())}
    result = subprocess.run(
        [str(bin_dir / "spark-submit"), "--master", "local[1]",
         "--conf", "spark.sql.shuffle.partitions=3", str(job)],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "SEEN local[1] 3" in result.stdout.splitlines()
