"""`movies` command line: the whole flow or one step.

movies run            # the sample (offline demo), then the Prefect flow: extract -> Spark -> dbt -> checks
movies run --sources kaggle,fred --full-refresh --cpi-base-month 2020-01-01 --target duckdb
movies sample         # build the real-data sample only
movies extract        # load CSV-file sources into raw/
movies silver         # Spark: raw/ -> silver's Iceberg tables (--full-refresh: rebuild all)
movies dbt build      # any dbt command against dbt_project/ with the configured paths
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from settings import Settings


def _run(settings: Settings, args: argparse.Namespace) -> int:
    from flows.pipeline import movie_warehouse, result_paths
    from flows.warehouse import UnsupportedTargetError, require_flow_target
    from sample.offline import offline_demo

    try:
        require_flow_target(args.target or settings.dbt_target)
    except UnsupportedTargetError as refused:
        print(f"movies run: {refused}", file=sys.stderr)
        return 2
    with offline_demo(settings, build=not args.skip_sample):
        movie_warehouse(
            target=args.target,
            sources=args.sources.split(",") if args.sources else None,
            full_refresh=args.full_refresh,
            cpi_base_month=args.cpi_base_month,
            settings=settings,
        )
    print("\nThe warehouse is built. Results:")
    for name, path in result_paths(settings).items():
        print(f"  {name:13} {path}")
    return 0


def _sample(settings: Settings, _: argparse.Namespace) -> int:
    from sample.build import build_sample

    manifest = build_sample(settings.sample_dir)
    print(json.dumps(manifest.get("files", manifest), indent=2, sort_keys=True))
    return 0


def _extract(settings: Settings, _: argparse.Namespace) -> int:
    from flows.stages import extract_files

    for summary in extract_files(settings):
        print(json.dumps(summary, sort_keys=True))
    return 0


def _silver(settings: Settings, args: argparse.Namespace) -> int:
    from flows.stages import build_silver

    print(json.dumps(build_silver(settings, args.full_refresh), indent=2))
    return 0


def _dbt(settings: Settings, args: argparse.Namespace) -> int:
    from flows.dbt_runner import run_dbt

    outcome = run_dbt(args.dbt_args, settings.dbt_project_dir, settings.dbt_target, settings.dbt_target_path)
    print(f"dbt {outcome.command}: {len(outcome.statuses)} node(s) ok")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The `movies` argument parser."""
    parser = argparse.ArgumentParser(
        prog="movies", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    steps = parser.add_subparsers(dest="step", required=True)
    run = steps.add_parser("run", help="run the whole Prefect flow")
    run.add_argument("--skip-sample", action="store_true", help="do not (re)build the offline sample first")
    run.add_argument("--target", help="dbt target in dbt_project/profiles.yml (default MOVIES_DBT_TARGET)")
    run.add_argument("--sources", help="comma-separated sources to extract, e.g. kaggle,fred (default all)")
    run.add_argument("--full-refresh", action="store_true", help="rebuild dbt's incremental models")
    run.add_argument(
        "--cpi-base-month",
        type=date.fromisoformat,
        help="YYYY-MM-01: prices to adjust money to (default latest)",
    )
    run.set_defaults(handler=_run)
    steps.add_parser("sample", help="build the real-data sample").set_defaults(handler=_sample)
    steps.add_parser("extract", help="load CSV-file sources into raw/").set_defaults(handler=_extract)
    silver = steps.add_parser("silver", help="Spark: raw/ -> silver's Iceberg tables")
    silver.add_argument(
        "--full-refresh", action="store_true", help="rebuild every table (after a change to spark/'s code)"
    )
    silver.set_defaults(handler=_silver)
    dbt = steps.add_parser("dbt", help="run a dbt command, e.g. `movies dbt build`")
    dbt.add_argument("dbt_args", nargs=argparse.REMAINDER)
    dbt.set_defaults(handler=_dbt)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `movies` console script."""
    args = build_parser().parse_args(argv)
    settings = Settings()
    (settings.data_dir / "prefect").mkdir(parents=True, exist_ok=True)
    settings.export_runtime_env()
    return int(args.handler(settings, args))


if __name__ == "__main__":
    sys.exit(main())
