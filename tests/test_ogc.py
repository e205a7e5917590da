"""
OGC API – Features at /ogc/: the documents and the parameters of /items,
through Django's test client. Filters and sorting are in test_ogc_filters.py,
real clients (GDAL, pyogrio, OWSLib) in test_ogc_clients.py.
"""

import datetime
import json
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils.http import urlencode

from events.features import FULL_PROPERTIES
from events.models import Agreement, Event, Location
from events.ogc.collections import COLLECTIONS, CONFORMANCE, CRS84
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
        "alternate": ("http://testserver/ogc/?f=html", "text/html"),
        "related": ("http://testserver/", "text/html"),
        "service-desc": (
            "http://testserver/ogc/api",
            "application/vnd.oai.openapi+json;version=3.0",
        ),
        "conformance": ("http://testserver/ogc/conformance", "application/json"),
        "data": ("http://testserver/ogc/collections", "application/json"),
    }


def test_conformance_declares_what_pygeoapi_declares_for_reading(client):
    response = client.get("/ogc/conformance")

    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"conformsTo": CONFORMANCE}
    common = "http://www.opengis.net/spec/ogcapi-common-"
    features = "http://www.opengis.net/spec/ogcapi-features-"
    assert {
        f"{common}1/1.0/conf/core",
        f"{common}1/1.0/conf/landing-page",
        f"{common}1/1.0/conf/json",
        f"{common}1/1.0/conf/html",
        f"{common}1/1.0/conf/oas30",
        f"{common}2/1.0/conf/collections",
        CORE,
        GEOJSON,
        f"{features}1/1.0/conf/html",
        f"{features}1/1.0/conf/oas30",
        f"{features}2/1.0/conf/crs",
        f"{features}3/1.0/conf/queryables",
        f"{features}3/1.0/conf/queryables-query-parameters",
        f"{features}3/1.0/conf/filter",
        f"{features}3/1.0/conf/features-filter",
        f"{features}5/1.0/conf/schemas",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    } <= set(CONFORMANCE)


def test_collections_describe_events_locations_and_agreements(client):
    document = get(client, "/ogc/collections")

    assert [c["id"] for c in document["collections"]] == [
        "events",
        "locations",
        "agreements",
    ]
    events = document["collections"][0]
    assert events["itemType"] == "feature"
    assert events["crs"] == [
        CRS84,
        "http://www.opengis.net/def/crs/EPSG/0/4326",
        "http://www.opengis.net/def/crs/EPSG/0/3857",
    ]
    assert events["storageCrs"] == CRS84
    assert events["extent"]["temporal"]["interval"] == [
        ["2022-01-01T00:00:00Z", "2023-03-20T23:59:59Z"]
    ]
    west, south, east, north = events["extent"]["spatial"]["bbox"][0]
    assert 40 < west < east < 60 and 29 < south < north < 40
    base = "http://testserver/ogc/collections/events"
    assert [(link["rel"], link["href"], link["type"]) for link in events["links"]] == [
        ("self", base, "application/json"),
        ("alternate", f"{base}?f=html", "text/html"),
        ("items", f"{base}/items", "application/geo+json"),
        ("items", f"{base}/items?f=html", "text/html"),
        ("describedby", f"{base}/schema", "application/schema+json"),
        (
            "http://www.opengis.net/def/rel/ogc/1.0/schema",
            f"{base}/schema",
            "application/schema+json",
        ),
        ("describedBy", f"{base}/geojson-schema", "application/schema+json"),
        (
            "http://www.opengis.net/def/rel/ogc/1.0/queryables",
            f"{base}/queryables",
            "application/schema+json",
        ),
        ("queryables", f"{base}/queryables", "application/json"),
    ]
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
    schema = json.loads(response.content)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    properties = schema["properties"]
    assert list(properties) == ["id", "geometry", *FULL_PROPERTIES]
    assert properties["id"] == {"type": "integer", "x-ogc-role": "id"}
    assert properties["geometry"] == {
        "format": "geometry-point",
        "x-ogc-role": "primary-geometry",
    }
    assert properties["start_date"] == {
        "title": "Start date",
        "type": "string",
        "format": "date",
        "x-ogc-role": "primary-interval-start",
    }
    assert properties["end_date"]["x-ogc-role"] == "primary-interval-end"
    assert properties["fatalities_best"] == {
        "title": "Fatalities best",
        "type": "integer",
    }
    for spec in COLLECTIONS.values():
        assert list(spec.schema) == list(spec.properties), spec.id


def test_geojson_schema_types_the_properties_of_a_geojson_feature(client):
    response = client.get("/ogc/collections/events/geojson-schema")

    assert response["Content-Type"] == "application/schema+json"
    properties = json.loads(response.content)["properties"]["properties"]["properties"]
    assert list(properties) == list(FULL_PROPERTIES)
    assert properties["start_date"] == {"type": "string", "format": "date"}


