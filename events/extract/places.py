"""
Places named in an article: the Locations in the database and a gazetteer
of countries and populated places (GeoNames, in data/gazetteer/), a name
shared by several places resolved towards the article's region and then the
larger place.
"""

import functools
import gzip
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from django.conf import settings

from events.extract.fingerprint import fingerprint
from events.extract.text import (
    ALL_ARTICLES,
    COMMON_WORDS,
    DEMONYMS,
    MONTHS,
    TITLE_WORDS,
    WEEKDAYS,
    Match,
    NameIndex,
    Sentence,
    Token,
    find_names,
    fold,
    name_key,
    words,
)
from events.models import Location

GAZETTEER = settings.BASE_DIR / "data" / "gazetteer"
# Suggestions index Iraq's and Iran's places down to GeoNames' smallest (its
# cities500 extract) and the rest of the world's, the neighbours' included,
# from its cities15000 extract. The neighbours' smaller places in the file are
# there for curating Locations, not for suggestions.
FULL_DETAIL = frozenset({"IQ", "IR"})
WORLD_EXTRACT = 15000

# Iraq, Iran and their neighbours: the countries of data/geo, whose places
# win a shared name over a place of the same size elsewhere.
REGION = frozenset(
    {"IQ", "IR", "TR", "SY", "JO", "SA", "KW", "AM", "AZ", "TM", "AF", "PK"}
)

# How articles name places the database holds under another name.
PHRASES: dict[str, list[str]] = {
    "IQ-KR": [
        "Iraqi Kurdish region",
        "Iraq's semi-autonomous Kurdish region",
        "semi-autonomous Kurdish region",
        "Iraqi Kurdish autonomous region",
        "Kurdish autonomous region",
        "Kurdish region of Iraq",
        "Kurdistan region of Iraq",
        "Iraq's Kurdistan region",
        "Iraq's Kurdistan",
        "Kurdish Iraq",
        "northern Iraq",
        "north of Iraq",
        "Iraq's north",
        "Iraq's mountainous north",
    ],
    # The Kurdish name of Sulaymaniyah, as Kurdish outlets write it in English.
    "IQ-SU": ["Sulaimani"],
}

# Country names as news writes them, beside GeoNames' own.
COUNTRY_NAMES: dict[str, list[str]] = {
    "US": ["United States of America", "U.S.", "US", "USA", "America"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain"],
    "AE": ["UAE", "Emirates"],
    "TR": ["Türkiye"],
    "PS": ["Palestine", "Palestinian territories"],
    "KR": ["South Korea"],
    "KP": ["North Korea"],
    "CZ": ["Czechia"],
    "IR": ["Islamic Republic"],
}

# A typical size of places without a population of their own, on the same
# log scale as cities: a province loses its name to its capital city, and
# countries and curated regions win over any town.
KIND_SIZE = {
    Location.Kind.COUNTRY: 7.5,
    Location.Kind.REGION: 7.0,
    Location.Kind.BORDER: 7.0,
    Location.Kind.ADMIN1: 5.0,
    Location.Kind.SITE: 4.0,
}
KIND_DETAIL = {
    Location.Kind.COUNTRY: 1,
    Location.Kind.REGION: 2,
    Location.Kind.BORDER: 2,
    Location.Kind.ADMIN1: 2,
    Location.Kind.CITY: 3,
    Location.Kind.SITE: 3,
}


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    lat: float | None
    lon: float | None
    country: str  # ISO 3166-1 alpha-2, "" for a border
    kind: str  # a Location.Kind value
    population: int = 0
    location_id: int | None = None
    geonames_id: int | None = None
    alternate: bool = False  # indexed under an alternate name
    capitalised: bool = True  # the indexed name starts with a capital
    upper: bool = False  # the indexed name is in capitals: "UAE", "KRI"
    # A small place of a neighbour of Iraq and Iran, or one matched by a
    # spelling of its name the gazetteer does not hold: a place only after
    # "in", "near", "village of"…
    in_context: bool = False
    # Not in any gazetteer: its name as the article writes it, and the
    # place it is said to be near ("Zrgwez, south-east of Sulaymaniyah").
    unknown: bool = False
    near: str = ""

    def size(self) -> float:
        if self.kind == Location.Kind.CITY:
            return math.log10(self.population + 1)
        return KIND_SIZE.get(self.kind, 4.0)


@dataclass(slots=True)
class PlaceMention:
    text: str
    start: int
    end: int
    place: Place
    sentence: int

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "name": self.place.name,
            "lat": self.place.lat,
            "lon": self.place.lon,
            "location_id": self.place.location_id,
            "kind": self.place.kind,
            "country": self.place.country,
            "geonames_id": self.place.geonames_id,
            "known": not self.place.unknown,
            "near": self.place.near,
        }


