"""
The assistant's development set, scored: every article of tests/devset/ run
through the suggestion engine with its publication date, and what it finds
matched against what an editor records (tests/devset/README.md says how the
expectations were written).

Matching, precisely:

- **Names** are compared by `normalise()`: letters without diacritics,
  casefolded; apostrophes, a possessive "'s", dots and brackets dropped;
  hyphens and dashes as spaces; a leading "the" and the Arabic article ("al",
  "el") left out. "Iraq’s Foreign Ministry" is "iraq foreign ministry",
  "U.S. forces" is "us forces", "al-Sudani" is "sudani".
- **An actor** an editor records is found when a suggested actor has one of
  its names (its name or an alias). A suggested actor's names are its stored
  name and aliases when the suggestion links it to a stored actor
  (`actor_id`), else the name it proposes for a new one.
- **A place** is found when a suggested place is the same stored Location
  (its `code`), the same GeoNames place, the same airfield (ICAO code), or
  has one of its names (the name or a spelling listed under `also`) in the
  same country. A suggested place's country and gazetteer id come from its
  stored Location, else from the gazetteer entry at its name and
  coordinates, else from a `country` it carries; a place whose country is
  unknown is compared by name alone. The kind (city or province) is not
  compared: "Erbil" the province stands for "Erbil" the city.
- **A date** is found when a suggested date has the same precision and the
  same period: "2024-06-10" at day, the week's Monday at week, "2024-06" at
  month, "2024" at year.
- The suggested actors, places and dates are those the suggestions list
  (`actors`, `places`, `dates`) and those its proposals carry. Recall is the
  share of the editor's that are found; precision the share of the distinct
  suggested ones (a stored actor or place once, a new one once per name, a
  date once per period) that match one of the editor's.
- **A proposal is paired** with an expected event whose quotes overlap the
  sentence it cites. Each proposal and each expected event is paired at
  most once: the pairs agreeing on most of type, dates, place and
  participants first, then in the order of the text.
- **A proposal is accepted without change** when it is paired and its type,
  its date (value, precision and any `end`), its place and its participants
  with their roles (each matched to one of the article's actors, as above)
  are all the event's. A proposal not paired is not accepted: the editor
  discards it. The share is over all proposals.
- A new actor counts as found under the name it is proposed with, though the
  editor has yet to create it. Sub-types, titles, fatalities and kinds of
  actors are not scored.
"""

import argparse
import datetime
import functools
import gzip
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
# The held-out set (tests/heldout/): the same layout, never tuned against.
HELDOUT = HERE.parent / "heldout"
GAZETTEER = HERE.parent.parent / "data" / "gazetteer"

# The goals of issue #16: what the assistant finds of what an editor records,
# on articles it has never seen, and how many proposals need no change.
GOALS = {"actors": 0.90, "places": 0.90, "dates": 0.90, "accepted": 0.85}

# Letters that NFKD does not take apart: Turkish dotless i, and the like.
LETTERS = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ß": "ss"})
PRECISIONS = ("day", "week", "month", "year")  # DatePrecision, smallest first
# A gazetteer place at a suggestion's coordinates, within this many degrees.
SAME_POINT_DEGREES = 0.01


