"""
Explicit API shapes. Events read with their participants, place, dates at
their precision and citations embedded, and are written with actors and
articles by id; geometry always leaves and enters as GeoJSON.
"""

import json
import math
import re
from collections.abc import Callable
from functools import cached_property
from operator import attrgetter, methodcaller

from django.contrib.gis.geos import GEOSGeometry, Point
from django.contrib.postgres.expressions import ArraySubquery
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import (
    F,
    Func,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    TextField,
)
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events import actor_identity, intake, workflow
from events.features import json_object
from events.http import CONFLICT, NAMES_NOTHING
from events.models import (
    EVENT_EDITABLE_FIELDS,
    Actor,
    Agreement,
    AgreementParty,
    Citation,
    Event,
    Location,
    Participant,
    Provision,
    Revision,
    SourceArticle,
    locate_quote,
    period_bounds,
)

ARTICLE_URL = r"^https?://[^\s/?#@]+(@[^\s/?#@]+)?([/?#]\S*)?$"
GEOJSON_POINT = {
    "type": "object",
    "description": "GeoJSON Point, EPSG:4326 [longitude, latitude].",
    "properties": {
        "type": {"type": "string", "enum": ["Point"]},
        "coordinates": {
            "type": "array",
            "description": "[longitude, latitude]: longitude within ±180, "
            "latitude within ±90.",
            "items": {"type": "number", "minimum": -180, "maximum": 180},
            "minItems": 2,
            "maxItems": 2,
        },
    },
    "required": ["type", "coordinates"],
    "nullable": True,
}
GEOJSON_GEOMETRY = {
    "type": "object",
    "description": "GeoJSON geometry of any type, EPSG:4326.",
    "nullable": True,
}


class StrictText:
    """
    Text fields that take only JSON strings: DRF would store 0 or true as
    "0" or "True", where the schema says a string.
    """

    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(StrictText, serializers.CharField):
    pass


class StrictURLField(StrictText, serializers.URLField):
    pass


class ModelSerializer(serializers.ModelSerializer):
    """DRF's, with the model's text fields strict about their type."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.URLField: StrictURLField,
    }


@extend_schema_field(GEOJSON_POINT)
class PointField(serializers.Field):
    """A GeoJSON Point both ways; other geometry types are refused on input."""

    default_error_messages = {
        # str.format()ted by DRF, hence the doubled braces.
        "invalid": 'Expected a GeoJSON Point: {{"type": "Point", '
        '"coordinates": [longitude, latitude]}}.',
        "range": "Longitude must be within ±180 and latitude within ±90.",
    }

    def to_representation(self, value: Point) -> dict:
        return {"type": "Point", "coordinates": [value.x, value.y]}

    def to_internal_value(self, data: object) -> Point:
        if not isinstance(data, dict) or data.get("type") != "Point":
            self.fail("invalid")
        coordinates = data.get("coordinates")
        if (
            not isinstance(coordinates, list)
            or len(coordinates) != 2
            or not all(
                isinstance(c, int | float) and not isinstance(c, bool)
                for c in coordinates
            )
            or not all(math.isfinite(c) for c in coordinates)
        ):
            self.fail("invalid")
        lon, lat = coordinates
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            self.fail("range")
        return Point(float(lon), float(lat), srid=4326)


@extend_schema_field(GEOJSON_GEOMETRY)
class GeometryField(serializers.Field):
    def to_representation(self, value: GEOSGeometry) -> dict:
        return json.loads(value.geojson)


class ActorRefSerializer(ModelSerializer):
    class Meta:
        model = Actor
        fields = ["id", "name", "kind", "country"]


class LocationRefSerializer(ModelSerializer):
    class Meta:
        model = Location
        fields = ["id", "name", "kind", "code", "country_code"]


class ArticleRefSerializer(ModelSerializer):
    class Meta:
        model = SourceArticle
        fields = ["id", "title", "publisher", "url", "published_on"]


class ParticipantSerializer(ModelSerializer):
    actor = ActorRefSerializer()
    on_behalf_of = ActorRefSerializer(allow_null=True)

    class Meta:
        model = Participant
        fields = ["actor", "role", "capacity", "on_behalf_of"]


class CitationSerializer(ModelSerializer):
    article = ArticleRefSerializer()

    class Meta:
        model = Citation
        fields = ["id", "article", "field", "quote", "start", "end"]


class EventSerializer(ModelSerializer):
    date_display = serializers.CharField(
        read_only=True, help_text="The dates as precisely as they are known."
    )
    location = LocationRefSerializer(allow_null=True)
    point = PointField(allow_null=True)
    participants = ParticipantSerializer(
        source="participations", many=True, read_only=True
    )
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "id", "title", "summary", "event_type", "sub_event_type",
            "start_date", "end_date", "date_precision", "date_display",
            "location", "geo_precision", "point", "participants",
            "fatalities_low", "fatalities_best", "fatalities_high",
            "confidence", "status", "retraction_reason", "citations",
            "acled_id", "ucdp_id", "gdelt_id",
            "version", "created_at", "updated_at", "published_at",
        ]  # fmt: skip
        read_only_fields = fields


# Fields that show a stored str or int as it is.
VERBATIM_FIELDS = (
    serializers.CharField,
    serializers.ChoiceField,
    serializers.IntegerField,
)


class EmbeddedJSONField(serializers.Field):
    """A nested object or list as the JSON text PostgreSQL built for it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: str) -> dict | list:
        return json.loads(value)


