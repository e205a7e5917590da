"""
Synthetic events for load tests and benchmarks: actors, towns across Iraq,
Iran and their neighbours, events over three and a half decades with their
participants, the wire reports they come from and citations into them.

Rows go in with COPY in batches, a million events in minutes. Everything
generated is marked, so `delete_synthetic()` removes exactly it: events by
`is_synthetic`, their participants, citations and relations with them;
articles by their `synthetic.invalid` URL, actors by their description,
towns by their source.

Synthetic rows get no history: the pghistory triggers are told to skip them
(`pgtrigger.ignore`, for the writing transaction only, so other sessions'
edits are still recorded). History records what people and imports did to
the curated record; a million generated snapshots would only slow the tables
the workbench reads, and deleting the data would add a million more.
"""

import bisect
import csv
import datetime
import hashlib
import itertools
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import pghistory.trigger
import pgtrigger
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from events.actor_identity import match_keys
from events.bulk import copy_rows, deferred_cells, reserve_ids
from events.models import (
    Actor,
    ActorRole,
    ActorYear,
    Citation,
    DatePrecision,
    Event,
    EventMonth,
    EventRelation,
    GeoPrecision,
    Location,
    Participant,
    SourceArticle,
    TileCell,
    normalize_text,
)

# The marks that tell synthetic rows from curated ones.
LOCATION_SOURCE = "synthetic (generate_events)"
ACTOR_DESCRIPTION = "Synthetic actor, generated for load tests by generate_events."
URL_PREFIX = "https://synthetic.invalid/"  # RFC 2606: never a real address

PLACES_CSV = Path(settings.BASE_DIR) / "data" / "geo" / "places.csv"
BATCH_EVENTS = 20_000
# Batches written in one transaction, whose events' summed tile cells are
# added once at its end (events.bulk.deferred_cells): a cell shared by the
# batches' events is updated once rather than once a batch.
BATCHES_PER_COMMIT = 10
MAX_ACTORS = 10_000
FIRST_YEAR, LAST_YEAR = 1990, 2025
# A load of at least this many events, and at least as many as the events
# already stored, drops the written tables' secondary indexes and foreign
# keys and makes them again at its end (`rebuilt_after`): one pass over a
# table costs less than keeping every index in step and checking every row's
# keys at each commit, the more so as the tables outgrow memory.
REBUILD_FROM = 100_000
# The tables such a load writes.
WRITTEN_MODELS = [Event, Participant, Citation, EventRelation, SourceArticle]
# The sums and counts the events' triggers keep as the rows go in.
SUMMED_MODELS = [TileCell, EventMonth, ActorYear, ActorRole]
# Memory for building an index again (PostgreSQL's default is 64 MB).
REBUILD_MEMORY = "1GB"
# Models whose history triggers skip synthetic rows.
TRACKED_MODELS = [Event, Participant, Citation, EventRelation, SourceArticle, Actor]
TRACKED_MODELS += [Location]


@dataclass
class Report:
    events: int = 0
    participants: int = 0
    citations: int = 0
    relations: int = 0
    articles: int = 0
    actors: int = 0
    locations: int = 0
    seconds: float = 0.0
    kept: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.events:,} events, {self.participants:,} participants, "
            f"{self.citations:,} citations, {self.relations:,} relations, "
            f"{self.articles:,} articles, {self.actors:,} actors, "
            f"{self.locations:,} towns in {self.seconds:.1f} s"
        )


