"""
Suggestions for an article: the actors, places, dates and events its text
names, each with the character offsets of the words it was read from, for
an editor to accept, correct or discard.
"""

import datetime
import logging
from typing import TypeVar

from django.db import DatabaseError

from events.extract import metadata as article_metadata
from events.extract.actors import ActorMention, match_known
from events.extract.candidates import recognise
from events.extract.dates import find_dates
from events.extract.events import propose_events
from events.extract.places import PlaceMention, match_places, unknown_places
from events.extract.text import Sentence, fold, split_sentences, tokenize, unwrap
from events.models import Actor

logger = logging.getLogger(__name__)


def suggest(
    text: str,
    *,
    published: datetime.date | None,
    today: datetime.date | None = None,
) -> dict:
    """
    Suggestions as one JSON-serialisable dict: {"metadata": {...}, "actors":
    [...], "places": [...], "dates": [...], "events": [...]}. Relative dates
    ("on Sunday", "last year") resolve from `published`, or failing it from
    the date of the article's dateline ("BAGHDAD, March 3 (Reuters) -"; a
    dateline without a year is dated up to `today`), and are left out
    without either.
    """
    # A hard-wrapped paragraph read as one line; offsets are the same.
    text = unwrap(text)
    metadata = article_metadata.combine(
        article_metadata.given(published_on=published),
        article_metadata.from_text(text, today=today),
    )
    published = metadata.published_on
    sentences = _dateline_apart(split_sentences(text), text, metadata.dateline)
    known = match_known(sentences, text)
    places = _outside_longer(match_places(sentences, text), known)
    # "Iraq" in "northern Iraq" names a place, not the state.
    known = _outside_longer(known, places)
    actors, places = recognise(sentences, text, known=known, places=places)
    # A new "person" where the words around say a place ("near Jurf
    # al-Sakhar, 60 km south of Baghdad") is the place.
    unknown, replaced = unknown_places(
        sentences,
        text,
        places=places,
        taken=[
            (a.start, a.end)
            for a in actors
            if a.actor_id is not None or a.kind != Actor.Kind.PERSON
        ],
    )
    places = sorted(
        [p for p in places if p not in replaced] + unknown, key=lambda p: p.start
    )
    # "captured Ras al-Ain from the SDF" after "near Ras al-Ain": a new
    # person whose words the article places elsewhere is the place.
    placed = _named_as_place(actors, places)
    places = sorted(places + list(placed.values()), key=lambda p: p.start)
    actors = [
        a
        for a in actors
        if not any(a.start < p.end and p.start < a.end for p in unknown)
        and not _dateline_place(a.start, a.end, metadata.dateline)
        and not _named_as_dateline(a, metadata.dateline, text)
        and id(a) not in placed
        # A name of no known kind that is also read as a place ("between
        # Koya and the village of…") is the place; one that holds the
        # country it is named for ("Iran Human Rights") is not.
        and (
            a.kind
            or a.actor_id is not None
            or not any(
                a.start < p.end
                and p.start < a.end
                and not (
                    a.start <= p.start
                    and p.end <= a.end
                    and p.end - p.start < a.end - a.start
                )
                for p in places
            )
        )
    ]
    dates = find_dates(sentences, text, published=published)
    events = propose_events(
        text=text,
        sentences=sentences,
        actors=actors,
        places=places,
        dates=dates,
        published=published,
    )
    return {
        "metadata": metadata.as_dict(),
        "actors": [mention.as_dict() for mention in actors],
        "places": [mention.as_dict() for mention in places],
        "dates": [mention.as_dict() for mention in dates],
        "events": events,
    }


