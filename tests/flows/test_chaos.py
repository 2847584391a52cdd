"""The fault matrix in CI: one injection of every fault scenario (bench.chaos) into real `movies run`s.

The faults are chained into the runs of one data dir, in the order a run meets them (the APIs'
faults, kills -9 timed to each stage, a full disk, a locked catalog, overlapping runs): each run after
a fault is its recovery, and must get past the point the fault struck. The last run's silver tables
and marts must equal, table by table, what a clean run of the same input built (the daily
deployment's run, tests/flows/conftest.py): no row lost, duplicated or changed. The catalog
service's outage (PostgreSQL stopped mid-commit) strikes a data dir of its own, whose catalog is
that service, and its recovery is held to the same clean run. `make chaos` runs
the same faults many times each, on data dirs of their own.
"""

from __future__ import annotations

import pytest

from bench.chaos.bench import Bench, held_to
from bench.chaos.scenarios import NAMES, ON_ITS_OWN, Outcome, chained, scenarios
from tests.flows.deployment import DeployedRun

pytestmark = [pytest.mark.slow, pytest.mark.chaos]  # `make chaos-test`: see pyproject.toml

# Scenarios whose one injection in CI is another test's: the S3 faults strike the scale-out test's run
# on its S3 lake (test_scaleout.py::test_s3_errors_and_stalls_during_extract_and_silver_were_absorbed).
ELSEWHERE = ("S3 500, 503 and stalls on the lake's writes",)


@pytest.fixture(scope="module")
def outcomes(
    chaos_inputs: Bench, deployed_run: DeployedRun, prefect_api: dict[str, str]
) -> dict[str, Outcome]:
    """The chain's outcomes, and those of the scenarios it leaves out, each injected once on its own."""
    assert "COMPLETED" in deployed_run.run.upper(), "the clean run (the deployment's) failed"
    # The runs report to the session's Prefect server, as scheduled runs would (no temporary server each).
    chaos_inputs.run_env = {"PREFECT_API_URL": prefect_api["PREFECT_API_URL"]}
    bench = held_to(chaos_inputs, deployed_run.data_dir)
    alone = {name: scenarios(bench)[name](bench, 1) for name in ON_ITS_OWN if name not in ELSEWHERE}
    return {**chained(bench), **alone}


@pytest.mark.parametrize("scenario", [name for name in NAMES if name not in ELSEWHERE])
def test_the_flow_recovers_with_nothing_lost_or_duplicated(
    outcomes: dict[str, Outcome], scenario: str
) -> None:
    outcome = outcomes[scenario]
    assert outcome.faults == 1, outcome.notes  # the fault struck where it was aimed
    assert outcome.recovered == 1, outcome.notes
    assert (outcome.rows_lost, outcome.duplicate_rows, outcome.changed_rows) == (0, 0, 0)
    assert [note for note in outcome.notes if note.startswith("unclear")] == []  # failures name their cause
