"""
The words that tell what kind of thing happened ("signed", "struck",
"detained", "met", "said"), each weighed by how surely it tells of something
that happened: a verb more than a noun, both more than a verb of saying, and
all less inside a quotation, after "the", in a plan or a condition.
"""

import re
from dataclasses import dataclass

from events.extract.text import FUNCTION_WORDS, Sentence, fold, words
from events.models import Event

T = Event.Type

VIOLENT = {T.REMOTE_VIOLENCE, T.BATTLE, T.VIOLENCE_AGAINST_CIVILIANS, T.RIOT}

# How much a kind of wording says that something happened: a verb ("signed",
# "detained") more than a noun ("the agreement"), and both more than a verb
# of saying, which makes an event only when nothing else does.
VERB, NOUN, SAY, WEAK = 3.0, 2.0, 1.5, 1.0
CASUALTY = "casualty"  # "killed", "died": the type comes from the rest
ATTACK = "attack"  # "attacked", "targeted": the weapon tells which kind


# Before a participle, the article that makes it describe a noun.
_NOT_DESCRIBING = r"(?<!\bthe )(?<!\ba )(?<!\ban )"


def _any_of(*alternatives: str) -> str:
    return r"\b(?:" + "|".join(alternatives) + r")\b"


# A human chain is a protest unless it is formed to do work: "to pass
# sandbags", "to reach a swimmer". One formed to voice something ("to
# demand", "to protest", "to save the lake") or stretching to a place ("to
# the parliament") still is.
_CHAIN_NOT_FOR_WORK = (
    r"(?! to (?!(?:the|a|an|its|their|his|her|protest|demand|denounce|"
    r"condemn|call|show|express|voice|oppose|reject|mark|press|urge|highlight|"
    r"draw|honou?r|commemorate|mourn|support|defend|save the|save lake)\b)"
    r"[a-z]+\b)"
)


# Those who stop work in a strike, and the words that make a strike one.
_STRIKERS = (
    r"(?:workers|employees|staff|truckers|(?:truck|lorry|taxi) drivers|drivers|"
    r"shopkeepers|merchants|traders|bazaaris|teachers|nurses|doctors|miners|"
    r"retirees|pensioners|bakers|farmers|labourers|laborers)"
)
_STRIKE_KINDS = (
    r"general|nationwide|national|labou?r|hunger|sit-down|wildcat|bazaar|"
    r"(?:worker|trucker|shopkeeper|merchant|trader|teacher|driver|nurse|miner)s[’']?|"
    r"workers?[’']"
)


