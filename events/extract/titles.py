"""
A proposal's title, written from what the proposal holds (who, did what, to
whom, where) in the present tense of headlines, the house style of the
curated events: "Islamic Revolutionary Guard Corps strikes Komala in
Zrgwez", "Nechirvan Barzani meets Ebrahim Raisi in Tehran". A title never
stops in the middle of a phrase: words of the article too long to end well
are left out.
"""

import re

from events.extract.actors import ActorMention
from events.extract.text import (
    BY_AFTER,
    FUNCTION_WORDS,
    NUMBERS,
    PHRASE_COMMA,
    fold,
    words,
)
from events.extract.triggers import T, Trigger
from events.models import Location, Participant

Role = Participant.Role

# Present tenses of the verbs that trigger events, where adding "s" to the
# stem would not do.
IRREGULAR = {
    "struck": "strikes",
    "hanged": "hangs",
    "met": "meets",
    "held": "holds",
    "hit": "hits",
    "sent": "sends",
    "fought": "fights",
    "took": "takes",
    "told": "tells",
    "said": "says",
    "sought": "seeks",
    "made": "makes",
    "gave": "gives",
    "withdrew": "withdraws",
    "shot": "shoots",
    "led": "leads",
    "began": "begins",
    "won": "wins",
    "set": "sets",
    "threw": "throws",
    "swore": "swears",
    "spoke": "speaks",
    "wrote": "writes",
    "fled": "flees",
    "brought": "brings",
    "put": "puts",
    "sworn": "is sworn",
    "pulled": "pulls",
    "killed": "kills",
    "rallied": "rallies",
    "denied": "denies",
    "carried": "carries",
    "tweeted": "tweets",
    "freed": "frees",
    "agreed": "agrees",
}
# Stems that keep their "e": "announced" is "announces", "stated" "states".
_SILENT_E = re.compile(
    r"(?:[cgvzu]|at|it|ut|ot|ur|ir|or|ar|os|us|is|as|ys|ns|rs|ng|lv|rg|dg|rc|"
    r"ls|ps|ms|bl|pl|tl|gl|dl|fl|kl|zl|ic|iz|rv|nc|(?<![aeo])am|(?<![aeio])im|com|"
    r"(?<![aeiou])ul|(?<![aeiou])um)$"
)
_KEEP_STEM = re.compile(
    r"(?:ll|ss|ing|rn|rm|lm|ck|nd|ld|rd|st|nt|ct|pt|ft|wn|ow|aw|ew|"
    # "visited" → "visits", "limited" → "limits".
    r"visit|edit|exit|limit|credit|audit|deposit|inhabit|prohibit|exhibit|"
    r"inherit|merit|profit|benefit|recruit|solicit|elicit)$"
)
_DOUBLED = re.compile(r"([bdgmnprt])\1$")
# Verbs that double their "l" only before "-ed": "expelled" → "expels" (but
# "killed" → "kills", "shelled" → "shells").
SINGLE_L = words(
    "expel compel propel repel dispel rebel excel cancel travel label model "
    "level signal fuel patrol control enrol annul channel tunnel counsel quarrel"
)
# Verbs of each type as a title writes them when the trigger word is a noun.
TYPE_VERBS = {
    T.REMOTE_VIOLENCE: "strikes",
    T.BATTLE: "attacks",
    T.VIOLENCE_AGAINST_CIVILIANS: "attacks",
    T.ARREST: "detains",
    T.DEPLOYMENT: "deploys",
    T.AGREEMENT: "signs",
    T.MEETING: "meets",
    T.APPOINTMENT: "appoints",
}
TYPE_NOUNS = {
    T.REMOTE_VIOLENCE: "Strike",
    T.BATTLE: "Clashes",
    T.VIOLENCE_AGAINST_CIVILIANS: "Attack",
    T.ARREST: "Arrests",
    T.DEPLOYMENT: "Deployment",
    T.AGREEMENT: "Agreement signed",
    T.MEETING: "Meeting",
    T.APPOINTMENT: "Appointment",
    T.PROTEST: "Protest",
    T.RIOT: "Riot",
    T.DEATH: "Death",
    T.STATEMENT: "Statement",
    T.OTHER: "Development",
}
PASSIVE_VERBS = {
    T.ARREST: "detained",
    T.DEPLOYMENT: "deployed",
    T.APPOINTMENT: "appointed",
    T.REMOTE_VIOLENCE: "struck",
    T.BATTLE: "attacked",
    T.VIOLENCE_AGAINST_CIVILIANS: "attacked",
}
# Where an action's object ends: a new clause, a pronoun starting one
# ("an Iraqi bank it accused of…"), a quotation.
OBJECT_CUT = re.compile(
    rf"{PHRASE_COMMA}|[;:(—]|"
    r"\s(?:as|who|whom|which|that|because|after|before|while|since|"
    r"until|amid|following|but|rather|instead|saying|adding|accusing|calling|"
    r"describing|it|they|he|she|we|according|and\s+(?:[a-z]+ed|said|says))\s",
    re.IGNORECASE,
)
# What a verb of saying reports ends at a new sentence-like break only.
SAID_CUT = re.compile(
    r"[;—]|,\s+(?:he|she|they|it|the \w+)\s+(?:said|added)\b|,\s+saying\s"
)
REPORTED_THAT = re.compile(r"^(?:[^,;:“”\"]*?\s)?that\s", re.IGNORECASE)
# Whom words were told to: "reporters", "a news conference", "AFP".
AUDIENCE = re.compile(
    r"\s*(?:(?:the\s+|a\s+)?(?:reporters|journalists|lawmakers|parliament|"
    r"(?:news|press)\s+(?:conference|briefing)|(?:state\s+)?(?:television|TV|"
    r"media|radio)|crowd|gathering|audience|mourners|supporters)|AFP|Reuters|"
    r"AP|the\s+BBC|Al\s+Jazeera)\b"
)
PREPOSITION = re.compile(
    r"\s(?:in|on|at|for|with|from|into|over|against|near|during)\s"
)
# Dates and times of day have no place in a title's object.
WHEN = re.compile(
    r"\s+(?:(?:late|early)\s+)?(?:on\s+)?(?:(?:last|this|next)\s+)?(?:Monday|"
    r"Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:\s+(?:night|morning|"
    r"afternoon|evening))?\b|\s+(?:yesterday|today|tonight|overnight|last\s+"
    r"(?:week|month|year|night)|this\s+(?:week|month|year)|earlier\s+this\s+\w+)\b|"
    r"\s+(?:in|on|since)\s+(?:the\s+)?(?:morning|afternoon|evening|\d{1,2}\s+\w+"
    r"(?:\s+\d{4})?|(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December)(?:\s+\d{1,2})?(?:,?\s+\d{4})?|\d{4})\b",
)
WHEN_AT_END = re.compile(f"(?:{WHEN.pattern})\\s*$")
# Countries named with "the": "in the United States".
THE_COUNTRY = re.compile(
    r"^(?:United |Netherlands|Philippines|Gambia|Bahamas|Czech Republic|"
    r"Central African|Dominican|Maldives|Comoros)"
)
# The verb of an event told by its noun, where the type's own verb says
# less: "a prisoner exchange".
NOUN_VERBS = {
    "prisoner exchange": "exchange prisoners",
    "prisoner swap": "swap prisoners",
}
OBJECT_WORDS_MAX = 9
SAID_WORDS_MAX = 16
SAYING = frozenset({"said", "says", "say", "told", "tells", "announced", "stated"})
# Words a title's object must not end on.
DANGLING = FUNCTION_WORDS | frozenset(
    {"new", "its", "their", "his", "her", "former", "late", "early"}
)
# Last words of names and phrases that take a plural verb.
PLURAL_HEADS = words(
    """
    forces groups guards troops militants fighters protesters demonstrators
    police authorities officials brigades units militias gunmen rebels soldiers
    residents people workers students members kurds factions parties agents
    officers operatives services
    """
)


