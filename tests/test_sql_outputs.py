"""
Every output PostgreSQL builds for speed (the API's GeoJSON and CSV, the
map's clusters and markers, the timeline counts) against the answer worked
out from the ORM in Python, on the demo plus a few hundred synthetic events.
"""

import csv
import datetime
import io
import json
import math
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.core.management import call_command
from django.http import QueryDict
from django.test import Client
from rest_framework.renderers import JSONRenderer

from events import mapdata
from events.api import formats
from events.api.serializers import EventSerializer, with_embedded
from events.filters import EventFilterSet, PartialDateField
from events.interop import acled
from events.interop import countries as acled_countries
from events.models import (
    Actor,
    DatePrecision,
    Event,
    Location,
    Participant,
    SourceArticle,
    period_bounds,
)
from tests.conftest import make_event

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"
REGION = "30,22,66,44"


@pytest.fixture(autouse=True)
def synthetic_events() -> None:
    cache.clear()
    call_command(
        "generate_events", count=400, seed=5, stdout=io.StringIO(), stderr=io.StringIO()
    )
    # Cells made safe for spreadsheets, an event without a place, one with
    # a point west of Greenwich.
    formula = make_event(title="=1+1", status=Event.Status.PUBLISHED)
    actor = Actor.objects.create(name="@cmd", kind="other")
    Participant.objects.create(event=formula, actor=actor, role="target")
    make_event(title="Nowhere", location=None, status=Event.Status.PUBLISHED)
    make_event(
        title="West",
        location=None,
        point=Point(-3.5, 40.25, srid=4326),
        status=Event.Status.PUBLISHED,
    )


def body(response) -> bytes:
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def selected(**params: str) -> list[Event]:
    """What the API's filters select, by the ORM, in the API's order."""
    data = QueryDict(mutable=True)
    data.update(params)
    filterset = EventFilterSet(data=data, queryset=Event.objects.published())
    assert filterset.is_valid(), filterset.errors
    # By date, and in a date window the events precisely within it first.
    ordered = filterset.order().apply(filterset.qs)
    return list(ordered.select_related("location"))


# --- GeoJSON ------------------------------------------------------------------------


def expected_feature(event: Event) -> dict:
    location = event.location
    return {
        "type": "Feature",
        "id": event.pk,
        "geometry": None
        if event.point is None
        else {
            "type": "Point",
            "coordinates": [round(event.point.x, 6), round(event.point.y, 6)],
        },
        "properties": {
            "title": event.title,
            "event_type": event.event_type,
            "sub_event_type": event.sub_event_type,
            "start_date": event.start_date.isoformat(),
            "end_date": event.end_date.isoformat(),
            "date_precision": event.date_precision,
            "location_id": event.location_id,
            "location": location.name if location else None,
            "country_code": location.country_code if location else None,
            "geo_precision": event.geo_precision,
            "fatalities_best": event.fatalities_best,
            "confidence": event.confidence,
            "status": event.status,
            "updated_at": event.updated_at,
        },
    }


@pytest.mark.parametrize(
    "params",
    [{}, {"bbox": "42,33,47,38", "start": "2000", "end": "2015-06"}],
    ids=["everything", "bbox-and-dates"],
)
def test_geojson_feed_matches_the_orm(client: Client, params: dict) -> None:
    response = client.get(EVENTS, {"format": "geojson", **params})
    features = json.loads(body(response))["features"]
    for feature in features:
        updated = feature["properties"]["updated_at"]
        feature["properties"]["updated_at"] = datetime.datetime.fromisoformat(updated)

    assert features == [expected_feature(event) for event in selected(**params)]
    assert len(features) > 40


