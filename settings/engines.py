"""The engines' settings blocks: Spark (MOVIES_SPARK_*), silver's Iceberg catalog (MOVIES_ICEBERG_*)
and Trino (MOVIES_TRINO_*). The S3 endpoint and keys are the standard AWS_* variables (lakehouse.s3).

dbt_project/profiles.yml reads some of these variables itself (the Trino target's host, port, user and
catalog), through dbt's `env_var()`: the names here are the same ones.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from settings.blocks import Block


class SparkSettings(Block):
    """The Spark session's tunable settings; the defaults suit a 2-core / 24 GiB box, and anything
    spark-submit already set (`--master`, `--conf`) wins over them (spark.session)."""

    model_config = SettingsConfigDict(env_prefix="MOVIES_SPARK_")

    master: str = "local[*]"
    shuffle_partitions: int = 8
    # Enough for the silver job at Kaggle scale; a larger heap bought little speed for much more
    # memory (`make bench` measures the peak; docs/benchmark.md has the comparison).
    driver_memory: str = "3g"
    max_partition_bytes: str = "64m"
    # The throughput collector: G1's concurrent marking competes with the job's own tasks for a
    # small box's cores, so the silver job runs faster without it (docs/benchmark.md).
    driver_java_options: str = "-XX:+UseParallelGC"
    executor_python: str | None = Field(
        default=None,
        description="the executors' Python on a cluster whose workers have their own (the compose "
        "cluster's image: `python3`); default this interpreter",
    )


class IcebergSettings(Block):
    """Silver's catalog when it is not the SQLite file inside a local lake (lakehouse.catalog)."""

    model_config = SettingsConfigDict(env_prefix="MOVIES_ICEBERG_")

    catalog_uri: str | None = Field(
        default=None, description="a JDBC URL (jdbc:postgresql://..., jdbc:sqlite:...) or a REST catalog"
    )
    warehouse: str | None = Field(default=None, description="a REST catalog's warehouse (Polaris: its name)")
    credential: SecretStr | None = Field(
        default=None, description="OAuth2 `<client id>:<client secret>` every engine signs in with"
    )
    scope: str | None = Field(default=None, description="OAuth2 scope; default Polaris's PRINCIPAL_ROLE:ALL")


class TrinoSettings(Block):
    """Trino as its clients reach it (the flow's readers, dbt's `trino` target), and the local server
    `make trino-start` runs (infra/trino)."""

    model_config = SettingsConfigDict(env_prefix="MOVIES_TRINO_")

    host: str = "127.0.0.1"
    port: int = 8080
    user: str = "dbt"
    catalog: str = "iceberg"
    http_scheme: str = "http"
    home: Path | None = Field(
        default=None, description="the local server's folder; default <repo>/data/trino"
    )
    heap: str = "2G"
    cache: Path | None = Field(
        default=None, description="downloads; default ~/.cache/movie-warehouse/trino (never the repo)"
    )
    java_home: Path | None = Field(default=None, description="a Java 24+ home for the local server")
    maven_repository: str | None = Field(default=None, description="a Maven Central mirror (same layout)")
