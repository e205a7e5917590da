"""
Sentences that report something happening, proposed as events: a type from
the words that carry the action, the actors around them in their roles, the
nearest date and place, and a short title built from the sentence.
"""

import datetime
import re
from dataclasses import dataclass

from events.extract.actors import PERSON, ActorMention
from events.extract.dates import DateMention
from events.extract.places import PlaceMention, detail
from events.extract.text import FUNCTION_WORDS, TITLE_WORDS, Sentence, fold, words
from events.models import DatePrecision, Event, Participant

T = Event.Type
Role = Participant.Role

VIOLENT = {T.REMOTE_VIOLENCE, T.BATTLE, T.VIOLENCE_AGAINST_CIVILIANS, T.RIOT}

# How much a kind of wording says that something happened: a verb ("signed",
# "detained") more than a noun ("the agreement"), and both more than a verb
# of saying, which makes an event only when nothing else does.
VERB, NOUN, SAY, WEAK = 3.0, 2.0, 1.5, 1.0
CASUALTY = "casualty"  # "killed", "died": the type comes from the rest


def _any_of(*alternatives: str) -> str:
    return r"\b(?:" + "|".join(alternatives) + r")\b"


# The words that tell what kind of thing happened, strongest reading first
# within each type; an earlier pattern's words are not read again by a later.
_TRIGGER_PATTERNS: list[tuple[str, float, str]] = [
    (
        T.AGREEMENT,
        VERB,
        _any_of(
            r"signed",
            r"signs",
            r"sign",
            r"inked",
            r"inks",
            r"initiall?ed",
            r"agreed (?:to|on|upon)",
            r"reached (?:an?|the) (?:agreement|deal|accord|understanding|truce)",
            r"concluded (?:an?|the) (?:agreement|deal|accord|treaty)",
        ),
    ),
    (
        T.AGREEMENT,
        NOUN,
        _any_of(
            r"agreements?",
            r"deals?",
            r"accords?",
            r"memorand(?:um|a)",
            r"treaty",
            r"pacts?",
            r"ceasefire",
            r"truce",
        ),
    ),
    (
        T.REMOTE_VIOLENCE,
        VERB,
        _any_of(
            r"struck",
            r"bombed",
            r"shelled",
            r"detonated",
            r"exploded",
            r"launched (?:[\w-]+ ){0,4}?(?:strikes?|attacks?|missiles?|drones?|"
            r"rockets?|air ?strikes?|raids?)",
            r"fired (?:[\w-]+ ){0,3}?(?:rockets?|missiles?|drones?|mortars?|shells?)",
            r"(?:(?<=strike )|(?<=strikes )|(?<=drone )|(?<=drones )|(?<=missile )|"
            r"(?<=missiles )|(?<=rocket )|(?<=rockets ))(?:hit|hits|slammed)",
            r"carried out (?:[\w-]+ ){0,3}?(?:strikes?|air ?strikes?|bombings?|"
            r"raids?)",
        ),
    ),
    (
        T.REMOTE_VIOLENCE,
        NOUN,
        _any_of(
            r"drone strikes?",
            r"air ?strikes?",
            r"missile (?:strikes?|attacks?)",
            r"rocket attacks?",
            r"drone attacks?",
            r"explosions?",
            r"blasts?",
            r"bombings?",
            r"shelling",
            r"(?:roadside|car) bombs?",
            r"strikes",
        ),
    ),
    (
        T.BATTLE,
        VERB,
        _any_of(
            r"clashed",
            r"fought",
            r"ambushed",
            r"attacked",
            r"stormed",
            r"exchanged fire",
            r"repelled",
        ),
    ),
    (
        T.BATTLE,
        NOUN,
        _any_of(
            r"clashes",
            r"fighting",
            r"battles?",
            r"firefights?",
            r"gunfights?",
            r"ambush",
            r"offensive",
            r"attacks?",
        ),
    ),
    (
        T.VIOLENCE_AGAINST_CIVILIANS,
        VERB,
        _any_of(
            r"abducted",
            r"kidnapped",
            r"executed",
            r"assassinated",
            r"massacred",
            r"tortured",
            r"hanged",
            r"opened fire on (?:[\w-]+ ){0,2}?(?:protesters|demonstrators|civilians|"
            r"crowds?|mourners|worshippers|villagers)",
        ),
    ),
    (
        T.VIOLENCE_AGAINST_CIVILIANS,
        NOUN,
        _any_of(r"executions?", r"kidnappings?", r"massacres?", r"assassinations?"),
    ),
    (
        T.PROTEST,
        VERB,
        _any_of(
            r"protested",
            r"rallied",
            r"marched",
            r"demonstrated (?:against|outside|in)",
            r"took to the streets",
            r"staged (?:an? )?(?:[\w-]+ )?(?:protests?|rally|rallies|sit-ins?|"
            r"demonstrations?|strikes?|march(?:es)?)",
            r"gathered (?:outside|in front of)",
            r"chanted",
        ),
    ),
    (
        T.PROTEST,
        NOUN,
        _any_of(r"protests?", r"demonstrations?", r"rally", r"rallies", r"sit-ins?"),
    ),
    (
        T.RIOT,
        VERB,
        _any_of(
            r"rioted",
            r"torched",
            r"looted",
            r"ransacked",
            r"set fire to",
            r"set ablaze",
            r"(?:threw|hurled) stones",
            r"vandali[sz]ed",
        ),
    ),
    (T.RIOT, NOUN, _any_of(r"riots?", r"rioting")),
    (
        T.ARREST,
        VERB,
        _any_of(
            r"arrested",
            r"arrests",
            r"detained",
            r"detains",
            r"apprehended",
            r"rounded up",
            r"(?:took|taken) into custody",
            r"jailed",
            r"imprisoned",
            r"sentenced",
        ),
    ),
    (T.ARREST, NOUN, _any_of(r"arrests?", r"detentions?")),
    (
        T.DEPLOYMENT,
        VERB,
        _any_of(
            r"(?:re)?deployed",
            r"(?:re)?deploys?",
            r"dispatched",
            r"stationed",
            r"sent (?:[\w-]+ ){0,3}?(?:troops|forces|soldiers|reinforcements|units|"
            r"guards|tanks)",
            r"withdrew (?:[\w-]+ ){0,3}?(?:troops|forces|soldiers|units)",
            r"pulled out",
        ),
    ),
    (
        T.DEPLOYMENT,
        NOUN,
        _any_of(r"(?:re)?deployment", r"reinforcements", r"withdrawal"),
    ),
    (
        T.MEETING,
        VERB,
        _any_of(
            r"met",
            r"meets",
            r"meet with",
            r"held talks",
            r"holds talks",
            r"hosted",
            r"visited",
            r"conferred",
            r"received (?:[\w-]+ ){0,3}?"
            r"(?:delegation|counterpart|minister|envoy|president|ambassador)",
        ),
    ),
    (T.MEETING, NOUN, _any_of(r"meetings?", r"talks", r"summit", r"visit")),
    (
        T.APPOINTMENT,
        VERB,
        _any_of(
            r"appointed",
            r"appoints",
            r"named (?:[\w-]+ ){0,5}?as",
            r"sworn in",
            r"nominated",
            r"elected",
            r"took office",
            r"assumed office",
            r"tapped",
        ),
    ),
    (T.APPOINTMENT, NOUN, _any_of(r"appointment", r"nomination", r"inauguration")),
    (T.DEATH, VERB, _any_of(r"found dead", r"passed away")),
    (
        T.OTHER,
        VERB,
        _any_of(
            r"sanctioned",
            r"imposed (?:new )?sanctions",
            r"resigned",
            r"sacked",
            r"suspended",
            r"banned",
            r"expelled",
            r"summoned",
            r"closed",
            r"reopened",
            r"evacuated",
            r"recalled",
            r"(?:released|freed) (?:[\w-]+ ){0,3}?(?:prisoners|detainees|hostages|"
            r"captives|activists|journalists|protesters)",
            r"(?:launched|ordered|opened) an? (?:investigation|inquiry|probe)",
        ),
    ),
    (T.OTHER, NOUN, _any_of(r"sanctions", r"resignation")),
    (
        CASUALTY,
        VERB,
        _any_of(r"killed", r"kills", r"kill", r"wounded", r"injured", r"died", r"dies"),
    ),
    (CASUALTY, NOUN, _any_of(r"deaths?", r"dead", r"casualties")),
    (
        T.STATEMENT,
        SAY,
        _any_of(
            r"said",
            r"says",
            r"say",
            r"told",
            r"tells",
            r"stated",
            r"announced",
            r"announces",
            r"denounced",
            r"condemned",
            r"condemns",
            r"warned",
            r"warns",
            r"accused",
            r"accuses",
            r"urged",
            r"urges",
            r"called (?:on|for)",
            r"claimed",
            r"demanded",
            r"rejected",
            r"welcomed",
            r"praised",
            r"criticised",
            r"criticized",
            r"declared",
            r"threatened",
            r"vowed",
            r"pledged",
            r"promised",
            r"insisted",
            r"confirmed",
            r"denied",
            r"blamed",
            r"tweeted",
            r"wrote",
        ),
    ),
    (T.STATEMENT, WEAK, _any_of(r"statement")),
]
TRIGGERS: list[tuple[str, float, re.Pattern]] = [
    (kind, strength, re.compile(pattern, re.IGNORECASE))
    for kind, strength, pattern in _TRIGGER_PATTERNS
]

