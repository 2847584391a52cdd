"""Secrets stay secret: the shared whole-flow runs (tests/flows/conftest.py) reach the fake APIs with
dummy keys (the replay server accepts only those), then no log line, artifact, report, lake file, dlt
state, dbt or GX output holds either key.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.flows.runs import OMDB_KEY, TMDB_TOKEN

pytestmark = pytest.mark.slow

SECRETS = (OMDB_KEY, TMDB_TOKEN)
GX_UNCOMMITTED = Path(__file__).resolve().parents[2] / "great_expectations" / "gx" / "uncommitted"


def _rows(folder: Path) -> int:
    return sum(pq.read_metadata(path).num_rows for path in folder.rglob("*.parquet"))


def _text_of(path: Path) -> str:
    """A file as text: parquet by its values (compressed pages hide bytes), anything else decoded."""
    if path.suffix == ".parquet":
        return repr(pq.read_table(path).to_pylist())
    return path.read_bytes().decode("utf-8", errors="replace")


def _holding_a_secret(folders: list[Path]) -> list[str]:
    return sorted(
        str(path)
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file() and any(secret in _text_of(path) for secret in SECRETS)
    )


def test_api_keys_appear_in_no_log_artifact_report_or_lake_file(pipeline_runs) -> None:
    data_dir: Path = pipeline_runs["dir"]
    # The keyed path really ran: the fake APIs answered with data and every source landed rows.
    assert sum(n for (_, outcome), n in pipeline_runs["api_hits"].items() if outcome == "ok") > 1000
    raw = {name: _rows(data_dir / "lake" / "raw" / name / "movies") for name in ("omdb", "tmdb", "yts")}
    assert all(rows > 0 for rows in raw.values()), raw
    # ... and neither key is anywhere: the runs' output, Prefect's database (logs, artifacts), the
    # reports, the lake (raw, state, silver), dlt's working folders, dbt's target, GX's results.
    runs = (pipeline_runs["first"], pipeline_runs["second"], pipeline_runs["broken"]["result"])
    printed = "".join(run.stdout + run.stderr for run in runs)
    assert not [secret for secret in SECRETS if secret in printed]
    assert _holding_a_secret([data_dir, GX_UNCOMMITTED]) == []
