"""What a layer's checks found: the failed expectations, and the error a critical one raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Failure:
    """One failed expectation, with a few offending values when GX reports them."""

    table: str
    expectation: str
    severity: str
    column: str | None
    sample: list[Any]

    def describe(self, layer: str) -> str:
        """`layer.table: expectation(column) [severity] sample=[...]`."""
        column = f"({self.column})" if self.column else ""
        return f"{layer}.{self.table}: {self.expectation}{column} [{self.severity}] sample={self.sample[:5]}"


@dataclass
class LayerResult:
    """Outcome of one layer's checkpoint."""

    layer: str
    evaluated: int = 0
    rows_checked: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    # Raw tables of sources this run did not deliver: not checked (they were when delivered).
    skipped: list[str] = field(default_factory=list)

    @property
    def critical(self) -> list[Failure]:
        """Failures that must stop the run."""
        return [f for f in self.failures if f.severity == "critical"]

    @property
    def warnings(self) -> list[Failure]:
        """Failures that are reported only."""
        return [f for f in self.failures if f.severity != "critical"]

    def summary(self) -> dict[str, Any]:
        """What the run report shows for this layer."""
        return {
            "evaluated": self.evaluated,
            "rows_checked": self.rows_checked,
            "warnings": [f.describe(self.layer) for f in self.warnings],
            "critical": [f.describe(self.layer) for f in self.critical],
            "skipped": self.skipped,
        }


class QualityError(RuntimeError):
    """A critical expectation failed."""
