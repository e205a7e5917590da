"""
Reads that several outputs share (the API, pages, map, feeds, OGC and the
importer): the data version that keys caches and ETags, large reads in a
transaction of their own, rows streamed as bytes, streams started before a
response is, and chunking.
"""

import copy
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager, suppress
from typing import NoReturn, TypeVar

import psycopg
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q, QuerySet
from django.db.models.sql.where import AND, WhereNode
from psycopg import pq
from psycopg.abc import Buffer
from psycopg.adapt import Loader

from tracker.replicas import read_connection, read_first

CHUNK_ROWS = 2000
# A page's worth: what a stream's first statement reads (first_rows_apart).
FIRST_ROWS = 100
# What its second reads: several chunks, so that a client gone after the
# first rows is noticed (a write fails) before the last statement, planned
# for every row, starts.
NEXT_ROWS = 10_000
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

# Reads the data version (data_version): a function of the database's own,
# kept by create_version_function, so that the nine probes are planned once per
# connection (PL/pgSQL keeps the plan) rather than in every statement that
# reads the version: about a quarter of a millisecond of every uncached tile.
VERSION_FUNCTION = "zagros_data_version"
VERSION_SQL = f"SELECT {VERSION_FUNCTION}()"


def version_function_sql() -> str:
    """
    The statement that (re)creates VERSION_FUNCTION from TRACKED_TABLES:
    the newest history snapshot of each, then the newest synthetic event.
    STABLE, so it reads with the snapshot of the statement that calls it.
    """
    probes = [f"(SELECT max(pgh_id) FROM {table})" for table in TRACKED_TABLES]
    probes.append("(SELECT max(id) FROM events_event WHERE is_synthetic)")
    return f"""
CREATE OR REPLACE FUNCTION {VERSION_FUNCTION}() RETURNS bigint[]
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    RETURN ARRAY[{", ".join(probes)}];
END
$$"""


def create_version_function(using: str = "default", **kwargs: object) -> None:
    """Create or replace VERSION_FUNCTION after every migration (events/apps.py),
    so that it follows TRACKED_TABLES and the tables as they are; on the
    databases migrations are for (a replica has it from its primary)."""
    if not router.allow_migrate(using, "events"):
        return
    with connections[using].cursor() as cursor:
        cursor.execute(version_function_sql())


def data_version() -> tuple:
    """
    Numbers that change whenever an export or the map could: the newest
    history snapshot of every table they draw on (triggers write one for
    every insert, update and delete, whatever path it takes), and the newest
    synthetic event, as synthetic data comes and goes without history. Each
    is one probe of an index (VERSION_FUNCTION). Read where the request
    reads: the version then matches the rows it keys. Usually a request's
    first statement, so it is also the connection's health check
    (read_first).
    """
    return tuple(read_first(VERSION_SQL)[0])


def data_version_and(sql: str, params: dict) -> tuple[tuple, object]:
    """
    The data version and the one value of `sql` (a statement that only
    reads), read in one statement, and so from the same rows: the value is
    of the data the version names. One round trip where reading the version
    and then the value takes two.
    """
    version, value = read_first(f"{VERSION_SQL}, ({sql})", params)
    return tuple(version), value


@contextmanager
def bulk_read(*, snapshot: bool = False) -> Iterator[None]:
    """
    A transaction for statements that read a large part of the table through
    a server-side cursor, or an aggregate over every event.
    Inside a transaction a cursor needs no WITH HOLD, which makes PostgreSQL
    compute and store every row before sending the first; its plan is chosen
    for reading all rows rather than the first tenth (cursor_tuple_fraction);
    and there is no JIT compilation, which costs more than it saves on
    statements of this size. PostgreSQL may plan them in parallel, which the
    connection otherwise forbids (see BULK_SETTINGS). With `snapshot`, every
    statement in it sees the same rows (REPEATABLE READ), unless the
    caller's transaction holds it.
    """
    connection = read_connection()
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if snapshot and outermost:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute(BULK_SETTINGS, bulk_settings())
        yield


# The settings of a statement that reads a large part of the table, for the
# rest of the transaction. The connection's own (tracker/settings.py) are
# for a page: no parallel workers, which take longer to start than a page's
# walk of an index takes.
BULK_SETTINGS = (
    "SELECT set_config('cursor_tuple_fraction', '1', true),"
    " set_config('jit', 'off', true),"
    " set_config('max_parallel_workers_per_gather', %(workers)s, true)"
)


def bulk_settings() -> dict:
    return {"workers": str(settings.BULK_PARALLEL_WORKERS)}


def lock_until_commit(key: int) -> None:
    """
    Wait for, then hold until the transaction ends, the advisory lock `key`:
    one writer at a time through a step that must not run twice at once.
    Transaction-scoped, so it holds through a transaction pooler too.
    """
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


