"""
The one state machine (events/workflow.py) as every path meets it: the admin's
bulk actions and change form, the API, and the importer give the same answers
about who may move an event where, what publication needs, and when an event
was first published.
"""

import datetime
import json
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from events import workflow
from events.models import Event, SourceArticle
from tests.conftest import make_event, make_user
from tests.test_admin_workbench import change_url, event_form_data

pytestmark = pytest.mark.django_db

STATUSES = list(Event.Status.values)


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def cited_event(**overrides) -> Event:
    event = make_event(**overrides)
    event.cite(SourceArticle.objects.first(), "on Sunday")
    return event


def form_data(event: Event, **overrides) -> dict:
    """The change form as posted, the event's stored citations included."""
    data = event_form_data(event, **overrides)
    citations = list(event.citations.order_by("id"))
    data["citations-TOTAL_FORMS"] = data["citations-INITIAL_FORMS"] = len(citations)
    for n, citation in enumerate(citations):
        data.update(
            {
                f"citations-{n}-id": citation.pk,
                f"citations-{n}-event": event.pk,
                f"citations-{n}-article": citation.article_id,
                f"citations-{n}-field": citation.field,
                f"citations-{n}-quote": citation.quote,
                f"citations-{n}-start": citation.start,
                f"citations-{n}-end": citation.end,
            }
        )
    return data


# --- who may move an event where -------------------------------------------------


@pytest.mark.parametrize("group", ["Editor", "Reviewer"])
@pytest.mark.parametrize("old", STATUSES)
@pytest.mark.parametrize("new", STATUSES)
def test_the_admin_form_and_the_api_allow_the_same_moves(
    group: str, old: str, new: str
) -> None:
    user = make_user(f"mover-{group}", group)
    expected = workflow.may_move(user, old, new) and workflow.valid_move(old, new)
    reason = {"retraction_reason": "Not confirmed."}

    event = cited_event(title="Moved by the form", status=old, **reason)
    form = client_for(user).post(
        change_url(event), form_data(event, status=new, **reason)
    )
    event.refresh_from_db()
    assert (event.status == new) == expected, form.content.decode()[:300]

    event = cited_event(title="Moved by the API", status=old, **reason)
    api = client_for(user).patch(
        f"/api/v1/events/{event.pk}/",
        json.dumps({"status": new, **reason}),
        content_type="application/json",
    )
    event.refresh_from_db()
    assert (event.status == new) == expected, api.content
    refusal = 403 if workflow.valid_move(old, new) else 409
    assert api.status_code == (200 if expected else refusal)


def test_an_editor_cannot_unpublish_in_the_admin_either(editor: User) -> None:
    event = cited_event(status=Event.Status.PUBLISHED)
    page = client_for(editor).get(change_url(event)).content.decode()
    assert '<option value="draft"' not in page
    assert '<option value="published" selected' in page


# --- what publication needs --------------------------------------------------------


def test_publication_needs_the_same_everywhere(reviewer: User) -> None:
    client = client_for(reviewer)
    bare = make_event(title="Uncited", location=None, geo_precision="")
    needs = "A published event needs at least one citation, a location."

    assert workflow.missing_for_publication(bare) == [
        "at least one citation",
        "a location",
    ]
    form = client.post(change_url(bare), event_form_data(bare, status="published"))
    assert needs in form.content.decode()
    api = client.patch(
        f"/api/v1/events/{bare.pk}/",
        json.dumps({"status": "published"}),
        content_type="application/json",
    )
    assert api.json() == {"status": [needs]}
    outcome = workflow.publish(events=[bare], user=reviewer)
    assert outcome.refused == [(bare, "needs at least one citation, a location")]
    bare.refresh_from_db()
    assert bare.status == Event.Status.DRAFT


# --- the first publication is kept ------------------------------------------------


def publish_by_bulk_action(user: User, event: Event) -> None:
    client_for(user).post(
        "/admin/events/event/",
        {"action": "publish", "_selected_action": [event.pk]},
    )


def publish_by_form(user: User, event: Event) -> None:
    event.refresh_from_db()
    client_for(user).post(change_url(event), form_data(event, status="published"))


def publish_by_api(user: User, event: Event) -> None:
    client_for(user).patch(
        f"/api/v1/events/{event.pk}/",
        json.dumps({"status": "published"}),
        content_type="application/json",
    )


@pytest.mark.parametrize(
    "publish", [publish_by_bulk_action, publish_by_form, publish_by_api]
)
def test_an_event_published_again_keeps_its_first_publication_time(
    reviewer: User, publish: Callable[[User, Event], None]
) -> None:
    event = cited_event(status=Event.Status.IN_REVIEW)
    publish(reviewer, event)
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    first = event.published_at
    assert first is not None

    workflow.retract(events=[event], user=reviewer, reason="Checking a detail.")
    event.refresh_from_db()
    assert (event.status, event.published_at) == (Event.Status.RETRACTED, first)
    client_for(reviewer).patch(
        f"/api/v1/events/{event.pk}/",
        json.dumps({"status": "in_review"}),
        content_type="application/json",
    )
    event.refresh_from_db()
    assert event.retraction_reason == ""

    publish(reviewer, event)
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert event.published_at == first
    assert event.updated_at > first


def test_imported_published_events_carry_their_publication_time() -> None:
    # status_fields is what the importer writes for each new event.
    before = datetime.datetime.now(datetime.UTC)
    fields = workflow.status_fields(
        status=Event.Status.PUBLISHED, published_at=None, retraction_reason="x"
    )
    assert fields["retraction_reason"] == ""
    assert fields["published_at"] >= before
    assert workflow.status_fields(
        status=Event.Status.DRAFT, published_at=None, retraction_reason=""
    ) == {"published_at": None, "retraction_reason": ""}


# --- history ------------------------------------------------------------------------


def test_restoring_a_version_that_does_not_exist_is_a_404(editor: User) -> None:
    event = make_event()
    url = reverse("admin:events_event_restore", args=[event.pk, 999_999_999])
    assert client_for(editor).post(url).status_code == 404
