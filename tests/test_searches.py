"""
Saved searches through the API and the pages: each user's own, for every
role; filters checked as the events' list checks them, hostile values
refused with an error naming the filter; the timeline's one button; the
private feed; and what a search matches (tests/test_searches_alerts.py
sends it, with a real worker).
"""

import json

import feedparser
import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.test import Client
from django.utils import timezone

from events import workflow
from events.models import Actor, Event, FeedToken, SourceArticle
from searches import alerts
from searches.models import Delivery, SavedSearch
from tests.conftest import PERSONAS, make_event, make_user, persona_client
from tests.test_fuzz_every_path import HOSTILE

pytestmark = pytest.mark.django_db

API = "/api/v1/searches/"


def post(client: Client, body: dict, path: str = API, method: str = "post"):
    return getattr(client, method)(
        path, json.dumps(body), content_type="application/json"
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def someone_elses() -> SavedSearch:
    owner = make_user("other-analyst", "Analyst")
    return SavedSearch.objects.create(
        owner=owner, name="Not yours", filters={"type": ["battle"]}
    )


# --- every role -----------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_user_has_their_own_searches_and_no_one_elses(
    persona: str, someone_elses: SavedSearch
) -> None:
    client, user = persona_client(persona)
    other = f"{API}{someone_elses.pk}/"
    pages = [
        "/searches/",
        "/searches/new/",
        f"/searches/{someone_elses.pk}/",
        f"/searches/{someone_elses.pk}/delete/",
    ]
    if isinstance(user, AnonymousUser):
        assert client.get(API).status_code == 401
        assert post(client, {"name": "Mine"}).status_code == 401
        assert client.get(other).status_code == 401
        assert client.delete(other).status_code == 401
        for page in pages:
            response = client.get(page)
            assert response.status_code == 302
            assert response["Location"].startswith("/admin/login/")
        assert client.post(f"/searches/{someone_elses.pk}/delete/").status_code == 302
        assert SavedSearch.objects.filter(pk=someone_elses.pk).exists()
        return

    made = post(client, {"name": "Mine", "filters": {"type": "battle"}})
    assert made.status_code == 201, made.content
    mine = made.json()
    assert mine["filters"] == {"type": ["battle"]}
    assert made["Location"].endswith(f"{API}{mine['id']}/")
    listed = client.get(API).json()["results"]
    assert [search["name"] for search in listed] == ["Mine"]
    # Another's search is as absent as one that never was, whoever asks.
    assert client.get(other).status_code == 404
    assert post(client, {"name": "Taken"}, other, "patch").status_code == 404
    assert client.delete(other).status_code == 404
    assert client.get(f"/searches/{someone_elses.pk}/").status_code == 404
    assert client.post(f"/searches/{someone_elses.pk}/delete/").status_code == 404
    assert client.get(f"/searches/{someone_elses.pk}/delete/").status_code == 404
    someone_elses.refresh_from_db()
    assert someone_elses.name == "Not yours"
    # Their own: read, changed, listed on the page, deleted.
    path = f"{API}{mine['id']}/"
    assert client.get(path).json()["name"] == "Mine"
    changed = post(client, {"name": "Mine, renamed"}, path, "patch")
    assert changed.status_code == 200 and changed.json()["filters"] == {
        "type": ["battle"]
    }
    page = client.get("/searches/")
    assert page.status_code == 200
    assert "Mine, renamed" in page.content.decode()
    assert "Not yours" not in page.content.decode()
    assert client.delete(path).status_code == 204
    assert not SavedSearch.objects.filter(owner=user).exists()


# --- the filters ----------------------------------------------------------------


def test_filters_are_checked_as_the_events_list_checks_them(analyst: User) -> None:
    client = signed_in(analyst)
    actor = Actor.objects.order_by("pk").first()
    good = {
        "start": "2022-11",
        "end": "2022-11-14",
        "type": ["battle", "protest"],
        "actor": [actor.pk],
        "country": "IRQ",
        "q": "border",
        "bbox": "42,34,47,38",
        "near": "36.19,44.01,50",
        "awaiting_review": False,
        "role": "",
    }
    response = post(client, {"name": "All of them", "filters": good})
    assert response.status_code == 201, response.content
    assert response.json()["filters"] == {
        "start": ["2022-11"],
        "end": ["2022-11-14"],
        "type": ["battle", "protest"],
        "actor": [str(actor.pk)],
        "country": ["IRQ"],
        "q": ["border"],
        "bbox": ["42,34,47,38"],
        "near": ["36.19,44.01,50"],
        "awaiting_review": ["false"],
    }
    # The same as the events' list selects.
    search = SavedSearch.objects.get(pk=response.json()["id"])
    listed = client.get("/api/v1/events/?" + search.query().urlencode())
    assert listed.status_code == 200


