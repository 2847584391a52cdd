"""Kaggle credits literals -> silver movie_cast, movie_crew, people and their quarantine."""

from __future__ import annotations

import pytest
from pyspark.sql import Row, SparkSession

from spark.transforms.credits import (
    MOVIE_CAST_COLUMNS,
    MOVIE_CREW_COLUMNS,
    PEOPLE_COLUMNS,
    kaggle_credit_lists,
    kaggle_credit_rejects,
    movie_cast,
    movie_crew,
    parsed_kaggle_credits,
    people,
    preferred_credit_lists,
    typed_kaggle_credits,
)
from tests.spark import raw_frames
from tests.spark.raw_frames import L1, L2

pytestmark = pytest.mark.slow

HELD_MOVIES = (862, 949, 15602)


def _cast(**member: object) -> dict[str, object]:
    empty = dict.fromkeys(("cast_id", "character", "credit_id", "gender", "id", "name", "order"))
    return {**empty, "profile_path": None, **member}


def _crew(**member: object) -> dict[str, object]:
    empty = dict.fromkeys(("credit_id", "department", "gender", "id", "job", "name"))
    return {**empty, "profile_path": None, **member}


TOY_STORY_L2_CAST = repr(
    [
        _cast(id=31, name="Tom Hanks", character="Woody (voice)", order=5, gender=2),
        _cast(id=31, name="Tom Hanks", character="Woody (voice)", order=0, gender=2),  # duplicate
        _cast(id=12898, name="Tim Allen", character="Buzz Lightyear (voice)", order=1, gender=0),
        _cast(id=None, name="  Annie   Potts ", character=" Bo Peep ", order=None),  # name only
        _cast(id=None, name=" ", character="Nobody"),  # names nobody: quarantined
    ]
)
TOY_STORY_L2_CREW = repr(
    [
        _crew(id=7879, name="John Lasseter", department="Directing", job="Director", gender=None),
        _crew(id=7879, name="John Lasseter", department="Directing", job="Director", gender=2),
        _crew(id=7879, name="John Lasseter", department="Writing", job="Screenplay", gender=None),
    ]
)

RAW_CREDITS = [
    # An earlier delivery of Toy Story: replaced whole by the later load.
    (repr([_cast(id=99, name="Don Rickles", character="Mr. Potato Head")]), "[]", "862", L1),
    (TOY_STORY_L2_CAST, TOY_STORY_L2_CREW, "862", L2),
    (TOY_STORY_L2_CAST, TOY_STORY_L2_CREW, " 862", L2),  # the same credits row twice
    (
        repr(
            [
                _cast(id=1158, name="Al Pacino", character="Lt. Vincent Hanna", order=0, gender=2),
                _cast(id=1158, name="Al Pacino", character="Narrator", order=7, gender=2),
            ]
        ),
        repr([_crew(id=None, name="Michael Mann", department="Directing", job="Director")]),
        "949",
        L1,
    ),
    ("[{'name': 'Jack Lemmon'", "[]", "15602", L1),  # unparseable cast
    (repr([_cast(id=1, name="Someone")]), "[]", "11860", L1),  # no such movie in silver
    ("[]", "[]", "1997-08-20", L1),  # shifted row: id is not an integer
]


@pytest.fixture(scope="module")
def built(spark: SparkSession) -> dict[str, list[Row]]:
    movies = spark.createDataFrame([(m,) for m in HELD_MOVIES], "movie_id bigint")
    typed = typed_kaggle_credits(raw_frames.credits(spark, RAW_CREDITS))
    parsed = parsed_kaggle_credits(typed, movies).cache()
    lists = preferred_credit_lists(kaggle_credit_lists(parsed)).cache()
    cast, cast_rejects = movie_cast(lists)
    crew, crew_rejects = movie_crew(lists)
    cast, crew = cast.cache(), crew.cache()
    rejects = kaggle_credit_rejects(typed, movies, parsed).unionByName(cast_rejects).unionByName(crew_rejects)
    return {
        "cast": cast.collect(),
        "crew": crew.collect(),
        "people": people(cast, crew).collect(),
        "rejects": rejects.collect(),
        "columns": [Row(name=",".join(frame.columns)) for frame in (cast, crew, people(cast, crew))],
    }


