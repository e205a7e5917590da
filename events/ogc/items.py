"""
Which features a request to /items selects, in which order, which page of
them, and how many match.

Pages are keyset pages: the next link carries where the page ended (the id
alone in the default order, or a signed cursor of the `sortby` values and the
id), so page 1,000 costs what page 1 does.

`numberMatched` is counted once per query, on its first page, and carried in
the next and prev links as a signed token, so a page costs what the page
itself costs. The token is bound to the collection, the filters, the reader
(who may see different features) and the data version (queries.data_version,
which moves with every change to the tracked tables): a token from another
query, another reader or older data is ignored and the count taken again.
The count is exact when taken; features published while a client pages are
counted on its next query.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core import signing
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import Expression
from django.http import QueryDict

from events.filters import DATE_RULES, OVERLAPS
from events.ogc import cql2
from events.ogc.collections import CRS84, Collection, Queryable
from events.ogc.parameters import (
    InvalidParameter,
    parse_bbox,
    parse_crs,
    parse_datetime,
    parse_positive,
    parse_value,
)
from events.queries import data_version

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
# Parameters that choose a page or its form, not which features match.
PRESENTATION = (
    "limit",
    "after",
    "before",
    "matched",
    "f",
    "crs",
    "properties",
    "skipGeometry",
    "sortby",
    "resultType",
)
SELECTION = (
    "bbox", "bbox-crs", "datetime", "date_rule", "filter", "filter-lang", "filter-crs",
)  # fmt: skip
NOTHING = Q(pk__in=[])


def check_parameters(query: QueryDict, spec: Collection) -> None:
    allowed = {*PRESENTATION, *SELECTION, *spec.queryables}
    unknown = sorted(set(query) - allowed)
    if unknown:
        raise InvalidParameter(
            unknown[0][:40], "is not a parameter of this collection."
        )
    for name, values in query.lists():
        # GDAL repeats a parameter written in the dataset's URL when the
        # next link spells it differently: the same value twice is one.
        if len(set(values)) > 1:
            raise InvalidParameter(name, "is given more than once.")
        # PostgreSQL text cannot hold NUL: refused here, not by the database.
        if "\x00" in values[0]:
            raise InvalidParameter(name, "must not contain a NUL character.")


def selected(
    query: QueryDict, spec: Collection, user: AbstractBaseUser | AnonymousUser
) -> QuerySet:
    """The collection's features that the user may see and the query selects."""
    check_parameters(query, spec)
    features = cql2.alias_queryables(spec.queryset(user), spec.queryables)
    if "bbox" in query:
        crs = parse_crs(query.get("bbox-crs", CRS84), "bbox-crs")
        condition = Q()
        for box in parse_bbox(query["bbox"], crs):
            condition |= Q(**{f"{spec.geometry}__intersects": box})
        features = features.filter(condition)
    elif "bbox-crs" in query:
        raise InvalidParameter("bbox-crs", "is only used with bbox.")
    if "datetime" in query:
        if spec.period is None:
            raise InvalidParameter("datetime", "this collection has no dates.")
        rule = query.get("date_rule", OVERLAPS)
        if rule not in dict(DATE_RULES):
            raise InvalidParameter(
                "date_rule", f"is one of {', '.join(dict(DATE_RULES))}."
            )
        first, last = parse_datetime(query["datetime"])
        features = features.filter(spec.period(first, last, rule))
    elif "date_rule" in query:
        raise InvalidParameter("date_rule", "is only used with datetime.")
    for name, queryable in spec.queryables.items():
        if name in query:
            value = parse_value(queryable, query[name])
            features = features.filter(cql2.compare(queryable, "=", value))
    if "filter" in query:
        language = query.get("filter-lang", "cql2-text")
        if language not in cql2.LANGUAGES:
            raise InvalidParameter(
                "filter-lang", f"is one of {', '.join(cql2.LANGUAGES)}."
            )
        if query.get("filter-crs", CRS84) != CRS84:
            raise InvalidParameter("filter-crs", f"only {CRS84}.")
        expression = cql2.parse(query["filter"], language)
        features = features.filter(cql2.condition(expression, spec.queryables))
    elif "filter-lang" in query or "filter-crs" in query:
        raise InvalidParameter(
            "filter-lang" if "filter-lang" in query else "filter-crs",
            "is only used with filter.",
        )
    return features


# --- order and pages ------------------------------------------------------------------


@dataclass(frozen=True)
class Order:
    """`sortby`'s keys, each (queryable, descending), then the id."""

    keys: list[tuple[Queryable, bool]]
    text: str  # as given, to bind cursors to it

    def annotations(self) -> dict[str, Expression]:
        return {
            f"sort_{i}": queryable.expression
            for i, (queryable, _) in enumerate(self.keys)
        }

    def ordering(self, *, reverse: bool) -> list:
        """Missing values last, so first when the page is read backwards."""
        terms = []
        for i, (_, descending) in enumerate(self.keys):
            term = F(f"sort_{i}")
            direction = term.desc if descending != reverse else term.asc
            terms.append(
                direction(nulls_first=True) if reverse else direction(nulls_last=True)
            )
        terms.append("-pk" if reverse else "pk")
        return terms