LATIN_RE = re.compile(r"[a-z][a-z '.()-]*")
# Outside the region only the alternate names of large cities are kept:
# English exonyms ("Kiev", "Bombay") are names of large cities.
ALTERNATES_MIN_POPULATION = 100_000


def _latin(name: str) -> bool:
    return LATIN_RE.fullmatch(fold(name)) is not None


def _usable_alternate(name: str) -> bool:
    """
    GeoNames alternate names include airport codes ("BGW") and lowercase
    romanisations of other scripts ("bghdad"), which would match English
    words; only capitalised Latin names are kept.
    """
    return len(name) >= 3 and name[:1].isupper() and not name.isupper() and _latin(name)


@dataclass(slots=True)
class Gazetteer:
    index: NameIndex[Place]
    iso3_to_iso2: dict[str, str]
    populations: dict[int, int]  # by GeoNames id
    # Iraq's, Iran's and their neighbours' places by a looser key of their
    # names ("Koya" and the gazetteer's "Koye"), read only after "in", "near".
    loose: dict[tuple[str, ...], list[Place]]
    # Airfields by their names without "Air Base" or "Airport": "Al Asad".
    airfield_cores: dict[tuple[str, ...], list[Place]]


@functools.cache
def gazetteer() -> Gazetteer:
    """The countries and places of data/gazetteer/, loaded once per process."""
    index: NameIndex[Place] = NameIndex()
    iso3_to_iso2: dict[str, str] = {}
    populations: dict[int, int] = {}

    for row in gazetteer_rows("countries.tsv"):
        iso2 = row["iso2"]
        iso3_to_iso2[row["iso3"]] = iso2
        place = Place(
            row["name"], None, None, iso2, Location.Kind.COUNTRY, int(row["population"])
        )
        index.add(name_key(row["name"]), place)
        for other in COUNTRY_NAMES.get(iso2, []):
            index.add(
                name_key(other), replace(place, alternate=True, upper=other.isupper())
            )

    alternates: dict[str, list[str]] = {}
    for row in gazetteer_rows("names.tsv.gz"):
        alternates.setdefault(row["geonameid"], []).append(row["name"])
    loose: dict[tuple[str, ...], list[Place]] = {}
    for row in gazetteer_rows("places.tsv.gz"):
        full = row["country"] in FULL_DETAIL or int(row["extract"]) >= WORLD_EXTRACT
        if not full and row["country"] not in REGION:
            continue
        place = Place(
            row["name"],
            float(row["lat"]),
            float(row["lon"]),
            row["country"],
            Location.Kind.CITY,
            # GeoNames' 0 is a population it does not know; in Iraq and Iran,
            # read at every size, the smallest extract that lists the place
            # says about how many live there ("Dukan"; not a neighbour's
            # small town against a large one's other name, "Derik").
            int(row["population"])
            or (int(row["extract"]) if row["country"] in FULL_DETAIL else 0),
            geonames_id=int(row["geonameid"]),
            in_context=not full,
        )
        populations[place.geonames_id] = place.population
        main = [row["asciiname"]] if row["asciiname"] else []
        names = alternates.get(row["geonameid"], [])
        keys = _add_city(index, place, main, names)
        if row["country"] in FULL_DETAIL:
            for key in {_loosen(key) for key in keys}:
                if key:
                    loose.setdefault(key, []).append(place)
    airfield_cores: dict[tuple[str, ...], list[Place]] = {}
    for row in gazetteer_rows("airfields.tsv"):
        place = _add_airfield(index, row)
        if place is not None:
            core = name_key(AIRFIELD_SUFFIX.sub("", place.name))
            if core:
                airfield_cores.setdefault(core, []).append(place)
    return Gazetteer(index, iso3_to_iso2, populations, loose, airfield_cores)


