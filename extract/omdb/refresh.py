"""Which ids an OMDb run asks for, from the source's incremental state.

The resource state (stored with the destination, so a new machine resumes from the lake) holds:

- `loaded_at`: IMDb id -> when OMDb last answered for it (the start of that run, ISO 8601 UTC to the
  second). An id loaded by a version that kept only the `loaded_ids` list has no time: it is
  migrated with None, "age unknown", and counts as the oldest answer there is. Taking the migration
  time instead would claim answers fresh that may be years old; taking the Unix epoch would write
  down a time nobody observed. None says what is known, and stale ids of unknown age are asked
  before the ones whose age is known.
- `not_found_ids`: ids OMDb does not know; never asked again (OMDb rarely learns an old id).
- `quota_day`: `{"day": "YYYY-MM-DD", "asked": n}`, the requests spent on the current UTC day, so a
  `daily_quota` holds across every run of that day (a retried flow run included).

A run asks first for the ids never asked, in the order given, then for the stale ones (answered
longer ago than the refresh age): unknown age first, then the most-rated films (MovieLens rating
count, `extract.omdb.priority`), ties by id. Rating counts cost a scan of the ratings, so they are
read only when a stale id could be asked at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

RatingCounts = Callable[[], Mapping[str, int]]


@dataclass(frozen=True)
class Plan:
    """The ids one run asks for: never asked, then stale (both already cut to the day's budget)."""

    new: list[str]
    stale: list[str]
    stale_waiting: int  # stale ids before the budget cut

    @property
    def ids(self) -> list[str]:
        """Every id to ask, in asking order."""
        return [*self.new, *self.stale]


def migrate(state: MutableMapping[str, Any]) -> tuple[dict[str, str | None], list[str]]:
    """The state's `loaded_at` and `not_found_ids`; ids of the old `loaded_ids` list move into
    `loaded_at` with an unknown age (None), and the list is dropped."""
    loaded_at: dict[str, str | None] = state.setdefault("loaded_at", {})
    for imdb_id in state.pop("loaded_ids", []):
        loaded_at.setdefault(imdb_id, None)
    return loaded_at, state.setdefault("not_found_ids", [])


def timestamp(moment: datetime) -> str:
    """How `loaded_at` writes a time: ISO 8601 in UTC, to the second."""
    return moment.isoformat(timespec="seconds")


def refresh_cutoff(now: datetime, refresh_after_days: int | None) -> datetime | None:
    """Answers loaded before this are stale; None when re-asking is off (None, 0 or fewer days)."""
    return now - timedelta(days=refresh_after_days) if refresh_after_days and refresh_after_days > 0 else None


def plan(
    imdb_ids: Iterable[str],
    loaded_at: Mapping[str, str | None],
    not_found: Iterable[str],
    cutoff: datetime | None,
    budget: int | None,
    rating_counts: RatingCounts | None,
) -> Plan:
    """New ids in the order given, then stale ones by priority; at most `budget` (None: no cap)."""
    wanted = list(dict.fromkeys(imdb_ids))
    unknown = set(not_found)
    new = [imdb_id for imdb_id in wanted if imdb_id not in loaded_at and imdb_id not in unknown]
    stale = [] if cutoff is None else [i for i in wanted if i in loaded_at and _older(loaded_at[i], cutoff)]
    room = None if budget is None else max(budget - len(new), 0)
    if stale and room != 0:
        counts = rating_counts() if rating_counts is not None else {}
        ordered = by_priority(stale, loaded_at, counts)
    else:
        ordered = []  # no stale id can be asked in this run: spare the ratings scan
    return Plan(new[:budget], ordered[:room], len(stale))


def by_priority(
    stale: Iterable[str], loaded_at: Mapping[str, str | None], counts: Mapping[str, int]
) -> list[str]:
    """Unknown age first (the oldest answers), then most rated, then by id."""
    return sorted(
        stale, key=lambda imdb_id: (loaded_at.get(imdb_id) is not None, -counts.get(imdb_id, 0), imdb_id)
    )


def _older(stamp: str | None, cutoff: datetime) -> bool:
    return stamp is None or datetime.fromisoformat(stamp) < cutoff


def budget_left(state: Mapping[str, Any], daily_quota: int | None, day: str) -> int | None:
    """Requests the day's quota still allows (None: no quota set)."""
    if daily_quota is None:
        return None
    spent = state.get("quota_day") or {}
    used = int(spent.get("asked", 0)) if spent.get("day") == day else 0
    return max(daily_quota - used, 0)


def record_spent(state: MutableMapping[str, Any], day: str, requests: int) -> None:
    """Add a run's requests to the day's tally (a new day starts from zero). A run that asked
    nothing leaves the state as it is, so it loads nothing (not even dlt's state)."""
    if not requests:
        return
    spent = state.get("quota_day") or {}
    used = int(spent.get("asked", 0)) if spent.get("day") == day else 0
    state["quota_day"] = {"day": day, "asked": used + requests}
