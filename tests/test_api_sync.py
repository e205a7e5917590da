"""Incremental sync with `updated_since`: changes as records, removals as tombstones."""

import datetime
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from events import sync as sync_module
from events.models import Event
from tests.conftest import make_event

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def sync(client: Client, since: datetime.datetime, **params) -> dict:
    response = client.get(EVENTS, {"updated_since": since.isoformat(), **params})
    assert response.status_code == 200, response.content
    return response.json()


def tombstone_changes(data: dict) -> dict[int, tuple[str, str]]:
    return {t["id"]: (t["change"], t["retraction_reason"]) for t in data["tombstones"]}


def published(**overrides) -> Event:
    return make_event(status=Event.Status.PUBLISHED, **overrides)


def test_a_retraction_reaches_readers_as_a_tombstone_with_its_reason(
    client: Client,
) -> None:
    event = published(title="To retract")
    since = now()
    event.status = Event.Status.RETRACTED
    event.retraction_reason = "The source withdrew the report."
    event.save()

    data = sync(client, since)

    assert data["results"] == []
    assert tombstone_changes(data) == {
        event.pk: ("retracted", "The source withdrew the report.")
    }
    assert set(data["tombstones"][0]) == {
        "id",
        "change",
        "retraction_reason",
        "changed_at",
    }


def test_a_deletion_reaches_readers_as_a_tombstone(client: Client) -> None:
    event = published(title="To delete")
    pk = event.pk
    since = now()
    event.delete()

    assert tombstone_changes(sync(client, since)) == {pk: ("deleted", "")}


def test_unpublishing_reaches_readers_as_a_tombstone(client: Client) -> None:
    event = published(title="Back to draft")
    since = now()
    event.status = Event.Status.DRAFT
    event.save()

    assert tombstone_changes(sync(client, since)) == {event.pk: ("unpublished", "")}


def test_drafts_never_published_leave_no_tombstone_for_readers(
    client: Client, analyst, editor_client: Client
) -> None:
    draft = make_event(title="Draft only")
    pk = draft.pk
    since = now()
    draft.delete()
    analyst_client = Client()
    analyst_client.force_login(analyst)

    assert sync(client, since)["tombstones"] == []
    assert sync(analyst_client, since)["tombstones"] == []
    # Editors saw the draft, so they learn it is gone.
    assert tombstone_changes(sync(editor_client, since)) == {pk: ("deleted", "")}


def test_editors_see_retracted_events_as_records_not_tombstones(
    editor_client: Client,
) -> None:
    event = published(title="Retracted for editors")
    since = now()
    event.status = Event.Status.RETRACTED
    event.retraction_reason = "Wrong"
    event.save()

    data = sync(editor_client, since)

    assert [(e["id"], e["status"]) for e in data["results"]] == [
        (event.pk, "retracted")
    ]
    assert data["tombstones"] == []


def test_changed_events_come_back_as_records(client: Client) -> None:
    unchanged = published(title="Unchanged")
    changed = published(title="Changed")
    since = now()
    changed.title = "Changed again"
    changed.save()

    data = sync(client, since)

    assert [e["title"] for e in data["results"]] == ["Changed again"]
    assert unchanged.pk not in tombstone_changes(data)


def test_an_event_leaving_the_filters_is_a_tombstone(client: Client) -> None:
    leaving = published(
        title="Leaves the box", location=None, point=Point(44.4, 33.3, srid=4326)
    )
    staying = published(
        title="Stays in the box", location=None, point=Point(44.5, 33.4, srid=4326)
    )
    since = now()
    leaving.point = Point(51.4, 35.7, srid=4326)
    leaving.save()
    staying.summary = "Updated."
    staying.save()

    data = sync(client, since, bbox="44,33,45,34")

    assert [e["title"] for e in data["results"]] == ["Stays in the box"]
    assert tombstone_changes(data) == {leaving.pk: ("no_longer_matches", "")}


def test_tombstones_are_found_by_anti_joins(client: Client) -> None:
    # NOT IN (subquery) hashes every visible event, or past work_mem scans
    # them again per row: 7 s at 100,000 events with ?start=2023.
    since = now()
    published(title="Changed")
    with CaptureQueriesContext(connection) as queries:
        sync(client, since, bbox="44,33,45,34")

    statements = [q["sql"] for q in queries.captured_queries]
    assert [sql for sql in statements if re.search(r"NOT \(.* IN \(SELECT", sql)] == []
    # The removals' anti-join.
    assert sum("NOT (EXISTS" in sql for sql in statements) == 1
    # Whether each changed event still matches: the filters tested on its
    # own row, not a semi-join that PostgreSQL may answer by hashing every
    # matching event first.
    window = [sql for sql in statements if f"LIMIT {sync_module.WINDOW}" in sql]
    assert len(window) == 1
    assert "EXISTS" not in window[0]
    assert "&&" in window[0]  # the box, on the changed event's point


def test_whether_an_event_still_matches_is_whether_the_filters_select_it() -> None:
    events = Event.objects.published()
    box = Polygon.from_bbox((44, 33, 45, 34))
    box.srid = 4326
    for matching in [
        events.filter(start_date__gte=datetime.date(2023, 1, 1)),
        events.filter(point__bboverlaps=box),
        # A condition on another table's row: a semi-join.
        events.filter(location__country_code="IRQ"),
        events.none(),
    ]:
        tested = events.annotate(
            matches=sync_module.still_matches(matching)
        ).values_list("pk", "matches")
        selected = set(matching.values_list("pk", flat=True))
        assert {pk for pk, matches in tested if matches} == selected
        assert len(tested) > len(selected)


