"""A local replay server that speaks the OMDb, TMDB v3 and YTS protocols over the real-data sample."""

from __future__ import annotations

from extract.replay.catalog import Catalog
from extract.replay.faults import Faults
from extract.replay.server import ReplayServer, replay_sample_in_process

__all__ = ["Catalog", "Faults", "ReplayServer", "replay_sample_in_process"]