def normalise(name: str) -> str:
    """The form two names are compared in (see the module's docstring)."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.translate(LETTERS)
    text = re.sub(r"[’‘`´ʼʻ′']s\b", "", text)
    text = re.sub(r"[’‘`´ʼʻ′'.()\[\],;:!?\"“”]", "", text)
    text = re.sub(r"[-‐‑‒–—/]", " ", text)
    words = text.split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    kept = [word for word in words if word not in ("al", "el")]
    return " ".join(kept or words)


# The expectations.


@dataclass(frozen=True)
class Period:
    """A date at a precision, as the first day of its period."""

    first: datetime.date
    precision: str

    @classmethod
    def parse(cls, value: object, precision: str) -> "Period":
        if precision not in PRECISIONS:
            raise ValueError(f"Not a precision: {precision!r}")
        if isinstance(value, datetime.date):
            day = value
        else:
            parts = [int(part) for part in str(value).split("-")]
            if not 1 <= len(parts) <= 3:
                raise ValueError(f"Not a date: {value!r}")
            day = datetime.date(*(parts + [1, 1])[:3])
        if precision == "week":
            day -= datetime.timedelta(days=day.weekday())
        elif precision == "month":
            day = day.replace(day=1)
        elif precision == "year":
            day = day.replace(month=1, day=1)
        return cls(day, precision)

    def __str__(self) -> str:
        if self.precision == "year":
            return f"{self.first.year}"
        if self.precision == "month":
            return self.first.strftime("%Y-%m")
        suffix = " (week)" if self.precision == "week" else ""
        return f"{self.first.isoformat()}{suffix}"


@dataclass(frozen=True)
class ExpectedActor:
    name: str
    kind: str
    country: str
    aliases: tuple[str, ...] = ()

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(normalise(n) for n in (self.name, *self.aliases))


@dataclass(frozen=True)
class ExpectedPlace:
    name: str
    country: str
    geonames: int | None = None
    icao: str = ""
    code: str = ""
    also: tuple[str, ...] = ()

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(normalise(n) for n in (self.name, *self.also))


@dataclass(frozen=True)
class ExpectedEvent:
    event_type: str
    sub_type: str
    date: Period
    end: Period | None
    place: ExpectedPlace
    participants: frozenset[tuple[str, str]]  # (actor name, role)
    spans: tuple[tuple[int, int], ...]  # where its quotes are in the text


@dataclass
class Article:
    slug: str
    text: str
    published_on: datetime.date
    publisher: str
    author: str
    actors: list[ExpectedActor]
    places: list[ExpectedPlace]
    events: list[ExpectedEvent]

    @property
    def dates(self) -> set[Period]:
        found = {event.date for event in self.events}
        return found | {event.end for event in self.events if event.end}


class AnnotationError(ValueError):
    pass


def slugs(folder: Path = HERE) -> list[str]:
    return sorted(path.stem for path in (folder / "expected").glob("*.yaml"))


def load_all(folder: Path = HERE) -> list[Article]:
    """The articles of a set: the development set, or another in its layout."""
    return [load_article(slug, folder) for slug in slugs(folder)]


def load_article(slug: str, folder: Path = HERE) -> Article:
    text = (folder / "articles" / f"{slug}.txt").read_text(encoding="utf-8")
    expected = folder / "expected" / f"{slug}.yaml"
    data = yaml.safe_load(expected.read_text(encoding="utf-8"))
    return parse_article(slug, text, data)


def parse_article(slug: str, text: str, data: dict) -> Article:
    """An article with its expectations, refused if they are not consistent."""

    from events.models import Actor, DatePrecision, Event, Participant

    def fail(message: str) -> AnnotationError:
        return AnnotationError(f"{slug}: {message}")

    meta = data["article"]
    actors = [
        ExpectedActor(
            name=str(a["name"]),
            kind=a["kind"],
            country=a.get("country") or "",
            aliases=tuple(str(alias) for alias in a.get("aliases") or ()),
        )
        for a in data["actors"]
    ]
    places = [
        ExpectedPlace(
            name=str(p["name"]),
            country=p.get("country") or "",
            geonames=p.get("geonames"),
            icao=p.get("icao") or "",
            code=p.get("code") or "",
            also=tuple(str(name) for name in p.get("also") or ()),
        )
        for p in data["places"]
    ]
    by_actor = {a.name: a for a in actors}
    by_place = {p.name: p for p in places}
    if len(by_actor) != len(actors) or len(by_place) != len(places):
        raise fail("an actor or a place is listed twice")
    for actor in actors:
        if actor.kind not in Actor.Kind.values:
            raise fail(f"{actor.name}: no actor kind {actor.kind!r}")
        if actor.country and not re.fullmatch(r"[A-Z]{3}", actor.country):
            raise fail(f"{actor.name}: country {actor.country!r} is not ISO alpha-3")
    for place in places:
        if place.country and not re.fullmatch(r"[A-Z]{3}", place.country):
            raise fail(f"{place.name}: country {place.country!r} is not ISO alpha-3")

    events = []
    for number, e in enumerate(data["events"], start=1):
        if e["type"] not in Event.Type.values:
            raise fail(f"event {number}: no event type {e['type']!r}")
        if e["precision"] not in DatePrecision.values:
            raise fail(f"event {number}: no precision {e['precision']!r}")
        date = Period.parse(e["date"], e["precision"])
        if str(e["date"]) != str(date).removesuffix(" (week)"):
            raise fail(f"event {number}: {e['date']} is not how {date} is written")
        end = Period.parse(e["end"], e["precision"]) if e.get("end") else None
        if e["place"] not in by_place:
            raise fail(f"event {number}: place {e['place']!r} is not listed")
        participants = set()
        for name, role in e["participants"]:
            if name not in by_actor:
                raise fail(f"event {number}: actor {name!r} is not listed")
            if role not in Participant.Role.values:
                raise fail(f"event {number}: no role {role!r}")
            if any(other == name for other, _ in participants):
                raise fail(f"event {number}: {name} takes part twice")
            participants.add((name, role))
        spans = []
        for quote in e["quotes"]:
            start = text.find(quote)
            if start < 0 or text.find(quote, start + 1) >= 0:
                raise fail(f"event {number}: not once in the text: {quote[:60]!r}")
            spans.append((start, start + len(quote)))
        events.append(
            ExpectedEvent(
                event_type=e["type"],
                sub_type=e.get("sub_type") or "",
                date=date,
                end=end,
                place=by_place[e["place"]],
                participants=frozenset(participants),
                spans=tuple(spans),
            )
        )
    used_actors = {name for e in events for name, _ in e.participants}
    used_places = {e.place.name for e in events}
    if set(by_actor) - used_actors or set(by_place) - used_places:
        unused = sorted((set(by_actor) - used_actors) | (set(by_place) - used_places))
        raise fail(f"listed but in no event: {', '.join(unused)}")
    return Article(
        slug=slug,
        text=text,
        published_on=meta["published_on"],
        publisher=meta.get("publisher") or "",
        author=meta.get("author") or "",
        actors=actors,
        places=places,
        events=events,
    )


# What the suggestions hold, resolved against the database and the gazetteer.


@dataclass(frozen=True)
class SuggestedActor:
    identity: tuple
    keys: frozenset[str]


@dataclass(frozen=True)
class SuggestedPlace:
    identity: tuple
    name_key: str
    country: str  # ISO alpha-3, "" when unknown
    geonames: int | None = None
    icao: str = ""
    code: str = ""


@dataclass
class Resolver:
    """Stored actors and places, and the gazetteer, for reading suggestions."""

    actors: dict[int, frozenset[str]]  # names of stored actors, by id
    locations: dict[int, tuple[str, str, int | None, str]]  # name, country, ...
    gazetteer: "Gazetteer"

    @classmethod
    def from_database(cls) -> "Resolver":
        from events.models import Actor, Location

        actors = {
            pk: frozenset(normalise(n) for n in (name, *(aliases or ())))
            for pk, name, aliases in Actor.objects.values_list("id", "name", "aliases")
        }
        locations = {
            pk: (name, country or "", geonames_id, code or "")
            for pk, name, country, geonames_id, code in Location.objects.values_list(
                "id", "name", "country_code", "geonames_id", "code"
            )
        }
        return cls(actors, locations, load_gazetteer())

    def actor(self, item: dict) -> SuggestedActor:
        actor_id = item.get("actor_id")
        if actor_id is not None and actor_id in self.actors:
            return SuggestedActor(("actor", actor_id), self.actors[actor_id])
        key = normalise(item.get("name") or item.get("text") or "")
        return SuggestedActor(("new", key), frozenset({key}))

    def place(self, item: dict) -> SuggestedPlace:
        name = item.get("name") or ""
        location_id = item.get("location_id")
        if location_id is not None and location_id in self.locations:
            stored, country, geonames, code = self.locations[location_id]
            return SuggestedPlace(
                ("location", location_id),
                normalise(stored),
                country,
                geonames,
                "",
                code,
            )
        country = self.gazetteer.iso3(item.get("country") or "")
        geonames = item.get("geonames_id")
        icao = item.get("icao") or ""
        lat, lon = item.get("lat"), item.get("lon")
        if not (geonames or icao):
            entry = self.gazetteer.at(name, lat, lon)
            if entry is not None:
                kind, ident, entry_country = entry
                geonames = ident if kind == "geonames" else None
                icao = ident if kind == "icao" else ""
                country = country or entry_country
        if not country and lat is None:
            country = self.gazetteer.country_named(name)
        if geonames:
            identity: tuple = ("geonames", int(geonames))
        elif icao:
            identity = ("icao", icao)
        else:
            identity = ("place", normalise(name), country)
        return SuggestedPlace(
            identity,
            normalise(name),
            country,
            int(geonames) if geonames else None,
            icao,
        )


@dataclass
class Gazetteer:
    iso2_to_iso3: dict[str, str]
    countries: dict[str, str]  # normalised country name: ISO alpha-3
    points: dict[str, list[tuple[float, float, str, object, str]]] = field(
        default_factory=dict
    )  # normalised name: [(lat, lon, kind, id, ISO alpha-3)]

    def iso3(self, code: str) -> str:
        if len(code) == 2:
            return self.iso2_to_iso3.get(code.upper(), "")
        return code.upper() if len(code) == 3 else ""

    def country_named(self, name: str) -> str:
        return self.countries.get(normalise(name), "")

    def at(
        self, name: str, lat: float | None, lon: float | None
    ) -> tuple[str, object, str] | None:
        if lat is None or lon is None:
            return None
        for p_lat, p_lon, kind, ident, country in self.points.get(normalise(name), []):
            if abs(p_lat - lat) <= SAME_POINT_DEGREES and (
                abs(p_lon - lon) <= SAME_POINT_DEGREES
            ):
                return kind, ident, country
        return None


def _rows(name: str) -> Iterable[dict[str, str]]:
    path = GAZETTEER / name
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        for line in fh:
            yield dict(zip(header, line.rstrip("\n").split("\t"), strict=True))


@functools.cache
def load_gazetteer() -> Gazetteer:
    """data/gazetteer's countries, places and airfields, by name."""
    iso2_to_iso3, countries = {}, {}
    for row in _rows("countries.tsv"):
        iso2_to_iso3[row["iso2"]] = row["iso3"]
        countries[normalise(row["name"])] = row["iso3"]
    gazetteer = Gazetteer(iso2_to_iso3, countries)
    for row in _rows("places.tsv.gz"):
        entry = (
            float(row["lat"]),
            float(row["lon"]),
            "geonames",
            int(row["geonameid"]),
            iso2_to_iso3.get(row["country"], ""),
        )
        for name in {row["name"], row["asciiname"]} - {""}:
            gazetteer.points.setdefault(normalise(name), []).append(entry)
    for row in _rows("airfields.tsv"):
        entry = (
            float(row["lat"]),
            float(row["lon"]),
            "icao",
            row["icao"],
            iso2_to_iso3.get(row["country"], ""),
        )
        gazetteer.points.setdefault(normalise(row["name"]), []).append(entry)
    return gazetteer


