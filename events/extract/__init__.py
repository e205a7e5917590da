"""
Suggestions for an article: the actors, places, dates and events its text
names, each with the character offsets of the words it was read from, for
an editor to accept, correct or discard.
"""

import datetime
from typing import TypeVar

from events.extract.actors import ActorMention, find_candidates, match_known
from events.extract.dates import find_dates
from events.extract.events import propose_events
from events.extract.places import PlaceMention, match_places
from events.extract.text import split_sentences


def suggest(text: str, *, published: datetime.date | None) -> dict:
    """
    Suggestions as one JSON-serialisable dict:
    {"actors": [...], "places": [...], "dates": [...], "events": [...]}.
    Relative dates ("on Sunday", "last year") resolve from `published`, and
    are left out without it.
    """
    sentences = split_sentences(text)
    known = match_known(sentences, text)
    places = _outside_longer(match_places(sentences, text), known)
    # "Iraq" in "northern Iraq" names a place, not the state.
    known = _outside_longer(known, places)
    candidates = find_candidates(
        sentences, text, known=known, place_spans=[(p.start, p.end) for p in places]
    )
    places = _outside_longer(places, candidates)
    known = _outside_longer(known, candidates)
    actors = sorted(known + candidates, key=lambda m: (m.start, m.end))
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
        "actors": [mention.as_dict() for mention in actors],
        "places": [mention.as_dict() for mention in places],
        "dates": [mention.as_dict() for mention in dates],
        "events": events,
    }


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
