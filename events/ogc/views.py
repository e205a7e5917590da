"""
The resources of /ogc/, each as JSON for programs and as an HTML page for
people in a browser: `f=json|geojson|html`, or the Accept header when `f` is
absent (JSON unless the client prefers HTML, as browsers do). Pages of
features are JSON text built by PostgreSQL (events/features.py) and joined,
never parsed, on the way out; only the HTML page reads them.
"""

import json
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.db.models import Extent, GeometryField
from django.contrib.gis.db.models.functions import Transform
from django.core.cache import cache
from django.db.models import F, Func, Max, Min
from django.db.models.expressions import Expression, RawSQL
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode

from events.features import feature_json
from events.http import read_only
from events.ogc import items as selection
from events.ogc.collections import (
    COLLECTIONS,
    CONFORMANCE,
    CRS84,
    CRSS,
    EPSG_3857,
    EPSG_4326,
    GEOJSON,
    GREGORIAN,
    HTML,
    JSON,
    JSON_SCHEMA,
    OPENAPI,
    Collection,
    feature_schema,
    geojson_schema,
    queryables_schema,
)
from events.ogc.openapi import api_document
from events.ogc.parameters import (
    InvalidParameter,
    parse_boolean,
    parse_crs,
    parse_names,
    parse_positive,
    parse_sortby,
)

EXTENT_SECONDS = 300
SCHEMA_REL = "http://www.opengis.net/def/rel/ogc/1.0/schema"
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
# Coordinates in degrees to about 10 cm; in metres, to the centimetre.
DECIMALS = {CRS84: 6, EPSG_4326: 6, EPSG_3857: 2}
# The latitudes EPSG:3857 can show; beyond them a point has no coordinates.
MERCATOR_WORLD = "ST_MakeEnvelope(-180, -85.0511287798, 180, 85.0511287798, 4326)"
HTML_COLUMNS = 8


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


def wants_html(request: HttpRequest, *formats: str) -> bool:
    """
    Whether to answer with HTML: `f=html`, or no `f` and an Accept header
    that prefers HTML to JSON. `formats` are the other values `f` may take.
    """
    value = request.GET.get("f")
    if value is not None:
        if value != "html" and value not in formats:
            raise InvalidParameter(
                "f", f"{value[:20]!r} is not offered; use {' or '.join(formats)}."
            )
        return value == "html"
    return request.get_preferred_type([JSON, GEOJSON, HTML]) == HTML


def only_json(request: HttpRequest) -> None:
    value = request.GET.get("f")
    if value is not None and value != "json":
        raise InvalidParameter("f", f"{value[:20]!r} is not offered; use json.")


def ogc_view(view: Callable) -> Callable:
    """
    A GET view whose bad parameters answer 400, and whose missing objects
    404, with OGC's error document.
    """

    @read_only
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except InvalidParameter as invalid:
            response = error("InvalidParameterValue", str(invalid), 400)
        except NotFound as missing:
            response = not_found(str(missing))
        patch_vary_headers(response, ["Accept"])
        return response

    return wrapped


class NotFound(Exception):
    """What a path names that does not exist: OGC's 404 document."""


def collection_named(collection_id: str) -> Collection:
    try:
        return COLLECTIONS[collection_id]
    except KeyError:
        raise NotFound(f"Collection {collection_id[:40]!r}") from None


def html_page(request: HttpRequest, template: str, ctx: dict) -> HttpResponse:
    return render(request, f"ogc/{template}", ctx)


# --- landing page, conformance, collections -------------------------------------------


