"""The outcome of fetching one record, shared by the per-id API sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from extract.rest.client import decode_json


@dataclass(frozen=True)
class Fetched:
    """One key's outcome: "record", "not_found", "quota", or "invalid" (body and reason kept)."""

    key: str
    kind: str
    record: dict[str, Any] | None = None
    body: str = ""
    reason: str = ""

    @property
    def has_body(self) -> bool:
        """A record or an unusable body: what the totals count as one record read."""
        return self.kind in ("record", "invalid")


def classify(key: str, response: requests.Response, id_field: str) -> Fetched:
    """A JSON object carrying `id_field` is a record; 404 is not_found; anything else is invalid."""
    if response.status_code == 404:
        return Fetched(key, "not_found", reason="HTTP 404")
    payload, error = decode_json(response)
    if error is not None or not isinstance(payload, dict):
        return Fetched(key, "invalid", body=response.text, reason=error or "not a JSON object")
    if not response.ok:
        return Fetched(key, "invalid", body=response.text, reason=f"HTTP {response.status_code}")
    if payload.get(id_field) in (None, ""):
        return Fetched(key, "invalid", body=response.text, reason=f"{id_field}: missing value")
    return Fetched(key, "record", record=payload)