# Airfields go by their full name and by shorter ones: "Erbil International
# Airport" is also "Erbil airport", "Al Asad Air Base" "Al Asad airbase".
AIRFIELD_SUFFIX = re.compile(
    r"\s+(?:International Airport|Airport|Air Base|Airbase|Airfield|Army Air Field|"
    r"Air Field|Airstrip|Naval Base|Highway Strip)$"
)
AIRFIELD_KINDS = ("airport", "air base", "airbase", "airfield")


def _add_airfield(index: NameIndex[Place], row: dict[str, str]) -> Place | None:
    name = row["name"]
    if "/" in name or not AIRFIELD_SUFFIX.search(name):
        return None
    place = Place(
        name,
        float(row["lat"]),
        float(row["lon"]),
        row["country"],
        Location.Kind.SITE,
    )
    core = AIRFIELD_SUFFIX.sub("", name)
    keys = {name_key(name)}
    military = re.search(r"Air Base|Air Field|Naval Base", name) is not None
    for kind in AIRFIELD_KINDS:
        if military != (kind in ("air base", "airbase", "airfield")):
            continue
        keys.add(name_key(f"{core} {kind}"))
    for key in keys:
        index.add(key, place)
    return place


_LOOSE = [
    ("kh", "x"),
    ("q", "k"),
    ("dh", "d"),
    ("gh", "g"),
    ("y", "i"),
    ("e", "i"),
    ("o", "u"),
]


def loose_key(name: str) -> tuple[str, ...]:
    """
    A looser key than name_key, for the spellings of the region's places in
    English news: final vowels dropped, "kh" and "x", "q" and "k", "e" and
    "i", "o" and "u" alike ("Koya" and "Koye", "Zakho" and "Zaxo").
    """
    return _loosen(name_key(name))


def _loosen(name_keys: tuple[str, ...]) -> tuple[str, ...]:
    keys = []
    for key in name_keys:
        while len(key) > 3 and key[-1] in "aeiouy":
            key = key[:-1]
        for old, new in _LOOSE:
            key = key.replace(old, new)
        keys.append(re.sub(r"(.)\1+", r"\1", key))
    return tuple(keys)


def country_rows() -> Iterator[dict[str, str]]:
    """The countries of the gazetteer: iso2, iso3, geonameid, name, population."""
    return gazetteer_rows("countries.tsv")


def gazetteer_rows(name: str) -> Iterator[dict[str, str]]:
    """
    The rows of one of data/gazetteer's files. They are tab-separated and
    never quoted, so a plain split reads them, faster than the csv module.
    """
    path = GAZETTEER / name
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        for line in fh:
            yield dict(zip(header, line.rstrip("\n").split("\t"), strict=True))


def _add_city(
    index: NameIndex[Place], place: Place, main: list[str], alternates: list[str]
) -> set[tuple[str, ...]]:
    """Index a place under its names; the keys it is indexed under."""
    keys = {name_key(place.name)}
    index.add(name_key(place.name), place)
    for name in main:
        key = name_key(name)
        if key not in keys:
            keys.add(key)
            index.add(key, place)
    if place.country not in REGION and place.population < ALTERNATES_MIN_POPULATION:
        return keys
    alternate = replace(place, alternate=True)
    for name in alternates:
        if not _usable_alternate(name):
            continue
        key = name_key(name)
        if key not in keys:
            keys.add(key)
            index.add(key, alternate)
    return keys


# One index per process, with the fingerprint of the table it was built from.
_location_cache: tuple[tuple[int, int], NameIndex[Place]] | None = None


def location_index() -> NameIndex[Place]:
    """The Locations in the database by name, rebuilt only when one changed."""
    global _location_cache
    summary = fingerprint(
        Location, "name", "alternate_names", "kind", "code", "country_code", "point"
    )
    if _location_cache is not None and _location_cache[0] == summary:
        return _location_cache[1]
    iso3_to_iso2 = gazetteer().iso3_to_iso2
    populations = gazetteer().populations
    index: NameIndex[Place] = NameIndex()
    rows = Location.objects.values_list(
        "id",
        "name",
        "alternate_names",
        "kind",
        "country_code",
        "point",
        "geonames_id",
        "code",
    )
    for location_id, name, alternates, kind, country, point, geonames_id, code in rows:
        place = Place(
            name,
            point.y if point else None,
            point.x if point else None,
            iso3_to_iso2.get(country, ""),
            kind,
            populations.get(geonames_id, 0),
            location_id=location_id,
            geonames_id=geonames_id,
            capitalised=name[:1].isupper(),
        )
        keys = {name_key(name)}
        index.add(name_key(name), place)
        others = list(alternates or []) + PHRASES.get(code or "", [])
        for other in others:
            if kind == Location.Kind.CITY and not _usable_alternate(other):
                continue
            key = name_key(other)
            if key in keys:
                continue
            keys.add(key)
            index.add(
                key,
                replace(
                    place,
                    alternate=True,
                    capitalised=other[:1].isupper(),
                    upper=other.isupper(),
                ),
            )
    _location_cache = (summary, index)
    return index