@pytest.mark.parametrize(
    ("filters", "field", "status"),
    [
        ({"start": "2023-02-30"}, "start", 400),
        ({"start": "2023", "end": "2022"}, "end", 400),
        ({"type": ["battle", "skirmish"]}, "type", 400),
        ({"actor": ["-1"]}, "actor", 400),
        ({"actor": [999999999]}, "actor", 404),
        ({"bbox": "1e999,0,1,1"}, "bbox", 400),
        ({"near": "NaN,0,5"}, "near", 400),
        ({"country": "' OR 1=1 --"}, "country", 400),
        ({"q": "a\x00b"}, "q", 400),
        ({"q": "x" * 5000}, "q", 400),
        ({"updated_since": "2024-01-01"}, "updated_since", 400),
        ({"sortby": "x"}, "sortby", 400),
        ({"type": {"nested": "object"}}, "type", 400),
        ({"type": [["battle"]]}, "type", 400),
        ({"start": 1.5}, "start", 400),
        ({"actor": [str(n) for n in range(1, 200)]}, "actor", 400),
    ],
)
def test_hostile_filters_are_refused_naming_the_filter(
    analyst: User, filters: dict, field: str, status: int
) -> None:
    response = post(signed_in(analyst), {"name": "Hostile", "filters": filters})
    assert response.status_code == status, response.content
    errors = response.json()
    assert set(errors) == {"filters"}
    assert field in errors["filters"], errors
    assert all(isinstance(m, str) and m for m in errors["filters"][field])
    assert not SavedSearch.objects.filter(owner=analyst).exists()


@pytest.mark.parametrize("name", sorted(alerts.kept_filters()))
def test_every_hostile_value_for_every_filter_is_kept_or_refused_by_name(
    analyst: User, name: str
) -> None:
    client = signed_in(analyst)
    for value in HOSTILE:
        response = post(
            client, {"name": f"Try {value!r}"[:200], "filters": {name: value}}
        )
        assert response.status_code in (201, 400, 404), (value, response.content)
        if response.status_code == 201:
            # Kept only what the events' list itself takes.
            kept = response.json()["filters"].get(name, [])
            listed = client.get("/api/v1/events/", {name: kept} if kept else {})
            assert listed.status_code == 200, (value, listed.content)
        else:
            assert name in response.json()["filters"], (value, response.content)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"filters": {}}, "name"),
        ({"name": "", "filters": {}}, "name"),
        ({"name": ["x"], "filters": {}}, "name"),
        ({"name": "\ud800", "filters": {}}, "name"),
        ({"name": "x", "filters": "type=battle"}, "filters"),
        ({"name": "x", "filters": ["type"]}, "filters"),
        ({"name": "x", "digest": "weekly"}, "digest"),
        ({"name": "x", "webhook_url": "ftp://example.org/hook"}, "webhook_url"),
        ({"name": "x", "webhook_url": "javascript:alert(1)"}, "webhook_url"),
    ],
)
def test_other_bad_fields_are_refused_naming_them(
    analyst: User, body: dict, field: str
) -> None:
    response = post(signed_in(analyst), body)
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_a_digest_without_an_address_to_send_it_to_is_a_conflict(
    analyst: User,
) -> None:
    client = signed_in(analyst)
    response = post(client, {"name": "x", "digest": "daily"})
    assert response.status_code == 409
    assert "e-mail address" in response.json()["digest"][0]
    analyst.email = "analyst@example.org"
    analyst.save()
    assert post(client, {"name": "x", "digest": "daily"}).status_code == 201


def test_a_second_search_of_the_same_name_is_a_conflict(analyst: User) -> None:
    client = signed_in(analyst)
    assert post(client, {"name": "Battles"}).status_code == 201
    response = post(client, {"name": "Battles"})
    assert response.status_code == 409
    assert "name" in response.json()


def test_the_secret_and_feed_are_the_owners(analyst: User) -> None:
    client = signed_in(analyst)
    body = post(
        client,
        {"name": "Hooked", "webhook_url": "https://hooks.example/zagros"},
    ).json()
    assert len(body["webhook_secret"]) >= 40
    key = FeedToken.objects.get(user=analyst).key
    assert body["feed_url"] == f"http://testserver/feeds/searches/{key}/{body['id']}/"
    # The secret is not the client's to set.
    changed = post(client, {"webhook_secret": "mine"}, f"{API}{body['id']}/", "patch")
    assert changed.json()["webhook_secret"] == body["webhook_secret"]