def beyond(order: Order, values: list, pk: int, *, forward: bool) -> Q:
    """The features after (or before) the one with these sort values and id."""
    result = Q(pk__gt=pk) if forward else Q(pk__lt=pk)
    for i in reversed(range(len(order.keys))):
        name = f"sort_{i}"
        descending = order.keys[i][1]
        value = values[i]
        if value is None:
            # Missing values come last: nothing is after one, all else before.
            equal = Q(**{f"{name}__isnull": True})
            strictly = NOTHING if forward else Q(**{f"{name}__isnull": False})
        else:
            equal = Q(**{name: value})
            greater = descending != forward
            strictly = Q(**{f"{name}__{'gt' if greater else 'lt'}": value})
            if forward:
                strictly |= Q(**{f"{name}__isnull": True})
        result = strictly | (equal & result)
    return result


def encode(value: object) -> object:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def decode(queryable: Queryable, value: object) -> object:
    if value is None:
        return None
    if queryable.kind == "date":
        return datetime.date.fromisoformat(value)
    if queryable.kind == "date-time":
        return datetime.datetime.fromisoformat(value)
    return value


CURSOR_SALT = "ogc-cursor"


def cursor(order: Order, values: list, pk: int) -> str:
    """Where a page ends: the id alone in the default order, else signed values."""
    if not order.keys:
        return str(pk)
    return signing.dumps(
        [order.text, [encode(value) for value in values], pk], salt=CURSOR_SALT
    )


def read_cursor(order: Order, text: str, name: str) -> tuple[list, int]:
    if not order.keys:
        return [], parse_positive(text, name)
    try:
        sortby, values, pk = signing.loads(text, salt=CURSOR_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidParameter(
            name, "is not a cursor from a next or prev link."
        ) from None
    if sortby != order.text:
        raise InvalidParameter(name, "belongs to another sortby.")
    return [
        decode(queryable, value)
        for (queryable, _), value in zip(order.keys, values, strict=True)
    ], pk


@dataclass
class Page:
    rows: list[tuple[int, str]]  # (id, feature as GeoJSON text)
    next: str | None  # cursors for the links
    prev: str | None


def page(
    matching: QuerySet,
    order: Order,
    *,
    feature: Expression,
    limit: int,
    after: str | None,
    before: str | None,
) -> Page:
    if after and before:
        raise InvalidParameter("before", "is not used together with after.")
    sort_names = [f"sort_{i}" for i in range(len(order.keys))]
    rows = matching.annotate(**order.annotations(), feature=feature)
    if before:
        values, pk = read_cursor(order, before, "before")
        rows = rows.filter(beyond(order, values, pk, forward=False))
    elif after:
        values, pk = read_cursor(order, after, "after")
        rows = rows.filter(beyond(order, values, pk, forward=True))
    rows = rows.order_by(*order.ordering(reverse=bool(before)))
    fetched = list(rows.values_list("pk", "feature", *sort_names)[: limit + 1])
    more = len(fetched) > limit
    fetched = fetched[:limit]
    if before:
        fetched.reverse()
    # Going forward, more rows mean a next page; going back, a previous one.
    has_next = more if not before else True
    has_prev = more if before else bool(after)
    first, last = (fetched[0], fetched[-1]) if fetched else (None, None)
    return Page(
        rows=[(row[0], row[1]) for row in fetched],
        next=cursor(order, list(last[2:]), last[0]) if last and has_next else None,
        prev=cursor(order, list(first[2:]), first[0]) if first and has_prev else None,
    )


# --- numberMatched --------------------------------------------------------------------


def count_salt(
    query: QueryDict, spec: Collection, user: AbstractBaseUser | AnonymousUser
) -> str:
    selection = sorted(
        (name, value) for name, value in query.items() if name not in PRESENTATION
    )
    key = json.dumps([spec.id, user.pk, selection, data_version()], default=str)
    return "ogc-matched:" + hashlib.sha256(key.encode()).hexdigest()


def number_matched(
    matching: QuerySet,
    query: QueryDict,
    spec: Collection,
    user: AbstractBaseUser | AnonymousUser,
) -> tuple[int, str]:
    """The count, from the query's token when it is still good; and its token."""
    signer = signing.Signer(salt=count_salt(query, spec, user))
    token = query.get("matched")
    if token:
        try:
            count = int(signer.unsign(token))
            return count, token
        except (signing.BadSignature, ValueError):
            pass
    count = matching.order_by().count()
    return count, signer.sign(str(count))
