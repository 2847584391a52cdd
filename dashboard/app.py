"""The Streamlit page: filters in the sidebar, then headline numbers, genres (click one for its
films), box office by release month and the top-rated films, each chart with its numbers beside it.

Streamlit runs this file as a script on every interaction (`python -m dashboard` starts it). Each
run opens the warehouse read-only for its queries and closes it again, so a scheduled build can
write between interactions; answers are cached per query and warehouse version.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.filters import Filters
from dashboard.source import Warehouse

Ask = Callable[[str], pd.DataFrame]
MONEY = "{:,.0f}"
NONE = "-"  # a null number
GENRE_SELECTION = "genre_click"


def main() -> None:
    """Lay out the page for the filters the user has chosen."""
    st.set_page_config(page_title="Movie warehouse", layout="wide")
    warehouse = Warehouse.from_settings()
    if not warehouse.exists():
        st.error(f"No warehouse at {warehouse.location}: run `make run` first.")
        return
    ask = _cached(warehouse)
    st.title("Movie warehouse")
    filters = _sidebar(ask)
    _overview(ask(queries.overview(filters)))
    genre = _genres(ask(queries.genres(filters)))
    if genre is not None:
        _genre_films(genre, ask(queries.genre_films(filters, genre)))
    left, right = st.columns(2)
    with left:
        _release_months(ask(queries.release_months(filters)))
    with right:
        _top_rated(ask(queries.top_rated(filters)))
    st.caption(f"Warehouse: {warehouse.location} ({warehouse.target}), built {warehouse.built_at()}.")


def _cached(warehouse: Warehouse) -> Ask:
    """Ask the warehouse, caching each answer for as long as the warehouse file is unchanged."""
    version = warehouse.version()

    # Both arguments are hashed (Streamlit skips only names starting with "_"), so a new build's
    # version misses the cache.
    @st.cache_data(show_spinner=False, max_entries=256)
    def answer(sql: str, version: str) -> pd.DataFrame:
        return warehouse.frame(sql)

    return lambda sql: answer(sql, version)


def _sidebar(ask: Ask) -> Filters:
    """The filters: genres, a release-year range and original languages."""
    sidebar = st.sidebar
    sidebar.header("Filters")
    genres = sidebar.multiselect("Genres", ask(queries.genre_names())["genre_name"].tolist())
    bounds = ask(queries.year_bounds()).iloc[0]
    first, last = int(bounds["first"]), int(bounds["last"])
    years = sidebar.slider("Release years", first, last, (first, last))
    languages = ask(queries.languages())
    names = {row.code: f"{row.name} ({row.code}) · {row.films:,} films" for row in languages.itertuples()}
    chosen = sidebar.multiselect("Original languages", list(names), format_func=names.__getitem__)
    return Filters(
        genres=tuple(genres),
        years=None if tuple(years) == (first, last) else (int(years[0]), int(years[1])),
        languages=tuple(chosen),
    )


def _overview(row: pd.DataFrame) -> None:
    numbers = row.iloc[0]
    cells = st.columns(5)
    cells[0].metric("Films", f"{int(numbers['films']):,}")
    cells[1].metric("Films with box office", f"{int(numbers['films_with_revenue']):,}")
    cells[2].metric("MovieLens ratings", f"{int(numbers['ratings']):,}")
    revenue = numbers["total_revenue_adjusted"]
    cells[3].metric("Box office, adjusted", NONE if pd.isna(revenue) else f"${revenue / 1e9:,.1f} bn")
    roi = numbers["median_roi"]
    cells[4].metric("Median ROI (ranked films)", NONE if pd.isna(roi) else f"{roi:.2f}")


def _genres(table: pd.DataFrame) -> str | None:
    """The genre chart and its numbers; returns the genre whose films to show, if one is picked."""
    st.subheader("Genres by inflation-adjusted box office")
    if table.empty:
        st.info("No film matches these filters.")
        return None
    chart = (
        alt.Chart(table)
        .mark_bar()
        .encode(
            x=alt.X("total_revenue_adjusted:Q", title="Box office, adjusted $"),
            y=alt.Y("genre:N", sort="-x", title=None),
            tooltip=["genre", "films", "ratings", "total_revenue_adjusted", "median_roi"],
        )
        .add_params(alt.selection_point(name=GENRE_SELECTION, fields=["genre"]))
    )
    left, right = st.columns(2)
    with left:
        event = st.altair_chart(chart, on_select="rerun", key="genre_chart")
    with right:
        st.table(_styled(table, {"total_revenue_adjusted": MONEY, "median_roi": "{:.2f}"}))
    clicked = [point["genre"] for point in event.selection.get(GENRE_SELECTION, []) if "genre" in point]
    picked = st.pills("Show the films of a genre", table["genre"].tolist(), key="genre_pick")
    return picked or (clicked[0] if clicked else None)


def _genre_films(genre: str, table: pd.DataFrame) -> None:
    total = int(table["films"].iloc[0]) if len(table) else 0
    shown = f", the {len(table)} most rated" if len(table) < total else ""
    st.subheader(f"{genre} films ({total:,}{shown})")
    table = table.drop(columns="films")
    st.table(_styled(table, {"revenue_adjusted": MONEY, "weighted_rating": "{:.3f}", "roi": "{:.2f}"}))


def _release_months(table: pd.DataFrame) -> None:
    st.subheader("Box office by release month")
    table = table.assign(month=[calendar.month_abbr[number] for number in table["month"]])
    chart = (
        alt.Chart(table)
        .mark_bar()
        .encode(
            x=alt.X("month:N", sort=list(calendar.month_abbr[1:]), title=None),
            y=alt.Y("median_revenue_adjusted:Q", title="Median box office, adjusted $"),
            tooltip=["month", "films_with_revenue", "median_revenue_adjusted"],
        )
    )
    st.altair_chart(chart)
    st.table(_styled(table, {"total_revenue_adjusted": MONEY, "median_revenue_adjusted": MONEY}))


def _top_rated(table: pd.DataFrame) -> None:
    st.subheader("Top rated (enough MovieLens ratings to rank)")
    st.table(_styled(table, {"weighted_rating": "{:.3f}"}))


def _styled(table: pd.DataFrame, formats: dict[str, str]) -> pd.io.formats.style.Styler:
    """The table without its index, money and ratios formatted, nulls shown as a dash."""
    present = {column: form for column, form in formats.items() if column in table}
    return table.style.hide(axis="index").format(present, na_rep=NONE)


if __name__ == "__main__":
    main()
