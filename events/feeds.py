"""
The Atom feeds at /feeds/: the events feed, with the API's event filters.
Each entry links its event's page and its source articles, and events that
leave a reader's view appear as RFC 6721 deleted entries, so feed readers drop
them instead of keeping a retracted event forever.

Private feeds (the review queue) are read by one user's feed reader, which
cannot sign in: the user's FeedToken key in the address authenticates it.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.gis.feeds import Feed, GeoAtom1Feed
from django.contrib.gis.geos import Point
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.feedgenerator import Atom1Feed, rfc3339_date
from django.utils.html import escape

from events import workflow
from events.filters import EventFilterSet
from events.http import (
    AnonRateThrottle,
    body_etag,
    mark_revalidate,
    read_only,
    validation_status,
)
from events.models import Citation, Event, FeedToken
from events.sync import tombstones

FEED_SIZE = 50
# How far back removals are announced when the feed holds every entry.
REMOVALS_WINDOW = datetime.timedelta(days=30)
TOMBSTONES_NS = "http://purl.org/atompub/tombstones/1.0"


class TrackerAtomFeed(GeoAtom1Feed):
    """Atom with related links per entry and RFC 6721 deleted entries."""

    def root_attributes(self) -> dict:
        attributes = super().root_attributes()
        attributes["xmlns:at"] = TOMBSTONES_NS
        return attributes

    def add_item_elements(self, handler, item: dict) -> None:
        super().add_item_elements(handler, item)
        for related in item.get("related", []):
            handler.addQuickElement("link", "", related)

    def write_items(self, handler) -> None:
        super().write_items(handler)
        for deleted in self.feed.get("deleted", []):
            handler.startElement(
                "at:deleted-entry",
                {"ref": deleted["ref"], "when": rfc3339_date(deleted["when"])},
            )
            if deleted["comment"]:
                handler.addQuickElement("at:comment", deleted["comment"])
            handler.endElement("at:deleted-entry")


@dataclass
class Selection:
    """What one request of the feed asked for, and who asked."""

    events: QuerySet
    user: AbstractBaseUser | AnonymousUser
    request: HttpRequest
    entries: list[Event] | None = None  # read once, by `EventFeed.items`


class InvalidFilters(Exception):
    def __init__(self, errors: dict, status: int) -> None:
        super().__init__("invalid filters")
        self.errors = errors
        self.status = status


class EventFeed(Feed):
    """
    The most recently changed events that match the filters, newest first,
    with GeoRSS points. Readers see what they would see in the API.
    """

    feed_type = TrackerAtomFeed
    title = "Zagros: events"
    author_name = "Zagros"
    subtitle = "Sourced, mapped geopolitical events, most recently changed first."
    link = "/api/v1/events/"

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        throttle = AnonRateThrottle()
        if not throttle.allow_request(request, None):
            wait = throttle.wait() or 1
            response = JsonResponse(
                {"detail": f"Too many requests; try again in {wait:.0f} seconds."},
                status=429,
            )
            response["Retry-After"] = f"{wait:.0f}"
            return response
        try:
            response = super().__call__(request, *args, **kwargs)
        except InvalidFilters as invalid:
            return JsonResponse(invalid.errors, status=invalid.status)
        response["ETag"] = body_etag(response.content)
        mark_revalidate(request, response)
        return get_conditional_response(
            request, etag=response["ETag"], response=response
        )

    def get_object(self, request: HttpRequest, *args, **kwargs) -> Selection:
        filterset = EventFilterSet(
            data=request.GET,
            queryset=Event.objects.visible_to(request.user),
            request=request,
        )
        if not filterset.is_valid():
            errors = filterset.errors.as_data()
            raise InvalidFilters(
                {
                    name: [m for e in errs for m in e.messages]
                    for name, errs in errors.items()
                },
                validation_status([e.code for errs in errors.values() for e in errs]),
            )
        return Selection(filterset.qs, request.user, request)

    def items(self, selection: Selection) -> list[Event]:
        if selection.entries is not None:
            return selection.entries
        articles = Citation.objects.select_related("article").only(
            "event_id", "article__url", "article__title", "article__publisher"
        )
        selection.entries = list(
            selection.events.select_related("location")
            .prefetch_related(Prefetch("citations", queryset=articles))
            .order_by("-updated_at", "-id")[:FEED_SIZE]
        )
        for event in selection.entries:
            # The sources, each once, by address: the article itself, or its
            # page here when it was pasted without one.
            related = {}
            for citation in event.citations.all():
                article = citation.article
                href = article.url or selection.request.build_absolute_uri(
                    article.get_absolute_url()
                )
                related[href] = {
                    "rel": "related",
                    "href": href,
                    "title": article.publisher or article.title,
                }
            event.related_links = list(related.values())
        return selection.entries

    def feed_extra_kwargs(self, selection: Selection) -> dict:
        # Removals as far back as the entries go: a reader that saw an entry
        # learns it is gone.
        entries = self.items(selection)
        since = (
            entries[-1].updated_at
            if len(entries) == FEED_SIZE
            else timezone.now() - REMOVALS_WINDOW
        )
        request = selection.request
        return {
            **super().feed_extra_kwargs(selection),
            "deleted": [
                {
                    "ref": request.build_absolute_uri(
                        reverse("events:event", args=[tombstone["id"]])
                    ),
                    "when": tombstone["changed_at"],
                    "comment": tombstone["retraction_reason"],
                }
                for tombstone in tombstones(user=selection.user, since=since).removed
            ],
        }

    def item_extra_kwargs(self, event: Event) -> dict:
        return {**super().item_extra_kwargs(event), "related": event.related_links}

    def item_title(self, event: Event) -> str:
        return event.title

    def item_description(self, event: Event) -> str:
        # Atom summaries are typed html: the text is escaped to stay text.
        place = f" — {event.location.name}" if event.location else ""
        return escape(f"{event.date_display()}{place}. {event.summary}")

    def item_link(self, event: Event) -> str:
        try:
            return event.get_absolute_url()
        except (AttributeError, NoReverseMatch):
            return reverse("api:event-detail", args=[event.pk])

    def item_pubdate(self, event: Event) -> datetime.datetime:
        return event.published_at or event.created_at

    def item_updateddate(self, event: Event) -> datetime.datetime:
        return event.updated_at

    def item_author_name(self, event: Event) -> str:
        return "Zagros"

    def item_categories(self, event: Event) -> list[str]:
        categories = [event.get_event_type_display()]
        if event.location and event.location.country_code:
            categories.append(event.location.country_code)
        return categories

    def item_geometry(self, event: Event) -> Point | None:
        return event.point


def kept_private(response: HttpResponse) -> HttpResponse:
    """
    A private feed's answer is for its one reader only: no shared cache keeps
    it, and the address, which holds the key, is not sent on as a referrer.
    """
    response["Cache-Control"] = "private, no-cache"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


class PrivateFeed(Feed):
    """
    A feed for one user, named by the key of their FeedToken in its address.
    An unknown key, or a user the feed is not for, is a 404 that tells
    nothing of which keys exist. Subclasses say who may read them and take
    `get_object`'s user to choose their items.
    """

    feed_type = Atom1Feed
    author_name = "Zagros"

    def may_read(self, user: AbstractBaseUser) -> bool:
        raise NotImplementedError

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return kept_private(super().__call__(request, *args, **kwargs))

    def get_object(self, request: HttpRequest, key: str) -> AbstractBaseUser:
        user = FeedToken.objects.user_for(key)
        if user is None or not self.may_read(user):
            raise Http404("No feed at this address.")
        return user


class ReviewFeed(PrivateFeed):
    """The reviewers' queue, oldest first, as on the review page."""

    title = "Zagros: awaiting review"
    subtitle = (
        "Events submitted for review and changes proposed to published events, "
        "oldest first."
    )

    def may_read(self, user: AbstractBaseUser) -> bool:
        return workflow.may_see_queue(user)

    def link(self) -> str:
        return reverse("events:review")

    def items(self, user: AbstractBaseUser) -> list[workflow.QueueItem]:
        return workflow.review_queue()[:FEED_SIZE]

    def item_title(self, item: workflow.QueueItem) -> str:
        if item.revision is not None:
            return f"Change to “{item.event.title}”"
        return f"“{item.event.title}” submitted for review"

    def item_description(self, item: workflow.QueueItem) -> str:
        return escape(f"{item.who}: {', '.join(item.what)}.")

    def item_link(self, item: workflow.QueueItem) -> str:
        return item.review_url

    def item_pubdate(self, item: workflow.QueueItem) -> datetime.datetime:
        return item.since

    def item_updateddate(self, item: workflow.QueueItem) -> datetime.datetime:
        return (item.revision or item.event).updated_at

    def item_author_name(self, item: workflow.QueueItem) -> str:
        return item.who


app_name = "feeds"
urlpatterns = [
    path("events/", read_only(EventFeed()), name="events"),
    path("review/<str:key>/", read_only(ReviewFeed()), name="review"),
]
