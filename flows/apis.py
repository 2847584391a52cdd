"""Where a run reaches its API sources: the services its dlt configuration names (each source's own
service, or the `base_url` set in `.dlt/config.toml` or `SOURCES__<NAME>__BASE_URL`), with the keys
of its dlt secrets. Without keys the API sources are skipped, so a run never reaches a paid service by
accident. The offline demo (`movies run` without keys) points that configuration at the sample's
replay server before the flow starts (sample.offline); the flow itself knows no test server.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from extract.pipelines import ApiTarget, api_keys_configured
from settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ApiRoute:
    """The target the API sources load from, and how many IMDb ids OMDb is asked about (None: all)."""

    target: ApiTarget
    ids_limit: int | None = None


def api_route(settings: Settings) -> ApiRoute | None:
    """The route for this run's API sources; None when no key is configured."""
    if not api_keys_configured():
        log.warning(
            "no API keys configured (sources.omdb.api_key, sources.tmdb.access_token in .dlt/secrets.toml "
            "or SOURCES__* variables): API sources skipped"
        )
        return None
    target = ApiTarget(
        omdb_refresh_days=settings.omdb_refresh_days, omdb_daily_quota=settings.omdb_daily_quota
    )
    return ApiRoute(target, settings.omdb_ids_limit)
