"""
OGC API – Features beyond Part 1, through Django's test client: queryables
and CQL2 filters (Part 3), sortby, properties and skipGeometry, other CRSs
(Part 2), the HTML pages, and hostile values in every parameter.
"""

import datetime
import json
import re
from urllib.parse import quote

import pytest
from django.test import Client

from events.features import FULL_PROPERTIES
from events.models import Event
from events.ogc.collections import CRS84, EPSG_3857, EPSG_4326
from events.ogc.items import MAX_LIMIT
from tests.conftest import make_event

pytestmark = pytest.mark.django_db

ITEMS = "/ogc/collections/events/items"


def get(client: Client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    return json.loads(response.content)


def ids(collection: dict) -> list[int]:
    return [feature["id"] for feature in collection["features"]]


def published(**filters: object) -> list[int]:
    return sorted(
        Event.objects.published().filter(**filters).values_list("pk", flat=True)
    )


def filtered(client: Client, cql: str, language: str = "", status: int = 200) -> dict:
    query = f"?filter={quote(cql)}&limit=1000"
    if language:
        query += f"&filter-lang={language}"
    return get(client, ITEMS + query, status)


def rels(document: dict) -> dict[str, dict]:
    return {link["rel"]: link for link in document["links"]}


@pytest.fixture
def casualties(db) -> list[Event]:
    """Published events with known, unknown and blank values to compare."""
    return [
        make_event(
            title=f"Clash {n}",
            event_type=Event.Type.BATTLE,
            start_date=datetime.date(2022, 11, 14),
            end_date=datetime.date(2022, 11, 14 + n % 2),
            fatalities_best=best,
            acled_id=acled,
            status=Event.Status.PUBLISHED,
        )
        for n, (best, acled) in enumerate(
            [(0, "IRQ1"), (3, ""), (None, "IRQ2"), (12, ""), (None, "")]
        )
    ]


# --- queryables -----------------------------------------------------------------------


def test_queryables_are_a_json_schema_of_every_property(client):
    response = client.get("/ogc/collections/events/queryables")

    assert response["Content-Type"] == "application/schema+json"
    document = json.loads(response.content)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == "http://testserver/ogc/collections/events/queryables"
    assert document["type"] == "object"
    assert list(document["properties"]) == list(FULL_PROPERTIES)
    assert document["properties"]["start_date"] == {
        "title": "Start date",
        "type": "string",
        "format": "date",
    }
    assert document["properties"]["event_type"]["enum"][:2] == [
        "battle",
        "remote_violence",
    ]
    # The drafts' list, which GDAL 3.6 reads for the names it may send.
    assert [entry["id"] for entry in document["queryables"]] == list(FULL_PROPERTIES)


def test_an_unknown_collection_has_no_queryables(client):
    assert get(client, "/ogc/collections/nothing/queryables", 404)["code"] == (
        "NotFound"
    )


# --- CQL2 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cql", "expected"),
    [
        (
            "start_date = DATE('2022-11-14')",
            {"start_date": datetime.date(2022, 11, 14)},
        ),
        ("start_date = '2022-11-14'", {"start_date": datetime.date(2022, 11, 14)}),
        ("event_type = 'battle'", {"event_type": "battle"}),
        ("'battle' = event_type", {"event_type": "battle"}),
        ("fatalities_best > 2", {"fatalities_best__gt": 2}),
        ("fatalities_best >= 3", {"fatalities_best__gte": 3}),
        ("fatalities_best < 3", {"fatalities_best__lt": 3}),
        ("fatalities_best <= 0", {"fatalities_best__lte": 0}),
        ("fatalities_best BETWEEN 1 AND 12", {"fatalities_best__range": (1, 12)}),
        ("fatalities_best IN (0, 12)", {"fatalities_best__in": [0, 12]}),
        ("fatalities_best IS NULL", {"fatalities_best__isnull": True}),
        ("title LIKE 'Clash _'", {"title__startswith": "Clash "}),
        ("CASEI(title) LIKE CASEI('clash%')", {"title__istartswith": "clash"}),
        ("country_code = 'IRQ'", {"location__country_code": "IRQ"}),
        (
            "end_date > DATE('2022-11-14') AND event_type = 'battle'",
            {"end_date__gt": datetime.date(2022, 11, 14), "event_type": "battle"},
        ),
    ],
)
def test_a_cql2_filter_selects_what_the_orm_selects(client, casualties, cql, expected):
    assert ids(filtered(client, cql)) == published(**expected)