# Statements aimed at someone, who is then their target.
ACCUSING = words(
    "denounced condemned condemns accused accuses criticised criticized warned "
    "warns threatened blamed urged urges rejected"
)

DETERMINER_BEFORE = re.compile(
    r"\b(?:the|this|that|these|those|its|their|his|her|our)\s+"
    r"(?:[\w’'-]+\s+){0,3}$",
    re.IGNORECASE,
)
ADJECTIVE_USE = re.compile(r"\b(?:the|a|an|its|their|those|these)\s+$", re.IGNORECASE)
CAUSE_BEFORE = re.compile(
    r"\b(?:amid|after|following|over|since|despite|against|sparked by)\s+"
    r"(?:[\w’'-]+\s+){0,3}$",
    re.IGNORECASE,
)
IRREALIS_BEFORE = re.compile(
    r"\b(?:plan(?:s|ned|ning)? to|plott?(?:s|ed|ing)? to|intend(?:s|ed)? to|"
    r"threaten(?:s|ed)? to|tried to|try to|attempt(?:s|ed)? to|would not|will not|"
    r"did not|does not|do not|not|never|refused to|failed to|"
    r"aim(?:s|ed)? (?:to|at)|seeks? to|sought to|wants? to|allow)\s+"
    r"(?:[\w’'-]+\s+){0,3}$",
    re.IGNORECASE,
)
# Words that make the rest of their clause a condition, a possibility or a
# plan: "once a gas contract is signed", "could strike", "is expected to visit".
HYPOTHETICAL_RE = re.compile(
    r"\b(?:once|if|unless|until|whether|could|might|may|should|will|shall|"
    r"expected to|due to|set to|scheduled to|plans? to|planning to)\b",
    re.IGNORECASE,
)
# After a preposition a noun names a kind of action, not one that happened:
# "used for attacks", "the threat of protests".
PREPOSITION_BEFORE = re.compile(
    r"\b(?:for|of|about|on|to|into|with|by|during|in)\s+(?:[\w’'-]+\s+){0,1}$",
    re.IGNORECASE,
)
COMPOUND_AFTER = re.compile(
    r"^\s+[a-z]+(?:ers|ors|ists|ants|ents|ees|ment|ments|ship|ground|sites?|area|"
    r"zone|camps?|leaders?|groups?)\b"
)
NEGATED_SUBJECT = re.compile(r"^\W*(?:no|nobody|none|neither)\b", re.IGNORECASE)
AUXILIARY = words(
    "has have had was were is are be been being will would shall should can could "
    "may might must to not also and or then later jointly reportedly allegedly "
    "had"
)
PASSIVE_BEFORE = re.compile(
    r"\b(?:was|were|been|being|is|are|be|got)\s+(?:\w+ly\s+)?$", re.IGNORECASE
)
# Sentences about how things usually are, not about something that happened.
BACKGROUND = re.compile(
    r"\b(?:in the past|in recent years|for years|for decades|has long|have long|"
    r"often|usually|routinely|regularly|historically|is home to|are home to|"
    r"has been home to)\b",
    re.IGNORECASE,
)
CUSTODY = re.compile(
    r"\bin (?:police )?(?:custody|detention|prison|jail)\b", re.IGNORECASE
)
CIVILIANS = re.compile(
    r"\b(?:civilians?|protesters|demonstrators|children|women|villagers|"
    r"shopkeepers|worshippers|journalists|mourners|passers-by|residents)\b",
    re.IGNORECASE,
)
OPENERS = words(
    "after before last on in at earlier late later meanwhile however also "
    "according following since during separately yesterday today on by "
    "overnight elsewhere but and despite amid while when"
)
CONNECTOR_RE = re.compile(
    r"\b(?:when|after|as|while|that|because|whereas|said|says|say|told|"
    r"announced|stated|claimed)\s+",
    re.IGNORECASE,
)
OBJECT_END_RE = re.compile(
    r"[,;:(]|—|\s(?:in the presence of|according to|who|which|while|after|before|"
    r"because|when|where|rather than|but|amid|following)\s",
    re.IGNORECASE,
)
# An action's object also ends where a new verb begins: "a sabotage team
# detained by its security forces | were Kurdish fighters".
AUXILIARY_RE = re.compile(
    r"\s(?:was|were|is|are|has|have|had|will|would)\s", re.IGNORECASE
)
_DIRECTION = (
    r"(?:north|south|east|west|central|northern|southern|eastern|western|"
    r"north-?east(?:ern)?|north-?west(?:ern)?|south-?east(?:ern)?|"
    r"south-?west(?:ern)?|rural)"
)
LOCATIVE_BEFORE = re.compile(
    r"(?:\b(?:in|at|near|outside|inside|across|on|along|around|within|off|"
    r"close to|near to)\s+(?:the\s+)?"
    r"(?:(?:[\w’'-]+\s+){0,3}?(?:city|town|village|province|governorate|region|"
    r"district|capital|outskirts|suburbs?|area|port|camp) of\s+(?:the\s+)?)?"
    rf"(?:{_DIRECTION}\s+)?|\b{_DIRECTION}\s+of\s+)$",
    re.IGNORECASE,
)
DATELINE_AFTER = re.compile(r"^\s*(?:\([^)]*\)\s*)?[—–-]")
PERSONAL_PRONOUNS = frozenset({"he", "she"})
ROLE_ORDER = [
    Role.SIGNATORY,
    Role.INITIATOR,
    Role.MEDIATOR,
    Role.WITNESS,
    Role.TARGET,
    Role.PARTICIPANT,
    Role.MENTIONED,
]
TITLE_WORDS_MAX = 18
OBJECT_WORDS_MAX = 10


