"""
Saved searches over the REST API (/api/v1/searches/): each signed-in user
lists, saves, changes and deletes their own; nobody reads anyone else's,
not even an administrator (another's search answers 404, as one that does
not exist). Registered on the API's router in events/api/urls.py.
"""

import copy

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import ErrorDetail

from events.api.http import ConditionalMixin, Conflict
from events.api.serializers import ArticleURLField, ModelSerializer, StrictCharField
from events.api.views import PageMixin
from events.http import CONFLICT
from events.models import FeedToken
from searches import alerts
from searches.models import MAX_SEARCHES_PER_USER, SavedSearch

FILTERS_SCHEMA = {
    "type": "object",
    "description": "The events' filters, as GET /api/v1/events/ takes them "
    "(see its parameters): each name with its value, or a list of values for "
    "one that repeats (`actor`, `type`, `status`). Checked as the list checks "
    "them: a wrong value is an error naming the filter. Kept as lists of "
    "strings, as in a query string.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
FILTER_COMPONENTS = ["SavedSearchRequest", "PatchedSavedSearchRequest"]


def filters_in_schema(result: dict, generator, request, public) -> dict:
    """
    drf-spectacular postprocessing hook: what a saved search's `filters` take
    is what the events' list takes, so each filter's schema in a request body
    is the list's parameter's, with its real constraints, in one place.
    """
    events = result.get("paths", {}).get("/api/v1/events/", {}).get("get")
    if events is None:
        return result
    parameters = {
        parameter["name"]: parameter["schema"]
        for parameter in events.get("parameters", [])
        if parameter.get("in") == "query"
    }
    properties = {}
    for name in alerts.kept_filters():
        schema = copy.deepcopy(parameters[name])
        if schema.get("type") == "string" and "enum" not in schema:
            schema.setdefault("maxLength", alerts.MAX_VALUE_LENGTH)
        if schema.get("type") == "array":
            schema.setdefault("maxItems", alerts.MAX_VALUES)
        properties[name] = schema
    request_schema = {
        "type": "object",
        "description": FILTERS_SCHEMA["description"],
        "properties": properties,
        "additionalProperties": False,
    }
    for name in FILTER_COMPONENTS:
        component = result.get("components", {}).get("schemas", {}).get(name)
        if component is not None and "filters" in component.get("properties", {}):
            component["properties"]["filters"] = copy.deepcopy(request_schema)
    return result


class FiltersField(serializers.Field):
    default_error_messages = {"not_object": "Expected an object of filters."}

    def to_internal_value(self, data: object) -> dict[str, list[str]]:
        if not isinstance(data, dict):
            self.fail("not_object")
        try:
            return alerts.clean_filters(data)
        except alerts.InvalidFilters as invalid:
            # The codes kept: an id that names nothing answers 404, as in
            # the events' list.
            raise serializers.ValidationError(
                {
                    name: [ErrorDetail(message, code) for message, code in problems]
                    for name, problems in invalid.coded.items()
                }
            ) from None

    def to_representation(self, value: dict) -> dict:
        return value


FiltersField = extend_schema_field(FILTERS_SCHEMA)(FiltersField)


class SavedSearchSerializer(ModelSerializer):
    """A saved search: named filters, its private feed, and its alerts."""

    name = StrictCharField(max_length=200, help_text="Unique among your searches.")
    filters = FiltersField(required=False)
    webhook_url = ArticleURLField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="New matching events are POSTed here as a GeoJSON "
        "FeatureCollection, signed with `webhook_secret` "
        f"(header {alerts.SIGNATURE_HEADER}: sha256=<HMAC-SHA256 of the body, "
        "hex>). Empty: no webhook.",
    )
    feed_url = serializers.SerializerMethodField(
        help_text="The search's private Atom feed; the address is the key."
    )
    timeline_url = serializers.SerializerMethodField()

    class Meta:
        model = SavedSearch
        fields = [
            "id", "name", "filters", "digest", "webhook_url", "webhook_secret",
            "feed_url", "timeline_url", "created_at", "updated_at",
            "webhook_failures", "webhook_error", "webhook_succeeded_at",
        ]  # fmt: skip
        read_only_fields = [
            "webhook_secret", "created_at", "updated_at", "webhook_failures",
            "webhook_error", "webhook_succeeded_at",
        ]  # fmt: skip

    def get_feed_url(self, search: SavedSearch) -> str | None:
        token = FeedToken.objects.filter(user=search.owner_id).first()
        if token is None:
            return None
        return self.context["request"].build_absolute_uri(search.feed_path(token.key))

    def get_timeline_url(self, search: SavedSearch) -> str:
        return self.context["request"].build_absolute_uri(search.timeline_url())

    def validate_name(self, name: str) -> str:
        if not alerts.is_unicode(name):
            raise serializers.ValidationError("Not valid Unicode text.")
        return name

    def validate(self, data: dict) -> dict:
        user = self.context["request"].user
        digest = data.get("digest", getattr(self.instance, "digest", "off"))
        if digest != SavedSearch.Digest.OFF and not user.email:
            # Well formed, but at odds with the account as it is: a 409.
            raise serializers.ValidationError(
                {"digest": ["Your account has no e-mail address to send it to."]},
                code=CONFLICT,
            )
        if self.instance is None and (
            SavedSearch.objects.filter(owner=user).count() >= MAX_SEARCHES_PER_USER
        ):
            raise serializers.ValidationError(
                {"name": [f"At most {MAX_SEARCHES_PER_USER} saved searches each."]}
            )
        name = data.get("name")
        same = SavedSearch.objects.filter(owner=user, name=name)
        if self.instance is not None:
            same = same.exclude(pk=self.instance.pk)
        if name and same.exists():
            raise serializers.ValidationError(
                {"name": ["You have a saved search of this name."]}, code="unique"
            )
        return data


@extend_schema_view(
    list=extend_schema(summary="Your saved searches"),
    retrieve=extend_schema(summary="One of your saved searches"),
    create=extend_schema(
        summary="Save a search",
        description="Events published from now on that match the filters "
        "reach its feed, and its digest and webhook if asked for.",
    ),
    update=extend_schema(summary="Replace one of your saved searches"),
    partial_update=extend_schema(summary="Change one of your saved searches"),
    destroy=extend_schema(summary="Delete one of your saved searches"),
)
class SavedSearchViewSet(ConditionalMixin, PageMixin, viewsets.ModelViewSet):
    """Your saved searches: named filters with a private feed and alerts."""

    queryset = SavedSearch.objects.none()  # for the schema
    serializer_class = SavedSearchSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends: list = []
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet:
        return SavedSearch.objects.filter(owner=self.request.user)

    def perform_create(self, serializer: SavedSearchSerializer) -> None:
        save(serializer, owner=self.request.user)

    def perform_update(self, serializer: SavedSearchSerializer) -> None:
        save(serializer)


def save(serializer: SavedSearchSerializer, **fields) -> None:
    try:
        with transaction.atomic():
            search = serializer.save(**fields)
            FeedToken.objects.get_or_create(user=search.owner)
    except IntegrityError:
        # The same name saved at the same moment by another request.
        raise Conflict("You have a saved search of this name.") from None
