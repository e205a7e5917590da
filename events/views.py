import datetime
import hashlib
import itertools
import re

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    Sum,
    Value,
)
from django.db.models.expressions import RawSQL
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition

from events import lookup, workflow
from events.basemap import basemap_geojson, basemap_version
from events.filters import DATE_RULES, SORTS, EventFilterSet, EventOrder
from events.mapdata import map_geojson
from events.models import (
    Actor,
    ActorRole,
    ActorYear,
    Agreement,
    Citation,
    Event,
    EventMonth,
    EventMonthQuerySet,
    EventQuerySet,
    EventRelation,
    FeedToken,
    Location,
    Participant,
    RowCount,
    SourceArticle,
    period_bounds,
    sees_unpublished,
)
from events.queries import data_version, narrowed, rows_after

RECENT_EVENTS = 10
# What a list of events (templates/events/_event_list.html) shows of each: not
# the place's outline, which a country's events would carry hundreds of times.
LISTED_FIELDS = [
    "title",
    "event_type",
    "start_date",
    "end_date",
    "date_precision",
    "status",
    "location__name",
]


def _listed(events: EventQuerySet) -> EventQuerySet:
    """Events read for a list: their own fields and their place's name."""
    return events.select_related("location").only(*LISTED_FIELDS)


# A page's list of events, a page at a time, each page following the last
# row of the one before ("?after=2022-11-14.123"): a probe of the date index
# however deep the page, where an offset would count every row before it.
LIST_PAGE_SIZE = 50
LIST_AFTER = re.compile(r"^(\d{4}-\d{2}-\d{2})\.(\d{1,18})$")


def _first_rows(events: EventQuerySet, count: int) -> list[Event]:
    """
    The first `count` events of a page's list. Read, as every page is,
    without parallel workers (the connection's setting): they are the first
    few rows of an index walk, and starting workers costs more than they save
    (94 ms against 1 ms for a province's page at a million events), though
    the planner, not knowing how few rows a spatial filter drops, expects
    otherwise.
    """
    return list(narrowed(events[:count]))


def _page(
    events: EventQuerySet, query: QueryDict, *, size: int, newest_first: bool
) -> tuple[list[Event], str | None]:
    """
    The page of `events` after the row `query["after"]` names, in date order
    (newest first if asked), and the query string of the next page if any.
    """
    order = ("-start_date", "-id") if newest_first else ("start_date", "id")
    events = events.order_by(*order)
    if after := LIST_AFTER.match(query.get("after", "")):
        day, pk = datetime.date.fromisoformat(after[1]), int(after[2])
        later = "lt" if newest_first else "gt"
        events = events.filter(
            Q(**{f"start_date__{later}": day})
            | Q(start_date=day, **{f"id__{later}": pk})
        )
    rows = _first_rows(events, size + 1)
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    following = query.copy()
    following["after"] = f"{rows[-1].start_date.isoformat()}.{rows[-1].pk}"
    return rows, following.urlencode()


