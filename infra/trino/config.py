"""Render the single-node Trino configuration: node, server, JVM, logging and the two catalogs.

Both catalogs use Trino's native local file system rooted at `/`, so `local:///<absolute path>` names
any folder: the Iceberg warehouse under the Trino home and the silver lake wherever it is.
"""

from __future__ import annotations

from pathlib import Path

from infra.trino.settings import TrinoSettings

NODE_ID = "movies-local-coordinator"


def local_uri(path: Path) -> str:
    """A path as Trino's native local file system names it (root `/`, so the absolute path)."""
    return f"local://{path.resolve().as_posix()}"


def _properties(values: dict[str, str]) -> str:
    return "".join(f"{key}={value}\n" for key, value in values.items())


def node_properties(settings: TrinoSettings) -> str:
    return _properties(
        {
            "node.environment": "movies",
            "node.id": NODE_ID,
            "node.data-dir": settings.data_dir.as_posix(),
            # Bind the HTTP server to loopback only.
            "node.bind-ip": settings.host,
            "node.internal-address": settings.host,
        }
    )


def config_properties(settings: TrinoSettings, install_dir: Path) -> str:
    return _properties(
        {
            "coordinator": "true",
            "node-scheduler.include-coordinator": "true",
            "http-server.http.port": str(settings.port),
            "discovery.uri": settings.url,
            "catalog.config-dir": (settings.etc_dir / "catalog").as_posix(),
            "plugin.dir": (install_dir / "plugin").as_posix(),
            # Small machine: leave room for the rest of the pipeline.
            "query.max-memory": "1GB",
            "task.concurrency": "2",
        }
    )


def jvm_config(settings: TrinoSettings) -> str:
    options = [
        "-server",
        f"-Xmx{settings.heap}",
        "-XX:+UseG1GC",
        "-XX:G1HeapRegionSize=32M",
        "-XX:+ExplicitGCInvokesConcurrent",
        "-XX:+ExitOnOutOfMemoryError",
        "-XX:-OmitStackTraceInFastThrow",
        "-XX:ReservedCodeCacheSize=256M",
        "-XX:PerMethodRecompilationCutoff=10000",
        "-XX:PerBytecodeRecompilationCutoff=10000",
        "-XX:+EnableDynamicAgentLoading",
        "-Djdk.attach.allowAttachSelf=true",
        "-Djdk.nio.maxCachedBufferSize=2000000",
        "-Dfile.encoding=UTF-8",
        # Sessions and timestamp arithmetic in UTC, like the DuckDB target (silver timestamps are UTC).
        "-Duser.timezone=UTC",
    ]
    return "".join(f"{option}\n" for option in options)


def log_properties() -> str:
    return _properties({"io.trino": "INFO"})


def iceberg_catalog(settings: TrinoSettings) -> str:
    """The warehouse: Iceberg tables with a file metastore, all on local disk (no outside service)."""
    return _properties(
        {
            "connector.name": "iceberg",
            "iceberg.catalog.type": "TESTING_FILE_METASTORE",
            "hive.metastore.catalog.dir": local_uri(settings.iceberg_dir),
            "iceberg.file-format": "PARQUET",
            "fs.native-local.enabled": "true",
            "local.location": "/",
        }
    )


def s3_file_system(settings: TrinoSettings) -> dict[str, str]:
    """Trino's native S3 file system for an s3:// lake; keys come from Trino's own environment."""
    if not settings.s3_lake:
        return {}
    values = {
        "fs.native-s3.enabled": "true",
        "s3.region": settings.s3_region,
        "s3.aws-access-key": "${ENV:AWS_ACCESS_KEY_ID}",
        "s3.aws-secret-key": "${ENV:AWS_SECRET_ACCESS_KEY}",
    }
    if settings.s3_endpoint:
        values |= {"s3.endpoint": settings.s3_endpoint, "s3.path-style-access": "true"}
    return values


def hive_catalog(settings: TrinoSettings) -> str:
    """Silver as external tables: parquet read in place, definitions in a file metastore."""
    return _properties(
        {
            **s3_file_system(settings),
            "connector.name": "hive",
            "hive.metastore": "file",
            "hive.metastore.catalog.dir": local_uri(settings.hive_metastore_dir),
            "fs.native-local.enabled": "true",
            "local.location": "/",
            # Spark writes TIMESTAMP_MICROS in UTC: keep the microseconds and read them as UTC.
            "hive.timestamp-precision": "MICROSECONDS",
            "hive.parquet.time-zone": "UTC",
            # The lake belongs to spark/: Trino never writes into an external table.
            "hive.non-managed-table-writes-enabled": "false",
        }
    )


def write_config(settings: TrinoSettings, install_dir: Path) -> None:
    """(Re)write every configuration file; folders the catalogs point at are created."""
    catalog_dir = settings.etc_dir / "catalog"
    for folder in (catalog_dir, settings.data_dir, settings.iceberg_dir, settings.hive_metastore_dir):
        folder.mkdir(parents=True, exist_ok=True)
    files = {
        settings.etc_dir / "node.properties": node_properties(settings),
        settings.etc_dir / "config.properties": config_properties(settings, install_dir),
        settings.etc_dir / "jvm.config": jvm_config(settings),
        settings.etc_dir / "log.properties": log_properties(),
        catalog_dir / "iceberg.properties": iceberg_catalog(settings),
        catalog_dir / "hive.properties": hive_catalog(settings),
    }
    for path, text in files.items():
        path.write_text(text)