def default_actor_count(events: int) -> int:
    """A tenth as many actors as events, at most MAX_ACTORS."""
    return max(10, min(MAX_ACTORS, events // 10))


# --- vocabulary ----------------------------------------------------------------


def words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = words("""
Ali Mohammed Hassan Hussein Ahmed Omar Karim Reza Mehdi Hamid Jalal
Masoud Qubad Barham Fuad Haider Hadi Qais Ammar Nouri Ayad Saleh Kamal Farhad Dara
Rebwar Shirin Leila Zainab Fatima Maryam Narges Soraya Nasrin Parisa Hana Rania Layla
Yousef Ibrahim Ismail Mustafa Mahmoud Khalid Tariq Faisal Abbas Jafar Majid Saeed
Javad Mojtaba Hossein Amir Bahram Kaveh Arash Dilan Rojin Azad Baran Sirwan Hemin
Karwan Salar Shwan Aram Nawzad Goran Sherzad Bakhtiar Kosrat Adnan Falah Jabbar
Nabil Raed Samir Sami Walid Yasin Zaid Bilal Emad Firas Ghassan Hazem Issam Jamal
Laith Maher Nizar Osama Rafid Sabah Talal Wisam Younis Zuhair Akbar Behrouz Dariush
Ebrahim Farzad Ghasem Habib Iraj Kamran Mansour Nader Omid Parviz Ramin Siamak
Touraj Vahid Yaghoub Zohreh Mina Elham Azadeh Bita Roya Sima Golnar""")
MIDDLE_NAMES = words("""
Abdul Abd Ali Hassan Jassim Kadhim Mahdi Saleh Hamza Aziz Rasul
Karim Nasser Mohsen Taha Sadiq""")
SURNAMES = words("""
al-Maliki al-Abadi al-Hakim al-Jubouri al-Obeidi al-Dulaimi al-Tamimi
al-Khazali al-Amiri al-Fayyadh al-Shammari al-Zubaidi al-Musawi al-Rubaie al-Saadi
al-Kaabi al-Lami al-Bayati al-Hashimi al-Janabi al-Mashhadani al-Nujaifi al-Issawi
al-Karbouli al-Halbousi al-Saedi al-Asadi al-Khafaji al-Mohammadawi al-Daraji
Barzani Talabani Zebari Hawrami Bapir Qadir Othman Rashid Aziz Kareem Hamad Sharif
Mahmoud Faraj Rasul Sindi Doski Hosseini Rezaei Mohammadi Ahmadi Karimi Jafari
Rahimi Moradi Sadeghi Ghorbani Salehi Hashemi Mousavi Tehrani Shirazi Esfahani
Kermani Rostami Bagheri Naqdi Pakpour Zarei Heidari Ebrahimi Nazari Yazdani Akbari
Kazemi Mirzaei Ranjbar Asadi Jalali Farahani Behbahani Khorasani Tabrizi Ardalan
Sanandaji Kordestani Mokri Baneh Yilmaz Demir Kaya Celik Aydin Ozturk Arslan Dogan
Kilic Aslan Haddad Khoury Nasrallah Saleh Hamdan Qasim Nasser Younes Abbas Darwish
Ghanem Jaber""")
PLACE_WORDS = words("""
Zagros Tigris Euphrates Hamrin Qandil Sinjar Makhmour Shatt Khabur
Diyala Karun Zab Hawraman Sefin Gara Asos Pira Magrun Bamo Shaho Dalahu Kalar
Garmiyan Badra Mandali Rabia Tal Afar Qaim""")
VIRTUES = words("""
Righteous Faithful Free Brave Loyal Just Victorious Steadfast
Martyrs Dawn Hope Unity Resistance Liberation Salvation Defenders""")
GROUP_NOUNS = words("""
Brigade Brigades Battalion Battalions Front Movement Army Guard
Forces Committee Companies Regiment Column Squadron Vanguard""")
PARTY_NOUNS = words("""
Party Alliance Coalition Movement Union Bloc List Current Front
Assembly Gathering""")
PARTY_WORDS = words("""
National Democratic Popular Progressive Islamic Civic Patriotic
Reform Justice Renewal Change Future Dignity Sovereignty Construction Unity
Liberal Labour Green Federal""")
PORTFOLIOS = [
    "the Interior", "Defence", "Foreign Affairs", "Oil", "Electricity",
    "Water Resources", "Finance", "Trade", "Health", "Education", "Justice",
    "Migration", "Agriculture", "Transport", "Planning", "Communications",
    "Culture", "Youth", "Labour", "Industry", "Environment", "Housing",
]  # fmt: skip
FORCE_UNITS = [
    "Division", "Brigade", "Regiment", "Border Guard Command", "Police Command",
    "Counter-Terrorism Unit", "Rapid Response Battalion", "Emergency Police",
    "Intelligence Directorate", "Special Forces Group", "Air Defence Unit",
    "Riverine Police",
]  # fmt: skip
ORDINALS = ["1st", "2nd", "3rd"] + [f"{n}th" for n in range(4, 21)]
MEDIA_NOUNS = ["News Agency", "Today", "Daily", "TV", "Radio", "Post", "Monitor"]
INTERNATIONAL_ORGS = [
    "United Nations Assistance Mission", "International Committee for Refugees",
    "Regional Water Commission", "Joint Border Monitoring Mission",
    "Humanitarian Coordination Office", "International Demining Group",
    "Red Crescent Relief Team", "Committee to Protect Reporters",
]  # fmt: skip
PUBLISHERS = [
    "Rudaw", "Kurdistan24", "Shafaq News", "The New Arab", "Al-Monitor",
    "Reuters", "Agence France-Presse", "Associated Press", "IRNA", "ISNA",
    "Tasnim", "Mehr News", "Iraqi News Agency", "BasNews", "Hengaw",
    "Kurdistan Human Rights Network", "Amwaj.media", "Middle East Eye",
]  # fmt: skip
GRIEVANCES = [
    "power cuts", "water shortages", "unemployment", "unpaid salaries",
    "corruption", "fuel prices", "election results", "the cost of living",
    "a dam project", "land seizures", "the arrest of activists", "farm subsidies",
    "poor public services", "a factory closure", "teachers' pay",
]  # fmt: skip
TOPICS = [
    "border security", "water sharing", "oil exports", "trade", "refugees",
    "detainees", "electricity imports", "gas supply", "reconstruction",
    "customs duties", "disarmament", "pilgrim traffic", "drug smuggling",
    "displaced families", "budget transfers",
]  # fmt: skip
CHARGES = [
    "smuggling", "membership of a banned group", "inciting unrest",
    "spying", "corruption", "arms trafficking", "kidnapping", "fraud",
]  # fmt: skip
OFFICES = [
    "governor", "police chief", "deputy minister", "provincial council head",
    "border commander", "central bank governor", "security adviser", "mayor",
]  # fmt: skip
WEAPONS = [
    "a drone strike", "an artillery barrage", "a rocket attack", "a roadside bomb",
    "an air strike", "a car bomb", "a mortar attack", "a grenade attack",
]  # fmt: skip
RETRACTION_REASONS = [
    "Duplicate of another report.", "The source withdrew the report.",
    "Misdated: the incident took place years earlier.",
]  # fmt: skip

# Event types with ACLED-like frequencies and their sub-event types.
TYPE_WEIGHTS = {
    Event.Type.BATTLE: 15,
    Event.Type.REMOTE_VIOLENCE: 18,
    Event.Type.VIOLENCE_AGAINST_CIVILIANS: 9,
    Event.Type.PROTEST: 24,
    Event.Type.RIOT: 5,
    Event.Type.ARREST: 6,
    Event.Type.DEPLOYMENT: 5,
    Event.Type.AGREEMENT: 1,
    Event.Type.STATEMENT: 7,
    Event.Type.MEETING: 5,
    Event.Type.APPOINTMENT: 1,
    Event.Type.DEATH: 1,
    Event.Type.OTHER: 3,
}
SUB_TYPES = {
    Event.Type.BATTLE: ["Armed clash", "Government regains territory"],
    Event.Type.REMOTE_VIOLENCE: [
        "Air/drone strike", "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED", "Grenade",
    ],
    Event.Type.VIOLENCE_AGAINST_CIVILIANS: [
        "Attack", "Abduction/forced disappearance",
    ],
    Event.Type.PROTEST: ["Peaceful protest", "Protest with intervention"],
    Event.Type.RIOT: ["Violent demonstration", "Mob violence"],
    Event.Type.ARREST: ["Arrests"],
    Event.Type.DEPLOYMENT: ["Change to group/activity"],
    Event.Type.AGREEMENT: ["Agreement"],
    Event.Type.STATEMENT: [""],
    Event.Type.MEETING: [""],
    Event.Type.APPOINTMENT: [""],
    Event.Type.DEATH: [""],
    Event.Type.OTHER: ["Other"],
}  # fmt: skip
VIOLENT = {
    Event.Type.BATTLE, Event.Type.REMOTE_VIOLENCE,
    Event.Type.VIOLENCE_AGAINST_CIVILIANS, Event.Type.RIOT, Event.Type.DEATH,
}  # fmt: skip
# Where events happen: Iraq and Iran by their towns, the neighbours by area.
COUNTRY_WEIGHTS = {"IRQ": 50, "IRN": 42, "TUR": 3, "SYR": 3, "KWT": 1, "SAU": 1}
STATUS_WEIGHTS = {
    Event.Status.PUBLISHED: 92,
    Event.Status.DRAFT: 4,
    Event.Status.IN_REVIEW: 2,
    Event.Status.RETRACTED: 2,
}
PRECISION_WEIGHTS = {
    DatePrecision.DAY: 85,
    DatePrecision.WEEK: 5,
    DatePrecision.MONTH: 7,
    DatePrecision.YEAR: 3,
}
ACTOR_KIND_WEIGHTS = {
    Actor.Kind.PERSON: 45,
    Actor.Kind.ARMED_GROUP: 15,
    Actor.Kind.SECURITY_FORCE: 15,
    Actor.Kind.GOVERNMENT_BODY: 12,
    Actor.Kind.POLITICAL_PARTY: 6,
    Actor.Kind.MEDIA: 4,
    Actor.Kind.INTERNATIONAL_ORG: 1,
}
COUNTRY_NAMES = {
    "IRQ": "Iraq", "IRN": "Iran", "TUR": "Turkey", "SYR": "Syria",
    "KWT": "Kuwait", "SAU": "Saudi Arabia",
}  # fmt: skip


class Picker:
    """Weighted choice by bisecting cumulative weights: cheap enough for 10^7 calls."""

    def __init__(self, rng: random.Random, weights: dict) -> None:
        self.rng = rng
        self.values = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def __call__(self) -> object:
        point = self.rng.random() * self.total
        return self.values[bisect.bisect_right(self.cumulative, point)]


# --- COPY text format ------------------------------------------------------------

ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def text(value: str) -> str:
    return value.translate(ESCAPES)


def text_array(values: list[str]) -> str:
    quoted = ('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return text("{" + ",".join(quoted) + "}")


def number(value: int | None) -> str:
    return NULL if value is None else str(value)


@contextmanager
def without_history() -> Iterator[None]:
    """
    A transaction whose writes to curated tables leave no history rows.
    pgtrigger.ignore sets its variable, local to the transaction, with each
    statement sent through Django's cursor; COPY goes to psycopg directly, so a
    statement is sent first to set it for everything after.
    """
    uris = [
        f"{model._meta.label}:{trigger.name}"
        for model, trigger in pgtrigger.registered()
        if model in TRACKED_MODELS and isinstance(trigger, pghistory.trigger.Event)
    ]
    with pgtrigger.ignore(*uris), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            # Faster COPY: a larger pending list for the full-text GIN index,
            # and no wait for the WAL flush at each commit (synthetic rows
            # lost in a crash are regenerated).
            cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
            cursor.execute("SET LOCAL synchronous_commit = off")
        yield


# --- places and actors -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Town:
    location_id: int
    name: str
    province: str
    country: str
    lon: float
    lat: float
    weight: float = 1.0


def create_towns() -> tuple[dict[str, list[Town]], int]:
    """
    A synthetic city Location for every GeoNames town in places.csv, under its
    province; the towns that are already curated are used as they are.
    Returns the towns by country code and how many were created.
    """
    provinces = {
        code: (pk, name)
        for pk, code, name in Location.objects.filter(
            kind=Location.Kind.ADMIN1
        ).values_list("pk", "code", "name")
    }
    curated = dict(
        Location.objects.exclude(geonames_id=None).values_list("geonames_id", "pk")
    )
    existing = {
        (name, parent): pk
        for pk, name, parent in Location.objects.filter(
            source=LOCATION_SOURCE
        ).values_list("pk", "name", "parent_id")
    }
    with PLACES_CSV.open(encoding="utf-8", newline="") as fh:
        rows = [row for row in csv.DictReader(fh) if row["admin1_iso"] in provinces]
    new_rows = [
        row
        for row in rows
        if int(row["geonameid"]) not in curated
        and (row["name"], provinces[row["admin1_iso"]][0]) not in existing
    ]
    ids = iter(reserve_ids(Location, len(new_rows)))
    now = timestamp(datetime.datetime.now(datetime.UTC))
    lines = []
    towns: dict[str, list[Town]] = {}
    for row in rows:
        province_id, province_name = provinces[row["admin1_iso"]]
        country = "IRQ" if row["country_iso2"] == "IQ" else "IRN"
        lon, lat = float(row["lon"]), float(row["lat"])
        geonames_id = int(row["geonameid"])
        pk = curated.get(geonames_id) or existing.get((row["name"], province_id))
        if pk is None:
            pk = next(ids)
            where = f"SRID=4326;POINT({lon} {lat})"
            lines.append(
                "\t".join([
                    str(pk), text(row["name"]), "{}", Location.Kind.CITY, NULL,
                    country, where, where, "", text(LOCATION_SOURCE), now, now,
                    str(province_id),
                ]) + "\n"
            )  # fmt: skip
        # Bigger towns see more events, but far from in proportion.
        weight = max(int(row["population"] or 0), 1000) ** 0.5
        towns.setdefault(country, []).append(
            Town(pk, row["name"], province_name, country, lon, lat, weight)
        )
    copy_rows(
        Location._meta.db_table,
        ["id", "name", "alternate_names", "kind", "code", "country_code",
         "geometry", "point", "wikidata_id", "source", "created_at", "updated_at",
         "parent_id"],
        lines,
    )  # fmt: skip
    return towns, len(lines)


def area_points(*, seed: int) -> dict[str, list[Town]]:
    """Points spread over each neighbouring country, for events placed by area."""
    neighbours = [code for code in COUNTRY_WEIGHTS if code not in ("IRQ", "IRN")]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT l.id, l.name, l.code, ST_X(p.geom), ST_Y(p.geom)
            FROM events_location l,
                 ST_Dump(ST_GeneratePoints(l.geometry, 300, %s)) AS p
            WHERE l.kind = 'country' AND l.code = ANY(%s)
            ORDER BY l.code, p.path
            """,
            [seed % 2**31 + 1, neighbours],
        )
        points: dict[str, list[Town]] = {}
        for pk, name, code, lon, lat in cursor.fetchall():
            points.setdefault(code, []).append(Town(pk, name, name, code, lon, lat))
    return points


def actor_names(*, rng: random.Random, kind: str, country: str) -> Iterator[str]:
    """Endless plausible names of one kind, some repeating (the caller dedupes)."""
    country_name = COUNTRY_NAMES.get(country, country)
    while True:
        if kind == Actor.Kind.PERSON:
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            if rng.random() < 0.3:
                yield f"{first} {rng.choice(MIDDLE_NAMES)} {last}"
            else:
                yield f"{first} {last}"
        elif kind == Actor.Kind.ARMED_GROUP:
            roll = rng.random()
            if roll < 0.4:
                yield f"{rng.choice(GROUP_NOUNS)} of the {rng.choice(VIRTUES)}"
            elif roll < 0.8:
                yield f"{rng.choice(PLACE_WORDS)} {rng.choice(GROUP_NOUNS)}"
            else:
                yield (
                    f"{rng.choice(VIRTUES)} {rng.choice(GROUP_NOUNS)} of "
                    f"{rng.choice(PLACE_WORDS)}"
                )
        elif kind == Actor.Kind.SECURITY_FORCE:
            unit = rng.choice(FORCE_UNITS)
            if rng.random() < 0.5:
                yield f"{rng.choice(ORDINALS)} {unit} ({country_name})"
            else:
                yield f"{rng.choice(PLACE_WORDS)} {unit}"
        elif kind == Actor.Kind.GOVERNMENT_BODY:
            if rng.random() < 0.6:
                yield f"Ministry of {rng.choice(PORTFOLIOS)} ({country_name})"
            else:
                yield f"{rng.choice(PLACE_WORDS)} Provincial Council"
        elif kind == Actor.Kind.POLITICAL_PARTY:
            yield (
                f"{rng.choice(PARTY_WORDS)} {rng.choice(PARTY_WORDS)} "
                f"{rng.choice(PARTY_NOUNS)}"
            )
        elif kind == Actor.Kind.MEDIA:
            yield f"{rng.choice(PLACE_WORDS)} {rng.choice(MEDIA_NOUNS)}"
        else:
            yield rng.choice(INTERNATIONAL_ORGS)


def acronym(name: str) -> str:
    return "".join(word[0] for word in name.split() if word[:1].isupper())


@dataclass(frozen=True, slots=True)
class SyntheticActor:
    pk: int
    name: str
    kind: str


def create_actors(
    *, rng: random.Random, count: int
) -> tuple[dict[tuple[str, str], list[SyntheticActor]], int]:
    """
    `count` synthetic actors (fewer if the database already holds them), and
    every synthetic actor by (country, kind), plus the civilians, protesters
    and rioters of each country.
    """
    taken = {
        (name.casefold(), country)
        for name, country in Actor.objects.values_list("name", "country")
    }
    existing = list(
        Actor.objects.filter(description=ACTOR_DESCRIPTION).values_list(
            "pk", "name", "kind", "country"
        )
    )
    wanted: list[tuple[str, str, str, list[str]]] = []
    crowds = [
        (f"{crowd} ({COUNTRY_NAMES[code]})", kind, code)
        for code in COUNTRY_WEIGHTS
        for crowd, kind in [
            ("Civilians", Actor.Kind.CIVILIANS),
            ("Protesters", Actor.Kind.OTHER),
            ("Rioters", Actor.Kind.OTHER),
        ]
    ]
    # The crowds of a country may be curated already ("Protesters (Iran)"):
    # synthetic events then name the curated actor.
    curated_crowds = []
    for name, kind, code in crowds:
        if (name.casefold(), code) not in taken:
            wanted.append((name, kind, code, []))
            taken.add((name.casefold(), code))
        elif not any(row[1] == name and row[3] == code for row in existing):
            actor = Actor.objects.get(name__iexact=name, country=code)
            curated_crowds.append((actor.pk, name, kind, code))
    # Two of every kind in Iraq and Iran, so every story finds its cast, then
    # kinds and countries at their usual frequencies.
    have = Counter((kind, country) for _, _, kind, country in existing)
    slots = [
        (kind, country)
        for country in ("IRQ", "IRN")
        for kind in ACTOR_KIND_WEIGHTS
        for _ in range(max(2 - have[(kind, country)], 0))
    ]
    kinds = Picker(rng, ACTOR_KIND_WEIGHTS)
    countries = Picker(rng, COUNTRY_WEIGHTS)
    slots += [
        (kinds(), countries())
        for _ in range(max(count - len(existing) - len(slots), 0))
    ]
    generators: dict[tuple[str, str], Iterator[str]] = {}
    for kind, country in slots:
        if (kind, country) not in generators:
            generators[kind, country] = actor_names(rng=rng, kind=kind, country=country)
        # Give up on a slot whose kind has run out of new names.
        for name in itertools.islice(generators[kind, country], 50):
            if (name.casefold(), country) not in taken:
                break
        else:
            continue
        taken.add((name.casefold(), country))
        aliases = []
        groups = (Actor.Kind.ARMED_GROUP, Actor.Kind.POLITICAL_PARTY)
        if kind in groups and len(short := acronym(name)) >= 3 and rng.random() < 0.5:
            aliases.append(short)
        wanted.append((name, kind, country, aliases))
    ids = reserve_ids(Actor, len(wanted))
    now = timestamp(datetime.datetime.now(datetime.UTC))
    lines = [
        "\t".join([
            str(pk), text(name), text_array(aliases), kind, country, "",
            text(ACTOR_DESCRIPTION), now, now, NULL,
            text_array(match_keys(name, aliases, kind)),
        ]) + "\n"
        for pk, (name, kind, country, aliases) in zip(ids, wanted, strict=True)
    ]  # fmt: skip
    copy_rows(
        Actor._meta.db_table,
        ["id", "name", "aliases", "kind", "country", "wikidata_id", "description",
         "created_at", "updated_at", "parent_id", "match_keys"],
        lines,
    )  # fmt: skip
    pool: dict[tuple[str, str], list[SyntheticActor]] = {}
    everyone = (
        existing
        + curated_crowds
        + [
            (pk, name, kind, country)
            for pk, (name, kind, country, _) in zip(ids, wanted, strict=True)
        ]
    )
    for pk, name, kind, country in everyone:
        pool.setdefault((country, kind), []).append(SyntheticActor(pk, name, kind))
    return pool, len(lines)


def timestamp(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S+00")


# --- events ------------------------------------------------------------------------


class EventFactory:
    """Events in blocks: one wire report and the one to four events it tells of."""

    def __init__(
        self,
        *,
        rng: random.Random,
        towns: dict[str, list[Town]],
        areas: dict[str, list[Town]],
        actors: dict[tuple[str, str], list[SyntheticActor]],
    ) -> None:
        self.rng = rng
        self.towns = {code: towns[code] for code in ("IRQ", "IRN")}
        self.town_weights = {
            code: list(itertools.accumulate(town.weight for town in towns[code]))
            for code in ("IRQ", "IRN")
        }
        self.areas = areas
        self.actors = actors
        self.types = Picker(rng, TYPE_WEIGHTS)
        self.countries = Picker(rng, COUNTRY_WEIGHTS)
        self.statuses = Picker(rng, STATUS_WEIGHTS)
        self.precisions = Picker(rng, PRECISION_WEIGHTS)
        # More events in later years, as in the datasets' own growth.
        self.years = Picker(
            rng,
            {
                year: (year - FIRST_YEAR + 3) ** 1.5
                for year in range(FIRST_YEAR, LAST_YEAR + 1)
            },
        )
        self.today = datetime.date.today()
        self.now = datetime.datetime.now(datetime.UTC)

    # Places and people.

    def place(self, country: str) -> tuple[Town, str, float, float]:
        """A town (or an area abroad), the geo precision and the event's point."""
        rng = self.rng
        if country in self.towns:
            weights = self.town_weights[country]
            index = bisect.bisect_right(weights, rng.random() * weights[-1])
            town = self.towns[country][index]
            roll = rng.random()
            if roll < 0.65:
                precision, spread = GeoPrecision.EXACT, 0.01
            elif roll < 0.92:
                precision, spread = GeoPrecision.NEAR, 0.08
            else:
                precision, spread = GeoPrecision.REGION, 0.25
        else:
            town = rng.choice(self.areas[country])
            precision, spread = GeoPrecision.REGION, 0.0
        lon = round(town.lon + rng.uniform(-spread, spread), 5)
        lat = round(town.lat + rng.uniform(-spread, spread), 5)
        return town, precision, lon, lat

    def actor(
        self, country: str, *kinds: str, besides: SyntheticActor | None = None
    ) -> SyntheticActor:
        """
        A popular actor more often than an obscure one (a Zipf-like skew),
        and not `besides`: nobody clashes with themselves.
        """
        rng = self.rng
        for kind in kinds:
            pool = self.actors.get((country, kind)) or self.actors.get(("IRQ", kind))
            if not pool or pool == [besides]:
                continue
            index = int(len(pool) * rng.random() ** 3)
            if pool[index] == besides:
                index = (index + 1) % len(pool)
            return pool[index]
        raise LookupError(f"No synthetic actor of kinds {kinds}")

    def crowd(self, country: str, name: str) -> SyntheticActor:
        """The protesters or rioters of a country."""
        wanted = f"{name} ({COUNTRY_NAMES[country]})"
        for candidate in self.actors.get((country, Actor.Kind.OTHER), []):
            if candidate.name == wanted:
                return candidate
        raise LookupError(wanted)

    # Dates.

    def dates(self, around: datetime.date) -> tuple[str, datetime.date, datetime.date]:
        rng = self.rng
        precision = self.precisions()
        day = around + datetime.timedelta(days=rng.randint(-6, 6))
        day = min(day, self.today)
        if precision == DatePrecision.DAY:
            # A few events last several days.
            if rng.random() < 0.06:
                end = day + datetime.timedelta(days=rng.randint(1, 4))
                return precision, day, min(end, self.today)
            return precision, day, day
        if precision == DatePrecision.WEEK:
            start = day - datetime.timedelta(days=day.weekday())
            return precision, start, start + datetime.timedelta(days=6)
        if precision == DatePrecision.MONTH:
            start = day.replace(day=1)
            following = (start + datetime.timedelta(days=32)).replace(day=1)
            return precision, start, following - datetime.timedelta(days=1)
        return precision, day.replace(month=1, day=1), day.replace(month=12, day=31)

    # One event's words and participants.

    def story(
        self, event_type: str, country: str, town: Town
    ) -> tuple[str, str, list[tuple[SyntheticActor, str]], str]:
        """Title, first sentence, participants with roles, and a detail sentence."""
        rng = self.rng
        actor = self.actor
        place = (
            f"{town.name}, {town.province}"
            if town.name != town.province
            else (town.name)
        )
        kind = Actor.Kind
        if event_type == Event.Type.BATTLE:
            a = actor(country, kind.SECURITY_FORCE, kind.ARMED_GROUP)
            b = actor(country, kind.ARMED_GROUP, besides=a)
            return (
                f"Clashes between {a.name} and {b.name} near {town.name}",
                f"{a.name} clashed with fighters of {b.name} near {place}.",
                [(a, "initiator"), (b, "target")],
                "Both sides used small arms and mortars.",
            )
        if event_type == Event.Type.REMOTE_VIOLENCE:
            weapon = rng.choice(WEAPONS)
            a = actor(country, kind.SECURITY_FORCE, kind.ARMED_GROUP)
            b = actor(country, kind.ARMED_GROUP, kind.SECURITY_FORCE, besides=a)
            return (
                f"{weapon.split(' ', 1)[1].capitalize()} near {town.name}",
                f"{a.name} carried out {weapon} on positions of {b.name} near {place}.",
                [(a, "initiator"), (b, "target")],
                "Local officials reported damage to buildings and vehicles.",
            )
        if event_type == Event.Type.VIOLENCE_AGAINST_CIVILIANS:
            a = actor(country, kind.ARMED_GROUP, kind.SECURITY_FORCE)
            b = actor(country, kind.CIVILIANS)
            return (
                f"Attack on civilians in {town.name}",
                f"Gunmen from {a.name} attacked civilians in {place}.",
                [(a, "initiator"), (b, "target")],
                "Witnesses said the attackers fled before security forces arrived.",
            )
        if event_type in (Event.Type.PROTEST, Event.Type.RIOT):
            grievance = rng.choice(GRIEVANCES)
            crowd = "Rioters" if event_type == Event.Type.RIOT else "Protesters"
            a = self.crowd(country, crowd)
            b = actor(country, kind.GOVERNMENT_BODY)
            title = (
                f"Protest in {town.name} over {grievance}"
                if event_type == Event.Type.PROTEST
                else f"Riot in {town.name} over {grievance}"
            )
            return (
                title,
                f"{crowd} gathered outside the offices of {b.name} in {place} "
                f"over {grievance}.",
                [(a, "participant"), (b, "target")],
                "Police blocked the main road to the governorate building."
                if event_type == Event.Type.PROTEST
                else "Protesters set fire to tyres and threw stones at police.",
            )
        if event_type == Event.Type.ARREST:
            a = actor(country, kind.SECURITY_FORCE)
            b = actor(country, kind.PERSON)
            charge = rng.choice(CHARGES)
            return (
                f"{b.name} detained in {town.name}",
                f"{a.name} arrested {b.name} in {place} on charges of {charge}.",
                [(a, "initiator"), (b, "target")],
                "A court ordered the suspect held for further questioning.",
            )
        if event_type == Event.Type.DEPLOYMENT:
            a = actor(country, kind.SECURITY_FORCE)
            return (
                f"{a.name} deployed to {town.name}",
                f"{a.name} deployed additional units to {place}.",
                [(a, "initiator")],
                "Officials said the deployment would secure the border crossings.",
            )
        if event_type == Event.Type.AGREEMENT:
            topic = rng.choice(TOPICS)
            a = actor(country, kind.GOVERNMENT_BODY)
            b = actor(rng.choice(["IRQ", "IRN"]), kind.GOVERNMENT_BODY, besides=a)
            roles = [(a, "signatory"), (b, "signatory")]
            if rng.random() < 0.3:
                roles.append((actor(country, kind.INTERNATIONAL_ORG), "mediator"))
            return (
                f"Agreement on {topic} signed in {town.name}",
                f"{a.name} and {b.name} signed an agreement on {topic} in {place}.",
                roles,
                "The text is to be ratified by parliament.",
            )
        if event_type == Event.Type.STATEMENT:
            topic = rng.choice(TOPICS)
            a = actor(country, kind.GOVERNMENT_BODY, kind.PERSON)
            b = actor(country, kind.ARMED_GROUP, kind.POLITICAL_PARTY)
            return (
                f"{a.name} statement on {topic}",
                f"{a.name} issued a statement on {topic}, naming {b.name}.",
                [(a, "initiator"), (b, "mentioned")],
                "The statement was read out on state television.",
            )
        if event_type == Event.Type.MEETING:
            topic = rng.choice(TOPICS)
            a = actor(country, kind.PERSON)
            b = actor(rng.choice(["IRQ", "IRN"]), kind.PERSON, besides=a)
            return (
                f"{a.name} meets {b.name} in {town.name}",
                f"{a.name} met {b.name} in {place} to discuss {topic}.",
                [(a, "participant"), (b, "participant")],
                "Both sides called the talks constructive.",
            )
        if event_type == Event.Type.APPOINTMENT:
            office = rng.choice(OFFICES)
            a = actor(country, kind.GOVERNMENT_BODY)
            b = actor(country, kind.PERSON)
            return (
                f"{b.name} appointed {office}",
                f"{a.name} appointed {b.name} as {office} in {place}.",
                [(a, "initiator"), (b, "target")],
                "The appointment takes effect immediately.",
            )
        if event_type == Event.Type.DEATH:
            a = actor(country, kind.SECURITY_FORCE)
            b = actor(country, kind.PERSON)
            return (
                f"Death in custody of {b.name} in {town.name}",
                f"{b.name} died in the custody of {a.name} in {place}.",
                [(a, "initiator"), (b, "target")],
                "Relatives said the body showed signs of torture.",
            )
        a = actor(country, kind.POLITICAL_PARTY, kind.ARMED_GROUP)
        topic = rng.choice(TOPICS)
        return (
            f"{a.name} announcement on {topic}",
            f"{a.name} announced a new position on {topic} in {place}.",
            [(a, "initiator")],
            "Observers expect the move to shift local alliances.",
        )

    def fatalities(self, event_type: str) -> tuple[int | None, int | None, int | None]:
        rng = self.rng
        if event_type not in VIOLENT or rng.random() < 0.2:
            return None, None, None
        best = 0 if rng.random() < 0.35 else int(rng.paretovariate(1.3))
        best = min(best, 400)
        if rng.random() < 0.5:
            return best, best, best
        return max(best - rng.randint(0, 3), 0), best, best + rng.randint(0, 5)

    def block(self) -> Iterator[dict]:
        """1 to 4 events in one country, days apart, told by one report."""
        rng = self.rng
        country = self.countries()
        year = self.years()
        around = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        around = min(around, self.today)
        size = 1 + int(rng.random() ** 2 * 4)
        for _ in range(size):
            event_type = self.types()
            town, geo_precision, lon, lat = self.place(country)
            title, sentence, roles, detail = self.story(event_type, country, town)
            low, best, high = self.fatalities(event_type)
            if best is None:
                fatal = ""
            elif best == 0:
                fatal = " No casualties were reported."
            elif best == 1:
                fatal = " One person was killed."
            else:
                fatal = f" At least {best} people were killed."
            precision, start, end = self.dates(around)
            status = self.statuses()
            yield {
                "title": title[:300],
                "sentence": sentence,
                "summary": f"{sentence}{fatal} {detail}",
                "fatal": fatal.strip(),
                "event_type": event_type,
                "sub_event_type": rng.choice(SUB_TYPES[event_type]),
                "start": start,
                "end": end,
                "date_precision": precision,
                "location_id": town.location_id,
                "geo_precision": geo_precision,
                "point": f"SRID=4326;POINT({lon} {lat})",
                "low": low,
                "best": best,
                "high": high,
                "status": status,
                "confidence": rng.choice(["low", "medium", "medium", "high"]),
                "roles": roles,
            }


def event_line(pk: int, event: dict, *, reported: datetime.datetime, rng) -> str:
    status = event["status"]
    created = timestamp(reported)
    updated = timestamp(reported + datetime.timedelta(hours=rng.randint(0, 400)))
    published = (
        timestamp(reported + datetime.timedelta(hours=rng.randint(1, 72)))
        if status in (Event.Status.PUBLISHED, Event.Status.RETRACTED)
        else NULL
    )
    reason = rng.choice(RETRACTION_REASONS) if status == Event.Status.RETRACTED else ""
    return (
        "\t".join([
            str(pk), text(event["title"]), text(event["summary"]),
            event["event_type"], text(event["sub_event_type"]),
            event["start"].isoformat(), event["end"].isoformat(),
            event["date_precision"], str(event["location_id"]),
            event["geo_precision"], event["point"], number(event["low"]),
            number(event["best"]), number(event["high"]), status, reason,
            event["confidence"], "1", created, updated, published, "", "", "", "t",
        ])
        + "\n"
    )  # fmt: skip


EVENT_COLUMNS = [
    "id", "title", "summary", "event_type", "sub_event_type", "start_date",
    "end_date", "date_precision", "location_id", "geo_precision", "point",
    "fatalities_low", "fatalities_best", "fatalities_high", "status",
    "retraction_reason", "confidence", "version", "created_at", "updated_at",
    "published_at", "acled_id", "ucdp_id", "gdelt_id", "is_synthetic",
]  # fmt: skip
ARTICLE_COLUMNS = [
    "id", "url", "title", "publisher", "author", "published_on", "language",
    "body", "content_hash", "state", "created_at", "updated_at", "rejected_spans",
]  # fmt: skip


def write_batch(*, factory: EventFactory, events: int) -> Report:
    """About `events` events with their articles, participants and citations."""
    rng = factory.rng
    blocks = []
    total = 0
    while total < events:
        block = list(itertools.islice(factory.block(), events - total))
        blocks.append(block)
        total += len(block)
    event_ids = iter(reserve_ids(Event, total))
    article_ids = iter(reserve_ids(SourceArticle, len(blocks)))
    report = Report()
    event_lines, article_lines, participant_lines = [], [], []
    citation_lines, relation_lines = [], []
    for block in blocks:
        article_id = next(article_ids)
        publisher = rng.choice(PUBLISHERS)
        latest = max(event["start"] for event in block)
        published_on = min(
            latest + datetime.timedelta(days=rng.randint(0, 2)), factory.today
        )
        lead = f"{publisher} report, {published_on:%d %B %Y}.\n\n"
        body = lead
        offsets = []
        for event in block:
            offsets.append(len(body))
            body += event["summary"] + "\n\n"
        body += f"Reference {URL_PREFIX}{article_id}"
        reported = datetime.datetime.combine(
            published_on, datetime.time(rng.randrange(24), rng.randrange(60)),
            tzinfo=datetime.UTC,
        )  # fmt: skip
        reported = min(reported, factory.now)
        digest = hashlib.sha256(normalize_text(body).encode()).hexdigest()
        created = timestamp(reported)
        article_lines.append(
            "\t".join([
                str(article_id), f"{URL_PREFIX}articles/{article_id}",
                text(block[0]["title"]), text(publisher), "",
                published_on.isoformat(), "en", text(body), digest,
                SourceArticle.State.CURATED, created, created, "{}",
            ]) + "\n"
        )  # fmt: skip
        previous = None
        for event, offset in zip(block, offsets, strict=True):
            pk = next(event_ids)
            event_lines.append(event_line(pk, event, reported=reported, rng=rng))
            seen = set()
            for actor, role in event["roles"]:
                if (actor.pk, role) in seen:
                    continue
                seen.add((actor.pk, role))
                participant_lines.append(f"{role}\t\t{actor.pk}\t{pk}\n")
            quote = event["sentence"]
            citation_lines.append(
                f"\t{text(quote)}\t{offset}\t{offset + len(quote)}\t{created}\t"
                f"{article_id}\t{pk}\n"
            )
            if event["fatal"] and rng.random() < 0.5:
                start = offset + event["summary"].index(event["fatal"])
                citation_lines.append(
                    f"fatalities_best\t{text(event['fatal'])}\t{start}\t"
                    f"{start + len(event['fatal'])}\t{created}\t{article_id}\t{pk}\n"
                )
            if previous is not None and rng.random() < 0.15:
                relation_lines.append(f"response_to\t{pk}\t{previous}\n")
            previous = pk
    copy_rows(SourceArticle._meta.db_table, ARTICLE_COLUMNS, article_lines)
    copy_rows(Event._meta.db_table, EVENT_COLUMNS, event_lines)
    copy_rows(
        Participant._meta.db_table,
        ["role", "capacity", "actor_id", "event_id"],
        participant_lines,
    )
    copy_rows(
        Citation._meta.db_table,
        ["field", "quote", "start", "end", "created_at", "article_id", "event_id"],
        citation_lines,
    )
    copy_rows(
        EventRelation._meta.db_table,
        ["kind", "from_event_id", "to_event_id"],
        relation_lines,
    )
    report.events = len(event_lines)
    report.articles = len(article_lines)
    report.participants = len(participant_lines)
    report.citations = len(citation_lines)
    report.relations = len(relation_lines)
    return report


# --- indexes and foreign keys of a large load -------------------------------------


def secondary_indexes(tables: list[str]) -> list[tuple[str, str, str]]:
    """
    (table, index, statement that makes it) of the tables' indexes that no
    constraint needs: neither primary keys nor unique indexes (which keep
    rows right as they are written) nor those behind another constraint.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = ANY(%s)
              AND t.relnamespace = current_schema()::regnamespace
              AND NOT x.indisprimary AND NOT x.indisunique
              AND NOT EXISTS (SELECT FROM pg_constraint c
                              WHERE c.conindid = x.indexrelid)
            ORDER BY t.relname, i.relname
            """,
            [tables],
        )
        return [
            # Safe to run where it exists.
            (
                table,
                name,
                definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1),
            )
            for table, name, definition in cursor.fetchall()
        ]


def foreign_keys(tables: list[str]) -> list[tuple[str, str, str]]:
    """(table, constraint, statement that adds it) of the tables' foreign keys."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
            WHERE c.contype = 'f' AND t.relname = ANY(%s)
              AND t.relnamespace = current_schema()::regnamespace
            ORDER BY t.relname, c.conname
            """,
            [tables],
        )
        return [
            (
                table,
                name,
                f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}",
            )
            for table, name, definition in cursor.fetchall()
        ]


