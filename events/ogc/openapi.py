"""
The OpenAPI 3.0 definition of /ogc/. GIS clients read it to decide how to
ask: GDAL 3.12 pages at the `limit` maximum it finds here; GDAL 3.6 sends a
where clause as `filter` only when `filter-lang` lists "cql-text", treats
each query parameter named like a property as an equality filter, and counts
with `resultType=hits` when that is listed.
"""

from events.filters import DATE_RULES
from events.ogc.collections import (
    CRSS,
    GEOJSON,
    HTML,
    JSON,
    JSON_SCHEMA,
    OPENAPI,
    Collection,
)
from events.ogc.cql2 import LANGUAGES
from events.ogc.items import DEFAULT_LIMIT, MAX_LIMIT


def parameter(name: str, description: str, schema: dict, **extra: object) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        **extra,
    }


def response(description: str, *media_types: str) -> dict:
    return {
        "description": description,
        "content": {
            media_type: {"schema": {"type": "object"}} for media_type in media_types
        },
    }


ERRORS = {
    "400": response("A parameter has an invalid value.", JSON),
    "404": response("No such resource.", JSON),
}
FORMAT = parameter(
    "f",
    "Output format; without it, the Accept header chooses (JSON by default).",
    {"type": "string", "enum": ["json", "html"]},
)
ITEMS_FORMAT = parameter(
    "f",
    "Output format; without it, the Accept header chooses (GeoJSON by default).",
    {"type": "string", "enum": ["json", "geojson", "html"]},
)
CRS = parameter(
    "crs",
    "The CRS of the geometries returned; CRS84 (longitude, latitude) by default.",
    {"type": "string", "format": "uri", "enum": CRSS},
)


def get(
    summary: str,
    operation: str,
    answer: dict,
    parameters: list[dict] | None = None,
    description: str = "",
) -> dict:
    operation_object: dict = {
        "summary": summary,
        "operationId": operation,
        "parameters": parameters or [FORMAT],
        "responses": {"200": answer, **ERRORS},
    }
    if description:
        operation_object["description"] = description
    return {"get": operation_object}


def items_parameters(spec: Collection) -> list[dict]:
    parameters = [
        parameter(
            "limit",
            "Features per page; a larger limit is served at the maximum.",
            {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_LIMIT,
                "default": DEFAULT_LIMIT,
            },
        ),
        parameter(
            "bbox",
            "minx,miny,maxx,maxy in bbox-crs (CRS84, lon/lat, by default); "
            "west > east crosses the antimeridian.",
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
            "The CRS of bbox.",
            {"type": "string", "format": "uri", "enum": CRSS},
        ),
        CRS,
        parameter(
            "filter",
            "A CQL2 condition on the queryables (comparisons, AND, OR, NOT, "
            "LIKE, BETWEEN, IN, IS NULL).",
            {"type": "string"},
        ),
        parameter(
            "filter-lang",
            "The language of filter; cql2-text by default. cql-text is the "
            "draft that GDAL 3.6 writes.",
            {"type": "string", "enum": list(LANGUAGES), "default": "cql2-text"},
        ),
        parameter(
            "filter-crs",
            "The CRS of geometries in filter; only CRS84.",
            {"type": "string", "format": "uri", "enum": [CRSS[0]]},
        ),
        parameter(
            "sortby",
            "Queryables to sort by, comma-separated, each ascending or with "
            "'-' descending; missing values last. By id without it.",
            {"type": "array", "items": {"type": "string"}},
            style="form",
            explode=False,
        ),
        parameter(
            "properties",
            "The properties each feature carries, comma-separated; all by default.",
            {
                "type": "array",
                "items": {"type": "string", "enum": list(spec.properties)},
            },
            style="form",
            explode=False,
        ),
        parameter(
            "skipGeometry",
            "true: features without their geometry.",
            {"type": "boolean", "default": False},
        ),
        parameter(
            "resultType",
            "hits: numberMatched alone, without features.",
            {"type": "string", "enum": ["results", "hits"], "default": "results"},
        ),
        parameter(
            "after",
            "Where the previous page ended (from the next link).",
            {"type": "string"},
        ),
        parameter(
            "before",
            "Where the next page started (from the prev link).",
            {"type": "string"},
        ),
        parameter(
            "matched",
            "numberMatched, counted on the first page (from the next and prev links).",
            {"type": "string"},
        ),
        ITEMS_FORMAT,
    ]
    if spec.period:
        parameters.append(
            parameter(
                "datetime",
                "An RFC 3339 date or date-time, or an interval start/end with '..' "
                "for an open end: the features whose period, widened to the "
                "precision of its dates, overlaps it (or, with date_rule=starts, "
                "whose period starts in it).",
                {"type": "string"},
                style="form",
                explode=False,
            )
        )
        parameters.append(
            parameter(
                "date_rule",
                "With datetime: overlaps (the default), the features whose "
                "period overlaps it; starts, those whose period starts in it.",
                {"type": "string", "enum": [rule for rule, _ in DATE_RULES]},
            )
        )
    for name, queryable in spec.queryables.items():
        parameters.append(
            parameter(name, f"Features whose {name} equals this.", queryable.schema)
        )
    return parameters


def api_document(base_url: str, collections: dict[str, Collection]) -> dict:
    paths: dict = {
        "/": get("Landing page", "getLandingPage", response("The page.", JSON, HTML)),
        "/conformance": get(
            "Conformance classes",
            "getConformance",
            response("The conformance classes.", JSON, HTML),
        ),
        "/api": get(
            "This API definition",
            "getAPI",
            response("The definition.", OPENAPI),
            parameters=[
                parameter("f", "Output format.", {"type": "string", "enum": ["json"]})
            ],
        ),
        "/collections": get(
            "The feature collections",
            "getCollections",
            response("Collections.", JSON, HTML),
        ),
    }
    for spec in collections.values():
        base = f"/collections/{spec.id}"
        paths[base] = get(
            f"The {spec.id} collection",
            f"describe_{spec.id}",
            response("The collection.", JSON, HTML),
        )
        paths[f"{base}/queryables"] = get(
            f"What filters and sortby may name in the {spec.id}",
            f"queryables_{spec.id}",
            response("A JSON Schema.", JSON_SCHEMA, HTML),
        )
        paths[f"{base}/schema"] = get(
            f"The schema of the {spec.id}",
            f"schema_{spec.id}",
            response("A JSON Schema.", JSON_SCHEMA),
        )
        paths[f"{base}/items"] = get(
            spec.title,
            f"get_{spec.id}",
            response("A page of features.", GEOJSON, HTML),
            parameters=items_parameters(spec),
            description=spec.description,
        )
        paths[f"{base}/items/{{featureId}}"] = get(
            f"One of the {spec.id}",
            f"get_{spec.id}_feature",
            response("A feature.", GEOJSON, HTML),
            parameters=[
                {
                    "name": "featureId",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer"},
                },
                CRS,
                ITEMS_FORMAT,
            ],
        )
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Zagros: OGC API – Features",
            "version": "1.0",
            "description": "Published events, locations and signed agreements as "
            "OGC API – Features: Part 1 (Core, GeoJSON, HTML), Part 2 (CRS), "
            "Part 3 (queryables, CQL2 filters) and Part 5 (schemas).",
        },
        "servers": [{"url": base_url}],
        "paths": paths,
    }
