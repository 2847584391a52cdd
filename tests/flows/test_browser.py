"""What a person sees: the dbt docs site and the HTML report served on 127.0.0.1 and loaded in headless
Chromium (Debian's `chromium`; .ci/run installs it): lineage graph, a model page, the report's images."""

from __future__ import annotations

import functools
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from matplotlib.image import imread

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync",
         "--virtual-time-budget=15000")  # fmt: skip
MODEL = "model.movie_warehouse.dim_movies"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` over HTTP on a free 127.0.0.1 port for the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def chromium(tmp_path: Path, *args: str) -> str:
    """Run headless Chromium with a fresh profile; returns stdout (the DOM with --dump-dom)."""
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    result = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.parametrize("page", ["index.html", "static_index.html"])
def test_dbt_docs_render_a_model_page_and_its_lineage_graph(pipeline_runs, tmp_path, page):
    with serve(pipeline_runs["dir"] / "dbt_target") as url:
        model = chromium(tmp_path, "--dump-dom", f"{url}/{page}#!/model/{MODEL}")
        lineage = chromium(tmp_path, "--dump-dom", f"{url}/{page}#!/model/{MODEL}?g_v=1")
    assert "dim_movies" in model
    assert "movie_id" in model and "collection_name" in model  # the columns table rendered
    assert 'data-id="layer2-node"' in lineage  # cytoscape drew the lineage graph's nodes


def test_the_report_shows_its_images(pipeline_runs, tmp_path):
    shot = tmp_path / "report.png"
    with serve(pipeline_runs["dir"] / "reports") as url:
        dom = chromium(tmp_path, "--dump-dom", f"{url}/report.html")
        chromium(tmp_path, "--window-size=1400,2400", f"--screenshot={shot}", f"{url}/report.html")
    assert dom.count("<img") == 10
    pixels = imread(shot)[..., :3]
    # The charts' blue (#1f77b4): only drawn images put it on the page.
    blue = (
        (abs(pixels[..., 0] - 0x1F / 255) < 0.06)
        & (abs(pixels[..., 1] - 0x77 / 255) < 0.06)
        & (abs(pixels[..., 2] - 0xB4 / 255) < 0.06)
    )
    assert int(blue.sum()) > 5_000
