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

Tiles in cells (every tile far out, the dense tiles closer in),
without filters or with only the type and status filters, are read from the
summed cells (TileCell, kept by triggers on the events): a few hundred rows
rather than every event under the tile, with the same answer. Other filters
group the events themselves.

Tiles are kept in the cache, keyed by the data version (queries.data_version),
the reader's view of the data and the filters; the data version is also their
ETag. A tile built for a request is stored once it has been sent. A tile that
is most likely not in the cache is built by the statement that reads the data
version (event_tile_with_version). The statement is assembled from the
selection's SQL, compiled once (Selection), and the tile's own numbers; the
map's own tiles (no filter, or only the type and status filters) share one
selection per reader's view and filter values in each process (selection).
"""

import hashlib
import json
import math
from collections import OrderedDict
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest

from events import workflow
from events.basemap import KINDS, basemap_version
from events.cells import CELL_BITS, SUMMED_TO_ZOOM, WORLD_BITS
from events.features import event_properties
from events.filters import NOT_NARROWING, EventFilterSet
from events.models import Event, TileCell, sees_unpublished
from events.queries import data_version, data_version_and
from tracker.cache import find_lasting, keep_shared, local
from tracker.replicas import read_connection

EXTENT = 4096  # tile coordinates per side, the MVT default
BUFFER = 64  # coordinates kept beyond each edge, for symbols that cross it
MIN_ZOOM = 0
# The deepest zoom served; clients draw the zoom-14 tiles larger beyond it.
MAX_ZOOM = 14
# From this zoom a tile holds events one by one (unless too many).
EVENTS_FROM_ZOOM = 9
MAX_TILE_EVENTS = 4000
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

# Cells: per cell and type, the events' count, the sums of their positions on
# the world's grid (events_world_x and events_world_y, whole numbers: exact
# sums, the same in any order) and their fatalities, from the events or from
# the summed cells (PER_TYPE); then per cell the count, the type most of its
# events share and one point at their mean position, in the tile's own
# coordinates. Only the tile's own cells: each event is in one cell, and each
# cell in one tile, of a zoom.
CELLS_SQL = f"""
WITH per_type AS ({{per_type}}),
cells AS (
    SELECT sum(n)::bigint AS count,
           sum(sx)::float8 / sum(n)::float8 AS x, sum(sy)::float8 / sum(n)::float8 AS y,
           (array_agg(event_type ORDER BY n DESC, event_type))[1] AS type,
           coalesce(sum(fatalities), 0)::bigint AS fatalities
    FROM per_type
    WHERE cx >> {CELL_BITS} = %(x)s AND cy >> {CELL_BITS} = %(y)s
    GROUP BY cx, cy
)
SELECT ST_AsMVT(tile, '{CELL_LAYER}', {EXTENT}, 'geom')
FROM (
    SELECT ST_MakePoint(round(x / %(unit)s - %(x)s * {EXTENT}),
                        round(y / %(unit)s - %(y)s * {EXTENT})) AS geom,
           count, type, fatalities
    FROM cells
) AS tile
"""
# Per cell and type, from the events.
PER_TYPE_SQL = """
    SELECT wx >> %(cell_shift)s AS cx, wy >> %(cell_shift)s AS cy, event_type,
           count(*) AS n, sum(wx) AS sx, sum(wy) AS sy,
           sum(fatalities_best) AS fatalities
    FROM (SELECT events_world_x(point) AS wx, events_world_y(point) AS wy,
                 event_type, fatalities_best
          FROM ({selected}) AS selected) AS positioned
    GROUP BY 1, 2, 3
"""
# Per cell and type, from the summed cells of the tile's zoom (the statuses
# the reader sees added up).
SUMMED_PER_TYPE_SQL = """
    SELECT cx, cy, event_type, sum(count)::bigint AS n, sum(sx) AS sx,
           sum(sy) AS sy, sum(fatalities) AS fatalities
    FROM ({selected}) AS summed
    GROUP BY 1, 2, 3
