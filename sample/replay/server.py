"""The replay server: stdlib `ThreadingHTTPServer` on 127.0.0.1 (a free port), run in a thread."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sample.replay.catalog import Catalog
from sample.replay.faults import Faults
from sample.replay.routes import Answer, Api, Request, json_answer

THROTTLED = {"status_code": 25, "status_message": "Your request count is over the allowed limit."}


class _Handler(BaseHTTPRequestHandler):
    """Keep-alive HTTP/1.1 handler: faults first, then the API's answer."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    wbufsize = 1 << 16  # headers and body leave in one write (flushed after each request)
    server: _Server

    def do_GET(self) -> None:
        """Answer one GET (or drop the connection when a reset is injected)."""
        url = urlsplit(self.path)
        params = {key: values[0] for key, values in parse_qs(url.query).items()}
        request = Request(url.path, params, self.headers.get("Authorization"))
        failure = self.server.faults.next_failure(url.path)
        self.server.record(url.path, failure)
        if failure == "reset":
            self.close_connection = True
            return
        delay = self.server.faults.delay_s + self.server.faults.take_slow(url.path)
        if delay:
            time.sleep(delay)
        self._write(self._answer(request, failure))

    def _answer(self, request: Request, failure: str | int | None) -> Answer:
        if failure == 429:
            return json_answer(429, THROTTLED, {"Retry-After": self._retry_after()})
        if isinstance(failure, int):
            return json_answer(failure, {"status_code": 11, "status_message": "Internal error."})
        return self.server.api.answer(request)

    def _retry_after(self) -> str:
        """The Retry-After value: seconds, or the HTTP date that many seconds from now."""
        faults = self.server.faults
        if not faults.retry_after_as_date:
            return str(faults.retry_after_s)
        return format_datetime(datetime.now(UTC) + timedelta(seconds=faults.retry_after_s), usegmt=True)

    def _write(self, answer: Answer) -> None:
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: request lines carry API keys."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, api: Api) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.api = api
        self.faults = api.faults
        self.hits: Counter[tuple[str, str]] = Counter()
        self._hits_lock = threading.Lock()

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any) -> None:
        """A client gone mid-request (a run killed -9 by the chaos bench) is not the server's error:
        only other errors are printed."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def record(self, path: str, failure: str | int | None) -> None:
        """Count one request per route (`/3/movie/{id}`) and outcome."""
        route = re.sub(r"/\d+$", "/{id}", path)
        with self._hits_lock:
            self.hits[(route, str(failure or "ok"))] += 1


class ReplayServer:
    """Serve a catalog on 127.0.0.1 in a background thread; use as a context manager.

    `hits` counts requests per (path, injected failure or "ok") so tests can see retries happen.
    """

    def __init__(
        self,
        catalog: Catalog,
        faults: Faults | None = None,
        omdb_api_key: str | None = None,
        tmdb_token: str | None = None,
    ) -> None:
        self.faults = faults or Faults()
        self.catalog = catalog
        self._server = _Server(Api(catalog, self.faults, omdb_api_key, tmdb_token))
        self._thread = threading.Thread(target=self._server.serve_forever, name="replay", daemon=True)

    @classmethod
    def from_sample(cls, sample_dir: Path, faults: Faults | None = None) -> ReplayServer:
        """A server over data/sample (see sample/replay/README.md)."""
        return cls(Catalog.from_sample(sample_dir), faults)

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:54321."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def hits(self) -> Counter[tuple[str, str]]:
        """Requests served so far per (path, outcome)."""
        return self._server.hits

    def start(self) -> ReplayServer:
        """Start serving in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()


@contextmanager
def replay_sample_in_process(sample_dir: Path) -> Iterator[str]:
    """Serve the sample from `python -m sample.replay` (its own GIL, so loaders are not slowed).

    Yields the server's URL; the child stops when this block ends (or when its stdin closes).
    """
    command = [sys.executable, "-m", "sample.replay", str(sample_dir)]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as child:
        try:
            url = child.stdout.readline().strip() if child.stdout else ""
            if not url.startswith("http://127.0.0.1:"):
                raise RuntimeError(f"replay server did not start (exit code {child.poll()})")
            yield url
        finally:
            child.terminate()
            child.wait()
