"""
A stream read as two statements (its first rows, then the rest; see
events.queries.first_rows_apart) sees one snapshot of the data, as one
statement would: a change committed in between shows in neither.
Transactional, so that the stream opens a transaction of its own.
"""

import csv
import io
import json

import psycopg
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models.expressions import RawSQL
from django.test import Client

from events import queries
from events.api import formats
from events.interop.acled import OWN_ID_PREFIX
from events.models import Event
from tests.conftest import load_seed

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seed_restored_afterwards"),
]

EVENTS = "/api/v1/events/"


@pytest.fixture
def small_first_rows(monkeypatch) -> None:
    """A first statement of three rows, a second of two, in chunks of two."""
    monkeypatch.setattr(queries, "FIRST_ROWS", 3)
    monkeypatch.setattr(queries, "NEXT_ROWS", 2)
    monkeypatch.setattr(queries, "CHUNK_ROWS", 2)
    monkeypatch.setattr(formats, "CHUNK_ROWS", 2)


def published_ids() -> list[int]:
    return list(
        Event.objects.published()
        .order_by("start_date", "id")
        .values_list("pk", flat=True)
    )


def exported_ids(export: str, body: bytes) -> list[int]:
    if export == "geojson":
        return [feature["id"] for feature in json.loads(body)["features"]]
    rows = csv.DictReader(io.StringIO(body.decode()))
    if export == "acled":
        return [int(row["event_id_cnty"].removeprefix(OWN_ID_PREFIX)) for row in rows]
    return [int(row["event_id"]) for row in rows]


@pytest.mark.parametrize("export", ["geojson", "csv", "acled"])
def test_the_rest_of_a_stream_is_read_in_the_first_rows_snapshot(
    client: Client,
    small_first_rows: None,
    export: str,
) -> None:
    load_seed()  # an earlier transactional test may have emptied the database
    cache.clear()
    expected = published_ids()
    response = client.get(EVENTS, {"format": export})
    pieces = iter(response.streaming_content)
    first = next(pieces)

    # Committed by another session between the two statements: the last
    # event moves to the front, which would repeat one event and lose it.
    database = connection.settings_dict
    with psycopg.connect(
        host=database["HOST"],
        port=database["PORT"],
        user=database["USER"],
        password=database["PASSWORD"],
        dbname=database["NAME"],
        autocommit=True,
    ) as other:
        other.execute(
            "UPDATE events_event SET start_date = '1900-01-01', "
            "end_date = '1900-01-01' WHERE id = %s",
            [expected[-1]],
        )

    assert exported_ids(export, first + b"".join(pieces)) == expected
    assert published_ids()[0] == expected[-1]


def test_a_streams_own_transaction_takes_its_parallel_workers_away_with_it(
    small_first_rows: None,
) -> None:
    load_seed()  # an earlier transactional test may have emptied the database
    events = (
        Event.objects.published()
        .order_by("start_date", "id")
        .annotate(
            workers=RawSQL("current_setting('max_parallel_workers_per_gather')", [])
        )
        .values_list("pk", "workers")
    )
    rows = list(queries.streamed_rows(events))
    assert rows[-1][1] == str(settings.BULK_PARALLEL_WORKERS) != "0"
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
