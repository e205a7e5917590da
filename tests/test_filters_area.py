"""
The spatial filters (`country`, `location`, `bbox`, `near`) select the same
events, in the same order, in every format, whichever form their condition
takes: the one PostgreSQL estimates, or the one it cannot, which makes it
walk the list's order testing each event (InAreas.for_rows, for areas that
hold many events by the summed cells, without a date window). And the
summed cells' count of a box holds every event in it.
"""

import datetime

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import Q, Sum
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from events import filters
from events.cells import meeting
from events.filters import EventFilterSet
from events.models import Event, Location, TileCell
from events.queries import first_rows_apart, narrowed
from tests.conftest import make_event
from tests.test_filter_matrix import Params, ids_in_every_format, json_ids, query

pytestmark = pytest.mark.django_db

ERBIL = Point(44.01, 36.19, srid=4326)
# Each spatial filter, with the others and with filters that walk the list's
# order further for a page (a window, a search, newest first).
QUERIES: list[Params] = [
    {"near": "36.19,44.01,50"},
    {"location": "IQ-KR"},
    {"country": "IRQ"},
    {"bbox": "42,34,47,38"},
    {"location": "IQ-KR", "near": "36.19,44.01,50"},
    {"location": "IQ-KR", "start": "2023"},
    {"location": "IQ-KR", "q": "clashes"},
    {"bbox": "42,34,47,38", "near": "36.19,44.01,50"},
    {"country": "IRQ", "near": "36.19,44.01,50", "sort": "newest"},
    {"near": "36.19,44.01,50", "start": "2022", "end": "2023-06"},
    {"location": "IQ-KR", "sort": "newest"},
    {"bbox": "170,-50,-170,50"},
    {"near": "10,-179.9,100"},  # two boxes, one each side of the antimeridian
]


@pytest.fixture
def placed(db) -> list[Event]:
    """Events in and around Erbil over three years, one a day's walk from
    it, one placed in the Kurdistan Region with its point in Baghdad, and
    one across the antimeridian."""
    region = Location.objects.get(code="IQ-KR")
    events = []
    for day in range(0, 1000, 37):
        events.append(
            make_event(
                title=f"Clashes {day} days on",
                event_type=Event.Type.BATTLE,
                status=Event.Status.PUBLISHED,
                start_date=datetime.date(2021, 1, 1) + datetime.timedelta(days=day),
                end_date=datetime.date(2021, 1, 1) + datetime.timedelta(days=day),
                location=region,
                point=Point(44.01 + day / 5000, 36.19 - day / 7000, srid=4326),
            )
        )
    for title, point, place in [
        ("Far from Erbil", Point(45.9, 37.0, srid=4326), region),
        ("In the region, seen in Baghdad", Point(44.4, 33.34, srid=4326), region),
        ("Across the antimeridian", Point(179.5, 10.0, srid=4326), None),
    ]:
        events.append(
            make_event(
                title=title,
                status=Event.Status.PUBLISHED,
                start_date=datetime.date(2023, 2, 1),
                end_date=datetime.date(2023, 2, 1),
                location=place,
                point=point,
            )
        )
    return events


# How the areas read when a page walks the list's order (InAreas.as_sql).
WALKED_FORM = "THEN true ELSE false END"


def with_region(params: Params) -> Params:
    if params.get("location") != "IQ-KR":
        return params
    return {**params, "location": str(Location.objects.get(code="IQ-KR").pk)}


def page_statement(params: Params) -> str:
    """The statement of a page of the list, as the API reads it."""
    filterset = EventFilterSet(data=QueryDict(query(params)))
    assert filterset.is_valid(), filterset.errors
    return str(narrowed(filterset.order().apply(filterset.qs)[:100]).query)


@pytest.mark.parametrize("params", QUERIES, ids=query)
def test_both_ways_select_the_same_events_in_the_same_order(
    editor_client, placed, monkeypatch, params: Params
) -> None:
    params = with_region(params)
    # With a window, the form PostgreSQL estimates (in_areas).
    walked = "start" not in params and "end" not in params
    assert (WALKED_FORM in page_statement(params)) is walked
    first = json_ids(editor_client, params)
    formats = ids_in_every_format(editor_client, params)

    monkeypatch.setattr(filters, "WALKED_EVENTS", 0)
    assert WALKED_FORM not in page_statement(params)

    assert json_ids(editor_client, params) == first
    assert ids_in_every_format(editor_client, params) == formats
    assert formats["csv"] == first
    assert first


