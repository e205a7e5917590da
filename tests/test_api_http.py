"""HTTP done right: ETags and 304s, If-Match and 412s, CORS, throttling, HEAD."""

import json

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from events.models import Actor, Event
from tests.conftest import make_event

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


def signing() -> Event:
    return Event.objects.get(title__startswith="Iraq and Iran sign")


def patch(client: Client, url: str, data: dict, **headers):
    return client.patch(url, data, content_type="application/json", **headers)


# --- conditional GETs ------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        EVENTS,
        f"{EVENTS}?type=statement",
        f"{EVENTS}timeline/?interval=week",
        "/api/v1/actors/",
        "/api/v1/agreements/",
        "/api/v1/locations/?kind=country",
        "/api/v1/articles/",
        "/api/v1/",
        "/feeds/events/",
    ],
)
def test_a_matching_etag_gets_304(client: Client, url: str) -> None:
    first = client.get(url)
    etag = first["ETag"]

    again = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert first.status_code == 200
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


def test_event_detail_etag_carries_the_version(client: Client) -> None:
    event = signing()

    response = client.get(f"{EVENTS}{event.pk}/")

    assert response["ETag"].startswith(f'"{event.version}-')
    assert response["Cache-Control"] == "no-cache"


def test_a_changed_event_no_longer_matches_its_old_etag(client: Client) -> None:
    event = signing()
    url = f"{EVENTS}{event.pk}/"
    etag = client.get(url)["ETag"]
    event.summary = "Changed."
    event.save()

    response = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag


def test_an_embedded_change_changes_the_etag(client: Client) -> None:
    url = f"{EVENTS}{signing().pk}/"
    etag = client.get(url)["ETag"]
    Actor.objects.filter(name="Ali Shamkhani").update(name="Ali Shamkhani (ed.)")

    response = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200


@pytest.mark.parametrize("export", ["geojson", "csv", "acled"])
def test_streamed_exports_answer_304_until_the_data_changes(
    client: Client, export: str
) -> None:
    first = client.get(EVENTS, {"format": export})
    etag = first["ETag"]

    unchanged = client.get(EVENTS, {"format": export}, HTTP_IF_NONE_MATCH=etag)
    make_event(title="New", status=Event.Status.PUBLISHED)
    changed = client.get(EVENTS, {"format": export}, HTTP_IF_NONE_MATCH=etag)

    assert etag.startswith('W/"')
    assert unchanged.status_code == 304
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_export_etags_differ_per_query_and_reader(
    client: Client, editor_client: Client
) -> None:
    tags = {
        client.get(EVENTS, {"format": "geojson"})["ETag"],
        client.get(EVENTS, {"format": "geojson", "type": "protest"})["ETag"],
        client.get(EVENTS, {"format": "csv"})["ETag"],
        client.get(EVENTS, {"format": "acled"})["ETag"],
        editor_client.get(EVENTS, {"format": "geojson"})["ETag"],
    }

    assert len(tags) == 5


@pytest.mark.parametrize("params", [{}, {"format": "geojson"}, {"format": "csv"}])
def test_event_responses_vary_with_accept_and_cookie(client: Client, params) -> None:
    response = client.get(EVENTS, params)

    vary = {value.strip() for value in response["Vary"].split(",")}
    assert {"Accept", "Cookie"} <= vary


