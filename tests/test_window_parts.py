"""
A window's precise events before its vague ones, read from the first rows of
each part (queries.narrowed): the same rows, in the same order, as sorting
every event the window selects, for every window, order, cursor and slice.
"""

import datetime
import itertools

import pytest
from django.db import connection
from django.db.models import Q
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from events.filters import EventFilterSet, VagueIn, overlapping
from events.models import Event, Published
from events.queries import (
    conditions_tested_on_rows,
    first_rows_apart,
    narrowed,
    rows_after,
    without,
)
from tests.conftest import make_event

pytestmark = pytest.mark.django_db

PRECISIONS = ["day", "week", "month", "year"]


@pytest.fixture
def spread() -> None:
    """Events of every precision around the turns of months and years of 2031
    to 2033, several on the same day (ties broken by id)."""
    days = [
        datetime.date(2031, 12, 31), datetime.date(2032, 1, 1),
        datetime.date(2032, 2, 29), datetime.date(2032, 6, 1),
        datetime.date(2032, 6, 30), datetime.date(2032, 7, 1),
        datetime.date(2032, 12, 31), datetime.date(2033, 1, 1),
    ]  # fmt: skip
    for number, (day, precision) in enumerate(itertools.product(days, PRECISIONS)):
        end = day + datetime.timedelta(days=number % 3 * 20)
        for copy in range(2):
            make_event(
                title=f"{precision} {day} {copy}",
                start_date=day,
                end_date=end,
                date_precision=precision,
                status=Event.Status.PUBLISHED,
            )


WINDOWS = [
    "start=2032",
    "end=2032-06",
    "start=2032-06&end=2032-06",
    "start=2032-06-30&end=2032-07-01",
    "start=2032-W26",
    "start=2031-12&end=2033-01",
]


def test_the_windows_hold_both_parts(spread) -> None:
    kinds = set()
    for window in WINDOWS:
        filterset = EventFilterSet(data=QueryDict(window))
        assert filterset.is_valid()
        events = filterset.order().apply(filterset.qs)
        kinds |= set(events.values_list("vague", flat=True))
    assert kinds == {False, True}


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize("sort", ["", "&sort=newest", "&sort=oldest"])
def test_the_parts_give_the_whole_order(spread, window: str, sort: str) -> None:
    filterset = EventFilterSet(data=QueryDict(window + sort))
    assert filterset.is_valid(), filterset.errors
    order = filterset.order()
    assert order.keys[0][0] == "vague"
    events = order.apply(filterset.qs)
    whole = list(events.values_list("vague", "start_date", "id"))
    assert any(vague for vague, *_ in whole)
    for size in (1, 3, 7, len(whole) + 1):
        assert [e.pk for e in narrowed(events[:size])] == [r[2] for r in whole[:size]]
    # After each position, as the next page reads.
    for position, (vague, day, pk) in enumerate(whole):
        after = rows_after(events, order.keys, (vague, day, pk)).order_by(
            *order.order_by()
        )
        rest = [r[2] for r in whole[position + 1 :]]
        assert [e.pk for e in narrowed(after[:4])] == rest[:4]
    # Slices that start further on, as a stream's second statement reads.
    assert [e.pk for e in narrowed(events[2:9])] == [r[2] for r in whole[2:9]]


def test_the_page_reads_each_part_not_the_whole_window(spread) -> None:
    filterset = EventFilterSet(data=QueryDict("start=2032-06&end=2032-06"))
    assert filterset.is_valid()
    events = filterset.order().apply(filterset.qs)
    with CaptureQueriesContext(connection) as queries:
        list(narrowed(events[:5]))
    (sql,) = [query["sql"] for query in queries.captured_queries]
    assert "UNION ALL" in sql and sql.count("LIMIT 5") == 3
    # A stream's first two statements are narrowed; the rest reads on.
    pieces = first_rows_apart(events)
    assert [("UNION ALL" in str(piece.query)) for piece in pieces] == [
        True,
        True,
        False,
    ]


def test_other_orders_are_left_alone(spread) -> None:
    events = Event.objects.order_by("start_date", "id")[:5]
    assert narrowed(events) is events


@pytest.fixture
def unpublished(spread) -> None:
    """Beside the spread, events in every other status on the same days."""
    for number, event in enumerate(Event.objects.order_by("id")[::3]):
        status = [Event.Status.DRAFT, Event.Status.IN_REVIEW][number % 2]
        make_event(
            title=f"{event.title} {status}",
            start_date=event.start_date,
            end_date=event.end_date,
            date_precision=event.date_precision,
            status=status,
        )