def test_the_areas_are_counted_only_for_a_page(placed) -> None:
    params = with_region({"location": "IQ-KR", "near": "36.19,44.01,50"})
    filterset = EventFilterSet(data=QueryDict(query(params)))
    assert filterset.is_valid(), filterset.errors
    with CaptureQueriesContext(connection) as unread:
        events = filterset.order().apply(filterset.qs)
        str(events.query)  # a whole stream's statement: no count
    assert not any("events_tilecell" in q["sql"] for q in unread.captured_queries)
    with CaptureQueriesContext(connection) as paged:
        str(narrowed(events[:100]).query)
        str(narrowed(events[:100]).query)  # counted once for the filters
    counted = [q for q in paged.captured_queries if "events_tilecell" in q["sql"]]
    assert len(counted) == 1


def test_the_region_holds_its_events_placed_elsewhere(editor_client, placed) -> None:
    listed = json_ids(editor_client, with_region({"location": "IQ-KR"}))

    assert placed[-2].pk in listed
    assert placed[-1].pk not in listed


BOXES = [
    (44.0, 36.0, 44.2, 36.3),
    (43.9, 36.1, 44.02, 36.2),
    (42.0, 34.0, 47.0, 38.0),
    (44.01, 36.19, 44.01, 36.19),
    (-180.0, -90.0, 180.0, 90.0),
    (179.0, 9.0, 180.0, 11.0),
]


def summed_count(boxes: list[tuple[float, float, float, float]]) -> int:
    """How many events the summed cells that meet `boxes` hold."""
    cells = TileCell.objects.filter(meeting(boxes))
    return cells.aggregate(count=Sum("count"))["count"] or 0


@pytest.mark.parametrize("box", BOXES, ids=str)
def test_the_summed_cells_count_every_event_in_a_box(placed, box) -> None:
    west, south, east, north = box
    inside = Event.objects.filter(
        point__bboverlaps=filters.box(west, south, east, north)
    ).count()

    assert summed_count([box]) >= inside > 0


def test_the_summed_cells_count_nothing_where_nothing_is(placed) -> None:
    assert summed_count([(-30.0, -40.0, -29.0, -39.0)]) == 0
    assert summed_count([(179.0, 9.0, 180.0, 11.0), (10.0, 0.0, 10.5, 0.5)]) == (
        Event.objects.filter(Q(point__bboverlaps=filters.box(179, 9, 180, 11))).count()
    )


@pytest.mark.parametrize(
    "params", [{"location": "IQ-KR"}, {"country": "IRQ"}], ids=query
)
def test_a_boundarys_own_test_is_estimated_apart_from_its_buffers(
    placed, params: Params
) -> None:
    # PostgreSQL multiplied the two tests' boxes, nearly the same, as if
    # each told something new: the boundary's own test is a CASE.
    sql = page_statement(with_region({**params, "start": "2023"}))
    assert "CASE WHEN (ST_Intersects" in sql
    boundary = Location.objects.get(code=params.get("location", "IRQ")).geometry
    inside = Event.objects.filter(filters.within_boundary(boundary))
    assert "CASE WHEN" in str(inside.query)
    assert set(inside) == set(
        Event.objects.filter(
            point__dwithin=(boundary, filters.BOUNDARY_TOLERANCE_DEGREES)
        )
    )


def test_the_areas_share_is_of_every_event_with_a_point(placed) -> None:
    filterset = EventFilterSet(data=QueryDict("bbox=179,9,180,11"))
    assert filterset.is_valid(), filterset.errors
    (areas,) = [
        child.lhs
        for child in filterset.qs.query.where.children
        if isinstance(getattr(child, "lhs", None), filters.InAreas)
    ]
    everywhere = Event.objects.exclude(point=None).count()

    assert areas.share() == summed_count([(179.0, 9.0, 180.0, 11.0)]) / everywhere
    assert 0 < areas.share() < 1


def test_a_streams_next_rows_walk_only_areas_that_hold_enough(placed) -> None:
    # One event of 31 across the antimeridian: a walk finds the first 100
    # rows within WALKED_EVENTS events, not the next 10,000.
    filterset = EventFilterSet(data=QueryDict("bbox=179,9,180,11"))
    assert filterset.is_valid(), filterset.errors
    events = filterset.order().apply(filterset.qs)
    first, following, rest = (str(part.query) for part in first_rows_apart(events))

    assert WALKED_FORM in first
    assert WALKED_FORM not in following and WALKED_FORM not in rest


def test_a_circles_boxes_are_tested_by_the_box_operator(placed) -> None:
    # The bounding-box operator, which PostgreSQL takes as cheap and tests on
    # a walk's events before a window's period; ST_Intersects, a function of
    # high declared cost, came after it (`end=2023-06&near` at a million:
    # 5.6 ms a walk, 3.5 with && first). The boxes are axis-aligned, so the
    # answers are the same (test_both_ways_select_the_same_events...).
    for near in ("36.19,44.01,50", "10,179.9,50"):  # one box, then two
        sql = page_statement({"near": near, "end": "2023-06"})
        assert "ST_Intersects" not in sql
        assert '."point" && ST_GeomFrom' in sql