def present(word: str) -> str:
    """ "condemned" → "condemns", "denied" → "denies", "struck" → "strikes"."""
    folded = fold(word)
    if folded in IRREGULAR:
        return IRREGULAR[folded]
    if not folded.endswith("ed"):
        return folded if folded.endswith("s") else f"{folded}s"
    stem = folded[:-2]
    if stem.endswith("i"):
        return f"{stem[:-1]}ies"
    if _DOUBLED.search(stem) or (stem.endswith("ll") and stem[:-1] in SINGLE_L):
        stem = stem[:-1]
    elif _SILENT_E.search(stem) and not _KEEP_STEM.search(stem):
        stem = f"{stem}e"
    if stem.endswith(("s", "sh", "ch", "x", "z")):
        return f"{stem}es"
    return f"{stem}s"


def plural_verb(verb: str) -> str:
    """ "strikes" → "strike", "carries out" → "carry out", "is" → "are"."""
    first, _, rest = verb.partition(" ")
    if first == "is":
        first = "are"
    elif first == "has":
        first = "have"
    elif first.endswith("ies"):
        first = f"{first[:-3]}y"
    elif first.endswith(("sses", "shes", "ches", "xes", "zes")):
        first = first[:-2]
    elif first.endswith("s") and not first.endswith("ss"):
        first = first[:-1]
    return f"{first} {rest}".strip()


