"""
Actors named in an article that the database already holds, matched by
name, alias or a person's surname. The actors it does not hold yet are
recognised in candidates.py.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from events import actor_identity
from events.extract.fingerprint import fingerprint
from events.extract.text import (
    COMMON_WORDS,
    DEMONYMS,
    NameIndex,
    Sentence,
    Token,
    find_names,
    fold,
    name_key,
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


@dataclass(frozen=True, slots=True)
class ActorRef:
    """An actor by name, with its id when the database holds it."""

    name: str
    actor_id: int | None

    def as_dict(self) -> dict:
        return {"name": self.name, "actor_id": self.actor_id}


@dataclass(slots=True)
class ActorMention:
    text: str
    start: int
    end: int
    name: str
    actor_id: int | None
    kind: str  # an Actor.Kind value; "" when a candidate's kind is unclear
    sentence: int
    # For an actor not in the database yet: its country (ISO 3166-1 alpha-3)
    # and the actor it belongs to ("Iraq" for Iraq's foreign ministry).
    country: str = ""
    parent: ActorRef | None = None

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "name": self.name,
            "actor_id": self.actor_id,
            "kind": self.kind,
            "country": self.country,
            "parent": None if self.parent is None else self.parent.as_dict(),
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


def last_actor_index() -> NameIndex[KnownName]:
    """
    The index `actor_index()` last built, without asking the database again:
    for lookups made while the same article is read.
    """
    return _index_cache[1] if _index_cache is not None else actor_index()


def index_summary() -> tuple[int, int] | None:
    """The fingerprint of the actors the index was last built from."""
    return _index_cache[0] if _index_cache is not None else None