# Scoring.


def actor_matches(expected: ExpectedActor, suggested: SuggestedActor) -> bool:
    return not expected.keys.isdisjoint(suggested.keys)


def place_matches(expected: ExpectedPlace, suggested: SuggestedPlace) -> bool:
    if expected.code and suggested.code == expected.code:
        return True
    if expected.geonames and suggested.geonames == expected.geonames:
        return True
    if expected.icao and suggested.icao == expected.icao:
        return True
    return suggested.name_key in expected.keys and (
        not suggested.country or suggested.country == expected.country
    )


def suggested_period(date: dict | None, key: str = "value") -> Period | None:
    if not date or not date.get(key) or date.get("precision") not in PRECISIONS:
        return None
    try:
        return Period.parse(date[key], date["precision"])
    except ValueError:
        return None


@dataclass
class Tally:
    expected: int = 0
    found: int = 0
    suggested: int = 0
    right: int = 0

    def add(self, other: "Tally") -> None:
        self.expected += other.expected
        self.found += other.found
        self.suggested += other.suggested
        self.right += other.right

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.suggested if self.suggested else 1.0


@dataclass
class ArticleScore:
    slug: str
    actors: Tally
    places: Tally
    dates: Tally
    proposals: int
    accepted: int
    events: int
    events_paired: int
    missed: dict[str, list[str]] = field(default_factory=dict)

    @property
    def accepted_share(self) -> float:
        return self.accepted / self.proposals if self.proposals else 0.0