@ogc_view
def landing(request: HttpRequest) -> HttpResponse:
    html = wants_html(request, "json")
    ogc = reverse("ogc:landing")
    document = {
        "title": "Zagros: OGC API – Features",
        "description": "Sourced, mapped geopolitical events of the Iran–Iraq "
        "border region, with places and agreements, for GIS clients.",
        "links": [
            link(request, ogc, "self", JSON, "This document"),
            link(request, ogc, "alternate", HTML, "This page in HTML", {"f": "html"}),
            link(request, reverse("events:index"), "related", HTML, "The website"),
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
    }
    if html:
        return html_page(
            request,
            "landing.html",
            {"document": document, "collections": COLLECTIONS.values()},
        )
    return JsonResponse(document, content_type=JSON)


@ogc_view
def conformance(request: HttpRequest) -> HttpResponse:
    if wants_html(request, "json"):
        return html_page(request, "conformance.html", {"classes": CONFORMANCE})
    return JsonResponse({"conformsTo": CONFORMANCE}, content_type=JSON)


def collection_document(request: HttpRequest, spec: Collection) -> dict:
    path = reverse("ogc:collection", args=[spec.id])
    items = reverse("ogc:items", args=[spec.id])
    schema = reverse("ogc:schema", args=[spec.id])
    queryables = reverse("ogc:queryables", args=[spec.id])
    return {
        "id": spec.id,
        "title": spec.title,
        "description": spec.description,
        "itemType": "feature",
        "crs": CRSS,
        "storageCrs": CRS84,
        "extent": extent(spec),
        "links": [
            link(request, path, "self", JSON, spec.title),
            link(
                request, path, "alternate", HTML, f"{spec.title} in HTML", {"f": "html"}
            ),
            link(request, items, "items", GEOJSON, f"{spec.title} as GeoJSON"),
            link(request, items, "items", HTML, f"{spec.title} in HTML", {"f": "html"}),
            link(request, schema, "describedby", JSON_SCHEMA, "Feature schema"),
            link(request, schema, SCHEMA_REL, JSON_SCHEMA, "Feature schema"),
            # GDAL 3.6 follows only "describedBy", and types its columns from
            # a schema of the GeoJSON feature rather than Part 5's.
            link(
                request,
                reverse("ogc:geojson_schema", args=[spec.id]),
                "describedBy",
                JSON_SCHEMA,
                "Schema of the GeoJSON features",
            ),
            link(request, queryables, QUERYABLES_REL, JSON_SCHEMA, "Queryables"),
            # The drafts' relation, which GDAL 3.6 looks for.
            link(request, queryables, "queryables", JSON, "Queryables"),
        ],
    }


def extent(spec: Collection) -> dict:
    """
    The collection's bounding box and period, computed over the whole table,
    so kept for a few minutes.
    """
    key = f"ogc:extent:{spec.id}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    aggregates = {"box": Extent(spec.geometry)}
    if spec.dates:
        aggregates["first"] = Min(spec.dates[0])
        aggregates["last"] = Max(spec.dates[1])
    # Shared by every reader, so what anyone may see.
    values = spec.queryset(AnonymousUser()).aggregate(**aggregates)
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


@ogc_view
def collections(request: HttpRequest) -> HttpResponse:
    html = wants_html(request, "json")
    path = reverse("ogc:collections")
    document = {
        "links": [
            link(request, path, "self", JSON, "The feature collections"),
            link(request, path, "alternate", HTML, "In HTML", {"f": "html"}),
        ],
        "collections": [
            collection_document(request, spec) for spec in COLLECTIONS.values()
        ],
    }
    if html:
        return html_page(request, "collections.html", {"document": document})
    return JsonResponse(document, content_type=JSON)


@ogc_view
def collection(request: HttpRequest, collection_id: str) -> HttpResponse:
    spec = collection_named(collection_id)
    html = wants_html(request, "json")
    document = collection_document(request, spec)
    if html:
        return html_page(
            request, "collection.html", {"document": document, "spec": spec}
        )
    return JsonResponse(document, content_type=JSON)


@ogc_view
def queryables(request: HttpRequest, collection_id: str) -> HttpResponse:
    spec = collection_named(collection_id)
    html = wants_html(request, "json")
    schema_id = request.build_absolute_uri(
        reverse("ogc:queryables", args=[collection_id])
    )
    document = queryables_schema(spec, schema_id)
    if html:
        return html_page(
            request,
            "queryables.html",
            {"document": document, "spec": spec, "example": spec.example},
        )
    # GDAL 3.6 asks for JSON and refuses a JSON Schema media type.
    media_type = request.get_preferred_type([JSON_SCHEMA, JSON]) or JSON_SCHEMA
    return JsonResponse(document, content_type=media_type)


@ogc_view
def schema(request: HttpRequest, collection_id: str) -> HttpResponse:
    """Part 5's schema of the collection's features."""
    spec = collection_named(collection_id)
    only_json(request)
    schema_id = request.build_absolute_uri(reverse("ogc:schema", args=[spec.id]))
    return JsonResponse(feature_schema(spec, schema_id), content_type=JSON_SCHEMA)


@ogc_view
def geojson_feature_schema(request: HttpRequest, collection_id: str) -> HttpResponse:
    spec = collection_named(collection_id)
    only_json(request)
    schema_id = request.build_absolute_uri(
        reverse("ogc:geojson_schema", args=[spec.id])
    )
    return JsonResponse(geojson_schema(spec, schema_id), content_type=JSON_SCHEMA)


# --- features -------------------------------------------------------------------------


def geometry(spec: Collection, crs: str) -> Expression | str:
    """The features' geometry in `crs`."""
    if crs == EPSG_4326:
        # EPSG:4326 is latitude first.
        return Func(
            F(spec.geometry),
            function="ST_FlipCoordinates",
            output_field=GeometryField(srid=4326),
        )
    if crs == EPSG_3857:
        clipped = Func(
            F(spec.geometry),
            RawSQL(f"{MERCATOR_WORLD}::box2d", []),
            function="ST_ClipByBox2D",
            output_field=GeometryField(srid=4326),
        )
        return Transform(clipped, 3857)
    return spec.geometry


def feature_expression(
    spec: Collection, crs: str, names: list[str], skip_geometry: bool
) -> Expression:
    return feature_json(
        geometry=None if skip_geometry else geometry(spec, crs),
        properties={
            name: value for name, value in spec.properties.items() if name in names
        },
        decimals=DECIMALS[crs],
    )


def representation(
    request: HttpRequest, spec: Collection
) -> tuple[str, list[str], bool]:
    """The CRS, properties and geometry the features are given with."""
    crs = parse_crs(request.GET.get("crs", CRS84), "crs")
    names = list(spec.properties)
    if "properties" in request.GET:
        names = parse_names(request.GET["properties"], "properties", names)
    skip = parse_boolean(request.GET.get("skipGeometry", "false"), "skipGeometry")
    return crs, names, skip


def geojson(body: str, crs: str) -> HttpResponse:
    response = HttpResponse(body, content_type=GEOJSON)
    response["Content-Crs"] = f"<{crs}>"
    return response


@ogc_view
def items(request: HttpRequest, collection_id: str) -> HttpResponse:
    """A page of features, with links to its neighbours and the count."""
    spec = collection_named(collection_id)
    html = wants_html(request, "json", "geojson")
    query = request.GET
    matching = selection.selected(query, spec, request.user)
    crs, names, skip_geometry = representation(request, spec)
    limit = selection.DEFAULT_LIMIT
    if "limit" in query:
        # Larger limits are served at the maximum, as the standard asks.
        limit = min(parse_positive(query["limit"], "limit"), selection.MAX_LIMIT)
    order = selection.Order([], "")
    if "sortby" in query:
        order = selection.Order(
            parse_sortby(query["sortby"], spec.queryables), query["sortby"]
        )
    result_type = query.get("resultType", "results")
    if result_type not in ("results", "hits"):
        raise InvalidParameter("resultType", "is results or hits.")
    matched, token = selection.number_matched(matching, query, spec, request.user)
    if result_type == "hits":
        page = selection.Page(rows=[], next=None, prev=None)
    else:
        page = selection.page(
            matching,
            order,
            feature=feature_expression(spec, crs, names, skip_geometry),
            limit=limit,
            after=query.get("after"),
            before=query.get("before"),
        )

    path = reverse("ogc:items", args=[collection_id])
    kept = {
        key: value
        for key, value in query.items()
        if key not in ("after", "before", "matched", "f")
    }
    if html:
        kept["f"] = "html"
    elif "f" in query:
        kept["f"] = query["f"]
    this_type = HTML if html else GEOJSON
    links = [
        link(request, path, "self", this_type, "This page", query.dict()),
        link(
            request,
            path,
            "alternate",
            GEOJSON if html else HTML,
            "This page in GeoJSON" if html else "This page in HTML",
            {**query.dict(), "f": "json" if html else "html"},
        ),
        link(
            request,
            reverse("ogc:collection", args=[collection_id]),
            "collection",
            JSON,
            spec.title,
        ),
    ]
    if page.next:
        links.append(
            link(
                request,
                path,
                "next",
                this_type,
                "Next page",
                {**kept, "after": page.next, "matched": token},
            )
        )
    if page.prev:
        links.append(
            link(
                request,
                path,
                "prev",
                this_type,
                "Previous page",
                {**kept, "before": page.prev, "matched": token},
            )
        )
    meta = {
        "links": links,
        "timeStamp": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "numberMatched": matched,
        "numberReturned": len(page.rows),
    }
    if html:
        features = [json.loads(text) for _, text in page.rows]
        columns = names if "properties" in query else names[:HTML_COLUMNS]
        return html_page(
            request,
            "items.html",
            {
                "spec": spec,
                "meta": meta,
                "columns": columns,
                "rows": [
                    (
                        feature["id"],
                        [feature["properties"].get(name) for name in columns],
                    )
                    for feature in features
                ],
                "links": {entry["rel"]: entry["href"] for entry in links},
            },
        )
    body = (
        '{"type":"FeatureCollection","features":['
        + ",".join(text for _, text in page.rows)
        + "],"
        + json.dumps(meta)[1:]
    )
    return geojson(body, crs)


@ogc_view
def item(request: HttpRequest, collection_id: str, feature_id: str) -> HttpResponse:
    spec = collection_named(collection_id)
    html = wants_html(request, "json", "geojson")
    unknown = sorted(set(request.GET) - {"f", "crs"})
    if unknown:
        raise InvalidParameter(unknown[0][:40], "is not a parameter of a feature.")
    crs = parse_crs(request.GET.get("crs", CRS84), "crs")
    if not feature_id.isascii() or not feature_id.isdigit() or len(feature_id) > 18:
        return not_found(f"Feature {feature_id[:40]!r}")
    text = (
        spec.queryset(request.user)
        .filter(pk=int(feature_id))
        .annotate(feature=feature_expression(spec, crs, list(spec.properties), False))
        .values_list("feature", flat=True)
        .first()
    )
    if text is None:
        return not_found(f"Feature {feature_id} of {collection_id}")
    feature = json.loads(text)
    path = reverse("ogc:item", args=[collection_id, feature_id])
    feature["links"] = [
        link(request, path, "self", HTML if html else GEOJSON, "This feature"),
        link(
            request,
            path,
            "alternate",
            GEOJSON if html else HTML,
            "This feature in GeoJSON" if html else "This feature in HTML",
            {"f": "json" if html else "html"},
        ),
        link(
            request,
            reverse(spec.page, args=[int(feature_id)]),
            "related",
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
    if html:
        return html_page(
            request,
            "item.html",
            {
                "spec": spec,
                "feature": feature,
                "properties": list(feature["properties"].items()),
                "geometry": json.dumps(feature["geometry"])[:2000],
                "links": {entry["rel"]: entry["href"] for entry in feature["links"]},
            },
        )
    return geojson(json.dumps(feature), crs)


@ogc_view
def api_definition(request: HttpRequest) -> HttpResponse:
    only_json(request)
    base_url = request.build_absolute_uri(reverse("ogc:landing")).rstrip("/")
    return JsonResponse(api_document(base_url, COLLECTIONS), content_type=OPENAPI)
