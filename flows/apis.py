"""Where a run reaches its API sources: the real services when keys are configured (dlt's secrets or
the environment); otherwise, for the offline default, the sample's answers from the replay server
of the development harness (`sample.offline`); otherwise nowhere, and the API sources are skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from extract.pipelines import ApiTarget, api_keys_configured
from settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ApiRoute:
    """The target the API sources load from, and how many IMDb ids OMDb is asked about (None: all)."""

    target: ApiTarget
    ids_limit: int | None = None


@contextmanager
def api_route(settings: Settings) -> Iterator[ApiRoute | None]:
    """The route for this run's API sources, open for the block; None when there is none."""
    target = ApiTarget(
        omdb_refresh_days=settings.omdb_refresh_days, omdb_daily_quota=settings.omdb_daily_quota
    )
    if api_keys_configured():
        yield ApiRoute(target)
        return
    from sample.offline import has_api_answers, replayed_apis  # the harness: only without keys

    if not has_api_answers(settings.sample_dir):
        log.warning("no API keys and no sample in %s: API sources skipped", settings.sample_dir)
        yield None
        return
    with replayed_apis(settings.sample_dir, target) as replayed:
        yield ApiRoute(replayed, settings.sample_api_ids)
