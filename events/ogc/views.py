"""
OGC API – Features, Part 1: Core, with GeoJSON, at /ogc/, for QGIS, GDAL and
other GIS clients: published events, every location, and agreements at the
places they were signed. Pages of features are JSON text built by PostgreSQL
(see events/interop/geojson.py) and joined, never parsed, on the way out.

Paging is by keyset on the primary key (`after`/`before`, written into the
next and prev links), so a page deep into millions of features costs what
the first one does. `numberMatched` is given only up to MATCH_COUNT_LIMIT.
"""

import datetime
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.gis.db.models import Extent
from django.contrib.gis.geos import Polygon
from django.core.cache import cache
from django.db.models import Case, F, Max, Min, Q, QuerySet, When
from django.db.models.expressions import Expression
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from events.features import FULL_PROPERTIES, feature_json
from events.http import read_only
from events.models import Agreement, DatePrecision, Event, GeoPrecision, Location

JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
JSON_SCHEMA = "application/schema+json"
HTML = "text/html"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
MATCH_COUNT_LIMIT = 10_000
EXTENT_SECONDS = 300
PAGING = ("limit", "bbox", "bbox-crs", "datetime", "after", "before", "f")


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
DATE = {"type": "string", "format": "date"}
DATE_TIME = {"type": "string", "format": "date-time"}


def one_of(choices: type) -> dict:
    return {"type": "string", "enum": list(choices.values)}


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    description: str
    # What a reader may see of the collection.
    queryset: Callable[[AbstractBaseUser | AnonymousUser], QuerySet]
    geometry: str  # the field holding each feature's geometry
    properties: dict[str, Expression]
    # JSON Schema of each property, so that clients type their columns
    # without guessing from the first page (where a column may be all null).
    schema: dict[str, dict]
    # The date fields a `datetime` filter compares: start and end of each
    # feature's period (the same field twice for a single day).
    dates: tuple[str, str] | None
    # Equality filters, query parameter -> field; GDAL sends its -where
    # equalities on these as query parameters (they are in the API definition).
    queryables: dict[str, str] = field(default_factory=dict)
    page: str = ""  # the site's HTML page for a feature, by URL name


def visible_events(user: AbstractBaseUser | AnonymousUser) -> QuerySet:
    return Event.objects.visible_to(user)


def places(user: AbstractBaseUser | AnonymousUser) -> QuerySet:
    return Location.objects.all()


def signed_agreements(user: AbstractBaseUser | AnonymousUser) -> QuerySet:
    return Agreement.objects.filter(signed_at__isnull=False)


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
            dates=("start_date", "end_date"),
            queryables={
                "event_type": "event_type",
                "country_code": "location__country_code",
                "acled_id": "acled_id",
                "ucdp_id": "ucdp_id",
                "gdelt_id": "gdelt_id",
            },
            page="events:event",
        ),
        Collection(
            id="locations",
            title="Locations",
            description="Countries, provinces, regions, borders, cities and sites, "
            "with their exact geometries.",
            queryset=places,
            geometry="geometry",
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
            dates=None,
            queryables={"kind": "kind", "country_code": "country_code", "code": "code"},
            page="events:location",
        ),
        Collection(
            id="agreements",
            title="Agreements",
            description="Agreements at the places they were signed.",
            queryset=signed_agreements,
            geometry="signed_at__point",
            properties={
                "title": F("title"),
                "kind": F("kind"),
                "status": F("status"),
                "status_since": F("status_since"),
                "signed_on": F("signed_on"),
                "signed_at_id": F("signed_at_id"),
                "signed_at": F("signed_at__name"),
                # The signing event only when the public may see it.
                "signing_event_id": Case(
                    When(
                        signing_event__status=Event.Status.PUBLISHED,
                        then=F("signing_event_id"),
                    )
                ),
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
            dates=("signed_on", "signed_on"),
            queryables={"kind": "kind", "status": "status"},
            page="events:agreement",
        ),
    ]
}


class InvalidParameter(ValueError):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")


def error(code: str, description: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "description": description}, status=status)


def not_found(what: str) -> JsonResponse:
    return error("NotFound", f"{what} does not exist.", 404)


def link(
    request: HttpRequest,
    path: str,
    rel: str,
    media_type: str,
    title: str = "",
    query: dict[str, str] | None = None,
) -> dict:
    href = request.build_absolute_uri(path)
    if query:
        href += "?" + urlencode(query)
    result = {"href": href, "rel": rel, "type": media_type}
    if title:
        result["title"] = title
    return result


