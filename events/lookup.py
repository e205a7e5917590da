"""
Lookups for curating: places (stored Locations and the gazetteer's places
and airfields) and actors by any of their names, each described well enough
to tell two of the same name apart ("Tehran — city, Tehran province, Iran"
and "Tehran — province, Iran"); places stored from a gazetteer hit or a
point on the map; a person's office as the last event recorded it.
"""

import bisect
import functools
import json
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Point

from events import actor_identity
from events.extract.fingerprint import fingerprint
from events.extract.places import REGION, gazetteer_rows
from events.extract.text import name_key
from events.models import Actor, Location, Participant

# A gazetteer place this close to a stored place of the same name is that place.
SAME_PLACE_DEGREES = 0.05
GEONAMES_SOURCE = "GeoNames (geonames.org), CC BY 4.0; chosen in curation"
AIRFIELD_SOURCE = "airportsdata (mborsetti/airportsdata), MIT; chosen in curation"
MAP_SOURCE = "Placed on the map in curation"
# Outside the region, alternate names only of places this large: the English
# exonyms of large cities ("Kiev"), not every spelling of every town.
ALTERNATES_MIN_POPULATION = 100_000

KIND_WORDS = {
    Location.Kind.COUNTRY: "country",
    Location.Kind.ADMIN1: "province",
    Location.Kind.REGION: "region",
    Location.Kind.BORDER: "border",
    Location.Kind.CITY: "city",
    Location.Kind.SITE: "site",
}


def search_key(name: str) -> str:
    """A name as lookups compare it: its word keys ("al-Qaim" and "Al Qā’im" meet)."""
    return " ".join(name_key(name))


class PrefixIndex:
    """Entries by the keys of their names and of each name's later words."""

    def __init__(self, named: list[tuple[str, int]]) -> None:
        keys = set()
        for name, entry in named:
            key = search_key(name)
            words = key.split(" ")
            for first in range(len(words)):
                keys.add((" ".join(words[first:]), first, entry))
        self.keys = sorted(keys)

    def search(self, query: str) -> list[tuple[bool, int, int]]:
        """(exact match, words skipped, entry) for each name the query begins."""
        prefix = search_key(query)
        if not prefix:
            return []
        found = []
        at = bisect.bisect_left(self.keys, (prefix, -1, -1))
        while at < len(self.keys) and self.keys[at][0].startswith(prefix):
            key, skipped, entry = self.keys[at]
            found.append((key == prefix, skipped, entry))
            at += 1
        return found


# --- the gazetteer ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GazetteerPlace:
    key: str  # "geonames:98182" or "airfield:ORBI"
    name: str
    kind: str  # a Location.Kind value
    country: str  # ISO 3166-1 alpha-2
    admin1: str  # GeoNames' admin-1 code within the country; "" when unknown
    lat: float
    lon: float
    population: int
    geonames_id: int | None = None


@dataclass(slots=True)
class Gazetteer:
    places: list[GazetteerPlace]
    index: PrefixIndex
    by_key: dict[str, GazetteerPlace]


@functools.cache
def countries() -> dict[str, tuple[str, str]]:
    """ISO alpha-3 code -> (alpha-2 code, English name), for every country."""
    return {
        row["iso3"]: (row["iso2"], row["name"])
        for row in gazetteer_rows("countries.tsv")
    }


@functools.cache
def alpha3() -> dict[str, str]:
    return {iso2: iso3 for iso3, (iso2, _) in countries().items()}


def country_name(iso3: str) -> str:
    return countries().get(iso3, ("", iso3))[1]


