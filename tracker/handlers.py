"""
The WSGI application (tracker/wsgi.py): Django's own handler for every
request, but for the tiles and their TileJSON documents (events/tile_views.py),
which a handler of the same project answers with only the middleware a tile
needs.

A map asks for tiles by the dozen at every move, and a tile not in the cache
costs its statement and the request around it; the middleware of pages,
forms and sign-ins (settings.TILE_SKIPPED_MIDDLEWARE) did nothing for a tile
but took a fifth to a third of what a request costs beyond its statement
(docs/performance.md). What a tile does need stays in the order
settings.MIDDLEWARE gives: the request id, metrics and log line, the security
headers, CORS, the replica's routing, the session and the signed-in user
(an editor's tiles hold drafts), and the checks of the host.
"""

from collections.abc import Callable, Iterable

import django
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

# Every address under it is a tile endpoint's (tests/test_handlers.py).
TILES_PREFIX = "/tiles/"


class Handler(WSGIHandler):
    """Django's WSGI handler with the middleware of settings.MIDDLEWARE but
    those `skipped`, in the same order."""

    def __init__(self, skipped: Iterable[str] = ()) -> None:
        self.skipped = frozenset(skipped)
        super().__init__()

    def load_middleware(self, is_async: bool = False) -> None:
        # Django builds its chain from settings.MIDDLEWARE. The setting is
        # narrowed while this handler builds its own, once, when the
        # application is made (before it serves a request), and then restored.
        everything = settings.MIDDLEWARE
        self.middleware = [name for name in everything if name not in self.skipped]
        settings.MIDDLEWARE = self.middleware
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = everything


def get_application() -> Callable:
    """The project's WSGI application: each request to the handler of its path."""
    django.setup(set_prefix=False)
    pages = Handler()
    tiles = Handler(settings.TILE_SKIPPED_MIDDLEWARE)

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        handler = tiles if path.startswith(TILES_PREFIX) else pages
        return handler(environ, start_response)

    application.pages = pages
    application.tiles = tiles
    return application
