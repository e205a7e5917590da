"""Event exports: GeoJSON (checked with GDAL's ogrinfo), CSV and the Atom feed."""

import csv
import datetime
import io
import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.test import Client

from events.api import formats
from events.features import FEED_PROPERTIES
from events.models import Actor, Agreement, Event, Location, Participant
from tests.conftest import make_event

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"
ATOM = "{http://www.w3.org/2005/Atom}"
GEORSS = "{http://www.georss.org/georss}"


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def geojson(client: Client, **params) -> dict:
    response = client.get(EVENTS, {"format": "geojson", **params})
    assert response.status_code == 200, body(response)
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(body(response))


def csv_rows(client: Client, **params) -> list[dict]:
    response = client.get(EVENTS, {"format": "csv", **params})
    assert response.status_code == 200, body(response)
    return list(csv.DictReader(io.StringIO(body(response).decode())))


def ogrinfo(source: str) -> str:
    result = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-so", source],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


# --- GeoJSON -------------------------------------------------------------------


def test_geojson_is_an_rfc7946_feature_collection(client: Client) -> None:
    collection = geojson(client)

    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection  # RFC 7946 section 4: always WGS 84 lon/lat
    assert len(collection["features"]) == Event.objects.published().count()
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["id"], int)
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert set(feature["properties"]) == set(FEED_PROPERTIES)


def test_geojson_built_in_sql_matches_the_orm(client: Client) -> None:
    features = {f["id"]: f for f in geojson(client)["features"]}
    events = Event.objects.published().select_related("location")

    assert set(features) == {e.pk for e in events}
    for event in events:
        feature = features[event.pk]
        lon, lat = feature["geometry"]["coordinates"]
        assert (lon, lat) == (round(event.point.x, 6), round(event.point.y, 6))
        properties = dict(feature["properties"])
        updated_at = datetime.datetime.fromisoformat(properties.pop("updated_at"))
        assert updated_at == event.updated_at
        assert properties == {
            "title": event.title,
            "event_type": event.event_type,
            "sub_event_type": event.sub_event_type,
            "start_date": event.start_date.isoformat(),
            "end_date": event.end_date.isoformat(),
            "date_precision": event.date_precision,
            "location_id": event.location_id,
            "location": event.location.name,
            "country_code": event.location.country_code,
            "geo_precision": event.geo_precision,
            "fatalities_best": event.fatalities_best,
            "confidence": event.confidence,
            "status": event.status,
        }


def test_geojson_by_accept_header(client: Client) -> None:
    response = client.get(EVENTS, HTTP_ACCEPT="application/geo+json")

    assert response["Content-Type"] == "application/geo+json"
    assert json.loads(body(response))["type"] == "FeatureCollection"