# --- the pages -------------------------------------------------------------------


def test_the_timeline_saves_its_filters_with_one_button(analyst: User) -> None:
    client = signed_in(analyst)
    timeline = client.get("/timeline/?type=battle&country=IRQ&after=2022-01-01.5")
    page = timeline.content.decode()
    assert 'id="save-search"' in page
    response = client.post(
        "/searches/new/",
        {"from_page": "1", "query": timeline.context["query"], "name": ""},
    )
    search = SavedSearch.objects.get(owner=analyst)
    assert response.status_code == 302
    assert response["Location"] == f"/searches/{search.pk}/"
    assert search.filters == {"country": ["IRQ"], "type": ["battle"]}
    assert search.name == "country IRQ; type battle"
    # Again: a second search, its name told apart.
    client.post(
        "/searches/new/", {"from_page": "1", "query": "type=battle&country=IRQ"}
    )
    assert sorted(SavedSearch.objects.values_list("name", flat=True)) == [
        "country IRQ; type battle",
        "country IRQ; type battle (2)",
    ]
    # Anonymous readers have no button.
    assert 'id="save-search"' not in Client().get("/timeline/").content.decode()


def test_a_timeline_with_a_bad_filter_saves_nothing(analyst: User) -> None:
    client = signed_in(analyst)
    response = client.post(
        "/searches/new/", {"from_page": "1", "query": "start=2023-02-30"}, follow=True
    )
    assert not SavedSearch.objects.exists()
    assert "start:" in response.content.decode()


def test_editing_a_search_on_its_page(analyst: User) -> None:
    client = signed_in(analyst)
    search = SavedSearch.objects.create(owner=analyst, name="Edit me")
    secret = search.webhook_secret
    page = client.get(f"/searches/{search.pk}/").content.decode()
    assert secret in page and "/feeds/searches/" in page
    bad = client.post(
        f"/searches/{search.pk}/",
        {"name": "Edited", "query": "start=nonsense", "digest": "daily"},
    )
    assert bad.status_code == 200
    assert bad.context["form"].errors.keys() == {"query", "digest"}
    search.refresh_from_db()
    assert search.name == "Edit me"
    good = client.post(
        f"/searches/{search.pk}/",
        {
            "name": "Edited",
            "query": "type=battle&type=riot&after=x",
            "digest": "off",
            "webhook_url": "https://hooks.example/z",
            "new_secret": "1",
        },
    )
    assert good.status_code == 302
    search.refresh_from_db()
    assert search.name == "Edited"
    assert search.filters == {"type": ["battle", "riot"]}
    assert search.webhook_url == "https://hooks.example/z"
    assert search.webhook_secret != secret
    deleted = client.post(f"/searches/{search.pk}/delete/")
    assert deleted.status_code == 302 and not SavedSearch.objects.exists()


def test_new_feed_addresses_retire_the_old_ones(analyst: User) -> None:
    client = signed_in(analyst)
    search = SavedSearch.objects.create(owner=analyst, name="Feed")
    old = FeedToken.objects.create(user=analyst).key
    assert Client().get(search.feed_path(old)).status_code == 200
    client.post("/searches/feed-address/")
    new = FeedToken.objects.get(user=analyst).key
    assert new != old
    assert Client().get(search.feed_path(old)).status_code == 404
    assert Client().get(search.feed_path(new)).status_code == 200


# --- the feed and what a search matches --------------------------------------------


def published(title: str, **fields) -> Event:
    reviewer = User.objects.filter(username="matcher-reviewer").first() or make_user(
        "matcher-reviewer", "Reviewer"
    )
    event = make_event(title=title, **fields)
    event.cite(SourceArticle.objects.first(), "on Sunday")
    outcome = workflow.publish(events=[event], user=reviewer)
    assert outcome.done
    event.refresh_from_db()
    return event


