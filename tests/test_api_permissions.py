"""
Who sees what: drafts, events in review and retracted events never reach
anonymous visitors or analysts, through any endpoint, format or count;
editors and reviewers see every status.
"""

import csv
import datetime
import io
import json
import re

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token

from events.models import Agreement, Event, Location
from tests.conftest import make_event, make_user

pytestmark = pytest.mark.django_db

D = datetime.date
EVENTS = "/api/v1/events/"
SECRET = "Xyzzy"
HIDDEN = [Event.Status.DRAFT, Event.Status.IN_REVIEW, Event.Status.RETRACTED]


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


@pytest.fixture
def hidden_events(db) -> list[Event]:
    """One event in each unpublished status, placed and dated to match filters."""
    return [
        make_event(
            title=f"{SECRET} {status} event",
            summary="Xyzzy border agreement",
            status=status,
            retraction_reason="Wrong" if status == Event.Status.RETRACTED else "",
            start_date=D(2023, 3, 19),
            end_date=D(2023, 3, 19),
            location=Location.objects.get(code="IQ-KR"),
            geo_precision="region",
        )
        for status in HIDDEN
    ]


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture(params=["anonymous", "analyst"])
def reader(request) -> Client:
    """A reader who may see published events only."""
    if request.param == "anonymous":
        return client_for(None)
    return client_for(request.getfixturevalue("analyst"))


def content(response) -> str:
    data = (
        b"".join(response.streaming_content)
        if response.streaming
        else (response.content)
    )
    return data.decode()


READER_URLS = [
    EVENTS,
    f"{EVENTS}?q=xyzzy",
    f"{EVENTS}?status=draft&status=in_review&status=retracted",
    f"{EVENTS}?location=%(region)s",
    f"{EVENTS}?format=geojson",
    f"{EVENTS}?format=csv",
    f"{EVENTS}?format=geojson&q=xyzzy",
    f"{EVENTS}?updated_since=2000-01-01T00:00:00Z",
    f"{EVENTS}timeline/?interval=day",
    "/feeds/events/",
    "/feeds/events/?q=xyzzy",
]


@pytest.mark.parametrize("url", READER_URLS)
def test_unpublished_events_never_reach_readers(
    reader: Client, hidden_events: list[Event], url: str
) -> None:
    region = Location.objects.get(code="IQ-KR").pk

    response = reader.get(url % {"region": region})

    assert response.status_code == 200
    text = content(response)
    assert SECRET not in text
    assert not event_ids(response, text) & {event.pk for event in hidden_events}


def event_ids(response, text: str) -> set[int]:
    """Every event id a response names, whatever its format."""
    kind = response["Content-Type"]
    if kind.startswith("text/csv"):
        return {int(row["event_id"]) for row in csv.DictReader(io.StringIO(text))}
    if kind.startswith("application/atom+xml"):
        return {int(i) for i in re.findall(r"/events/(\d+)/", text)}
    data = json.loads(text)
    items = data.get("results", []) + data.get("features", [])
    items += data.get("tombstones", [])
    return {item["id"] for item in items if "id" in item}


def test_readers_get_404_for_an_unpublished_event(
    reader: Client, hidden_events: list[Event]
) -> None:
    for event in hidden_events:
        for params in ({}, {"format": "geojson"}):
            response = reader.get(f"{EVENTS}{event.pk}/", params)
            assert response.status_code == 404
            assert response.json() == {"detail": "No Event matches the given query."}


def test_timeline_counts_only_published_events_for_readers(
    reader: Client, hidden_events: list[Event]
) -> None:
    data = reader.get(f"{EVENTS}timeline/", {"interval": "year"}).json()

    assert sum(row["count"] for row in data["results"]) == (
        Event.objects.published().count()
    )


def test_agreement_hides_a_signing_event_readers_cannot_see(
    reader: Client, hidden_events: list[Event]
) -> None:
    agreement = Agreement.objects.get()
    agreement.signing_event = hidden_events[0]
    agreement.save()

    data = reader.get(f"/api/v1/agreements/{agreement.pk}/").json()

    assert data["signing_event"] is None


def test_csv_rows_are_published_events_only(
    reader: Client, hidden_events: list[Event]
) -> None:
    rows = list(
        csv.DictReader(io.StringIO(content(reader.get(EVENTS, {"format": "csv"}))))
    )

    assert {row["status"] for row in rows} == {"published"}
    assert len(rows) == Event.objects.published().count()


@pytest.mark.parametrize("persona", ["editor", "reviewer"])
def test_editors_and_reviewers_see_every_status(
    hidden_events: list[Event], persona: str, request
) -> None:
    client = client_for(request.getfixturevalue(persona))

    listed = client.get(EVENTS, {"page_size": 500}).json()["results"]
    drafts = client.get(EVENTS, {"status": "draft"}).json()["results"]
    collection = json.loads(content(client.get(EVENTS, {"format": "geojson"})))

    assert {e["status"] for e in listed} == {
        "draft",
        "in_review",
        "published",
        "retracted",
    }
    assert [e["title"] for e in drafts] == [f"{SECRET} draft event"]
    assert len(collection["features"]) == Event.objects.count()
    for event in hidden_events:
        assert client.get(f"{EVENTS}{event.pk}/").status_code == 200


def test_editor_timeline_and_feed_include_drafts(
    editor_client: Client, hidden_events: list[Event]
) -> None:
    timeline = editor_client.get(f"{EVENTS}timeline/", {"interval": "year"}).json()
    feed = editor_client.get("/feeds/events/").content.decode()

    assert sum(row["count"] for row in timeline["results"]) == Event.objects.count()
    assert f"{SECRET} draft event" in feed


def test_token_authentication_identifies_editors(hidden_events: list[Event]) -> None:
    editor = make_user("token-editor", "Editor")
    analyst = make_user("token-analyst", "Analyst")

    def statuses(user: User) -> set[str]:
        token = Token.objects.create(user=user)
        response = Client().get(EVENTS, HTTP_AUTHORIZATION=f"Token {token.key}")
        return {e["status"] for e in response.json()["results"]}

    assert "draft" in statuses(editor)
    assert statuses(analyst) == {"published"}


def test_a_bad_token_is_refused(db) -> None:
    response = Client().get(EVENTS, HTTP_AUTHORIZATION="Token not-a-real-token")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_an_unpublished_event_leaves_no_trace_in_json_page_links(
    reader: Client, hidden_events: list[Event]
) -> None:
    # Pages end where published events end: no cursor points past a draft.
    seen, url = [], f"{EVENTS}?page_size=1"
    while url:
        data = reader.get(url).json()
        seen += [e["id"] for e in data["results"]]
        url = data["next"]

    assert set(seen) == set(Event.objects.published().values_list("pk", flat=True))