def _accept(
    tokens: list[Token], first: int, last: int, places: list[Place]
) -> list[Place]:
    """The places a run of words may name, given its case and neighbours."""
    token = tokens[first]
    if token.text[:1].isupper():
        kept = places
    elif token.is_capitalised:
        if first > 0 and _joined_name(tokens[first - 1], token):
            # "Ain al-Asad", "Jurf al-Sakhar": the end of a longer name.
            return []
        # "al-Qaim" is the gazetteer's "Al Qā’im"; "al-Baghdadi" is no
        # "Baghdadi" written without the article (an Iranian village).
        kept = [p for p in places if not p.capitalised or _with_article(p.name)]
    else:
        kept = [p for p in places if not p.capitalised]
    if first != last or not kept:
        return kept
    if token.text.isupper() and len(token.text) > 1 and first > 0:
        # "IRNA" is an agency, not the "Irna" GeoNames lists for Salerno; a
        # place in capitals is a dateline ("BAGHDAD —") or an acronym ("UAE").
        return [p for p in kept if p.upper]
    word = fold(token.text)
    if (
        word in COMMON_WORDS
        or word in DEMONYMS
        or word in MONTHS
        or word in WEEKDAYS
        or word in TITLE_WORDS
    ):
        return []
    if _inside_longer_name(tokens, first):
        # "Ali" in "Ali Shamkhani", "Tehran" in "Tehran Times": a word of a
        # longer name is no place of its own, unless the database says so.
        kept = [p for p in kept if p.location_id is not None]
    return kept


def _joined_name(before: Token, token: Token) -> bool:
    """Whether a capitalised word, not a common one, opens the name `token` ends."""
    return (
        token.start - before.end == 1
        and before.is_capitalised
        and fold(before.text) not in COMMON_WORDS
        and fold(before.text) not in TITLE_WORDS
    )


def _with_article(name: str) -> bool:
    """Whether a name opens with the Arabic article: "Al Qā’im", "As-Suwayda"."""
    head = re.split(r"[\s-]", name, maxsplit=1)[0]
    return fold(head) in ALL_ARTICLES


GEO_WORDS = words(
    "province governorate city town village district region county border crossing camp"
)


# What a name before it makes a street or square of a town ("Saray Square"),
# not the town. Not a bridge, market or bazaar, which a town's name puts in
# that town ("the Zakho bridge", "Tehran's Grand Bazaar").
STREET_WORD = re.compile(r"Square|Street|Avenue|Road|Boulevard|Roundabout")


def _inside_longer_name(tokens: list[Token], i: int) -> bool:
    """
    Whether a capitalised word stands next to another that is not a title, or
    before the word that makes it a street's or a square's name.
    """
    if i + 1 < len(tokens) and STREET_WORD.fullmatch(tokens[i + 1].text):
        return True

    def joins(left: Token, right: Token) -> bool:
        return (
            right.start - left.end == 1 and right.is_capitalised and left.is_capitalised
        )

    neighbours = []
    if i > 0 and joins(tokens[i - 1], tokens[i]):
        neighbours.append(tokens[i - 1])
    if i + 1 < len(tokens) and joins(tokens[i], tokens[i + 1]):
        neighbours.append(tokens[i + 1])
    return any(
        fold(t.text) not in DEMONYMS
        and fold(t.text) not in TITLE_WORDS
        and fold(t.text) not in GEO_WORDS
        and fold(t.text) not in COMMON_WORDS
        for t in neighbours
    )


