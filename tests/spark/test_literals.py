"""Kaggle's Python-literal columns become JSON without eval; anything else gets a reason."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from pyspark.sql.types import StringType, StructField, StructType

from spark.transforms.literals import (
    _slow_literal_json,
    fast_literal_json,
    literal_to_json,
    with_parsed_literal,
)
from spark.transforms.movies import ID_NAME_LIST


def test_genres_literal_with_apostrophe_in_double_quotes_becomes_json() -> None:
    text = "[{'id': 1, 'name': \"Schindler's List\"}, {'id': 18, 'name': 'Drama'}]"

    result, error = literal_to_json(text)

    assert error is None
    assert result is not None
    assert json.loads(result) == [
        {"id": 1, "name": "Schindler's List"},
        {"id": 18, "name": "Drama"},
    ]


def test_none_and_true_become_json_null_and_true() -> None:
    result, error = literal_to_json("{'id': None, 'adult': True, 'video': False}")

    assert error is None
    assert result == '{"id": null, "adult": true, "video": false}'


def test_non_ascii_names_are_kept_verbatim() -> None:
    result, _ = literal_to_json("[{'iso_639_1': 'fr', 'name': 'Français'}]")

    assert result == '[{"iso_639_1": "fr", "name": "Français"}]'


@pytest.mark.parametrize("text", [None, "", "   ", "\t\n"])
def test_blank_text_is_neither_value_nor_error(text: str | None) -> None:
    assert literal_to_json(text) == (None, None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[{'id': 35, 'name': 'Comedy'}", "not a Python literal: SyntaxError"),
        ("0.065736 - Written by Ørnås", "not a Python literal: SyntaxError"),
        ("[{'id': 35, 'name': Comedy}]", "not a Python literal: ValueError"),
    ],
)
def test_malformed_literal_gives_a_reason(text: str, reason: str) -> None:
    assert literal_to_json(text) == (None, reason)


def test_code_is_rejected_not_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    text = f"__import__('os').system('touch {marker}')"

    result, error = literal_to_json(text)

    assert result is None
    assert error == "not a Python literal: ValueError"
    assert not marker.exists()


@pytest.mark.parametrize(
    ("text", "found"),
    [("42", "int"), ("0.065736", "float"), ("'Animation'", "str"), ("(1, 2)", "tuple")],
)
def test_a_literal_that_is_not_a_list_or_dict_is_rejected(text: str, found: str) -> None:
    assert literal_to_json(text) == (None, f"expected a list or dict literal, found {found}")


@pytest.mark.parametrize("text", ["[{'id': 1, 'name': {'a', 'b'}}]", "[b'x']", "{[1]: 2}"])
def test_a_literal_that_json_cannot_hold_gets_a_reason(text: str) -> None:
    result, error = literal_to_json(text)

    assert result is None
    assert error is not None


PLAIN_LISTS = [
    "[{'cast_id': 14, 'character': 'Woody (voice)', 'gender': 2, 'id': 31, 'profile_path': None}]",
    "[{'id': 1, 'name': \"Schindler's List\"}, {'id': 18, 'name': 'Drama'}]",
    "[{'character': 'The \"Boss\"', 'order': -1, 'popularity': 0.5}]",
    "{'adult': True, 'video': False, 'nested': {'a': [1, 2, []]}}",
    "[{'iso_639_1': 'fr', 'name': 'Français'}, {'name': 'None True False'}]",
    "  [{'id': 1}]\n",
    "[]",
]
# Texts the fast path must leave to ast.literal_eval: escapes, Python-only syntax, and JSON-only
# syntax Python rejects (the translation must never accept what ast.literal_eval would not).
HARD_TEXTS = [
    r"[{'name': 'caf\xe9', 'job': 'it\'s'}]",
    "[{'id': 1,}]",
    "[1e5, 0x1F, 1_000, 1j]",
    "[(1, 2)]",
    "[{'a', 'b'}]",
    "{1: 'one'}",
    "['a' 'b']",
    "[null, true, NaN, Infinity]",
    "[None1, xNone]",
    "[+1, - 2, .5, 5.]",
    "['''triple''']",
    "['line\nbreak']",
    "['tab\tinside']",
    "[b'x', u'y']",
    "[{'id': 35, 'name': Comedy}]",
    "[{'id': 35, 'name': 'Comedy'}",
    "['unclosed]",
    "42",
    "'Animation'",
    "[1] # comment",
    "[\x00]",
    "[" * 5000 + "]" * 5000,
]


@pytest.mark.parametrize("text", PLAIN_LISTS)
def test_plain_lists_take_the_fast_path_and_match_ast(text: str) -> None:
    fast = fast_literal_json(text)

    assert fast is not None
    assert json.loads(fast) == ast.literal_eval(text)


@pytest.mark.parametrize("text", HARD_TEXTS)
def test_texts_the_fast_path_cannot_vouch_for_go_to_ast(text: str) -> None:
    assert fast_literal_json(text) is None
    assert literal_to_json(text) == _slow_literal_json(text)


@pytest.mark.slow
def test_with_parsed_literal_types_values_and_keeps_reasons(spark: SparkSession) -> None:
    schema = StructType([StructField("key", StringType()), StructField("genres", StringType())])
    df = spark.createDataFrame(
        [
            ("good", "[{'id': 16, 'name': 'Animation'}, {'id': None, 'name': 'Carousel'}]"),
            ("blank", ""),
            ("null", None),
            ("broken", "[{'id': 16, 'name': 'Animation'"),
            ("number", "42"),
        ],
        schema,
    )

    parsed = with_parsed_literal(df, "genres", ID_NAME_LIST, "genre_list")
    rows = {row["key"]: row for row in parsed.collect()}

    assert parsed.columns == ["key", "genres", "genre_list", "genre_list_error"]
    assert [(g["id"], g["name"]) for g in rows["good"]["genre_list"]] == [
        (16, "Animation"),
        (None, "Carousel"),
    ]
    assert rows["good"]["genre_list_error"] is None
    for key in ("blank", "null"):
        assert rows[key]["genre_list"] is None
        assert rows[key]["genre_list_error"] is None
    assert rows["broken"]["genre_list"] is None
    assert rows["broken"]["genre_list_error"] == "not a Python literal: SyntaxError"
    assert rows["number"]["genre_list"] is None
    assert rows["number"]["genre_list_error"] == "expected a list or dict literal, found int"