def verb_phrase(trigger: Trigger) -> str:
    """The trigger in the present tense: "held talks" → "holds talks"."""
    words_ = trigger.word.split()
    return " ".join([present(words_[0]), *words_[1:]])


def names(mentions: list[ActorMention]) -> str:
    found = list(dict.fromkeys(m.name for m in mentions))
    if len(found) > 3:
        found = [*found[:2], "others"]
    if len(found) <= 1:
        return "".join(found)
    return f"{', '.join(found[:-1])} and {found[-1]}"


def is_plural(doers: str) -> bool:
    last = fold(doers.split()[-1]) if doers.split() else ""
    return " and " in doers or last in PLURAL_HEADS


# Verbs whose object is a noun that takes "on": "imposed sanctions on".
NOUN_THEN_ON = re.compile(
    r"\b(?:sanctions|strikes|raids|attacks|restrictions|ban|curfew)$", re.IGNORECASE
)


def object_phrase(
    text: str, start: int, end: int, *, said: bool = False, told: bool = False
) -> str:
    """
    The words an action applies to, up to the first word that starts a new
    clause, and only if they end well: "the strikes" from "the strikes as a
    violation of…"; nothing at all from words too long to end well.
    """
    found_text = text[start:end]
    if said:
        reported = REPORTED_THAT.match(found_text)
        if reported and len(found_text[: reported.end()].split()) <= 7:
            found_text = found_text[reported.end() :]
        elif told and AUDIENCE.match(found_text):
            # "told reporters at the center": to whom, not what was said.
            return ""
        cut = SAID_CUT.search(found_text)
        most = SAID_WORDS_MAX
    else:
        cut = OBJECT_CUT.search(found_text)
        most = OBJECT_WORDS_MAX
    if cut:
        found_text = found_text[: cut.start()]
    found_text = f" {found_text.strip().rstrip('.')}"
    # "denied on Tuesday any role": the day is no word of what was denied
    # ("vowed on Thursday to avenge…" keeps its "to").
    dated = re.match(rf"(?:{WHEN.pattern})", found_text)
    if dated:
        found_text = found_text[dated.end() :]
    if not said:
        # A date or time ending the words: "41 protesters on Saturday".
        while (when := WHEN_AT_END.search(found_text)) is not None:
            found_text = found_text[: when.start()]
    found_text = re.sub(
        r"^\s*(?:that|on|against)\s+" if dated else r"^\s*(?:that|to|on|against)\s+",
        "",
        found_text,
    )
    found_text = re.sub(r"[“”\"]", "", found_text)
    if BY_AFTER.match(found_text):
        # "workers abducted by Jaish al-Adl": the agent is no object.
        return ""
    found = found_text.split()
    if len(found) > most and not said:
        preposition = PREPOSITION.search(f" {' '.join(found)} ")
        if preposition is not None:
            found = f" {' '.join(found)} "[: preposition.start()].split()
    if len(found) > most:
        return ""
    while found and fold(found[-1].strip(".,")) in DANGLING:
        found.pop()
    return " ".join(found).strip(" .,")


