"""
Every event filter in every format: each filter alone, a set of pairs and the
docs' own example, read as JSON pages (following `next`), GeoJSON, CSV, the
Atom feed, the timeline's counts and the map's events; each must select the
events the JSON list selects, as must OGC API – Features items for the filters
it offers too. A filter added to EventFilterSet without a value here fails the
matrix, so none can skip it.

Run as an editor, who sees every status, so that `status` selects something.
"""

import csv
import datetime
import io
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.test import Client

from events.api.formats import features
from events.features import FEED_PROPERTIES
from events.feeds import FEED_SIZE
from events.filters import EventFilterSet
from events.models import Actor, Agreement, Event, Location
from tests.conftest import make_event

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"
ATOM = "{http://www.w3.org/2005/Atom}"
EVENT_LINK = re.compile(r"/events/(\d+)/$")
# A zoom at which the map shows events one by one.
MAP_ZOOM = 12

Params = dict[str, str | list[str]]

# Each filter with a partner, in a few shapes: the two that are applied
# together (start and end, actor and role), columns with relations, spatial
# filters with others, and each filter with the next in alphabetical order.
NAMED_PAIRS = [
    ("start", "end"),
    ("actor", "role"),
    ("type", "status"),
    ("country", "type"),
    ("bbox", "type"),
    ("near", "start"),
    ("q", "country"),
    ("agreement", "type"),
    ("location", "status"),
    ("updated_since", "country"),
    ("role", "country"),
    ("acled_id", "type"),
    ("status", "start"),
    ("date_rule", "near"),
    ("sort", "q"),
    ("sort", "date_rule"),
]
FILTERS = sorted(EventFilterSet.base_filters)
PAIRS = NAMED_PAIRS + [
    (name, FILTERS[(index + 1) % len(FILTERS)])
    for index, name in enumerate(FILTERS)
    if {name, FILTERS[(index + 1) % len(FILTERS)]} not in map(set, NAMED_PAIRS)
]
# docs/api.md, "Event filters".
DOCS_EXAMPLE = "country=IRQ&type=remote_violence&type=battle"


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def values(db) -> dict[str, Params]:
    """
    A value for every filter, each selecting some of the events but not all:
    the demo's, a published battle and a draft in the Kurdistan Region with
    ids from other datasets, a meeting in review, and two events changed
    after a moment.
    """
    region = Location.objects.get(code="IQ-KR")
    make_event(
        title="Clashes reported near Sulaymaniyah",
        event_type=Event.Type.BATTLE,
        status=Event.Status.PUBLISHED,
        start_date=datetime.date(2021, 6, 10),
        end_date=datetime.date(2021, 6, 10),
        location=region,
        point=Point(45.43, 35.56, srid=4326),
        acled_id="IRQ91001",
        gdelt_id="1100220033",
    )
    make_event(
        title="Draft: shelling reported in Duhok",
        event_type=Event.Type.REMOTE_VIOLENCE,
        status=Event.Status.DRAFT,
        start_date=datetime.date(2024, 2, 3),
        end_date=datetime.date(2024, 2, 3),
        location=region,
        point=Point(43.0, 36.87, srid=4326),
        ucdp_id="554433",
    )
    make_event(
        title="Meeting in Erbil awaiting review",
        event_type=Event.Type.MEETING,
        status=Event.Status.IN_REVIEW,
        start_date=datetime.date(2024, 3, 1),
        end_date=datetime.date(2024, 3, 1),
        location=region,
        point=Point(44.01, 36.19, srid=4326),
    )
    since = datetime.datetime.now(datetime.UTC)
    for event in Event.objects.filter(event_type=Event.Type.STATEMENT):
        event.summary += " (corrected)"
        event.save()
    return {
        "start": {"start": "2023"},
        "end": {"end": "2023-03-19"},
        "type": {"type": ["statement", "battle"]},
        "status": {"status": "draft"},
        "actor": {"actor": str(Actor.objects.get(name="Ali Shamkhani").pk)},
        "role": {"role": "target"},
        "country": {"country": "IRQ"},
        "location": {"location": str(region.pk)},
        "bbox": {"bbox": "44,33,45,34"},
        "near": {"near": "33.34,44.40,10"},
        "q": {"q": "Shamkhani"},
        "agreement": {"agreement": str(Agreement.objects.get().pk)},
        "acled_id": {"acled_id": "IRQ91001"},
        "ucdp_id": {"ucdp_id": "554433"},
        "gdelt_id": {"gdelt_id": "1100220033"},
        "updated_since": {"updated_since": since.isoformat()},
        "awaiting_review": {"awaiting_review": "true"},
        # Neither selects alone: each with what it shapes. The lists must
        # then agree in order too (geojson and csv against the JSON pages).
        "date_rule": {"date_rule": "starts", "start": "2023", "end": "2023-03"},
        "sort": {"sort": "newest", "start": "2023-03-19", "end": "2023-03-19"},
    }


def query(params: Params) -> str:
    return urlencode(params, doseq=True)


def json_ids(client: Client, params: Params) -> list[int]:
    """The JSON list, page after page of three, as a sync client reads it."""
    ids: list[int] = []
    url = f"{EVENTS}?{query({**params, 'page_size': '3'})}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        page = response.json()
        ids += [event["id"] for event in page["results"]]
        url = page["next"]
    return ids


