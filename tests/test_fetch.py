"""
Fetching pages: public addresses only (after DNS and after every redirect)
unless FETCH_ALLOWED_HOSTS names the host, within a deadline and a size cap.
Against real HTTP servers on 127.0.0.1.
"""

import gzip
import ipaddress
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from events.fetch import MAX_REDIRECTS, FetchError, fetch, refusal
from events.models import SourceArticle

ARTICLE = """<!DOCTYPE html>
<html><head><title>Border talks resume in Baghdad</title>
<meta name="author" content="A. Correspondent"></head>
<body><article><h1>Border talks resume in Baghdad</h1>
<p>Iraqi and Iranian officials met in Baghdad on Sunday to resume talks on
the security of their shared border, the foreign ministry said.</p>
<p>The delegations agreed to meet again within a month to review the
disarmament of armed groups along the border in the Kurdistan Region.</p>
</article></body></html>"""


class Handler(BaseHTTPRequestHandler):
    """Answers by path; every request is recorded on the server."""

    server: "Server"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def send(self, status: int, body: bytes, **options: str) -> None:
        """The response; options are headers, Content_Type for Content-Type."""
        headers = {
            "Content-Type": "text/html; charset=utf-8",
            "Content-Length": str(len(body)),
            **{name.replace("_", "-"): value for name, value in options.items()},
        }
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.server.requests.append((self.path, self.headers.get("Host")))
        url = urlsplit(self.path)
        query = {name: values[0] for name, values in parse_qs(url.query).items()}
        if url.path == "/article":
            self.send(200, ARTICLE.encode())
        elif url.path == "/host":
            self.send(200, self.headers["Host"].encode(), Content_Type="text/plain")
        elif url.path == "/redirect":
            self.send(302, b"", Location=query["to"])
        elif url.path == "/loop":
            self.send(302, b"", Location="/loop")
        elif url.path == "/large":
            self.send(200, b"<p>" + b"x" * int(query["bytes"]) + b"</p>")
        elif url.path == "/declared":
            self.send(200, b"", Content_Length=str(10**9))
        elif url.path == "/inflating":
            body = gzip.compress(b"<p>" + b"0" * 50_000_000, compresslevel=9)
            self.send(200, body, Content_Encoding="gzip")
        elif url.path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(200):  # 20 s at most
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass  # the client gave up, as it should
        elif url.path == "/silent":
            time.sleep(5)
            self.send(200, ARTICLE.encode())
        elif url.path == "/pdf":
            self.send(200, b"%PDF-1.7", Content_Type="application/pdf")
        else:
            self.send(404, b"Not here")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    requests: list[tuple[str, str | None]]

    def handle_error(self, request, client_address) -> None:
        # A fetch that gives up (over its cap, past its deadline) hangs up.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def url(self, path: str = "/article", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


def serve(server: Server) -> Iterator[Server]:
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def site() -> Iterator[Server]:
    yield from serve(Server(("127.0.0.1", 0), Handler))


@pytest.fixture
def other_site() -> Iterator[Server]:
    yield from serve(Server(("127.0.0.1", 0), Handler))


@pytest.fixture
def allow(settings) -> Callable[..., None]:
    """Sets FETCH_ALLOWED_HOSTS for the test; nothing is allowed until it is called."""

    def allow(*hosts: str) -> None:
        settings.FETCH_ALLOWED_HOSTS = list(hosts)

    settings.FETCH_ALLOWED_HOSTS = []
    return allow


def fetch_error(url: str, **options) -> str:
    with pytest.raises(FetchError) as error:
        fetch(url, **options)
    return str(error.value)


# --- which addresses -----------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "a loopback address"),
        ("127.1.2.3", "a loopback address"),
        ("0.0.0.0", "an unspecified address"),
        ("10.1.2.3", "a private address"),
        ("172.16.0.1", "a private address"),
        ("192.168.1.1", "a private address"),
        ("169.254.169.254", "a link-local address"),  # cloud metadata services
        ("100.64.0.1", "not a public address"),  # carrier-grade NAT
        ("224.0.0.1", "a multicast address"),
        ("240.0.0.1", "a reserved address"),
        ("255.255.255.255", "a reserved address"),
        ("192.0.2.1", "a private address"),  # documentation
        ("::1", "a loopback address"),
        ("::", "an unspecified address"),
        ("fe80::1", "a link-local address"),
        ("fc00::1", "a private address"),
        ("ff02::1", "a multicast address"),
        ("2001:db8::1", "a private address"),
        ("::7f00:1", "a reserved address"),  # IPv4-compatible 127.0.0.1
        ("::ffff:127.0.0.1", "a loopback address (127.0.0.1) inside an IPv6 address"),
        ("::ffff:10.0.0.1", "a private address (10.0.0.1) inside an IPv6 address"),
        ("2002:7f00:1::1", "a loopback address (127.0.0.1) inside an IPv6 address"),
        (
            "64:ff9b::a9fe:a9fe",
            "a link-local address (169.254.169.254) inside an IPv6 address",
        ),
        ("93.184.215.14", None),
        ("1.1.1.1", None),
        ("2606:4700:4700::1111", None),
        ("::ffff:1.1.1.1", None),
        ("64:ff9b::101:101", None),  # NAT64 to 1.1.1.1
    ],
)
def test_only_public_addresses_are_fetched(address: str, reason: str | None) -> None:
    assert refusal(ipaddress.ip_address(address)) == reason


