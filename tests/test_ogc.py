"""
OGC API – Features at /ogc/: the documents and parameters through Django's
test client, then GDAL's OAPIF driver (ogrinfo, a real client) against a live
server on the test database.
"""

import datetime
import json
import re
import subprocess
import threading
from collections.abc import Iterator

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.cache import cache
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.test import Client
from django.utils.http import urlencode

from events.features import FULL_PROPERTIES
from events.models import Agreement, Event, Location
from events.ogc import COLLECTIONS, CONFORMANCE, CRS84, MATCH_COUNT_LIMIT
from tests.conftest import make_event

pytestmark = pytest.mark.django_db

CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
GEOJSON = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
BAGHDAD_BBOX = "44,33,45,34"


@pytest.fixture(autouse=True)
def fresh_extents() -> None:
    cache.clear()


def get(client: Client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    return json.loads(response.content)


def ids(collection: dict) -> list[int]:
    return [feature["id"] for feature in collection["features"]]


def titled(start: str) -> int:
    return Event.objects.get(title__startswith=start).pk


def published_ids(**filters) -> list[int]:
    return sorted(
        Event.objects.published().filter(**filters).values_list("pk", flat=True)
    )


def rels(document: dict) -> dict[str, dict]:
    return {link["rel"]: link for link in document["links"]}


# --- landing page, conformance, collections -------------------------------------------


def test_landing_page_links_to_the_api_definition_conformance_and_data(client):
    response = client.get("/ogc/")

    assert response["Content-Type"] == "application/json"
    links = rels(json.loads(response.content))
    assert {rel: (link["href"], link["type"]) for rel, link in links.items()} == {
        "self": ("http://testserver/ogc/", "application/json"),
        "alternate": ("http://testserver/", "text/html"),
        "service-desc": (
            "http://testserver/ogc/api",
            "application/vnd.oai.openapi+json;version=3.0",
        ),
        "conformance": ("http://testserver/ogc/conformance", "application/json"),
        "data": ("http://testserver/ogc/collections", "application/json"),
    }


def test_conformance_names_core_and_geojson(client):
    response = client.get("/ogc/conformance")

    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"conformsTo": CONFORMANCE}
    assert {CORE, GEOJSON} <= set(CONFORMANCE)


def test_collections_describe_events_locations_and_agreements(client):
    document = get(client, "/ogc/collections")

    assert [c["id"] for c in document["collections"]] == [
        "events",
        "locations",
        "agreements",
    ]
    events = document["collections"][0]
    assert events["itemType"] == "feature"
    assert events["crs"] == [CRS84]
    assert events["extent"]["temporal"]["interval"] == [
        ["2022-01-01T00:00:00Z", "2023-03-20T23:59:59Z"]
    ]
    west, south, east, north = events["extent"]["spatial"]["bbox"][0]
    assert 40 < west < east < 60 and 29 < south < north < 40
    assert {rel: link["href"] for rel, link in rels(events).items()} == {
        "self": "http://testserver/ogc/collections/events",
        "items": "http://testserver/ogc/collections/events/items",
        "describedby": "http://testserver/ogc/collections/events/schema",
        "describedBy": "http://testserver/ogc/collections/events/schema",
    }
    assert rels(events)["items"]["type"] == "application/geo+json"
    assert get(client, "/ogc/collections/events") == events


def test_an_unknown_collection_is_a_json_404(client):
    assert get(client, "/ogc/collections/articles", 404) == {
        "code": "NotFound",
        "description": "Collection 'articles' does not exist.",
    }
    assert get(client, "/ogc/collections/articles/items", 404)["code"] == "NotFound"


def test_schema_types_every_property_the_features_carry(client):
    response = client.get("/ogc/collections/events/schema")

    assert response["Content-Type"] == "application/schema+json"
    properties = json.loads(response.content)["properties"]["properties"]["properties"]
    assert list(properties) == list(FULL_PROPERTIES)
    assert properties["start_date"] == {"type": "string", "format": "date"}
    assert properties["fatalities_best"] == {"type": "integer"}
    for spec in COLLECTIONS.values():
        assert list(spec.schema) == list(spec.properties), spec.id


