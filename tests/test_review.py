"""
Changes to published events held for review, and the reviewers' queue: an
editor's change waits in a Revision while the event stays as published
everywhere; a reviewer accepts it or sends it back; the queue page, the API
filter and the private feed list the same items; reviewers are mailed once
per submission or proposal.
"""

import datetime
import json
import re

import feedparser
import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events import workflow
from events.models import (
    Actor,
    Event,
    FeedToken,
    Participant,
    Revision,
    SourceArticle,
)
from tests.conftest import PERSONAS, make_event, make_user, persona_client
from tests.test_admin_workbench import change_url
from tests.test_workflow import form_data

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"
REVISIONS = "/api/v1/revisions/"
FIRST_PUBLISHED = timezone.now() - datetime.timedelta(days=3)


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def patch(client: Client, url: str, data: dict, **headers):
    return client.patch(
        url, json.dumps(data), content_type="application/json", **headers
    )


def post(client: Client, url: str, data: dict | None = None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def published_event(**overrides) -> Event:
    fields = {
        "title": "Border crossing reopened",
        "summary": "The crossing reopened after a week.",
        "status": Event.Status.PUBLISHED,
        "published_at": FIRST_PUBLISHED,
        **overrides,
    }
    event = make_event(**fields)
    event.cite(SourceArticle.objects.first(), "on Sunday")
    event.refresh_from_db()
    return event


@pytest.fixture
def event() -> Event:
    return published_event()


@pytest.fixture
def reviewer_client(reviewer: User) -> Client:
    return client_for(reviewer)


def anonymous_title(event: Event) -> str:
    return Client().get(f"{EVENTS}{event.pk}/").json()["title"]


# --- an editor's change waits ------------------------------------------------------


def test_an_editors_change_in_the_admin_waits_for_review(
    editor: User, editor_client: Client, event: Event
) -> None:
    version = event.version

    response = editor_client.post(
        change_url(event), form_data(event, title="Border crossing closed again")
    )

    assert response.status_code == 302
    assert response["Location"] == change_url(event)
    page = editor_client.get(response["Location"]).content.decode()
    assert "Your change awaits review" in page
    assert "Your change\n    to title awaits review" in page
    event.refresh_from_db()
    assert (event.title, event.version) == ("Border crossing reopened", version)
    revision = Revision.objects.get(event=event)
    assert (revision.state, revision.author, revision.base_version) == (
        Revision.State.PENDING,
        editor,
        version,
    )
    assert [change.field for change in workflow.revision_changes(revision)] == ["title"]
    assert revision.values["title"] == "Border crossing closed again"


def test_an_editors_patch_answers_202_and_leaves_the_event_as_published(
    editor: User, editor_client: Client, event: Event
) -> None:
    response = patch(
        editor_client, f"{EVENTS}{event.pk}/", {"title": "Border crossing closed"}
    )

    assert response.status_code == 202, response.content
    revision = Revision.objects.get(event=event)
    body = response.json()
    assert {key: body[key] for key in ("id", "event", "state", "author")} == {
        "id": revision.pk,
        "event": event.pk,
        "state": "pending",
        "author": editor.username,
    }
    assert body["changes"] == [
        {
            "field": "title",
            "label": "title",
            "before": "Border crossing reopened",
            "after": "Border crossing closed",
        }
    ]
    assert response["Location"].endswith(f"{REVISIONS}{revision.pk}/")
    assert anonymous_title(event) == "Border crossing reopened"


def test_no_output_shows_a_change_before_review(editor_client: Client) -> None:
    event = published_event(title="Quokkas sighted at the crossing")
    patch(editor_client, f"{EVENTS}{event.pk}/", {"title": "Wombats sighted"})

    anonymous = Client()
    for url in [
        f"{EVENTS}{event.pk}/",
        f"{EVENTS}?q=quokkas",
        f"{EVENTS}?q=quokkas&format=geojson",
        f"{EVENTS}?q=quokkas&format=csv",
        "/feeds/events/?q=quokkas",
        f"/events/{event.pk}/",
        f"/ogc/collections/events/items/{event.pk}",
    ]:
        response = anonymous.get(url)
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        ).decode()
        assert response.status_code == 200, url
        assert "Quokkas sighted" in body, url
        assert "Wombats" not in body, url


