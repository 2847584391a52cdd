"""What a dbt test gets from its fixtures (tests/dbt_project/conftest.py): the workspace's paths and
the in-process dbt runner's type."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dbt.cli.main import dbtRunnerResult


@dataclass(frozen=True)
class DbtWorkspace:
    """Temporary lake, warehouse, target and log paths for one dbt test session."""

    lake: Path
    warehouse: Path
    target_path: Path
    log_path: Path


RunDbt = Callable[[Sequence[str]], dbtRunnerResult]
