"""One pipeline stage in its own process, so the benchmark can time it and take its peak memory.

    python -m bench.stage extract|validate-raw|silver|validate-silver|dbt|validate-gold|report

Each stage calls the same function the Prefect flow's task calls, with the same `MOVIES_*` settings.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from flows.settings import Settings


def _extract(settings: Settings) -> Any:
    from extract.pipelines import load_file_sources

    return [
        asdict(s)
        for s in load_file_sources(settings.source_files_dir, settings.lake_url, settings.pipelines_dir)
    ]


def _silver(settings: Settings) -> Any:
    from spark.jobs.silver import build_silver
    from spark.session import get_spark

    spark = get_spark("bench-silver", lake_url=settings.lake_url)
    try:
        return asdict(build_silver(spark, settings.lake_url, settings.cpi_base_month))
    finally:
        spark.stop()


def _validate(layer: str) -> Callable[[Settings], Any]:
    def run(settings: Settings) -> Any:
        from extract.pipelines import FILE_SOURCES
        from flows import quality

        # The benchmark extracts the file sources only (see _extract): raw checks cover those.
        return quality.validate_layer(layer, settings, tuple(FILE_SOURCES)).summary()

    return run


def _dbt(settings: Settings) -> Any:
    from flows.dbt_runner import run_dbt

    return run_dbt(
        ["build"], settings.dbt_project_dir, settings.dbt_target, settings.dbt_target_path
    ).summary()


def _report(settings: Settings) -> Any:
    from flows.html_report import write_html_report

    return str(write_html_report(settings.warehouse_path, settings.reports_dir, target=settings.dbt_target))


STAGES: dict[str, Callable[[Settings], Any]] = {
    "extract": _extract,
    "validate-raw": _validate("raw"),
    "silver": _silver,
    "validate-silver": _validate("silver"),
    "dbt": _dbt,
    "validate-gold": _validate("gold"),
    "report": _report,
}


def main(argv: list[str] | None = None) -> int:
    """Run the named stage and print what it returns as JSON."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] not in STAGES:
        print(f"usage: python -m bench.stage {{{'|'.join(STAGES)}}}", file=sys.stderr)
        return 2
    settings = Settings()
    for key, value in settings.runtime_env().items():
        os.environ.setdefault(key, value)
    print(json.dumps(STAGES[args[0]](settings), default=str, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