def match_places(sentences: list[Sentence], text: str) -> list[PlaceMention]:
    """
    Place mentions, each resolved to one place in the light of the countries
    the article names, by name or by demonym ("Lebanese").
    """
    locations = location_index()
    raw = []
    for sentence in sentences:
        for match in find_names(
            text, sentence.tokens, [locations, gazetteer().index], accept=_accept
        ):
            raw.append((sentence, _without_duplicates(match)))

    mentioned: set[str] = set()
    for sentence in sentences:
        for token in sentence.tokens:
            country = DEMONYMS.get(fold(token.text))
            if country:
                mentioned.add(country)
    for _, match in raw:
        countries = [p for p in match.entries if p.kind == Location.Kind.COUNTRY]
        if countries:
            mentioned.add(countries[0].country)

    mentions = []
    for sentence, match in raw:
        before = text[sentence.start : match.start]
        if not LOCATIVE_CONTEXT.search(before):
            match.entries = [p for p in match.entries if not p.in_context]
            if not match.entries:
                continue
        place = max(
            match.entries,
            key=lambda p: _score(p, mentioned, sentence, text, match.start, match.end),
        )
        if _far_and_small(place, mentioned) and not (
            match.first != match.last or PLACE_BEFORE.search(before)
        ):
            # "Hassan said": a town in India named like a person, far from
            # the article and named without "in" or "from", is the person.
            continue
        if (
            _far_and_small(place, mentioned)
            and place.alternate
            and re.search(r"\bthe\s+$", before, re.IGNORECASE)
        ):
            # "at the White House": no far city's other name takes "the".
            continue
        mentions.append(
            PlaceMention(
                text[match.start : match.end],
                match.start,
                match.end,
                place,
                sentence.index,
            )
        )
    mentions += _loosely(sentences, text, mentions, mentioned)
    return sorted(mentions, key=lambda m: m.start)


# Where a small place, or a name written otherwise than the gazetteer has
# it, is read as a place: "in Koya", "near Penjwin", "the village of Zrgwez".
LOCATIVE_CONTEXT = re.compile(
    r"(?:\b(?:in|at|on|near|outside|inside|from|to|towards?|into|around|across|between|"
    r"reached|entered|village of|town of|city of|district of|sub-district of|"
    r"area of|camp of|outskirts of|villages of|towns of|residents of|"
    r"inhabitants of)"
    r"|\b(?:and|or)\s+(?:in|near|at)?)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def _loosely(
    sentences: list[Sentence],
    text: str,
    found: list[PlaceMention],
    mentioned: set[str],
) -> list[PlaceMention]:
    """
    Capitalised names after "in", "near" that no index holds as written,
    matched by a looser key among the region's places: "Koya" for the
    gazetteer's "Koye" (Koysinjaq).
    """
    loose = gazetteer().loose
    taken = [(m.start, m.end) for m in found]
    mentions = []
    for sentence in sentences:
        tokens = sentence.tokens
        for i, token in enumerate(tokens):
            if not token.text[:1].isupper() or i == 0 and sentence.heading:
                # "the town of al-Baghdadi" is no loose spelling of another
                # country's village: a name after the article matches as
                # written, or is a place of its own (unknown_places).
                continue
            if any(token.start < e and s < token.end for s, e in taken):
                continue
            before = text[sentence.start : token.start]
            if not LOCATIVE_CONTEXT.search(before):
                continue
            for length in (2, 1):
                if length == 1 and _inside_longer_name(tokens, i):
                    # "Khor Abdullah" is no "Khūr".
                    continue
                run = tokens[i : i + length]
                if len(run) < length or not all(t.is_capitalised for t in run):
                    continue
                if any(t.end - t.start < 4 for t in run):
                    continue
                name = text[run[0].start : run[-1].end]
                if fold(name) in COMMON_WORDS or fold(name) in DEMONYMS:
                    continue
                entries = loose.get(loose_key(name), [])
                if not entries:
                    continue
                place = max(
                    entries,
                    key=lambda p: _score(
                        p, mentioned, sentence, text, run[0].start, run[-1].end
                    ),
                )
                mentions.append(
                    PlaceMention(name, run[0].start, run[-1].end, place, sentence.index)
                )
                taken.append((run[0].start, run[-1].end))
                break
    return mentions