def located_json_ids(client: Client, params: Params) -> set[int]:
    response = client.get(f"{EVENTS}?{query({**params, 'page_size': '500'})}")
    return {event["id"] for event in response.json()["results"] if event["point"]}


def body(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.content
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def ids_in_every_format(client: Client, params: Params) -> dict[str, object]:
    """What each output selects, in the shape in which the JSON list's compares."""
    text = query(params)
    collection = json.loads(body(client, f"{EVENTS}?{text}&format=geojson"))
    rows = csv.DictReader(
        io.StringIO(body(client, f"{EVENTS}?{text}&format=csv").decode())
    )
    feed = ET.fromstring(body(client, f"/feeds/events/?{text}"))
    timeline = json.loads(body(client, f"{EVENTS}timeline/?{text}&interval=month"))
    layer = json.loads(body(client, f"/maps/events.geojson?{text}&zoom={MAP_ZOOM}"))
    return {
        "geojson": [feature["id"] for feature in collection["features"]],
        "csv": [int(row["event_id"]) for row in rows],
        "atom": {
            int(EVENT_LINK.search(link.get("href"))[1])
            for link in feed.iter(f"{ATOM}link")
            if EVENT_LINK.search(link.get("href") or "")
        },
        "timeline": sum(
            bucket["count"] for bucket in timeline["results"] + timeline["imprecise"]
        ),
        "map": {feature["id"] for feature in layer["features"]},
    }


def assert_every_format_agrees(client: Client, params: Params) -> list[int]:
    listed = json_ids(client, params)
    newest = Event.objects.filter(pk__in=listed).order_by("-updated_at", "-id")

    assert ids_in_every_format(client, params) == {
        "geojson": listed,
        "csv": listed,
        "atom": set(newest.values_list("pk", flat=True)[:FEED_SIZE]),
        "timeline": len(listed),
        "map": located_json_ids(client, params),
    }
    return listed


def test_every_filter_has_a_value(values: dict[str, Params]) -> None:
    assert sorted(values) == FILTERS


@pytest.mark.parametrize("name", FILTERS)
def test_each_filter_selects_the_same_events_in_every_format(
    editor_client: Client, values: dict[str, Params], name: str
) -> None:
    assert name in values, f"no test value for the filter {name!r}"

    listed = assert_every_format_agrees(editor_client, values[name])

    assert 0 < len(listed) < Event.objects.count(), "select some, not all"


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_pairs_of_filters_select_the_same_events_in_every_format(
    editor_client: Client, values: dict[str, Params], first: str, second: str
) -> None:
    assert_every_format_agrees(editor_client, {**values[first], **values[second]})


def test_the_docs_example_selects_the_same_events_in_every_format(
    editor_client: Client, values: dict[str, Params]
) -> None:
    params: Params = {"country": "IRQ", "type": ["remote_violence", "battle"]}
    assert query(params) == DOCS_EXAMPLE

    listed = assert_every_format_agrees(editor_client, params)

    assert len(listed) == 3


def ogc_ids(client: Client, params: Params) -> set[int]:
    """OGC API – Features items, following the `next` links, two at a time."""
    ids: set[int] = set()
    url = f"/ogc/collections/events/items?{query({**params, 'limit': '2'})}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        page = response.json()
        ids |= {feature["id"] for feature in page["features"]}
        url = next((ln["href"] for ln in page["links"] if ln["rel"] == "next"), None)
    return ids


# The event filters that OGC API – Features offers too, under its own names.
OGC_EQUIVALENTS: list[tuple[Params, Params]] = [
    ({"bbox": "44,33,45,34"}, {"bbox": "44,33,45,34"}),
    ({"type": "statement"}, {"event_type": "statement"}),
    ({"acled_id": "IRQ91001"}, {"acled_id": "IRQ91001"}),
    ({"ucdp_id": "554433"}, {"ucdp_id": "554433"}),
    ({"gdelt_id": "1100220033"}, {"gdelt_id": "1100220033"}),
    (
        {"bbox": "42,32,47,38", "type": "remote_violence"},
        {"bbox": "42,32,47,38", "event_type": "remote_violence"},
    ),
    ({"start": "2023", "end": "2023"}, {"datetime": "2023-01-01/2023-12-31"}),
    (
        {"start": "2023", "end": "2023", "date_rule": "starts"},
        {"datetime": "2023-01-01/2023-12-31", "date_rule": "starts"},
    ),
]


@pytest.mark.parametrize(("params", "ogc_params"), OGC_EQUIVALENTS)
def test_ogc_items_select_what_the_json_list_selects(
    editor_client: Client, values: dict[str, Params], params: Params, ogc_params
) -> None:
    listed = json_ids(editor_client, params)

    assert ogc_ids(editor_client, ogc_params) == set(listed)
    assert listed


@pytest.mark.parametrize("name", FILTERS)
def test_no_filter_makes_the_query_distinct(
    values: dict[str, Params], name: str, rf, editor
) -> None:
    request = rf.get(EVENTS, values[name])
    request.user = editor  # who sees every filter's whole query
    filterset = EventFilterSet(
        data=request.GET, queryset=Event.objects.all(), request=request
    )
    assert filterset.is_valid(), filterset.errors
    listed = filterset.qs.order_by("start_date", "id")

    for statement in (listed, features(listed, properties=FEED_PROPERTIES)):
        assert "DISTINCT" not in str(statement.query)
