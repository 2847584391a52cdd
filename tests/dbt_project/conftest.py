"""Fixtures for the dbt project tests: temporary lake and warehouse paths, in-process dbt."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from dbt.cli.main import dbtRunner, dbtRunnerResult

from flows.dbt_runner import release_duckdb
from tests.dbt_project.workspace import DbtWorkspace, RunDbt

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


@pytest.fixture(scope="module")
def dbt_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DbtWorkspace]:
    """Point MOVIES_LAKE / MOVIES_WAREHOUSE at temporary paths for the module's dbt runs."""
    root = tmp_path_factory.mktemp("dbt")
    workspace = DbtWorkspace(
        lake=root / "lake",
        warehouse=root / "warehouse.duckdb",
        target_path=root / "target",
        log_path=root / "logs",
    )
    saved = {name: os.environ.get(name) for name in ("MOVIES_LAKE", "MOVIES_WAREHOUSE")}
    os.environ["MOVIES_LAKE"] = workspace.lake.as_posix()
    os.environ["MOVIES_WAREHOUSE"] = workspace.warehouse.as_posix()
    try:
        yield workspace
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="module")
def run_dbt(dbt_workspace: DbtWorkspace) -> RunDbt:
    """Run a dbt command in-process against the workspace; target/ and logs/ stay in tmp.

    DuckDB is released after each command, as flows.dbt_runner does: the next command then opens
    the warehouse anew, with silver views on the snapshots current then (lakehouse.dbt_plugin).
    """

    def _run(args: Sequence[str]) -> dbtRunnerResult:
        try:
            return dbtRunner().invoke(
                [
                    *args,
                    "--project-dir", DBT_PROJECT_DIR.as_posix(),
                    "--profiles-dir", DBT_PROJECT_DIR.as_posix(),
                    "--target-path", dbt_workspace.target_path.as_posix(),
                    "--log-path", dbt_workspace.log_path.as_posix(),
                ]
            )  # fmt: skip
        finally:
            release_duckdb()

    return _run