# --- the JSON list ----------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{"page_size": "150"}, {"q": "strike OR protest", "page_size": "50"}],
    ids=["by-date", "by-rank"],
)
def test_event_list_matches_the_event_serializer(client: Client, params: dict) -> None:
    """Every page, byte for byte, as EventSerializer renders its events."""
    article = SourceArticle.objects.create(
        title="Undated, no address", body="An undated article quoted here."
    )
    odd = make_event(
        title="Point with every digit",
        location=None,
        point=Point(-3.123456789012345, 40.98765432109876, srid=4326),
        status=Event.Status.PUBLISHED,
    )
    odd.cite(article, "quoted here")
    Participant.objects.create(
        event=odd,
        actor=Actor.objects.get(name="Ali Shamkhani"),
        role="mentioned",
        on_behalf_of=Actor.objects.get(name="Iran"),
    )
    url, pages = EVENTS, 0
    while url:
        response = client.get(url, params if url == EVENTS else None)
        assert response.status_code == 200
        page = response.json()
        ids = [event["id"] for event in page["results"]]
        events = {
            event.pk: event for event in with_embedded(Event.objects.filter(pk__in=ids))
        }
        expected = EventSerializer([events[pk] for pk in ids], many=True).data

        assert response.content == JSONRenderer().render(
            {"next": page["next"], "results": expected}
        )
        url, pages = page["next"], pages + 1
    assert pages > 1


# --- date filters ---------------------------------------------------------------


def overlaps(event: Event, first: datetime.date, last: datetime.date) -> bool:
    """Whether the event's dates, widened to its precision, meet first to last."""
    start = period_bounds(event.start_date, event.date_precision)[0]
    end = period_bounds(event.end_date, event.date_precision)[1]
    return start <= last and end >= first


def by_pk(event: Event) -> int:
    return event.pk


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2014-03-05", "end": "2014-03-05"},
        {"start": "2014-W10", "end": "2015-02"},
        {"start": "2019", "end": "2019"},
        {"start": "2020-02-29"},
        {"end": "2001-06"},
        {"start": "2010", "end": "2016-07-01", "bbox": "42,33,47,38"},
    ],
)
def test_date_filters_select_by_each_events_period(params: dict) -> None:
    first = PartialDateField().clean(params.get("start")) if "start" in params else None
    last = PartialDateField().clean(params.get("end")) if "end" in params else None
    candidates = selected(**{k: v for k, v in params.items() if k == "bbox"})
    expected = [
        event
        for event in candidates
        if overlaps(
            event,
            first.first if first else datetime.date.min,
            last.last if last else datetime.date.max,
        )
    ]

    # Which events, whatever their order (the order in a window: precise
    # first, tests/test_filters_hold.py).
    assert sorted(selected(**params), key=by_pk) == sorted(expected, key=by_pk)
    assert len(expected) < len(candidates)
    assert {event.date_precision for event in candidates} == set(DatePrecision.values)


# --- CSV ----------------------------------------------------------------------------


def orm_parties(event: Event, *, acled_names: bool = False) -> list[acled.Party]:
    """
    The participants as acled.Party, a person coded as whom they act for;
    with `acled_names`, each named by its first alias in ACLED's spelling
    with a government period, if it has one.
    """
    parties = []
    for participant in event.participations.select_related(
        "actor__parent", "on_behalf_of"
    ).order_by("id"):
        actor = participant.actor
        coding = actor
        if actor.kind == Actor.Kind.PERSON:
            coding = participant.on_behalf_of or actor.parent or actor
        name = actor.name
        if acled_names:
            periods = [a for a in actor.aliases if re.search(acled.ACLED_PERIOD, a)]
            name = periods[0] if periods else name
        parties.append(
            acled.Party(
                participant.role,
                participant.capacity,
                coding.kind,
                coding.country,
                name,
            )
        )
    return parties


def orm_admin_names(event: Event) -> list[str]:
    place = event.location
    if place is not None and place.source.startswith("ACLED: "):
        names = place.source.removeprefix("ACLED: ").split(" › ")
        return (names + ["", ""])[:3]
    if place is not None and place.kind == Location.Kind.ADMIN1:
        return [place.name, "", ""]
    parent = place.parent if place else None
    for above in (parent, parent.parent if parent else None):
        if above is not None and above.kind == Location.Kind.ADMIN1:
            return [above.name, "", ""]
    point_like = place is None or place.kind in ("city", "site")
    if point_like and event.point is not None:
        holding = (
            Location.objects.filter(
                kind=Location.Kind.ADMIN1, geometry__intersects=event.point
            )
            .order_by("id")
            .first()
        )
        if holding is not None:
            return [holding.name, "", ""]
    return ["", "", ""]