def test_a_change_that_changes_nothing_is_no_revision(
    editor_client: Client, event: Event
) -> None:
    response = patch(editor_client, f"{EVENTS}{event.pk}/", {"title": event.title})

    assert response.status_code == 200
    assert not Revision.objects.exists()


def test_the_same_editors_second_change_updates_their_revision(
    editor_client: Client, event: Event
) -> None:
    first = patch(editor_client, f"{EVENTS}{event.pk}/", {"title": "New title"})
    second = patch(editor_client, f"{EVENTS}{event.pk}/", {"summary": "New summary."})

    assert second.status_code == 202
    assert second.json()["id"] == first.json()["id"]
    revision = Revision.objects.get()
    assert [change.field for change in workflow.revision_changes(revision)] == [
        "title",
        "summary",
    ]
    # Back to the published values: nothing is left to review.
    patch(
        editor_client,
        f"{EVENTS}{event.pk}/",
        {"title": event.title, "summary": event.summary},
    )
    revision.refresh_from_db()
    assert revision.state == Revision.State.SUPERSEDED


def test_another_editors_change_is_refused_naming_who(
    editor_client: Client, event: Event
) -> None:
    patch(editor_client, f"{EVENTS}{event.pk}/", {"title": "First change"})
    other = client_for(make_user("second-editor", "Editor"))

    api = patch(other, f"{EVENTS}{event.pk}/", {"title": "Second change"})
    form = other.post(change_url(event), form_data(event, title="Second change"))

    assert api.status_code == 409
    assert api.json()["detail"].startswith("test-editor's change to this event")
    assert form.status_code == 200
    assert "test-editor&#x27;s change to this event" in form.content.decode()
    assert Revision.objects.get().values["title"] == "First change"


def test_participants_and_citations_are_proposed_whole_and_applied_on_accept(
    editor_client: Client, reviewer: User, event: Event
) -> None:
    shamkhani = Actor.objects.get(name="Ali Shamkhani")
    article = SourceArticle.objects.first()

    response = patch(
        editor_client,
        f"{EVENTS}{event.pk}/",
        {
            "participants": [{"actor": shamkhani.pk, "role": "participant"}],
            "citations": [{"article": article.pk, "quote": "Baghdad, Iraq"}],
        },
    )

    assert response.status_code == 202, response.content
    assert [c["field"] for c in response.json()["changes"]] == [
        "participants",
        "citations",
    ]
    assert not event.participations.exists()
    assert list(event.citations.values_list("quote", flat=True)) == ["on Sunday"]
    workflow.accept_revision(revision=Revision.objects.get(), user=reviewer)
    assert list(
        Participant.objects.filter(event=event).values_list("actor", "role")
    ) == [(shamkhani.pk, "participant")]
    assert list(event.citations.values_list("quote", flat=True)) == ["Baghdad, Iraq"]


def test_a_change_that_fails_the_gate_is_refused_at_once(
    editor_client: Client, event: Event
) -> None:
    response = patch(editor_client, f"{EVENTS}{event.pk}/", {"citations": []})

    assert response.status_code == 409
    assert response.json() == {
        "status": ["A published event needs at least one citation."]
    }
    assert not Revision.objects.exists()


