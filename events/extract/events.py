"""
What an article reports happening, proposed as events the way an editor
records them: one event per incident, however many sentences tell of it.
Each clause with an action word ("struck", "met", "signed", "said") is read
for its type, its actors in their roles, the date it governs and the place
it puts the action in; then the clauses that tell of the same incident are
gathered: a casualty count, a claim, a later detail ("The strikes on Koya
targeted…") or a reaction ("condemned the strikes") joins the incident it
is about, and two incidents in one sentence ("met A … and later held talks
with B") stay two. An incident across several towns on one day is one
event per town, as ACLED counts them.
"""

import datetime
import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from events.extract.actors import PERSON, ActorMention
from events.extract.candidates import (
    AGENT_BEFORE,
    ARMED_FORCES_NAMES,
    REGION_CODE,
    UNNAMED_ARMED,
    UNNAMED_VICTIMS,
    WHICH_ASIDE,
    is_media,
    iso3_to_iso2,
    known_countries,
    nationality,
    owner_of,
    unnamed,
)
from events.extract.dates import FUTURE_RE, DateMention
from events.extract.places import PlaceMention, country_place, detail, match_places
from events.extract.text import (
    BY_AFTER,
    DEMONYMS,
    FUNCTION_WORDS,
    MONTHS,
    NUMBER_WORDS,
    NUMBERS,
    PHRASE_COMMA,
    TITLE_WORDS,
    WEEKDAYS,
    Sentence,
    fold,
    number,
    split_sentences,
    words,
)
from events.extract.text import (
    COMMON_WORDS as ORDINARY_WORDS,
)
from events.extract.titles import SAYING, title_for
from events.extract.triggers import (
    AUXILIARY,
    CASUALTY,
    DOERS,
    EXECUTION,
    INDEFINITE_REDUCED,
    NOUN,
    PASSIVE_BEFORE,
    SAY,
    VERB,
    VIOLENT,
    T,
    Trigger,
    choose,
    clause_start,
    event_type,
    find_triggers,
)
from events.models import Actor, DatePrecision, GeoPrecision, Location, Participant

Role = Participant.Role
# The country of actors and events nothing in an article places.
DEFAULT_COUNTRY = "IQ"