def test_api_definition_describes_the_items_parameters(client):
    response = client.get("/ogc/api")

    assert response["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    document = json.loads(response.content)
    assert document["openapi"] == "3.0.3"
    assert document["servers"] == [{"url": "http://testserver/ogc"}]
    parameters = document["paths"]["/collections/events/items"]["get"]["parameters"]
    assert [p["name"] for p in parameters] == [
        "limit",
        "bbox",
        "bbox-crs",
        "after",
        "before",
        "f",
        "datetime",
        "event_type",
        "country_code",
        "acled_id",
        "ucdp_id",
        "gdelt_id",
    ]
    assert "/collections/locations/items/{featureId}" in document["paths"]


# --- items ----------------------------------------------------------------------------


def test_items_are_published_events_only(client):
    draft = make_event(title="A draft", status=Event.Status.DRAFT)
    make_event(title="Retracted", status="retracted", retraction_reason="Wrong date")

    response = client.get("/ogc/collections/events/items")

    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    assert ids(collection) == published_ids()
    assert draft.pk not in ids(collection)
    assert collection["numberMatched"] == collection["numberReturned"] == 9
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", collection["timeStamp"])
    assert set(rels(collection)) == {"self", "collection"}  # one page: no next


def test_a_feature_is_what_the_orm_says_of_the_event(client):
    event = Event.objects.select_related("location").get(
        title__startswith="Iraq and Iran sign"
    )

    feature = get(client, f"/ogc/collections/events/items/{event.pk}")

    # The same instant: PostgreSQL writes no trailing zeros in the fraction.
    updated_at = feature["properties"].pop("updated_at")
    assert datetime.datetime.fromisoformat(updated_at) == event.updated_at
    assert feature == {
        "type": "Feature",
        "id": event.pk,
        "geometry": {"type": "Point", "coordinates": [44.40088, 33.34058]},
        "properties": {
            "title": event.title,
            "summary": event.summary,
            "event_type": "agreement",
            "sub_event_type": "Agreement",
            "start_date": "2023-03-19",
            "end_date": "2023-03-19",
            "date_precision": "day",
            "location_id": event.location_id,
            "location": "Baghdad",
            "country_code": "IRQ",
            "geo_precision": "exact",
            "fatalities_low": None,
            "fatalities_best": None,
            "fatalities_high": None,
            "actors": "Ali Shamkhani; Qasim al-Araji; Mohammed Shia al-Sudani; "
            "Iran; Iraq",
            "confidence": "high",
            "acled_id": None,
            "ucdp_id": None,
            "gdelt_id": None,
            "published_at": "2023-03-20T00:00:00+00:00",
        },
        "links": [
            {
                "href": f"http://testserver/ogc/collections/events/items/{event.pk}",
                "rel": "self",
                "type": "application/geo+json",
                "title": "This feature",
            },
            {
                "href": f"http://testserver/events/{event.pk}/",
                "rel": "alternate",
                "type": "text/html",
                "title": "This feature on the website",
            },
            {
                "href": "http://testserver/ogc/collections/events",
                "rel": "collection",
                "type": "application/json",
                "title": "Events",
            },
        ],
    }


def test_a_draft_or_missing_feature_is_a_404(client):
    draft = make_event(status=Event.Status.DRAFT)

    assert (
        get(client, f"/ogc/collections/events/items/{draft.pk}", 404)["code"]
        == "NotFound"
    )
    assert get(client, "/ogc/collections/events/items/x1", 404)["code"] == "NotFound"


def test_limit_pages_through_next_and_prev_links(client):
    everything = published_ids()

    first = get(client, "/ogc/collections/events/items?limit=4")
    second = get(client, rels(first)["next"]["href"])
    third = get(client, rels(second)["next"]["href"])
    back = get(client, rels(third)["prev"]["href"])

    assert ids(first) + ids(second) + ids(third) == everything
    assert (first["numberReturned"], third["numberReturned"]) == (4, 1)
    assert "prev" not in rels(first) and "next" not in rels(third)
    assert ids(back) == ids(second)
    assert rels(first)["next"]["href"] == (
        f"http://testserver/ogc/collections/events/items?limit=4&after={everything[3]}"
    )
    assert rels(first)["next"]["type"] == "application/geo+json"
    assert ids(get(client, rels(back)["prev"]["href"])) == ids(first)


def test_paging_keeps_the_filters(client):
    url = f"/ogc/collections/events/items?bbox={BAGHDAD_BBOX}&limit=1"

    first = get(client, url)
    second = get(client, rels(first)["next"]["href"])

    assert ids(first) + ids(second) == [
        titled("Iraq and Iran sign"),
        titled("Prime Minister"),
    ]
    assert "bbox=44%2C33%2C45%2C34" in rels(first)["next"]["href"]


def test_a_limit_above_the_maximum_is_served_at_the_maximum(client):
    collection = get(client, "/ogc/collections/events/items?limit=50000")

    assert collection["numberReturned"] == 9


def test_bbox_keeps_the_features_inside_it(client):
    collection = get(client, f"/ogc/collections/events/items?bbox={BAGHDAD_BBOX}")

    assert ids(collection) == [titled("Iraq and Iran sign"), titled("Prime Minister")]
    crs = f"&bbox-crs={CRS84}"
    again = get(client, f"/ogc/collections/events/items?bbox={BAGHDAD_BBOX}{crs}")
    assert ids(again) == ids(collection)


def test_bbox_across_the_antimeridian_is_two_boxes(client):
    collection = get(client, "/ogc/collections/events/items?bbox=170,30,50,40")

    # 170°E eastwards to 50°E: Baghdad (44.4°E) is inside, Tehran (51.4°E) not.
    assert titled("Iraq and Iran sign") in ids(collection)
    assert titled("Foreign Minister") not in ids(collection)


@pytest.mark.parametrize(
    ("value", "titles"),
    [
        # An instant: the events whose period contains the day.
        ("2023-03-20", ["Prime Minister", "Shamkhani says", "Foreign Minister"]),
        (
            "2023-03-20T01:30:00+03:00",
            [
                "Iraq and Iran sign",
                "Prime Minister",
                "Shamkhani says",
                "Foreign Minister",
            ],
        ),
        # November 2022 overlaps the 2022 events and the November decision.
        (
            "2022-11-10/2022-11-20",
            [
                "An Iranian Kurdish",
                "Protests in Iran",
                "Iran’s Revolutionary",
                "Iraq announces",
                "Iran detains",
            ],
        ),
        (
            "2023-03-01T00:00:00Z/..",
            [
                "Iraq and Iran sign",
                "Prime Minister",
                "Shamkhani says",
                "Foreign Minister",
            ],
        ),
        (
            "../2022-10-31",
            [
                "An Iranian Kurdish",
                "Protests in Iran",
                "Iran’s Revolutionary",
                "Iran detains",
            ],
        ),
        # As GDAL 3.6 writes a date filter.
        (
            "2023-03-19T/2023-03-19T",
            [
                "Iraq and Iran sign",
                "Prime Minister",
                "Shamkhani says",
                "Foreign Minister",
            ],
        ),
    ],
)
def test_datetime_keeps_the_features_whose_period_overlaps_it(client, value, titles):
    query = urlencode({"datetime": value})

    collection = get(client, f"/ogc/collections/events/items?{query}")

    assert ids(collection) == sorted(titled(title) for title in titles)


def test_equality_filters_on_queryables(client):
    collection = get(client, "/ogc/collections/events/items?event_type=statement")

    assert ids(collection) == published_ids(event_type="statement")
    acled = make_event(acled_id="IRQ12345", status=Event.Status.PUBLISHED)
    assert ids(get(client, "/ogc/collections/events/items?acled_id=IRQ12345")) == [
        acled.pk
    ]


@pytest.mark.parametrize(
    ("query", "description"),
    [
        ("bbox=44,33,45", "bbox: expects 4 comma-separated numbers."),
        ("bbox=44,33,45,x", "bbox: expects 4 comma-separated numbers."),
        ("bbox=44,33,45,nan", "bbox: expects 4 comma-separated numbers."),
        ("bbox=44,33,45,95", "bbox: latitudes are between -90 and 90, south first."),
        ("bbox=44,34,45,33", "bbox: latitudes are between -90 and 90, south first."),
        ("bbox=44,33,200,34", "bbox: longitudes are between -180 and 180."),
        (
            f"bbox={BAGHDAD_BBOX}&bbox-crs=EPSG:3857",
            f"bbox-crs: only {CRS84} is supported.",
        ),
        ("bbox-crs=" + CRS84, "bbox-crs: is only used with bbox."),
        (
            "datetime=yesterday",
            "datetime: 'yesterday' is not an RFC 3339 date or date-time.",
        ),
        ("datetime=2023-02-30", "datetime: '2023-02-30' is not a valid date."),
        ("datetime=../..", "datetime: an interval needs at least one end."),
        (
            "datetime=2023-01-02/2023-01-01",
            "datetime: the interval ends before it starts.",
        ),
        ("limit=0", "limit: '0' is not a positive whole number."),
        ("limit=ten", "limit: 'ten' is not a positive whole number."),
        ("after=1&before=9", "before: is not used together with after."),
        ("f=html", "f: 'html' is not offered; use json or geojson."),
        ("sortby=title", "sortby: is not a parameter of this collection."),
    ],
)
def test_bad_parameters_are_a_400_naming_them(client, query, description):
    response = client.get(f"/ogc/collections/events/items?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "code": "InvalidParameterValue",
        "description": description,
    }


def test_a_page_takes_two_queries(client, django_assert_num_queries):
    with django_assert_num_queries(2):  # the page and the capped count
        client.get(f"/ogc/collections/events/items?bbox={BAGHDAD_BBOX}&limit=1")


def test_number_matched_is_left_out_beyond_the_cap(client, monkeypatch):
    monkeypatch.setattr("events.ogc.MATCH_COUNT_LIMIT", 5)

    collection = get(client, "/ogc/collections/events/items?limit=2")

    assert "numberMatched" not in collection
    assert MATCH_COUNT_LIMIT == 10_000


# --- locations and agreements ---------------------------------------------------------


def test_locations_carry_their_exact_geometries(client):
    collection = get(client, "/ogc/collections/locations/items?kind=country&limit=20")

    assert collection["numberMatched"] == 12
    iraq = next(f for f in collection["features"] if f["properties"]["code"] == "IRQ")
    assert iraq["geometry"]["type"] == "MultiPolygon"
    stored = Location.objects.get(code="IRQ").geometry
    points = sum(
        len(ring) for polygon in iraq["geometry"]["coordinates"] for ring in polygon
    )
    assert points == stored.num_points


def test_locations_bbox_intersects_their_geometries(client):
    collection = get(
        client, f"/ogc/collections/locations/items?bbox={BAGHDAD_BBOX}&kind=country"
    )

    assert [f["properties"]["code"] for f in collection["features"]] == ["IRQ"]


def test_agreements_stand_at_their_signing_place(client):
    agreement = Agreement.objects.get()

    collection = get(client, "/ogc/collections/agreements/items?datetime=2023-03-19")

    [feature] = collection["features"]
    assert feature["id"] == agreement.pk
    assert feature["geometry"] == {"type": "Point", "coordinates": [44.40088, 33.34058]}
    assert feature["properties"]["signed_at"] == "Baghdad"
    assert feature["properties"]["signing_event_id"] == titled("Iraq and Iran sign")
    assert (
        get(client, "/ogc/collections/agreements/items?datetime=2023-03-20")["features"]
        == []
    )


def test_agreements_hide_an_unpublished_signing_event(client):
    Event.objects.filter(agreement_signed__isnull=False).update(status="draft")

    [feature] = get(client, "/ogc/collections/agreements/items")["features"]

    assert feature["properties"]["signing_event_id"] is None


# --- GDAL's OAPIF driver against a live server ----------------------------------------


class RecordingHandler(WSGIRequestHandler):
    """Keeps the request lines, to show which filters reached the server."""

    requests: list[str] = []

    def log_message(self, format: str, *args) -> None:
        if args and isinstance(args[0], str):
            self.requests.append(args[0])


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker) -> Iterator[str]:
    """
    A live server on the test database, reading the data committed at setup
    (the geography and the curated seed); unlike pytest-django's live_server
    it never empties the database.
    """
    httpd = ThreadedWSGIServer(("127.0.0.1", 0), RecordingHandler)
    httpd.set_app(StaticFilesHandler(get_wsgi_application()))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def requests() -> list[str]:
    RecordingHandler.requests.clear()
    return RecordingHandler.requests