def test_restoring_a_published_event_as_an_editor_proposes_it(
    editor: User, editor_client: Client, reviewer: User
) -> None:
    event = published_event(title="Original title")
    Event.objects.filter(pk=event.pk).update(title="Later title")
    snapshot = event.history.filter(title="Original title").latest("pgh_id")

    editor_client.post(
        reverse("admin:events_event_restore", args=[event.pk, snapshot.pgh_id])
    )

    event.refresh_from_db()
    assert event.title == "Later title"
    revision = Revision.objects.get()
    assert (revision.author, revision.values["title"]) == (editor, "Original title")


def test_relations_of_a_published_event_are_read_only_for_an_editor(
    editor_client: Client, reviewer_client: Client, event: Event
) -> None:
    editor_page = editor_client.get(change_url(event)).content.decode()
    reviewer_page = reviewer_client.get(change_url(event)).content.decode()
    assert 'name="relations-__prefix__-to_event"' not in editor_page
    assert 'name="relations-__prefix__-to_event"' in reviewer_page


def test_reviewers_change_published_events_directly(
    reviewer_client: Client, event: Event
) -> None:
    response = patch(reviewer_client, f"{EVENTS}{event.pk}/", {"title": "Fixed"})

    assert response.status_code == 200
    assert anonymous_title(event) == "Fixed"
    assert not Revision.objects.exists()


# --- a reviewer decides --------------------------------------------------------------


@pytest.fixture
def pending(editor: User, event: Event) -> Revision:
    return workflow.propose(
        event=event, user=editor, changes={"title": "Border crossing closed"}
    )


def test_a_reviewer_accepts_and_the_event_changes(
    reviewer: User, reviewer_client: Client, event: Event, pending: Revision
) -> None:
    updated_at = event.updated_at

    response = post(reviewer_client, f"{REVISIONS}{pending.pk}/accept/")

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "accepted"
    assert response.json()["reviewer"] == reviewer.username
    event.refresh_from_db()
    assert event.title == "Border crossing closed"
    assert event.published_at == FIRST_PUBLISHED
    assert event.updated_at > updated_at
    assert event.updated_by == reviewer
    latest = event.history.select_related("pgh_context").latest("pgh_id")
    assert latest.title == "Border crossing closed"
    assert latest.pgh_context.metadata["user"] == reviewer.pk
    assert anonymous_title(event) == "Border crossing closed"


def test_accepting_outside_a_request_records_the_reviewer_too(
    reviewer: User, event: Event, pending: Revision
) -> None:
    workflow.accept_revision(revision=pending, user=reviewer)
    latest = event.history.select_related("pgh_context").latest("pgh_id")
    assert latest.pgh_context.metadata == {"user": reviewer.pk}


def test_a_reviewer_accepts_in_the_admin_seeing_the_diff(
    reviewer_client: Client, event: Event, pending: Revision
) -> None:
    url = reverse("admin:events_revision_change", args=[pending.pk])
    page = reviewer_client.get(url).content.decode()
    assert re.search(
        r"<th scope=\"row\">Title</th>\s*<td>“Border crossing reopened”</td>\s*"
        r"<td>“Border crossing closed”</td>",
        page,
    )

    response = reviewer_client.post(url, {"_accept": "Accept and publish"})

    assert response.status_code == 302
    assert response["Location"] == reverse("events:review")
    event.refresh_from_db()
    assert event.title == "Border crossing closed"


def test_a_reviewer_sends_back_with_a_reason(
    reviewer_client: Client, event: Event, pending: Revision
) -> None:
    url = f"{REVISIONS}{pending.pk}/send-back/"

    missing = post(reviewer_client, url)
    blank = post(reviewer_client, url, {"reason": "   "})
    sent = post(reviewer_client, url, {"reason": "The crossing is still open."})

    assert missing.status_code == 400
    assert missing.json() == {"reason": ["This field is required."]}
    assert blank.status_code == 400
    assert list(blank.json()) == ["reason"]
    assert sent.status_code == 200
    assert (sent.json()["state"], sent.json()["reason"]) == (
        "sent_back",
        "The crossing is still open.",
    )
    assert anonymous_title(event) == "Border crossing reopened"
    again = post(reviewer_client, f"{REVISIONS}{pending.pk}/accept/")
    assert again.status_code == 409
    assert again.json() == {
        "detail": "This change is no longer awaiting review: it is sent back."
    }


