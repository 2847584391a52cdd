"""Render the single-node Trino configuration: node, server, JVM, logging and the two catalogs.

`iceberg` is the dbt target's warehouse under the Trino home; `silver_lake` reads silver's Iceberg
tables through the catalog Spark commits them to (lakehouse.catalog), so a table is whatever snapshot
Spark committed last, with nothing to register. Both use Trino's native local file system rooted at
`/`, which reads `local:///<absolute path>` and the `file:///<absolute path>` locations Spark and
pyiceberg write into table metadata.
"""

from __future__ import annotations

from pathlib import Path

from infra.trino.settings import LocalTrino
from lakehouse.catalog import CATALOG_NAME, IcebergCatalog

NODE_ID = "movies-local-coordinator"


def local_uri(path: Path) -> str:
    """A path as Trino's native local file system names it (root `/`, so the absolute path)."""
    return f"local://{path.resolve().as_posix()}"


def _properties(values: dict[str, str]) -> str:
    return "".join(f"{key}={value}\n" for key, value in values.items())


def node_properties(settings: LocalTrino) -> str:
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


def config_properties(settings: LocalTrino, install_dir: Path) -> str:
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


def jvm_config(settings: LocalTrino) -> str:
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
    # Bootstrap logs every catalog property at start-up, an S3 access key id among them (it redacts
    # only the secret key): keep that listing out of the server log.
    return _properties({"io.trino": "INFO", "Bootstrap": "WARN"})


def iceberg_catalog(settings: LocalTrino) -> str:
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


def s3_file_system(settings: LocalTrino) -> dict[str, str]:
    """Trino's native S3 file system for an s3:// lake (it also reads Spark's `s3a://` locations);
    keys come from Trino's own environment."""
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


# The JDBC driver Trino loads for a catalog URL's subprotocol (the jars are in plugin/iceberg/:
# PostgreSQL's ships with the plugin, SQLite's is added by infra/trino/distribution.py).
JDBC_DRIVERS = {"sqlite": "org.sqlite.JDBC", "postgresql": "org.postgresql.Driver"}


def catalog_access(catalog: IcebergCatalog) -> dict[str, str]:
    """How the Iceberg connector reaches silver's catalog: a REST service, or the JDBC database Spark
    commits to (schema V1, rows under Spark's catalog name)."""
    if catalog.is_rest:
        access = {
            "iceberg.catalog.type": "rest",
            "iceberg.rest-catalog.uri": catalog.uri,
            "iceberg.rest-catalog.warehouse": catalog.warehouse,
        }
        oauth2 = catalog.oauth2()  # the credential here is Trino's ${ENV:...} reference (settings.py)
        if oauth2:
            access |= {
                "iceberg.rest-catalog.security": "OAUTH2",
                "iceberg.rest-catalog.oauth2.credential": oauth2["credential"],
                "iceberg.rest-catalog.oauth2.scope": oauth2["scope"],
            }
        return access
    subprotocol = catalog.uri.split(":")[1]
    if subprotocol not in JDBC_DRIVERS:
        raise ValueError(f"no JDBC driver known for the Iceberg catalog URL {catalog.uri!r}")
    return {
        "iceberg.catalog.type": "jdbc",
        "iceberg.jdbc-catalog.driver-class": JDBC_DRIVERS[subprotocol],
        "iceberg.jdbc-catalog.connection-url": catalog.uri,
        "iceberg.jdbc-catalog.catalog-name": CATALOG_NAME,
        "iceberg.jdbc-catalog.schema-version": "V1",
        "iceberg.jdbc-catalog.default-warehouse-dir": catalog.warehouse,
    }


def silver_lake_catalog(settings: LocalTrino) -> str:
    """Silver's Iceberg tables as Spark committed them, read in place; read-only (silver is spark/'s)."""
    return _properties(
        {
            "connector.name": "iceberg",
            **catalog_access(settings.silver_catalog),
            "iceberg.security": "read_only",
            "fs.native-local.enabled": "true",
            "local.location": "/",
            **s3_file_system(settings),
        }
    )


def config_files(settings: LocalTrino, install_dir: Path) -> dict[Path, str]:
    """Every configuration file under the Trino home, by path, as `settings` renders it."""
    catalog_dir = settings.etc_dir / "catalog"
    return {
        settings.etc_dir / "node.properties": node_properties(settings),
        settings.etc_dir / "config.properties": config_properties(settings, install_dir),
        settings.etc_dir / "jvm.config": jvm_config(settings),
        settings.etc_dir / "log.properties": log_properties(),
        catalog_dir / "iceberg.properties": iceberg_catalog(settings),
        catalog_dir / "silver_lake.properties": silver_lake_catalog(settings),
    }


def config_is_current(settings: LocalTrino, install_dir: Path) -> bool:
    """The files on disk are the ones `settings` renders (a running server read them at its start)."""
    return all(
        path.is_file() and path.read_text() == text
        for path, text in config_files(settings, install_dir).items()
    )


def write_config(settings: LocalTrino, install_dir: Path) -> None:
    """(Re)write every configuration file; folders the catalogs point at are created."""
    for folder in (settings.etc_dir / "catalog", settings.data_dir, settings.iceberg_dir):
        folder.mkdir(parents=True, exist_ok=True)
    for path, text in config_files(settings, install_dir).items():
        path.write_text(text)
