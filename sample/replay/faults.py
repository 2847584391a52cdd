"""Fault injection for one replay server: throttling, server errors, resets, slow and broken bodies."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class Faults:
    """What the next requests get instead of a normal answer; counters are consumed in order.

    `throttle` requests get 429 with `Retry-After: retry_after_s` (as an HTTP date that many seconds
    ahead when `retry_after_as_date`); `errors` lists the statuses the
    next requests get (500, 502, 503, ...); `resets` connections are closed without an answer;
    `delay_s` slows every answer and the next `slow` answers take `slow_s` longer (for client timeouts);
    `invalid_pages` / `invalid_ids` get truncated JSON; `empty_pages`
    get a page with no results; `drop_fields` maps a page number to the fields its answer leaves out
    (`total_pages`, `movie_count`, ... from the page envelope, `item.id` from the page's first item);
    after `omdb_quota` OMDb answers, OMDb says its daily limit is reached.
    `only_path` limits throttling, errors and resets to request paths starting with it.
    """

    throttle: int = 0
    retry_after_s: int = 1
    retry_after_as_date: bool = False
    errors: list[int] = field(default_factory=list)
    resets: int = 0
    delay_s: float = 0.0
    slow: int = 0
    slow_s: float = 2.0
    invalid_pages: frozenset[int] = frozenset()
    invalid_ids: frozenset[str] = frozenset()
    empty_pages: frozenset[int] = frozenset()
    drop_fields: Mapping[int, frozenset[str]] = field(default_factory=dict)
    omdb_quota: int | None = None
    only_path: str = ""
    omdb_served: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def next_failure(self, path: str) -> str | int | None:
        """Consume one failure for this request: "reset", 429, a 5xx status, or None."""
        if not path.startswith(self.only_path):
            return None
        with self.lock:
            return _take(self, "resets", "reset") or _take(self, "throttle", 429) or self._next_error()

    def _next_error(self) -> int | None:
        return self.errors.pop(0) if self.errors else None

    def take_slow(self, path: str) -> float:
        """Extra seconds for this answer: `slow_s` while slow answers are left, else 0."""
        if not path.startswith(self.only_path):
            return 0.0
        with self.lock:
            return self.slow_s if _take(self, "slow", True) else 0.0

    def strip_fields(self, page: int, envelope: dict[str, Any], items: list[dict[str, Any]]) -> None:
        """Leave out the fields `drop_fields` names for this page (in place)."""
        for name in self.drop_fields.get(page, frozenset()):
            if name.startswith("item.") and items:
                items[0] = {
                    key: value for key, value in items[0].items() if key != name.removeprefix("item.")
                }
            envelope.pop(name, None)

    def omdb_quota_left(self) -> bool:
        """Count one OMDb answer against the quota; False once the quota is used up."""
        with self.lock:
            if self.omdb_quota is not None and self.omdb_served >= self.omdb_quota:
                return False
            self.omdb_served += 1
            return True

    def clear(self) -> None:
        """No fault left: every setting and counter back to its default (the lock stays)."""
        with self.lock:
            quiet = Faults()
            for setting in fields(self):
                if setting.name != "lock":
                    setattr(self, setting.name, getattr(quiet, setting.name))

    def reset_quota(self, quota: int | None = None) -> None:
        """A new day: the OMDb counter starts again (optionally with a new quota)."""
        with self.lock:
            self.omdb_served = 0
            self.omdb_quota = quota


def _take(faults: Faults, counter: str, failure: str | int) -> str | int | None:
    left: int = getattr(faults, counter)
    if left <= 0:
        return None
    setattr(faults, counter, left - 1)
    return failure
