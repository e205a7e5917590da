"""
A real HTTP server on 127.0.0.1 for the intake tests: feeds, sitemaps and
article pages served from a table of routes, with conditional GETs, slow and
looping answers; every request is recorded with its headers and time. It
also takes POSTs (a saved search's webhook), recording their bodies, and a
route can fail its first requests.
"""

import email.utils
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    etag: str = ""
    last_modified: str = ""
    location: str = ""  # a redirect's target
    delay: float = 0.0  # seconds before answering
    trickle: float = 0.0  # seconds between bytes of a body sent one by one
    headers: dict[str, str] = field(default_factory=dict)
    failures: int = 0  # the first requests this many, answered 503


@dataclass
class Request:
    path: str
    host: str
    headers: dict[str, str]
    at: float  # time.monotonic() when it arrived
    method: str = "GET"
    body: bytes = b""


class Handler(BaseHTTPRequestHandler):
    server: "FeedServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self.server.requests.append(
            Request(
                path=self.path,
                host=self.headers.get("Host", ""),
                headers={name.lower(): value for name, value in self.headers.items()},
                at=time.monotonic(),
            )
        )
        route = self.server.routes.get(urlsplit(self.path).path)
        if route is None:
            route = Route(b"Not here", status=404, content_type="text/plain")
        if route.delay:
            time.sleep(route.delay)
        if route.etag and self.headers.get("If-None-Match") == route.etag:
            return self.answer(Route(status=304, etag=route.etag))
        since = self.headers.get("If-Modified-Since")
        if route.last_modified and since == route.last_modified:
            return self.answer(Route(status=304, last_modified=route.last_modified))
        self.answer(route)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.server.requests.append(
            Request(
                path=self.path,
                host=self.headers.get("Host", ""),
                headers={name.lower(): value for name, value in self.headers.items()},
                at=time.monotonic(),
                method="POST",
                body=self.rfile.read(length),
            )
        )
        route = self.server.routes.get(urlsplit(self.path).path)
        if route is None:
            route = Route(b"Not here", status=404, content_type="text/plain")
        if route.failures > 0:
            route.failures -= 1
            return self.answer(Route(b"Busy", status=503, content_type="text/plain"))
        self.answer(route)

    def answer(self, route: Route) -> None:
        self.send_response(route.status)
        if route.status != 304:
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
        for name, value in (
            ("ETag", route.etag),
            ("Last-Modified", route.last_modified),
            ("Location", route.location),
            *route.headers.items(),
        ):
            if value:
                self.send_header(name, value)
        self.end_headers()
        if route.status == 304:
            return
        try:
            if route.trickle:
                for byte in route.body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(route.trickle)
            else:
                self.wfile.write(route.body)
        except OSError:
            pass  # the client gave up, as it should


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def hosts(self) -> list[str]:
        """What FETCH_ALLOWED_HOSTS needs to let intake reach this server."""
        return [f"127.0.0.1:{self.port}", f"localhost:{self.port}"]

    def serve(self, path: str, body: str | bytes = b"", **options) -> Route:
        route = Route(body.encode() if isinstance(body, str) else body, **options)
        self.routes[path] = route
        return route

    def requests_for(self, path: str) -> list[Request]:
        return [r for r in self.requests if urlsplit(r.path).path == path]

    def start(self) -> "FeedServer":
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def reset(self) -> None:
        self.routes.clear()
        self.requests.clear()


def http_date(seconds: float) -> str:
    return email.utils.formatdate(seconds, usegmt=True)