class EventListSerializer(EventSerializer):
    """
    Events as EventSerializer shows them, for pages of many: their place,
    participants and citations arrive as JSON from the page's own query
    (`with_embedded_json`) instead of a join, two more queries, a model
    instance per nested object and a nested serializer per instance.
    """

    location = EmbeddedJSONField(source="location_json")
    participants = EmbeddedJSONField(source="participants_json")
    citations = EmbeddedJSONField(source="citations_json")

    @cached_property
    def representers(self) -> list[tuple[str, Callable, Callable | None]]:
        """(name, value getter, representation or None for the value as stored)."""
        return [
            (
                field.field_name,
                methodcaller(field.source)
                if callable(getattr(Event, field.source, None))
                else attrgetter(field.source),
                None if type(field) in VERBATIM_FIELDS else field.to_representation,
            )
            for field in self._readable_fields
        ]

    def to_representation(self, instance: Event) -> dict:
        # Serializer.to_representation without its per-field lookups and
        # checks, which took a third of a page's time in Python: every source
        # here is an attribute or a method of the event.
        data = {}
        for name, get, represent in self.representers:
            value = get(instance)
            if value is not None and represent is not None:
                value = represent(value)
            data[name] = value
        return data


def with_embedded(queryset: QuerySet) -> QuerySet:
    """Events with everything EventSerializer embeds, in three queries."""
    return queryset.select_related("location").prefetch_related(
        Prefetch(
            "participations",
            queryset=Participant.objects.select_related(
                "actor", "on_behalf_of"
            ).order_by("id"),
        ),
        Prefetch(
            "citations",
            queryset=Citation.objects.select_related("article")
            .defer("article__body", "article__rejected_spans")
            .order_by("id"),
        ),
    )


def json_list(rows: QuerySet) -> Func:
    """The JSON values `rows` selects, in its order, as the text of an array."""
    return Func(
        ArraySubquery(rows),
        function="array_to_json",
        template="%(function)s(%(expressions)s)::text",
        output_field=TextField(),
    )


def json_ref(
    serializer: type[serializers.ModelSerializer], key: str, *, as_text: bool = False
) -> Subquery:
    """
    The serializer's object for the row whose id is in the column `key` of
    the outer query, as JSON built by PostgreSQL; NULL when `key` is. A
    subquery rather than a join: the planner has no join order to weigh.
    """
    model = serializer.Meta.model
    fields = {name: F(name) for name in serializer.Meta.fields}
    return Subquery(
        model.objects.filter(pk=OuterRef(key))
        .order_by()
        .values(json=json_object(fields)),
        template="(%(subquery)s)::text" if as_text else "(%(subquery)s)",
        output_field=TextField(),
    )


def with_embedded_json(queryset: QuerySet) -> QuerySet:
    """
    Events with what EventListSerializer embeds, in one query: the place, the
    participants and the citations as JSON that PostgreSQL builds in
    subqueries, which it runs after the LIMIT, for the rows of the page only.
    Without a join under it, the page's sort keeps only the rows it returns.
    """
    participant = json_object(
        {
            "actor": json_ref(ActorRefSerializer, "actor_id"),
            "role": F("role"),
            "capacity": F("capacity"),
            "on_behalf_of": json_ref(ActorRefSerializer, "on_behalf_of_id"),
        }
    )
    citation = json_object(
        {
            "id": F("id"),
            "article": json_ref(ArticleRefSerializer, "article_id"),
            "field": F("field"),
            "quote": F("quote"),
            "start": F("start"),
            "end": F("end"),
        }
    )
    participants = Participant.objects.filter(event=OuterRef("pk")).order_by("id")
    citations = Citation.objects.filter(event=OuterRef("pk")).order_by("id")
    return queryset.annotate(
        location_json=json_ref(LocationRefSerializer, "location_id", as_text=True),
        participants_json=json_list(participants.values(json=participant)),
        citations_json=json_list(citations.values(json=citation)),
    )