def suggest_safely(
    text: str,
    *,
    published: datetime.date | None,
    today: datetime.date | None = None,
) -> dict:
    """
    `suggest` for the curation screen, the API and intake: the assistant is
    a help, and an article it fails on is still curated by hand. The failure
    is logged with its traceback, and the answer has the article's metadata,
    nothing found, and `"failed": true`. A database error is not the
    rules' and is raised as it is.
    """
    try:
        return suggest(text, published=published, today=today)
    except DatabaseError:
        # The database, not the rules: the caller's error, retried as such.
        raise
    except Exception:
        logger.exception(
            "The suggestion engine failed on an article of %d characters", len(text)
        )
    given = article_metadata.given(published_on=published)
    try:
        metadata = article_metadata.combine(
            given, article_metadata.from_text(unwrap(text), today=today)
        )
    except Exception:
        logger.exception("Reading the article's metadata failed as well")
        metadata = given
    return {
        "metadata": metadata.as_dict(),
        "actors": [],
        "places": [],
        "dates": [],
        "events": [],
        "failed": True,
    }


def _dateline_apart(
    sentences: list[Sentence], text: str, dateline: article_metadata.Dateline | None
) -> list[Sentence]:
    """
    The dateline ("ERBIL, Iraq, Nov 14 (Reuters) -") as a line of its own:
    its names are found, but it is not read as part of the first sentence.
    """
    if dateline is None:
        return sentences
    position = next(
        (i for i, s in enumerate(sentences) if s.start <= dateline.start < s.end),
        None,
    )
    if position is None:
        return sentences
    sentence = sentences[position]
    rest = len(text[dateline.end : sentence.end]) - len(
        text[dateline.end : sentence.end].lstrip(" -–—:/")
    )
    body_start = dateline.end + rest
    if body_start >= sentence.end:
        return sentences
    head = Sentence(0, sentence.start, dateline.end, sentence.paragraph, heading=True)
    body = Sentence(
        0,
        body_start,
        sentence.end,
        sentence.paragraph,
        heading=sentence.heading,
        caption=sentence.caption,
    )
    for part in (head, body):
        part.tokens = tokenize(text[part.start : part.end], offset=part.start)
    result = [*sentences[:position], head, body, *sentences[position + 1 :]]
    for index, part in enumerate(result):
        part.index = index
    return result


def _dateline_place(
    start: int, end: int, dateline: article_metadata.Dateline | None
) -> bool:
    """Words of the dateline's place ("KOYA, Iraq, April 15 —"): no actor."""
    if dateline is None:
        return False
    return dateline.start <= start and end <= dateline.start + len(dateline.place)


def _named_as_dateline(
    mention: ActorMention, dateline: article_metadata.Dateline | None, text: str
) -> bool:
    """A name of no known kind that the dateline gives as its place: a place."""
    return (
        dateline is not None
        and not mention.kind
        and mention.actor_id is None
        and text[mention.start : mention.end].casefold() == dateline.place.casefold()
    )


def _named_as_place(
    actors: list[ActorMention], places: list[PlaceMention]
) -> dict[int, PlaceMention]:
    """
    New people whose full words are, elsewhere in the article, a place read
    where no actor is named, by the id of the mention: each as that place.
    """
    spans = [(a.start, a.end) for a in actors]
    free = {
        fold(p.text): p
        for p in places
        if not p.place.unknown and not any(s < p.end and p.start < e for s, e in spans)
    }
    found: dict[int, PlaceMention] = {}
    for mention in actors:
        place = free.get(fold(mention.text))
        if (
            place is None
            or mention.kind != Actor.Kind.PERSON
            or mention.actor_id is not None
            or mention.name != mention.text
        ):
            continue
        found[id(mention)] = PlaceMention(
            mention.text, mention.start, mention.end, place.place, mention.sentence
        )
    return found


Mention = TypeVar("Mention", ActorMention, PlaceMention)


def _outside_longer(
    mentions: list[Mention], others: list[ActorMention] | list[PlaceMention]
) -> list[Mention]:
    """
    Mentions that are not words of a longer name: "Kurdistan" in "Kurdistan
    Regional Government" is no place, "Iraq" in "northern Iraq" no actor.
    """
    return [
        mention
        for mention in mentions
        if not any(
            other.start <= mention.start
            and mention.end <= other.end
            and (other.end - other.start) > (mention.end - mention.start)
            for other in others
        )
    ]
