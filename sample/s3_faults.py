"""A fault-injecting reverse proxy in front of an S3 endpoint, for the reliability bench (issue 32 §2).

S3 answers `503 SlowDown` or `500 InternalError`, or stalls, during extract writes and silver commits;
this proxy makes it happen on demand. It listens on 127.0.0.1 (a free port), forwards every request to
the upstream endpoint (moto's, `sample.s3`) as the client sent it, and serves the faults queued in its
`S3Faults` instead, for the next N requests that match a method set and a key prefix.

Why our own: moto serves S3 faithfully but cannot be told to fail a chosen request, and we know of no
library that injects HTTP-level S3 faults offline (toxiproxy works on TCP: it can delay or cut a
connection but not answer a 503 with S3's error XML). The standard library's server and client are
enough, so nothing new is installed.

Forwarding is faithful where the clients need it: the Host header stays the one the client sent (SigV4
signs it; moto ignores it, S3 and MinIO check it) while the bytes go to the upstream's address; bodies are
streamed in 64 KiB pieces both ways (Content-Length or chunked); `Expect: 100-continue` is answered by
the proxy, with `100 Continue` when it forwards and with the error at once when it injects one (as S3
does, before the body is sent). Client connections are kept alive; each request gets a fresh upstream
connection, so a stale upstream socket never adds a fault nobody asked for. HTTP trailers of a chunked
request body are dropped (no S3 client sends them; SDK checksums travel inside `aws-chunked` bodies).

    with moto_s3("bucket") as upstream, faulty_s3(upstream) as proxy:
        proxy.faults.add(Fault.SLOWDOWN, 2, methods=WRITES, prefix="/bucket/lake/raw/")
        ...  # point the client at proxy.url
        proxy.faults.injected()  # {"slowdown": 2}
"""

from __future__ import annotations

import http.client
import threading
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

WRITES = frozenset({"PUT", "POST", "DELETE"})  # what S3 writes with: objects, parts, multipart commits
PIECE = 1 << 16  # bytes per read/write while streaming a body
# Headers about one connection, not the request: never forwarded either way.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"})
NO_BODY = frozenset({HTTPStatus.NO_CONTENT, HTTPStatus.NOT_MODIFIED})


class Fault(StrEnum):
    """What a matching request gets instead of (or before) its normal answer."""

    SLOWDOWN = "slowdown"  # 503 SlowDown, S3's throttling answer
    INTERNAL_ERROR = "internal_error"  # 500 InternalError
    STALL = "stall"  # wait `seconds`, then forward (a slow endpoint; the write may land after a timeout)
    HANG = "hang"  # no answer for `seconds`, then the connection is closed (the request is never forwarded)


# The S3 error each answering fault sends: status, code, message (as S3 words them).
ERRORS = {
    Fault.SLOWDOWN: (HTTPStatus.SERVICE_UNAVAILABLE, "SlowDown", "Please reduce your request rate."),
    Fault.INTERNAL_ERROR: (
        HTTPStatus.INTERNAL_SERVER_ERROR,
        "InternalError",
        "We encountered an internal error. Please try again.",
    ),
}


@dataclass
class _Rule:
    kind: Fault
    left: int | None  # None: every matching request until cleared
    methods: frozenset[str] | None
    prefix: str
    seconds: float

    def matches(self, method: str, path: str) -> bool:
        return (self.methods is None or method in self.methods) and path.startswith(self.prefix)


@dataclass(frozen=True)
class Served:
    """The fault one request gets."""

    kind: Fault
    seconds: float = 0.0


