from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import APIRootView

from events import workflow
from events.api import formats
from events.api.http import ConditionalMixin, Conflict, check_if_match
from events.api.pagination import (
    BY_RANK,
    TOMBSTONES_SCHEMA,
    EventPagination,
    KeysetPagination,
    Ordering,
    after,
    page_size,
    paginate,
    read_cursor,
    read_tombstones_after,
    tombstones_next,
)
from events.api.schema import GEOJSON_FEATURE, GEOJSON_FEATURE_COLLECTION
from events.api.serializers import (
    ActorSerializer,
    AgreementSerializer,
    ArticleListSerializer,
    ArticleSerializer,
    EventInputSerializer,
    EventListSerializer,
    EventSerializer,
    LocationListSerializer,
    LocationSerializer,
    RevisionSerializer,
    SendBackSerializer,
    with_embedded,
    with_embedded_json,
)
from events.api.suggestions import CanCurate
from events.filters import (
    ActorFilterSet,
    AgreementFilterSet,
    ArticleFilterSet,
    EventFilterSet,
    LocationFilterSet,
    RevisionFilterSet,
    TextRank,
)
from events.http import CONFLICT, body_etag, mark_revalidate
from events.models import (
    Actor,
    Agreement,
    AgreementParty,
    Citation,
    DatePrecision,
    Event,
    Location,
    Revision,
    SourceArticle,
)
from events.queries import bulk_read
from events.sync import tombstones
from intake import polling

EXPORT_FORMATS = {"geojson", "csv", "acled"}
CSV_DESCRIPTION = (
    "One row per matching event (no pagination). `format=csv`: the tracker's "
    "columns, then ACLED's codes (docs/api.md). `format=acled`: ACLED's export "
    "layout, `event_id_cnty` to `timestamp` with ACLED's labels and codes, "
    "which pandas code written for ACLED's files reads unchanged and "
    "`import_events --format acled` reads back (docs/interoperability.md)."
)
# Error answers (400, 401, 403, 404, ...) are documented for every operation
# by events.api.schema.AutoSchema; only what is particular to an operation
# is said here.
EVENT_WRITE_RESPONSES = {
    200: EventSerializer,
    202: OpenApiResponse(
        RevisionSerializer,
        description="A change to a published event by an editor: held for "
        "review (`Location` names it); the event is unchanged.",
    ),
    409: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="`version` is not the current one, or someone else's "
        "change to this published event awaits review.",
    ),
    412: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="If-Match names none of the event's current ETags.",
    ),
}
LIST_DEFERRED = ["search_vector"]  # not shown
INTERVALS = list(DatePrecision.values)  # day, week, month, year
EVENT_ETAG = re.compile(r'"(\d{1,10})(?:-[0-9a-f]*)?"')


class FilterBackend(filters.DjangoFilterBackend):
    """django-filter's backend, keeping the filterset for the view to read."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view) -> QuerySet:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            # The messages as the form rendered them: django-filter's
            # translate_validation formats them again, and a "%" quoted from
            # the value ("?end=%25s") then breaks the formatting (a 500).
            # The codes are kept: an id naming nothing answers 404 (http.py).
            raise exceptions.ValidationError(
                {
                    name: [
                        ErrorDetail(" ".join(error.messages), error.code or "invalid")
                        for error in errors
                    ]
                    for name, errors in filterset.errors.as_data().items()
                }
            )
        view.filterset = filterset
        return filterset.qs


class RootView(ConditionalMixin, APIRootView):
    """The API's entry points."""

    def get(self, request: Request, *args, **kwargs) -> Response:
        response = super().get(request, *args, **kwargs)
        build = request.build_absolute_uri
        response.data.update(
            {
                "timeline": build(reverse("api:event-timeline")),
                "feed": build(reverse("feeds:events")),
                "schema": build(reverse("api:schema")),
                "docs": build(reverse("api:docs")),
            }
        )
        return response