# --- refusals -------------------------------------------------------------------


def test_a_loopback_address_is_refused_without_connecting(site: Server, allow) -> None:
    message = fetch_error(site.url())
    assert message == (
        f"Refused to fetch {site.url()}: 127.0.0.1 is a loopback address. Only "
        "public addresses are fetched, unless FETCH_ALLOWED_HOSTS names the host."
    )
    assert site.requests == []


def test_an_ipv6_loopback_address_is_refused(allow) -> None:
    assert "::1 is a loopback address" in fetch_error("http://[::1]:8000/")


def test_a_name_that_resolves_to_a_private_address_is_refused(
    site: Server, allow
) -> None:
    # The address itself being allowed does not allow a name that leads to it.
    allow(f"127.0.0.1:{site.port}")
    message = fetch_error(site.url(host="localhost"))
    assert "localhost resolves to 127.0.0.1, a loopback address" in message
    assert site.requests == []


def test_a_host_allowed_anyway_is_fetched(site: Server, allow) -> None:
    allow(f"127.0.0.1:{site.port}")
    page = fetch(site.url())
    assert page.content == ARTICLE.encode()
    assert (page.url, page.content_type, page.charset) == (
        site.url(),
        "text/html",
        "utf-8",
    )


def test_a_host_allowed_without_a_port_is_allowed_on_every_port(
    site: Server, allow
) -> None:
    allow("news.intranet.example", "127.0.0.1")
    assert fetch(site.url()).content == ARTICLE.encode()


@pytest.mark.parametrize(
    ("entry", "url"),
    [
        ("[::1]:8000", "http://[0:0::1]:8000/"),
        ("::1", "http://[::1]:8000/"),
        ("Localhost.", "http://localhost:8000/"),
        ("127.0.0.1:8000", "http://127.0.0.1:8000/"),
    ],
)
def test_allowed_hosts_are_matched_however_spelt(entry: str, url: str, allow) -> None:
    allow(entry)
    # Allowed: nothing is refused, and nothing listens on port 8000 of ::1.
    assert "Refused" not in fetch_error(url, timeout=2)


@pytest.mark.parametrize("entry", ["host:port", "a:b:c", "[::1]x", ":80", "[nope]:1"])
def test_a_malformed_allowed_host_is_a_configuration_error(entry: str, allow) -> None:
    allow(entry)
    with pytest.raises(ImproperlyConfigured, match="FETCH_ALLOWED_HOSTS"):
        fetch("http://example.org/")


def test_a_host_allowed_on_another_port_is_refused(site: Server, allow) -> None:
    allow(f"127.0.0.1:{site.port + 1}")
    assert "127.0.0.1 is a loopback address" in fetch_error(site.url())


def test_the_name_is_sent_while_the_checked_address_is_connected_to(
    site: Server, allow
) -> None:
    allow(f"localhost:{site.port}")
    page = fetch(site.url("/host", host="localhost"))
    assert page.content == f"localhost:{site.port}".encode()


def test_a_redirect_to_a_private_address_is_refused(
    site: Server, other_site: Server, allow
) -> None:
    allow(f"127.0.0.1:{site.port}")
    start = site.url(f"/redirect?to={other_site.url()}")
    message = fetch_error(start)
    assert message.startswith(
        f"Refused to fetch {start} (redirected to {other_site.url()}): 127.0.0.1 "
        "is a loopback address."
    )
    assert other_site.requests == []


def test_a_redirect_to_a_name_of_a_private_address_is_refused(
    site: Server, allow
) -> None:
    allow(f"127.0.0.1:{site.port}")
    message = fetch_error(site.url(f"/redirect?to={site.url(host='localhost')}"))
    assert "localhost resolves to 127.0.0.1, a loopback address" in message
    assert [path for path, _host in site.requests] == [
        f"/redirect?to={site.url(host='localhost')}"
    ]


def test_redirects_between_allowed_hosts_are_followed(
    site: Server, other_site: Server, allow
) -> None:
    allow(f"127.0.0.1:{site.port}", f"127.0.0.1:{other_site.port}")
    page = fetch(site.url(f"/redirect?to={other_site.url()}"))
    assert page.url == other_site.url()
    assert page.content == ARTICLE.encode()


