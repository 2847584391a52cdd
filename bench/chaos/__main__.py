"""`make chaos`: the fault matrix on the real flow, at a small scale of the bench's input.

    .venv/bin/python -m bench.chaos --scale 0.05 --injections 3 [--scenario NAME ...]

Makes one clean run, then for each scenario injects its fault `--injections` times into real
`movies run`s (bench.chaos.scenarios), each followed by the run that must recover. Prints the table
(scenario, runs, faults injected, recovered, rows lost, duplicate rows, changed rows, seconds) and
writes it to `data/bench/chaos.md`. Exits 1 unless every scenario recovered with nothing lost.
`--chained` injects each fault once, as the tests do: the chain in one data dir, the rest on their own.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.chaos.bench import Bench, prepared
from bench.chaos.scenarios import NAMES, ON_ITS_OWN, Outcome, chained, scenarios
from settings import PROJECT_ROOT

HEADER = ("scenario", "runs", "faults injected", "recovered", "rows lost", "duplicate rows", "changed rows",
          "seconds")  # fmt: skip


def run_scenario(bench: Bench, name: str, injections: int) -> Outcome:
    """One scenario, timed, with the runs it made."""
    runs_before, began = bench.runs, time.monotonic()
    outcome = scenarios(bench)[name](bench, injections)
    outcome.runs = bench.runs - runs_before
    outcome.seconds = round(time.monotonic() - began, 1)
    return outcome


def table(outcomes: list[Outcome]) -> str:
    """The markdown table of the outcomes, with each scenario's notes under it."""
    lines = ["| " + " | ".join(HEADER) + " |", "|---|" + "---:|" * (len(HEADER) - 1)]
    for o in outcomes:
        name = o.scenario if o.ok else f"**{o.scenario}** (failed)"
        values = (o.runs, o.faults, o.recovered, o.rows_lost, o.duplicate_rows, o.changed_rows, o.seconds)
        lines.append("| " + " | ".join([name, *map(str, values)]) + " |")
    notes = [f"- {o.scenario}: {note}" for o in outcomes for note in o.notes]
    return "\n".join(lines + (["", *notes] if notes else [])) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the matrix; 0 when every scenario recovered with no row lost, duplicated or changed."""
    parser = argparse.ArgumentParser(prog="python -m bench.chaos", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--scale", type=float, default=0.05, help="fraction of Kaggle's size (default 0.05)")
    parser.add_argument("--injections", type=int, default=3, help="faults per scenario (default 3)")
    parser.add_argument("--seed", type=int, default=20261207, help="seed of the kill points and fault sizes")
    parser.add_argument("--scenario", action="append", choices=NAMES, help="default: all")
    parser.add_argument("--api-films", type=int, default=100, help="films the replayed APIs answer for")
    chained_help = "one injection each: the chain's in one data dir, then the rest (ON_ITS_OWN) on their own"
    parser.add_argument("--chained", action="store_true", help=chained_help)
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT / "data" / "bench" / "chaos")
    args = parser.parse_args(argv)
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)  # each scenario's line as it ends, into a log file too
    names = args.scenario or list(NAMES)
    outcomes: list[Outcome] = []
    with prepared(args.root, args.scale, args.seed, args.api_films) as bench:
        if args.chained:
            began = time.monotonic()
            outcomes = list(chained(bench).values())
            print(f"chain of {len(outcomes)} faults: {time.monotonic() - began:.0f} s")
        for name in ON_ITS_OWN if args.chained else names:  # the chain leaves those out
            outcomes.append(run_scenario(bench, name, 1 if args.chained else args.injections))
            done = outcomes[-1]
            said = f"{done.rows_lost} lost, {done.duplicate_rows} duplicated, {done.changed_rows} changed"
            print(f"{name}: {done.faults} injected, {done.recovered} recovered, {said}, {done.seconds} s")
        clean = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in bench.clean_stages.items())
    injected = (
        "one injection each (chained)" if args.chained else f"{args.injections} injection(s) per scenario"
    )
    report = (
        f"# Chaos matrix\n\n{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, scale {args.scale}, {injected}, "
        f"seed {args.seed}. The clean run's stages: {clean}.\n\n" + table(outcomes)
    )
    out = args.root.parent / "chaos.md"
    out.write_text(report, encoding="utf-8")
    print(report)
    print(f"written to {out}")
    return 0 if all(outcome.ok for outcome in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
