"""dlt source for OMDb: one `?i=<imdbID>` response per movie, as sent (Ratings kept as JSON text).

Incremental by id: the resource state (stored with the destination) lists the ids loaded and the
ids OMDb does not know, so a run asks only for the rest. When the daily quota runs out the run
stops cleanly; what was fetched is loaded and the next run carries on.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from extract.omdb.settings import MAX_WORKERS, MOVIE_COLUMNS, OMDB_URL, QUOTA_ERROR, REQUESTS_PER_SECOND
from extract.rest import (
    ApiClient,
    Fetched,
    HttpLimits,
    classify,
    declare_tables,
    decode_json,
    ordered_map,
    quarantine_row,
    tally,
)

log = logging.getLogger(__name__)


def lookup(client: ApiClient, imdb_id: str) -> Fetched:
    """Ask OMDb for one id; OMDb answers "not found" and its daily limit as JSON errors."""
    response = client.get("/", {"i": imdb_id})
    payload, _ = decode_json(response)
    error = payload.get("Error") if isinstance(payload, dict) else None
    if error == QUOTA_ERROR:
        return Fetched(imdb_id, "quota")
    if response.status_code == 401:
        raise PermissionError(f"OMDb refused the API key: {error}")
    if isinstance(payload, dict) and payload.get("Response") == "False":
        return Fetched(imdb_id, "not_found", reason=str(error))
    return classify(imdb_id, response, "imdbID")


@dlt.source(name="omdb", max_table_nesting=0)
def omdb_source(
    imdb_ids: Sequence[str] = dlt.config.value,
    api_key: str = dlt.secrets.value,
    base_url: str = OMDB_URL,
    requests_per_second: float = REQUESTS_PER_SECOND,
    max_workers: int = MAX_WORKERS,
    counts: dict[str, int] | None = None,
) -> DltResource:
    """OMDb records for `imdb_ids` not loaded before; `counts` receives not_found/quota tallies."""
    declare_tables({"movies": MOVIE_COLUMNS})
    limits = HttpLimits(requests_per_second=requests_per_second, max_workers=max_workers)
    client = ApiClient(base_url.rstrip("/"), limits, secret_params={"apikey": api_key})
    counted: dict[str, int] = counts if counts is not None else Counter()

    def movies() -> Iterator[Any]:
        state = dlt.current.resource_state()
        loaded, missing = state.setdefault("loaded_ids", []), state.setdefault("not_found_ids", [])
        known = set(loaded) | set(missing)
        todo = [imdb_id for imdb_id in dict.fromkeys(imdb_ids) if imdb_id not in known]
        try:
            for found in ordered_map(lambda imdb_id: lookup(client, imdb_id), todo, max_workers):
                tally(counted, found.kind)
                if found.kind == "quota":
                    log.warning(
                        "OMDb daily limit reached with %d ids loaded; the next run resumes", len(loaded)
                    )
                    return
                if found.has_body:
                    tally(counted, "read:movies")
                yield from _handle(found, loaded, missing)
        finally:
            tally(counted, "retries", client.retries)

    return dlt.resource(movies, name="movies", write_disposition="append")


def _handle(found: Fetched, loaded: list[str], missing: list[str]) -> Iterator[Any]:
    """Yield the record (and remember its id) or its quarantine row; remember unknown ids."""
    if found.kind == "record":
        loaded.append(found.key)
        yield found.record
    elif found.kind == "not_found":
        missing.append(found.key)
    else:
        yield quarantine_row("omdb ?i=", found.key, found.body, found.reason)
