"""bench.stage: stages run in order in one process, each marked, and the first failure ends the run."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from bench import stage
from settings import Settings


def _fails(_: Settings) -> Any:
    raise RuntimeError("dbt build failed")


def test_stages_run_in_order_and_the_first_failure_ends_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ran: list[str] = []
    monkeypatch.setattr(os, "environ", {**os.environ, "BENCH_MARKS": str(tmp_path / "marks")})
    monkeypatch.setattr(
        stage,
        "STAGES",
        {"first": lambda _: ran.append("first") or {"rows": 3}, "broken": _fails, "last": ran.append},
    )

    assert stage.main(["first", "broken", "last"]) == 1

    assert ran == ["first"]
    marks = [json.loads(line) for line in (tmp_path / "marks").read_text().splitlines()]
    assert [{k: v for k, v in mark.items() if k != "at"} for mark in marks] == [
        {"event": "start", "stage": "first"},
        {"event": "end", "ok": True},
        {"event": "start", "stage": "broken"},
        {"event": "end", "ok": False},
    ]
    assert [mark["at"] for mark in marks] == sorted(mark["at"] for mark in marks)
    out, err = capsys.readouterr()
    assert json.loads(out.splitlines()[0]) == {"rows": 3}
    assert "RuntimeError: dbt build failed" in err


def test_an_unknown_stage_is_refused_before_any_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stage, "STAGES", {"first": _fails})

    assert stage.main(["first", "silverr"]) == 2
