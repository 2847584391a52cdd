"""The dashboard on the sample's warehouse, served by Streamlit and driven in headless Chromium
(Debian's `chromium`, through Playwright): its numbers are the warehouse's, before and after a filter,
and a click on a genre lists that genre's films.

The expected numbers are asked of the warehouse here in SQL of the test's own, over the per-genre
grain the semantic layer sums (`fct_genre_movies`), and of the reports (`rpt_` models).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from dashboard import queries
from dashboard.filters import Filters
from flows.dbt_runner import release_duckdb
from sample.ports import free_port

pytestmark = pytest.mark.slow

BROWSER_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync",
                 "--disable-component-update", "--no-first-run", "--disable-quic"]  # fmt: skip
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LANGUAGE, LANGUAGE_NAME, GENRE = "fr", "French", "Drama"
WAIT_MS = 60_000


def _warehouse(pipeline_runs) -> Path:
    return Path(pipeline_runs["dir"]) / "warehouse.duckdb"


def _sql(warehouse: Path, sql: str) -> pd.DataFrame:
    release_duckdb()  # an earlier test's dbt connection may still hold the file
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.sql(sql).df()


def _genre_totals(warehouse: Path, where: str = "true") -> dict[str, tuple[int, int]]:
    """Per genre: films and their adjusted box office (whole dollars), over fct_genre_movies."""
    frame = _sql(warehouse, f"""
        select genres.genre_name, count(*) as films,
            round(coalesce(sum(grain.revenue_adjusted), 0)) as revenue
        from marts.fct_genre_movies as grain
        inner join marts.dim_genres as genres on grain.genre_key = genres.genre_key
        inner join marts.dim_movies as movies on grain.movie_id = movies.movie_id
        where {where}
        group by genres.genre_name""")  # fmt: skip
    return {row.genre_name: (int(row.films), int(row.revenue)) for row in frame.itertuples()}


def test_the_panels_unfiltered_answer_as_the_reports_do(pipeline_runs) -> None:
    warehouse = _warehouse(pipeline_runs)
    genres = _sql(warehouse, queries.genres(Filters())).set_index("genre")
    report = _sql(warehouse, "select * from marts.rpt_genre_adjusted_revenue where film_count > 0")
    assert len(genres) == len(report) > 10
    for row in report.itertuples():
        assert genres.loc[row.genre_name, "films"] == row.film_count
        assert genres.loc[row.genre_name, "films_with_revenue"] == row.films_with_revenue_count
        assert genres.loc[row.genre_name, "total_revenue_adjusted"] == pytest.approx(
            row.total_revenue_adjusted or 0, abs=0.01
        )
    months = _sql(warehouse, queries.release_months(Filters())).set_index("month")
    by_month = _sql(warehouse, "select * from marts.rpt_release_month_box_office where film_count > 0")
    assert len(months) == len(by_month) == 12
    for row in by_month.itertuples():
        assert months.loc[row.release_month_number, "films_with_revenue"] == row.film_count
        assert months.loc[row.release_month_number, "median_revenue_adjusted"] == pytest.approx(
            row.median_revenue_adjusted, abs=0.01
        )


def test_filters_narrow_every_panel_to_the_chosen_films(pipeline_runs) -> None:
    warehouse = _warehouse(pipeline_runs)
    everything = _sql(warehouse, queries.overview(Filters())).iloc[0]
    french = Filters(languages=(LANGUAGE,))
    assert (
        _sql(warehouse, queries.overview(french)).iloc[0]["films"]
        == _sql(
            warehouse, f"select count(*) as n from marts.dim_movies where original_language = '{LANGUAGE}'"
        ).iloc[0]["n"]
        < everything["films"]
    )
    nineties = Filters(genres=(GENRE,), years=(1990, 1999))
    films = _sql(warehouse, queries.genre_films(nineties, GENRE))
    assert len(films) > 0 and films["year"].between(1990, 1999).all()
    # A chosen genre lists only itself, with its films in the year range.
    genres = _sql(warehouse, queries.genres(nineties))
    assert genres["genre"].tolist() == [GENRE]
    assert genres.iloc[0]["films"] == films["films"].iloc[0] > len(films) == queries.GENRE_FILMS
    top = _sql(warehouse, queries.top_rated(nineties))
    assert set(top["title"]) <= set(films["title"]) and len(top) > 0


# --- in the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dashboard_url(pipeline_runs) -> Iterator[str]:
    """`python -m dashboard` on the sample run's data dir, until the module ends."""
    port = free_port()
    env = {**os.environ, "MOVIES_DATA_DIR": str(pipeline_runs["dir"]), "MOVIES_DBT_TARGET": "duckdb"}
    release_duckdb()
    server = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_healthy(url: str, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the dashboard exited: {server.stdout.read() if server.stdout else ''}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as answer:
                if answer.read().decode() == "ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"the dashboard at {url} did not answer its health check")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


def _table(page: Page, column: str) -> pd.DataFrame:
    """The rows of the page's one table with a header cell `column`, as shown."""
    page.locator('[data-testid="stTable"] thead th').filter(has_text=column).first.wait_for(timeout=WAIT_MS)
    shown = page.evaluate(
        """column => [...document.querySelectorAll('[data-testid="stTable"] table')]
            .map(table => ({
                heads: [...table.querySelectorAll('thead th')].map(cell => cell.innerText.trim()),
                rows: [...table.querySelectorAll('tbody tr')].map(
                    row => [...row.querySelectorAll('td')].map(cell => cell.innerText.trim())),
            }))
            .filter(table => table.heads.includes(column))""",
        column,
    )
    assert len(shown) == 1, f"{len(shown)} tables have a column {column!r}"
    return pd.DataFrame(shown[0]["rows"], columns=shown[0]["heads"])


def _number(text: str) -> int:
    return int(float(text.replace(",", "")))


def _shown_genre_totals(page: Page) -> dict[str, tuple[int, int]]:
    table = _table(page, "genre")
    return {
        row.genre: (_number(row.films), _number(row.total_revenue_adjusted)) for row in table.itertuples()
    }


def _settled(page: Page) -> None:
    """Wait until Streamlit has finished re-running the script for the last interaction."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=WAIT_MS)


def test_a_language_filter_changes_the_genre_chart_to_the_warehouse_numbers_and_a_genre_click_lists_its_films(
    pipeline_runs, dashboard_url: str, browser: Browser
) -> None:
    warehouse = _warehouse(pipeline_runs)
    unfiltered = _genre_totals(warehouse)
    french = _genre_totals(warehouse, f"movies.original_language = '{LANGUAGE}'")
    french_drama = _sql(warehouse, f"""
        select movies.title, performance.rating_count
        from marts.dim_movies as movies
        inner join marts.fct_movie_performance as performance on movies.movie_id = performance.movie_id
        inner join marts.bridge_movie_genres as movie_genres on movies.movie_id = movie_genres.movie_id
        inner join marts.dim_genres as genres on movie_genres.genre_key = genres.genre_key
        where genres.genre_name = '{GENRE}' and movies.original_language = '{LANGUAGE}'
        order by performance.rating_count desc, movies.title asc, movies.release_year asc""")  # fmt: skip
    assert french != unfiltered and len(french_drama) > queries.GENRE_FILMS

    page = browser.new_page(viewport={"width": 1600, "height": 2000})
    elsewhere: list[str] = []  # every asset is served by the dashboard itself: no CDN, no telemetry
    page.on("request", lambda request: None if request.url.startswith((dashboard_url, "data:", "blob:"))
            else elsewhere.append(request.url))  # fmt: skip
    page.goto(dashboard_url)
    _settled(page)
    assert _shown_genre_totals(page) == unfiltered

    languages = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Original languages")
    languages.locator("input").click()
    languages.locator("input").fill(LANGUAGE_NAME)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.wait_for_function(
        "count => document.querySelectorAll('[data-testid=\"stTable\"] tbody tr').length !== count",
        arg=page.locator('[data-testid="stTable"] tbody tr').count(),
        timeout=WAIT_MS,
    )
    _settled(page)
    assert _shown_genre_totals(page) == french

    page.locator('[data-testid="stButtonGroup"] button').filter(has_text=GENRE).first.click()
    heading = f"{GENRE} films ({len(french_drama)}, the {queries.GENRE_FILMS} most rated)"
    page.get_by_text(heading).wait_for(timeout=WAIT_MS)
    films = _table(page, "revenue_adjusted")
    most_rated = french_drama.head(queries.GENRE_FILMS)
    assert films["title"].tolist() == most_rated["title"].tolist()
    assert films["ratings"].map(_number).tolist() == most_rated["rating_count"].tolist()
    assert set(films["language"]) == {LANGUAGE}
    assert elsewhere == []