def test_the_format_parameter_wins_over_the_accept_header(client: Client) -> None:
    response = client.get(
        EVENTS, {"format": "geojson"}, HTTP_ACCEPT="text/plain, application/json"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"


def test_geojson_takes_the_filters_and_keeps_the_order(client: Client) -> None:
    collection = geojson(client, bbox="44,33,45,34")

    assert [f["properties"]["title"] for f in collection["features"]] == [
        "Iraq and Iran sign a border security agreement in Baghdad",
        "Prime Minister al-Sudani meets Ali Shamkhani in Baghdad",
    ]


def test_geojson_filtered_by_type_and_status_is_complete(
    editor_client: Client,
) -> None:
    # The docs' example; type and status once made the query DISTINCT, which
    # added columns to the features' SELECT and broke the stream after its head.
    params = {
        "country": "IRQ",
        "type": ["remote_violence", "battle", "deployment"],
        "status": "published",
    }
    listed = editor_client.get(EVENTS, params).json()["results"]

    collection = geojson(editor_client, **params)

    assert [f["id"] for f in collection["features"]] == [e["id"] for e in listed]
    assert len(listed) > 1


def test_geojson_event_without_coordinates_has_null_geometry(client: Client) -> None:
    make_event(title="Nowhere", location=None, status=Event.Status.PUBLISHED)

    features = geojson(client, q="Nowhere")["features"]

    assert [(f["properties"]["title"], f["geometry"]) for f in features] == [
        ("Nowhere", None)
    ]


def test_geojson_detail_is_a_feature(client: Client) -> None:
    signing = Event.objects.get(title__startswith="Iraq and Iran sign")

    response = client.get(f"{EVENTS}{signing.pk}/", {"format": "geojson"})

    feature = response.json()
    assert response["Content-Type"] == "application/geo+json"
    assert feature["type"] == "Feature"
    assert feature["id"] == signing.pk
    assert feature["properties"]["title"] == signing.title


def test_geojson_streams_in_chunks(client: Client, monkeypatch) -> None:
    for day in range(1, 26):
        make_event(title=f"Event {day}", status=Event.Status.PUBLISHED)
    monkeypatch.setattr(formats, "CHUNK_ROWS", 10)

    response = client.get(EVENTS, {"format": "geojson"})

    assert response.streaming
    pieces = list(response.streaming_content)
    assert len(pieces) >= 5  # head, three or four chunks of rows, tail
    assert len(json.loads(b"".join(pieces))["features"]) == 34


def test_geojson_of_a_filter_that_can_match_nothing_is_empty(client: Client) -> None:
    unsigned = Agreement.objects.create(title="Unsigned", kind=Agreement.Kind.BORDER)

    data = geojson(client, agreement=unsigned.pk)

    assert data == {"type": "FeatureCollection", "features": []}


def test_geojson_file_reads_in_ogrinfo(client: Client, tmp_path: Path) -> None:
    path = tmp_path / "events.geojson"
    path.write_bytes(body(client.get(EVENTS, {"format": "geojson"})))

    summary = ogrinfo(str(path))

    assert "using driver `GeoJSON' successful" in summary
    assert "Geometry: Point" in summary
    assert f"Feature Count: {Event.objects.published().count()}" in summary
    assert 'ID["EPSG",4326]' in summary
    for field in ["title: String", "start_date: Date", "updated_at: DateTime"]:
        assert field in summary


def test_exports_page_as_the_json_list_does(client: Client) -> None:
    for index in range(7):
        day = datetime.date(2024, 1, 1)
        make_event(title=f"Paged export {index}", start_date=day, end_date=day)
    first = client.get(EVENTS, {"page_size": 3}).json()
    cursor = parse_qs(urlsplit(first["next"]).query)["cursor"][0]
    second = client.get(EVENTS, {"page_size": 3, "cursor": cursor}).json()
    for fmt, read in [
        ("geojson", lambda r: [f["id"] for f in json.loads(r.getvalue())["features"]]),
        ("csv", lambda r: [int(row["event_id"]) for row in csv.DictReader(r.text())]),
    ]:
        page = client.get(EVENTS, {"format": fmt, "page_size": 3})
        assert read(Body(page)) == [e["id"] for e in first["results"]]
        page = client.get(EVENTS, {"format": fmt, "page_size": 3, "cursor": cursor})
        assert read(Body(page)) == [e["id"] for e in second["results"]]
        # A cursor alone: the rest of the export after that page.
        rest = client.get(EVENTS, {"format": fmt, "cursor": cursor})
        ids = read(Body(rest))
        assert ids[:3] == [e["id"] for e in second["results"]]
        assert not set(ids) & {e["id"] for e in first["results"]}


class Body:
    """A streamed response's body, read once."""

    def __init__(self, response) -> None:
        assert response.status_code == 200, response.content
        self.data = b"".join(response.streaming_content)

    def getvalue(self) -> bytes:
        return self.data

    def text(self) -> io.StringIO:
        return io.StringIO(self.data.decode())


# --- CSV -------------------------------------------------------------------------


def test_csv_has_one_acled_like_row_per_event(client: Client) -> None:
    response = client.get(EVENTS, {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(body(response).decode())))

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="zagros-events.csv"'
    )
    assert list(rows[0]) == formats.CSV_COLUMNS
    assert len(rows) == Event.objects.published().count()
    signing = next(r for r in rows if r["title"].startswith("Iraq and Iran sign"))
    assert {key: signing[key] for key in [
        "event_date", "year", "date_precision", "event_type", "actor1",
        "assoc_actor_1", "other_actors", "iso3", "country", "location",
        "latitude", "longitude", "geo_precision", "source", "status",
    ]} == {
        "event_date": "2023-03-19",
        "year": "2023",
        "date_precision": "day",
        "event_type": "agreement",
        "actor1": "Ali Shamkhani",
        "assoc_actor_1": "Qasim al-Araji; Iran; Iraq",
        "other_actors": "Mohammed Shia al-Sudani",
        "iso3": "IRQ",
        "country": "Iraq",
        "location": "Baghdad",
        "latitude": "33.34058",
        "longitude": "44.40088",
        "geo_precision": "exact",
        "source": "Al Jazeera",
        "status": "published",
    }  # fmt: skip