def test_the_feed_is_the_owners_alone(analyst: User) -> None:
    search = SavedSearch.objects.create(
        owner=analyst, name="Protests", filters={"type": ["protest"]}
    )
    protest = published("A protest in Basra", event_type=Event.Type.PROTEST)
    published("A statement", event_type=Event.Type.STATEMENT)
    key = FeedToken.objects.create(user=analyst).key
    response = Client().get(search.feed_path(key))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    assert response["Referrer-Policy"] == "no-referrer"
    feed = feedparser.parse(response.content)
    assert feed.feed.title == "Zagros: Protests"
    titles = [entry.title for entry in feed.entries]
    assert protest.title in titles and "A statement" not in titles
    assert all(entry.category == "Protest" for entry in feed.entries)
    # Another's key, a key that is no key, a search that is not theirs.
    other_key = FeedToken.objects.create(user=make_user("someone", "Analyst")).key
    for path in [
        search.feed_path(other_key),
        search.feed_path("x" * 43),
        f"/feeds/searches/{key}/{search.pk + 1000}/",
    ]:
        assert Client().get(path).status_code == 404
    assert Client().post(search.feed_path(key)).status_code == 405


def test_a_search_matches_each_new_event_once_as_its_owner_sees_it(
    analyst: User, editor: User
) -> None:
    before = published("Published before", event_type=Event.Type.BATTLE)
    for user in (analyst, editor):
        SavedSearch.objects.create(
            owner=user,
            name="Battles",
            filters={"type": ["battle"]},
            watching_since=timezone.now(),
        )
    battle = published("A battle", event_type=Event.Type.BATTLE)
    make_event(title="A draft battle", event_type=Event.Type.BATTLE)
    published("A riot", event_type=Event.Type.RIOT)
    assert alerts.match() == 2
    assert alerts.match() == 0
    assert set(Delivery.objects.values_list("search__owner__username", "event_id")) == {
        (analyst.username, battle.pk),
        (editor.username, battle.pk),
    }
    assert before.pk not in Delivery.objects.values_list("event_id", flat=True)
    # Retracted and published again: still delivered once.
    Event.objects.filter(pk=battle.pk).update(updated_at=timezone.now())
    assert alerts.match() == 0
    # A search of an inactive user matches nothing.
    analyst.is_active = False
    analyst.save()
    later = published("A later battle", event_type=Event.Type.BATTLE)
    assert alerts.match() == 1
    assert Delivery.objects.filter(event=later).get().search.owner == editor


def test_changed_filters_watch_from_the_change(analyst: User) -> None:
    search = SavedSearch.objects.create(
        owner=analyst, name="Riots", filters={"type": ["riot"]}
    )
    battle = published("A battle before the change", event_type=Event.Type.BATTLE)
    assert alerts.match() == 0
    search.refresh_from_db()
    assert search.matched_until is not None
    response = post(
        signed_in(analyst),
        {"filters": {"type": ["battle", "riot"]}},
        f"{API}{search.pk}/",
        "patch",
    )
    assert response.status_code == 200
    search.refresh_from_db()
    assert search.matched_until is None and search.watching_since > battle.published_at
    later = published("A battle after the change", event_type=Event.Type.BATTLE)
    assert alerts.match() == 1
    assert list(Delivery.objects.values_list("event_id", flat=True)) == [later.pk]
    # Renamed only: still watching from the change.
    since = search.watching_since
    post(signed_in(analyst), {"name": "Fights"}, f"{API}{search.pk}/", "patch")
    search.refresh_from_db()
    assert search.watching_since == since


def test_a_search_reads_only_what_changed_since_its_last_match(
    analyst: User,
) -> None:
    search = SavedSearch.objects.create(
        owner=analyst, name="Battles", filters={"type": ["battle"]}
    )
    assert alerts.match() == 0
    # Published after the search was saved, but written (updated_at) well
    # before its last match began: outside the margin, it is not read again.
    stale = published("A battle changed long ago", event_type=Event.Type.BATTLE)
    search.refresh_from_db()
    Event.objects.filter(pk=stale.pk).update(
        updated_at=search.matched_until - alerts.MATCH_MARGIN * 2
    )
    assert alerts.match() == 0
    fresh = published("A fresh battle", event_type=Event.Type.BATTLE)
    assert alerts.match() == 1
    assert Delivery.objects.get().event_id == fresh.pk


def test_a_search_whose_actor_is_gone_matches_nothing(analyst: User) -> None:
    actor = Actor.objects.create(name="Short-lived front", kind=Actor.Kind.ARMED_GROUP)
    search = SavedSearch.objects.create(
        owner=analyst, name="Front", filters={"actor": [str(actor.pk)]}
    )
    actor.delete()
    published("Anything at all")
    assert not alerts.matching(search).exists()
    assert alerts.match() == 0
