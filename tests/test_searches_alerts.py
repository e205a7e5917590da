"""
Saved searches' alerts end to end: events published by a reviewer are
matched by a real worker of the job queue (a process of its own,
tests/conftest.py), and reach the search's webhook (a real HTTP receiver on
127.0.0.1), its mail digest (Django's file backend in the worker) and its
private Atom feed (read by feedparser), each exactly once. A receiver that
fails is tried again with backoff, and given up after the last attempt.

The worker reads committed rows, so these tests commit: the database is
emptied after each, and the seed is put back when the module is done.
"""

import datetime
import email
import hashlib
import hmac
import itertools
import json

import feedparser
import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.db import transaction
from django.test import Client
from django.utils import timezone

from events import workflow
from events.models import Event, FeedToken, Location, SourceArticle
from searches import alerts
from searches.models import Delivery, SavedSearch
from tests.conftest import (
    MAIL_DIR,
    TEST_WEBHOOK_ATTEMPTS,
    Worker,
    load_groups,
    make_user,
)
from tests.feedserver import FeedServer

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seed_restored_afterwards"),
]

HOOK = "/hook"


@pytest.fixture
def server(feed_server: FeedServer, intake_worker: Worker) -> FeedServer:
    feed_server.reset()
    return feed_server


@pytest.fixture
def reviewer() -> User:
    load_groups()  # a flush after an earlier test took them
    return make_user("alerts-reviewer", "Reviewer")


@pytest.fixture
def analyst() -> User:
    load_groups()
    user = make_user("alerts-analyst", "Analyst")
    user.email = "analyst@example.org"
    user.save()
    return user


def draft(title: str, **fields) -> Event:
    """A draft ready to publish, at a place and citing an article of its own
    (an earlier test's flush took the seed's)."""
    place, _ = Location.objects.get_or_create(
        code="ALERTS-PENJWEN",
        defaults={
            "name": "Penjwen",
            "kind": Location.Kind.CITY,
            "country_code": "IRQ",
            "point": Point(45.94, 35.62, srid=4326),
        },
    )
    article, _ = SourceArticle.objects.get_or_create(
        title="Alerts report",
        defaults={"publisher": "Border Wire", "body": "Fighting on Sunday."},
    )
    event = Event.objects.create(
        title=title,
        location=place,
        geo_precision="exact",
        start_date=datetime.date(2024, 6, 1),
        end_date=datetime.date(2024, 6, 1),
        **fields,
    )
    event.cite(article, "on Sunday")
    return event


def publish(reviewer: User, *events: Event) -> None:
    with transaction.atomic():
        outcome = workflow.publish(events=list(events), user=reviewer)
    assert len(outcome.done) == len(events), outcome.refused


def save_search(owner: User, **fields) -> SavedSearch:
    with transaction.atomic():
        search = SavedSearch.objects.create(
            owner=owner,
            name=fields.pop("name", "Battles"),
            filters=fields.pop("filters", {"type": ["battle"]}),
            **fields,
        )
        FeedToken.objects.get_or_create(user=owner)
    return search


def hook_bodies(server: FeedServer) -> list[dict]:
    return [
        json.loads(request.body)
        for request in server.requests_for(HOOK)
        if request.method == "POST"
    ]


def feed_entries(search: SavedSearch) -> list[str]:
    key = FeedToken.objects.get(user=search.owner).key
    response = Client().get(search.feed_path(key))
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return [entry.link for entry in parsed.entries]


def test_a_new_matching_event_reaches_feed_and_webhook_exactly_once(
    server: FeedServer, intake_worker: Worker, analyst: User, reviewer: User
) -> None:
    server.serve(HOOK, "ok", content_type="text/plain")
    # Published before the search was saved: not news to it.
    earlier = draft("Earlier clash at the border", event_type=Event.Type.BATTLE)
    publish(reviewer, earlier)
    search = save_search(analyst, webhook_url=server.url(HOOK))
    battle = draft("Clash near Penjwen", event_type=Event.Type.BATTLE)
    statement = draft("Statement on the border", event_type=Event.Type.STATEMENT)

    publish(reviewer, battle, statement)
    intake_worker.wait_for_jobs()

    bodies = hook_bodies(server)
    assert len(bodies) == 1, intake_worker.tail()
    body = bodies[0]
    assert [feature["id"] for feature in body["features"]] == [battle.pk]
    assert body["features"][0]["properties"]["title"] == "Clash near Penjwen"
    assert body["features"][0]["properties"]["url"].endswith(f"/events/{battle.pk}/")
    assert body["search"]["id"] == search.pk
    # The signature: HMAC-SHA256 of the body under the search's secret.
    request = server.requests_for(HOOK)[0]
    expected = hmac.new(
        search.webhook_secret.encode(), request.body, hashlib.sha256
    ).hexdigest()
    assert request.headers["x-zagros-signature"] == f"sha256={expected}"
    assert request.headers["content-type"] == "application/geo+json"

    # Matched again (the minutely job, another publication, the event
    # changed and published again): nothing is sent twice.
    with transaction.atomic():
        alerts.defer_match()
    intake_worker.wait_for_jobs()
    other = draft("Another statement", event_type=Event.Type.STATEMENT)
    publish(reviewer, other)
    intake_worker.wait_for_jobs()
    assert len(hook_bodies(server)) == 1
    delivery = Delivery.objects.get(search=search)
    assert (delivery.event_id, delivery.webhook) == (battle.pk, "sent")

    links = feed_entries(search)
    assert [link for link in links if link.endswith(f"/events/{battle.pk}/")] == [
        f"http://testserver/events/{battle.pk}/"
    ]
    assert not any(link.endswith(f"/events/{statement.pk}/") for link in links)

    # The next matching event is the next request, alone.
    second = draft("Second clash", event_type=Event.Type.BATTLE)
    publish(reviewer, second)
    intake_worker.wait_for_jobs()
    bodies = hook_bodies(server)
    assert [[f["id"] for f in body["features"]] for body in bodies] == [
        [battle.pk],
        [second.pk],
    ]