def check_format(request: HttpRequest, *accepted: str) -> None:
    value = request.GET.get("f")
    if value is not None and value not in accepted:
        raise InvalidParameter(
            "f", f"{value[:20]!r} is not offered; use {' or '.join(accepted)}."
        )


def json_view(view: Callable) -> Callable:
    """A GET view whose bad parameters answer 400 with OGC's error document."""

    @read_only
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except InvalidParameter as invalid:
            return error("InvalidParameterValue", str(invalid), 400)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --- parameters -----------------------------------------------------------------------

RFC3339 = re.compile(
    r"(\d{4}-\d{2}-\d{2})(?:[Tt](\d{2}:\d{2}:\d{2}(?:\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?)?"
)


def parse_instant(text: str) -> datetime.date:
    """
    The UTC day of an RFC 3339 date or date-time. A date followed by a bare
    "T" is accepted as the date: GDAL 3.6 writes date filters that way.
    """
    match = RFC3339.fullmatch(text)
    if not match:
        raise InvalidParameter(
            "datetime", f"{text[:40]!r} is not an RFC 3339 date or date-time."
        )
    day, time, offset = match.groups()
    try:
        if time is None:
            return datetime.date.fromisoformat(day)
        moment = datetime.datetime.fromisoformat(f"{day}T{time}{offset or 'Z'}")
    except ValueError:
        raise InvalidParameter(
            "datetime", f"{text[:40]!r} is not a valid date."
        ) from None
    return moment.astimezone(datetime.UTC).date()


def parse_datetime(value: str) -> tuple[datetime.date | None, datetime.date | None]:
    """An instant, or an interval "start/end" where either end may be open ("..")."""
    if "/" not in value:
        day = parse_instant(value)
        return day, day
    parts = value.split("/")
    if len(parts) != 2:
        raise InvalidParameter("datetime", "an interval has one '/'.")
    start, end = (None if part in ("", "..") else parse_instant(part) for part in parts)
    if start is None and end is None:
        raise InvalidParameter("datetime", "an interval needs at least one end.")
    if start and end and start > end:
        raise InvalidParameter("datetime", "the interval ends before it starts.")
    return start, end


def parse_bbox(value: str, crs: str | None) -> list[Polygon]:
    """
    One box, or two when it crosses the antimeridian (minx > maxx). Six
    numbers (with heights) are accepted and the heights ignored.
    """
    if crs is not None and crs != CRS84:
        raise InvalidParameter("bbox-crs", f"only {CRS84} is supported.")
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        raise InvalidParameter("bbox", "expects 4 comma-separated numbers.") from None
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise InvalidParameter("bbox", "expects 4 comma-separated numbers.")
    min_x, min_y, max_x, max_y = numbers
    if not (-180 <= min_x <= 180 and -180 <= max_x <= 180):
        raise InvalidParameter("bbox", "longitudes are between -180 and 180.")
    if not (-90 <= min_y <= max_y <= 90):
        raise InvalidParameter("bbox", "latitudes are between -90 and 90, south first.")
    if min_x > max_x:
        return [
            Polygon.from_bbox((min_x, min_y, 180, max_y)),
            Polygon.from_bbox((-180, min_y, max_x, max_y)),
        ]
    return [Polygon.from_bbox((min_x, min_y, max_x, max_y))]


def parse_positive(value: str, name: str) -> int:
    if not re.fullmatch(r"[0-9]{1,18}", value) or int(value) < 1:
        raise InvalidParameter(name, f"{value[:20]!r} is not a positive whole number.")
    return int(value)


def filtered(request: HttpRequest, collection: Collection) -> QuerySet:
    """The collection's features that match the request's filters."""
    unknown = sorted(set(request.GET) - set(PAGING) - set(collection.queryables))
    if unknown:
        raise InvalidParameter(unknown[0], "is not a parameter of this collection.")
    check_format(request, "json", "geojson")
    for name, value in request.GET.items():
        # PostgreSQL text cannot hold NUL: refused here, not by the database.
        if "\x00" in value:
            raise InvalidParameter(name, "must not contain a NUL character.")
    features = collection.queryset(request.user)
    if "bbox" in request.GET:
        boxes = parse_bbox(request.GET["bbox"], request.GET.get("bbox-crs"))
        condition = Q()
        for box in boxes:
            box.srid = 4326
            condition |= Q(**{f"{collection.geometry}__intersects": box})
        features = features.filter(condition)
    elif "bbox-crs" in request.GET:
        raise InvalidParameter("bbox-crs", "is only used with bbox.")
    if "datetime" in request.GET:
        if collection.dates is None:
            raise InvalidParameter("datetime", "this collection has no dates.")
        start, end = parse_datetime(request.GET["datetime"])
        first, last = collection.dates
        # Features whose period overlaps the requested one.
        if start is not None:
            features = features.filter(**{f"{last}__gte": start})
        if end is not None:
            features = features.filter(**{f"{first}__lte": end})
    for name, lookup in collection.queryables.items():
        if name in request.GET:
            features = features.filter(**{lookup: request.GET[name]})
    return features


