"""
Every persona against every page, admin view and API endpoint, in one table;
then every public surface checked for drafts.
"""

import datetime
import json

import pytest
from django.core.cache import cache

from events.models import Event, Location, SourceArticle
from intake.models import Source
from tests.conftest import PERSONAS, make_event, persona_client

pytestmark = pytest.mark.django_db

SECRET = "Quokka"

# (method, path, expected status per persona, in PERSONAS order). Paths may
# name {published}, {draft} and {article}; POST bodies are in BODIES.
MATRIX = [
    ("GET", "/", [200, 200, 200, 200, 200]),
    ("GET", "/timeline/", [200, 200, 200, 200, 200]),
    ("GET", "/map/", [200, 200, 200, 200, 200]),
    ("GET", "/maps/events.geojson", [200, 200, 200, 200, 200]),
    ("GET", "/about/", [200, 200, 200, 200, 200]),
    ("GET", "/events/{published}/", [200, 200, 200, 200, 200]),
    ("GET", "/events/{draft}/", [404, 404, 200, 200, 200]),
    ("GET", "/articles/{article}/", [200, 200, 200, 200, 200]),
    ("GET", "/admin/", [302, 200, 200, 200, 200]),
    ("GET", "/admin/events/event/", [302, 200, 200, 200, 200]),
    ("GET", "/admin/events/event/add/", [302, 403, 200, 200, 200]),
    # Drafts reach no analyst, in the admin as anywhere else: the admin
    # answers as for an event that does not exist.
    ("GET", "/admin/events/event/{draft}/change/", [302, 302, 200, 200, 200]),
    ("GET", "/admin/events/event/{draft}/history/", [302, 404, 200, 200, 200]),
    ("GET", "/admin/events/sourcearticle/add/", [302, 403, 200, 200, 200]),
    # Curating is for editors and reviewers: an analyst reads the results.
    ("GET", "/admin/events/sourcearticle/{article}/curate/",
     [302, 403, 200, 200, 200]),
    ("GET", "/admin/events/sourcearticle/{article}/curate/state/",
     [302, 403, 200, 200, 200]),
    ("GET", "/admin/events/sourcearticle/curate/places/?q=Tehran",
     [302, 403, 200, 200, 200]),
    ("GET", "/admin/events/sourcearticle/curate/actors/?q=Araji",
     [302, 403, 200, 200, 200]),
    ("POST", "/admin/events/sourcearticle/{article}/curate/save/",
     [302, 403, 400, 400, 400]),
    ("POST", "/admin/events/sourcearticle/{article}/curate/discard/",
     [302, 403, 400, 400, 400]),
    ("POST", "/admin/events/sourcearticle/{article}/curate/metadata/",
     [302, 403, 400, 400, 400]),
    ("POST", "/admin/events/sourcearticle/curate/places/",
     [302, 403, 400, 400, 400]),
    ("GET", "/admin/auth/user/", [302, 403, 403, 403, 200]),
    ("GET", "/api/v1/", [200, 200, 200, 200, 200]),
    ("GET", "/api/v1/events/", [200, 200, 200, 200, 200]),
    ("GET", "/api/v1/events/{draft}/", [404, 404, 200, 200, 200]),
    ("GET", "/api/v1/events/timeline/", [200, 200, 200, 200, 200]),
    ("GET", "/api/v1/actors/", [200, 200, 200, 200, 200]),
    ("GET", "/api/v1/locations/", [200, 200, 200, 200, 200]),
    ("GET", "/api/v1/agreements/", [200, 200, 200, 200, 200]),
    ("GET", "/api/v1/articles/", [200, 200, 200, 200, 200]),
    ("GET", "/api/v1/schema/", [200, 200, 200, 200, 200]),
    ("GET", "/feeds/events/", [200, 200, 200, 200, 200]),
    ("GET", "/ogc/collections/events/items", [200, 200, 200, 200, 200]),
    ("POST", "/api/v1/events/", [401, 403, 201, 201, 201]),
    ("POST", "/api/v1/actors/", [401, 403, 201, 201, 201]),
    ("POST", "/api/v1/suggestions/", [401, 403, 200, 200, 200]),
    # An analyst is refused before any lookup, so a draft's existence is
    # not given away.
    ("PATCH", "/api/v1/events/{draft}/", [401, 403, 200, 200, 200]),
    ("PATCH", "/api/v1/events/999999999/", [401, 403, 404, 404, 404]),
    ("DELETE", "/api/v1/events/{draft}/", [401, 403, 403, 403, 204]),
    # Intake: analysts read sources, editors add and change them; the inbox
    # and an article's stored suggestions are for those who curate.
    ("GET", "/api/v1/sources/", [401, 200, 200, 200, 200]),
    ("GET", "/api/v1/sources/{source}/", [401, 200, 200, 200, 200]),
    ("GET", "/api/v1/articles/?source={source}", [200, 200, 200, 200, 200]),
    ("POST", "/api/v1/sources/", [401, 403, 201, 201, 201]),
    ("PATCH", "/api/v1/sources/{source}/", [401, 403, 200, 200, 200]),
    ("DELETE", "/api/v1/sources/{source}/", [401, 403, 403, 403, 204]),
    ("GET", "/api/v1/articles/{article}/suggestions/", [401, 403, 200, 200, 200]),
    ("GET", "/inbox/", [302, 403, 200, 200, 200]),
    ("GET", "/admin/intake/source/", [302, 200, 200, 200, 200]),
    ("GET", "/admin/intake/source/add/", [302, 403, 200, 200, 200]),
    ("GET", "/admin/intake/item/", [302, 200, 200, 200, 200]),
    ("GET", "/admin/procrastinate/procrastinatejob/", [302, 403, 403, 403, 200]),
    ("GET", "/now/", [200, 200, 200, 200, 200]),
    # Saved searches: everyone signed in keeps their own (tests/test_searches.py
    # tries each persona on another's).
    ("GET", "/searches/", [302, 200, 200, 200, 200]),
    ("GET", "/searches/new/?type=battle", [302, 200, 200, 200, 200]),
    ("GET", "/api/v1/searches/", [401, 200, 200, 200, 200]),
    ("POST", "/api/v1/searches/", [401, 201, 201, 201, 201]),
]  # fmt: skip

