"""
The curation screen's server side, through real HTTP requests to its JSON:
cards saved, submitted and published in one action; places and actors found,
told apart and made there; merges, splits and discards; the article's own
metadata; the stale-save guard; hostile input; who may use it.
"""

import datetime
import json
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.urls import reverse

from events.extract import suggest
from events.models import (
    Actor,
    Event,
    Location,
    Participant,
    Revision,
    SourceArticle,
)
from tests.conftest import make_event, make_user
from tests.test_admin_workbench import change_url, event_form_data

pytestmark = pytest.mark.django_db

ARTICLE = Path(__file__).parent / "articles" / "choman-shelling.txt"
SHELLING = "Iranian artillery shelled farmland outside two villages"
MEETING = "Qasim al-Araji received Iran's ambassador"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def article(db) -> SourceArticle:
    return SourceArticle.objects.create(
        title="Iranian shelling hits border villages near Choman",
        publisher="Zagros Wire",
        published_on=datetime.date(2025, 2, 12),
        body=ARTICLE.read_text(encoding="utf-8").strip(),
    )


def url(name: str, article: SourceArticle | None = None) -> str:
    args = [article.pk] if article is not None else []
    return reverse(f"admin:events_sourcearticle_curate{name}", args=args)


def post(client: Client, path: str, body: object):
    return client.post(path, json.dumps(body), content_type="application/json")


def sentence(article: SourceArticle, words: str) -> tuple[int, int]:
    """The offsets of the paragraph holding `words`: one sentence each, here."""
    body = article.body
    at = body.index(words)
    end = body.find("\n", at)
    return body.rfind("\n", 0, at) + 1, len(body) if end < 0 else end


def card(article: SourceArticle, words: str, **fields) -> dict:
    start, end = sentence(article, words)
    return {
        "key": fields.pop("key", "c1"),
        "event_id": None,
        "version": None,
        "title": "A test event",
        "event_type": "remote_violence",
        "date": "2025-02-11",
        "precision": "day",
        "confidence": "medium",
        "place": {"id": Location.objects.get(geonames_id=98182).pk},
        "roles": [],
        "citations": [{"start": start, "end": end}],
        "spans": [[start, end]],
        **fields,
    }


def irgc() -> Actor:
    return Actor.objects.get(name="Islamic Revolutionary Guard Corps")


# --- who may curate ----------------------------------------------------------


def test_editors_and_reviewers_curate_analysts_are_refused(article) -> None:
    screen = url("", article)
    assert Client().get(screen).status_code == 302
    assert Client().get(screen)["Location"].startswith("/admin/login/")
    assert client_for(make_user("a", "Analyst")).get(screen).status_code == 403
    for group in ("Editor", "Reviewer"):
        page = client_for(make_user(group, group)).get(screen)
        assert page.status_code == 200
        assert "Accept all and submit for review" in page.content.decode()
    analyst = client_for(make_user("b", "Analyst"))
    assert post(analyst, url("_save", article), {"action": "save"}).status_code == 403
    assert analyst.get(url("_places") + "?q=Tehran").status_code == 403


def test_the_suggestions_page_s_address_leads_to_the_screen(article, editor) -> None:
    old = reverse("admin:events_sourcearticle_suggestions", args=[article.pk])
    response = client_for(editor).get(old)
    assert (response.status_code, response["Location"]) == (302, url("", article))


def test_only_reviewers_publish_from_the_screen(article, editor, reviewer) -> None:
    body = {"action": "publish", "cards": [card(article, SHELLING)]}
    assert post(client_for(editor), url("_save", article), body).status_code == 403
    assert Event.objects.filter(citations__article=article).count() == 0
    page = client_for(editor).get(url("", article)).content.decode()
    assert 'id="publish-all"' not in page
    assert (
        'id="publish-all"'
        in client_for(reviewer).get(url("", article)).content.decode()
    )


# --- from cards to events, in one action -------------------------------------------