@dataclass(slots=True)
class Trigger:
    kind: str
    strength: float
    start: int
    end: int
    word: str

    @property
    def says(self) -> bool:
        return self.kind == T.STATEMENT


@dataclass(slots=True)
class _Proposal:
    sentence: Sentence
    trigger: Trigger
    event_type: str
    participants: list[tuple[ActorMention, str]]
    subject: str


def _quote_spans(body: str, offset: int) -> list[tuple[int, int]]:
    spans, opened, straight = [], None, None
    for i, ch in enumerate(body):
        if ch == "“":
            opened = i
        elif ch == "”" and opened is not None:
            spans.append((offset + opened, offset + i + 1))
            opened = None
        elif ch == '"':
            if straight is None:
                straight = i
            else:
                spans.append((offset + straight, offset + i + 1))
                straight = None
    return spans


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def find_triggers(text: str, sentence: Sentence) -> list[Trigger]:
    """
    The action words of a sentence, each weighed down where it does not
    tell of something that happened: inside a quotation, a noun after "the"
    or a preposition, a verb used as an adjective, a plan or a condition.
    """
    body = text[sentence.start : sentence.end]
    quotes = _quote_spans(body, sentence.start)
    found: list[Trigger] = []
    taken: list[tuple[int, int]] = []
    for kind, strength, pattern in TRIGGERS:
        for match in pattern.finditer(body):
            start, end = match.start() + sentence.start, match.end() + sentence.start
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            before = body[: match.start()]
            weight = strength
            if _inside(start, end, quotes):
                weight *= 0.3
            if strength == NOUN:
                if COMPOUND_AFTER.match(body[match.end() :]):
                    # "Protest organisers", "agreement text": a modifier.
                    weight *= 0.5
                if DETERMINER_BEFORE.search(before):
                    weight *= 0.25
                elif CAUSE_BEFORE.search(before) or PREPOSITION_BEFORE.search(before):
                    weight *= 0.5
            if strength == VERB and _reduced(
                before, match.group(), body[match.end() :]
            ):
                weight *= 0.25
            if strength in (VERB, NOUN) and (
                IRREALIS_BEFORE.search(before)
                or HYPOTHETICAL_RE.search(before, _clause_start(before))
            ):
                weight *= 0.3
            found.append(Trigger(kind, weight, start, end, match.group()))
    return found


