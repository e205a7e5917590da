"""
The summed cells (TileCell) of a bulk write added once, at its end, rather
than statement by statement; and their table laid out in key order with room
on each page for the next version of its rows.

A transaction that calls events_tilecell_defer() has the triggers of
migration 0022 keep each statement's rows, signed (+1 written, -1 taken
away), in a temporary table of the session instead of adding them to the
cells; events_tilecell_flush() adds what was kept to the cells in one
statement, the same statement the triggers run, and stops the deferral. The
deferral is local to the transaction (a setting made with SET LOCAL) and the
kept rows are written in it: a savepoint rolled back takes both its events
and its kept rows. events.bulk.deferred_cells is how Python uses it: an
import in one transaction adds its cells once, however many chunks it
writes. TRUNCATE empties the kept rows with the cells.

The cells' rows are updated in place (a statement's sums added to rows that
exist): with half of each page left free (fillfactor 50), the new version of
a row stays on its page (a HOT update) and its indexes are not written; in
the order of the unique key, a statement's cells, which it adds in that
order, are read page after page rather than all over the table.
"""

import importlib

from django.db import migrations

cells = importlib.import_module("events.migrations.0022_tile_cells")
to_zoom_14 = importlib.import_module("events.migrations.0023_tile_cells_to_zoom_14")

FINEST = to_zoom_14.FINEST
SETTING = "events.tilecells_deferred"
KEPT = "pg_temp.events_tilecell_kept"
DEFERRED = f"current_setting('{SETTING}', true) = 'on'"
KEPT_COLUMNS = "wx, wy, event_type, status, fatalities, delta"


def upsert(changes: str) -> str:
    """
    Add the signed rows `changes` (migration 0022's rows()) to the cells of
    every zoom: the statement of migration 0022 (its upsert()), with each
    zoom-14 cell's sums as bigint, which the coarser zooms add up in 128-bit
    integers rather than in numeric (half the time, and a quarter of the
    memory, when a flush adds 200,000 events).
    """
    return f"""
    WITH finest AS (
        SELECT wx >> {28 - FINEST} AS cx, wy >> {28 - FINEST} AS cy,
               event_type, status, sum(delta)::bigint AS n,
               sum(delta * wx)::bigint AS sx, sum(delta * wy)::bigint AS sy,
               sum(delta * fatalities)::bigint AS fatalities
        FROM ({changes}) AS changes
        GROUP BY 1, 2, 3, 4
    )
    INSERT INTO events_tilecell AS t ({cells.COLUMNS}, count, sx, sy, fatalities)
    SELECT zoom, cx >> ({FINEST} - zoom), cy >> ({FINEST} - zoom), event_type,
           status, sum(n), sum(sx), sum(sy), sum(fatalities)
    FROM finest CROSS JOIN generate_series(0, {FINEST}) AS zoom
    GROUP BY 1, 2, 3, 4, 5
    HAVING sum(n) <> 0 OR sum(sx) <> 0 OR sum(sy) <> 0 OR sum(fatalities) <> 0
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ({cells.COLUMNS}) DO UPDATE SET
        count = t.count + EXCLUDED.count, sx = t.sx + EXCLUDED.sx,
        sy = t.sy + EXCLUDED.sy, fatalities = t.fatalities + EXCLUDED.fatalities;
    """


def body(changes: str) -> str:
    """A trigger's body: the rows `changes` kept, or added to the cells."""
    return f"""
        IF {DEFERRED} THEN
            INSERT INTO {KEPT} ({KEPT_COLUMNS}) {changes};
        ELSE
            {upsert(changes)}
        END IF;"""


CHANGES = {
    "events_tilecell_insert": cells.rows("new_rows", 1),
    "events_tilecell_update": (
        cells.rows("new_rows", 1, unchanged="old_rows")
        + " UNION ALL "
        + cells.rows("old_rows", -1, unchanged="new_rows")
    ),
    "events_tilecell_delete": cells.rows("old_rows", -1),
}
TRUNCATE = f"""
        DELETE FROM events_tilecell;
        IF {DEFERRED} THEN
            DELETE FROM {KEPT};
        END IF;"""

FUNCTIONS = (
    "".join(
        cells.function(name, body(rows), replace=True) for name, rows in CHANGES.items()
    )
    + cells.function("events_tilecell_truncate", TRUNCATE, replace=True)
    + f"""
    CREATE FUNCTION events_tilecell_defer() RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        IF to_regclass('{KEPT}') IS NULL THEN
            CREATE TEMPORARY TABLE events_tilecell_kept (
                wx bigint, wy bigint, event_type varchar(40), status varchar(20),
                fatalities bigint, delta integer
            );
        END IF;
        PERFORM set_config('{SETTING}', 'on', true);
    END $$;

    -- The kept rows of a large write are many: room to group them in memory,
    -- and no time spent compiling the one statement that adds them.
    CREATE FUNCTION events_tilecell_flush() RETURNS void LANGUAGE plpgsql
    SET work_mem = '64MB' SET jit = off AS $$
    BEGIN
        PERFORM set_config('{SETTING}', 'off', true);
        IF to_regclass('{KEPT}') IS NOT NULL THEN
            {upsert(f"SELECT {KEPT_COLUMNS} FROM {KEPT}")}
            TRUNCATE {KEPT};
        END IF;
    END $$;
    """
)

LAYOUT = """
ALTER TABLE events_tilecell SET (fillfactor = 50);
CLUSTER events_tilecell USING tile_cell_unique;
ANALYZE events_tilecell;
"""

FORWARD = to_zoom_14.LOCK + FUNCTIONS + LAYOUT
BACKWARD = (
    to_zoom_14.LOCK
    + to_zoom_14.functions(FINEST)
    + "DROP FUNCTION events_tilecell_defer(); DROP FUNCTION events_tilecell_flush();"
    + "ALTER TABLE events_tilecell RESET (fillfactor);"
)


class Migration(migrations.Migration):
    dependencies = [("events", "0023_tile_cells_to_zoom_14")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
