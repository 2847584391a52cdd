"""The one place a SparkSession is configured: local[*] by default, unchanged under spark-submit.

Defaults suit the embedded box (2 cores, 24 GiB); each has a `MOVIES_SPARK_*` override
(settings.SparkSettings), and anything spark-submit already set (`--master`, `--conf`) wins over
both. A lake on `s3://` adds hadoop-aws (from Maven Central, via `spark.jars.packages`) and the S3A
endpoint and credentials from the standard AWS environment variables. Every session loads Iceberg's
Spark runtime and SQL extensions (spark.jars); the Iceberg catalog itself is a runtime setting
spark.lake makes.

A job that shares its process with other work (the Prefect flow runs dbt, GX and the report after
silver in the same interpreter) takes its session from `spark_session`, which also ends the JVM it
started: PySpark keeps that JVM, and the heap it grew, until the Python process exits.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from py4j.protocol import Py4JJavaError
from pyspark import SparkConf, SparkContext
from pyspark.errors.exceptions.captured import CapturedException
from pyspark.sql import SparkSession

from lakehouse.s3 import is_s3, s3_access
from settings import Settings, SparkSettings
from spark.jars import ICEBERG_EXTENSIONS, jar_settings

_DEFAULTS = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    "spark.sql.sources.partitionOverwriteMode": "dynamic",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    # With no UI, nothing reads the status store's history, but Spark keeps it on the driver's heap
    # regardless: by default the last 1,000 SQL executions (each with its whole plan graph and metrics),
    # jobs and stages, and 100,000 tasks. A long-lived session (the test suite's, a flow's silver step)
    # would fill its heap with plans it never shows. Keep a few for error messages only.
    "spark.sql.ui.retainedExecutions": "20",
    "spark.ui.retainedJobs": "50",
    "spark.ui.retainedStages": "50",
    "spark.ui.retainedTasks": "1000",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.adaptive.enabled": "true",
    # Silver is Iceberg tables (MERGE INTO, metadata tables); their catalog is set per lake by spark.lake.
    "spark.sql.extensions": ICEBERG_EXTENSIONS,
    # No partial WindowGroupLimit before the shuffle: it sorts every partition to keep the first row
    # per key, which saves nothing when keys are mostly unique (ratings: few repeated pairs). The
    # latest-rating-per-pair window is faster without it (measured in docs/benchmark.md).
    "spark.sql.optimizer.windowGroupLimitThreshold": "-1",
    # Spark's own list, plus a REST catalog's OAuth2 `credential` (lakehouse.catalog): hidden in the
    # UI, the event log and the session's printed settings like the keys Spark already hides.
    "spark.redaction.regex": "(?i)secret|password|token|access[.]?key|credential",
}
HADOOP_AWS = "org.apache.hadoop:hadoop-aws:3.5.0"
# The AWS SDK v2 bundle hadoop-aws 3.5.0's POM declares (hadoop-project's aws-java-sdk-v2.version).
AWS_SDK_BUNDLE = "software.amazon.awssdk:bundle:2.35.4"
JVM_EXIT_SECONDS = 30


def tuned_settings(spark: SparkSettings) -> dict[str, str]:
    """The tunable settings (`MOVIES_SPARK_*`, settings.SparkSettings) as Spark's keys."""
    return {
        "spark.master": spark.master,
        "spark.sql.shuffle.partitions": str(spark.shuffle_partitions),
        "spark.driver.memory": spark.driver_memory,
        "spark.sql.files.maxPartitionBytes": spark.max_partition_bytes,
        "spark.driver.extraJavaOptions": spark.driver_java_options,
    }


def python_settings(spark: SparkSettings) -> dict[str, str]:
    """The executors' Python: this interpreter on local[*]; `executor_python` on a cluster whose
    workers have their own (the compose cluster's image: `python3`, the same minor version)."""
    return {"spark.pyspark.python": spark.executor_python or sys.executable}


def s3a_settings(lake_url: str | None, env: Mapping[str, str]) -> dict[str, str]:
    """hadoop-aws and S3A settings when the lake is on S3; nothing for a local lake.

    The endpoint and keys are lakehouse.s3's (the AWS_* variables, then dlt's credentials): a custom
    endpoint (MinIO, moto) switches to path-style access, without one S3A uses AWS itself; without
    keys S3A keeps its default provider chain (instance profile, ~/.aws, ...).
    """
    if not lake_url or not is_s3(lake_url):
        return {}
    access = s3_access(env)
    settings = {
        "spark.jars.packages": f"{HADOOP_AWS},{AWS_SDK_BUNDLE}",
        "spark.hadoop.fs.s3a.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
        # A REST catalog (Polaris) hands out `s3://` table locations: the same client serves them.
        "spark.hadoop.fs.s3.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
    }
    if access.endpoint:
        settings["spark.hadoop.fs.s3a.endpoint"] = access.endpoint
        settings["spark.hadoop.fs.s3a.path.style.access"] = "true"
        settings["spark.hadoop.fs.s3a.connection.ssl.enabled"] = str(access.uses_ssl).lower()
    if access.region:
        settings["spark.hadoop.fs.s3a.endpoint.region"] = access.region
    if access.has_keys:
        settings["spark.hadoop.fs.s3a.aws.credentials.provider"] = (
            "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider"
        )
        settings["spark.hadoop.fs.s3a.access.key"] = access.key_id or ""
        settings["spark.hadoop.fs.s3a.secret.key"] = access.secret or ""
    return settings