def test_contract_columns(built: dict[str, list[Row]]) -> None:
    assert [row["name"] for row in built["columns"]] == [
        ",".join(MOVIE_CAST_COLUMNS),
        ",".join(MOVIE_CREW_COLUMNS),
        ",".join(PEOPLE_COLUMNS),
    ]


def test_cast_rows_exact(built: dict[str, list[Row]]) -> None:
    rows = sorted(
        tuple(r[c] for c in ("movie_id", "person_key", "person_id", "person_name", "character"))
        + tuple(r[c] for c in ("billing_order", "gender", "source"))
        for r in built["cast"]
    )

    assert rows == [
        # Toy Story: only the later load; the duplicate Woody keeps order 0; gender 0 is unknown.
        (862, "name:Annie Potts", None, "Annie Potts", "Bo Peep", None, None, "kaggle"),
        (862, "tmdb:12898", 12898, "Tim Allen", "Buzz Lightyear (voice)", 1, None, "kaggle"),
        (862, "tmdb:31", 31, "Tom Hanks", "Woody (voice)", 0, 2, "kaggle"),
        # One person playing two characters is two rows.
        (949, "tmdb:1158", 1158, "Al Pacino", "Lt. Vincent Hanna", 0, 2, "kaggle"),
        (949, "tmdb:1158", 1158, "Al Pacino", "Narrator", 7, 2, "kaggle"),
    ]


def test_cast_rows_carry_their_load(built: dict[str, list[Row]]) -> None:
    loads = {(r["movie_id"], round(r["_loaded_at"].timestamp())) for r in built["cast"]}

    assert loads == {(862, round(float(L2))), (949, round(float(L1)))}


def test_crew_rows_exact(built: dict[str, list[Row]]) -> None:
    rows = sorted(
        tuple(r[c] for c in ("movie_id", "person_key", "person_id", "person_name", "department", "job"))
        + tuple(r[c] for c in ("gender",))
        for r in built["crew"]
    )

    assert rows == [
        (862, "tmdb:7879", 7879, "John Lasseter", "Directing", "Director", 2),  # duplicate collapsed
        (862, "tmdb:7879", 7879, "John Lasseter", "Writing", "Screenplay", None),
        (949, "name:Michael Mann", None, "Michael Mann", "Directing", "Director", None),
    ]


def test_people_one_row_per_key_with_known_gender(built: dict[str, list[Row]]) -> None:
    rows = sorted((r["person_key"], r["person_id"], r["person_name"], r["gender"]) for r in built["people"])

    assert rows == [
        ("name:Annie Potts", None, "Annie Potts", None),
        ("name:Michael Mann", None, "Michael Mann", None),
        ("tmdb:1158", 1158, "Al Pacino", 2),
        ("tmdb:12898", 12898, "Tim Allen", None),
        ("tmdb:31", 31, "Tom Hanks", 2),
        ("tmdb:7879", 7879, "John Lasseter", 2),  # one crew row knew the gender
    ]


def test_rejects_exact(built: dict[str, list[Row]]) -> None:
    rows = sorted((r["entity"], r["record_key"], r["reason"], r["source"]) for r in built["rejects"])

    assert rows == [
        ("credits", "11860", "no movie with this id in silver movies", "kaggle"),
        ("credits", "1997-08-20", "id is not an integer: 1997-08-20", "kaggle"),
        ("movie_cast", "15602", "cast: not a Python literal: SyntaxError", "kaggle"),
        ("movie_cast", "862", "cast entry has neither a person id nor a name", "kaggle"),
    ]


def test_rejects_keep_the_raw_value(built: dict[str, list[Row]]) -> None:
    raw = {(r["entity"], r["record_key"]): r["raw_value"] for r in built["rejects"]}

    assert raw[("movie_cast", "15602")] == "[{'name': 'Jack Lemmon'"
    assert '"cast":"[{' in raw[("credits", "11860")]
    assert '"character":"Nobody"' in raw[("movie_cast", "862")]
    assert raw[("credits", "1997-08-20")] == '{"id":"1997-08-20","cast":"[]","crew":"[]"}'
