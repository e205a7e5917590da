"""
Event exports that stream: a GeoJSON FeatureCollection (RFC 7946) whose
features PostgreSQL builds as JSON text, an ACLED-like CSV, and ACLED's own
layout (rows from `events/interop/acled.py`, as the export command writes
them). Rows come in chunks (libpq's), so memory stays flat however many events
match. docs/performance.md has what this costs at a million events.

Each body's first piece holds its first chunk of rows, and is read before the
response starts (events.http.streaming_response): a statement that fails to
start is an error response, and one that fails later cuts the transfer short,
before the closing bracket or the last row.
"""

import csv
import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import closing

from django.db.models import (
    F,
    Func,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest, StreamingHttpResponse
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

from events.features import FEED_PROPERTIES, features
from events.http import streaming_response
from events.interop import acled, countries
from events.models import Event, Location, Participant, sees_unpublished
from events.queries import (
    CHUNK_ROWS,
    FIRST_ROWS,
    bulk_read,
    chunked,
    data_version,
    first_rows_apart,
    streamed_rows,
    streamed_texts,
)


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


class CSVRenderer(BaseRenderer):
    """Negotiation only: CSV bodies are streamed by `csv_response`."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return json.dumps(data).encode()


class ACLEDRenderer(CSVRenderer):
    """
    Negotiation only: bodies are streamed by `acled_response`. The media type
    is CSV's, so `Accept: text/csv` finds the plain CSV; this one is chosen
    by `?format=acled`.
    """

    format = "acled"


def feature_collection(
    queryset: QuerySet, removals: dict | None = None
) -> Iterator[bytes]:
    """
    The collection in pieces, the first with the head and the first rows
    (as many as the stream's first statement reads: they leave as soon as
    it has them), the others CHUNK_ROWS features each.
    """
    texts = streamed_texts(features(queryset, properties=FEED_PROPERTIES))
    with closing(texts):
        chunks = chunked(texts, CHUNK_ROWS, first=min(FIRST_ROWS, CHUNK_ROWS))
        yield b'{"type":"FeatureCollection","features":[' + b",".join(next(chunks, []))
        for chunk in chunks:
            yield b"," + b",".join(chunk)
    tail = "]"
    for member, value in (removals or {}).items():
        # Foreign members (RFC 7946 section 6.1): GIS clients ignore them.
        tail += f",{json.dumps(member)}:" + json.dumps(value, cls=JSONEncoder)
    yield (tail + "}\n").encode()


def geojson_response(
    request: HttpRequest,
    queryset: QuerySet,
    removals: dict | None,
    *,
    head: bool,
) -> StreamingHttpResponse:
    """`removals`: the sync tombstones' members of the collection, if any."""
    body = iter(()) if head else feature_collection(queryset, removals)
    return streaming_response(request, body, content_type=GeoJSONRenderer.media_type)


def feature(event: Event) -> dict:
    """One event as the Feature the collection would hold."""
    text = features(Event.objects.filter(pk=event.pk), properties=FEED_PROPERTIES).get()
    return json.loads(text)


# --- CSV ---------------------------------------------------------------------

# ACLED's two sides: actor1 (and its associates) acts, actor2 is acted upon;
# everyone else involved is listed apart.
SIDE_OF_ROLE = {
    Participant.Role.INITIATOR: "one",
    Participant.Role.SIGNATORY: "one",
    Participant.Role.PARTICIPANT: "one",
    Participant.Role.TARGET: "two",
    Participant.Role.MEDIATOR: "others",
    Participant.Role.WITNESS: "others",
    Participant.Role.MENTIONED: "others",
}
CSV_COLUMNS = [
    "event_id", "event_date", "end_date", "year", "date_precision", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "actor2", "assoc_actor_2",
    "other_actors", "iso3", "country", "location", "latitude", "longitude",
    "geo_precision", "source", "notes", "fatalities", "fatalities_low",
    "fatalities_high", "confidence", "status", "title", "timestamp",
    # ACLED's columns the first ones lack, added after them so that readers
    # of the columns above by position keep working.
    "disorder_type", "inter1", "inter2", "interaction", "civilian_targeting",
    "region", "admin1", "admin2", "admin3", "source_scale", "tags",
]  # fmt: skip
# Spreadsheets run a cell that starts with one of these as a formula (OWASP,
# "CSV injection"), after any spaces; tab, CR and LF are unsafe by themselves.
# Such text cells get a leading apostrophe. The fullwidth forms are included
# because some spreadsheets fold them to ASCII.
FORMULA_START = "^(?=[\\t\\r\\n]|\\s*[-=+@|\uff1d\uff0b\uff0d\uff20\uff05])"


def safe_text(expression: object) -> Func:
    """A text column as a spreadsheet will show it, never run it."""
    return Func(
        Coalesce(expression, Value(""), output_field=TextField()),
        Value(FORMULA_START),
        Value("'"),
        function="regexp_replace",
        output_field=TextField(),
    )


def as_text(expression: object, template: str) -> Func:
    return Func(expression, template=template, output_field=TextField())


def coordinate(function: str) -> Func:
    # Shortest text that reads back as the same double: nothing lost, nothing
    # invented.
    return as_text("point", f"{function}(%(expressions)s)::text")


def csv_rows(queryset: QuerySet) -> Iterator[list]:
    """
    One list per event in CSV_COLUMNS order. PostgreSQL formats and escapes
    the cells; Python splits the participants into ACLED's two sides and
    codes them as ACLED does (`events/interop/acled.py`).
    """
    with closing(streamed_rows(csv_query(queryset))) as streamed:
        for row in streamed:
            yield csv_row(row)


def csv_query(queryset: QuerySet) -> QuerySet:
    """
    The cells of each event's row, the participants still together: texts,
    numbers and arrays, which need none of Django's converters
    (streamed_rows applies none).
    """
    return queryset.values_list(
        "id",
        as_text("start_date", "%(expressions)s::text"),
        as_text("end_date", "%(expressions)s::text"),
        as_text("start_date", "extract(year from %(expressions)s)::int::text"),
        "date_precision",
        "event_type",
        safe_text(F("sub_event_type")),
        acled.party_cells(safe_text(F("actor__name"))),
        "location__country_code",
        safe_text(
            Subquery(
                Location.objects.filter(
                    kind=Location.Kind.COUNTRY, code=OuterRef("location__country_code")
                )
                .order_by()
                .values("name")[:1]
            )
        ),
        safe_text(F("location__name")),
        coordinate("ST_Y"),
        coordinate("ST_X"),
        "geo_precision",
        safe_text(acled.cited_publishers()),
        safe_text(F("summary")),
        "fatalities_best",
        "fatalities_low",
        "fatalities_high",
        "confidence",
        "status",
        safe_text(F("title")),
        as_text("updated_at", "floor(extract(epoch from %(expressions)s))::bigint"),
        *acled.admin_names(safe_text),
        acled.record_lines(safe_text),
    )  # fmt: skip


def csv_row(row: tuple) -> list:
    """A row of csv_query in CSV_COLUMNS order, the participants split and coded."""
    sides: dict[str, list[acled.Party]] = {"one": [], "two": [], "others": []}
    for party in acled.parties(row[7]):
        sides[SIDE_OF_ROLE[party.role]].append(party)
    one, two = sides["one"], sides["two"]
    country_code = row[8] or ""
    coded = acled.codes(
        event_type=row[5],
        sub_type=row[6],
        country=country_code,
        actor1=one[0] if one else None,
        actor2=two[0] if two else None,
    )
    country = countries.BY_ALPHA3.get(country_code)
    _, source_scale, tags = row[26] or ("", "", "")
    return [
        *row[:7],
        one[0].name if one else "",
        "; ".join(party.name for party in one[1:]),
        two[0].name if two else "",
        "; ".join(party.name for party in two[1:]),
        "; ".join(party.name for party in sides["others"]),
        *row[8:23],
        coded["disorder_type"],
        coded["inter1"],
        coded["inter2"],
        coded["interaction"],
        coded["civilian_targeting"],
        country.region if country else "",
        *row[23:26],
        source_scale,
        tags,
    ]


def acled_rows(queryset: QuerySet) -> Iterator[list]:
    # A server-side cursor inside a transaction needs no WITH HOLD, which
    # would make PostgreSQL compute every row before sending the first. The
    # first rows are read apart, with a LIMIT, as the other exports read
    # them (first_rows_apart), and every statement in one snapshot.
    with bulk_read(snapshot=True):
        for part in first_rows_apart(queryset):
            yield from acled.export_rows(part)


class LineBuffer:
    """csv.writer's file: hands back each written line instead of storing it."""

    def write(self, line: str) -> str:
        return line


def csv_lines(
    queryset: QuerySet,
    columns: list[str] = CSV_COLUMNS,
    rows: Callable[[QuerySet], Iterator[list]] = csv_rows,
) -> Iterator[str]:
    """
    The CSV in pieces, the first with the header and the first rows (as
    many as the stream's first statement reads), the others CHUNK_ROWS rows.
    """
    writer = csv.writer(LineBuffer())
    selected = rows(queryset)
    with closing(selected):
        chunks = chunked(selected, CHUNK_ROWS, first=min(FIRST_ROWS, CHUNK_ROWS))
        yield writer.writerow(columns) + "".join(
            writer.writerow(row) for row in next(chunks, [])
        )
        for chunk in chunks:
            yield "".join(writer.writerow(row) for row in chunk)


def csv_response(
    request: HttpRequest, queryset: QuerySet, *, head: bool
) -> StreamingHttpResponse:
    body = iter(()) if head else csv_lines(queryset)
    response = streaming_response(request, body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="zagros-events.csv"'
    return response


def acled_response(
    request: HttpRequest, queryset: QuerySet, *, head: bool
) -> StreamingHttpResponse:
    """
    The events in ACLED's own layout, row for row what `export_events
    --format acled` writes. Cells are not escaped for spreadsheets: ACLED's
    files are not, and the file must read back as it was written.
    """
    body = iter(()) if head else csv_lines(queryset, acled.COLUMNS, acled_rows)
    response = streaming_response(request, body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="zagros-events-acled.csv"'
    return response


# --- conditional GETs for streams ---------------------------------------------


def export_etag(request: HttpRequest, media_type: str) -> str:
    """
    A weak ETag for a streamed export, known before the rows are read: the
    data version, with the query and who is asking. Any insert, update or
    delete anywhere in the tables the export draws on changes it, so it errs
    on the side of sending the data again.
    """
    key = repr(
        (
            data_version(),
            request.path,
            sorted(request.GET.lists()),
            media_type,
            sees_unpublished(request.user),
        )
    )
    return f'W/"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