def test_a_failing_receiver_is_tried_again_with_backoff(
    server: FeedServer, intake_worker: Worker, analyst: User, reviewer: User
) -> None:
    # Down for the first two attempts, up for the third.
    server.serve(HOOK, "ok", content_type="text/plain", failures=2)
    search = save_search(analyst, webhook_url=server.url(HOOK))
    battle = draft("Clash at Haji Omaran", event_type=Event.Type.BATTLE)

    publish(reviewer, battle)
    intake_worker.wait_for_jobs(timeout=90)

    requests = server.requests_for(HOOK)
    assert len(requests) == 3, intake_worker.tail()
    # The same events, the same delivery id, waiting longer each time.
    assert len({request.body for request in requests}) <= 3
    assert len({request.headers["x-zagros-delivery"] for request in requests}) == 1
    assert {
        tuple(f["id"] for f in json.loads(r.body)["features"]) for r in requests
    } == {(battle.pk,)}
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(requests)]
    assert gaps[0] >= 1.0 and gaps[1] >= 2.0, gaps
    search.refresh_from_db()
    assert search.webhook_failures == 0 and search.webhook_succeeded_at is not None
    assert Delivery.objects.get(search=search).webhook == "sent"


def test_a_receiver_that_never_answers_well_is_given_up(
    server: FeedServer, intake_worker: Worker, analyst: User, reviewer: User
) -> None:
    server.serve(HOOK, "no", status=500, content_type="text/plain")
    search = save_search(analyst, webhook_url=server.url(HOOK))
    publish(reviewer, draft("Clash at Bashmakh", event_type=Event.Type.BATTLE))
    intake_worker.wait_for_jobs(timeout=90)

    assert len(server.requests_for(HOOK)) == TEST_WEBHOOK_ATTEMPTS
    search.refresh_from_db()
    assert search.webhook_failures == TEST_WEBHOOK_ATTEMPTS
    assert "answered 500" in search.webhook_error
    assert Delivery.objects.get(search=search).webhook == "failed"
    # The search's page says so.
    client = Client()
    client.force_login(search.owner)
    page = client.get(search.get_absolute_url()).content.decode()
    assert "answered 500" in page


def test_a_webhook_to_a_private_address_not_allowed_is_refused(
    server: FeedServer, intake_worker: Worker, analyst: User, reviewer: User
) -> None:
    # 127.0.0.2 is loopback, and not among FETCH_ALLOWED_HOSTS.
    search = save_search(analyst, webhook_url=f"http://127.0.0.2:{server.port}{HOOK}")
    publish(reviewer, draft("Clash at Sulaymaniyah", event_type=Event.Type.BATTLE))
    intake_worker.wait_for_jobs(timeout=90)
    search.refresh_from_db()
    assert "loopback" in search.webhook_error
    assert not server.requests_for(HOOK)


def read_mail() -> list[email.message.Message]:
    messages = []
    for path in sorted(MAIL_DIR.glob("*.log")):
        messages.append(email.message_from_bytes(path.read_bytes()))
    return messages


def test_the_digest_mails_each_new_event_once(
    server: FeedServer, intake_worker: Worker, analyst: User, reviewer: User
) -> None:
    for path in MAIL_DIR.glob("*.log"):
        path.unlink()
    search = save_search(analyst, digest=SavedSearch.Digest.DAILY)
    battle = draft("Clash at Qasr-e Shirin", event_type=Event.Type.BATTLE)
    publish(reviewer, battle)
    intake_worker.wait_for_jobs()
    assert Delivery.objects.get(search=search).mail == "pending"

    # The hourly task finds the digest due; a second run finds nothing.
    for _ in range(2):
        now = int(timezone.now().timestamp())
        with transaction.atomic():
            alerts.defer_once("searches.send_digests", f"digests-{now}", timestamp=now)
        intake_worker.wait_for_jobs()

    messages = read_mail()
    assert len(messages) == 1, intake_worker.tail()
    message = messages[0]
    assert message["To"] == "analyst@example.org"
    assert "Battles" in message["Subject"]
    text = message.get_payload(decode=True).decode()
    assert "Clash at Qasr-e Shirin" in text and f"/events/{battle.pk}/" in text
    assert Delivery.objects.get(search=search).mail == "sent"