def test_accept_all_and_submit_makes_sourced_events_in_review(
    article, editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    shelling = card(
        article,
        SHELLING,
        key="p0",
        title="Iranian artillery shells villages near Choman",
        sub_event_type="Shelling/artillery/missile attack",
        place={"key": "geonames:447741"},  # Choman, from the gazetteer
        fatalities_low=0,
        fatalities_best=0,
        fatalities_high=0,
        roles=[{"actor": {"id": irgc().pk}, "role": "initiator"}],
    )
    meeting = card(
        article,
        MEETING,
        key="p3",
        title="Iraq's security adviser receives Iran's ambassador",
        event_type="meeting",
        date="2025-02-12",
        roles=[
            {
                "actor": {"id": Actor.objects.get(name="Qasim al-Araji").pk},
                "role": "participant",
                "capacity": "National Security Adviser",
                "on_behalf_of": {"id": Actor.objects.get(name="Iraq").pk},
            },
            {
                "actor": None,
                "new": {
                    "name": "Mohammad Kazem Al-e Sadegh",
                    "kind": "person",
                    "country": "IRN",
                },
                "role": "participant",
            },
        ],
    )
    reviewer.email = "reviewer@example.org"
    reviewer.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client_for(editor),
            url("_save", article),
            {"action": "submit", "cards": [shelling, meeting]},
        )
    assert response.status_code == 200, response.json()
    events = Event.objects.filter(citations__article=article).order_by("start_date")
    assert [(e.event_type, e.status) for e in events] == [
        ("remote_violence", "in_review"),
        ("meeting", "in_review"),
    ]
    first, second = events
    choman = first.location
    assert (choman.name, choman.kind, choman.geonames_id) == ("Choman", "city", 447741)
    assert choman.parent == Location.objects.get(code="IQ-AR")  # Erbil
    assert first.point == choman.point
    assert first.geo_precision == "exact"
    assert (first.start_date, first.end_date, first.date_precision) == (
        datetime.date(2025, 2, 11),
        datetime.date(2025, 2, 11),
        "day",
    )
    citation = first.citations.get()
    assert article.body[citation.start : citation.end] == citation.quote
    assert citation.quote.startswith("ERBIL, Feb. 12")
    assert {(p.actor.name, p.role) for p in second.participations.all()} == {
        ("Qasim al-Araji", "participant"),
        ("Mohammad Kazem Al-e Sadegh", "participant"),
    }
    ambassador = Actor.objects.get(name="Mohammad Kazem Al-e Sadegh")
    assert (ambassador.kind, ambassador.country) == ("person", "IRN")
    assert first.created_by == editor
    # Reviewers are told; the mail links the article's curation screen.
    assert len(mailoutbox) == 1
    assert url("", article) in mailoutbox[0].body
    # Every row written is in the history, under the editor's name.
    made, submitted = first.history.order_by("pgh_id")
    assert (made.status, submitted.status) == ("draft", "in_review")
    assert made.pgh_context.metadata["user"] == editor.pk
    assert submitted.pgh_context_id == made.pgh_context_id  # one request

    # The reviewer publishes them all in one action, as the screen shows them.
    state = client_for(reviewer).get(url("_state", article)).json()
    saved = [c for c in state["cards"] if c["event_id"]]
    assert len(saved) == 2
    response = post(
        client_for(reviewer),
        url("_save", article),
        {"action": "publish", "cards": saved},
    )
    assert response.status_code == 200, response.json()
    assert set(events.values_list("status", flat=True)) == {"published"}
    # Unchanged cards are not saved again: publishing is the only change.
    assert first.history.count() == 3  # made, submitted, published


def test_a_card_without_a_kind_for_its_new_actor_saves_nothing(article, editor) -> None:
    bad = card(
        article,
        MEETING,
        roles=[{"actor": None, "new": {"name": "Al-e Sadegh"}, "role": "participant"}],
    )
    good = card(article, SHELLING, key="c2")
    response = post(
        client_for(editor),
        url("_save", article),
        {"action": "save", "cards": [good, bad]},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "c1": {"roles.0.kind": "Choose what kind of actor Al-e Sadegh is."}
    }
    assert Event.objects.filter(citations__article=article).count() == 0
    assert not Actor.objects.filter(name="Al-e Sadegh").exists()


