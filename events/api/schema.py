"""
The OpenAPI schema's shared parts: every operation documents the error
answers it can give, each with the JSON body the exception handler writes,
and reads open to anonymous clients say so in their security.
"""

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions

ERROR = {
    "type": "object",
    "description": "An error the client can act on: `detail` says what.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Invalid input: each field named, with a list of messages "
    "(nested objects and lists keyed by field or index the same way); "
    "`detail` for what belongs to no one field.",
    "additionalProperties": {},
}
ERROR_DESCRIPTIONS = {
    400: ("FieldErrors", "Invalid input: a parameter, the body or `format`."),
    401: ("Error", "The token or session sent is not valid, or none was sent."),
    403: ("FieldErrors", "Signed in, but not allowed to do this."),
    404: (
        "FieldErrors",
        "No such object, or none you may see: the path's id, or an id or "
        "cursor in the parameters or the body that names nothing stored (the "
        "field is named).",
    ),
    406: ("Error", "No format the Accept header allows."),
    409: (
        "FieldErrors",
        "The change conflicts with the stored data (a duplicate of something "
        "unique, the field named when it is known).",
    ),
    412: ("Error", "If-Match names none of the current ETags."),
    413: ("Error", "The body is larger than the server accepts."),
    415: ("Error", "The body is not JSON."),
    429: ("Error", "Too many anonymous requests: retry after `Retry-After`."),
}
SAFE = {"GET", "HEAD", "OPTIONS"}
ANONYMOUS_READS = (
    permissions.AllowAny,
    permissions.IsAuthenticatedOrReadOnly,
    permissions.DjangoModelPermissionsOrAnonReadOnly,
)


def empty_allowed(schema: dict) -> dict:
    """
    A query parameter's schema admitting the empty value, which the filters,
    `format` and the pages read as the parameter left out.
    """
    if schema.get("type") == "array" or "$ref" in schema:
        return schema
    if "enum" in schema:
        return {**schema, "enum": [*schema["enum"], ""]}
    if schema.get("type") == "string" and not {"format", "pattern"} & set(schema):
        return schema  # empty already fits, unless a bound says otherwise
    return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}


class AutoSchema(BaseAutoSchema):
    def get_auth(self) -> list[dict]:
        auths = super().get_auth()
        if self.anonymous_read() and {} not in auths:
            auths.append({})
        return auths

    def anonymous_read(self) -> bool:
        return self.method in SAFE and any(
            isinstance(permission, ANONYMOUS_READS)
            for permission in self.view.get_permissions()
        )

    def get_operation(self, *args, **kwargs) -> dict | None:
        operation = super().get_operation(*args, **kwargs)
        filterset = getattr(self.view, "filterset_class", None)
        filters = getattr(filterset, "base_filters", {})
        for parameter in (operation or {}).get("parameters", []):
            if parameter["in"] != "query" or parameter.get("required"):
                continue
            schema = parameter["schema"]
            # django-filter's max_length, which the spectacular extension leaves out.
            event_filter = filters.get(parameter["name"])
            max_length = event_filter and event_filter.extra.get("max_length")
            if max_length and schema.get("type") == "string":
                schema = {**schema, "maxLength": max_length}
            parameter["schema"] = empty_allowed(schema)
        return operation

    # A response given as a raw schema (a GeoJSON FeatureCollection) is the
    # whole body: spectacular would wrap it in the JSON list's pages.
    raw_body = False

    def _get_response_for_code(self, serializer, *args, **kwargs) -> dict:
        body = (
            serializer.response
            if isinstance(serializer, OpenApiResponse)
            else serializer
        )
        self.raw_body = isinstance(body, dict)
        try:
            return super()._get_response_for_code(serializer, *args, **kwargs)
        finally:
            self.raw_body = False

    def _is_list_view(self, serializer=None) -> bool:
        return not self.raw_body and super()._is_list_view(serializer)

    def error_statuses(self) -> list[int]:
        """The error answers this operation can give, besides its own."""
        statuses = [400, 401, 406]
        if not self.anonymous_read():
            statuses.append(403)
        if "{" in self.path or self.method in ("GET", "POST", "PUT", "PATCH"):
            statuses.append(404)  # an id or a cursor may name nothing stored
        if self.method not in SAFE:
            statuses += [409, 412] if self.method != "POST" else [409]
        if self.method in ("POST", "PUT", "PATCH"):
            statuses += [413, 415]
        statuses.append(429)
        return statuses

    def _get_response_bodies(self, direction: str = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status in self.error_statuses():
            name, description = ERROR_DESCRIPTIONS[status]
            response = responses.setdefault(str(status), {"description": description})
            response["content"] = {
                "application/json": {"schema": self.error_component(name)}
            }
        if self.method == "GET" and "200" in responses:
            responses.setdefault(
                "304", {"description": "Not modified: If-None-Match matched."}
            )
        return responses

    def error_component(self, name: str) -> dict:
        component = ResolvedComponent(
            name=name,
            type=ResolvedComponent.SCHEMA,
            object=name,
            schema=ERROR if name == "Error" else FIELD_ERRORS,
        )
        self.registry.register_on_missing(component)
        return component.ref


# The GeoJSON answers (RFC 7946), as events.api.formats writes them.
GEOJSON_FEATURE = {
    "type": "object",
    "description": "An event as an RFC 7946 Feature: its point, its fields as "
    "properties.",
    "properties": {
        "type": {"type": "string", "enum": ["Feature"]},
        "id": {"type": "integer"},
        "geometry": {"type": "object", "nullable": True},
        "properties": {"type": "object"},
    },
    "required": ["type", "geometry", "properties"],
}
GEOJSON_FEATURE_COLLECTION = {
    "type": "object",
    "description": "An RFC 7946 FeatureCollection of every matching event (no "
    "pagination), with `tombstones` as a foreign member when `updated_since` "
    "is given.",
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": GEOJSON_FEATURE},
        "tombstones": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["type", "features"],
}


# The dates the models accept (events.models.EARLIEST_DATE to LATEST_DATE),
# which `format: date` cannot say: a pattern on every date a client sends.
DATE_IN_RANGE = r"^(1[89][0-9]{2}|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$"


def bounded_dates(result: dict, generator, request, public) -> dict:
    """
    drf-spectacular postprocessing hook: what the models refuse that the
    generated schema does not say. Dates a client sends carry the range, and
    texts a client sends (query parameters and bodies) refuse the NUL
    character, which PostgreSQL cannot store.
    """

    def visit(node: object) -> None:
        if isinstance(node, dict):
            if node.get("format") == "date" and not node.get("readOnly"):
                node.setdefault("pattern", DATE_IN_RANGE)
            elif plain_text(node):
                # Spacing around a text is trimmed, so a required text needs
                # more than spaces.
                node["pattern"] = NOT_BLANK if node.get("minLength") else NO_NUL
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):  # what clients send (COMPONENT_SPLIT_REQUEST)
            visit(component)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    visit(parameter.get("schema", {}))
    return result


NO_NUL = "^[^\\u0000]*$"
NOT_BLANK = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"


def plain_text(node: dict) -> bool:
    return (
        node.get("type") == "string"
        and not node.get("readOnly")
        and not {"format", "pattern", "enum"} & set(node)
    )