class TextAsBytes(Loader):
    """Text as the UTF-8 bytes PostgreSQL sends, to be passed on as they are."""

    def load(self, data: Buffer) -> bytes:
        return bytes(data)


def refuse_while_streaming(
    execute: Callable, sql: str, params: object, many: bool, context: dict
) -> NoReturn:
    raise RuntimeError(
        "This connection is streaming the rows of a statement: no other "
        "statement can run on it until the stream is read to its end or closed."
    )


@contextmanager
def other_statements_refused(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """
    Every statement through Django refused on `connection`. The wrapper goes
    first in the list, under those pushed and popped meanwhile: a stream
    outlives the view that starts it, and pghistory's middleware, for one,
    pushes a wrapper before the view and pops the last one after it.
    """
    connection.execute_wrappers.insert(0, refuse_while_streaming)
    try:
        yield
    finally:
        connection.execute_wrappers.remove(refuse_while_streaming)


def streamed_rows(
    queryset: QuerySet, *, text_as_bytes: bool = False
) -> Iterator[tuple]:
    """
    The rows `queryset` selects, as psycopg reads them (Django's converters
    are not applied: select plain columns and expressions), and texts as
    UTF-8 bytes if asked. The statement runs whole, not through a cursor
    (which PostgreSQL never plans in parallel, and which needs a transaction
    held open until the last row), and libpq hands the rows over CHUNK_ROWS
    at a time, so memory stays flat. The statements after the first rows
    (or one that reads them all) run with bulk_read's settings: parallel
    workers allowed, which a page's first rows go without.

    An ordered stream runs as several statements, its first FIRST_ROWS rows
    and then the others (see first_rows_apart), in one snapshot; once one
    of them reads fewer rows than it asked for, the rows have run out and
    the next is not run.
    """
    statements = []
    for part in first_rows_apart(queryset):
        try:
            sql, params = part.query.get_compiler(part.db).as_sql()
        except EmptyResultSet:  # a filter that can match nothing
            return
        high, low = part.query.high_mark, part.query.low_mark
        statements.append((sql, params, None if high is None else high - low))
    # Chunks need libpq 17; an older one hands over one row at a time.
    size = CHUNK_ROWS if pq.version() >= 170000 else 1
    connection = connections[queryset.db]
    # psycopg holds the connection's lock until the stream ends: another
    # statement from this thread would wait for it forever, so it fails
    # instead, saying why.
    with connection.cursor() as cursor, other_statements_refused(connection):
        # psycopg's own cursor: Django's wrapper has no stream().
        rows = cursor.cursor
        if text_as_bytes:
            rows.adapters.register_loader("text", TextAsBytes)
        # Statements apart see the same rows, as one statement would: in a
        # transaction of their own, or in the caller's if there is one. The
        # statements after the first rows, and one that reads every row,
        # run with bulk_read's settings, which last to the transaction's
        # end: they too need one.
        whole = statements[-1][2] is None
        idle = rows.connection.info.transaction_status == pq.TransactionStatus.IDLE
        snapshot = idle and (len(statements) > 1 or whole)
        try:
            if snapshot:
                with connection.wrap_database_errors:
                    rows.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            for number, (sql, params, limit) in enumerate(statements):
                if number == 1 or (number == 0 and limit is None):
                    with connection.wrap_database_errors:
                        rows.execute(BULK_SETTINGS, bulk_settings())
                # Closed, when this generator is, before the cursor: psycopg
                # then cancels the statement and lets go of the connection.
                # psycopg's errors become Django's, as through Django's cursor.
                read = 0
                with (
                    connection.wrap_database_errors,
                    closing(rows.stream(sql, params, size=size)) as stream,
                ):
                    for row in stream:
                        read += 1
                        yield row
                if limit is not None and read < limit:
                    # Fewer rows than asked for: the rows ran out, and the
                    # statements after would find none (the same snapshot).
                    break
        finally:
            if snapshot:
                # Read only: ending it either way is the same. A connection
                # lost meanwhile has already raised its error.
                with suppress(psycopg.Error):
                    rows.execute("ROLLBACK")


def in_forms(queryset: QuerySet, form: Callable[[object], object | None]) -> QuerySet:
    """
    `queryset` with each condition for which `form(condition)` gives another
    form (an expression filtered on) in that form; as it is if none does.
    """

    def rewrite(node: WhereNode) -> bool:
        changed = False
        for index, child in enumerate(node.children):
            if isinstance(child, WhereNode):
                changed |= rewrite(child)
                continue
            # Filtered on, an expression is the left side of `= true`.
            lhs = getattr(child, "lhs", None)
            condition = form(lhs) if lhs is not None else None
            if condition is not None:
                child = node.children[index] = copy.copy(child)
                child.lhs = condition
                changed = True
        return changed

    result = queryset._chain()
    return result if rewrite(result.query.where) else queryset


def without(queryset: QuerySet, implied: Callable[[object], bool]) -> QuerySet:
    """
    `queryset` without the conditions (expressions filtered on) that
    `implied(condition)` says the conditions to be added imply, among those
    all of which must hold (not under an OR or a NOT); as it is if none is.
    """

    def drop(node: WhereNode) -> bool:
        if node.negated or node.connector != AND:
            return False
        kept = [
            child
            for child in node.children
            if isinstance(child, WhereNode) or not implied(getattr(child, "lhs", None))
        ]
        changed = len(kept) < len(node.children)
        node.children = kept
        for child in kept:
            if isinstance(child, WhereNode):
                changed |= drop(child)
        return changed

    result = queryset._chain()
    return result if drop(result.query.where) else queryset


def walked(queryset: QuerySet) -> QuerySet:
    """
    A sliced queryset with each condition that has a form for reading its
    first rows in order (`for_rows()`: events/filters.py's InAreas, the
    spatial filters) in that form.
    """
    query = queryset.query
    if query.high_mark is None or not query.order_by:
        return queryset
    rows = query.high_mark

    def form(condition: object) -> object | None:
        for_rows = getattr(condition, "for_rows", None)
        return for_rows(rows) if for_rows else None

    return in_forms(queryset, form)


def conditions_tested_on_rows(queryset: QuerySet) -> QuerySet:
    """
    `queryset` with each condition that has a form PostgreSQL tests on the
    rows it reads rather than through an index of its own (`tested()`:
    events/models.py's Published, events/filters.py's Overlapping) in that
    form: for a statement whose rows another index finds, a few thousand at
    most, where a bitmap of every row such a condition holds costs more
    than testing it on those.
    """

    def form(condition: object) -> object | None:
        tested = getattr(condition, "tested", None)
        return tested() if tested else None

    return in_forms(queryset, form)


def narrowed(queryset: QuerySet) -> QuerySet:
    """
    A sliced queryset whose order leads with a two-valued annotation that
    says how to select each of its values (`parts()`: events/filters.py's
    VagueIn, a window's precise events before its vague ones), as the same
    rows read from the first rows of each part alone: `id IN (the part of
    False's first rows UNION ALL the part of True's)`, each part in the rest
    of the order. Sorted by the annotation, every matching row would be
    computed and sorted for a page (3 s at a million events for
    `?end=2023-06`); each part is a walk of an index in order or a top-N
    sort of a few rows. The same rows: the first N of the whole order are
    among the first N of each part. Its conditions first take their form
    for its rows (walked). Any other whose page is every match sorted
    (sorted_whole) has its ids taken first (ids_first).
    """
    queryset = walked(queryset)
    query = queryset.query
    if query.high_mark is None or not query.order_by:
        return queryset
    leading = query.order_by[0]
    annotation = isinstance(leading, str) and query.annotations.get(leading)
    if not annotation or not hasattr(annotation, "parts"):
        return ids_first(queryset) if sorted_whole(queryset) else queryset
    base = queryset._chain()
    base.query.clear_limits()
    rest = query.order_by[1:]
    within, outside = annotation.parts()
    # The first part implies the window's own condition: without it, its
    # estimate counts the window once (`implied_by_within`).
    precise = without(base, annotation.implied_by_within)
    first = precise.filter(within).order_by(*rest).values("pk")[: query.high_mark]
    second = base.filter(outside).order_by(*rest).values("pk")[: query.high_mark]
    # The second part's events are found by event_period_idx, a few
    # thousand at most: the conditions that hold most events (published,
    # the window's own) are tested on those, not read from an index each.
    second = conditions_tested_on_rows(second)
    # Each part holds the conditions, so its rows meet them all: tested
    # again on those rows, they only made PostgreSQL multiply their
    # estimates down to a row, and join each to the places by reading
    # every place (`end=2023-06&near` as CSV, 3 ms of 14).
    result = base._chain()
    result.query.where = WhereNode()
    result = result.filter(pk__in=first.union(second, all=True))
    result.query.set_limits(query.low_mark, query.high_mark)
    return result


def sorted_whole(queryset: QuerySet) -> bool:
    """
    Whether a page of `queryset` is every matching row read and sorted: its
    order leads with an annotation no index holds, or one of its conditions
    is answered by an index that holds no order (`sorted_whole`:
    events/filters.py's TextRank and TextMatch, the text search's).
    """
    query = queryset.query
    leading = query.order_by[0] if query.order_by else None
    if isinstance(leading, str):
        ranked = query.annotations.get(leading.lstrip("-"))
        if getattr(ranked, "sorted_whole", False):
            return True

    def found(node: WhereNode) -> bool:
        return any(
            found(child)
            if isinstance(child, WhereNode)
            else getattr(getattr(child, "lhs", None), "sorted_whole", False)
            for child in node.children
        )

    return found(query.where)


def ids_first(queryset: QuerySet) -> QuerySet:
    """
    A sliced queryset as `id IN (its rows' ids)`, the ids taken in its order
    by a statement of their own. For an order no index holds (a text
    search's rank, `sorted_whole`), every matching row is ranked and sorted
    for a page; PostgreSQL would also join each to what the output reads
    (its place and the place's parents, for CSV) before keeping the page.
    Taken first, the ids need only the conditions and the order, and the
    output is read for the page's rows alone. (A window's parts take their
    ids first already.)
    """
    query = queryset.query
    ids = queryset.values("pk")
    result = queryset._chain()
    result.query.where = WhereNode()
    result.query.clear_limits()
    result = result.filter(pk__in=ids)
    # The ids hold the slice's offset; the page's size stays the statement's
    # limit, which a stream reads (streamed_rows: its settings, and whether
    # the rows have run out).
    if query.high_mark is not None:
        result.query.set_limits(0, query.high_mark - query.low_mark)
    return result


def first_rows_apart(queryset: QuerySet) -> list[QuerySet]:
    """
    An ordered queryset as its first FIRST_ROWS rows, the next NEXT_ROWS and
    the rest. Without a LIMIT, PostgreSQL plans for every row: with a filter
    that selects many events, it builds each one's output and sorts them all
    before the first leaves (seconds at a million events), where the first
    rows alone come from a walk of an index in order or a top-N sort, as a
    page does. The next rows come the same way, and the server writes them
    before the last statement starts: a client that hung up after the first
    rows is noticed then, and the last statement, planned for all its rows
    (in parallel where PostgreSQL sees fit), is not run for no one.
    """
    query = queryset.query
    if not query.order_by:
        return [queryset]
    wanted = None if query.high_mark is None else query.high_mark - query.low_mark
    bounds = [0, FIRST_ROWS, FIRST_ROWS + NEXT_ROWS]
    pieces = []
    for low, high in zip(bounds, [*bounds[1:], None], strict=True):
        if wanted is not None and low >= wanted:
            break
        pieces.append(
            narrowed(queryset[low:high]) if low or high is not None else queryset
        )
    return pieces if len(pieces) > 1 else [queryset]


def streamed_texts(queryset: QuerySet) -> Iterator[bytes]:
    """
    The first column `queryset` selects (a text), row by row, as UTF-8
    bytes. Only the first is read: Django adds the ORDER BY columns to the
    SELECT of a DISTINCT query, after the ones asked for.
    """
    with closing(streamed_rows(queryset, text_as_bytes=True)) as rows:
        for row in rows:
            yield row[0]


def rows_after(
    queryset: QuerySet, keys: tuple[tuple[str, bool], ...], values: tuple
) -> QuerySet:
    """
    Keyset paging: the rows strictly after `values` in the order `keys`
    ((field, descending) pairs ending in a unique one), for the API's pages
    and the pages of the site alike.
    """
    (first, first_desc), first_value = keys[0], values[0]
    # The bound on the leading column alone lets an index range scan start there.
    bound = {f"{first}__{'lte' if first_desc else 'gte'}": first_value}
    condition = Q()
    equal = Q()
    for (field, desc), value in zip(keys, values, strict=True):
        condition |= equal & Q(**{f"{field}__{'lt' if desc else 'gt'}": value})
        equal &= Q(**{field: value})
    return queryset.filter(**bound).filter(condition)


Piece = TypeVar("Piece")


def started(pieces: Iterator[Piece]) -> Iterator[Piece]:
    """
    `pieces` run now as far as its first piece, which a streamed output
    makes hold its first chunk of rows: whatever fails when the statement
    starts (the statement itself, a timeout, a lost connection) raises here,
    while the view can still answer with an error. The rest follows as the
    server reads it.
    """
    try:
        first = next(pieces)
    except StopIteration:
        return iter(())
    return resumed(first, pieces)


def resumed(first: Piece, rest: Iterator[Piece]) -> Iterator[Piece]:
    try:
        yield first
        yield from rest
    finally:
        # A client gone before the second piece: the statement ends now, not
        # when the generator is collected.
        close = getattr(rest, "close", None)
        if close is not None:
            close()


def chunked(rows: Iterable, size: int, *, first: int | None = None) -> Iterator[list]:
    """Lists of `size` rows, the first of `first` rows if given."""
    chunk = []
    wanted = size if first is None else first
    for row in rows:
        chunk.append(row)
        if len(chunk) >= wanted:
            yield chunk
            chunk = []
            wanted = size
    if chunk:
        yield chunk