def test_csv_built_in_sql_matches_the_orm(client: Client) -> None:
    # The columns ACLED's codebook adds are checked below and, against the
    # ORM, in tests/test_sql_outputs.py.
    own = formats.CSV_COLUMNS[: formats.CSV_COLUMNS.index("timestamp") + 1]
    rows = {
        int(r["event_id"]): {column: r[column] for column in own}
        for r in csv_rows(client)
    }
    events = Event.objects.published().select_related("location")
    countries = dict(
        Location.objects.filter(kind="country").values_list("code", "name")
    )

    assert set(rows) == {e.pk for e in events}
    for event in events:
        row = rows[event.pk]
        sides = {"one": [], "two": [], "others": []}
        for participant in event.participations.order_by("id"):
            side = formats.SIDE_OF_ROLE[participant.role]
            sides[side].append(participant.actor.name)
        publishers = sorted({c.article.publisher for c in event.citations.all()} - {""})
        assert row == {
            "event_id": str(event.pk),
            "event_date": event.start_date.isoformat(),
            "end_date": event.end_date.isoformat(),
            "year": str(event.start_date.year),
            "date_precision": event.date_precision,
            "event_type": event.event_type,
            "sub_event_type": event.sub_event_type,
            "actor1": (sides["one"] or [""])[0],
            "assoc_actor_1": "; ".join(sides["one"][1:]),
            "actor2": (sides["two"] or [""])[0],
            "assoc_actor_2": "; ".join(sides["two"][1:]),
            "other_actors": "; ".join(sides["others"]),
            "iso3": event.location.country_code,
            "country": countries.get(event.location.country_code, ""),
            "location": event.location.name,
            "latitude": repr(event.point.y),
            "longitude": repr(event.point.x),
            "geo_precision": event.geo_precision,
            "source": "; ".join(publishers),
            "notes": event.summary,
            "fatalities": "",
            "fatalities_low": "",
            "fatalities_high": "",
            "confidence": event.confidence,
            "status": event.status,
            "title": event.title,
            "timestamp": str(int(event.updated_at.timestamp())),
        }


def test_csv_keeps_its_columns_and_adds_acleds_after_them(client: Client) -> None:
    rows = {r["title"][:24]: r for r in csv_rows(client)}
    added = formats.CSV_COLUMNS[formats.CSV_COLUMNS.index("timestamp") + 1 :]

    assert formats.CSV_COLUMNS[:27] == [
        "event_id", "event_date", "end_date", "year", "date_precision",
        "event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2",
        "assoc_actor_2", "other_actors", "iso3", "country", "location",
        "latitude", "longitude", "geo_precision", "source", "notes",
        "fatalities", "fatalities_low", "fatalities_high", "confidence",
        "status", "title", "timestamp",
    ]  # fmt: skip
    assert added == [
        "disorder_type", "inter1", "inter2", "interaction", "civilian_targeting",
        "region", "admin1", "admin2", "admin3", "source_scale", "tags",
    ]  # fmt: skip
    assert {title: [row[c] for c in added] for title, row in rows.items()} == {
        "Iraq and Iran sign a bor": [
            "Strategic developments", "8", "0", "80", "", "Middle East",
            "Baghdad", "", "", "", "",
        ],
        "Prime Minister al-Sudani": [
            "Strategic developments", "1", "0", "10", "", "Middle East",
            "Baghdad", "", "", "", "",
        ],
        "Shamkhani says the agree": [
            "Strategic developments", "8", "2", "28", "", "Middle East",
            "", "", "", "", "",
        ],
        "Foreign Minister Amir-Ab": [
            "Strategic developments", "1", "2", "12", "", "Middle East",
            "Tehran", "", "", "", "",
        ],
        "An Iranian Kurdish woman": [
            "Strategic developments", "", "0", "", "", "Middle East",
            "", "", "", "", "",
        ],
        "Protests in Iran after t": [
            "Demonstrations", "6", "0", "60", "", "Middle East",
            "", "", "", "", "",
        ],
        "Iran’s Revolutionary Gua": [
            "Political violence", "8", "2", "28", "", "Middle East",
            "", "", "", "", "",
        ],
        "Iraq announces federal g": [
            "Strategic developments", "1", "0", "10", "", "", "", "", "", "", "",
        ],
        "Iran detains a sabotage ": [
            "Strategic developments", "1", "2", "12", "", "Middle East",
            "", "", "", "", "",
        ],
    }  # fmt: skip


