"""A local replay server that speaks the OMDb, TMDB v3 and YTS protocols over the real-data sample."""

from __future__ import annotations

from sample.replay.catalog import Catalog
from sample.replay.faults import Faults
from sample.replay.server import ReplayServer, replay_sample_in_process

__all__ = ["Catalog", "Faults", "ReplayServer", "replay_sample_in_process"]
