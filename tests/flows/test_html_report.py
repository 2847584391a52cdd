"""The HTML report of a real run: one offline file whose images exist and whose numbers are the marts'."""

from __future__ import annotations

import base64
import re
import struct
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from flows.charts import CHARTS

pytestmark = pytest.mark.slow


class _ReportParser(HTMLParser):
    """Collects the embedded images and each numbers table's cells (their data-value attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.images: dict[str, str] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self.links: list[str] = []
        self._table: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        self.links += [values[key] for key in ("src", "href") if key in values]
        if tag == "img":
            self.images[values["data-chart"]] = values["src"]
        elif tag == "table":
            self._table = values["data-chart"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table and self.tables[self._table] is not None:
            self.tables[self._table].append([])
        elif tag == "td" and self._table:
            self.tables[self._table][-1].append(values["data-value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None


@pytest.fixture(scope="module")
def report(pipeline_runs) -> _ReportParser:
    parser = _ReportParser()
    parser.feed((pipeline_runs["dir"] / "reports" / "report.html").read_text(encoding="utf-8"))
    return parser


def _marts(data_dir: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        return con.sql(sql).fetchall()


def _rows(report: _ReportParser, key: str) -> list[list[str]]:
    return [row for row in report.tables[key] if row]  # the header row has no td


def _same(cells: list[list[str]], expected: list[tuple]) -> None:
    assert len(cells) == len(expected)
    for row, want in zip(cells, expected, strict=True):
        for cell, value in zip(row, want, strict=True):
            if value is None:
                assert cell == ""
            elif isinstance(value, int | float):
                assert float(cell) == pytest.approx(float(value), rel=1e-9)
            else:
                assert cell == str(value)


def test_every_chart_is_an_embedded_png(report):
    assert set(report.images) == {chart.key for chart in CHARTS}
    for key, src in report.images.items():
        assert src.startswith("data:image/png;base64,"), key
        png = base64.b64decode(src.split(",", 1)[1])
        assert png[:8] == b"\x89PNG\r\n\x1a\n", key
        width, height = struct.unpack(">II", png[16:24])
        assert width >= 500 and height >= 300, (key, width, height)


def test_the_page_needs_no_network(report):
    external = [link for link in report.links if re.match(r"(https?:)?//", link)]
    assert external == []


def test_rating_distribution_is_fct_ratings(report, pipeline_runs):
    expected = _marts(
        pipeline_runs["dir"], "select rating, count(*) from marts.fct_ratings group by 1 order by 1"
    )
    _same(_rows(report, "rating_distribution"), expected)
    assert sum(int(row[1]) for row in _rows(report, "rating_distribution")) == 100_004


def test_top_directors_are_rpt_top_directors(report, pipeline_runs):
    expected = _marts(
        pipeline_runs["dir"],
        "select director_rank, person_name, films_directed, rated_films, rating_count, "
        "average_weighted_rating from marts.rpt_top_directors where director_rank <= 15 order by 1",
    )
    assert len(expected) == 15
    _same(_rows(report, "top_directors"), expected)


def test_box_office_by_month_and_quarter_are_the_marts(report, pipeline_runs):
    for period, count in (("month", 12), ("quarter", 4)):
        expected = _marts(
            pipeline_runs["dir"],
            f"select release_{period}_number, release_{period}_name, film_count, "
            f"first_of_january_film_count, total_revenue_adjusted, median_revenue_adjusted "
            f"from marts.rpt_release_{period}_box_office order by 1",
        )
        assert len(expected) == count
        _same(_rows(report, f"box_office_by_{period}"), expected)


def test_franchise_and_genre_sections_are_the_marts(report, pipeline_runs):
    franchise = _marts(
        pipeline_runs["dir"],
        "select movie_type, film_count, avg_revenue_adjusted, avg_budget_adjusted, avg_roi, avg_rating "
        "from marts.rpt_franchise_vs_standalone order by movie_type",
    )
    _same(_rows(report, "franchise_vs_standalone"), franchise)
    genres = _marts(
        pipeline_runs["dir"],
        "select p.genre_name, p.movie_count, p.rating_count, p.average_rating, r.median_revenue_adjusted "
        "from marts.rpt_genre_popularity p left join marts.rpt_genre_adjusted_revenue r on "
        "r.genre_key = p.genre_key where p.rating_count > 0 order by p.popularity_rank",
    )
    assert len(genres) >= 15
    _same(_rows(report, "genre_performance"), genres)


def test_money_sections_match_fct_movie_financials(report, pipeline_runs):
    data_dir = pipeline_runs["dir"]
    plotted = _marts(
        data_dir,
        "select d.title, d.release_year, f.budget_adjusted, f.revenue_adjusted "
        "from marts.fct_movie_financials f join marts.dim_movies d on d.movie_id = f.movie_id "
        "where f.budget_adjusted > 0 and f.revenue_adjusted > 0 order by f.movie_id",
    )
    assert len(plotted) > 500
    _same(_rows(report, "revenue_vs_budget"), plotted[:100])  # the table shows the first 100 dots
    yearly = {int(row[0]): float(row[6]) for row in _rows(report, "yearly_money")}
    adjusted_profit = dict(
        _marts(
            data_dir,
            "select d.release_year, sum(f.revenue_adjusted - f.budget_adjusted) "
            "from marts.fct_movie_financials f join marts.dim_movies d on d.movie_id = f.movie_id "
            "where f.budget_adjusted is not null and f.revenue_adjusted is not null "
            "and d.release_year is not null group by 1",
        )
    )
    assert yearly.keys() == adjusted_profit.keys()
    for year, profit in adjusted_profit.items():
        assert yearly[year] == pytest.approx(profit, rel=1e-9)
    genres = {row[0]: (int(row[1]), float(row[2])) for row in _rows(report, "roi_by_genre")}
    drama = _marts(
        data_dir,
        "select count(*), median(f.roi) from marts.fct_movie_financials f join marts.bridge_movie_genres b "
        "on b.movie_id = f.movie_id join marts.dim_genres g on g.genre_key = b.genre_key "
        "where g.genre_name = 'Drama' and f.roi is not null and f.budget_adjusted > 1000000",
    )[0]
    assert genres["Drama"][0] == drama[0] >= 10
    assert genres["Drama"][1] == pytest.approx(drama[1], abs=1e-6)  # rpt_genre_roi rounds to 6 places
    assert all(films >= 10 for films, _ in genres.values())
