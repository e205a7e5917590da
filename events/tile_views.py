"""
The tile endpoints: event tiles under the reader's filters and view of the
data, basemap tiles, and the TileJSON document of each (events/tiles.py builds
the tiles). Each answers GET and HEAD only: they are served without the
middleware of pages and forms (tracker/handlers.py).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from events import tiles
from events.tiles import Tile
from tracker.afterwards import afterwards

MVT_TYPE = "application/vnd.mapbox-vector-tile"
# The region the tracker covers (west, south, east, north) and its centre:
# where a client that opens the tile set first looks.
REGION_BOUNDS = (24.0, 22.0, 66.0, 44.0)
REGION_CENTER = (46.0, 34.5, 4)
ATTRIBUTION = "Zagros events"


def _tile_or_404(z: int, x: int, y: int) -> Tile | JsonResponse:
    tile = Tile(z, x, y)
    if not tile.exists():
        return JsonResponse(
            {
                "detail": f"No tile {z}/{x}/{y}: zooms run from {tiles.MIN_ZOOM} to "
                f"{tiles.MAX_ZOOM}, and x and y from 0 to 2^zoom - 1."
            },
            status=404,
        )
    return tile


class TileResponse(HttpResponse):
    """
    A tile, and what to do once it is sent (`after`: keeping a tile built
    for this request in the cache), queued when the server closes the
    response, after its last byte, for the process's thread of such work
    (tracker/afterwards.py), so that the reader does not wait on it.
    """

    after: Callable[[], None] | None = None

    def close(self) -> None:
        try:
            if self.after is not None:
                afterwards.submit(self.after)
        finally:
            super().close()


def _tile_response(
    body: bytes,
    etag: str,
    seconds: int,
    *,
    public: bool,
    after: Callable[[], None] | None = None,
):
    response = TileResponse(body, content_type=MVT_TYPE)
    response.after = after
    response["ETag"] = etag
    _keep_for(response, seconds, public=public)
    return response


def _public_tiles(request: HttpRequest) -> bool:
    """Whether any cache may keep the reader's event tiles: not an editor's,
    which hold drafts and are for their own browser only."""
    return not tiles.readers_view(request.user)[0]


def _keep_for(response: HttpResponse, seconds: int, *, public: bool) -> None:
    """Who may keep the response (public or private: one directive, never
    both) and how long."""
    if public:
        patch_cache_control(response, public=True, max_age=seconds)
    else:
        patch_cache_control(response, private=True, max_age=seconds)


def _not_modified(request: HttpRequest, etag: str, seconds: int, *, public: bool):
    """A 304 when the client holds `etag`, kept as the tile itself would be."""
    response = get_conditional_response(request, etag=etag)
    if response is not None:
        _keep_for(response, seconds, public=public)
    return response


@require_safe
def event_tile(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    tile = _tile_or_404(z, x, y)
    if isinstance(tile, JsonResponse):
        return tile
    try:
        selection = tiles.selection(request)
    except tiles.FiltersRefused as refused:
        return JsonResponse(refused.errors, status=400)
    reader = tiles.reader_key(request)
    if "HTTP_IF_NONE_MATCH" in request.META:
        # Most likely answered 304: the data version alone.
        version, built = tiles.event_tile_version(reader), None
    else:
        version, built = tiles.event_tile_with_version(reader, selection, tile)
    etag = f'"{version}"'
    public = _public_tiles(request)
    if response := _not_modified(request, etag, tiles.CLIENT_SECONDS, public=public):
        return response
    if built is None:
        built = tiles.cached_event_tile(selection, tile, version)
    body, keep = built
    return _tile_response(body, etag, tiles.CLIENT_SECONDS, public=public, after=keep)


@require_safe
def basemap_tile(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    tile = _tile_or_404(z, x, y)
    if isinstance(tile, JsonResponse):
        return tile
    version = tiles.basemap_tile_version()
    etag = f'"{version}"'
    if response := _not_modified(
        request, etag, tiles.BASEMAP_CLIENT_SECONDS, public=True
    ):
        return response
    response = HttpResponse(
        tiles.cached_basemap_tile(tile, version), content_type=MVT_TYPE
    )
    response["ETag"] = etag
    _keep_for(response, tiles.BASEMAP_CLIENT_SECONDS, public=True)
    return response


def _template_url(request: HttpRequest, name: str) -> str:
    """The absolute {z}/{x}/{y} address of a tile set, with the request's filters."""
    path = reverse(name, args=[0, 0, 0]).removesuffix("/0/0/0.mvt")
    url = request.build_absolute_uri(path) + "/{z}/{x}/{y}.mvt"
    query = request.GET.urlencode(safe=",")
    return f"{url}?{query}" if query else url


@require_safe
def events_tilejson(request: HttpRequest) -> HttpResponse:
    filterset = tiles.filtered_events(request)
    if not filterset.is_valid():
        return JsonResponse(filterset.errors, status=400)
    document = tiles.tilejson(
        name="Zagros events",
        description="Events of the tracker as vector tiles, under the filters "
        "of this document's own query string (the same as the API's).",
        tiles_url=_template_url(request, "events:event_tile"),
        layers=tiles.event_layers(),
        attribution=ATTRIBUTION,
        bounds=REGION_BOUNDS,
        center=REGION_CENTER,
    )
    response = JsonResponse(document)
    patch_cache_control(response, public=True, max_age=tiles.BASEMAP_CLIENT_SECONDS)
    return response


@require_safe
def basemap_tilejson(request: HttpRequest) -> HttpResponse:
    document = tiles.tilejson(
        name="Zagros boundaries",
        description="Countries, provinces, the Kurdistan Region and the border "
        "lines the tracker's places are drawn from.",
        tiles_url=_template_url(request, "events:basemap_tile"),
        layers=tiles.basemap_layers(),
        attribution="Boundaries: Natural Earth (public domain)",
        bounds=REGION_BOUNDS,
        center=REGION_CENTER,
    )
    response = JsonResponse(document)
    patch_cache_control(response, public=True, max_age=tiles.BASEMAP_CLIENT_SECONDS)
    return response
