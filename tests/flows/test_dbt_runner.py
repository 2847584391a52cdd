"""dbt in-process: one failed node fails the call and names it (prefect-dbt once let such runs pass)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.dbt_runner import DbtError, run_dbt

pytestmark = pytest.mark.slow


def _project(root: Path, broken_sql: str) -> Path:
    """A two-model dbt project on a DuckDB file: `good` and `broken`."""
    (root / "models").mkdir(parents=True)
    (root / "dbt_project.yml").write_text(
        "name: runner_check\nversion: '1.0'\nprofile: runner_check\nconfig-version: 2\n"
        "models:\n  runner_check:\n    +materialized: table\n"
    )
    (root / "profiles.yml").write_text(
        "runner_check:\n  target: duckdb\n  outputs:\n    duckdb:\n      type: duckdb\n"
        f"      path: {(root / 'warehouse.duckdb').as_posix()}\n      threads: 1\n"
    )
    (root / "models" / "good.sql").write_text("select 1 as id")
    (root / "models" / "broken.sql").write_text(broken_sql)
    return root


def test_a_failed_model_fails_the_run_naming_it_and_the_rest_is_built(tmp_path: Path) -> None:
    project = _project(tmp_path / "project", "select * from a_table_that_does_not_exist")

    with pytest.raises(DbtError, match=r"failed on 1 node\(s\): model\.runner_check\.broken"):
        run_dbt(["build"], project, "duckdb", tmp_path / "target")

    # The DuckDB file is released (readable by the next stage) and holds what did build.
    with duckdb.connect(str(project / "warehouse.duckdb"), read_only=True) as con:
        assert con.sql("select id from main.good").fetchall() == [(1,)]


def test_a_clean_run_returns_every_node_status(tmp_path: Path) -> None:
    project = _project(tmp_path / "project", "select 2 as id")

    outcome = run_dbt(["build"], project, "duckdb", tmp_path / "target")

    assert outcome.statuses == {
        "model.runner_check.good": "success",
        "model.runner_check.broken": "success",
    }
    assert outcome.summary()["statuses"] == {"success": 2}
