"""
One actor, one row: which stored actor a name denotes, whoever asks (the
suggestions, the importers, the admin, the API).

A name is compared by its normalised form (`normalise`): Unicode NFKC,
case-folded, without diacritics, apostrophes or the Arabic article ("al-",
"el-", "as-"), punctuation and dashes as spaces, a leading "the" dropped.
Beside the name as written, the forms other trackers give one actor are
derived (`forms`): ACLED's "Military Forces of Iran (1989-) Islamic
Revolutionary Guard Corps" is also the Islamic Revolutionary Guard Corps of
Iran, "Protesters (Iraq)" protesters of Iraq, "PKK: Kurdistan Workers Party"
both "PKK" and "Kurdistan Workers Party"; UCDP's "Government of Iraq" is the
state of Iraq; "Islamic Revolutionary Guard Corps (IRGC)" both. An acronym
("IRGC", "IS") also meets the initials of a longer name.

Every actor stores these keys of its name and aliases (`Actor.match_keys`,
GIN-indexed), so a lookup is one indexed query whatever the table's size.
The keys are namespaced by how strong a match they make:

- ``n:`` the name or an alias itself, normalised (tier 1);
- ``f:`` any form, derived or not (tier 2);
- ``i:`` the initials of a form of two words or more, ``a:`` a form written
  as an acronym (tier 3: an acronym meets initials, never a whole name).

A Wikidata id, when both sides have one, decides alone (tier 0): the same id
is the same actor, different ids are different actors whatever the names.
Countries must agree where both sides say one. Changing these rules changes
the keys: a migration then recomputes them (`refresh_match_keys`).
"""

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import BooleanField, Case, IntegerField, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from events.interop import countries
from events.models import Actor
from events.queries import bulk_read, lock_until_commit

# Longer input is cut here before it is compared: no actor's name is longer
# (Actor.name holds 300 characters).
MAX_NAME = 400