def test_sending_back_in_the_admin_needs_a_reason(
    reviewer_client: Client, event: Event, pending: Revision
) -> None:
    url = reverse("admin:events_revision_change", args=[pending.pk])

    refused = reviewer_client.post(url, {"_send_back": "Send back", "reason": ""})
    sent = reviewer_client.post(url, {"_send_back": "Send back", "reason": "No."})

    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    assert sent.status_code == 302
    pending.refresh_from_db()
    assert (pending.state, pending.reason) == (Revision.State.SENT_BACK, "No.")


def test_a_change_to_an_event_changed_since_is_refused_on_accept(
    reviewer: User, reviewer_client: Client, event: Event, pending: Revision
) -> None:
    patch(reviewer_client, f"{EVENTS}{event.pk}/", {"summary": "Reopened at dawn."})

    response = post(reviewer_client, f"{REVISIONS}{pending.pk}/accept/")
    page = reviewer_client.get(
        reverse("admin:events_revision_change", args=[pending.pk])
    ).content.decode()

    assert response.status_code == 409
    assert response.json()["changes"] == [
        {
            "field": "summary",
            "before": "The crossing reopened after a week.",
            "after": "Reopened at dawn.",
        }
    ]
    assert response.json()["detail"].startswith("test-reviewer changed this event at ")
    assert "The event changed since this change was proposed" in page
    assert 'name="_accept"' not in page
    event.refresh_from_db()
    assert (event.title, event.summary) == (
        "Border crossing reopened",
        "Reopened at dawn.",
    )
    pending.refresh_from_db()
    assert pending.state == Revision.State.PENDING


def test_accepting_runs_the_publication_gate_again(
    reviewer_client: Client, event: Event
) -> None:
    values = event.revision_values()
    uncited = Revision.objects.create(
        event=event,
        values={**values, "citations": []},
        base_values=values,
        base_version=event.version,
    )

    response = post(reviewer_client, f"{REVISIONS}{uncited.pk}/accept/")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "A published event needs at least one citation."
    }
    assert event.citations.count() == 1
    uncited.refresh_from_db()
    assert uncited.state == Revision.State.PENDING


def test_an_event_leaving_publication_closes_its_pending_change(
    reviewer: User, event: Event, pending: Revision
) -> None:
    workflow.retract(events=[event], user=reviewer, reason="Not confirmed.")

    pending.refresh_from_db()
    assert pending.state == Revision.State.SUPERSEDED
    assert pending.reason == (
        "Closed unreviewed: the event was moved from published to retracted."
    )


def test_one_pending_change_per_event_is_a_database_rule(
    event: Event, pending: Revision
) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Revision.objects.create(
            event=event,
            values=pending.values,
            base_values=pending.base_values,
            base_version=event.version,
        )


def test_decisions_are_for_reviewers(editor: User, pending: Revision) -> None:
    with pytest.raises(workflow.TransitionForbidden):
        workflow.accept_revision(revision=pending, user=editor)
    with pytest.raises(workflow.TransitionForbidden):
        workflow.send_back(revision=pending, user=editor, reason="Mine.")


# --- the queue ------------------------------------------------------------------------


def queue_world(editor: User, count: int) -> set[int]:
    """`count` items awaiting review, alternately events in review and changes."""
    ids = set()
    for n in range(count):
        if n % 2:
            event = published_event(title=f"Queued published {n}")
            workflow.propose(event=event, user=editor, changes={"title": f"Q {n}"})
        else:
            event = make_event(title=f"Queued draft {n}", status="in_review")
        ids.add(event.pk)
    return ids