def title_for(
    text: str,
    kind: str,
    trigger: Trigger,
    participants: list[tuple[ActorMention, str]],
    place: str,
    *,
    object_end: int,
    fatalities: int | None = None,
    thing: str = "",
    subject: str = "",
    place_kind: str = "",
) -> str:
    """
    "Who does what to whom where", from a proposal's participants and place;
    `subject` names the doers when no actor does ("Security forces"), and
    `thing` what a passive clause is about ("federal border guards").
    """
    if all(fold(w) in FUNCTION_WORDS for w in subject.split()):
        # "a roadside bomb hit…": "a" alone names no doer.
        subject = ""
    by_role: dict[str, list[ActorMention]] = {}
    for mention, role in participants:
        by_role.setdefault(role, []).append(mention)
    actors = by_role.get(Role.INITIATOR, []) + by_role.get(Role.SIGNATORY, [])
    if not actors and kind == T.OTHER:
        # "Iran and the United States exchange prisoners": both sides do it.
        actors = by_role.get(Role.PARTICIPANT, [])
    doers = names(actors) or subject
    targets = names(by_role.get(Role.TARGET, []))
    if kind == T.APPOINTMENT and by_role.get(Role.PARTICIPANT) and targets:
        # "appoints X, replacing Y": the title names who is appointed.
        targets = names(by_role[Role.PARTICIPANT][:1])
    if doers and targets and fold(targets) in fold(doers):
        # "U.S.-led coalition forces shot down two drones": attacked, not
        # attacking themselves.
        doers = ""
    said = trigger.says and fold(trigger.word) in SAYING
    passive_thing = thing
    thing = thing or object_phrase(
        text,
        trigger.end,
        object_end,
        said=said,
        told=fold(trigger.word) in ("told", "tells"),
    )

    def agree(verb: str) -> str:
        # Two actors or more are plural; one is by its last word ("Iraqi
        # forces"), whatever "and" its name holds ("… of North and East Syria").
        if not doers:
            return verb
        if actors:
            plural = len(actors) > 1 or fold(doers.split()[-1]) in PLURAL_HEADS
        else:
            plural = is_plural(doers)
        return plural_verb(verb) if plural else verb

    if not trigger.verb and fold(trigger.word) in NOUN_VERBS:
        # "carried out a prisoner exchange": what the noun says was done.
        verb = NOUN_VERBS[fold(trigger.word)]
    elif kind in (T.REMOTE_VIOLENCE, T.BATTLE) or not trigger.verb:
        verb = TYPE_VERBS.get(kind, "")
    else:
        verb = verb_phrase(trigger)
        if (
            NOUN_THEN_ON.search(trigger.word)
            and re.match(r"\s+on\s", text[trigger.end : trigger.end + 5])
            # "imposed a curfew on Monday": the day's "on".
            and not WHEN.match(text, trigger.end)
        ):
            # "imposes sanctions on Kataib Hezbollah": the noun's own "on".
            verb = f"{verb} on"

    if kind == T.MEETING:
        people = by_role.get(Role.PARTICIPANT, []) + actors
        visit = fold(trigger.word).startswith("visit")
        if len(people) > 1:
            title = f"{people[0].name} meets {names(people[1:])}"
        elif people and visit:
            # "al-Sudani visited Halabja": the visit, not talks.
            where = f"the {place}" if place and THE_COUNTRY.match(place) else place
            title = f"{people[0].name} {present(trigger.word.split()[0])} {where}"
        elif people:
            title = f"{people[0].name} holds talks"
        else:
            title = "Meeting"
    elif kind == T.AGREEMENT:
        states = [m for m in actors if m.kind == "state"]
        doers = names(states) if len(states) >= 2 else doers
        what = (
            thing
            if re.search(r"agreement|deal|accord|memorand|treaty|pact|truce", thing)
            else "an agreement"
        )
        title = f"{doers} {agree('signs')} {what}" if doers else f"{what} signed"
    elif kind == T.STATEMENT:
        speaker = doers or names(by_role.get(Role.PARTICIPANT, []))
        if speaker and thing:
            # "told reporters … that": what was said, not to whom.
            spoken = "says" if said else verb_phrase(trigger)
            if fold(trigger.word).startswith("announce") and not REPORTED_THAT.match(
                text[trigger.end : object_end]
            ):
                # "announced a unilateral ceasefire": what was announced.
                spoken = "announces"
                while (when := WHEN_AT_END.search(f" {thing}")) is not None:
                    thing = f" {thing}"[: when.start()].strip()
            title = f"{speaker} {agree(spoken)} {thing}"
        elif speaker:
            title = f"Statement by {speaker}"
        else:
            title = "Statement"
    elif kind in (T.PROTEST, T.RIOT):
        noun = TYPE_NOUNS[kind]
        title = f"{noun} by {names(actors)}" if actors else noun
    elif kind == T.DEATH:
        who = targets or doers or passive_thing or subject
        title = f"{who} dies" if who else "Death"
    elif doers and targets:
        title = f"{doers} {agree(verb)} {targets}"
    elif doers and thing and (trigger.verb or passive_thing):
        title = f"{doers} {agree(verb or TYPE_VERBS.get(kind, ''))} {thing}"
    elif doers and kind in (T.REMOTE_VIOLENCE, T.BATTLE) and " " in trigger.word:
        # "launched missile and drone strikes", "carried out air strikes".
        title = f"{doers} {agree(verb_phrase(trigger) if trigger.verb else verb)}"
    elif doers:
        title = f"{doers} {agree(verb)}".strip()
    elif targets and kind in PASSIVE_VERBS and kind not in (T.ARREST,):
        title = f"{TYPE_NOUNS[kind]} on {targets}"
    elif (targets or passive_thing) and kind in PASSIVE_VERBS:
        title = f"{targets or passive_thing} {PASSIVE_VERBS[kind]}"
    else:
        title = _noun_title(kind, trigger, fatalities)
    if place and not re.search(rf"\b{re.escape(fold(place))}\b", fold(title)):
        at = {Location.Kind.SITE: "at", Location.Kind.BORDER: "on the"}.get(
            place_kind, "in"
        )
        if place_kind == Location.Kind.COUNTRY and THE_COUNTRY.match(place):
            at = f"{at} the"
        title = f"{title} {at} {place}"
    return _finish(title)


def _noun_title(kind: str, trigger: Trigger, fatalities: int | None) -> str:
    if kind == T.REMOTE_VIOLENCE and re.search(r"drone", trigger.word, re.I):
        noun = "Drone strike"
    elif kind == T.REMOTE_VIOLENCE and re.search(r"air", trigger.word, re.I):
        noun = "Air strike"
    else:
        noun = TYPE_NOUNS.get(kind, "Event")
    if fatalities:
        return f"{noun} kills {fatalities}"
    return noun


# Words that open a sentence with a capital and keep none inside a title:
# "Iraqi police attack two gunmen", not "… Two gunmen".
OPENING_WORDS = re.compile(
    r"(?<=\s)(?:"
    + "|".join(
        word.capitalize()
        for word in [*NUMBERS, "the", "several", "dozens", "hundreds", "thousands"]
        + ["some", "many"]
    )
    + r")(?=\s+[a-z])"
)


def _finish(title: str) -> str:
    title = re.sub(r"\s+", " ", title).strip(" ,;:.")
    title = OPENING_WORDS.sub(lambda m: m.group().lower(), title)
    return title[:1].upper() + title[1:]