def _clause_start(before: str) -> int:
    """Where the clause ending at the end of `before` starts."""
    marks = [before.rfind(mark) for mark in ',;:“”"']
    that = [m.end() for m in re.finditer(r"\b(?:that|and|but)\s", before)]
    return max([0, *(m + 1 for m in marks if m >= 0), *that])


REDUCED_NEXT = re.compile(
    r"^\s*(?:[,.;:”\"]|$|(?:on|in|at|by|last|during|with|from|earlier|under|"
    r"after|before|since|between|to)\b)",
    re.IGNORECASE,
)


def _reduced(before: str, word: str, after: str) -> bool:
    """
    A verb used as an adjective or in a reduced relative clause refers back
    to an event told elsewhere: "the signed agreement", "the deal signed on
    Sunday". A verb with its object after it is the action itself: "the
    Iraqi cabinet appointed Majid al-Lajmawi".
    """
    if not word.casefold().endswith("ed") and " " not in word:
        return False
    if ADJECTIVE_USE.search(before):
        return True
    if not REDUCED_NEXT.match(after):
        return False
    previous = re.search(r"([\w’'-]+)\s+$", before)
    if previous is None:
        return False
    word_before = previous.group(1)
    if word_before[:1].isupper() or fold(word_before) in AUXILIARY:
        return False
    if fold(word_before) in FUNCTION_WORDS or word_before.endswith("ly"):
        return False
    rest = before[: previous.start()]
    return (
        re.search(
            r"\b(?:the|this|that|these|those)\s+(?:[\w’'-]+\s+){0,2}$",
            rest,
            re.IGNORECASE,
        )
        is not None
    )


def _choose(triggers: list[Trigger], body: str) -> tuple[Trigger, str] | None:
    """The strongest action word, the first of equals, and the event type."""
    if not triggers:
        return None
    best = max(triggers, key=lambda t: (t.strength, -t.start))
    if best.strength < WEAK:
        return None
    if best.kind != CASUALTY:
        return best, best.kind
    return best, _casualty_type(triggers, body, best)