def with_jars(first: dict[str, str], second: dict[str, str]) -> dict[str, str]:
    """Both groups of settings, their jar lists (`spark.jars`, `spark.jars.packages`) joined."""
    merged = {**first, **second}
    for key in ("spark.jars", "spark.jars.packages"):
        if key in first and key in second:
            merged[key] = f"{first[key]},{second[key]}"
    return merged


def submitted_conf() -> SparkConf:
    """What spark-submit set (`--master`, `--conf`, `--packages`) when it launched this process; empty
    otherwise. spark-submit's JVM holds them as system properties, which a SparkConf reads only once
    PySpark is connected to that JVM: connect first (spark-submit hands the gateway's port over in
    PYSPARK_GATEWAY_PORT), or the job's own defaults would replace them, `local[*]` for `--master`."""
    if os.environ.get("PYSPARK_GATEWAY_PORT"):
        SparkContext._ensure_initialized()
    return SparkConf()


def get_spark(
    app_name: str = "movie-warehouse",
    extra: dict[str, str] | None = None,
    lake_url: str | None = None,
) -> SparkSession:
    """Return a session for a lake (`lake_url`, else the settings' lake); `extra` wins over defaults."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # never bind the driver to a public NIC
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers use this environment
    submitted = submitted_conf()
    tunable = SparkSettings.read()
    settings = {
        **_DEFAULTS,
        "spark.pyspark.driver.python": sys.executable,
        **python_settings(tunable),
        **tuned_settings(tunable),
    }
    lake_settings = s3a_settings(lake_url or Settings.read().lake_url, os.environ)
    settings.update(with_jars(jar_settings(), lake_settings))
    builder = SparkSession.builder.appName(app_name)
    for key, value in settings.items():
        if not submitted.contains(key):
            builder = builder.config(key, value)
    for key, value in (extra or {}).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    return spark


@contextmanager
def spark_session(
    app_name: str = "movie-warehouse",
    extra: dict[str, str] | None = None,
    lake_url: str | None = None,
) -> Iterator[SparkSession]:
    """`get_spark` for one job: the session is stopped when the job ends, and so is the JVM if this
    call launched it. A session or JVM that was running before (a test's, spark-submit's) is left
    running."""
    launches_jvm = SparkContext._gateway is None
    starts_session = SparkContext._active_spark_context is None
    spark = get_spark(app_name, extra, lake_url)
    try:
        yield spark
    except (Py4JJavaError, CapturedException) as error:  # in words now: once the JVM stops, not even str()
        raise SparkJobError(described(error)) from None
    finally:
        if starts_session:
            spark.stop()
        if launches_jvm:
            stop_jvm()


class SparkJobError(RuntimeError):
    """A Spark job failed; the message is the Java error and its root cause, read while the JVM was up."""


def described(error: Py4JJavaError | CapturedException, most: int = 20) -> str:
    """`<the Java exception> (root cause: <the innermost cause>)`: a disk that is full, a catalog
    that refused, named as Java named it. PySpark raises the Java error as it is (Py4JJavaError) or
    converted (CapturedException, holding it as its origin)."""
    chain = []
    java = error.java_exception if isinstance(error, Py4JJavaError) else error._origin
    while java is not None and len(chain) < most:
        chain.append(str(java.toString()))
        java = java.getCause()
    if not chain:
        return str(error)
    return chain[0] if len(chain) == 1 else f"{chain[0]} (root cause: {chain[-1]})"


def stop_jvm() -> None:
    """End the JVM PySpark launched for this process (no-op if it launched none); the next session
    launches a new one. Call it with no session running."""
    with SparkContext._lock:
        gateway, SparkContext._gateway, SparkContext._jvm = SparkContext._gateway, None, None
    if gateway is None:
        return
    gateway.shutdown()
    process: subprocess.Popen[bytes] | None = getattr(gateway, "proc", None)
    if process is None:
        return  # the gateway was handed to us (spark-submit, a notebook): not ours to end
    if process.stdin is not None:
        process.stdin.close()  # PySpark's gateway server exits on EOF of its stdin
    try:
        process.wait(timeout=JVM_EXIT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