# The name given to a state's forces known only by their weapons ("a Turkish
# drone", "Iranian artillery"); a force the article names later wins.
ARMED_FORCES = "Armed Forces"
# Statements aimed at someone, who is then their target.
ACCUSING = words(
    "denounced condemned condemns accused accuses criticised criticized warned "
    "warns threatened blamed urged urges rejected"
)
NEGATED_SUBJECT = re.compile(r"^\W*(?:no|nobody|none|neither)\b", re.IGNORECASE)
# Sentences about how things usually are, not about something that happened.
# Many actions told as one: no incident of its own.
AGGREGATE = re.compile(
    r"\b(?:repeatedly|a series of|(?:dozens|hundreds|scores) of (?:[\w-]+\s+)?"
    r"(?:attacks|strikes|raids)|at least \d+ "
    r"(?:attacks|strikes|times)|(?:several|many|numerous|multiple) times|"
    r"time and again|again and again|on (?:many|numerous|multiple) occasions|"
    # "more than 170 rocket and drone attacks", "more than a dozen times".
    r"(?:more than|over) (?:\d[\d,]*|a dozen) (?:[\w-]+\s+){0,3}?"
    r"(?:attacks|strikes|times)|"
    r"tit-for-tat|\w+ rounds of|still (?:carry|carries|launch|launches|mount|"
    r"mounts|stage|stages)|"
    # "Kolbars … are frequently shot", "has seen repeated protests", "have
    # staged repeated strikes", "has seen a rise in attacks": what keeps
    # happening, no incident.
    r"(?:are|is) (?:frequently|routinely|regularly|often) \w+|"
    r"(?:has|have) (?:seen|faced|witnessed|staged|held|carried out) (?:repeated|"
    r"recurring|frequent|regular|a rise in|an increase in|a surge in) \w+|"
    # "executions have surged since…": a trend, not an incident.
    r"(?:has|have) (?:surged|soared)|"
    # "has clashed with US forces before.": it has happened, at no time told.
    r"(?:has|have) (?:[\w-]+\s+){1,6}?before(?=\W*$)|"
    # "more executions in 2025 than in any year since…", "the highest number
    # in three decades": a statistic.
    r"than in any (?:other )?year|the highest number (?:in|since)|"
    # "had arrested more than 3,000 suspected traffickers this year", "at
    # least 834 people were executed in the country last year" (a tally in
    # the passive, its place between), "expelled more than 1.5 million
    # Afghans this year", "deported hundreds of thousands of them this
    # year", "have killed dozens since 2022"; not one incident's count
    # ("killed at least 8 fighters in the deadliest raid this year").
    r"(?:(?:more than|at least|over|some)\s+\d[\d,.]*(?:\s+(?:million|billion))?|"
    r"(?:dozens|hundreds|thousands|tens of thousands|millions)"
    r"(?:\s+of\s+(?:thousands|millions))?)"
    # A sum of money is no tally of incidents.
    r"(?!\s+(?:of\s+)?(?:dollars|euros|pounds|rials|dinars|liras|barrels)\b)"
    r"\s+(?:[\w-]+\s+){0,3}?"
    r"(?:[\w-]+\s+(?:were|have been|had been)\s+\w+\s+(?:[\w-]+\s+){0,4}?)?"
    r"(?:this year|last year|so far|since\s+(?:[A-Z]\w+|"
    r"\d{4}|the\s+start|the\s+beginning)))\b|"
    # "Since the beginning of the year, units have apprehended more than
    # 9,000 migrants", "Since 2016 the government has replaced more than 150
    # mayors": a tally since a time.
    r"\A\W*since\s+(?:\d{4}|the (?:start|beginning) of (?:the|this) year)\b"
    r"[^.;]*?\b(?:has|have)\s[^.;]*?\b(?:more than|at least|over)\s+\d",
    re.IGNORECASE,
)
BACKGROUND = re.compile(
    r"\b(?:in the past|in recent years|for years|for decades|has long|have long|"
    r"often|usually|rarely|seldom|routinely|regularly|historically|is home to|"
    r"are home to|"
    r"has been home to|repeatedly|frequently|on several occasions|"
    r"(?:several|many|numerous|multiple) times|time and again|over the past "
    r"(?:few |two |three |several )?(?:years?|months|decades?)|in recent (?:months|"
    r"weeks)|a series of|dozens of attacks|at least \d+ attacks|"
    # "Khuzestan has a long history of protests over water"; not a relative
    # clause about who acts ("Jaish al-Adl, which has a long history of
    # attacks, claimed responsibility").
    r"(?<!which )(?<!that )(?<!who )(?:has|have) a long history of)\b|"
    # "Kirkuk has been hit by bombings of markets before": attacks counted
    # over time, no one of them.
    r"\b(?:has|have)\s+been\s+(?:hit|struck|targeted|attacked|rocked)\s+by\s+"
    r"[^.;]*?\b(?:attacks|bombings|strikes|blasts|explosions)\b[^.;]*?\bbefore\b|"
    # "Some 2,500 US troops are deployed in Iraq": how things stand, when
    # the sentence is about it (not "…, where US troops are stationed").
    r"\A\W*(?:(?:some|about|around|roughly|nearly|more than)\s+)?[\d,]+\s+"
    r"(?:[\w.-]+\s+){0,3}?(?:troops|soldiers|personnel|forces)\s+(?:are|is|"
    r"remain|remains)\s+(?:deployed|stationed|based)\b",
    re.IGNORECASE,
)
OPENERS = words(
    "after before last on in at earlier late later meanwhile however also "
    "according following since during separately yesterday today on by "
    "overnight elsewhere but and despite amid while when"
)
CONNECTOR_RE = re.compile(
    r"\b(?:when|where|after|as|while|that|because|whereas|said|says|say|told|"
    r"announced|stated|claimed)\s+",
    re.IGNORECASE,
)
OBJECT_END_RE = re.compile(
    rf"{PHRASE_COMMA}|[;:(]|—|"
    r"\s(?:it|he|she|they)\s+[a-z]+ed\b|"
    r"\s(?:in the presence of|according to|who|which|that|while|after|before|"
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
    r"close to|near to|between|from|to and from|flew to|travell?ed to|arrived in|"
    r"arrived at|visit to|trip to|through|via|over|approaching|(?:deployed|sent|"
    r"dispatched|marched|moved|returned|taken|walked|drove) to|"
    r"(?:taking|bringing|sending) (?:them|him|her|it) to|"
    # "the protests spread to Ahvaz" (not where protests that began
    # elsewhere spread to: BEGAN_ELSEWHERE).
    r"spread to|"
    # "who crossed illegally into the Astara district".
    r"(?:crossed|strayed|infiltrated|sailed|slipped)(?:\s+\w+ly)?\s+into|"
    r"to(?=\s+(?:the\s+)?(?:outskirts|suburbs|edge|centre|center) of)|"
    # "took to the streets of Sulaymaniyah", "in front of the Batifa
    # subdistrict building", "the main road into the port city of Gwadar".
    r"streets of|in front of|(?:road|roads|highway|route) into)\s+"
    # "in a Baghdad hotel".
    r"(?:the\s+|an?\s+)?"
    r"(?:(?:[\w’'-]+\s+){0,3}?(?:city|towns?|villages?|provinces?|governorates?|"
    r"region|districts?|capital|outskirts|suburbs?|area|port|camp|centre|center|"
    # "off the coast of Fujairah".
    r"heart|edges?|coast|shores?|perimeter) of\s+(?:the\s+)?)?"
    # "the streets of nearby Saravan", "in the mountainous Lerik district".
    rf"(?:(?:nearby|mountainous|remote|restive)\s+)?(?:{_DIRECTION}\s+)?|"
    rf"\b{_DIRECTION}\s+of\s+)$",
    re.IGNORECASE,
)
TREATED_IN = re.compile(
    r"\b(?:taken|rushed|transferred|evacuated|moved|flown|admitted)\s+to\s+"
    r"(?:a\s+|the\s+)?(?:[\w-]+\s+)?(?:hospitals?|clinic)\s+in\s+(?:the\s+)?$",
    re.IGNORECASE,
)
ORIGIN_BEFORE = re.compile(
    r"\b(?:(?:activists?|people|residents?|families|refugees|migrants|members|"
    r"fighters|journalists?|workers|students|men|women|villagers|nationals|"
    r"citizens|fishermen|drivers|traders|pilgrims|porters|kolbars|"
    # "executed a political prisoner from the city of Bukan in Tehran".
    r"prisoners?|detainees?|man|woman|youths?|clerics?|activist|member)"
    # "The fishermen, all from the port of Bandar Torkaman, were detained".
    r"(?:,\s+(?:all|both|most|many|some)\s+|\s+)from"
    # "a crackdown on fuel smuggled from Iran", "to pay for electricity
    # imported from Iran": where goods come from.
    r"|(?:imported|smuggled|exported|shipped|purchased|supplied|transported|"
    r"trucked|piped)\s+(?:in\s+)?from)\s+(?:the\s+)?"
    r"(?:(?:port|city|town|village|province|district)\s+of\s+)?$",
    re.IGNORECASE,
)
# A sentence about the attack just told: "The bomb went off…".
THE_ATTACK_OPENS = re.compile(
    r"\s*(?:The|That)\s+(?:(?:roadside|car|suicide)\s+)?(?:bomb|blast|explosion|"
    r"attack|strike|ambush|shelling)\s+(?:went off|exploded|hit|struck|took place|"
    r"happened|targeted|came)\b"
)
# Where something spreading began: "Protests that began in Zahedan…".
BEGAN_ELSEWHERE = re.compile(
    r"\b(?:began|started|erupted|broke out)\s+(?:in|at)\s+(?:the\s+)?[A-Z]"
)
BEGAN_AT = re.compile(
    r"\b(?:began|started|erupted|broke out)\s+(?:in|at)\s+(?:the\s+)?$"
)
# "residents of al-Busayrah", "the people of the town of Kirants".
RESIDENTS_OF = re.compile(
    r"\b(?:residents|inhabitants|people|villagers|townspeople)\s+of\s+(?:the\s+)?"
    r"(?:(?:[\w-]+\s+){0,2}?(?:town|village|city|district)\s+of\s+)?$",
    re.IGNORECASE,
)
# Who someone is by where they work: "a former customs director at Umm Qasr
# port", "an engineer working at the Rumaila oil field".
POST_AT = re.compile(
    r"\b(?:directors?|managers?|employees?|officials?|officers?|engineers?|"
    r"workers?|staff|guards?|teachers?|doctors?)\s+(?:(?:working|employed|based|"
    r"stationed)\s+)?at\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# What a court or an employer decides of someone, done where it sits.
DECIDED_ON = re.compile(
    r"(?:sentenc|convict|acquit|indict|charg|fired|dismiss|sack|suspend)"
)
# "Zrgwez, south-east of Sulaymaniyah": the second place only says where the
# first one is.
REFERENCE_BEFORE = re.compile(
    rf"(?:,\s*|\b(?:km|kilometres|kilometers|miles)\s+){_DIRECTION}\s+of\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
# A dash after a dateline's place is set off by space ("BAGHDAD — "), unlike
# the hyphen of "U.S.-led".
# "on the border with Iraq": the state names where, a border.
BORDER_WITH = re.compile(
    r"\b(?:on|at|near|along|across)\s+the\s+border\s+with\s+$", re.IGNORECASE
)
# Between a name and the place it describes: "the Kazakh | port of | Aktau".
KIND_OF_BEFORE = re.compile(
    r"\s+(?:border\s+)?(?:port|town|city|village|capital)\s+of\s+(?:the\s+)?"
)
# A place that says whose institution, not where: "the government in Erbil".
INSTITUTION_IN = re.compile(
    r"\b(?:government|authorities|administration)"
    r"\s+in\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# Words that place an action in a city told before: "a curfew on the city".
WIDE_PLACES = frozenset(
    {Location.Kind.COUNTRY, Location.Kind.ADMIN1, Location.Kind.REGION}
)
SAME_AREA = re.compile(
    r"\b(?:in|at|near)\s+the\s+same\s+(?:district|area|neighbourhood|neighborhood|"
    r"village|town|city|camp)\b",
    re.IGNORECASE,
)
# A city's own office after its name: "Kirkuk's governor".
CITY_OFFICE = re.compile(
    r"\s+(?:deputy\s+|provincial\s+)?(?:governor|mayor|police|council|"
    r"municipality)\b",
    re.IGNORECASE,
)
# The words that may open a sentence before what it is about: "On Monday, ".
OPENING_TIME = re.compile(
    r"\s*(?:(?:On|In|Late|Early|Earlier|Later|Last)\b[^,]{0,30},\s*)?"
)
SAME_CITY = re.compile(
    r"\b(?:in|on|across|around|to|into)\s+the\s+(?:city|town|capital)\b(?!\s+of\b)",
    re.IGNORECASE,
)
# Who an event remembers: "the first anniversary of the death of …".
COMMEMORATED = re.compile(
    r"\b(?:anniversary|memory|commemoration|memorial)\s+of\s+(?:the\s+)?"
    r"(?:(?:death|killing|execution|assassination)\s+of\s+)?$",
    re.IGNORECASE,
)
# A count of many before an event noun: "more than a hundred attacks".
COUNTED = re.compile(
    r"\b(?:more than|at least|over|dozens of|hundreds of|scores of|a series of)\s+"
    r"(?:(?:a|an|\d[\d,]*|\w+)\s+)?(?:(?:hundred|dozen|thousand)\s+)?"
    r"(?:[\w-]+\s+)?$",
    re.IGNORECASE,
)
# A name's age or a relative clause after it: "Soran Qasemi, 34, who …".
SUBJECT_ASIDE = re.compile(r",\s*(?:\d{1,3},\s*)?(?:who|whose)\b")
# A relative clause still open before a name: ", who organised … in the".
RELATIVE_OPEN = re.compile(r",\s*(?:who|which|whose)\b[^;]*$")
# Downing what was sent: the one who does it was attacked.
DEFENDED = re.compile(
    r"(?:shot|shoot|shoots|brought)\s+down\b|(?:intercepted|intercepts|downed)\b",
    re.IGNORECASE,
)
# Running onto a bomb: "a police patrol struck a landmine", "the convoy hit
# a roadside bomb": the one who hits it is who was attacked. Read at the
# verb, or before the bomb when the bomb is the action word.
_ONTO = r"(?:hit|hits|struck|strikes|ran over|drove over|drove onto|stepped on)"
_A_BOMB = r"an?\s+(?:[\w-]+\s+){0,2}?"
# What a bomb word only qualifies: "a car bomb factory" is struck, no bomb.
BOMB_MADE_AT = re.compile(
    r"\s+(?:factory|factories|workshops?|plants?|cells?|makers?|depots?|"
    r"sites?|facility|facilities|warehouses?|networks?|caches?|storage|"
    r"stores?|stockpiles?|shelters?|clearance|clearing|disposal)\b"
)
# Who strikes from afar does not run onto a bomb: "Coalition aircraft struck
# a car bomb before it reached the lines".
STRIKES_FROM_AFAR = re.compile(
    r"\b(?:aircraft|jets?|warplanes?|drones?|artillery|helicopters?|planes?|"
    r"bombers?|gunships?|missiles?|rockets?|shells?)\b",
    re.IGNORECASE,
)
# A mine that is dug: "struck a gold mine near Zakho".
DUG_MINE = re.compile(
    r"\b(?:gold|coal|copper|salt|iron|chromite|phosphate|zinc|silver)\s+mines?\b",
    re.IGNORECASE,
)
BOMB_HIT = re.compile(
    rf"{_ONTO}\s+{_A_BOMB}(?:bomb|mine|landmine|IED|explosive device)(?![\w-])"
    rf"(?!{BOMB_MADE_AT.pattern})",
    re.IGNORECASE,
)
HIT_BOMB_BEFORE = re.compile(rf"\b{_ONTO}\s+{_A_BOMB}$", re.IGNORECASE)


def _ran_onto_a_bomb(text: str, sentence: Sentence, trigger: Trigger) -> bool:
    """Whether the subject ran onto the bomb its action word tells of (see
    BOMB_HIT), read at the verb or at the bomb."""
    if STRIKES_FROM_AFAR.search(text, sentence.start, trigger.start):
        return False
    hit = BOMB_HIT.match(text, trigger.start)
    if hit is not None:
        return not DUG_MINE.search(hit.group())
    before = HIT_BOMB_BEFORE.search(text, sentence.start, trigger.start)
    return (
        before is not None
        and re.search(r"(?:bomb|mine)$", trigger.word) is not None
        and not BOMB_MADE_AT.match(text, trigger.end)
        and not DUG_MINE.search(text, before.start(), trigger.end)
    )


# What may happen, not what did: "for any attack by … on American personnel".
HYPOTHETICAL = re.compile(
    r"\b(?:any|future|further|possible)\s+(?:[\w-]+\s+)?(?:attacks?|strikes?|"
    r"aggression|escalation)\b[^,;.]*$",
    re.IGNORECASE,
)
# The time of the incident just told: "arrested during the night".
SAME_TIME = re.compile(
    r"\s*(?:(?:during|in)\s+the\s+(?:night|unrest|protests?|clashes|riots?|"
    r"demonstrations?)|overnight|that night|the same night)\b",
    re.IGNORECASE,
)
# A place named before, by its kind: "at the crossing", "near the base".
SAME_SITE = re.compile(
    # "closed the crossing": the crossing named before is where.
    r"\b(?:at|in|near|inside|outside|closed|reopened|shut|sealed)\s+the\s+"
    r"(crossing|base|camp|airport|"
    r"port|dam|field|prison|refinery)\b(?!\s+of\b)",
    re.IGNORECASE,
)
# A part of a place after its name: "on Mosul's left bank", "Zahedan's
# Shirabad neighbourhood".
PART_OF_PLACE = re.compile(
    r"[’']s\s+(?:[\w-]+\s+)?(?:banks?|outskirts|edges?|shores?|coast|"
    r"bridge|streets?|square|suburbs?|waterfront|corniche|neighbou?rhood|"
    r"quarter)\b",
    re.IGNORECASE,
)
# Between a place and one inside it: "Baghdad’s central | Karrada district".
PLACE_OWNS = re.compile(
    r"^[’']s\s+(?:(?:central|old|eastern|western|northern|"
    r"southern)\s+)?$"
)
# Between a place and another that only says where it is: "the Sayyida Zeinab
# | area south of | Damascus", "Jeddah-1 rehabilitation centre | south of |
# Mosul".
PLACE_REFERENCE = re.compile(
    rf"^(?:\s+[\w-]+){{0,2}}\s+{_DIRECTION}\s+of\s+(?:the\s+)?$", re.IGNORECASE
)
# After a place that holds the one before it: "in Baneh | county".
AREA_AFTER = re.compile(
    r"\s+(?:district|county|province|governorate|sub-district)\b", re.IGNORECASE
)
# Between a port, camp or base and the city or province it lies in.
FACILITY_IN = re.compile(
    r"\s+(?:port|harbou?r|camp|base|airport|air base|refinery|complex|"
    r"crossing|border crossing|oil field|field)\s+in\s+(?:the\s+)?",
    re.IGNORECASE,
)
DATELINE_AFTER = re.compile(r"^\s*(?:\([^)]*\)\s*)?(?:[—–]|(?<=\s)-)")
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

# A visit's meetings and signings share its days and places.
DIPLOMATIC = frozenset({T.MEETING, T.AGREEMENT})
# Words that point back to an incident already told: "the strikes", "the
# agreement", "the talks". The types each may point back to.
_DEFINITE = (
    r"\b(?:the|these|those|this|that|its|their|both|such|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day[’']s)\s+[“\"]?"
)
ALL_TYPES = frozenset(T.values)
ANAPHORS: list[tuple[frozenset[str], re.Pattern]] = [
    (
        frozenset({T.STATEMENT}),
        re.compile(
            r"(?:\b[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3}[’']s\s+|" + _DEFINITE + r")"
            r"(?:announcement|statement|decision|pledge)\b",
        ),
    ),
    (
        frozenset(VIOLENT),
        re.compile(
            _DEFINITE + r"(?:[\w’'.-]+\s+){0,2}?(?:strikes?|attacks?|bombings?|"
            r"bombardment|shelling|raids?|assaults?|explosions?|blasts?|"
            r"incident|operation|killings?|aggression|abduction|kidnapping|"
            r"shootings?|ambush|fighting|clash(?:es)?|gunfights?|firefights?|"
            r"violence|drones?|crime(?!\s+(?:committed|of|against)\b)|"
            # "said those responsible would be punished", "The attackers opened
            # fire on a patrol…" after the ambush: who did what was just told.
            r"responsible|perpetrators|culprits|attackers|assailants|killers|gunmen)\b",
            re.IGNORECASE,
        ),
    ),
    (
        frozenset({T.AGREEMENT}),
        re.compile(
            _DEFINITE + r"(?:[\w’'-]+\s+){0,3}?(?:agreement|deal|accord|pact|"
            r"memorandum|treaty|signing|contract)\b",
            re.IGNORECASE,
        ),
    ),
    (
        frozenset({T.MEETING}),
        re.compile(
            _DEFINITE + r"(?:[\w’'-]+\s+){0,2}?(?:meeting|talks|visit|summit|trip)\b",
            re.IGNORECASE,
        ),
    ),
    (
        frozenset({T.ARREST}),
        re.compile(
            _DEFINITE + r"(?:[\w’'-]+\s+){0,2}?(?:arrests?|detentions?|detainees)\b"
            # "six of those held", "the men detained": the people arrested
            # (not "those held responsible", "the people held grievances").
            r"|\b(?:those|the\s+(?:men|women|people|suspects))\s+"
            r"(?:detained|arrested|held(?=\s*(?:[,.;:)]|$)|\s+(?:in|at|since|"
            r"were|was|are|is|had|have|include[ds]?|without|by|on|for\s+"
            r"questioning)\b))\b",
            re.IGNORECASE,
        ),
    ),
    (
        # "taking part in the drill" after forces began an exercise.
        frozenset({T.DEPLOYMENT}),
        re.compile(
            _DEFINITE + r"(?:[\w’'-]+\s+){0,2}?(?:exercises?|drills?|manoeuvres|"
            r"maneuvers|war games)\b",
            re.IGNORECASE,
        ),
    ),
    (
        frozenset({T.PROTEST, T.RIOT}),
        re.compile(
            _DEFINITE + r"(?:[\w’'-]+\s+){0,2}?(?:protests?|demonstrations?|"
            r"rall(?:y|ies)|sit-ins?|unrest|(?-i:march(?:es)?)|"
            # "had joined the strike" after workers walked off the job.
            r"strikes?|stoppages?|walkouts?)\b",
            re.IGNORECASE,
        ),
    ),
    # A court's: "quash the sentence"; a sentence carried out: "condemned
    # the hanging", "confirmed the executions".
    (
        frozenset({T.OTHER}),
        re.compile(
            _DEFINITE
            + r"(?:death\s+)?sentences?\b|"
            + _DEFINITE
            + r"(?:[\w’'-]+\s+)?(?:executions?|hangings?)\b",
            re.IGNORECASE,
        ),
    ),
    (
        # "boarded the Togo-flagged vessel" after the tanker was seized.
        frozenset({T.OTHER}),
        re.compile(
            _DEFINITE + r"(?:[\w’'-]+\s+){0,2}?(?:tanker|vessel|ship|boat)\b",
            re.IGNORECASE,
        ),
    ),
    # Words for whatever was just told: "the move", "the decision", "the
    # ruling", "the sanctions", "the vote", "the returns".
    (
        ALL_TYPES,
        re.compile(
            _DEFINITE + r"(?:[\w’'-]+\s+){0,2}?(?:move|decision|ruling|verdict|"
            r"sanctions|designation|vote|election|results?|returns?|repatriation|"
            r"accusations?|allegations?|claims?|arrangement|measures?|step|cases?|"
            r"closure|ban|appointment|handover)\b",
            re.IGNORECASE,
        ),
    ),
]
# People told of just before, as the subject of what befell them: "the men
# were detained", "the three were killed".
PEOPLE_BACK = re.compile(
    r"\b[Tt]he\s+(?:men|women|suspects|victims|detainees|dead|"
    r"(?:two|three|four|five|six|seven|eight|nine|ten)(?!\s+[a-z]+s\b))\b"
)
# A claim with no object: "claimed responsibility in a statement".
BARE_CLAIM = re.compile(r"\s*responsibility\b(?!\s+for\b)", re.IGNORECASE)
# Verbs of reaction, whose object is what they react to.
REACTING = words(
    "condemned condemns denounced denounces welcomed welcomes praised praises "
    "criticised criticized criticises criticizes rejected rejects blamed "
    "deplored hailed called described mourned regretted slammed"
)
# "after the meeting", "since the strikes": when, not what about.
TIME_BEFORE = re.compile(
    r"\b(?:after|before|during|since|following|ahead of|at|until)\s+$", re.IGNORECASE
)
VIOLENT_WORDS = re.compile(
    r"\b(?:shells?|shelling|rockets?|missiles?|drones?|strikes?|struck|bombs?|"
    r"killed|killing|wounded|injured|fired|landed|hit|attack(?:ed|s)?|clashes)\b",
    re.IGNORECASE,
)
VICTIMS_END = re.compile(
    r"\s(?:and|but)\s+(?:said|added|says)\b|\s(?:who|which|when|whose|that)\s|;|"
    r"[.?!]\s|,\s+(?:a|an|the)\s"
)
REPORTED_HEAD = re.compile(r"^\s*(?:(?:in|on)\s+[^,]{0,30}?\s+)?(?:that\s+)?")
# The victims of an incident told before: "the dead belonged to…".
VICTIMS = re.compile(
    r"\b(?:the (?:(?:two|three|four|five|six|\d+) )?"
    r"(?:dead|victims|those killed|killed|wounded|casualties|injured)\b"
    r"(?:\s+(?:as|were|was|belonged to)\b)?|(?:named|identified)\b[^.;]{0,90}?\bas\b)",
    re.IGNORECASE,
)
# Nouns of events that a date may belong to instead of the clause's action:
# "the death in September of Mahsa Amini", "the elections in 2021".
EVENT_NOUNS = re.compile(
    r"\b(?:death|killing|murder|election|elections|war|invasion|revolution|"
    r"uprising|funeral|referendum|founding|independence|release|coup|"
    r"disappearance|kidnapping|massacre|visit|trip|decision)\b",
    re.IGNORECASE,
)
# "…, according to Pakistani officials, who blamed Iranian forces": someone
# else's blame ("Turkey struck …, blaming the PKK" is the striker's own).
OTHERS_BLAME = re.compile(r"\b(?:said|says|according to|who|officials)\b")
SWAP = re.compile(r"\b(?:exchanged|swapped|exchange|swap)\b", re.IGNORECASE)
SENTENCED_TO = re.compile(r"\bsentenced\b[^.;,]{0,60}?\bto\s+$", re.IGNORECASE)
# Speech that reports an action, whose words follow: "said in a statement
# that they had attacked".
REPORTING = re.compile(
    r"\b(?:said|says|say|told|claimed|announced|stated|reported|confirmed|"
    r"added|insisted|alleged|accused)\b",
    re.IGNORECASE,
)
# Between two actions of one sentence, words that make them two: "met A in
# the morning and later held talks with B", "…; police also detained…".
COORDINATION = re.compile(r"(?:,?\s+and|;|,?\s+while|,?\s+whereas|,\s+then)\s+")
# A clause of its own has its subject, or none and an adverb: "and later
# held talks", "while a camp of the Komala party … was hit".
COORDINATED_CLAUSE = re.compile(
    r"^(?:then|later|also|subsequently|afterwards|separately|(?:on|in)\s+[\w-]+|"
    r"(?:the|a|an|its|their|his|her)\s|[A-Z]|had\s|have\s|has\s)",
)
SUBORDINATE = re.compile(
    r"\b(?:after|before|when|because|as|since|until|following|once|if|who|which)\s",
    re.IGNORECASE,
)
SITE_OF = re.compile(
    r"\b(?:near|at|close to|around)\s+the\s+(?:site|scene)\s+of\s+the\s+"
    r"(?:strikes?|attacks?|bombings?|explosions?|blasts?|incident)\b",
    re.IGNORECASE,
)
# A relative clause that says where people were: "who had crossed into".
CAME_THERE = re.compile(
    r"\bwho\s+(?:had\s+)?(?:\w+ly\s+)?(?:crossed|gathered|entered|camped|"
    r"returned|sailed|strayed)\b(?:(?!\b(?:who|which)\b)[^;])*$",
    re.IGNORECASE,
)
ORIGIN_WORD_BEFORE = re.compile(r"\b(?:from|via)\s+(?:the\s+)?$", re.IGNORECASE)
RELATIVE = re.compile(
    r"\b(?:who|which|whose|planning|planned to|plans to|plotting|accusing|"
    r"accused of)\b",
    re.IGNORECASE,
)
SEPARATE = re.compile(
    r"\b(?:in a separate (?:incident|attack|development)|in another (?:incident|"
    r"attack)|separately|elsewhere)\b",
    re.IGNORECASE,
)
BOTH = re.compile(
    r"\b(?:both|the two) (?:attacks|strikes|incidents|cases|arrests)\b|"
    r"\bthe (?:attacks|incidents)\b",
    re.IGNORECASE,
)
# "…,” the group’s coordinator, Rahman Gharib, said": the body that has just
# spoken, speaking again through one of its people.
OWN_SPOKESPERSON = re.compile(
    r"[,.!?][”\"]\s+(?:the\s+(?:group|organi[sz]ation|ministry|party|movement|council|agency|"
    r"centre|center|network|commission|office)[’']s|its)\s+(?:coordinator|"
    r"spokes(?:man|woman|person)|head|director|chairman|chairwoman|leader|"
    r"president|secretary-general)\b"
    # "Ministry spokesman Sufian Qudah said…" opening the sentence after the
    # ministry's own words: the body's spokesperson, by the body's bare word.
    r"|^\s*(?P<bare>ministry|group|organi[sz]ation|party|movement|council|agency|"
    r"office|commission)\s+spokes(?:man|woman|person)\s+[A-Z]",
    re.IGNORECASE,
)
SEPARATELY = re.compile(r"\b(?:separately|separate (?:meetings|talks))\b")
# How many people an incident killed or wounded: "Two people were killed",
# "killing at least three", "ten others wounded".
_COUNT = (
    r"\b(?P<qualifier>at least|more than|up to|around|about|nearly|some)?\s*"
    r"\b(?P<number>\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|fifteen|twenty|thirty|dozens|a dozen)"
)
KILLED = [
    re.compile(
        _COUNT + r"\s+(?:[\w-]+\s+){0,3}?(?:were|was|have been|had been)?\s*"
        r"(?:killed|dead|died)\b",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?:killing|killed|kills)\s+" + _COUNT + r"\b", re.IGNORECASE),
]
# Sub-types as ACLED names them, by the words of the action.
SUB_TYPES: list[tuple[str, re.Pattern]] = [
    (
        "Air/drone strike",
        re.compile(r"\b(?:drones?|air ?strikes?|warplanes?|jets?|aircraft)\b", re.I),
    ),
    (
        "Shelling/artillery/missile attack",
        re.compile(
            r"\b(?:missiles?|rockets?|shell(?:s|ing|ed)|artillery|mortars?)\b", re.I
        ),
    ),
    (
        "Remote explosive/landmine/IED",
        re.compile(
            r"\b(?:roadside bomb|IED|car bomb|landmine|explosive device)\b", re.I
        ),
    ),
    ("Arrests", re.compile(r"\b(?:arrest|detain|custody|apprehend)", re.I)),
    ("Agreement", re.compile(r"\b(?:sign|agreement|deal|accord|memorand)", re.I)),
]


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


@dataclass(slots=True)
class Fatalities:
    low: int | None
    best: int | None
    high: int | None

    def as_dict(self) -> dict:
        return {"low": self.low, "best": self.best, "high": self.high}


@dataclass(slots=True)
class Action:
    """One clause that tells of something happening."""

    sentence: Sentence
    trigger: Trigger
    event_type: str
    clause: _Clause
    # Where this action's words end: the next action of the sentence, or its end.
    scope_end: int
    participants: list[tuple[ActorMention, str]] = field(default_factory=list)
    date: DateMention | None = None
    # Dates of the sentence that belong to other action words, by their type:
    # "The joint security agreement on Sunday includes…, said a statement".
    kind_dates: dict[str, DateMention] = field(default_factory=dict)
    places: list[PlaceMention] = field(default_factory=list)
    anaphor: frozenset[str] = frozenset()  # the types "the strikes" may point to
    reaction: frozenset[str] = frozenset()  # a statement about such an incident
    victims: bool = False  # "the dead belonged to…"
    tells_violence: bool = False  # a statement whose words tell of an attack
    victim_mentions: list[ActorMention] = field(default_factory=list)
    # The actors named in the clause, whatever their part.
    mentions: list[ActorMention] = field(default_factory=list)
    text: str = ""
    reported: bool = False  # inside "X said that…"
    # The date is the day it was told ("said on Monday it had arrested…"),
    # the incident's own only when nothing else dates it.
    told_on: bool = False
    fatalities: Fatalities | None = None
    nested: bool = False  # told inside another's clause ("a response to…")

    @property
    def sentence_text(self) -> str:
        return self.text[self.sentence.start : self.sentence.end]

    @property
    def initiators(self) -> list[ActorMention]:
        return [
            m for m, r in self.participants if r in (Role.INITIATOR, Role.SIGNATORY)
        ]


@dataclass(slots=True)
class Incident:
    main: Action
    details: list[Action] = field(default_factory=list)  # same incident, more words
    reactions: list[Action] = field(default_factory=list)
    when: dict | None = None  # its proposal's date, once written

    @property
    def event_type(self) -> str:
        return self.main.event_type

    @property
    def actions(self) -> list[Action]:
        return [self.main, *self.details]

    @property
    def last_sentence(self) -> int:
        return max(a.sentence.index for a in [*self.actions, *self.reactions])

    @property
    def last_paragraph(self) -> int:
        """The paragraph of the last sentence that tells of it."""
        return max(a.sentence.paragraph for a in [*self.actions, *self.reactions])


# A boat taken, and then those aboard: "seized a dhow … and detained its
# crew".
VESSEL_SEIZED = re.compile(r"(?:seized|boarded|impounded|intercepted)\b")
SMALL_BOAT = re.compile(
    r"\s+(?:an?|the|two|three|several)\s+(?:[\w-]+\s+){0,2}?(?:boats?|dhows?|"
    r"speedboats?|skiffs?|launch(?:es)?|fishing vessels?)\b",
    re.IGNORECASE,
)
CREW_AFTER = re.compile(
    r"\s+(?:all\s+)?(?:its|the|their)\s+(?:[\w-]+\s+){0,2}?(?:crew|crewmen|"
    r"crew members|sailors|passengers)\b",
    re.IGNORECASE,
)
# "Since Oct. 17, … have been attacked at least 40 times": the day a tally
# starts from.
SINCE_BEFORE = re.compile(r"\b(?:since|from)\s+$", re.IGNORECASE)
# "since Oct. 1, when …": the clause after tells what the day a period
# runs from saw.
WHEN_AFTER = re.compile(r",?\s+when\s+")
SINCE_NAMED = re.compile(r"\bsince\s+the\s+$", re.IGNORECASE)
YEARLY = re.compile(r"\b(?:every|each) year\b", re.IGNORECASE)
# A clause that describes something named before it: ", a city that draws
# thousands of pilgrims each year", ", a crossing used by thousands of
# porters every year".
DESCRIBING = re.compile(r"\b(?:that|which|who|whose|where|used by)\b", re.IGNORECASE)


def _yearly(body: str) -> bool:
    """
    Whether a sentence tells what happens every year ("dozens of them are
    killed by security forces every year"): not when the words only describe
    a place or people named in it.
    """
    return any(
        not DESCRIBING.search(body[: found.start()].rsplit(",", 1)[-1])
        for found in YEARLY.finditer(body)
    )


def propose_events(
    *,
    text: str,
    sentences: list[Sentence],
    actors: list[ActorMention],
    places: list[PlaceMention],
    dates: list[DateMention],
    published: datetime.date | None,
) -> list[dict]:
    """One proposal for each incident the article reports."""
    actions: list[Action] = []
    for sentence in sentences:
        if sentence.heading or sentence.caption:
            continue
        body = text[sentence.start : sentence.end]
        own_dates = [d for d in dates if d.sentence == sentence.index]
        # A sentence with a day of its own tells what happened that day,
        # however many strikes it counts or whatever it recalls beside it
        # ("carried out more than 30 air strikes … on Tuesday").
        own_day = any(
            d.precision == DatePrecision.DAY.value
            and not SINCE_BEFORE.search(text, max(0, d.start - 12), d.start)
            for d in own_dates
        )
        if ((BACKGROUND.search(body) or _yearly(body)) and not own_dates) or (
            AGGREGATE.search(body) and not own_day
        ):
            continue
        actions.extend(
            _actions_in(
                text,
                sentence,
                sentences,
                actors=actors,
                places=places,
                dates=own_dates,
                previous=actions[-1] if actions else None,
            )
        )
    incidents = [
        incident
        for incident in _summaries_apart(_incidents(actions))
        # Words from no one the article names ("a diplomatic source said")
        # make no event of their own.
        if (
            incident.event_type != T.STATEMENT
            or any(
                r != Role.MENTIONED for a in incident.actions for _, r in a.participants
            )
        )
        and not _only_named(incident)
    ]
    _signed_statements(text, sentences, incidents, actors)
    _victims_named_after(text, sentences, incidents, actors)
    proposals: list[dict] = []
    earlier_places: list[tuple[Action, PlaceMention]] = []
    # The country the article is mostly about, for actors it does not name;
    # "" when it names no place.
    countries = Counter(p.place.country for p in places if p.place.country)
    article_country = countries.most_common(1)[0][0] if countries else ""
    for position, incident in enumerate(incidents):
        proposals.extend(
            _proposals(
                text,
                incident,
                sentences=sentences,
                dates=dates,
                published=published,
                earlier_places=earlier_places,
                named_places=places,
                article_country=article_country,
                told=incidents[:position],
            )
        )
    return proposals


# "The announcement, signed by the group's secretary-general, Abu Hussein
# al-Hamidawi, came…": who signed the statement told just before.
SIGNED_STATEMENT = re.compile(
    r"\s*(?:The|This|That|Its|Their)\s+(?:announcement|statement|letter|"
    r"declaration),\s+(?:signed|issued|read out)\s+by\b[^.;]*?,(?=\s+[a-z])"
)


def _signed_statements(
    text: str,
    sentences: list[Sentence],
    incidents: list[Incident],
    actors: list[ActorMention],
) -> None:
    for incident in incidents:
        if incident.event_type != T.STATEMENT:
            continue
        last = max(a.sentence.index for a in incident.actions)
        for sentence in sentences[last + 1 : last + 2]:
            signed = SIGNED_STATEMENT.match(text, sentence.start, sentence.end)
            if signed is None:
                continue
            people = [
                m
                for m in actors
                if m.kind == PERSON and sentence.start <= m.start < signed.end()
            ]
            incident.main.participants = _dedupe(
                incident.main.participants + [(m, Role.INITIATOR) for m in people]
            )


# "The men, Ahmed Salih, 34, and Omar Kareem, 29, worked for…": the people
# an incident told just before struck, by name, set off after the noun.
VICTIMS_NAMED_AFTER = re.compile(
    r"\s*The\s+(?:(?:two|three|four|five|six|\d+)\s+)?(?:men|women|victims|"
    r"dead|brothers|sisters|boys|girls|prisoners|detainees|(?<=\s)(?:two|three|"
    r"four|five|six))\s*,\s+"
    r"(?P<names>(?:[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*(?:,\s*\d{1,3})?,?\s*"
    r"(?:and\s+)?)+)"
)


EXECUTED = re.compile(r"(?:hanged|executed|executions?)$", re.IGNORECASE)
# What is told of those who did an incident, not of those it harmed.
HELD_OR_SOUGHT = re.compile(
    r"\b(?:arrested|detained|captured|caught|fled|escaped|confessed|wanted|"
    r"sought|surrendered|charged)\b",
    re.IGNORECASE,
)


def _victims_named_after(
    text: str,
    sentences: list[Sentence],
    incidents: list[Incident],
    actors: list[ActorMention],
) -> None:
    for incident in incidents:
        if incident.event_type not in VIOLENT | {T.ARREST} and not EXECUTED.match(
            incident.main.trigger.word
        ):
            continue
        last = max(a.sentence.index for a in incident.actions)
        for sentence in sentences[last + 1 : last + 2]:
            named = VICTIMS_NAMED_AFTER.match(text, sentence.start, sentence.end)
            if named is None or HELD_OR_SOUGHT.search(text, named.end(), sentence.end):
                # "The men, A and B, were arrested hours later": those who
                # did it, not those it was done to.
                continue
            people = [
                m
                for m in actors
                if m.kind == PERSON
                and named.start("names") <= m.start
                and m.end <= named.end("names")
            ]
            incident.main.participants = _dedupe(
                incident.main.participants + [(m, Role.TARGET) for m in people]
            )


def _only_named(incident: Incident) -> bool:
    """
    An incident only named, by a noun with no one taking part and no date
    ("has struggled to pay for it because of U.S. sanctions on Tehran"):
    background, not news.
    """
    return (
        not incident.main.trigger.verb
        and incident.main.event_type != T.PROTEST
        and all(a.date is None and not a.participants for a in incident.actions)
        and not incident.reactions
    )


# Reading the actions of a sentence.


def _actions_in(
    text: str,
    sentence: Sentence,
    sentences: list[Sentence],
    *,
    actors: list[ActorMention],
    places: list[PlaceMention],
    dates: list[DateMention],
    previous: Action | None,
) -> list[Action]:
    body = text[sentence.start : sentence.end]
    triggers = find_triggers(text, sentence)
    chosen = choose(triggers, body)
    if chosen is None:
        return []
    primary, primary_type = chosen
    announced = next(
        (
            t
            for t in triggers
            if primary.says
            and fold(primary.word).startswith("announc")
            and t.kind in (T.ARREST, T.DEPLOYMENT)
            and ANNOUNCED_NOUN.fullmatch(text, primary.end, t.start)
        ),
        None,
    )
    if announced is not None:
        # "The interior ministry announced on Tuesday the arrest of five
        # men": the arrest, by who announces it.
        primary, primary_type = announced, announced.kind
    aside = _relative_aside(text, sentence, primary)
    background: tuple[Trigger, str, int] | None = None
    if aside is not None:
        # "Dozens of PAK supporters, who had marched in Koya in September,
        # gathered outside the UN office on Monday": the clause about the
        # subject tells another time; the action is the verb after it.
        after = [
            t for t in triggers if t.start >= aside and t.strength >= primary.strength
        ]
        if after:
            background = (primary, primary_type, aside)
            primary = after[0]
            primary_type = event_type(primary, triggers, body)
    # A dateline says where the reporter was, not where anything happened.
    own_places = [p for p in places if p.sentence == sentence.index]
    # A state is an actor when it acts, a place when it locates: "in
    # western Iraq", "on the border with Iraq".
    own_actors = [
        a
        for a in actors
        if a.sentence == sentence.index
        and not any(
            p.start == a.start
            and p.end == a.end
            and (
                LOCATIVE_BEFORE.search(text[sentence.start : p.start])
                or BORDER_WITH.search(text[sentence.start : p.start])
            )
            for p in own_places
        )
    ]

    owners = _date_owners(text, sentence, triggers, dates)
    chain = [(primary, primary_type)] + _coordinated(text, sentence, triggers, primary)
    if (
        len(chain) > 1
        and primary_type == T.OTHER
        and VESSEL_SEIZED.match(fold(primary.word))
        and chain[1][1] == T.ARREST
        and CREW_AFTER.match(text, chain[1][0].end)
    ):
        # "seized a dhow off Bushehr on Friday and detained its crew": one
        # arrest, the boat taken with those aboard; a tanker or a cargo ship
        # seized with its crew stays a seizure.
        small = SMALL_BOAT.match(text, primary.end)
        chain = [(primary, T.ARREST if small else T.OTHER), *chain[2:]]
    found: list[Action] = []
    for position, (trigger, kind) in enumerate(chain):
        scope_end = (
            _conjunction_start(text, chain[position][0], chain[position + 1][0])
            if position + 1 < len(chain)
            else sentence.end
        )
        scope_start = (
            sentence.start
            if position == 0
            else _clause_after_conjunction(text, chain[position - 1][0], trigger)
        )
        clause = _clause(text, sentence, trigger)
        if position > 0:
            clause = _Clause(scope_start, trigger.start, sentence.start, sentence.start)
        if NEGATED_SUBJECT.match(text[clause.subject_start : clause.subject_end]):
            # "No group claimed responsibility": nothing happened.
            continue
        mentions = (
            [a for a in own_actors if a.start < scope_end]
            if position == 0
            else [a for a in own_actors if scope_start <= a.start]
        )
        participants = _participants(
            text,
            sentence,
            trigger,
            kind,
            clause,
            mentions,
            actors,
            previous,
            scope_end=scope_end,
        )
        if (
            position > 0
            and not trigger.word.startswith("talks")
            and not any(
                r in (Role.INITIATOR, Role.SIGNATORY, Role.PARTICIPANT)
                and m.start < trigger.start
                for m, r in participants
            )
        ):
            # "…and later held talks with B": the subject is the first clause's.
            heads = (
                [
                    (m, _head_role(kind, passive=False))
                    for m, r in found[0].participants
                    if r in (Role.INITIATOR, Role.SIGNATORY, Role.PARTICIPANT)
                    and m.start < chain[0][0].start
                ]
                if found
                else []
            )
            participants = _dedupe(heads + participants)
        action = Action(
            text=text,
            mentions=mentions,
            sentence=sentence,
            trigger=trigger,
            event_type=kind,
            clause=clause,
            scope_end=scope_end,
            participants=participants,
            date=_outside_relative(
                text, trigger, _governed_date(owners, trigger, primary)
            ),
            kind_dates={
                owner.kind: date
                for date, owner, _ in reversed(owners)
                if owner is not None
                and owner is not trigger
                # "signed an agreement under which officers will train from
                # next year": no day of the signing.
                and not (date.future and _past_action(text, trigger))
            },
            places=[
                p
                for p in own_places
                if (p.start < scope_end or p.sentence != sentence.index)
                and (position == 0 or p.start >= scope_start)
            ],
        )
        if position > 0 and action.date is None and found:
            # "…in Ankara on Monday, after talks between…": the same day.
            action.date = found[0].date
        if (
            background is not None
            and action.date is not None
            and background[0].end <= action.date.start < background[2]
        ):
            # "…, who had marched in Koya in September, gathered … on
            # Monday": the clause's date is the clause's.
            action.date = next((d for d in dates if d.start >= background[2]), None)
        _read_references(text, action, triggers)
        if (
            position > 0
            and found
            and found[0].anaphor
            and (kind in VIOLENT and found[0].event_type in VIOLENT)
        ):
            # "The strikes on Koya targeted…, while a camp … was hit": both
            # clauses tell of the incident the first points back to.
            action.anaphor = found[0].anaphor
        if action.reported and action.date is None:
            # "Iraq announced in November that it would redeploy…".
            spoken = next(
                (
                    (d, owner)
                    for d, owner, _ in owners
                    if owner is not None and owner.says and owner.end <= trigger.start
                ),
                None,
            )
            if spoken is not None:
                action.date, verb = spoken
                # "said on Wednesday that…" is when it was told; "said that
                # the men had crossed on Tuesday night" when it happened.
                action.told_on = not re.search(
                    r"\bthat\b|[,;]", text[verb.end : action.date.start]
                )
        own_forces = re.match(
            r"\s*(?:(?:on\s+)?\w+day\s+|that\s+)*(?:its|their|our|they|it|we)\b",
            text[action.clause.subject_start : trigger.start],
            re.IGNORECASE,
        )
        decided = any(
            t.says
            and t.end <= trigger.start
            and re.match(r"(?:announc|order|decid|declar)", t.word, re.IGNORECASE)
            for t in triggers
        )
        speakers = _speakers(text, sentence, triggers, action, own_actors)
        if action.reported and speakers and not (own_forces or decided):
            # "Iran's intelligence ministry said a team detained by…": who
            # tells of it is mentioned in it.
            action.participants = _dedupe(
                action.participants + [(m, Role.MENTIONED) for m in speakers]
            )
        if action.reported and speakers and decided and kind == T.DEPLOYMENT:
            # "al-Sudani announced that federal guards would be sent": he
            # decided it; the guards sent are named in it.
            action.participants = _dedupe(
                [(m, Role.INITIATOR) for m in speakers]
                + [
                    (m, Role.MENTIONED if r == Role.INITIATOR else r)
                    for m, r in action.participants
                ]
            )
        elif action.reported and not action.initiators and (own_forces or decided):
            # "the IRGC said its forces had targeted…": the one who says so
            # did it.
            action.participants = _dedupe(
                [(m, Role.INITIATOR) for m in speakers] + action.participants
            )
        if kind in VIOLENT and not action.initiators:
            # "An Israeli air strike … killed two members of…": the state
            # whose strike it was.
            state = _state_of_weapon(text, sentence, action)
            if state is not None:
                action.participants = _dedupe(
                    [(state, Role.INITIATOR)] + action.participants
                )
                action.mentions = [*action.mentions, state]
        action.fatalities = _fatalities(text[sentence.start : scope_end])
        found.append(action)
        previous = action
    for outcome, means in ((T.RIOT, T.PROTEST), (T.ARREST, T.DEPLOYMENT)):
        if any(a.event_type == outcome for a in found):
            # "Protesters blocked roads and set fire to the directorate": one
            # riot, not a protest beside it; "forces had been deployed … and
            # had arrested dozens": the arrests.
            kept = [a for a in found if a.event_type != means]
            for dropped in (a for a in found if a.event_type == means):
                for action in kept:
                    # The same doers and place: "deployed in Saqqez … and had
                    # arrested dozens of people there".
                    action.participants = _dedupe(
                        dropped.participants + action.participants
                    )
                    action.places = action.places or dropped.places
            found = kept or found
    protests = [a for a in found if a.event_type == T.PROTEST]
    if len(protests) > 1 and all(
        _same_protest(text, protests[0], a) for a in protests[1:]
    ):
        # "residents blocked the main road and protested against the
        # council": one crowd's protest, told by two of its verbs.
        first = protests[0]
        for other in protests[1:]:
            first.participants = _dedupe(first.participants + other.participants)
            first.mentions = [*first.mentions, *other.mentions]
            first.places = first.places or other.places
            first.scope_end = max(first.scope_end, other.scope_end)
        found = [a for a in found if a not in protests[1:]]
    # "He met A and B separately", "met Iran's Supreme Leader … and President
    # …": a meeting with each.
    if len(found) == 1 and found[0].event_type == T.MEETING:
        found = _separately(found[0], people_only=not SEPARATELY.search(body))
    if background is not None:
        found += _background(
            text, sentence, background, actors, own_actors, own_places, dates
        )
    nested = _nested(text, sentence, triggers, found, own_actors, own_places, dates)
    if nested is None:
        return found
    found = [a for a in found if fold(a.trigger.word) not in LIKENESS]
    return [*found, nested]


# What opens a clause that goes on with the subject before it: "… and
# protested against the SDF", "…, then marched to the governorate".
SAME_SUBJECT = re.compile(r"[\s,]*(?:(?:and|then|later|also)\b[\s,]*)*")
# A time of a clause's own: "… and marched again on Wednesday", "the next
# day", "in March".
OWN_TIME = re.compile(
    r"\b(?:again|later|next|following|yesterday|today|tonight|\d{4}|"
    + "|".join(sorted({*WEEKDAYS, "may", *(m for m in MONTHS if len(m) > 3)}))
    + r")\b",
    re.IGNORECASE,
)


def _same_protest(text: str, first: Action, other: Action) -> bool:
    """
    Whether `other` tells `first`'s protest by another of the crowd's verbs:
    its clause goes on with the same subject ("blocked the road and chanted
    slogans against the council"), with no time nor other place of its own
    ("and marched to the parliament in Duhok on Wednesday" is another
    protest).
    """
    own_places = {fold(p.text) for p in other.places} - {
        fold(p.text) for p in first.places
    }
    return (
        SAME_SUBJECT.fullmatch(text, other.clause.subject_start, other.trigger.start)
        is not None
        and not OWN_TIME.search(text, other.trigger.end, other.scope_end)
        # A place where the first told none is where the one protest was.
        and not (own_places and first.places)
    )


# Those named by what they are only when they are held: "detained eight
# suspected smugglers", "detained five teachers".
HELD_AS = frozenset({"Smugglers", "Teachers"})
# A protest told in the words of an arrest's sentence.
PROTEST_TOLD = re.compile(
    r"\b(?:in protest|(?:during|at|amid|after|following|in) (?:an?|the)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:protests?|demonstrations?|rally|rallies|sit-ins?|"
    r"strike)|(?:protesters|demonstrators) (?:had )?(?:gathered|marched|"
    r"rallied|chanted|blocked))\b",
    re.IGNORECASE,
)
# Who crossed a border, told after them: "… who had crossed on foot".
CROSSED_AFTER = re.compile(
    r"\s+who\s+(?:had\s+)?(?:\w+\s+)?(?:crossed|entered|sneaked)\b", re.IGNORECASE
)
# Goods or people moved across a border unlawfully: "smuggled diesel".
SMUGGLING = re.compile(r"\bsmuggl(?:ed|ing|e)\b", re.IGNORECASE)
HELD_FOR_SMUGGLING = re.compile(
    r"[^.;]{0,80}?\b(?:accused of|suspected of|charged with|for|over|in connection "
    r"with|on charges of)\s+(?:[\w-]+\s+){0,3}?smuggl",
    re.IGNORECASE,
)
# Those arrested told only as a number of people: "at least eleven people".
PEOPLE_COUNTED = re.compile(r"(?:[\w-]+\s+)?people$", re.IGNORECASE)
# Those arrested at their work, civilians as ACLED counts them: "detained
# the fishermen".
WORKING_PEOPLE = re.compile(
    r"fishermen|fisherman|shepherds?|farmers?|villagers?|"
    # "arrested two Iranian nationals", "detained six relatives of the men".
    r"(?:[\w-]+\s+)?(?:nationals|citizens)|relatives|"
    # "seized the boat and detained its six crew".
    r"(?:[\w-]+\s+)?(?:crew(?:\s+members)?|crewmen)",
    re.IGNORECASE,
)
# Those arrested told by their country: "detained four Afghan men", as
# "two Iranian nationals" are.
NATIONALS_COUNTED = re.compile(
    r"[\w-]+\s+(?:" + "|".join(sorted(DEMONYMS)) + r")\s+(?:men|women)",
    re.IGNORECASE,
)
# Those arrested counted by their country before what they are: "detained
# three Afghan students", "an Iraqi driver was caught".
NATIONALS_BEFORE = re.compile(
    r"\b(?:an?|\d+|(?i:" + "|".join(sorted(NUMBERS)) + r"))\s+"
    r"(?=[A-Z])(?i:" + "|".join(sorted(DEMONYMS)) + r")\s+$"
)
# Who those held are, after them: ", all Iranian nationals".
NATIONALS_AFTER = re.compile(
    r",\s+(?:all|both|most|mostly)\s+[A-Z][a-z]+\s+(?:nationals|citizens)\b"
)
# Who a crew are, wherever the article tells it: "its Indian crew", "the
# crew were Pakistani nationals".
CREW_TOLD = re.compile(
    r"\b[A-Z][a-z]+\s+crew\b|\bcrew\s+(?:members\s+)?(?:were|are)\s+"
    r"(?:all\s+|mostly\s+)?[A-Z][a-z]+\s+(?:nationals|citizens)\b"
)
FOLLOWERS_AFTER = re.compile(
    r"\s+(?:supporters|followers|loyalists|sympathi[sz]ers|members)\b"
)


def _background(
    text: str,
    sentence: Sentence,
    background: tuple[Trigger, str, int],
    actors: list[ActorMention],
    own_actors: list[ActorMention],
    own_places: list[PlaceMention],
    dates: list[DateMention],
) -> list[Action]:
    """
    What a relative clause about the subject tells, with a date of its own,
    as an action of its subject's: "Dozens of PAK supporters, who had marched
    in Koya in September, …".
    """
    trigger, kind, end = background
    own_dates = [d for d in dates if trigger.end <= d.start < end]
    if not own_dates:
        return []
    opening = RELATIVE_OPENING.search(text, sentence.start, trigger.start)
    subject_end = opening.start() if opening else trigger.start
    clause = _Clause(sentence.start, subject_end, sentence.start, sentence.start)
    mentions = [
        a for a in own_actors if a.end <= subject_end or trigger.end <= a.start < end
    ]
    participants = _participants(
        text, sentence, trigger, kind, clause, mentions, actors, None, scope_end=end
    )
    return [
        Action(
            text=text,
            mentions=mentions,
            sentence=sentence,
            trigger=trigger,
            event_type=kind,
            clause=clause,
            scope_end=end,
            participants=participants,
            date=own_dates[0],
            places=[p for p in own_places if trigger.end <= p.start < end],
            nested=True,
        )
    ]


# Words that open what a meeting is about: "to discuss …".
TOPIC_BEFORE = re.compile(
    r"\b(?:to discuss|discussed|to talk about|talks on|on ways to|to review)\b"
    r"[^;]*$",
    re.IGNORECASE,
)
UNNAMED_OTHER_SIDE = re.compile(
    r"\b(?:gunmen|armed men|smugglers|(?:unidentified|unknown) (?:gunmen|"
    r"attackers|assailants|men)|militants|insurgents)\b",
    re.IGNORECASE,
)
# The next sentence telling which side of an exchange of fire began it.
FIRED_FIRST = re.compile(
    r"\s*(?:The|These)\s+(?P<side>[a-z]+(?:\s+[a-z]+)?)\s+(?:had\s+)?(?:opened\s+"
    r"fire|fired\s+first|attacked\s+first|started\s+the\s+(?:clash|gunfight|"
    r"firefight|shooting))\b"
)
WITH_BEFORE = re.compile(r"\bwith\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+)?$", re.IGNORECASE)
LIST_GOES_ON = re.compile(r"(?:,\s*\d{1,3})?,?\s+and\s+")
LIST_GOES_ON_TITLED = re.compile(
    r",?\s+and\s+(?:the\s+)?(?:[\w'’-]+\s+){0,6}?(?:"
    + "|".join(sorted(TITLE_WORDS))
    + r"),\s+",
    re.IGNORECASE,
)
LIST_GOES_ON_OFFICE = re.compile(
    r"(?:,\s+(?:an?|the)\s+[^,;]{1,60})?,\s+and\s+(?:on\s+|against\s+)?"
    r"(?:its|their)\s+(?:[\w-]+\s+){0,3}?[\w-]+,\s+"
)
# The other side of a fight, named: "in a gunfight … with fighters of X",
# read in the last FOUGHT_WITH_SPAN characters before the name (a bounded
# search, however long the sentence).
FOUGHT_WITH_SPAN = 240
FOUGHT_WITH = re.compile(
    r"\b(?:gunfight|clash(?:es)?|firefight|fighting|battle|exchange of fire)\b"
    r"[^,;]{0,200}?\bwith\s+(?:(?:fighters|members|militants|gunmen)\s+(?:of|from)\s+)?"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
VICTIMS_FROM = re.compile(
    r"\b(?:porters|kolbars|civilians|shepherds|farmers|villagers|workers|"
    r"fishermen|men|women|people)\s+from\s+(?:the\s+)?"
    r"([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)"
)
# Between "announced" and the noun of what it announces: " on Tuesday the".
ANNOUNCED_NOUN = re.compile(
    r"\s+(?:(?:on|last)\s+\w+\s+)?(?:the|a)\s+(?:[\w-]+\s+)?", re.IGNORECASE
)
# A clause's last piece that is only its verb's auxiliaries: " were ".
AUXILIARIES_ONLY = re.compile(
    r"\s*(?:(?:was|were|is|are|has|have|had|been|also|later|then)\s+)+",
    re.IGNORECASE,
)
THEN_OFFICE = re.compile(r"\s*(?:then|now|formerly|previously|at the time)\s")
STAGING = re.compile(
    r"\s*(?:(?:was|were|is|are|has|have|had|been|also)\s+)+(?:staging|holding|"
    r"organi[sz]ing)\s+(?:an?\s+|the\s+)?(?:[a-z-]+\s+)?",
    re.IGNORECASE,
)
RELATIVE_OPENING = re.compile(r",\s*(?:who|which)\s+(?:had|have|has)\s+[^,;]*$")


def _relative_aside(text: str, sentence: Sentence, trigger: Trigger) -> int | None:
    """
    Where a relative clause set off by commas that holds the trigger ends
    (", who had marched in Koya in September, …"), if it does.
    """
    if not RELATIVE_OPENING.search(text, sentence.start, trigger.start):
        return None
    close = text.find(",", trigger.end, sentence.end)
    return close if close >= 0 else None


# An incident told inside another's clause, as what the other answers or
# follows: "the strike … was a response to a drone attack on U.S. troops at
# the al-Tanf garrison on Monday".
NESTED_BEFORE = re.compile(
    r"\b(?:(?:(?:a\s+)?response to|retaliation for|reprisal for)\s+an?\s+|"
    r"(?:recalled|echoed|mirrored|resembled)\s+the\s+)"
    r"(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
# "The abduction recalled the kidnapping of…": a likeness, no action.
LIKENESS = words("recalled echoed mirrored resembled")


def _nested(
    text: str,
    sentence: Sentence,
    triggers: list[Trigger],
    found: list[Action],
    actors: list[ActorMention],
    places: list[PlaceMention],
    dates: list[DateMention],
) -> Action | None:
    """
    The incident a sentence names as what its action answers, with its own
    date, as an action of its own: what it struck, where and when; who
    told of it is mentioned.
    """
    if not found:
        return None
    chosen = {id(a.trigger) for a in found}
    for trigger in triggers:
        if id(trigger) in chosen:
            continue
        kind = event_type(trigger, triggers, text[sentence.start : sentence.end])
        if kind not in VIOLENT:
            continue
        if not NESTED_BEFORE.search(text, sentence.start, trigger.start):
            continue
        own_dates = [d for d in dates if trigger.end <= d.start < sentence.end]
        if not own_dates:
            continue
        clause = _Clause(trigger.start, trigger.start, sentence.start, sentence.start)
        mentions = [a for a in actors if trigger.end <= a.start]
        participants = _participants(
            text,
            sentence,
            trigger,
            kind,
            clause,
            mentions,
            actors,
            None,
            scope_end=sentence.end,
        )
        speakers = [m for a in found if a.trigger.says for m in a.initiators]
        action = Action(
            text=text,
            mentions=mentions,
            sentence=sentence,
            trigger=trigger,
            event_type=kind,
            clause=clause,
            scope_end=sentence.end,
            participants=_dedupe(
                participants + [(m, Role.MENTIONED) for m in speakers]
            ),
            date=own_dates[0],
            places=[p for p in places if trigger.end <= p.start],
            nested=True,
        )
        action.fatalities = _fatalities(text[trigger.start : sentence.end])
        for other in found:
            # The answering action's words end where the nested incident's
            # begin: its places and date are not the other's.
            other.places = [p for p in other.places if p.start < trigger.start]
            if other.date is not None and other.date.start >= trigger.start:
                other.date = None
        return action
    return None


# "An Israeli air strike", "a Turkish drone attack": a strike by the state
# its adjective names, told as the doer of the clause.
STRIKE_OF = re.compile(
    r"\s*(?:[Aa]n?\s+|[Tt]he\s+)?(?P<demonym>[A-Z][a-z]+|U\.S\.|US)\s+"
    r"(?:(?:air|drone|missile|"
    r"rocket|artillery|naval)\s+)?(?:strikes?|airstrikes?|raids?|shelling|"
    r"bombardment|attacks?)\b"
)


def _state_of_weapon(
    text: str, sentence: Sentence, action: Action
) -> ActorMention | None:
    match = STRIKE_OF.match(text, action.clause.subject_start, action.trigger.end)
    if match is None:
        return None
    owner = owner_of(match.group("demonym"))
    if fold(match.group("demonym")) not in DEMONYMS and owner is None:
        return None
    if owner is None or owner.code == REGION_CODE:
        return None
    ref = owner.actor()
    return ActorMention(
        text=match.group("demonym"),
        start=match.start("demonym"),
        end=match.end("demonym"),
        name=ref.name,
        actor_id=ref.actor_id,
        kind=Actor.Kind.STATE,
        sentence=sentence.index,
        country=owner.country,
    )


def _speakers(
    text: str,
    sentence: Sentence,
    triggers: list[Trigger],
    action: Action,
    mentions: list[ActorMention],
) -> list[ActorMention]:
    """Who says what a reported action is told in: "X announced that…"."""
    says = [t for t in triggers if t.says and t.end <= action.trigger.start]
    if not says:
        return []
    verb = says[0]
    subject = [m for m in mentions if m.end <= verb.start]
    heads = [m for m in subject if not _modifier(text, m, subject)]
    speakers = heads[-1:]
    office = [
        m
        for m in heads
        if m.kind == Actor.Kind.PERSON
        and (comma := text.find(",", m.end, verb.start)) >= 0
        and not text[m.end : comma].strip()
        and OFFICE_APPOSITION.match(text, comma + 1)
        and all(
            other.start > comma
            for other in heads
            if other is not m and other.start > m.start
        )
    ]
    if office:
        # "Abdullah Mohtadi, the secretary-general of Komala, denied…": the
        # person, not the body of his office.
        return office[:1]
    # "Hengaw and the Kurdistan Human Rights Network said": both speak.
    for head in reversed(heads[:-1]):
        if not re.fullmatch(
            r"\s+and\s+(?:the\s+)?", text[head.end : speakers[0].start]
        ):
            break
        speakers.insert(0, head)
    return speakers


def _coordinated(
    text: str, sentence: Sentence, triggers: list[Trigger], primary: Trigger
) -> list[tuple[Trigger, str]]:
    """
    Other actions in the same sentence, each in a clause of its own after
    the first: "met Foreign Minister Hossein Amir-Abdollahian in the morning
    and later held talks with Ali Akbar Ahmadian".
    """
    body = text[sentence.start : sentence.end]
    found: list[tuple[Trigger, str]] = []
    last = primary
    for trigger in sorted(triggers, key=lambda t: t.start):
        if trigger.start <= last.end or trigger.strength < VERB * 0.9:
            continue
        if trigger.kind in (T.STATEMENT, CASUALTY) or trigger.says:
            continue
        between = text[last.end : trigger.start]
        joint = _joint(between)
        if (
            joint is None
            and trigger.kind == T.MEETING
            and re.search(r"\b(?:after|following|before)\s+$", between)
            and trigger.word.startswith("talks")
        ):
            # "signed a memorandum … after talks between A and B".
            found.append((trigger, T.MEETING))
            last = trigger
            continue
        if joint is None or REPORTING.search(between):
            continue
        if SUBORDINATE.search(between[:joint]):
            # "…arrested 41 protesters after demonstrators blocked the road
            # and set fire to tyres": the second verb is the cause's.
            continue
        found.append((trigger, event_type(trigger, triggers, body)))
        last = trigger
    return found


def _conjunction_start(text: str, first: Trigger, second: Trigger) -> int:
    """Where the words joining two actions begin."""
    between = text[first.end : second.start]
    joint = _joint(between)
    return first.end + (joint if joint is not None else len(between))


def _clause_after_conjunction(text: str, first: Trigger, second: Trigger) -> int:
    """Where the second of two joined clauses starts, after "and", "while"…"""
    between = text[first.end : second.start]
    joint = _joint(between)
    if joint is None:
        return second.start
    match = COORDINATION.match(between, joint)
    return first.end + (match.end() if match else joint)


def _joint(between: str) -> int | None:
    """
    Where a conjunction starts a clause of its own in the words between two
    actions: "… in the morning | and later held talks with …", not "missile
    | and drone strikes".
    """
    for match in reversed(list(COORDINATION.finditer(between))):
        rest = between[match.end() :]
        if ";" in rest or len(rest.split()) > 14:
            continue
        if not rest or COORDINATED_CLAUSE.match(rest):
            return match.start()
    return None


TITLED_SUBJECT = re.compile(
    r"\s*(?:[A-Z][\w-]*,?\s+)*?(?:the|The)\s+(?:[\w-]+\s+){0,2}?(?:minister|"
    r"president|envoy|ambassador|delegation|premier|foreign minister|speaker|"
    r"visitor|guest)\s*",
)


def _separately(action: Action, *, people_only: bool) -> list[Action]:
    subjects = [m for m, _ in action.participants if m.start < action.trigger.start]
    others = [
        (m, r)
        for m, r in action.participants
        if m.start > action.trigger.start and r == Role.PARTICIPANT
    ]
    # "the visiting minister met A and B": a subject told by its title,
    # whom the proposal leaves for the editor to name.
    titled = not subjects and TITLED_SUBJECT.fullmatch(
        action.text, action.clause.subject_start, action.clause.subject_end
    )
    if not (subjects or titled) or len(others) < 2:
        return [action]
    if people_only and not all(
        m.kind == PERSON for m, _ in others + [(s, "") for s in subjects]
    ):
        return [action]
    split = []
    for other in others:
        copy = Action(
            action.sentence,
            action.trigger,
            action.event_type,
            action.clause,
            action.scope_end,
            [(m, r) for m, r in action.participants if m.start < action.trigger.start]
            + [other]
            # "…, the ministry said": who speaks of the talks speaks of each.
            + [
                (m, r)
                for m, r in action.participants
                if m.start > action.trigger.start and r == Role.MENTIONED
            ],
            action.date,
            action.kind_dates,
            action.places,
        )
        split.append(copy)
    return split


def _head_role(kind: str, *, passive: bool) -> str:
    if passive and kind == T.MEETING:
        # "The envoy was received by the president": the guest meets him,
        # nothing is done to the guest.
        return Role.PARTICIPANT
    if passive or kind == T.DEATH:
        # Who is struck, or who dies.
        return Role.TARGET
    return {T.AGREEMENT: Role.SIGNATORY, T.MEETING: Role.PARTICIPANT}.get(
        kind, Role.INITIATOR
    )


def _read_references(text: str, action: Action, triggers: list[Trigger]) -> None:
    """
    Whether the action points back to an incident told before ("The strikes
    on Koya targeted…"), reacts to one ("condemned the strikes"), names its
    victims ("the dead belonged to…"), or is reported ("they had attacked").
    """
    sentence = action.sentence
    clause = action.clause
    if action.trigger.says:
        # "condemned the strikes", "said the attack was…": about an incident.
        after = text[action.trigger.end : action.scope_end]
        reacts = fold(action.trigger.word.split()[0]) in REACTING
        head = after if reacts else REPORTED_HEAD.sub("", after)
        # "“The joint security agreement on Sunday includes…,” said a statement".
        content = (
            text[sentence.start : clause.content_end].lstrip(' “"')
            if clause.content_end is not None
            else ""
        )
        said = re.sub(r"[“”\"]", "", head)
        for kinds, pattern in ANAPHORS:
            found = (
                pattern.match(said.lstrip())
                or (reacts and pattern.search(said[:60]))
                or (content and pattern.match(content))
                or any(
                    not TIME_BEFORE.search(said[: m.start()])
                    for m in pattern.finditer(said[:120])
                )
            )
            if found:
                action.reaction |= kinds
        if (
            not action.reaction
            and fold(action.trigger.word) == "claimed"
            and BARE_CLAIM.match(after)
        ):
            # "Jaish al-Adl claimed responsibility": for an attack.
            action.reaction = frozenset(VIOLENT)
        # "…told Rudaw that more than 20 shells landed near the villages":
        # words about an attack told just before.
        action.tells_violence = bool(VIOLENT_WORDS.search(said))
        _read_victims(text, action)
        return
    _read_victims(text, action)
    subject = text[clause.subject_start : action.trigger.start]
    after = text[action.trigger.end : action.scope_end].lstrip()
    for kinds, pattern in ANAPHORS:
        if pattern.search(subject) or (
            action.event_type in kinds and pattern.match(after)
        ):
            # "The strikes on Koya targeted…", "Shamkhani signed the agreement".
            action.anaphor |= kinds
    action.reported = any(
        t.says and t.end <= action.trigger.start and t.strength >= SAY * 0.9
        for t in triggers
    )
    if PEOPLE_BACK.search(text, sentence.start, action.trigger.start):
        # "…said it had arrested four men. … said the men were detained on
        # Sunday": more of the same arrest.
        action.anaphor |= {action.event_type}


def _read_victims(text: str, action: Action) -> None:
    """ "The IRGC named the dead as …", "identified … as Lena Hartmann"."""
    sentence = action.sentence
    victims = VICTIMS.search(text, sentence.start, sentence.end)
    if victims is None:
        return
    end = VICTIMS_END.search(text, victims.end(), sentence.end)
    end_at = end.start() if end else sentence.end
    found = [m for m in action.mentions if victims.end() <= m.start < end_at]
    if found:
        action.victims = True
        action.victim_mentions = found


def _fatalities(words_: str) -> Fatalities | None:
    for pattern in KILLED:
        match = pattern.search(words_)
        if match is None:
            continue
        written = fold(match.group("number"))
        if written == "dozens":
            return Fatalities(24, None, None)
        count = number(written)
        if count is None:
            continue
        qualifier = fold(match.group("qualifier") or "")
        if qualifier in ("at least", "more than"):
            return Fatalities(count, count, None)
        if qualifier == "up to":
            return Fatalities(None, count, count)
        return Fatalities(count, count, count)
    return None


def _date_owners(
    text: str, sentence: Sentence, triggers: list[Trigger], dates: list[DateMention]
) -> list[tuple[DateMention, Trigger | None, bool]]:
    """
    Each date of a sentence with the word it belongs to: the action word or
    event noun just before it ("met Raisi in Tehran on Monday", "the death in
    September of…"; None for a noun that is no trigger), or none for a date
    that opens the sentence ("Last year, Iran's…"), which is the main
    action's (the third item, True).
    """
    words_ = [(t.start, t.end, t) for t in triggers] + [
        (sentence.start + m.start(), sentence.start + m.end(), None)
        for m in EVENT_NOUNS.finditer(text[sentence.start : sentence.end])
        # "sentenced five men to death on Monday": the sentence's day.
        if not SENTENCED_TO.search(text, sentence.start, sentence.start + m.start())
    ]
    owners = []
    for date in dates:
        if SINCE_NAMED.search(text, max(0, date.start - 12), date.start):
            # "the largest walkout since the 1979 revolution": the year of
            # another event, which a period runs from.
            continue
        when = SINCE_BEFORE.search(
            text, max(0, date.start - 12), date.start
        ) and WHEN_AFTER.match(text, date.end)
        after = [
            t
            for t in triggers
            if when and t.start >= when.end() and t.end <= sentence.end
        ]
        if after:
            # "since Oct. 1, when two militants carried out a bombing": the
            # day of what the "when" clause tells.
            owners.append((date, min(after, key=lambda t: t.start), False))
            continue
        before = [w for w in words_ if w[1] <= date.start]
        if not before:
            owners.append((date, None, True))
            continue
        owner = max(before, key=lambda w: w[1])
        owners.append((date, _verb_of_object(text, triggers, owner[2]), False))
    return owners


def _verb_of_object(
    text: str, triggers: list[Trigger], owner: Trigger | None
) -> Trigger | None:
    """
    The action whose object a date's event noun is, which the date is of:
    "banned all protests on Monday" is a ban on Monday, not protests. A verb
    of saying is not such an action ("condemned the attack on Monday" may
    date the attack).
    """
    if owner is None or owner.verb:
        return owner
    for verb in triggers:
        if (
            verb.verb
            and verb.end <= owner.start
            and SENTENCED_TO.fullmatch(text, verb.start, owner.start)
        ):
            # "sentenced five men to death on Monday".
            return verb
        if (
            verb.verb
            and not verb.says
            and verb.end <= owner.start
            and OBJECT_BETWEEN.fullmatch(text, verb.end, owner.start)
        ):
            return verb
    return owner


# The words of an object before its head noun: "all", "a new", "the".
OBJECT_BETWEEN = re.compile(
    r"\s+(?:(?:the|a|an|all|any|its|their|new|further|public|street|"
    r"opposition)\s+){0,3}",
    re.IGNORECASE,
)


def _governed_date(
    owners: list[tuple[DateMention, Trigger | None, bool]],
    trigger: Trigger,
    primary: Trigger,
) -> DateMention | None:
    """
    The date that belongs to an action: after it and before any other action
    word or event noun, or opening the sentence of a main action. A date
    after a weaker word of the same kind is the action's too ("In a
    statement released on March 5, the Treasury said…").
    """
    governed, earlier = [], []
    for date, owner, opening in owners:
        if opening:
            if trigger is primary:
                governed.append(date)
        elif owner is trigger:
            governed.append(date)
        elif (
            owner is not None
            and owner.kind == trigger.kind
            and owner.strength <= trigger.strength
        ):
            (earlier if owner.end <= trigger.start else governed).append(date)
    # A weaker word's date before the action only when the action has none:
    # "al-Sudani, who took office in October, appointed X on Monday" is
    # Monday's appointment.
    governed = governed or earlier
    if not governed:
        return None
    center = (trigger.start + trigger.end) / 2
    return min(governed, key=lambda d: abs((d.start + d.end) / 2 - center))


def _outside_relative(
    text: str, trigger: Trigger, date: DateMention | None
) -> DateMention | None:
    """
    No date from a relative clause after the action about something else:
    "said the cuts were caused by low levels in the reservoir, which fell
    sharply in January"; nor a future one after a past action.
    """
    if date is None or date.start < trigger.end:
        return date
    if RELATIVE_AFTER.search(text, trigger.end, date.start):
        return None
    if date.future and _past_action(text, trigger):
        # "signed a memorandum under which officers will attend courses from
        # next year": the future told after a past action is not its day.
        return None
    return date


def _past_action(text: str, trigger: Trigger) -> bool:
    """Whether a clause tells its action as done: a verb in the past up to
    its action word ("signed a defence agreement"), and no word of the
    future before ("will sign", "talks are scheduled")."""
    start = max(text.rfind(mark, 0, trigger.start) for mark in ".,;:\n") + 1
    return (
        FUTURE_RE.search(text, start, trigger.start) is None
        and re.search(r"\b[a-z]+ed\b", text[start : trigger.end]) is not None
    )


RELATIVE_AFTER = re.compile(r",\s*(?:which|who|whose)\b[^,;]*$")


# Gathering the actions into incidents.


# "the city's Shorsh neighbourhood": a part of the place just told.
PART_OF_TOLD = re.compile(
    r"\bthe\s+(?:city|town|village|province|region|capital|district)[’']s\s+$",
    re.IGNORECASE,
)


def _elsewhere(text: str, mention: PlaceMention, places: list[PlaceMention]) -> bool:
    """
    A place told of none of `places`: "Mosul" after a bomb in Kirkuk, not
    "the city's Shorsh neighbourhood" after a shooting in Erbil.
    """
    if PART_OF_TOLD.search(text, max(0, mention.start - 30), mention.start):
        return False
    if TOLD_FROM.search(text, max(0, mention.start - 40), mention.start):
        # "…, officials in Duhok said": where it was told from.
        return False
    place = mention.place
    for other in places:
        if other.place == place or detail(place) > detail(other.place):
            # The same place, or one inside the province or country told
            # ("near Hawija" after "in Kirkuk province").
            return False
        if None not in (place.lat, place.lon, other.place.lat, other.place.lon):
            apart = abs(place.lat - other.place.lat) + abs(place.lon - other.place.lon)
            if apart < 0.3:
                return False
    return bool(places)


# Who told of it, and where: "officials in Duhok said", "a doctor at the
# hospital in Erbil".
TOLD_FROM = re.compile(
    r"\b(?:officials?|authorities|sources|police|doctors?|medics?|residents|"
    r"spokes(?:man|woman|person)|governor|mayor|witnesses)\s+(?:in|from|of|at)\s+"
    r"(?:the\s+)?(?:[\w-]+\s+)?$",
    re.IGNORECASE,
)


# Casualties told as of an incident already told: "in the gunfight", "a
# fifth member of the patrol", "two other guards", or where the wounded were
# taken ("to hospital in Dohuk"), not where they were hurt.
OF_THE_TOLD = re.compile(
    r"\b(?:in|during)\s+the\s+(?!(?:village|town|city|district|area|province)\s+of\b)"
    r"|\b(?:other|another|second|third|fourth|fifth|sixth)\b|\bhospitals?\b"
    # "Two soldiers later died of their wounds in Baghdad".
    r"|\b(?:died|dies)\s+of\s+(?:their|his|her)\s+(?:wounds|injuries)\b"
    r"|\bsuccumbed\b",
    re.IGNORECASE,
)


def _incidents(actions: list[Action]) -> list[Incident]:
    """
    The actions gathered by incident: each joins the incident it tells more
    of (a casualty count, a claim, a detail, a denial, a reaction), or starts
    one of its own.
    """
    incidents: list[Incident] = []

    def latest(kinds: frozenset[str], within: int, before: Action) -> Incident | None:
        found = []
        for incident in reversed(incidents):
            if before.sentence.index - incident.last_sentence > within:
                break
            if incident.event_type in kinds:
                found.append(incident)
        # An incident of years ago ("air strikes … in 2021") is background to
        # what is reacted to now.
        current = [i for i in found if not _historical(i)]
        # "the U.S. strike" is the incident the article tells, not one it
        # names inside another's clause.
        told = [i for i in current if not i.main.nested]
        return (told or current or found or [None])[0]

    for action in _causes_first(actions):
        kind = action.event_type
        target: Incident | None = None
        if not action.trigger.verb and COUNTED.search(
            action.text, action.sentence.start, action.trigger.start
        ):
            # "after more than a hundred attacks on American forces": many
            # told as one, no incident and no one's part; only who tells of
            # them speaks.
            action.participants = [
                (m, r) for m, r in action.participants if r == Role.MENTIONED
            ]
        separate = SEPARATE.search(
            action.sentence_text[: action.trigger.start - action.sentence.start]
        )
        if separate:
            # "In a separate incident on Friday, …".
            incidents.append(Incident(action))
            continue
        if action.victims:
            target = latest(frozenset(VIOLENT | {T.ARREST}), 4, action)
            if target is not None:
                # "Hengaw named the men as …": who the victims were.
                target.main.participants += [
                    (m, Role.TARGET) for m in action.victim_mentions
                ]
                # Its own reading of the victims' names is no more to go by.
                action.participants = [
                    (m, r)
                    for m, r in action.participants
                    if m not in action.victim_mentions
                ]
                target.details.append(action)
                continue
        if action.trigger.says and kind == T.STATEMENT:
            answered = [
                i
                for i in incidents
                if any(
                    0 <= action.sentence.index - r.sentence.index <= 1
                    for r in i.reactions
                )
            ]
            own = OWN_SPOKESPERSON.search(action.sentence_text)
            if own and own.group("bare"):
                # "Ministry spokesman …" speaks for a ministry that just
                # reacted, not after a party's reaction.
                bare = re.compile(rf"\b{own.group('bare')}\b", re.IGNORECASE)
                answered = [
                    i
                    for i in answered
                    if any(
                        0 <= action.sentence.index - r.sentence.index <= 1
                        and bare.search(r.sentence_text)
                        for r in i.reactions
                    )
                ]
            if answered and own:
                # "The Metro Center … condemned both cases. '…,' the group's
                # coordinator, Rahman Gharib, said": the same reaction.
                for incident in answered:
                    incident.reactions.append(action)
                continue
            previous = incidents[-1] if incidents else None
            near = (
                previous is not None
                and action.sentence.index - previous.last_sentence <= 2
            )
            if near and (
                _same_speaker(previous.main, action)
                or _speaker_took_part(previous, action)
            ):
                # "He said the deal…" after Shamkhani's statement; "the
                # Treasury said…" after its sanctions; PJAK denying the
                # attack on it; Khamenei's words at the meeting.
                previous.details.append(action)
                continue
            if (
                previous is not None
                and previous.event_type in VIOLENT
                and fold(action.trigger.word) in BLAMING
                and action.sentence.index - previous.last_sentence <= 1
                and action.sentence.paragraph == previous.last_paragraph
                and (
                    # "…, who have hidden there since 2017": a date told of
                    # something else, after the blamed.
                    action.date is None
                    or action.date.start > action.trigger.end
                    or not _other_day(action, previous)
                )
                and (
                    not action.initiators
                    or PRONOUN_SUBJECT.fullmatch(
                        action.text,
                        action.clause.subject_start,
                        action.clause.subject_end,
                    )
                    is not None
                )
            ):
                # "A roadside bomb struck a patrol…, the police said. It
                # blamed Islamic State militants": who told of the attack
                # says who did it, in the attack's own paragraph.
                previous.reactions.append(action)
                continue
            if action.reaction:
                # A claim of no attack named is of one just told.
                within = (
                    ANSWER_WITHIN
                    if BARE_CLAIM.match(action.text, action.trigger.end)
                    else 8
                )
                targets = [
                    incident
                    for incident in reversed(incidents)
                    if incident.event_type in action.reaction
                    and action.sentence.index - incident.last_sentence <= within
                ]
                named = [i for i in targets if _names_incident(action, i)]
                both = BOTH.search(action.sentence_text)
                echoed = (
                    None
                    if both
                    else _echoed(
                        action.sentence_text, targets, action.reaction, action, within=8
                    )
                )
                unclaimed = [i for i in targets if not i.main.initiators and not both]
                if (
                    CLAIMED.search(action.sentence_text)
                    and unclaimed
                    and not named
                    and not CLAIMED_DAY.search(action.sentence_text)
                ):
                    # A claim is of an attack whose doer was not told: "three
                    # rockets were fired …. The HPG said its fighters had
                    # carried out the attack".
                    targets = unclaimed[:1]
                else:
                    targets = (named or ([echoed] if echoed else []) or targets)[
                        : 2 if both else 1
                    ]
                if targets:
                    for incident in targets:
                        if CLAIMED.search(action.sentence_text):
                            # "The Islamic Resistance in Iraq claimed the
                            # attack": who claims it did it.
                            incident.main.participants += [
                                (m, Role.INITIATOR) for m in action.initiators
                            ]
                        incident.reactions.append(action)
                    continue
            if action.tells_violence:
                target = latest(frozenset(VIOLENT), 3, action)
                if target is not None and not _other_day(action, target):
                    target.details.append(action)
                    continue
            another = ANOTHER.match(
                action.text, action.clause.subject_start, action.clause.subject_end
            )
            target = latest(frozenset({T.STATEMENT}), 8, action) if another else None
            if target is not None and target.main.initiators:
                # "Another faction, Harakat al-Nujaba, said it would continue":
                # one more voice on what the statement before announced.
                target.reactions.append(action)
                continue
            target = _answered(incidents, action)
            if target is None and INQUIRY_WORDS.search(_statement_words(action)):
                # "UNAMA called for an independent inquiry", "a committee had
                # been formed to investigate": about what was just told.
                target = _inquired_into(latest, action)
            if target is not None:
                # "The CPJ called for their release", "Turnout was 72
                # percent, the commission's chairman said": words about the
                # incident just told are its reaction, not news of their own.
                target.reactions.append(action)
                continue
            if fold(action.trigger.word) in STANDING and not _of_a_day(action):
                # "Kuwait says the 2012 agreement has been registered with the
                # United Nations": a position held, not something that
                # happened.
                continue
            if (
                previous is not None
                and action.sentence.index - previous.last_sentence <= 1
                and not action.participants
                and previous.event_type != T.STATEMENT
                and not re.search(r"[“\"]", action.sentence_text)
            ):
                # "The families … had been screened …, a security official
                # said": more of the incident just told, from no one named,
                # in the reporter's words (a quotation is someone's view).
                previous.details.append(action)
                continue
            if (
                previous is not None
                and previous.event_type != T.STATEMENT
                and action.sentence.index - previous.last_sentence <= 2
                and _attributed_after(action)
            ):
                # "The four suspects … were handed to a court in Ramadi, the
                # Interior Ministry said": the incident's, in someone's mouth.
                previous.reactions.append(action)
                continue
            remarked = (
                latest(ALL_TYPES - {T.STATEMENT}, 3, action)
                if REMARK_TO_PRESS.match(action.sentence_text)
                else None
            )
            if remarked is not None:
                # "“This is a new page in relations,” al-Karbouli told
                # reporters at the crossing": a remark on the incident just
                # told, not news of its own.
                remarked.reactions.append(action)
                continue
            if _aside_statement(action):
                continue
            incidents.append(Incident(action))
            continue
        if kind == T.OTHER and INQUIRY.match(action.trigger.word):
            # "ordered an investigation into the attack": about the attack.
            object_text = action.sentence_text[
                action.trigger.end - action.sentence.start :
            ]
            kinds = frozenset(
                k
                for kinds, pattern in ANAPHORS
                if pattern.search(object_text)
                for k in kinds
            )
            target = latest(kinds, 8, action) if kinds else None
            echoed = _echoed(object_text, incidents, kinds, action, within=8)
            target = echoed or target
            if target is None and INQUIRY_WORDS.search(action.sentence_text):
                # "The governor said he had ordered an inquiry": into what
                # was just told.
                target = _inquired_into(latest, action)
            if target is not None:
                target.reactions.append(action)
                continue
        if action.trigger.kind == CASUALTY and not action.initiators:
            target = latest(frozenset(VIOLENT), 3, action)
            if (
                target is not None
                and not action.anaphor
                and action.places
                and not OF_THE_TOLD.search(action.sentence_text)
                and all(
                    _elsewhere(
                        action.text, p, [q for a in target.actions for q in a.places]
                    )
                    for p in action.places
                )
            ):
                # "Two shepherds were killed by a landmine near Dohuk" after a
                # clash in Sinjar: dead at a place of their own, far from the
                # clash's, and not said to be of it, are another incident's.
                target = None
            if target is not None:
                target.details.append(action)
                continue
        if action.anaphor:
            target = latest(action.anaphor | frozenset({kind}), 8, action)
            if (
                target is not None
                and kind == T.OTHER
                and action.trigger.verb
                and action.date is not None
                and not action.told_on
                and (target.main.date is None or _other_day(action, target))
            ):
                # "The appeals court upheld the sentence in March" after the
                # hanging: a decision of its own month, not more of the
                # hanging.
                target = None
            if target is not None and (
                kind in VIOLENT
                and target.event_type in VIOLENT
                or kind == target.event_type
                or action.trigger.strength <= NOUN
            ):
                target.details.append(action)
                continue
        if action.reported and kind in VIOLENT:
            target = latest(frozenset(VIOLENT), 4, action)
            if target is not None and _compatible(target.main, action):
                target.details.append(action)
                continue
        if (
            kind in VIOLENT
            and action.trigger.verb
            and not action.trigger.says
            and action.date is None
            and not action.participants
            and incidents
            and incidents[-1].event_type in VIOLENT
            and action.sentence.index - incidents[-1].last_sentence <= 1
            and _same_weapon(action, incidents[-1])
        ):
            # "Rockets struck Ain al-Asad air base …. At least five rockets
            # were fired from a truck near al-Baghdadi": how the attack just
            # told was made, by no one named and on no day of its own.
            incidents[-1].details.append(action)
            continue
        if (
            kind in VIOLENT
            and action.trigger.verb
            and not action.trigger.says
            and action.date is None
            and not action.initiators
            and any(
                m.kind == PERSON and r == Role.TARGET for m, r in action.participants
            )
            and all(r in (Role.TARGET, Role.MENTIONED) for _, r in action.participants)
            and incidents
            and incidents[-1].event_type in VIOLENT
            and action.sentence.index - incidents[-1].last_sentence == 1
            and not any(r == Role.TARGET for _, r in incidents[-1].main.participants)
            # "… was kidnapped in Mosul" after a bomb in Kirkuk: a victim at a
            # place of his own is another incident's.
            and not any(
                _elsewhere(action.text, p, incidents[-1].main.places)
                for p in action.places
            )
        ):
            # "Gunmen shot dead an activist in Erbil on Sunday. Kamal Rasul,
            # 38, was hit by six bullets…": the victim of the attack just
            # told, by name.
            incidents[-1].details.append(action)
            continue
        if (
            kind == T.ARREST
            and action.trigger.verb
            and not action.trigger.says
            and action.date is None
            and not action.initiators
            and PASSIVE_BEFORE.search(
                action.text[action.sentence.start : action.trigger.start]
            )
            and any(
                m.kind == PERSON and r == Role.TARGET for m, r in action.participants
            )
            and incidents
            and incidents[-1].event_type == T.ARREST
            and action.sentence.index - incidents[-1].last_sentence == 1
            and not any(
                m.kind == PERSON and r == Role.TARGET
                for m, r in incidents[-1].main.participants
            )
            and not any(
                _elsewhere(action.text, p, incidents[-1].main.places)
                for p in action.places
            )
        ):
            # "Investigators arrested the manager of a bank branch on
            # Tuesday. The manager, Hassan Kadhim, was detained at his
            # office": the one held in the arrest just told, by name.
            incidents[-1].details.append(action)
            continue
        # "Police fired tear gas to disperse them and detained 11 people":
        # those held where a crowd was broken up, in the protest just told.
        dispersed = kind == T.ARREST and DISPERSED.search(action.sentence_text)
        if (kind in (T.PROTEST, T.RIOT) or dispersed) and action.date is None:
            # "Protesters chanted slogans…" after the march: the same protest.
            target = latest(
                frozenset({T.PROTEST, T.RIOT} if dispersed else {kind}), 2, action
            )
            if target is not None and all(
                # "Police fired tear gas to disperse the crowd, which had set
                # fire to tyres": a force that intervenes, in the same riot.
                m.kind == Actor.Kind.SECURITY_FORCE
                for m in action.initiators
            ):
                target.details.append(action)
                continue
        if (action.date is None or action.told_on) and SAME_TIME.match(
            action.sentence_text,
            action.trigger.end - action.sentence.start,
            action.scope_end - action.sentence.start,
        ):
            # "…ordered the release of 17 people arrested during the night":
            # what happened in the incident just told, of which whoever is
            # named in it speaks.
            target = latest(ALL_TYPES, 2, action)
            if target is not None:
                action.participants = [(m, Role.INITIATOR) for m in action.mentions]
                target.reactions.append(action)
                continue
        if (
            kind == T.AGREEMENT
            and action.trigger.verb
            and action.date is None
            and SIGNED_FOR.match(action.text, action.trigger.end)
        ):
            # "Electricity Minister Ziad Fadel signed for Iraq and the
            # chairman for the company": who signed the agreement just told.
            target = latest(frozenset({T.AGREEMENT}), 2, action)
            if target is not None:
                target.details.append(action)
                continue
        if (
            kind == T.ARREST
            and action.reported
            and action.date is None
            and incidents
            and incidents[-1].event_type in (T.PROTEST, T.RIOT)
            and action.sentence.index - incidents[-1].last_sentence == 1
            and DISPERSED.search(incidents[-1].main.sentence_text)
        ):
            # "Police dispersed the protesters late on Monday. The Interior
            # Ministry said 27 people had been detained": those held when
            # the protest just told was broken up.
            incidents[-1].details.append(action)
            continue
        if action.reported and action.date is None:
            # "The Asayish said Karim had been arrested on a court warrant",
            # "IRNA denied that he had been detained": words about the arrest
            # just told, by who says them; of two, the one whose actors the
            # words name ("denied that the detained were members of the
            # party", Komala's).
            target = _sharing_actors(
                action, [i for i in incidents if i.event_type == kind][-2:]
            ) or latest(frozenset({kind}), 2, action)
            if target is not None:
                target.reactions.append(action)
                continue
        incidents.append(Incident(action))
    return incidents


def _inquired_into(
    latest: Callable[[frozenset[str], int, Action], Incident | None], action: Action
) -> Incident | None:
    """
    What an inquiry told with no object is into: the violence, arrest or
    death told just before, else whatever else was, but not a statement.
    """
    return latest(
        frozenset(VIOLENT | {T.ARREST, T.DEATH}), ANSWER_WITHIN, action
    ) or latest(ALL_TYPES - {T.STATEMENT}, ANSWER_WITHIN, action)


WEAPONS = re.compile(
    r"\b(rocket|missile|drone|shell|mortar|bomb|jet|warplane)s?\b", re.IGNORECASE
)
OTHER_ONE = re.compile(r"\b(?:another|second|separate|separately|also)\b", re.I)


def _same_weapon(action: Action, incident: Incident) -> bool:
    """Whether an action's sentence tells how the incident was made: the
    same weapon, passive, and no other one ("At least five rockets were fired
    from a truck" after "Rockets struck the base"; not "Another drone hit")."""
    before = action.text[action.sentence.start : action.trigger.start]
    used = {w.casefold() for w in WEAPONS.findall(before)}
    told = {
        w.casefold() for a in incident.actions for w in WEAPONS.findall(a.sentence_text)
    }
    return (
        bool(used & told)
        and PASSIVE_BEFORE.search(before) is not None
        and not OTHER_ONE.search(before)
    )


def _causes_first(actions: list[Action]) -> list[Action]:
    """
    The actions in the order they join incidents: as told, except that a
    casualty count told before its cause in the same sentence ("Two men were
    killed when a drone hit their car") comes after it, so that it joins
    the strike rather than starting an incident of its own.
    """
    ordered = list(actions)
    for action in actions:
        if action.trigger.kind != CASUALTY or action.initiators:
            continue
        at = next(i for i, a in enumerate(ordered) if a is action)
        cause = next(
            (
                i
                for i in range(at + 1, len(ordered))
                if ordered[i].sentence is action.sentence
                and ordered[i].trigger.kind != CASUALTY
                and ordered[i].event_type in VIOLENT
            ),
            None,
        )
        # Joined as its cause ("… when a drone hit"), not a clause of its own
        # ("…, while in Sinjar a drone struck").
        if cause is not None and CAUSE_JOIN.fullmatch(
            action.text, action.trigger.end, ordered[cause].trigger.start
        ):
            ordered.insert(cause, ordered.pop(at))
    return ordered


CAUSE_JOIN = re.compile(
    r"[^;.]*?\b(?:when|as|after)\s+(?:an?|the|two|three|\d+)?\s*[^,;.]*", re.IGNORECASE
)


def _sharing_actors(action: Action, incidents: list[Incident]) -> Incident | None:
    """The only one of the incidents whose actors the action's words name."""
    named = {_key(m) for m in action.mentions}
    sharing = [
        incident
        for incident in incidents
        if action.sentence.index - incident.last_sentence <= 3
        and named & {_key(m) for a in incident.actions for m, _ in a.participants}
    ]
    return sharing[0] if len(sharing) == 1 else None


def _summaries_apart(incidents: list[Incident]) -> list[Incident]:
    """
    Without the clauses that sum up an incident a later paragraph tells in
    full ("…, and U.S. aircraft hit a Kataib Hezbollah weapons depot hours
    later", then "U.S. forces struck a depot used by Kataib Hezbollah…"):
    the same kind of action by the same doers on the same targets, on no
    other day, is one incident, proposed where it is told in full; what
    reacts to the summary reacts to it.
    """

    def sides(incident: Incident, role: str) -> frozenset:
        return frozenset(
            _key(m) for a in incident.actions for m, r in a.participants if r == role
        )

    kept: list[Incident] = []
    for position, incident in enumerate(incidents):
        doers, targets = sides(incident, Role.INITIATOR), sides(incident, Role.TARGET)
        fuller = next(
            (
                later
                for later in incidents[position + 1 :]
                if doers
                and targets
                and later.event_type == incident.event_type
                and later.main.sentence.paragraph > incident.main.sentence.paragraph
                and sides(later, Role.INITIATOR) == doers
                and sides(later, Role.TARGET) == targets
                and not SEPARATE.search(later.main.sentence_text)
                and (
                    later.main.date is None
                    or incident.main.date is None
                    or later.main.date.value == incident.main.date.value
                )
            ),
            None,
        )
        if fuller is None:
            kept.append(incident)
        else:
            fuller.reactions[:0] = incident.reactions
    return kept


# "signed for Iraq", "signed on behalf of the company": who signed; a
# party by its name or as "the company", not what is signed for ("signed
# for a loan", "signed for the purchase of turbines").
SIGNED_FOR = re.compile(
    r"\s+(?:for|on\s+behalf\s+of)\s+(?:(?-i:[A-Z])|(?:the|its|their)\s+"
    r"(?:[\w-]+\s+)?(?:company|firm|government|ministry|side|state|country|"
    r"region|bank|group|consortium|party|parties)\b)",
    re.IGNORECASE,
)
DISPERSED = re.compile(r"\b(?:disperse[sd]?|broke up)\b", re.IGNORECASE)
INQUIRY = re.compile(r"(?:launched|ordered|opened)\b", re.IGNORECASE)
# Words of an inquiry that name nothing it is into: what it answers is told
# before it. "An investigation into the university's diplomas" is into
# something else.
INQUIRY_WORDS = re.compile(
    r"\b(?:(?:inquiry|inquest|investigation|probe)\b(?!\s+(?:into|of|over|on)\b)|"
    r"investigate(?=\s*(?:[.,;]|$)))",
    re.IGNORECASE,
)
# Statements that are news themselves: a decision, an accusation, a threat.
NEWS_STATEMENT = re.compile(
    r"(?:announc|declar|accus|threat|warn|vow|pledg)", re.IGNORECASE
)
# How many sentences after an incident a statement may still answer it: one
# that names its actors, one that only points back to it.
SHARED_WITHIN = 8
ANSWER_WITHIN = 3
# A statement answers one of the last incidents told, not one further back.
ANSWER_INCIDENTS = 2


# Words of saying in the present: a position held, not news of a day.
STANDING = words("says insists maintains argues believes contends")
# Words that only report ("said"), unlike "announced" or "warned".
PLAIN_SAYING = (SAYING - {"announced"}) | words("added reported")
# "He said…", "They blamed…": more of someone's words already told.
# "She said", "Her ministry said": more of what someone already said.
PRONOUN_SUBJECT = re.compile(
    r"\s*(?:he|she|they|(?:his|her)\s+(?:ministry|office))\s*$", re.IGNORECASE
)
# "Al-Sudani has said that Iraq will not interfere": a position held.
PERFECT_BEFORE = re.compile(r"\b(?:has|have)\s+(?:[a-z]+ly\s+)?$")


# A quotation that opens its sentence, then who said it to the press.
REMARK_TO_PRESS = re.compile(
    r"\s*[“\"][^“”\"]+[”\"]\s*,?\s*(?:[^,.;“”\"]+?|[^,.;“”\"]+?,[^,.;“”\"]+?,)\s+"
    r"told\s+(?:reporters|journalists|the\s+press|a\s+news\s+conference)\b"
)


def _attributed_after(action: Action) -> bool:
    """
    Words told with a plain attribution after them ("…, the ministry said"),
    not quoted (a quotation is someone's view, and may be news).
    """
    return (
        action.clause.speaker is not None
        and fold(action.trigger.word) in PLAIN_SAYING
        and not re.search(r"[“\"]", action.sentence_text)
    )


def _aside_statement(action: Action) -> bool:
    """
    Words that are no news of their own: a statement whose speaker is a
    pronoun (more of what someone already said), and one in the perfect
    with no day ("has urged"): a position held.
    """
    clause, text = action.clause, action.text
    if PRONOUN_SUBJECT.fullmatch(text, clause.subject_start, clause.subject_end):
        return True
    return PERFECT_BEFORE.search(
        text, action.sentence.start, action.trigger.start
    ) is not None and not _of_a_day(action)


def _of_a_day(action: Action) -> bool:
    """Whether the action's own date is a day or a week, not a longer period."""
    return action.date is not None and action.date.precision in (
        DatePrecision.DAY.value,
        DatePrecision.WEEK.value,
    )


HELD_BY = re.compile(
    r"\b(?:is|was|are|were|being)\s+held\s+by\s+(?:the\s+)?$", re.IGNORECASE
)
ANOTHER = re.compile(r"\s*Another\s+[a-z]+\b")


def _answered(incidents: list[Incident], statement: Action) -> Incident | None:
    """
    The incident a named speaker's statement answers, when it is not news
    of its own: of the last two told before, the one it shares most actors
    with, the latest if several; else the latest just before that its words
    point back to.
    """
    word = fold(statement.trigger.word.split()[0])
    if NEWS_STATEMENT.match(word) or word in ACCUSING or not statement.initiators:
        return None
    near = [
        incident
        for incident in reversed(incidents)
        if incident.event_type != T.STATEMENT
        and 0 <= statement.sentence.index - incident.last_sentence <= SHARED_WITHIN
    ][:ANSWER_INCIDENTS]
    named = {_key(m) for m in statement.mentions}

    def shared(incident: Incident) -> int:
        # Who the incident's own sentences and the reactions to it name:
        # "UNHCR's representative told reporters…" after the centre said the
        # returns were organised with UNHCR.
        told = [
            m for a in [*incident.actions, *incident.reactions] for m in a.mentions
        ] + [m for a in incident.actions for m, _ in a.participants]
        return len(named & {_key(m) for m in told})

    # "…said the men had been fishing on the Iraqi side": the people an
    # arrest or attack told just before, whoever else the words name.
    people_back = PEOPLE_BACK.search(_statement_words(statement)) is not None
    people = [
        incident
        for incident in near
        if people_back
        and incident.event_type in VIOLENT | {T.ARREST}
        and _spoken_after(statement, incident)
    ]
    if len(people) == 1 and statement.sentence.index - people[0].last_sentence <= 1:
        return people[0]
    best = max(near, key=shared, default=None)
    if best is not None and shared(best):
        return best
    answerable = [
        incident
        for incident in near
        if statement.sentence.index - incident.last_sentence <= ANSWER_WITHIN
        and _spoken_after(statement, incident)
    ]
    # "…said the fees had been set by the cabinet" after drivers protested
    # "against new customs fees": the incident whose own noun it repeats,
    # before one a pronoun could point to.
    if word in DENYING:
        # "…denied that anyone had crossed from the Iraqi side": a denial
        # answers what was just told.
        return answerable[0] if answerable else None
    return next(
        (i for i in answerable if _repeats_noun(statement, i)),
        next((i for i in answerable if _points_back(statement, i)), None),
    )


DENYING = words("denied denies")
# Words that name who did what was just told, without showing it.
BLAMING = words("blamed blames")


def _statement_words(statement: Action) -> str:
    text = statement.text
    if statement.clause.content_end is not None:
        return text[statement.sentence.start : statement.clause.content_end]
    return text[statement.trigger.end : statement.scope_end]


def _repeats_noun(statement: Action, incident: Incident) -> bool:
    """Whether a statement names with "the" a noun the incident's sentences
    used ("the fees" after "new customs fees")."""
    told = {
        w.casefold()
        for a in incident.actions
        for w in re.findall(r"\w+", a.sentence_text)
    }
    # "the cuts" after "cut water supplies": the noun, or its singular.
    nouns = [m.group(1) for m in DEFINITE_NOUN.finditer(_statement_words(statement))]
    return any(
        (noun in told or noun.removesuffix("s") in told) and noun not in COMMON_WORDS
        for noun in nouns
    )


def _spoken_after(statement: Action, incident: Incident) -> bool:
    """
    Whether a statement is dated as a reaction to an incident is: undated, or
    on the incident's day or in the days after it ("said on Monday that the
    killers would be found" after Sunday's clash), never before it.
    """
    said = statement.date
    happened = next((a.date for a in incident.actions if a.date is not None), None)
    if said is None or happened is None:
        # An undated incident is the article's day or before it.
        return True
    if DatePrecision.DAY.value not in (
        said.precision,
        happened.precision,
    ):
        return False
    week = (said.precision, happened.precision) == (
        DatePrecision.DAY.value,
        DatePrecision.WEEK.value,
    )
    if said.precision != happened.precision and not week:
        return False
    try:
        gap = (
            datetime.date.fromisoformat(said.value)
            - datetime.date.fromisoformat(happened.value)
        ).days
    except ValueError:
        return False
    # Said on a day of the week it happened in, or in the days after it.
    return 0 <= gap <= REACTION_DAYS + (6 if week else 0)


# A reaction is told within days of what it answers.
REACTION_DAYS = 3


# "their release", "the families": words for what was told before.
BACK_PRONOUN = re.compile(r"\b(?:their|them|his|her|she|he)\b", re.IGNORECASE)
DEFINITE_NOUN = re.compile(r"\b[Tt]he\s+(?:\d+\s+)?([a-z]{4,})\b")


def _points_back(statement: Action, incident: Incident) -> bool:
    """
    Whether a statement's words point back to an incident: a pronoun not
    its speaker's ("called for their release"), or "the" and a noun the
    incident's sentences used ("handed the families over" after
    "repatriated 187 families").
    """
    words_ = _statement_words(statement)
    if BACK_PRONOUN.search(words_) or any(
        incident.event_type in kinds and pattern.search(words_)
        for kinds, pattern in ANAPHORS
    ):
        return True
    told = {
        w.casefold()
        for a in incident.actions
        for w in re.findall(r"\w+", a.sentence_text)
    }
    if any(m.group(1) in told for m in DEFINITE_NOUN.finditer(words_)):
        return True
    # "the killers would be found" after "were killed": a word of the stem
    # of what the incident's sentences say happened.
    stems = {
        w[:STEM]
        for a in incident.actions
        for w in re.findall(r"[a-z]+", a.trigger.word.casefold())
        if len(w) > STEM
    }
    return any(
        w[:STEM] in stems
        for w in re.findall(r"[a-z]+", words_)
        if len(w) > STEM and w not in COMMON_WORDS
    )


# The letters two words share when they are taken for one ("killers",
# "killed").
STEM = 5


# "Monday's", of an attack told by its day.
_DAY_OF = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day[’']s"
CLAIMED_DAY = re.compile(rf"\b{_DAY_OF}\b", re.IGNORECASE)
CLAIMED = re.compile(
    rf"\bclaimed (?:responsibility for )?(?:the|both|this|these|{_DAY_OF})(?!\w)"
    # "claimed responsibility in a message on Telegram": for the attack told.
    r"|\bclaimed responsibility\b(?!\s+for\b)"
    # "said its fighters had carried out the attack".
    r"|\b(?:its|their) (?:fighters|members|forces|units|militants) had carried out "
    r"(?:the|both|this|these) (?:attacks?|strikes?|bombings?|ambush)\b",
    re.IGNORECASE,
)


# Words too common to tell one incident from another.
COMMON_WORDS = words(
    "that this with from into their there which were have been said says also "
    "after before over under about against during since"
)


def _echoed(
    words_: str,
    incidents: list[Incident],
    kinds: frozenset[str],
    action: Action,
    *,
    within: int,
) -> Incident | None:
    """
    Of the incidents of those kinds told before, the one whose sentences
    share most words with these ("an investigation into the attack on the
    army post" after "militants attacked an Iraqi army post"), the latest
    of equals; None if none shares any.
    """

    def content(text: str) -> set[str]:
        return {
            w
            for w in re.findall(r"[a-z]{4,}", text.casefold())
            if w not in COMMON_WORDS
        }

    said = content(words_)
    best, best_count = None, 0
    for incident in reversed(incidents):
        if action.sentence.index - incident.last_sentence > within:
            break
        if incident.event_type not in kinds or incident.main is action:
            continue
        told = set()
        for a in incident.actions:
            told |= content(a.sentence_text)
        count = len(said & told)
        if count > best_count:
            best, best_count = incident, count
    return best


def _other_day(statement: Action, incident: Incident) -> bool:
    """Whether words date what they tell to another day than the incident's:
    "claimed Monday's attack" after Wednesday's strike."""
    ours, theirs = statement.date, incident.main.date
    return ours is not None and theirs is not None and ours.value != theirs.value


def _names_incident(action: Action, incident: Incident) -> bool:
    """Whether a reaction names the incident's place: "the attack on Ain al-Asad"."""
    words_ = fold(action.sentence_text)
    names = {
        fold(p.text)
        for a in incident.actions
        for p in a.places
        if p.sentence == a.sentence.index
    }
    return any(name and name in words_ for name in names)


def _historical(incident: Incident) -> bool:
    date = incident.main.date
    return date is not None and date.precision == DatePrecision.YEAR.value


def _speaker_took_part(incident: Incident, statement: Action) -> bool:
    """Whether who speaks took part in the incident just told."""
    speakers = {_key(m) for m in statement.initiators}
    taking_part = {
        _key(m)
        for action in incident.actions
        for m, role in action.participants
        if role != Role.MENTIONED
    }
    return bool(speakers & taking_part)


def _key(mention: ActorMention) -> tuple:
    return (mention.actor_id, mention.name if mention.actor_id is None else None)


def _same_speaker(first: Action, second: Action) -> bool:
    ours = {_key(m) for m in first.initiators}
    theirs = {_key(m) for m in second.initiators}
    return bool(ours) and ours == theirs


def _compatible(incident: Action, claim: Action) -> bool:
    """
    A claim of an attack names no other attacker than the incident's, or
    names the attacker an incident told without one ("Iranian artillery
    shelled…", then "the IRGC said its forces had targeted…").
    """
    theirs = {_key(m) for m in claim.initiators}
    ours = {_key(m) for m in incident.initiators if not _armed_forces(m)}
    return not theirs or not ours or bool(theirs & ours)


# Writing the proposals.


def _proposals(
    text: str,
    incident: Incident,
    *,
    sentences: list[Sentence],
    dates: list[DateMention],
    published: datetime.date | None,
    earlier_places: list[tuple[Action, PlaceMention]],
    named_places: list[PlaceMention],
    article_country: str,
    told: list[Incident],
) -> list[dict]:
    main = incident.main
    participants = [
        p
        for action in incident.actions
        if action is main
        or action.event_type == main.event_type
        or not action.trigger.says
        for p in action.participants
    ]
    participants = [
        (m, r)
        for m, r in participants
        if r != Role.MENTIONED
        or m.sentence == main.sentence.index
        or _attributed(text, m)
        # "…, the party said in a statement, which blamed Iran's
        # Revolutionary Guards": accused of the incident by others.
        or BLAMED_BEFORE.search(text, 0, m.start) is not None
    ]
    # Who speaks of the incident (condemns it, claims it, reports it) is
    # mentioned in it.
    participants = _dedupe(
        participants
        + [
            (m, Role.MENTIONED)
            for action in [*incident.details, *incident.reactions]
            if action.trigger.says or action in incident.reactions
            for m, r in action.participants
            if (
                r == Role.INITIATOR
                # "The United States condemned the strike, State Department
                # spokesman Matthew Miller said": who tells of the reaction.
                or r == Role.MENTIONED
                and action in incident.reactions
                and _attributed(text, m)
                # "Washington has blamed the Islamic Resistance in Iraq for
                # the attack": accused by others, not shown to do it.
                or r == Role.TARGET
                and action in incident.reactions
                and fold(action.trigger.word.split()[0]) in ACCUSING
                and ACCUSING_BEFORE.search(text, action.trigger.start, m.start)
                # "Israel has said she is held by Kataib Hezbollah": named
                # by others as the doer.
                or action in incident.reactions
                and HELD_BY.search(text, action.trigger.end, m.start) is not None
            )
            and not is_media(text, m)
        ]
    )
    participants = _office_holders(text, incident, told, participants)
    participants = _named_forces_win(participants)
    participants = _named_signatories_win(text, incident, participants)
    participants = _partners(text, incident, participants)
    participants = _delegations(text, incident, participants)
    if main.event_type in (T.PROTEST, T.RIOT):
        # "Riot police fired tear gas to disperse the crowd": a force that
        # intervenes takes part, whoever fired at whom; one the crowd
        # protests against ("chanted slogans against the Guards") is its
        # target.
        participants = _dedupe(
            [
                (m, Role.PARTICIPANT)
                if m.kind == Actor.Kind.SECURITY_FORCE
                and r in (Role.INITIATOR, Role.TARGET)
                and not (r == Role.TARGET and _protested_against(text, m))
                else (m, r)
                for m, r in participants
            ]
        )
    speaker = _definite_speaker(text, main, told)
    if speaker is not None:
        # "…, the group said" after "the rights group Hengaw said".
        participants = _dedupe(participants + [(speaker, Role.MENTIONED)])
    named = DEFINITE_OBJECT.match(text, main.trigger.end, main.scope_end)
    if named and Role.TARGET not in {r for _, r in participants}:
        # "Baghdad banned the group" after the PKK was named: the group.
        target = _last_named(text, named.group(1), told, before=main.sentence.start)
        if target is not None:
            participants = _dedupe(participants + [(target, Role.TARGET)])
    # The incident's date, not the day someone spoke of it.
    dated = [
        a
        for a in incident.actions
        if a.date is not None and (a is main or not a.trigger.says)
    ]
    date = next(
        (a.date for a in sorted(dated, key=lambda a: a.told_on)),
        None,
    )
    if date is None:
        date = next(
            (
                a.kind_dates[main.event_type]
                for a in [*incident.actions, *incident.reactions]
                if main.event_type in a.kind_dates
            ),
            None,
        )
    sidelines = (
        SIDELINES.search(text, main.sentence.start, main.trigger.start)
        if date is None
        else None
    )
    if sidelines is not None:
        # "On the sidelines of the summit in Riyadh on Friday, … signed": the
        # day told beside the gathering is the signing's.
        date = next(
            (
                d
                for d in dates
                if d.sentence == main.sentence.index
                and sidelines.start() <= d.start < main.trigger.start
            ),
            None,
        )
    offset = _offset_date(text, main, dates, told, sentences) if date is None else None
    continued = (
        _continued(text, main, told) if date is None and offset is None else None
    )
    if offset is not None:
        # "The talks came a week after Turkish security forces detained…":
        # the week before the talks.
        when = offset
    elif continued is not None:
        # "Erdogan then flew to Erbil", "detained two journalists covering
        # the march": the day of the incident it continues.
        when = continued.when
    else:
        when = (
            _date(date)
            if date is not None
            else _fallback_date(text, main, dates, sentences, published)
        )
    earlier = (
        TOLD_EARLIER.search(text, main.trigger.end, main.scope_end)
        if date is not None
        and main.told_on
        and when
        and when.get("precision") == DatePrecision.DAY.value
        else None
    )
    if earlier is not None and CLAUSE_OF_ITS_OWN.search(
        text, main.trigger.end, earlier.start()
    ):
        # "arrested a man who had bought the weapon two days before": the
        # days count back from another verb's time.
        earlier = None
    if earlier is not None:
        # "The army said on Wednesday that it had killed five militants a
        # day earlier": the day before it was told.
        days = number(earlier.group("count")) if earlier.group("count") else 1
        try:
            day = datetime.date.fromisoformat(when["value"]) - datetime.timedelta(
                days=days
            )
        except ValueError:
            day = None
        if day is not None:
            when = {**when, "value": day.isoformat(), "text": earlier.group(0)}
    if (
        when
        and when.get("precision") == DatePrecision.DAY.value
        and main.event_type in (T.PROTEST, T.RIOT)
        and LASTING.search(text, main.sentence.start, main.scope_end)
    ):
        # "Her death sparked months of protests": they began that month.
        when = {**when, "value": when["value"][:7], "precision": "month"}
    incident.when = when
    fatalities = next((a.fatalities for a in incident.actions if a.fatalities), None)
    places = [(p, a) for a in incident.actions for p in _locative(text, a)]
    if main.event_type in VIOLENT:
        # "The bomb went off as the patrol was searching farmland near the
        # town of Daquq, the ministry said": where the attack was, in words
        # told of it.
        places += [
            (p, a)
            for a in incident.reactions
            if THE_ATTACK_OPENS.match(a.sentence_text)
            for p in _locative(text, a)
            if p.place.kind in (Location.Kind.CITY, Location.Kind.SITE)
        ]
    citations = [
        _citation(text, a.sentence, "event" if a is main else "detail")
        for a in incident.actions
    ] + [_citation(text, a.sentence, "reaction") for a in incident.reactions]
    citations = list({c["start"]: c for c in citations}.values())
    towns = _split_towns(text, places)
    if main.event_type in VIOLENT | {T.PROTEST, T.ARREST} and len(towns) >= 2:
        earlier_places.extend((main, town) for town in towns)
        return [
            _proposal(
                text,
                incident,
                _unnamed(
                    text,
                    incident,
                    _for_town(text, town, incident, participants, places),
                    town.place.country or article_country or DEFAULT_COUNTRY,
                ),
                when,
                town,
                fatalities if index == 0 else None,
                citations,
            )
            for index, town in enumerate(towns)
        ]
    place = _best_place(text, main, places)
    if place is None and continued is not None:
        # "…covering the march": where the march was.
        place = next((p for a, p in earlier_places if a is continued.main), None)
    site = SITE_OF.search(text, main.sentence.start, main.sentence.end)
    # "in the city": talks there are placed below, not by an earlier visit.
    the_city = SAME_CITY.search(text, main.sentence.start, main.scope_end)
    if place is None and site is not None:
        # "detained two men near the site of the strike": near its place.
        earlier = next(
            (p for a, p in reversed(earlier_places) if a.event_type in VIOLENT), None
        )
        if earlier is not None:
            place = replace(
                earlier, place=replace(earlier.place, near=earlier.place.name)
            )
    elif (
        main.event_type in DIPLOMATIC
        and (
            place is None
            or place.place.kind == Location.Kind.COUNTRY
            or not LOCATIVE_PLACE.search(text, main.sentence.start, main.scope_end)
        )
        and SIDELINES.search(text, main.sentence.start, main.trigger.start)
    ):
        # "On the sidelines of the talks, … signed a memorandum … opening
        # routes from Mashhad": where the talks were.
        place = next(
            (
                p
                for a, p in reversed(earlier_places)
                if a.event_type == T.MEETING
                and main.sentence.paragraph - _last_paragraph(a, told) <= 3
            ),
            place,
        )
    elif place is None and main.event_type in DIPLOMATIC and the_city is None:
        # Talks on the same visit: "…met Raisi in Tehran", then "Barzani met…";
        # not talks "in the city", told below.
        place = next(
            (
                p
                for a, p in reversed(earlier_places)
                if a.event_type in DIPLOMATIC
                and main.sentence.paragraph - _last_paragraph(a, told) <= 3
            ),
            None,
        )
    elif (place is None or place.place.kind == Location.Kind.COUNTRY) and (
        SAME_AREA.search(text, main.sentence.start, main.scope_end)
    ):
        # "who disappeared in the same district in March 2023": the place
        # of the same kind of incident told before, else the last one told.
        areas = [
            (a, p)
            for a, p in reversed(earlier_places)
            if p.place.kind not in WIDE_PLACES
        ]
        place = next(
            (p for a, p in areas if a.event_type == main.event_type),
            next((p for _, p in areas), place),
        )
    elif (
        place is None or place.place.kind == Location.Kind.COUNTRY
    ) and the_city is not None:
        # "imposed a curfew on the city": the city of the incident before,
        # or a city a sentence since is about, its first words ("Basra
        # has seen recurring protests. In September 2018, protesters set
        # fire to … in the city"), whichever is nearer. Not any city named
        # on the way: "officials from Erbil said", "who had moved there
        # from Mosul". The sentence's own first words count, after a time
        # ("On Monday, Herat's governor met … in the city").
        named = [
            p
            for p in named_places
            if p.place.kind == Location.Kind.CITY
            and p.end <= the_city.start()
            and not sentences[p.sentence].heading
            and OPENING_TIME.fullmatch(text, sentences[p.sentence].start, p.start)
            # Not a city that says whose envoy: "Kabul's ambassador met … in
            # the capital"; its own governor meets there ("Kirkuk's governor
            # met … in the city").
            and not (
                re.match(r"[’']s\b", text[p.end : p.end + 2])
                and not CITY_OFFICE.match(text, p.end + 2)
            )
        ]
        city_before = next(
            (
                p
                for _, p in reversed(earlier_places)
                if p.place.kind == Location.Kind.CITY
            ),
            None,
        )
        nearest = max(
            [p for p in [*named, city_before] if p is not None],
            key=lambda p: p.start,
            default=None,
        )
        place = nearest or place
    if place is None or place.place.kind == Location.Kind.COUNTRY:
        site = SAME_SITE.search(text, main.sentence.start, main.scope_end)
        if site is not None:
            # "He met the head of the commission at the crossing": the
            # crossing named before.
            place = next(
                (
                    p
                    for _, p in reversed(earlier_places)
                    if site.group(1).lower() in p.text.lower()
                ),
                place,
            )
    if place is not None:
        earlier_places.append((main, place))
    participants = _same_body(text, main, participants, told)
    participants = _unnamed(
        text,
        incident,
        participants,
        place.place.country
        if place and place.place.country
        # "in Pakistan's Panjgur district": a place of no known country in
        # the state its words give it.
        else _possessor_country(text, place)
        if place and _possessor_country(text, place)
        # An article that names no place: where those who acted are from
        # ("Pakistani security forces killed six terrorists"); not for a
        # strike from afar, so often across a border.
        else article_country
        or (main.event_type != T.REMOTE_VIOLENCE and _doers_country(participants))
        or DEFAULT_COUNTRY,
    )
    if place is None:
        # "the Erbil Criminal Court … sentenced": the seat of the body that
        # acts, named in its name.
        place = _seat(main, participants)
    if place is None:
        # An event the text does not place is in its initiator's country.
        place = _initiator_country(main, participants)
    if place is None:
        # An initiator of no known country ("Kataib Hezbollah announced"):
        # the country the article's places are mostly in.
        country = country_place(article_country or DEFAULT_COUNTRY)
        if country is not None:
            place = PlaceMention(
                country.name, main.sentence.start, main.sentence.start, country, -1
            )
    return [_proposal(text, incident, participants, when, place, fatalities, citations)]


def _office_holders(
    text: str,
    incident: Incident,
    told: list[Incident],
    participants: list[tuple[ActorMention, str]],
) -> list[tuple[ActorMention, str]]:
    """
    "X's office said" is X speaking: "the Iraqi prime minister's office
    said" is the person the article last titled "Prime Minister" before it.
    """
    people = [
        m
        for i in [*told, incident]
        for a in [*i.actions, *i.reactions]
        for m in a.mentions
        if m.kind == PERSON
    ]
    changed = []
    for mention, role in participants:
        office = OFFICE_OF_TITLE.search(text, mention.start, mention.end)
        holder = None
        if office is not None:
            title = office.group(1)
            holder = max(
                (
                    p
                    for p in people
                    if p.start < mention.start
                    and re.search(
                        rf"\b{title}\s+$", text[max(0, p.start - 40) : p.start], re.I
                    )
                ),
                key=lambda p: p.start,
                default=None,
            )
        changed.append((holder or mention, role))
    return _dedupe(changed)


# "the Iraqi prime minister's office": the office of the one so titled.
OFFICE_OF_TITLE = re.compile(
    r"\b(prime minister|president)[’']s\s+(?:press\s+|media\s+)?office\b",
    re.IGNORECASE,
)


# Protests told as lasting: "months of protests", "weeks of unrest".
LASTING = re.compile(
    r"\b(?:months|weeks)\s+of\s+(?:[\w-]+\s+)?(?:protests|demonstrations|unrest)\b",
    re.IGNORECASE,
)


# An action told as following the one before: "Erdogan then flew to Erbil".
THEN = re.compile(
    r"\b(?:then|afterwards|thereafter|(?:on\s+)?(?:the|that)\s+same\s+day)\b|"
    # "Aref later received…", not "Two weeks later" nor "Years later".
    r"\b(?!(?:hours?|days?|weeks?|months?|years?|decades?)\b)[A-Za-z][\w-]*\s+later\b",
    re.IGNORECASE,
)


SAME_BODY = re.compile(
    r"\b[Tt]he\s+same\s+(court|ministry|council|group|party|commission|tribunal)\b"
)


def _same_body(
    text: str,
    main: Action,
    participants: list[tuple[ActorMention, str]],
    told: list[Incident],
) -> list[tuple[ActorMention, str]]:
    """
    "In February 2021, the same court sentenced…": the body of that kind
    that did what was told before, when no one else is named doing it.
    """
    same = SAME_BODY.search(text, main.sentence.start, main.trigger.start)
    if same is None or any(r == Role.INITIATOR for _, r in participants):
        return participants
    noun = same.group(1).casefold()
    for earlier in reversed(told):
        for mention, role in earlier.main.participants:
            if role == Role.INITIATOR and noun in mention.name.casefold():
                return [*participants, (mention, Role.INITIATOR)]
    return participants


# "… in Riyadh", "… at the crossing": a place the clause gives itself.
LOCATIVE_PLACE = re.compile(r"\b(?:[Ii]n|[Aa]t)\s+(?:the\s+)?[A-Z]")
SIDELINES = re.compile(
    r"\b(?:on|at)\s+the\s+sidelines\s+of\s+(?:the\s+)?(?:talks|meeting|summit|"
    r"visit|conference)\b",
    re.IGNORECASE,
)


def _last_paragraph(main: Action, told: list[Incident]) -> int:
    """The paragraph an incident's words end in, by its main action: "…put
    their signatures to the contract in Baghdad" two paragraphs after it."""
    incident = next((i for i in told if i.main is main), None)
    actions = incident.actions if incident is not None else [main]
    return max(a.sentence.paragraph for a in actions)


def _continued(text: str, main: Action, told: list[Incident]) -> Incident | None:
    """
    The dated incident an undated action continues: the one just before,
    when the action follows on from it ("then"), or the latest one its words
    point back to without saying before, after or where ("journalists
    covering the march", not "after the march" nor "near the site of the
    strike"), if it was told to the day or week.
    """
    dated = [
        i
        for i in reversed(told)
        if i.when is not None
        and i.when.get("text")
        and main.sentence.index - i.last_sentence <= 4
    ]
    if not dated:
        return None
    subject = text[main.sentence.start : main.trigger.start]
    if THEN.search(subject):
        # The same doer's action before, else the one just before.
        doers = {_key(m) for m, _ in main.participants if m.start < main.trigger.start}
        same = [
            i
            for i in dated
            if doers & {_key(m) for a in i.actions for m, _ in a.participants}
        ]
        return (same or dated)[0]
    clause = text[main.trigger.end : main.scope_end]
    for incident in dated:
        if incident.when["precision"] not in (DatePrecision.DAY, DatePrecision.WEEK):
            continue
        for kinds, pattern in ANAPHORS[:-1]:
            if incident.event_type not in kinds:
                continue
            found = pattern.search(clause)
            if found and not NOT_DURING.search(clause[: found.start()]):
                return incident
    return None


# Words before "the strike" that make it no time of the action: "after the
# strike", "near the site of the strike".
NOT_DURING = re.compile(
    TIME_BEFORE.pattern + r"|\b(?:site|scene)\s+of\s+$", re.IGNORECASE
)


def _attributed(text: str, mention: ActorMention) -> bool:
    """
    Whether a name is who tells of what its sentence says: "…, X said",
    "X, a war monitor, said…", "according to X".
    """
    after = text[mention.end :]
    if SOURCE_IN.search(text, max(0, mention.start - 40), mention.start):
        # "a source in the Popular Mobilisation Forces said": not the body.
        return False
    return (
        bool(
            re.search(
                r",\s*(?:the\s+|a\s+)?(?:[\w’'-]+\s+){0,3}$", text[: mention.start]
            )
            and ATTRIBUTION_AFTER.match(after)
        )
        or bool(SPEAKER_AFTER.match(after))
        or bool(
            re.search(r"\baccording to\s+(?:the\s+)?$", text[: mention.start], re.I)
        )
        # "…, said Azad Hamid, the mayor of Choman."
        or bool(SPEAKER_INVERTED.search(text, 0, mention.start))
        or (
            mention.kind == PERSON
            and PERSON_ATTRIBUTED.search(text, 0, mention.start) is not None
            and re.match(r"\s*,\s*(?:said|says|told|added)\b", after) is not None
        )
    )


SPEAKER_INVERTED = re.compile(
    r"[,”\"]\s*(?:said|says|added|told\s+[A-Z][\w’'-]*)\s+(?:the\s+)?$"
)


DEFINITE_SPEAKER = re.compile(
    r",\s*the\s+(group|organi[sz]ation|monitor|ministry|agency|movement|party)\s+"
    r"(?:said|says|added|reported)\b",
    re.IGNORECASE,
)


# An action's object named by what it is: "banned the group".
DEFINITE_OBJECT = re.compile(
    r"\s+(?:the|this|that)\s+(group|party|movement|militia|faction)\b", re.IGNORECASE
)
# The kinds of actor each such word names.
KIND_WORDS = {
    # The PKK, a party in name, is "the group" as often as "the party".
    "group": ("armed_group", "political_party"),
    "militia": ("armed_group",),
    "faction": ("armed_group",),
    "party": ("political_party",),
    "movement": ("political_party", "armed_group"),
}


def _last_named(
    text: str, noun: str, told: list[Incident], *, before: int
) -> ActorMention | None:
    """The actor "the group" points back to: the last one named before of that
    kind, or introduced with that word, in the incidents just told."""
    noun = noun.casefold()
    earlier = [
        m
        for incident in told[-2:]
        for a in incident.actions
        for m in a.mentions
        if m.end <= before
    ]
    for mention in sorted(earlier, key=lambda m: m.start, reverse=True):
        introduced = text[max(0, mention.start - 30) : mention.start].casefold()
        if (
            noun in introduced
            or noun in mention.name.casefold()
            or mention.kind in KIND_WORDS.get(noun, ())
        ):
            return mention
    return None


def _definite_speaker(
    text: str, main: Action, told: list[Incident]
) -> ActorMention | None:
    """
    Who "the group said" is: the last actor named before as a group ("the
    rights group Hengaw", "the Democratic Party of…" for "the party"), in
    its sentence or the incidents just told.
    """
    said = DEFINITE_SPEAKER.search(text, main.sentence.start, main.sentence.end)
    if said is None:
        return None
    named = [m for m in main.mentions if m.start < said.end() and said.start() < m.end]
    if named:
        # "Iraqi Minister of Water Resources … met …, the ministry said", "…,
        # his ministry said": the words already name the ministry, no earlier
        # one.
        return named[0]
    noun = said.group(1).casefold()
    earlier = [
        m for incident in told[-2:] for a in incident.actions for m in a.mentions
    ] + main.mentions
    earlier = [m for m in earlier if m.end <= said.start()]
    for mention in sorted(earlier, key=lambda m: m.start, reverse=True):
        introduced = text[max(0, mention.start - 30) : mention.start].casefold()
        if noun in introduced or noun in mention.name.casefold():
            return mention
    return None


def _armed_forces(mention: ActorMention) -> bool:
    """A state's armed forces as a whole, read from words that name no service."""
    return mention.name.endswith(ARMED_FORCES) or (
        mention.name in ARMED_FORCES_NAMES.values()
    )


def _named_forces_win(
    participants: list[tuple[ActorMention, str]],
) -> list[tuple[ActorMention, str]]:
    """
    "Iranian Armed Forces", read from "Iranian artillery", give way to the
    force of the same state the article names as the attacker: the IRGC.
    So does "the Iraqi military" that speaks of what "Iraqi army troops"
    did: the same force.
    """
    doers = [m for m, r in participants if r == Role.INITIATOR]
    speaking = [
        m
        for m, r in participants
        if r == Role.MENTIONED and _armed_forces(m) and m.actor_id is None
    ]
    provisional = [
        m for m in doers if _armed_forces(m) and m.actor_id is None
    ] + speaking
    return [
        (m, r)
        for m, r in participants
        if m not in provisional
        or not any(
            other is not m
            and other.kind == m.kind
            and (other.country or known_countries().get(other.actor_id or 0, ""))
            == m.country
            # The military that speaks is one of its services, not the police.
            and (m not in speaking or other.name.endswith(SERVICE_ENDINGS))
            for other in doers
        )
    ]


# The names of a state's armed services: "Iraqi Army", "Pakistan Air Force".
SERVICE_ENDINGS = (" Army", " Air Force", " Navy")


# What a partner in an operation did: "had been organised with UNHCR",
# "had handed the families over to Iraqi authorities".
PARTNER_WORDS = re.compile(
    r"\b(?:organi[sz]ed|co-?ordinated|arranged|handed\s+(?:[\w-]+\s+){0,3}?over)\b",
    re.IGNORECASE,
)


def _partners(
    text: str, incident: Incident, participants: list[tuple[ActorMention, str]]
) -> list[tuple[ActorMention, str]]:
    """
    Who says they organised or handed over what the incident tells ("the
    centre said the returns had been organised with the U.N. refugee agency,
    UNHCR") took part in it, and so did those they did it with.
    """
    if incident.event_type != T.OTHER:
        return participants
    partners: list[ActorMention] = []
    for action in [*incident.details, *incident.reactions]:
        if not action.trigger.says:
            continue
        end = action.clause.content_end or action.scope_end
        words_ = PARTNER_WORDS.search(text, action.trigger.end, end)
        if words_ is None:
            continue
        partners += action.initiators
        with_ = re.compile(r"\bwith\s+(?:the\s+)?[^;]*$")
        partners += [
            m
            for m in action.mentions
            if words_.end() <= m.start < end
            and with_.search(text, words_.end(), m.start)
            and not RELATIVE_ASIDE.search(text, words_.end(), m.start)
        ]
    if not partners:
        return participants
    keys = {_key(m) for m in partners}
    upgraded = [
        (m, Role.PARTICIPANT if _key(m) in keys and r == Role.MENTIONED else r)
        for m, r in participants
    ]
    return _dedupe(upgraded + [(m, Role.PARTICIPANT) for m in partners])


LED_BY = re.compile(r"\b(?:led|headed)\s+by\b", re.IGNORECASE)


def _delegations(
    text: str, incident: Incident, participants: list[tuple[ActorMention, str]]
) -> list[tuple[ActorMention, str]]:
    """
    "The Saudi delegation was led by Khalid bin Ali al-Humaidan, …, and the
    Iranian one by Ali Akbar Ahmadian": who led each side of the talks took
    part in them.
    """
    if incident.event_type != T.MEETING:
        return participants
    leaders: list[ActorMention] = []
    for action in incident.details:
        sentence = action.sentence
        led = LED_BY.search(text, sentence.start, sentence.end)
        if led is None:
            continue
        leaders += [
            m
            for m in action.mentions
            if m.kind == PERSON
            and m.start >= led.end()
            and _aside_role(text, sentence, m) is None
        ]
    return _dedupe(participants + [(m, Role.PARTICIPANT) for m in leaders])


def _named_signatories_win(
    text: str, incident: Incident, participants: list[tuple[ActorMention, str]]
) -> list[tuple[ActorMention, str]]:
    """
    "Iraq will pay … under an agreement signed in Baghdad", then "The deal
    was signed by Iraq's deputy electricity minister, Adel Karim, and …":
    the signatories the text names are the agreement's, not the subject of
    the clause the agreement was first told in.
    """
    main = incident.main
    if main.event_type != T.AGREEMENT or not INDEFINITE_REDUCED.search(
        text[main.sentence.start : main.trigger.start]
    ):
        return participants
    named = {
        _key(m)
        for action in incident.details
        if action.event_type == T.AGREEMENT and not action.trigger.says
        for m, r in action.participants
        if r == Role.SIGNATORY
    }
    if not named:
        return participants
    first = {_key(m) for m, r in main.participants if r == Role.SIGNATORY}
    return [
        (m, r)
        for m, r in participants
        if not (r == Role.SIGNATORY and _key(m) in first - named)
    ]


SEATED_BODY = re.compile(
    r"^[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)?\s+(?:[A-Z][a-z]+\s+){0,2}(?:Court|Council|"
    r"Governorate|Municipality|Assembly|Police|Directorate|Command)"
    # "the Revolutionary Court of Mahabad": its seat after it.
    r"(?:\s+of\s+(?P<seat>[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)?))?$"
)


def _seat(
    main: Action, participants: list[tuple[ActorMention, str]]
) -> PlaceMention | None:
    for mention, role in participants:
        body = SEATED_BODY.match(mention.text) if role == Role.INITIATOR else None
        if body is None:
            continue
        found = match_places(split_sentences(mention.text), mention.text)
        # The place that opens its name, or that its name ends with.
        seat = body.start("seat") if body.group("seat") else 0
        city = next(
            (
                p
                for p in found
                if p.start in (0, seat)
                and p.place.kind in (Location.Kind.CITY, Location.Kind.ADMIN1)
            ),
            None,
        )
        if city is not None:
            return PlaceMention(
                city.text,
                mention.start,
                mention.start + city.end,
                city.place,
                mention.sentence,
            )
    return None


def _initiator_country(
    main: Action, participants: list[tuple[ActorMention, str]]
) -> PlaceMention | None:
    for mention, role in participants:
        if role not in (Role.INITIATOR, Role.SIGNATORY):
            continue
        iso3 = mention.country or known_countries().get(mention.actor_id or 0, "")
        country = country_place(iso3_to_iso2(iso3)) if iso3 else None
        if country is not None:
            return PlaceMention(
                country.name, main.sentence.start, main.sentence.start, country, -1
            )
    return None


def _nationality_told_before(before: str, noun: str, fallback: str) -> str:
    """The country of people an article names again by their noun alone
    ("the fishermen"), from the last time it gave their nationality ("11
    Iraqi fishermen"); else `fallback`."""
    told = list(
        re.finditer(rf"\b([A-Z][a-z]+)\s+(?:[a-z-]+\s+)?{re.escape(noun)}\b", before)
    )
    for found in reversed(told):
        code = nationality(found.group(1), "")
        if code:
            return code
    return fallback


def _possessor_country(text: str, place: PlaceMention) -> str:
    """The country (ISO 3166-1 alpha-2) a place's words put it in: "Pakistan"
    of "Pakistan's Panjgur district"; else ""."""
    owner = re.search(
        r"\b([A-Z][\w-]+)[’']s\s+$", text[max(0, place.start - 40) : place.start]
    )
    found = owner_of(owner.group(1)) if owner else None
    if found is None or not found.country:
        return ""
    return iso3_to_iso2(found.country) or ""


def _doers_country(participants: list[tuple[ActorMention, str]]) -> str:
    """The country (ISO 3166-1 alpha-2) of an event's first initiator that
    has one: where "Pakistani security forces killed six terrorists" most
    likely happened, in an article that names no place the gazetteer knows."""
    for mention, role in participants:
        if role == Role.INITIATOR and mention.country:
            return iso3_to_iso2(mention.country)
    return ""


def _unnamed(
    text: str,
    incident: Incident,
    participants: list[tuple[ActorMention, str]],
    country: str,
) -> list[tuple[ActorMention, str]]:
    """
    Protesters, gunmen and civilians the article does not name, as ACLED
    names them ("Protesters (Iraq)"), where the event's clause has no actor
    in their part.
    """
    main = incident.main
    kind = main.event_type
    sentence = main.sentence
    roles = {r for _, r in participants}
    found: list[tuple[ActorMention, str]] = []

    def add(
        name: str,
        code: str,
        role: str,
        match: re.Match,
        offset: int,
        told_in: Sentence = sentence,
    ) -> None:
        found.append(
            (
                unnamed(
                    name,
                    code,
                    sentence=told_in.index,
                    text=text,
                    start=offset + match.start(),
                    end=offset + match.end(),
                ),
                role,
            )
        )

    subject_start = main.clause.subject_start
    subject = text[subject_start : main.trigger.start]
    if kind in (T.PROTEST, T.RIOT) and Role.INITIATOR not in roles:
        name = "Protesters" if kind == T.PROTEST else "Rioters"
        words_ = re.search(r"\S(?:.*\S)?", subject)
        if words_ is not None:
            add(name, country, Role.INITIATOR, words_, subject_start)
        else:
            trigger = re.search(r"\S+", text[main.trigger.start : main.trigger.end])
            add(name, country, Role.INITIATOR, trigger, main.trigger.start)
    passive_main = PASSIVE_BEFORE.search(text, sentence.start, main.trigger.start)
    subject_end = main.trigger.start
    struck = _unnamed_armed(text, subject_start, subject_end) if passive_main else None
    if struck is not None and DOER_WORDS.search(struck.group()):
        # "one of the attackers was killed in the clash": the attackers.
        struck = None
    if kind in VIOLENT and struck is None and not passive_main:
        # "An air strike killed five militants": those the verb befalls.
        hit = _unnamed_armed(
            text, main.trigger.start, _object_end(text, main.trigger, main.scope_end)
        )
        if (
            hit is not None
            and not DOER_WORDS.search(hit.group())
            and Role.TARGET not in roles
        ):
            add("Unidentified armed group", country, Role.TARGET, hit, 0)
    if kind in VIOLENT and struck is not None:
        # "Two gunmen were killed by police": those the clause befalls.
        if Role.TARGET not in roles:
            add("Unidentified armed group", country, Role.TARGET, struck, 0)
    elif kind in VIOLENT and Role.INITIATOR not in roles:
        armed = _unnamed_armed(text, subject_start, subject_end)
        if armed is None and not passive_main:
            # "smugglers opened fire on a gendarmerie patrol": armed by what
            # they do.
            armed = ARMED_BY_THE_ACT.search(text, subject_start, subject_end)
            if armed is not None and (
                not SUBJECT_HEAD_ENDS.fullmatch(text, armed.end(), subject_end)
                or AGENT_BEFORE.search(text, subject_start, armed.start())
            ):
                # "Villagers angered by smugglers attacked …": the subject's
                # head is another, the smugglers only named in it.
                armed = None
        if armed is None:
            # "…were killed when militants ambushed their patrol": the doer of
            # a clause of its own; not "an air strike killed five militants".
            after = AGENT_CLAUSE.search(text, main.trigger.end, main.scope_end)
            armed = _unnamed_armed(text, after.end(), main.scope_end) if after else None
        if armed is None:
            # "…were wounded and one of the attackers was killed".
            armed = DOER_WORDS.search(text, main.trigger.end, main.scope_end)
        if armed is not None:
            add("Unidentified armed group", country, Role.INITIATOR, armed, 0)
    if kind == T.BATTLE and Role.INITIATOR in roles and Role.TARGET not in roles:
        # "Border guards exchanged fire with a group of smugglers": the other
        # side, armed and unnamed.
        object_end = _object_end(text, main.trigger, main.scope_end)
        other_side = UNNAMED_OTHER_SIDE.search(text, main.trigger.start, object_end)
        harmed = HARMING_AFTER.match(text, object_end, main.scope_end)
        if other_side is None and harmed is not None:
            # "exchanged fire with them, killing one of the gunmen": the other
            # side told by its dead.
            other_side = UNNAMED_OTHER_SIDE.search(
                text, harmed.start("harmed"), harmed.end()
            )
        if (
            other_side is not None
            and (first := FIRED_FIRST.match(text, main.sentence.end)) is not None
            and fold(first.group("side")) == fold(other_side.group())
        ):
            # "Police exchanged fire with smugglers …. The smugglers opened
            # fire when a patrol tried to stop them": who fired first
            # attacked; the other side was attacked.
            participants = [
                (m, Role.TARGET if r == Role.INITIATOR else r) for m, r in participants
            ]
            add("Unidentified armed group", country, Role.INITIATOR, other_side, 0)
        elif other_side is not None:
            add("Unidentified armed group", country, Role.TARGET, other_side, 0)
    elif kind == T.BATTLE and Role.TARGET in roles and Role.INITIATOR not in roles:
        # "Two border guards were killed in a gunfight with armed smugglers":
        # the side whose dead are told is struck by the other.
        other_side = UNNAMED_OTHER_SIDE.search(text, main.trigger.start, main.scope_end)
        if other_side is not None and WITH_BEFORE.search(
            text, main.trigger.start, other_side.start()
        ):
            add("Unidentified armed group", country, Role.INITIATOR, other_side, 0)
    delegation = (
        DELEGATION_OF.search(text, main.trigger.end, main.scope_end)
        if kind == T.MEETING
        else None
    )
    if delegation is not None and PROTESTED_BEFORE.search(text, 0, sentence.start):
        # "met a delegation of the drivers" after the drivers protested: the
        # protesters meet him.
        add("Protesters", country, Role.PARTICIPANT, delegation, 0)
    if (
        kind == T.OTHER
        and EXPELLED.fullmatch(main.trigger.word)
        and Role.TARGET not in roles
    ):
        # "deported more than 30,000 Afghans": the people sent out of the
        # country are migrants of their own.
        end = _object_end(text, main.trigger, main.scope_end)
        at = main.trigger.end
        # "30,000 Syrians and 5,000 Afghans": each its own. The match may see
        # past the object's end, for "who" or "that" after the people.
        while (sent := EXPELLED_PEOPLE.match(text, at, main.scope_end)) and (
            sent.end() <= end
        ):
            code = nationality(sent.group("who"), "")
            if code:
                name = "Refugees" if "refugee" in sent.group("who") else "Migrants"
                add(name, code, Role.TARGET, sent, 0)
            if not re.match(r"\s+and\b", text[sent.end() : end]):
                break
            at = sent.end()
    if kind == T.OTHER and Role.INITIATOR not in roles:
        # "More than 600 Syrian Kurdish refugees … crossed back into Syria":
        # the people who return, move or leave do it.
        passive = PASSIVE_BEFORE.search(text[sentence.start : main.trigger.start])
        for name, pattern in UNNAMED_VICTIMS:
            match = pattern.search(subject)
            if match is None or passive or name in HELD_AS:
                continue
            code = country
            if name in ("Migrants", "Refugees"):
                code = nationality(subject, country)
            add(name, code, Role.INITIATOR, match, subject_start)
            break
    # "hanged an Afghan man": who is put to death is its target.
    executed = EXECUTION.fullmatch(fold(main.trigger.word)) is not None
    if (kind in VIOLENT | {T.DEATH, T.ARREST} or executed) and Role.TARGET not in roles:
        passive = PASSIVE_BEFORE.search(text[sentence.start : main.trigger.start])
        qualified = _reduced_passive(text, sentence, main.trigger)
        if qualified is not None:
            passive, subject_start = True, qualified[0]
        # "opened fire on a group of kolbars": the trigger's own words may
        # name them.
        start = subject_start if passive else main.trigger.start
        end = (
            main.trigger.start
            if passive
            else _object_end(text, main.trigger, main.scope_end)
        )
        # Where those it befell are told, the first that names them: the
        # trigger's own words, or those a strike's object clause harms before
        # what it struck ("struck a camp for refugees, killing three people").
        looked = [start]
        words_ = text[start:end]
        harmed = HARMING_AFTER.match(text, end, main.scope_end)
        if harmed is not None and not passive and kind != T.ARREST:
            # "a drone destroyed a farmhouse…, wounding a woman and her son"
            # (not the dead of another act an arrest's sentence tells).
            looked = [harmed.start("harmed"), start]
            words_ = text[start : harmed.end()]
        origin = VICTIMS_FROM.search(text, sentence.start, main.scope_end)
        owner = owner_of(origin.group(1)) if origin else None
        if owner is not None and iso3_to_iso2(owner.country):
            # "killing two porters from the Kurdistan Region".
            country = iso3_to_iso2(owner.country)
        victims = (
            (at, name, match)
            for at in looked
            for name, pattern in UNNAMED_VICTIMS
            if (match := pattern.search(text, at, start + len(words_)))
        )
        for at, name, match in victims:
            if re.match(r"[’']", text[match.end() : match.end() + 1]) or re.search(
                r"\b(?:his|her|their)\s+(?:[\w-]+\s+)?$", text[at : match.start()]
            ):
                # "demanded the teachers' release": whose, not who; "killing
                # the commander and his driver": one who goes with another.
                continue
            if name in HELD_AS and kind != T.ARREST:
                # Smugglers fought or struck are an armed group, teachers
                # struck civilians.
                continue
            if match.group().lower() == "suspects" and not (
                SMUGGLING.search(text, sentence.start, match.start())
                or HELD_FOR_SMUGGLING.match(text, match.end())
            ):
                # Suspects are smugglers only where what they are held for is
                # smuggling: told before them ("seized smuggled fuel and
                # detained 14 suspects") or as their charge ("accused of
                # running a smuggling ring"); not "suspects over the killing
                # of a guard who was investigating smuggling".
                continue
            if (
                kind == T.ARREST
                and name == "Civilians"
                and CROSSED_AFTER.match(text, match.end())
                and not re.search(r"(?:nationals|citizens)$", match.group())
            ):
                # "detained 23 Pakistani men who had crossed from Iran": those
                # held for crossing the border are migrants (not the "Iranian
                # citizens" the text says they are).
                name = "Migrants"
            elif (
                kind == T.ARREST
                and name == "Civilians"
                and PROTEST_TOLD.search(text, sentence.start, sentence.end)
            ):
                # "detained six shopkeepers a day after the bazaar shut in
                # protest", "detained 14 people during a demonstration": those
                # held are the protesters.
                name = "Protesters"
            elif (
                kind == T.ARREST
                and name == "Civilians"
                and not PEOPLE_COUNTED.match(match.group())
                and not WORKING_PEOPLE.fullmatch(match.group())
                and not NATIONALS_COUNTED.fullmatch(match.group())
                and not NATIONALS_BEFORE.search(
                    text, max(0, match.start() - 40), match.start()
                )
                and not (
                    # "The three men were arrested": those counted before
                    # ("two Iraqi passengers and an Iraqi driver").
                    re.fullmatch(r"\w+\s+(?:men|women)", match.group())
                    and re.search(
                        r"\bthe\s+$",
                        text[max(0, match.start() - 8) : match.start()],
                        re.I,
                    )
                )
            ):
                # Those arrested are named by what they are ("irregular
                # migrants"), not as civilians.
                continue
            code = country
            if name in ("Migrants", "Refugees"):
                window = text[start : min(end + 40, main.scope_end)]
                code = nationality(window, country)
                into = CROSSING_INTO.search(window)
                if into is not None and code == country:
                    # "migrants trying to cross into Iran … officials in
                    # Afghanistan said": not of the country they enter, but
                    # of the other the sentence names.
                    code = next(
                        (
                            m.place.country
                            for m in main.places
                            if m.sentence == sentence.index
                            and m.place.kind == Location.Kind.COUNTRY
                            and m.place.country
                            and m.place.country != code
                            and not (into.start() <= m.start - start < into.end())
                        ),
                        code,
                    )
            else:
                # "nine Iraqi fishermen" detained by Kuwait are Iraq's.
                phrase = re.search(r"(?:\S+\s+){0,3}$", text[at : match.start()])
                if phrase is not None:
                    # "an Iraqi employee": the demonym may be the match's own.
                    code = nationality(phrase.group() + match.group(), country)
                if phrase is not None and re.search(r"\bthe\s+$", phrase.group()):
                    # "detained the fishermen": the "11 Iraqi fishermen"
                    # told before.
                    code = _nationality_told_before(
                        text[: match.start()], match.group(), code
                    )
            told_after = NATIONALS_AFTER.match(text, match.end())
            if told_after is not None:
                # "arrested its five crew members, all Iranian nationals".
                code = nationality(told_after.group(), code)
            elif re.match(r"crew", match.group(), re.IGNORECASE) and (
                crew := CREW_TOLD.search(text)
            ):
                # "detained its 16 crew … Most of the crew were Indian
                # nationals": where the article tells who the crew are.
                code = nationality(crew.group(), code)
            add(name, code, Role.TARGET, match, 0)
            break
        else:
            counted = OF_THEM.match(text, main.trigger.end, main.scope_end)
            name, pattern = UNNAMED_VICTIMS[-1]
            told = (
                list(pattern.finditer(text, sentence.start, main.trigger.start))
                if counted is not None and kind in VIOLENT and not passive
                else []
            )
            if told and not PEOPLE_COUNTED.match(told[-1].group()):
                # "forced passengers off the bus and shot dead seven of them":
                # the people told before, whom the count is of.
                add(name, country, Role.TARGET, told[-1], 0)
    if kind in VIOLENT and Role.TARGET in roles and not passive_main:
        # "fired shells into a market, killing six civilians": those the text
        # calls civilians are struck beside whoever else was.
        harmed = HARMING_AFTER.match(
            text, _object_end(text, main.trigger, main.scope_end), main.scope_end
        )
        said = (
            re.search(r"\bcivilians?\b", harmed.group("harmed"), re.IGNORECASE)
            if harmed is not None
            else None
        )
        if said is not None:
            add("Civilians", country, Role.TARGET, said, harmed.start("harmed"))
    if kind in VIOLENT and not any(m.kind == Actor.Kind.CIVILIANS for m, _ in found):
        # "Two shepherds were killed and a third was wounded in the
        # shelling": the victims a later sentence of the incident tells.
        for detail in incident.details:
            if detail.trigger.says or (
                # "Two shepherds were killed when a drone hit their car": the
                # count told before the strike in its sentence, not after.
                detail.sentence is sentence
                and detail.trigger.start > main.trigger.start
            ):
                continue
            opening = detail.sentence.start
            if SPEAKER_BEFORE.fullmatch(
                text, detail.sentence.start, detail.clause.subject_start
            ):
                # "Pakistan said two children were killed in the strike": the
                # count a speaker gives, the speaker's name no victim.
                opening = detail.clause.subject_start
            before = text[opening : detail.trigger.start]
            if detail.event_type not in VIOLENT or not PASSIVE_BEFORE.search(before):
                continue
            if (
                any(opening <= m.start < detail.trigger.start for m in detail.mentions)
                or opening != detail.clause.subject_start
            ):
                continue
            name, pattern = UNNAMED_VICTIMS[-1]
            match = pattern.search(before)
            if match is not None and not PEOPLE_COUNTED.match(match.group()):
                # "Two people were killed" may be the target's own; "two
                # shepherds" are civilians.
                add(
                    name,
                    country,
                    Role.TARGET,
                    match,
                    detail.sentence.start,
                    detail.sentence,
                )
                break
    if (
        kind in VIOLENT
        and not any(m.kind == Actor.Kind.CIVILIANS for m, _ in found)
        and Role.TARGET not in roles
        and THE_VICTIMS.search(text, main.trigger.start, main.scope_end)
    ):
        # "… overshadowed by the killing of nine Pakistani workers. Gunmen
        # opened fire on a house where the men were staying": the victims the
        # sentence before named, which this one calls "the men".
        before = text[max(0, sentence.start - 400) : sentence.start].rstrip()
        previous = re.split(r"(?<=[.!?])\s+", before)[-1]
        offset = max(0, sentence.start - 400) + len(before) - len(previous)
        killing = KILLING_OF.search(previous)
        name, pattern = UNNAMED_VICTIMS[-1]
        match = (
            pattern.search(previous, killing.end(), killing.end() + 40)
            if killing
            else None
        )
        if match is not None and not re.fullmatch(
            # Not "two men", who may be anyone's.
            r"(?:[\w-]+\s+)?(?:people|men|women)",
            match.group(),
        ):
            code = nationality(previous[killing.end() : match.end()], country)
            add(name, code, Role.TARGET, match, offset)
    return _dedupe(participants + found)


# A count of people told before: "shot dead seven of them".
OF_THEM = re.compile(r"\s+(?:\w+|all|most|some)\s+of\s+them\b", re.IGNORECASE)
# "the killing of nine Pakistani workers", told before the attack.
KILLING_OF = re.compile(r"\b(?:killings?|murders?)\s+of\s+")
# The victims called back in the attack's sentence: "where the men were".
THE_VICTIMS = re.compile(r"\bthe\s+(?:men|women|victims|workers)\b")


# A speaker before the words said: "Iraqi officials said ", "The ministry
# said on Monday that ".
SPEAKER_BEFORE = re.compile(
    r"[^,;“”\"]{0,80}?\b(?:said|says|reported|confirmed|added)\s+"
    r"(?:(?:on|late on|early on)\s+\w+\s+)?(?:that\s+)?"
)


# Capitalised words that name no one: a sentence's opening, a count, a day.
NOT_A_NAME = ORDINARY_WORDS | set(NUMBERS) | set(WEEKDAYS) | set(MONTHS)
# Unnamed armed men named by what they did: the doers, in any voice.
DOER_WORDS = re.compile(r"\b(?:attackers|assailants|kidnappers)\b", re.IGNORECASE)
# Where a clause after the verb names its own doer: "…were killed when
# militants ambushed", "…, after gunmen opened fire", "by gunmen" (not "…,
# as were three militants").
AGENT_CLAUSE = re.compile(r"\b(?:when|after|by)\s+")
# A group word whose people a name tells: "Kurdish militants", "Islamic
# State militants" are no unnamed men ("Two militants", "On Monday
# militants" are).
NAMED_GROUP = re.compile(r"([A-Z][\w’'-]*)\s+(?:militants|insurgents|jihadists)$")


# What joins the words before a participle to more of its head: before the
# words taken, or among them.
_JOINERS = "and|or|of|in|at|on|near|from|with|for|by|among"
PHRASE_JOINED = re.compile(rf"\b(?:{_JOINERS})\s+$", re.IGNORECASE)
JOINING_WORD = re.compile(rf"\b(?:{_JOINERS})\b", re.IGNORECASE)
# The words before a participle that it qualifies: "five Iranian workers"
# (not "to" nor a joining word among them).
QUALIFIED_PHRASE = re.compile(
    rf"\b(?:(?:the|\d[\d,]*|{NUMBER_WORDS}|several|dozens of|some)\s+)?"
    rf"(?:(?!(?:to|{_JOINERS})\b)[\w’'-]+\s+){{0,2}}?"
    r"(?-i:[a-z][\w-]*[a-z]|[A-Z][a-z]+s)\s+$",
    re.IGNORECASE,
)


def _reduced_passive(
    text: str, sentence: Sentence, trigger: Trigger
) -> tuple[int, int] | None:
    """
    "urged Pakistan to free five Iranian workers abducted by Jaish al-Adl":
    a participle with its agent after it and no auxiliary before it
    qualifies the words just before it, which are who it befell, not the
    main clause's subject. Their span, or None.
    """
    if trigger.says or not BY_AFTER.match(text, trigger.end):
        return None
    before = text[sentence.start : trigger.start]
    if PASSIVE_BEFORE.search(before) or not re.search(r"\w\s+$", before):
        return None
    phrase = QUALIFIED_PHRASE.search(before, clause_start(before))
    if (
        phrase is None
        or PHRASE_JOINED.search(before, 0, phrase.start())
        or JOINING_WORD.search(phrase.group())
    ):
        # "a PKK commander and two fighters killed by …", "officials in the
        # city shot by …": the participle's head goes on before the words
        # taken, and may be the sentence's subject.
        return None
    last = re.findall(r"[\w’'-]+", phrase.group())[-1]
    if last[:1].isupper() and nationality(last, "") == "":
        # A capital ends the words only as a people: "free Iranians abducted".
        return None
    head = fold(last)
    if (
        head in FUNCTION_WORDS
        or head in AUXILIARY
        or head.endswith("ly")
        or head in DOERS
    ):
        return None
    return sentence.start + phrase.start(), trigger.start


# Sending people out of the country, and whom: "deported more than 30,000
# Afghans", "expelled 200 Syrian refugees".
EXPELLED = re.compile(r"deported|expelled|deports|expels", re.IGNORECASE)
EXPELLED_PEOPLE = re.compile(
    r"(?:\s+and)?\s+(?P<who>(?:(?:more than|over|about|around|nearly|some|at "
    r"least)\s+)?(?:[\d,]+\s+|\w+\s+)?(?:(?-i:[A-Z][a-z]+)\s+(?:migrants|refugees|"
    r"nationals)|(?-i:[A-Z][a-z]+s)))\b"
    # Not people told by what they do or did: "Americans working for USAID",
    # "Syrians who had joined ISIS" (the object ends before "who").
    r"(?!\s+(?:who|that|\w+ing)\b)"
)


# What may stand between a subject's head and its verb.
SUBJECT_HEAD_ENDS = re.compile(
    r"\s*(?:(?:had|have|has|also|then|reportedly|allegedly)\s+)*", re.IGNORECASE
)
# Those who are armed men when they attack, and not otherwise.
ARMED_BY_THE_ACT = re.compile(r"\b(?:smugglers|poachers|bandits|robbers)\b", re.I)


def _unnamed_armed(text: str, start: int, end: int) -> re.Match | None:
    """The first words for armed men no name tells, in text[start:end]."""
    for match in UNNAMED_ARMED.finditer(text, start, end):
        named = NAMED_GROUP.search(text, max(0, match.start() - 40), match.end())
        if named is None or fold(named.group(1)) in NOT_A_NAME:
            return match
    return None


# "chanting (slogans) against the Ministry of Electricity".
PROTESTED_AGAINST = re.compile(
    r"\b(?:chant\w*|shout\w*|slogans|protest\w*|rall\w+|march\w*)\s+"
    r"(?:(?:slogans|anger)\s+)?against\s+(?:the\s+)?$"
    # "demanding the resignation of the governor": whom the crowd wants gone.
    r"|\b(?:demand\w*|call\w*\s+for)\s+(?:the\s+)?(?:resignation|ouster|removal|"
    r"dismissal|downfall|sacking)\s+of\s+(?:the\s+)?$"
)


# A crowd's verb of protest right before the one protested against.
PROTESTING_BEFORE = re.compile(
    r"\b(?:protest(?:ed|ing)?|denounc\w+|condemn\w+)\s+(?:against\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
# "'s drone strikes", "'s shelling": an actor's use of force.
STRIKES_OWNED = re.compile(
    r"[’']s\s+(?:(?:deadly|latest|recent|continued|repeated|cross-border)\s+)?"
    r"(?:(?:drone|air|missile|artillery|rocket)\s+)?"
    r"(?:strikes?|attacks?|shelling|bombardments?|bombings?|raids?|offensive|"
    r"operations?|airstrikes?|incursions?)\b",
    re.IGNORECASE,
)


def _protested_against(text: str, mention: ActorMention) -> bool:
    """
    Whether the crowd's words are against the actor: "protested against the
    SDF", "chanted slogans against the paramilitary Frontier Corps".
    """
    before = text[max(0, mention.start - 80) : mention.start]
    return bool(
        PROTESTED_AGAINST.search(before)
        or PROTESTED_AGAINST.search(re.sub(r"(?<=\s)[a-z][\w-]*\s+$", "", before))
    )


# "replacing Lt. Gen. ": the one an appointment removes.
REPLACING_BEFORE = re.compile(
    r"\b(?:replacing|succeeding|in place of)\s+(?:[A-Z][\w.]*\s+){0,4}$"
)

# "according to the district's mayor, ": a title, then the person.
ACCORDING_TO_TITLE = re.compile(
    r"\baccording to\s+(?:the\s+)?(?:[\w’'-]+\s+){0,4}?[a-z][\w-]*,\s*$"
)

# "…, killing two shepherds", "…, hitting a house near the U.S. consulate
# and wounding one civilian": who a strike's object clause leaves harmed (a
# capital's dot, as in "U.S.", ends no clause), up to another act ("killing
# one of the gunmen and freeing two of the drivers").
HARMING_AFTER = re.compile(
    r"(?:[^.;]|(?<=[A-Z])\.){0,120}?(?:,|\band)\s+(?:killing|wounding|injuring)\s+"
    r"(?P<harmed>(?:(?!\s+and\s+(?!killing|wounding|injuring)[a-z]+ing\b)"
    r"(?:[^,.;]|(?<=[A-Z])\.))+)"
)

# "a delegation of the drivers": of a crowd told before.
DELEGATION_OF = re.compile(
    r"\b(?:a|the)\s+delegation\s+(?:of|from)\s+the\s+(?:[\w-]+\s+){0,2}?[a-z]+s\b"
)
PROTESTED_BEFORE = re.compile(
    r"\b(?:protest\w*|demonstrat\w*|marched|rallied|blocked)\b", re.IGNORECASE
)


def _proposal(
    text: str,
    incident: Incident,
    participants: list[tuple[ActorMention, str]],
    when: dict | None,
    place: PlaceMention | None,
    fatalities: Fatalities | None,
    citations: list[dict],
) -> dict:
    main = incident.main
    sentence = main.sentence
    kind = main.event_type
    return {
        "title": title_for(
            text,
            kind,
            main.trigger,
            participants,
            _place_words(place),
            object_end=main.scope_end
            if main.trigger.says
            else _object_end(text, main.trigger, main.scope_end),
            fatalities=fatalities.best if fatalities else None,
            thing=_passive_subject(text, main),
            subject=_subject_words(text, main),
            place_kind=place.place.kind if place else "",
        ),
        "event_type": str(kind),
        "sub_event_type": _sub_type(text, incident),
        "date": when,
        "place": None if place is None else _place(place),
        "actors": [
            {
                "name": mention.name,
                "actor_id": mention.actor_id,
                "role": str(role),
                "kind": mention.kind,
                "country": mention.country,
                "parent": None if mention.parent is None else mention.parent.as_dict(),
            }
            for mention, role in participants
        ],
        "fatalities": None if fatalities is None else fatalities.as_dict(),
        "quote": text[sentence.start : sentence.end],
        "start": sentence.start,
        "end": sentence.end,
        "citations": citations,
    }


PASSIVE_TAIL = re.compile(
    r"^(?P<thing>.*?)\s+(?:(?:would|will|could|should|has|have|had|to)\s+)?"
    r"(?:be|been|was|were|is|are)\s+(?:\w+ly\s+)?$",
    re.IGNORECASE,
)


def _passive_subject(text: str, action: Action) -> str:
    """What a passive clause is about: "federal border guards" would be sent."""
    before = text[action.clause.subject_start : action.trigger.start]
    if BY_AFTER.match(text, action.trigger.end):
        # "a sabotage team detained by its security forces".
        reduced = re.search(
            r"\b((?:a|an|the|two|three|\d+)\s+(?:[\w-]+\s+){0,3}?[\w-]+)\s+$",
            text[action.sentence.start : action.trigger.start],
        )
        if reduced and not PASSIVE_BEFORE.search(before):
            return reduced.group(1)
    match = PASSIVE_TAIL.match(before.strip() + " ")
    if match is None:
        return ""
    thing = re.sub(
        r"^(?:that|the\s+)",
        lambda m: m.group() if m.group() != "that" else "",
        match.group("thing"),
    ).strip()
    return thing if 0 < len(thing.split()) <= 6 else ""


SUBJECT_END = re.compile(
    r"\s(?:in|at|near|from|of|on|who|which|that|have|has|had|were|was|would|will|"
    r"also|reportedly|allegedly)\b|[,;:(]"
)


def _subject_words(text: str, action: Action) -> str:
    """
    The doers of an action no actor names, as the article words them, for
    its title: "Security forces" in "Security forces in Basra arrested…".
    """
    if action.trigger.says or action.clause.speaker is not None:
        return ""
    before = text[action.sentence.start : action.trigger.start]
    if PASSIVE_BEFORE.search(before) or BY_AFTER.match(text, action.trigger.end):
        return ""
    words_ = text[action.clause.subject_start : action.trigger.start].strip()
    cut = SUBJECT_END.search(words_)
    if cut:
        words_ = words_[: cut.start()]
    words_ = re.sub(r"^(?:the|a|an)\s+", "", words_.strip(), flags=re.IGNORECASE)
    found = words_.split()
    if not 1 <= len(found) <= 4 or not words_[:1].isalnum():
        return ""
    if any(fold(w) in PERSONAL_PRONOUNS | {"it", "they", "we", "i"} for w in found):
        return ""
    if ANY_TRIGGER.search(words_):
        return ""
    return words_[:1].upper() + words_[1:]


ANY_TRIGGER = re.compile(
    r"\b(?:strikes?|attacks?|bomb\w*|explosions?|blasts?|shelling|drones?|missiles?|"
    r"rockets?|clashes|fighting|protests?|agreements?|deals?|meetings?|talks)\b",
    re.IGNORECASE,
)


def _place_words(place: PlaceMention | None) -> str:
    """A place as a title names it: as the article writes it, unless shouted."""
    if place is None:
        return ""
    if place.text.isupper() or place.place.kind in (
        Location.Kind.COUNTRY,
        Location.Kind.BORDER,
    ):
        return place.place.name
    return place.text


def _sub_type(text: str, incident: Incident) -> str:
    words_ = " ".join(text[a.sentence.start : a.sentence.end] for a in incident.actions)
    kind = incident.event_type
    for name, pattern in SUB_TYPES:
        applies = (
            (kind == T.REMOTE_VIOLENCE and name not in ("Arrests", "Agreement"))
            or (kind == T.ARREST and name == "Arrests")
            or (kind == T.AGREEMENT and name == "Agreement")
        )
        if applies and pattern.search(words_):
            return name
    return ""


def _citation(text: str, sentence: Sentence, about: str) -> dict:
    return {
        "start": sentence.start,
        "end": sentence.end,
        "quote": text[sentence.start : sentence.end],
        "about": about,
    }


def _place(mention: PlaceMention) -> dict:
    place = mention.place
    return {
        "name": place.name,
        "lat": place.lat,
        "lon": place.lon,
        "location_id": place.location_id,
        "kind": place.kind,
        "country": place.country,
        "geonames_id": place.geonames_id,
        "geo_precision": GeoPrecision.NEAR.value
        if place.near
        else _geo_precision(place.kind),
        "known": not place.unknown,
    }


def _geo_precision(kind: str) -> str:
    if kind == Location.Kind.COUNTRY:
        return GeoPrecision.COUNTRY.value
    if kind in (Location.Kind.CITY, Location.Kind.SITE):
        return GeoPrecision.EXACT.value
    return GeoPrecision.REGION.value


# "migrants trying to cross into Iran": the country they enter.
CROSSING_INTO = re.compile(r"\bcross(?:ed|ing)?\s+(?:the\s+border\s+)?into\s+[A-Z]\w+")
# "in protest at …": the words after say what is protested.
IN_PROTEST = re.compile(r"\bin\s+$")
# "parked their trucks across the approach to the border gate": the way in
# to a place, as a road to it.
ROAD_TO = re.compile(
    r"\b(?:road|roads|highway|route|entrance|gates?|approach(?:es)?)\s+"
    r"(?:leading\s+)?to\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "struck a convoy of civilians travelling to the Tishreen Dam": on the way
# to a place, near it only when the sentence puts the attack nowhere else
# ("travelling to Karbala was hit near Baqubah", "a convoy headed to Kabul
# … near Maidan Shahr"). Not "heading to", which only names where they were
# going.
WAY_TO = re.compile(
    r"\b(?:travell?ing|headed|on\s+(?:its|their|his|her|the)\s+way)\s+to\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)


DISTANCE_OF = re.compile(
    rf"\b(?:km|kilometres|kilometers|miles)\s+(?:\([^)]*\)\s+)?{_DIRECTION}\s+of\s+"
    r"(?:the\s+)?(?:(?:port|town|city|village|border town)\s+of\s+)?$",
    re.IGNORECASE,
)
MEASURED_FROM = re.compile(r",?\s*(?:about|some|around|roughly|nearly)?\s*\d")
ROAD_PLACED = re.compile(r"[^,.;]{0,20}?\s(?:outside|near)\s+[A-Z]")


SUMMONED_OVER = re.compile(
    r"\b(?:over|about|following|after|against|to protest)\b", re.IGNORECASE
)
VISITED_PLACE = re.compile(
    r"\s*(?:the\s+)?(?:(?:town|city|village|district|province|region|camp|"
    r"crossing)\s+of\s+)?"
)


def _locative(text: str, action: Action) -> list[PlaceMention]:
    """
    The places a clause puts its action in ("in Tehran", "at the border"):
    not those inside quoted words unless the action is quoted too, nor one
    that only says where another is ("south-east of Sulaymaniyah").
    """
    sentence = action.sentence
    quoted_trigger = _in_quotation(text, action.trigger.start)
    found = []
    # "residents of al-Busayrah blocked the main road": a protest held
    # where those who hold it live, when the sentence puts it nowhere else.
    home: list[PlaceMention] = []
    # Where those attacked were travelling to, when the sentence names no
    # place nearer than a country (WAY_TO).
    bound_for: list[PlaceMention] = []
    spread = False
    for mention in action.places:
        before = text[min(sentence.start, mention.start) : mention.start]
        if mention.sentence != sentence.index:
            before = ""
        dateline = not before.strip() and DATELINE_AFTER.match(text[mention.end :])
        joined = (
            found
            and TOWNS_JOINED.match(text[found[-1].end : mention.start])
            and not BETWEEN_BEFORE.search(text, 0, found[-1].start)
        )
        struck = (
            (action.event_type in VIOLENT or mention.place.kind == Location.Kind.SITE)
            and mention.start >= action.trigger.end
            and re.fullmatch(
                # "shelled the villages of Sherwan and Kani Rash", "the
                # outskirts of Sidakan", "the border town of Sumel".
                r"\s*(?:the\s+)?(?:(?:[a-z-]+\s+)?(?:villages?|towns?|outskirts|edges?|"
                r"vicinity|environs|surroundings|area)\s+of\s+)?",
                text[action.trigger.end : mention.start],
            )
            is not None
        )
        # "in Baghdad's central Karrada district": inside the place before.
        within = found and PLACE_OWNS.match(text[found[-1].end : mention.start])
        if within and PART_OF_PLACE.match(text, found[-1].end):
            # "in Zahedan's Shirabad neighbourhood", "on Nasiriyah's Zaitoun
            # bridge": a part of a city is placed in the city.
            continue
        if within:
            found.pop()
        # "deployed two additional army brigades to the Daquq district".
        sent_to = action.event_type == T.DEPLOYMENT and re.search(
            r"\bto\s+(?:the\s+)?$", before
        )
        # "blocked the road to the Zurbatiyah border crossing": a protest
        # on the way to a place is at it.
        # "boarded the vessel about 20 nautical miles south of the port of
        # Jask": near the place it is measured from, unless that place only
        # says where another is ("in Tarmiyah, about 50 km north of Baghdad").
        measured = DISTANCE_OF.search(before) and not any(
            other.end <= mention.start
            and MEASURED_FROM.match(text[other.end : mention.start])
            for other in action.places
            if other is not mention
        )
        # "visited the Sinjar district", "the town of Halabja": the place.
        visited = (
            fold(action.trigger.word).startswith("visit")
            and mention.start >= action.trigger.end
            and VISITED_PLACE.fullmatch(text, action.trigger.end, mention.start)
            is not None
        )
        # "a roadside bomb … on the road to Makhmour": on the way to it.
        road_to = action.event_type in {T.PROTEST, T.RIOT} | VIOLENT and ROAD_TO.search(
            before
        )
        way_to = action.event_type in {T.PROTEST, T.RIOT} | VIOLENT and WAY_TO.search(
            before
        )
        if (road_to or way_to) and ROAD_PLACED.match(text, mention.end):
            # "blocked the main road to Umm Qasr port outside Basra": the
            # road is where the words after put it.
            continue
        if (
            re.search(r"\bon\s+(?:the\s+)?$", before)
            and re.match(r"[’']s\s", text[mention.end : mention.end + 3])
            and not PART_OF_PLACE.match(text, mention.end)
        ):
            # "a law on the Kurdistan Region's oil sales": what it is about;
            # not "on Mosul's left bank", a part of the place.
            continue
        over = (
            SUMMONED_OVER.search(text, action.trigger.end, mention.start)
            if fold(action.trigger.word).startswith("summon")
            and mention.start > action.trigger.end
            else None
        )
        if over is not None and "," not in text[over.end() : mention.start]:
            # "summoned the Turkish ambassador over a drone strike in
            # Sulaymaniyah": where the strike was, not the summons.
            continue
        if re.search(r"\bspread\s+to\s+(?:the\s+)?$", before) and (
            BEGAN_ELSEWHERE.search(before)
        ):
            if action.date is None or action.date.start < mention.end:
                # "Protests that began in Zahedan on Friday spread to Khash":
                # they keep where they began.
                continue
            # "Protests that began in Zahedan spread to Khash on Friday": the
            # day they spread, there.
            spread = True
        if (
            action.event_type in (T.PROTEST, T.RIOT)
            and mention.sentence == sentence.index
            and mention.start < action.trigger.start
            and RESIDENTS_OF.search(before)
        ):
            home.append(mention)
            continue
        if way_to:
            bound_for.append(mention)
            continue
        if not (
            LOCATIVE_BEFORE.search(before)
            or measured
            or dateline
            or joined
            or struck
            or within
            or sent_to
            or road_to
            or visited
        ):
            continue
        if (
            found
            and re.fullmatch(
                r"\s+in\s+(?:the\s+)?", text[found[-1].end : mention.start]
            )
            and AREA_AFTER.match(text, mention.end)
        ):
            # "the villages of Kani Sur and Ney in Baneh county": where the
            # villages are, not a place of its own.
            continue
        if (
            found
            and FACILITY_IN.fullmatch(text, found[-1].end, mention.start)
            and detail(mention.place) <= detail(found[-1].place)
        ):
            # "at the Bandar Abbas port in Hormozgan", "at Makhmour camp in
            # Erbil": where the port or camp is, not a place of its own.
            continue
        if len(action.places) > 1 and (
            REFERENCE_BEFORE.search(before)
            or any(
                other.end <= mention.start
                and PLACE_REFERENCE.match(text[other.end : mention.start])
                for other in action.places
            )
        ):
            continue
        if _in_quotation(text, mention.start) and not quoted_trigger:
            continue
        if (
            action.event_type in DIPLOMATIC
            and mention.start > action.trigger.end
            and TOPIC_BEFORE.search(text, action.trigger.end, mention.start)
        ):
            # "met Larijani to discuss the disarmament of groups in the
            # Kurdistan Region": what they talked about, not where.
            continue
        if any(
            other.start > mention.end
            and KIND_OF_BEFORE.fullmatch(text, mention.end, other.start)
            for other in action.places
        ):
            # "in the Kazakh port of Aktau": whose port, where is after.
            continue
        if (
            mention.start > action.trigger.end
            and mention.sentence == sentence.index
            and IN_PROTEST.search(text, sentence.start, action.trigger.start)
            and re.match(r"\s+(?:at|against|over)\b", text[action.trigger.end :])
            and not re.search(r"[,;]", text[action.trigger.end : mention.start])
        ):
            # "blocked the gate in protest at long waits at the Ibrahim
            # Khalil crossing": what they protest, not where they do.
            continue
        if INSTITUTION_IN.search(before):
            # "chanted slogans against the government in Erbil": whose
            # government, not where they chanted.
            continue
        if (
            mention.start > action.trigger.end
            and DECIDED_ON.match(fold(action.trigger.word))
            and POST_AT.search(before)
        ):
            # "the court sentenced a former customs director at Umm Qasr
            # port": where the one sentenced worked, not where the court sat.
            continue
        if TREATED_IN.search(before):
            # "the wounded were taken to hospital in Kirkuk": where they were
            # treated, not where they were hurt.
            continue
        if ORIGIN_BEFORE.search(before):
            # "sentenced two activists from the Badinan area": where they
            # are from, not where they were sentenced.
            continue
        if (
            mention.start < action.trigger.start
            and mention.sentence == sentence.index
            and (
                RELATIVE.search(text[action.clause.subject_start : mention.start])
                # "Soran Qasemi, 34, who organised kolbars … in the Sardasht
                # area, was arrested … in Mahabad".
                or RELATIVE_OPEN.search(text, sentence.start, mention.start)
            )
        ):
            # "refugees who had lived in the Domiz camp crossed…": where the
            # subject was, not where the action is.
            continue
        if mention.start > action.trigger.end and mention.sentence == sentence.index:
            between = text[action.trigger.end : mention.start]
            # "met executives of PetroChina, which operates West Qurna 1, in
            # Baghdad": past the closed clause, the action's own words.
            open_between = RELATIVE_SPAN.sub(",", between)
            if RELATIVE.search(open_between) and not (
                # "detained five men who had crossed into the Astara
                # district": where those held were is where they were held.
                action.event_type == T.ARREST
                and CAME_THERE.search(open_between)
                # Not where they came from: "who had crossed from Iran".
                and not ORIGIN_WORD_BEFORE.search(
                    text, max(0, mention.start - 20), mention.start
                )
            ):
                # "…who were planning to blow up a centre in Isfahan".
                continue
            if (
                action.event_type not in VIOLENT | {T.PROTEST, T.RIOT, T.ARREST}
                and not action.trigger.says
                and WHAT_IT_DID.search(between)
            ):
                # "struck down an instruction that tied salaries in the
                # Kurdistan Region to…": what the thing decided on does.
                continue
            if action.trigger.says and (
                re.search(r"\bthat\b|[“\"]", between) or len(between.split()) > 4
            ):
                # "denounced … elements in northern Iraq": where the words
                # are about, not where they were said.
                continue
        found.append(mention)
    if spread:
        # Not where they began, then.
        found = [m for m in found if not BEGAN_AT.search(text, sentence.start, m.start)]
    if bound_for and all(m.place.kind == Location.Kind.COUNTRY for m in found):
        # "struck a convoy travelling to the Tishreen Dam in northern Syria":
        # only the country besides.
        found = [*found, bound_for[0]]
    return found or home[:1]


def _best_place(
    text: str, main: Action, places: list[tuple[PlaceMention, Action]]
) -> PlaceMention | None:
    """The most precise place; of equals, the main clause's and the nearest."""
    scored = []
    for mention, action in places:
        dateline = mention.sentence != action.sentence.index
        score = detail(mention.place) - (0.5 if dateline else 0)
        own = 1 if action is main else 0
        distance = abs(mention.start - action.trigger.start)
        scored.append((score, own, -distance, mention))
    if not scored:
        return None
    return max(scored, key=lambda item: item[:3])[3]


# "on the road between Koya and the village of Sheikh Wasan": one place,
# told by the two it lies between.
BETWEEN_BEFORE = re.compile(r"\bbetween\s+(?:the\s+)?(?:town\s+of\s+)?$")
TOWNS_JOINED = re.compile(
    r"^\s*,?\s*(?:and|or)\s+(?:(?:in|near|at|on)\s+)?(?:the\s+)?"
    r"(?:(?:town|village|city|district)\s+of\s+)?$"
)


def _split_towns(
    text: str, places: list[tuple[PlaceMention, Action]]
) -> list[PlaceMention]:
    """
    The towns an incident is told in as several, each an event of its own:
    named together ("near Koya and in Zrgwez") or each with its own targets
    ("The strikes on Koya targeted the KDPI, while a camp of Komala in
    Zrgwez…"). A town that only says where another is ("south of Al-Qaim,
    close to Albu Kamal") is no event of its own.
    """
    towns = [
        (p, a)
        for p, a in places
        if p.place.kind in (Location.Kind.CITY, Location.Kind.SITE)
        and p.sentence == a.sentence.index
    ]
    chosen: dict[str, PlaceMention] = {}
    for first, _ in towns:
        for second, _ in towns:
            if first.place.name == second.place.name or second.start <= first.end:
                continue
            if (
                first.sentence == second.sentence
                and TOWNS_JOINED.match(text[first.end : second.start])
                and not BETWEEN_BEFORE.search(text, 0, first.start)
            ):
                chosen.setdefault(first.place.name, first)
                chosen.setdefault(second.place.name, second)
    targeted: dict[str, tuple] = {}
    for mention, action in towns:
        segment = _segment(action, mention, text)
        own = {
            p.place.name
            for p, a in towns
            if a is action and segment[0] <= p.start < segment[1]
        }
        targets = tuple(
            sorted(
                str(_key(m))
                for m, r in action.participants
                if r == Role.TARGET and segment[0] <= m.start < segment[1]
            )
        )
        if own == {mention.place.name} and targets:
            targeted.setdefault(mention.place.name, targets)
            chosen.setdefault(mention.place.name, mention)
        known = chosen.get(mention.place.name)
        if known and known.place.lat is None and mention.place.lat is not None:
            # "Zrgwez, south-east of Sulaymaniyah" tells more than "in Zrgwez".
            chosen[mention.place.name] = mention
    if len(set(targeted.values())) < len(targeted):
        # The same targets in two towns: one place described twice.
        for name in targeted:
            chosen.pop(name, None)
    return sorted(chosen.values(), key=lambda p: p.start)


def _for_town(
    text: str,
    town: PlaceMention,
    incident: Incident,
    participants: list[tuple[ActorMention, str]],
    places: list[tuple[PlaceMention, Action]],
) -> list[tuple[ActorMention, str]]:
    """
    The participants of one town's share of an incident: its initiators,
    and the targets named in the clause that names the town, or failing
    those the targets of the whole.
    """
    near: list[tuple[ActorMention, str]] = []
    alone: list[tuple[ActorMention, str]] = []
    for mention, action in places:
        if mention.place.name != town.place.name:
            continue
        segment = _segment(action, mention, text)
        here = [
            (m, r)
            for m, r in action.participants
            if r == Role.TARGET and segment[0] <= m.start < segment[1]
        ]
        near += here
        towns_here = {
            p.place.name
            for p, a in places
            if a is action
            and segment[0] <= p.start < segment[1]
            and p.place.kind in (Location.Kind.CITY, Location.Kind.SITE)
        }
        if towns_here == {town.place.name}:
            # "The strikes on Koya targeted the KDPI": this town's alone.
            alone += here
    near = alone or near
    others = [(m, r) for m, r in participants if r != Role.TARGET]
    targets = near or [(m, r) for m, r in participants if r == Role.TARGET]
    return _dedupe(others + targets)


SEGMENT_CUT = re.compile(r",?\s+(?:while|whereas)\s+|;\s+|,\s+and\s+")


def _segment(action: Action, mention: PlaceMention, text: str) -> tuple[int, int]:
    """The part of a sentence around a place, between "while", ";" or "and in"."""
    sentence = action.sentence
    start, end = sentence.start, sentence.end
    for cut in SEGMENT_CUT.finditer(text, sentence.start, sentence.end):
        if cut.end() <= mention.start:
            start = cut.end()
        elif cut.start() >= mention.end:
            end = min(end, cut.start())
    return start, end


def _fallback_date(
    text: str,
    main: Action,
    dates: list[DateMention],
    sentences: list[Sentence],
    published: datetime.date | None,
) -> dict | None:
    """
    Without a date of its own: the last date of the sentences before it in
    its paragraph; else, for an action (not a statement), the date of the
    paragraph before when it tells the same kind of action. Failing all,
    the publication month, with no text: a guess.
    """
    sentence = main.sentence
    paragraphs = 0
    for earlier in reversed(sentences[: sentence.index]):
        if earlier.heading or earlier.caption:
            break
        found = [d for d in dates if d.sentence == earlier.index]
        if found and found[-1].future and _past_action(text, main.trigger):
            # "A court will hear the case on Saturday. Police had detained
            # the suspect…": a day to come is no day of what was done.
            break
        if earlier.paragraph == sentence.paragraph:
            if found:
                return _date(found[-1])
            continue
        if main.event_type == T.STATEMENT or not found:
            # A paragraph without a date says nothing of when; look further.
            paragraphs += 1
            if paragraphs > 3 or main.event_type == T.STATEMENT:
                break
            continue
        kinds = DIPLOMATIC if main.event_type in DIPLOMATIC else {main.event_type}
        same_kind = any(t.kind in kinds for t in find_triggers(text, earlier))
        if same_kind:
            return _date(found[-1])
        break
    if published is None:
        return None
    return {
        "value": f"{published.year:04d}-{published.month:02d}",
        "precision": DatePrecision.MONTH.value,
        "text": None,
    }


# "came a week after Turkish security forces detained…", "three days after
# she was arrested": an action dated by how long before another it was.
OFFSET_AFTER = re.compile(
    r"\b(?P<count>an?|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+"
    r"(?P<unit>days?|weeks?)\s+after\s+(?:[^,;.]{0,60}?\s+)?$",
    re.IGNORECASE,
)


# "A day later, jets struck…", "The next day…", "A day earlier…", "Hours
# after the killing…", "That evening…": so many days from the incident just
# told (none for the same day).
OFFSET_LATER = re.compile(
    r"(?:\b(?P<count>an?|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"\d{1,2})\s+(?P<unit>days?)\s+(?P<way>later|earlier)"
    r"|\b(?:the\s+)?(?:next|following)\s+day"
    r"|\b(?P<same>(?:a\s+few\s+|several\s+|two\s+|three\s+)?(?:hours|minutes)\s+"
    r"(?:later|after\s+(?:the|his|her|their|its|that)\s+[a-z]+)"
    r"|(?:later|earlier)\s+(?:that|the\s+same)\s+day"
    # "the same evening"; "That evening" opening a sentence, or "on that
    # day", not "said that evening curfews…".
    r"|(?:\bthe\s+same|(?-i:\bThat)|(?<=\bon\s)that)\s+(?:day|evening|night|"
    r"morning|afternoon)(?!\s+(?:of|before|after)\b)"
    # A time of day with no day of its own: "at around 6 a.m.", "before
    # dawn", "shortly after noon".
    r"|(?P<clock>\b(?:at|by|before|after|until)\s+(?:around\s+|about\s+)?"
    r"\d{1,2}(?::\d\d|\.\d\d)?\s*[ap]\.?m\b"
    r"|\b(?:at|before|after)\s+(?:dawn|daybreak|noon|midday))))"
    r"\b",
    re.IGNORECASE,
)
# A clause of another verb, whose own time a count of days may be.
CLAUSE_OF_ITS_OWN = re.compile(
    r"\b(?:who|whom|whose|which|where|when|while|after|since|because)\b"
    r"|,\s+(?:that|having)\b",
    re.IGNORECASE,
)
# So many days before the day it was told: "…had killed five militants a
# day earlier", "the previous day", "two days before".
TOLD_EARLIER = re.compile(
    r"\b(?:(?P<count>an?|one|two|three|four|five|six|\d)\s+days?\s+"
    r"(?:earlier|before)(?!\s+(?:the|a|an|his|her|its|their)\b)"
    r"|the\s+(?:previous|preceding)\s+day|the\s+day\s+before)\b",
    re.IGNORECASE,
)
# The day something was said, right after the word: "said on Wednesday",
# "said in a statement on Wednesday".
SAID_ON = re.compile(
    r"\b(?:said|announced|reported|confirmed|stated)(?:\s+in\s+a\s+statement)?"
    r"(?:\s+(?:late|early))?\s*$"
)


def _quoted_at(text: str, start: int, at: int) -> bool:
    """Whether a quotation opened since `start` is still open at `at`."""
    before = text[start:at]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _later_date(
    text: str, main: Action, dates: list[DateMention], sentences: list[Sentence]
) -> dict | None:
    """The day of an action told as so long after (or before) the incident
    just told, when that one is known to the day: "A day later, jets
    struck…", "Hours after the killing, police imposed a curfew…". The
    incident just told is the last date of the sentences before, not the
    day someone spoke of one."""
    sentence = main.sentence
    # Up to where the action's words end: "Baku evacuated its diplomats two
    # days later and called…", "summoned the envoy, Mr X, the same evening".
    match = OFFSET_LATER.search(text, sentence.start, main.scope_end)
    if (
        match is not None
        and match.start() < main.trigger.start
        and re.search(
            # "Two days earlier, police had detained…" is the day before.
            r"\bthat\b"
            if (match.group("way") or "").casefold() == "earlier"
            else r"\bthat\b|\bhad\b",
            text[match.end() : main.trigger.start],
        )
    ):
        # "A day later it emerged that police had detained…": when it was
        # learnt, not when it happened.
        match = None
    if match is None:
        return None
    if match.group("clock") and any(d.sentence == sentence.index for d in dates):
        # "at about 3 a.m. on Sunday": the time of a day the sentence tells.
        return None
    other = _another_event(text, match, main, dates)
    if other is not None:
        # "Hours after the killing of Hassan Nasrallah in September last
        # year, Iran vowed…": after an event of its own, not the one just
        # told; the same day (or month) as that one, when its words date it.
        return _date(other) if isinstance(other, DateMention) else None
    anchor = next(
        (
            d
            for d in reversed(dates)
            if d.sentence < sentence.index
            # "will hear the case on Saturday. Two days earlier…": not
            # counted from a day to come.
            and not d.future
            # A dateline's day is when it was filed, no incident's.
            and not sentences[d.sentence].heading
            and not sentences[d.sentence].caption
            # "The ministry said on Wednesday…": the day it was told.
            and SAID_ON.search(text, sentences[d.sentence].start, d.start) is None
            # "“We expect 4 million pilgrims this year,” he said": words quoted.
            and not _quoted_at(text, sentences[d.sentence].start, d.start)
        ),
        None,
    )
    if anchor is None or anchor.precision != DatePrecision.DAY.value:
        # "…since January, when Iran struck… Two days later": the incident
        # just told is known to the month only.
        return None
    if match.group("same"):
        days = 0
    else:
        days = number(match.group("count")) if match.group("count") else 1
        if (match.group("way") or "").casefold() == "earlier":
            days = -days
    try:
        day = datetime.date.fromisoformat(anchor.value) + datetime.timedelta(days=days)
    except ValueError:
        return None
    return {
        "value": day.isoformat(),
        "precision": DatePrecision.DAY.value,
        "text": match.group(0).strip(),
    }


# "the killing of Hassan Nasrallah": the event after which, by whom it
# befell.
OF_NAMED = re.compile(r"\s+of\s+(?P<name>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*)")


def _another_event(
    text: str, match: re.Match, main: Action, dates: list[DateMention]
) -> DateMention | bool | None:
    """Whether "hours after the killing…" names an event of its own: its
    date, when its words give one; True when it is of someone the sentences
    before do not name; None when it is the incident just told."""
    if not match.group("same") or "after" not in match.group(0).casefold():
        return None
    # Its words: up to the comma, the action word, or the sentence's end.
    limit = (
        main.trigger.start if match.start() < main.trigger.start else main.sentence.end
    )
    end = text.find(",", match.end(), limit)
    end = limit if end < 0 else end
    inside = [d for d in dates if match.end() <= d.start < end]
    if inside:
        return inside[0]
    named = OF_NAMED.match(text, match.end(), end)
    if named is None or any(
        re.search(rf"\b{re.escape(word)}\b", text[: main.sentence.start])
        for word in named.group("name").split()
    ):
        return None
    return True


def _offset_date(
    text: str,
    main: Action,
    dates: list[DateMention],
    told: list[Incident],
    sentences: list[Sentence],
) -> dict | None:
    """
    The day (or week) of an action told as so long before another: the
    other dated in the same sentence ("died on Sept. 16, 2022, three days
    after she was arrested"), else the incident just told ("The talks came
    a week after…"), when that one is known to the day.
    """
    sentence = main.sentence
    match = OFFSET_AFTER.search(text, sentence.start, main.trigger.start)
    if match is None:
        return _later_date(text, main, dates, sentences)
    days = number(match.group("count"))
    week = match.group("unit").casefold().startswith("week")
    if week:
        days *= 7
    anchor = next(
        (
            d.value
            for d in reversed(dates)
            if d.sentence == sentence.index
            and d.end <= match.start()
            and d.precision == DatePrecision.DAY.value
        ),
        None,
    )
    if anchor is None:
        dated = [i for i in _named_first(text, sentence, told) if i.when]
        if not dated or dated[-1].when.get("precision") != DatePrecision.DAY.value:
            return None
        anchor = dated[-1].when["value"]
    try:
        day = datetime.date.fromisoformat(anchor) - datetime.timedelta(days=days)
    except ValueError:
        return None
    if week:
        day -= datetime.timedelta(days=day.weekday())
    return {
        "value": day.isoformat(),
        "precision": (DatePrecision.WEEK if week else DatePrecision.DAY).value,
        "text": match.group(0).strip(),
    }


# "The handover came a day after…": the incident the sentence opens with.
CAME_AFTER_SUBJECT = re.compile(
    r"\s*(?:The|That|This)\s+(?P<noun>[a-z][\w-]*)\s+(?:came|was|happened|"
    r"followed|took place)\b"
)


def _named_first(text: str, sentence: Sentence, told: list[Incident]) -> list[Incident]:
    """
    The incidents told before, those of the kind the sentence's opening noun
    names last ("The handover came a day after…" is of the handover, not of
    the talks told since): the one an offset counts from is the last.
    """
    opening = CAME_AFTER_SUBJECT.match(text, sentence.start, sentence.end)
    if opening is None:
        return told
    noun = opening.group("noun").casefold()
    phrase = f"the {noun}"
    kinds = {
        k for kinds, pattern in ANAPHORS if pattern.fullmatch(phrase) for k in kinds
    }
    # The incident told in the noun's own word ("handed over"), else of the
    # kind it names ("the talks"); a word for anything ("the move") names
    # the last.
    named = [
        i for i in told if fold(i.main.trigger.word).replace(" ", "")[:4] == noun[:4]
    ] or [i for i in told if i.event_type in kinds and kinds != ALL_TYPES]
    if not named:
        return told
    last = told.index(named[-1])
    return told[: last + 1]


def _date(mention: DateMention) -> dict:
    return {
        "value": mention.value,
        "precision": mention.precision,
        "text": mention.text,
    }


# Who did what: the subject, the object and the rest of a clause.

INVERTED_SPEAKER = re.compile(r"[,”\"]\s*[”\"]?\s*([^,”\"\s][^,”\"]*?)\s*$")
# The speaker with who they are after the name: "…,” Alireza Karimi, the
# province's deputy governor, told state television.
INVERTED_SPEAKER_APPOSED = re.compile(
    r"[,”\"]\s*[”\"]?\s*([^,”\"\s][^,”\"]*?,\s+[^,”\"]+?),\s*$"
)
# "…,” the minister said in a statement, adding that…": what is added goes
# on from the words before the speaker.
ADDED_AFTER = re.compile(r",\s+(?:adding|saying|noting|leaving)\b")
QUOTE_CLOSED = re.compile(r"(?:,\s*[”\"]|[”\"]\s*,)\s*$")


def _clause(text: str, sentence: Sentence, trigger: Trigger) -> _Clause:
    start = sentence.start
    region = text[start : trigger.start]
    after = text[trigger.end : sentence.end]
    added = ADDED_AFTER.search(after)
    tail = after[: added.start()] if added else after
    short_tail = len(tail.split()) <= 10 and not re.search(r"[“\"]", tail)
    if trigger.says and short_tail and not re.match(r"\s*(?:that\b|:)", after):
        speaker = INVERTED_SPEAKER.search(region)
        limit = 10
        if speaker is None:
            speaker, limit = INVERTED_SPEAKER_APPOSED.search(region), 16
        if (
            speaker
            and region[: speaker.start()].strip()
            and len(speaker.group(1).split()) <= limit
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
        # "On Thursday the Ministry of Interior, which oversees the police,
        # suspended": the last piece that is neither empty nor relative.
        pieces = [
            (s, e)
            for s, e in segments
            if region[s:e].strip() and not RELATIVE_OPENING.match(region[s:e])
        ]
        first = (pieces or segments or [(0, 0)])[-1][0]
        last = len(region)
    elif trigger.says:
        # "Amir-Abdollahian, speaking in Tehran, said": the subject comes first.
        first, last = kept[0][0], len(region)
    elif len(segments) > 2 and (
        AUXILIARIES_ONLY.fullmatch(region, *segments[-1])
        # "Teachers and relatives of a detained colleague, Aso Karimi,
        # have been staging a sit-in": the verb that carries the noun.
        or STAGING.fullmatch(region, *segments[-1])
    ):
        # "The fishermen, all from Fao, were detained": the words between the
        # commas tell of the subject before them.
        first, last = segments[-3][0], len(region)
    elif (
        len(kept) >= 3
        and VERB_OPENING.match(region, *kept[-1])
        and APPOSED_NAME.fullmatch(region, *kept[-2])
    ):
        # "The head of the Supreme Judicial Council, Faiq Zaidan, arrived in
        # Amarah and met…": the subject and its name before the verbs.
        first, last = kept[-3][0], len(region)
    elif (
        len(kept) >= 2
        and THEN_OFFICE.match(region, *kept[-1])
        and not region[kept[-1][1] :].strip(", ")
    ):
        # "Ali Akbar Velayati and Hoshyar Zebari, then Iraq's foreign
        # minister, signed": the office once held is told of the names
        # before it.
        first, last = kept[-2][0], len(region)
    elif (listed := _name_list_start(region, kept)) is not None:
        # "Iran, Russia, Azerbaijan and Armenia signed": the whole list of
        # names is the subject, not its last piece.
        first, last = listed, len(region)
    else:
        first, last = kept[-1][0], len(region)
    main_start = main_end = start + first
    # Not a connector inside ", which regards the YBS as a branch of the PKK,".
    masked = RELATIVE_SPAN.sub(lambda m: " " * len(m.group()), region)
    connectors = list(CONNECTOR_RE.finditer(masked, first, last))
    if connectors and not trigger.says:
        connector = connectors[-1]
        if region[connector.end() : last].strip():
            main_end = start + connector.start()
            first = connector.end()
    return _Clause(start + first, start + last, main_start, main_end)


# A piece of a list of names: "Iran", "the UAE", "and Armenia", "Azerbaijan
# and Armenia"; not the day or place before a clause ("On Monday", "In Baku").
_LISTED_NAME = (
    r"(?:the\s+)?(?!(?:On|In|At|From|After|Before|During|Late|Early)\b)"
    r"(?:[A-Z][\w’'.-]*\s*){1,4}"
)
LISTED_NAMES = re.compile(rf"\s*(?:and\s+)?{_LISTED_NAME}(?:and\s+{_LISTED_NAME})?")


def _name_list_start(region: str, pieces: list[tuple[int, int]]) -> int | None:
    """Where a list of names ending the words before the verb begins, when
    its pieces are set off by commas and the last joins two with "and"."""
    if len(pieces) < 2 or not re.search(r"\band\s", region[slice(*pieces[-1])]):
        return None
    if not LISTED_NAMES.fullmatch(region, *pieces[-1]):
        return None
    first = None
    for s, e in reversed(pieces[:-1]):
        if LIST_OPENING.search(region, s, e) and " and " not in region[s:e]:
            # "Foreign ministers of Turkey, Iran and Russia": the list opens
            # on the words whose it is.
            return s
        if " and " in region[s:e] or not LISTED_NAMES.fullmatch(region, s, e):
            break
        first = s
    return first


LIST_OPENING = re.compile(
    # "Delegations from Russia, Iran and Turkmenistan" too.
    r"\s(?:of|from)\s+(?:the\s+)?[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*\s*$"
)


RELATIVE_OPENING = re.compile(r"\s*(?:who|which|whose)\b", re.IGNORECASE)
# A piece that opens on the verb of a subject told before it: "arrived in".
VERB_OPENING = re.compile(r"\s*(?:[a-z]+ed|met|held|flew|went|led|sent|took)\b")
# A name set off by commas: ", Faiq Zaidan,".
APPOSED_NAME = re.compile(r"\s*(?:[A-Z][\w’'.-]*\s*){1,5}")
# A noun's clause after an action word: "an instruction that tied…".
WHAT_IT_DID = re.compile(r"\b[a-z]{3,}\s+that\s+(?:had\s+)?[a-z]+(?:ed|s)\b")
RELATIVE_SPAN = re.compile(
    r",\s*(?:who|which|whose"
    # ", the state body that pays the salaries of the militias,": an
    # apposition with its own relative clause.
    r"|(?:the|a|an)\s[^,]*?\b(?:that|which|who)"
    r")\b[^,]*,",
    re.IGNORECASE,
)
# Inside a subject, words set off as a relative clause: ", which regards…".
RELATIVE_ASIDE = re.compile(r",\s*(?:who|which|whose)\b[^,]*$", re.IGNORECASE)
# What a subject's last piece is when it only completes the name before it:
# an apposition ("Amini, a 22-year-old Kurdish woman, died"; "Al-e Sadegh,
# Iran's ambassador, said") or the verb's
# own words ("Amini's father, Amjad Amini, was briefly detained").
APPOSITION_OR_VERB = re.compile(
    r"^\s*(?:(?:a|an|the|his|her|its|[A-Z][\w.-]*(?:\s[A-Z][\w.-]*)*[’']s)\s[^,]*"
    r"|[a-z\s-]*),?\s*$"
)


# An apposition telling a person's office: "the leader of the Badr
# Organisation", "a senior commander of Kataib Hezbollah".
OFFICE_APPOSITION = re.compile(
    r"\s*(?:the|a|an)\s+(?:[\w-]+\s+){0,3}?(?:"
    + "|".join(sorted(TITLE_WORDS))
    + r"|secretary-general|spokesperson)\s+(?:of|for|to|at|in)\b",
    re.IGNORECASE,
)


# ", and Iran's Minister of Roads and Urban Development, " before a name.
_TITLES = "|".join(sorted(TITLE_WORDS | {"lieutenant", "admiral", "marshal"}))
COORDINATED_APPOSITION = re.compile(
    rf",\s+and\s+[^,;]{{3,80}},\s*(?:(?:{_TITLES})\.?\s+)*$", re.IGNORECASE
)
# "Kamal Rasul, 38, a member of the party, was": the name that opens the
# sentence, its age, and what it is told to be, before the verb.
PERSON_APPOSED = re.compile(r"\s*,\s*(?:\d{1,3}\s*,\s*)?")
INDEFINITE_APPOSITION = re.compile(
    r"\s*(?:\d{1,3}\s*,\s*)?an?\s+[a-z][^;]*?,\s*(?:was|were|had been)\s*$"
)
# A sentence that opens on an office of a body, then the person's name.
HEAD_OF_COMMA_BEFORE = re.compile(
    r"[Tt]he\s+(?:head|chief|leader|commander|director|chairman|president|"
    r"secretary-general|governor|speaker)\s+of\s+(?:the\s+)?[^,]{1,60},\s*$"
)
# "the army's chief of staff, Major General …": a rank may stand between
# the comma and the name.
OFFICE_COMMA_BEFORE = re.compile(
    rf"\b(?:{_TITLES})\s*,\s*(?:(?:{_TITLES})\.?\s+)*$", re.IGNORECASE
)


# A comma piece that is only an age: ", 75," in "Fuad Hussein, 75, a …".
AGE_PIECE = re.compile(r"\s*\d{1,3}\s*")


def _subject_before_apposition(
    text: str, sentence: Sentence, clause: _Clause, mentions: list[ActorMention]
) -> list[ActorMention]:
    """The names of the comma-piece before a subject that names nobody."""
    piece = text[clause.subject_start : clause.subject_end]
    if not APPOSITION_OR_VERB.match(piece):
        return []
    if re.search(r"\b(?:after|before|when|because|while|since|until)\b", piece):
        # "…, came two days after a drone attack killed": the clause's own
        # subject is after the conjunction, not the piece before.
        return []
    end = text.rfind(",", sentence.start, clause.subject_start)
    if end < 0 or text[end + 1 : clause.subject_start].strip():
        # "…, came two days after a drone attack killed": the subject is not
        # set beside the piece before.
        return []
    start = max(text.rfind(",", sentence.start, end) + 1, sentence.start)
    if AGE_PIECE.fullmatch(text, start, end) and start > sentence.start:
        # "Fuad Hussein, 75, a veteran Kurdish politician, met": past the
        # age, to the name it is told of.
        end = start - 1
        start = max(text.rfind(",", sentence.start, end) + 1, sentence.start)
    return [m for m in mentions if start <= m.start and m.end <= end]


def _aside(segment: str) -> bool:
    """A comma-separated piece that is not the subject: "After the attacks", …"""
    words_ = segment.split()
    if not words_:
        return True
    first = fold(words_[0].strip('“”"'))
    return first in OPENERS or first in ("who", "which") or first.endswith("ing")


# "what it said were", "what it described as": the doer's own words for
# the object, which follows.
WHAT_DESCRIBED = re.compile(
    r"\s+(?:[a-z]+\s+){0,2}?(?:on|at|against)?\s*what\s+(?:it|he|she|they)\s+"
    r"(?:said|says|described|called|claimed|identified)\s+(?:as|were|was|is|are)\b",
    re.IGNORECASE,
)


def _object_end(text: str, trigger: Trigger, limit: int) -> int:
    """Where the words the action applies to end: at a comma, "who", "after"…"""
    start = trigger.end
    described = WHAT_DESCRIBED.match(text, start, limit)
    if described:
        # "struck what it described as hideouts of the PKK": the hideouts.
        start = described.end()
    ends = [OBJECT_END_RE.search(text, start, limit)]
    if not trigger.says:
        ends.append(AUXILIARY_RE.search(text, start, limit))
    return min((m.start() for m in ends if m), default=limit)


def _participants(
    text: str,
    sentence: Sentence,
    trigger: Trigger,
    kind: str,
    clause: _Clause,
    mentions: list[ActorMention],
    all_mentions: list[ActorMention],
    previous: Action | None,
    *,
    scope_end: int,
) -> list[tuple[ActorMention, str]]:
    """
    The actors of the clause in their roles: the subject before the verb
    (its initiator, a signatory, or its target in the passive), the object
    after it, "in the presence of" a witness, "by" an agent, "according to"
    a source; the rest mentioned. A pronoun subject is resolved. A name that
    only qualifies another ("Iran’s" in "Iran’s Revolutionary Guard") is
    no participant.
    """
    roles: dict[int, str] = {}
    after = text[trigger.end : scope_end]
    passive = (
        PASSIVE_BEFORE.search(text[sentence.start : trigger.start]) is not None
        or BY_AFTER.match(after) is not None
    ) and not trigger.says
    # "security forces had been deployed": who is deployed is who deploys.
    head_role = _head_role(kind, passive=passive and kind != T.DEPLOYMENT)
    if kind == T.OTHER and SWAP.search(trigger.word) and not passive:
        # "Iran and the United States exchanged prisoners": each side takes
        # part, as in a meeting.
        head_role = Role.PARTICIPANT
    if kind in VIOLENT and DEFENDED.match(text, trigger.start):
        # "coalition forces shot down two drones approaching the airport":
        # the attack was on them.
        head_role = Role.TARGET
    if kind in VIOLENT and _ran_onto_a_bomb(text, sentence, trigger):
        # "An army convoy hit a roadside bomb": the convoy was attacked.
        head_role = Role.TARGET
    # "the Ministry of Interior, which oversees the police, suspended": the
    # relative clause's names are not the subject.
    relative = [
        r.span()
        for r in RELATIVE_SPAN.finditer(text, clause.subject_start, clause.subject_end)
    ]
    in_subject = [
        m
        for m in mentions
        if clause.subject_start <= m.start
        and m.end <= clause.subject_end
        and not any(s <= m.start and m.end <= e for s, e in relative)
    ]
    if not trigger.says and not any(
        not _modifier(text, m, in_subject) for m in in_subject
    ):
        # "Qasim al-Araji, Iraq's national security adviser, met": the name
        # before an apposition that names only the state of his office.
        in_subject = (
            _subject_before_apposition(text, sentence, clause, mentions) or in_subject
        )
    elif in_subject:
        # "Hadi Amiri, the leader of the Badr Organisation, met": the person
        # the apposition tells the office of, not the body of the office.
        person = [
            m
            for m in _subject_before_apposition(text, sentence, clause, mentions)
            if m.kind == Actor.Kind.PERSON
        ]
        if person and OFFICE_APPOSITION.match(
            text, clause.subject_start, clause.subject_end
        ):
            in_subject = person
    if not in_subject and not trigger.says:
        # "Soran Qasemi, 34, who organised kolbars, …, was arrested": the
        # name that opens the sentence, before the clause about it.
        in_subject = [
            m
            for m in mentions
            if not text[sentence.start : m.start].strip(' “"')
            and SUBJECT_ASIDE.match(text, m.end)
            and RELATIVE_OPEN.search(text, m.end, clause.subject_start)
        ][:1]
    opener = [
        m
        for m in mentions
        if m.kind == PERSON
        and not text[sentence.start : m.start].strip(' “"')
        and m.end <= clause.subject_start
    ][:1]
    if (
        opener
        and not trigger.says
        and PERSON_APPOSED.fullmatch(text, opener[0].end, clause.subject_start)
        and INDEFINITE_APPOSITION.match(text, clause.subject_start, clause.subject_end)
    ):
        # "Kamal Rasul, 38, a member of the Kurdistan Freedom Party, was
        # hit…": the person the sentence opens with, whose party is only
        # named.
        in_subject = opener
        for m in mentions:
            if clause.subject_start <= m.start and m.end <= clause.subject_end:
                roles[id(m)] = Role.MENTIONED
    # "Turkey, which regards the YBS as a branch of the PKK, carried out…":
    # the names of a relative clause are not its subject.
    in_subject = [
        m
        for m in in_subject
        if not RELATIVE_ASIDE.search(text[clause.subject_start : m.start])
    ] or in_subject
    qualified = _reduced_passive(text, sentence, trigger)
    if qualified is not None:
        # The participle's own head, not the main clause's subject.
        in_subject = [m for m in mentions if qualified[0] <= m.start < qualified[1]]
    heads = [m for m in in_subject if not _modifier(text, m, in_subject)]
    named_after_office = [
        m
        for m in heads
        if m.kind == Actor.Kind.PERSON
        and (
            OFFICE_COMMA_BEFORE.search(text, sentence.start, m.start)
            # "The head of the Supreme Judicial Council, Faiq Zaidan,".
            or HEAD_OF_COMMA_BEFORE.match(text, sentence.start, m.start)
        )
        and re.match(r"\s*,", text[m.end : m.end + 3])
    ]
    if named_after_office:
        # "Iran's foreign ministry spokesman, Esmaeil Baghaei, said": the
        # person the office is told of, not the body of the office.
        heads = named_after_office[:1]
    if kind in (T.PROTEST, T.RIOT):
        # "Dozens of PAK supporters gathered": protesters, of the party.
        heads = [
            m
            for m in heads
            if not FOLLOWERS_AFTER.match(text, m.end)
            and not SUPPORTERS_OF.search(text, sentence.start, m.start)
            # "relatives of a jailed teacher, Aso Karimi, gathered": the one
            # the crowd speaks for is not in it.
            and not RELATIVES_OF.search(text, sentence.start, m.start)
        ]
    if trigger.says and heads and heads[0].end <= trigger.start:
        # "Bafel Talabani, the leader of the PUK, which governs…, condemned":
        # the speaker, not the words about him; "The ministry named X and Y
        # and said": the one who names and says.
        first_comma = text.find(",", heads[0].end, trigger.start)
        verb = re.search(r"\b[a-z]+ed\b", text[heads[0].end : trigger.start])
        cut = min(
            [c for c in (first_comma,) if c >= 0]
            + ([heads[0].end + verb.start()] if verb else [])
            + [trigger.start]
        )
        heads = [m for m in heads if m.start < cut]
    modifiers = {id(m) for m in mentions if _modifier(text, m, mentions)}
    if heads and heads[0].kind == Actor.Kind.PERSON:
        # "Iraq's transport minister, A, and Iran's minister of roads, B, put
        # their signatures to…": the person named before "and" with B.
        joined = COORDINATED_APPOSITION.search(text, sentence.start, heads[0].start)
        first = next(
            (
                m
                for m in mentions
                if joined is not None
                and m.end == joined.start()
                and m.kind == Actor.Kind.PERSON
                and OFFICE_COMMA_BEFORE.search(text, sentence.start, m.start)
            ),
            None,
        )
        if first is not None and first not in heads:
            heads = [first, *heads]
    for mention in heads:
        roles[id(mention)] = head_role

    resolved: list[ActorMention] = []
    if not heads:
        resolved = _resolve_pronoun(
            text,
            text[clause.subject_start : clause.subject_end],
            clause,
            mentions,
            all_mentions,
            sentence,
            previous,
        )

    object_end = _object_end(text, trigger, scope_end)
    presence = re.search(r"in the presence of", after)
    for mention in mentions:
        if id(mention) in roles or mention.start < trigger.end:
            continue
        if SPEAKER_INVERTED.search(text, sentence.start, mention.start):
            # "…were wounded in the clashes, said Kamal Ahmed, the director
            # of the health department": who tells of it.
            roles[id(mention)] = Role.MENTIONED
            continue
        if kind in VIOLENT and OPERATOR_BEFORE.search(
            text, sentence.start, mention.start
        ):
            # "a drone struck the Khor Mor gas field …, the field's operator,
            # Pearl Petroleum, said": whose field was struck.
            roles[id(mention)] = Role.TARGET
            continue
        if id(mention) in modifiers:
            if kind == T.PROTEST and re.search(
                r"\bagainst\s+(?:the\s+)?$", text[trigger.end : mention.start]
            ):
                # "to protest against the Kurdistan Regional Government’s
                # failure to pay": whose failure is protested against.
                roles[id(mention)] = Role.TARGET
            elif (
                kind == T.PROTEST
                and PROTESTING_BEFORE.search(text[trigger.end : mention.start])
                and STRIKES_OWNED.match(text, mention.end)
            ):
                # "marched to protest Turkey's drone strikes", "denounced
                # Iran's shelling of border villages": who struck is whom the
                # crowd protests against.
                roles[id(mention)] = Role.TARGET
            continue
        between = text[trigger.end : mention.start]
        if (
            kind == T.BATTLE
            and passive
            and mention.start >= trigger.end
            and "," not in between
            and FOUGHT_WITH.search(between[-FOUGHT_WITH_SPAN:])
        ):
            # "Three border guards were killed in a gunfight near Mandali
            # with fighters of Liwa al-Shabab al-Risali": the side whose
            # dead are told is struck by the other, named as the unnamed is.
            roles[id(mention)] = Role.INITIATOR
            continue
        if (
            kind in VIOLENT | {T.ARREST}
            and mention.start >= trigger.end
            and "," not in between
            and MEMBERS_OF.search(between)
        ):
            # "killed a senior commander of Harakat al-Nujaba": struck in
            # its commander; not so "killed X, the commander of…".
            roles[id(mention)] = Role.TARGET
            continue
        aside = _aside_role(text, sentence, mention)
        if aside is not None:
            if aside:
                roles[id(mention)] = aside
            continue
        before = text[trigger.end : mention.start]
        if kind in (T.PROTEST, T.RIOT) and SUPPORTERS_OF.search(
            text, sentence.start, mention.start
        ):
            # "several hundred supporters of al-Hamdani gathered…": the crowd
            # protests, not the one it supports.
            continue
        after_presence = presence and mention.start >= trigger.end + presence.end()
        if after_presence and not re.search(
            r"[,;]", text[trigger.end + presence.end() : mention.start]
        ):
            roles[id(mention)] = Role.WITNESS
            continue
        if mention.start >= object_end and OTHER_TIME.search(
            text, object_end, mention.start
        ):
            # "arrested Karim …, two days after he reported on a protest
            # against Turkish military operations": another time's actors.
            continue
        if kind in DIPLOMATIC and TOPIC_BEFORE.search(before):
            # "to discuss the disarmament of Iranian Kurdish opposition
            # groups": the subject of the talks takes no part in them.
            continue
        if COMMEMORATED.search(before):
            # "marking the anniversary of the death of Mahsa Amini": who is
            # remembered takes no part.
            continue
        if HYPOTHETICAL.search(before):
            # "would hold it responsible for any attack on American
            # personnel": no one in what has not happened.
            continue
        if OTHER_DOER.search(before) and not trigger.says:
            # "to protest against a ruling by Iraq's Federal Supreme Court":
            # the doer of another action, told in its own words.
            continue
        if re.search(r"\baccording to\s+(?:the\s+)?[^,;]*$", before, re.IGNORECASE) or (
            # "according to the district's mayor, Hemin Rasul".
            mention.kind == PERSON
            and ACCORDING_TO_TITLE.search(before)
            and re.match(r"\s*(?:[.;]|$)", text[mention.end : sentence.end])
        ):
            roles[id(mention)] = Role.MENTIONED
        elif kind in (T.PROTEST, T.RIOT) and re.match(
            r"\s+(?:flags?|banners?|posters?|pictures?|portraits?)\b",
            text[mention.end :],
        ):
            # "waving SDF flags": what the crowd carries takes no part.
            continue
        elif kind in (T.PROTEST, T.RIOT) and PROTESTED_AGAINST.search(before):
            # "chanting slogans against Turkey": who the protest is against.
            roles[id(mention)] = Role.TARGET
        elif kind == T.APPOINTMENT and REPLACING_BEFORE.search(before):
            # "appointed X as commander, replacing Lt. Gen. Y": who is
            # removed.
            roles[id(mention)] = Role.TARGET
        elif LINKED_BEFORE.search(before) or ACCUSED_OF_FOR.search(before):
            # "a cell linked to Israel's Mossad", "over alleged membership
            # of PJAK", "accused of gathering information for the IRGC":
            # named, not acting nor acted on.
            roles[id(mention)] = Role.MENTIONED
        elif kind in VIOLENT | {T.ARREST} and MEMBERS_OF.search(before):
            # "killing three members of the PKK".
            roles[id(mention)] = Role.TARGET
        elif ACCUSING_BEFORE.search(before):
            # Who a statement accuses is its target; who others blame for
            # an incident is named, not shown doing it ("…, according to
            # Pakistani officials, who blamed Iranian forces").
            roles[id(mention)] = (
                Role.MENTIONED
                if kind in VIOLENT
                and not trigger.says
                and mention.start > trigger.end
                and OTHERS_BLAME.search(text, trigger.end, mention.start)
                else Role.TARGET
            )
        elif (
            passive
            and re.search(r"\bby\s+(?:the\s+|its\s+|their\s+)?$", before)
            and OTHER_AGENT.search(before)
        ):
            # "…until it rules on a complaint filed by al-Hamdani": who did
            # another thing the clause tells of speaks of this one.
            roles[id(mention)] = Role.MENTIONED
        elif passive and re.search(r"\bby\s+(?:the\s+|its\s+|their\s+)?$", before):
            roles[id(mention)] = (
                Role.SIGNATORY if kind == T.AGREEMENT else Role.INITIATOR
            )
        elif (
            passive
            and kind == T.AGREEMENT
            and re.search(r"\bby\b[^;]*\band\s+(?:the\s+)?$", before)
        ):
            # "signed by X and Y".
            roles[id(mention)] = Role.SIGNATORY
        elif passive and AGENT_TOLD.search(before):
            # "signed by Iraq's deputy electricity minister, Adel Karim, and
            # the managing director of the NIGC, Majid Chegeni": the agents
            # told by their offices, then named.
            roles[id(mention)] = (
                Role.SIGNATORY if kind == T.AGREEMENT else Role.INITIATOR
            )
        elif MEDIATED_BY.search(before):
            roles[id(mention)] = Role.MEDIATOR
        elif kind == T.MEETING and MET_THERE.search(before):
            # "visited Ankara in May, when he met Hakan Fidan": whom the
            # visitor met there.
            roles[id(mention)] = Role.PARTICIPANT
        elif ATTENDED_BY.search(before):
            # "in a ceremony attended by Pezeshkian and al-Sudani".
            roles[id(mention)] = Role.WITNESS
        elif passive and kind in VIOLENT and AGENT_WHEN.search(before):
            # "a kolbar was wounded when border guards opened fire".
            roles[id(mention)] = Role.INITIATOR
        elif mention.end <= object_end:
            roles[id(mention)] = _object_role(kind, trigger, before)
        elif _apposed(text, trigger, object_end, mention, mentions, modifiers):
            # "summoned Iraq's ambassador, Al-Manhal al-Safi": the name set
            # beside an object told by its office is the object.
            roles[id(mention)] = _object_role(kind, trigger, before)
        elif (
            kind in (T.PROTEST, T.RIOT)
            and mention.kind == Actor.Kind.SECURITY_FORCE
            and DISPERSING_AFTER.match(text, mention.end)
        ):
            # "…before police dispersed them with water cannon": a force
            # that intervenes takes part.
            roles[id(mention)] = Role.PARTICIPANT
        elif (
            trigger.says
            and mention.start >= trigger.end
            and THREAT_IN.search(text, trigger.end, sentence.end)
        ):
            # "announced it was ending the truce it had observed with U.S.
            # forces and vowed to avenge its commander": who is threatened.
            roles[id(mention)] = Role.TARGET
        elif (
            trigger.says
            or clause.main_end > clause.main_start
            or _speaks_or_accused(text, mention, sentence)
            or SAYING.search(text, trigger.end, mention.start)
        ):
            # Named in what is said ("Iraq announced that it would redeploy
            # federal guards …, rather than leaving it to Kurdish peshmerga
            # forces"; "…, where Tehran says Kurdish armed groups pose a
            # threat"), or speaking of the action, or named as its doer by
            # others: mentioned.
            roles[id(mention)] = Role.MENTIONED
        # Any other name after the action ("near a base of Kataib
        # Hezbollah", "a commander of the PMF") is not recorded.
    # "sentenced … Aram Faraji, 34, and Farhad Moradpour, a teacher": a list
    # of people goes on in the role of its first.
    ordered = sorted(mentions, key=lambda m: m.start)
    for previous, mention in itertools.pairwise(ordered):
        role = roles.get(id(previous))
        if (
            id(mention) not in roles
            and mention not in resolved
            and role in (Role.TARGET, Role.PARTICIPANT, Role.SIGNATORY)
            and mention.kind == PERSON
            and (
                previous.kind == PERSON
                and (
                    LIST_GOES_ON.fullmatch(text, previous.end, mention.start)
                    # "met Hakan Fidan and Turkey's defence minister, Yasar
                    # Guler": the next person told by his office.
                    or LIST_GOES_ON_TITLED.fullmatch(text, previous.end, mention.start)
                )
                # "sanctions on Harakat Ansar Allah al-Awfiya, an armed
                # group, and on its secretary general, Haidar al-Gharawi".
                or LIST_GOES_ON_OFFICE.fullmatch(text, previous.end, mention.start)
            )
        ):
            roles[id(mention)] = role
    # "Dara Qadir Mahmoud of the Patriotic Union of Kurdistan", "Saraya
    # Salam of the Sadrist Movement": the body after "of the" is whose the
    # name before it is, not a part of its own.
    belongs = {
        id(mention)
        for previous, mention in itertools.pairwise(ordered)
        if AFFILIATION.fullmatch(text, previous.end, mention.start)
    }
    participants = [(m, head_role) for m in resolved if id(m) not in belongs]
    participants += [
        (m, roles[id(m)]) for m in mentions if id(m) in roles and id(m) not in belongs
    ]
    return _dedupe(participants)


AFFILIATION = re.compile(r"\s+of\s+the\s+")


def _speaks_or_accused(text: str, mention: ActorMention, sentence: Sentence) -> bool:
    """
    Whether a name told after an action speaks of it ("…, the Asayish
    security service in Sulaymaniyah said", "a move the KDP called a
    provocation") or is named by others as the doer of something ("an
    attack that police blamed on Islamic State", "which it said had helped
    the Quds Force").
    """
    before = text[sentence.start : mention.start]
    if SPEAKS_AFTER.match(text, mention.end, sentence.end):
        # "a source in the Popular Mobilisation Forces said": not the body.
        return not SOURCE_IN.search(before)
    return bool(
        NAMED_DOER_BEFORE.search(before)
        or LINKED_BEFORE.search(before)
        or ACCUSING_BEFORE.search(before)
        or BLAMED_BEFORE.search(before)
    )


# A verb of saying with its words after it; not the inverted ", said X, the
# spokesman of …", which names the speaker.
SAYING = re.compile(r"(?<![,”\"]\s)\b(?:says|said|say)\b")
DISPERSING_AFTER = re.compile(
    r"\s+(?:dispersed|broke up|used|fired|intervened|charged|beat)\b", re.IGNORECASE
)
# "vowed to avenge", "said it would strike U.S. forces if …": a threat.
THREAT_IN = re.compile(
    r"\b(?:vowed|vows|threatened|threatens|(?:would|will)\s+(?:strike|attack|"
    r"target|hit|retaliate against|punish))\b",
    re.IGNORECASE,
)


# A name and, in the same clause, its verb of saying: "the Asayish security
# service in Sulaymaniyah said", "that police blamed".
SPEAKS_AFTER = re.compile(
    rf"{WHICH_ASIDE}(?:\s*\([^()]{{1,20}}\))?(?:\s+[\w’'.-]+){{0,5}}?\s+"
    r"(?:said|says|told|called|"
    r"blamed|condemned|denied|claimed|confirmed|reported|announced|accused|"
    r"welcomed|added)\b"
)
# Named as the doer of another deed: "blamed on Islamic State", "had helped
# the Quds Force", "of allowing the PKK to operate".
NAMED_DOER_BEFORE = re.compile(
    r"\b(?:blamed\s+on|helped|helping|allowing|allowed|sheltering|supporting)\s+"
    r"(?:the\s+)?(?:[A-Z][\w-]*[’']s\s+)?$",
    re.IGNORECASE,
)


# Between an object and the name set beside it: ", NRT reporter", and between
# two such names: " and cameraman".
# "…, NRT reporter Karwan Aziz", "… activists — Karim Sayahi, …".
APPOSITION_HEAD = re.compile(r"^(?:,|\s*[—–:])\s*(?:[\w’'.-]+\s+){0,3}$")
APPOSITION_NEXT = re.compile(r"^,?\s+and\s+(?:[\w’'.-]+\s+){0,2}$|^,\s*$")


def _apposed(
    text: str,
    trigger: Trigger,
    object_end: int,
    mention: ActorMention,
    mentions: list[ActorMention],
    modifiers: set[int],
) -> bool:
    """
    Whether a name stands in apposition to an object that names nobody
    itself ("two journalists covering the march, NRT reporter Karwan Aziz
    and cameraman Soran Ahmed"): right after the object's comma, or after
    another such name.
    """
    if trigger.says or SPEAKS_AFTER.match(text, mention.end):
        # "…, the International Organization for Migration (IOM) said": who
        # tells of it, not the object.
        return False
    # The name stands beside the object's last part: "met Eskandar Momeni
    # and the secretary of the council, Ali Akbar Ahmadian".
    last_part = trigger.end + max(
        (m.end() for m in re.finditer(r"\sand\s", text[trigger.end : object_end])),
        default=0,
    )
    in_object = [
        m
        for m in mentions
        if last_part <= m.start
        and m.end <= object_end
        and id(m) not in modifiers
        # "the secretary of the Supreme National Security Council": an office's.
        and not OFFICE_BEFORE.search(text[last_part : m.start])
    ]
    if in_object:
        return False
    between = text[object_end : mention.start]
    if APPOSITION_HEAD.match(between) and not re.search(r"[A-Z]", between[1:2]):
        return not any(fold(w) in OPENERS for w in between.strip(", ").split()[:1])
    earlier = [m for m in mentions if object_end <= m.end <= mention.start]
    return (
        bool(earlier)
        and bool(APPOSITION_NEXT.match(text[earlier[-1].end : mention.start]))
        and _apposed(text, trigger, object_end, earlier[-1], mentions, modifiers)
    )


# A clause of its own time after the object: "…, two days after he reported
# on…", "…, before police dispersed them".
OTHER_TIME = re.compile(
    r"(?:,|\b(?:days?|weeks?|months?|years?|hours?))\s+(?:after|before|since|"
    r"until)\s+(?:he|she|they|it|we)\b[^,;]*$"
    # ", a day after border guards clashed with smugglers": the subject of
    # the other time's clause, and what follows it.
    r"|,\s*(?:an?|one|two|three|four|five|six|\d+)\s+(?:days?|weeks?|months?|"
    r"years?|hours?)\s+(?:after|before)\s+(?:[a-z]+\s+){0,2}(?:[A-Z][^,;]*)?$",
    re.IGNORECASE,
)
# "talks brokered by Oman", "a summit hosted by Egyptian President Abdel
# Fattah al-Sisi": who brings the sides together, told by his office.
MEDIATED_BY = re.compile(
    r"\b(?:mediated|brokered|hosted|chaired)\s+by\s+(?:the\s+)?"
    r"(?:[A-Z][\w'’.-]*\s+)*$"
)
MET_THERE = re.compile(
    r"\b(?:where|when)\s+(?:he|she|they)\s+(?:also\s+)?(?:met|held\s+talks\s+with|"
    r"talked\s+with|was\s+received\s+by)\s+(?:[^,;]*?,?\s+and\s+)?(?:the\s+)?"
    r"(?:[A-Z][\w'’.-]*\s+)*$"
)
ATTENDED_BY = re.compile(
    r"\battended by\s+(?:the\s+)?(?:[^,;]*?,?\s+and\s+(?:the\s+)?)?$", re.IGNORECASE
)
# After "by": offices and names (possessives, "of the", "and", brackets),
# the name set beside the last office by a comma; no other clause between.
AGENT_TOLD = re.compile(
    r"\bby\s+(?:(?!(?:in|on|at|after|before|when|while|who|which|that|to|for|"
    r"with|from|as|said|says)\b)[\w’'.()-]+,?\s+)*?[\w’'.()-]+,\s+(?:and\s+)?$",
)
OPERATOR_BEFORE = re.compile(
    r"\bthe\s+[\w-]+[’']s\s+(?:operator|operators|owner|owners),\s*$"
)
OTHER_DOER = re.compile(
    r"\b(?:a|an)\s+(?:ruling|decision|verdict|order|judgment|judgement)\s+by\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
RELATIVES_OF = re.compile(
    r"\b(?:relatives|families|family|parents|mothers?|fathers?|wives|sons|"
    r"daughters|friends|colleagues)\s+of\s+(?:an?\s+|the\s+)?[^,;]{0,60},\s*$",
    re.IGNORECASE,
)
SUPPORTERS_OF = re.compile(
    # "supporters of the opposition Sovereignty Alliance"; "followers of
    # Shi'ite cleric Muqtada al-Sadr", the description led by a sect's or a
    # people's adjective.
    r"\b(?:supporters|followers|loyalists|partisans)\s+of\s+(?:the\s+)?"
    r"(?:(?-i:[A-Z])[\w’'-]*\s+(?=(?-i:[a-z])))?(?:(?-i:[a-z]+)\s+){0,2}$",
    re.IGNORECASE,
)
# "…be suspended until it rules on a complaint filed by al-Hamdani": the
# agent of another participle, with its own noun.
OTHER_AGENT = re.compile(
    r"\b(?:a|an|the|its|their|his|her)\s+(?:[\w’'-]+\s+){0,3}?"
    # Not the incident's own thing: "an attack launched by", "a bomb planted
    # by" name its doer.
    r"(?!(?:attacks?|strikes?|bombs?|bombings?|explosives?|devices?|mines?|"
    r"rockets?|missiles?|drones?|shells?|raids?|ambush|operation|assault|"
    r"offensive|fire)\s)[a-z]+\s+[a-z]+(?:ed|en)\s+"
    r"by\s+(?:the\s+|its\s+|their\s+)?$"
)
AGENT_WHEN = re.compile(r"\bwhen\s+(?:the\s+|an?\s+)?$", re.IGNORECASE)
MEMBERS_OF = re.compile(
    r"\b(?:(?:killing|wounding|injuring|killed|wounded|injured)\s+(?:at least\s+)?"
    r"(?:\w+\s+)?$|"
    r"(?:members?|fighters?|militants?|commanders?|leaders?|officers?|soldiers?|"
    r"supporters?|operatives?|positions|bases?|camps?|headquarters|targets|"
    r"depots?|vehicles?|convoys?|hangars?|buildings?|facilit(?:y|ies)|compounds?|"
    r"warehouses?|offices|sites?)\s+(?:of|belonging to|used by)\s+(?:the\s+)?"
    # "two fighters of the U.S.-backed Syrian Democratic Forces".
    r"(?:[\w.]+-(?:backed|led|aligned|allied)\s+)?$)",
    re.IGNORECASE,
)
LINKED_BEFORE = re.compile(
    r"\b(?:linked to|backed by|affiliated with|loyal to|aligned with|tied to|"
    r"ties (?:to|with)|links (?:to|with)|membership (?:of|in)|spying for|"
    r"collaborating with|cooperating with|working for|"
    # "banks accused of helping Iran evade sanctions".
    r"helping|aiding|financing|funding)\s+"
    r"(?:the\s+)?(?:[A-Z][\w-]*[’']s\s+)?$",
    re.IGNORECASE,
)
# "accused of collecting information on military sites for Iran's
# Revolutionary Guards": who they are said to have worked for.
ACCUSED_OF_FOR = re.compile(
    r"\b(?:accused|suspected|convicted)\s+of\s+[a-z]+ing\b[^,;.]{0,100}?\s"
    r"(?:for|on behalf of)\s+(?:the\s+)?(?:[A-Z][\w-]*[’']s\s+)?$"
)
BLAMED_BEFORE = re.compile(
    r"\b(?:accusing|accused|blaming|blamed)\s+(?:the\s+)?(?:[A-Z][\w-]*[’']s\s+)?$"
)
ACCUSING_BEFORE = re.compile(
    r"\b(?:accusing|accused|blaming|blamed)\s+(?:the\s+)?$", re.IGNORECASE
)
SPEAKER_AFTER = re.compile(
    r"^(?:,[^,.]*,)?\s*(?:said|says|told|reported|stated)\b", re.IGNORECASE
)
SOURCE_IN = re.compile(
    r"\bsources?\s+"
    r"(?:in|within|close to|from|at|of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
ATTRIBUTION_AFTER = re.compile(
    # "…, Inter-Services Public Relations (ISPR), said": its letters between.
    r"^\s*(?:\([A-Z][A-Za-z]{1,7}\)\s*,?\s*)?"
    r"(?:said|says|reported|announced|told|added|stated)\b",
    re.IGNORECASE,
)
# "…, its spokesman, Colonel Myles Caggins, said": a person named after his
# office, set off by commas before the verb.
PERSON_ATTRIBUTED = re.compile(
    r",\s*(?:its|their|his|her|the)\s+(?:[\w’'-]+\s+){0,4}?(?:spokesman|"
    r"spokeswoman|spokesperson|commander|head|chief|director|envoy|lawyer|"
    r"lawyers|attorney|governor|mayor)\s*,\s*"
    r"(?:[A-Z][\w.’'-]*\s+){0,2}$"
)
PERSON_OFFICE_AFTER = re.compile(
    r"\s*,\s*(?:the|a|an|its|their)\s+[^,.;:“”\"]{1,80}?,\s*"
    r"(?:said|says|told|added|wrote)\b"
    # "…, killing a commander, Abu Ali, a senior member, said the army.":
    # a speaker after the verb is who tells; the one named is told of.
    r"(?!\s+(?:(?:the|a|an)\s+(?:[\w’'-]+\s+){0,2}?[\w’'-]+|"
    r"(?-i:[A-Z][\w’'-]+)(?:\s+(?-i:[A-Z][\w’'-]+)){0,3})"
    r"\s*(?:[.;,]|$|\bin\s+a\s+statement\b|\bon\s+[A-Z]))"
)
OFFICE_BEFORE = re.compile(
    r"\b(?:secretary|head|chief|leader|commander|spokesman|spokeswoman|spokesperson|"
    r"director|chairman|president|minister|adviser|advisor|envoy|"
    r"ambassador|representative|official|officials|deputy|speaker|governor|mayor|"
    r"chairwoman|prosecutor)\s+(?:of|for|to|at)\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)


def _aside_role(text: str, sentence: Sentence, mention: ActorMention) -> str | None:
    """
    The part of a name that is not the clause's own: one that tells where
    the words come from ("…, the presidency said", "according to the
    ministry") speaks of the event and is mentioned, unless it is a news
    outlet ("told Rudaw"), which is never an actor ("" to leave it out); one
    whose office someone holds ("the secretary of Iran's Supreme National
    Security Council") is no participant either. None: neither.
    """
    before = text[sentence.start : mention.start]
    after = text[mention.end : sentence.end]
    if is_media(text, mention):
        return ""
    if (
        re.search(r",\s*(?:the\s+|a\s+)?(?:[\w’'-]+\s+){0,3}$", before)
        and ATTRIBUTION_AFTER.match(after)
        # "a source in the Popular Mobilisation Forces said": someone
        # unnamed speaks, not the body.
        and not SOURCE_IN.search(before)
    ):
        return Role.MENTIONED
    if (
        mention.kind == PERSON
        and PERSON_ATTRIBUTED.search(before)
        and re.match(r"\s*,\s*(?:said|says|told|added)\b", after)
    ):
        # "…, their lawyer, Mohammad Hossein Aghasi, said": who tells of it.
        return Role.MENTIONED
    if (
        mention.kind == PERSON
        and re.search(r",\s*(?:[A-Z][\w.’'-]*\s+){0,2}$", before)
        and PERSON_OFFICE_AFTER.match(after)
    ):
        # "…, killing one smuggler, Colonel Mehdi Khosravi, the commander of
        # the border guards, said": a person named before his office, set
        # off by commas before the verb, tells of it.
        return Role.MENTIONED
    if re.search(r"\baccording to\s+(?:the\s+)?[^,;]*$", before, re.IGNORECASE):
        return Role.MENTIONED
    if re.search(r",[^,]*\b(?:told|to)\s+(?:the\s+)?$", before) and re.match(
        r"^\s*[.,]?\s*$", after
    ):
        return ""
    stripped = re.sub(r"(?:[A-Z][\w-]*(?:[’']s)\s+)$", "", before)
    return "" if OFFICE_BEFORE.search(stripped) else None


# One of a force's own units: "'s 20th Division", "'s special forces".
FORCES_UNIT = re.compile(
    r"\s+(?:\d+(?:st|nd|rd|th)\s+|[A-Z][a-z]+\s+)?(?:[Dd]ivision|[Bb]rigade|"
    r"[Rr]egiment|[Bb]attalion|(?:special\s+)?(?:forces|troops|units|soldiers))\b"
)


def _modifier(text: str, mention: ActorMention, others: list[ActorMention]) -> bool:
    """
    A name that qualifies the next one: "Iraq’s" in "Iraq’s national security
    adviser Qasim al-Araji", "Iran’s Supreme National Security Council" in
    "Secretary of Iran’s Supreme National Security Council Ali Shamkhani",
    "(IRGC)" after the name it abbreviates.
    """
    if re.match(r"[’']s\b", text[mention.end : mention.end + 3]):
        # "the Iraqi army's 20th Division": a unit of the force is the force.
        return not (
            mention.kind == Actor.Kind.SECURITY_FORCE
            and FORCES_UNIT.match(text, mention.end + 2) is not None
        )
    if text[mention.start - 1 : mention.start] == "(" and any(
        o.end <= mention.start and _key(o) == _key(mention) for o in others
    ):
        return True
    for other in others:
        between = text[mention.end : other.start]
        if other.start > mention.end and (
            not between.strip()
            or all(fold(w).rstrip(".") in TITLE_WORDS for w in between.split())
        ):
            return True
    return False


def _object_role(kind: str, trigger: Trigger, before: str) -> str:
    """The role of an actor named after the verb, by the kind of event."""
    if kind == T.AGREEMENT:
        return Role.SIGNATORY if re.search(r"\bwith\b", before) else Role.MENTIONED
    if kind in (T.MEETING, T.APPOINTMENT):
        return Role.PARTICIPANT
    if kind == T.STATEMENT:
        return Role.TARGET if fold(trigger.word) in ACCUSING else Role.MENTIONED
    if kind in VIOLENT | {T.ARREST, T.PROTEST}:
        return Role.TARGET
    if kind == T.OTHER and not re.match(
        r"(?:ordered|launched|opened|resigned)", trigger.word, re.IGNORECASE
    ):
        # Who is sanctioned, summoned, banned or expelled.
        return Role.TARGET
    return Role.MENTIONED


def _resolve_pronoun(
    text: str,
    subject_text: str,
    clause: _Clause,
    mentions: list[ActorMention],
    all_mentions: list[ActorMention],
    sentence: Sentence,
    previous: Action | None,
) -> list[ActorMention]:
    """
    "Iraq announced that it would…": "it" is Iraq. "He said…" after a
    statement by Shamkhani is Shamkhani; failing that, the last person named
    outside a quotation in the two sentences before.
    """
    # "said Monday it had arrested…": past the day, to the pronoun.
    subject_text = re.sub(r"^\s*(?:(?:on\s+)?\w+day\s+|that\s+)+", "", subject_text)
    described = _described(text, subject_text, all_mentions, sentence, previous)
    if described:
        return described
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
    # "Pezeshkian flew to Erbil, where he met…": the person the sentence
    # opened with.
    same_sentence = [
        m
        for m in all_mentions
        if m.kind == PERSON
        and m.sentence == sentence.index
        and sentence.start <= m.start
        and m.end <= clause.subject_start
        and not _in_quotation(text, m.start)
    ]
    if same_sentence:
        return same_sentence[:1]
    if previous is not None and sentence.index - previous.sentence.index <= 2:
        # Who acted in the action before; of a meeting, who met (the
        # subject), not whom.
        people = [
            m
            for m, role in previous.participants
            if m.kind == PERSON
            and (
                role in (Role.INITIATOR, Role.SIGNATORY)
                or role == Role.PARTICIPANT
                and m.start < previous.trigger.start
            )
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


# "the two ministers", "both leaders": the two people of the action before.
THE_TWO = re.compile(
    r"\s*(?:[Tt]he\s+two|[Bb]oth)\s+(?:[a-z]+\s+)?(?:ministers|leaders|presidents|"
    r"envoys|officials|counterparts|sides|men|delegations)\s*$"
)
# "the Syrian minister", "the Iraqi prime minister": a person told before by
# that office.
THE_OFFICE = re.compile(
    r"\s*[Tt]he\s+([A-Z][a-z]+)\s+((?:foreign|prime|defen[cs]e|interior|"
    r"deputy)\s+)?(minister|president|premier|envoy|ambassador)\s*$"
)


def _described(
    text: str,
    subject_text: str,
    all_mentions: list[ActorMention],
    sentence: Sentence,
    previous: Action | None,
) -> list[ActorMention]:
    """
    The people a subject describes instead of naming: "At the end of the
    talks, the two ministers signed…" after Hakan Fidan met Fuad Hussein;
    "On Friday, the Turkish minister visited…" after "Turkish Foreign
    Minister Hakan Fidan".
    """
    if THE_TWO.match(subject_text):
        if previous is None or sentence.index - previous.sentence.index > 2:
            return []
        people: dict[tuple, ActorMention] = {}
        for m, role in previous.participants:
            if m.kind == PERSON and role in (Role.PARTICIPANT, Role.SIGNATORY):
                people.setdefault(_key(m), m)
        return list(people.values()) if len(people) == 2 else []
    office = THE_OFFICE.match(subject_text)
    if office is None:
        return []
    adjective, noun = office.group(1), office.group(3)
    told = [
        m
        for m in all_mentions
        if m.kind == PERSON
        and m.end <= sentence.start
        and re.search(
            # "Turkish Foreign Minister Hakan Fidan", not "Iraqi President
            # Rashid met Turkish Foreign Minister Hakan Fidan": the office's
            # own words between.
            rf"\b{adjective}\s+(?:(?:(?-i:[A-Z])[\w-]*|foreign|prime|deputy|"
            rf"defen[cs]e|interior)\s+){{0,3}}?{noun}\s+(?:[A-Z][\w'’.-]*\s+)*$",
            text[max(0, m.start - 60) : m.start],
            re.IGNORECASE,
        )
    ]
    return told[-1:]


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
        key = _key(mention)
        if key not in best:
            best[key] = (mention, role)
        elif ROLE_ORDER.index(role) < ROLE_ORDER.index(best[key][1]):
            best[key] = (best[key][0], role)
    return list(best.values())
