"""Bounded concurrency that keeps input order: API calls (so incremental state advances
deterministically) and the CSV reader's typing of blocks (so rows keep the file's order)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(
    fn: Callable[[T], R], items: Iterable[T], workers: int, in_flight: int | None = None, name: str = "api"
) -> Iterator[R]:
    """Yield fn(item) in input order on `workers` threads, with at most `in_flight` calls started
    and not yet yielded (default 2*workers, so a slow call does not idle the other threads).

    Closing the iterator early (a quota hit, an incremental stop) cancels the calls not yet started.
    """
    workers = max(workers, 1)
    limit = in_flight or 2 * workers
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
    pending: deque[Future[R]] = deque()
    try:
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
