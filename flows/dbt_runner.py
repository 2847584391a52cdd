"""dbt invoked in-process through dbtRunner; any failed node fails the call, naming the nodes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbt.cli.main import dbtRunner


class DbtError(RuntimeError):
    """A dbt command ended with errors or failed tests."""


@dataclass(frozen=True)
class DbtOutcome:
    """Per-node status of one dbt command, e.g. {'model.movie_warehouse.dim_movies': 'success'}."""

    command: str
    statuses: dict[str, str] = field(default_factory=dict)

    def count(self, status: str) -> int:
        """How many nodes ended with `status`."""
        return sum(1 for value in self.statuses.values() if value == status)

    def summary(self) -> dict[str, Any]:
        """Counts per status and the nodes that warned, for the run report."""
        return {
            "command": self.command,
            "statuses": {status: self.count(status) for status in sorted(set(self.statuses.values()))},
            "warned": sorted(node for node, status in self.statuses.items() if status == "warn"),
        }


FAILED = {"error", "fail", "runtime error"}


def run_dbt(
    command: list[str], project_dir: Path, target: str, target_path: Path | None = None
) -> DbtOutcome:
    """Run `dbt <command>` against the project; raise DbtError listing every failed node."""
    args = [
        *command,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target",
        target,
    ]
    if target_path is not None:
        args += ["--target-path", str(target_path)]
    try:
        result = dbtRunner().invoke(args)
    finally:
        release_duckdb()
    statuses = _statuses(result.result)
    failed = sorted(node for node, status in statuses.items() if status in FAILED)
    if result.exception is not None:
        raise DbtError(f"dbt {command[0]} crashed: {result.exception}") from result.exception
    if not result.success or failed:
        raise DbtError(
            f"dbt {command[0]} failed on {len(failed)} node(s): {', '.join(failed) or 'see dbt log'}"
        )
    return DbtOutcome(command=" ".join(command), statuses=statuses)


def _statuses(result: object) -> dict[str, str]:
    """Node id -> status from a RunExecutionResult; other results (docs, parse) have none."""
    nodes = getattr(result, "results", None) or []
    return {item.node.unique_id: str(item.status) for item in nodes if getattr(item, "node", None)}


def release_duckdb() -> None:
    """Close the DuckDB instance dbt-duckdb keeps open in-process after a command.

    Otherwise the warehouse file stays held by this process with dbt's configuration, and the next
    reader (GX's gold checks, a user's notebook) cannot open it; and the next command would reuse
    the connection whose silver views lakehouse.dbt_plugin pointed at the snapshots current when it
    opened, not at what Spark has committed since.
    """
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # another adapter: nothing held
        return
    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        if environment is not None:
            environment.close()
            DuckDBConnectionManager._ENV = None
