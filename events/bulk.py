"""
Writing many rows at once with PostgreSQL's COPY, for the importer's fast
writer (events/interop/write_fast.py) and the synthetic data generator
(synthetic/generator.py, which writes its lines with `copy_rows`).

Rows written this way fire the same triggers as any other insert (history,
versions, the citation quote check), and the same constraints hold. The
history context of `pghistory.context` reaches them when they are written
inside a transaction: pghistory sets it for the transaction with the first
statement through Django's cursor that is not a SELECT, and `copy_values`
opens a savepoint, which is one. (A COPY itself bypasses Django's cursor.)
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.geos import GEOSGeometry
from django.contrib.postgres.fields import ArrayField
from django.db import connection, models, transaction
from django.utils import timezone

COPY_BATCH_LINES = 5000
# Set, for the rest of the transaction, by events_tilecell_defer() (migration
# 0024).
CELLS_DEFERRED = "events.tilecells_deferred"


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Ids from the table's own sequence, so rows can point at each other."""
    if count == 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(nextval(pg_get_serial_sequence(%s, 'id'))) "
            "FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return cursor.fetchone()[0]


def copy_rows(table: str, columns: list[str], lines: list[str]) -> None:
    """COPY lines already in PostgreSQL's text format into `table`."""
    if not lines:
        return
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    statement = f"COPY {table} ({quoted}) FROM STDIN"
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.copy(statement) as copy,
    ):
        for start in range(0, len(lines), COPY_BATCH_LINES):
            copy.write("".join(lines[start : start + COPY_BATCH_LINES]))


def copy_values(
    model: type[models.Model], rows: Sequence[dict[str, Any]], *, ids: bool = True
) -> None:
    """
    Insert rows given as {attname: value} with one COPY, without building
    model instances. Each row gets an id from the table's sequence, written
    into it as "id" (or, with `ids=False`, left to the column's default and
    not learnt), and auto_now fields left empty the current time, also
    written into it; a field a row leaves out gets its default. Values go to
    PostgreSQL as they are (geometries as GEOS objects or EWKT/EWKB text),
    so they must already be valid for their columns; no save() or signal
    runs. Generated columns are left to PostgreSQL.
    """
    if not rows:
        return
    fields = columns_of(model)
    now = timezone.now()
    stamped = [
        field.attname
        for field in fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    pairs = [(field.attname, field.get_default()) for field in fields]
    # Columns whose values need a word for PostgreSQL, by position in a line.
    geometries = [n for n, f in enumerate(fields) if isinstance(f, GeometryField)]
    arrays = [n for n, f in enumerate(fields) if isinstance(f, ArrayField)]
    if ids:
        fields = [model._meta.pk, *fields]
        geometries = [n + 1 for n in geometries]
        arrays = [n + 1 for n in arrays]
        keys = reserve_ids(model, len(rows))
        for row, pk in zip(rows, keys, strict=True):
            row["id"] = pk
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    statement = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
    # Errors as Django's (IntegrityError, DataError, ...), as for any query.
    with (
        transaction.atomic(),
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.copy(statement) as copy,
    ):
        for row in rows:
            for name in stamped:
                if row.get(name) is None:
                    row[name] = now
            line = [row.get(name, default) for name, default in pairs]
            if ids:
                line.insert(0, row["id"])
            for n in geometries:
                if isinstance(line[n], GEOSGeometry):
                    # Hex EWKB keeps the SRID, and PostGIS reads it as text.
                    line[n] = line[n].hexewkb.decode()
            for n in arrays:
                if line[n] == []:
                    line[n] = "{}"  # what psycopg would write, at less cost
            copy.write_row(line)


@contextmanager
def deferred_cells() -> Iterator[None]:
    """
    A savepoint whose events' summed tile cells (TileCell) are added once,
    in one statement at its end, rather than by each statement that writes
    events (migration 0024): for writes of many statements, which would
    each update thousands of the same cells. Inside another such block, the
    outer block adds them. A block that fails rolls back its events and the
    rows kept for their cells together.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting(%s, true) = 'on'", [CELLS_DEFERRED])
            outer = cursor.fetchone()[0]
            if not outer:
                cursor.execute("SELECT events_tilecell_defer()")
        yield
        if not outer:
            with connection.cursor() as cursor:
                cursor.execute("SELECT events_tilecell_flush()")


def columns_of(model: type[models.Model]) -> list[models.Field]:
    """The fields COPY writes, besides the id."""
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and not field.generated
    ]