def test_the_page_the_api_filter_and_the_feed_list_the_same_queue(
    editor: User, reviewer: User, reviewer_client: Client
) -> None:
    older = make_event(title="Submitted first", status=Event.Status.IN_REVIEW)
    changed = published_event(title="Changed second")
    workflow.propose(event=changed, user=editor, changes={"summary": "New."})
    newer = make_event(title="Submitted third", status=Event.Status.DRAFT)
    workflow.submit_for_review(events=[newer], user=editor)
    # Each step an hour apart, as requests of their own would be: in one
    # test transaction the database's now() does not move.
    hours_ago = {older: 3, changed: 2, newer: 1}
    for event, hours in hours_ago.items():
        at = timezone.now() - datetime.timedelta(hours=hours)
        event.history.update(pgh_created_at=at)
        event.revisions.update(created_at=at)
    key = FeedToken.objects.create(user=reviewer).key

    page = reviewer_client.get("/review/").content.decode()
    api = reviewer_client.get(f"{EVENTS}?awaiting_review=true&page_size=500").json()
    feed = feedparser.parse(reviewer_client.get(f"/feeds/review/{key}/").content)

    on_page = re.findall(r'<a href="/events/(\d+)/">', page)
    in_feed = [entry.title for entry in feed.entries]
    assert on_page == [str(older.pk), str(changed.pk), str(newer.pk)]
    assert {row["id"] for row in api["results"]} == {older.pk, changed.pk, newer.pk}
    assert in_feed == [
        "“Submitted first” submitted for review",
        "Change to “Changed second”",
        "“Submitted third” submitted for review",
    ]
    assert "test-editor" in page
    assert feed.entries[1].summary == "test-editor: summary."
    assert feed.entries[1].link.endswith(
        reverse("admin:events_revision_change", args=[changed.revisions.get().pk])
    )


def test_editing_an_event_in_review_keeps_its_place_in_the_queue(
    editor: User, editor_client: Client
) -> None:
    first = make_event(title="In review first", status=Event.Status.IN_REVIEW)
    make_event(title="In review second", status=Event.Status.IN_REVIEW)

    patch(editor_client, f"{EVENTS}{first.pk}/", {"summary": "Edited in review."})

    titles = [item.event.title for item in workflow.review_queue()]
    assert titles[-2:] == ["In review first", "In review second"]


@pytest.mark.parametrize("count", [3, 30])
def test_the_queue_page_costs_the_same_however_long(
    count: int, editor: User, reviewer_client: Client, django_assert_num_queries
) -> None:
    queue = queue_world(editor, count)
    reviewer_client.get("/review/")
    # The session, the user, two of permissions, the feed token, the articles
    # in review, the events in review and the changes.
    with django_assert_num_queries(8):
        response = reviewer_client.get("/review/")
    shown = {int(pk) for pk in re.findall(r'href="/events/(\d+)/"', response.text)}
    assert shown == queue


def test_awaiting_review_tells_readers_nothing(event: Event, pending: Revision):
    anonymous = Client()
    assert anonymous.get(f"{EVENTS}?awaiting_review=true").json()["results"] == []
    everything = anonymous.get(f"{EVENTS}?page_size=500").json()["results"]
    unfiltered = anonymous.get(f"{EVENTS}?awaiting_review=false&page_size=500")
    assert unfiltered.json()["results"] == everything
    refused = anonymous.get(f"{EVENTS}?awaiting_review=maybe")
    assert refused.status_code == 400
    assert list(refused.json()) == ["awaiting_review"]


def test_revisions_filter_by_state_and_event(
    editor_client: Client, event: Event, pending: Revision
) -> None:
    other = published_event(title="Another published event")
    workflow.send_back(
        revision=workflow.propose(
            event=other, user=User.objects.get(username="test-editor"),
            changes={"title": "Nope"},
        ),
        user=make_user("decider", "Reviewer"),
        reason="No.",
    )  # fmt: skip

    def ids(query: str) -> list[int]:
        return [
            row["id"] for row in editor_client.get(REVISIONS + query).json()["results"]
        ]

    sent_back = other.revisions.get().pk
    assert ids("") == [pending.pk, sent_back]
    assert ids("?state=pending") == [pending.pk]
    assert ids(f"?event={other.pk}") == [sent_back]
    assert editor_client.get(f"{REVISIONS}?state=lost").status_code == 400