def _tally(
    expected: list, suggested: dict[tuple, object], matches
) -> tuple[Tally, list]:
    found = [e for e in expected if any(matches(e, s) for s in suggested.values())]
    right = [s for s in suggested.values() if any(matches(e, s) for e in expected)]
    missed = [e for e in expected if e not in found]
    return Tally(len(expected), len(found), len(suggested), len(right)), missed


def score_article(
    article: Article, suggestions: dict, resolver: Resolver
) -> ArticleScore:
    proposals = suggestions.get("events") or []

    actors: dict[tuple, SuggestedActor] = {}
    for item in [*suggestions.get("actors", []), *_proposal_actors(proposals)]:
        actor = resolver.actor(item)
        actors.setdefault(actor.identity, actor)
    places: dict[tuple, SuggestedPlace] = {}
    for item in [*suggestions.get("places", []), *(p.get("place") for p in proposals)]:
        if item:
            place = resolver.place(item)
            places.setdefault(place.identity, place)
    dates: dict[tuple, Period] = {}
    for item in [*suggestions.get("dates", []), *(p.get("date") for p in proposals)]:
        period = suggested_period(item)
        if period is not None:
            dates.setdefault((period.first, period.precision), period)

    actor_tally, missed_actors = _tally(article.actors, actors, actor_matches)
    place_tally, missed_places = _tally(article.places, places, place_matches)
    date_tally, missed_dates = _tally(
        sorted(article.dates, key=lambda p: p.first), dates, lambda e, s: e == s
    )
    pairs = pair_proposals(article, proposals, resolver)
    accepted = sum(1 for agreed in pairs.values() if agreed == 4)
    return ArticleScore(
        slug=article.slug,
        actors=actor_tally,
        places=place_tally,
        dates=date_tally,
        proposals=len(proposals),
        accepted=accepted,
        events=len(article.events),
        events_paired=len(pairs),
        missed={
            "actors": [a.name for a in missed_actors],
            "places": [p.name for p in missed_places],
            "dates": [str(d) for d in missed_dates],
        },
    )