def _casualty_type(triggers: list[Trigger], body: str, casualty: Trigger) -> str:
    if CUSTODY.search(body):
        return T.DEATH
    violent = [t for t in triggers if t.kind in VIOLENT]
    if violent:
        return max(violent, key=lambda t: t.strength).kind
    if CIVILIANS.search(body):
        return T.VIOLENCE_AGAINST_CIVILIANS
    if fold(casualty.word).startswith(("die", "death", "dead")):
        return T.DEATH
    return T.BATTLE


def propose_events(
    *,
    text: str,
    sentences: list[Sentence],
    actors: list[ActorMention],
    places: list[PlaceMention],
    dates: list[DateMention],
    published: datetime.date | None,
) -> list[dict]:
    """One proposal for each sentence that reports something happening."""
    events: list[dict] = []
    previous: _Proposal | None = None
    for sentence in sentences:
        if sentence.heading or sentence.caption:
            continue
        body = text[sentence.start : sentence.end]
        own_dates = [d for d in dates if d.sentence == sentence.index]
        if BACKGROUND.search(body) and not own_dates:
            continue
        chosen = _choose(find_triggers(text, sentence), body)
        if chosen is None:
            continue
        trigger, event_type = chosen
        clause = _clause(text, sentence, trigger)
        if NEGATED_SUBJECT.match(text[clause.subject_start : clause.subject_end]):
            # "No group claimed responsibility": nothing happened.
            continue
        own_actors = [a for a in actors if a.sentence == sentence.index]
        own_places = [p for p in places if p.sentence == sentence.index]
        if _after_dateline(sentences, sentence, text):
            # "WASHINGTON — The Treasury sanctioned…": where it was reported.
            own_places += [p for p in places if p.sentence == sentence.index - 1]
        proposal = _participants(
            text, sentence, trigger, event_type, clause, own_actors, actors, previous
        )
        own = [*own_actors, *own_places, *own_dates]
        spans = [(m.start, m.end) for m in own]
        events.append(
            {
                "title": _title(text, sentence, proposal, clause, spans),
                "event_type": str(event_type),
                "date": _event_date(
                    text, sentence, trigger, event_type, dates, sentences, published
                ),
                "place": _event_place(text, sentence, trigger, own_places),
                "actors": [
                    {
                        "name": mention.name,
                        "actor_id": mention.actor_id,
                        "role": str(role),
                    }
                    for mention, role in proposal.participants
                ],
                "quote": body,
                "start": sentence.start,
                "end": sentence.end,
            }
        )
        previous = proposal
    return events


def _after_dateline(sentences: list[Sentence], sentence: Sentence, text: str) -> bool:
    if sentence.index == 0:
        return False
    before = sentences[sentence.index - 1]
    return (
        before.heading
        and before.paragraph == sentence.paragraph
        and DATELINE_AFTER.match(text[before.end : sentence.start]) is not None
    )


@dataclass(slots=True)
class _Clause:
    """Where the doer of the action is named, as offsets into the article."""

    subject_start: int
    subject_end: int
    # The reporting clause in "Iraq announced that it would…", to resolve "it".
    main_start: int
    main_end: int
    # Attribution after the words reported: "…, he said.", "…,” said a
    # statement from the office." The speaker, and where the words end.
    speaker: tuple[int, int] | None = None
    content_end: int | None = None


INVERTED_SPEAKER = re.compile(r"[,”\"]\s*[”\"]?\s*([^,”\"\s][^,”\"]*?)\s*$")
QUOTE_CLOSED = re.compile(r"(?:,\s*[”\"]|[”\"]\s*,)\s*$")


def _clause(text: str, sentence: Sentence, trigger: Trigger) -> _Clause:
    start = sentence.start
    region = text[start : trigger.start]
    after = text[trigger.end : sentence.end]
    short_tail = len(after.split()) <= 10 and not re.search(r"[“\"]", after)
    if trigger.says and short_tail and not re.match(r"\s*(?:that\b|:)", after):
        speaker = INVERTED_SPEAKER.search(region)
        if (
            speaker
            and region[: speaker.start()].strip()
            and len(speaker.group(1).split()) <= 10
        ):
            span = (start + speaker.start(1), start + speaker.end(1))
            return _Clause(*span, start, start, span, start + speaker.start())
        closed = QUOTE_CLOSED.search(region)
        if closed and region[: closed.start()].strip():
            span = (trigger.end, _object_end(text, trigger, sentence.end))
            return _Clause(*span, start, start, span, start + closed.start())

    segments = [(m.start(), m.end()) for m in re.finditer(r"[^,]+", region)]
    kept = [(s, e) for s, e in segments if not _aside(region[s:e])]
    if not kept:
        first, last = (segments[-1][0] if segments else 0), len(region)
    elif trigger.says:
        # "Amir-Abdollahian, speaking in Tehran, said": the subject comes first.
        first, last = kept[0][0], len(region)
    else:
        first, last = kept[-1][0], len(region)
    main_start = main_end = start + first
    connectors = list(CONNECTOR_RE.finditer(region, first, last))
    if connectors and not trigger.says:
        connector = connectors[-1]
        if region[connector.end() : last].strip():
            main_end = start + connector.start()
            first = connector.end()
    return _Clause(start + first, start + last, main_start, main_end)


