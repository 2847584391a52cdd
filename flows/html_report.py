"""The HTML report: the figures of `flows.charts`, in one offline file rendered from a jinja2 template.

Every figure's PNG is embedded as base64 and the numbers it plots follow it in a table (each cell
carries the exact value in `data-value`), so the file needs no network, no server and no other
file. The queries run on the warehouse's own engine (flows.warehouse: the DuckDB file or Trino), in
SQL both accept. The page itself is `flows/templates/report.html.j2`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from flows.charts import CHARTS, Chart, png_base64
from flows.warehouse import Query, warehouse_query

REPORT_FILE = "report.html"
TEMPLATES = Path(__file__).with_name("templates")
ROW_LIMIT = 100  # rows of a figure's numbers shown under it


@dataclass(frozen=True)
class Cell:
    """One value of a numbers table: its exact value (`data-value`), how it is shown, and whether it
    is a number (right-aligned)."""

    value: str
    shown: str
    numeric: bool = False


def cell(value: Any) -> Cell:
    """A table cell for one value: thousands separated, small floats to three places, nulls as -."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Cell("", "-")
    if isinstance(value, float):
        return Cell(repr(value), f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.3f}", numeric=True)
    if isinstance(value, int):
        return Cell(str(value), f"{value:,}", numeric=True)
    return Cell(str(value), str(value))


@dataclass(frozen=True)
class Section:
    """One rendered chart: its PNG and the numbers shown with it."""

    chart: Chart
    png: str
    numbers: pd.DataFrame

    def rows(self, limit: int = ROW_LIMIT) -> list[list[Cell]]:
        """The first `limit` rows of the numbers, as cells."""
        shown = self.numbers.head(limit).astype(object).itertuples(index=False)
        return [[cell(value) for value in row] for row in shown]


def read_sections(query: Query) -> tuple[list[Section], str]:
    """Query every chart's rows from the warehouse and draw it; returns (sections, base month)."""
    base = query("select max(base_month) as base_month from marts.fct_movie_financials")["base_month"].iloc[0]
    label = base.strftime("%b %Y") if pd.notna(base) else "base-month"
    sections = []
    for chart in CHARTS:
        frame = query(chart.sql)
        sections.append(Section(chart, png_base64(chart, frame, label), frame))
    return sections, label


def render_html(sections: list[Section], base: str, summary: dict[str, str]) -> str:
    """The whole page: header with the run summary, a table of contents, one section per chart."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2"]))
    return environment.get_template("report.html.j2").render(
        sections=sections, base=base, summary=summary, limit=ROW_LIMIT
    )


def write_html_report(
    warehouse: Path, folder: Path, summary: dict[str, str] | None = None, target: str = "duckdb"
) -> Path:
    """Build report.html in `folder` from the marts of dbt target `target`; returns its path."""
    with warehouse_query(target, warehouse) as query:
        sections, base = read_sections(query)
    facts = {"generated": datetime.now(UTC).isoformat(timespec="seconds"), **(summary or {})}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / REPORT_FILE
    path.write_text(render_html(sections, base, facts), encoding="utf-8")
    return path
