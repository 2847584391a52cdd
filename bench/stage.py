"""Pipeline stages one after another in one process, as the Prefect flow runs them, for the benchmark.

    python -m bench.stage STAGE [STAGE ...]   # extract validate-raw silver validate-silver dbt
                                              # validate-gold report

Each stage calls the same function the Prefect flow's task calls (flows.stages: a stage with nothing
new skips as it does in the flow), with the same `MOVIES_*` settings, and prints what it returns as
JSON. With `BENCH_MARKS` set (bench.measure.measure_stages), each stage's start and end are appended
to that file, so the parent process can time it and take its peak memory. The first stage that
fails ends the run (exit 1).
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.measure import MARKS_ENV
from settings import Settings


def _extract(settings: Settings) -> Any:
    from flows import stages

    return stages.extract_files(settings)


def _silver(settings: Settings) -> Any:
    from flows import stages

    return stages.build_silver(settings, app_name="bench-silver")


def _validate(layer: str) -> Callable[[Settings], Any]:
    def run(settings: Settings) -> Any:
        from extract.pipelines import FILE_SOURCES
        from flows import stages

        checks = {
            # The benchmark extracts the file sources only (see _extract): raw checks cover those.
            "raw": lambda: stages.check_raw(settings, tuple(FILE_SOURCES)),
            "silver": lambda: stages.check_silver(settings),
            "gold": lambda: stages.check_gold(settings),
        }
        return checks[layer]()

    return run


def _dbt(settings: Settings) -> Any:
    from flows import stages

    return stages.build_marts(settings)


def _report(settings: Settings) -> Any:
    from flows import stages
    from flows.html_report import write_html_report

    return stages.for_the_warehouse(
        settings,
        "html report",
        lambda: str(
            write_html_report(settings.warehouse_path, settings.reports_dir, target=settings.dbt_target)
        ),
    )


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
    """Run the named stages in order, printing what each returns as JSON; 1 at the first failure."""
    names = sys.argv[1:] if argv is None else argv
    if not names or not set(names) <= STAGES.keys():
        print(f"usage: python -m bench.stage {{{'|'.join(STAGES)}}} ...", file=sys.stderr)
        return 2
    settings = Settings()
    settings.export_runtime_env()
    marks = os.environ.get(MARKS_ENV)
    for name in names:
        _mark(marks, {"event": "start", "stage": name})
        try:
            print(json.dumps(STAGES[name](settings), default=str, sort_keys=True), flush=True)
        except Exception:
            traceback.print_exc()
            _mark(marks, {"event": "end", "ok": False})
            return 1
        _mark(marks, {"event": "end", "ok": True})
    return 0


def _mark(marks: str | None, mark: dict[str, Any]) -> None:
    if marks:
        with Path(marks).open("a") as out:
            out.write(json.dumps({**mark, "at": time.time()}) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
