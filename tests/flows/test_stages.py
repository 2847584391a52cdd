"""flows.stages.build_marts: dbt builds everything after a new silver snapshot, nothing when nothing
changed, and only a changed model (with what depends on it) when only the project changed."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from flows.stages import WAREHOUSE, build_marts, state_of
from settings import Settings
from tests.dbt_project.silver_lake import BATCH_1, BATCH_2, write_silver

pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHANGED_MODEL = "rpt_genre_popularity"


def _built(summary: dict[str, Any]) -> int:
    return sum(summary["statuses"].values())


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("stages")
    shutil.copytree(PROJECT_ROOT / "dbt_project", root / "project" / "dbt_project",
                    ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))  # fmt: skip
    settings = Settings(data_dir=root / "data", project_root=root / "project")
    write_silver(Path(settings.lake_url), BATCH_1)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in settings.runtime_env().items():
            patch.setenv(name, value)
        first = build_marts(settings)
        built_at = state_of(settings).get(WAREHOUSE)["built_at"]
        again = build_marts(settings)
        unchanged_warehouse = state_of(settings).get(WAREHOUSE)["built_at"] == built_at
        model = next((root / "project" / "dbt_project" / "models").rglob(f"{CHANGED_MODEL}.sql"))
        model.write_text(model.read_text() + "\n-- a changed model\n")
        changed = build_marts(settings)
        write_silver(Path(settings.lake_url), BATCH_2)
        new_snapshots = build_marts(settings)
    return {"first": first, "again": again, "unchanged_warehouse": unchanged_warehouse,
            "changed": changed, "new_snapshots": new_snapshots}  # fmt: skip


def test_the_first_build_and_one_after_new_snapshots_build_every_model(builds: dict[str, Any]) -> None:
    assert builds["first"]["statuses"]["success"] > 20
    assert builds["new_snapshots"]["statuses"] == builds["first"]["statuses"]


def test_nothing_new_builds_nothing(builds: dict[str, Any]) -> None:
    assert builds["again"]["statuses"] == {}
    assert builds["unchanged_warehouse"]  # the gold checks, docs and report need not run again


def test_a_changed_model_is_built_with_its_tests_and_what_depends_on_it(builds: dict[str, Any]) -> None:
    changed = builds["changed"]
    assert 0 < _built(changed) < _built(builds["first"]) / 4
    assert changed["statuses"].get("success") == 1  # the one model; the rest are its tests
