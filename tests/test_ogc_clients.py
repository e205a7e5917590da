"""
OGC API – Features read by clients not written here, against a live server on
the test database: Debian's GDAL 3.6 (ogrinfo, ogr2ogr), the GDAL 3.12 that
pyogrio's wheel brings to geopandas users, and OWSLib. The request lines the
server logs show what each client asked for, and how many times.
"""

import datetime
import json
import re
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyogrio
import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from owslib.ogcapi.features import Features

from events.filters import overlapping
from events.models import Event, Location
from tracker.wsgi import application

pytestmark = pytest.mark.django_db

EXTRA_EVENTS = 25  # with the seed's 9, more than GDAL 3.6's pages of 10 hold


class RecordingHandler(WSGIRequestHandler):
    """Keeps the request lines, to show which filters reached the server."""

    requests: list[str] = []

    def log_message(self, format: str, *args: object) -> None:
        if args and isinstance(args[0], str):
            self.requests.append(args[0])


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker) -> Iterator[str]:
    """
    A live server on the test database, reading the data committed at setup
    (the geography and the curated seed) and EXTRA_EVENTS published events
    committed here and removed at the end; unlike pytest-django's
    live_server it never empties the database.
    """
    with django_db_blocker.unblock():
        iraq = Location.objects.get(code="IRQ")
        extra = Event.objects.bulk_create(
            [
                Event(
                    title=f"Border incident {n}",
                    event_type=Event.Type.BATTLE,
                    start_date=datetime.date(2022, 11, 14 + n % 3),
                    end_date=datetime.date(2022, 11, 14 + n % 3),
                    location=iraq,
                    point=iraq.point,
                    geo_precision="country",
                    fatalities_best=n % 4 or None,
                    status=Event.Status.PUBLISHED,
                    is_synthetic=True,
                )
                for n in range(EXTRA_EVENTS)
            ]
        )
    httpd = ThreadedWSGIServer(("127.0.0.1", 0), RecordingHandler)
    httpd.set_app(StaticFilesHandler(application))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        with django_db_blocker.unblock():
            Event.objects.filter(pk__in=[event.pk for event in extra]).delete()


@pytest.fixture
def requests() -> list[str]:
    RecordingHandler.requests.clear()
    return RecordingHandler.requests


def item_requests(requests: list[str], collection: str = "events") -> list[str]:
    return [line for line in requests if f"/collections/{collection}/items" in line]


