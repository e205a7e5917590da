"""
Pages fetched from the web: an article's URL at intake, and whatever else the
tracker reads from other sites. Only public addresses are fetched, unless
FETCH_ALLOWED_HOSTS names the host: the name is resolved, every address it
resolves to is checked, and the connection goes to a checked address, so a name
that resolves elsewhere a moment later (DNS rebinding) changes nothing. Each
redirect is a new fetch, checked the same way. A fetch has one deadline, for
all its redirects, and a size cap on what it reads.
"""

import codecs
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

import urllib3.exceptions
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.response import BaseHTTPResponse
from urllib3.util.ssl_match_hostname import CertificateError

TIMEOUT_SECONDS = 15
MAX_BYTES = 5_000_000
MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
CHUNK_BYTES = 64 * 1024
# What text can be extracted from; a PDF, an image or an archive is refused
# before it is downloaded.
TEXT_TYPES = {
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "text/xml",
    "application/xml",
}
# What a feed or a sitemap may be served as (intake/), besides TEXT_TYPES:
# servers label feeds loosely, and a sitemap may come gzipped.
FEED_TYPES = TEXT_TYPES | {
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/json",
    "application/x-rss+xml",
    "application/gzip",
    "application/x-gzip",
}
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
USER_AGENT = "Zagros (geopolitical event tracker)"
DEFAULT_PORTS = {"http": 80, "https": 443}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# NAT64's well-known prefix (RFC 6052): the last 32 bits are an IPv4 address,
# which is where a connection to such an address ends up.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

# The first that applies names the refusal; 127.0.0.1 is private too, but
# "loopback" says more.
REFUSED_KINDS = [
    ("a loopback address", lambda address: address.is_loopback),
    ("an unspecified address", lambda address: address.is_unspecified),
    ("a link-local address", lambda address: address.is_link_local),
    ("a multicast address", lambda address: address.is_multicast),
    ("a reserved address", lambda address: address.is_reserved),
    ("a private address", lambda address: address.is_private),
    ("not a public address", lambda address: not address.is_global),
]


class FetchError(Exception):
    """A page was refused or could not be fetched; the message says which and why."""


@dataclass(frozen=True)
class Page:
    url: str  # where it was found, after any redirects
    content: bytes
    content_type: str
    charset: str | None
    # 304 when a conditional GET found the page unchanged (and content empty).
    status: int = 200
    # The validators to send next time (If-None-Match, If-Modified-Since).
    etag: str = ""
    last_modified: str = ""

    def markup(self) -> str | bytes:
        """
        The page as text in the character set its server declared; as bytes
        when it declared none, for the reader to detect.
        """
        if self.charset is None:
            return self.content
        return self.content.decode(self.charset, errors="replace")


@dataclass(frozen=True)
class Deadline:
    """When a fetch gives up, redirects included."""

    seconds: float
    at: float

    @classmethod
    def after(cls, seconds: float) -> "Deadline":
        return cls(seconds, time.monotonic() + seconds)

    def left(self) -> float:
        return self.at - time.monotonic()


@dataclass(frozen=True)
class Target:
    """Where one request goes: the URL taken apart."""

    scheme: str
    host: str  # as resolved: lower case, IDNA-encoded, no brackets
    port: int
    path: str  # the request target: path and query
    host_header: str

    @property
    def address(self) -> IPAddress | None:
        """The host when it is an IP address."""
        try:
            return ipaddress.ip_address(self.host)
        except ValueError:
            return None

    @classmethod
    def of(cls, url: str, where: str) -> "Target":
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise FetchError(f"Could not fetch {where}: {exc}.") from exc
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise FetchError(
                f"Could not fetch {where}: only http and https addresses are fetched."
            )
        if not parts.hostname:
            raise FetchError(f"Could not fetch {where}: the address has no host.")
        try:
            host = parts.hostname.rstrip(".").encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise FetchError(
                f"Could not fetch {where}: {parts.hostname} is not a valid host name."
            ) from exc
        port = port or DEFAULT_PORTS[scheme]
        shown = f"[{host}]" if ":" in host else host
        if port != DEFAULT_PORTS[scheme]:
            shown += f":{port}"
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return cls(scheme, host, port, path, shown)


