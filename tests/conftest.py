"""Every test session starts only on a machine that has the README's prerequisites (tests.prerequisites)."""

from __future__ import annotations

import pytest

from tests.prerequisites import missing, refusal


def pytest_configure(config: pytest.Config) -> None:
    """Stop before collecting anything, in one line (pytest's usage error), when a prerequisite is missing."""
    lacking = missing()
    if lacking:
        raise pytest.UsageError(refusal(lacking))
