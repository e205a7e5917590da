"""
The project's boundary data (data/geo/) turned into Locations, and the places
computed from it in PostGIS: the Iran–Iraq border, the Kurdistan Region of
Iraq and its border with Iran.
"""

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection, transaction

from events.models import Location

DATA_DIR = settings.BASE_DIR / "data" / "geo"
NATURAL_EARTH_0 = "Natural Earth 1:10m Admin 0 Countries v5.1.1 (public domain)"
NATURAL_EARTH_1 = "Natural Earth 1:10m Admin 1 States/Provinces v5.1 (public domain)"
GEONAMES = "GeoNames cities500 (geonames.org), CC BY 4.0"
COMPUTED = "Computed in PostGIS from Natural Earth boundaries"

KURDISTAN_GOVERNORATES = ["IQ-DA", "IQ-AR", "IQ-SU"]  # Duhok, Erbil, Sulaymaniyah

# The shared edge of two polygons: the intersection of their boundaries, kept
# to its line parts and merged into as few lines as the topology allows.
SHARED_EDGE_SQL = """
SELECT ST_AsEWKB(ST_LineMerge(ST_CollectionExtract(
    ST_Intersection(ST_Boundary(a.geometry), ST_Boundary(b.geometry)), 2)))
FROM events_location a, events_location b
WHERE a.code = %s AND b.code = %s
"""

UNION_SQL = """
SELECT ST_AsEWKB(ST_Multi(ST_Union(geometry)))
FROM events_location WHERE code = ANY(%s)
"""

# Part of a border line that runs along a region. The region comes from the
# admin-1 layer and the border from the admin-0 layer, whose lines differ by
# up to 4e-5 degrees, so the region is widened by 1e-3 degrees (about 100 m)
# before the cut.
BORDER_ALONG_SQL = """
SELECT ST_AsEWKB(ST_LineMerge(ST_CollectionExtract(
    ST_Intersection(border.geometry, ST_Buffer(region.geometry, 0.001)), 2)))
FROM events_location border, events_location region
WHERE border.code = %s AND region.code = %s
"""

# A marker for a line goes halfway along it; for an area, on its surface.
MARKER_SQL = """
SELECT ST_AsEWKB(CASE
    WHEN GeometryType(g) = 'LINESTRING' THEN ST_LineInterpolatePoint(g, 0.5)
    ELSE ST_PointOnSurface(g) END)
FROM (SELECT %s::geometry AS g) AS input
"""


def _names(*candidates: str | None, exclude: str) -> list[str]:
    names: list[str] = []
    for candidate in candidates:
        for name in (candidate or "").split("|"):
            name = name.strip()
            if name and name != exclude and name not in names:
                names.append(name)
    return names


def _postgis_geometry(sql: str, params: list[Any]) -> GEOSGeometry:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None or row[0] is None:
        raise ValueError("PostGIS returned no geometry; is the boundary data loaded?")
    return GEOSGeometry(memoryview(row[0]))


def _marker(geometry: GEOSGeometry) -> GEOSGeometry:
    return _postgis_geometry(MARKER_SQL, [geometry.ewkb])


def _same(current: Any, wanted: Any) -> bool:
    if isinstance(wanted, GEOSGeometry):
        return current is not None and current.equals_exact(wanted, 1e-9)
    return current == wanted


def upsert_location(
    *, code: str | None = None, geonames_id: int | None = None, **fields: Any
) -> tuple[Location, str]:
    """Create or update a Location by its stable key; report what happened."""
    key = {"code": code} if code is not None else {"geonames_id": geonames_id}
    location = Location.objects.filter(**key).first()
    if location is None:
        location = Location.objects.create(**key, **fields)
        return location, "created"
    changed = [
        name
        for name, value in fields.items()
        if not _same(getattr(location, name), value)
    ]
    if not changed:
        return location, "unchanged"
    for name in changed:
        setattr(location, name, fields[name])
    location.save()
    return location, "updated"


def _features(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)["features"]


def _geometry(feature: dict[str, Any]) -> GEOSGeometry:
    return GEOSGeometry(json.dumps(feature["geometry"]), srid=4326)