def test_the_admin_index_counts_what_awaits_review(
    editor: User, reviewer_client: Client, pending: Revision
) -> None:
    make_event(title="Waiting", status=Event.Status.IN_REVIEW)
    in_review = Event.objects.filter(status=Event.Status.IN_REVIEW).count()

    page = reviewer_client.get("/admin/").content.decode()

    assert re.search(rf"Events in review</a></th>\s*<td>{in_review}</td>", page)
    assert re.search(r"Changes to published events</a></th>\s*<td>1</td>", page)


def test_the_event_page_in_the_admin_names_a_pending_change(
    reviewer_client: Client, event: Event, pending: Revision
) -> None:
    page = reviewer_client.get(change_url(event)).content.decode()
    assert "A change by test-editor\n    to title awaits review" in page
    assert reverse("admin:events_revision_change", args=[pending.pk]) in page


# --- the private feed -------------------------------------------------------------


def test_a_feed_address_is_made_and_rotated_in_the_admin(
    reviewer: User, reviewer_client: Client
) -> None:
    url = reverse("admin:events_revision_feed")
    assert "Make my feed address" in reviewer_client.get(url).content.decode()

    reviewer_client.post(url)
    first = FeedToken.objects.get(user=reviewer).key
    assert f"/feeds/review/{first}/" in reviewer_client.get(url).content.decode()
    reviewer_client.post(url)
    second = FeedToken.objects.get(user=reviewer).key

    assert second != first
    assert Client().get(f"/feeds/review/{first}/").status_code == 404
    fresh = Client().get(f"/feeds/review/{second}/")
    assert fresh.status_code == 200
    assert fresh["Cache-Control"] == "private, no-cache"


def test_a_feed_key_opens_only_its_users_feed_and_only_for_the_queue(
    analyst: User, reviewer: User
) -> None:
    analyst_key = FeedToken.objects.create(user=analyst).key
    reviewer_token = FeedToken.objects.create(user=reviewer)
    assert Client().get(f"/feeds/review/{analyst_key}/").status_code == 404
    assert Client().get("/feeds/review/not-a-key/").status_code == 404
    reviewer.is_active = False
    reviewer.save()
    assert Client().get(f"/feeds/review/{reviewer_token.key}/").status_code == 404


# --- mail to reviewers ----------------------------------------------------------------


@pytest.fixture
def mailed(reviewer: User, editor: User) -> list[str]:
    """Everyone with an address: only the reviewers among them are mailed."""
    make_user("analyst-with-mail", "Analyst")
    for user in User.objects.all():
        user.email = f"{user.username}@example.org"
        user.save()
    return ["test-reviewer@example.org"]