APOSTROPHES = "'’‘`´ʼʻʽʾʿ′"
DASHES = "-‐‑‒–—―−﹘﹣－"
# Arabic and Persian spellings of the same letter.
ARABIC_LETTERS = str.maketrans(
    {"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "ـ": None}
)
# "al-Sudani", "el-Sisi", "Al Anbar", and before a sun letter "as-Sulaymaniyah",
# "ad-Din", "ash-Sham": written with a dash, the article goes; alone before
# another word, "al" and "el" go too.
ARTICLE_DASHED = re.compile(
    rf"\b(?:al|el|ad|adh|an|ar|as|ash|at|ath|az|ud|ul)[{DASHES}](?=\w)", re.I
)
ARTICLES = frozenset({"al", "el"})
# Words left out of initials: "Democratic Party of Iranian Kurdistan" is DPIK.
MINOR_WORDS = frozenset(
    {"of", "the", "and", "for", "in", "on", "to", "a", "an", "de", "des", "du",
     "la", "le", "da", "di"}
)  # fmt: skip

# ACLED's government periods, "(1989-)", "(2003-2014)": the actor of a later
# period is the same body, and whatever follows is a unit of it.
ACLED_PERIOD = re.compile(
    rf"^(?P<base>.+?)\s*\(\s*\d{{4}}\s*[{DASHES}]\s*(?:\d{{4}})?\s*\)\s*(?P<unit>.*)$"
)
# "Protesters (Iraq)", "Islamic State (Iraq)": a country in parentheses.
QUALIFIED = re.compile(r"^(?P<base>.+?)\s*\((?P<qualifier>[^()]+)\)\s*$")
# "PKK: Kurdistan Workers Party" (ACLED), "Islamic Revolutionary Guard
# Corps (IRGC)".
ACRONYM = r"[A-Z][A-Za-z0-9&]{0,2}[A-Z0-9&][A-Za-z0-9&]{0,6}"
ACRONYM_FIRST = re.compile(rf"^(?P<acronym>{ACRONYM})\s*:\s*(?P<long>.+)$")
ACRONYM_AFTER = re.compile(rf"^(?P<long>.+?)\s*\(\s*(?P<acronym>{ACRONYM})\s*\)$")
# UCDP's "Government of Iraq": the state.
GOVERNMENT = re.compile(r"^government of (?P<country>.+)$", re.I)
# "Military Forces of Iran": whose forces.
OF_COUNTRY = re.compile(r"\bof (?P<country>[A-Z][\w ]+?)\s*$")
ACRONYM_WRITTEN = re.compile(r"^[A-Z][A-Z0-9&]{1,7}$")

# Tiers of a match, strongest first.
BY_WIKIDATA, BY_NAME, BY_FORM, BY_ACRONYM = 0, 1, 2, 3
HOW = {
    BY_WIKIDATA: "has the same Wikidata id",
    BY_NAME: "has this name",
    BY_FORM: "has a name of which this is another form",
    BY_ACRONYM: "has a name of which this is the acronym, or the other way round",
}


# --- names -----------------------------------------------------------------


def normalise(text: str) -> str:
    """
    A name as compared: "Al-Sudani", "al Sudani" and "AL‐SUDANI" are
    "sudani"; "The Islamic State" is "islamic state"; "Ḥasan" is "hasan";
    "Iran’s" is "irans". Never empty for a name that is not blank: one made
    only of symbols is kept as they are, case-folded.
    """
    # Control characters and lone surrogates (undecodable bytes) are no part
    # of a name, and PostgreSQL holds neither NUL nor surrogates in text.
    text = "".join(
        " " if category == "Cc" else ch
        for ch in text[:MAX_NAME]
        if (category := unicodedata.category(ch)) != "Cs"
    )
    text = unicodedata.normalize("NFKC", text)
    folded = text.casefold()
    decomposed = unicodedata.normalize("NFD", folded)
    # Combining marks (diacritics, Arabic vowel signs) and format characters
    # (zero-width joiners, bidirectional marks, soft hyphens) go.
    bare = "".join(
        ch for ch in decomposed if unicodedata.category(ch) not in ("Mn", "Me", "Cf")
    )
    bare = unicodedata.normalize("NFC", bare).translate(ARABIC_LETTERS)
    bare = re.sub(f"[{APOSTROPHES}]", "", bare).replace(".", "").replace("&", " and ")
    bare = ARTICLE_DASHED.sub("", bare)
    words = re.sub(r"[\W_]+", " ", bare).split()
    words = [
        word
        for n, word in enumerate(words)
        if not (word in ARTICLES and n + 1 < len(words))
    ]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words) or " ".join(folded.split())


@dataclass(frozen=True)
class Form:
    """A way of writing an actor's name, and the country it implies, if any."""

    text: str
    country: str = ""  # ISO 3166-1 alpha-3
    # Whether the form drops what made the name particular ("Protesters" of
    # "Protesters (Iraq)", "Iraq" of "Government of Iraq"): it names the
    # actor only with the country it implies.
    general: bool = False


def _country(name: str) -> str:
    found = countries.by_name(name)
    return found.alpha3 if found else ""


def _derived(form: Form) -> list[Form]:
    text, country = form.text.strip(), form.country
    found: list[Form] = []
    period = ACLED_PERIOD.match(text)
    if period:
        base, unit = period["base"], period["unit"].strip()
        of = OF_COUNTRY.search(base)
        owner = country or (_country(of["country"]) if of else "")
        found.append(Form(f"{base} {unit}".strip(), owner))
        if unit:
            found.append(Form(unit, owner))
    qualified = QUALIFIED.match(text)
    if qualified and _country(qualified["qualifier"]):
        found.append(
            Form(qualified["base"], _country(qualified["qualifier"]), general=True)
        )
    for pattern in (ACRONYM_FIRST, ACRONYM_AFTER):
        acronym = pattern.match(text)
        if acronym:
            found += [Form(acronym["acronym"], country), Form(acronym["long"], country)]
    government = GOVERNMENT.match(text)
    if government:
        state = countries.by_name(government["country"].split("(")[0])
        if state:
            found.append(Form(state.name, state.alpha3, general=True))
    return found