def test_head_answers_with_headers_only(client: Client) -> None:
    response = client.head(EVENTS, {"format": "geojson"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert b"".join(response.streaming_content) == b""
    assert response["ETag"]


# --- If-Match on writes ---------------------------------------------------------


def test_a_stale_if_match_is_refused_with_412(editor_client: Client) -> None:
    event = make_event(title="Shared")
    url = f"{EVENTS}{event.pk}/"
    read = editor_client.get(url)["ETag"]
    # Someone else saves in between.
    assert (
        patch(editor_client, url, {"summary": "Theirs"}, HTTP_IF_MATCH=read).status_code
        == 200
    )

    response = patch(editor_client, url, {"summary": "Mine"}, HTTP_IF_MATCH=read)

    assert response.status_code == 412
    assert response.json() == {
        "detail": f"The resource has changed since you read it (If-Match names "
        f"{read!r}). Fetch it again, reapply your change and send the new ETag."
    }
    event.refresh_from_db()
    assert event.summary == "Theirs"


def test_the_etag_a_write_returns_is_good_for_the_next_write(
    editor_client: Client,
) -> None:
    event = make_event(title="Chain")
    url = f"{EVENTS}{event.pk}/"
    etag = editor_client.get(url)["ETag"]

    for summary in ["one", "two", "three"]:
        response = patch(editor_client, url, {"summary": summary}, HTTP_IF_MATCH=etag)
        assert response.status_code == 200
        etag = response["ETag"]

    assert editor_client.get(url)["ETag"] == etag


@pytest.mark.parametrize(
    ("header", "status"),
    [
        ('"{version}"', 200),
        ('"{version}-0000"', 200),
        ("*", 200),
        ('"nonsense", "{version}"', 200),
        ('W/"{version}"', 412),
        ('"{stale}"', 412),
        ("garbage", 412),
    ],
)
def test_if_match_forms(editor_client: Client, header: str, status: int) -> None:
    event = make_event(title="Forms")
    value = header.format(version=event.version, stale=event.version + 5)

    response = patch(
        editor_client, f"{EVENTS}{event.pk}/", {"summary": "x"}, HTTP_IF_MATCH=value
    )

    assert response.status_code == status


def test_a_stale_version_in_the_body_is_a_409(editor_client: Client) -> None:
    event = make_event(title="Body version")
    url = f"{EVENTS}{event.pk}/"
    patch(editor_client, url, {"summary": "first"})

    response = patch(editor_client, url, {"summary": "second", "version": 1})

    assert response.status_code == 409
    assert response.json() == {
        "detail": "The event is at version 2; you sent version 1. Fetch it again "
        "and reapply your change."
    }


def test_a_stale_if_match_on_an_actor_is_refused(editor_client: Client) -> None:
    actor = Actor.objects.get(name="Peshmerga")
    url = f"/api/v1/actors/{actor.pk}/"
    read = editor_client.get(url)["ETag"]
    patch(editor_client, url, {"description": "Kurdish forces."})

    response = patch(editor_client, url, {"description": "Mine."}, HTTP_IF_MATCH=read)

    assert response.status_code == 412


def test_a_stale_if_match_on_delete_is_refused(db) -> None:
    admin = User.objects.create_superuser("root-test", password="pw-for-tests")
    client = Client()
    client.force_login(admin)
    event = make_event(title="Delete me")
    url = f"{EVENTS}{event.pk}/"
    read = client.get(url)["ETag"]
    patch(client, url, {"summary": "changed"})

    refused = client.delete(url, HTTP_IF_MATCH=read)
    deleted = client.delete(url, HTTP_IF_MATCH=client.get(url)["ETag"])

    assert refused.status_code == 412
    assert deleted.status_code == 204
    assert not Event.objects.filter(pk=event.pk).exists()


# --- CORS -----------------------------------------------------------------------


@pytest.mark.parametrize("url", [EVENTS, "/feeds/events/", "/api/v1/schema/"])
def test_reads_are_open_to_any_origin(client: Client, url: str) -> None:
    response = client.get(url, HTTP_ORIGIN="https://maps.example")

    assert response["Access-Control-Allow-Origin"] == "*"


def test_cors_exposes_the_caching_and_paging_headers(client: Client) -> None:
    response = client.get(EVENTS, HTTP_ORIGIN="https://maps.example")

    exposed = {h.strip() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"ETag", "Link"} <= exposed


def test_cors_preflight_offers_reads_only(client: Client) -> None:
    response = client.options(
        EVENTS,
        HTTP_ORIGIN="https://maps.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )

    methods = {m.strip() for m in response["Access-Control-Allow-Methods"].split(",")}
    assert methods == {"GET", "HEAD", "OPTIONS"}


def test_cors_stays_off_outside_the_api(client: Client) -> None:
    response = client.get("/", HTTP_ORIGIN="https://maps.example")

    assert "Access-Control-Allow-Origin" not in response


def test_cors_origins_are_configurable(client: Client, settings) -> None:
    settings.CORS_ALLOW_ALL_ORIGINS = False
    settings.CORS_ALLOWED_ORIGINS = ["https://maps.example"]

    allowed = client.get(EVENTS, HTTP_ORIGIN="https://maps.example")
    other = client.get(EVENTS, HTTP_ORIGIN="https://elsewhere.example")

    assert allowed["Access-Control-Allow-Origin"] == "https://maps.example"
    assert "Access-Control-Allow-Origin" not in other


# --- throttling -----------------------------------------------------------------


@pytest.fixture
def low_anonymous_rate(settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min"},
    }


@pytest.mark.usefixtures("low_anonymous_rate")
def test_anonymous_clients_are_throttled(client: Client) -> None:
    statuses = [client.get(EVENTS).status_code for _ in range(4)]
    response = client.get(EVENTS)

    assert statuses == [200, 200, 200, 429]
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["detail"].startswith("Request was throttled.")


@pytest.mark.usefixtures("low_anonymous_rate")
def test_the_feed_shares_the_anonymous_throttle(client: Client) -> None:
    for _ in range(3):
        client.get(EVENTS)

    response = client.get("/feeds/events/")

    assert response.status_code == 429
    assert response["Retry-After"]


@pytest.mark.usefixtures("low_anonymous_rate")
def test_signed_in_users_are_not_throttled(editor_client: Client) -> None:
    statuses = {editor_client.get(EVENTS).status_code for _ in range(6)}

    assert statuses == {200}


def test_error_bodies_are_json_whatever_the_format(client: Client) -> None:
    response = client.get(EVENTS, {"format": "csv", "bbox": "x,1,2,3"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"bbox": ["minLon 'x' is not a number."]}