class PageMixin:
    """Keyset-paginated JSON lists: {"next": url or null, "results": [...]}."""

    ordering: Ordering = Ordering("id", (("id", False),))
    pagination_class = KeysetPagination
    list_serializer_class: type[serializers.Serializer] | None = None

    def get_serializer_class(self) -> type[serializers.Serializer]:
        # Through here, the schema documents lists with the fields they have.
        if self.action == "list" and self.list_serializer_class is not None:
            return self.list_serializer_class
        return super().get_serializer_class()

    def list(self, request: Request, *args, **kwargs) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = paginate(request, queryset, self.ordering)
        serializer = self.get_serializer_class()(
            page.rows, many=True, context=self.get_serializer_context()
        )
        return page_response(page.next_url, serializer.data)

    def get_object(self):
        # Filters select rows of lists; a detail URL names its object.
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_success_headers(self, data: dict) -> dict:
        # DRF would take `url`, which for an article is the article's address.
        return {
            "Location": self.request.build_absolute_uri(
                reverse(f"api:{self.basename}-detail", args=[data["id"]])
            )
        }


def page_response(next_url: str | None, results: list, **extra) -> Response:
    response = Response({"next": next_url, "results": results, **extra})
    if next_url:
        response["Link"] = f'<{next_url}>; rel="next"'
    return response


class LockedUpdateMixin:
    """
    Updates and deletes that honour If-Match: the row is locked, its current
    ETag compared, then the change saved, so two writers cannot both pass.
    """

    def current_etag(self, instance) -> str:
        serializer = self.get_serializer(instance)
        return body_etag(JSONRenderer().render(serializer.data))

    def locked_object(self):
        return get_object_or_404(
            self.get_queryset().select_for_update(), pk=self.kwargs["pk"]
        )

    def update(self, request: Request, *args, partial: bool = False, **kwargs):
        with transaction.atomic():
            instance = self.locked_object()
            etag = self.current_etag(instance)
            check_if_match(request, lambda tag: tag == etag)
            serializer = self.get_serializer(
                instance, data=request.data, partial=partial
            )
            serializer.is_valid(raise_exception=True)
            serializer.save()
        return Response(self.get_serializer(serializer.instance).data)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        with transaction.atomic():
            instance = self.locked_object()
            etag = self.current_etag(instance)
            check_if_match(request, lambda tag: tag == etag)
            instance.delete()
        return Response(status=204)