def test_redirects_are_limited(site: Server, allow) -> None:
    allow(f"127.0.0.1:{site.port}")
    assert fetch_error(site.url("/loop")) == (
        f"Could not fetch {site.url('/loop')}: more than {MAX_REDIRECTS} redirects."
    )
    assert len(site.requests) == MAX_REDIRECTS + 1


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.org/article", "gopher://example.org/"],
)
def test_only_http_and_https_are_fetched(url: str) -> None:
    assert fetch_error(url) == (
        f"Could not fetch {url}: only http and https addresses are fetched."
    )


# --- limits ------------------------------------------------------------------------


def test_a_page_over_the_size_cap_is_cut_off(site: Server, allow) -> None:
    allow(f"127.0.0.1:{site.port}")
    url = site.url("/large?bytes=300000")
    assert fetch_error(url, max_bytes=100_000) == (
        f"Could not fetch {url}: the page is larger than 0.1 MB."
    )
    assert len(fetch(url, max_bytes=400_000).content) == 300_007


def test_a_declared_length_over_the_cap_is_refused_unread(site: Server, allow) -> None:
    allow(f"127.0.0.1:{site.port}")
    url = site.url("/declared")
    assert fetch_error(url) == f"Could not fetch {url}: the page is larger than 5 MB."


def test_the_cap_applies_to_the_page_once_inflated(site: Server, allow) -> None:
    allow(f"127.0.0.1:{site.port}")
    url = site.url("/inflating")  # about 50 kB of gzip that inflates to 50 MB
    assert fetch_error(url) == f"Could not fetch {url}: the page is larger than 5 MB."


@pytest.mark.parametrize("path", ["/trickle", "/silent"])
def test_a_slow_answer_is_cut_off_at_the_deadline(
    site: Server, allow, path: str
) -> None:
    allow(f"127.0.0.1:{site.port}")
    started = time.monotonic()
    assert fetch_error(site.url(path), timeout=1) == (
        f"Could not fetch {site.url(path)}: no complete answer within 1 seconds."
    )
    assert time.monotonic() - started < 2


def test_an_error_status_is_reported(site: Server, allow) -> None:
    allow(f"127.0.0.1:{site.port}")
    url = site.url("/gone")
    assert (
        fetch_error(url) == f"Could not fetch {url}: the server answered 404 Not Found."
    )


def test_what_is_not_a_page_is_refused(site: Server, allow) -> None:
    allow(f"127.0.0.1:{site.port}")
    url = site.url("/pdf")
    assert (
        fetch_error(url) == f"Could not fetch {url}: it is application/pdf, not a page."
    )


def test_a_closed_port_is_reported(allow) -> None:
    allow("127.0.0.1:9")
    assert fetch_error("http://127.0.0.1:9/") == (
        "Could not fetch http://127.0.0.1:9/: the server refused the connection."
    )


def test_a_name_that_does_not_resolve_is_reported(allow) -> None:
    assert "could not be resolved" in fetch_error("http://zagros-test.invalid/")


# --- TLS ---------------------------------------------------------------------------


@pytest.fixture
def tls_site(tmp_path: Path) -> Iterator[tuple[Server, list[str]]]:
    """An HTTPS server with a self-signed certificate; records the SNI names sent."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    names: list[str] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    server = Server(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    for running in serve(server):
        yield running, names


def test_https_sends_the_name_and_checks_the_certificate(
    tls_site: tuple[Server, list[str]], allow
) -> None:
    server, names = tls_site
    allow(f"localhost:{server.port}")
    url = f"https://localhost:{server.port}/article"
    message = fetch_error(url)
    assert message.startswith(f"Could not fetch {url}: its certificate could not be")
    assert names == ["localhost"]


# --- the admin's intake ----------------------------------------------------------


def add_article(client: Client, url: str) -> str:
    response = client.post(
        "/admin/events/sourcearticle/add/", {"url": url, "language": "en"}
    )
    return response.content.decode() if response.status_code == 200 else ""


@pytest.mark.django_db
def test_intake_refuses_a_private_address_with_a_form_error(
    editor_client: Client, site: Server, allow
) -> None:
    page = add_article(editor_client, site.url())
    assert "Refused to fetch" in page and "127.0.0.1 is a loopback address" in page
    assert "Paste the article&#x27;s text instead." in page
    assert not SourceArticle.objects.filter(url=site.url()).exists()
    assert site.requests == []


@pytest.mark.django_db
def test_intake_fetches_an_allowed_host_and_extracts_the_article(
    editor_client: Client, site: Server, allow
) -> None:
    allow(f"127.0.0.1:{site.port}")
    assert add_article(editor_client, site.url()) == ""  # saved: a redirect
    article = SourceArticle.objects.get(url=site.url())
    assert article.title == "Border talks resume in Baghdad"
    assert "Iraqi and Iranian officials met in Baghdad on Sunday" in article.body
    assert "disarmament of armed groups" in article.body