def test_an_actor_not_named_in_the_sentence_is_added(article, editor) -> None:
    sudani = Actor.objects.get(name="Mohammed Shia al-Sudani")
    assert "Sudani" not in article.body
    response = post(
        client_for(editor),
        url("_save", article),
        {
            "action": "save",
            "cards": [
                card(
                    article,
                    SHELLING,
                    roles=[{"actor": {"id": sudani.pk}, "role": "mentioned"}],
                )
            ],
        },
    )
    assert response.status_code == 200
    event = Event.objects.get(citations__article=article)
    assert list(event.participations.values_list("actor__name", "role")) == [
        ("Mohammed Shia al-Sudani", "mentioned")
    ]


def test_the_place_changes_on_the_card_and_the_point_follows(article, editor) -> None:
    editor_client = client_for(editor)
    post(
        editor_client,
        url("_save", article),
        {"action": "save", "cards": [card(article, SHELLING)]},
    )
    state = editor_client.get(url("_state", article)).json()
    saved = next(c for c in state["cards"] if c["event_id"])
    assert saved["place"]["label"] == "Baghdad — city, Baghdad province, Iraq"
    assert saved["point"] is None  # following its place
    tehran = Location.objects.get(kind="city", name="Tehran")
    saved["place"] = {"id": tehran.pk}
    response = post(
        editor_client, url("_save", article), {"action": "save", "cards": [saved]}
    )
    assert response.status_code == 200
    event = Event.objects.get(pk=saved["event_id"])
    assert event.location == tehran
    assert event.point == tehran.point
    # An editor's own point stays when set.
    saved = next(
        c for c in response.json()["state"]["cards"] if c["event_id"] == event.pk
    )
    saved["point"] = {"lat": 35.7, "lon": 51.5}
    post(editor_client, url("_save", article), {"action": "save", "cards": [saved]})
    event.refresh_from_db()
    assert (round(event.point.x, 3), round(event.point.y, 3)) == (51.5, 35.7)


