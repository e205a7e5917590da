import pytest
from django.contrib.gis.db.models.functions import Length
from django.contrib.gis.geos import Point
from django.core.management import call_command

from events.geography import gazetteer_row, load_geography
from events.models import Location

pytestmark = pytest.mark.django_db

# GeoNames ids from data/geo/places.csv.
ERBIL, BAGHDAD, HALABJA, SULAYMANIYAH, KIRKUK = 95446, 98182, 96205, 98463, 94787


def place(geonames_id: int) -> Point:
    row = gazetteer_row(geonames_id)
    return Point(float(row["lon"]), float(row["lat"]), srid=4326)


def length_km(code: str) -> float:
    location = Location.objects.annotate(metres=Length("geometry")).get(code=code)
    return location.metres.km


def test_boundaries_are_loaded() -> None:
    assert Location.objects.filter(kind="country").count() == 12
    assert Location.objects.filter(kind="admin1", country_code="IRQ").count() == 18
    assert Location.objects.filter(kind="admin1", country_code="IRN").count() == 31
    erbil = Location.objects.get(code="IQ-AR")
    assert (erbil.name, erbil.parent.code) == ("Erbil", "IRQ")


def test_iran_iraq_border_is_one_line_of_plausible_length() -> None:
    border = Location.objects.get(code="IRN-IRQ")
    assert border.kind == "border"
    assert border.geometry.geom_type == "LineString"
    # Natural Earth 1:10m gives 1,310 km for a border published as ~1,458 km.
    assert 1250 < length_km("IRN-IRQ") < 1400


def test_border_runs_from_the_turkish_tripoint_to_the_shatt_al_arab() -> None:
    line = Location.objects.get(code="IRN-IRQ").geometry
    ends = {(round(x, 2), round(y, 2)) for x, y in (line[0], line[-1])}
    assert ends == {(44.77, 37.14), (48.53, 29.96)}


def test_border_touches_both_countries_and_no_other() -> None:
    border = Location.objects.get(code="IRN-IRQ").geometry
    touching = Location.objects.filter(
        kind="country", geometry__dwithin=(border.point_on_surface, 0.001)
    ).values_list("code", flat=True)
    assert set(touching) == {"IRN", "IRQ"}


def test_kurdistan_region_holds_erbil_and_halabja_but_not_baghdad_or_kirkuk() -> None:
    region = Location.objects.filter(code="IQ-KR")
    assert region.get().parent.code == "IRQ"
    assert region.filter(geometry__contains=place(ERBIL)).exists()
    assert region.filter(geometry__contains=place(HALABJA)).exists()
    assert region.filter(geometry__contains=place(SULAYMANIYAH)).exists()
    assert not region.filter(geometry__contains=place(BAGHDAD)).exists()
    assert not region.filter(geometry__contains=place(KIRKUK)).exists()


def test_kurdistan_region_iran_border_is_the_stretch_along_the_region() -> None:
    # Sulaymaniyah's 361 km and Erbil's 94 km of the border; Duhok has none.
    assert 430 < length_km("IQ-KR-IRN") < 480
    stretch = Location.objects.get(code="IQ-KR-IRN").geometry
    assert Location.objects.filter(
        code="IRN-IRQ", geometry__dwithin=(stretch.point_on_surface, 1e-6)
    ).exists()


def test_running_the_loader_again_changes_nothing() -> None:
    before = list(Location.objects.order_by("id").values())
    report = load_geography()
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 64)
    assert list(Location.objects.order_by("id").values()) == before


def test_the_loader_repairs_an_edited_boundary() -> None:
    Location.objects.filter(code="IRQ").update(name="Mesopotamia")
    report = load_geography()
    assert (report["created"], report["updated"]) == (0, 1)
    assert Location.objects.get(code="IRQ").name == "Iraq"


def test_command_reports_what_it_did(capsys) -> None:
    call_command("load_geography")
    assert "0 created, 0 updated, 64 unchanged" in capsys.readouterr().out