def restore_dropped() -> int:
    """
    Make again every index and foreign key a large load dropped
    (`DroppedForLoad`), those of a load that was killed included: each index
    in one sorted pass, each foreign key checked over its whole table in one
    query, each in a transaction of its own. The number made. A key whose
    check fails (a row written meanwhile points nowhere) stays recorded, the
    others are made, and an IntegrityError then names it.
    """
    from synthetic.models import DroppedForLoad

    # Indexes first: the keys' checks may read them.
    dropped = list(DroppedForLoad.objects.order_by("-kind", "id"))
    made, failed = 0, []
    for item in dropped:
        try:
            made += _make_again(item)
        except IntegrityError as error:
            failed.append(f"{item}: {error}")
    if failed:
        raise IntegrityError("not made again: " + "; ".join(failed))
    return made


def _make_again(item) -> int:
    """Make one dropped index or key again, in a transaction of its own."""
    from synthetic.models import DroppedForLoad

    with transaction.atomic(), connection.cursor() as cursor:
        if not DroppedForLoad.objects.select_for_update().filter(pk=item.pk):
            return 0  # made meanwhile by another process
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{REBUILD_MEMORY}'")
        # Checks a caller's transaction still holds (foreign keys are
        # checked at commit) are made now: PostgreSQL changes no table
        # with checks pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        if item.kind == DroppedForLoad.Kind.FOREIGN_KEY:
            # A key has no IF NOT EXISTS: made already, it is left as it is.
            cursor.execute(
                "SELECT EXISTS (SELECT FROM pg_constraint WHERE conname = %s "
                "AND conrelid = %s::regclass)",
                [item.name, item.table],
            )
            made = cursor.fetchone()[0]
        else:
            made = False  # its statement says IF NOT EXISTS
        if not made:
            cursor.execute(item.statement)
        item.delete()
    return 1