def test_not_and_or_follow_gdal_two_valued_reading(client, casualties):
    def chosen(cql: str) -> list[int]:
        collection = filtered(client, f"title LIKE 'Clash%' AND ({cql})")
        return [casualties.index(Event.objects.get(pk=pk)) for pk in ids(collection)]

    # fatalities_best: 0, 3, null, 12, null. A comparison with a missing
    # value is false, and NOT of it true.
    assert chosen("NOT fatalities_best > 2") == [0, 2, 4]
    assert chosen("fatalities_best > 2 OR fatalities_best IS NULL") == [1, 2, 3, 4]
    assert chosen("fatalities_best <> 3") == [0, 3]
    assert chosen("NOT (fatalities_best IN (0, 3))") == [2, 3, 4]


def test_a_blank_external_id_is_null(client, casualties):
    null = ids(filtered(client, "title LIKE 'Clash%' AND acled_id IS NULL"))
    given = ids(filtered(client, "title LIKE 'Clash%' AND acled_id IS NOT NULL"))
    parameter = ids(get(client, f"{ITEMS}?acled_id=IRQ2"))

    assert null == sorted(event.pk for event in casualties if not event.acled_id)
    assert given == sorted(event.pk for event in casualties if event.acled_id)
    assert parameter == [casualties[2].pk]


def test_gdal_3_6_draft_dialect_is_understood(client, casualties):
    # As GDAL 3.6 writes them: dates with a bare T, parentheses, ILIKE.
    cql = "((start_date = '2022-11-14T') AND (title ILIKE 'CLASH%'))"

    collection = filtered(client, cql, "cql-text")

    assert ids(collection) == sorted(event.pk for event in casualties)


def test_cql2_json_is_understood(client, casualties):
    cql = json.dumps(
        {
            "op": "and",
            "args": [
                {"op": "=", "args": [{"property": "event_type"}, "battle"]},
                {"op": ">=", "args": [{"property": "fatalities_best"}, 3]},
            ],
        }
    )

    assert ids(filtered(client, cql, "cql2-json")) == published(
        event_type="battle", fatalities_best__gte=3
    )


def test_actors_are_queryable_through_their_names(client):
    collection = filtered(client, "actors LIKE '%Shamkhani%'")

    assert ids(collection) == sorted(
        Event.objects.published()
        .filter(participations__actor__name__contains="Shamkhani")
        .distinct()
        .values_list("pk", flat=True)
    )
    assert ids(collection)


def test_queryables_as_query_parameters_are_typed(client, casualties):
    assert ids(get(client, f"{ITEMS}?fatalities_best=12")) == [casualties[3].pk]
    assert ids(get(client, f"{ITEMS}?start_date=2022-11-14&event_type=battle")) == (
        sorted(event.pk for event in casualties)
    )


@pytest.mark.parametrize(
    ("cql", "description"),
    [
        ("title = ", "filter: is not valid cql2-text: "),
        ("secret = 'x'", "filter: 'secret' is not a queryable; see the queryables."),
        ("fatalities_best = 'many'", "filter: fatalities_best is compared"),
        ("fatalities_best = 2.5", "filter: fatalities_best is compared"),
        ("fatalities_best > 1e400", "filter: fatalities_best is compared"),
        ("fatalities_best > 1e30", "filter: 1e+30 is out of range."),
        ("start_date = 5", "filter: start_date is compared with dates."),
        ("start_date = 'soon'", "filter: 'soon' is not an RFC 3339"),
        ("title LIKE 5", "filter: LIKE compares a string with a pattern."),
        ("fatalities_best LIKE '1%'", "filter: LIKE compares a string with a pattern."),
        ("title = summary", "filter: each comparison needs a queryable on one side"),
        ("S_INTERSECTS(geometry, POINT(44 33))", "filter: 's_intersects' is not"),
        ("(" * 40 + "title = 'x'" + ")" * 40, "filter: nests brackets more than 32"),
        ("title = '" + "x" * 9000 + "'", "filter: is longer than 8000 characters."),
    ],
)  # fmt: skip
def test_a_bad_filter_is_a_400_naming_why(client, cql, description):
    document = filtered(client, cql, status=400)

    assert document["code"] == "InvalidParameterValue"
    assert document["description"].startswith(description), document


def test_filter_lang_is_one_of_the_three(client):
    document = filtered(client, "title = 'x'", "ecql", status=400)

    assert document["description"] == (
        "filter-lang: is one of cql2-text, cql2-json, cql-text."
    )


# --- datetime -------------------------------------------------------------------------


