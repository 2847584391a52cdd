"""`make bench`: the whole pipeline at Kaggle scale (full, one incremental day, a re-run) beside its floors.

    .venv/bin/python -m bench.run --scale 1.0

1. Generates `data/bench/scale_<s>/` once (bench.generate).
2. Full run into a fresh `data/bench/run_<s>/`: every stage (extract, GX raw, Spark, GX silver, dbt
   build, GX gold, HTML report) one after another in one process, as the Prefect flow runs them;
   each timed, with the peak memory (PSS) of the whole process tree (Spark's JVM too) while it ran,
   and a row for the time outside the stages (interpreter start and exit).
3. Floors, in the same run: DuckDB `COPY read_csv -> parquet` of the ratings file, and a DuckDB scan
   of the silver ratings the run wrote.
4. An incremental day: the next day's delivery (1% new ratings as a new ratings.csv drop, 0.5% of
   movies changed in movies_metadata.csv) through the same stages.
5. A re-run: the same stages again with nothing new delivered. No incremental run can cost less, so
   its share of the full run is the floor under the incremental day's share.
6. Writes `data/bench/report.json` and `data/bench/report.md` with the targets and whether each is met.
A benchmark, never a test: the numbers belong to the machine that ran it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.generate import Sizes, generate
from bench.measure import Measured, measure, measure_stages
from settings import PROJECT_ROOT, Settings

STAGES = ("extract", "validate-raw", "silver", "validate-silver", "dbt", "validate-gold", "report")
TARGETS = {
    "full_pipeline_seconds_max": 180.0,
    "peak_rss_gib_max": 6.0,
    "incremental_share_max": 0.15,
    "ingest_share_of_copy_floor_min": 0.5,
}
GIB = 1024.0


@dataclass
class Pass:
    """One pass (full or incremental) through the stages."""

    name: str
    stages: list[Measured] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        """Wall time of the whole pass: its rows (the stages and the time outside them) add up to it."""
        return round(sum(stage.seconds for stage in self.stages), 2)

    @property
    def peak_rss_mib(self) -> float:
        """The highest peak of any row (rows do not overlap)."""
        return max((stage.peak_rss_mib for stage in self.stages), default=0.0)

    @property
    def ok(self) -> bool:
        """Every stage exited 0."""
        return all(stage.returncode == 0 for stage in self.stages)


def files_dir_for(generated: Path, run_dir: Path) -> Path:
    """The files the run reads: hard links to the generated set, so the next day can swap some."""
    files = run_dir / "files"
    for source in sorted(generated.glob("*/*.csv")):
        target = files / source.relative_to(generated)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(source, target)
    return files


def deliver_next_day(generated: Path, files: Path) -> None:
    """The day's files replace yesterday's: a ratings.csv of new ratings, a changed movies file."""
    for source in sorted((generated / "day1").glob("*/*.csv")):
        target = files / source.relative_to(generated / "day1")
        target.unlink()
        os.link(source, target)


def run_pass(name: str, env: dict[str, str], logs: Path) -> Pass:
    """Run every stage in order in one process (bench.stage), which stops at the first that fails."""
    command = [sys.executable, "-m", "bench.stage", *STAGES]
    rows = measure_stages(command, env, PROJECT_ROOT, logs / f"{name}.log", logs / f"{name}.marks")
    result = Pass(name, rows)
    for row in result.stages:
        print(f"  {name:11} {row.name:16} {row.seconds:8.1f} s {row.peak_rss_mib:9.0f} MiB", flush=True)
        if row.returncode:
            print(row.output_tail, file=sys.stderr)
    return result


def run_floors(generated: Path, run_dir: Path, env: dict[str, str]) -> dict[str, Measured]:
    """DuckDB's COPY of the ratings file, and DuckDB's scan of the silver ratings just written."""
    floors = {
        "duckdb_copy_ratings_csv": [
            str(generated / "kaggle" / "ratings.csv"),
            str(run_dir / "floor.parquet"),
        ],
        "duckdb_scan_silver_ratings": [str(run_dir / "lake")],
    }
    measured = {}
    for name, args in floors.items():
        command = [sys.executable, "-m", "bench.floors", "copy" if "copy" in name else "scan", *args]
        measured[name] = measure(name, command, env, PROJECT_ROOT, run_dir / "logs" / f"{name}.log")
        print(f"  floor       {name:28} {measured[name].seconds:8.1f} s", flush=True)
    return measured


def verdict(sizes: Sizes, full: Pass, day: Pass, rerun: Pass, floors: dict[str, Measured]) -> dict[str, Any]:
    """Each target beside what was reached; the re-run's share is the floor under the day's."""
    extract = next(stage for stage in full.stages if stage.name == "extract")
    copy = floors["duckdb_copy_ratings_csv"]
    reached = {
        "full_pipeline_seconds": full.seconds,
        "peak_rss_gib": round(max(full.peak_rss_mib, day.peak_rss_mib) / GIB, 2),
        "incremental_share": round(day.seconds / full.seconds, 3) if full.seconds else None,
        "rerun_share": round(rerun.seconds / full.seconds, 3) if full.seconds else None,
        # Conservative: our extract loads every Kaggle file and CPI; the floor copies ratings only.
        "ingest_share_of_copy_floor": round(copy.seconds / extract.seconds, 3),
        "ratings_rows_per_second_extract": round(sizes.ratings / extract.seconds),
        "ratings_rows_per_second_duckdb_copy": round(sizes.ratings / copy.seconds),
    }
    met = {
        "full_pipeline_seconds": reached["full_pipeline_seconds"] <= TARGETS["full_pipeline_seconds_max"],
        "peak_rss_gib": reached["peak_rss_gib"] <= TARGETS["peak_rss_gib_max"],
        "incremental_share": (reached["incremental_share"] or 1) <= TARGETS["incremental_share_max"],
        "ingest_share_of_copy_floor": reached["ingest_share_of_copy_floor"]
        >= TARGETS["ingest_share_of_copy_floor_min"],
    }
    return {"reached": reached, "met": met, "all_passes_ok": full.ok and day.ok and rerun.ok}


def to_markdown(report: dict[str, Any]) -> str:
    """The report as a markdown table, per stage and against the targets."""
    lines = [f"# Benchmark at scale {report['scale']} ({report['sizes']['ratings']:,} ratings, "
             f"{report['sizes']['movies']:,} movies)", "",
             "| pass | stage | seconds | peak RSS MiB | exit |", "|---|---|---:|---:|---:|"]  # fmt: skip
    for name in ("full", "incremental", "rerun"):
        for stage in report[name]["stages"]:
            lines.append(f"| {name} | {stage['name']} | {stage['seconds']:.1f} | "
                         f"{stage['peak_rss_mib']:.0f} | {stage['returncode']} |")  # fmt: skip
        lines.append(f"| {name} | **total** | **{report[name]['seconds']:.1f}** | | |")
    for name, floor in report["floors"].items():
        lines.append(f"| floor | {name} | {floor['seconds']:.1f} | {floor['peak_rss_mib']:.0f} | "
                     f"{floor['returncode']} |")  # fmt: skip
    lines += ["", "| target | reached | met |", "|---|---:|---|"]
    for key, value in report["verdict"]["reached"].items():
        met = report["verdict"]["met"].get(key)
        lines.append(f"| {key} | {value} | {'' if met is None else ('yes' if met else '**no**')} |")
    return "\n".join(lines) + "\n"


def pass_dict(result: Pass) -> dict[str, Any]:
    """A pass as JSON-ready data, output tails left out."""
    stages = [{k: v for k, v in asdict(stage).items() if k != "output_tail"} for stage in result.stages]
    return {"seconds": result.seconds, "peak_rss_mib": result.peak_rss_mib, "stages": stages}


def main(argv: list[str] | None = None) -> int:
    """Generate (once), run full + incremental with floors, write the report; exit 1 if a stage failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of Kaggle's size, 0.01 .. 1")
    args = parser.parse_args(argv)
    settings = Settings()
    bench_dir = settings.data_dir / "bench"
    generated = bench_dir / f"scale_{args.scale:g}"
    if not (generated / "day1" / "kaggle" / "movies_metadata.csv").is_file():
        shutil.rmtree(generated, ignore_errors=True)
        print(f"generating {generated} ...", flush=True)
        from sample.build import build_sample

        build_sample(settings.sample_dir)
        generate(settings.sample_dir, generated, args.scale)
    run_dir = bench_dir / f"run_{args.scale:g}"
    shutil.rmtree(run_dir, ignore_errors=True)
    files = files_dir_for(generated, run_dir)
    # The day's ratings.csv is a delta (1% new ratings), not a snapshot: the raw row-count band, which
    # expects each delivery near the previous one's size, is opened for it (MOVIES_RAW_MAX_CHANGE=1).
    env = {**os.environ, "MOVIES_DATA_DIR": str(run_dir), "MOVIES_FILES_DIR": str(files),
           "MOVIES_API_SOURCES": "[]", "MOVIES_WAREHOUSE": str(run_dir / "warehouse.duckdb"),
           "MOVIES_RAW_MAX_CHANGE": "1.0"}  # fmt: skip
    full = run_pass("full", env, run_dir / "logs")
    floors = run_floors(generated, run_dir, env)
    deliver_next_day(generated, files)
    day = run_pass("incremental", env, run_dir / "logs") if full.ok else Pass("incremental")
    rerun = run_pass("rerun", env, run_dir / "logs") if day.ok else Pass("rerun")
    sizes = Sizes.at(args.scale)
    report = {"scale": args.scale, "sizes": asdict(sizes), "targets": TARGETS, "machine": machine(),
              "full": pass_dict(full), "incremental": pass_dict(day), "rerun": pass_dict(rerun),
              "floors": {name: asdict(m) | {"output_tail": None} for name, m in floors.items()},
              "verdict": verdict(sizes, full, day, rerun, floors) if rerun.ok else None}  # fmt: skip
    (bench_dir / "report.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    if report["verdict"]:
        (bench_dir / "report.md").write_text(to_markdown(report))
        print(to_markdown(report))
    return 0 if full.ok and day.ok and rerun.ok else 1


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    import platform

    import psutil

    return {"cpus": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform()}  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