def _aside(segment: str) -> bool:
    """A comma-separated piece that is not the subject: "After the attacks", …"""
    words = segment.split()
    if not words:
        return True
    first = fold(words[0].strip('“”"'))
    return first in OPENERS or first in ("who", "which") or first.endswith("ing")


def _object_end(text: str, trigger: Trigger, limit: int) -> int:
    """Where the words the action applies to end: at a comma, "who", "after"…"""
    ends = [OBJECT_END_RE.search(text, trigger.end, limit)]
    if not trigger.says:
        ends.append(AUXILIARY_RE.search(text, trigger.end, limit))
    return min((m.start() for m in ends if m), default=limit)


def _participants(
    text: str,
    sentence: Sentence,
    trigger: Trigger,
    event_type: str,
    clause: _Clause,
    mentions: list[ActorMention],
    all_mentions: list[ActorMention],
    previous: _Proposal | None,
) -> _Proposal:
    """
    The actors of the sentence in their roles: the subject before the verb
    (its initiator, a signatory, or its target in the passive), the object
    after it, "in the presence of" a witness, "by" an agent, "according to"
    a source; the rest mentioned. A pronoun subject is resolved.
    """
    roles: dict[int, str] = {}
    head_role = {T.AGREEMENT: Role.SIGNATORY, T.MEETING: Role.PARTICIPANT}.get(
        event_type, Role.INITIATOR
    )
    after = text[trigger.end : sentence.end]
    passive = (
        PASSIVE_BEFORE.search(text[sentence.start : trigger.start]) is not None
        or re.match(r"\s+by\b", after) is not None
    ) and not trigger.says
    in_subject = [
        m
        for m in mentions
        if clause.subject_start <= m.start and m.end <= clause.subject_end
    ]
    heads = [m for m in in_subject if not _modifier(text, m, in_subject)]
    for mention in in_subject:
        if mention not in heads:
            roles[id(mention)] = Role.MENTIONED
        else:
            roles[id(mention)] = Role.TARGET if passive else head_role

    subject_text = text[clause.subject_start : clause.subject_end]
    resolved: list[ActorMention] = []
    if not heads:
        resolved = _resolve_pronoun(
            text, subject_text, clause, mentions, all_mentions, sentence, previous
        )

    object_end = _object_end(text, trigger, sentence.end)
    presence = re.search(r"in the presence of", after)
    for mention in mentions:
        if id(mention) in roles or mention.start < trigger.end:
            continue
        before = text[trigger.end : mention.start]
        after_presence = presence and mention.start >= trigger.end + presence.end()
        if after_presence and not re.search(
            r"[,;]", text[trigger.end + presence.end() : mention.start]
        ):
            roles[id(mention)] = Role.WITNESS
            continue
        if re.search(r"\baccording to\s+(?:the\s+)?[^,;]*$", before, re.IGNORECASE):
            roles[id(mention)] = Role.MENTIONED
        elif passive and re.search(r"\bby\s+(?:the\s+)?$", before):
            roles[id(mention)] = Role.INITIATOR
        elif re.search(r"\b(?:mediated|brokered|hosted) by\s+(?:the\s+)?$", before):
            roles[id(mention)] = Role.MEDIATOR
        elif mention.end <= object_end and not _modifier(text, mention, mentions):
            roles[id(mention)] = _object_role(event_type, trigger, before)
        else:
            roles[id(mention)] = Role.MENTIONED
    for mention in mentions:
        roles.setdefault(id(mention), Role.MENTIONED)

    participants = [(m, Role.TARGET if passive else head_role) for m in resolved]
    participants += [(m, roles[id(m)]) for m in mentions]
    return _Proposal(
        sentence,
        trigger,
        event_type,
        _dedupe(participants),
        _subject_phrase(text, clause, trigger, heads, resolved),
    )


