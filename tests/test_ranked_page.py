"""
A text search's page (queries.ids_first): its ids are taken first, in the
order (by rank, or by date when `sort` is given), and the output is read for
those rows alone. The same rows in the same order as sorting every match,
for every slice, cursor, filter beside `q`, order and format; and the places
are joined to the page's rows only.
"""

import csv
import datetime
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet, Value
from django.http import QueryDict
from django.test import Client

from events import queries
from events.api.formats import csv_query
from events.api.pagination import BY_RANK
from events.filters import EventFilterSet, TextRank
from events.interop import acled
from events.models import Event, Location
from events.queries import first_rows_apart, ids_first, narrowed, rows_after
from tests.conftest import make_event
from tests.test_parallel_workers import WORKERS

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"
WORDS = "quarry"
# Filters beside the search: none, a column, a relation, a window (whose
# order then leads with its precise events, not the rank) and a place.
BESIDE = ["", "&type=protest", "&country=IRQ", "&start=2031", "&bbox=40,30,50,40"]


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    # Each test starts with the anonymous rate limit's count at zero.
    cache.clear()


@pytest.fixture
def matches() -> list[Event]:
    """Events that match the search to different degrees, with ties in rank
    broken by start date and then id, at places with and without parents."""
    places = list(Location.objects.filter(code__in=["IRQ", "IRN"]))
    places += list(Location.objects.filter(parent__isnull=False)[:2])
    made = []
    for number in range(24):
        made.append(
            make_event(
                title=" ".join([WORDS] * (1 + number % 4)) + f" {number}",
                summary="A quarry dispute." if number % 3 else "",
                event_type="protest" if number % 2 else "battle",
                start_date=datetime.date(2030 + number % 3, 1 + number % 5, 1),
                end_date=datetime.date(2030 + number % 3, 1 + number % 5, 2),
                location=places[number % len(places)],
                status=Event.Status.PUBLISHED,
            )
        )
    make_event(title="Unrelated", status=Event.Status.PUBLISHED)
    return made


# The orders a search pages in: by rank, or by date when asked.
SORTS = ["", "&sort=newest", "&sort=oldest"]


def ranked(query: str) -> tuple[QuerySet, tuple]:
    """The events the query selects in the order the API pages them (as
    EventViewSet.filtered), and the order's keys."""
    filterset = EventFilterSet(data=QueryDict(query))
    assert filterset.is_valid(), filterset.errors
    order = filterset.order()
    if order.explicit:
        return order.apply(filterset.qs), order.keys
    events = filterset.qs.annotate(rank=TextRank(filterset.form.cleaned_data["q"]))
    return events.order_by(*BY_RANK.order_by()), BY_RANK.keys


def test_the_ranks_tie_and_differ(matches) -> None:
    events, _ = ranked(f"q={WORDS}")
    ranks = list(events.values_list("rank", flat=True))
    assert len(ranks) == 24
    assert 1 < len(set(ranks)) < len(ranks)


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("beside", BESIDE)
def test_the_page_is_the_whole_order_cut(matches, beside: str, sort: str) -> None:
    events, keys = ranked(f"q={WORDS}{beside}{sort}")
    whole = list(events.values_list(*(field for field, _ in keys)))
    assert whole
    ids = [row[-1] for row in whole]
    for size in (1, 5, len(whole) + 1):
        assert [e.pk for e in narrowed(events[:size])] == ids[:size]
    # Further on, as a stream's next statement and a cursor's page read.
    assert [e.pk for e in narrowed(events[2:9])] == ids[2:9]
    for position, row in enumerate(whole):
        after = rows_after(events, keys, row).order_by(*events.query.order_by)
        assert [e.pk for e in narrowed(after[:3])] == ids[position + 1 :][:3]
    # And a stream's statements together read every match once, in order.
    pieces = first_rows_apart(events)
    assert [e.pk for piece in pieces for e in piece] == ids


@pytest.mark.parametrize("sort", SORTS)
def test_a_search_takes_its_ids_first(matches, sort: str) -> None:
    events, _ = ranked(f"q={WORDS}{sort}")
    assert "IN (SELECT" in str(narrowed(events[:5]).query)


def test_other_pages_are_left_alone(matches) -> None:
    by_date = Event.objects.order_by("start_date", "id")[:5]
    assert narrowed(by_date) is by_date
    ranked_without_search = Event.objects.annotate(rank=Value(1.0)).order_by(
        "-rank", "id"
    )[:5]
    assert narrowed(ranked_without_search) is ranked_without_search


