"""
Parallel workers only where a statement reads a large part of the table: a
connection's statements read pages, the first rows of a walk of an index,
which workers take longer to start than the walk takes
(tracker/settings.py CONNECTION_SETTINGS); bulk_read and the statements that
read the rest of a stream allow BULK_PARALLEL_WORKERS.
"""

import pytest
from django.db import connection
from django.db.models.expressions import RawSQL
from django.test import Client

from events import queries
from events.models import Event

pytestmark = pytest.mark.django_db

WORKERS = RawSQL("current_setting('max_parallel_workers_per_gather')", [])


def workers() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        return cursor.fetchone()[0]


def test_a_connection_reads_without_jit_or_parallel_workers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
    assert workers() == "0"


def test_a_page_of_the_api_is_read_without_parallel_workers(client: Client) -> None:
    client.get("/api/v1/events/")
    assert workers() == "0"


def test_bulk_read_allows_the_bulk_number_of_parallel_workers(settings) -> None:
    settings.BULK_PARALLEL_WORKERS = 3
    with queries.bulk_read():
        assert workers() == "3"
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
            cursor.execute("SHOW cursor_tuple_fraction")
            assert cursor.fetchone()[0] == "1"


def test_a_stream_reads_its_first_rows_without_workers_and_the_rest_with(
    monkeypatch, settings
) -> None:
    settings.BULK_PARALLEL_WORKERS = 3
    monkeypatch.setattr(queries, "FIRST_ROWS", 3)
    monkeypatch.setattr(queries, "NEXT_ROWS", 2)
    events = (
        Event.objects.published()
        .order_by("start_date", "id")
        .annotate(workers=WORKERS)
        .values_list("pk", "workers")
    )
    rows = list(queries.streamed_rows(events))
    assert len(rows) > 5
    # The first rows, a page's worth, then the next and the rest.
    assert [row[1] for row in rows] == ["0"] * 3 + ["3"] * (len(rows) - 3)
    assert [row[0] for row in rows] == list(events.values_list("pk", flat=True))


def test_a_stream_read_in_one_statement_allows_workers(settings) -> None:
    settings.BULK_PARALLEL_WORKERS = 3
    events = Event.objects.published().annotate(workers=WORKERS)
    rows = list(queries.streamed_rows(events.values_list("pk", "workers")))
    assert rows
    assert {row[1] for row in rows} == {"3"}


def test_a_stream_of_a_page_reads_without_workers(settings) -> None:
    settings.BULK_PARALLEL_WORKERS = 3
    events = (
        Event.objects.published()
        .order_by("start_date", "id")
        .annotate(workers=WORKERS)
        .values_list("pk", "workers")
    )
    rows = list(queries.streamed_rows(events[:4]))
    assert [row[1] for row in rows] == ["0"] * 4