def _subject_phrase(
    text: str,
    clause: _Clause,
    trigger: Trigger,
    heads: list[ActorMention],
    resolved: list[ActorMention],
) -> str:
    """
    Who did it, for a title: the names before the verb with the words that
    join them to it ("Iraq and Iran have"), a pronoun replaced by the name
    it stands for ("Iraq would"), or without a name the words themselves,
    "they" replaced by the reporting clause ("Protest organisers would").
    """
    subject = text[clause.subject_start : clause.subject_end]
    pronoun = re.match(r"\s*(?:he|she|it|they)\b", subject, re.IGNORECASE)
    if heads:
        names = " and ".join(dict.fromkeys(m.text for m in heads[:3]))
        tail_start = heads[-1].end
    elif resolved:
        names = resolved[0].name
        tail_start = clause.subject_start + (pronoun.end() if pronoun else 0)
    elif pronoun and clause.main_end > clause.main_start and clause.speaker is None:
        names = _clean(text[clause.main_start : clause.main_end])
        tail_start = clause.subject_start + pronoun.end()
    else:
        return ""
    if clause.speaker is not None:
        return names
    tail = text[tail_start : trigger.start].strip()
    if tail and len(tail.split()) <= 5 and not re.search(r"[,;:“”\"()]", tail):
        names = f"{names} {tail}"
    return names


def _modifier(text: str, mention: ActorMention, others: list[ActorMention]) -> bool:
    """
    A name that qualifies the next one: "Iraq’s" in "Iraq’s national security
    adviser Qasim al-Araji", "Iran’s Supreme National Security Council" in
    "Secretary of Iran’s Supreme National Security Council Ali Shamkhani".
    """
    if re.match(r"[’']s\b", text[mention.end : mention.end + 3]):
        return True
    for other in others:
        between = text[mention.end : other.start]
        if other.start > mention.end and (
            not between.strip() or all(fold(w) in TITLE_WORDS for w in between.split())
        ):
            return True
    return False


def _object_role(event_type: str, trigger: Trigger, before: str) -> str:
    """The role of an actor named after the verb, by the kind of event."""
    if event_type == T.AGREEMENT:
        return Role.SIGNATORY if re.search(r"\bwith\b", before) else Role.MENTIONED
    if event_type in (T.MEETING, T.APPOINTMENT):
        return Role.PARTICIPANT
    if event_type == T.STATEMENT:
        return Role.TARGET if fold(trigger.word) in ACCUSING else Role.MENTIONED
    if event_type in VIOLENT | {T.ARREST, T.PROTEST}:
        return Role.TARGET
    return Role.MENTIONED


def _resolve_pronoun(
    text: str,
    subject_text: str,
    clause: _Clause,
    mentions: list[ActorMention],
    all_mentions: list[ActorMention],
    sentence: Sentence,
    previous: _Proposal | None,
) -> list[ActorMention]:
    """
    "Iraq announced that it would…": "it" is Iraq. "He said…" after a
    statement by Shamkhani is Shamkhani; failing that, the last person named
    outside a quotation in the two sentences before.
    """
    first_word = subject_text.split()[:1]
    pronoun = fold(first_word[0].strip('“”"')) if first_word else ""
    if pronoun not in {"he", "she", "it", "they"}:
        return []
    if clause.main_end > clause.main_start:
        main = [
            m
            for m in mentions
            if clause.main_start <= m.start and m.end <= clause.main_end
        ]
        heads = [m for m in main if not _modifier(text, m, main)]
        if heads:
            return heads[:1]
    if pronoun not in PERSONAL_PRONOUNS:
        return []
    if previous is not None and sentence.index - previous.sentence.index <= 2:
        people = [
            m
            for m, role in previous.participants
            if m.kind == PERSON and role in (Role.INITIATOR, Role.SIGNATORY)
        ]
        if people:
            return people[:1]
    earlier = [
        m
        for m in all_mentions
        if m.kind == PERSON
        and sentence.index - 2 <= m.sentence < sentence.index
        and not _in_quotation(text, m.start)
    ]
    return earlier[-1:]


def _in_quotation(text: str, offset: int) -> bool:
    """Whether an offset lies between curly quotes opened on its line."""
    line = text[text.rfind("\n", 0, offset) + 1 : offset]
    return line.rfind("“") > line.rfind("”")


def _dedupe(
    participants: list[tuple[ActorMention, str]],
) -> list[tuple[ActorMention, str]]:
    """Each actor once, where first named, in the strongest role it was given."""
    best: dict[tuple, tuple[ActorMention, str]] = {}
    for mention, role in participants:
        key = (mention.actor_id, mention.name if mention.actor_id is None else None)
        if key not in best:
            best[key] = (mention, role)
        elif ROLE_ORDER.index(role) < ROLE_ORDER.index(best[key][1]):
            best[key] = (best[key][0], role)
    return list(best.values())


def _clean(phrase: str) -> str:
    """Words for a title: without quotation marks, brackets or loose ends."""
    phrase = re.sub(r"[“”\"]", "", phrase)
    phrase = re.sub(r"\s*\([^)]*\)", "", phrase)
    return re.sub(r"\s+", " ", phrase).strip(" ,;:.—-")


def _cut(
    text: str, start: int, end: int, max_words: int, spans: list[tuple[int, int]]
) -> str:
    """At most `max_words` words of text[start:end], never ending inside a name."""
    found = list(re.finditer(r"\S+", text[start:end]))
    if len(found) > max_words:
        end = start + found[max_words - 1].end()
    for span_start, span_end in spans:
        if span_start < end < span_end:
            end = span_end
    return text[start:end]