def test_csv_names_initiators_and_targets_as_actor1_and_actor2(client: Client) -> None:
    rows = csv_rows(client, type="remote_violence")

    assert [(r["actor1"], r["actor2"]) for r in rows] == [
        ("Islamic Revolutionary Guard Corps", "Iranian Kurdish opposition groups")
    ]


def test_csv_by_accept_header(client: Client) -> None:
    response = client.get(EVENTS, HTTP_ACCEPT="text/csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body(response).decode().startswith("event_id,event_date,")


@pytest.mark.parametrize(
    "title",
    [
        '=HYPERLINK("http://evil.example/","click")',
        "+1+2",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "  =1+1",
        "\uff1d1+1",
    ],
)
def test_csv_cells_cannot_become_formulas(client: Client, title: str) -> None:
    event = make_event(title=title, status=Event.Status.PUBLISHED)
    actor = Actor.objects.create(name="=cmd|' /C calc'!A0", kind="other")
    Participant.objects.create(event=event, actor=actor, role="initiator")

    row = next(r for r in csv_rows(client) if r["event_id"] == str(event.pk))

    assert row["title"] == "'" + title
    assert row["actor1"] == "'=cmd|' /C calc'!A0"


def test_csv_keeps_negative_coordinates_as_numbers(client: Client) -> None:
    event = make_event(
        title="West",
        location=None,
        point=Point(-172.5, -13.75, srid=4326),
        status=Event.Status.PUBLISHED,
    )

    row = next(r for r in csv_rows(client) if r["event_id"] == str(event.pk))

    assert (row["longitude"], row["latitude"]) == ("-172.5", "-13.75")


def test_csv_takes_the_filters(client: Client) -> None:
    rows = csv_rows(client, type="statement")

    assert {r["event_type"] for r in rows} == {"statement"}
    assert len(rows) == 2


def test_csv_takes_several_types_and_statuses(editor_client: Client) -> None:
    rows = csv_rows(
        editor_client, type=["statement", "agreement"], status=["published", "draft"]
    )

    assert [int(r["event_id"]) for r in rows] == list(
        Event.objects.filter(event_type__in=["statement", "agreement"])
        .order_by("start_date", "id")
        .values_list("pk", flat=True)
    )


# --- Atom ------------------------------------------------------------------------


def feed(client: Client, **params) -> ET.Element:
    response = client.get("/feeds/events/", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_atom_feed_lists_published_events_with_points(client: Client) -> None:
    root = feed(client)
    entries = root.findall(f"{ATOM}entry")

    assert root.tag == f"{ATOM}feed"
    assert len(entries) == Event.objects.published().count()
    signing = next(
        e for e in entries if e.findtext(f"{ATOM}title").startswith("Iraq and Iran")
    )
    assert signing.findtext(f"{GEORSS}point") == "33.340580 44.400880"
    assert "19 Mar 2023 — Baghdad." in signing.findtext(f"{ATOM}summary")
    assert signing.find(f"{ATOM}category").get("term") == "Agreement signed"


def test_atom_feed_takes_the_api_filters(client: Client) -> None:
    entries = feed(client, type="statement", country="IRQ").findall(f"{ATOM}entry")

    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Shamkhani says the agreement can end the actions of Kurdish groups "
        "in northern Iraq"
    ]


def test_atom_feed_escapes_summaries(client: Client) -> None:
    make_event(
        title="Markup",
        summary="<script>alert(1)</script>",
        status=Event.Status.PUBLISHED,
    )

    entry = feed(client, q="Markup").find(f"{ATOM}entry")

    assert entry.find(f"{ATOM}summary").get("type") == "html"
    assert "&lt;script&gt;" in entry.findtext(f"{ATOM}summary")


def test_atom_feed_answers_bad_filters_with_json(client: Client) -> None:
    response = client.get("/feeds/events/", {"bbox": "1,2"})

    assert response.status_code == 400
    assert response.json() == {
        "bbox": ["Expected minLon,minLat,maxLon,maxLat, e.g. 42,34,47,38."]
    }
