"""The report's figures: for each, the query on the marts that feeds it and how matplotlib draws it.

Every figure reads an `rpt_` model (whose measures the semantic layer's metrics share) or plots a
fact's rows; none computes an aggregate of its own. Figures are drawn without pyplot's global state.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import FuncFormatter, PercentFormatter

BLUE, ORANGE, GREEN, GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#7f7f7f"


def money(value: float, _: object = None) -> str:
    """$1.2B / $35M / $900K: compact US-dollar labels for axes."""
    magnitude = abs(value)
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if magnitude >= threshold:
            return f"${value / threshold:,.{0 if magnitude >= 10 * threshold else 1}f}{suffix}"
    return f"${value:,.0f}"


MONEY = FuncFormatter(money)


@dataclass(frozen=True)
class Chart:
    """One figure: the query that feeds it (its rows are also the numbers table) and how it is drawn."""

    key: str
    title: str
    caption: str
    sql: str
    draw: Callable[[pd.DataFrame, MplFigure, str], None]
    panels: int = 1


def _bars(
    ax: Axes, labels: pd.Series, values: pd.Series, color: str = BLUE, horizontal: bool = False
) -> None:
    if horizontal:
        ax.barh(labels.astype(str), values, color=color)
        ax.invert_yaxis()
    else:
        ax.bar(labels.astype(str), values, color=color)


def draw_revenue_vs_budget(frame: pd.DataFrame, figure: MplFigure, base: str) -> None:
    """Log-log scatter of adjusted budget against adjusted revenue with the break-even line."""
    ax = figure.subplots()
    ax.scatter(frame["budget_adjusted"], frame["revenue_adjusted"], s=6, alpha=0.35, color=BLUE)
    low = min(frame["budget_adjusted"].min(), frame["revenue_adjusted"].min())
    high = max(frame["budget_adjusted"].max(), frame["revenue_adjusted"].max())
    ax.plot([low, high], [low, high], color=ORANGE, linewidth=1.2, label="break-even (revenue = budget)")
    ax.set(xscale="log", yscale="log", xlabel=f"Budget (US$, {base} dollars, log scale)",
           ylabel=f"Worldwide revenue (US$, {base} dollars, log scale)")  # fmt: skip
    ax.xaxis.set_major_formatter(MONEY)
    ax.yaxis.set_major_formatter(MONEY)
    ax.legend(loc="upper left")


def draw_roi_by_genre(frame: pd.DataFrame, figure: MplFigure, _: str) -> None:
    """Median ROI per genre, highest first."""
    ax = figure.subplots()
    _bars(ax, frame["genre_name"], frame["median_roi"], horizontal=True)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.axvline(0, color=GREY, linewidth=0.8)
    ax.set(xlabel="Median ROI ((revenue - budget) / budget, %)", ylabel="Genre")


def draw_popularity_vs_rating(frame: pd.DataFrame, figure: MplFigure, _: str) -> None:
    """Number of ratings (log) against average rating, one dot per movie."""
    ax = figure.subplots()
    ax.scatter(frame["rating_count"], frame["average_rating"], s=6, alpha=0.35, color=BLUE)
    ax.set(xscale="log", xlabel="Popularity: MovieLens ratings per movie (count, log scale)",
           ylabel="Average MovieLens rating (stars, 0.5-5)", ylim=(0.4, 5.1))  # fmt: skip


def draw_yearly_money(frame: pd.DataFrame, figure: MplFigure, base: str) -> None:
    """Total budget, revenue and profit per release year, nominal beside inflation-adjusted."""
    nominal, adjusted = figure.subplots(1, 2, sharey=True)
    panels = ((nominal, "nominal", "Nominal (dollars of the release year)", "nominal US$"),
              (adjusted, "adjusted", f"Inflation-adjusted ({base} dollars)", f"{base} US$"))  # fmt: skip
    for ax, kind, title, unit in panels:
        for measure, color in (("revenue", BLUE), ("budget", ORANGE), ("profit", GREEN)):
            ax.plot(frame["release_year"], frame[f"{measure}_{kind}"], color=color, label=measure)
        ax.set(title=title, xlabel="Release year", ylabel=f"Total per year ({unit})")
        ax.yaxis.set_major_formatter(MONEY)
        ax.axhline(0, color=GREY, linewidth=0.8)
    nominal.legend(loc="upper left")


def draw_franchise_vs_standalone(frame: pd.DataFrame, figure: MplFigure, base: str) -> None:
    """Franchise films against standalone ones on four measures."""
    axes = figure.subplots(1, 4)
    measures = (("avg_revenue_adjusted", f"Average revenue ({base} US$)", MONEY),
                ("avg_budget_adjusted", f"Average budget ({base} US$)", MONEY),
                ("avg_roi", "Average ROI (%)", PercentFormatter(1.0)),
                ("avg_rating", "Average rating (stars)", None))  # fmt: skip
    for ax, (column, label, formatter) in zip(axes, measures, strict=True):
        _bars(ax, frame["movie_type"], frame[column], color=ORANGE)
        ax.set(title=label, xlabel="Film type")
        if formatter is not None:
            ax.yaxis.set_major_formatter(formatter)
    if len(frame) < 2 or (frame["film_count"] == 0).any():
        figure.text(0.5, 0.01, "Only one film type has films here: the sources gave no (or only) "
                    "collections.", ha="center", color=GREY)  # fmt: skip


def draw_rating_distribution(frame: pd.DataFrame, figure: MplFigure, _: str) -> None:
    """How many ratings give each star value."""
    ax = figure.subplots()
    ax.bar(frame["rating"], frame["rating_count"], width=0.4, color=BLUE)
    ax.set(xlabel="Rating (stars, 0.5 steps)", ylabel="Ratings (count)", xticks=frame["rating"])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))


def draw_top_directors(frame: pd.DataFrame, figure: MplFigure, _: str) -> None:
    """Directors ranked by the weighted rating of their films."""
    ax = figure.subplots()
    labels = frame["person_name"] + " (" + frame["rated_films"].astype(str) + " films)"
    _bars(ax, labels, frame["average_weighted_rating"], color=GREEN, horizontal=True)
    low = max(0.0, float(frame["average_weighted_rating"].min()) - 0.3)
    ax.set(xlabel="Average weighted rating of their films (stars)", ylabel="Director", xlim=(low, None))


def draw_genre_performance(frame: pd.DataFrame, figure: MplFigure, base: str) -> None:
    """Per genre: how much it is rated, how well, and what it earns."""
    count, rating, revenue = figure.subplots(1, 3, sharey=True)
    _bars(count, frame["genre_name"], frame["rating_count"], horizontal=True)
    count.set(title="Popularity", xlabel="MovieLens ratings (count)", ylabel="Genre")
    _bars(rating, frame["genre_name"], frame["average_rating"], color=GREEN, horizontal=True)
    rating.invert_yaxis()  # shared axis: invert once more to undo the second inversion
    rating.set(title="Rating", xlabel="Average rating (stars)", xlim=(2.5, 4.5))
    _bars(revenue, frame["genre_name"], frame["median_revenue_adjusted"], color=ORANGE, horizontal=True)
    revenue.invert_yaxis()
    revenue.set(title="Box office", xlabel=f"Median revenue per film ({base} US$)")
    revenue.xaxis.set_major_formatter(MONEY)


def _draw_release_period(period: str) -> Callable[[pd.DataFrame, MplFigure, str], None]:
    def draw(frame: pd.DataFrame, figure: MplFigure, base: str) -> None:
        total, median = figure.subplots(1, 2)
        _bars(total, frame[f"release_{period}_name"], frame["total_revenue_adjusted"])
        total.set(title="Total", xlabel=f"Release {period}", ylabel=f"Total revenue ({base} US$)")
        _bars(median, frame[f"release_{period}_name"], frame["median_revenue_adjusted"], color=ORANGE)
        median.set(title="Median film", xlabel=f"Release {period}",
                   ylabel=f"Median revenue per film ({base} US$)")  # fmt: skip
        for ax in (total, median):
            ax.yaxis.set_major_formatter(MONEY)
            ax.tick_params(axis="x", labelrotation=45 if period == "month" else 0)

    return draw


CHARTS: tuple[Chart, ...] = (
    Chart(
        "revenue_vs_budget", "Revenue against budget",
        "Each dot is a film with a known budget and revenue, both inflation-adjusted; above the line it "
        "earned more than it cost.",
        """select m.title, m.release_year, f.budget_adjusted, f.revenue_adjusted
           from marts.fct_movie_financials as f join marts.dim_movies as m on f.movie_id = m.movie_id
           where f.budget_adjusted > 0 and f.revenue_adjusted > 0 order by f.movie_id""",
        draw_revenue_vs_budget,
    ),
    Chart(
        "roi_by_genre", "Return on investment by genre",
        "Median ROI of the films in the ROI ranking (a budget above roi_min_budget, $1M adjusted by "
        "default, and a known revenue); genres with at least 10 such films. A film counts in each of "
        "its genres (rpt_genre_roi).",
        """select genre_name, ranked_film_count, median_roi from marts.rpt_genre_roi
           where ranked_film_count >= 10 order by roi_rank""",
        draw_roi_by_genre,
    ),
    Chart(
        "popularity_vs_rating", "Popularity against rating",
        "Each dot is a movie with at least 5 MovieLens ratings: how many people rated it and how well.",
        """select m.title, p.rating_count, p.average_rating
           from marts.fct_movie_performance as p join marts.dim_movies as m on p.movie_id = m.movie_id
           where p.rating_count >= 5 order by p.movie_id""",
        draw_popularity_vs_rating,
    ),
    Chart(
        "yearly_money", "Budget, revenue and profit per release year",
        "Sums over films with both a known budget and a known revenue, so the three lines compare; "
        "left in the dollars of the release year, right adjusted to the base month's prices.",
        """select release_year, budget_nominal, revenue_nominal, profit_nominal, budget_adjusted,
                  revenue_adjusted, profit_adjusted
           from marts.rpt_release_year_money order by release_year""",
        draw_yearly_money,
        panels=2,
    ),
    Chart(
        "franchise_vs_standalone", "Franchise films against standalone films",
        "A franchise film belongs to a TMDB collection; money inflation-adjusted.",
        """select movie_type, film_count, avg_revenue_adjusted, avg_budget_adjusted, avg_roi, avg_rating
           from marts.rpt_franchise_vs_standalone order by movie_type""",
        draw_franchise_vs_standalone,
        panels=2,
    ),
    Chart(
        "rating_distribution", "How people rate",
        "Every MovieLens rating in the warehouse, by star value.",
        "select rating, rating_count from marts.rpt_rating_distribution order by rating",
        draw_rating_distribution,
    ),
    Chart(
        "top_directors", "Top directors",
        "Directors ranked by the average weighted rating of their rated films (rpt_top_directors).",
        """select director_rank, person_name, films_directed, rated_films, rating_count,
                  average_weighted_rating
           from marts.rpt_top_directors where director_rank <= 15 order by director_rank""",
        draw_top_directors,
    ),
    Chart(
        "genre_performance", "Genre performance",
        "Per genre: ratings received, average rating and median inflation-adjusted revenue per film.",
        """select p.genre_name, p.movie_count, p.rating_count, p.average_rating,
                  r.median_revenue_adjusted
           from marts.rpt_genre_popularity as p
           left join marts.rpt_genre_adjusted_revenue as r on p.genre_key = r.genre_key
           where p.rating_count > 0 order by p.popularity_rank""",
        draw_genre_performance,
        panels=2,
    ),
    Chart(
        "box_office_by_month", "Box office by release month",
        "Inflation-adjusted revenue of films released in each calendar month. Films whose source gives "
        "only a year are dated 1 January and swell January's total (see first_of_january_film_count).",
        """select release_month_number, release_month_name, film_count, first_of_january_film_count,
                  total_revenue_adjusted, median_revenue_adjusted
           from marts.rpt_release_month_box_office order by release_month_number""",
        _draw_release_period("month"),
        panels=2,
    ),
    Chart(
        "box_office_by_quarter", "Box office by release quarter",
        "Inflation-adjusted revenue of films released in each quarter.",
        """select release_quarter_number, release_quarter_name, film_count, first_of_january_film_count,
                  total_revenue_adjusted, median_revenue_adjusted
           from marts.rpt_release_quarter_box_office order by release_quarter_number""",
        _draw_release_period("quarter"),
        panels=2,
    ),
)  # fmt: skip


def png_base64(chart: Chart, frame: pd.DataFrame, base: str) -> str:
    """Draw one chart (no pyplot global state) and return its PNG, base64-encoded."""
    figure = MplFigure(figsize=(6.5 * chart.panels if chart.panels > 1 else 9, 5.2), layout="constrained")
    if frame.empty:
        figure.text(0.5, 0.5, "no rows in the warehouse yet", ha="center", va="center", fontsize=14)
    else:
        chart.draw(frame, figure, base)
    figure.suptitle(chart.title, fontsize=14, fontweight="bold")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    return base64.b64encode(buffer.getvalue()).decode("ascii")
