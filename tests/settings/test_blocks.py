"""The settings package: each block reads its MOVIES_* prefix from the environment, a .env file or a
mapping, and no other package reads those variables itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from settings import PROJECT_ROOT, IcebergSettings, Settings, SparkSettings, TrinoSettings

PRODUCT_PACKAGES = (
    *("bench", "dashboard", "extract", "flows", "infra"),
    *("lakehouse", "quality", "sample", "scripts", "spark"),
)
# A MOVIES_* name read straight from the environment (os.environ[...], .get(...), getenv(...)).
DIRECT_READ = re.compile(r"""(environ\s*\[|\.get\(|getenv\()\s*["']MOVIES_""")


def test_a_block_reads_its_prefix_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOVIES_SPARK_MASTER", "spark://cluster:7077")
    monkeypatch.setenv("MOVIES_SPARK_SHUFFLE_PARTITIONS", "")  # empty: the default
    monkeypatch.setenv("MOVIES_TRINO_PORT", "18080")
    spark, trino = SparkSettings.read(), TrinoSettings()
    assert (spark.master, spark.shuffle_partitions, trino.port) == ("spark://cluster:7077", 8, 18080)


def test_a_mapping_is_read_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOVIES_SPARK_MASTER", "spark://cluster:7077")
    monkeypatch.setenv("MOVIES_LAKE", "s3://elsewhere/lake")
    assert SparkSettings.read({}).master == "local[*]"
    assert SparkSettings.read({"MOVIES_SPARK_DRIVER_MEMORY": "8g"}).driver_memory == "8g"
    assert Settings.read({}).lake_url == (PROJECT_ROOT / "data" / "lake").as_posix()
    assert SparkSettings.read().master == "spark://cluster:7077"  # the process environment again after


def test_a_dotenv_file_fills_what_the_environment_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = ("MOVIES_TRINO_HEAP=5G", "MOVIES_DATA_DIR=/srv/movies", "MOVIES_TRINO_USER=file")
    (tmp_path / ".env").write_text("\n".join(lines) + "\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MOVIES_TRINO_USER", "environment")
    trino = TrinoSettings.read()
    assert (trino.heap, trino.user) == ("5G", "environment")
    assert Settings.read().lake_url == "/srv/movies/lake"


def test_the_catalog_credential_never_prints() -> None:
    iceberg = IcebergSettings.read({"MOVIES_ICEBERG_CREDENTIAL": "client:made-up-client-secret"})
    assert iceberg.credential is not None
    assert iceberg.credential.get_secret_value() == "client:made-up-client-secret"
    assert "made-up-client-secret" not in repr(iceberg) and "made-up-client-secret" not in str(iceberg)


def test_no_other_package_reads_a_movies_variable_itself() -> None:
    readers = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}"
        for package in PRODUCT_PACKAGES
        for path in sorted((PROJECT_ROOT / package).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if DIRECT_READ.search(line)
    ]
    assert readers == []
