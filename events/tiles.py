"""
Vector tiles (Mapbox Vector Tile 2.1) of the events and of the basemap, each
built by PostGIS in one statement (ST_AsMVT), and the TileJSON 3.0 documents
that describe them, so that the map page, MapLibre, QGIS and GDAL open them
by URL and no map needs a network beyond this server.

Event tiles take the same filters as the API and the pages (the filter set of
events/filters.py over the events the reader may see, Event.objects.visible_to).
Far out, a tile holds grid cells: the count of the events in each, the type
most of them have, their fatalities and the mean position of the events (not
the cell's corner). The grid is the same for the whole world at a zoom and
its cells never straddle a tile, so the counts of a zoom's tiles add up to
the events selected. Closer in a tile holds the events themselves, as long as
there are no more than MAX_TILE_EVENTS of them; a tile with more (a city,
or a country's events placed at its centre) stays in cells.

Tiles are kept in the cache, keyed by the data version (queries.data_version),
the reader's view of the data and the filters; the data version is also their
ETag.
"""

import hashlib
import json
import math
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.db.models import F, QuerySet
from django.http import HttpRequest

from events import workflow
from events.basemap import KINDS, basemap_version
from events.features import event_properties
from events.filters import EventFilterSet, box
from events.models import Event, sees_unpublished
from events.queries import bulk_read, data_version
from tracker.cache import lasting
from tracker.replicas import read_connection

EXTENT = 4096  # tile coordinates per side, the MVT default
BUFFER = 64  # coordinates kept beyond each edge, for symbols that cross it
MIN_ZOOM = 0
# The deepest zoom served; clients draw the zoom-14 tiles larger beyond it.
MAX_ZOOM = 14
# From this zoom a tile holds events one by one (unless too many).
EVENTS_FROM_ZOOM = 9
MAX_TILE_EVENTS = 4000
# Grid cells per tile side: 16 cells of 256 coordinates, 32 pixels on a
# tile drawn 512 pixels wide.
CELLS_PER_SIDE = 16
CELL = EXTENT // CELLS_PER_SIDE
# The latitude of Web Mercator's square world.
MERCATOR_LAT = 85.0511287798
# A bound on how long a cached tile can outlive a change that the data
# version misses (see mapdata.CACHE_SECONDS).
CACHE_SECONDS = 300
# How long clients and proxies may keep a tile without asking again.
CLIENT_SECONDS = 60
BASEMAP_CLIENT_SECONDS = 3600
# For the statement that builds one tile.
WORK_MEM = "64MB"

EVENT_LAYER = "events"
CELL_LAYER = "cells"

# What an event's feature carries: what the map styles by (type, precision,
# fatalities) and what its popup shows. The feature id is the event's id.
EVENT_FIELDS = {
    "title": "String",
    "type": "String",
    "precision": "String",
    "fatalities": "Number",
    "date": "String",
    "place": "String",
}
CELL_FIELDS = {
    "count": "Number",
    "type": "String",
    "fatalities": "Number",
}
BASEMAP_FIELDS = {
    "name": "String",
    "kind": "String",
    "code": "String",
    "country": "String",
}

# The tile's own events (west and north edges in, east and south out, so
# that each event falls in one tile of a zoom), each at its position on the
# world's grid at the zoom (its Web Mercator pixel, EXTENT to a tile); the
# type most events in each cell share; and one point per cell at the mean
# position of its events, in the tile's own coordinates.
CELLS_SQL = """
WITH selected AS ({selected}),
projected AS (
    SELECT (ST_X(point) + 180) / 360 * %(scale)s AS px,
           (1 - ln(tan(radians(lat)) + 1 / cos(radians(lat))) / pi()) / 2
               * %(scale)s AS py,
           event_type, fatalities_best
    FROM (SELECT point, event_type, fatalities_best,
                 least(greatest(ST_Y(point), -{lat}), {lat}) AS lat
          FROM selected
          WHERE ST_X(point) >= %(west)s AND ST_X(point) < %(east)s
            AND ST_Y(point) <= %(north)s AND ST_Y(point) > %(south)s) AS clamped
),
per_type AS (
    SELECT floor(px / {cell})::bigint AS cx, floor(py / {cell})::bigint AS cy,
           event_type, count(*) AS n, sum(px) AS sx, sum(py) AS sy,
           sum(fatalities_best) AS fatalities
    FROM projected
    GROUP BY 1, 2, 3
),
cells AS (
    SELECT sum(n)::bigint AS count, sum(sx) / sum(n) AS x, sum(sy) / sum(n) AS y,
           (array_agg(event_type ORDER BY n DESC, event_type))[1] AS type,
           coalesce(sum(fatalities), 0)::bigint AS fatalities
    FROM per_type GROUP BY cx, cy
)
SELECT ST_AsMVT(tile, '{layer}', {extent}, 'geom')
FROM (
    SELECT ST_MakePoint(round(x - %(x)s * {extent}), round(y - %(y)s * {extent}))
               AS geom,
           count, type, fatalities
    FROM cells
) AS tile
""".format(
    selected="{selected}", lat=MERCATOR_LAT, cell=CELL, extent=EXTENT, layer=CELL_LAYER
)

