"""
GDAL's ogrinfo, a real GIS client, reading the GeoJSON export over HTTP from
pytest-django's live server.

live_server runs each test in a transactional database that is emptied
afterwards; the module puts the groups and the curated seed back when it is
done, so later tests (and a --reuse-db run) find the database as setup left it.
"""

import subprocess

import pytest
from django.core.cache import cache

from events.models import Event
from tests.conftest import load_seed

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seed_restored_afterwards"),
]


@pytest.fixture
def seeded(transactional_db) -> None:
    # An earlier transactional test may have emptied the database.
    load_seed()
    cache.clear()


def ogrinfo(url: str) -> str:
    result = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-so", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


@pytest.mark.usefixtures("seeded")
def test_ogrinfo_reads_the_geojson_export_from_a_live_server(live_server) -> None:
    summary = ogrinfo(f"{live_server.url}/api/v1/events/?format=geojson")

    assert "using driver `GeoJSON' successful" in summary
    assert "Geometry: Point" in summary
    assert f"Feature Count: {Event.objects.published().count()}" in summary
    assert 'ID["EPSG",4326]' in summary
    for field in ["title: String", "event_type: String", "start_date: Date"]:
        assert field in summary


@pytest.mark.usefixtures("seeded")
def test_ogrinfo_reads_a_filtered_export(live_server) -> None:
    summary = ogrinfo(
        f"{live_server.url}/api/v1/events/?format=geojson&bbox=44,33,45,34"
    )

    assert "Feature Count: 2" in summary
    assert "Extent: (44.400880, 33.340580) - (44.400880, 33.340580)" in summary
