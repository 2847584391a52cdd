"""infra/docker-compose.yml checked statically (no Docker engine here): services wired to each other,
ports on loopback, pins equal to the project's, every mounted file present, no default secrets, and the
Trino catalogs pointing at the services the compose file starts."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.trino.distribution import TRINO_VERSION
from lakehouse.catalog import CATALOG_NAME
from spark.session import AWS_SDK_BUNDLE, HADOOP_AWS

INFRA = Path(__file__).resolve().parents[2] / "infra"
COMPOSE = INFRA / "docker-compose.yml"
LOCK = INFRA.parent / "uv.lock"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def _properties(path: Path) -> dict[str, str]:
    """A Trino catalog file's settings (comments left out)."""
    lines = path.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def _services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def _locked(package: str) -> str:
    lock = tomllib.loads(LOCK.read_text())
    return next(entry["version"] for entry in lock["package"] if entry["name"] == package)


def test_the_stack_has_every_scale_out_service(compose):
    assert set(_services(compose)) == {
        "minio", "minio-init", "postgres", "polaris-bootstrap", "polaris", "polaris-setup", "trino",
        "prefect-server", "spark-master", "spark-worker",
    }  # fmt: skip


def test_dependencies_name_real_services_and_health_waits_have_a_healthcheck(compose):
    services = _services(compose)
    for name, service in services.items():
        depends = service.get("depends_on", {})
        conditions = depends if isinstance(depends, dict) else {key: {} for key in depends}
        for dependency, rule in conditions.items():
            assert dependency in services, f"{name} depends on unknown service {dependency}"
            condition = (rule or {}).get("condition")
            if condition == "service_healthy":
                assert "healthcheck" in services[dependency], f"{name} waits on {dependency}'s health"
    # Trino starts once Polaris holds both catalogs, Polaris once its realm is bootstrapped.
    assert services["trino"]["depends_on"]["polaris-setup"]["condition"] == "service_completed_successfully"
    assert services["polaris"]["depends_on"]["polaris-bootstrap"]["condition"] == (
        "service_completed_successfully"
    )


def test_every_published_port_is_on_loopback(compose):
    published = [
        (name, port) for name, service in _services(compose).items() for port in service.get("ports", [])
    ]
    assert published, "the stack publishes its UIs and endpoints"
    for name, port in published:
        assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond loopback"
    # Host-networked services bind loopback themselves.
    for name, service in _services(compose).items():
        if service.get("network_mode") == "host":
            assert service["environment"]["SPARK_LOCAL_IP"] == "127.0.0.1", name


def test_images_are_pinned_to_the_projects_versions(compose):
    services = _services(compose)
    for name, service in services.items():
        image = service.get("image", "")
        assert ":" in image and not image.endswith(":latest"), f"{name}: unpinned image {image!r}"
    assert services["trino"]["image"] == f"trinodb/trino:{TRINO_VERSION}"
    assert services["prefect-server"]["image"].startswith(f"prefecthq/prefect:{_locked('prefect')}-")
    dockerfile = (INFRA / "compose" / "spark" / "Dockerfile").read_text()
    assert "FROM python:3.11-" in dockerfile  # executors need the driver's Python minor version
    for package in ("pyspark", "pandas", "pyarrow", "numpy"):
        assert f"{package}=={_locked(package)}" in dockerfile, package
    for coordinate in (HADOOP_AWS, AWS_SDK_BUNDLE):  # S3A in the cluster's own classpath, as pinned
        group, artifact, version = coordinate.split(":")
        assert f"/{group.replace('.', '/')}/{artifact}/{version}/{artifact}-{version}.jar" in dockerfile


def test_every_mounted_file_exists(compose):
    for name, service in _services(compose).items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (INFRA / source).exists(), f"{name} mounts missing {source}"
        build = service.get("build")
        if build:
            assert (INFRA / build["context"] / "Dockerfile").exists(), name


def _required_variables(text: str) -> set[str]:
    return set(re.findall(r"\$\{([A-Z_]+):\?", text))


