"""The dashboard's filters and the SQL predicate that selects the films they leave.

A film passes when its release year is in the range, its original language is one of those chosen
and it carries at least one of the chosen genres. An empty choice does not filter; a year range
that spans every year does not filter either, so films without a release date stay in the
unfiltered view.
"""

from __future__ import annotations

from dataclasses import dataclass

from lakehouse.sql import sql_strings


@dataclass(frozen=True)
class Filters:
    """What the user chose: genre names, an inclusive release-year range, language codes."""

    genres: tuple[str, ...] = ()
    years: tuple[int, int] | None = None
    languages: tuple[str, ...] = ()

    def predicate(self, movie: str = "movies") -> str:
        """A SQL condition on `dim_movies` rows aliased `movie`; `true` when nothing is chosen."""
        conditions = []
        if self.years is not None:
            first, last = self.years
            conditions.append(f"{movie}.release_year between {int(first)} and {int(last)}")
        if self.languages:
            conditions.append(f"{movie}.original_language in ({sql_strings(self.languages)})")
        if self.genres:
            conditions.append(
                "exists (select 1 from marts.bridge_movie_genres as chosen"
                " inner join marts.dim_genres as chosen_genres"
                " on chosen.genre_key = chosen_genres.genre_key"
                f" where chosen.movie_id = {movie}.movie_id"
                f" and chosen_genres.genre_name in ({sql_strings(self.genres)}))"
            )
        return " and ".join(conditions) or "true"