# --- documents ------------------------------------------------------------------------


def collection_document(request: HttpRequest, collection: Collection) -> dict:
    path = reverse("ogc:collection", args=[collection.id])
    items = reverse("ogc:items", args=[collection.id])
    schema = reverse("ogc:schema", args=[collection.id])
    document = {
        "id": collection.id,
        "title": collection.title,
        "description": collection.description,
        "itemType": "feature",
        "crs": [CRS84],
        "extent": extent(collection),
        "links": [
            link(request, path, "self", JSON, collection.title),
            link(request, items, "items", GEOJSON, f"{collection.title} as GeoJSON"),
            # OGC API – Features Part 5 spells the relation "describedby";
            # GDAL 3.6 follows only "describedBy".
            link(request, schema, "describedby", JSON_SCHEMA, "Feature schema"),
            link(request, schema, "describedBy", JSON_SCHEMA, "Feature schema"),
        ],
    }
    return document


def extent(collection: Collection) -> dict:
    """
    The collection's bounding box and period, computed over the whole table,
    so kept for a few minutes.
    """
    key = f"ogc:extent:{collection.id}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    aggregates = {"box": Extent(collection.geometry)}
    if collection.dates:
        aggregates["first"] = Min(collection.dates[0])
        aggregates["last"] = Max(collection.dates[1])
    # Shared by every reader, so what anyone may see.
    values = collection.queryset(AnonymousUser()).aggregate(**aggregates)
    result: dict = {}
    if values["box"]:
        result["spatial"] = {"bbox": [list(values["box"])], "crs": CRS84}
    if values.get("first"):
        result["temporal"] = {
            "interval": [
                [f"{values['first']}T00:00:00Z", f"{values['last']}T23:59:59Z"]
            ],
            "trs": GREGORIAN,
        }
    cache.set(key, result, EXTENT_SECONDS)
    return result


@json_view
def landing(request: HttpRequest) -> HttpResponse:
    check_format(request, "json")
    ogc = reverse("ogc:landing")
    return JsonResponse(
        {
            "title": "Zagros: OGC API – Features",
            "description": "Sourced, mapped geopolitical events of the Iran–Iraq "
            "border region, with places and agreements, for GIS clients.",
            "links": [
                link(request, ogc, "self", JSON, "This document"),
                link(
                    request, reverse("events:index"), "alternate", HTML, "The website"
                ),
                link(
                    request,
                    reverse("ogc:api"),
                    "service-desc",
                    OPENAPI,
                    "The API definition",
                ),
                link(
                    request,
                    reverse("ogc:conformance"),
                    "conformance",
                    JSON,
                    "Conformance classes implemented",
                ),
                link(
                    request,
                    reverse("ogc:collections"),
                    "data",
                    JSON,
                    "The feature collections",
                ),
            ],
        },
        content_type=JSON,
    )


@json_view
def conformance(request: HttpRequest) -> HttpResponse:
    check_format(request, "json")
    return JsonResponse({"conformsTo": CONFORMANCE}, content_type=JSON)


@json_view
def collections(request: HttpRequest) -> HttpResponse:
    check_format(request, "json")
    path = reverse("ogc:collections")
    return JsonResponse(
        {
            "links": [link(request, path, "self", JSON, "The feature collections")],
            "collections": [
                collection_document(request, collection)
                for collection in COLLECTIONS.values()
            ],
        },
        content_type=JSON,
    )


@json_view
def collection(request: HttpRequest, collection_id: str) -> HttpResponse:
    check_format(request, "json")
    if collection_id not in COLLECTIONS:
        return not_found(f"Collection {collection_id[:40]!r}")
    document = collection_document(request, COLLECTIONS[collection_id])
    return JsonResponse(document, content_type=JSON)