def refusal(address: IPAddress) -> str | None:
    """Why nothing is fetched from `address` ("a loopback address"); None if public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
        if embedded is not None:
            reason = refusal(embedded)
            return f"{reason} ({embedded}) inside an IPv6 address" if reason else None
    for reason, applies in REFUSED_KINDS:
        if applies(address):
            return reason
    return None


def allowed_hosts() -> list[tuple[str, int | None]]:
    """FETCH_ALLOWED_HOSTS as (host, port) pairs; no port allows every port."""
    pairs = []
    for entry in settings.FETCH_ALLOWED_HOSTS:
        text = entry.strip().lower()
        try:
            if text.startswith("["):  # [IPv6] or [IPv6]:port
                host, _, rest = text[1:].partition("]")
                host, port = ipaddress.IPv6Address(host).compressed, rest[1:]
                if rest and not rest.startswith(":"):
                    raise ValueError(rest)
            elif text.count(":") > 1:  # a bare IPv6 address
                host, port = ipaddress.IPv6Address(text).compressed, ""
            else:  # a name or an IPv4 address, with or without a port
                host, _, port = text.partition(":")
            if not host or (port and not port.isdigit()):
                raise ValueError(entry)
            pairs.append((normal_host(host), int(port) if port else None))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"FETCH_ALLOWED_HOSTS: {entry!r} is neither host nor host:port."
            ) from exc
    return pairs


def normal_host(host: str) -> str:
    """One spelling per host: IP addresses compressed, names without a final dot."""
    try:
        return ipaddress.ip_address(host).compressed
    except ValueError:
        return host.rstrip(".").lower()


def is_allowed_anyway(target: Target) -> bool:
    host = normal_host(target.host)
    return any(
        host == allowed and port in (None, target.port)
        for allowed, port in allowed_hosts()
    )


def vetted_addresses(target: Target, where: str) -> list[IPAddress]:
    """
    The addresses `target.host` resolves to, each one checked: FetchError if
    any is not public, unless FETCH_ALLOWED_HOSTS names the host.
    """
    allowed_anyway = is_allowed_anyway(target)
    try:
        found = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise FetchError(
            f"Could not fetch {where}: the host name {target.host} could not be "
            "resolved (is the server connected to the internet?)."
        ) from exc
    addresses = []
    for family, _, _, _, sockaddr in found:
        if family in (socket.AF_INET, socket.AF_INET6):
            address = ipaddress.ip_address(sockaddr[0])
            if address not in addresses:
                addresses.append(address)
    if not addresses:
        raise FetchError(f"Could not fetch {where}: {target.host} has no address.")
    if allowed_anyway:
        return addresses
    for address in addresses:
        reason = refusal(address)
        if reason is not None:
            whose = (
                f"{target.host} is {reason}"
                if target.address is not None
                else f"{target.host} resolves to {address}, {reason}"
            )
            raise FetchError(
                f"Refused to fetch {where}: {whose}. Only public addresses are "
                "fetched, unless FETCH_ALLOWED_HOSTS names the host."
            )
    return addresses


def connection(target: Target, address: IPAddress, timeout: float) -> HTTPConnection:
    """
    A connection to `address` itself, never to the name again, with the name in
    the Host header and, over TLS, in SNI and the certificate check.
    """
    if target.scheme == "https":
        return HTTPSConnection(
            str(address),
            target.port,
            timeout=timeout,
            server_hostname=None if target.address is not None else target.host,
        )
    return HTTPConnection(str(address), target.port, timeout=timeout)


def describe(exc: BaseException) -> str:
    """What went wrong on the network, in words for the person who asked."""
    if isinstance(exc, ssl.SSLCertVerificationError | CertificateError):
        return f"its certificate could not be verified ({exc})"
    if isinstance(exc, ssl.SSLError):
        return f"the secure connection failed ({exc.reason or exc})"
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        cause = exc.__cause__
        if isinstance(cause, ConnectionRefusedError):
            return "the server refused the connection"
        if isinstance(cause, OSError) and cause.strerror:
            return f"could not connect ({cause.strerror})"
    if isinstance(exc, http.client.IncompleteRead | urllib3.exceptions.ProtocolError):
        return "the server broke off its answer"
    if isinstance(exc, OSError) and exc.strerror:
        return f"the connection failed ({exc.strerror})"
    return str(exc) or type(exc).__name__


@contextmanager
def exchange(
    target: Target,
    addresses: list[IPAddress],
    deadline: Deadline,
    where: str,
    headers: dict[str, str] | None = None,
    *,
    method: str = "GET",
    body: bytes | None = None,
) -> Iterator[BaseHTTPResponse]:
    """
    One request (a GET unless `method` says otherwise) and its response, on
    a connection to the first of `addresses` that answers. Socket timeouts
    bound each read, but a server that trickles a byte at a time would outlast
    them: a timer shuts the socket at the deadline. (It cannot interrupt a TLS
    handshake under way; the socket timeout bounds that.)
    """
    seconds = deadline.left()
    timed_out = FetchError(
        f"Could not fetch {where}: no complete answer within "
        f"{deadline.seconds:g} seconds."
    )
    if seconds <= 0:
        raise timed_out
    connections: list[HTTPConnection] = []
    sockets: list[socket.socket] = []
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        # The response keeps the socket even once its connection lets go of it.
        for sock in [*sockets, *(conn.sock for conn in connections)]:
            try:
                if sock is not None:
                    sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        for index, address in enumerate(addresses):
            conn = connection(target, address, seconds)
            connections.append(conn)
            try:
                conn.connect()
                break
            except (OSError, urllib3.exceptions.HTTPError):
                if index == len(addresses) - 1 or expired.is_set():
                    raise
        sockets.append(conn.sock)
        conn.request(
            method,
            target.path,
            body=body,
            headers={
                "Accept": PAGE_ACCEPT,
                **(headers or {}),
                "Host": target.host_header,
                "User-Agent": USER_AGENT,
                "Accept-Encoding": "gzip, deflate",
            },
            preload_content=False,
            decode_content=True,
        )
        yield conn.getresponse()
        # A shut socket reads as the end of the page: what was read is not all.
        if expired.is_set():
            raise timed_out
    except FetchError:
        raise
    except (
        OSError,
        ValueError,
        http.client.HTTPException,
        urllib3.exceptions.HTTPError,
    ) as exc:
        # urllib3's NewConnectionError is a kind of its TimeoutError.
        if expired.is_set() or (
            isinstance(exc, TimeoutError | urllib3.exceptions.TimeoutError)
            and not isinstance(exc, urllib3.exceptions.NewConnectionError)
        ):
            raise timed_out from exc
        raise FetchError(f"Could not fetch {where}: {describe(exc)}.") from exc
    finally:
        timer.cancel()
        for conn in connections:
            conn.close()


def content_type(response: BaseHTTPResponse) -> tuple[str, str | None]:
    """The response's media type (empty when not given) and declared charset."""
    header = response.headers.get("Content-Type", "")
    if not header:
        return "", None
    message = Message()
    message["Content-Type"] = header
    charset = message.get_param("charset")
    if isinstance(charset, str):
        try:
            codecs.lookup(charset)
        except LookupError:
            charset = None
    else:
        charset = None
    return message.get_content_type(), charset