@contextmanager
def rebuilt_after(models: list[type]) -> Iterator[None]:
    """
    The models' secondary indexes and foreign keys dropped for the block and
    made again at its end, however it ends: rows then go in without a check
    of their keys at each commit or an update of every index, and each is
    made in one pass over the whole table. The statements that make them are
    stored first (`DroppedForLoad`, in the transaction of the drop): a
    process killed in between leaves them, and the next load, or
    `restore_dropped()`, runs them. Queries of other sessions on these tables
    are slow meanwhile, and their rows are not checked against their keys
    until the end (a row that fails it fails the load).
    """
    from synthetic.models import DroppedForLoad

    restore_dropped()
    tables = [model._meta.db_table for model in models]
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        dropping = [
            (
                DroppedForLoad.Kind.FOREIGN_KEY,
                foreign_keys(tables),
                "ALTER TABLE {table} DROP CONSTRAINT {name}",
            ),
            (DroppedForLoad.Kind.INDEX, secondary_indexes(tables), "DROP INDEX {name}"),
        ]
        for kind, found, drop in dropping:
            for table, name, statement in found:
                DroppedForLoad.objects.create(
                    table=table, name=name, statement=statement, kind=kind
                )
                cursor.execute(drop.format(table=quote(table), name=quote(name)))
    try:
        yield
    finally:
        restore_dropped()