def _noun_phrase(phrase: str) -> str:
    """The head of "an Iraqi security official who attended the signing"."""
    head = re.split(r"\s(?:who|which|that|from|with)\s|,", phrase)[0]
    return " ".join(head.split()[:6])


# What a verb of saying reports, after up to five words: "told reporters
# after the meeting that Baghdad would…".
REPORTED_THAT = re.compile(r"^(?P<pre>[^,;:“”\"]*?(?:\s\S+){0,5}?)\s*\bthat\s")


def _title(
    text: str,
    sentence: Sentence,
    proposal: _Proposal,
    clause: _Clause,
    spans: list[tuple[int, int]],
) -> str:
    """Subject, verb and object, shortened: "Ali Shamkhani signed the agreement…"."""
    trigger = proposal.trigger
    if clause.speaker is not None and clause.content_end is not None:
        speaker = proposal.subject or _noun_phrase(text[slice(*clause.speaker)])
        content = _clean(
            _cut(text, sentence.start, clause.content_end, OBJECT_WORDS_MAX, spans)
        )
        if fold(content.split(" ", 1)[0]) in FUNCTION_WORDS:
            content = content[:1].lower() + content[1:]
        return _finish(f"{speaker} {trigger.word} {content}")
    subject = proposal.subject or " ".join(
        text[clause.subject_start : clause.subject_end].split()[-6:]
    )
    end = _object_end(text, trigger, sentence.end)
    object_text = _cut(text, trigger.end, end, OBJECT_WORDS_MAX, spans)
    reported = REPORTED_THAT.match(text[trigger.end : sentence.end])
    if trigger.says and reported and len(reported.group("pre").split()) <= 5:
        listener = re.split(
            r"\s(?:after|before|on|in|at|during)\s", f" {reported.group('pre')} "
        )[0]
        start = trigger.end + reported.end()
        content = _cut(text, start, sentence.end, OBJECT_WORDS_MAX, spans)
        object_text = f"{listener} {content}"
    return _finish(f"{subject} {trigger.word} {object_text}")


def _finish(title: str) -> str:
    """A title of at most TITLE_WORDS_MAX words, starting with a capital."""
    title = " ".join(_clean(title).split()[:TITLE_WORDS_MAX])
    return title[:1].upper() + title[1:]


def _event_date(
    text: str,
    sentence: Sentence,
    trigger: Trigger,
    event_type: str,
    dates: list[DateMention],
    sentences: list[Sentence],
    published: datetime.date | None,
) -> dict | None:
    """
    The date nearest the action in its sentence; else the last date of the
    sentences before it in its paragraph; else, for an action (not a
    statement), the date of the paragraph before when it tells the same kind
    of action. Failing all, the publication month, with no text: a guess.
    """
    own = [d for d in dates if d.sentence == sentence.index]
    if own:
        center = (trigger.start + trigger.end) / 2
        return _date(min(own, key=lambda d: abs((d.start + d.end) / 2 - center)))
    for earlier in reversed(sentences[: sentence.index]):
        if earlier.heading or earlier.caption:
            break
        found = [d for d in dates if d.sentence == earlier.index]
        if earlier.paragraph == sentence.paragraph:
            if found:
                return _date(found[-1])
            continue
        same_kind = any(t.kind == event_type for t in find_triggers(text, earlier))
        if found and same_kind and event_type != T.STATEMENT:
            return _date(found[-1])
        break
    if published is None:
        return None
    return {
        "value": f"{published.year:04d}-{published.month:02d}",
        "precision": DatePrecision.MONTH.value,
        "text": None,
    }


def _date(mention: DateMention) -> dict:
    return {
        "value": mention.value,
        "precision": mention.precision,
        "text": mention.text,
    }


def _event_place(
    text: str, sentence: Sentence, trigger: Trigger, places: list[PlaceMention]
) -> dict | None:
    """
    The most precise place the sentence puts the action in ("in Tehran", "at
    the border"), leaving out places inside quoted words unless the action
    is quoted too.
    """
    quoted_trigger = _in_quotation(text, trigger.start)
    scored = []
    for mention in places:
        before = text[sentence.start : mention.start]
        dateline = not before.strip() and DATELINE_AFTER.match(text[mention.end :])
        if not (LOCATIVE_BEFORE.search(before) or dateline):
            continue
        if _in_quotation(text, mention.start) and not quoted_trigger:
            continue
        distance = abs(mention.start - trigger.start)
        # A dateline says where the reporter was, a preposition where it
        # happened.
        score = detail(mention.place) - (0.5 if dateline else 0)
        scored.append((score, -distance, mention))
    if not scored:
        return None
    place = max(scored, key=lambda item: item[:2])[2].place
    return {
        "name": place.name,
        "lat": place.lat,
        "lon": place.lon,
        "location_id": place.location_id,
    }
