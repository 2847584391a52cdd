"""Which Iceberg catalog a lake uses, and the settings each engine gets for it (no server needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lakehouse.catalog import CatalogUnreachableError, catalog_for
from sample.ports import free_port
from settings import IcebergSettings

POLARIS = {
    "MOVIES_ICEBERG_CATALOG_URI": "http://127.0.0.1:8181/api/catalog",
    "MOVIES_ICEBERG_WAREHOUSE": "movies",
    "MOVIES_ICEBERG_CREDENTIAL": "client:made-up-client-secret",
}


def test_a_local_lake_keeps_its_catalog_in_a_sqlite_file_inside_it(tmp_path: Path) -> None:
    catalog = catalog_for(str(tmp_path), IcebergSettings.read({}))
    assert catalog.uri == f"jdbc:sqlite:{(tmp_path / 'iceberg_catalog.sqlite').as_posix()}"
    assert catalog.warehouse == catalog.root == tmp_path.as_uri()
    assert catalog.oauth2() == {}


def test_an_s3_lake_without_a_catalog_says_what_to_set() -> None:
    with pytest.raises(ValueError, match="MOVIES_ICEBERG_CATALOG_URI"):
        catalog_for("s3://movies/lake", IcebergSettings.read({}))


def test_a_polaris_catalog_names_its_warehouse_and_signs_in_every_engine() -> None:
    catalog = catalog_for("s3://movies/lake", IcebergSettings.read(POLARIS))
    assert catalog.root == "s3a://movies/lake" and catalog.warehouse == "movies"
    spark = catalog.spark_settings()
    assert spark["spark.sql.catalog.movies.type"] == "rest"
    assert spark["spark.sql.catalog.movies.warehouse"] == "movies"
    assert spark["spark.sql.catalog.movies.credential"] == "client:made-up-client-secret"
    assert spark["spark.sql.catalog.movies.scope"] == "PRINCIPAL_ROLE:ALL"
    python = catalog.pyiceberg_properties({"AWS_ENDPOINT_URL": "http://127.0.0.1:9000"})
    assert python["type"] == "rest" and python["warehouse"] == "movies"
    assert python["credential"] == "client:made-up-client-secret" and python["scope"] == "PRINCIPAL_ROLE:ALL"
    assert python["s3.endpoint"] == "http://127.0.0.1:9000"  # the lake's files, read with the lake's keys
    assert "made-up-client-secret" not in repr(catalog)


def test_a_scope_can_be_named_and_a_rest_catalog_without_a_warehouse_uses_the_lake_root() -> None:
    scoped = catalog_for(
        "s3://movies/lake", IcebergSettings.read({**POLARIS, "MOVIES_ICEBERG_SCOPE": "PRINCIPAL_ROLE:etl"})
    )
    assert scoped.oauth2()["scope"] == "PRINCIPAL_ROLE:etl"
    plain = catalog_for(
        "s3://movies/lake",
        IcebergSettings.read({"MOVIES_ICEBERG_CATALOG_URI": "http://127.0.0.1:19120/iceberg"}),
    )
    assert plain.warehouse == "s3a://movies/lake" and plain.oauth2() == {}
    assert "spark.sql.catalog.movies.credential" not in plain.spark_settings()


@pytest.mark.parametrize(
    "uri",
    ["jdbc:postgresql://127.0.0.1:{port}/iceberg?user=movies&password=made-up-password",
     "http://127.0.0.1:{port}/api/catalog"],
)  # fmt: skip
def test_a_catalog_that_does_not_answer_is_named_without_its_credentials(uri: str) -> None:
    settings = IcebergSettings.read({"MOVIES_ICEBERG_CATALOG_URI": uri.format(port=free_port())})
    catalog = catalog_for("s3://movies/lake", settings)
    with pytest.raises(CatalogUnreachableError, match="Connection refused") as raised:
        catalog.load()
    assert f"at {catalog.address} cannot be reached" in str(raised.value)
    assert catalog.address.startswith(("jdbc:postgresql://127.0.0.1:", "http://127.0.0.1:"))
    assert "made-up-password" not in str(raised.value) and "user=" not in catalog.address