def forms(name: str) -> list[Form]:
    """
    The name as written, then every form derived from it, each once:
    "Military Forces of Iran (1989-) Islamic Revolutionary Guard Corps" is
    also "Military Forces of Iran Islamic Revolutionary Guard Corps" and
    "Islamic Revolutionary Guard Corps", both of Iran.
    """
    name = name[:MAX_NAME].strip()
    found = [Form(name, "")]
    seen = {name}
    for form in found:  # grows as forms are derived from derived forms
        for derived in _derived(form):
            if derived.text and derived.text not in seen and len(found) < 12:
                seen.add(derived.text)
                found.append(derived)
    return found


def initials(text: str) -> str:
    """ "Islamic Revolutionary Guard Corps" is "irgc"; a single word has none."""
    words = [
        word
        for word in normalise(text).split()
        if word not in MINOR_WORDS and word[0].isalpha()
    ]
    return "".join(word[0] for word in words) if len(words) >= 2 else ""


def written_as_acronym(text: str) -> str:
    """ "IRGC", "I.R.G.C." and "PKK" are acronyms, normalised; "Iran" is not."""
    letters = text.strip().replace(".", "")
    return letters.casefold() if ACRONYM_WRITTEN.match(letters) else ""


def match_keys(name: str, aliases: Iterable[str] = (), kind: str = "") -> list[str]:
    """
    What Actor.match_keys holds for an actor of this name, aliases and kind.
    People have no initials: "Ali Shamkhani" is not "AS".
    """
    keys: dict[str, None] = {}  # in order, each once
    person = kind == Actor.Kind.PERSON
    for written in [name, *aliases]:
        if not normalise(written):
            continue
        keys[f"n:{normalise(written)}"] = None
        for form in forms(written):
            keys[f"f:{normalise(form.text)}"] = None
            if not person and (short := initials(form.text)):
                keys[f"i:{short}"] = None
            if acronym := written_as_acronym(form.text):
                keys[f"a:{acronym}"] = None
    return list(keys)


def other_names(name: str, aliases: list[str]) -> list[str]:
    """
    The names besides its own an article may call an actor by: its aliases,
    then the forms derived from its name and aliases ("Islamic Revolutionary
    Guard Corps" from ACLED's long name, "PKK" from "PKK: Kurdistan Workers
    Party"). Left out: computed initials, which in running text would find
    "IS" in every capitalised "IS", and general forms, whose country a text
    does not say ("protesters" are not always Iran's).
    """
    names = dict.fromkeys(aliases)
    for written in [name, *aliases]:
        for form in forms(written)[1:]:
            if not form.general:
                names.setdefault(form.text)
    names.pop(name, None)
    return list(names)


def scanned_names() -> Iterator[tuple[int, str, list[str], str]]:
    """Every actor as suggestions look for it: (id, name, other names, kind)."""
    # A server-side cursor lives only as long as its transaction (see
    # bulk_read): never a WITH HOLD one, which a transaction pooler loses.
    with bulk_read():
        for pk, name, aliases, kind in Actor.objects.values_list(
            "id", "name", "aliases", "kind"
        ).iterator(chunk_size=2000):
            yield pk, name, other_names(name, aliases), kind


# --- finding the actor a name denotes ----------------------------------------


@dataclass(frozen=True)
class Match:
    actor: Actor
    tier: int  # BY_WIKIDATA, BY_NAME, BY_FORM or BY_ACRONYM

    @property
    def how(self) -> str:
        return HOW[self.tier]


def _query_keys(name: str, country: str) -> list[tuple[int, str, str]]:
    """(tier, key, country the key implies) for each way `name` may match."""
    keys: list[tuple[int, str, str]] = [(BY_NAME, f"n:{normalise(name)}", country)]
    for form in forms(name):
        implied = country or form.country
        keys.append((BY_FORM, f"f:{normalise(form.text)}", implied))
        if short := initials(form.text):
            keys.append((BY_ACRONYM, f"a:{short}", implied))
        if acronym := written_as_acronym(form.text):
            keys.append((BY_ACRONYM, f"i:{acronym}", implied))
    return keys