def ogrinfo(*args: str) -> str:
    result = subprocess.run(
        ["ogrinfo", "-ro", *args], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "ERROR" not in result.stderr, result.stderr
    return result.stdout


def feature_ids(output: str, layer: str = "events") -> list[int]:
    return [
        int(fid) for fid in re.findall(rf"^OGRFeature\({layer}\):(\d+)$", output, re.M)
    ]


def test_ogrinfo_lists_the_collections(server):
    output = ogrinfo("-q", f"OAPIF:{server}/ogc/")

    assert output.splitlines() == [
        "1: events (title: Events) (Point)",
        "2: locations (title: Locations) (Multi Polygon)",
        "3: agreements (title: Agreements) (Point)",
    ]


def test_ogrinfo_reads_every_published_event_page_by_page(server, requests):
    output = ogrinfo("-al", "-oo", "PAGE_SIZE=4", f"OAPIF:{server}/ogc/", "events")

    assert "using driver `OAPIF' successful" in output
    assert "Feature Count: 9" in output
    for field in [
        "start_date: Date",
        "fatalities_best: Integer",
        "acled_id: String",
        "published_at: DateTime",
    ]:
        assert field in output
    assert feature_ids(output) == published_ids()
    assert sum("/ogc/collections/events/items?" in line for line in requests) >= 3


def test_ogrinfo_filters_by_bbox_on_the_server(server, requests):
    output = ogrinfo(
        "-q", "-spat", "44", "33", "45", "34", f"OAPIF:{server}/ogc/", "events"
    )

    assert feature_ids(output) == [
        titled("Iraq and Iran sign"),
        titled("Prime Minister"),
    ]
    assert any("bbox=44,33,45,34" in line for line in requests)


def test_ogrinfo_filters_by_datetime_on_the_server(server, requests):
    where = "start_date >= '2022-11-01' AND start_date <= '2022-11-30'"

    output = ogrinfo("-q", "-where", where, f"OAPIF:{server}/ogc/", "events")

    # GDAL sends a date comparison as the standard's datetime filter and
    # trusts the answer: the events whose period overlaps November 2022,
    # including those known only as "2022" (see docs/interoperability.md).
    assert any("datetime=2022-11-01T%2F2022-11-30T" in line for line in requests)
    assert feature_ids(output) == published_ids(
        start_date__lte=datetime.date(2022, 11, 30),
        end_date__gte=datetime.date(2022, 11, 1),
    )
    assert titled("Iraq announces") in feature_ids(output)


def test_ogrinfo_reads_a_datetime_interval_from_the_url(server):
    url = f"OAPIF:{server}/ogc/?datetime=2022-11-01/2022-11-30"

    output = ogrinfo("-q", url, "events")

    # Overlap: the events known only as "2022" and the November decision.
    assert len(feature_ids(output)) == 5
    assert feature_ids(output) == published_ids(
        start_date__lte=datetime.date(2022, 11, 30),
        end_date__gte=datetime.date(2022, 11, 1),
    )


def test_ogrinfo_sends_equality_filters_on_queryables(server, requests):
    output = ogrinfo(
        "-q", "-where", "event_type = 'statement'", f"OAPIF:{server}/ogc/", "events"
    )

    assert feature_ids(output) == published_ids(event_type="statement")
    assert any("event_type=statement" in line for line in requests)


def test_ogrinfo_reads_locations_and_agreements(server):
    countries = ogrinfo(
        "-q", "-where", "kind = 'country'", f"OAPIF:{server}/ogc/", "locations"
    )
    agreements = ogrinfo("-al", f"OAPIF:{server}/ogc/", "agreements")

    assert len(feature_ids(countries, "locations")) == 12
    assert "MULTIPOLYGON (((" in countries
    assert "Feature Count: 1" in agreements
    assert "signed_at (String) = Baghdad" in agreements
    assert "POINT (44.40088 33.34058)" in agreements
