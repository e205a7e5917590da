"""
The world's grid of the summed cells (TileCell, migrations 0022–0024): where
an event's point falls on it, and how many events the cells hold in a box.
The tiles draw from these cells; the filters estimate from them how many
events an area holds (filters.in_areas). Both build on this module.
"""

import math

from django.db.models import Q, Sum

from events.models import TileCell

# The deepest zoom of the summed cells (TileCell, migration 0023), MAX_ZOOM:
# a tile in cells reads them.
SUMMED_TO_ZOOM = 14
# Grid cells per tile side: 2^4 = 16 cells of 256 coordinates, 32 pixels on
# a tile drawn 512 pixels wide.
CELL_BITS = 4
# Positions on the world's Web Mercator grid, 2^32 units to a side
# (events_world_x and events_world_y, in the database; Web Mercator's square
# world ends at 85.0511 degrees of latitude): a cell at zoom z is a position
# shifted right by 32 - z - 4 bits.
WORLD_BITS = 32

# Web Mercator's square world ends at this latitude (events_world_y clamps
# to it, migration 0022).
MERCATOR_LATITUDE = 85.0511287798
# How many cells a side of a box spans, at most, at the zoom whose summed
# cells count its events (meeting): 2^2, a few hundred rows.
COUNTED_SPAN_BITS = 2


def world_x(lon: float) -> int:
    """A longitude on the world's grid (events_world_x, in the database)."""
    return min(math.floor((lon + 180) / 360 * 2**WORLD_BITS), 2**WORLD_BITS - 1)


def world_y(lat: float) -> int:
    """A latitude on the world's grid, from the north (events_world_y)."""
    lat = math.radians(max(min(lat, MERCATOR_LATITUDE), -MERCATOR_LATITUDE))
    fraction = (1 - math.log(math.tan(lat) + 1 / math.cos(lat)) / math.pi) / 2
    return min(max(math.floor(fraction * 2**WORLD_BITS), 0), 2**WORLD_BITS - 1)


def summed_share(
    boxes: list[tuple[float, float, float, float]], *, using: str | None = None
) -> float:
    """
    What share of the events with a point the summed cells hold in the
    cells that meet any of `boxes` (west, south, east, north in degrees): at
    least the share that has a point in the boxes, and at most about twice
    it; their count over that of every cell of zoom 0, which hold each event
    with a point once. One statement, a few hundred rows of the cells'
    unique index (237 cells at zoom 0 at a million events, 0.1 ms).
    """
    if not boxes:
        return 0.0
    held, everywhere = meeting(boxes), Q(zoom=0)
    counts = (
        TileCell.objects.using(using)
        .filter(held | everywhere)
        .aggregate(
            held=Sum("count", filter=held), everywhere=Sum("count", filter=everywhere)
        )
    )
    return (counts["held"] or 0) / max(counts["everywhere"] or 0, 1)


def meeting(boxes: list[tuple[float, float, float, float]]) -> Q:
    """
    The summed cells that meet any of `boxes`. Each box is counted at the
    deepest zoom at which it spans no more than 2^COUNTED_SPAN_BITS cells a
    side (plus the cells its edges cut), a few hundred rows of the cells'
    unique index.
    """
    condition = Q()
    for west, south, east, north in boxes:
        first_x, last_x = world_x(west), world_x(east)
        first_y, last_y = world_y(north), world_y(south)
        span = max(last_x - first_x, last_y - first_y, 1)
        zoom = max(min(WORLD_BITS - CELL_BITS + COUNTED_SPAN_BITS - span.bit_length(),
                       SUMMED_TO_ZOOM), 0)  # fmt: skip
        shift = WORLD_BITS - CELL_BITS - zoom
        condition |= Q(
            zoom=zoom,
            cx__gte=first_x >> shift,
            cx__lte=last_x >> shift,
            cy__gte=first_y >> shift,
            cy__lte=last_y >> shift,
        )
    return condition