def _proposal_actors(proposals: list[dict]) -> Iterable[dict]:
    for proposal in proposals:
        yield from proposal.get("actors") or []


def agreement(
    article: Article, proposal: dict, event: ExpectedEvent, resolver: Resolver
) -> int:
    """How many of type, dates, place and participants a proposal gets right:
    the four, less those `differences` finds wrong (the participants once,
    however many actors differ)."""
    wrong = {
        "participants" if part in PARTICIPANT_PARTS else part
        for part, _, _ in differences(article, proposal, event, resolver)
    }
    return 4 - len(wrong)


# The parts of `differences` that are the participants'.
PARTICIPANT_PARTS = frozenset({"actor added", "actor removed", "role"})


def participants(
    article: Article, proposal: dict, event: ExpectedEvent, resolver: Resolver
) -> frozenset[tuple[str, str]]:
    """
    A proposal's participants as (the article's actor, role): a suggested
    actor that is one of the article's actors is named as the editor names
    it (the event's own first, if it matches several), any other by what it
    proposes, which then matches nothing.
    """
    in_event = {name for name, _ in event.participants}
    found = set()
    for item in proposal.get("actors") or []:
        actor = resolver.actor(item)
        names = sorted(
            (a.name for a in article.actors if actor_matches(a, actor)),
            key=lambda name: (name not in in_event, name),
        )
        found.add((names[0] if names else f"? {item.get('name')}", item.get("role")))
    return frozenset(found)


def pair_proposals(
    article: Article, proposals: list[dict], resolver: Resolver
) -> dict[int, int]:
    """
    Each proposal paired with at most one expected event whose quotes overlap
    its sentence, best agreement first: {proposal index: agreement}.
    """
    return {
        p_index: agreement(
            article, proposals[p_index], article.events[e_index], resolver
        )
        for p_index, e_index in paired_events(article, proposals, resolver).items()
    }


# Running it.


