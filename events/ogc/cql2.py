"""
CQL2 filters (OGC API – Features Part 3) as Django conditions on a
collection's queryables.

The text is parsed by cql2-rs (the `cql2` package) into CQL2 JSON, which is
then read here, strictly: Basic CQL2 (comparisons, AND, OR, NOT, IS NULL)
and the advanced comparison operators (LIKE, BETWEEN, IN), a queryable on
one side and a literal of its type on the other. Anything else is an
InvalidParameter naming what is not supported, never a server error.

Three languages reach the same reader: `cql2-text`, `cql2-json`, and the
draft `cql-text` that GDAL 3.6 sends, which differs in how it writes dates
(`start_date = '2022-11-14T'`, a string with a bare "T") and in allowing
ILIKE. A string is accepted as a date or date-time literal in all three:
every queryable has one type, so the reading is never ambiguous.

Comparisons follow GDAL's own (two-valued) reading of a where clause, which
the driver relies on when it hands the clause to the server: a comparison
with a null property is false, and NOT of a false comparison is true.
"""

import datetime
import math
import re

import cql2
from django.db.models import BooleanField, Func, Q, QuerySet, Value

from events.ogc.collections import Queryable
from events.ogc.parameters import InvalidParameter, parse_instant

LANGUAGES = ("cql2-text", "cql2-json", "cql-text")
MAX_LENGTH = 8_000
# cql2-rs recurses once per bracket; a few thousand nested brackets overflow
# its stack and end the process, so the nesting is measured first.
MAX_DEPTH = 32
MAX_LIST = 1_000
# PostgreSQL's bigint: an integer beyond it cannot be compared with a column.
MAX_INTEGER = 2**63 - 1