def test_datetime_widens_each_event_to_its_date_precision(client):
    known_to_the_month = make_event(
        title="Known to November",
        start_date=datetime.date(2022, 11, 1),
        end_date=datetime.date(2022, 11, 1),
        date_precision="month",
        status=Event.Status.PUBLISHED,
    )

    collection = get(client, f"{ITEMS}?datetime=2022-11-05&limit=1000")
    api = client.get("/api/v1/events/?start=2022-11-05&end=2022-11-05&page_size=100")

    assert known_to_the_month.pk in ids(collection)
    assert ids(collection) == sorted(event["id"] for event in api.json()["results"])


# --- sortby ---------------------------------------------------------------------------


def walk(client: Client, url: str) -> list[dict]:
    features = []
    while url:
        page = get(client, url)
        features += page["features"]
        url = rels(page).get("next", {}).get("href")
    return features


@pytest.mark.parametrize(
    "sortby",
    [
        "-fatalities_best",
        "fatalities_best,-start_date",
        "+title",
        "-acled_id,start_date",
    ],
)
def test_sortby_pages_through_every_feature_in_order(client, casualties, sortby):
    features = walk(client, f"{ITEMS}?sortby={quote(sortby)}&limit=2")

    keys = []
    for part in sortby.split(","):
        name = part.lstrip("+-")
        keys.append((name, part.startswith("-")))

    def sort_key(feature: dict) -> tuple:
        values = []
        for name, descending in keys:
            value = feature["properties"][name]
            missing = value is None
            if isinstance(value, int) and descending:
                value = -value
            values.append((missing, value if not missing else 0))
        return tuple(values)

    assert sorted(f["id"] for f in features) == published()
    if all(not descending for _, descending in keys) or keys[0][0] == "fatalities_best":
        firsts = [f["properties"][keys[0][0]] for f in features]
        present = [value for value in firsts if value is not None]
        assert present == sorted(present, reverse=keys[0][1])
        assert firsts[len(present) :] == [None] * (len(firsts) - len(present))


def test_sortby_pages_back_with_prev_links(client, casualties):
    first = get(client, f"{ITEMS}?sortby=-fatalities_best&limit=3")
    second = get(client, rels(first)["next"]["href"])
    back = get(client, rels(second)["prev"]["href"])

    assert ids(back) == ids(first)
    best = [f["properties"]["fatalities_best"] for f in first["features"]]
    assert best == [12, 3, 0]


def test_a_cursor_is_bound_to_its_sortby(client, casualties):
    first = get(client, f"{ITEMS}?sortby=-fatalities_best&limit=3")
    after = re.search(r"after=([^&]+)", rels(first)["next"]["href"])[1]

    other = get(client, f"{ITEMS}?sortby=title&after={after}", 400)
    forged = get(client, f"{ITEMS}?sortby=title&after=abc", 400)

    assert other["description"] == "after: belongs to another sortby."
    assert forged["description"] == "after: is not a cursor from a next or prev link."


# --- properties, skipGeometry, crs ----------------------------------------------------


def test_properties_and_skip_geometry_shape_the_features(client):
    collection = get(
        client, f"{ITEMS}?properties=start_date,title&skipGeometry=true&limit=1"
    )

    [feature] = collection["features"]
    assert feature["geometry"] is None
    assert list(feature["properties"]) == ["title", "start_date"]
    assert (
        get(client, f"{ITEMS}?properties=&limit=1")["features"][0]["properties"] == {}
    )


def test_crs_gives_latitude_first_or_web_mercator(client):
    event = Event.objects.get(title__startswith="Iraq and Iran sign")
    url = f"/ogc/collections/events/items/{event.pk}"

    default = client.get(url)
    lat_lon = client.get(f"{url}?crs={EPSG_4326}")
    mercator = client.get(f"{url}?crs={EPSG_3857}")

    assert default["Content-Crs"] == f"<{CRS84}>"
    assert lat_lon["Content-Crs"] == f"<{EPSG_4326}>"
    assert mercator["Content-Crs"] == f"<{EPSG_3857}>"
    assert json.loads(default.content)["geometry"]["coordinates"] == [
        44.40088,
        33.34058,
    ]
    assert json.loads(lat_lon.content)["geometry"]["coordinates"] == [
        33.34058,
        44.40088,
    ]
    x, y = json.loads(mercator.content)["geometry"]["coordinates"]
    assert (round(x), round(y)) == (4942683, 3940598)


def test_a_point_beyond_web_mercator_has_an_empty_geometry_there(client):
    pole = make_event(status=Event.Status.PUBLISHED)
    Event.objects.filter(pk=pole.pk).update(point="SRID=4326;POINT(10 90)")

    feature = get(client, f"/ogc/collections/events/items/{pole.pk}?crs={EPSG_3857}")

    assert feature["geometry"]["coordinates"] == []