def orm_record(event: Event) -> dict[str, str] | None:
    """The lines of the newest ACLED record the event cites."""
    citation = (
        event.citations.filter(
            article__publisher="ACLED", article__title__startswith="ACLED event "
        )
        .select_related("article")
        .order_by("-id")
        .first()
    )
    if citation is None:
        return None
    body = citation.article.body
    lines = {}
    for column, label in [
        ("source", "Source"),
        ("source_scale", "Source scale"),
        ("tags", "Tags"),
    ]:
        match = re.search(rf"^{label}: (.*)$", body, re.MULTILINE)
        lines[column] = match[1] if match else ""
    return lines


def expected_row(event: Event, countries: dict[str, str]) -> dict[str, str]:
    def safe(text: str) -> str:
        return "'" + text if text[:1] and text[:1] in "=+-@|" else text

    parties = orm_parties(event)
    sides: dict[str, list[acled.Party]] = {"one": [], "two": [], "others": []}
    for party in parties:
        sides[formats.SIDE_OF_ROLE[party.role]].append(party)
    names = {side: [safe(p.name) for p in members] for side, members in sides.items()}
    publishers = sorted(
        {c.article.publisher for c in event.citations.select_related("article")} - {""}
    )
    location = event.location
    country = location.country_code if location else ""
    coded = acled.codes(
        event_type=event.event_type,
        sub_type=event.sub_event_type,
        country=country,
        actor1=(sides["one"] or [None])[0],
        actor2=(sides["two"] or [None])[0],
    )
    record = orm_record(event) or {"source_scale": "", "tags": ""}

    def number(value: int | None) -> str:
        return "" if value is None else str(value)

    return {
        "event_id": str(event.pk),
        "event_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat(),
        "year": str(event.start_date.year),
        "date_precision": event.date_precision,
        "event_type": event.event_type,
        "sub_event_type": safe(event.sub_event_type),
        "actor1": (names["one"] or [""])[0],
        "assoc_actor_1": "; ".join(names["one"][1:]),
        "actor2": (names["two"] or [""])[0],
        "assoc_actor_2": "; ".join(names["two"][1:]),
        "other_actors": "; ".join(names["others"]),
        "iso3": country,
        "country": countries.get(country, ""),
        "location": location.name if location else "",
        "latitude": repr(event.point.y) if event.point else "",
        "longitude": repr(event.point.x) if event.point else "",
        "geo_precision": event.geo_precision,
        "source": "; ".join(publishers),
        "notes": event.summary,
        "fatalities": number(event.fatalities_best),
        "fatalities_low": number(event.fatalities_low),
        "fatalities_high": number(event.fatalities_high),
        "confidence": event.confidence,
        "status": event.status,
        "title": safe(event.title),
        "timestamp": str(int(event.updated_at.timestamp())),
        **coded,
        "region": acled_countries.BY_ALPHA3[country].region
        if country in acled_countries.BY_ALPHA3
        else "",
        **dict(
            zip(
                ["admin1", "admin2", "admin3"],
                [safe(name) for name in orm_admin_names(event)],
                strict=True,
            )
        ),
        "source_scale": safe(record["source_scale"]),
        "tags": safe(record["tags"]),
    }


@pytest.mark.parametrize(
    "params",
    [{}, {"start": "2010-01-01", "end": "2020-12-31"}],
    ids=["everything", "dates"],
)
def test_csv_export_matches_the_orm(client: Client, params: dict) -> None:
    response = client.get(EVENTS, {"format": "csv", **params})
    rows = list(csv.DictReader(io.StringIO(body(response).decode())))
    countries = dict(
        Location.objects.filter(kind=Location.Kind.COUNTRY).values_list("code", "name")
    )

    assert rows == [expected_row(event, countries) for event in selected(**params)]
    assert any(row["actor2"] for row in rows)


