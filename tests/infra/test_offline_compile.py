"""The Redshift and Trino targets, offline: every node compiles and parses in sqlglot's dialect.

No Redshift is reachable here, so nothing is executed; infra/redshift/offline_compile.py compiles the
project as for a first build (`fresh`) and as for an incremental run (`built`), refusing any
connection. Trino also runs for real (tests/dbt_project/test_trino.py); this checks its SQL without one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlglot
from dbt.adapters.redshift import RedshiftAdapter
from sqlglot import exp
from sqlglot.errors import ErrorLevel

from infra.redshift.offline_compile import compile_offline

pytestmark = pytest.mark.slow

# Vars the dbt tests use, so the vars-parameterised reports compile with a value.
DBT_VARS = json.dumps({"director_name": "John Lasseter", "actor_name": "tom hanks"})
# sqlglot's names for the functions the compiled SQL may use: each is a Redshift function
# (CASE/IF is CASE, TsOrDsAdd/TsOrDsDiff are DATEADD/DATEDIFF, TimestampTrunc is DATE_TRUNC,
# BitwiseOrAgg is the BIT_OR aggregate; json_serialize is SUPER to text).
REDSHIFT_FUNCTIONS = {
    "Abs", "And", "Avg", "Case", "Cast", "Coalesce", "Concat", "Count", "DPipe", "Extract", "If",
    "Least", "Greatest", "Length", "Lower", "Max", "MD5", "Median", "Min", "Nullif", "Or",
    "PercentileCont", "Rank", "DenseRank", "Replace", "Round", "RowNumber", "Sum", "TimestampTrunc",
    "Trim", "Trunc", "TsOrDsAdd", "TsOrDsDiff", "Upper", "CurrentTimestamp", "DateTrunc", "Floor",
    "Ceil", "StddevSamp", "Stddev", "Split", "SplitPart", "Lag", "Lead", "FirstValue", "LastValue",
    "BitwiseOrAgg", "json_serialize",
}  # fmt: skip


TARGETS = ("redshift", "trino")
# Each target's incremental filter: max(_loaded_at) minus the lookback, in the target's own SQL.
LOOKBACK = {"redshift": "dateadd(day, -3, max(_loaded_at))", "trino": "date_add('day', -3, max(_loaded_at))"}


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """target -> state -> target folder of an offline compile (first build, incremental run)."""
    paths: dict[str, dict[str, Path]] = {}
    for target in TARGETS:
        for state in ("fresh", "built"):
            folder = tmp_path_factory.mktemp(f"{target}_{state}")
            result = compile_offline(folder, state, ["--vars", DBT_VARS], target)
            assert result.success, f"offline compile ({target}, {state}) failed: {result.exception}"
            paths.setdefault(target, {})[state] = folder
    return paths


def _sql_files(target: Path) -> dict[str, str]:
    root = target / "compiled" / "movie_warehouse"
    return {path.relative_to(root).as_posix(): path.read_text() for path in sorted(root.rglob("*.sql"))}


def _manifest(target: Path) -> dict:
    return json.loads((target / "manifest.json").read_text())


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("state", ["fresh", "built"])
def test_every_model_compiles(compiled: dict[str, dict[str, Path]], target: str, state: str) -> None:
    manifest = _manifest(compiled[target][state])
    models = {n["original_file_path"] for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    files = _sql_files(compiled[target][state])
    assert len(models) >= 40
    assert {path for path in models if path not in files} == set()


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("state", ["fresh", "built"])
def test_every_compiled_node_parses_in_the_targets_dialect(
    compiled: dict[str, dict[str, Path]], target: str, state: str
) -> None:
    failures = {}
    for path, sql in _sql_files(compiled[target][state]).items():
        try:
            statements = sqlglot.parse(sql, read=target, error_level=ErrorLevel.RAISE)
        except sqlglot.errors.ParseError as error:
            failures[path] = str(error)[:300]
            continue
        if len(statements) != 1 or not isinstance(statements[0], exp.Query):
            failures[path] = f"not one query: {[type(s).__name__ for s in statements]}"
    assert failures == {}


@pytest.mark.parametrize("state", ["fresh", "built"])
def test_compiled_sql_uses_only_redshift_functions(compiled: dict[str, dict[str, Path]], state: str) -> None:
    used: dict[str, set[str]] = {}
    for path, sql in _sql_files(compiled["redshift"][state]).items():
        for function in sqlglot.parse_one(sql, read="redshift").find_all(exp.Func):
            name = function.name.lower() if isinstance(function, exp.Anonymous) else type(function).__name__
            used.setdefault(name, set()).add(path)
    unknown = {name: sorted(paths)[:3] for name, paths in used.items() if name not in REDSHIFT_FUNCTIONS}
    assert unknown == {}
    assert {"MD5", "TsOrDsAdd", "Median"} <= set(used)  # the dispatched Redshift macros are in use


@pytest.mark.parametrize(("target", "silver"), [("redshift", '"dev"."silver"."movies"'),
                                                ("trino", '"silver_lake"."silver"."movies"')])  # fmt: skip
def test_sources_read_the_targets_silver_tables_not_parquet_files(
    compiled: dict[str, dict[str, Path]], target: str, silver: str
) -> None:
    files = _sql_files(compiled[target]["fresh"])
    staging = files["models/staging/silver/stg_silver__movies.sql"]
    assert silver in staging
    assert not [path for path, sql in files.items() if "read_parquet" in sql]


@pytest.mark.parametrize("target", TARGETS)
def test_incremental_models_filter_only_on_an_incremental_run(
    compiled: dict[str, dict[str, Path]], target: str
) -> None:
    manifest = _manifest(compiled[target]["built"])
    incremental = sorted(
        n["original_file_path"]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["config"]["materialized"] == "incremental"
    )
    assert len(incremental) >= 4
    lookback = LOOKBACK[target]
    fresh, built = _sql_files(compiled[target]["fresh"]), _sql_files(compiled[target]["built"])
    assert [path for path in incremental if lookback in fresh[path]] == []
    assert [path for path in incremental if lookback not in built[path]] == []


def test_incremental_strategy_is_one_dbt_redshift_supports(compiled: dict[str, dict[str, Path]]) -> None:
    supported = RedshiftAdapter.valid_incremental_strategies(RedshiftAdapter)  # type: ignore[arg-type]
    configs = {
        n["name"]: n["config"]
        for n in _manifest(compiled["redshift"]["built"])["nodes"].values()
        if n["resource_type"] == "model" and n["config"]["materialized"] == "incremental"
    }
    assert {name: c["incremental_strategy"] for name, c in configs.items()} == dict.fromkeys(configs, "merge")
    assert "merge" in supported
    assert all(c["unique_key"] for c in configs.values())
