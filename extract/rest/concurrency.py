"""Bounded concurrency that keeps input order, so incremental state advances deterministically."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(fn: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """Yield fn(item) in input order with at most 2*workers calls in flight.

    Closing the iterator early (a quota hit, an incremental stop) cancels the calls not yet started.
    """
    pool = ThreadPoolExecutor(max_workers=max(workers, 1), thread_name_prefix="api")
    pending: deque[Future[R]] = deque()
    try:
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= 2 * max(workers, 1):
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