# Things, not guests, that are "received by" someone: read right after
# "received" (where the scan has already found the word, not at every
# position of the text).
_NOT_RECEIVED_THING = "".join(
    rf"(?<!{word} {verb} received)"
    for noun in (
        *("letter", "message", "proposal", "request", "offer", "bill", "report"),
        *("plan", "news", "decision", "call", "complaint", "statement"),
        *("invitation", "response", "reply", "initiative", "application"),
        *("demand", "shipment", "consignment", "delivery", "package"),
        *("document", "file", "petition"),
    )
    for word in (noun, f"{noun}s")
    for verb in ("was", "were")
)
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
            r"put (?:their|his|her) signatures? (?:to|on)",
            r"agreed (?:to|on|upon)",
            # "agreed in March 2023, in a deal brokered by China, to restore…".
            r"agreed(?= in (?:(?-i:[A-Z])[a-z]+ )?\d{4}\b(?! that)"
            r"[^.;]{0,90}?\bto [a-z])",
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
            # "announced a unilateral ceasefire": no agreement of two.
            r"(?<!unilateral )ceasefire",
            r"(?<!unilateral )truce",
        ),
    ),
    (
        T.REMOTE_VIOLENCE,
        VERB,
        _any_of(
            # "struck down a law": a ruling, not a strike.
            r"struck(?! down\b)",
            r"bombed",
            r"shelled",
            r"detonated",
            r"exploded",
            r"launched (?:[\w-]+ ){0,4}(?:strikes?|attacks?|missiles?|drones?|"
            r"rockets?|air ?strikes?|raids?)",
            r"fired (?:[\w-]+ ){0,3}?(?:rockets?|missiles?|drones?|mortars?|shells?)",
            r"(?:(?<=strike )|(?<=strikes )|(?<=drone )|(?<=drones )|(?<=missile )|"
            r"(?<=missiles )|(?<=rocket )|(?<=rockets )|(?<=aircraft )|(?<=jets )|"
            r"(?<=warplanes )|(?<=shell )|(?<=shells )|(?<=mortars )|(?<=artillery )|"
            # "their artillery had hit bases of PJAK".
            r"(?<=artillery had )|(?<=drones had )|(?<=missiles had )|"
            r"(?<=strikes had )|"
            # "a drone packed with explosives hit a hangar".
            r"(?<=with explosives ))(?:hit|hits|slammed|landed|fell)",
            # "two mortar shells fired from the Iranian side of the frontier
            # landed near a village".
            r"(?:shells?|mortars?|mortar rounds)\s+fired\s+"
            r"(?:from|by)\s+[^,.;]{1,60}?\s+(?:landed|hit|struck|fell)",
            # "its warplanes had destroyed 20 PKK targets".
            r"(?:(?<=warplanes had )|(?<=jets had )|(?<=drones had )|"
            r"(?<=aircraft had )|(?<=artillery had ))destroyed",
            # "three rockets were fired at the Turkish base".
            r"(?:(?<=rockets were )|(?<=missiles were )|(?<=shells were )|"
            r"(?<=mortars were )|(?<=rounds were )|(?<=rocket was )|"
            r"(?<=missile was ))fired",
            # "a drone destroyed a farmhouse": a weapon that destroys.
            r"(?:(?<=drone )|(?<=drones )|(?<=missile )|(?<=missiles )|"
            r"(?<=rocket )|(?<=rockets )|(?<=warplanes )|(?<=jets )|"
            r"(?<=artillery ))destroyed(?! by\b)",
            r"carried out (?:[\w-]+ ){0,3}?(?:strikes?|air ?strikes?|bombings?|"
            r"raids?)",
            # "a suicide bomber blew himself up at a market".
            r"blew (?:himself|herself|themselves) up",
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
            r"stormed",
            r"exchanged fire",
            r"repelled",
            # Territory taken: "seized control of the town of Tal Abyad",
            # "took control of Manbij in 2016".
            r"(?:took|seized|gained|wrested) control (?:of|over)"
            r"(?= (?:the (?:[\w-]+ ){0,2}?"
            r"(?:town|city|village|district|area|crossing|province|region)s?\b|"
            # Not "took control of Basra's port operations": a business, no
            # ground ("Syria's second city" is ground).
            r"(?-i:[A-Z])(?![\w-]*[’']s (?!(?:[\w-]+ ){0,2}?(?:towns?|city|cities|"
            r"villages?|districts?|areas?|crossings?|provinces?|regions?|capital|"
            r"airports?|bases?|(?:oil )?fields?)\b)(?-i:[a-z]))))",
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
        ),
    ),
    (
        ATTACK,
        VERB,
        _any_of(
            r"attacked",
            r"targeted",
            r"shot(?: dead)?",
            r"gunned down",
            # Turkey's ministry's word for killed or captured in an operation,
            # with those it was done to right after it.
            r"neutrali[sz]ed(?=[\"”]? (?:(?:\d[\d,]*|two|three|four|five|six|seven|"
            r"eight|nine|ten|several|dozens of|the|a)\s+)?(?:[\w/-]+\s+){0,2}?"
            r"(?:terrorists|militants|fighters|insurgents|gunmen)\b)",
            r"(?<=was )hit",
            r"(?<=were )hit",
            r"(?<=been )hit",
            r"(?<=being )hit",
            r"hitting",
        ),
    ),
    (ATTACK, NOUN, _any_of(r"attacks?")),
    (
        # "freed two kidnapped Iranian pilgrims": read before the kidnapping,
        # whose word it takes.
        T.OTHER,
        VERB,
        _any_of(
            r"(?:released|freed|rescued) (?:[\w-]+ ){0,2}?(?:kidnapped|abducted)",
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
            r"opened fire on (?:[\w-]+ ){0,3}?(?:protesters|demonstrators|civilians|"
            r"crowds?|mourners|worshippers|villagers|porters|kolbars|shepherds|"
            r"farmers|migrants|workers)",
            # "opened fire on a car": on whoever was in it, unless the car is
            # a force's ("two police cars", "an army pickup").
            r"opened fire on (?!(?:[\w-]+ ){0,3}?(?:police|army|military|security|"
            r"patrol|border guards?|troops?|soldiers?|officers?)\b)"
            r"(?:[\w-]+ ){0,3}?(?:cars?|pickups?|pickup trucks?|taxis?|"
            r"minibus(?:es)?|buses|"
            # "opened fire on a house where the men were staying", "on a
            # wedding party": on those inside.
            r"houses?|homes?|shops?|weddings?|wedding party|funerals?|cafes?|"
            r"restaurants?)"
            # Not "a house where Islamic State militants were hiding": armed
            # men inside.
            r"(?![^.;]*?\b(?:militants|fighters|gunmen|insurgents|terrorists|"
            r"hiding|holed up|barricaded)\b)",
        ),
    ),
    (
        T.VIOLENCE_AGAINST_CIVILIANS,
        NOUN,
        _any_of(r"executions?", r"kidnappings?", r"massacres?", r"assassinations?"),
    ),
    # "armed smugglers opened fire on a gendarmerie patrol": on a force, an
    # attack.
    (
        ATTACK,
        VERB,
        _any_of(
            r"opened fire (?:on|at)(?= (?:[\w-]+ ){0,3}?(?:patrols?|posts?|"
            r"checkpoints?|convoys?|bases?|forces|troops|soldiers|police|policemen|guards|"
            r"officers|army|units?|positions?|outposts?)\b)"
        ),
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
            # "Hundreds formed a human chain along the lake": hands joined in
            # protest; not one formed to pass sandbags or pull a swimmer out.
            r"formed (?:an? )?(?:[\w-]+ )?human chains?" + _CHAIN_NOT_FOR_WORK,
            # "protesters had camped outside the building": a sit-in, told by
            # those who hold it.
            r"(?<=protesters )camped",
            r"(?<=protesters had )camped",
            r"(?<=demonstrators )camped",
            r"(?<=demonstrators had )camped",
            r"chanted",
            r"blocked (?:the |a |several |main )*(?:roads?|highways?|streets?|"
            r"bridges?|entrances?|border crossings?)",
            r"marched",
            r"went on strike",
            # "The protest, held in Zakho on Tuesday, drew several hundred
            # people": a crowd counted.
            r"(?:drew|attracted)(?= (?:several |a few )?(?:hundreds?|thousands|dozens)"
            r" (?:of )?(?:people|protesters|demonstrators)\b)",
            # A strike of shops: "shopkeepers pulled down their shutters in
            # protest", "traders closed their shops in protest".
            r"(?:pulled down|shut|closed|shuttered) (?:their |the )?(?:shutters|shops|"
            r"stores|businesses)(?= in (?:protest|a strike)\b)",
            # A stoppage told by those who stop: "bakers walked off the job
            # on Monday", "miners laid down their tools", "drivers downed
            # tools".
            r"walked off (?:the |their )?jobs?",
            r"walked out on strike",
            # "stopped work on Tuesday", not "stopped work on the dam".
            r"stopped work(?! on (?:the|a|an|its|their)\b)",
            r"(?:laid|put) down (?:their )?tools",
            r"downed (?:their )?tools",
            # A force dispersing a protest takes part in it: "Police used
            # water cannon to push the drivers back".
            r"used (?:tear gas|water cannons?|batons|stun grenades)",
        ),
    ),
    (
        T.PROTEST,
        NOUN,
        _any_of(
            # Not "a protest note" handed to an envoy: a diplomat's letter.
            r"protests?(?! notes?\b)",
            r"demonstrations?",
            r"rally",
            r"rallies",
            r"sit-ins?",
            # "a human chain along the lake", not one to pass sandbags.
            r"human chains?" + _CHAIN_NOT_FOR_WORK,
            # A stoppage of work: "a strike by oil workers", "a general
            # strike", "the truckers' strike" (plural "strikes" is read as
            # strikes from the air, and retyped when they are a stoppage).
            rf"(?:{_STRIKE_KINDS}) strike",
            rf"strike(?= (?:by|of|among) (?:[\w-]+ ){{0,2}}?{_STRIKERS}\b)",
        ),
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
            # "captured three Islamic State commanders", not "captured the town".
            r"captured(?= (?:an? |the |two |three |four |five |six |\d+ |several )?"
            r"(?:[\w-]+ ){0,2}?(?:commanders?|members?|militants?|fighters?|"
            r"suspects?|leaders?|operatives?|smugglers?|men)\b)",
            r"(?:took|taken) into custody",
            r"jailed",
            r"imprisoned",
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
            r"guards|tanks|brigades?|battalions?|divisions?|regiments?|convoys?)",
            r"withdrew (?:[\w-]+ ){0,3}?(?:troops|forces|soldiers|units)",
            # "reinforced its positions along the frontier".
            r"reinforced (?:its |their |the )(?:[\w-]+ ){0,2}?(?:positions|presence|"
            r"posts|outposts|deployments?)",
            r"pulled out",
            # "began a search operation in villages east of Jalawla": forces
            # sent out to sweep an area.
            r"(?:began|launched|started) (?:an? )?(?:[\w-]+ )?(?:search|sweep|"
            r"combing|clearing|security) operations?",
            # "began a joint naval exercise", "held joint exercises", "staged
            # war games": forces out on manoeuvres; not a fire or earthquake
            # drill, nor a census or recount "exercise".
            r"(?:began|begun|launched|started|held|staged|conducted) "
            r"(?:an? |the |their |its )?"
            r"(?!(?:[\w-]+ ){0,3}?(?:fire|earthquake|evacuation|safety|emergency|"
            r"rescue|census|recount|counting|registration|vaccination|school|"
            r"training)\b)"
            r"(?:[\w-]+ ){0,3}?(?:exercises?|drills?|manoeuvres|maneuvers|war games)",
            r"(?<=be )(?:sent|deployed|dispatched|stationed|posted)",
            r"(?<=been )(?:sent|deployed|dispatched|stationed|posted)",
            r"(?<=were )(?:sent|deployed|dispatched|stationed|posted)",
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
            r"(?:sat|sits) down with",
            r"held (?:[\w-]+ ){0,5}?(?:talks|meetings?)",
            r"holds (?:[\w-]+ ){0,5}?(?:talks|meetings?)",
            r"received(?= (?:(?-i:[A-Z])|(?-i:al-[A-Z][\w-]+(?= (?:at|in|on)\b|[,.]))|"
            r"his |her |"
            r"the (?-i:[A-Z])|a delegation))",
            r"talks between",
            r"hosted",
            # Not "visited the crossing": a place seen, no one met ("visited
            # the town of Halabja" is a visit).
            r"visited(?! (?:the|a) (?!(?:town|city|village|district|province|"
            r"region|camp) of (?-i:[A-Z]))(?-i:[a-z]))",
            r"conferred",
            # "was received by the emir", "were received by Iraq's president".
            # Not "the proposal was received by the minister with caution":
            # a thing received, no guest.
            r"received(?<=was received)" + _NOT_RECEIVED_THING + r" by",
            r"received(?<=were received)" + _NOT_RECEIVED_THING + r" by",
            # A courtesy call: "later called on President Erdogan", not
            # "called on the prime minister to resign".
            r"called on(?= (?:[\w’'-]+ ){0,3}?(?:president|(?:prime )?minister|king|"
            r"emir|crown prince|speaker|governor|sultan|patriarch|ayatollah)\b)"
            # "called on the prime minister, Mohammed Shia al-Sudani, to
            # intervene": the call past a name or a "who" clause between
            # commas.
            r"(?![^.;,]*?(?:,\s+(?:(?-i:[A-Z])|who\b)[^.;,]*,)?[^.;,]*?"
            r"\bto (?!(?:the|a|an|his|her|their|its)\b)[a-z]+)",
            # "was received by Iran's acting President": by whom, his office.
            r"received" + _NOT_RECEIVED_THING + r" (?:[\w’'-]+ ){0,3}?"
            r"(?:delegation|counterpart|minister|envoy|president|ambassador)",
        ),
    ),
    (T.MEETING, NOUN, _any_of(r"meetings?", r"talks", r"summit", r"visit")),
    (
        T.APPOINTMENT,
        VERB,
        _any_of(
            # "dismissed the police chief of Basra": an office changes hands
            # (not "dismissed the announcement", a statement).
            r"dismissed (?:the |a |an |its |his |her )?(?:[\w-]+ ){0,2}?(?:chief|"
            r"head|director|commander|governor|minister|mayor|manager|deputy)\b(?![’']s)",
            # "fired Hemmati as head of the central bank": removed from an
            # office the sentence names.
            r"(?:fired|sacked|removed|dismissed)(?= (?-i:[A-Z][\w’'-]+ ){1,3}as "
            r"(?:the |its |his |her )?(?:[\w-]+ )?(?:minister|head|chief|commander|"
            r"director|governor|mayor|speaker|chairman|ambassador|envoy|spokesman|"
            r"president)"
            r"(?: of\b| for\b| in\b| on\b| after\b|[,.;]))",
            r"appointed",
            r"appoints",
            r"named (?:[\w-]+ ){0,5}?as (?:the |its |his |her |a |an )?(?:new |acting |"
            r"interim |deputy )?(?:minister|ambassador|envoy|head|chief|commander|"
            r"director|governor|spokesman|spokeswoman|president|prime minister|"
            r"speaker|chairman|leader|adviser|advisor|secretary)",
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
            r"sentenced",
            r"ruled",
            # A court's: "struck down a law", "annulled the result" (not "a
            # truck overturned").
            r"struck down",
            r"(?:annull?ed|overturned)(?= (?:a|an|the|its|his|her|their) "
            r"(?:[\w-]+ ){0,2}?(?:rulings?|verdicts?|decisions?|law|results?|"
            r"sentences?|election|vote|conviction|ban|order|decree)\b)",
            # A court's only: "upheld the death sentences", not "the
            # government upheld its decision to ban the rally".
            r"upheld(?= (?:a|an|the|his|her|their) (?:[\w’'-]+ ){0,2}?(?:rulings?|"
            r"verdicts?|sentences?|convictions?|court[’']s decisions?)\b)",
            r"imposed (?:a |an )?(?:[\w-]+ )?curfew",
            # A measure with an effect of its own: "declared the area along
            # the border a “special security zone”", "declared a state of
            # emergency".
            r"declared(?= (?:[^\s.;]+ ){0,14}?(?:a |an )?[“\"]?(?:[\w-]+ ){0,3}?"
            r"(?:zones?[”\"]?|state of emergency|curfew|"
            r"closed (?:military )?areas?)\b)",
            # "ordered a nationwide crackdown on fuel smuggling".
            r"(?:ordered|launched) an? (?:[\w-]+ ){0,2}?crackdown",
            r"repatriated",
            # "seized a foreign tanker", "boarded the Togo-flagged vessel".
            r"(?:seized|boarded|impounded)(?= (?:the|a|an|two|three|\d+) "
            r"(?:[\w-]+ ){0,3}?(?:tankers?|vessels?|ships?|boats?|dhows?)\b)",
            # "handed over 183 Iraqi families … to Iraq".
            # "handed over to Iraq three Iraqi nationals wanted for…".
            r"handed over(?= (?:to (?-i:[A-Z])[\w’'-]+ )?(?:(?!to\b)[\w-]+ ){0,4}?"
            r"(?:families|detainees|prisoners|suspects|refugees|bodies|remains|"
            r"children|women|nationals|citizens)\b)",
            r"crossed back",
            r"returned home",
            r"revoked",
            r"dissolved",
            r"won (?:[\w-]+ ){0,3}?seats",
            r"resigned",
            # Not a word that describes: "the banned Balochistan Liberation
            # Front", "a suspended mayor".
            rf"{_NOT_DESCRIBING}sacked",
            rf"{_NOT_DESCRIBING}suspended",
            rf"{_NOT_DESCRIBING}banned",
            rf"{_NOT_DESCRIBING}expelled",
            r"(?<!was )(?<!were )(?<!been )(?<!being )deported(?! from\b)",
            r"imposed (?:an? |the )?(?:[\w-]+ ){0,2}?curfew",
            r"summoned",
            # "exchanged five prisoners each": a swap, whoever brokered it.
            r"(?:exchanged|swapped) "
            r"(?:(?!accusations|over\b|about\b|on\b)[\w-]+ ){0,3}?"
            r"(?:prisoners|detainees|captives|bodies|remains)",
            # "designated Harakat al-Nujaba as a terrorist organisation".
            r"designated(?! by\b)(?= (?:[\w’'-]+ ){1,6}?as (?:an? )?(?:foreign )?"
            r"terrorist)",
            r"closed",
            r"reopened",
            r"evacuated",
            r"recalled",
            r"(?:released|freed) (?:[\w-]+ ){0,3}?(?:prisoners|detainees|hostages|"
            r"captives|activists|journalists|protesters)",
            r"(?:launched|ordered|opened) an? (?:investigation|inquiry|probe)",
            # "ordered (the formation of) a committee to investigate the
            # attack": an inquiry by the body that makes it.
            r"(?:launched|ordered|opened) (?:the formation of )?an? "
            r"(?:[\w-]+ ){0,2}?(?:committee|commission|panel) to "
            r"(?:investigate|look into)",
            # Relations between states broken: "severed diplomatic ties with
            # Qatar", "broke off relations in 2016".
            r"(?:severed|broke off|cut off) (?:its |their |all )?"
            r"(?:diplomatic |political |full )?(?:ties|relations)",
            # A base or barrier with an effect of its own: "set up a
            # checkpoint on the road to Goris", "began building a fence
            # along the frontier".
            # Not "attackers had set up a checkpoint on the road", how an
            # attack told was carried out.
            r"(?<!had )(?:set up|established|erected) "
            r"(?:an? |new |two |three |several )?"
            r"(?:[\w-]+ ){0,2}?(?:checkpoints?|outposts?|military posts?|"
            # (Not "a new base of operations", a firm's office.)
            r"observation posts?|bases?(?! of operations))",
            r"(?:began|started|completed|finished) (?:building|constructing|"
            r"erecting|digging) (?:[\w-]+ ){0,3}?(?:walls?|fences?|barriers?|"
            r"trenches|berms?|ditch(?:es)?)",
        ),
    ),
    (
        T.OTHER,
        NOUN,
        _any_of(r"sanctions", r"resignation", r"prisoner (?:exchange|swap)"),
    ),
    (
        CASUALTY,
        VERB,
        _any_of(r"killed", r"kills", r"kill", r"wounded", r"injured", r"died", r"dies"),
    ),
    # "causing damage but no casualties" tells of none.
    (
        CASUALTY,
        NOUN,
        _any_of(r"(?<!\bno )(?<!\bany )(?:deaths?|dead|casualties)"),
    ),
    (
        T.STATEMENT,
        SAY,
        _any_of(
            r"said",
            r"says",
            r"say",
            # Not "he was told of the verdict": the one told hears it.
            r"(?<!\bwas )(?<!\bwere )(?<!\bbeen )(?<!\bbeing )(?<!\bbe )told",
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
            # "called the attacks “terrorist acts”": naming what was done.
            r"called(?= (?:the|this|these|both) )",
            # "described the meeting as “very positive”": the same.
            r"described(?= (?:the|this|these|both|it|them) )",
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
            r"dismissed",
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

DETERMINER_BEFORE = re.compile(
    r"\b(?:the|this|that|these|those|its|their|his|her|our|both|such)\s+"
    r"(?:[\w’'.-]+\s+){0,3}$",
    re.IGNORECASE,
)
ADJECTIVE_USE = re.compile(r"\b(?:the|a|an|its|their|those|these)\s+$", re.IGNORECASE)
CAUSE_BEFORE = re.compile(
    r"\b(?:amid|after|following|over|since|despite|against|sparked by|"
    r"because of|due to)\s+"
    r"(?:[\w’'.-]+\s+){0,3}$",
    re.IGNORECASE,
)
IRREALIS_BEFORE = re.compile(
    r"\b(?:plan(?:s|ned|ning)? to|plott?(?:s|ed|ing)? to|intend(?:s|ed)? to|"
    r"threaten(?:s|ed)? to|tried to|try to|attempt(?:s|ed)? to|would not|will not|"
    r"did not|does not|do not|not|never|refused to|failed to|"
    r"aim(?:s|ed)? (?:to|at)|seeks? to|sought to|wants? to|allow)\s+"
    r"(?:[\w’'.-]+\s+){0,3}$"
    # "urged Kurdish cities to hold a general strike": asked for, not done;
    # "urged Baghdad to act and struck…", "called for justice and rallied":
    # done, after the call.
    r"|\b(?:(?:urged|urges|urging|called on) (?:[\w-]+ ){0,3}?to|called for)\s+"
    r"(?:(?!and\b)[\w’'.-]+\s+){0,3}$",
    re.IGNORECASE,
)
# What a denial says was not done: "denied on Monday that it had launched a
# crackdown", "denies having declared a curfew".
DENIED_BEFORE = re.compile(
    r"\bden(?:ied|ies|y|ying)\b(?:\s+(?:on\s+)?[\w’'.-]+){0,3}?\s+"
    r"(?:that\s+(?:[\w’'.-]+\s+){0,3}|having\s+|any\s+(?:[\w-]+\s+){0,2}?)$",
    re.IGNORECASE,
)
# Words that make the rest of their clause a condition, a possibility or a
# plan: "once a gas contract is signed", "could strike", "is expected to visit".
# A time ahead after the action: "would deploy … in the coming months".
# A plan the clause is still telling, past "and": "is scheduled to travel to
# Basra on Sunday to meet traders and visit the port".
PLANNED_BEFORE = re.compile(
    # (Not past "but": "was expected to visit Basra but met the governor in
    # Baghdad instead".)
    r"\b(?:is|are|was|were)\s+(?:scheduled|due|expected|set)\s+to\s+"
    r"(?:(?!\b(?:but|instead)\b)[^,;.:])*$",
    re.IGNORECASE,
)
FUTURE_AFTER = re.compile(
    r"^[^,;.]*?\b(?:in the coming (?:days|weeks|months|years)|next (?:week|month|"
    r"year)|later this (?:week|month|year))\b",
    re.IGNORECASE,
)
HYPOTHETICAL_RE = re.compile(
    r"\b(?:once|if|unless|until|whether|could|might|may|should|will|shall|"
    r"in the coming|"
    r"expected to|due to|set to|scheduled to|plans? to|planning to|hopes? to|"
    r"hoping to)\b",
    re.IGNORECASE,
)
# After a preposition a noun names a kind of action, not one that happened:
# "used for attacks", "the threat of protests".
PREPOSITION_BEFORE = re.compile(
    r"\b(?:for|of|about|on|to|into|with|by|during|in)\s+(?:[\w’'.-]+\s+){0,1}$",
    re.IGNORECASE,
)
COMPOUND_AFTER = re.compile(
    r"^\s+[a-z]+(?:ers|ors|ists|ants|ents|ees|ment|ments|ship|ground|sites?|area|"
    r"zone|camps?|leaders?|groups?)\b"
)
AUXILIARY = words(
    "has have had was were is are be been being will would shall should can could "
    "may might must to not also and or then later jointly reportedly allegedly "
    "had"
)
PASSIVE_BEFORE = re.compile(
    r"\b(?:was|were|been|being|is|are|be|got)\s+(?:\w+ly\s+)?$|"
    # "an army post came under attack": what is attacked.
    r"\b(?:came|come|comes|coming)\s+under\s+(?:(?:heavy|rocket|mortar|drone)\s+)?$",
    re.IGNORECASE,
)
# A sentence of death carried out ("Iran hanged two prisoners", "the man,
# convicted of spying, was executed"), and those who kill without a court:
# "Islamic State militants executed five shepherds", "soldiers executed a
# wounded fighter" are attacks.
EXECUTION = re.compile(r"executed|hanged")
EXECUTIONERS_ARMED = re.compile(
    r"\b(?i:militants?|gunm[ae]n|fighters|insurgents|jihadists|kidnappers|"
    r"captors|rebels|tribesmen|attackers|assailants|troops|soldiers|"
    r"militia(?:s|men)?|Islamic State|Daesh)\b|\b(?:ISIS|ISIL|IS)\b"
)
# What tells a court's sentence: a hanging, or the words of a trial.
JUDICIAL = re.compile(
    r"\bhanged\b|\b(?:court|courts|judiciary|sentenced|sentence|convicted|"
    r"condemned|death row|prison|prisoners?|gallows)\b",
    re.IGNORECASE,
)
# Not put to death: "was found hanged", "hanged himself", "hanged an effigy".
NOT_EXECUTED = re.compile(
    r"\bfound\s+hanged\b|\bhanged\s+(?:himself|herself|themselves|an?\s+effig|"
    r"effigies|pictures?|posters?|banners?|flags?)|\bexecuted\s+(?:an?\s+|the\s+)?"
    r"(?:\w+\s+)?(?:warrants?|orders?|plans?|decisions?|search|arrest)\b",
    re.IGNORECASE,
)
# A death of someone the state holds ("died in police custody"): a death, not
# an attack.
CUSTODY = re.compile(
    r"\bin (?:police )?(?:custody|detention|prison|jail)\b", re.IGNORECASE
)
# Closing shops or stopping work as a protest.
LABOUR_STRIKE = re.compile(
    r"\b(?:closed|shut)\b[^.;]*\b(?:(?:general|nationwide|national)\s+strike|"
    r"on\s+strike|in\s+protest)\b",
    re.IGNORECASE,
)
# Strikes that are stoppages of work, not strikes from the air: "a strike
# by oil workers", "the truckers' strikes", "a general strike". Strikes
# that only "spread" or "continued" are read as strikes from the air.
LABOUR_STRIKES = re.compile(
    rf"\b(?:(?:{_STRIKE_KINDS})\s+strikes?\b|strikes?\s+(?:by|of|among)\s+"
    rf"(?:[\w-]+\s+){{0,2}}?{_STRIKERS}\b)",
    re.IGNORECASE,
)
CROWDS = re.compile(
    r"\b(?:demonstrators|protesters|rioters|crowds?|mobs?|supporters)\b(?:\s+\w+){0,2}"
    r"\s+(?:clashed|fought|attacked|stormed)",
    re.IGNORECASE,
)
REMOTE_WEAPONS = re.compile(
    r"\b(?:drones?|missiles?|rockets?|air ?strikes?|shell(?:s|ing|ed)|mortars?|"
    r"artillery|bombs?|bombing|IEDs?|explosives?|warplanes?|jets?|aircraft|"
    # A suicide bombing is an explosion, whoever it kills: "a suicide
    # bomber killed 12 people at a market", "a suicide attack on a mosque".
    r"bombers?(?= (?:killed|struck|attacked|targeted|detonated|blew|rammed|hit)\b)|"
    r"suicide (?:attacks?|attackers?|blasts?|bombings?)|"
    r"blew (?:himself|herself|themselves) up)\b",
    re.IGNORECASE,
)
CIVILIANS = re.compile(
    r"\b(?:civilians?|protesters|demonstrators|children|women|villagers?|"
    r"shopkeepers?|worshippers|journalists?|mourners|passers-by|residents?|"
    r"shepherds?|farmers?|porters?|kolbars?|aid workers?|workers?|drivers?|"
    r"fishermen|migrants?|refugees?|pilgrims|a (?:man|woman|boy|girl)|"
    r"activists?|lawyers?|doctors?|teachers?|students?|bloggers?)\b",
    re.IGNORECASE,
)
FIRED_ON_FORCE = re.compile(
    r"\bopened fire (?:on|at) (?:[\w-]+ ){0,3}?(?:patrols?|posts?|checkpoints?|"
    r"convoys?|bases?|forces?|troops|soldiers|police|policemen|guards|officers|army|"
    r"units?|positions?|outposts?)\b",
    re.IGNORECASE,
)
# Who is shot is unarmed by calling: "gunmen shot dead a judge", "shot dead
# Maulana Abdul Ghafoor, a local cleric", "shot dead several fuel carriers".
# The words between the shooting and who was shot are not a force's, so
# "shot dead a police officer and two students" stays a fight with the
# police; a retired officer or soldier is a civilian.
SHOT_UNARMED = re.compile(
    r"\b(?:shot(?: dead| and killed| and wounded)?|gunned down)\s+"
    r"(?:(?!(?:and|or|police\w*|soldiers?|officers?|troops|guards?|commanders?|"
    r"militants?|fighters?|gunmen|army|military|security|border)\b)"
    r"[^\s.;]+\s+){0,6}?"
    r"(?:retired\s+(?:[\w-]+\s+){0,2}?(?:officers?|soldiers?|colonels?|generals?|"
    r"majors?|policem[ae]n|police officers?|commanders?)|judges?|"
    r"clerics?|imams?|mullahs?|preachers?|prayer leaders?|traders?|merchants?|"
    r"shop ?owners?|shopkeepers?|businessm[ae]n|engineers?|fuel carriers?|nurses?|"
    r"diplomats?|professors?|academics?|protesters?|demonstrators?|elders?|"
    r"worshippers?|pilgrims?|students?|doctors?|lawyers?|activists?|journalists?|"
    r"teachers?|civilians?|villagers?|farmers?|shepherds?|mourners?)\b"
    # Not one who owns another: "shot dead a judge's guard".
    r"(?![’'])",
    re.IGNORECASE,
)

# Who is shot is armed, or serves a force: "gunmen shot dead a police officer
# and wounded two students", "police shot dead a militant who had attacked
# worshippers" tell of a fight, whoever else the sentence names.
SHOT_ARMED = re.compile(
    r"\b(?:shot(?: dead| and killed| and wounded)?|gunned down)\s+"
    r"(?:an?|the|two|three|four|five|several|\d+)?\s*(?:(?!retired\b)[\w-]+\s+){0,2}?"
    r"(?:police\w*|policem[ae]n|soldiers?|officers?|troops|guards?|commanders?|"
    r"militants?|fighters?|gunm[ae]n|insurgents?|attackers?|assailants?|suspects?|"
    r"bombers?)\b"
    # Not one whose kin was shot: "shot dead a police officer's brother"; not
    # a force's building beside one shot: "a woman outside police
    # headquarters".
    r"(?![’'])(?!\s+(?:headquarters|stations?|checkpoints?|posts?|bases?|"
    r"compounds?|buildings?|barracks|academy)\b)",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Trigger:
    kind: str
    strength: float
    start: int
    end: int
    word: str
    # Read as a verb ("struck"), not a noun ("the strikes").
    verb: bool = False

    @property
    def says(self) -> bool:
        return self.kind == T.STATEMENT


def _quote_spans(body: str, offset: int) -> list[tuple[int, int]]:
    """The quotations of a sentence; not a euphemism set in quotes by the
    writer ("forces \"neutralized\" four PKK terrorists"), which is the action
    itself. Any other quoted word is someone's ("called it a \"massacre\"")."""
    return [
        (start, end)
        for start, end in _quoted(body, offset)
        if fold(body[start - offset + 1 : end - offset - 1]) not in SCARE_QUOTED
    ]


SCARE_QUOTED = words("neutralized neutralised")


def _quoted(body: str, offset: int) -> list[tuple[int, int]]:
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
            if before.endswith("-"):
                # "Iraq's state-sanctioned forces": part of an adjective.
                weight *= 0.1
            if strength == WEAK and SOURCE_BEFORE.search(before):
                # "according to a statement from…": where it was read.
                weight *= 0.3
            if strength == NOUN:
                if REACTION_BEFORE.search(before):
                    # "condemned the strikes": what a statement is about.
                    weight *= 0.25
                if COMPOUND_AFTER.match(body[match.end() :]):
                    # "Protest organisers", "agreement text": a modifier.
                    weight *= 0.5
                if DETERMINER_BEFORE.search(before):
                    weight *= 0.25
                elif (
                    kind == T.MEETING
                    and DURING_TALKS.search(before)
                    and DAY_TOLD.search(body)
                ):
                    # "raised the request with Yumakli during talks in Ankara
                    # on Tuesday": the talks are what happened that day.
                    weight *= 0.8
                elif CAUSE_BEFORE.search(before) or PREPOSITION_BEFORE.search(before):
                    weight *= 0.5
            if (
                kind == T.MEETING
                and (HABITUAL.search(match.group()) or HABITUAL_BEFORE.search(before))
                and not DAY_TOLD.search(body)
            ):
                # "have since held regular talks": talks over time, no one
                # meeting.
                weight *= 0.2
            if kind == T.APPOINTMENT and strength == VERB and WHO_BEFORE.search(before):
                # "Al-Khafaji, who took office in June, said…": words about
                # a person, not an appointment the sentence tells.
                weight *= 0.2
            if strength == VERB and FIRST_TO.search(before):
                # "the first to kill U.S. troops in the region": what an
                # incident was, not an action of its own.
                weight *= 0.3
            indefinite = strength == VERB and INDEFINITE_REDUCED.search(before)
            if strength == VERB and _reduced(
                before, match.group(), body[match.end() :]
            ):
                weight *= 0.25
            if indefinite and REDUCED_NEXT.match(body[match.end() :]):
                # "under an agreement signed in Baghdad on Tuesday": told
                # here for the first time, whatever the main clause plans.
                weight = VERB * 0.8
            elif strength in (VERB, NOUN) and (
                IRREALIS_BEFORE.search(before)
                or (
                    PLANNED_BEFORE.search(before)
                    and not match.group().casefold().endswith("ed")
                )
                or DENIED_BEFORE.search(before)
                or HYPOTHETICAL_RE.search(before, clause_start(before))
                or FUTURE_AFTER.match(body[match.end() :])
            ):
                weight *= 0.3
            found.append(
                Trigger(
                    kind, weight, start, end, match.group(), strength in (VERB, SAY)
                )
            )
    return found


# A relative clause set off by a comma, describing the person before it:
# ", who took office in June,", ", who was elected in 2022,".
WHO_BEFORE = re.compile(
    r",\s*who\s+(?:(?:was|were|had|has|have|been|first|only|just|recently)\s+){0,3}"
    r"(?:\w+ly\s+)?$",
    re.IGNORECASE,
)
# "… with Yumakli during talks": a meeting told by what was done at it.
DURING_TALKS = re.compile(r"\bduring\s+(?:their\s+)?$", re.IGNORECASE)
HABITUAL = re.compile(
    r"\b(?:regular|regularly|frequent|periodic|repeated|several rounds of)\b",
    re.IGNORECASE,
)
# "on Tuesday", "on 12 May", "on May 12": one day's meeting, however regular.
DAY_TOLD = re.compile(
    r"\bon\s+(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|\d{1,2}\s+[A-Z][a-z]+|"
    r"(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\s+\d{1,2})\b"
)
HABITUAL_BEFORE = re.compile(
    r"\b(?:have|has)\s+(?:since|repeatedly|regularly|frequently|often|long)\s+$",
    re.IGNORECASE,
)


def clause_start(before: str) -> int:
    """Where the clause ending at the end of `before` starts."""
    marks = [before.rfind(mark) for mark in ',;:“”"']
    that = [m.end() for m in re.finditer(r"\b(?:that|and|but)\s", before)]
    return max([0, *(m + 1 for m in marks if m >= 0), *that])


REACTION_BEFORE = re.compile(
    r"\b(?:condemn\w*|denounc\w*|welcom\w*|prais\w*|critici[sz]\w*|reject\w*|"
    r"blam\w*|deplor\w*|hail\w*|called|describ\w*|said|says|over|about|"
    r"responsibility for|claimed)\s+(?:[\w’'.\"“”-]+\s+){0,4}$",
    re.IGNORECASE,
)
SOURCE_BEFORE = re.compile(
    r"\b(?:according to|in|citing|quoting)\s+(?:a|an|the|its|their)\s+(?:[\w-]+\s+)?$",
    re.IGNORECASE,
)
INDEFINITE_REDUCED = re.compile(
    r"\b(?:an?|two|three|four|several|new)\s+(?:[\w’'.-]+\s+){0,2}?"
    r"(?:agreement|deal|accord|memorandum|memorandums|treaty|pact)\s+$",
    re.IGNORECASE,
)
REDUCED_NEXT = re.compile(
    r"^\s*(?:[,.;:”\"]|$|(?:on|in|at|by|last|during|with|from|earlier|under|"
    r"after|before|since|between|to)\b)",
    re.IGNORECASE,
)


# Nouns for who acts, whose verb after them is their action, not a
# participle qualifying them.
DOERS = words(
    "court courts judge judges ministry government army police council "
    "parliament cabinet commission committee presidency agency militia group "
    "forces troops authorities officials president minister spokesman governor "
    "mayor"
)
FIRST_TO = re.compile(
    r"\bthe (?:first|second|third|last|latest|only|deadliest)\s+(?:[\w-]+\s+)?to\s+$",
    re.IGNORECASE,
)
# A definite noun opening the clause, then a comma: "The announcement, ".
SET_OFF_NOUN = re.compile(
    r"(?:^|[.;]\s+)\s*(?:The|This|That|Its|Their)\s+(?:[a-z][\w-]*\s+){0,2}?"
    r"[a-z][\w-]*,\s*$"
)


# Verbs of protest that take no object, so never qualify a noun as a
# participle: "the teachers marched", "the miners went on strike".
INTRANSITIVE = re.compile(
    r"(?:marched|rallied|went|walked|camped|downed|laid|put|stopped)\b", re.IGNORECASE
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
    if INTRANSITIVE.match(word):
        # "hundreds of the strikers marched to the square", "the drivers
        # went on strike on Monday": a verb with no passive is no
        # participle.
        return False
    if re.match(r"\S+ (?:an?|the|\d)\b", word, re.IGNORECASE):
        # "imposed a curfew": the verb with its own object.
        return False
    if ADJECTIVE_USE.search(before):
        return True
    if SET_OFF_NOUN.search(before) and re.match(r"\s+by\b", after):
        # "The announcement, signed by the group's secretary-general, …,
        # came": words about the announcement, set off by commas.
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
    if fold(word_before) in DOERS:
        # "The court ruled in Baghdad on Monday": a body acting.
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


def choose(triggers: list[Trigger], body: str) -> tuple[Trigger, str] | None:
    """The strongest action word, the first of equals, and the event type."""
    if not triggers:
        return None
    best = max(triggers, key=lambda t: (t.strength, -t.start))
    if best.strength < WEAK:
        return None
    return best, event_type(best, triggers, body)


def sentence_carried_out(trigger: Trigger, body: str) -> bool:
    """Whether the trigger tells a sentence of death carried out (EXECUTION),
    not a killing by armed men nor another sense of the word."""
    return (
        EXECUTION.fullmatch(fold(trigger.word)) is not None
        and JUDICIAL.search(body) is not None
        and not EXECUTIONERS_ARMED.search(body)
        and not NOT_EXECUTED.search(body)
    )


def event_type(trigger: Trigger, triggers: list[Trigger], body: str) -> str:
    """The type a trigger gives, with the words around it for "killed", "attacked"."""
    if trigger.kind == CASUALTY:
        return _casualty_type(triggers, body, trigger)
    if trigger.kind == T.OTHER and LABOUR_STRIKE.search(body):
        # "Shopkeepers closed their businesses in a general strike".
        return T.PROTEST
    if trigger.kind == T.VIOLENCE_AGAINST_CIVILIANS and sentence_carried_out(
        trigger, body
    ):
        # "Iran hanged two Kurdish political prisoners": a court's sentence
        # carried out, recorded as the sentence is.
        return T.OTHER
    if (
        trigger.kind == T.REMOTE_VIOLENCE
        and fold(trigger.word) in ("strike", "strikes")
        and not REMOTE_WEAPONS.search(body)
        and LABOUR_STRIKES.search(body)
    ):
        # "Strikes by bazaar merchants spread to Tabriz": work stopped in
        # protest, not strikes from the air.
        return T.PROTEST
    if trigger.kind == T.BATTLE and CROWDS.search(body):
        # "demonstrators clashed": a riot, not a battle.
        return T.RIOT
    if trigger.kind == ATTACK:
        if REMOTE_WEAPONS.search(body):
            return T.REMOTE_VIOLENCE
        if FIRED_ON_FORCE.search(body):
            # "fighters opened fire on a police force, killing an officer and
            # a civilian": a fight with a force, whoever else fell.
            return T.BATTLE
        if SHOT_UNARMED.search(body):
            return T.VIOLENCE_AGAINST_CIVILIANS
        if SHOT_ARMED.search(body):
            return T.BATTLE
        if CIVILIANS.search(body):
            return T.VIOLENCE_AGAINST_CIVILIANS
        return T.BATTLE
    return trigger.kind


def _casualty_type(triggers: list[Trigger], body: str, casualty: Trigger) -> str:
    if CUSTODY.search(body):
        return T.DEATH
    violent = [t for t in triggers if t.kind in VIOLENT]
    if violent:
        kind = max(violent, key=lambda t: t.strength).kind
        return T.RIOT if kind == T.BATTLE and CROWDS.search(body) else kind
    if REMOTE_WEAPONS.search(body):
        return T.REMOTE_VIOLENCE
    if FIRED_ON_FORCE.search(body):
        return T.BATTLE
    if CIVILIANS.search(body):
        return T.VIOLENCE_AGAINST_CIVILIANS
    if fold(casualty.word).startswith(("die", "death", "dead")):
        return T.DEATH
    return T.BATTLE