def expected_acled_row(event: Event) -> dict[str, str]:
    """The ACLED row of an event, worked out from the ORM and the codebook."""
    sides = acled.sides(orm_parties(event, acled_names=True))
    place = event.location
    code = place.country_code if place else ""
    country = acled_countries.BY_ALPHA3.get(code)
    middle = event.start_date + (event.end_date - event.start_date) / 2
    days = (event.end_date - event.start_date).days
    precision = "1" if event.date_precision == "day" and days == 0 else "2"
    if days > 6:
        precision = "3"
    record = orm_record(event)
    publishers = sorted(
        {c.article.publisher for c in event.citations.select_related("article")} - {""}
    )
    sub_type = event.sub_event_type or acled.DEFAULT_SUB_TYPE.get(
        event.event_type, "" if event.event_type in acled.ACLED_TYPE else "Other"
    )
    admin1, admin2, admin3 = orm_admin_names(event)
    return {
        "event_id_cnty": event.acled_id or f"ZGR{event.pk}",
        "event_date": middle.isoformat(),
        "year": str(middle.year),
        "time_precision": precision,
        "event_type": acled.ACLED_TYPE.get(event.event_type, "Strategic developments"),
        "sub_event_type": sub_type,
        "actor1": sides["actor1"].name if sides["actor1"] else "",
        "assoc_actor_1": "; ".join(p.name for p in sides["assoc_actor_1"]),
        "actor2": sides["actor2"].name if sides["actor2"] else "",
        "assoc_actor_2": "; ".join(p.name for p in sides["assoc_actor_2"]),
        **acled.codes(
            event_type=event.event_type,
            sub_type=sub_type,
            country=code,
            actor1=sides["actor1"],
            actor2=sides["actor2"],
        ),
        "iso": str(country.iso_numeric) if country else "",
        "region": country.region if country else "",
        "country": country.name if country else "",
        "admin1": admin1,
        "admin2": admin2,
        "admin3": admin3,
        "location": place.name if place else "",
        "latitude": f"{event.point.y:.4f}" if event.point else "",
        "longitude": f"{event.point.x:.4f}" if event.point else "",
        "geo_precision": {"exact": "1", "near": "2"}.get(event.geo_precision, "3"),
        "source": record["source"] if record else "; ".join(publishers),
        "source_scale": record["source_scale"] if record else "",
        "notes": event.summary,
        "fatalities": str(event.fatalities_best or 0),
        "tags": record["tags"] if record else "",
        "timestamp": str(int(event.updated_at.timestamp())),
    }


def test_acled_export_matches_the_orm(tmp_path: Path) -> None:
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    sample = Path(__file__).parent / "data" / "acled_sample.csv"
    call_command("import_events", str(sample), "--format", "acled", **quiet)
    path = tmp_path / "acled.csv"
    # The API's ?format=acled writes the same bytes (tests/test_acled_export.py).
    call_command("export_events", str(path), "--format", "acled", **quiet)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))

    assert rows == [expected_acled_row(event) for event in selected()]
    assert {row["admin1"] for row in rows} > {"Erbil", "Baghdad", ""}
    assert {row["admin3"] for row in rows} > {"Sidakan", ""}
    assert {row["tags"] for row in rows} > {"crowd size=around 300", ""}


# --- the map ------------------------------------------------------------------------


def expected_clusters(events: list[Event], zoom: int) -> dict[tuple, dict]:
    """Per grid cell: the count, the mean position and the counts per type."""
    size = mapdata.cell_degrees(zoom)
    cells: dict[tuple, list[Event]] = defaultdict(list)
    for event in events:
        if event.point is not None:
            cell = (math.floor(event.point.x / size), math.floor(event.point.y / size))
            cells[cell].append(event)
    expected = {}
    for cell, members in cells.items():
        types = Counter(event.event_type for event in members)
        top = sorted(types.items(), key=lambda item: (-item[1], item[0]))[0][0]
        expected[cell] = {
            "x": sum(event.point.x for event in members) / len(members),
            "y": sum(event.point.y for event in members) / len(members),
            "count": len(members),
            "event_type": top,
            "types": dict(types),
        }
    return expected


def map_layer(client: Client, **params: str) -> dict:
    response = client.get("/maps/events.geojson", params)
    return json.loads(body(response))


@pytest.mark.parametrize("zoom", [3, 5, 7])
def test_map_clusters_match_the_orm(client: Client, zoom: int) -> None:
    layer = map_layer(client, zoom=str(zoom), bbox=REGION)
    size = mapdata.cell_degrees(zoom)
    found = {}
    for feature in layer["features"]:
        # A cell's marker is the mean of its events, so inside the cell.
        x, y = feature["geometry"]["coordinates"]
        found[(math.floor(x / size), math.floor(y / size))] = {
            "x": x,
            "y": y,
            **feature["properties"],
        }
    expected = expected_clusters(selected(bbox=REGION), zoom)

    assert layer["clustered"] is True
    assert found.keys() == expected.keys()
    for cell, cluster in expected.items():
        assert found[cell]["x"] == pytest.approx(cluster.pop("x"), abs=1e-5)
        assert found[cell]["y"] == pytest.approx(cluster.pop("y"), abs=1e-5)
        assert {k: v for k, v in found[cell].items() if k not in "xy"} == cluster
    counts = [feature["properties"]["count"] for feature in layer["features"]]
    assert counts == sorted(counts, reverse=True)