"""
# The filters the summed cells answer, as they answer them on the events:
# columns of the event's own row that TileCell keeps under the same names.
SUMMED_FILTERS = ("type", "status")
# The filters a request may give and still be answered from the summed cells:
# SUMMED_FILTERS, and those that choose no events (an order, a date rule
# without dates). `updated_since` chooses the events changed since a moment,
# which the cells do not know.
CELL_FILTERS = frozenset(SUMMED_FILTERS) | (NOT_NARROWING - {"updated_since"})

# A selection narrowed to a tile: the events with a point in the tile's box,
# widened by a margin (the index finds them), or the summed cells of the
# tile's zoom inside the tile. A statement compiles each selection once, for
# every part that reads it (the count and the events; the dense tile's test
# and the cells).
IN_BOX_SQL = """
    SELECT * FROM ({selected}) AS in_box
    WHERE point && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)
"""
SUMMED_IN_TILE_SQL = """
    SELECT * FROM ({selected}) AS in_tile
    WHERE zoom = %(zoom)s AND cx >= %(first_x)s AND cx < %(end_x)s
      AND cy >= %(first_y)s AND cy < %(end_y)s
"""

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
# Closer in, the events when the tile and its buffer hold no more than
# %(limit)s of them (MAX_TILE_EVENTS, counted no further among the events
# tile's own rows), else the cells:
# one statement, whose branches not taken are not run. With the summed cells,
# a tile whose own cells already hold more than %(limit)s events (DENSE_SQL)
# is in cells without counting: its own events are among those of the tile
# and its buffer.
CHOICE_SQL = """
SELECT CASE
    WHEN {dense} THEN ({cells})
    WHEN (SELECT count(*) FROM ({counted} LIMIT %(limit)s + 1) AS counted) <= %(limit)s
    THEN ({events})
    ELSE ({cells})