def rebuilds_after(count: int) -> bool:
    """Whether a load of `count` events is `rebuilt_after` rather than kept in
    step row by row: a large load, at least as large as the events stored."""
    if count < REBUILD_FROM:
        return False
    return count >= stored_events()


def stored_events() -> int:
    """The events stored, as the planner estimates them (a count of a large
    table costs seconds)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT greatest(reltuples, 0)::bigint FROM pg_class "
            "WHERE oid = %s::regclass",
            [Event._meta.db_table],
        )
        return cursor.fetchone()[0]


def generate(
    *,
    count: int,
    seed: int = 0,
    actors: int | None = None,
    batch_size: int = BATCH_EVENTS,
    progress: Callable[[int], None] | None = None,
    analyze: bool = True,
    rebuild: bool | None = None,
) -> Report:
    """
    Add `count` synthetic events (with actors, towns, articles, participants,
    citations and a few relations) in batches of `batch_size`, committed
    `BATCHES_PER_COMMIT` at a time; `progress` is called with the number of
    events written so far. The same seed on the same database gives the same
    data. With `rebuild` (by default, for a large load: `rebuilds_after`),
    the tables' secondary indexes and foreign keys are dropped and made again
    at the end.
    """
    started = time.monotonic()
    rng = random.Random(seed)
    report = Report()
    restore_dropped()  # what a load that was killed dropped
    with without_history():
        towns, report.locations = create_towns()
        pool, report.actors = create_actors(
            rng=rng, count=default_actor_count(count) if actors is None else actors
        )
    factory = EventFactory(
        rng=rng, towns=towns, areas=area_points(seed=seed), actors=pool
    )
    if rebuild is None:
        rebuild = rebuilds_after(count)
    done = 0
    # The tables' statistics follow a long load (analyze_written): into an
    # empty table after its first commit, then each time the table has
    # doubled; the load's end analyzes (vacuum_analyze) whatever it wrote.
    stored = stored_events()
    next_analyze = 2 * stored or 1
    with rebuilt_after(WRITTEN_MODELS) if rebuild else nullcontext():
        while done < count:
            with deferred_cells():
                for _ in range(BATCHES_PER_COMMIT):
                    if done >= count:
                        break
                    with without_history():
                        batch = write_batch(
                            factory=factory, events=min(batch_size, count - done)
                        )
                    for name in (
                        "events",
                        "participants",
                        "citations",
                        "relations",
                        "articles",
                    ):
                        setattr(
                            report, name, getattr(report, name) + getattr(batch, name)
                        )
                    done += batch.events
                    if progress is not None:
                        progress(done)
            if done < count and stored + done >= next_analyze:
                analyze_written()
                next_analyze = 2 * (stored + done)
    if analyze:
        vacuum_analyze()
    report.seconds = time.monotonic() - started
    return report


def analyze_written() -> None:
    """
    Fresh statistics of the tables a load writes, and of the sums their
    triggers keep, in the middle of the load. The triggers' statements are
    planned once a session and kept (PL/pgSQL), and planned again only when
    a table they read changes its statistics: a load on a server that does
    not analyze by itself (autovacuum off, as on the bench's own cluster)
    would otherwise run, for ten million events, plans made for the empty
    tables of its first batch, each reading a whole table once a batch.
    """
    tables = [model._meta.db_table for model in WRITTEN_MODELS + SUMMED_MODELS]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")


def vacuum_analyze() -> None:
    """Fresh planner statistics and visibility maps after a bulk load or
    delete: of the tables written and of the sums their triggers keep (the
    map's tiles read the summed cells)."""
    tables = [
        model._meta.db_table
        for model in [*WRITTEN_MODELS, *SUMMED_MODELS, Actor, Location]
    ]
    if connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")


def delete_synthetic(*, analyze: bool = True) -> Report:
    """
    Remove every synthetic row and nothing else. Curated rows that point at
    synthetic ones lose the link (an agreement's signing event), with their
    history recorded as for any edit; a synthetic actor or town that a
    curated row still uses is kept and reported.
    """
    started = time.monotonic()
    report = Report()
    with connection.cursor() as cursor:
        # Curated links to synthetic rows: ordinary, recorded edits.
        with transaction.atomic():
            cursor.execute(
                "UPDATE events_agreement SET signing_event_id = NULL "
                "WHERE signing_event_id IN "
                "(SELECT id FROM events_event WHERE is_synthetic)"
            )
        # Articles taken in by synthetic sources hang on synthetic ones.
        from synthetic.intake import delete_intake

        report.articles = delete_intake()
        with without_history():
            synthetic = "SELECT id FROM events_event WHERE is_synthetic"
            cursor.execute(
                f"DELETE FROM events_citation WHERE event_id IN ({synthetic})"
            )
            report.citations = cursor.rowcount
            cursor.execute(
                f"DELETE FROM events_participant WHERE event_id IN ({synthetic})"
            )
            report.participants = cursor.rowcount
            cursor.execute(
                f"DELETE FROM events_eventrelation WHERE from_event_id IN "
                f"({synthetic}) OR to_event_id IN ({synthetic})"
            )
            report.relations = cursor.rowcount
            cursor.execute("DELETE FROM events_event WHERE is_synthetic")
            report.events = cursor.rowcount
            cursor.execute(
                "DELETE FROM events_sourcearticle a WHERE a.url LIKE %s "
                "AND NOT EXISTS "
                "(SELECT 1 FROM events_citation c WHERE c.article_id = a.id)",
                [URL_PREFIX.replace("_", "\\_") + "%"],
            )
            report.articles += cursor.rowcount
            report.actors = delete_unused(
                cursor, "events_actor", "description = %s", [ACTOR_DESCRIPTION],
                uses=[
                    ("events_participant", "actor_id"),
                    ("events_participant", "on_behalf_of_id"),
                    ("events_agreementparty", "actor_id"),
                    ("events_agreementparty", "represents_id"),
                    ("events_actor", "parent_id"),
                ],
            )  # fmt: skip
            report.locations = delete_unused(
                cursor, "events_location", "source = %s", [LOCATION_SOURCE],
                uses=[
                    ("events_event", "location_id"),
                    ("events_agreement", "signed_at_id"),
                    ("events_location", "parent_id"),
                ],
            )  # fmt: skip
            for table, where, params in [
                ("events_actor", "description = %s", [ACTOR_DESCRIPTION]),
                ("events_location", "source = %s", [LOCATION_SOURCE]),
            ]:
                cursor.execute(f"SELECT name FROM {table} WHERE {where}", params)
                report.kept += [f"{table}: {row[0]}" for row in cursor.fetchall()]
    if analyze:
        vacuum_analyze()
    report.seconds = time.monotonic() - started
    return report


def delete_unused(
    cursor, table: str, where: str, params: list, *, uses: list[tuple[str, str]]
) -> int:
    """Delete the rows of `table` matching `where` that no other row points at."""
    unused = " AND ".join(
        f"NOT EXISTS (SELECT 1 FROM {other} o WHERE o.{column} = t.id)"
        for other, column in uses
    )
    cursor.execute(f"DELETE FROM {table} t WHERE {where} AND {unused}", params)
    return cursor.rowcount