def test_tombstones_come_on_the_first_page_only(client: Client) -> None:
    since = now()
    for n in range(3):
        published(title=f"New {n}")
    gone = published(title="Gone")
    gone_pk = gone.pk
    gone.delete()

    first = sync(client, since, page_size=2)
    second = client.get(first["next"]).json()

    assert gone_pk in tombstone_changes(first)
    assert "tombstones" not in second
    assert len(first["results"]) + len(second["results"]) == 3


@pytest.mark.parametrize("export", ["json", "geojson"])
def test_tombstones_of_many_changed_events_come_in_pages(
    client: Client, monkeypatch, export: str
) -> None:
    # Each page examines WINDOW changed events: 7 changed, 5 of them leaving
    # the box, make pages of 2, 2, 2 and 1 examined.
    monkeypatch.setattr(sync_module, "WINDOW", 2)
    inside, outside = Point(44.4, 33.3, srid=4326), Point(51.4, 35.7, srid=4326)
    events = [published(title=f"E{n}", location=None, point=inside) for n in range(7)]
    since = now()
    for n, event in enumerate(events):
        event.point = outside if n not in (2, 3) else inside
        event.save()
    leaving = {event.pk for n, event in enumerate(events) if n not in (2, 3)}

    params = {"updated_since": since.isoformat(), "bbox": "44,33,45,34"}
    if export == "geojson":
        response = client.get(EVENTS, {**params, "format": export})
        first = json.loads(b"".join(response.streaming_content))
    else:
        first = client.get(EVENTS, params).json()
    pages = [first["tombstones"]]
    url = first["tombstones_next"]
    while url:
        page = client.get(url).json()
        pages.append(page["tombstones"])
        url = page["tombstones_next"]

    assert [len(page) for page in pages] == [2, 0, 2, 1]
    found = [tombstone["id"] for page in pages for tombstone in page]
    assert sorted(found) == sorted(leaving)
    assert {t["change"] for page in pages for t in page} == {"no_longer_matches"}


def test_a_tombstones_link_serves_its_own_query_only(
    client: Client, monkeypatch
) -> None:
    monkeypatch.setattr(sync_module, "WINDOW", 1)
    event = published(title="Moves", location=None, point=Point(44.4, 33.3, srid=4326))
    since = now()
    event.point = Point(51.4, 35.7, srid=4326)
    event.save()
    params = {"updated_since": since.isoformat(), "bbox": "44,33,45,34"}
    link = client.get(EVENTS, params).json()["tombstones_next"]
    after = parse_qs(urlsplit(link).query)["after"][0]

    def tombstones(**query: str) -> int:
        return client.get(f"{EVENTS}tombstones/", query).status_code

    assert tombstones(**params, after=after) == 200
    assert tombstones(**{**params, "bbox": "40,30,41,31"}, after=after) == 404
    assert tombstones(**params, after="x" + after) == 404
    assert tombstones(bbox="44,33,45,34") == 400


def test_without_updated_since_there_are_no_tombstones(client: Client) -> None:
    assert "tombstones" not in client.get(EVENTS).json()


def test_geojson_sync_carries_tombstones_as_a_foreign_member(client: Client) -> None:
    event = published(title="Mapped then retracted")
    since = now()
    event.status = Event.Status.RETRACTED
    event.retraction_reason = "Misplaced"
    event.save()

    response = client.get(
        EVENTS, {"format": "geojson", "updated_since": since.isoformat()}
    )
    collection = json.loads(b"".join(response.streaming_content))

    assert collection["features"] == []
    json_page = sync(client, since)
    assert collection["tombstones"] == json_page["tombstones"]
    assert [(t["id"], t["change"]) for t in collection["tombstones"]] == [
        (event.pk, "retracted")
    ]


def test_updated_since_accepts_an_unencoded_plus(client: Client) -> None:
    response = client.get(f"{EVENTS}?updated_since=2024-01-01T00:00:00+00:00")

    assert response.status_code == 200


def test_a_client_following_the_protocol_stays_in_sync(client: Client) -> None:
    """Full download, then changes of every kind, then one incremental sync."""
    held: dict[int, str] = {}
    url = f"{EVENTS}?page_size=4"
    while url:
        data = client.get(url).json()
        held.update({e["id"]: e["title"] for e in data["results"]})
        url = data["next"]
    mark = now()

    edited = Event.objects.get(title__startswith="Iraq and Iran sign")
    edited.title = "Signing (corrected)"
    edited.save()
    retracted = Event.objects.get(title__startswith="Iran detains")
    retracted.status = Event.Status.RETRACTED
    retracted.retraction_reason = "Unverified"
    retracted.save()
    Event.objects.get(title__startswith="Protests in Iran").delete()
    published(title="Brand new")
    make_event(title="Draft, invisible")

    data = sync(client, mark, page_size=500)
    for tombstone in data["tombstones"]:
        held.pop(tombstone["id"], None)
    held.update({e["id"]: e["title"] for e in data["results"]})

    assert held == dict(Event.objects.published().values_list("pk", "title"))