# The events themselves, clipped to the tile and its buffer.
EVENTS_SQL = f"""
WITH selected AS ({{selected}})
SELECT ST_AsMVT(tile, '{EVENT_LAYER}', {EXTENT}, 'geom', 'id')
FROM (
    SELECT id, title, type, precision, fatalities, date, place,
           ST_AsMVTGeom(ST_Transform(point, 3857),
                        ST_TileEnvelope(%(z)s, %(x)s, %(y)s), {EXTENT}, {BUFFER}, true)
               AS geom
    FROM selected
) AS tile
WHERE geom IS NOT NULL
"""

# The boundaries under the events: areas (countries, provinces, regions) and
# the border lines, each simplified to the tile's resolution and clipped to
# it, and a point on each area and line for its label.
BASEMAP_SQL = f"""
WITH envelope AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS box),
shapes AS (
    SELECT id, name, kind, code, country_code AS country,
           ST_Transform(geometry, 3857) AS geom
    FROM events_location
    WHERE kind = ANY(%(kinds)s) AND geometry IS NOT NULL
      AND geometry && ST_Transform(
          ST_Expand((SELECT box FROM envelope), %(margin)s), 4326)
),
areas AS (
    SELECT id, name, kind, code, country,
           ST_AsMVTGeom(ST_SimplifyPreserveTopology(geom, %(pixel)s),
                        (SELECT box FROM envelope), {EXTENT}, {BUFFER}, true) AS geom
    FROM shapes WHERE GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON')
),
borders AS (
    SELECT id, name, kind, code, country,
           ST_AsMVTGeom(ST_Simplify(geom, %(pixel)s),
                        (SELECT box FROM envelope), {EXTENT}, {BUFFER}, true) AS geom
    FROM shapes WHERE GeometryType(geom) IN ('LINESTRING', 'MULTILINESTRING')
),
labels AS (
    SELECT id, name, kind, code, country,
           ST_AsMVTGeom(ST_PointOnSurface(geom),
                        (SELECT box FROM envelope), {EXTENT}, 0, true) AS geom
    FROM shapes
)
SELECT (SELECT coalesce(ST_AsMVT(a, 'areas', {EXTENT}, 'geom', 'id'), '')
        FROM areas a WHERE geom IS NOT NULL)
    || (SELECT coalesce(ST_AsMVT(b, 'borders', {EXTENT}, 'geom', 'id'), '')
        FROM borders b WHERE geom IS NOT NULL)
    || (SELECT coalesce(ST_AsMVT(l, 'labels', {EXTENT}, 'geom', 'id'), '')
        FROM labels l WHERE geom IS NOT NULL)
"""


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int

    def exists(self) -> bool:
        return (
            MIN_ZOOM <= self.z <= MAX_ZOOM
            and 0 <= self.x < 2**self.z
            and (0 <= self.y < 2**self.z)
        )

    def bounds(self, margin: float = 0.0) -> tuple[float, float, float, float]:
        """West, south, east, north in degrees, widened by `margin` tile widths."""
        n = 2**self.z
        west = (self.x - margin) / n * 360 - 180
        east = (self.x + 1 + margin) / n * 360 - 180
        north = _latitude((self.y - margin) / n)
        south = _latitude((self.y + 1 + margin) / n)
        return max(west, -180), max(south, -90), min(east, 180), min(north, 90)

    def edges(self) -> tuple[float, float, float, float]:
        """
        West, south, east and north edges in degrees, unclamped: a tile holds
        the points from its west edge to its east edge (exclusive), and from
        above its south edge to its north edge, so each point of the world
        is in one tile of a zoom (the northernmost tiles reach the pole).
        """
        n = 2**self.z
        return (
            self.x / n * 360 - 180,
            _latitude((self.y + 1) / n),
            (self.x + 1) / n * 360 - 180,
            _latitude(self.y / n),
        )

    def pixel_metres(self) -> float:
        """The length of one tile coordinate in Web Mercator metres."""
        return 2 * math.pi * 6378137 / 2**self.z / EXTENT


