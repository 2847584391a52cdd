"""An HTTP client for rate-limited APIs: requests/second limiter, retries with backoff and jitter.

dlt's `Client` retries too, but without jitter and below any limiter, so a retry storm would
bypass the rate limit; here every attempt waits for a limiter slot. Sessions are dlt's (timeouts).
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from dlt.sources.helpers.requests import Session
from requests.adapters import HTTPAdapter

log = logging.getLogger(__name__)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


@dataclass(frozen=True)
class HttpLimits:
    """How hard to push one API: rate, concurrency, retries and timeouts."""

    requests_per_second: float = 10.0
    max_workers: int = 4
    max_attempts: int = 6
    backoff_base_s: float = 0.5
    backoff_max_s: float = 30.0
    timeout_s: float = 30.0
    # The longest wait a server's Retry-After may impose before the next try.
    retry_after_max_s: float = 300.0


class RateLimiter:
    """Spaces request starts at least 1/rate seconds apart across threads (rate <= 0: no limit)."""

    def __init__(self, per_second: float) -> None:
        self._interval = 1.0 / per_second if per_second > 0 else 0.0
        self._next = time.monotonic()
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Block until this caller's slot comes."""
        if not self._interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(self._next, now)
            self._next = slot + self._interval
        time.sleep(max(0.0, slot - now))


@dataclass
class ApiClient:
    """GET JSON endpoints under `base_url`; retries 429 (honouring Retry-After), 5xx and I/O errors."""

    base_url: str
    limits: HttpLimits = field(default_factory=HttpLimits)
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    secret_params: Mapping[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._limiter = RateLimiter(self.limits.requests_per_second)
        self._adapter = HTTPAdapter(pool_maxsize=max(self.limits.max_workers, 1))
        self._local = threading.local()
        self.retries = 0
        self._retry_lock = threading.Lock()

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> requests.Response:
        """The first non-retryable response; raises the last error once attempts run out."""
        query = {**(params or {}), **self.secret_params}
        for attempt in range(1, self.limits.max_attempts):
            response, error = self._attempt(path, query)
            if response is not None and response.status_code not in RETRY_STATUSES:
                return response
            why = type(error).__name__ if error is not None else str(getattr(response, "status_code", ""))
            self._back_off(attempt, response, why, path)
        self._limiter.wait()
        return self._session().get(f"{self.base_url}{path}", params=query)  # last try: answer or raise

    def _attempt(
        self, path: str, query: Mapping[str, Any]
    ) -> tuple[requests.Response | None, Exception | None]:
        """One rate-limited try: (response, None), or (None, error) for a retryable I/O error."""
        self._limiter.wait()
        try:
            return self._session().get(f"{self.base_url}{path}", params=query), None
        except RETRY_ERRORS as error:
            return None, error

    def _back_off(self, attempt: int, response: requests.Response | None, why: str, path: str) -> None:
        """Sleep an exponential backoff with jitter, but never less than the server's Retry-After and
        never more than `retry_after_max_s` because of it.

        The jitter is "equal jitter": half the exponential step is always waited, so a server that
        says `Retry-After: 0` (or a backoff that draws 0) cannot turn the retries into a busy loop.
        """
        step = min(self.limits.backoff_max_s, self.limits.backoff_base_s * 2 ** (attempt - 1))
        backoff = step / 2 + random.uniform(0, step / 2)
        asked = retry_after_seconds(response)
        delay = backoff if asked is None else max(backoff, min(asked, self.limits.retry_after_max_s))
        with self._retry_lock:
            self.retries += 1
        log.warning("%s on %s (attempt %d): retrying in %.2f s", why, path, attempt, delay)
        time.sleep(delay)

    def _session(self) -> Session:
        session: Session | None = getattr(self._local, "session", None)
        if session is None:
            session = Session(timeout=self.limits.timeout_s, raise_for_status=False)
            session.headers.update(self.headers)
            session.mount("http://", self._adapter)
            session.mount("https://", self._adapter)
            self._local.session = session
        return session


def retry_after_seconds(response: requests.Response | None, now: datetime | None = None) -> float | None:
    """The wait a Retry-After header asks for (RFC 9110: delay-seconds or an HTTP-date), in
    seconds from `now`; a date already past is 0. None when the header is absent or unreadable."""
    value = response.headers.get("Retry-After", "").strip() if response is not None else ""
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP-date is GMT; a zone-less one is read as such
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def decode_json(response: requests.Response) -> tuple[Any, str | None]:
    """(payload, None) or (None, reason) when the body is not valid JSON."""
    try:
        return json.loads(response.content), None
    except ValueError as error:
        return None, f"invalid JSON: {error}"