@dataclass
class Report:
    articles: list[ArticleScore]

    def total(self) -> dict[str, Tally]:
        totals = {name: Tally() for name in ("actors", "places", "dates")}
        for score in self.articles:
            for name, tally in totals.items():
                tally.add(getattr(score, name))
        return totals

    @property
    def proposals(self) -> int:
        return sum(s.proposals for s in self.articles)

    @property
    def accepted(self) -> int:
        return sum(s.accepted for s in self.articles)

    def figures(self) -> dict[str, float]:
        """The figures the goals are set on: recalls, and the accepted share."""
        totals = self.total()
        return {
            "actors": totals["actors"].recall,
            "places": totals["places"].recall,
            "dates": totals["dates"].recall,
            "accepted": self.accepted / self.proposals if self.proposals else 0.0,
        }

    def shortfalls(self) -> list[str]:
        return [
            f"{name} {value:.2f} < {GOALS[name]:.2f}"
            for name, value in self.figures().items()
            if value < GOALS[name]
        ]

    def table(self, *, missed: bool = False, articles: bool = True) -> str:
        """
        The figures of each article (unless `articles` is false: the
        held-out set's are printed as totals only, as its articles' names
        say what they are about) and of the set, with what was missed.
        """

        def cell(tally: Tally) -> str:
            found = f"{tally.found}/{tally.expected}"
            right = f"{tally.right}/{tally.suggested}"
            return f"{found:>7} {right:>7}"

        head = (
            f"{'article':<32} {'actors R':>7} {'P':>7}  {'places R':>7} {'P':>7}  "
            f"{'dates R':>7} {'P':>7}  {'accepted':>8}  {'events':>6}"
        )
        lines = [head, "-" * len(head)]
        for s in self.articles if articles else []:
            lines.append(
                f"{s.slug[:32]:<32} {cell(s.actors)}  {cell(s.places)}  "
                f"{cell(s.dates)}  {s.accepted:>3}/{s.proposals:<4}  "
                f"{s.events_paired:>2}/{s.events:<3}"
            )
            if missed:
                for kind, names in s.missed.items():
                    if names:
                        lines.append(f"    missed {kind}: {'; '.join(names)}")
        totals = self.total()
        events = sum(s.events for s in self.articles)
        paired = sum(s.events_paired for s in self.articles)
        lines.append("-" * len(head))
        lines.append(
            f"{'all ' + str(len(self.articles)) + ' articles':<32} "
            f"{cell(totals['actors'])}  {cell(totals['places'])}  "
            f"{cell(totals['dates'])}  {self.accepted:>3}/{self.proposals:<4}  "
            f"{paired:>2}/{events:<3}"
        )
        lines.append("")
        for name in ("actors", "places", "dates"):
            tally = totals[name]
            lines.append(
                f"{name:<8} recall {tally.recall:6.1%} (goal {GOALS[name]:.0%})"
                f"   precision {tally.precision:6.1%}"
            )
        share = self.figures()["accepted"]
        lines.append(
            f"proposals accepted without change {share:6.1%} "
            f"(goal {GOALS['accepted']:.0%}); expected events with a proposal "
            f"{paired}/{events}"
        )
        return "\n".join(lines)


def run(articles: list[Article] | None = None) -> Report:
    """The assistant on every article, scored. Needs Django and a database."""
    from events.extract import suggest

    resolver = Resolver.from_database()
    scores = []
    for article in articles if articles is not None else load_all():
        suggestions = suggest(article.text, published=article.published_on)
        scores.append(score_article(article, suggestions, resolver))
    return Report(scores)


def paired_events(
    article: Article, proposals: list[dict], resolver: Resolver
) -> dict[int, int]:
    """
    Each proposal paired with at most one expected event whose quotes overlap
    its sentence, the pairs agreeing on most first, then in the order of the
    text: {proposal index: event index}.
    """
    candidates = []
    for p_index, proposal in enumerate(proposals):
        start, end = proposal.get("start", -1), proposal.get("end", -1)
        for e_index, event in enumerate(article.events):
            if any(start < q_end and q_start < end for q_start, q_end in event.spans):
                agreed = agreement(article, proposal, event, resolver)
                candidates.append((-agreed, start, e_index, p_index))
    paired: dict[int, int] = {}
    for _, _, e_index, p_index in sorted(candidates):
        if p_index not in paired and e_index not in paired.values():
            paired[p_index] = e_index
    return paired


def differences(
    article: Article, proposal: dict, event: ExpectedEvent, resolver: Resolver
) -> list[tuple[str, str, str]]:
    """
    What an editor changes in a proposal to make it the event it is paired
    with, as (part, what, role): part one of "type", "date", "place", "actor
    added", "actor removed" and "role", and for an actor the role it is
    added, removed or given; none when it is accepted as it is.
    """
    found = []
    if proposal.get("event_type") != event.event_type:
        kind = proposal.get("event_type")
        found.append(("type", f"type {kind} → {event.event_type}", ""))
    date = proposal.get("date") or {}
    end = suggested_period(date, "end")
    same_end = end == event.end or (event.end is None and end in (None, event.date))
    if suggested_period(date) != event.date or not same_end:
        found.append(("date", f"date {date.get('value')} → {event.date}", ""))
    place = proposal.get("place")
    if not (place and place_matches(event.place, resolver.place(place))):
        name = (place or {}).get("name")
        found.append(("place", f"place {name} → {event.place.name}", ""))
    got = participants(article, proposal, event, resolver)
    wanted_roles = dict(event.participants)
    got_roles = dict(got)
    for name, role in sorted(got - event.participants):
        if name in wanted_roles:
            wanted = wanted_roles[name]
            found.append(("role", f"{name} ({role} → {wanted})", wanted))
        else:
            found.append(("actor removed", f"- {name} ({role})", role))
    for name, role in sorted(event.participants - got):
        if name not in got_roles:
            found.append(("actor added", f"+ {name} ({role})", role))
    return found


