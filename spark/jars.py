"""The JVM libraries silver needs beside Spark: Iceberg's Spark runtime and the JDBC drivers of the
catalogs it commits to (SQLite: the embedded default's; PostgreSQL: the scale-out path's). `make
install` fetches them once (`python -m spark.jars`) with Spark's own Ivy into the virtualenv, so a
session afterwards loads local files and no run reaches a registry.
"""

from __future__ import annotations

import sys
from pathlib import Path

ICEBERG_SPARK_RUNTIME = "org.apache.iceberg:iceberg-spark-runtime-4.1_2.13:1.12.0"
SQLITE_JDBC = "org.xerial:sqlite-jdbc:3.54.1.0"
POSTGRESQL_JDBC = "org.postgresql:postgresql:42.7.14"
PACKAGES = (ICEBERG_SPARK_RUNTIME, SQLITE_JDBC, POSTGRESQL_JDBC)
ICEBERG_EXTENSIONS = "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"


def ivy_dir() -> Path:
    """Spark's Ivy home for these packages: inside the virtualenv, made and removed with it."""
    return Path(sys.prefix) / "share" / "movies-ivy"


def jar_file(coordinate: str) -> Path:
    """Where Ivy leaves a package's jar (`<ivy>/jars/<group>_<artifact>-<version>.jar`)."""
    group, artifact, version = coordinate.split(":")
    return ivy_dir() / "jars" / f"{group}_{artifact}-{version}.jar"


def jar_settings() -> dict[str, str]:
    """`spark.jars` of the fetched files; before a fetch, `spark.jars.packages` (Spark downloads them)."""
    files = [jar_file(coordinate) for coordinate in PACKAGES]
    if all(file.is_file() for file in files):
        return {"spark.jars": ",".join(file.as_posix() for file in files)}
    return {"spark.jars.packages": ",".join(PACKAGES), "spark.jars.ivy": ivy_dir().as_posix()}


def fetch() -> list[Path]:
    """Resolve the packages with Spark's Ivy (a session started and stopped); returns the jar files."""
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[1]")
        .appName("fetch-jars")
        .config("spark.jars.packages", ",".join(PACKAGES))
        .config("spark.jars.ivy", ivy_dir().as_posix())
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.stop()
    files = [jar_file(coordinate) for coordinate in PACKAGES]
    missing = [file.name for file in files if not file.is_file()]
    if missing:
        raise FileNotFoundError(f"Ivy did not leave {', '.join(missing)} under {ivy_dir()}")
    return files


if __name__ == "__main__":
    for path in fetch():
        print(path)