def test_api_definition_describes_the_items_parameters(client):
    response = client.get("/ogc/api")

    assert response["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    document = json.loads(response.content)
    assert document["openapi"] == "3.0.3"
    assert document["servers"] == [{"url": "http://testserver/ogc"}]
    parameters = {
        p["name"]: p
        for p in document["paths"]["/collections/events/items"]["get"]["parameters"]
    }
    assert list(parameters) == [
        "limit",
        "bbox",
        "bbox-crs",
        "crs",
        "filter",
        "filter-lang",
        "filter-crs",
        "sortby",
        "properties",
        "skipGeometry",
        "resultType",
        "after",
        "before",
        "matched",
        "f",
        "datetime",
        "date_rule",
        *FULL_PROPERTIES,
    ]
    # GDAL 3.12 pages at the maximum (up to 1,000); GDAL 3.6 sends its where
    # clauses as filter when filter-lang lists cql-text, and counts with hits.
    assert parameters["limit"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 10_000,
        "default": 100,
    }
    assert "cql-text" in parameters["filter-lang"]["schema"]["enum"]
    assert "hits" in parameters["resultType"]["schema"]["enum"]
    assert parameters["start_date"]["schema"] == {"type": "string", "format": "date"}
    assert "/collections/locations/items/{featureId}" in document["paths"]
    assert "/collections/agreements/queryables" in document["paths"]


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
    # One page: no next.
    assert set(rels(collection)) == {"self", "alternate", "collection"}
    assert response["Content-Crs"] == f"<{CRS84}>"


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
                "href": f"http://testserver/ogc/collections/events/items/{event.pk}"
                "?f=html",
                "rel": "alternate",
                "type": "text/html",
                "title": "This feature in HTML",
            },
            {
                "href": f"http://testserver/events/{event.pk}/",
                "rel": "related",
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
    assert rels(first)["next"]["href"].startswith(
        f"http://testserver/ogc/collections/events/items?limit=4&after={everything[3]}"
        "&matched=9%3A"
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
        ("bbox=44,33,45,95", "bbox: latitudes are between -90 and 90."),
        ("bbox=44,34,45,33", "bbox: the south edge is north of the north edge."),
        ("bbox=44,33,200,34", "bbox: longitudes are between -180 and 180."),
        (
            f"bbox={BAGHDAD_BBOX}&bbox-crs=EPSG:3857",
            "bbox-crs: 'EPSG:3857' is not offered; use one of "
            f"{CRS84}, http://www.opengis.net/def/crs/EPSG/0/4326, "
            "http://www.opengis.net/def/crs/EPSG/0/3857.",
        ),
        (
            "bbox=1e8,0,2e8,1&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/3857",
            "bbox: EPSG:3857 coordinates are within ±20037508.34 metres.",
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
        ("f=xml", "f: 'xml' is not offered; use json or geojson."),
        ("order=title", "order: is not a parameter of this collection."),
        ("limit=1&limit=2", "limit: is given more than once."),
        ("title=a%00b", "title: must not contain a NUL character."),
        ("fatalities_best=many", "fatalities_best: is a whole number."),
        ("start_date=2022-13-01", "start_date: '2022-13-01' is not a valid date."),
        ("skipGeometry=yes", "skipGeometry: is true or false."),
        ("resultType=all", "resultType: is results or hits."),
        (
            "crs=EPSG:4326",
            "crs: 'EPSG:4326' is not offered; use one of "
            f"{CRS84}, http://www.opengis.net/def/crs/EPSG/0/4326, "
            "http://www.opengis.net/def/crs/EPSG/0/3857.",
        ),
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


def test_the_count_is_taken_on_the_first_page_and_carried_in_the_links(
    client, django_assert_num_queries
):
    url = f"/ogc/collections/events/items?bbox={BAGHDAD_BBOX}&limit=1"

    with django_assert_num_queries(3):  # the data version, the count, the page
        first = get(client, url)
    with django_assert_num_queries(2):  # the data version, the page
        second = get(client, rels(first)["next"]["href"])

    assert first["numberMatched"] == second["numberMatched"] == 2
    assert "matched=2%3A" in rels(second)["prev"]["href"]


def test_a_count_token_is_only_good_for_its_query_and_data(client):
    first = get(client, "/ogc/collections/events/items?limit=1")
    token = re.search(r"matched=([^&]+)", rels(first)["next"]["href"])[1]

    other_query = get(
        client, f"/ogc/collections/events/items?bbox={BAGHDAD_BBOX}&matched={token}"
    )
    forged = get(client, "/ogc/collections/events/items?matched=12345%3Aforged")
    make_event(title="Published later", status=Event.Status.PUBLISHED)
    after_a_change = get(client, f"/ogc/collections/events/items?matched={token}")

    assert first["numberMatched"] == 9
    assert other_query["numberMatched"] == 2
    assert forged["numberMatched"] == 9
    assert after_a_change["numberMatched"] == 10


def test_number_matched_is_given_beyond_ten_thousand(client):
    # The old capped count stopped at 10,000 and then left the member out;
    # GDAL then read every page to count.
    published = Event.objects.published().first()
    Event.objects.bulk_create(
        [
            Event(
                title=f"Copy {n}",
                event_type=published.event_type,
                start_date=published.start_date,
                end_date=published.end_date,
                location=published.location,
                point=published.point,
                status=Event.Status.PUBLISHED,
                is_synthetic=True,
            )
            for n in range(10_001)
        ]
    )

    collection = get(client, "/ogc/collections/events/items?limit=1")

    assert collection["numberMatched"] == 10_010


def test_result_type_hits_counts_without_features(client, django_assert_num_queries):
    with django_assert_num_queries(2):  # the data version, the count
        collection = get(
            client, "/ogc/collections/events/items?resultType=hits&event_type=statement"
        )

    assert collection["features"] == []
    assert collection["numberReturned"] == 0
    assert collection["numberMatched"] == len(published_ids(event_type="statement"))


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