def test_the_admin_event_form_moves_the_point_with_the_place(editor_client) -> None:
    baghdad = Location.objects.get(geonames_id=98182)
    tehran = Location.objects.get(kind="city", name="Tehran")
    event = make_event(location=baghdad, geo_precision="exact")
    assert event.point == baghdad.point
    data = event_form_data(event, location=tehran.pk, point=event.point.geojson)
    response = editor_client.post(change_url(event), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.point == tehran.point


# --- places and actors ---------------------------------------------------------


def test_identical_names_are_told_apart_in_every_lookup(editor) -> None:
    results = client_for(editor).get(url("_places") + "?q=Tehran").json()["results"]
    labels = [r["label"] for r in results]
    assert "Tehran — city, Tehran province, Iran" in labels
    assert "Tehran — province, Iran" in labels
    # The admin's own place lookups say as much.
    found = client_for(editor).get(
        "/admin/autocomplete/",
        {
            "app_label": "events",
            "model_name": "event",
            "field_name": "location",
            "term": "Tehran",
        },
    )
    texts = {row["text"] for row in found.json()["results"]}
    assert {"Tehran — city, Tehran province, Iran", "Tehran — province, Iran"} <= texts


def test_places_below_the_stored_ones_come_from_the_gazetteer(editor) -> None:
    editor_client = client_for(editor)
    results = editor_client.get(url("_places") + "?q=Choman").json()["results"]
    assert results[0] == {
        "id": None,
        "key": "geonames:447741",
        "name": "Choman",
        "kind": "city",
        "label": "Choman — city, Erbil province, Iraq",
        "lat": 36.63665,
        "lon": 44.8882,
    }
    made = post(editor_client, url("_places"), {"key": "geonames:447741"}).json()[
        "place"
    ]
    assert made["label"] == "Choman — city, Erbil province, Iraq"
    again = post(editor_client, url("_places"), {"key": "geonames:447741"}).json()[
        "place"
    ]
    assert again["id"] == made["id"]
    # Stored now, it comes first, and the suggestions find it.
    assert (
        editor_client.get(url("_places") + "?q=Choman").json()["results"][0]["id"]
        == made["id"]
    )
    found = suggest("Shells fell on Choman on Monday.", published=None)["places"]
    assert [p["location_id"] for p in found] == [made["id"]]


def test_a_place_is_made_from_a_click_on_the_map(editor) -> None:
    response = post(
        client_for(editor),
        url("_places"),
        {"name": "Sidakan", "kind": "city", "lat": 36.7975, "lon": 44.6717},
    )
    assert response.status_code == 200
    place = Location.objects.get(name="Sidakan")
    assert (place.kind, place.country_code, place.parent.code) == (
        "city",
        "IRQ",
        "IQ-AR",
    )
    assert place.point == Point(44.6717, 36.7975, srid=4326)
    assert response.json()["place"]["label"] == "Sidakan — city, Erbil province, Iraq"
    assert place.history.get().pgh_context.metadata["user"] == editor.pk
    refused = post(
        client_for(editor), url("_places"), {"name": "", "kind": "ocean", "lat": 99}
    )
    assert refused.status_code == 400
    assert set(refused.json()["errors"]["place"]) == {"name", "kind", "lat", "lon"}


def test_a_persons_office_is_offered_from_their_last_event(article, editor) -> None:
    found = client_for(editor).get(url("_actors") + "?q=araji").json()["results"]
    assert found[0]["office"] == {
        "capacity": "National Security Adviser",
        "on_behalf_of": {
            "id": Actor.objects.get(name="Iraq").pk,
            "name": "Iraq",
            "label": "Iraq (IRQ)",
        },
    }
    # A later event with another office is the one offered.
    araji = Actor.objects.get(name="Qasim al-Araji")
    later = make_event(
        start_date=datetime.date(2025, 1, 5), end_date=datetime.date(2025, 1, 5)
    )
    Participant.objects.create(
        event=later,
        actor=araji,
        role="participant",
        capacity="Security adviser (acting)",
    )
    found = client_for(editor).get(url("_actors") + "?q=araji").json()["results"]
    assert found[0]["office"] == {
        "capacity": "Security adviser (acting)",
        "on_behalf_of": None,
    }
    # The proposal naming him offers it on its card.
    state = client_for(editor).get(url("_state", article)).json()
    rows = [
        row
        for c in state["cards"]
        for row in c["roles"]
        if row["actor"]["name"] == "Qasim al-Araji"
    ]
    assert rows and rows[0]["capacity"] == "Security adviser (acting)"
    # States keep no office: a capacity on their rows describes one event.
    iran = client_for(editor).get(url("_actors") + "?q=Iran").json()["results"]
    assert next(a for a in iran if a["name"] == "Iran")["office"] is None


# --- the article's metadata ---------------------------------------------------------


def test_a_date_read_from_the_dateline_is_prefilled_and_stored_on_save(
    editor,
) -> None:
    article = SourceArticle.objects.create(
        title="Barzani in Tehran",
        body="Tehran, 6 May 2024 (IRNA) - Kurdistan Region President Nechirvan "
        "Barzani met Iranian President Ebrahim Raisi in Tehran on Monday.",
    )
    state = client_for(editor).get(url("_state", article)).json()
    meta = state["article"]["metadata"]
    assert meta["values"]["published_on"] == "2024-05-06"
    assert meta["values"]["publisher"] == "IRNA"
    assert meta["proposed"] == ["published_on", "publisher"]
    assert meta["year_assumed"] is False
    assert meta["dateline"] == [0, len("Tehran, 6 May 2024 (IRNA)")]
    # Relative dates are resolved against it.
    monday = next(
        h for h in state["highlights"] if h["kind"] == "date" and h["start"] > 30
    )
    assert monday["value"].startswith("2024-")
    page = client_for(editor).get(url("", article)).content.decode()
    assert 'value="2024-05-06"' in page
    assert "Read from the article, not yet stored: publication date, outlet." in page
    # Accepting stores it with the cards.
    body = article.body
    response = post(
        client_for(editor),
        url("_save", article),
        {
            "action": "save",
            "cards": [
                {
                    "key": "c1", "title": "Barzani meets Raisi",
                    "event_type": "meeting",
                    "date": "2024-05-06", "precision": "day", "confidence": "medium",
                    "citations": [{"start": 0, "end": len(body)}],
                }
            ],
            "metadata": {"values": meta["values"], "loaded": meta["loaded"]},
        },
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    article.refresh_from_db()
    assert (article.published_on, article.publisher) == (
        datetime.date(2024, 5, 6),
        "IRNA",
    )
    assert response.json()["state"]["article"]["metadata"]["proposed"] == []


def test_a_new_publication_date_resolves_relative_dates_again(article, editor) -> None:
    state = client_for(editor).get(url("_state", article)).json()
    meta = state["article"]["metadata"]
    assert "2025-02-11" in {h["label"] for h in state["highlights"]}
    response = post(
        client_for(editor),
        url("_metadata", article),
        {
            "values": {"published_on": "2025-02-19", "author": "A. Writer"},
            "loaded": meta["loaded"],
        },
    )
    assert response.status_code == 200
    labels = {h["label"] for h in response.json()["highlights"] if h["kind"] == "date"}
    assert "2025-02-18" in labels and "2025-02-11" not in labels
    # The same, without storing it: the state at another publication date.
    preview = client_for(editor).get(
        url("_state", article), {"published": "2025-03-05"}
    )
    assert "2025-03-04" in {h["label"] for h in preview.json()["highlights"]}
    bad = client_for(editor).get(url("_state", article), {"published": "March"})
    assert bad.status_code == 400
    assert "published_on" in bad.json()["errors"]["article"]
    article.refresh_from_db()
    assert (article.published_on, article.author) == (
        datetime.date(2025, 2, 19),
        "A. Writer",
    )
    # Someone who loaded the old date is refused, and nothing changes.
    stale = post(
        client_for(editor),
        url("_metadata", article),
        {"values": {"publisher": "Other"}, "loaded": meta["loaded"]},
    )
    assert stale.status_code == 409
    assert "published on" in stale.json()["error"]
    article.refresh_from_db()
    assert article.publisher == "Zagros Wire"
    bad = post(
        client_for(editor),
        url("_metadata", article),
        {"values": {"published_on": "2025-02-30"}, "loaded": {}},
    )
    assert bad.status_code == 400
    assert "published_on" in bad.json()["errors"]["article"]


# --- merge, split, discard ------------------------------------------------------


def test_merged_proposals_are_cited_or_set_aside(article, editor) -> None:
    claim = sentence(article, "Iran's Islamic Revolutionary Guard Corps said")
    mayor = sentence(article, "Choman's district mayor")
    merged = card(article, SHELLING)
    merged["citations"].append({"start": claim[0], "end": claim[1]})
    merged["spans"] += [list(claim), list(mayor)]  # the mayor's: merged, not cited
    response = post(
        client_for(editor), url("_save", article), {"action": "save", "cards": [merged]}
    )
    assert response.status_code == 200
    event = Event.objects.get(citations__article=article, citations__start=claim[0])
    assert event.citations.count() == 2
    article.refresh_from_db()
    assert article.rejected_spans == [list(mayor)]
    state = response.json()["state"]
    spans = {tuple(s) for c in state["cards"] for s in c["spans"]}
    assert claim not in spans and mayor not in spans  # neither is proposed again


def test_a_split_card_makes_two_events_citing_one_sentence(article, editor) -> None:
    first = card(article, MEETING, key="p3", event_type="meeting")
    second = card(
        article,
        MEETING,
        key="p3s1",
        event_type="statement",
        title="Iraq will not accept attacks",
    )
    response = post(
        client_for(editor),
        url("_save", article),
        {"action": "save", "cards": [first, second]},
    )
    assert response.status_code == 200
    start, _ = sentence(article, MEETING)
    made = Event.objects.filter(citations__article=article, citations__start=start)
    assert sorted(made.values_list("event_type", flat=True)) == ["meeting", "statement"]


def test_a_discarded_proposal_stays_aside_until_brought_back(article, editor) -> None:
    editor_client = client_for(editor)
    proposals = editor_client.get(url("_state", article)).json()["cards"]
    start, end = proposals[-1]["spans"][0]
    assert (
        post(
            editor_client, url("_discard", article), {"start": start, "end": end}
        ).status_code
        == 200
    )
    state = editor_client.get(url("_state", article)).json()
    assert [start, end] not in [c["spans"][0] for c in state["cards"]]
    assert [start, end] in [c["spans"][0] for c in state["discarded"]]
    post(
        editor_client,
        url("_discard", article),
        {"start": start, "end": end, "undo": True},
    )
    state = editor_client.get(url("_state", article)).json()
    assert [start, end] in [c["spans"][0] for c in state["cards"]]
    article.refresh_from_db()
    assert article.rejected_spans == []
    assert article.history.count() == 3  # stored, discarded, brought back


# --- nothing lost ------------------------------------------------------------------


def test_a_stale_card_is_refused_with_who_changed_what(article, editor) -> None:
    editor_client = client_for(editor)
    response = post(
        editor_client,
        url("_save", article),
        {"action": "save", "cards": [card(article, SHELLING)]},
    )
    mine = next(c for c in response.json()["state"]["cards"] if c["event_id"])
    other = make_user("second-editor", "Editor")
    theirs = dict(mine, title="Their title")
    assert (
        post(
            client_for(other),
            url("_save", article),
            {"action": "save", "cards": [theirs]},
        ).status_code
        == 200
    )

    mine["summary"] = "My summary"
    response = post(
        editor_client, url("_save", article), {"action": "submit", "cards": [mine]}
    )
    assert response.status_code == 409
    message = response.json()["errors"][mine["key"]]["card"]
    assert message.startswith("second-editor changed this event at ")
    assert "“A test event” → “Their title”" in message
    event = Event.objects.get(pk=mine["event_id"])
    assert (event.title, event.summary, event.status) == ("Their title", "", "draft")


def test_an_editors_change_to_a_published_event_waits_for_review(
    article, editor, reviewer
) -> None:
    post(
        client_for(reviewer),
        url("_save", article),
        {"action": "publish", "cards": [card(article, SHELLING)]},
    )
    state = client_for(editor).get(url("_state", article)).json()
    saved = next(c for c in state["cards"] if c["event_id"])
    assert saved["status"] == "published"
    saved["title"] = "A better title"
    response = post(
        client_for(editor),
        url("_save", article),
        {"action": "submit", "cards": [saved]},
    )
    assert response.status_code == 200
    event = Event.objects.get(pk=saved["event_id"])
    assert event.title == "A test event"  # as published
    assert (
        Revision.objects.pending().get(event=event).values["title"] == "A better title"
    )


def test_a_retracted_event_is_not_changed_here(article, reviewer) -> None:
    post(
        client_for(reviewer),
        url("_save", article),
        {"action": "publish", "cards": [card(article, SHELLING)]},
    )
    event = Event.objects.get(citations__article=article)
    event.status, event.retraction_reason = "retracted", "Wrong village."
    event.save()
    saved = next(
        c
        for c in client_for(reviewer).get(url("_state", article)).json()["cards"]
        if c["event_id"]
    )
    saved["title"] = "Changed"
    response = post(
        client_for(reviewer),
        url("_save", article),
        {"action": "save", "cards": [saved]},
    )
    assert response.status_code == 400
    event.refresh_from_db()
    assert event.title == "A test event"


HOSTILE = [
    ("not json", None, "The request is not JSON."),
    ([1, 2], None, "The request must be a JSON object."),
    ({"action": "drop table", "cards": []}, "action", None),
    ({"action": "save", "cards": "all"}, None, "There are no cards to save."),
    ({"action": "save", "cards": [{}] * 101}, None, "At most 100 cards at once."),
]


@pytest.mark.parametrize(("body", "field", "message"), HOSTILE)
def test_hostile_requests_are_refused_whole(
    article, editor, body, field, message
) -> None:
    raw = body if isinstance(body, str) else json.dumps(body)
    response = client_for(editor).post(
        url("_save", article), raw, content_type="application/json"
    )
    assert response.status_code == 400
    answer = response.json()
    if message:
        assert answer["error"] == message
    if field:
        assert field in answer["errors"]
    assert Event.objects.filter(citations__article=article).count() == 0


HOSTILE_CARDS = [
    ({"date": "2025-02-30"}, "date", "This is not a real date."),
    ({"date": "1066"}, "date", "A date to the day needs YYYY-MM-DD."),
    ({"date": "20250211"}, "date", "Write the date as YYYY-MM-DD, YYYY-MM or YYYY."),
    (
        {"date": "2025-02-11", "end": "2025-02-01"},
        "end",
        "The end comes before the start.",
    ),
    ({"event_type": "<script>"}, "event_type", None),
    ({"title": ""}, "title", None),
    ({"title": "x" * 301}, "title", None),
    (
        {"fatalities_low": 5, "fatalities_best": 2},
        "fatalities_low",
        "The low count exceeds the best.",
    ),
    ({"fatalities_best": -1}, "fatalities_best", None),
    ({"fatalities_best": 10**12}, "fatalities_best", None),
    (
        {"citations": [{"start": 5, "end": 10**9}]},
        "citations",
        "A citation does not point into the article's text.",
    ),
    (
        {"citations": [{"start": 9, "end": 3}]},
        "citations",
        "A citation is a span of the text: start < end.",
    ),
    ({"citations": []}, "citations", "Cite at least one span of the article."),
    ({"citations": [{"start": "0", "end": 5}]}, "citations", None),
    ({"place": {"id": 10**9}}, "place", "This place is no longer stored."),
    (
        {"place": {"key": "file:///etc/passwd"}},
        "place",
        "Choose the place from the list.",
    ),
    ({"place": "Baghdad"}, "place", "Choose the place from the list."),
    ({"roles": [{"actor": {"id": "1 OR 1=1"}, "role": "initiator"}]}, "roles.0", None),
    ({"roles": [{"actor": {"id": 1}, "role": "overlord"}]}, "roles.0.role", None),
    (
        {"roles": [{"actor": {"id": 10**9}, "role": "target"}]},
        "roles.0",
        "This actor is no longer stored.",
    ),
    (
        {
            "roles": [
                {
                    "actor": None,
                    "new": {"name": "X", "kind": "person", "country": "ZZZ"},
                    "role": "target",
                }
            ]
        },
        "roles.0.country",
        None,
    ),
    (
        {"roles": [{"actor": {"id": 1}, "role": "target", "capacity": "y" * 201}]},
        "roles.0.capacity",
        None,
    ),
    ({"roles": [{"actor": {"id": 1}, "role": "target"}] * 51}, "roles", None),
    ({"point": {"lat": 91, "lon": 0}}, "point", None),
    (
        {"event_id": 10**9, "version": 1},
        "card",
        "This event is not one made from this article.",
    ),
    ({"event_id": 1}, "version", None),
    ({"event_id": "seed", "version": 1}, "event_id", None),
]


@pytest.mark.parametrize(("change", "field", "message"), HOSTILE_CARDS)
def test_a_bad_field_is_named_and_nothing_is_saved(
    article, editor, change, field, message
) -> None:
    good = card(article, MEETING, key="good")
    bad = card(article, SHELLING, key="bad", **change)
    before = (Event.objects.count(), Location.objects.count(), Actor.objects.count())
    response = post(
        client_for(editor),
        url("_save", article),
        {"action": "submit", "cards": [good, bad]},
    )
    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    assert list(errors) == ["bad"]
    assert field in errors["bad"], errors
    if message:
        assert errors["bad"][field] == message
    assert (
        Event.objects.count(),
        Location.objects.count(),
        Actor.objects.count(),
    ) == before


def test_markup_in_names_is_stored_as_text(article, editor) -> None:
    name = "<img src=x onerror=alert(1)>"
    hostile = card(
        article,
        SHELLING,
        title=name,
        roles=[
            {
                "actor": None,
                "new": {"name": name, "kind": "armed_group"},
                "role": "initiator",
            }
        ],
    )
    response = post(
        client_for(editor),
        url("_save", article),
        {"action": "save", "cards": [hostile]},
    )
    assert response.status_code == 200
    assert Actor.objects.filter(name=name).exists()
    # The screen carries names as JSON in a script of its own, never as markup.
    page = client_for(editor).get(url("", article)).content.decode()
    assert "<img src=x" not in page
    assert "\\u003Cimg src=x onerror=alert(1)\\u003E" in page


def test_an_event_of_another_article_is_not_changed_here(article, editor) -> None:
    seed = Event.objects.get(title__startswith="Iraq and Iran sign")
    other = card(article, SHELLING, event_id=seed.pk, version=seed.version)
    response = post(
        client_for(editor), url("_save", article), {"action": "save", "cards": [other]}
    )
    assert response.status_code == 400
    assert response.json()["errors"]["c1"] == {
        "card": "This event is not one made from this article."
    }
    assert Event.objects.get(pk=seed.pk).version == seed.version
