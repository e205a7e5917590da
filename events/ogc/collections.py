"""
What /ogc/ serves: the collections, their properties and the JSON Schemas
that type them, the queryables that filters and sorting may name, and the
media types, coordinate reference systems and conformance classes.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import Expression

from events.features import FULL_PROPERTIES, BlankAsNull
from events.filters import in_period
from events.models import Agreement, DatePrecision, Event, GeoPrecision, Location

JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
JSON_SCHEMA = "application/schema+json"
HTML = "text/html"

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
EPSG_3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
# Every CRS a client may ask for (Part 2), by URI; geometries are stored in
# CRS84 (EPSG:4326 with longitude first).
CRSS = [CRS84, EPSG_4326, EPSG_3857]
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"

_COMMON = "http://www.opengis.net/spec/ogcapi-common-"
_FEATURES = "http://www.opengis.net/spec/ogcapi-features-"
_CQL2 = "http://www.opengis.net/spec/cql2/1.0/conf/"
CONFORMANCE = [
    f"{_COMMON}1/1.0/conf/core",
    f"{_COMMON}1/1.0/conf/landing-page",
    f"{_COMMON}1/1.0/conf/json",
    f"{_COMMON}1/1.0/conf/html",
    f"{_COMMON}1/1.0/conf/oas30",
    f"{_COMMON}2/1.0/conf/collections",
    f"{_FEATURES}1/1.0/conf/core",
    f"{_FEATURES}1/1.0/conf/geojson",
    f"{_FEATURES}1/1.0/conf/html",
    f"{_FEATURES}1/1.0/conf/oas30",
    f"{_FEATURES}2/1.0/conf/crs",
    f"{_FEATURES}3/1.0/conf/queryables",
    f"{_FEATURES}3/1.0/conf/queryables-query-parameters",
    f"{_FEATURES}3/1.0/conf/filter",
    f"{_FEATURES}3/1.0/conf/features-filter",
    f"{_FEATURES}5/1.0/conf/schemas",
    f"{_CQL2}cql2-text",
    f"{_CQL2}cql2-json",
    f"{_CQL2}basic-cql2",
    f"{_CQL2}advanced-comparison-operators",
    # `sortby` as OGC API – Records defines it, which is what Features'
    # clients (pygeoapi's, QGIS's) send.
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/sorting",
]

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
DATE = {"type": "string", "format": "date"}
DATE_TIME = {"type": "string", "format": "date-time"}


def one_of(choices: type) -> dict:
    return {"type": "string", "enum": list(choices.values)}


@dataclass(frozen=True)
class Queryable:
    """
    A property that filters (`filter`, or a query parameter of its own) and
    `sortby` may name, compared as the features carry it.
    """

    name: str
    schema: dict
    expression: Expression

    @property
    def field(self) -> str | None:
        """The model field read directly, so that its indexes serve."""
        if isinstance(self.expression, F):
            return self.expression.name
        if isinstance(self.expression, BlankAsNull):
            return self.expression.field_name
        return None

    @property
    def blank_is_null(self) -> bool:
        return isinstance(self.expression, BlankAsNull)

    @property
    def kind(self) -> str:
        """string, integer, date or date-time: how literals are read."""
        return self.schema.get("format") or self.schema["type"]


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    description: str
    # What a reader may see of the collection.
    queryset: Callable[[AbstractBaseUser | AnonymousUser], QuerySet]
    geometry: str  # the field holding each feature's geometry
    geometry_types: tuple[str, ...]
    properties: dict[str, Expression]
    # JSON Schema of each property, so that clients type their columns
    # without guessing from the first page (where a column may be all null).
    schema: dict[str, dict]
    # The condition of a `datetime` filter: the features whose period shares
    # a day with first to last (None: open), or starts in it, as `date_rule`
    # says; None when there are no dates.
    period: Callable[[datetime.date | None, datetime.date | None, str], Q] | None
    # The date fields of the collection's temporal extent: first and last.
    dates: tuple[str, str] | None
    page: str  # the site's HTML page for a feature, by URL name
    example: str  # a filter the HTML queryables page shows

    @property
    def queryables(self) -> dict[str, Queryable]:
        return {
            name: Queryable(name, self.schema[name], expression)
            for name, expression in self.properties.items()
        }


def visible_events(user: AbstractBaseUser | AnonymousUser) -> QuerySet:
    return Event.objects.visible_to(user)


def places(user: AbstractBaseUser | AnonymousUser) -> QuerySet:
    return Location.objects.all()


def signed_agreements(user: AbstractBaseUser | AnonymousUser) -> QuerySet:
    signed = Agreement.objects.filter(signed_at__isnull=False)
    return signed.with_visible_signing_event(user)


def event_period(
    first: datetime.date | None, last: datetime.date | None, rule: str
) -> Q:
    # The REST API's rule for start/end: overlapping, widened to each event's
    # date precision (an event known only as "November 2022" is in a window
    # of 1-5 November), or starting in the period.
    return in_period(first, last, rule=rule)


def signing_day(
    first: datetime.date | None, last: datetime.date | None, rule: str
) -> Q:
    # One day: overlapping the period and starting in it are the same.
    condition = Q()
    if first is not None:
        condition &= Q(signed_on__gte=first)
    if last is not None:
        condition &= Q(signed_on__lte=last)
    return condition


COLLECTIONS = {
    collection.id: collection
    for collection in [
        Collection(
            id="events",
            title="Events",
            description="Published events with their dates at the precision they "
            "are known, place, type, fatalities and external dataset ids.",
            queryset=visible_events,
            geometry="point",
            geometry_types=("Point",),
            properties=FULL_PROPERTIES,
            schema={
                "title": STRING,
                "summary": STRING,
                "event_type": one_of(Event.Type),
                "sub_event_type": STRING,
                "start_date": DATE,
                "end_date": DATE,
                "date_precision": one_of(DatePrecision),
                "location_id": INTEGER,
                "location": STRING,
                "country_code": STRING,
                "geo_precision": one_of(GeoPrecision),
                "fatalities_low": INTEGER,
                "fatalities_best": INTEGER,
                "fatalities_high": INTEGER,
                "actors": STRING,
                "confidence": one_of(Event.Confidence),
                "acled_id": STRING,
                "ucdp_id": STRING,
                "gdelt_id": STRING,
                "published_at": DATE_TIME,
                "updated_at": DATE_TIME,
            },
            period=event_period,
            dates=("start_date", "end_date"),
            page="events:event",
            example="event_type = 'protest' AND start_date >= DATE('2022-11-01')",
        ),
        Collection(
            id="locations",
            title="Locations",
            description="Countries, provinces, regions, borders, cities and sites, "
            "with their exact geometries.",
            queryset=places,
            geometry="geometry",
            geometry_types=(
                "Point",
                "LineString",
                "MultiLineString",
                "Polygon",
                "MultiPolygon",
            ),
            properties={
                "name": F("name"),
                "kind": F("kind"),
                "code": F("code"),
                "country_code": F("country_code"),
                "parent_id": F("parent_id"),
                "geonames_id": F("geonames_id"),
                "wikidata_id": F("wikidata_id"),
                "source": F("source"),
            },
            schema={
                "name": STRING,
                "kind": one_of(Location.Kind),
                "code": STRING,
                "country_code": STRING,
                "parent_id": INTEGER,
                "geonames_id": INTEGER,
                "wikidata_id": STRING,
                "source": STRING,
            },
            period=None,
            dates=None,
            page="events:location",
            example="kind = 'country'",
        ),
        Collection(
            id="agreements",
            title="Agreements",
            description="Agreements at the places they were signed.",
            queryset=signed_agreements,
            geometry="signed_at__point",
            geometry_types=("Point",),
            properties={
                "title": F("title"),
                "kind": F("kind"),
                "status": F("status"),
                "status_since": F("status_since"),
                "signed_on": F("signed_on"),
                "signed_at_id": F("signed_at_id"),
                "signed_at": F("signed_at__name"),
                # The signing event only when the reader may see it.
                "signing_event_id": F("visible_signing_event_id"),
                "summary": F("summary"),
            },
            schema={
                "title": STRING,
                "kind": one_of(Agreement.Kind),
                "status": one_of(Agreement.Status),
                "status_since": DATE,
                "signed_on": DATE,
                "signed_at_id": INTEGER,
                "signed_at": STRING,
                "signing_event_id": INTEGER,
                "summary": STRING,
            },
            period=signing_day,
            dates=("signed_on", "signed_on"),
            page="events:agreement",
            example="kind = 'security'",
        ),
    ]
}


# --- schemas --------------------------------------------------------------------------


def geojson_schema(spec: Collection, schema_id: str) -> dict:
    """
    The JSON Schema of a GeoJSON Feature of the collection. GDAL 3.6 types
    its columns from this shape (the `properties` of an example feature).
    """
    return {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": schema_id,
        "title": spec.title,
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": INTEGER,
            "geometry": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": list(spec.geometry_types)},
                    "coordinates": {"type": "array"},
                },
            },
            "properties": {"type": "object", "properties": spec.schema},
        },
    }


def geometry_property(spec: Collection) -> dict:
    formats = {
        "Point": "geometry-point",
        "LineString": "geometry-linestring",
        "MultiLineString": "geometry-multilinestring",
        "Polygon": "geometry-polygon",
        "MultiPolygon": "geometry-multipolygon",
    }
    if len(spec.geometry_types) == 1:
        return {
            "format": formats[spec.geometry_types[0]],
            "x-ogc-role": "primary-geometry",
        }
    return {
        "oneOf": [{"format": formats[kind]} for kind in spec.geometry_types],
        "x-ogc-role": "primary-geometry",
    }


def feature_schema(spec: Collection, schema_id: str) -> dict:
    """
    Part 5's schema: the features' properties as one flat object, whatever
    the encoding, with the roles of the id, the geometry and the dates.
    """
    properties: dict[str, dict] = {
        "id": {**INTEGER, "x-ogc-role": "id"},
        "geometry": geometry_property(spec),
    }
    for name, schema in spec.schema.items():
        properties[name] = {"title": name.replace("_", " ").capitalize(), **schema}
    if spec.dates:
        first, last = spec.dates
        if first == last:
            properties[first]["x-ogc-role"] = "primary-instant"
        else:
            properties[first]["x-ogc-role"] = "primary-interval-start"
            properties[last]["x-ogc-role"] = "primary-interval-end"
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id,
        "title": spec.title,
        "type": "object",
        "properties": properties,
    }


def queryables_schema(spec: Collection, schema_id: str) -> dict:
    """
    Part 3's queryables as JSON Schema. The `queryables` array beside it is
    the form drafts of the standard used, and the one GDAL 3.6 reads;
    JSON Schema ignores a keyword it does not know.
    """
    properties = {
        name: {"title": name.replace("_", " ").capitalize(), **queryable.schema}
        for name, queryable in spec.queryables.items()
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id,
        "title": f"{spec.title}: queryables",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "queryables": [
            {"id": name, "queryable": name, "title": schema["title"], **schema}
            for name, schema in properties.items()
        ],
    }
