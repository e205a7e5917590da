"""
The WSGI application (tracker/wsgi.py, tracker/handlers.py): tiles and their
TileJSON answered with only the middleware a tile needs, every other address
by the whole chain; what a tile needs still done (the signed-in reader's
view, the host's check, security headers, the request id, the metrics).
"""

import io
import json
import sys
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from events import tile_views
from events.models import Event
from tests.conftest import make_event
from tests.test_tiles import cell_total, read_tile, tile_of
from tracker.afterwards import afterwards
from tracker.handlers import TILES_PREFIX
from tracker.wsgi import application

pytestmark = pytest.mark.django_db

TILE_VIEWS = {
    tile_views.event_tile,
    tile_views.basemap_tile,
    tile_views.events_tilejson,
    tile_views.basemap_tilejson,
}


def served(
    path: str, query: str = "", method: str = "GET", **environ: str
) -> tuple[int, dict[str, str], bytes]:
    """A request through the project's WSGI application, as a server makes
    it (the test's own connection to the database left open, as Django's test
    client leaves it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    answer: list = []
    try:
        body = application(
            {
                "REQUEST_METHOD": method,
                "PATH_INFO": path,
                "QUERY_STRING": query,
                "SERVER_NAME": "testserver",
                "SERVER_PORT": "80",
                "HTTP_HOST": "testserver",
                "SERVER_PROTOCOL": "HTTP/1.1",
                "wsgi.url_scheme": "http",
                "wsgi.input": io.BytesIO(),
                "wsgi.errors": sys.stderr,
                **environ,
            },
            lambda status, headers, exc_info=None: answer.extend([status, headers]),
        )
        try:
            content = b"".join(body)
        finally:
            body.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert afterwards.wait(10)
    status, headers = answer
    return int(status.split()[0]), dict(headers), content


def patterns(resolver: URLResolver, prefix: str = "/") -> Iterator[tuple[str, object]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_every_address_under_the_prefix_is_a_tile_endpoint_and_every_tile_is_under_it():
    under = {
        route: view
        for route, view in patterns(get_resolver())
        if route.startswith(TILES_PREFIX)
    }
    assert under and set(under.values()) <= TILE_VIEWS
    for name, args in [("event_tile", [3, 4, 3]), ("basemap_tile", [3, 4, 3]),
                       ("events_tilejson", []), ("basemap_tilejson", [])]:  # fmt: skip
        assert reverse(f"events:{name}", args=args).startswith(TILES_PREFIX)


def test_a_tile_goes_without_the_middleware_of_pages_and_a_page_keeps_them() -> None:
    skipped = settings.TILE_SKIPPED_MIDDLEWARE
    assert set(skipped) <= set(settings.MIDDLEWARE)
    assert application.pages.middleware == settings.MIDDLEWARE
    assert application.tiles.middleware == [
        name for name in settings.MIDDLEWARE if name not in skipped
    ]

    def loaded(methods: list) -> set[str]:
        return {
            f"{type(m.__self__).__module__}.{type(m.__self__).__name__}"
            for m in methods
        }

    # The chains Django built: CSRF's check of each view in the pages' alone.
    csrf = "django.middleware.csrf.CsrfViewMiddleware"
    assert csrf in loaded(application.pages._view_middleware)
    assert not loaded(application.tiles._view_middleware) & set(skipped)


def test_an_error_under_the_tiles_is_json() -> None:
    status, headers, content = served("/tiles/nothing")
    assert status == 404
    assert headers["Content-Type"] == "application/json"
    assert json.loads(content)["detail"]


def test_a_tile_through_the_application(baghdad) -> None:
    make_event(title="On the map", status=Event.Status.PUBLISHED, location=baghdad,
               point=baghdad.point)  # fmt: skip
    z, x, y = tile_of(baghdad.point.x, baghdad.point.y, 6)
    status, headers, content = served(f"/tiles/events/{z}/{x}/{y}.mvt")
    assert status == 200
    assert headers["Content-Type"] == tile_views.MVT_TYPE
    assert cell_total(read_tile(content, z, x, y)) >= 1
    assert headers["Cache-Control"].startswith("public")
    # What a tile still gets: its security headers and the request's id.
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Request-ID"]
    # What only pages get: no content policy or framing rule on data.
    assert "Content-Security-Policy" not in headers and "X-Frame-Options" not in headers
    # Its ETag revalidates.
    status, _, content = served(
        f"/tiles/events/{z}/{x}/{y}.mvt", HTTP_IF_NONE_MATCH=headers["ETag"]
    )
    assert status == 304 and content == b""


def test_a_page_through_the_application_keeps_its_headers() -> None:
    status, headers, _ = served("/about/")
    assert status == 200
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"


def test_an_editors_tile_through_the_application_holds_drafts(editor, baghdad) -> None:
    make_event(title="A draft", status=Event.Status.DRAFT, location=baghdad,
               point=baghdad.point)  # fmt: skip
    z, x, y = tile_of(baghdad.point.x, baghdad.point.y, 6)
    path = f"/tiles/events/{z}/{x}/{y}.mvt"
    client = Client()
    client.force_login(editor)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
    _, anonymous, anonymous_tile = served(path)
    status, editors, editors_tile = served(path, HTTP_COOKIE=cookie)
    assert status == 200
    assert editors["Cache-Control"].startswith("private")
    assert editors["ETag"] != anonymous["ETag"]
    assert cell_total(read_tile(editors_tile, z, x, y)) == (
        cell_total(read_tile(anonymous_tile, z, x, y)) + 1
    )


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
@pytest.mark.parametrize(
    "path",
    [
        "/tiles/events/3/4/3.mvt",
        "/tiles/events.json",
        "/tiles/boundaries.json",
        "/tiles/boundaries/3/4/3.mvt",
    ],  # fmt: skip
)
def test_a_tile_answers_nothing_but_get_and_head(path: str, method: str) -> None:
    status, headers, _ = served(path, method=method)
    assert status == 405
    assert headers["Allow"] == "GET, HEAD"
    # (The server sends a HEAD's headers alone.)
    assert served(path, method="HEAD")[0] == 200


def test_a_tile_for_a_host_not_allowed_is_refused() -> None:
    status, _, _ = served("/tiles/events/3/4/3.mvt", HTTP_HOST="attacker.example")
    assert status == 400