class ParticipantInputSerializer(serializers.Serializer):
    actor = serializers.PrimaryKeyRelatedField(queryset=Actor.objects.all())
    role = serializers.ChoiceField(choices=Participant.Role.choices)
    capacity = StrictCharField(max_length=200, required=False, allow_blank=True)
    on_behalf_of = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.all(), required=False, allow_null=True
    )


class CitationInputSerializer(serializers.Serializer):
    article = serializers.PrimaryKeyRelatedField(queryset=SourceArticle.objects.all())
    quote = StrictCharField(help_text="Verbatim text of the article.")
    field = StrictCharField(max_length=50, required=False, allow_blank=True)

    def validate(self, data: dict) -> dict:
        # A partial update makes nested fields optional; a citation still
        # needs both.
        missing = [name for name in ("article", "quote") if name not in data]
        if missing:
            raise serializers.ValidationError(
                {name: ["This field is required."] for name in missing}
            )
        try:
            data.update(locate_quote(data["article"], data["quote"]))
        except ValueError:
            # Well formed, but naming no passage of the article: 404.
            raise serializers.ValidationError(
                {"quote": ["Not found in the article's text; quote it verbatim."]},
                code=NAMES_NOTHING,
            ) from None
        return data


class EventInputSerializer(ModelSerializer):
    """
    An event as editors write it. `participants` and `citations`, when given,
    replace the event's lists; when left out they stay as they are.
    `end_date` defaults to the end of the start date's period at its precision.
    `version`, when given, must be the version the client read.
    """

    end_date = serializers.DateField(required=False)
    point = PointField(required=False, allow_null=True)
    participants = ParticipantInputSerializer(many=True, required=False)
    citations = CitationInputSerializer(many=True, required=False)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The version read; a different current version is a 409.",
    )

    class Meta:
        model = Event
        fields = [*EVENT_EDITABLE_FIELDS, "participants", "citations", "version"]

    def validate(self, data: dict) -> dict:
        current = self.instance

        def value(name: str) -> object:
            if name in data:
                return data[name]
            return getattr(current, name) if current is not None else None

        start, precision = value("start_date"), value("date_precision") or "day"
        if "end_date" not in data and (
            "start_date" in data or "date_precision" in data or current is None
        ):
            try:
                data["end_date"] = period_bounds(start, precision)[1]
            except OverflowError:
                raise serializers.ValidationError(
                    {"start_date": ["Too late a date for its precision."]}
                ) from None
        if value("end_date") < start:
            raise serializers.ValidationError(
                {"end_date": ["Must not be before start_date."]}
            )
        low, best, high = (value(f"fatalities_{k}") for k in ("low", "best", "high"))
        for name, lower, upper in [
            ("fatalities_best", low, best),
            ("fatalities_high", best, high),
            ("fatalities_high", low, high),
        ]:
            if lower is not None and upper is not None and lower > upper:
                raise serializers.ValidationError(
                    {name: ["Must not be below the lower estimate."]}
                )
        seen = set()
        for index, participant in enumerate(data.get("participants", [])):
            key = (participant["actor"].pk, participant["role"])
            if key in seen:
                raise serializers.ValidationError(
                    {"participants": {index: ["This actor already has this role."]}},
                    code="unique",
                )
            seen.add(key)
        # A new place brings its own point unless one is given.
        if (
            current is not None
            and "location" in data
            and data["location"] != current.location
            and "point" not in data
        ):
            data["point"] = None
        return data

    def create(self, validated_data: dict) -> Event:
        return self.update(Event(), validated_data)

    @transaction.atomic
    def update(self, instance: Event, validated_data: dict) -> Event:
        participants = validated_data.pop("participants", None)
        citations = validated_data.pop("citations", None)
        validated_data.pop("version", None)
        user = self.context["request"].user
        for name, value in validated_data.items():
            setattr(instance, name, value)
        if instance.pk is None:
            instance.created_by = user
        instance.updated_by = user
        workflow.apply_status(
            instance, instance.status, retraction_reason=instance.retraction_reason
        )
        instance.save()
        if participants is not None:
            instance.participations.all().delete()
            Participant.objects.bulk_create(
                Participant(event=instance, **participant)
                for participant in participants
            )
        if citations is not None:
            instance.citations.all().delete()
            Citation.objects.bulk_create(
                Citation(event=instance, **citation) for citation in citations
            )
        try:
            workflow.check_publishable(instance)
        except workflow.TransitionError as refused:
            # A state the workflow refuses: 409 (events/api/http.py).
            raise serializers.ValidationError(
                {"status": [refused.message]}, code=CONFLICT
            ) from None
        return instance