@transaction.atomic
def load_geography(*, data_dir: Path = DATA_DIR) -> Counter:
    """Load countries, provinces and the computed places; safe to run again."""
    report: Counter = Counter()
    countries: dict[str, Location] = {}
    for feature in _features(data_dir / "countries.geojson"):
        props = feature["properties"]
        geometry = _geometry(feature)
        country, outcome = upsert_location(
            code=props["iso_a3"],
            name=props["name"],
            alternate_names=_names(
                props.get("name_long"),
                props.get("formal_en"),
                props.get("name_ar"),
                props.get("name_fa"),
                props.get("name_tr"),
                exclude=props["name"],
            ),
            kind=Location.Kind.COUNTRY,
            country_code=props["iso_a3"],
            geometry=geometry,
            point=_marker(geometry),
            wikidata_id=props.get("wikidata") or "",
            source=NATURAL_EARTH_0,
        )
        countries[props["iso_a3"]] = country
        report[outcome] += 1

    for feature in _features(data_dir / "admin1.geojson"):
        props = feature["properties"]
        geometry = _geometry(feature)
        _, outcome = upsert_location(
            code=props["iso_3166_2"],
            name=props["name"],
            alternate_names=_names(
                props.get("name_ne"),
                props.get("name_alt"),
                props.get("name_local"),
                props.get("name_ar"),
                props.get("name_fa"),
                exclude=props["name"],
            ),
            kind=Location.Kind.ADMIN1,
            parent=countries[props["iso_a3"]],
            country_code=props["iso_a3"],
            geometry=geometry,
            point=_marker(geometry),
            wikidata_id=props.get("wikidata") or "",
            source=NATURAL_EARTH_1,
        )
        report[outcome] += 1

    for outcome in _load_computed(iraq=countries["IRQ"]):
        report[outcome] += 1
    return report


def _load_computed(*, iraq: Location) -> list[str]:
    border = _postgis_geometry(SHARED_EDGE_SQL, ["IRN", "IRQ"])
    _, border_outcome = upsert_location(
        code="IRN-IRQ",
        name="Iran–Iraq border",
        alternate_names=["Iraq–Iran border", "Iran-Iraq border", "Iraq-Iran border"],
        kind=Location.Kind.BORDER,
        parent=None,
        country_code="",
        geometry=border,
        point=_marker(border),
        source=COMPUTED,
    )
    region = _postgis_geometry(UNION_SQL, [KURDISTAN_GOVERNORATES])
    _, region_outcome = upsert_location(
        code="IQ-KR",
        name="Kurdistan Region",
        alternate_names=[
            "Kurdistan Region of Iraq",
            "Iraqi Kurdistan",
            "Kurdish region",
            "Iraq's Kurdish region",
            "KRI",
            "هەرێمی کوردستان",
            "إقليم كردستان",
        ],
        kind=Location.Kind.REGION,
        parent=iraq,
        country_code="IRQ",
        geometry=region,
        point=_marker(region),
        source=f"{COMPUTED}: union of Duhok, Erbil and Sulaymaniyah governorates",
    )
    kri_border = _postgis_geometry(BORDER_ALONG_SQL, ["IRN-IRQ", "IQ-KR"])
    _, kri_border_outcome = upsert_location(
        code="IQ-KR-IRN",
        name="Kurdistan Region–Iran border",
        alternate_names=[
            "border between Kurdish Iraq and Iran",
            "Kurdistan–Iran border",
        ],
        kind=Location.Kind.BORDER,
        parent=None,
        country_code="",
        geometry=kri_border,
        point=_marker(kri_border),
        source=f"{COMPUTED}: the Iran–Iraq border along the Kurdistan Region",
    )
    return [border_outcome, region_outcome, kri_border_outcome]


def gazetteer_row(geonames_id: int, *, data_dir: Path = DATA_DIR) -> dict[str, str]:
    with (data_dir / "places.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if int(row["geonameid"]) == geonames_id:
                return row
    raise LookupError(f"GeoNames id {geonames_id} is not in places.csv")


def load_place(
    geonames_id: int, *, name: str | None = None, data_dir: Path = DATA_DIR
) -> Location:
    """A populated place from the GeoNames gazetteer, inside its province."""
    row = gazetteer_row(geonames_id, data_dir=data_dir)
    point = GEOSGeometry(f"SRID=4326;POINT({row['lon']} {row['lat']})")
    # The province is the admin-1 polygon holding the point, found in PostGIS.
    province = (
        Location.objects.filter(kind=Location.Kind.ADMIN1, geometry__intersects=point)
        .order_by("id")
        .first()
    )
    display = name or row["name"]
    location, _ = upsert_location(
        geonames_id=geonames_id,
        name=display,
        alternate_names=_names(
            row["name"], row["asciiname"], row["alternatenames"], exclude=display
        ),
        kind=Location.Kind.CITY,
        parent=province,
        country_code=province.country_code if province else "",
        geometry=point,
        point=point,
        source=GEONAMES,
    )
    return location
