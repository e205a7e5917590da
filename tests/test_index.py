import datetime
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils.html import escape
from pytest_django import DjangoAssertNumQueries

from events.models import Actor, Agreement, Event, Location, SourceArticle
from tests.conftest import make_event


class LocalLinks(HTMLParser):
    """The site-relative hrefs of <a> and <link> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") or ""
        if tag in ("a", "link") and href.startswith("/") and not href.startswith("//"):
            self.hrefs.add(href)


def local_links(html: str) -> set[str]:
    parser = LocalLinks()
    parser.feed(html)
    return parser.hrefs


@pytest.fixture
def published_titles(db) -> list[str]:
    """Titles of the ten most recent published events, newest first."""
    return list(
        Event.objects.published()
        .order_by("-start_date", "-id")
        .values_list("title", flat=True)[:10]
    )


def get_index(client: Client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_index_is_public(client: Client, db) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert response.templates[0].name == "events/index.html"


def test_index_counts_match_the_database(client: Client, db) -> None:
    expected = {
        "events": Event.objects.published().count(),
        "actors": Actor.objects.count(),
        "agreements": Agreement.objects.count(),
        "locations": Location.objects.count(),
        "articles": SourceArticle.objects.count(),
    }

    response = client.get("/")

    assert response.context["counts"] == expected
    html = response.content.decode()
    for label, key in [
        ("Published events", "events"),
        ("Actors", "actors"),
        ("Agreements", "agreements"),
        ("Places", "locations"),
        ("Source articles", "articles"),
    ]:
        assert f"<dt>{label}</dt><dd>{expected[key]}</dd>" in html


def test_index_lists_recent_published_events_newest_first(
    client: Client, published_titles: list[str]
) -> None:
    assert published_titles, "the demo data has published events"

    response = client.get("/")

    assert [e.title for e in response.context["recent_events"]] == published_titles
    html = response.content.decode()
    positions = [html.index(escape(title)) for title in published_titles]
    assert positions == sorted(positions)


def test_index_shows_date_type_and_place_of_each_event(client: Client, db) -> None:
    event = make_event(
        title="Border crossing reopened",
        event_type=Event.Type.MEETING,
        start_date=datetime.date(2099, 1, 2),
        end_date=datetime.date(2099, 1, 2),
        status=Event.Status.PUBLISHED,
    )

    html = get_index(client)

    [row] = [li for li in html.split("<li>") if "Border crossing reopened" in li]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
    assert text == f"2 Jan 2099 Meeting Border crossing reopened {event.location.name}"


@pytest.mark.parametrize(
    "status", [Event.Status.DRAFT, Event.Status.IN_REVIEW, Event.Status.RETRACTED]
)
def test_index_never_shows_or_counts_unpublished_events(
    client: Client, db, status: str
) -> None:
    published = Event.objects.published().count()
    # Dated after every demo event, so it would head the recent list if it leaked.
    make_event(
        title="Secret draft",
        start_date=datetime.date(2099, 1, 1),
        end_date=datetime.date(2099, 1, 1),
        status=status,
        retraction_reason="Wrong place" if status == Event.Status.RETRACTED else "",
    )

    response = client.get("/")

    assert "Secret draft" not in response.content.decode()
    assert response.context["counts"]["events"] == published


def test_index_links_to_the_admin(client: Client, db) -> None:
    html = get_index(client)

    assert '<a href="/admin/">Admin</a>' in html


def test_index_credits_the_map_data(client: Client, db) -> None:
    html = get_index(client)

    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert (
        "Boundaries: Natural Earth (public domain). "
        "Place names: GeoNames (geonames.org), CC BY 4.0" in text
    )
    assert 'href="https://www.naturalearthdata.com/"' in html
    assert 'href="https://www.geonames.org/"' in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in html


def test_index_links_every_section(client: Client, db) -> None:
    html = get_index(client)

    for href in ["/timeline/", "/map/", "/api/v1/", "/feeds/events/", "/ogc/"]:
        assert f'href="{href}"' in html


def test_index_has_no_dead_links(client: Client, db) -> None:
    links = local_links(get_index(client))

    assert "/admin/" in links
    assert any(href.startswith("/static/") for href in links)
    for href in sorted(links):
        assert client.get(href).status_code in (200, 302), href


def test_index_query_count_is_bounded(
    client: Client, db, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for day in range(1, 16):
        make_event(
            title=f"Published {day}",
            start_date=datetime.date(2099, 1, day),
            end_date=datetime.date(2099, 1, day),
            status=Event.Status.PUBLISHED,
        )

    with django_assert_max_num_queries(8):
        get_index(client)