def feature_schema(request: HttpRequest, spec: Collection) -> dict:
    geometry_types = {
        "point": ["Point"],
        "signed_at__point": ["Point"],
        "geometry": [
            "Point",
            "LineString",
            "MultiLineString",
            "Polygon",
            "MultiPolygon",
        ],
    }[spec.geometry]
    return {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": request.build_absolute_uri(reverse("ogc:schema", args=[spec.id])),
        "title": spec.title,
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": INTEGER,
            "geometry": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": geometry_types},
                    "coordinates": {"type": "array"},
                },
            },
            "properties": {"type": "object", "properties": spec.schema},
        },
    }


@json_view
def schema(request: HttpRequest, collection_id: str) -> HttpResponse:
    """The JSON Schema of the collection's features."""
    check_format(request, "json")
    if collection_id not in COLLECTIONS:
        return not_found(f"Collection {collection_id[:40]!r}")
    document = feature_schema(request, COLLECTIONS[collection_id])
    return JsonResponse(document, content_type=JSON_SCHEMA)


@json_view
def items(request: HttpRequest, collection_id: str) -> HttpResponse:
    """A page of features, in primary-key order, with links to its neighbours."""
    if collection_id not in COLLECTIONS:
        return not_found(f"Collection {collection_id[:40]!r}")
    spec = COLLECTIONS[collection_id]
    matching = filtered(request, spec)
    limit = DEFAULT_LIMIT
    if "limit" in request.GET:
        # Larger limits are served at the maximum, as the standard asks.
        limit = min(parse_positive(request.GET["limit"], "limit"), MAX_LIMIT)
    after = request.GET.get("after")
    before = request.GET.get("before")
    if after and before:
        raise InvalidParameter("before", "is not used together with after.")
    page = matching.annotate(
        feature=feature_json(geometry=spec.geometry, properties=spec.properties)
    )
    if before:
        page = page.filter(pk__lt=parse_positive(before, "before")).order_by("-pk")
    else:
        if after:
            page = page.filter(pk__gt=parse_positive(after, "after"))
        page = page.order_by("pk")
    rows = list(page.values_list("pk", "feature")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if before:
        rows.reverse()

    path = reverse("ogc:items", args=[collection_id])
    query = {
        key: value
        for key, value in request.GET.items()
        if key not in ("after", "before")
    }
    links = [
        link(request, path, "self", GEOJSON, "This page", request.GET.dict()),
        link(
            request,
            reverse("ogc:collection", args=[collection_id]),
            "collection",
            JSON,
            spec.title,
        ),
    ]
    # Going forward, more rows mean a next page; going back, a previous one.
    has_next = more if not before else True
    has_prev = more if before else bool(after)
    if rows and has_next:
        links.append(
            link(
                request,
                path,
                "next",
                GEOJSON,
                "Next page",
                {**query, "after": str(rows[-1][0])},
            )
        )
    if rows and has_prev:
        links.append(
            link(
                request,
                path,
                "prev",
                GEOJSON,
                "Previous page",
                {**query, "before": str(rows[0][0])},
            )
        )
    meta = {
        "links": links,
        "timeStamp": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "numberReturned": len(rows),
    }
    counted = matching.order_by()[: MATCH_COUNT_LIMIT + 1].count()
    if counted <= MATCH_COUNT_LIMIT:
        meta["numberMatched"] = counted
    body = (
        '{"type":"FeatureCollection","features":['
        + ",".join(feature for _, feature in rows)
        + "],"
        + json.dumps(meta)[1:]
    )
    return HttpResponse(body, content_type=GEOJSON)


@json_view
def item(request: HttpRequest, collection_id: str, feature_id: str) -> HttpResponse:
    if collection_id not in COLLECTIONS:
        return not_found(f"Collection {collection_id[:40]!r}")
    check_format(request, "json", "geojson")
    spec = COLLECTIONS[collection_id]
    if not re.fullmatch(r"[0-9]{1,18}", feature_id):
        return not_found(f"Feature {feature_id[:40]!r}")
    text = (
        spec.queryset(request.user)
        .filter(pk=int(feature_id))
        .annotate(
            feature=feature_json(geometry=spec.geometry, properties=spec.properties)
        )
        .values_list("feature", flat=True)
        .first()
    )
    if text is None:
        return not_found(f"Feature {feature_id} of {collection_id}")
    feature = json.loads(text)
    path = reverse("ogc:item", args=[collection_id, feature_id])
    feature["links"] = [
        link(request, path, "self", GEOJSON, "This feature"),
        link(
            request,
            reverse(spec.page, args=[int(feature_id)]),
            "alternate",
            HTML,
            "This feature on the website",
        ),
        link(
            request,
            reverse("ogc:collection", args=[collection_id]),
            "collection",
            JSON,
            spec.title,
        ),
    ]
    return HttpResponse(json.dumps(feature), content_type=GEOJSON)


# --- the API definition ---------------------------------------------------------------


def parameter(name: str, description: str, schema: dict, **extra) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        **extra,
    }