def _agrees(wanted: str, held: str) -> bool:
    """Two values agree unless both are given and differ."""
    return not wanted or not held or wanted == held


def matches(
    name: str,
    *,
    kind: str = "",
    country: str = "",
    wikidata_id: str = "",
    exclude: Iterable[int] = (),
    queryset: QuerySet | None = None,
) -> list[Match]:
    """
    The actors `name` may denote, best first: by Wikidata id, then by name
    or alias, by another form of either, by acronym; within a tier, those
    of the same country and kind first, then the oldest. One query, or two
    with a Wikidata id.
    """
    actors = Actor.objects.all() if queryset is None else queryset
    actors = actors.exclude(pk__in=list(exclude))
    found: dict[int, Match] = {}
    if wikidata_id:
        for actor in actors.filter(wikidata_id=wikidata_id).order_by("pk"):
            found[actor.pk] = Match(actor, BY_WIKIDATA)
    keys = _query_keys(name, country) if normalise(name) else []
    if keys:
        wanted = sorted({key for _, key, _ in keys})
        for actor in actors.filter(match_keys__overlap=wanted).order_by("pk"):
            if actor.pk in found:
                continue
            if wikidata_id and actor.wikidata_id and actor.wikidata_id != wikidata_id:
                continue  # another entity, whatever its name
            held = set(actor.match_keys)
            tiers = [
                tier
                for tier, key, implied in keys
                if key in held and _agrees(implied, actor.country)
            ]
            if tiers:
                found[actor.pk] = Match(actor, min(tiers))
    ranked = sorted(
        found.values(),
        key=lambda match: (
            match.tier,
            not (country and match.actor.country == country),
            not (kind and match.actor.kind == kind),
            match.actor.pk,
        ),
    )
    # An acronym that fits several actors names none of them.
    if len(ranked) > 1 and ranked[0].tier == BY_ACRONYM == ranked[1].tier:
        return []
    return ranked


def find_actor(
    name: str,
    *,
    kind: str = "",
    country: str = "",
    wikidata_id: str = "",
    exclude: Iterable[int] = (),
) -> Actor | None:
    """The stored actor `name` denotes (see `matches`), or None."""
    found = matches(
        name, kind=kind, country=country, wikidata_id=wikidata_id, exclude=exclude
    )
    return found[0].actor if found else None


def knows_name(actor: Actor, name: str) -> bool:
    """Whether `name` is, normalised, the actor's name or one of its aliases."""
    key = normalise(name)
    return any(normalise(known) == key for known in [actor.name, *actor.aliases])


def add_alias(actor: Actor, name: str) -> bool:
    """Keep `name` as an alias of the actor unless it knows it; say whether it did."""
    if knows_name(actor, name):
        return False
    with transaction.atomic():
        lock_identity_writes()
        locked = Actor.objects.select_for_update().get(pk=actor.pk)
        if knows_name(locked, name):
            return False
        locked.aliases = [*locked.aliases, name[:300]]
        locked.save(update_fields=["aliases", "updated_at"])
    actor.aliases, actor.match_keys = locked.aliases, locked.match_keys
    return True


# The transaction-level advisory lock that makes "find, else create" one
# step: taken before a name is written (a new actor, a new alias) and held to
# the end of the writer's transaction, so that two imports (or an import and
# an editor) naming the same new actor at once make one row. One lock for
# all names, taken before any actor row is locked: two writers can never each
# hold what the other waits for.
IDENTITY_LOCK = 0x5A47_4143  # a constant the project uses for nothing else


def lock_identity_writes() -> None:
    lock_until_commit(IDENTITY_LOCK)


def find_or_create(*, name: str, kind: str, country: str = "") -> Actor:
    """
    The actor a name denotes (a dataset's row, a name an editor picked in an
    article), which learns that spelling as an alias when it did not know
    it; or else a new actor of that name, kind and country.
    """
    actor = find_actor(name, kind=kind, country=country)
    if actor is None:
        with transaction.atomic():
            # Another writer may be creating it now: wait for its transaction
            # to end and look again, seeing what it committed.
            lock_identity_writes()
            actor = find_actor(name, kind=kind, country=country)
            if actor is None:
                return Actor.objects.create(name=name, kind=kind, country=country)
    add_alias(actor, name)
    return actor


