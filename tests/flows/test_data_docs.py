"""GX Data Docs render offline: after a run, no page loads a script, stylesheet or image from the
network, and every local asset a page refers to is on disk."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quality.runner import data_docs_index

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[2]
ASSET = re.compile(r"<(?:script|link|img)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"", re.IGNORECASE)


def _assets(page: Path) -> list[str]:
    return ASSET.findall(page.read_text(encoding="utf-8"))


def test_data_docs_pages_load_nothing_from_the_network(pipeline_runs: dict[str, object]) -> None:
    site = data_docs_index(PROJECT / "great_expectations").parent
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20  # the index plus a page per suite and per validation
    remote = {str(page.relative_to(site)): url for page in pages for url in _assets(page) if "://" in url}
    assert remote == {}
    missing = {
        (str(page.relative_to(site)), url)
        for page in pages
        for url in _assets(page)
        if not url.startswith(("#", "data:")) and not (page.parent / url.split("?")[0]).exists()
    }
    assert missing == set()
    index_assets = _assets(site / "index.html")
    assert any("vendor/xstatic" in url or "vendor/" in url for url in index_assets), index_assets
