"""
A corpus of hostile input against every way in — API, admin forms, pages,
feeds — each answered with a clear 4xx (or a form error) or neutralised.
"""

import json
from xml.etree import ElementTree

import pytest
from django.contrib.gis.geos import Polygon
from django.test import Client
from django.urls import reverse

from events.models import Event, Location
from tests.conftest import make_event

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def api_event(**fields) -> dict:
    return {"title": "x", "event_type": "meeting", "start_date": "2023-01-01", **fields}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (api_event(title="t" * 10_000), "title"),
        (api_event(summary="s\x00"), "summary"),
        (api_event(start_date="0001-01-01"), "start_date"),
        (api_event(start_date="2999-01-01"), "start_date"),
        (api_event(start_date="2023-01-01", end_date="2022-01-01"), "end_date"),
        (api_event(point={"type": "Point", "coordinates": [200, 10]}), "point"),
        (api_event(point={"type": "Point", "coordinates": [44, 95]}), "point"),
        (api_event(point={"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}),
         "point"),
        (api_event(point={"type": "Point", "coordinates": [1e308, 1e308]}), "point"),
        (api_event(fatalities_low=5, fatalities_best=2), "fatalities_best"),
        (api_event(fatalities_best=-1), "fatalities_best"),
        (api_event(event_type="<script>"), "event_type"),
    ],
)  # fmt: skip
def test_api_refuses_hostile_event_fields(
    editor_client: Client, data: dict, field: str
) -> None:
    before = Event.objects.count()
    response = editor_client.post(
        EVENTS, json.dumps(data), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Event.objects.count() == before


def test_an_oversized_body_is_refused(editor_client: Client) -> None:
    body = json.dumps(api_event(summary="s" * 3_000_000))
    response = editor_client.post(EVENTS, body, content_type="application/json")
    assert response.status_code in (400, 413)
    assert response["Content-Type"].startswith("application/json")


def admin_location_data(**overrides) -> dict:
    data = {
        "name": "Hostile place",
        "alternate_names": "",
        "kind": "region",
        "code": "",
        "parent": "",
        "country_code": "",
        "geometry": "",
        "point": "",
        "geonames_id": "",
        "wikidata_id": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (
            Polygon(((44, 33), (45, 34), (45, 33), (44, 34), (44, 33)), srid=4326),
            "crosses itself",
        ),
        (
            Polygon(((179, 0), (185, 0), (185, 1), (179, 1), (179, 0)), srid=4326),
            "longitude and latitude",
        ),
    ],
)
def test_admin_refuses_invalid_geometries(
    editor_client: Client, geometry: Polygon, message: str
) -> None:
    response = editor_client.post(
        reverse("admin:events_location_add"),
        admin_location_data(geometry=geometry.geojson),
    )
    assert response.status_code == 200  # the form again, with the error
    assert message in response.content.decode()
    assert not Location.objects.filter(name="Hostile place").exists()


def test_admin_refuses_a_huge_geometry(editor_client: Client) -> None:
    ring = [(44 + i * 1e-6, 33 + (i % 2) * 1e-6) for i in range(120_001)]
    ring.append(ring[0])
    response = editor_client.post(
        reverse("admin:events_location_add"),
        admin_location_data(
            geometry=json.dumps({"type": "LineString", "coordinates": ring})
        ),
    )
    assert response.status_code == 200
    assert "vertices" in response.content.decode()


def test_admin_refuses_an_out_of_range_event_point(editor_client: Client) -> None:
    event = make_event()
    from tests.test_admin_workbench import event_form_data

    response = editor_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_form_data(event, point='{"type": "Point", "coordinates": [200, 10]}'),
    )
    assert response.status_code == 200
    assert "longitude and latitude" in response.content.decode()


def test_admin_refuses_dates_out_of_range(editor_client: Client) -> None:
    event = make_event()
    from tests.test_admin_workbench import event_form_data

    response = editor_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_form_data(event, start_date="1066-10-14", end_date="1066-10-14"),
    )
    assert response.status_code == 200
    assert "1800" in response.content.decode()


def test_script_in_titles_is_shown_as_text(client: Client) -> None:
    event = make_event(title=SCRIPT, summary=SCRIPT, status=Event.Status.PUBLISHED)
    for path in [event.get_absolute_url(), "/timeline/", "/"]:
        body = client.get(path).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body, path
        assert "&lt;script&gt;alert" in body, path
    # An Atom summary is typed html: once the XML is read, it is still text.
    feed = ElementTree.fromstring(client.get("/feeds/events/").content)
    summaries = [
        e.text or "" for e in feed.iter("{http://www.w3.org/2005/Atom}summary")
    ]
    mine = [text for text in summaries if "alert" in text]
    assert mine and all("<script" not in t and "<img" not in t for t in mine)
    data = client.get(f"{EVENTS}{event.pk}/").json()
    assert data["title"] == SCRIPT  # JSON carries the text as it is, as text


@pytest.mark.parametrize(
    "path",
    [
        "/timeline/?start=%00",
        "/timeline/?q=" + "x" * 5000,
        "/timeline/?bbox=1e999,0,1,1",
        "/timeline/?after=2023-01-01.99999999999999999999",
        "/maps/events.geojson?zoom=99999999999999999999",
        "/agreements/1/?km=-5",
        "/articles/1/?citation=%00",
        "/ogc/collections/events/items?limit=-1",
        "/ogc/collections/events/items?bbox=a,b,c,d",
        "/ogc/collections/events/items?datetime=99999-01-01",
        # A "%" quoted back in the error message.
        "/api/v1/events/?end=%25s",
        "/api/v1/events/?country=%25d%25d",
    ],
)
def test_hostile_query_strings_never_break_a_page(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code < 500
