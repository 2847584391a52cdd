"""bench.run's verdict: each target beside what was reached, the re-run's share beside the day's."""

from __future__ import annotations

from bench.generate import Sizes
from bench.measure import Measured
from bench.run import Pass, to_markdown, verdict


def _pass(name: str, **seconds: float) -> Pass:
    return Pass(name, [Measured(stage, value, 1024.0, 0, "") for stage, value in seconds.items()])


def test_the_verdict_sets_the_day_and_the_rerun_against_the_full_run() -> None:
    full = _pass("full", extract=10.0, silver=150.0)
    day = _pass("incremental", extract=2.0, silver=30.0)
    rerun = _pass("rerun", extract=1.0, silver=15.0)
    floors = {"duckdb_copy_ratings_csv": Measured("copy", 6.0, 512.0, 0, "")}
    result = verdict(Sizes(movies=100, ratings=1_000, users=10), full, day, rerun, floors)
    assert result["reached"]["full_pipeline_seconds"] == 160.0
    assert result["reached"]["incremental_share"] == 0.2
    assert result["reached"]["rerun_share"] == 0.1
    assert result["reached"]["ingest_share_of_copy_floor"] == 0.6
    assert result["met"] == {"full_pipeline_seconds": True, "peak_rss_gib": True,
                             "incremental_share": False, "ingest_share_of_copy_floor": True}  # fmt: skip
    assert "rerun_share" not in result["met"]  # a measurement, not a target
    assert result["all_passes_ok"] is True
    report = {"scale": 0.01, "sizes": {"ratings": 1_000, "movies": 100}, "verdict": result, "floors": {},
              **{p.name: {"seconds": p.seconds, "stages": [vars(s) for s in p.stages]}
                 for p in (full, day, rerun)}}  # fmt: skip
    markdown = to_markdown(report)
    assert "| rerun | silver | 15.0 |" in markdown and "| rerun | **total** | **16.0** |" in markdown
    assert "| incremental_share | 0.2 | **no** |" in markdown