# A place no gazetteer holds, where the words around it say it is one:
# "the village of Zrgwez", "the Sidakan district", "Khor Mor gas field",
# "Zrgwez, south-east of Sulaymaniyah", "near Koya and in Zrgwez", "Tower 22,
# a U.S. outpost". A facility keeps its kind in its name ("Jeddah 5 camp");
# a settlement does not ("Karrada" district).
# Not a possessive: "Nasiriyah's Zaitoun bridge" is the Zaitoun bridge.
_WORD = r"(?:[A-Z][\w’'-]*|al-[\w’'-]+)(?<![’']s)"
_NAME = rf"(?P<name>{_WORD}(?:\s+(?:{_WORD}|\d+)){{0,3}})"
FACILITIES = (
    r"air ?base|base|camp|border crossing|crossing|gas field|oil field|field|"
    r"refinery|dam|mountains|power plant|prison|checkpoint|garrison|"
    r"rehabilitation (?:centre|center)|outpost|airport|airfield|border gate|"
    r"border post|bridge|water station|pumping station"
)
SETTLEMENTS = (
    r"village|town|city|district|sub-district|subdistrict|area|neighbourhood|"
    r"neighborhood|region|valley|quarter"
)
UNKNOWN_PLACE = [
    re.compile(
        rf"\b(?:{SETTLEMENTS}|villages|outskirts|vicinity|environs)\s+of\s+{_NAME}"
    ),
    re.compile(rf"\b{_NAME}\s+(?P<head>(?i:{FACILITIES}|{SETTLEMENTS}))\b"),
    re.compile(
        rf"\b(?:in|at|near|outside|(?:edge|outskirts)\s+of)\s+{_NAME},\s+"
        r"(?:(?:about|some)\s+)?"
        r"(?:\d+\s*(?:km|kilometres|kilometers|miles)\s+)?"
        r"(?P<direction>(?:north|south|east|west)(?:-?(?:east|west))?|"
        r"(?:north|south|east|west)(?:ern)?)\s+of\s+(?P<near>[A-Z][\w’'-]+)"
    ),
    re.compile(
        rf"\b(?:in|at|near|outside)\s+(?:the\s+)?[A-Z][\w’'-]+\s+(?:and|or)\s+"
        rf"(?:in|at|near)?\s*{_NAME}\b"
    ),
    re.compile(
        rf"\b(?:in|at|near|outside)\s+(?:the\s+)?{_NAME},\s+an?\s+(?:[\w.-]+\s+){{0,2}}?"
        rf"(?P<apposition>(?i:{FACILITIES}|{SETTLEMENTS}))\b"
    ),
    # "outside the district building in Chibayish, in Dhi Qar province",
    # "near Sidakan in Erbil province".
    re.compile(
        rf"\b(?:in|at|near|outside)\s+{_NAME},?\s+in\s+(?:the\s+)?"
        r"(?:[A-Z][\w’'-]+\s+){1,3}(?:province|governorate)\b"
    ),
    # "across Lake Urmia", "Lake Tharthar": a lake names itself, though a
    # town may share its name.
    re.compile(rf"\b(?P<name>Lake\s+{_WORD}(?:\s+{_WORD}){{0,2}})\b"),
    # "the villages of Sherwan and Kani Rash": the last of those named.
    re.compile(
        rf"\b(?:villages|towns)\s+of\s+(?:{_WORD}(?:\s+{_WORD}){{0,3}},\s+)*"
        rf"{_WORD}(?:\s+{_WORD}){{0,3}},?\s+and\s+{_NAME}"
    ),
]
SITE_HEADS = re.compile(rf"^(?:{FACILITIES})$", re.IGNORECASE)
AIRFIELD_HEADS = re.compile(r"^(?:air ?base|airport|airfield|base)$", re.IGNORECASE)


