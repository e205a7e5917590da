"""
The Atom feed as a reader follows a story: entries link their sources, name
an author, carry the type and country as categories, and events that leave
the reader's view come back as RFC 6721 deleted entries.
"""

import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from events import workflow
from events.models import Event, Location, SourceArticle
from tests.conftest import make_event

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
AT = "{http://purl.org/atompub/tombstones/1.0}"


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


def read_feed(client: Client, **query) -> ET.Element:
    response = client.get("/feeds/events/", query)
    assert response.status_code == 200
    return ET.fromstring(response.content)


def entry_for(feed: ET.Element, event: Event) -> ET.Element:
    for entry in feed.iter(f"{ATOM}entry"):
        if entry.findtext(f"{ATOM}id").endswith(f"/events/{event.pk}/"):
            return entry
    raise AssertionError(f"no entry for event {event.pk}")


@pytest.fixture
def sourced() -> Event:
    event = make_event(
        title="Sourced in two articles",
        status=Event.Status.PUBLISHED,
        location=Location.objects.get(code="IRQ"),
    )
    seed = SourceArticle.objects.get()
    pasted = SourceArticle.objects.create(
        title="A pasted article", publisher="", body="Pasted text, cited here."
    )
    event.cite(seed, "on Sunday")
    event.cite(pasted, "cited here")
    return event


def test_each_entry_links_its_sources_and_names_an_author(sourced: Event) -> None:
    entry = entry_for(read_feed(Client()), sourced)
    related = [
        (link.get("href"), link.get("title"))
        for link in entry.findall(f"{ATOM}link")
        if link.get("rel") == "related"
    ]
    seed = SourceArticle.objects.exclude(title="A pasted article").get()
    pasted = SourceArticle.objects.get(title="A pasted article")
    assert sorted(related) == sorted(
        [
            (seed.url or f"http://testserver/articles/{seed.pk}/", seed.publisher),
            (f"http://testserver/articles/{pasted.pk}/", "A pasted article"),
        ]
    )
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Zagros"
    categories = [c.get("term") for c in entry.findall(f"{ATOM}category")]
    assert categories == ["Statement", "IRQ"]


def test_a_retracted_event_becomes_a_deleted_entry(
    sourced: Event, reviewer: User
) -> None:
    workflow.retract(events=[sourced], user=reviewer, reason="Not confirmed.")
    feed = read_feed(Client())

    ids = [entry.findtext(f"{ATOM}id") for entry in feed.iter(f"{ATOM}entry")]
    assert not any(i.endswith(f"/events/{sourced.pk}/") for i in ids)
    deleted = [
        (element.get("ref"), element.findtext(f"{AT}comment"))
        for element in feed.iter(f"{AT}deleted-entry")
    ]
    assert (f"http://testserver/events/{sourced.pk}/", "Not confirmed.") in deleted
    when = feed.find(f"{AT}deleted-entry").get("when")
    assert when.endswith("Z") or "+" in when  # RFC 3339, with its offset


def test_a_deleted_event_becomes_a_deleted_entry(sourced: Event) -> None:
    ref = f"http://testserver/events/{sourced.pk}/"
    sourced.delete()
    refs = [e.get("ref") for e in read_feed(Client()).iter(f"{AT}deleted-entry")]
    assert ref in refs


def test_a_draft_that_was_never_published_leaves_no_trace() -> None:
    draft = make_event(title="Never published")
    ref = f"http://testserver/events/{draft.pk}/"
    draft.delete()
    refs = [e.get("ref") for e in read_feed(Client()).iter(f"{AT}deleted-entry")]
    assert ref not in refs


def test_a_feed_reader_sees_sources_authors_and_places(sourced: Event) -> None:
    response = Client().get("/feeds/events/")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    [entry] = [e for e in feed.entries if e.id.endswith(f"/events/{sourced.pk}/")]
    assert entry.author == "Zagros"
    assert {link.rel for link in entry.links} == {"alternate", "related"}
    assert [tag.term for tag in entry.tags] == ["Statement", "IRQ"]
    assert entry.where["type"] == "Point"
