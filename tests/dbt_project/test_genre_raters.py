"""rpt_genre_popularity counts each genre's distinct raters through per-user genre bit masks of
63 bits a word (see the model): with more genres than one word holds, every genre's count must
still equal a distinct count over the rating-genre join."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.dbt_project.workspace import DbtWorkspace, RunDbt

from .silver_lake import BATCH_1, GENRES, L1, Row
from .warehouse import build, query

pytestmark = pytest.mark.slow

# Toy Story (raters 1-8) gets 63 more genres, Grumpier Old Men (raters 1-3) one, Father of the
# Bride II (raters 1-2) six, so the catalog holds 78 genres (8 of the lake, 70 here): two words of bits.
EXTRA_GENRES: list[Row] = [
    *((862, 1000 + n, f"Genre {n:02}", L1) for n in range(63)),
    (15602, 1063, "Genre 63", L1),
    *((11862, 1000 + n, f"Genre {n:02}", L1) for n in range(64, 70)),
]


def test_rater_counts_hold_across_bit_words(dbt_workspace: DbtWorkspace, run_dbt: RunDbt) -> None:
    batch = replace(BATCH_1, tables={**BATCH_1.tables, "movie_genres": [*GENRES, *EXTRA_GENRES]})
    warehouse = build(dbt_workspace, run_dbt, batch, "many_genres")

    rows = dict(query(warehouse, "select genre_name, rater_count from marts.rpt_genre_popularity"))
    reference = dict(
        query(
            warehouse,
            "select g.genre_name, count(distinct r.user_id) from marts.dim_genres as g"
            " left join marts.bridge_movie_genres as b on g.genre_key = b.genre_key"
            " left join marts.fct_ratings as r on b.movie_id = r.movie_id group by g.genre_name",
        )
    )
    assert len(rows) == 78
    assert rows == reference
    assert (rows["Genre 00"], rows["Genre 62"], rows["Genre 63"], rows["Genre 69"]) == (8, 8, 3, 2)
    # Comedy: Toy Story, Grumpier Old Men, Waiting to Exhale, Father II; Horror: no movie held.
    assert (rows["Comedy"], rows["Family"], rows["Horror"]) == (8, 8, 0)