def unknown_places(
    sentences: list[Sentence],
    text: str,
    *,
    places: list[PlaceMention],
    taken: list[tuple[int, int]],
) -> tuple[list[PlaceMention], list[PlaceMention]]:
    """
    Places the words around a name say are places, though no gazetteer has
    them, and the gazetteer's places they show to be words of theirs.
    """
    far = [
        p for p in places if p.place.country not in REGION and p.place.kind == "city"
    ]
    spans = taken + [(p.start, p.end) for p in places if p not in far]
    found: list[PlaceMention] = []
    replaced: list[PlaceMention] = []
    for sentence in sentences:
        if sentence.heading:
            continue
        body = text[sentence.start : sentence.end]
        for position, pattern in enumerate(UNKNOWN_PLACE):
            for match in pattern.finditer(body):
                groups = match.groupdict()
                name = groups["name"]
                start = sentence.start + match.start("name")
                end = sentence.start + match.end("name")
                head = groups.get("head") or ""
                if head and SITE_HEADS.match(head):
                    # "Khor Mor gas field", "Jeddah 5 camp": the kind is named.
                    name = f"{name} {head}"
                    end = sentence.start + match.end("head")
                name_only = groups["name"]
                lake = name.startswith("Lake ")
                if lake:
                    name_only = name.removeprefix("Lake ")
                inside = [
                    p
                    for p in places
                    if start <= p.start
                    and p.end <= end
                    and (p.end - p.start) < (end - start)
                    and p.place.kind == Location.Kind.CITY
                ]
                if inside and head.lower() in ("bridge", "border post"):
                    # "the Zakho Bridge", "the Chaman border post": named for
                    # a town, in it.
                    continue
                if ((head and SITE_HEADS.match(head)) or lake) and inside:
                    # "Jeddah 5 camp" is no Jeddah, "Harir air base" no town.
                    blocked = [
                        (s, e)
                        for s, e in spans
                        if not any((s, e) == (p.start, p.end) for p in inside)
                    ]
                else:
                    blocked = spans
                if any(start < e and s < end for s, e in blocked):
                    continue
                replaced.extend(inside if blocked is not spans else [])
                replaced.extend(p for p in far if start < p.end and p.start < end)
                words_ = [fold(w) for w in name_only.split()]
                if any(
                    w in COMMON_WORDS or w in DEMONYMS or w in MONTHS or w in WEEKDAYS
                    for w in words_
                ) or (
                    match.start("name") == 0
                    and len(words_) == 1
                    and not head
                    and not lake
                ):
                    continue
                if position == 3 and not any(
                    p.start
                    == sentence.start
                    + match.start()
                    + len(re.match(r"\w+\s+(?:the\s+)?", match.group()).group())
                    for p in places
                ):
                    # "near Koya and in Zrgwez": only beside a known place.
                    continue
                airfield = (
                    _airfield_ending(name_only) if AIRFIELD_HEADS.match(head) else None
                )
                if airfield is not None:
                    # "Ain al-Asad air base": the gazetteer's "Al Asad Air Base".
                    found.append(
                        PlaceMention(
                            text[start:end], start, end, airfield, sentence.index
                        )
                    )
                    spans.append((start, end))
                    continue
                near = next(
                    (
                        p
                        for p in places
                        if groups.get("near")
                        and p.start == sentence.start + match.start("near")
                    ),
                    None,
                )
                beside = next(
                    (
                        p
                        for p in places
                        if p.sentence == sentence.index
                        and end <= p.start <= end + 60
                        and p.place.country
                        # "the Shalamcheh border crossing with Iran": on
                        # the other side.
                        and not re.match(r"\s*with\s+(?:the\s+)?$", text[end : p.start])
                        # "the Makhmour camp, home to Kurds who fled Turkey":
                        # a place of a relative clause about it, not its own.
                        and not RELATIVE_BEFORE.search(text, end, p.start)
                        # "the Milak crossing, killing two, officials in
                        # Afghanistan said": a clause of its own follows, its
                        # places are not where the site lies.
                        and not PARTICIPLE_BETWEEN.search(text, end, p.start)
                    ),
                    None,
                )
                kind = (
                    Location.Kind.SITE
                    if (head and SITE_HEADS.match(head))
                    or groups.get("apposition")
                    or lake
                    else Location.Kind.CITY
                )
                place = Place(
                    name,
                    near.place.lat if near else None,
                    near.place.lon if near else None,
                    (near or beside).place.country if (near or beside) else "",
                    kind,
                    unknown=True,
                    near=near.place.name if near else "",
                )
                found.append(
                    PlaceMention(text[start:end], start, end, place, sentence.index)
                )
                spans.append((start, end))
    return found + _named_again(sentences, text, found, spans), replaced


# A relative clause still open before a place: "…, home to Kurds who fled ".
RELATIVE_BEFORE = re.compile(r"\b(?:who|which|that)\b[^,]*$")
# A participle's clause after a comma: ", halting traffic into northern Iraq".
PARTICIPLE_BETWEEN = re.compile(r",\s+[a-z]+ing\b")


