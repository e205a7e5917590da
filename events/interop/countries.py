"""
The countries the datasets name, with the codes each dataset uses: ACLED
names a country and gives its numeric ISO 3166 code and its region; UCDP names
it; the tracker keys everything by ISO 3166-1 alpha-3. The table covers ACLED's
Middle East, Caucasus and Central Asia, and South Asia regions, which hold the
project's twelve countries and their neighbours.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    alpha3: str
    name: str  # as ACLED and UCDP write it
    iso_numeric: int
    region: str  # ACLED's region


MIDDLE_EAST = "Middle East"
CAUCASUS = "Caucasus and Central Asia"
SOUTH_ASIA = "South Asia"

COUNTRIES = [
    Country("BHR", "Bahrain", 48, MIDDLE_EAST),
    Country("IRN", "Iran", 364, MIDDLE_EAST),
    Country("IRQ", "Iraq", 368, MIDDLE_EAST),
    Country("ISR", "Israel", 376, MIDDLE_EAST),
    Country("JOR", "Jordan", 400, MIDDLE_EAST),
    Country("KWT", "Kuwait", 414, MIDDLE_EAST),
    Country("LBN", "Lebanon", 422, MIDDLE_EAST),
    Country("OMN", "Oman", 512, MIDDLE_EAST),
    Country("PSE", "Palestine", 275, MIDDLE_EAST),
    Country("QAT", "Qatar", 634, MIDDLE_EAST),
    Country("SAU", "Saudi Arabia", 682, MIDDLE_EAST),
    Country("SYR", "Syria", 760, MIDDLE_EAST),
    Country("TUR", "Turkey", 792, MIDDLE_EAST),
    Country("ARE", "United Arab Emirates", 784, MIDDLE_EAST),
    Country("YEM", "Yemen", 887, MIDDLE_EAST),
    Country("ARM", "Armenia", 51, CAUCASUS),
    Country("AZE", "Azerbaijan", 31, CAUCASUS),
    Country("GEO", "Georgia", 268, CAUCASUS),
    Country("KAZ", "Kazakhstan", 398, CAUCASUS),
    Country("KGZ", "Kyrgyzstan", 417, CAUCASUS),
    Country("TJK", "Tajikistan", 762, CAUCASUS),
    Country("TKM", "Turkmenistan", 795, CAUCASUS),
    Country("UZB", "Uzbekistan", 860, CAUCASUS),
    Country("AFG", "Afghanistan", 4, SOUTH_ASIA),
    Country("BGD", "Bangladesh", 50, SOUTH_ASIA),
    Country("BTN", "Bhutan", 64, SOUTH_ASIA),
    Country("IND", "India", 356, SOUTH_ASIA),
    Country("MDV", "Maldives", 462, SOUTH_ASIA),
    Country("NPL", "Nepal", 524, SOUTH_ASIA),
    Country("PAK", "Pakistan", 586, SOUTH_ASIA),
    Country("LKA", "Sri Lanka", 144, SOUTH_ASIA),
]

BY_ALPHA3 = {country.alpha3: country for country in COUNTRIES}
BY_NAME = {country.name.casefold(): country for country in COUNTRIES}
# Other spellings the datasets and Natural Earth use.
BY_NAME.update(
    {
        "türkiye": BY_ALPHA3["TUR"],
        "turkiye": BY_ALPHA3["TUR"],
        "iran (islamic republic of)": BY_ALPHA3["IRN"],
        "syrian arab republic": BY_ALPHA3["SYR"],
        "state of palestine": BY_ALPHA3["PSE"],
    }
)
BY_NUMERIC = {country.iso_numeric: country for country in COUNTRIES}


def by_name(name: str) -> Country | None:
    return BY_NAME.get(name.strip().casefold())


def by_numeric(code: str) -> Country | None:
    try:
        return BY_NUMERIC.get(int(code))
    except ValueError:
        return None
