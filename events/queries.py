"""
Reads that several outputs share (the API, pages, map, feeds, OGC and the
importer): the data version that keys caches and ETags, large reads in a
transaction of their own, rows streamed as bytes, and chunking.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, transaction
from django.db.models import QuerySet
from psycopg import pq
from psycopg.abc import Buffer
from psycopg.adapt import Loader

CHUNK_ROWS = 2000
# Tables whose changes can change an export, a map layer or a chart; see
# data_version().
TRACKED_TABLES = [
    "events_eventevent",
    "events_participantevent",
    "events_citationevent",
    "events_eventrelationevent",
    "events_locationevent",
    "events_actorevent",
    "events_sourcearticleevent",
    "events_agreementevent",
]


def data_version() -> tuple:
    """
    Numbers that change whenever an export or the map could: the newest
    history snapshot of every table they draw on (triggers write one for
    every insert, update and delete, whatever path it takes), and the newest
    synthetic event, as synthetic data comes and goes without history. Each
    is one probe of an index.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT "
            + ", ".join(
                f"(SELECT max(pgh_id) FROM {table})" for table in TRACKED_TABLES
            )
            + ", (SELECT max(id) FROM events_event WHERE is_synthetic)"
        )
        return cursor.fetchone()


@contextmanager
def bulk_read() -> Iterator[None]:
    """
    A transaction for statements that read a large part of the table: a whole
    export through a server-side cursor, or an aggregate over every event.
    Inside a transaction a cursor needs no WITH HOLD, which makes PostgreSQL
    compute and store every row before sending the first; its plan is chosen
    for reading all rows rather than the first tenth (cursor_tuple_fraction);
    and there is no JIT compilation, which costs more than it saves on
    statements of this size.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL cursor_tuple_fraction = 1")
        cursor.execute("SET LOCAL jit = off")
        yield


class TextAsBytes(Loader):
    """Text as the UTF-8 bytes PostgreSQL sends, to be passed on as they are."""

    def load(self, data: Buffer) -> bytes:
        return bytes(data)


def streamed_texts(queryset: QuerySet) -> Iterator[bytes]:
    """
    The one text column `queryset` selects, row by row, as UTF-8 bytes. The
    statement runs whole, not through a cursor (which PostgreSQL never plans
    in parallel), and libpq hands the rows over CHUNK_ROWS at a time, so
    memory stays flat.
    """
    try:
        sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # a filter that can match nothing
        return
    # Chunks need libpq 17; an older one hands over one row at a time.
    size = CHUNK_ROWS if pq.version() >= 170000 else 1
    with connections[queryset.db].cursor() as cursor:
        # psycopg's own cursor: Django's wrapper has no stream().
        rows = cursor.cursor
        rows.adapters.register_loader("text", TextAsBytes)
        for (text,) in rows.stream(sql, params, size=size):
            yield text


def chunked(rows: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
