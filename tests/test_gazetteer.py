"""
The gazetteer in data/gazetteer/: what it holds for curating the region's
places, and which of its places suggestions read.
"""

import pytest

from events.extract import suggest
from events.extract.places import gazetteer_rows

pytestmark = pytest.mark.django_db

# GeoNames ids.
BAGHDAD, ERBIL, ASPENDOS, BEZMILABAD = 98182, 95446, 320295, 11709


def names_of(geonameid: int) -> set[tuple[str, str]]:
    return {
        (row["name"], row["script"])
        for row in gazetteer_rows("names.tsv.gz")
        if row["geonameid"] == str(geonameid)
    }


def place_row(geonameid: int) -> dict[str, str]:
    [row] = [
        row
        for row in gazetteer_rows("places.tsv.gz")
        if row["geonameid"] == str(geonameid)
    ]
    return row


def test_region_places_keep_their_names_in_arabic_script() -> None:
    assert {("بغداد", "Arab"), ("بەغداد", "Arab"), ("Bagdad", "Latn")} <= names_of(
        BAGHDAD
    )
    assert ("أربيل", "Arab") in names_of(ERBIL)


def test_region_airfields_carry_their_icao_and_iata_codes() -> None:
    airfields = {row["icao"]: row for row in gazetteer_rows("airfields.tsv")}
    assert airfields["ORBI"]["iata"] == "BGW"
    assert airfields["ORBI"]["name"] == "Baghdad International Airport"
    assert airfields["ORAA"]["name"] == "Al Asad Air Base"
    assert {row["country"] for row in airfields.values()} == {
        "AF", "AM", "AZ", "IQ", "IR", "JO", "KW", "PK", "SA", "SY", "TM", "TR",
    }  # fmt: skip


def test_an_iranian_village_is_suggested() -> None:
    assert place_row(BEZMILABAD)["extract"] == "500"
    [place] = suggest("Farmers met in Bezmilabad on Friday.", published=None)["places"]
    assert place["name"] == "Bezmīlābād"


def test_a_neighbours_village_is_for_curation_not_suggestions() -> None:
    # Turkey's smaller places are in the file for curating Locations, but
    # suggestions read Turkey's places only from GeoNames' cities15000.
    assert place_row(ASPENDOS)["country"] == "TR"
    assert (
        suggest("Tourists visited Aspendos on Friday.", published=None)["places"] == []
    )