@extend_schema_view(
    list=extend_schema(
        summary="List events",
        # Also here: spectacular keeps one response description per status,
        # not one per media type.
        description="Events you may see that pass the filters: pages of JSON, "
        "or every one of them streamed as GeoJSON or CSV (`format`). "
        + CSV_DESCRIPTION,
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=["json", "geojson", "csv", "acled"],
                description="json (default, paginated), geojson (an RFC 7946 "
                "FeatureCollection of every matching event, streamed), csv "
                "(one row per event, ACLED-like columns, streamed) or acled "
                "(ACLED's own 31 columns, order, labels and codes, streamed; "
                "reads back with `import_events --format acled`). "
                "`Accept: application/geo+json` or `text/csv` work too "
                "(`text/csv` gives csv).",
            ),
        ],
        responses={
            (200, "application/json"): EventSerializer(many=True),
            (200, "application/geo+json"): OpenApiResponse(
                GEOJSON_FEATURE_COLLECTION,
                description=GEOJSON_FEATURE_COLLECTION["description"],
            ),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description=CSV_DESCRIPTION
            ),
        },
    ),
    retrieve=extend_schema(
        summary="One event",
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=["json", "geojson"],
                description="geojson: a GeoJSON Feature.",
            )
        ],
        responses={
            (200, "application/json"): EventSerializer,
            (200, "application/geo+json"): OpenApiResponse(GEOJSON_FEATURE),
        },
    ),
    create=extend_schema(
        summary="Create an event (editors)",
        request=EventInputSerializer,
        responses={201: EventSerializer},
    ),
    update=extend_schema(
        summary="Replace an event (editors; If-Match honoured)",
        description="An editor's change to a published event is held for "
        "review: the answer is 202 with the change, and the event stays as "
        "published until a reviewer accepts it.",
        request=EventInputSerializer,
        responses=EVENT_WRITE_RESPONSES,
    ),
    partial_update=extend_schema(
        summary="Change an event (editors; If-Match honoured)",
        description="As for a replacement: an editor's change to a published "
        "event answers 202 and waits for review.",
        request=EventInputSerializer,
        responses=EVENT_WRITE_RESPONSES,
    ),
    destroy=extend_schema(summary="Delete an event (If-Match honoured)"),
)
class EventViewSet(ConditionalMixin, PageMixin, viewsets.ModelViewSet):
    """
    Events. Anonymous visitors and analysts read published events only;
    editors and reviewers read every status and write.
    """

    serializer_class = EventSerializer
    filterset_class = EventFilterSet
    filter_backends = [FilterBackend]
    # Every format the events speak; DRF then sends `Vary: Accept`.
    renderer_classes = [
        JSONRenderer,
        formats.GeoJSONRenderer,
        formats.CSVRenderer,
        formats.ACLEDRenderer,
    ]
    pagination_class = EventPagination
    lookup_value_regex = "[0-9]+"
    queryset = Event.objects.none()  # for permissions and the schema
    filterset: EventFilterSet | None = None
    object_version: int | None = None

    def get_queryset(self) -> QuerySet:
        return Event.objects.visible_to(self.request.user)

    def get_renderers(self) -> list:
        if self.action == "list":
            renderers = self.renderer_classes
        elif self.action == "retrieve":
            renderers = [JSONRenderer, formats.GeoJSONRenderer]
        else:
            renderers = [JSONRenderer]
        return [renderer() for renderer in renderers]

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action in ("create", "update", "partial_update"):
            return EventInputSerializer
        return EventSerializer

    def etag_for(self, response: Response) -> str:
        digest = body_etag(response.content).strip('"')[:16]
        if self.object_version is not None:
            return f'"{self.object_version}-{digest}"'
        return f'"{digest}"'

    def filtered(self, request: Request) -> tuple[QuerySet, Ordering]:
        """The visible events that pass the filters, and the order they page in."""
        queryset = self.filter_queryset(self.get_queryset())
        order = self.filterset.order()
        text = self.filterset.form.cleaned_data.get("q")
        if not text or order.explicit:
            return (
                queryset.annotate(**order.annotations),
                Ordering(order.name, order.keys),
            )
        return queryset.annotate(rank=TextRank(text)), BY_RANK

    def list(self, request: Request, *args, **kwargs):
        queryset, ordering = self.filtered(request)
        if request.accepted_renderer.format in EXPORT_FORMATS:
            return self.export(request, queryset, ordering)
        embedded = with_embedded_json(queryset).defer(*LIST_DEFERRED)
        page = paginate(request, embedded, ordering)
        results = EventListSerializer(page.rows, many=True).data
        extra = {}
        if "cursor" not in request.query_params:
            extra = self.removals(request) or {}
        return page_response(page.next_url, results, **extra)

    def removals(self, request: Request, after: tuple | None = None) -> dict | None:
        """
        With `updated_since`: the first page of tombstones a sync client needs
        (or the one after `after`), and the link to the next.
        """
        since = self.filterset.form.cleaned_data.get("updated_since")
        if since is None:
            return None
        narrowed = self.filterset.selects_subset()
        page = tombstones(
            user=request.user,
            since=since,
            matching=self.filterset.matching if narrowed else None,
            after=after,
        )
        return {
            "tombstones": page.removed,
            "tombstones_next": tombstones_next(request, page.resume),
        }

    @extend_schema(
        summary="The next page of sync tombstones",
        description="What `tombstones_next` links to: the tombstones after "
        "those of the previous page, for the same filters and `updated_since` "
        "(required). Events that no longer match the filters are looked for "
        "among 1,000 changed events per page, so a page may list none and "
        "still link to the next; the last page's `tombstones_next` is null.",
        parameters=[
            OpenApiParameter(
                "updated_since",
                {
                    "anyOf": [
                        {"type": "string", "format": "date-time"},
                        {"type": "string", "format": "date"},
                    ]
                },
                required=True,
                description="Removals since this time (ISO 8601), as in the list.",
            ),
            OpenApiParameter(
                "after",
                str,
                description="Where the page starts: pass back the "
                "`tombstones_next` link unchanged.",
            ),
        ],
        responses={
            200: {
                "type": "object",
                "required": ["tombstones", "tombstones_next"],
                "properties": TOMBSTONES_SCHEMA,
            }
        },
    )
    @action(detail=False, url_path="tombstones", url_name="tombstones")
    def tombstone_page(self, request: Request) -> Response:
        self.filter_queryset(self.get_queryset())
        removals = self.removals(request, after=read_tombstones_after(request))
        if removals is None:
            raise exceptions.ValidationError(
                {"updated_since": ["Required: tombstones are removals since a time."]}
            )
        return Response(removals)

    def export(
        self, request: Request, queryset: QuerySet, ordering: Ordering
    ) -> HttpResponseBase:
        # The JSON list's paging reads the same on a stream: a cursor from a
        # page resumes the export after that page, and `page_size` stops it
        # after that many events, so one page can be had in any format.
        position = read_cursor(request, ordering)
        if position is not None:
            queryset = after(queryset, ordering, position)
        queryset = queryset.order_by(*ordering.order_by())
        if request.query_params.get("page_size", "").strip():
            queryset = queryset[: page_size(request)]
        renderer = request.accepted_renderer
        etag = formats.export_etag(request, renderer.media_type)
        head = request.method == "HEAD"
        # A 304 when the client's copy is current, before any row is read.
        response = get_conditional_response(request, etag=etag)
        if response is None and renderer.format == "csv":
            response = formats.csv_response(request, queryset, head=head)
        elif response is None and renderer.format == "acled":
            response = formats.acled_response(request, queryset, head=head)
        elif response is None:
            removals = None if head else self.removals(request)
            response = formats.geojson_response(request, queryset, removals, head=head)
        response["ETag"] = etag
        mark_revalidate(request, response)
        return response

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        event = self.get_object()
        self.object_version = event.version
        if request.accepted_renderer.format == "geojson":
            return Response(formats.feature(event))
        event = with_embedded(Event.objects.filter(pk=event.pk)).get()
        return Response(EventSerializer(event).data)

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = EventInputSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        check_status_change(
            request,
            Event.Status.DRAFT,
            data.get("status", Event.Status.DRAFT),
            data.get("retraction_reason", ""),
        )
        event = serializer.save()
        workflow.record_move(event=event, old=None, user=request.user)
        response = self.written(event, status=201)
        response["Location"] = request.build_absolute_uri(
            reverse("api:event-detail", args=[event.pk])
        )
        return response

    def update(self, request: Request, *args, partial: bool = False, **kwargs):
        with transaction.atomic():
            event = self.locked_object()
            check_if_match(
                request, lambda tag: event_etag_version(tag) == event.version
            )
            serializer = EventInputSerializer(
                event,
                data=request.data,
                partial=partial,
                context=self.get_serializer_context(),
            )
            serializer.is_valid(raise_exception=True)
            read = serializer.validated_data.get("version")
            if read is not None and read != event.version:
                raise Conflict(
                    f"The event is at version {event.version}; you sent version "
                    f"{read}. Fetch it again and reapply your change."
                )
            data = serializer.validated_data
            check_status_change(
                request,
                event.status,
                data.get("status", event.status),
                data.get("retraction_reason", event.retraction_reason),
            )
            if workflow.needs_review(user=request.user, event=event):
                revision = self.propose(event, data)
            else:
                old = event.status
                serializer.save()
                workflow.record_move(event=event, old=old, user=request.user)
                revision = None
        if revision is None:
            return self.written(Event.objects.get(pk=event.pk), status=200)
        response = Response(RevisionSerializer(revision).data, status=202)
        response["Location"] = request.build_absolute_uri(
            reverse("api:revision-detail", args=[revision.pk])
        )
        return response

    def propose(self, event: Event, data: dict) -> Revision | None:
        """The change held for review; None when it leaves the event as it is."""
        try:
            return workflow.propose(event=event, user=self.request.user, changes=data)
        except workflow.RevisionRefused as refused:
            raise Conflict(refused.message) from None
        except workflow.TransitionError as refused:
            raise workflow_conflict(refused) from None

    def partial_update(self, request: Request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def locked_object(self) -> Event:
        return get_object_or_404(
            self.get_queryset().select_for_update(), pk=self.kwargs["pk"]
        )

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        with transaction.atomic():
            event = self.locked_object()
            check_if_match(
                request, lambda tag: event_etag_version(tag) == event.version
            )
            event.delete()
        return Response(status=204)

    def written(self, event: Event, *, status: int) -> Response:
        """The stored event, with the ETag a following If-Match should send."""
        self.object_version = event.version
        event = with_embedded(Event.objects.filter(pk=event.pk)).get()
        return Response(EventSerializer(event).data, status=status)

    @extend_schema(
        summary="Event counts per interval and type",
        # The list's filters, documented as for the list.
        filters=True,
        parameters=[
            OpenApiParameter(
                "interval",
                str,
                enum=[str(interval) for interval in INTERVALS],
                description="Bucket size; default month.",
            ),
        ],
        responses=inline_serializer(
            "Timeline",
            {
                "interval": serializers.CharField(),
                "results": inline_serializer(
                    "TimelineBucket",
                    {
                        "period": serializers.DateField(),
                        "event_type": serializers.CharField(),
                        "count": serializers.IntegerField(),
                    },
                    many=True,
                ),
                "imprecise": inline_serializer(
                    "TimelineImprecise",
                    {
                        "period_start": serializers.DateField(),
                        "period_end": serializers.DateField(),
                        "date_precision": serializers.CharField(),
                        "event_type": serializers.CharField(),
                        "count": serializers.IntegerField(),
                    },
                    many=True,
                ),
            },
        ),
    )
    @action(detail=False)
    def timeline(self, request: Request) -> Response:
        """
        Counts of events per interval (by start date) and type, with the same
        filters as the list. Events dated less precisely than the interval (a
        year-precision event on a monthly chart) are counted apart, under
        `imprecise`, over the whole period they are known to fall in.
        """
        interval = request.query_params.get("interval", "").strip() or "month"
        if interval not in INTERVALS:
            raise exceptions.ValidationError(
                {"interval": [f"Expected one of: {', '.join(INTERVALS)}."]}
            )
        rows = self.filter_queryset(self.get_queryset()).counts_by_period(interval)
        with bulk_read():
            rows = list(rows)
        return Response(
            {
                "interval": interval,
                "results": [
                    {
                        "period": row["period"],
                        "event_type": row["event_type"],
                        "count": row["count"],
                    }
                    for row in rows
                    if not row["precision"]
                ],
                "imprecise": [
                    {
                        "period_start": row["period"],
                        "period_end": row["period_end"],
                        "date_precision": row["precision"],
                        "event_type": row["event_type"],
                        "count": row["count"],
                    }
                    for row in rows
                    if row["precision"]
                ],
            }
        )


def event_etag_version(tag: str) -> int | None:
    """The version an event ETag ("<version>-<digest>" or "<version>") names."""
    if tag == "*":
        return None
    match = EVENT_ETAG.fullmatch(tag)
    return int(match[1]) if match else None


def check_status_change(request: Request, old: str, new: str, reason: str) -> None:
    """The workflow's verdict on a status change, as the API answers it."""
    try:
        workflow.check_status_change(
            user=request.user, old=old, new=new, retraction_reason=reason
        )
    except workflow.TransitionForbidden as refused:
        raise exceptions.PermissionDenied({refused.field: [refused.message]}) from None
    except workflow.TransitionInvalid as refused:
        raise workflow_conflict(refused) from None


def workflow_conflict(refused: workflow.TransitionError) -> exceptions.ValidationError:
    """
    A move the workflow refuses for the event's state (not one the user may
    not make): 409, with the field named (events/api/http.py).
    """
    return exceptions.ValidationError(
        {refused.field or "detail": [refused.message]}, code=CONFLICT
    )


class ReviewQueuePermission(permissions.BasePermission):
    """Editors and reviewers read changes held for review; reviewers decide."""

    def has_permission(self, request: Request, view) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        if view.action in ("accept", "send_back"):
            return workflow.can_publish(user)
        return workflow.may_see_queue(user)


def decision_refused(refused: workflow.TransitionError) -> exceptions.APIException:
    """The workflow's refusal of a decision, as the API answers it."""
    if isinstance(refused, workflow.TransitionForbidden):
        return exceptions.PermissionDenied(refused.message)
    if refused.field == "reason":
        return exceptions.ValidationError({"reason": [refused.message]})
    if isinstance(refused, workflow.RevisionConflict):
        return Conflict(
            {
                "detail": refused.message,
                "changes": [
                    {"field": c.field, "before": c.before, "after": c.after}
                    for c in refused.changes
                ],
            }
        )
    return Conflict(refused.message)


DECISION_REFUSED = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="The change is no longer awaiting review; or the event "
    "changed since it was proposed (`changes` says how: accepting would undo "
    "that); or the event as changed would not pass the publication gate.",
)


