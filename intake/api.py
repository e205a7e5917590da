"""
Sources over the REST API (/api/v1/sources/): analysts read them, editors
add and change them, a superuser deletes one that brought no article in.
Registered on the API's router in events/api/urls.py.
"""

import django_filters
from django.db import transaction
from django.db.models import ProtectedError, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from events.api.http import ConditionalMixin, Conflict
from events.api.serializers import ArticleURLField, ModelSerializer, StrictCharField
from events.api.views import FilterBackend, LockedUpdateMixin, PageMixin
from events.filters import StrictBooleanFilter, documented
from intake import queue
from intake.models import Source


class ReadOrChange(permissions.DjangoModelPermissions):
    """Django's model permissions, reading included: view_source to read."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


class StrictBooleanField(serializers.BooleanField):
    """true or false as JSON booleans; DRF's would take 0, 1, "yes" and "on"."""

    def to_internal_value(self, data) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class SourceCountsSerializer(serializers.Serializer):
    items_seen = serializers.IntegerField(help_text="Items its polls listed.")
    articles_added = serializers.IntegerField(help_text="New stories stored.")
    duplicates_found = serializers.IntegerField(
        help_text="Items that repeated an article already held."
    )
    items_skipped = serializers.IntegerField(
        help_text="Items without the keywords, or no place in the region."
    )
    items_failed = serializers.IntegerField(help_text="Items that could not be read.")


class SourceSerializer(ModelSerializer):
    keywords = serializers.ListField(
        child=StrictCharField(max_length=100, allow_blank=True),
        max_length=50,
        required=False,
        help_text="An item is kept only if its text has one of these words.",
    )
    active = StrictBooleanField(required=False, help_text="Polled while true.")
    url = ArticleURLField(max_length=2000, help_text="The feed's or sitemap's URL.")
    counts = serializers.SerializerMethodField()

    class Meta:
        model = Source
        fields = [
            "id", "name", "url", "kind", "active", "poll_interval", "keywords",
            "region", "language", "last_polled_at", "next_poll_at",
            "last_success_at", "last_error", "failures", "counts", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "last_polled_at", "next_poll_at", "last_success_at", "last_error",
            "failures", "created_at", "updated_at",
        ]  # fmt: skip

    @extend_schema_field(SourceCountsSerializer)
    def get_counts(self, source: Source) -> dict:
        return {name: getattr(source, name) for name in SourceCountsSerializer().fields}

    def validate(self, data: dict) -> dict:
        # After the fields: a URL already polled (409) is told apart from a
        # malformed field (400) or a region that names nothing (404).
        url = data.get("url")
        same = Source.objects.filter(url=url)
        if self.instance is not None:
            same = same.exclude(pk=self.instance.pk)
        if url and same.exists():
            # A second copy of something unique: 409, as elsewhere in the API.
            raise serializers.ValidationError(
                {"url": ["A source with this URL exists."]}, code="unique"
            )
        return data

    def validate_keywords(self, value: list[str]) -> list[str]:
        return [word.strip() for word in value if word.strip()]


class SourceFilterSet(django_filters.FilterSet):
    active = documented(
        {"type": "boolean"},
        StrictBooleanFilter(help_text="Only active (true) or inactive sources."),
    )
    kind = django_filters.ChoiceFilter(choices=Source.Kind.choices)

    class Meta:
        model = Source
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="List sources (editors and analysts)"),
    retrieve=extend_schema(summary="One source, with its polling state"),
    create=extend_schema(summary="Add a source (editors); polled within a minute"),
    update=extend_schema(summary="Replace a source (editors; If-Match honoured)"),
    partial_update=extend_schema(summary="Change a source (editors)"),
    destroy=extend_schema(summary="Delete a source that brought no article in"),
)
class SourceViewSet(
    ConditionalMixin, LockedUpdateMixin, PageMixin, viewsets.ModelViewSet
):
    """Feeds and sitemaps polled for articles, with what each poll found."""

    queryset = Source.objects.all()
    serializer_class = SourceSerializer
    filterset_class = SourceFilterSet
    filter_backends = [FilterBackend]
    permission_classes = [ReadOrChange]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet:
        return Source.objects.all()

    def perform_create(self, serializer: SourceSerializer) -> None:
        with transaction.atomic():
            source = serializer.save(added_by=self.request.user)
            queue.defer_poll(source.pk)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        try:
            return super().destroy(request, *args, **kwargs)
        except ProtectedError:
            raise Conflict(
                "Articles came in from this source, so it cannot be deleted; "
                "set active to false instead."
            ) from None
