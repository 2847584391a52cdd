"""Parse Kaggle's Python-literal columns ("[{'id': 16, 'name': 'Animation'}]") without eval.

`ast.literal_eval` accepts literals only (no names, calls or attributes), so it is safe on untrusted
text; it runs in a vectorised pandas UDF over Arrow batches, in parallel across partitions. The
result is JSON that Spark's `from_json` types with the caller's schema.
"""

from __future__ import annotations

import ast
import json

import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.functions import pandas_udf
from pyspark.sql.types import DataType, StringType, StructField, StructType

PARSED = StructType([StructField("json", StringType()), StructField("error", StringType())])


def literal_to_json(text: str | None) -> tuple[str | None, str | None]:
    """(json, None) for a list/dict literal, (None, reason) otherwise; blank text is (None, None)."""
    if text is None or not text.strip():
        return None, None
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


@pandas_udf(PARSED)  # type: ignore[call-overload]
def _parse_literals(texts: pd.Series) -> pd.DataFrame:
    parsed = [literal_to_json(text) for text in texts]
    return pd.DataFrame(parsed, columns=["json", "error"], index=texts.index)


def with_parsed_literal(df: DataFrame, column: str, schema: DataType, alias: str) -> DataFrame:
    """Add `alias` (the typed value, null on error) and `alias`_error (why it did not parse)."""
    parsed = f"_{alias}_parsed"
    return (
        df.withColumn(parsed, _parse_literals(F.col(column)))
        .withColumn(alias, F.from_json(F.col(f"{parsed}.json"), schema))
        .withColumn(f"{alias}_error", F.col(f"{parsed}.error"))
        .drop(parsed)
    )