@extend_schema_view(
    list=extend_schema(
        summary="List changes to published events (editors and reviewers)",
        responses={200: RevisionSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="One change to a published event (editors and reviewers)",
        responses={200: RevisionSerializer},
    ),
)
class RevisionViewSet(ConditionalMixin, PageMixin, viewsets.ReadOnlyModelViewSet):
    """
    Changes editors proposed to published events, held for review, oldest
    first: what each changes, field by field, and how it was decided.
    Reviewers accept a change (the event then changes) or send it back with a
    reason.
    """

    queryset = Revision.objects.select_related("author", "reviewer")
    serializer_class = RevisionSerializer
    filterset_class = RevisionFilterSet
    filter_backends = [FilterBackend]
    permission_classes = [ReviewQueuePermission]
    ordering = Ordering("oldest", (("created_at", False), ("id", False)))
    lookup_value_regex = "[0-9]+"

    @extend_schema(
        summary="Accept a change (reviewers)",
        description="Writes the change onto the event, which is published as "
        "changed at once; `published_at` keeps the first publication.",
        request=None,
        responses={200: RevisionSerializer, 409: DECISION_REFUSED},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        revision = self.get_object()
        try:
            workflow.accept_revision(revision=revision, user=request.user)
        except workflow.TransitionError as refused:
            raise decision_refused(refused) from None
        return Response(RevisionSerializer(self.get_object()).data)

    @extend_schema(
        summary="Send a change back (reviewers)",
        description="The event stays as published; the change is closed with "
        "the reason, which its author reads.",
        request=SendBackSerializer,
        responses={200: RevisionSerializer, 409: DECISION_REFUSED},
    )
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request: Request, pk: str) -> Response:
        revision = self.get_object()
        form = SendBackSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            workflow.send_back(
                revision=revision,
                user=request.user,
                reason=form.validated_data["reason"],
            )
        except workflow.TransitionError as refused:
            raise decision_refused(refused) from None
        return Response(RevisionSerializer(self.get_object()).data)


@extend_schema_view(
    list=extend_schema(summary="List actors"),
    retrieve=extend_schema(summary="One actor"),
    create=extend_schema(summary="Create an actor (editors)"),
    update=extend_schema(summary="Replace an actor (editors; If-Match honoured)"),
    partial_update=extend_schema(summary="Change an actor (editors)"),
    destroy=extend_schema(summary="Delete an actor"),
)
class ActorViewSet(
    ConditionalMixin, LockedUpdateMixin, PageMixin, viewsets.ModelViewSet
):
    """States, bodies, people and groups that take part in events."""

    queryset = Actor.objects.all()
    serializer_class = ActorSerializer
    filterset_class = ActorFilterSet
    ordering = Ordering("name", (("name", False), ("id", False)))
    lookup_value_regex = "[0-9]+"


@extend_schema_view(
    list=extend_schema(summary="List source articles (without their text)"),
    retrieve=extend_schema(summary="One source article, with its text"),
    create=extend_schema(summary="Add an article (editors)"),
    update=extend_schema(summary="Replace an article (editors; If-Match honoured)"),
    partial_update=extend_schema(summary="Change an article (editors)"),
    destroy=extend_schema(summary="Delete an article"),
)
class ArticleViewSet(
    ConditionalMixin, LockedUpdateMixin, PageMixin, viewsets.ModelViewSet
):
    """News articles events are sourced from, newest first."""

    queryset = SourceArticle.objects.all()
    serializer_class = ArticleSerializer
    list_serializer_class = ArticleListSerializer
    filterset_class = ArticleFilterSet
    ordering = Ordering("newest", (("id", True),))
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet:
        queryset = SourceArticle.objects.all()
        if self.action == "list":
            queryset = queryset.defer("body", "rejected_spans")
        return queryset

    @extend_schema(
        summary="An article's suggestions, computed when it came in (editors)",
        description="Actors, places, dates and proposed events, in the shape "
        "`POST /api/v1/suggestions/` answers. Computed by the intake queue when "
        "the article arrived, and again here if its text, its date or the "
        "suggestion engine changed since.",
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["get"], permission_classes=[CanCurate])
    def suggestions(self, request: Request, pk: str) -> Response:
        return Response(polling.suggestions_of(self.get_object()))


@extend_schema_view(
    list=extend_schema(summary="List places (markers only)"),
    retrieve=extend_schema(summary="One place, with its geometry as GeoJSON"),
)
class LocationViewSet(ConditionalMixin, PageMixin, viewsets.ReadOnlyModelViewSet):
    """Countries, provinces, regions, borders, cities and sites."""

    queryset = Location.objects.all()
    serializer_class = LocationSerializer
    list_serializer_class = LocationListSerializer
    filterset_class = LocationFilterSet
    ordering = Ordering("name", (("name", False), ("id", False)))
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet:
        if self.action == "list":
            return Location.objects.defer("geometry")
        return Location.objects.all()


@extend_schema_view(
    list=extend_schema(summary="List agreements"),
    retrieve=extend_schema(summary="One agreement"),
)
class AgreementViewSet(ConditionalMixin, PageMixin, viewsets.ReadOnlyModelViewSet):
    """Agreements with their parties, provisions and citations."""

    queryset = Agreement.objects.all()
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet:
        return (
            Agreement.objects.with_visible_signing_event(self.request.user)
            .select_related("signed_at")
            .prefetch_related(
                "provisions",
                Prefetch(
                    "party_roles",
                    queryset=AgreementParty.objects.select_related(
                        "actor", "represents"
                    ),
                ),
                Prefetch(
                    "citations",
                    queryset=Citation.objects.select_related("article").defer(
                        "article__body", "article__rejected_spans"
                    ),
                ),
            )
        )
