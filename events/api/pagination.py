"""
Keyset pagination: each page continues after the last row of the previous one,
on a total order that ends in the primary key, so pages neither skip nor repeat
rows when others are inserted, and no page ever counts the whole table.

The cursor is signed: a client can pass it back but not forge one, and a cursor
from another query is refused rather than misread.
"""

import datetime
import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core import signing
from django.db.models import QuerySet
from django.urls import reverse
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

from events.http import NAMES_NOTHING
from events.queries import narrowed, rows_after

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
# page_size reads at most this many digits; up to there, larger is capped.
MAX_PAGE_SIZE_DIGITS = 10
CURSOR_SALT = "events.api.cursor"
TOMBSTONES_SALT = "events.api.tombstones"
# Parameters that move through or shape the pages rather than select rows.
PAGING_PARAMS = {"cursor", "page_size", "format", "after"}


@dataclass(frozen=True)
class Ordering:
    """A total order: (field or annotation, descending) pairs ending in `id`."""

    name: str
    keys: tuple[tuple[str, bool], ...]

    def order_by(self) -> list[str]:
        return [f"-{field}" if desc else field for field, desc in self.keys]


# Served by event_published_start_idx (start_date, id, updated_at).
BY_DATE = Ordering("date", (("start_date", False), ("id", False)))
# Full-text results: most relevant first, then by date.
BY_RANK = Ordering("rank", (("rank", True), ("start_date", False), ("id", False)))


def page_size(request: Request) -> int:
    """`page_size`: 1 to 500 (larger values are capped), 100 when absent."""
    text = request.query_params.get("page_size", "").strip()
    if not text:
        return DEFAULT_PAGE_SIZE
    if not text.isascii() or not text.isdigit() or len(text) > MAX_PAGE_SIZE_DIGITS:
        raise ValidationError(
            {"page_size": [f"Expected a whole number from 1 to {MAX_PAGE_SIZE}."]}
        )
    size = int(text)
    if size < 1:
        raise ValidationError({"page_size": ["Must be at least 1."]})
    return min(size, MAX_PAGE_SIZE)


def query_digest(request: Request) -> str:
    """Which rows a query selects, so a cursor stays with its own query."""
    selection = sorted(
        (key, sorted(values))
        for key, values in request.query_params.lists()
        if key not in PAGING_PARAMS
    )
    return hashlib.sha256(repr(selection).encode()).hexdigest()[:16]


def encode(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime.date) else value


def decode(field: str, value: object) -> object:
    if field == "start_date":
        return datetime.date.fromisoformat(value)
    if field == "id" and type(value) is int:
        return value
    if field == "rank" and type(value) in (int, float):
        return float(value)
    if field == "vague" and type(value) is bool:
        return value
    if field not in ("start_date", "id", "rank", "vague") and type(value) is str:
        return value
    raise ValueError(field)


