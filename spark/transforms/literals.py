"""Parse Kaggle's Python-literal columns ("[{'id': 16, 'name': 'Animation'}]") without eval.

`ast.literal_eval` accepts literals only (no names, calls or attributes), so it is safe on untrusted
text; it runs in a vectorised pandas UDF over Arrow batches, in parallel across partitions. The
result is JSON that Spark's `from_json` types with the caller's schema.

Most of Kaggle's lists are plain: quoted strings without escapes, integers, `None`. Those are
translated to JSON token by token instead (`fast_literal_json`, about 3x `ast.literal_eval`'s speed
on the Kaggle-scale literals, see scripts/bench_literals.py) and the translation is checked by
`json.loads`; a text it does not fully understand goes to `ast.literal_eval`, which gives the value
or the reason.
"""

from __future__ import annotations

import ast
import json
import re

import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.functions import pandas_udf
from pyspark.sql.types import DataType, StringType, StructField, StructType

PARSED = StructType([StructField("json", StringType()), StructField("error", StringType())])
# A quoted string with no backslash and no line break: its text is its value.
_PLAIN_STRING = re.compile(r"""('[^'\\\n]*'|"[^"\\\n]*")""")
_KEYWORDS = re.compile(r"\b(?:None|True|False)\b")
_LETTER = re.compile(r"[^\W\d]")  # a letter or `_`: outside strings, only the keywords may have one
_SEPARATOR = "\x00"


def fast_literal_json(text: str) -> str | None:
    """The JSON for a plain list/dict literal, or None when only `ast.literal_eval` can tell.

    Plain means: no backslash, every quote closes on its line, and outside the strings only
    brackets, braces, commas, colons, numbers, whitespace and None/True/False. Whatever else the
    text holds (escapes, tuples, sets, `1e5`, `0x1F`, names, calls) makes this give up, and the
    translation must be valid JSON, so it can never accept what Python would reject.
    """
    if "\\" in text or _SEPARATOR in text:
        return None
    parts = _PLAIN_STRING.split(text)  # even: the text between strings; odd: the strings
    between = _SEPARATOR.join(parts[0::2])
    if "'" in between or '"' in between or _LETTER.search(_KEYWORDS.sub("", between)):
        return None
    between = between.replace("None", "null").replace("True", "true").replace("False", "false")
    pieces: list[str] = [""] * len(parts)
    pieces[0::2] = between.split(_SEPARATOR)
    pieces[1::2] = [_json_string(token) for token in parts[1::2]]
    translated = "".join(pieces)
    try:  # the check: a translation that is not valid JSON (a trailing comma, a control character)
        value = json.loads(translated)
    except (ValueError, RecursionError):
        return None
    return translated if isinstance(value, list | dict) else None


def _json_string(token: str) -> str:
    """A plain quoted string as a JSON string: single quotes become double, inner `"` escaped."""
    if token[0] == '"':
        return token
    return '"' + token[1:-1].replace('"', '\\"') + '"'


def literal_to_json(text: str | None) -> tuple[str | None, str | None]:
    """(json, None) for a list/dict literal, (None, reason) otherwise; blank text is (None, None)."""
    if text is None or not text.strip():
        return None, None
    fast = fast_literal_json(text)
    if fast is not None:
        return fast, None
    return _slow_literal_json(text)


def _slow_literal_json(text: str) -> tuple[str | None, str | None]:
    try:
        value = ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as exc:
        return None, f"not a Python literal: {type(exc).__name__}"
    if not isinstance(value, list | dict):
        return None, f"expected a list or dict literal, found {type(value).__name__}"
    try:
        return json.dumps(value, ensure_ascii=False), None
    except (TypeError, ValueError) as exc:  # sets, bytes, tuple keys: literals JSON cannot hold
        return None, f"literal has no JSON form: {exc}"


def _parse_literals(texts: pd.Series) -> pd.DataFrame:
    parsed = [literal_to_json(text) for text in texts]
    return pd.DataFrame(parsed, columns=["json", "error"], index=texts.index)


def with_parsed_literal(df: DataFrame, column: str, schema: DataType, alias: str) -> DataFrame:
    """Add `alias` (the typed value, null on error) and `alias`_error (why it did not parse).

    The UDF is made per call: a UDF object keeps the Java UDF of the first JVM it met, so one made at
    import would point a retried silver build, whose JVM is a new one, at the JVM that ended."""
    parsed = f"_{alias}_parsed"
    parse = pandas_udf(_parse_literals, PARSED)  # type: ignore[call-overload]
    return (
        df.withColumn(parsed, parse(F.col(column)))
        .withColumn(alias, F.from_json(F.col(f"{parsed}.json"), schema))
        .withColumn(f"{alias}_error", F.col(f"{parsed}.error"))
        .drop(parsed)
    )