def joined_rows(sql: str, params: tuple) -> list[int]:
    """The rows each join with the places produced, by EXPLAIN ANALYZE."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)[0]
    rows = []

    def walk(node: dict) -> list[str]:
        below = [name for child in node.get("Plans", []) for name in walk(child)]
        tables = [node.get("Relation Name", ""), *below]
        joins = "Join" in node["Node Type"] or node["Node Type"] == "Nested Loop"
        if joins and {"events_location", "events_event"} <= set(tables):
            rows.append(node["Actual Rows"] * node["Actual Loops"])
        return tables

    walk(plan["Plan"])
    return rows


@pytest.mark.parametrize("sort", SORTS)
def test_the_places_are_joined_to_the_page_alone(matches, sort: str) -> None:
    events, _ = ranked(f"q={WORDS}{sort}")
    page = narrowed(csv_query(events)[:5])
    sql, params = page.query.get_compiler(page.db).as_sql()
    joined = joined_rows(sql, params)
    assert joined and max(joined) <= 5
    # The same rows as the statement read whole.
    assert list(page) == list(csv_query(events)[:5])


def acled_ids(text: io.StringIO) -> list[int]:
    return [
        int(row["event_id_cnty"].removeprefix(acled.OWN_ID_PREFIX))
        for row in csv.DictReader(text)
    ]


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("beside", BESIDE)
def test_every_format_pages_in_order(
    client: Client, matches, beside: str, sort: str
) -> None:
    query = f"q={WORDS}{beside}{sort}"
    events, _ = ranked(query)
    expected = list(events.values_list("id", flat=True))
    seen, url = [], f"{EVENTS}?{query}&page_size=4"
    while url:
        page = client.get(url).json()
        seen += [event["id"] for event in page["results"]]
        url = page["next"]
    assert seen == expected
    for fmt, read in [
        ("csv", lambda text: [int(r["event_id"]) for r in csv.DictReader(text)]),
        ("geojson", lambda text: [f["id"] for f in json.load(text)["features"]]),
        ("acled", acled_ids),
    ]:
        response = client.get(f"{EVENTS}?{query}&format={fmt}")
        assert response.status_code == 200
        text = io.StringIO(b"".join(response.streaming_content).decode())
        assert read(text) == expected, fmt
        # One page of it, as `page_size` cuts a stream.
        first = client.get(f"{EVENTS}?{query}&format={fmt}&page_size=3")
        text = io.StringIO(b"".join(first.streaming_content).decode())
        assert read(text) == expected[:3], fmt


def test_ids_first_keeps_the_slice_in_the_ids(matches) -> None:
    events, _ = ranked(f"q={WORDS}")
    page = ids_first(events[3:6])
    # The offset is in the ids; the page's size stays the statement's limit.
    assert (page.query.low_mark, page.query.high_mark) == (0, 3)
    assert [e.pk for e in page] == list(events.values_list("id", flat=True))[3:6]


@pytest.mark.parametrize("sort", SORTS)
def test_a_searchs_stream_keeps_its_statements_sizes(
    matches, monkeypatch, settings, streamed_statements: list[str], sort: str
) -> None:
    # As any stream (tests/test_streams.py, test_parallel_workers.py): its
    # first rows without parallel workers, and no statement after the rows
    # ran out.
    settings.BULK_PARALLEL_WORKERS = 3
    monkeypatch.setattr(queries, "FIRST_ROWS", 5)
    monkeypatch.setattr(queries, "NEXT_ROWS", 100)
    events, _ = ranked(f"q={WORDS}{sort}")
    expected = list(events.values_list("id", flat=True))
    pieces = queries.first_rows_apart(events)
    assert [
        piece.query.high_mark and piece.query.high_mark - piece.query.low_mark
        for piece in pieces
    ] == [5, 100, None]
    rows = list(
        queries.streamed_rows(
            events.annotate(workers=WORKERS).values_list("pk", "workers")
        )
    )
    assert [row[0] for row in rows] == expected
    assert [row[1] for row in rows] == ["0"] * 5 + ["3"] * (len(expected) - 5)
    # The second statement asked for 100 and found 19: the third is not run.
    assert len(streamed_statements) == 2
