from typing import TypedDict

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition

from events.basemap import basemap_geojson, basemap_version
from events.models import Actor, Agreement, Event, Location, SourceArticle

RECENT_EVENTS = 10


class Section(TypedDict):
    title: str
    url: str | None


def section(title: str, url_name: str) -> Section:
    """A part of the site, with its URL only once that URL exists.

    Pages land one issue at a time; an unbuilt page is named without a link so
    the index never points at a 404.
    """
    try:
        url = reverse(url_name)
    except NoReverseMatch:
        url = None
    return {"title": title, "url": url}


def index(request: HttpRequest) -> HttpResponse:
    # Drafts, events in review and retracted events are never public: every
    # event shown or counted here comes from published().
    published = Event.objects.published()
    ctx = {
        "counts": {
            "events": published.count(),
            "actors": Actor.objects.count(),
            "agreements": Agreement.objects.count(),
            "locations": Location.objects.count(),
            "articles": SourceArticle.objects.count(),
        },
        "recent_events": published.select_related("location").order_by(
            "-start_date", "-id"
        )[:RECENT_EVENTS],
        "sections": [
            section("Admin", "admin:index"),
            section("Timeline", "events:timeline"),
            section("Map", "events:map"),
            section("API", "api:root"),
        ],
    }
    return render(request, "events/index.html", ctx)


@condition(etag_func=lambda request: basemap_version())
def basemap(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        basemap_geojson(basemap_version()), content_type="application/geo+json"
    )
    patch_cache_control(response, public=True, max_age=3600)
    return response
