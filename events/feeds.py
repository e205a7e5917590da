"""The Atom feed of events at /feeds/events/, with the API's event filters."""

import datetime

from django.contrib.gis.feeds import Feed, GeoAtom1Feed
from django.contrib.gis.geos import Point
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.cache import get_conditional_response
from django.utils.html import escape

from events.filters import EventFilterSet
from events.http import AnonRateThrottle, body_etag, mark_revalidate, read_only
from events.models import Event

FEED_SIZE = 50


class InvalidFilters(Exception):
    def __init__(self, errors: dict) -> None:
        super().__init__("invalid filters")
        self.errors = errors


class EventFeed(Feed):
    """
    The most recently changed events that match the filters, newest first,
    with GeoRSS points. Readers see what they would see in the API.
    """

    feed_type = GeoAtom1Feed
    title = "Zagros: events"
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
            return JsonResponse(invalid.errors, status=400)
        response["ETag"] = body_etag(response.content)
        mark_revalidate(request, response)
        return get_conditional_response(
            request, etag=response["ETag"], response=response
        )

    def get_object(self, request: HttpRequest, *args, **kwargs) -> QuerySet:
        filterset = EventFilterSet(
            data=request.GET,
            queryset=Event.objects.visible_to(request.user),
            request=request,
        )
        if not filterset.is_valid():
            raise InvalidFilters(
                {name: list(messages) for name, messages in filterset.errors.items()}
            )
        return filterset.qs

    def items(self, events: QuerySet) -> list[Event]:
        return list(
            events.select_related("location").order_by("-updated_at", "-id")[:FEED_SIZE]
        )

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

    def item_categories(self, event: Event) -> list[str]:
        return [event.get_event_type_display()]

    def item_geometry(self, event: Event) -> Point | None:
        return event.point


app_name = "feeds"
urlpatterns = [path("events/", read_only(EventFeed()), name="events")]