def changes(article: Article, suggestions: dict, resolver: Resolver) -> list[str]:
    """
    What an editor changes in each proposal not accepted as it is: the part
    that differs from the event it is paired with, or that it is paired
    with none; and the events no proposal was paired with.
    """
    proposals = suggestions.get("events") or []
    paired = paired_events(article, proposals, resolver)
    lines = []
    for p_index, proposal in enumerate(proposals):
        quote = (proposal.get("quote") or "")[:80]
        if p_index not in paired:
            lines.append(f"    discarded: {quote!r}")
            continue
        event = article.events[paired[p_index]]
        found = differences(article, proposal, event, resolver)
        if found:
            lines.append(f"    changed: {quote!r}")
            lines.extend(f"      {what}" for _, what, _ in found)
    for e_index, event in enumerate(article.events):
        if e_index not in paired.values():
            start, end = event.spans[0]
            lines.append(f"    no proposal: {article.text[start:end][:80]!r}")
    return lines


REASONS = ("discarded", "type", "date", "place", "actor added", "actor removed", "role")


def reasons(article: Article, suggestions: dict, resolver: Resolver) -> Counter:
    """
    How many of the article's proposals an editor discards, and how many
    need each part changed (a proposal counts once under each part it gets
    wrong); and, keyed (part, role), how many actors are added, removed or
    given a role, by that role: counts only, nothing of the text.
    """
    proposals = suggestions.get("events") or []
    paired = paired_events(article, proposals, resolver)
    counted: Counter = Counter()
    for p_index, proposal in enumerate(proposals):
        if p_index not in paired:
            counted["discarded"] += 1
            continue
        event = article.events[paired[p_index]]
        found = differences(article, proposal, event, resolver)
        counted.update({part for part, _, _ in found})
        counted.update((part, role) for part, _, role in found if role)
    return counted


def _keyed(counted: Counter) -> list[tuple[tuple[str, str], int]]:
    """The (part, role) counts of `reasons`."""
    return [(key, n) for key, n in counted.items() if isinstance(key, tuple)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.devset.score",
        description="Score the suggestion engine on the development set, against "
        "the database in DATABASE_URL (or .env).",
    )
    parser.add_argument("--missed", action="store_true", help="list what was not found")
    parser.add_argument(
        "--changes",
        action="store_true",
        help="list, for each article, what an editor changes in its proposals",
    )
    parser.add_argument(
        "--reasons",
        action="store_true",
        help="count, over all articles, what keeps proposals from acceptance",
    )
    parser.add_argument(
        "--heldout",
        action="store_true",
        help="score the held-out set (tests/heldout/) instead",
    )
    args = parser.parse_args(argv)
    folder = HELDOUT if args.heldout else HERE

    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    django.setup()
    articles = load_all(folder)
    report = run(articles)
    # The held-out set's articles one by one only for whoever moves one to
    # the development set (tests/heldout/README.md): with --missed.
    print(report.table(missed=args.missed, articles=args.missed or not args.heldout))
    if args.reasons:
        from events.extract import suggest

        resolver = Resolver.from_database()
        counted: Counter = Counter()
        for article in articles:
            found = suggest(article.text, published=article.published_on)
            counted.update(reasons(article, found, resolver))
        print(f"\nof {report.proposals} proposals, by what an editor changes:")
        for part in REASONS:
            by_role = sorted(
                f"{role} {n}" for (name, role), n in _keyed(counted) if name == part
            )
            roles = f"   ({', '.join(by_role)})" if by_role else ""
            print(f"  {part:<14} {counted[part]:>3}{roles}")
    if args.changes:
        from events.extract import suggest

        resolver = Resolver.from_database()
        for article in articles:
            found = suggest(article.text, published=article.published_on)
            lines = changes(article, found, resolver)
            if lines:
                print(article.slug, *lines, sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