class ActorSerializer(ModelSerializer):
    different_actor = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="True to save even though the name or an alias already "
        "denotes another actor, when it is truly someone else (two people of "
        "the same name). A shared Wikidata id is never saved twice.",
    )

    class Meta:
        model = Actor
        fields = [
            "id", "name", "aliases", "kind", "country", "parent", "wikidata_id",
            "description", "created_at", "updated_at", "different_actor",
        ]  # fmt: skip
        # The forms validate_country and validate_wikidata_id accept, stated
        # as patterns for the schema (the code's letters are upper-cased).
        extra_kwargs = {
            "country": {
                "help_text": "ISO 3166-1 alpha-3, e.g. IRQ; blank if none.",
                "validators": [RegexValidator(r"^[A-Za-z]{3}$")],
                "trim_whitespace": False,
            },
            "wikidata_id": {
                "validators": [RegexValidator(r"^Q[1-9][0-9]*$")],
                "trim_whitespace": False,
            },
        }

    def validate_country(self, value: str) -> str:
        value = value.upper()
        if value and not (len(value) == 3 and value.isascii() and value.isalpha()):
            raise serializers.ValidationError(
                "Expected an ISO 3166-1 alpha-3 code such as IRQ."
            )
        return value

    def validate_wikidata_id(self, value: str) -> str:
        if value and not (
            value[:1] == "Q" and value[1:].isdigit() and value[1:2] != "0"
        ):
            raise serializers.ValidationError("Expected a Wikidata id such as Q796.")
        return value

    def validate(self, data: dict) -> dict:
        current = self.instance
        self.refuse_duplicate(data)
        parent = data.get("parent")
        while current is not None and parent is not None:
            if parent.pk == current.pk:
                raise serializers.ValidationError(
                    {"parent": ["An actor cannot belong to itself."]}
                )
            parent = parent.parent
        return data

    def refuse_duplicate(self, data: dict) -> None:
        """
        Refuse a name, alias or Wikidata id that already denotes another
        actor (actor_identity), naming the field and that actor. A change
        is checked for what it adds.
        """
        current = self.instance
        known = {current.name, *current.aliases} if current else set()

        def given(field: str) -> str:
            return data.get(field, getattr(current, field, "") if current else "")

        name = given("name")
        wikidata_id = given("wikidata_id")
        found = actor_identity.duplicates(
            name=name if name not in known else "",
            aliases=[a for a in data.get("aliases", []) if a not in known],
            kind=given("kind"),
            country=given("country"),
            wikidata_id=(
                wikidata_id
                if current is None or wikidata_id != current.wikidata_id
                else ""
            ),
            exclude=[current.pk] if current else [],
            different_actor=data.pop("different_actor", False),
        )
        if found:
            errors: dict[str, list[str]] = {}
            for duplicate in found:
                errors.setdefault(duplicate.field, []).append(duplicate.message())
            raise serializers.ValidationError(errors, code="unique")  # 409