def test_a_proposal_mails_the_reviewers_once(
    mailed: list[str],
    editor_client: Client,
    event: Event,
    mailoutbox,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        patch(editor_client, f"{EVENTS}{event.pk}/", {"title": "Closed"})
    with django_capture_on_commit_callbacks(execute=True):
        patch(editor_client, f"{EVENTS}{event.pk}/", {"summary": "Updated."})

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == mailed
    assert (
        message.subject
        == "Zagros: a change to “Border crossing reopened” awaits review"
    )
    revision = Revision.objects.get()
    assert f"/admin/events/revision/{revision.pk}/change/" in message.body
    assert "test-editor proposed a change" in message.body


@pytest.mark.parametrize("path", ["bulk action", "change form", "api"])
def test_a_submission_mails_the_reviewers_once(
    path: str,
    mailed: list[str],
    editor_client: Client,
    mailoutbox,
    django_capture_on_commit_callbacks,
) -> None:
    draft = make_event(title="Ready for review")
    with django_capture_on_commit_callbacks(execute=True):
        if path == "bulk action":
            editor_client.post(
                "/admin/events/event/",
                {"action": "submit_for_review", "_selected_action": [draft.pk]},
            )
        elif path == "change form":
            editor_client.post(change_url(draft), form_data(draft, status="in_review"))
        else:
            patch(editor_client, f"{EVENTS}{draft.pk}/", {"status": "in_review"})
    with django_capture_on_commit_callbacks(execute=True):
        # Edited while in review: no second mail.
        patch(editor_client, f"{EVENTS}{draft.pk}/", {"summary": "More."})

    draft.refresh_from_db()
    assert draft.status == Event.Status.IN_REVIEW
    assert [(m.subject, m.to) for m in mailoutbox] == [
        ("Zagros: “Ready for review” awaits review", mailed)
    ]


# --- every persona on every new address -------------------------------------------

# (method, path, expected status per persona, in PERSONAS order: anonymous,
# analyst, editor, reviewer, admin). POST bodies are in BODIES.
MATRIX = [
    ("GET", "/review/", [302, 403, 200, 200, 200]),
    ("GET", "/feeds/review/{key}/", [404, 404, 200, 200, 200]),
    ("GET", "/feeds/review/{wrong_key}/", [404, 404, 404, 404, 404]),
    ("GET", REVISIONS, [401, 403, 200, 200, 200]),
    ("GET", REVISIONS + "{revision}/", [401, 403, 200, 200, 200]),
    ("GET", REVISIONS + "999999999/", [401, 403, 404, 404, 404]),
    ("POST", REVISIONS + "{revision}/send-back/", [401, 403, 403, 400, 400]),
    ("POST", REVISIONS + "999999999/accept/", [401, 403, 403, 404, 404]),
    ("GET", EVENTS + "?awaiting_review=true", [200, 200, 200, 200, 200]),
    ("PATCH", EVENTS + "{published}/", [401, 403, 202, 200, 200]),
    ("GET", "/admin/events/revision/", [302, 403, 200, 200, 200]),
    ("GET", "/admin/events/revision/{revision}/change/", [302, 403, 200, 200, 200]),
    ("GET", "/admin/events/revision/add/", [302, 403, 403, 403, 403]),
    ("GET", "/admin/events/revision/feed/", [302, 403, 200, 200, 200]),
    ("POST", "/admin/events/revision/{revision}/change/", [302, 403, 403, 200, 200]),
    ("POST", REVISIONS + "{revision}/accept/", [401, 403, 403, 200, 200]),
]  # fmt: skip
BODIES = {EVENTS + "{published}/": {"summary": "Changed by the matrix."}}


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_on_every_new_address(persona: str) -> None:
    client, user = persona_client(persona)
    author = make_user("matrix-editor", "Editor")
    event = published_event(title="Matrix event")
    revision = workflow.propose(event=event, user=author, changes={"title": "M"})
    names = {
        "key": (
            FeedToken.objects.create(user=user).key
            if user.is_authenticated
            else "k" * 43
        ),
        "wrong_key": "w" * 43,
        "revision": revision.pk,
        "published": published_event(title="Matrix published").pk,
    }
    wrong = []
    for method, template, expected in MATRIX:
        path = template.format(**names)
        call = getattr(client, method.lower())
        if method == "GET":
            response = call(path)
        elif path.startswith("/admin/"):
            response = call(path, {"_send_back": "x", "reason": ""})
        else:
            body = BODIES.get(template, {})
            response = call(path, json.dumps(body), content_type="application/json")
        status = expected[PERSONAS.index(persona)]
        if response.status_code != status:
            wrong.append(f"{method} {path}: {response.status_code}, expected {status}")
    assert wrong == []
