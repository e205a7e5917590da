"""
GDAL's ogrinfo, a real GIS client, reading the GeoJSON export over HTTP from
pytest-django's live server.

live_server runs each test in a transactional database that is emptied
afterwards; the module puts the groups and the curated seed back when it is
done, so later tests (and a --reuse-db run) find the database as setup left it.
"""

import importlib
import subprocess
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.management import call_command

from events.models import Event

pytestmark = pytest.mark.django_db(transaction=True)

curation_groups = importlib.import_module("events.migrations.0003_curation_groups")


def load_seed() -> None:
    # The groups come from a data migration, which the flush does not replay;
    # the permissions they hold are recreated by the flush itself.
    for name, codenames in curation_groups.GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label="events", codename__in=codenames
            )
        )
    call_command("load_geography", verbosity=0)
    call_command("load_demo", verbosity=0)


@pytest.fixture(scope="module", autouse=True)
def seed_restored_afterwards(django_db_blocker) -> Iterator[None]:
    yield
    with django_db_blocker.unblock():
        load_seed()


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