def test_map_markers_close_in_match_the_orm(client: Client) -> None:
    layer = map_layer(client, zoom="9", bbox="43,35,46,37.5")
    events = [e for e in selected(bbox="43,35,46,37.5") if e.point is not None]
    events.sort(key=lambda event: (event.start_date, event.pk), reverse=True)

    def date(event: Event) -> str:
        day = event.start_date
        if event.date_precision == DatePrecision.YEAR:
            return str(day.year)
        if event.date_precision == DatePrecision.MONTH:
            return day.strftime("%b %Y")
        return f"{day.day} {day.strftime('%b %Y')}"

    assert layer["clustered"] is False
    assert layer["truncated"] is False
    assert layer["features"] == [
        {
            "type": "Feature",
            "id": event.pk,
            "geometry": {
                "type": "Point",
                "coordinates": [round(event.point.x, 5), round(event.point.y, 5)],
            },
            "properties": {
                "title": event.title,
                "event_type": event.event_type,
                "date": date(event),
                "geo_precision": event.geo_precision,
                "place": event.location.name if event.location else None,
            },
        }
        for event in events
    ]
    assert events


def test_the_cached_map_follows_every_change(client: Client) -> None:
    def total() -> int:
        layer = map_layer(client, zoom="5", bbox=REGION)
        return sum(feature["properties"]["count"] for feature in layer["features"])

    first = total()
    assert total() == first  # from the cache

    event = make_event(
        title="New", status=Event.Status.PUBLISHED, point=Point(44, 36, srid=4326)
    )
    assert total() == first + 1
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)
    assert total() == first
    call_command("generate_events", count=20, seed=9, stderr=io.StringIO())
    assert total() == len([e for e in selected(bbox=REGION) if e.point])
    call_command("generate_events", delete=True, stdout=io.StringIO())
    assert total() == len([e for e in selected(bbox=REGION) if e.point])


# --- the timeline ---------------------------------------------------------------


def period_start(day: datetime.date, interval: str) -> datetime.date:
    if interval == "year":
        return day.replace(month=1, day=1)
    if interval == "month":
        return day.replace(day=1)
    if interval == "week":
        return day - datetime.timedelta(days=day.weekday())
    return day


def expected_timeline(interval: str) -> dict:
    order = list(DatePrecision.values)
    precise = order[: order.index(interval) + 1]
    buckets: Counter = Counter()
    imprecise: dict[tuple, list[Event]] = defaultdict(list)
    for event in Event.objects.published():
        if event.date_precision in precise:
            buckets[(period_start(event.start_date, interval), event.event_type)] += 1
        else:
            start = min(
                event.start_date, period_start(event.start_date, event.date_precision)
            )
            imprecise[(start, event.date_precision, event.event_type)].append(event)
    ends = {
        key: max(max(e.end_date, period_end(e.end_date, key[1])) for e in members)
        for key, members in imprecise.items()
    }
    return {
        "interval": interval,
        "results": [
            {"period": period.isoformat(), "event_type": kind, "count": count}
            for (period, kind), count in sorted(buckets.items())
        ],
        "imprecise": [
            {
                "period_start": start.isoformat(),
                "period_end": ends[(start, precision, kind)].isoformat(),
                "date_precision": precision,
                "event_type": kind,
                "count": len(imprecise[(start, precision, kind)]),
            }
            for start, precision, kind in sorted(imprecise)
        ],
    }


def period_end(day: datetime.date, precision: str) -> datetime.date:
    """The last day of the period at `precision` that holds `day`."""
    if precision == "year":
        return day.replace(month=12, day=31)
    if precision == "month":
        following = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        return following - datetime.timedelta(days=1)
    if precision == "week":
        return period_start(day, "week") + datetime.timedelta(days=6)
    return day


@pytest.mark.parametrize("interval", ["day", "week", "month", "year"])
def test_timeline_counts_match_the_orm(client: Client, interval: str) -> None:
    response = client.get(f"{EVENTS}timeline/", {"interval": interval})

    assert response.json() == expected_timeline(interval)