@functools.cache
def provinces() -> dict[str, tuple[str, str]]:
    """GeoNames admin-1 code ("IQ.11") -> (ISO 3166-2 code, name), for the region."""
    path = settings.BASE_DIR / "data" / "geo" / "admin1.geojson"
    with path.open(encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    return {
        f["properties"]["geonames_a1"]: (
            f["properties"]["iso_3166_2"],
            f["properties"]["name"],
        )
        for f in features
        if f["properties"].get("geonames_a1")
    }


@functools.cache
def gazetteer() -> Gazetteer:
    """data/gazetteer's places and airfields, loaded once per process."""
    places: list[GazetteerPlace] = []
    named: list[tuple[str, int]] = []
    by_id: dict[str, int] = {}
    for row in gazetteer_rows("places.tsv.gz"):
        place = GazetteerPlace(
            key=f"geonames:{row['geonameid']}",
            name=row["name"],
            kind=Location.Kind.CITY,
            country=row["country"],
            admin1=row["admin1"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            population=int(row["population"]),
            geonames_id=int(row["geonameid"]),
        )
        by_id[row["geonameid"]] = len(places)
        named.append((place.name, len(places)))
        if row["asciiname"]:
            named.append((row["asciiname"], len(places)))
        places.append(place)
    for row in gazetteer_rows("names.tsv.gz"):
        entry = by_id.get(row["geonameid"])
        if entry is None:
            continue
        place = places[entry]
        if place.country in REGION or place.population >= ALTERNATES_MIN_POPULATION:
            named.append((row["name"], entry))
    for row in gazetteer_rows("airfields.tsv"):
        place = GazetteerPlace(
            key=f"airfield:{row['icao']}",
            name=row["name"],
            kind=Location.Kind.SITE,
            country=row["country"],
            admin1="",
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            population=0,
        )
        named.append((place.name, len(places)))
        for code in (row["icao"], row["iata"]):
            if code:
                named.append((code, len(places)))
        places.append(place)
    return Gazetteer(places, PrefixIndex(named), {p.key: p for p in places})


def gazetteer_match(name: str, lat: float, lon: float) -> GazetteerPlace | None:
    """The gazetteer's place of this name nearest these coordinates, if close."""
    book = gazetteer()
    near = [
        place
        for exact, _, entry in book.index.search(name)
        if exact
        and abs((place := book.places[entry]).lat - lat) <= SAME_PLACE_DEGREES
        and abs(place.lon - lon) <= SAME_PLACE_DEGREES
    ]
    return min(near, key=lambda p: abs(p.lat - lat) + abs(p.lon - lon), default=None)


def gazetteer_label(place: GazetteerPlace) -> str:
    province = ""
    if place.admin1:
        province = provinces().get(f"{place.country}.{place.admin1}", ("", ""))[1]
    kind = "airfield" if place.key.startswith("airfield:") else KIND_WORDS[place.kind]
    return describe(
        place.name, kind, province, country_name(alpha3().get(place.country, ""))
    )


def describe(name: str, kind: str, province: str, country: str) -> str:
    """A place told apart from its namesakes: "Tehran — city, Tehran province, Iran"."""
    parts = [kind]
    if province:
        ends = province.casefold().endswith(("province", "governorate"))
        parts.append(province if ends else f"{province} province")
    if country and kind != "country":
        parts.append(country)
    return f"{name} — {', '.join(parts)}"


# --- stored places ---------------------------------------------------------

# One index per process, with the fingerprint of the table it was built from.
_stored_cache: tuple[tuple[int, int], PrefixIndex] | None = None


def stored_index() -> PrefixIndex:
    """Stored Locations by name and alternate names, rebuilt when one changed."""
    global _stored_cache
    summary = fingerprint(Location, "name", "alternate_names")
    if _stored_cache is None or _stored_cache[0] != summary:
        named = []
        for pk, name, others in Location.objects.values_list(
            "pk", "name", "alternate_names"
        ):
            named += [(name, pk), *((other, pk) for other in others or [])]
        _stored_cache = (summary, PrefixIndex(named))
    return _stored_cache[1]


def location_label(location: Location) -> str:
    """The place told apart from its namesakes; reads `parent` (select it along)."""
    parent = location.parent
    province = parent.name if parent and parent.kind == Location.Kind.ADMIN1 else ""
    return describe(
        location.name,
        KIND_WORDS.get(location.kind, location.kind),
        province,
        country_name(location.country_code),
    )


def location_choice(location: Location) -> dict:
    point = location.point
    return {
        "id": location.pk,
        "key": f"location:{location.pk}",
        "name": location.name,
        "kind": location.kind,
        "label": location_label(location),
        "lat": point.y if point else None,
        "lon": point.x if point else None,
    }


def gazetteer_choice(place: GazetteerPlace) -> dict:
    return {
        "id": None,
        "key": place.key,
        "name": place.name,
        "kind": str(place.kind),
        "label": gazetteer_label(place),
        "lat": place.lat,
        "lon": place.lon,
    }


def _ranked(hits: list[tuple[bool, int, int]], size) -> list[int]:
    """Entries by (near first, exact first, fewest words skipped, largest)."""
    best: dict[int, tuple] = {}
    for exact, skipped, entry in hits:
        rank = (*size(entry)[:1], not exact, skipped, *size(entry)[1:])
        if entry not in best or rank < best[entry]:
            best[entry] = rank
    return sorted(best, key=lambda entry: best[entry])


def place_choices(query: str, *, limit: int = 10) -> list[dict]:
    """
    Places whose names (any of them, any word of them) begin with `query`:
    stored ones first, then the gazetteer's not yet stored, larger first.
    """
    query = query.strip()[:100]
    stored_ids = _ranked(stored_index().search(query), lambda pk: (0, 0))[:limit]
    stored = Location.objects.select_related("parent").in_bulk(stored_ids)
    choices = [location_choice(stored[pk]) for pk in stored_ids if pk in stored]
    book = gazetteer()
    entries = _ranked(
        book.index.search(query),
        lambda entry: (
            book.places[entry].country not in REGION,
            -book.places[entry].population,
        ),
    )
    candidates = [book.places[entry] for entry in entries[: limit * 3]]
    known = set(
        Location.objects.filter(
            geonames_id__in=[p.geonames_id for p in candidates if p.geonames_id]
        ).values_list("geonames_id", flat=True)
    )
    for place in candidates:
        if len(choices) >= limit:
            break
        if place.geonames_id not in known:
            choices.append(gazetteer_choice(place))
    return choices


def _province_at(point: Point) -> Location | None:
    return (
        Location.objects.filter(kind=Location.Kind.ADMIN1, geometry__intersects=point)
        .order_by("id")
        .first()
    )


def _country_at(point: Point) -> str:
    country = (
        Location.objects.filter(kind=Location.Kind.COUNTRY, geometry__intersects=point)
        .order_by("id")
        .first()
    )
    return country.country_code if country else ""


def store_gazetteer_place(key: str) -> Location:
    """
    The stored Location for a gazetteer place (`key` from place_choices),
    made the first time it is chosen, inside its province; from then on the
    suggestions find it like any stored place.
    """
    place = gazetteer().by_key.get(key)
    if place is None:
        raise LookupError(f"No gazetteer place {key[:60]!r}.")
    point = Point(place.lon, place.lat, srid=4326)
    if place.geonames_id is not None:
        existing = Location.objects.filter(geonames_id=place.geonames_id).first()
    else:
        existing = Location.objects.filter(
            name__iexact=place.name, point__dwithin=(point, SAME_PLACE_DEGREES)
        ).first()
    if existing is not None:
        return existing
    province = _province_at(point)
    return Location.objects.create(
        name=place.name,
        kind=place.kind,
        parent=province,
        country_code=alpha3().get(place.country, ""),
        geometry=point,
        point=point,
        geonames_id=place.geonames_id,
        source=GEONAMES_SOURCE if place.geonames_id else AIRFIELD_SOURCE,
    )


def store_clicked_place(*, name: str, kind: str, lat: float, lon: float) -> Location:
    """A place below the gazetteer, placed by an editor on the map."""
    point = Point(lon, lat, srid=4326)
    existing = Location.objects.filter(
        name__iexact=name, kind=kind, point__dwithin=(point, SAME_PLACE_DEGREES)
    ).first()
    if existing is not None:
        return existing
    province = _province_at(point)
    return Location.objects.create(
        name=name,
        kind=kind,
        parent=province,
        country_code=province.country_code if province else _country_at(point),
        geometry=point,
        point=point,
        source=MAP_SOURCE,
    )


# --- actors ----------------------------------------------------------------


def last_offices(actor_ids: list[int]) -> dict[int, dict]:
    """
    Each person's office ("capacity") and whom they acted for, as the latest
    event that recorded an office for them has it: offered again when they
    join another event. Other actors' capacities describe one event only.
    """
    rows = (
        Participant.objects.filter(
            actor_id__in=actor_ids, actor__kind=Actor.Kind.PERSON
        )
        .exclude(capacity="")
        .order_by("actor_id", "-event__start_date", "-event_id", "-pk")
        .distinct("actor_id")
        .select_related("on_behalf_of")
    )
    return {
        row.actor_id: {
            "capacity": row.capacity,
            "on_behalf_of": actor_ref(row.on_behalf_of) if row.on_behalf_of else None,
        }
        for row in rows
    }


def actor_ref(actor: Actor) -> dict:
    return {"id": actor.pk, "name": actor.name, "label": str(actor)}


def actor_label(actor: Actor) -> str:
    """ "Qasim al-Araji — person, Iraq": reads `parent` (select it along)."""
    parts = [actor.get_kind_display().lower()]
    if actor.country:
        parts.append(country_name(actor.country))
    if actor.parent_id and actor.parent.name != country_name(actor.country):
        parts.append(actor.parent.name)
    return f"{actor.name} — {', '.join(parts)}"


def actor_choice(actor: Actor, office: dict | None) -> dict:
    return {
        "id": actor.pk,
        "name": actor.name,
        "kind": actor.kind,
        "country": actor.country,
        "label": actor_label(actor),
        "office": office,
    }


def found_actors(query: str, *, limit: int = 10) -> list[Actor]:
    """
    Actors with `query` in any form of their name or an alias, or spelt by
    their initials (actor_identity.search), closest first.
    """
    query = query.strip()[:100]
    if not query:
        return []
    return list(
        actor_identity.search(Actor.objects.select_related("parent"), query)[:limit]
    )


def actor_choices(query: str, *, limit: int = 10) -> list[dict]:
    """Actors for curation, each with the office they last held."""
    found = found_actors(query, limit=limit)
    offices = last_offices([actor.pk for actor in found])
    return [actor_choice(actor, offices.get(actor.pk)) for actor in found]


def actor_suggestions(query: str, *, limit: int = 10) -> list[dict]:
    """
    Actors for anyone's filter forms: every actor, by any name or alias,
    described, without the offices that curation reads from unpublished
    events too.
    """
    return [
        {"id": actor.pk, "name": actor.name, "label": actor_label(actor)}
        for actor in found_actors(query, limit=limit)
    ]
