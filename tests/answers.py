"""Rows as two engines, or two runs, must agree on them: engine-neutral values, in a stable order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal


def normalised(value: object, digits: int) -> object:
    """Decimals and floats to `digits` significant digits (sums differ in the last bits between
    engines and thread counts), lists as tuples; anything else as it is."""
    if isinstance(value, Decimal | float):
        return float(f"{float(value):.{digits}g}")
    if isinstance(value, list):
        return tuple(normalised(item, digits) for item in value)
    return value


def sorted_rows(rows: Iterable[Sequence[object]], digits: int) -> list[tuple[object, ...]]:
    """Every row normalised, sorted by its text."""
    return sorted((tuple(normalised(value, digits) for value in row) for row in rows), key=repr)