def _latitude(fraction: float) -> float:
    """The latitude at `fraction` of the Web Mercator world's height from the top."""
    if fraction <= 0:
        return 90.0
    if fraction >= 1:
        return -90.0
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * fraction))))


def in_tile(events: QuerySet, tile: Tile, margin: float = 0.0) -> QuerySet:
    """The events with a point in the tile's box (widened by `margin` tiles)."""
    west, south, east, north = tile.bounds(margin)
    return events.filter(point__bboverlaps=box(west, south, east, north))


def cells_statement(events: QuerySet, tile: Tile) -> tuple[str, dict]:
    """The cells tile of `events` (a filtered queryset) as SQL and parameters."""
    selected = in_tile(events, tile).filter(point__isnull=False).order_by()
    sql, params = selected.values(
        "point", "event_type", "fatalities_best"
    ).query.sql_with_params()
    west, south, east, north = tile.edges()
    return _named(
        CELLS_SQL, sql, params, scale=2**tile.z * EXTENT, x=tile.x, y=tile.y,
        west=west, south=south, east=east, north=north,
    )  # fmt: skip


def events_statement(events: QuerySet, tile: Tile) -> tuple[str, dict]:
    """The events tile of `events` as SQL and parameters."""
    properties = event_properties("date", "place")
    selected = (
        in_tile(events, tile, margin=BUFFER / EXTENT)
        .filter(point__isnull=False)
        .order_by()
        .annotate(
            type=F("event_type"),
            precision=F("geo_precision"),
            fatalities=F("fatalities_best"),
            **properties,
        )
        .values("id", "point", "title", "type", "precision", "fatalities", *properties)
    )
    sql, params = selected.query.sql_with_params()
    return _named(EVENTS_SQL, sql, params, z=tile.z, x=tile.x, y=tile.y)


def _named(template: str, selected: str, params: tuple, **named: object) -> tuple:
    """
    A statement with the selection's positional parameters and the template's
    named ones, as one dict of named parameters (psycopg takes one style).
    """
    names = {f"s{index}": value for index, value in enumerate(params)}
    selected = selected.replace("%%", "\0") % tuple(f"%({name})s" for name in names)
    selected = selected.replace("\0", "%%")
    return template.replace("{selected}", selected), {**names, **named}


def count_at_most(events: QuerySet, tile: Tile, limit: int) -> int:
    """How many events the tile holds, counted no further than `limit`."""
    selected = in_tile(events, tile, margin=BUFFER / EXTENT).filter(point__isnull=False)
    return selected.order_by().values("pk")[:limit].count()


def event_tile(events: QuerySet, tile: Tile) -> bytes:
    """The tile of `events`: cells far out, the events themselves closer in."""
    if events.query.is_empty():  # a filter that can match nothing
        return b""
    with bulk_read():
        if tile.z >= EVENTS_FROM_ZOOM and (
            count_at_most(events, tile, MAX_TILE_EVENTS + 1) <= MAX_TILE_EVENTS
        ):
            sql, params = events_statement(events, tile)
        else:
            sql, params = cells_statement(events, tile)
        with read_connection().cursor() as cursor:
            # Enough memory to group a region's events in one hash table,
            # rather than sort them on disk.
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
            cursor.execute(sql, params)
            return bytes(cursor.fetchone()[0] or b"")


