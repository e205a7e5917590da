"""Editors writing events, actors and articles through the API."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token

from events.models import Actor, Event, Location, SourceArticle
from tests.conftest import make_event

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reviewer_client(reviewer: User) -> Client:
    return client_for(reviewer)


@pytest.fixture
def article() -> SourceArticle:
    return SourceArticle.objects.get()


def new_event(article: SourceArticle, **overrides) -> dict:
    shamkhani = Actor.objects.get(name="Ali Shamkhani")
    iraq = Actor.objects.get(name="Iraq")
    fields = {
        "title": "Shamkhani visits Baghdad",
        "summary": "A visit.",
        "event_type": "meeting",
        "start_date": "2023-03-19",
        "location": Location.objects.get(code="IRQ").pk,
        "geo_precision": "country",
        "participants": [
            {"actor": shamkhani.pk, "role": "participant", "capacity": "Secretary"},
            {"actor": iraq.pk, "role": "participant"},
        ],
        "citations": [{"article": article.pk, "quote": "Baghdad, Iraq"}],
    }
    fields.update(overrides)
    return fields


def post(client: Client, url: str, data: dict, **headers):
    return client.post(url, data, content_type="application/json", **headers)


def patch(client: Client, url: str, data: dict, **headers):
    return client.patch(url, data, content_type="application/json", **headers)


# --- who may write ---------------------------------------------------------------


def test_anonymous_writes_are_told_to_authenticate(client: Client, article) -> None:
    response = post(client, EVENTS, new_event(article))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "detail": "Authentication credentials were not provided."
    }


def test_analysts_may_not_write(analyst: User, article) -> None:
    client = client_for(analyst)

    responses = [
        post(client, EVENTS, new_event(article)),
        post(client, "/api/v1/actors/", {"name": "X", "kind": "other"}),
        post(client, "/api/v1/articles/", {"title": "X", "body": "Text."}),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]


def test_session_writes_need_the_csrf_token(editor: User, article) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    response = post(client, EVENTS, new_event(article))

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_editor_creates_an_event_with_participants_and_citations(
    editor_client: Client, editor: User, article
) -> None:
    response = post(editor_client, EVENTS, new_event(article))

    assert response.status_code == 201, response.content
    data = response.json()
    event = Event.objects.get(pk=data["id"])
    assert response["Location"] == f"http://testserver{EVENTS}{event.pk}/"
    assert response["ETag"].startswith(f'"{event.version}-')
    assert (event.status, event.version) == ("draft", 1)
    assert (event.created_by, event.updated_by) == (editor, editor)
    assert event.end_date == datetime.date(2023, 3, 19)
    assert event.point == Location.objects.get(code="IRQ").point
    assert [(p["actor"]["name"], p["role"]) for p in data["participants"]] == [
        ("Ali Shamkhani", "participant"),
        ("Iraq", "participant"),
    ]
    citation = event.citations.get()
    assert article.body[citation.start : citation.end] == "Baghdad, Iraq"
    assert data["citations"][0]["quote"] == "Baghdad, Iraq"


def test_end_date_defaults_to_the_end_of_the_period(
    editor_client: Client, article
) -> None:
    response = post(
        editor_client,
        EVENTS,
        new_event(article, start_date="2022-11-01", date_precision="month"),
    )

    assert response.json()["end_date"] == "2022-11-30"


def test_editor_with_a_token_creates_an_event(editor: User, article) -> None:
    token = Token.objects.create(user=editor)

    response = post(
        Client(), EVENTS, new_event(article), HTTP_AUTHORIZATION=f"Token {token.key}"
    )

    assert response.status_code == 201
    assert Event.objects.get(pk=response.json()["id"]).created_by == editor


def test_validation_errors_name_each_field(editor_client: Client, article) -> None:
    response = post(
        editor_client,
        EVENTS,
        {
            "event_type": "picnic",
            "start_date": "2023-02-30",
            "location": 10**12,
            "point": "POINT(44 33)",
            "participants": [{"actor": 10**12, "role": "boss"}],
        },
    )

    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {
        "title",
        "event_type",
        "start_date",
        "location",
        "point",
        "participants",
    }
    assert errors["title"] == ["This field is required."]
    assert errors["point"] == [
        'Expected a GeoJSON Point: {"type": "Point", "coordinates": '
        "[longitude, latitude]}."
    ]
    assert set(errors["participants"]["0"]) == {"actor", "role"}


@pytest.mark.parametrize(
    ("overrides", "field", "status"),
    [
        ({"start_date": "2023-03-19", "end_date": "2023-03-18"}, "end_date", 400),
        ({"fatalities_low": 5, "fatalities_best": 2}, "fatalities_best", 400),
        ({"point": {"type": "Point", "coordinates": [200, 10]}}, "point", 400),
        ({"title": "x" * 301}, "title", 400),
        ({"title": "Null\x00byte"}, "title", 400),
        # A quote naming no passage of the article, an actor that is not stored.
        ({"citations": [{"article": 1, "quote": "Not in the text"}]}, "citations", 404),
        ({"location": 10**12}, "location", 404),
        # A new event cannot be retracted: only a published one can.
        ({"status": "retracted"}, "status", 409),
    ],
)
def test_invalid_events_are_refused_naming_the_field(
    editor_client: Client, article, overrides: dict, field: str, status: int
) -> None:
    response = post(editor_client, EVENTS, new_event(article, **overrides))

    assert response.status_code == status
    assert list(response.json()) == [field]


def test_duplicate_participant_roles_are_refused(editor_client: Client, article):
    data = new_event(article)
    data["participants"].append(dict(data["participants"][0]))

    response = post(editor_client, EVENTS, data)

    assert response.status_code == 409
    assert response.json() == {
        "participants": {"2": ["This actor already has this role."]}
    }


# --- updates and the workflow ------------------------------------------------------


def test_patch_changes_fields_bumps_version_and_records_the_editor(
    editor_client: Client, editor: User
) -> None:
    event = make_event(title="Before")
    before = event.version

    response = patch(editor_client, f"{EVENTS}{event.pk}/", {"title": "After"})

    assert response.status_code == 200, response.content
    event.refresh_from_db()
    assert (event.title, event.version, event.updated_by) == (
        "After",
        before + 1,
        editor,
    )
    assert response.json()["version"] == event.version
    assert response["ETag"].startswith(f'"{event.version}-')


def test_moving_an_event_moves_its_point(editor_client: Client) -> None:
    event = make_event()
    tehran = Location.objects.get(kind="city", name="Tehran")

    patch(editor_client, f"{EVENTS}{event.pk}/", {"location": tehran.pk})

    event.refresh_from_db()
    assert event.point == tehran.point


def test_put_replaces_participants(editor_client: Client, article) -> None:
    created = post(editor_client, EVENTS, new_event(article)).json()
    data = new_event(article, participants=[])

    response = editor_client.put(
        f"{EVENTS}{created['id']}/", data, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["participants"] == []


def test_editors_may_not_publish(editor_client: Client, article) -> None:
    created = post(editor_client, EVENTS, new_event(article)).json()

    response = patch(
        editor_client, f"{EVENTS}{created['id']}/", {"status": "published"}
    )

    assert response.status_code == 403
    assert response.json() == {
        "status": ["You may not move an event from draft to published."]
    }
    assert (
        post(editor_client, EVENTS, new_event(article, status="published")).status_code
        == 403
    )


def test_reviewers_publish_cited_events(reviewer_client: Client, article) -> None:
    created = post(reviewer_client, EVENTS, new_event(article)).json()

    response = patch(
        reviewer_client, f"{EVENTS}{created['id']}/", {"status": "published"}
    )

    assert response.status_code == 200
    event = Event.objects.get(pk=created["id"])
    assert event.status == "published"
    assert event.published_at is not None


def test_an_event_without_citations_cannot_be_published(
    reviewer_client: Client, article
) -> None:
    created = post(reviewer_client, EVENTS, new_event(article, citations=[])).json()

    response = patch(
        reviewer_client, f"{EVENTS}{created['id']}/", {"status": "published"}
    )

    assert response.status_code == 409
    assert response.json() == {
        "status": ["A published event needs at least one citation."]
    }
    assert Event.objects.get(pk=created["id"]).status == "draft"


def test_reviewers_retract_with_a_reason(reviewer_client: Client) -> None:
    event = Event.objects.get(title__startswith="Iraq and Iran sign")
    url = f"{EVENTS}{event.pk}/"

    refused = patch(reviewer_client, url, {"status": "retracted"})
    retracted = patch(
        reviewer_client,
        url,
        {"status": "retracted", "retraction_reason": "Duplicate report"},
    )

    assert refused.status_code == 409
    assert list(refused.json()) == ["retraction_reason"]
    assert retracted.status_code == 200
    assert retracted.json()["retraction_reason"] == "Duplicate report"


def test_editors_may_not_delete_events(editor_client: Client) -> None:
    event = make_event()

    response = editor_client.delete(f"{EVENTS}{event.pk}/")

    assert response.status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_places_and_agreements_are_read_only(editor_client: Client) -> None:
    for url in ["/api/v1/locations/", "/api/v1/agreements/"]:
        response = post(editor_client, url, {"name": "x"})
        assert response.status_code == 405
        assert response.json() == {"detail": 'Method "POST" not allowed.'}


# --- actors -----------------------------------------------------------------


def test_editor_creates_and_updates_an_actor(editor_client: Client) -> None:
    iraq = Actor.objects.get(name="Iraq")

    created = post(
        editor_client,
        "/api/v1/actors/",
        {"name": "Popular Mobilization Forces", "kind": "armed_group",
         "country": "irq", "parent": iraq.pk, "aliases": ["PMF", "Hashd"]},
    )  # fmt: skip
    url = f"/api/v1/actors/{created.json()['id']}/"
    changed = patch(
        editor_client, url, {"description": "Umbrella of militias."},
        HTTP_IF_MATCH=created["ETag"],
    )  # fmt: skip

    assert created.status_code == 201, created.content
    assert created["Location"] == f"http://testserver{url}"
    assert created.json()["country"] == "IRQ"
    assert changed.status_code == 200
    assert Actor.objects.get(name="Popular Mobilization Forces").description == (
        "Umbrella of militias."
    )


@pytest.mark.parametrize(
    ("data", "field", "status"),
    [
        ({"name": "iran", "kind": "state", "country": "IRN"}, "name", 409),
        ({"name": "X", "kind": "state", "country": "Iraq"}, "country", 400),
        ({"name": "X", "kind": "monarch"}, "kind", 400),
        ({"name": "X", "kind": "state", "wikidata_id": "796"}, "wikidata_id", 400),
        ({"name": "X", "kind": "state", "wikidata_id": " Q796"}, "wikidata_id", 400),
        ({"name": "X", "kind": "state", "parent": 10**15}, "parent", 404),
        # Text is a JSON string, not a number or boolean turned into one.
        ({"name": "X", "kind": "state", "description": 0}, "description", 400),
        ({"name": True, "kind": "state"}, "name", 400),
        ({"name": "X", "kind": "state", "aliases": [1]}, "aliases", 400),
    ],
)
def test_invalid_actors_are_refused_naming_the_field(
    editor_client: Client, data: dict, field: str, status: int
) -> None:
    response = post(editor_client, "/api/v1/actors/", data)

    assert response.status_code == status
    assert list(response.json()) == [field]


def test_an_actor_cannot_belong_to_itself_or_its_members(
    editor_client: Client,
) -> None:
    iran = Actor.objects.get(name="Iran")
    shamkhani = Actor.objects.get(name="Ali Shamkhani")

    response = patch(
        editor_client, f"/api/v1/actors/{iran.pk}/", {"parent": shamkhani.pk}
    )

    assert response.status_code == 400
    assert response.json() == {"parent": ["An actor cannot belong to itself."]}


# --- articles -----------------------------------------------------------------------


def test_editor_adds_an_article(editor_client: Client, editor: User) -> None:
    response = post(
        editor_client,
        "/api/v1/articles/",
        {"title": "Talks resume", "publisher": "Example News",
         "url": "https://news.example/talks", "published_on": "2024-01-02",
         "body": "Talks resumed in Baghdad on Monday."},
    )  # fmt: skip

    assert response.status_code == 201, response.content
    article = SourceArticle.objects.get(pk=response.json()["id"])
    assert response["Location"] == f"http://testserver/api/v1/articles/{article.pk}/"
    assert article.added_by == editor
    assert response.json()["content_hash"] == article.content_hash
    assert len(article.content_hash) == 64


def test_article_html_is_reduced_to_plain_text(editor_client: Client) -> None:
    response = post(
        editor_client,
        "/api/v1/articles/",
        {"title": "HTML", "body": "<p>First <b>para</b>.</p><script>x()</script>"
         "<p>Second.</p>"},
    )  # fmt: skip

    assert response.json()["body"] == "First para.\n\nSecond."


def test_a_duplicate_article_body_is_refused(editor_client: Client, article) -> None:
    response = post(
        editor_client,
        "/api/v1/articles/",
        {"title": "Copy", "body": "  " + article.body.upper() + "  "},
    )

    assert response.status_code == 409
    assert response.json() == {"body": [f"Article {article.pk} already has this text."]}


def test_a_duplicate_article_url_is_refused(editor_client: Client) -> None:
    first = {"title": "A", "url": "https://news.example/a", "body": "One text."}
    post(editor_client, "/api/v1/articles/", first)

    response = post(
        editor_client,
        "/api/v1/articles/",
        {**first, "body": "Another text."},
    )

    assert response.status_code == 409
    assert list(response.json()) == ["url"]


def test_a_cited_article_text_cannot_change(editor_client: Client, article) -> None:
    response = patch(
        editor_client, f"/api/v1/articles/{article.pk}/", {"body": "Rewritten."}
    )

    assert response.status_code == 400
    assert response.json() == {
        "body": ["Citations quote this text by position, so it cannot change."]
    }


def test_a_cited_article_keeps_its_text_when_sent_back_unchanged(
    editor_client: Client, article
) -> None:
    response = patch(
        editor_client,
        f"/api/v1/articles/{article.pk}/",
        {"title": article.title, "body": article.body, "state": "curated"},
    )

    assert response.status_code == 200, response.content
    article.refresh_from_db()
    from events.demo import SEED_PATH

    assert article.body == SEED_PATH.read_text(encoding="utf-8")