COMPARISONS = {"=": "exact", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
FLIPPED = {"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
NOTHING = Q(pk__in=[])
ONE_QUERYABLE = (
    "each comparison needs a queryable on one side and a literal on the other."
)


def nesting(text: str) -> int:
    """The deepest nesting of brackets outside quoted strings and names."""
    depth = deepest = 0
    quote = ""
    for char in text:
        if quote:
            if char == quote:
                quote = ""  # a doubled quote closes and reopens: same depth
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest


def parse(text: str, language: str) -> object:
    """The filter as CQL2 JSON (a dict, or a boolean literal)."""
    if len(text) > MAX_LENGTH:
        raise InvalidParameter("filter", f"is longer than {MAX_LENGTH} characters.")
    if nesting(text) > MAX_DEPTH:
        raise InvalidParameter(
            "filter", f"nests brackets more than {MAX_DEPTH} levels deep."
        )
    if language == "cql-text":
        # GDAL 3.6 writes a case-insensitive LIKE as ILIKE, which CQL2
        # spells with CASEI() on both sides.
        text = re.sub(
            r"(\b[A-Za-z_][A-Za-z0-9_]*|\"[^\"]*\")\s+ILIKE\s+('(?:[^']|'')*')",
            r"CASEI(\1) LIKE CASEI(\2)",
            text,
        )
    try:
        if language == "cql2-json":
            expression = cql2.parse_json(text)
        else:
            expression = cql2.parse_text(text)
        return expression.to_json()
    except (cql2.ParseError, cql2.ValidationError, ValueError) as error:
        message = " ".join(str(error).split())
        raise InvalidParameter(
            "filter", f"is not valid {language}: {message[:200]}"
        ) from None


def condition(node: object, queryables: dict[str, Queryable]) -> Q:
    """The Django condition of a CQL2 JSON expression."""
    if node is True:
        return Q()
    if node is False:
        return NOTHING
    if not isinstance(node, dict) or "op" not in node:
        raise InvalidParameter("filter", "is not a condition.")
    op = str(node["op"]).lower()
    args = node.get("args")
    if not isinstance(args, list):
        raise InvalidParameter("filter", f"{op[:20]!r} has no arguments.")
    if op in ("and", "or"):
        parts = [condition(arg, queryables) for arg in args]
        result = parts[0]
        for part in parts[1:]:
            result = result & part if op == "and" else result | part
        return result
    if op == "not":
        [inner] = arity(op, args, 1)
        return ~condition(inner, queryables)
    if op in FLIPPED:
        left, right = arity(op, args, 2)
        if is_property(right):
            if is_property(left):
                raise InvalidParameter("filter", ONE_QUERYABLE)
            left, right, op = right, left, FLIPPED[op]
        queryable = property_of(left, queryables)
        return compare(queryable, op, literal(queryable, right))
    if op == "isnull":
        [subject] = arity(op, args, 1)
        return is_null(property_of(subject, queryables))
    if op == "like":
        return like(*arity(op, args, 2), queryables)
    if op == "between":
        subject, low, high = arity(op, args, 3)
        queryable = property_of(subject, queryables)
        return compare(queryable, ">=", literal(queryable, low)) & compare(
            queryable, "<=", literal(queryable, high)
        )
    if op == "in":
        subject, values = arity(op, args, 2)
        queryable = property_of(subject, queryables)
        if not isinstance(values, list) or not values or len(values) > MAX_LIST:
            raise InvalidParameter(
                "filter", f"IN takes a list of 1 to {MAX_LIST} values."
            )
        typed = {literal(queryable, value) for value in values}
        if queryable.blank_is_null:
            typed.discard("")
        if not typed:
            return NOTHING
        return Q(**{f"{target(queryable)}__in": sorted(typed)})
    raise InvalidParameter(
        "filter",
        f"{op[:20]!r} is not supported; use comparisons, AND, OR, NOT, "
        "LIKE, BETWEEN, IN and IS NULL on the queryables.",
    )


def arity(op: str, args: list, count: int) -> list:
    if len(args) != count:
        raise InvalidParameter("filter", f"{op} takes {count} arguments.")
    return args


def is_property(node: object) -> bool:
    return isinstance(node, dict) and "property" in node


def property_of(node: object, queryables: dict[str, Queryable]) -> Queryable:
    if not (isinstance(node, dict) and isinstance(node.get("property"), str)):
        raise InvalidParameter(
            "filter",
            "each comparison needs a queryable on one side and a literal on the other.",
        )
    name = node["property"]
    if name not in queryables:
        raise InvalidParameter(
            "filter", f"{name[:40]!r} is not a queryable; see the queryables."
        )
    return queryables[name]


def target(queryable: Queryable) -> str:
    """The field, or annotation, a lookup names; see alias_queryables()."""
    return queryable.field or f"queryable_{queryable.name}"


def literal(queryable: Queryable, value: object) -> object:
    """The literal as a value of the queryable's type."""
    kind = queryable.kind
    name = queryable.name
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidParameter("filter", f"{name} is compared with integers.")
        if not math.isfinite(value) or value != int(value):
            raise InvalidParameter("filter", f"{name} is compared with integers.")
        if abs(value) > MAX_INTEGER:
            raise InvalidParameter("filter", f"{value:g} is out of range.")
        return int(value)
    if kind in ("date", "date-time"):
        return temporal(name, kind, value)
    if not isinstance(value, str):
        raise InvalidParameter("filter", f"{name} is compared with strings.")
    return value


def temporal(name: str, kind: str, value: object) -> datetime.date | datetime.datetime:
    if isinstance(value, dict) and len(value) == 1:
        [(key, text)] = value.items()
        if key not in ("date", "timestamp") or not isinstance(text, str):
            raise InvalidParameter("filter", f"{name} is compared with dates.")
    elif isinstance(value, str):
        text = value
    else:
        raise InvalidParameter("filter", f"{name} is compared with dates.")
    try:
        if kind == "date":
            return parse_instant(text, "filter")
        return parse_moment(text)
    except InvalidParameter:
        raise InvalidParameter(
            "filter", f"{text[:40]!r} is not an RFC 3339 date or date-time."
        ) from None


RFC3339 = re.compile(
    r"(\d{4}-\d{2}-\d{2})(?:[Tt](?:(\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)"
    r"([Zz]|[+-]\d{2}:\d{2})?)?)?"
)


def parse_moment(text: str) -> datetime.datetime:
    """An instant; a date alone (or with a bare "T") is its first moment, UTC."""
    match = RFC3339.fullmatch(text)
    if not match:
        raise InvalidParameter("filter", "not a date-time")
    day, time, offset = match.groups()
    try:
        moment = datetime.datetime.fromisoformat(
            f"{day}T{time or '00:00:00'}{offset or 'Z'}"
        )
    except ValueError:
        raise InvalidParameter("filter", "not a date-time") from None
    return moment


def compare(queryable: Queryable, op: str, value: object) -> Q:
    name = target(queryable)
    if op == "<>":
        result = ~Q(**{name: value}) & Q(**{f"{name}__isnull": False})
    else:
        result = Q(**{f"{name}__{COMPARISONS[op]}": value})
    if queryable.blank_is_null:
        result &= ~Q(**{name: ""})
    return result


def is_null(queryable: Queryable) -> Q:
    name = target(queryable)
    result = Q(**{f"{name}__isnull": True})
    if queryable.blank_is_null:
        result |= Q(**{name: ""})
    return result


def like(subject: object, pattern: object, queryables: dict[str, Queryable]) -> Q:
    """
    LIKE with CQL2's wildcards, which are PostgreSQL's (% and _, escaped with
    a backslash); CASEI() on both sides makes it case-insensitive.
    """
    insensitive = False
    if isinstance(subject, dict) and subject.get("op") == "casei":
        insensitive = True
        [subject] = arity("casei", subject.get("args") or [], 1)
        if not (isinstance(pattern, dict) and pattern.get("op") == "casei"):
            raise InvalidParameter("filter", "CASEI() is needed on both sides.")
        [pattern] = arity("casei", pattern.get("args") or [], 1)
    queryable = property_of(subject, queryables)
    if queryable.kind != "string" or not isinstance(pattern, str):
        raise InvalidParameter("filter", "LIKE compares a string with a pattern.")
    if (len(pattern) - len(pattern.rstrip("\\"))) % 2:
        raise InvalidParameter("filter", "a LIKE pattern does not end in an escape.")
    return Q(
        Func(
            queryable.expression,
            Value(pattern),
            # Never null, so that NOT LIKE keeps the rows where it is false.
            template="COALESCE(%(expressions)s, false)",
            arg_joiner=" ILIKE " if insensitive else " LIKE ",
            output_field=BooleanField(),
        )
    )


def alias_queryables(queryset: QuerySet, queryables: dict[str, Queryable]) -> QuerySet:
    """The annotations target() names for queryables that are not fields."""
    return queryset.alias(
        **{
            target(queryable): queryable.expression
            for queryable in queryables.values()
            if queryable.field is None
        }
    )
