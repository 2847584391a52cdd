"""What each stage of the flow last finished on, so a run with nothing new does nothing twice.

A stage's *key* is everything its result depends on: for the raw checks, the raw watermarks of the
run's sources, the checks' settings and suites; for the silver checks and dbt, the snapshot ids of
silver's Iceberg tables; for the gold checks, the docs and the report, the warehouse dbt last built.
After a stage succeeds the flow records its key here; a later run whose key is the same skips it
(and the run report says so). Nothing is recorded for a failed stage, so the next run does it again.

The record is one JSON file in the data dir (`state/stages.json`, readable and safe to delete:
without it every stage runs). dbt's own state, the manifest of its last successful build, sits
beside it (`state/dbt/`): dbt compares the project with it (`state:modified`) to build only the
models whose code changed since, when silver has not.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def _normal(value: Any) -> Any:
    """`value` as it reads back from JSON (tuples become lists, keys strings)."""
    return json.loads(json.dumps(value, sort_keys=True, default=str))


@dataclass(frozen=True)
class StageState:
    """The record under one data dir."""

    folder: Path

    @property
    def path(self) -> Path:
        return self.folder / "stages.json"

    @property
    def dbt_state_dir(self) -> Path:
        """Where the manifest of dbt's last successful build is kept (dbt's `--state`)."""
        return self.folder / "dbt"

    def _load(self) -> dict[str, Any]:
        try:
            loaded = json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):  # none yet, or not ours: every stage runs
            return {}
        return loaded if isinstance(loaded, dict) else {}

    def get(self, stage: str) -> Any:
        """The key `stage` last succeeded on (None: no record)."""
        return self._load().get(stage)

    def finished_on(self, stage: str, key: Any) -> bool:
        """Whether `stage` last succeeded on exactly `key`."""
        return self._load().get(stage) == _normal(key)

    def record(self, stage: str, key: Any) -> None:
        """`stage` succeeded on `key` (written whole, then renamed: a crash leaves the old record)."""
        self._write({**self._load(), stage: _normal(key)})

    def _write(self, record: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".json.tmp")
        partial.write_text(json.dumps(record, indent=2, sort_keys=True))
        partial.replace(self.path)

    def keep_dbt_manifest(self, target_path: Path) -> None:
        """Keep the manifest of a successful build as dbt's state for the next run."""
        self.dbt_state_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target_path / "manifest.json", self.dbt_state_dir / "manifest.json")

    def has_dbt_manifest(self) -> bool:
        return (self.dbt_state_dir / "manifest.json").is_file()
