"""Values a transform could not read: a value the source delivered (not blank, not "N/A") whose typed
value is null. The row still loads with that value unknown, and the value goes to quarantine with its
column and why, so no delivered value turns into a null without a trace.

Each typed column is declared once, as a `Readable`: the delivered value as text, the typed value, and
what a readable value looks like. `unreadable_values` finds every such value of a frame in one pass
(an array of the row's problems, exploded), one quarantine row per row and column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from spark.transforms.common import not_available, quarantine_rows


@dataclass(frozen=True)
class Readable:
    """One typed column: `delivered` is the source's text (null when absent), `typed` its value."""

    column: str  # the source's name for the value, as the reason names it
    delivered: Column
    typed: Column
    expected: str  # what a readable value is, e.g. "a date (yyyy-MM-dd)"

    @classmethod
    def of(cls, column: str, typed: Column, expected: str) -> Readable:
        """A raw text column of the frame by its own name; blank and "N/A" count as absent."""
        return cls(column, not_available(F.col(column)), typed, expected)

    @property
    def unreadable(self) -> Column:
        """True when a delivered value has no typed value."""
        return self.delivered.isNotNull() & self.typed.isNull()

    @property
    def problem(self) -> Column:
        """The delivered value and the reason when it could not be read, else null."""
        reason = F.lit(f"{self.column}: not {self.expected} (kept as unknown)")
        value = self.delivered.cast("string")
        return F.when(self.unreadable, F.struct(value.alias("value"), reason.alias("reason")))


def unreadable_values(
    df: DataFrame, *, source: str, entity: str, key: Column, columns: Sequence[Readable]
) -> DataFrame:
    """A quarantine row for each delivered value of `columns` that could not be read."""
    problems = F.array(*[column.problem for column in columns])
    unread = F.explode(F.filter(problems, lambda problem: problem.isNotNull())).alias("_unread")
    found = df.select("*", unread)
    return quarantine_rows(
        found,
        source=source,
        entity=entity,
        key=key,
        raw_value=F.col("_unread.value"),
        reason=F.col("_unread.reason"),
    )
