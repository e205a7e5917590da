"""
Streamed exports (GeoJSON and CSV) in process: the statement starts before the
response does, so a failure to start is an ordinary JSON error; an open stream
holds its connection, says so when asked for another statement, and lets go
of it when closed. tests/test_streams_live.py has a failure after the first
byte, through gunicorn.
"""

import csv
import io
import json
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from events import queries
from events.api import formats
from events.features import FEED_PROPERTIES, features
from events.interop.acled import OWN_ID_PREFIX
from events.models import Event

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


@pytest.fixture
def small_chunks(monkeypatch) -> None:
    """Chunks of two rows, so that the demo's events make a stream of several."""
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
        # The demo's events hold no ACLED id: ours stands in, prefixed.
        return [int(row["event_id_cnty"].removeprefix(OWN_ID_PREFIX)) for row in rows]
    return [int(row["event_id"]) for row in rows]


@pytest.mark.parametrize("export", ["geojson", "csv"])
def test_a_stream_that_cannot_start_is_a_503_in_json(
    client: Client, places_locked: None, export: str, caplog
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '100ms'")

    response = client.get(EVENTS, {"format": export})

    assert response.status_code == 503
    assert response.json() == {
        "detail": "The database could not answer (it timed out, was busy or went "
        "away); try again shortly."
    }
    assert [r.levelname for r in caplog.records if "Database error" in r.message] == [
        "ERROR"
    ]
    assert f"Database error in /api/v1/events/?format={export}" in caplog.text


@pytest.mark.parametrize("export", ["geojson", "csv"])
def test_the_first_piece_holds_the_first_chunk_of_rows(
    client: Client, small_chunks: None, export: str
) -> None:
    response = client.get(EVENTS, {"format": export})
    pieces = list(response.streaming_content)

    assert exported_ids(export, b"".join(pieces)) == published_ids()
    if export == "geojson":
        assert pieces[0].startswith(b'{"type":"FeatureCollection","features":[')
        assert pieces[0].count(b'"type" : "Feature"') == 2
    else:
        header, *rows = csv.reader(io.StringIO(pieces[0].decode()))
        assert (header, len(rows)) == (formats.CSV_COLUMNS, 2)
    assert len(pieces) >= 4


@pytest.mark.parametrize("export", ["geojson", "csv"])
def test_another_statement_during_a_stream_fails_instead_of_waiting(
    client: Client, small_chunks: None, export: str
) -> None:
    response = client.get(EVENTS, {"format": export})

    # psycopg holds the connection until the stream ends; waiting for it
    # would wait forever.
    with pytest.raises(RuntimeError, match="streaming the rows of a statement"):
        Event.objects.count()
    assert exported_ids(export, b"".join(response.streaming_content)) == (
        published_ids()
    )


@pytest.mark.parametrize(
    "body", [formats.feature_collection, formats.csv_lines], ids=["geojson", "csv"]
)
def test_a_stream_closed_early_lets_go_of_its_connection(
    small_chunks: None, body: Callable
) -> None:
    pieces = queries.started(body(Event.objects.published().order_by("id")))
    next(pieces)

    pieces.close()  # as a server closes a response when its client goes away

    assert Event.objects.published().count() == len(published_ids()) > 2


def test_streamed_texts_read_the_first_column_whatever_else_is_selected() -> None:
    # A DISTINCT query gets its ORDER BY columns added to the SELECT.
    events = Event.objects.published().distinct().order_by("start_date", "id")

    texts = queries.streamed_texts(features(events, properties=FEED_PROPERTIES))

    assert [json.loads(text)["id"] for text in texts] == published_ids()


@pytest.fixture
def small_first_rows(monkeypatch) -> None:
    """A first statement of three rows and a second of two, so that the demo's
    events need three."""
    monkeypatch.setattr(queries, "FIRST_ROWS", 3)
    monkeypatch.setattr(queries, "NEXT_ROWS", 2)


@pytest.mark.parametrize("export", ["geojson", "csv", "acled"])
@pytest.mark.parametrize("page_size", [None, 2, 3, 4, 5, 6])
def test_the_first_rows_and_the_rest_make_the_whole_stream(
    client: Client,
    small_chunks: None,
    small_first_rows: None,
    export: str,
    page_size: int | None,
) -> None:
    params = {"format": export}
    if page_size:
        params["page_size"] = str(page_size)

    expected = published_ids()
    assert len(expected) > 5

    response = client.get(EVENTS, params)

    assert exported_ids(export, b"".join(response.streaming_content)) == (
        expected[:page_size] if page_size else expected
    )


def test_a_stream_runs_no_statement_after_its_rows_ran_out(
    monkeypatch, small_first_rows: None, streamed_statements: list[str]
) -> None:
    events = Event.objects.published().order_by("start_date", "id")
    expected = published_ids()
    assert len(expected) > queries.FIRST_ROWS + 1
    statements = streamed_statements

    def streamed() -> list[int]:
        statements.clear()
        return [row[0] for row in queries.streamed_rows(events.values_list("pk"))]

    # The second statement asks for more than remain: it reads them all,
    # and the third, which could find none, is not run.
    monkeypatch.setattr(queries, "NEXT_ROWS", len(expected))
    assert streamed() == expected
    assert len(statements) == 2
    # Asked for exactly what remains, it cannot tell: the third runs.
    monkeypatch.setattr(queries, "NEXT_ROWS", len(expected) - queries.FIRST_ROWS)
    assert streamed() == expected
    assert len(statements) == 3
    # The first rows are all there are: one statement.
    monkeypatch.setattr(queries, "FIRST_ROWS", len(expected) + 1)
    assert streamed() == expected
    assert len(statements) == 1


def test_an_ordered_stream_reads_its_first_rows_with_a_limit() -> None:
    events = Event.objects.published().order_by("start_date", "id")

    first, following, rest = queries.first_rows_apart(events)

    assert (first.query.low_mark, first.query.high_mark) == (0, queries.FIRST_ROWS)
    following_rows = queries.FIRST_ROWS + queries.NEXT_ROWS
    assert (following.query.low_mark, following.query.high_mark) == (
        queries.FIRST_ROWS,
        following_rows,
    )
    assert (rest.query.low_mark, rest.query.high_mark) == (following_rows, None)
    assert len(queries.first_rows_apart(events.order_by())) == 1
    assert len(queries.first_rows_apart(events[:50])) == 1
    # A stream cut short by page_size reads no statement past its end.
    assert [
        (part.query.low_mark, part.query.high_mark)
        for part in queries.first_rows_apart(events[:150])
    ] == [(0, queries.FIRST_ROWS), (queries.FIRST_ROWS, 150)]


@pytest.mark.parametrize("export", ["geojson", "csv"])
def test_the_first_piece_leaves_with_the_first_statements_rows(
    client: Client, monkeypatch, export: str
) -> None:
    # The first statement reads 3 rows: the first piece does not wait for
    # the rest's statement to fill a chunk of 5.
    monkeypatch.setattr(queries, "FIRST_ROWS", 3)
    monkeypatch.setattr(formats, "FIRST_ROWS", 3)
    monkeypatch.setattr(formats, "CHUNK_ROWS", 5)
    expected = published_ids()

    pieces = list(client.get(EVENTS, {"format": export}).streaming_content)

    assert (
        exported_ids(export, pieces[0] + b"]}" * (export == "geojson"))
        == (expected[:3])
    )
    assert exported_ids(export, b"".join(pieces)) == expected
