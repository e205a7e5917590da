import itertools
from typing import TypedDict

from django.contrib.auth.models import User
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import BooleanField, Count, F, Func, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition

from events.api.visibility import sees_unpublished, visible_events
from events.basemap import basemap_geojson, basemap_version
from events.models import (
    Actor,
    Agreement,
    Citation,
    Event,
    EventQuerySet,
    Location,
    SourceArticle,
)

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


# --- detail pages -------------------------------------------------------------

PUBLIC_STATUSES = [Event.Status.PUBLISHED, Event.Status.RETRACTED]
DEFAULT_BORDER_KM = 50
MAX_BORDER_KM = 500


def readable_events(user) -> EventQuerySet:
    """
    Events whose own page a user may open: published ones, and retracted ones,
    which stay readable, marked with the reason. Editors also see their drafts.
    """
    if sees_unpublished(user):
        return Event.objects.all()
    return Event.objects.filter(status__in=PUBLIC_STATUSES)


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
        readable_events(request.user).select_related("location", "location__parent"),
        pk=event_id,
    )
    participants = event.participations.select_related(
        "actor", "on_behalf_of"
    ).order_by("role", "actor__name")
    citations = event.citations.select_related("article").order_by("article", "start")
    visible = visible_events(request.user)
    related = [
        {"kind": r.get_kind_display(), "event": r.to_event}
        for r in event.relations.select_related("to_event").filter(to_event__in=visible)
    ] + [
        {"kind": f"{r.get_kind_display()} (this event)", "event": r.from_event}
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
    events = (
        visible_events(request.user)
        .filter(participations__actor=actor)
        .select_related("location")
        .distinct()
        .order_by("-start_date", "-id")
    )
    by_year = (
        events.order_by()
        .annotate(year=ExtractYear("start_date"))
        .values("year")
        .annotate(total=Count("id", distinct=True))
        .order_by("year")
    )
    by_year = list(by_year)
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
    ctx = {
        "actor": actor,
        "events": events[:200],
        "by_year": by_year,
        "bars": bars,
        "chart_width": max(len(bars), 1) * 26,
        "affiliations": affiliations,
        "members": actor.members.order_by("name"),
        "roles": actor.participations.filter(event__in=visible_events(request.user))
        .values("role")
        .annotate(total=Count("id"))
        .order_by("-total"),
    }
    return render(request, "events/actor_detail.html", ctx)


def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = get_object_or_404(
        Agreement.objects.select_related("signed_at", "signing_event"), pk=agreement_id
    )
    try:
        km = int(request.GET.get("km", DEFAULT_BORDER_KM))
    except ValueError:
        km = DEFAULT_BORDER_KM
    km = min(max(km, 1), MAX_BORDER_KM)
    border = Location.objects.filter(code="IRN-IRQ").first()
    nearby = Event.objects.none()
    if border is not None and agreement.signed_on is not None:
        near_border = RawSQL(
            "ST_DWithin(events_event.point::geography, "
            "(SELECT geometry::geography FROM events_location WHERE id = %s), %s)",
            [border.pk, km * 1000],
            output_field=BooleanField(),
        )
        nearby = (
            visible_events(request.user)
            .filter(start_date__gte=agreement.signed_on, point__isnull=False)
            .filter(near_border)
            .select_related("location")
            .order_by("start_date", "id")[:200]
        )
    signing_event = agreement.signing_event
    if signing_event and not visible_events(request.user).filter(pk=signing_event.pk):
        signing_event = None
    ctx = {
        "agreement": agreement,
        "parties": agreement.party_roles.select_related("actor", "represents").order_by(
            "role", "actor__name"
        ),
        "provisions": agreement.provisions.order_by("number"),
        "citations": agreement.citations.select_related("article").order_by("start"),
        "signing_event": signing_event,
        "nearby": nearby,
        "km": km,
        "border": border,
        "shape": _geojson(agreement.signed_at),
    }
    return render(request, "events/agreement_detail.html", ctx)


def location_detail(request: HttpRequest, location_id: int) -> HttpResponse:
    location = get_object_or_404(
        Location.objects.select_related("parent"), pk=location_id
    )
    events = visible_events(request.user).select_related("location")
    if location.geometry is not None and location.kind != Location.Kind.CITY:
        # A region's events: those placed at it and those inside its shape.
        events = events.filter(
            Q(location=location) | Q(point__intersects=location.geometry)
        )
    else:
        events = events.filter(location=location)
    ctx = {
        "location": location,
        "events": events.order_by("-start_date", "-id")[:200],
        "children": location.children.order_by("name")[:100],
        "shape": _geojson(location),
    }
    return render(request, "events/location_detail.html", ctx)


def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(SourceArticle, pk=article_id)
    visible = visible_events(request.user)
    citations = [
        citation
        for citation in article.citations.select_related("event", "agreement").order_by(
            "start", "end"
        )
        if citation.agreement_id or citation.event in visible
    ]
    try:
        focus = int(request.GET.get("citation", ""))
    except ValueError:
        focus = None
    ctx = {
        "article": article,
        "pieces": _quote_pieces(article.body, citations, focus=focus),
        "citations": citations,
        "focus": focus,
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
            "events": Event.objects.published().count(),
            "articles": SourceArticle.objects.count(),
        },
        "event_types": Event.Type.choices,
    }
    return render(request, "events/about.html", ctx)