END
"""
DENSE_SQL = "(SELECT coalesce(sum(count), 0) FROM ({selected}) AS own) > %(limit)s"

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


# A tile's statement is a template of its kind (Kind) over a selection's
# compiled SQL (Selection), with the tile's own values as parameters: the
# ORM compiles a selection once for every tile and kind, and each tile adds
# only numbers. Each part of a template names its parameters with a prefix:
# the events in the box of the cells "c" (or the summed cells "c"), the
# events tile's rows "s"; the cells' grid and the tile's address are shared.
Compiled = tuple[str, tuple]


def _compiled(queryset: QuerySet) -> Compiled:
    return queryset.order_by().query.sql_with_params()


def _named(
    template: str, selected: Compiled, prefix: str, names: tuple[str, ...] = ()
) -> tuple[str, dict]:
    """
    A template over a compiled selection, with the selection's positional
    parameters and the template's own named ones as one style of named
    parameters (psycopg takes one style): the selection's are named `prefix`
    and their place, and the template's `names` `prefix` and their name.
    """
    sql, params = selected
    values = {f"{prefix}{index}": value for index, value in enumerate(params)}
    sql = sql.replace("%%", "\0") % tuple(f"%({name})s" for name in values)
    sql = sql.replace("\0", "%%")
    for name in names:
        template = template.replace(f"%({name})s", f"%({prefix}_{name})s")
    return template.replace("{selected}", sql), values


def _box(tile: Tile, margin: float, prefix: str) -> dict:
    """The tile's box widened by `margin` tiles (IN_BOX_SQL's parameters)."""
    west, south, east, north = tile.bounds(margin)
    return {
        f"{prefix}_west": west,
        f"{prefix}_south": south,
        f"{prefix}_east": east,
        f"{prefix}_north": north,
    }


def _in_box(selected: Compiled, prefix: str) -> tuple[str, dict]:
    """A compiled selection of events (values, with the point) in a box."""
    return _named(IN_BOX_SQL, selected, prefix, ("west", "south", "east", "north"))


def _summed_range(tile: Tile) -> dict:
    """The tile's zoom and cells (SUMMED_IN_TILE_SQL's parameters)."""
    return {
        "c_zoom": tile.z,
        "c_first_x": tile.x << CELL_BITS,
        "c_end_x": (tile.x + 1) << CELL_BITS,
        "c_first_y": tile.y << CELL_BITS,
        "c_end_y": (tile.y + 1) << CELL_BITS,
    }


def _summed_in_tile(selected: Compiled) -> tuple[str, dict]:
    """Compiled summed cells inside a tile of their zoom."""
    names = ("zoom", "first_x", "end_x", "first_y", "end_y")
    return _named(SUMMED_IN_TILE_SQL, selected, "c", names)


def _cell_params(tile: Tile) -> dict:
    return {
        "x": tile.x,
        "y": tile.y,
        # World units to one tile coordinate, and cells' and tiles' shifts.
        "unit": float(2 ** (WORLD_BITS - tile.z) // EXTENT),
        "cell_shift": WORLD_BITS - tile.z - CELL_BITS,
    }


def _cells(per_type: str, selected: tuple[str, dict]) -> tuple[str, dict]:
    template = CELLS_SQL.replace("{per_type}", per_type)
    return template.replace("{selected}", selected[0]), selected[1]


def _events(selected: tuple[str, dict]) -> tuple[str, dict]:
    return EVENTS_SQL.replace("{selected}", selected[0]), selected[1]


def _events_or_cells(
    selected: tuple[str, dict], cells: tuple[str, dict], dense: str = "false"
) -> tuple[str, dict]:
    """The events tile of the `selected` rows, or the `cells` statement's
    tile when they are more than MAX_TILE_EVENTS (or when the `dense`
    condition, on the cells statement's parameters, holds), as one
    statement. The events counted are the events tile's own rows."""
    events_sql, events_params = _events(selected)
    template = CHOICE_SQL.replace("{events}", events_sql).replace("{cells}", cells[0])
    template = template.replace("{dense}", dense)
    template = template.replace("{counted}", selected[0])
    return template, {**events_params, **cells[1]}


@dataclass(frozen=True)
class Kind:
    """What a tile's statement reads and builds: cells from the summed cells
    (`summed`) or from the events, and closer in (`near`) the events
    themselves when they are few enough."""

    summed: bool
    near: bool

    def values(self, tile: Tile) -> dict:
        """The tile's own parameters in a statement of this kind."""
        values = _cell_params(tile)
        # The box of the cells from the events: a coordinate wider than the
        # tile, for points on its edges (the grid then decides).
        cells = _summed_range(tile) if self.summed else _box(tile, 1 / EXTENT, "c")
        values.update(cells)
        if self.near:
            values.update(_box(tile, BUFFER / EXTENT, "s"))
            values.update(z=tile.z, limit=MAX_TILE_EVENTS)
        return values


class Selection:
    """
    The rows a reader's tiles are built from under a set of filters: the
    events and, when the filters allow (summed_cells), their summed cells.
    Each part is compiled when a statement first needs it, and each kind's
    statement once, so that a tile's statement is a template and the tile's
    own values (Kind.values).
    """

    def __init__(self, events: QuerySet, summed: QuerySet | None = None) -> None:
        self.events = events
        self.summed = summed
        # A filter that can match nothing: no statement, an empty tile.
        self.empty = events.query.is_empty()
        self._templates: dict[Kind, tuple[str, dict]] = {}

    def kind(self, tile: Tile) -> Kind:
        return Kind(
            summed=self.summed is not None and tile.z <= SUMMED_TO_ZOOM,
            near=tile.z >= EVENTS_FROM_ZOOM,
        )

    def alone(self, tile: Tile) -> bool:
        """
        Whether the tile's statement runs alone, outside a transaction and
        without settings of its own: from the summed cells, a few hundred rows,
        or at most MAX_TILE_EVENTS events one by one, nothing to group.
        """
        return self.kind(tile).summed

    def statement(self, tile: Tile, kind: Kind | None = None) -> tuple[str, dict]:
        """
        The one statement that builds the tile: far out, the cells; closer
        in, the events themselves, or the cells when there are too many. The
        cells come from the summed cells when the selection has them, to
        SUMMED_TO_ZOOM, else from the events. `kind`: another than the
        tile's own (cells_statement).
        """
        kind = kind or self.kind(tile)
        template = self._templates.get(kind)
        if template is None:
            template = self._templates[kind] = self._template(kind)
        sql, params = template
        return sql, {**params, **kind.values(tile)}

    def _template(self, kind: Kind) -> tuple[str, dict]:
        if kind.summed:
            own = _summed_in_tile(self._sums)
            cells = _cells(SUMMED_PER_TYPE_SQL, own)
            if not kind.near:
                return cells
            # The tile's own summed cells: the rows the cells are made of.
            dense = DENSE_SQL.replace("{selected}", own[0])
            return _events_or_cells(_in_box(self._features, "s"), cells, dense)
        cells = _cells(PER_TYPE_SQL, _in_box(self._positions, "c"))
        if not kind.near:
            return cells
        return _events_or_cells(_in_box(self._features, "s"), cells)

    @cached_property
    def _positions(self) -> Compiled:
        """The events as the cells group them."""
        selected = self.events.values("point", "event_type", "fatalities_best")
        return _compiled(selected.filter(point__isnull=False))

    @cached_property
    def _features(self) -> Compiled:
        """The events with what each feature of the events tile carries."""
        properties = event_properties("date", "place")
        selected = self.events.annotate(
            type=F("event_type"),
            precision=F("geo_precision"),
            fatalities=F("fatalities_best"),
            **properties,
        ).values("id", "point", "title", "type", "precision", "fatalities", *properties)
        return _compiled(selected.filter(point__isnull=False))

    @cached_property
    def _sums(self) -> Compiled:
        return _compiled(
            self.summed.values(
                "zoom", "cx", "cy", "event_type", "count", "sx", "sy", "fatalities"
            )
        )


def cells_statement(events: QuerySet, tile: Tile) -> tuple[str, dict]:
    """The cells tile of `events` (a filtered queryset), grouped from the
    events at any zoom, as SQL and parameters."""
    return Selection(events).statement(tile, Kind(summed=False, near=False))


def tile_statement(
    events: QuerySet, tile: Tile, summed: QuerySet | None = None
) -> tuple[str, dict]:
    """The statement that builds the tile of `events` (Selection.statement),
    with the cells from their summed cells `summed` when given."""
    return Selection(events, summed).statement(tile)


def event_tile(selection: Selection, tile: Tile) -> bytes:
    """The tile of the selection's events."""
    if selection.empty:
        return b""
    sql, params = selection.statement(tile)
    connection = read_connection()
    if selection.alone(tile):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return bytes(cursor.fetchone()[0] or b"")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # Enough memory to group a region's events in one hash table, rather
        # than sort them on disk; no JIT compilation, which costs more than
        # it saves on statements of this size. One round trip for both.
        cursor.execute(
            "SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)",
            [WORK_MEM],
        )
        cursor.execute(sql, params)
        return bytes(cursor.fetchone()[0] or b"")


def summed_cells(
    filterset: EventFilterSet, user: AbstractBaseUser | AnonymousUser
) -> QuerySet | None:
    """
    The summed cells (TileCell) of the events `filterset` selects for `user`,
    or None when a filter needs the events themselves. Visibility is the
    events' own rule (TileCell.objects.visible_to); the type and status
    filters apply as they do to the events.
    """
    data = filterset.form.cleaned_data
    if any(
        value not in (None, "", []) for name, value in data.items()
        if name not in CELL_FILTERS
    ):  # fmt: skip
        return None
    summed = TileCell.objects.visible_to(user)
    for name in SUMMED_FILTERS:
        summed = filterset.filters[name].filter(summed, data.get(name))
    return summed


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


class FiltersRefused(Exception):
    """The request's filters, refused: their errors, as the filter set gives them."""

    def __init__(self, errors: dict) -> None:
        super().__init__(errors)
        self.errors = errors


# Selections shared by the requests filtered by nothing but CELL_FILTERS,
# per reader's view and those filters' values (selection): at most this many
# in a process, the oldest dropped first.
SELECTIONS_KEPT = 64
_selections: OrderedDict[tuple, Selection] = OrderedDict()


def selection(request: HttpRequest) -> Selection:
    """
    The events the request's filters select among those the reader may see,
    and, when the filters allow, their summed cells (Selection); raises
    FiltersRefused with the filter set's errors.

    A request filtered by nothing but CELL_FILTERS (the map's own tiles:
    no filter, a type, a status, an order) shares its selection with every
    request of the same reader's view and values, kept in the process: those
    filters compare columns of the event's row with the values given, or
    order, so the same values always give the same SQL, which is then
    compiled once rather than for every tile. The other filters (places and
    areas looked up, moments) are made and compiled for each request.
    """
    key = _selection_key(request)
    found = _selections.get(key) if key is not None else None
    if found is not None:
        # Kept as the most recently used (another thread may have let it go).
        with suppress(KeyError):
            _selections.move_to_end(key)
        return found
    filterset = filtered_events(request)
    if not filterset.is_valid():
        raise FiltersRefused(filterset.errors)
    made = Selection(filterset.qs, summed_cells(filterset, request.user))
    if key is not None:
        _selections[key] = made
        while len(_selections) > SELECTIONS_KEPT:
            _selections.popitem(last=False)
    return made


def _selection_key(request: HttpRequest) -> tuple | None:
    """The reader's view and the filters' values, when the request has no
    filters but CELL_FILTERS; None otherwise. Each filter reads the query
    parameter of its own name (tests/test_tiles.py)."""
    given = sorted(name for name in request.GET if name in EventFilterSet.base_filters)
    # A filter given no value filters nothing (`?start=`), as summed_cells
    # reads it too.
    if any(
        name not in CELL_FILTERS and any(request.GET.getlist(name)) for name in given
    ):
        return None
    # The same types or statuses in any order, or repeated, select the same
    # events; of the others the last value given counts, so order is kept.
    values = tuple(
        (
            name,
            tuple(sorted(set(request.GET.getlist(name))))
            if name in SUMMED_FILTERS
            else tuple(request.GET.getlist(name)),
        )
        for name in given
    )
    return readers_view(request.user), values


def filters_query(request: HttpRequest) -> list:
    """The query string as sorted pairs: the same filters in any order, one key."""
    return sorted(
        (name, sorted(values)) for name, values in request.GET.lists() if values
    )


def reader_key(request: HttpRequest) -> str:
    """What keys a reader's event tiles beside the data version: the reader's
    view (readers_view) and the query string, the same in any order."""
    return repr((readers_view(request.user), filters_query(request)))


# The data version this process read last: what a tile's cache key most
# likely holds before the version is read (event_tile_with_version).
_last_read: dict[str, tuple] = {}


def event_tile_version(reader: str, data: tuple | None = None) -> str:
    """The ETag and cache key of the event tiles of `reader` (reader_key),
    before any tile is read: of the data version `data`, else of the one
    read now."""
    if data is None:
        data = _last_read["data"] = data_version()
    return hashlib.sha256(repr((data, reader)).encode()).hexdigest()[:32]


def tile_key(version: str, tile: Tile) -> str:
    return f"tile:events:{version}:{tile.z}/{tile.x}/{tile.y}"


Built = tuple[bytes, Callable[[], None]]


def event_tile_with_version(
    reader: str, selection: Selection, tile: Tile
) -> tuple[str, Built | None]:
    """
    The version of an event tile (event_tile_version) and, when the tile is
    most likely not in the cache, the tile too, built by the statement that
    reads the data version: one round trip where reading the version,
    missing the cache and building the tile take two; and the tile is of
    the very rows the version names. Most likely: its statement runs alone
    (Selection.alone) and the cache has no tile under the data version this
    process read last, which changes only with the data (after a change the
    tile may be built although another process has kept it, never served
    stale). Otherwise the version alone, the tile to be read from the cache
    or built (cached_event_tile).
    """
    last = _last_read.get("data")
    if (
        last is None
        or selection.empty
        or not selection.alone(tile)
        or _is_kept(tile_key(event_tile_version(reader, last), tile))
    ):
        return event_tile_version(reader), None
    data, body = data_version_and(*selection.statement(tile))
    _last_read["data"] = data
    version = event_tile_version(reader, data)
    return version, _kept(tile_key(version, tile), bytes(body or b""))


def _is_kept(key: str) -> bool:
    return find_lasting(key, CACHE_SECONDS) is not None


def _kept(key: str, built: bytes) -> Built:
    """A tile built now, kept in this process's copy at once (the next
    request here finds it), and what keeps it in the shared cache, for the
    caller to run once the tile is sent (the write costs in proportion to the
    tile: pickling, compressing, storing)."""
    local.set(key, built, CACHE_SECONDS)
    return built, lambda: keep_shared(key, built, CACHE_SECONDS)


def cached_event_tile(
    selection: Selection, tile: Tile, version: str
) -> tuple[bytes, Callable[[], None] | None]:
    """The tile from the cache, or built now and what keeps it (`_kept`)."""
    key = tile_key(version, tile)
    found = find_lasting(key, CACHE_SECONDS)
    if found is not None:
        return found, None
    return _kept(key, event_tile(selection, tile))


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