def published_page(window: str) -> tuple[list, list]:
    filterset = EventFilterSet(
        data=QueryDict(window), queryset=Event.objects.published()
    )
    assert filterset.is_valid(), filterset.errors
    events = filterset.order().apply(filterset.qs)
    return events, list(events.values_list("id", flat=True))


@pytest.mark.parametrize("window", WINDOWS)
def test_the_parts_give_the_published_readers_whole_order(
    unpublished, window: str
) -> None:
    events, whole = published_page(window)
    assert not Event.objects.filter(pk__in=whole).exclude(status=Event.Status.PUBLISHED)
    assert Event.objects.exclude(status=Event.Status.PUBLISHED).exists()
    for size in (1, 3, 7, len(whole) + 1):
        assert [e.pk for e in narrowed(events[:size])] == whole[:size]


def test_the_vague_part_tests_the_published_status_on_the_events_it_reads(
    unpublished,
) -> None:
    events, _ = published_page("start=2032-06&end=2032-06")
    with CaptureQueriesContext(connection) as queries:
        list(narrowed(events[:5]))
    (sql,) = [query["sql"] for query in queries.captured_queries]
    within, outside = sql.split("UNION ALL")
    # The precise events walk event_published_start_idx, whose predicate
    # the plain condition matches; the vague ones, found by the period
    # index, test it and the window's overlap on each event.
    assert "IS TRUE" not in within and "'published'" in within
    assert outside.count("IS TRUE") == 2
    assert "'published') IS TRUE" in outside and "&&" in outside


def test_the_status_tested_on_rows_selects_the_published_events(unpublished) -> None:
    published = Event.objects.published()
    tested = conditions_tested_on_rows(published)
    assert "IS TRUE" in str(tested.query) and "IS TRUE" not in str(published.query)
    assert set(tested) == set(published)
    assert set(Event.objects.filter(Published().tested())) == set(published)
    assert set(Event.objects.exclude(Published().tested())) == set(
        Event.objects.exclude(status=Event.Status.PUBLISHED)
    )


def test_an_editors_window_has_no_status_to_test(unpublished, editor) -> None:
    filterset = EventFilterSet(
        data=QueryDict("start=2032-06&end=2032-06"),
        queryset=Event.objects.visible_to(editor),
    )
    assert filterset.is_valid()
    events = filterset.order().apply(filterset.qs)
    with CaptureQueriesContext(connection) as queries:
        pks = [e.pk for e in narrowed(events[:200])]
    sql = queries.captured_queries[0]["sql"]
    assert "'published') IS TRUE" not in sql
    # The window's overlap alone is tested on the vague part's events.
    assert sql.count("IS TRUE") == 1
    assert Event.objects.filter(pk__in=pks).exclude(status="published").exists()


@pytest.mark.parametrize("window", WINDOWS)
def test_the_precise_part_goes_without_the_windows_own_condition(
    spread, window: str
) -> None:
    filterset = EventFilterSet(data=QueryDict(window))
    assert filterset.is_valid()
    events = filterset.order().apply(filterset.qs)
    with CaptureQueriesContext(connection) as queries:
        list(narrowed(events[:5]))
    (sql,) = [query["sql"] for query in queries.captured_queries]
    outer, parts = sql.split(" IN (", 1)
    within, outside = parts.split("UNION ALL")
    # The overlap (&&) is the window's own condition; the parts test
    # containment (<@) and the days at its ends (@>). The rows of the parts
    # meet every condition: the outer statement tests none again.
    assert "&&" in outside
    assert "&&" not in within and "<@" in within
    tested = outer.split(" WHERE ", 1)[1]
    assert tested == '"events_event"."id"'


def test_only_a_condition_that_must_hold_is_left_out(spread) -> None:
    first, last = datetime.date(2032, 6, 1), datetime.date(2032, 6, 30)
    window = overlapping(first, last)
    vague = VagueIn(first, last)
    events = Event.objects.filter(window)
    assert "&&" not in str(without(events, vague.implied_by_within).query)
    # Under an OR or a NOT, leaving it out would change the answer.
    for kept in (
        Event.objects.filter(Q(window) | Q(title="")),
        Event.objects.exclude(window),
    ):
        assert without(kept, vague.implied_by_within) is kept
    # Another window's condition is not implied.
    other = Event.objects.filter(overlapping(first, last + datetime.timedelta(1)))
    assert without(other, vague.implied_by_within) is other
