"""
The one GeoJSON encoder of the tracker's records: each row as the text of a
GeoJSON Feature (RFC 7946), built by PostgreSQL, with the property set as a
parameter. The API's feed, OGC API – Features, the map and the file exports
call it with the property set each needs; Python never builds a feature.
"""

from django.db.models import CharField, F, Func, QuerySet, TextField, Value
from django.db.models.expressions import Expression, RawSQL

from events.models import EXTERNAL_IDS

COORDINATE_DECIMALS = 6  # about 10 cm, RFC 7946 section 11.2
MAP_COORDINATE_DECIMALS = 5  # about 1 m, finer than the map can show


def json_object(pairs: dict[str, Expression], *, as_text: bool = False) -> Func:
    """json_build_object(key, value, ...), built by PostgreSQL."""
    arguments: list[Expression] = []
    for key, expression in pairs.items():
        arguments += [Value(key), expression]
    return Func(
        *arguments,
        function="json_build_object",
        template="%(function)s(%(expressions)s)" + ("::text" if as_text else ""),
        output_field=TextField(),
    )


def geometry_json(
    expression: Expression | str, *, decimals: int = COORDINATE_DECIMALS
) -> Func:
    if isinstance(expression, str):
        expression = F(expression)
    return Func(
        expression,
        Value(decimals),
        function="ST_AsGeoJSON",
        template="%(function)s(%(expressions)s)::json",
        output_field=TextField(),
    )


def feature_json(
    *,
    geometry: Expression | str | None,
    properties: dict[str, Expression],
    decimals: int = COORDINATE_DECIMALS,
    as_text: bool = True,
) -> Func:
    """A GeoJSON Feature, its id the row's primary key; no geometry: null."""
    return json_object(
        {
            "type": Value("Feature"),
            "id": F("id"),
            "geometry": (
                RawSQL("NULL::json", [], output_field=TextField())
                if geometry is None
                else geometry_json(geometry, decimals=decimals)
            ),
            "properties": json_object(properties),
        },
        as_text=as_text,
    )


def features(
    queryset: QuerySet,
    *,
    properties: dict[str, Expression],
    geometry: str = "point",
    decimals: int = COORDINATE_DECIMALS,
) -> QuerySet:
    """Each row as the text of a GeoJSON Feature, in the queryset's order."""
    return queryset.annotate(
        feature=feature_json(
            geometry=geometry, properties=properties, decimals=decimals
        )
    ).values_list("feature", flat=True)


class BlankAsNull(Func):
    """A text field whose blank value is given as null; `field_name` names it,
    so that a filter on the property can read the field (and its index)."""

    function = "NULLIF"
    output_field = CharField()

    def __init__(self, field_name: str) -> None:
        super().__init__(F(field_name), Value(""))
        self.field_name = field_name


def blank_as_null(name: str) -> BlankAsNull:
    return BlankAsNull(name)


# --- property sets of an event --------------------------------------------------------

# Every property an event's feature can carry, in the order they appear: flat
# scalars, which every GIS client reads as attribute columns.
EVENT_PROPERTIES: dict[str, Expression] = {
    "title": F("title"),
    "summary": F("summary"),
    "event_type": F("event_type"),
    "sub_event_type": F("sub_event_type"),
    "start_date": F("start_date"),
    "end_date": F("end_date"),
    "date_precision": F("date_precision"),
    # The date as a reader writes it, at its precision.
    "date": RawSQL(
        "CASE events_event.date_precision"
        " WHEN 'year' THEN to_char(events_event.start_date, 'YYYY')"
        " WHEN 'month' THEN to_char(events_event.start_date, 'Mon YYYY')"
        " ELSE to_char(events_event.start_date, 'FMDD Mon YYYY') END",
        [],
        output_field=TextField(),
    ),
    "location_id": F("location_id"),
    "location": F("location__name"),
    "place": F("location__name"),
    "country_code": F("location__country_code"),
    "geo_precision": F("geo_precision"),
    "fatalities_low": F("fatalities_low"),
    "fatalities_best": F("fatalities_best"),
    "fatalities_high": F("fatalities_high"),
    "actors": RawSQL(
        "SELECT string_agg(a.name, '; ' ORDER BY p.id) FROM events_participant p "
        "JOIN events_actor a ON a.id = p.actor_id "
        "WHERE p.event_id = events_event.id",
        [],
        output_field=TextField(),
    ),
    "confidence": F("confidence"),
    **{name: blank_as_null(name) for name in EXTERNAL_IDS},
    "status": F("status"),
    "published_at": F("published_at"),
    "updated_at": F("updated_at"),
}


def event_properties(*names: str) -> dict[str, Expression]:
    """A property set: the named properties, in EVENT_PROPERTIES' order."""
    unknown = set(names) - set(EVENT_PROPERTIES)
    if unknown:
        raise KeyError(f"no event property named {', '.join(sorted(unknown))}")
    return {name: value for name, value in EVENT_PROPERTIES.items() if name in names}


# The API's GeoJSON: what a list shows, with the workflow status, since
# editors read drafts there too.
FEED_PROPERTIES = event_properties(
    "title", "event_type", "sub_event_type", "start_date", "end_date",
    "date_precision", "location_id", "location", "country_code", "geo_precision",
    "fatalities_best", "confidence", "status", "updated_at",
)  # fmt: skip

# The full record for GIS layers (OGC API – Features, GeoJSON and GeoPackage
# files): the summary, every casualty estimate, the actors and the ids of the
# same event in other datasets.
FULL_PROPERTIES = event_properties(
    "title", "summary", "event_type", "sub_event_type", "start_date", "end_date",
    "date_precision", "location_id", "location", "country_code", "geo_precision",
    "fatalities_low", "fatalities_best", "fatalities_high", "actors", "confidence",
    *EXTERNAL_IDS, "published_at", "updated_at",
)  # fmt: skip

# What the map's markers and tooltips show.
MAP_PROPERTIES = event_properties(
    "title", "event_type", "date", "geo_precision", "place"
)