def basemap_tile(tile: Tile) -> bytes:
    params = {
        "z": tile.z,
        "x": tile.x,
        "y": tile.y,
        "kinds": KINDS,
        "pixel": tile.pixel_metres(),
        "margin": tile.pixel_metres() * BUFFER,
    }
    with read_connection().cursor() as cursor:
        cursor.execute(BASEMAP_SQL, params)
        return bytes(cursor.fetchone()[0] or b"")


# --- who reads, and the keys of the cache ---------------------------------------


def readers_view(user: AbstractBaseUser | AnonymousUser) -> tuple[bool, bool]:
    """
    What decides which events a reader's tiles hold beyond the filters: the
    visibility rule (Event.objects.visible_to) and, for the awaiting-review
    filter, whether the reader may see the review queue.
    """
    return sees_unpublished(user), workflow.may_see_queue(user)


def filtered_events(request: HttpRequest) -> EventFilterSet:
    return EventFilterSet(
        data=request.GET,
        queryset=Event.objects.visible_to(request.user),
        request=request,
    )


def filters_query(request: HttpRequest) -> list:
    """The query string as sorted pairs: the same filters in any order, one key."""
    return sorted(
        (name, sorted(values)) for name, values in request.GET.lists() if values
    )


def event_tile_version(request: HttpRequest) -> str:
    """The ETag and cache key of an event tile, before any tile is read."""
    key = repr((data_version(), readers_view(request.user), filters_query(request)))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def cached_event_tile(
    request: HttpRequest, events: QuerySet, tile: Tile, version: str
) -> bytes:
    key = f"tile:events:{version}:{tile.z}/{tile.x}/{tile.y}"
    return lasting(key, lambda: event_tile(events, tile), CACHE_SECONDS)


def cached_basemap_tile(tile: Tile, version: str) -> bytes:
    key = f"tile:basemap:{version}:{tile.z}/{tile.x}/{tile.y}"
    found = cache.get(key)
    if found is None:
        found = basemap_tile(tile)
        cache.set(key, found, timeout=None)
    return found


def basemap_tile_version() -> str:
    return basemap_version()


# --- TileJSON --------------------------------------------------------------------


def tilejson(
    *,
    name: str,
    description: str,
    tiles_url: str,
    layers: list[dict],
    attribution: str,
    bounds: tuple[float, float, float, float] = (-180.0, -85.0511, 180.0, 85.0511),
    center: tuple[float, float, int] | None = None,
) -> dict:
    """A TileJSON 3.0.0 document of one tile set."""
    document = {
        "tilejson": "3.0.0",
        "name": name,
        "description": description,
        "scheme": "xyz",
        "tiles": [tiles_url],
        "minzoom": MIN_ZOOM,
        "maxzoom": MAX_ZOOM,
        "bounds": list(bounds),
        "attribution": attribution,
        "vector_layers": [
            {"minzoom": MIN_ZOOM, "maxzoom": MAX_ZOOM, **layer} for layer in layers
        ],
    }
    if center is not None:
        document["center"] = list(center)
    return document


def event_layers() -> list[dict]:
    return [
        {
            "id": CELL_LAYER,
            "description": "Events grouped into grid cells (all zooms below "
            f"{EVENTS_FROM_ZOOM}, and denser tiles beyond): count, the most "
            "common type and the sum of the best fatality estimates.",
            "fields": CELL_FIELDS,
        },
        {
            "id": EVENT_LAYER,
            "description": f"Events one by one from zoom {EVENTS_FROM_ZOOM} "
            f"(tiles of at most {MAX_TILE_EVENTS} events); the feature id is the "
            "event's id.",
            "fields": EVENT_FIELDS,
        },
    ]


def basemap_layers() -> list[dict]:
    return [
        {"id": "areas", "description": "Countries, provinces and regions.",
         "fields": BASEMAP_FIELDS},
        {"id": "borders", "description": "Border lines.", "fields": BASEMAP_FIELDS},
        {"id": "labels", "description": "A point on each area and line, for its name.",
         "fields": BASEMAP_FIELDS},
    ]  # fmt: skip


def as_json(document: dict) -> str:
    return json.dumps(document, separators=(",", ":"))
