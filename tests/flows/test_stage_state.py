"""flows.stage_state: a stage is skipped only on exactly the key it last succeeded on."""

from __future__ import annotations

import json
from pathlib import Path

from flows.stage_state import StageState


def test_a_stage_finished_on_its_recorded_key_only(tmp_path: Path) -> None:
    state = StageState(tmp_path / "state")
    key = {"silver": {"movies": 1, "ratings": 2}, "target": "duckdb", "loads": ("17.5", 2)}
    assert not state.finished_on("dbt build", key)  # no record yet
    state.record("dbt build", key)
    assert state.finished_on("dbt build", dict(reversed(key.items())))  # the same key, read back from JSON
    assert not state.finished_on("dbt build", {**key, "silver": {"movies": 1, "ratings": 3}})
    assert not state.finished_on("validate silver", key)
    state.record("validate silver", {"silver": {}})
    assert state.finished_on("dbt build", key)  # one stage's record leaves the others'
    assert json.loads(state.path.read_text())["validate silver"] == {"silver": {}}


def test_a_record_that_cannot_be_read_runs_every_stage(tmp_path: Path) -> None:
    state = StageState(tmp_path)
    state.path.write_text("[]")
    assert not state.finished_on("dbt build", {})
    state.path.write_text("{not json")
    assert not state.finished_on("dbt build", {})
    state.record("dbt build", {})
    assert state.finished_on("dbt build", {})


def test_the_dbt_manifest_is_kept_as_dbt_state(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (target / "manifest.json").write_text('{"nodes": {}}')
    state = StageState(tmp_path / "state")
    assert not state.has_dbt_manifest()
    state.keep_dbt_manifest(target)
    assert state.has_dbt_manifest()
    assert (state.dbt_state_dir / "manifest.json").read_text() == '{"nodes": {}}'