def test_secrets_have_no_defaults_and_are_listed_for_the_user():
    text = COMPOSE.read_text()
    required = _required_variables(text)
    assert {"MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD", "POSTGRES_USER", "POSTGRES_PASSWORD",
            "POLARIS_CLIENT_ID", "POLARIS_CLIENT_SECRET"} <= required  # fmt: skip
    for secret in ("PASSWORD", "SECRET"):
        assert not re.search(rf"\$\{{[A-Z_]*{secret}[A-Z_]*:-", text), f"a default {secret} in compose"
    example = dict(
        line.split("=", 1) for line in (INFRA / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )  # fmt: skip
    assert required <= set(example)
    assert all(example[name] == "" for name in required), "the example ships no values for secrets"
    ignored = (INFRA.parent / ".gitignore").read_text().splitlines()
    assert "infra/.env" in ignored


def test_trino_catalogs_use_the_compose_services_and_take_secrets_from_the_environment(compose):
    catalogs = INFRA / "compose" / "trino" / "catalog"
    provided = set(_services(compose)["trino"]["environment"])  # the credential anchors merged in
    for path in sorted(catalogs.glob("*.properties")):
        properties = _properties(path)
        assert properties["s3.endpoint"] == "http://minio:9000", path.name
        for variable in re.findall(r"\$\{ENV:([A-Z_]+)\}", path.read_text()):
            assert variable in provided, f"{path.name} reads {variable}, which trino's environment lacks"
        assert not any(key.endswith(("password", "secret-key")) and "${ENV:" not in value
                       for key, value in properties.items()), path.name  # fmt: skip
    assert sorted(path.name for path in catalogs.glob("*.properties")) == [
        "iceberg.properties",
        "silver_lake.properties",
    ]
    iceberg, silver = (_properties(catalogs / f"{name}.properties") for name in ("iceberg", "silver_lake"))
    for catalog in (iceberg, silver):  # Polaris's REST catalog, signed in as the compose client
        assert catalog["iceberg.catalog.type"] == "rest"
        assert catalog["iceberg.rest-catalog.uri"] == "http://polaris:8181/api/catalog"
        assert catalog["iceberg.rest-catalog.security"] == "OAUTH2"
        assert catalog["iceberg.rest-catalog.oauth2.credential"] == (
            "${ENV:POLARIS_CLIENT_ID}:${ENV:POLARIS_CLIENT_SECRET}"
        )
    # Silver is read where Spark commits it, read-only; dbt's tables stay in a catalog of their own.
    assert silver["iceberg.security"] == "read_only"
    assert silver["iceberg.rest-catalog.warehouse"] == CATALOG_NAME
    assert iceberg["iceberg.rest-catalog.warehouse"] != CATALOG_NAME
    setup = (INFRA / "compose" / "polaris" / "create-catalogs.sh").read_text()
    for name in (silver["iceberg.rest-catalog.warehouse"], iceberg["iceberg.rest-catalog.warehouse"]):
        assert f"create_catalog {name} " in setup, f"polaris-setup does not create the catalog {name}"
    assert 'create_catalog movies "s3://$MOVIES_BUCKET/lake"' in setup  # silver under the lake root
    init = (INFRA / "compose" / "postgres" / "init-databases.sql").read_text()
    assert "create database polaris;" in init and "create database prefect;" in init
    persistence = _services(compose)["polaris"]["environment"]
    assert persistence["QUARKUS_DATASOURCE_JDBC_URL"] == "jdbc:postgresql://postgres:5432/polaris"
    bootstrap = _services(compose)["polaris-bootstrap"]["environment"]
    assert all(persistence[key] == value for key, value in bootstrap.items())  # the same metastore


def test_prefect_and_spark_point_at_their_own_services(compose):
    services = _services(compose)
    database = services["prefect-server"]["environment"]["PREFECT_API_DATABASE_CONNECTION_URL"]
    assert database.startswith("postgresql+asyncpg://") and database.endswith("@postgres:5432/prefect")
    master = services["spark-master"]["environment"]
    worker = services["spark-worker"]
    assert worker["command"][-1] == f"spark://{master['SPARK_MASTER_HOST']}:{master['SPARK_MASTER_PORT']}"
    assert "..:/opt/movie-warehouse:ro" in worker["volumes"]
    assert worker["environment"]["PYTHONPATH"] == "/opt/movie-warehouse"