def test_bbox_in_other_crss_selects_the_same_features(client):
    lon_lat = ids(get(client, f"{ITEMS}?bbox=44,33,45,34"))
    lat_lon = ids(get(client, f"{ITEMS}?bbox=33,44,34,45&bbox-crs={EPSG_4326}"))
    mercator = ids(
        get(
            client,
            f"{ITEMS}?bbox=4898057,3895303,5009377,4028802&bbox-crs={EPSG_3857}",
        )
    )

    assert lon_lat == lat_lon == mercator
    assert len(lon_lat) == 2


# --- HTML -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/ogc/",
        "/ogc/conformance",
        "/ogc/collections",
        "/ogc/collections/events",
        "/ogc/collections/events/queryables",
        "/ogc/collections/events/items",
        "/ogc/collections/locations/items?properties=name,kind",
        "/ogc/collections/events/items?filter=event_type%3D%27protest%27&sortby=-start_date",
    ],
)
def test_html_pages_render_without_inline_script(client, path):
    by_parameter = client.get(path + ("&" if "?" in path else "?") + "f=html")
    by_header = client.get(
        path, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8"
    )

    for response in (by_parameter, by_header):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert "Accept" in response["Vary"]
        page = response.content.decode()
        assert "<h1>" in page
        # The Content-Security-Policy refuses inline scripts.
        for tag in re.findall(r"<script[^>]*>", page):
            assert "src=" in tag, tag


def test_html_item_page_lists_the_properties(client):
    event = Event.objects.get(title__startswith="Iraq and Iran sign")

    response = client.get(f"/ogc/collections/events/items/{event.pk}?f=html")

    page = response.content.decode()
    assert response.status_code == 200
    assert event.title in page
    assert f'href="http://testserver/events/{event.pk}/"' in page


def test_html_items_link_the_pages(client):
    page = client.get(f"{ITEMS}?f=html&limit=2").content.decode()

    assert "2 of 9 features" in page
    assert 'rel="next"' in page and "f=html" in page


def test_machines_still_get_json_by_default(client):
    for accept in ("*/*", "application/geo+json, application/json", ""):
        response = client.get(ITEMS, HTTP_ACCEPT=accept)
        assert response["Content-Type"] == "application/geo+json"


# --- hostile values -------------------------------------------------------------------

HOSTILE = [
    "\x00",
    "%",
    "%00",
    "'",
    "''''",
    "\\",
    "9" * 400,
    "-1e309",
    "1e309",
    "NaN",
    "x" * 20_000,
    "\u202e\u200b\u0007\u001b[31m",
    "\ud7ff\ufffe",
    "2022-11-14T25:00:00Z",
    "99999-01-01",
    "((((((((((",
    "..",
    "/",
    ",,,,",
    "-",
    "+",
    "title",
]
PARAMETERS = [
    "limit",
    "bbox",
    "bbox-crs",
    "crs",
    "datetime",
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
    "start_date",
    "fatalities_best",
    "title",
    "published_at",
]


@pytest.mark.parametrize("name", PARAMETERS)
def test_hostile_values_never_fail_the_server(client, name):
    for value in HOSTILE:
        query = {name: value}
        if name.startswith("filter-") or name == "bbox-crs":
            query = {**query, "filter" if name.startswith("filter") else "bbox": "0"}
        response = client.get(ITEMS, query)
        assert response.status_code in (200, 400), (name, value, response.content)
        if response.status_code == 400:
            assert json.loads(response.content)["code"] == "InvalidParameterValue"


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_filters_never_fail_the_server(client, value):
    for cql in [
        f"title = '{value}'",
        f"fatalities_best > {value}",
        f"start_date = '{value}'",
        f"published_at < TIMESTAMP('{value}')",
        f"title LIKE '{value}'",
        f"fatalities_best IN ({value})",
        value,
    ]:
        for language in ("cql2-text", "cql-text", "cql2-json"):
            response = client.get(ITEMS, {"filter": cql, "filter-lang": language})
            assert response.status_code in (200, 400), (cql, response.content)


def test_hostile_feature_ids_and_collections_are_not_found(client):
    for value in ["%00", "9" * 40, "-1", "1e3", "١٢", "..", "%2F"]:
        assert client.get(f"{ITEMS}/{value}").status_code == 404
        assert client.get(f"/ogc/collections/{value}/items").status_code == 404


def test_the_largest_limit_is_served(client):
    collection = get(client, f"{ITEMS}?limit={MAX_LIMIT * 1000}")

    assert collection["numberReturned"] == 9
