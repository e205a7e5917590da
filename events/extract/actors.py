"""
Actors named in an article: those already in the database, matched by name,
alias or a person's surname, and candidates the text names that the
database does not hold yet (people after a title, bodies ending in
"Ministry" or "Council", acronyms, news agencies, whoever "said" something).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from events import actor_identity
from events.extract.fingerprint import fingerprint
from events.extract.text import (
    COMMON_WORDS,
    DEMONYMS,
    FUNCTION_WORDS,
    MONTHS,
    TITLE_WORDS,
    WEEKDAYS,
    NameIndex,
    Sentence,
    Token,
    find_names,
    fold,
    name_key,
    words,
)
from events.models import Actor

PERSON = Actor.Kind.PERSON


@dataclass(frozen=True, slots=True)
class KnownName:
    actor_id: int
    name: str
    kind: str
    rank: int  # 0 the actor's name, 1 an alias, 2 derived from a person's name
    capitalised: bool


@dataclass(slots=True)
class ActorMention:
    text: str
    start: int
    end: int
    name: str
    actor_id: int | None
    kind: str  # an Actor.Kind value; "" when a candidate's kind is unclear
    sentence: int

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "name": self.name,
            "actor_id": self.actor_id,
        }


# One index per process, with the fingerprint of the table it was built from.
_index_cache: tuple[tuple[int, int], NameIndex[KnownName]] | None = None


def actor_index() -> NameIndex[KnownName]:
    """The name index of all actors, rebuilt only when an actor changed."""
    global _index_cache
    summary = fingerprint(Actor, "name", "aliases", "kind")
    if _index_cache is not None and _index_cache[0] == summary:
        return _index_cache[1]
    index = build_actor_index(actor_identity.scanned_names())
    _index_cache = (summary, index)
    return index


def build_actor_index(
    rows: Iterable[tuple[int, str, list[str], str]],
) -> NameIndex[KnownName]:
    index: NameIndex[KnownName] = NameIndex()
    derived: dict[tuple[str, ...], list[KnownName]] = {}
    for actor_id, name, aliases, kind in rows:
        for rank, form in [(0, name), *((1, alias) for alias in aliases or [])]:
            entry = KnownName(actor_id, name, kind, rank, form[:1].isupper())
            index.add(name_key(form), entry)
        if kind == PERSON:
            keys = name_key(name)
            # "Ali Shamkhani" is "Shamkhani" on second mention, and "Mohammed
            # Shia al-Sudani" is also "Mohammed al-Sudani".
            shorter = [keys[-1:]] if len(keys) >= 2 else []
            if len(keys) >= 3:
                shorter.append((keys[0], keys[-1]))
            for key in shorter:
                if len(key) == 1 and (len(key[0]) < 4 or key[0] in COMMON_WORDS):
                    continue
                derived.setdefault(key, []).append(
                    KnownName(actor_id, name, kind, 2, True)
                )
    for key, entries in derived.items():
        # A surname shared by two people, or already someone's full name,
        # identifies nobody.
        if len({entry.actor_id for entry in entries}) == 1 and not index.get(key):
            index.add(key, entries[0])
    return index


def _accept_known(
    tokens: list[Token], first: int, last: int, entries: list[KnownName]
) -> list[KnownName]:
    token = tokens[first]
    if first != last:
        return sorted(entries, key=lambda e: (e.rank, e.actor_id))
    folded = fold(token.text)
    if folded in COMMON_WORDS or folded in DEMONYMS:
        return []
    # "peshmerga" still names the Peshmerga, but a short lowercase word or a
    # lowercase surname names nobody.
    kept = [
        entry
        for entry in entries
        if token.is_capitalised
        or not entry.capitalised
        or (entry.rank < 2 and len(token.text) >= 6)
    ]
    return sorted(kept, key=lambda e: (e.rank, e.actor_id))


def match_known(sentences: list[Sentence], text: str) -> list[ActorMention]:
    index = actor_index()
    mentions: list[ActorMention] = []
    for sentence in sentences:
        for match in find_names(text, sentence.tokens, [index], accept=_accept_known):
            entry = match.entries[0]
            mentions.append(
                ActorMention(
                    text=text[match.start : match.end],
                    start=match.start,
                    end=match.end,
                    name=entry.name,
                    actor_id=entry.actor_id,
                    kind=entry.kind,
                    sentence=sentence.index,
                )
            )
    return mentions


# Last words of the names of bodies: "Foreign Ministry", "Popular
# Mobilization Forces", "Kurdistan Democratic Party".
ORG_HEADS = words(
    """
    ministry council guard guards party forces force agency army corps
    committee front movement brigade brigades organisation organization union
    commission court parliament assembly command police service services
    authority authorities group network institute association company mission
    coalition units battalion division directorate bureau cabinet government
    bank foundation alliance federation league militia tribunal judiciary
    senate congress department administration brotherhood office centre
    center news times post press tv television radio channel agency
    """
)
# Words after which a name is a source or a group: "according to Reuters",
# "agency Mossad", "members of Kataib Hezbollah".
SOURCE_BEFORE = re.compile(
    r"(?:according to|told|via|quoted by|reported by|cited by|agency|"
    r"newspaper|broadcaster|channel|outlet|website|daily|members of|member of|"
    r"fighters (?:of|from)|militants (?:of|from)|leader of|head of|chief of|"
    r"spokesman (?:for|of)|spokeswoman (?:for|of)|spokesperson (?:for|of)|"
    r"commander of|affiliated with|loyal to|backed by|belong(?:s|ed)? to|"
    r"linked to|faction of)(?: the)?\s+$",
    re.IGNORECASE,
)
MEDIA_AFTER = re.compile(
    r"^\s+(?:news agency|agency|newspaper|daily|news|TV|television|"
    r"broadcaster|channel|website)\b",
    re.IGNORECASE,
)
SAYS_AFTER = re.compile(
    r"^,?\s+(?:said|says|told|added|announced|stated|denied|confirmed|warned|"
    r"claimed|reported|wrote|tweeted|posted|insisted|noted|argued)\b"
)
# Letters of words that are not names although written in capitals.
ACRONYM_STOP = words(
    "AM PM GMT UTC TV ID OK II III IV VI VII VIII IX XI CEO MP PS NB ET EST "
    "AD BC CCTV DNA GDP FAQ PDF HQ"
)
PARTICLES = frozenset({"bin", "ibn", "bint", "abu", "abd", "de", "van", "von", "da"})
# Lowercase words inside a name: "Ministry of Foreign Affairs", "Office of
# the Prime Minister", "Abu Bakr al Baghdadi". "the" only after "of"/"for".
CONNECTORS = frozenset({"of", "for", "the", "al", "el", "de"})
PRONOUNS = words(
    "he she they it we i you his her their its this that these those there "
    "who which what"
)


def _capitalised_runs(tokens: list[Token], text: str) -> list[tuple[int, int]]:
    """
    Runs of capitalised words standing together ("Popular Mobilization
    Forces", "Ministry of Foreign Affairs"), as inclusive token index ranges.
    """
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if not _capitalised(tokens[i]):
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and _joined(tokens[j], tokens[j + 1], text):
            nxt = tokens[j + 1]
            if _capitalised(nxt):
                j += 1
                continue
            # "of", "for", "al" inside a name, followed by a capitalised word.
            k = j + 1
            while (
                k < len(tokens)
                and fold(tokens[k].text) in CONNECTORS
                and _joined(tokens[k - 1], tokens[k], text)
            ):
                k += 1
            if (
                k < len(tokens)
                and k > j + 1
                and fold(tokens[j + 1].text) != "the"
                and _capitalised(tokens[k])
                and _joined(tokens[k - 1], tokens[k], text)
            ):
                j = k
                continue
            break
        runs.append((i, j))
        i = j + 1
    return runs


def _capitalised(token: Token) -> bool:
    return (
        token.is_capitalised or re.match(r"^(?:al|el)[-‐‑]\w", token.text) is not None
    )


def _joined(left: Token, right: Token, text: str) -> bool:
    """Adjacent words of one name: "Kurdistan Workers’ Party" too."""
    return re.fullmatch(r"[’']?\s?", text[left.end : right.start]) is not None


def _is_junk(parts: list[str]) -> bool:
    """Sentence openers, months, days, demonyms and titles name nobody."""
    folded = [fold(w) for w in parts]
    if len(folded) == 1 and folded[0] in COMMON_WORDS:
        return True
    meaningful = [
        w
        for w in folded
        if w not in FUNCTION_WORDS
        and w not in DEMONYMS
        and w not in MONTHS
        and w not in WEEKDAYS
        and w not in TITLE_WORDS
        and w not in PRONOUNS
        and w not in CONNECTORS
        and w != "s"
    ]
    return not meaningful


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    kind: str


def _trim(
    tokens: list[Token], first: int, last: int, *, keep_demonym: bool
) -> tuple[int, int] | None:
    """A run without its leading "The", sentence openers, titles and demonyms."""
    while first <= last:
        word = fold(tokens[first].text)
        droppable = word in FUNCTION_WORDS or word in TITLE_WORDS
        if word in DEMONYMS and not keep_demonym:
            droppable = True
        if word in CONNECTORS or word == "s":
            droppable = True
        if not droppable:
            break
        first += 1
    while last >= first and fold(tokens[last].text) in CONNECTORS | {"s"}:
        last -= 1
    return (first, last) if first <= last else None


def find_candidates(
    sentences: list[Sentence],
    text: str,
    *,
    known: list[ActorMention],
    place_spans: list[tuple[int, int]],
) -> list[ActorMention]:
    """Actors the text names that are not in the database."""
    known_spans = [(m.start, m.end) for m in known]
    found: list[_Candidate] = []

    def crosses_known(start: int, end: int) -> bool:
        """
        Whether a candidate would swallow or split a known name. "Central
        Bank of Iraq" and "Iran’s Foreign Ministry" hold a known name as
        their owner and are names of their own.
        """
        for k_start, k_end in known_spans:
            if not (start < k_end and k_start < end):
                continue
            if not (start <= k_start and k_end <= end) or (start, end) == (
                k_start,
                k_end,
            ):
                return True
            owner = k_start == start and re.match(r"[’']s\b", text[k_end : k_end + 3])
            of = re.search(r"\b(?:of|for)(?: the)?\s+$", text[start:k_start])
            if not (owner or (of and k_end == end)):
                return True
        return False

    for sentence in sentences:
        found.extend(_candidates_in(sentence, text))

    accepted: dict[tuple[str, ...], tuple[str, str]] = {}
    for candidate in sorted(found, key=lambda c: (c.start, -(c.end - c.start))):
        surface = text[candidate.start : candidate.end]
        if crosses_known(candidate.start, candidate.end):
            continue
        if (candidate.start, candidate.end) in place_spans:
            continue
        if _is_junk(re.findall(r"[^\W_]+", surface)):
            continue
        key = name_key(surface)
        if key and key not in accepted:
            accepted[key] = (surface, candidate.kind)

    # Every mention of an accepted candidate, also where no rule fired:
    # "Mahmoud al-Rubaie" once, then "al-Rubaie" or "Rubaie".
    surnames: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for key, (surface, kind) in accepted.items():
        if kind == PERSON and len(key) >= 2 and key[-1] not in COMMON_WORDS:
            surnames.setdefault(key[-1:], []).append((surface, kind))
    index: NameIndex[tuple[str, str]] = NameIndex()
    for key, entry in accepted.items():
        # "Hussein told reporters" after "Fuad Hussein" is Fuad Hussein.
        if len(surnames.get(key, [])) != 1:
            index.add(key, entry)
    for key, entries in surnames.items():
        if len(entries) == 1 and not index.get(key):
            index.add(key, entries[0])

    mentions: list[ActorMention] = []
    for sentence in sentences:
        for match in find_names(
            text, sentence.tokens, [index], accept=_accept_candidate
        ):
            if crosses_known(match.start, match.end) or (
                (match.start, match.end) in place_spans
            ):
                continue
            surface, kind = match.entries[0]
            mentions.append(
                ActorMention(
                    text=text[match.start : match.end],
                    start=match.start,
                    end=match.end,
                    name=surface,
                    actor_id=None,
                    kind=kind,
                    sentence=sentence.index,
                )
            )
    return mentions


def _accept_candidate(
    tokens: list[Token], first: int, last: int, entries: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    return entries if tokens[first].is_capitalised or first != last else []


def _candidates_in(sentence: Sentence, text: str) -> list[_Candidate]:
    tokens = sentence.tokens
    found: list[_Candidate] = []

    def add(first: int, last: int, kind: str, *, end: int | None = None) -> None:
        found.append(_Candidate(tokens[first].start, end or tokens[last].end, kind))

    for first, last in _capitalised_runs(tokens, text):
        # A body: "Iraqi Foreign Ministry", "Ministry of Foreign Affairs".
        org = _trim(tokens, first, last, keep_demonym=True)
        if org and org[1] > org[0] and _is_body(tokens, *org):
            start = org[0]
            # "Iran’s Foreign Ministry": the owner belongs to the name.
            if (
                start >= 2
                and tokens[start - 1].key == "s"
                and tokens[start - 1].text[0] in "’'"
                and tokens[start - 2].is_capitalised
            ):
                start -= 2
            add(start, org[1], Actor.Kind.GOVERNMENT_BODY)
            continue
        # A person after a title: "Prime Minister Mohammed al-Sudani",
        # "adviser Qasim al-Araji", "Gen. Yahya Rasool".
        titled = _after_title(tokens, first, last)
        if titled is not None:
            add(*titled, PERSON)
            continue
        # A name with "al-", "bin", "Abu": "Mahmoud al-Rubaie".
        if any(
            re.match(r"^(?:al|el)[-‐‑]", tokens[i].text, re.IGNORECASE)
            or fold(tokens[i].text) in PARTICLES
            for i in range(first, last + 1)
        ):
            name = _trim(tokens, first, last, keep_demonym=False)
            if name and name[1] > name[0] and not _has_org_word(tokens, *name):
                add(*name, PERSON)
        before = text[sentence.start : tokens[first].start]
        after = text[tokens[last].end : sentence.end]
        name = _trim(tokens, first, last, keep_demonym=False)
        if name is None:
            continue
        if SOURCE_BEFORE.search(before):
            add(*name, "")
        media = MEDIA_AFTER.match(after)
        if media:
            add(*name, Actor.Kind.MEDIA, end=tokens[last].end + media.end())
        # "Hassan said", "Reuters said"; but a plural opening a sentence is
        # a common noun: "Analysts said".
        plural_opener = first == last == 0 and tokens[0].text.endswith("s")
        if SAYS_AFTER.match(after) and not plural_opener:
            add(*name, PERSON if name[1] > name[0] else "")
        if _titled_member_after(tokens, last):
            # "Hezbollah leader Hassan Nasrallah", "PMF spokesman Mahmoud…".
            add(*name, "")

    for i, token in enumerate(tokens):
        word = token.text
        if (
            2 <= len(word) <= 6
            and word.isupper()
            and word.isalpha()
            and word not in ACRONYM_STOP
            and fold(word) not in MONTHS
            and not _acronym_of_previous(tokens, i)
        ):
            add(i, i, "")
    return found


def _is_body(tokens: list[Token], first: int, last: int) -> bool:
    """
    A run naming a body: with a word such as "Ministry" or "Commission" in
    it ("Iraqi High Commission for Human Rights") and no title after that
    word, which would make it a person's ("Basra Police Chief Ali Saleh").
    """
    folded = [fold(tokens[i].text) for i in range(first, last + 1)]
    heads = [i for i, w in enumerate(folded) if w in ORG_HEADS]
    if not heads or last == first:
        return False
    return not any(w in TITLE_WORDS for w in folded[heads[0] + 1 :])


def _has_org_word(tokens: list[Token], first: int, last: int) -> bool:
    return any(fold(tokens[i].text) in ORG_HEADS for i in range(first, last + 1))


def _after_title(tokens: list[Token], first: int, last: int) -> tuple[int, int] | None:
    """The name in a run that follows a title, inside or just before the run."""
    title_end = None
    for i in range(first, last + 1):
        if fold(tokens[i].text).rstrip(".") in TITLE_WORDS:
            title_end = i
    if title_end is None and first > 0 and fold(tokens[first - 1].text) in TITLE_WORDS:
        title_end = first - 1
    if title_end is None or title_end >= last:
        return None
    start = title_end + 1
    while start <= last and (
        fold(tokens[start].text) in DEMONYMS or tokens[start].key == "s"
    ):
        start += 1
    end = min(last, start + 3)
    if start > end or _has_org_word(tokens, start, end):
        return None
    if any(not _capitalised(tokens[i]) for i in range(start, end + 1)):
        return None
    if fold(tokens[start].text) in CONNECTORS:
        return None
    return start, end


def _titled_member_after(tokens: list[Token], last: int) -> bool:
    """Whether a lowercase title and a capitalised name follow a run."""
    i = last + 1
    while i < len(tokens) and not tokens[i].is_capitalised:
        if fold(tokens[i].text) not in TITLE_WORDS:
            return False
        i += 1
    return last + 1 < i < len(tokens) and tokens[i].is_capitalised


def _acronym_of_previous(tokens: list[Token], i: int) -> bool:
    """ "(PMF)" after "Popular Mobilization Forces" is the same body again."""
    letters = tokens[i].text
    before = [t for t in tokens[max(0, i - len(letters) - 3) : i] if t.is_capitalised]
    initials = "".join(t.text[0] for t in before[-len(letters) :])
    return len(letters) >= 2 and initials == letters