def read_page(
    response: BaseHTTPResponse,
    url: str,
    where: str,
    max_bytes: int,
    types: frozenset[str] | set[str] = TEXT_TYPES,
    conditional: bool = False,
) -> Page:
    etag = response.headers.get("ETag", "")[:500]
    last_modified = response.headers.get("Last-Modified", "")[:100]
    if conditional and response.status == 304:
        return Page(url, b"", "", None, 304, etag, last_modified)
    if response.status != 200:
        raise FetchError(
            f"Could not fetch {where}: the server answered {response.status} "
            f"{response.reason or ''}".rstrip()
            + "."
        )
    media_type, charset = content_type(response)
    if media_type and media_type not in types:
        raise FetchError(f"Could not fetch {where}: it is {media_type}, not a page.")
    too_large = FetchError(
        f"Could not fetch {where}: the page is larger than "
        f"{max_bytes / 1_000_000:g} MB."
    )
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    chunks = []
    size = 0
    # Read decoded, a chunk at a time: a small compressed body can inflate to
    # gigabytes, and the cap is on what it inflates to.
    for chunk in response.stream(CHUNK_BYTES, decode_content=True):
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        chunks.append(chunk)
    return Page(url, b"".join(chunks), media_type, charset, 200, etag, last_modified)


def fetch(
    url: str,
    *,
    timeout: float = TIMEOUT_SECONDS,
    max_bytes: int = MAX_BYTES,
    accept: str = PAGE_ACCEPT,
    types: frozenset[str] | set[str] = TEXT_TYPES,
    etag: str = "",
    last_modified: str = "",
) -> Page:
    """
    GET `url` from a public address, following up to MAX_REDIRECTS redirects,
    each checked as the first; the whole page within `timeout` seconds and
    `max_bytes` bytes, or FetchError. `types` are the media types taken.
    Given the validators of an earlier answer (`etag`, `last_modified`), the
    GET is conditional, and a page unchanged since comes back with status 304
    and no content.
    """
    deadline = Deadline.after(timeout)
    headers = {"Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    conditional = bool(etag or last_modified)
    hop = url
    for _ in range(MAX_REDIRECTS + 1):
        where = url if hop == url else f"{url} (redirected to {hop})"
        target = Target.of(hop, where)
        addresses = vetted_addresses(target, where)
        with exchange(target, addresses, deadline, where, headers) as response:
            location = response.headers.get("Location")
            if response.status not in REDIRECTS or not location:
                return read_page(response, hop, where, max_bytes, types, conditional)
        hop = urljoin(hop, location.strip())
    raise FetchError(f"Could not fetch {url}: more than {MAX_REDIRECTS} redirects.")


def post(
    url: str,
    body: bytes,
    *,
    headers: dict[str, str],
    timeout: float = TIMEOUT_SECONDS,
) -> int:
    """
    POST `body` to `url`, checked as a fetch is (public addresses only,
    unless FETCH_ALLOWED_HOSTS names the host); the status of the answer,
    read within `timeout` seconds, or FetchError. Redirects are not followed:
    a body is not sent on to an address nobody checked.
    """
    where = url
    target = Target.of(url, where)
    addresses = vetted_addresses(target, where)
    with exchange(
        target,
        addresses,
        Deadline.after(timeout),
        where,
        {"Accept": "*/*", **headers},
        method="POST",
        body=body,
    ) as response:
        # Read (a little of) the answer, so a server that accepts the request
        # but never answers is a timeout, not a success.
        response.read(CHUNK_BYTES)
        return response.status