class ArticleListSerializer(ModelSerializer):
    class Meta:
        model = SourceArticle
        fields = [
            "id", "url", "title", "publisher", "author", "published_on",
            "language", "state", "content_hash", "source", "duplicate_of",
            "dismissed_reason", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema_field(
    {"type": "string", "format": "uri", "pattern": ARTICLE_URL, "maxLength": 2000}
)
class ArticleURLField(serializers.CharField):
    """
    An article's address: http or https, a host, no spaces, as RFC 3986 has
    it (a host name longer than DNS allows is the fetcher's to refuse).
    """

    def to_internal_value(self, data: object) -> str:
        text = super().to_internal_value(data)
        if text and not re.fullmatch(ARTICLE_URL, text):
            raise serializers.ValidationError(
                "Expected an http or https address, e.g. https://example.com/story."
            )
        return text


class ArticleSerializer(ModelSerializer):
    """An article with its text. HTML input is reduced to plain text."""

    url = ArticleURLField(
        max_length=2000, required=False, allow_null=True, allow_blank=True
    )

    class Meta:
        model = SourceArticle
        fields = [
            "id", "url", "title", "publisher", "author", "published_on",
            "language", "body", "state", "content_hash", "source", "duplicate_of",
            "dismissed_reason", "created_at", "updated_at",
        ]  # fmt: skip
        # An article is dismissed, with its reason, from the inbox.
        read_only_fields = [
            "content_hash", "source", "duplicate_of", "dismissed_reason",
            "created_at", "updated_at",
        ]  # fmt: skip

    def validate_url(self, value: str | None) -> str | None:
        return value or None

    def validate_body(self, value: str) -> str:
        body = intake.body_from_input(value)
        if not body:
            raise serializers.ValidationError("The article has no text.")
        current = self.instance
        if current is None:
            return body
        if value == current.body or body == intake.body_from_input(current.body):
            return current.body  # the same text, kept byte for byte
        if current.citations.exists():
            raise serializers.ValidationError(
                "Citations quote this text by position, so it cannot change."
            )
        return body

    def validate(self, data: dict) -> dict:
        current = self.instance
        duplicate = intake.find_duplicate(
            url=data.get("url", current.url if current else None),
            body=data.get("body", current.body if current else ""),
        )
        if duplicate is not None and duplicate != current:
            same_url = data.get("url") and duplicate.url == data.get("url")
            raise serializers.ValidationError(
                {
                    "url" if same_url else "body": [
                        f"Article {duplicate.pk} already has this "
                        f"{'address' if same_url else 'text'}."
                    ]
                },
                code="unique",
            )
        return data

    def create(self, validated_data: dict) -> SourceArticle:
        validated_data["added_by"] = self.context["request"].user
        return super().create(validated_data)


class LocationListSerializer(ModelSerializer):
    point = PointField(read_only=True)

    class Meta:
        model = Location
        fields = [
            "id", "name", "alternate_names", "kind", "code", "parent",
            "country_code", "point", "geonames_id", "wikidata_id",
        ]  # fmt: skip
        read_only_fields = fields


class LocationSerializer(LocationListSerializer):
    geometry = GeometryField(read_only=True)

    class Meta(LocationListSerializer.Meta):
        fields = [*LocationListSerializer.Meta.fields, "geometry", "source"]
        read_only_fields = fields


class AgreementPartySerializer(ModelSerializer):
    actor = ActorRefSerializer()
    represents = ActorRefSerializer(allow_null=True)

    class Meta:
        model = AgreementParty
        fields = ["actor", "role", "represents", "capacity"]


class ProvisionSerializer(ModelSerializer):
    class Meta:
        model = Provision
        fields = ["number", "text", "tags"]


class AgreementSerializer(ModelSerializer):
    signed_at = LocationRefSerializer(allow_null=True)
    signing_event = serializers.SerializerMethodField()
    parties = AgreementPartySerializer(source="party_roles", many=True)
    provisions = ProvisionSerializer(many=True)
    citations = CitationSerializer(many=True)

    class Meta:
        model = Agreement
        fields = [
            "id", "title", "kind", "summary", "signed_on", "signed_at", "status",
            "status_since", "signing_event", "parties", "provisions", "citations",
            "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_signing_event(self, agreement: Agreement) -> int | None:
        """The signing event's id, when the reader may see that event."""
        # Annotated by Agreement.objects.with_visible_signing_event(); without
        # it, nothing is shown rather than too much.
        return getattr(agreement, "visible_signing_event_id", None)


class RevisionChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    before = serializers.JSONField(
        allow_null=True, help_text="The value the change was made on."
    )
    after = serializers.JSONField(allow_null=True, help_text="The value proposed.")


class RevisionSerializer(ModelSerializer):
    """
    A change to a published event held for review, and its decision. Values
    are as a Revision stores them: ids for the place, actors and articles,
    ISO dates, a GeoJSON point; `participants` and `citations` are whole lists.
    """

    author = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Who proposed it; null once that user is deleted.",
    )
    reviewer = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Who decided it; null while pending or closed unreviewed.",
    )
    changes = serializers.SerializerMethodField(
        help_text="Field by field, what the change changes."
    )

    class Meta:
        model = Revision
        fields = [
            "id", "event", "state", "author", "created_at", "updated_at",
            "base_version", "changes", "values", "reviewer", "decided_at", "reason",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(RevisionChangeSerializer(many=True))
    def get_changes(self, revision: Revision) -> list[dict]:
        return [
            {
                "field": change.field,
                "label": change.label,
                "before": change.before,
                "after": change.after,
            }
            for change in workflow.revision_changes(revision)
        ]


class SendBackSerializer(serializers.Serializer):
    reason = StrictCharField(
        max_length=5000, help_text="Why the change is sent back; its author reads it."
    )