def _named_again(
    sentences: list[Sentence],
    text: str,
    found: list[PlaceMention],
    spans: list[tuple[int, int]],
) -> list[PlaceMention]:
    """
    A place the words around it showed to be one ("near the town of
    Jalawla") is the same place where its name comes again alone ("in
    villages east of Jalawla").
    """
    again: list[PlaceMention] = []
    for first in found:
        name = text[first.start : first.end]
        for sentence in sentences:
            if sentence.heading:
                continue
            for match in re.finditer(
                rf"(?<![\w-]){re.escape(name)}(?![\w-])",
                text[sentence.start : sentence.end],
            ):
                start = sentence.start + match.start()
                end = sentence.start + match.end()
                if any(start < e and s < end for s, e in spans):
                    continue
                again.append(
                    PlaceMention(name, start, end, first.place, sentence.index)
                )
                spans.append((start, end))
    return again


def _airfield_ending(name: str) -> Place | None:
    """An airfield whose name, without "Air Base" or "Airport", ends this one's."""
    key = name_key(name)
    for length in range(len(key), 0, -1):
        for place in gazetteer().airfield_cores.get(key[-length:], []):
            return place
    return None


# A far town is read as a place only after words such as these.
FAR_AND_SMALL = 500_000
PLACE_BEFORE = re.compile(
    r"\b(?:in|at|near|from|to|outside|inside|of|across|around|towards?|into|via|"
    r"through|between|and|or)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def _far_and_small(place: Place, mentioned: set[str]) -> bool:
    return (
        place.location_id is None
        and place.kind == Location.Kind.CITY
        and place.country not in REGION | mentioned
        # Or a far city by one of its other names: "on Nasiriyah's Zaitoun
        # bridge" is no old name of a Chinese port.
        and (place.population < FAR_AND_SMALL or place.alternate)
    )


def _without_duplicates(match: Match[Place]) -> Match[Place]:
    """A city in the database and in the gazetteer is the database's."""
    known = {p.geonames_id for p in match.entries if p.location_id and p.geonames_id}
    match.entries = [
        p for p in match.entries if p.location_id or p.geonames_id not in known
    ]
    return match


PROVINCE_AFTER = re.compile(r"^\s+(?:province|governorate|region)\b", re.IGNORECASE)
PROVINCE_BEFORE = re.compile(
    r"\b(?:province|governorate) of\s+(?:the\s+)?$", re.IGNORECASE
)
CITY_BEFORE = re.compile(r"\b(?:city|town|village) of\s+$", re.IGNORECASE)
CITY_AFTER = re.compile(r"^\s+city\b", re.IGNORECASE)


def _score(
    place: Place,
    mentioned: set[str],
    sentence: Sentence,
    text: str,
    start: int,
    end: int,
) -> tuple[float, int]:
    """
    Larger places win a shared name, on a log scale, and each of "in a
    country the article names" and "in Iraq, Iran or a neighbour" counts as
    ten times the population; "province of", "city of" settle the kind.
    """
    score = place.size()
    score += 1.0 if place.country in mentioned else 0.0
    score += 1.0 if place.country in REGION else 0.0
    score -= 1.0 if place.alternate else 0.0
    before = text[max(sentence.start, start - 30) : start]
    after = text[end : min(sentence.end, end + 30)]
    if place.kind == Location.Kind.ADMIN1 and (
        PROVINCE_AFTER.match(after) or PROVINCE_BEFORE.search(before)
    ):
        score += 10
    if place.kind == Location.Kind.CITY and (
        CITY_BEFORE.search(before) or CITY_AFTER.match(after)
    ):
        score += 10
    # Equal scores: the curated Location first.
    return score, 1 if place.location_id is not None else 0


def detail(place: Place) -> int:
    """How precisely a kind of place locates an event: 1 country … 3 city."""
    return KIND_DETAIL.get(place.kind, 1)


def last_location_index() -> NameIndex[Place]:
    """The index `location_index()` last built, without asking the database again."""
    return _location_cache[1] if _location_cache is not None else location_index()


def country_place(code: str) -> Place | None:
    """A country (ISO 3166-1 alpha-2) as a place: stored, or the gazetteer's."""
    name = _country_names().get(code)
    if not name:
        return None
    key = name_key(name)
    for index in (last_location_index(), gazetteer().index):
        for place in index.get(key):
            if place.kind == Location.Kind.COUNTRY and place.country == code:
                return place
    return None


@functools.cache
def _country_names() -> dict[str, str]:
    return {row["iso2"]: row["name"] for row in country_rows()}
