"""Shared HTTP plumbing for the API sources: rate limit, retries, bounded concurrency, quarantine."""

from __future__ import annotations

from extract.concurrency import ordered_map
from extract.counts import tally
from extract.rest.client import ApiClient, HttpLimits, RateLimiter, decode_json
from extract.rest.outcome import Fetched, classify
from extract.rest.tables import API_CONTRACT, declare_tables, quarantine_row

__all__ = [
    "API_CONTRACT",
    "ApiClient",
    "Fetched",
    "HttpLimits",
    "RateLimiter",
    "classify",
    "declare_tables",
    "decode_json",
    "ordered_map",
    "quarantine_row",
    "tally",
]