def read_cursor(request: Request, ordering: Ordering) -> tuple | None:
    token = request.query_params.get("cursor", "").strip()
    if not token:
        return None
    try:
        payload = signing.loads(token[:500], salt=CURSOR_SALT)
        if payload["q"] != query_digest(request) or payload["o"] != ordering.name:
            raise ValidationError(
                {"cursor": ["This cursor belongs to a different query."]},
                code=NAMES_NOTHING,
            )
        values = payload["k"]
        if len(values) != len(ordering.keys):
            raise ValueError("length")
        return tuple(
            decode(field, value)
            for (field, _), value in zip(ordering.keys, values, strict=True)
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        # A cursor names a page; one this API did not issue names none (404).
        raise ValidationError(
            {"cursor": ["No such page: pass back the `next` link unchanged."]},
            code=NAMES_NOTHING,
        ) from None


def make_cursor(request: Request, ordering: Ordering, values: tuple) -> str:
    return signing.dumps(
        {
            "o": ordering.name,
            "q": query_digest(request),
            "k": [encode(value) for value in values],
        },
        salt=CURSOR_SALT,
    )


def tombstones_next(request: Request, resume: tuple | None) -> str | None:
    """
    The link to the next page of tombstones (events/sync.py), after the
    changed event `resume` (its change time and id), for the same query;
    None if there is none.
    """
    if resume is None:
        return None
    moment, pk = resume
    token = signing.dumps(
        {"q": query_digest(request), "k": [moment.isoformat(), pk]},
        salt=TOMBSTONES_SALT,
    )
    params = [
        (key, value)
        for key, values in request.query_params.lists()
        if key not in PAGING_PARAMS
        for value in values
    ]
    path = reverse("api:event-tombstones")
    query = urlencode([*params, ("after", token)])
    return request.build_absolute_uri(f"{path}?{query}")


def read_tombstones_after(request: Request) -> tuple | None:
    """Where a page of tombstones starts: the `after` of tombstones_next."""
    token = request.query_params.get("after", "").strip()
    if not token:
        return None
    try:
        payload = signing.loads(token[:500], salt=TOMBSTONES_SALT)
        if payload["q"] != query_digest(request):
            raise ValidationError(
                {"after": ["This link belongs to a different query."]},
                code=NAMES_NOTHING,
            )
        moment, pk = payload["k"]
        if type(pk) is not int or type(moment) is not str:
            raise ValueError("k")
        return datetime.datetime.fromisoformat(moment), pk
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError(
            {
                "after": [
                    "No such page: pass back the `tombstones_next` link unchanged."
                ]
            },
            code=NAMES_NOTHING,
        ) from None


def after(queryset: QuerySet, ordering: Ordering, values: tuple) -> QuerySet:
    """Rows strictly after `values` in `ordering`."""
    return rows_after(queryset, ordering.keys, values)


@dataclass
class Page:
    rows: list
    next_url: str | None


def paginate(request: Request, queryset: QuerySet, ordering: Ordering) -> Page:
    size = page_size(request)
    position = read_cursor(request, ordering)
    if position is not None:
        queryset = after(queryset, ordering, position)
    rows = list(narrowed(queryset.order_by(*ordering.order_by())[: size + 1]))
    next_url = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        cursor = make_cursor(
            request,
            ordering,
            tuple(getattr(last, field) for field, _ in ordering.keys),
        )
        next_url = replace_query_param(request.build_absolute_uri(), "cursor", cursor)
    return Page(rows, next_url)


class KeysetPagination(BasePagination):
    """How the lists page, for the OpenAPI schema; the views call `paginate`."""

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page; null on the last. Also sent "
                    'as a `Link: <...>; rel="next"` header.',
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "Position in the list: pass back the `next` link.",
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "description": f"Items per page, 1 to {MAX_PAGE_SIZE} (larger "
                f"values are capped); default {DEFAULT_PAGE_SIZE}.",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 10**MAX_PAGE_SIZE_DIGITS - 1,
                },
            },
        ]


class EventPagination(KeysetPagination):
    def get_paginated_response_schema(self, schema: dict) -> dict:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"].update(TOMBSTONES_SCHEMA)
        return paginated


TOMBSTONES_SCHEMA = {
    "tombstones": {
        "type": "array",
        "description": "With `updated_since`, on the first page: events "
        "removed from view since then, for a sync client to drop; more may "
        "follow at `tombstones_next`.",
        "items": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "change": {
                    "type": "string",
                    "enum": [
                        "deleted",
                        "retracted",
                        "unpublished",
                        "no_longer_matches",
                    ],
                },
                "retraction_reason": {"type": "string"},
                "changed_at": {"type": "string", "format": "date-time"},
            },
        },
    },
    "tombstones_next": {
        "type": "string",
        "format": "uri",
        "nullable": True,
        "description": "With `updated_since`: the next page of tombstones "
        "(`/api/v1/events/tombstones/`); null on the last.",
    },
}