def ogr(program: str, *args: str) -> str:
    result = subprocess.run(
        [program, *args], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "ERROR" not in result.stderr, result.stderr
    return result.stdout


def ogrinfo(*args: str) -> str:
    return ogr("ogrinfo", "-ro", *args)


def feature_ids(output: str, layer: str = "events") -> list[int]:
    return [
        int(fid) for fid in re.findall(rf"^OGRFeature\({layer}\):(\d+)$", output, re.M)
    ]


def titled(start: str) -> int:
    return Event.objects.get(title__startswith=start).pk


def published_ids(**filters: object) -> list[int]:
    return sorted(
        Event.objects.published().filter(**filters).values_list("pk", flat=True)
    )


# --- GDAL 3.6 (Debian's ogrinfo and ogr2ogr) ------------------------------------------


def test_gdal_3_6_is_the_older_gdal() -> None:
    assert ogr("ogrinfo", "--version").startswith("GDAL 3.6")


def test_ogrinfo_lists_the_collections(server):
    output = ogrinfo("-q", f"OAPIF:{server}/ogc/")

    assert output.splitlines() == [
        "1: events (title: Events) (Point)",
        "2: locations (title: Locations) (Multi Polygon)",
        "3: agreements (title: Agreements) (Point)",
    ]


def test_ogrinfo_summary_counts_the_layer_in_one_request(server, requests):
    output = ogrinfo("-so", f"OAPIF:{server}/ogc/", "events")

    # GDAL 3.6 asks for pages of 10; the first one's numberMatched is the
    # count, so it reads no further.
    assert f"Feature Count: {len(published_ids())}" in output
    assert len(published_ids()) > 10
    assert item_requests(requests) == [
        "GET /ogc/collections/events/items?limit=10 HTTP/1.1"
    ]


def test_ogrinfo_types_the_columns_from_the_geojson_schema(server):
    output = ogrinfo("-so", f"OAPIF:{server}/ogc/", "events")

    for field in [
        "start_date: Date",
        "fatalities_best: Integer",
        "acled_id: String",
        "published_at: DateTime",
    ]:
        assert field in output


def test_ogrinfo_reads_every_published_event_page_by_page(server, requests):
    output = ogrinfo("-al", "-oo", "PAGE_SIZE=4", f"OAPIF:{server}/ogc/", "events")

    assert feature_ids(output) == published_ids()
    pages = item_requests(requests)
    assert len(pages) == len(published_ids()) // 4 + 1 + 1  # and the first page
    assert all("matched=" in line for line in pages[2:])


def test_ogrinfo_where_on_start_date_is_exact(server, requests):
    output = ogrinfo(
        "-q", "-where", "start_date = '2022-11-14'", f"OAPIF:{server}/ogc/", "events"
    )

    # Sent as the draft CQL that /ogc/api lists, and answered exactly:
    # not the events whose period overlaps the day.
    assert any(
        "filter=start_date%20%3D%20'2022-11-14T'&filter-lang=cql-text" in line
        for line in requests
    )
    assert feature_ids(output) == published_ids(start_date=datetime.date(2022, 11, 14))
    overlapping = published_ids(
        start_date__lte=datetime.date(2022, 11, 14),
        end_date__gte=datetime.date(2022, 11, 14),
    )
    assert len(overlapping) > len(feature_ids(output)) > 0


def test_ogrinfo_counts_a_filtered_layer_in_one_request(server, requests):
    output = ogrinfo(
        "-so",
        "-where",
        "start_date >= '2022-11-01' AND start_date <= '2022-11-30'",
        f"OAPIF:{server}/ogc/",
        "events",
    )

    november = published_ids(
        start_date__gte=datetime.date(2022, 11, 1),
        start_date__lte=datetime.date(2022, 11, 30),
    )
    assert f"Feature Count: {len(november)}" in output
    [hits] = [line for line in item_requests(requests) if "resultType=hits" in line]
    assert "filter-lang=cql-text" in hits


def test_ogrinfo_sends_comparisons_and_null_tests(server, requests):
    where = "event_type = 'battle' AND (fatalities_best > 1 OR fatalities_best IS NULL)"

    output = ogrinfo("-q", "-where", where, f"OAPIF:{server}/ogc/", "events")

    expected = [
        event.pk
        for event in Event.objects.published().filter(event_type="battle")
        if event.fatalities_best is None or event.fatalities_best > 1
    ]
    assert feature_ids(output) == sorted(expected)
    assert any("IS%20NULL" in line for line in item_requests(requests))


def test_ogrinfo_filters_by_bbox_on_the_server(server, requests):
    output = ogrinfo(
        "-q", "-spat", "44", "33", "45", "34", f"OAPIF:{server}/ogc/", "events"
    )

    assert feature_ids(output) == [
        titled("Iraq and Iran sign"),
        titled("Prime Minister"),
    ]
    assert any("bbox=44,33,45,34" in line for line in requests)


def test_ogrinfo_reads_a_datetime_interval_from_the_url(server):
    url = f"OAPIF:{server}/ogc/?datetime=2022-11-01/2022-11-30"

    output = ogrinfo("-q", url, "events")

    # Overlap, each event widened to its date precision: the events known
    # only as "2022", the November decision and the border incidents.
    assert feature_ids(output) == sorted(
        Event.objects.published()
        .filter(overlapping(datetime.date(2022, 11, 1), datetime.date(2022, 11, 30)))
        .values_list("pk", flat=True)
    )


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


def test_ogr2ogr_copies_the_layer_to_a_geopackage(server, tmp_path: Path):
    target = tmp_path / "events.gpkg"

    ogr(
        "ogr2ogr",
        "-f",
        "GPKG",
        "-preserve_fid",
        str(target),
        f"OAPIF:{server}/ogc/",
        "events",
    )

    meta, fids, geometry, fields = pyogrio.raw.read(target, return_fids=True)
    assert sorted(fids.tolist()) == published_ids()
    assert "start_date" in meta["fields"].tolist()


def test_ogr2ogr_where_copies_exactly_the_events_of_that_day(server, tmp_path: Path):
    target = tmp_path / "day.gpkg"

    ogr(
        "ogr2ogr",
        "-f",
        "GPKG",
        "-preserve_fid",
        "-where",
        "start_date = '2022-11-15'",
        str(target),
        f"OAPIF:{server}/ogc/",
        "events",
    )

    meta, fids, geometry, fields = pyogrio.raw.read(target, return_fids=True)
    assert sorted(fids.tolist()) == published_ids(
        start_date=datetime.date(2022, 11, 15)
    )


# --- GDAL 3.12 through pyogrio --------------------------------------------------------

# pyogrio holds the GIL while GDAL fetches pages, which would stall the live
# server's threads in this process; it reads in a process of its own, as a
# geopandas user's would.
READ = """
import json, sys
import pyogrio
source, options = sys.argv[1], json.loads(sys.argv[2])
meta, fids, geometry, fields = pyogrio.raw.read(source, return_fids=True, **options)
print(json.dumps({
    "fids": fids.tolist(),
    "types": dict(zip(meta["fields"].tolist(), [str(t) for t in meta["dtypes"]])),
    "crs": meta["crs"],
    "first": bytes(geometry[0]).hex() if len(geometry) else None,
}))
"""


def pyogrio_read(source: str, **options: object) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", READ, source, json.dumps(options)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_pyogrio_brings_a_newer_gdal() -> None:
    assert pyogrio.__gdal_version__ >= (3, 9, 0)


def test_pyogrio_reads_the_layer_in_large_pages(server, requests):
    read = pyogrio_read(f"OAPIF:{server}/ogc/", layer="events")

    assert sorted(read["fids"]) == published_ids()
    assert read["types"]["start_date"] == "datetime64[D]"
    assert read["types"]["fatalities_best"] == "int32"
    assert read["types"]["published_at"] == "datetime64[ms]"
    # The limit advertised in /ogc/api (GDAL takes up to 1,000): one page.
    pages = [line for line in item_requests(requests) if "limit=1000" in line]
    assert len(pages) == 1


def test_pyogrio_where_on_start_date_is_exact(server, requests):
    read = pyogrio_read(
        f"OAPIF:{server}/ogc/", layer="events", where="start_date = '2022-11-14'"
    )

    assert sorted(read["fids"]) == published_ids(start_date=datetime.date(2022, 11, 14))
    assert any("filter=" in line for line in item_requests(requests))


def test_pyogrio_reads_in_web_mercator(server, requests):
    # CRS is an open option of GDAL's driver, which asks with crs=.
    read = pyogrio_read(f"OAPIF:{server}/ogc/", layer="agreements", CRS="EPSG:3857")

    assert read["crs"] == "EPSG:3857"
    x, y = struct.unpack("<dd", bytes.fromhex(read["first"])[5:21])
    assert (round(x), round(y)) == (4942683, 3940598)  # Baghdad, in metres
    assert any("3857" in line for line in item_requests(requests, "agreements"))


# --- OWSLib ---------------------------------------------------------------------------


def test_owslib_reads_conformance_queryables_and_filtered_sorted_items(server):
    api = Features(f"{server}/ogc/")

    conformance = api.conformance()["conformsTo"]
    queryables = api.collection_queryables("events")
    items = api.collection_items(
        "events",
        filter="event_type = 'battle' AND fatalities_best >= 2",
        sortby=("fatalities_best", "desc"),
        limit=50,
    )

    assert "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2" in conformance
    assert queryables["properties"]["start_date"]["format"] == "date"
    best = [feature["properties"]["fatalities_best"] for feature in items["features"]]
    assert best == sorted(best, reverse=True) and min(best) >= 2
    assert items["numberMatched"] == len(best)