BODIES = {
    "/api/v1/events/": {
        "title": "Matrix event", "event_type": "statement",
        "start_date": "2024-01-02", "date_precision": "day",
    },
    "/api/v1/actors/": {"name": "Matrix actor", "kind": "other"},
    "/api/v1/suggestions/": {"text": "Officials met in Baghdad on Sunday."},
    "/api/v1/events/{draft}/": {"summary": "Changed by the matrix."},
    # Each refused as incomplete by those who may curate: nothing changes.
    "/admin/events/sourcearticle/{article}/curate/save/": {"action": "submit"},
    "/admin/events/sourcearticle/{article}/curate/discard/": {"start": -1},
    "/admin/events/sourcearticle/{article}/curate/metadata/": {"values": "x"},
    "/admin/events/sourcearticle/curate/places/": {"name": ""},
    "/api/v1/sources/": {
        "name": "Matrix wire", "url": "https://wire.example/matrix.xml", "kind": "rss",
    },
    "/api/v1/sources/{source}/": {"poll_interval": 30},
    "/api/v1/searches/": {"name": "Matrix search", "filters": {"type": "battle"}},
}  # fmt: skip


@pytest.fixture
def draft() -> Event:
    return make_event(
        title=f"{SECRET} draft of a border clash",
        summary="Quokka clash near the border",
        location=Location.objects.get(code="IQ-KR"),
        geo_precision="region",
        start_date=datetime.date(2023, 3, 19),
        end_date=datetime.date(2023, 3, 19),
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(persona: str, draft: Event) -> None:
    cache.clear()  # the anonymous API throttle counts across tests
    client, _ = persona_client(persona)
    names = {
        "published": Event.objects.published().first().pk,
        "draft": draft.pk,
        "article": SourceArticle.objects.first().pk,
        "source": Source.objects.create(
            name="Matrix source", url="https://wire.example/m.xml", kind="rss"
        ).pk,
    }
    wrong = []
    for method, template, expected in MATRIX:
        path = template.format(**names)
        body = BODIES.get(template) if method in ("POST", "PATCH") else None
        call = getattr(client, method.lower())
        response = (
            call(path, json.dumps(body), content_type="application/json")
            if body is not None
            else call(path)
        )
        status = expected[PERSONAS.index(persona)]
        if response.status_code != status:
            wrong.append(f"{method} {path}: {response.status_code}, expected {status}")
    assert wrong == []


PUBLIC_SURFACES = [
    "/",
    "/timeline/",
    "/timeline/?q=quokka",
    "/timeline/?start=2023-03&end=2023-03",
    "/maps/events.geojson?zoom=5",
    "/maps/events.geojson?zoom=12",
    "/articles/{article}/",
    "/ogc/collections/events/items?limit=1000",
    "/ogc/collections/events/items?datetime=2023-03-19",
    "/api/v1/events/?q=quokka",
    "/api/v1/events/timeline/?interval=day",
    "/feeds/events/?q=quokka",
]


@pytest.mark.parametrize("persona", ["anonymous", "analyst"])
def test_drafts_never_reach_a_public_surface(persona: str, draft: Event) -> None:
    cache.clear()
    article = SourceArticle.objects.first()
    draft.cite(article, "Factions based in Iraq")
    client, _ = persona_client(persona)
    leaks = []
    for template in PUBLIC_SURFACES:
        path = template.format(article=article.pk)
        response = client.get(path)
        assert response.status_code == 200, path
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        ).decode()
        if SECRET in body or f"/events/{draft.pk}/" in body:
            leaks.append(path)
    assert leaks == []
    # Counts too: the timeline totals only published events.
    data = client.get("/api/v1/events/timeline/", {"interval": "year"}).json()
    assert sum(row["count"] for row in data["results"]) == (
        Event.objects.published().count()
    )