# --- duplicates, for forms ------------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    field: str  # "name", "aliases" or "wikidata_id"
    written: str  # what was written there
    match: Match

    def message(self) -> str:
        actor = self.match.actor
        return (
            f"“{self.written}” already denotes {actor} (actor {actor.pk}), which "
            f"{self.match.how}. Use that actor, or merge the two."
        )


def duplicates(
    *,
    name: str,
    aliases: Iterable[str] = (),
    kind: str = "",
    country: str = "",
    wikidata_id: str = "",
    exclude: Iterable[int] = (),
    different_actor: bool = False,
) -> list[Duplicate]:
    """
    For an actor about to be saved: the stored actors its Wikidata id, name
    or aliases already denote, at most one per field written, that refuse
    the save. An editor who says it is truly a `different_actor` (two people
    of the same name) saves it despite a shared name or alias; a shared
    Wikidata id always refuses, since it names one entity.
    """
    exclude = list(exclude)
    found: list[Duplicate] = []
    if wikidata_id:
        same = Actor.objects.exclude(pk__in=exclude).filter(wikidata_id=wikidata_id)
        if actor := same.order_by("pk").first():
            found.append(
                Duplicate("wikidata_id", wikidata_id, Match(actor, BY_WIKIDATA))
            )
    for field, written in [("name", name), *(("aliases", alias) for alias in aliases)]:
        if not normalise(written):
            continue
        ranked = [
            match
            for match in matches(
                written,
                kind=kind,
                country=country,
                wikidata_id=wikidata_id,
                exclude=exclude,
            )
            if match.tier != BY_WIKIDATA  # reported once, above
        ]
        if ranked and not different_actor:
            found.append(Duplicate(field, written, ranked[0]))
    return found


# --- listing actors for autocomplete ---------------------------------------------


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(queryset: QuerySet, term: str) -> QuerySet:
    """
    Actors whose name or alias, in any of its forms, contains `term`
    normalised (so "al sudani" finds "Mohammed Shia al-Sudani"), or whose
    initials it spells: each actor once, those it names exactly first, then
    those a form of which begins with it, then by name.
    """
    key = normalise(term)
    if not key:
        return queryset
    acronym = written_as_acronym(term) or (
        key if " " not in key and len(key) <= 6 else ""
    )
    exact = [f"f:{key}", *([f"i:{acronym}", f"a:{acronym}"] if acronym else [])]
    contains = RawSQL(
        "EXISTS (SELECT 1 FROM unnest(events_actor.match_keys) AS k "
        "WHERE k LIKE %s OR k = ANY(%s))",
        [f"f:%{_like_escaped(key)}%", exact],
        output_field=BooleanField(),
    )
    starts = RawSQL(
        "EXISTS (SELECT 1 FROM unnest(events_actor.match_keys) AS k WHERE k LIKE %s)",
        [f"f:{_like_escaped(key)}%"],
        output_field=BooleanField(),
    )
    return (
        queryset.filter(contains)
        .annotate(
            relevance=Case(
                When(match_keys__overlap=exact, then=Value(0)),
                When(starts, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("relevance", "name", "pk")
    )


def refresh_match_keys(actors: Iterable[Actor] | None = None) -> int:
    """
    Compute the keys again for `actors` (every actor by default), as a
    migration does when these rules change; say how many changed.
    """
    rows = Actor.objects.all() if actors is None else actors
    changed = []
    for actor in rows:
        keys = match_keys(actor.name, actor.aliases, actor.kind)
        if keys != actor.match_keys:
            changed.append((actor.pk, keys))
    if changed:
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE events_actor SET match_keys = %s WHERE id = %s",
                [(keys, pk) for pk, keys in changed],
            )
    return len(changed)