def index(request: HttpRequest) -> HttpResponse:
    visible = Event.objects.visible_to(request.user)
    ctx = {
        "counts": {
            # Every visible event, from the monthly counts: no count(*) of
            # a million rows.
            "events": EventMonth.objects.visible_to(request.user).total(),
            "actors": Actor.objects.count(),
            "agreements": Agreement.objects.count(),
            "locations": Location.objects.count(),
            "articles": RowCount.of(SourceArticle),
        },
        "recent_events": _listed(visible).order_by("-start_date", "-id")[
            :RECENT_EVENTS
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


# --- detail pages -------------------------------------------------------------

# A relation read from the other end: "B is part of A" says "A includes B".
INVERSE_RELATION = {
    EventRelation.Kind.CAUSED_BY: "Led to",
    EventRelation.Kind.RESPONSE_TO: "Drew a response",
    EventRelation.Kind.PART_OF: "Includes",
}
DEFAULT_BORDER_KM = 50
MAX_BORDER_KM = 500


def _geojson(location: Location | None) -> str | None:
    """A location's shape for a small map, simplified to about a kilometre."""
    if location is None or location.geometry is None:
        return None
    simplified = Location.objects.filter(pk=location.pk).annotate(
        shape=AsGeoJSON(
            Func(
                F("geometry"),
                Value(0.01),
                function="ST_SimplifyPreserveTopology",
                output_field=GeometryField(srid=4326),
            ),
            precision=5,
        )
    )
    return simplified.values_list("shape", flat=True).first()


def _history(event: Event) -> list[dict]:
    rows = []
    snapshots = list(
        event.history.select_related("pgh_context").order_by("-pgh_id")[:50]
    )
    users = dict(
        User.objects.filter(
            pk__in={
                (s.pgh_context.metadata or {}).get("user")
                for s in snapshots
                if s.pgh_context
            }
        ).values_list("pk", "username")
    )
    for snapshot in snapshots:
        metadata = snapshot.pgh_context.metadata if snapshot.pgh_context else {}
        rows.append(
            {
                "at": snapshot.pgh_created_at,
                "label": snapshot.pgh_label,
                "user": users.get(metadata.get("user"), "system"),
                "status": snapshot.get_status_display(),
                "version": snapshot.version,
            }
        )
    return rows


def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_object_or_404(
        Event.objects.addressable_by(request.user).select_related(
            "location", "location__parent"
        ),
        pk=event_id,
    )
    participants = event.participations.select_related(
        "actor", "on_behalf_of"
    ).order_by("role", "actor__name")
    citations = event.citations.select_related("article").order_by("article", "start")
    visible = Event.objects.visible_to(request.user)
    related = [
        {"kind": r.get_kind_display(), "event": r.to_event}
        for r in event.relations.select_related("to_event").filter(to_event__in=visible)
    ] + [
        {"kind": INVERSE_RELATION[r.kind], "event": r.from_event}
        for r in event.inverse_relations.select_related("from_event").filter(
            from_event__in=visible
        )
    ]
    ctx = {
        "event": event,
        "participants": participants,
        "citations": citations,
        "related": related,
        "shape": _geojson(event.location),
        "point": event.point.geojson if event.point else None,
        "history": _history(event) if sees_unpublished(request.user) else None,
    }
    return render(request, "events/event_detail.html", ctx)


def actor_detail(request: HttpRequest, actor_id: int) -> HttpResponse:
    actor = get_object_or_404(Actor.objects.select_related("parent"), pk=actor_id)
    # Each event once, however many roles the actor had in it: a semi-join.
    events = _listed(
        Event.objects.visible_to(request.user).filter(
            Exists(Participant.objects.filter(event=OuterRef("pk"), actor=actor))
        )
    )
    # The chart and the roles from the counts the database keeps per actor.
    by_year = list(
        ActorYear.objects.visible_to(request.user)
        .filter(actor_id=actor.pk)
        .values("year")
        .annotate(total=Sum("count"))
        .order_by("year")
    )
    tallest = max((row["total"] for row in by_year), default=1)
    bars = []
    for index, row in enumerate(by_year):
        height = round(50 * row["total"] / tallest)
        bars.append(
            {
                **row,
                "x": index * 26 + 4,
                "y": 52 - height,
                "height": height,
                "label_x": index * 26 + 13,
            }
        )
    affiliations = []
    parent = actor.parent
    while parent is not None and parent not in affiliations and len(affiliations) < 10:
        affiliations.append(parent)
        parent = parent.parent
    page, next_query = _page(
        events, request.GET, size=LIST_PAGE_SIZE, newest_first=True
    )
    ctx = {
        "actor": actor,
        "events": page,
        "next_query": next_query,
        "by_year": by_year,
        "bars": bars,
        "chart_width": max(len(bars), 1) * 26,
        "affiliations": affiliations,
        "members": actor.members.order_by("name"),
        "roles": ActorRole.objects.visible_to(request.user)
        .filter(actor_id=actor.pk)
        .values("role")
        .annotate(total=Sum("count"))
        .order_by("-total", "role"),
    }
    return render(request, "events/actor_detail.html", ctx)


def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = get_object_or_404(
        Agreement.objects.with_visible_signing_event(request.user).select_related(
            "signed_at", "signing_event"
        ),
        pk=agreement_id,
    )
    try:
        km = int(request.GET.get("km", DEFAULT_BORDER_KM))
    except ValueError:
        km = DEFAULT_BORDER_KM
    km = min(max(km, 1), MAX_BORDER_KM)
    border = Location.objects.filter(code="IRN-IRQ").first()
    nearby, next_query = [], None
    if border is not None and agreement.signed_on is not None:
        near_border = RawSQL(
            "ST_DWithin(events_event.point::geography, "
            "(SELECT geometry::geography FROM events_location WHERE id = %s), %s)",
            [border.pk, km * 1000],
            output_field=BooleanField(),
        )
        nearby, next_query = _page(
            _listed(
                Event.objects.visible_to(request.user)
                .filter(start_date__gte=agreement.signed_on, point__isnull=False)
                .filter(near_border)
            ),
            request.GET,
            size=LIST_PAGE_SIZE,
            newest_first=False,
        )
    ctx = {
        "agreement": agreement,
        "parties": agreement.party_roles.select_related("actor", "represents").order_by(
            "role", "actor__name"
        ),
        "provisions": agreement.provisions.order_by("number"),
        "citations": agreement.citations.select_related("article").order_by("start"),
        "signing_event": agreement.signing_event
        if agreement.visible_signing_event_id
        else None,
        "nearby": nearby,
        "next_query": next_query,
        "km": km,
        "border": border,
        "shape": _geojson(agreement.signed_at),
    }
    return render(request, "events/agreement_detail.html", ctx)


def location_detail(request: HttpRequest, location_id: int) -> HttpResponse:
    location = get_object_or_404(
        Location.objects.select_related("parent"), pk=location_id
    )
    events = _listed(Event.objects.visible_to(request.user))
    if location.geometry is not None and location.kind != Location.Kind.CITY:
        # A region's events: those placed at it and those inside its shape.
        events = events.filter(
            Q(location=location) | Q(point__intersects=location.geometry)
        )
    else:
        events = events.filter(location=location)
    page, next_query = _page(
        events, request.GET, size=LIST_PAGE_SIZE, newest_first=True
    )
    ctx = {
        "location": location,
        "events": page,
        "next_query": next_query,
        "children": location.children.order_by("name")[:100],
        "shape": _geojson(location),
    }
    return render(request, "events/location_detail.html", ctx)


def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(
        SourceArticle.objects.select_related("duplicate_of", "source"), pk=article_id
    )
    citations = list(
        article.citations.visible_to(request.user)
        .select_related("event", "agreement")
        .order_by("start", "end")
    )
    try:
        focus = int(request.GET.get("citation", ""))
    except ValueError:
        focus = None
    ctx = {
        "article": article,
        "pieces": _quote_pieces(article.body, citations, focus=focus),
        "citations": citations,
        "focus": focus,
        "copies": list(article.duplicates.only("id", "title", "publisher")),
    }
    return render(request, "events/article_detail.html", ctx)


def _quote_pieces(
    body: str, citations: list[Citation], *, focus: int | None
) -> list[dict]:
    """The body in runs, each cited run marked with the citations covering it."""
    cuts = sorted(
        {0, len(body), *(c.start for c in citations), *(c.end for c in citations)}
    )
    pieces = []
    for start, end in itertools.pairwise(cuts):
        covering = [c for c in citations if c.start <= start and end <= c.end]
        pieces.append(
            {
                "text": body[start:end],
                "citations": covering,
                "starts": [c for c in citations if c.start == start],
                "focus": any(c.pk == focus for c in covering),
            }
        )
    return pieces


def about(request: HttpRequest) -> HttpResponse:
    ctx = {
        "counts": {
            "events": EventMonth.objects.visible_to(request.user).total(),
            "articles": RowCount.of(SourceArticle),
        },
        "event_types": Event.Type.choices,
    }
    return render(request, "events/about.html", ctx)


def review(request: HttpRequest) -> HttpResponse:
    """The reviewers' queue: everything awaiting review, oldest first."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not workflow.may_see_queue(request.user):
        raise PermissionDenied
    token = FeedToken.objects.filter(user=request.user).first()
    # The articles the events in review were made from, each reviewed on its
    # curation screen: all of an article's events at once.
    articles = (
        SourceArticle.objects.filter(citations__event__status=Event.Status.IN_REVIEW)
        .annotate(waiting=Count("citations__event", distinct=True))
        .order_by("pk")
        .values("pk", "title", "waiting")
    )
    ctx = {
        "articles": [
            {
                **row,
                "url": reverse("admin:events_sourcearticle_curate", args=[row["pk"]]),
            }
            for row in articles
        ],
        "items": workflow.review_queue(),
        "feed_url": reverse("feeds:review", args=[token.key]) if token else None,
        "feed_admin_url": reverse("admin:events_revision_feed"),
    }
    return render(request, "events/review.html", ctx)


# --- timeline and map -----------------------------------------------------------

TIMELINE_PAGE_SIZE = 50
# A bound on cached aggregates, besides the data version in their keys.
CACHE_SECONDS = 300
# A timeline page's start: [vague.]start_date.id of the event before it.
AFTER = re.compile(r"^(?:([01])\.)?(\d{4}-\d{2}-\d{2})\.(\d{1,18})$")


def _filtered(request: HttpRequest) -> EventFilterSet:
    return EventFilterSet(
        data=request.GET,
        queryset=Event.objects.visible_to(request.user),
        request=request,
    )


def _filter_choices() -> dict:
    """
    Options for the filter form shared by the timeline, the live view and
    the map. Actors are found as the reader types (actor_lookup), among
    every actor; the chosen ones are named by the form's template tag.
    """
    regions = Location.objects.filter(
        kind__in=[Location.Kind.REGION, Location.Kind.BORDER, Location.Kind.ADMIN1]
    ).order_by("kind", "name")
    return {
        "types": Event.Type.choices,
        "countries": Location.objects.filter(kind=Location.Kind.COUNTRY).order_by(
            "name"
        ),
        "regions": regions,
        "date_rules": DATE_RULES,
        "sorts": SORTS,
    }


MAX_LOOKUP_TEXT = 100


def actor_lookup(request: HttpRequest) -> JsonResponse:
    """Actors whose names or aliases match `q`, for the filter forms."""
    text = request.GET.get("q", "")
    if len(text) > MAX_LOOKUP_TEXT or "\x00" in text:
        return JsonResponse(
            {"q": [f"At most {MAX_LOOKUP_TEXT} characters, no NUL."]}, status=400
        )
    response = JsonResponse({"results": lookup.actor_suggestions(text)})
    patch_cache_control(response, public=True, max_age=60)
    return response


def _period_label(event: Event) -> str:
    if event.date_precision == "year":
        return f"{event.start_date.year} (date known to the year)"
    return event.start_date.strftime("%B %Y")


def _periods(first: datetime.date, last: datetime.date, interval: str):
    """Every period from the one holding `first` to the one holding `last`."""
    day = period_bounds(first, interval)[0]
    while day <= last:
        yield day
        day = period_bounds(day, interval)[1] + datetime.timedelta(days=1)


def _chart(
    events: EventQuerySet, query: QueryDict, months: EventMonthQuerySet | None = None
) -> dict:
    """
    Counts per period and type, as stacked bars that narrow the view on click.
    With `months` (the view unfiltered: the monthly counts of the same events,
    kept by the database), the counts come from those, not from the events.
    """
    span = events.aggregate(first=Min("start_date"), last=Max("start_date"))
    if span["first"] is None:
        return {"bars": [], "interval": None, "types": []}
    interval = "year" if (span["last"] - span["first"]).days > 3 * 366 else "month"
    if months is None:
        counts = events.counts_by_period(interval)
    else:
        counts = months.counts_by_period(interval)
    # Events known less precisely than the interval (only to their year, on a
    # monthly chart) belong to no bar: counted apart, not piled on January.
    periods: dict[datetime.date, dict[str, int]] = {}
    coarse = 0
    for row in counts:
        if row["precision"]:
            coarse += row["count"]
        else:
            periods.setdefault(row["period"], {})[row["event_type"]] = row["count"]
    if not periods:
        return {"bars": [], "interval": interval, "types": [], "coarse": coarse}
    periods = {
        day: periods.get(day, {})
        for day in _periods(min(periods), max(periods), interval)
    }
    tallest = max(sum(counts.values()) for counts in periods.values()) or 1
    labels = dict(Event.Type.choices)
    width = 640 / max(len(periods), 1)
    bars = []
    for index, (period, counts) in enumerate(periods.items()):
        first, last = period_bounds(period, interval)
        narrowed = query.copy()
        narrowed["start"], narrowed["end"] = first.isoformat(), last.isoformat()
        narrowed.pop("after", None)
        y = 150.0
        segments = []
        for event_type, total in sorted(counts.items()):
            height = 140 * total / tallest
            y -= height
            segments.append(
                {"type": event_type, "label": labels[event_type], "total": total,
                 "y": _svg(y), "height": _svg(height)}
            )  # fmt: skip
        bars.append(
            {
                "x": _svg(index * width),
                "width": _svg(max(width - 1, 1)),
                "label": str(period.year) if interval == "year" else f"{period:%b %Y}",
                "total": sum(counts.values()),
                "segments": segments,
                "href": "?" + narrowed.urlencode(),
            }
        )
    step = max(1, len(bars) // 8)
    return {
        "bars": bars,
        "ticks": bars[::step],
        "interval": interval,
        "coarse": coarse,
        "types": sorted({s["type"] for b in bars for s in b["segments"]}),
        "labels": labels,
    }


def _svg(length: float) -> str:
    """A length in the chart, as text: the template writes it as it is,
    where a number would go through localisation, hundreds of times a chart."""
    return f"{round(length, 2):g}"


def cache_key(*parts: object) -> str:
    """A short, safe cache key for any parts (a query string among them)."""
    return "zagros:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _cached_chart(request: HttpRequest, events: EventQuerySet) -> dict:
    """The chart for these filters and this reader, until the data changes."""
    query = _without(request.GET, "after")
    key = cache_key(
        "timeline-chart", data_version(), sees_unpublished(request.user), query
    )
    # Unfiltered, the chart counts every event the reader may see.
    months = None if query else EventMonth.objects.visible_to(request.user)
    return cache.get_or_set(
        key, lambda: _chart(events, request.GET, months), timeout=CACHE_SECONDS
    )


def timeline(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    errors = None
    order = None
    if filterset.is_valid():
        order = filterset.order()
        events = order.apply(filterset.qs.select_related("location"))
    else:
        errors = filterset.errors
        events = Event.objects.none()
    page = events
    position = _read_after(request.GET.get("after", ""), order)
    if position is not None:
        page = rows_after(events, order.keys, position)
    page = _first_rows(
        page.prefetch_related("participations__actor"), TIMELINE_PAGE_SIZE + 1
    )
    more = len(page) > TIMELINE_PAGE_SIZE
    page = page[:TIMELINE_PAGE_SIZE]
    next_query = None
    if more:
        query = request.GET.copy()
        query["after"] = _write_after(page[-1], order)
        next_query = query.urlencode()
    for event in page:
        event.period_label = _period_label(event)
    ctx = {
        "events": page,
        "next_query": next_query,
        "newest_first": order is not None and order.keys[-1][1],
        "errors": errors,
        # Counts do not depend on the order.
        "chart": (_cached_chart(request, filterset.qs) if errors is None else None),
        "params": request.GET,
        "query": _without(request.GET, "after"),
        **_filter_choices(),
    }
    return render(request, "events/timeline.html", ctx)


def _write_after(event: Event, order: EventOrder) -> str:
    """Where the next page starts: the last event's place in the order."""
    position = f"{event.start_date.isoformat()}.{event.pk}"
    if order.keys[0][0] == "vague":
        position = f"{int(event.vague)}.{position}"
    return position


def _read_after(text: str, order: EventOrder | None) -> tuple | None:
    """`after` as values of the order's keys; None for the first page (or a
    position that is not one, which shows the first page)."""
    found = AFTER.match(text)
    if found is None or order is None:
        return None
    vague, day, pk = found[1], datetime.date.fromisoformat(found[2]), int(found[3])
    if order.keys[0][0] == "vague":
        return (vague == "1", day, pk)
    return (day, pk)


NOW_EVENTS = 50
# Seconds between two polls of the live view; its pages read this.
NOW_POLL_SECONDS = 5


def now(request: HttpRequest) -> HttpResponse:
    """
    What is happening now: the latest published events, most recently
    published first, with the timeline's filters. The page polls the API's
    `updated_since` and puts events published meanwhile at the top.
    """
    filterset = _filtered(request)
    errors = None
    if filterset.is_valid():
        events = (
            filterset.qs.filter(status=Event.Status.PUBLISHED)
            .select_related("location")
            .order_by("-published_at", "-id")[:NOW_EVENTS]
        )
    else:
        errors = filterset.errors
        events = Event.objects.none()
    ctx = {
        "events": list(events),
        "errors": errors,
        "params": request.GET,
        "query": _without(request.GET, "after", "sort"),
        # The server's clock starts the polls: the first asks for what
        # changed from the moment this list was read.
        "since": timezone.now().isoformat(),
        "poll_seconds": NOW_POLL_SECONDS,
        "api_url": reverse("api:event-list"),
        **_filter_choices(),
        "sorts": None,  # always most recently published first
    }
    return render(request, "events/now.html", ctx)


def event_map(request: HttpRequest) -> HttpResponse:
    years = Event.objects.visible_to(request.user).aggregate(
        first=Min("start_date"), last=Max("end_date")
    )
    filterset = _filtered(request)
    ctx = {
        "params": request.GET,
        "query": _without(request.GET, "after"),
        "errors": None if filterset.is_valid() else filterset.errors,
        "first_year": years["first"].year if years["first"] else 2000,
        "last_year": years["last"].year if years["last"] else 2000,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        **_filter_choices(),
        # A map has no order to choose; the timeline's rides along, hidden,
        # for the link back to it.
        "sorts": None,
    }
    return render(request, "events/map.html", ctx)


def map_data(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    if not filterset.is_valid():
        return JsonResponse(filterset.errors, status=400)
    zoom_text = request.GET.get("zoom", "5")
    if not zoom_text.isdigit() or not 0 <= int(zoom_text) <= 20:
        return JsonResponse({"zoom": ["A whole number from 0 to 20."]}, status=400)
    document = map_geojson(filterset.qs, zoom=int(zoom_text))
    return HttpResponse(document, content_type="application/geo+json")


def _without(query: QueryDict, *names: str) -> str:
    copy = query.copy()
    for name in names:
        copy.pop(name, None)
    return copy.urlencode()


def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico on pages that do not name an icon (the admin).
    return HttpResponsePermanentRedirect(static("favicon.svg"))