class S3Faults:
    """Queued faults and what was served; thread-safe, changed while the proxy runs.

    Rules apply in the order they were added; each consumes one of its `times` per matching request.
    `counts()` has one entry per (method, outcome), the outcome a `Fault` value or "forwarded", so a
    script can tell the faults injected from the client's retries that got through.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []
        self._counts: Counter[tuple[str, str]] = Counter()

    def add(
        self,
        kind: Fault,
        times: int | None = 1,
        *,
        methods: Iterable[str] | None = None,
        prefix: str = "",
        seconds: float = 0.0,
    ) -> None:
        """Serve `kind` to the next `times` requests (None: all of them until `clear`) whose method is in
        `methods` (None: any; `WRITES` for writes) and whose decoded path starts with `prefix`
        (`/<bucket>/<key prefix>`: every client here addresses buckets path-style). `seconds` is how
        long a STALL waits or a HANG holds the connection."""
        if kind in (Fault.STALL, Fault.HANG) and seconds <= 0:
            raise ValueError(f"{kind} needs seconds > 0")
        upper = frozenset(method.upper() for method in methods) if methods is not None else None
        with self._lock:
            self._rules.append(_Rule(Fault(kind), times, upper, prefix, seconds))

    def take(self, method: str, path: str) -> Served | None:
        """The fault for this request (consumed from the first matching rule), counted; None: forward."""
        key = unquote(urlsplit(path).path)
        with self._lock:
            rule = next((rule for rule in self._rules if rule.matches(method, key)), None)
            if rule is None:
                self._counts[(method, "forwarded")] += 1
                return None
            if rule.left is not None:
                rule.left -= 1
                if rule.left <= 0:
                    self._rules.remove(rule)
            self._counts[(method, rule.kind.value)] += 1
            return Served(rule.kind, rule.seconds)

    def pending(self) -> int:
        """Rules not used up yet (an unlimited rule counts as one)."""
        with self._lock:
            return len(self._rules)

    def counts(self) -> Counter[tuple[str, str]]:
        """Requests seen per (method, outcome), a copy."""
        with self._lock:
            return Counter(self._counts)

    def injected(self) -> dict[str, int]:
        """Faults served per kind (only kinds served at least once)."""
        served: Counter[str] = Counter()
        for (_, outcome), number in self.counts().items():
            if outcome != "forwarded":
                served[outcome] += number
        return dict(served)

    def clear(self) -> None:
        """Drop the rules not used up; the counts stay."""
        with self._lock:
            self._rules.clear()

    def reset(self) -> None:
        """Drop the rules and zero the counts."""
        with self._lock:
            self._rules.clear()
            self._counts.clear()


class _Handler(BaseHTTPRequestHandler):
    """One client connection (keep-alive): per request a fault, or a forward to the upstream."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _ProxyServer

    def handle_expect_100(self) -> bool:
        """Say nothing yet: `100 Continue` only once the request is to be forwarded (`_forward`)."""
        return True

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the bench and the tests count through `S3Faults`."""

    def _serve(self) -> None:
        try:
            served = self.server.faults.take(self.command, self.path)
            if served is None:
                self._forward()
            elif served.kind in ERRORS:
                self._answer_error(served.kind)
            elif served.kind is Fault.STALL and not self.server.stopping.wait(served.seconds):
                self._forward()  # late: the client may have timed out, and the write still lands
            else:  # a hang, or a stall cut short by the proxy stopping: no answer at all
                self.server.stopping.wait(served.seconds)
                self.close_connection = True
        except (OSError, http.client.HTTPException, ValueError):
            # The client gave up (a timeout), the upstream failed, or the framing was broken: the
            # connection cannot be trusted any more; the client sees it closed and may retry.
            self.close_connection = True

    # The methods S3's API uses; http.server dispatches on the name.
    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _expects_continue(self) -> bool:
        return self.headers.get("Expect", "").lower() == "100-continue"

    def _answer_error(self, kind: Fault) -> None:
        """S3's error answer. A body the client holds back for `100 Continue` is never asked for, so
        that connection closes after the answer; a body already on its way is read and dropped, so the
        connection stays usable."""
        if self._expects_continue():
            self.close_connection = True
        else:
            for _ in self._body():
                pass
        status, code, message = ERRORS[kind]
        request_id = uuid.uuid4().hex[:16].upper()
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{code}</Code><Message>{message}</Message>"
            f"<Resource>{escape(urlsplit(self.path).path)}</Resource>"
            f"<RequestId>{request_id}</RequestId></Error>"
        ).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amz-request-id", request_id)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":  # an S3 HEAD error has no body
            self.wfile.write(body)

    def _body(self) -> Iterator[bytes]:
        """The request body in pieces, unframed (Content-Length or chunked); empty when there is none."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._chunks()
        return self._exactly(int(self.headers.get("Content-Length") or 0))

    def _exactly(self, length: int) -> Iterator[bytes]:
        while length > 0:
            piece = self.rfile.read(min(PIECE, length))
            if not piece:
                raise ConnectionError("the client closed the connection inside a request body")
            length -= len(piece)
            yield piece

    def _chunks(self) -> Iterator[bytes]:
        while True:
            line = self.rfile.readline(1024)
            if not line:
                raise ConnectionError("the client closed the connection inside a chunked body")
            size = int(line.split(b";", 1)[0].strip(), 16)  # a chunk extension after ";" is ignored
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers, dropped
                return
            yield from self._exactly(size)
            self.rfile.readline(16)  # the CRLF closing the chunk

    def _forward(self) -> None:
        """Send the request upstream as received (Host included) and stream the answer back."""
        if self._expects_continue():
            self.send_response_only(HTTPStatus.CONTINUE)
            self.end_headers()
        chunked = "chunked" in self.headers.get("Transfer-Encoding", "").lower()
        host, port = self.server.upstream
        upstream = http.client.HTTPConnection(host, port, timeout=self.server.upstream_timeout)
        try:
            upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers.items():
                if name.lower() not in HOP_BY_HOP:
                    upstream.putheader(name, value)
            upstream.endheaders()
            for piece in self._body():
                upstream.send(b"%X\r\n%b\r\n" % (len(piece), piece) if chunked else piece)
            if chunked:
                upstream.send(b"0\r\n\r\n")
            self._relay(upstream.getresponse())
        finally:
            upstream.close()

    def _relay(self, response: http.client.HTTPResponse) -> None:
        """The upstream's answer to the client: its status and headers, its body streamed and framed as
        it came (chunked re-chunked; no length at all: read to the end, then this connection closes)."""
        has_body = self.command != "HEAD" and response.status >= 200 and response.status not in NO_BODY
        to_close = has_body and not response.chunked and response.length is None
        self.send_response_only(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        if to_close:
            self.send_header("Connection", "close")
        self.end_headers()
        while has_body and (piece := response.read(PIECE)):
            self.wfile.write(b"%X\r\n%b\r\n" % (len(piece), piece) if response.chunked else piece)
        if has_body and response.chunked:
            self.wfile.write(b"0\r\n\r\n")


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: tuple[str, int], faults: S3Faults, upstream_timeout: float) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = upstream
        self.upstream_timeout = upstream_timeout
        self.faults = faults
        self.stopping = threading.Event()  # cuts stalls and hangs short when the proxy stops


@dataclass(frozen=True)
class FaultyS3:
    """A running proxy: point S3 clients at `url`; change `faults` at any time."""

    url: str
    upstream: str
    faults: S3Faults


@contextmanager
def faulty_s3(
    upstream_url: str, faults: S3Faults | None = None, upstream_timeout: float = 300.0
) -> Iterator[FaultyS3]:
    """Run the proxy in front of `upstream_url` (plain http, e.g. moto's) in a background thread; stop
    it afterwards. `upstream_timeout` bounds each wait on the upstream (seconds)."""
    parts = urlsplit(upstream_url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"an http:// upstream is needed, not {upstream_url!r}")
    address = (parts.hostname, parts.port or 80)
    server = _ProxyServer(address, faults or S3Faults(), upstream_timeout)
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), name="s3-faults", daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield FaultyS3(f"http://{host!s}:{port}", upstream_url, server.faults)
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()