def response(description: str, media_type: str) -> dict:
    return {
        "description": description,
        "content": {media_type: {"schema": {"type": "object"}}},
    }


ERRORS = {
    "400": response("A parameter has an invalid value.", JSON),
    "404": response("No such resource.", JSON),
}


def items_parameters(spec: Collection) -> list[dict]:
    parameters = [
        parameter(
            "limit",
            "Features per page.",
            {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_LIMIT,
                "default": DEFAULT_LIMIT,
            },
        ),
        parameter(
            "bbox",
            "minx,miny,maxx,maxy in CRS84 (lon/lat).",
            {
                "type": "array",
                "minItems": 4,
                "maxItems": 6,
                "items": {"type": "number"},
            },
            style="form",
            explode=False,
        ),
        parameter(
            "bbox-crs",
            "The CRS of bbox; only CRS84.",
            {"type": "string", "enum": [CRS84]},
        ),
        parameter(
            "after",
            "Features after this id (from the next link).",
            {"type": "integer", "minimum": 1},
        ),
        parameter(
            "before",
            "Features before this id (from the prev link).",
            {"type": "integer", "minimum": 1},
        ),
        parameter(
            "f", "Output format.", {"type": "string", "enum": ["json", "geojson"]}
        ),
    ]
    if spec.dates:
        parameters.append(
            parameter(
                "datetime",
                "An RFC 3339 date or date-time, or an interval start/end with '..' "
                "for an open end; features whose period overlaps it.",
                {"type": "string"},
                style="form",
                explode=False,
            )
        )
    for name in spec.queryables:
        parameters.append(
            parameter(name, f"Features whose {name} equals this.", {"type": "string"})
        )
    return parameters


def api_document(request: HttpRequest) -> dict:
    paths: dict = {
        "/": {
            "get": {
                "summary": "Landing page",
                "operationId": "getLandingPage",
                "responses": {"200": response("The landing page.", JSON)},
            }
        },
        "/conformance": {
            "get": {
                "summary": "Conformance classes",
                "operationId": "getConformance",
                "responses": {"200": response("Conformance.", JSON)},
            }
        },
        "/api": {
            "get": {
                "summary": "This API definition",
                "operationId": "getAPI",
                "responses": {"200": response("The definition.", OPENAPI)},
            }
        },
        "/collections": {
            "get": {
                "summary": "The feature collections",
                "operationId": "getCollections",
                "responses": {"200": response("Collections.", JSON)},
            }
        },
    }
    for spec in COLLECTIONS.values():
        base = f"/collections/{spec.id}"
        paths[base] = {
            "get": {
                "summary": f"The {spec.id} collection",
                "operationId": f"describe_{spec.id}",
                "responses": {"200": response("The collection.", JSON), **ERRORS},
            }
        }
        paths[f"{base}/schema"] = {
            "get": {
                "summary": f"The schema of the {spec.id}",
                "operationId": f"schema_{spec.id}",
                "responses": {"200": response("A JSON Schema.", JSON_SCHEMA), **ERRORS},
            }
        }
        paths[f"{base}/items"] = {
            "get": {
                "summary": f"{spec.title}",
                "description": spec.description,
                "operationId": f"get_{spec.id}",
                "parameters": items_parameters(spec),
                "responses": {
                    "200": response("A page of features.", GEOJSON),
                    **ERRORS,
                },
            }
        }
        paths[f"{base}/items/{{featureId}}"] = {
            "get": {
                "summary": f"One of the {spec.id}",
                "operationId": f"get_{spec.id}_feature",
                "parameters": [
                    {
                        "name": "featureId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    }
                ],
                "responses": {"200": response("A feature.", GEOJSON), **ERRORS},
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Zagros: OGC API – Features",
            "version": "1.0",
            "description": "Published events, locations and signed agreements as "
            "OGC API – Features (Part 1: Core, GeoJSON).",
        },
        "servers": [
            {"url": request.build_absolute_uri(reverse("ogc:landing")).rstrip("/")}
        ],
        "paths": paths,
    }


@json_view
def api_definition(request: HttpRequest) -> HttpResponse:
    check_format(request, "json")
    return JsonResponse(api_document(request), content_type=OPENAPI)
