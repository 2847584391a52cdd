"""The Kaggle-scale generator at a tiny scale: exact sizes, unique pairs, determinism, the next day."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from bench.generate import CREW_PER_FILM, ID_STRIDE, Sizes, draw_pairs, generate, scaled_movies
from sample.build import build_sample

SCALE = 0.01  # 455 movies, 260,243 ratings, 2,709 users


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    build_sample(folder)
    return folder


@pytest.fixture(scope="module")
def generated(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(sample_dir, tmp_path_factory.mktemp("bench") / "out", SCALE)


def _sql(query: str) -> list[tuple]:
    return duckdb.sql(query).fetchall()


def test_sizes_follow_kaggle_at_the_requested_scale() -> None:
    assert Sizes.at(1.0) == Sizes(movies=45_466, ratings=26_024_289, users=270_896)
    assert Sizes.at(SCALE) == Sizes(movies=455, ratings=260_243, users=2_709)


def test_movies_and_links_have_the_scaled_counts_and_unique_ids(generated: Path) -> None:
    kaggle = generated / "kaggle"
    metadata = f"read_csv('{kaggle}/movies_metadata.csv', all_varchar=true)"
    movies = _sql(f"select count(*), count(distinct id), count(distinct imdb_id) from {metadata}")
    assert movies == [(455, 455, 455)]
    links = _sql(f"select count(*), min(movieId), max(movieId) from '{kaggle}/links.csv'")
    assert links == [(455, 1, 455)]


def test_ratings_have_exact_count_unique_pairs_and_known_movies(generated: Path) -> None:
    ratings = f"'{generated}/kaggle/ratings.csv'"
    assert _sql(f"select count(*), count(distinct (userId, movieId)) from {ratings}") == [(260_243, 260_243)]
    assert _sql(f"select min(movieId) >= 1, max(movieId) <= 455, max(userId) <= 2709 from {ratings}") == [
        (True, True, True)
    ]
    halves = _sql(
        f"select count(*) from {ratings} where rating * 2 <> round(rating * 2) or rating < 0.5 or rating > 5"
    )
    assert halves == [(0,)]


def test_crew_is_padded_to_kaggles_size(generated: Path) -> None:
    crew = _sql(f"select crew from read_csv('{generated}/kaggle/credits.csv', all_varchar=true)")
    assert all(text.count("'job'") >= CREW_PER_FILM for (text,) in crew)


def test_copies_of_a_film_are_offset_by_the_id_stride() -> None:
    films = pa.table({"id": ["7", "30"], "imdb_id": ["tt0000007", "tt0000030"], "title": ["A", "B"]})
    table, base_ids, new_ids = scaled_movies(films, 5)
    assert base_ids.tolist() == [7, 30, 7, 30, 7]
    assert new_ids.tolist() == [int(value) for value in table["id"].to_pylist()]
    assert table["id"].to_pylist() == [
        "7",
        "30",
        str(7 + ID_STRIDE),
        str(30 + ID_STRIDE),
        str(7 + 2 * ID_STRIDE),
    ]
    assert table["imdb_id"].to_pylist()[2] == f"tt{7 + ID_STRIDE}"
    assert table["title"].to_pylist() == ["A", "B", "A", "B", "A"]


def test_next_day_holds_one_percent_new_ratings_after_the_last_day(generated: Path) -> None:
    day = f"'{generated}/day1/kaggle/ratings.csv'"
    base = f"'{generated}/kaggle/ratings.csv'"
    assert _sql(f"select count(*) from {day}") == [(2_602,)]
    later = _sql(f"select min(d.timestamp) > (select max(timestamp) from {base}) from {day} d")
    assert later == [(True,)]
    re_rated = _sql(f"select count(*) from {day} d join {base} b using (userId, movieId)")
    assert re_rated == [(260,)]


def test_next_day_changes_half_a_percent_of_movies(generated: Path) -> None:
    before = f"read_csv('{generated}/kaggle/movies_metadata.csv', all_varchar=true)"
    after = f"read_csv('{generated}/day1/kaggle/movies_metadata.csv', all_varchar=true)"
    changed = _sql(f"select count(*) from (select * from {after} except select * from {before})")
    assert changed == [(2,)]  # round(455 * 0.005)


def test_generation_is_deterministic(sample_dir: Path, generated: Path, tmp_path: Path) -> None:
    again = generate(sample_dir, tmp_path / "again", SCALE)
    for name in ("kaggle/ratings.csv", "kaggle/credits.csv", "day1/kaggle/ratings.csv"):
        digests = {hashlib.sha256((root / name).read_bytes()).hexdigest() for root in (generated, again)}
        assert len(digests) == 1, name


def test_drawing_more_pairs_than_half_the_grid_is_refused() -> None:
    rng = np.random.default_rng(1)
    with pytest.raises(ValueError, match="need more than 3 users x 4 films"):
        draw_pairs(np.ones(3), np.ones(4), 7, rng)
    users, films = draw_pairs(np.ones(3), np.ones(4), 6, rng)
    assert len({(u, f) for u, f in zip(users.tolist(), films.tolist(), strict=True)}) == 6
