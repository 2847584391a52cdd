"""What an IMDb id is, for every layer that reads one (extract's OMDb ids, Spark's crosswalk).

An IMDb title id is `tt` followed by at least 7 digits (newer ids have 8). MovieLens' links.csv
writes only the digits, zero-padded to 7 and sometimes without the padding (`114709`), so a links
id becomes `tt` + the digits padded to 7; an 8-digit id keeps all its digits.
"""

from __future__ import annotations

import re

DIGITS = 7
IMDB_ID = re.compile(rf"tt\d{{{DIGITS},}}")


def is_imdb_id(text: str | None) -> bool:
    """Whether `text` is an IMDb title id as a whole."""
    return bool(text) and IMDB_ID.fullmatch(text or "") is not None


def from_links(digits: str) -> str:
    """links.csv's `114709` or `0114709` as `tt0114709` (more digits than 7 are kept)."""
    return f"tt{digits.zfill(DIGITS)}"
