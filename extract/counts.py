"""A run's counts, shared by every source (file and API alike)."""

from __future__ import annotations

from collections.abc import MutableMapping


def tally(counts: MutableMapping[str, int], key: str, n: int = 1) -> None:
    """Add `n` to one of a run's counts (`read:<table>`, `skipped:<table>`, `record`, `retries`, ...).

    The totals check reads two of them: `read:<table>` counts every payload the source received for
    the table (a record, an unusable body, an unreadable listing page or entry), `skipped:<table>`
    those it left out on purpose because they were loaded before. Loaded + quarantined + skipped must
    equal read.
    """
    counts[key] = counts.get(key, 0) + n
