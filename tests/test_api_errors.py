"""Bad input gets a 4xx with a JSON body naming the parameter, never a 500."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"
HUGE = "9" * 40


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


BAD_PARAMETERS = [
    ("start", "2023-13"),
    ("start", "2023-02-30"),
    ("start", "0000"),
    ("start", "yesterday"),
    ("end", "2023-1-1"),
    ("end", "2023\x00"),
    ("bbox", "1,2,3"),
    ("bbox", "a,b,c,d"),
    ("bbox", "1,2,3,4,5"),
    ("bbox", "nan,1,2,3"),
    ("bbox", "1e400,0,0,0"),
    ("bbox", "-181,0,0,0"),
    ("bbox", "0,91,1,92"),
    ("bbox", "0,95,1,40"),
    ("bbox", "1" * 5000 + ",1,1,1"),
    ("bbox", "\x00"),
    ("near", "0,0"),
    ("near", "91,0,10"),
    ("near", "0,181,10"),
    ("near", "0,0,0"),
    ("near", "0,0,-5"),
    ("near", "0,0,0"),
    ("near", "inf,0,1"),
    ("q", "\x00"),
    ("q", "a" * 600),
    ("type", "picnic"),
    ("type", "\x00"),
    ("status", "secret"),
    ("role", "boss"),
    ("country", "IR"),
    ("country", "IRAQ"),
    ("country", "1RQ"),
    ("country", "\x00RQ"),
    ("actor", "0"),
    ("actor", "-1"),
    ("actor", "1.5"),
    ("actor", "abc"),
    ("actor", HUGE),
    ("actor", "9223372036854775808"),
    ("location", "abc"),
    ("location", HUGE),
    ("agreement", HUGE),
    ("agreement", "\x00"),
    ("updated_since", "yesterday"),
    ("updated_since", "2024-01-01T25:00:00Z"),
    ("updated_since", "10000-01-01T00:00:00Z"),
    ("updated_since", "\x00"),
    ("page_size", "0"),
    ("page_size", "-1"),
    ("page_size", "abc"),
    ("page_size", HUGE),
    ("format", "xml"),
    ("format", "\x00"),
    # A % in the value must reach the message as text, never as a format.
    ("start", "%d"),
    ("end", "100%"),
    ("type", "%s"),
    ("status", "%(x)s"),
    ("role", "%s"),
    ("country", "100%"),
    ("actor", "%s"),
    ("location", "%d"),
    ("agreement", "%s"),
    ("bbox", "%s,1,2,3"),
    ("near", "1,%d,5"),
    ("updated_since", "%Y-%m-%d"),
]


@pytest.mark.parametrize(("name", "value"), BAD_PARAMETERS)
def test_a_bad_event_parameter_is_a_400_naming_it(
    client: Client, name: str, value: str
) -> None:
    response = client.get(EVENTS, {name: value})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == [name]
    assert all(isinstance(message, str) and message for message in body[name])


# Well formed, but naming nothing stored: 404, the parameter named.
NAMING_NOTHING = [
    ("actor", "999999"),
    ("location", "999999"),
    ("agreement", "999999"),
    ("cursor", "abc"),
    ("cursor", "\x00"),
    ("cursor", "x" * 3000),
]


@pytest.mark.parametrize(("name", "value"), NAMING_NOTHING)
def test_a_parameter_naming_nothing_is_a_404_naming_it(
    client: Client, name: str, value: str
) -> None:
    urls = [EVENTS, f"{EVENTS}?format=geojson", f"{EVENTS}?format=csv"]
    if name != "cursor":
        urls += [f"{EVENTS}timeline/", "/feeds/events/"]
    for url in urls:
        response = client.get(url, {name: value})
        assert response.status_code == 404, (url, response.content)
        assert response["Content-Type"] == "application/json"
        assert list(response.json()) == [name]
    # With a malformed parameter beside it, the request is a 400 naming it.
    response = client.get(EVENTS, {name: value, "start": "someday"})
    assert response.status_code == 400
    assert "start" in response.json()


@pytest.mark.parametrize(
    ("name", "value"),
    [pair for pair in BAD_PARAMETERS if pair[0] not in ("cursor", "page_size")],
)
def test_the_same_bad_parameters_fail_in_exports_timeline_and_feed(
    client: Client, name: str, value: str
) -> None:
    for url, params in [
        (EVENTS, {"format": "geojson"}),
        (EVENTS, {"format": "csv"}),
        (f"{EVENTS}timeline/", {}),
        ("/feeds/events/", {}),
    ]:
        if name == "format" and url != EVENTS:
            continue
        response = client.get(url, {**params, name: value})
        assert response.status_code == 400, (url, response.content)
        assert list(response.json()) == [name]


def test_an_end_before_the_start_is_refused(client: Client) -> None:
    response = client.get(EVENTS, {"start": "2024", "end": "2023"})

    assert response.status_code == 400
    assert response.json() == {"end": ["The end must not be before the start."]}


def test_messages_say_what_is_wrong(client: Client) -> None:
    def error(**params) -> list[str]:
        return next(iter(client.get(EVENTS, params).json().values()))

    assert error(bbox="0,95,1,40") == ["minLat must be between -90 and 90."]
    assert error(near="0,0,-5") == ["Distance in km must be at least 0."]
    assert error(actor=HUGE) == [f"'{HUGE[:30]}' is too large for an id."]
    assert error(actor="999999") == ["No actor with id 999999."]
    assert error(start="2023-02-30") == [
        "'2023-02-30' is not a date: use YYYY-MM-DD, YYYY-MM, YYYY-Www or YYYY."
    ]
    assert error(format="xml") == [
        "Unknown format 'xml'; use one of: json, geojson, csv, acled."
    ]
    assert error(cursor="abc") == ["No such page: pass back the `next` link unchanged."]
    assert error(q="\x00") == ["Null characters are not allowed."]


def test_a_percent_sign_in_a_value_is_quoted_as_it_was_sent(client: Client) -> None:
    def error(url: str = EVENTS, **params) -> dict:
        response = client.get(url, params)
        assert response.status_code == 400
        return response.json()

    assert error(start="%d") == {
        "start": ["'%d' is not a date: use YYYY-MM-DD, YYYY-MM, YYYY-Www or YYYY."]
    }
    assert error(f"{EVENTS}timeline/", start="%d") == error(start="%d")
    assert error(country="100%") == {
        "country": ["'100%' is not an ISO 3166-1 alpha-3 code such as IRQ."]
    }
    assert error(actor="%s") == {
        "actor": ["'%s' is not an id: expected a positive integer."]
    }
    assert error(near="1,%d,5") == {"near": ["Longitude '%d' is not a number."]}
    assert error("/api/v1/agreements/", party="%s") == {
        "party": ["'%s' is not an id: expected a positive integer."]
    }


def test_a_tampered_cursor_is_refused(client: Client) -> None:
    next_url = client.get(EVENTS, {"page_size": 2}).json()["next"]
    tampered = next_url.replace("cursor=ey", "cursor=ez")

    response = client.get(tampered)

    assert response.status_code == 404
    assert list(response.json()) == ["cursor"]


def test_timeline_refuses_an_unknown_interval(client: Client) -> None:
    response = client.get(f"{EVENTS}timeline/", {"interval": "decade"})

    assert response.status_code == 400
    assert response.json() == {"interval": ["Expected one of: day, week, month, year."]}


def test_detail_offers_json_and_geojson_only(client: Client) -> None:
    response = client.get(f"{EVENTS}1/", {"format": "csv"})

    assert response.status_code == 400
    assert response.json() == {
        "format": ["Unknown format 'csv'; use one of: json, geojson."]
    }


def test_an_unsatisfiable_accept_header_is_a_406_in_json(client: Client) -> None:
    response = client.get(EVENTS, HTTP_ACCEPT="application/xml")

    assert response.status_code == 406
    assert response.json() == {"detail": "Could not satisfy the request Accept header."}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events/abc/",
        "/api/v1/events/%00/",
        f"/api/v1/events/{HUGE}/",
        "/api/v1/events/9223372036854775807/",
        "/api/v1/nothing/here/",
    ],
)
def test_unknown_addresses_are_json_404s(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("url", "name", "value"),
    [
        ("/api/v1/actors/", "kind", "monarch"),
        ("/api/v1/actors/", "q", "\x00"),
        ("/api/v1/locations/", "page_size", "0"),
        ("/api/v1/locations/", "kind", "planet"),
        ("/api/v1/agreements/", "party", "abc"),
        ("/api/v1/agreements/", "party", HUGE),
        ("/api/v1/agreements/", "party", "%s"),
        ("/api/v1/actors/", "country", "%s%s%s%s"),
        ("/api/v1/articles/", "state", "lost"),
    ],
)
def test_bad_parameters_on_other_lists(
    client: Client, url: str, name: str, value: str
) -> None:
    response = client.get(url, {name: value})

    assert response.status_code == 400
    assert list(response.json()) == [name]


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("application/json", "{not json", 400),
        ("application/json", "[" * 5000 + "]" * 5000, 400),
        (
            "application/json",
            '{"point": {"type": "Point", "coordinates": [NaN, 1]}}',
            400,
        ),
        ("application/json", "[]", 400),
        ("text/plain", "title=x", 415),
        ("application/x-www-form-urlencoded", "title=x", 415),
    ],
)
def test_malformed_bodies_are_4xx_json(
    editor_client: Client, content_type: str, body: str, status: int
) -> None:
    response = editor_client.generic("POST", EVENTS, body, content_type=content_type)

    assert response.status_code == status
    assert "detail" in response.json() or "non_field_errors" in response.json()


def event(**fields) -> dict:
    return {"title": "x", "event_type": "meeting", "start_date": "2023-01-01", **fields}


ACTORS, ARTICLES = "/api/v1/actors/", "/api/v1/articles/"


@pytest.mark.parametrize(
    ("url", "data", "field"),
    [
        (EVENTS, event(title="a\x00b"), "title"),
        (EVENTS, event(fatalities_best=10**30), "fatalities_best"),
        (EVENTS, event(start_date="9999-12-31", date_precision="week"), "start_date"),
        (EVENTS, event(location=True), "location"),
        (EVENTS, event(participants="x"), "participants"),
        (ACTORS, {"name": "x", "kind": "state", "aliases": ["a\x00"]}, "aliases"),
        (ARTICLES, {"title": "t", "body": "a\x00b"}, "body"),
        (ARTICLES, {"title": "t", "body": "<p></p>"}, "body"),
        (ARTICLES, {"title": "t", "body": "x", "url": "javascript:alert(1)"}, "url"),
    ],
)
def test_bad_values_in_bodies_name_the_field(
    editor_client: Client, url: str, data: dict, field: str
) -> None:
    response = editor_client.post(
        url, json.dumps(data), content_type="application/json"
    )

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_partial_update_still_needs_whole_citations(editor_client: Client) -> None:
    from events.models import Event

    event = Event.objects.published().first()
    response = editor_client.patch(
        f"{EVENTS}{event.pk}/",
        json.dumps({"citations": [{"quote": "on Sunday"}]}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "citations" in response.json()
