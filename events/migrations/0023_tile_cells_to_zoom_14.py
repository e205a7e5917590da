"""
The summed cells (TileCell) from zoom 0 to zoom 14, the deepest served,
rather than 8: the dense tiles closer in that stay in cells (a city's
thousands to 250,000 events under one tile) are then read from a few hundred
summed rows. The triggers' functions sum each statement's rows per zoom-14
cell and then into every coarser zoom's cell; the events already held are
summed once into the new zooms.
"""

import importlib

from django.db import migrations

cells = importlib.import_module("events.migrations.0022_tile_cells")

FINEST = 14
# No event is written between the functions' change and the sums of the new
# zooms: the lock is held to the end of the migration's transaction.
LOCK = "LOCK TABLE events_event IN SHARE ROW EXCLUSIVE MODE;"


def functions(finest: int) -> str:
    return "".join(
        cells.function(name, body, replace=True)
        for name, (_, _, body) in cells.bodies(finest).items()
    )


FORWARD = (
    LOCK
    + functions(FINEST)
    + cells.upsert(cells.rows("events_event", 1), FINEST, cells.FINEST + 1)
)
BACKWARD = (
    LOCK
    + functions(cells.FINEST)
    + f"DELETE FROM events_tilecell WHERE zoom > {cells.FINEST};"
)


class Migration(migrations.Migration):
    dependencies = [("events", "0022_tile_cells")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
