"""
Actors an article names that the database does not hold yet, read as an
editor reads them: people by their titles and by apposition ("Ali Akbar
Ahmadian, the secretary of…", "a 22-year-old woman"), bodies by their forms
("Iraq's foreign ministry" is the Ministry of Foreign Affairs of Iraq),
parties, forces and groups by the words that name them, acronyms by the
names they stand for, a state when it acts rather than locates ("the United
States condemned…", "Tehran accuses…"), and short second mentions ("the
Guards" after the Islamic Revolutionary Guard Corps).

Names the database holds are matched in actors.py; a name built here (the
canonical name of a body, a state) is looked up there by `known_by_name`.
"""

import functools
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from django.contrib.gis.geos import Point

from events.extract.actors import (
    PERSON,
    ActorMention,
    ActorRef,
    index_summary,
    last_actor_index,
)
from events.extract.places import PlaceMention, country_rows, location_index
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
    overlaps,
    words,
)
from events.models import Actor, Location

K = Actor.Kind

# Last words of the names of bodies, forces, parties and outlets, with the
# kind of actor each makes: "Foreign Ministry", "Popular Mobilization
# Forces", "Kurdistan Democratic Party", "Tehran Times". An empty kind: the
# word says an organisation, not which kind.
HEAD_KINDS: dict[str, str] = {
    **dict.fromkeys(
        words(
            "ministry council cabinet department office presidency parliament "
            "assembly court tribunal judiciary commission authority authorities "
            "directorate administration government senate congress bureau "
            "secretariat treasury committee"
        ),
        K.GOVERNMENT_BODY,
    ),
    **dict.fromkeys(
        words(
            "army forces force guard guards corps police gendarmerie navy "
            "peshmerga command units division fleet flotilla"
        ),
        K.SECURITY_FORCE,
    ),
    **dict.fromkeys(
        words("brigade brigades militia militias battalion battalions front"),
        K.ARMED_GROUP,
    ),
    **dict.fromkeys(
        words("party movement alliance coalition bloc list"), K.POLITICAL_PARTY
    ),
    **dict.fromkeys(
        words("news times post press tv television radio channel broadcaster daily"),
        K.MEDIA,
    ),
    **dict.fromkeys(
        words(
            "agency organisation organization union group network institute "
            "association company mission bank foundation federation league "
            "brotherhood centre center services service observatory watch "
            "society syndicate chamber headquarters"
        ),
        "",
    ),
}
# Words inside a name that make it an armed group's ("Kataib Hezbollah",
# "Asaib Ahl al-Haq", "Islamic State"), a state's agency or an
# international organisation.
ARMED_WORDS = words(
    "hezbollah hizbullah hizballah kataib kata'ib asaib saraya harakat liwa jaish "
    "ansar hashd daesh isis isil qaeda al-qaeda jund"
)
# Armed groups known by words that are common on their own.
ARMED_NAMES = re.compile(
    r"\b(?P<name>Islamic State|Islamic Resistance in Iraq|Islamic Resistance|"
    r"al-Qaeda|al-Shabaab|Hayat Tahrir al-Sham)\b"
)
INTERNATIONAL_WORDS = words("united nations international european arab league nato")
# Outlets and agencies a report names as its source, and international
# organisations known by their letters: a generic list of the region's and
# the world's, not of any one article.
MEDIA_NAMES = words(
    "Reuters AFP AP IRNA ISNA Tasnim Fars Mehr IRIB Rudaw Kurdistan24 Shafaq "
    "Xinhua Anadolu BBC CNN Al-Monitor Al-Jazeera Al-Arabiya INA Sputnik TASS "
    "Bloomberg NRT K24 Baghdad-Today"
)
INTERNATIONAL_ACRONYMS = words(
    "UN UNAMI UNHCR UNICEF UNDP IAEA NATO EU OPEC IMF ICRC OSCE OIC WFP IOM OCHA"
)

# A minister's portfolio as the canonical name of the ministry writes it:
# "foreign ministry" is the Ministry of Foreign Affairs.
PORTFOLIOS: dict[str, str] = {
    "foreign": "Foreign Affairs",
    "foreign affairs": "Foreign Affairs",
    "defence": "Defence",
    "defense": "Defence",
    "interior": "Interior",
    "internal affairs": "Internal Affairs",
    "external affairs": "External Affairs",
    "intelligence": "Intelligence",
    "oil": "Oil",
    "petroleum": "Oil",
    "finance": "Finance",
    "health": "Health",
    "justice": "Justice",
    "electricity": "Electricity",
    "energy": "Energy",
    "trade": "Trade",
    "commerce": "Trade",
    "education": "Education",
    "higher education": "Higher Education",
    "culture": "Culture",
    "transport": "Transport",
    "agriculture": "Agriculture",
    "agriculture and forestry": "Agriculture and Forestry",
    "agriculture and water resources": "Agriculture and Water Resources",
    "planning": "Planning",
    "water resources": "Water Resources",
    "roads": "Roads and Urban Development",
    "roads and urban development": "Roads and Urban Development",
    "youth and sports": "Youth and Sports",
    "labour and social affairs": "Labour and Social Affairs",
    "municipalities": "Municipalities",
    "tourism": "Tourism",
    "reconstruction": "Reconstruction",
    "migration": "Migration and Displacement",
    "refugees": "Refugees and Repatriation",
    "refugees and repatriation": "Refugees and Repatriation",
    "energy and water": "Energy and Water",
    "energy and natural resources": "Energy and Natural Resources",
    "migration and displacement": "Migration and Displacement",
    "national defence": "National Defence",
    "national defense": "National Defence",
    "peshmerga": "Peshmerga Affairs",
    "peshmerga affairs": "Peshmerga Affairs",
    "natural resources": "Natural Resources",
    "economy": "Economy",
    "labour": "Labour",
    "labor": "Labour",
    "communications": "Communications",
    "environment": "Environment",
    "industry": "Industry",
    "housing": "Housing",
    "human rights": "Human Rights",
}
_PORTFOLIO = "|".join(sorted(PORTFOLIOS, key=len, reverse=True))
# Other bodies a state has, by the word that names them.
# A state's parliament under its own name.
PARLIAMENTS = {
    "IQ": "Council of Representatives of Iraq",
    "IR": "Islamic Consultative Assembly",
    "TR": "Grand National Assembly of Turkey",
    "KR": "Kurdistan Parliament",
}
# Ministries a state names otherwise than PORTFOLIOS does, by the state's
# ISO 3166-1 alpha-2 code ("KR" the Kurdistan Region): Turkey's defence
# ministry is of National Defence, Armenia's interior ministry of Internal
# Affairs. A form two states share goes to the one listed first when the
# words name no state ("the National Defense Ministry" is Turkey's).
OWN_PORTFOLIOS = {
    ("TR", "Defence"): "National Defence",
    ("TR", "Agriculture"): "Agriculture and Forestry",
    ("TR", "Energy"): "Energy and Natural Resources",
    ("AF", "Defence"): "National Defence",
    ("AF", "Energy"): "Energy and Water",
    ("AM", "Interior"): "Internal Affairs",
    ("AZ", "Interior"): "Internal Affairs",
    ("RU", "Interior"): "Internal Affairs",
    ("GE", "Interior"): "Internal Affairs",
    ("KR", "Agriculture"): "Agriculture and Water Resources",
    ("KR", "Water Resources"): "Agriculture and Water Resources",
    # Portfolios only one state has: "Roads and Urban Development Minister
    # Farzaneh Sadegh" is Iran's.
    ("IR", "Roads and Urban Development"): "Roads and Urban Development",
    ("AF", "Refugees and Repatriation"): "Refugees and Repatriation",
}
STATE_BODIES: dict[str, str] = {
    "presidency": "Presidency of {owner}",
    "cabinet": "Council of Ministers of {owner}",
    "parliament": "Parliament of {owner}",
    "judiciary": "Judiciary of {owner}",
    "army": "Army of {owner}",
    "police": "Police of {owner}",
    "national security council": "National Security Council of {owner}",
    "central bank": "Central Bank of {owner}",
    # Bodies most states have, named with their state: "Iran's Prisons
    # Organization", "the Iranian border guard command".
    "civil aviation organization": "Civil Aviation Organization of {owner}",
    "civil aviation organisation": "Civil Aviation Organization of {owner}",
    "prisons organization": "Prisons Organization of {owner}",
    "prisons organisation": "Prisons Organization of {owner}",
    "customs administration": "Customs Administration of {owner}",
    "border guard command": "Border Guard Command of {owner}",
}
# A state's body under its own name, where it differs from the template.
OWN_BODIES = {
    ("IR", "customs administration"): "Islamic Republic of Iran Customs Administration"
}
BODY_KINDS = {
    "army": K.SECURITY_FORCE,
    "police": K.SECURITY_FORCE,
    "border guard command": K.SECURITY_FORCE,
}

# Capitals that stand for their governments: "Tehran accuses", "Baghdad
# says". ISO 3166-1 alpha-2, "KR" for the Kurdistan Region.
CAPITALS: dict[str, str] = {
    "baghdad": "IQ",
    "tehran": "IR",
    "ankara": "TR",
    "damascus": "SY",
    "washington": "US",
    "moscow": "RU",
    "riyadh": "SA",
    "amman": "JO",
    "beirut": "LB",
    "doha": "QA",
    "cairo": "EG",
    "beijing": "CN",
    "london": "GB",
    "paris": "FR",
    "berlin": "DE",
    "baku": "AZ",
    "yerevan": "AM",
    "kabul": "AF",
    "islamabad": "PK",
    "ashgabat": "TM",
    "abu dhabi": "AE",
    "kuwait city": "KW",
    "erbil": "KR",
}
# The Kurdistan Region, owner of bodies of its own; its government is the
# actor that stands for it.
REGION_CODE = "KR"
ARMED_FORCES = "Armed Forces"
REGION_OWNER = "the Kurdistan Region"
REGION_GOVERNMENT = "Kurdistan Regional Government"
REGION_WORDS = re.compile(
    r"^(?:[Tt]he\s+)?(?:Kurdistan Region|Kurdistan region|Kurdistan|KRG|Kurdistan "
    r"Regional Government|Kurdish region|Iraqi Kurdish region|region)$"
)

# Words after which a name is a source or a group: "according to Reuters",
# "agency Mossad", "members of Kataib Hezbollah".
SOURCE_BEFORE = re.compile(
    r"(?:according to|told|via|quoted by|reported by|cited by|agency|"
    r"newspaper|broadcaster|channel|outlet|website|daily|members of|member of|"
    r"fighters (?:of|from)|militants (?:of|from)|leader of|head of|chief of|"
    r"spokesman (?:for|of)|spokeswoman (?:for|of)|spokesperson (?:for|of)|"
    r"commander of|affiliated with|loyal to|backed by|belong(?:s|ed)? to|"
    r"linked to|faction of|airline|carrier|company|firm|exchange|operator|"
    # "met executives of PetroChina", "received representatives of Siemens
    # Energy": the body whose people take part in the meeting (those shot
    # or arrested are people, not their company).
    r"(?:met|meets|meeting\s+with|talks\s+with|received|hosted)\s+"
    r"(?:senior\s+|top\s+)?(?:executives|representatives|delegates)\s+(?:of|from)|"
    r"charity|watchdog|relief group|rights group|aid group|group|organi[sz]ation)"
    r"(?: the)?\s+(?:[A-Z][\w-]*[’']s\s+)?$",
    re.IGNORECASE,
)
GROUP_BEFORE = re.compile(
    r"(?:members of|member of|fighters (?:of|from)|militants (?:of|from)|"
    r"faction of|affiliated with|loyal to|belong(?:s|ed)? to)(?: the)?\s+$",
    re.IGNORECASE,
)
MEDIA_AFTER = re.compile(
    r"^\s+(?:news agency|agency|newspaper|daily|news|TV|television|"
    r"broadcaster|channel|website)\b",
    re.IGNORECASE,
)
# A relative clause set off by commas between a name and its verb: "the
# Security Media Cell, which speaks for the security forces, said".
WHICH_ASIDE = r"(?:,\s+(?:which|who)\s[^,;]{1,80},)?"
SAYS_AFTER = re.compile(
    rf"^{WHICH_ASIDE},?\s+"
    r"(?:said|says|told|added|announced|stated|denied|confirmed|warned|"
    r"claimed|reported|wrote|tweeted|posted|insisted|noted|argued|urged|"
    r"called (?:on|for)|condemned|accused|welcomed|demanded|rejected|"
    r"critici[sz]ed|blamed|vowed|appealed|dismissed)\b"
)
# A coalition named by who leads it: "the U.S.-led coalition".
LED_COALITION = re.compile(
    r"(?<![\w.])(?:U\.S\.|US|[A-Z][a-z]+)-led\s+(?:international\s+|military\s+)?"
    r"coalition\b"
)
# Where a body sits: "a Revolutionary Court in Mahabad".
SEAT_AFTER = re.compile(r"^\s+in\s+([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)\b")
# What kind of court a court is, words every seat's court shares; a name
# with a word besides these ("the Karkh Criminal Court in Baghdad") names
# its own seat already.
COURT_KIND_WORDS = words(
    "the revolutionary criminal military appeal appeals civil special juvenile "
    "penal anti-corruption supreme high central federal administrative heavy "
    "primary first instance islamic court tribunal of"
)


def _court_has_own_seat(tokens: list[Token], first: int, last: int) -> bool:
    return any(
        fold(tokens[k].text) not in COURT_KIND_WORDS for k in range(first, last + 1)
    )


# "the Komala party", "the Islamic State group".
NAMED_BY_SUFFIX = re.compile(
    r"\b(?P<name>[A-Z][\w’'-]*(?:\s+(?:[A-Z][\w’'-]*|al-[\w’'-]+)){0,3})\s+"
    r"(?P<head>party|group|movement|militia|faction|alliance|coalition|bloc|tribe|clan)\b"
)
SUFFIX_KINDS = {
    "party": K.POLITICAL_PARTY,
    "parties": K.POLITICAL_PARTY,
    "movement": K.POLITICAL_PARTY,
    "movements": K.POLITICAL_PARTY,
    "militias": K.ARMED_GROUP,
    "factions": K.ARMED_GROUP,
    "armed groups": K.ARMED_GROUP,
    "alliance": K.POLITICAL_PARTY,
    "coalition": K.POLITICAL_PARTY,
    "bloc": K.POLITICAL_PARTY,
    "group": K.ARMED_GROUP,
    "militia": K.ARMED_GROUP,
    "faction": K.ARMED_GROUP,
    "tribe": K.ARMED_GROUP,
    "clan": K.ARMED_GROUP,
}
# A tribe or clan as ACLED names its fighters: "the Aqaidat tribe" is the
# Aqaidat Tribal Militia (the words kept as an alias).
TRIBAL = frozenset({"tribe", "clan"})
TRIBAL_MILITIA = "{name} Tribal Militia"
# "The Hengaw rights group", "the Kurdistan Human Rights Network monitoring
# group": a body named before what it is, not armed.
NAMED_BY_DESCRIPTION = re.compile(
    r"(?<![\w’'-])(?P<name>[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3})\s+"
    r"(?P<head>(?:human\s+)?rights\s+(?:group|organi[sz]ation|network|monitor|"
    r"watchdog)|(?:aid|relief|monitoring|advocacy)\s+(?:group|agency|organi[sz]ation)|"
    r"watchdog)\b"
)
# A court written in lower case, named for its seat as the capitalised form
# is (SEAT_AFTER): "a revolutionary court in Sanandaj" is the Revolutionary
# Court of Sanandaj.
COURT_IN = re.compile(
    r"\b(?:[Aa]n?|[Tt]he)\s+(?P<court>(?:revolutionary|criminal|military|appeals?|civil|"
    r"special|juvenile|penal|anti-corruption)\s+court)\s+in\s+"
    r"(?P<seat>[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)\b(?![’'])"
)
# A local body written in lower case, named with its owner as editors name
# it: "Kirkuk's provincial council", "the provincial council of Kirkuk" and
# "the civil defence directorate of the Kurdistan Region" are the Kirkuk
# Provincial Council and the Kurdistan Region Civil Defence Directorate.
_LOCAL_BODY = (
    r"(?:provincial|city|municipal|district|local)\s+council|"
    r"(?:civil\s+defen[cs]e|security|health|education|water|electricity|police|"
    r"traffic|counter-terrorism)\s+directorate|"
    # "the Van Governor's Office", "the governorship of Hakkari".
    r"(?i:governor[’']s\s+office|governorship)"
)
# A capital with or without its dots and hooks: "Şırnak", "Çukurca".
_CAPITAL = (
    "[A-Z" + "".join(c for c in map(chr, range(0xC0, 0x250)) if c.isupper()) + "]"
)
_BODY_OWNER = rf"(?P<owner>{_CAPITAL}[\w-]+(?:\s+{_CAPITAL}[\w-]+)?)"
LOCAL_BODIES = [
    # "Sulaimani's Asayish security directorate": the Kurdish word for the
    # security service, before the directorate's own words.
    re.compile(
        rf"(?<![\w’'-]){_BODY_OWNER}[’']s\s+(?:Asayish\s+)?(?P<body>{_LOCAL_BODY})\b"
    ),
    # "the provincial council of Iraq's southern Dhi Qar province".
    re.compile(
        rf"\b[Tt]he\s+(?P<body>{_LOCAL_BODY})\s+(?:of|in)\s+(?:the\s+)?"
        r"(?:(?P<state>[A-Z][\w-]*)[’']s\s+)?(?:(?:north|south|east|west|central|"
        rf"(?:north|south)-?(?:east|west))(?:ern)?\s+)?{_BODY_OWNER}\b"
    ),
    # "Iraq's Nineveh provincial council": the owner's name as an adjective.
    re.compile(rf"(?<![\w’'-]){_BODY_OWNER}\s+(?P<body>{_LOCAL_BODY})\b"),
]
# A union named for its members' trade: "the Iran Truck Drivers' Union",
# "the Haft Tappeh Workers' Syndicate"; a state opening the name is its.
TRADE_UNION = re.compile(
    r"\b(?P<name>(?:[A-Z][\w-]*\s+){1,5}[A-Z][\w-]*s[’']\s+(?:Trade\s+)?"
    r"(?:Union|Syndicate|Association)"
    # "The Teachers' Union of Iran": the state it is of, in its name.
    r"(?:\s+of\s+(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?)?)\b"
)
# A numbered court, named for its seat: "the Hakkari 2nd High Criminal
# Court", "the Istanbul 13th Heavy Penal Court".
NUMBERED_COURT = re.compile(
    r"\b(?P<name>[A-Z][\w-]+\s+\d{1,2}(?:st|nd|rd|th)\s+(?:[A-Z][a-z]+\s+){1,3}"
    r"Court)\b"
)
# A province's name: "Hormozgan", "Sistan and Baluchestan".
_PROVINCE = r"(?P<province>[A-Z][\w-]+(?:\s+(?:and\s+)?[A-Z][\w-]+)?)"
# A province's judiciary, named as editors name it: "the judiciary of
# Hormozgan province" is the Judiciary of Hormozgan Province.
PROVINCE_JUDICIARY = re.compile(
    rf"\b(?P<body>[Jj]udiciary)\s+of\s+{_PROVINCE}\s+[Pp]rovince\b"
)
# Seats of government that speak for it: "the White House said".
SEATS_OF_GOVERNMENT = {"White House": "USA", "Kremlin": "RUS"}
SEAT_OF_GOVERNMENT = re.compile(
    r"\b(?:[Tt]he\s+)?(?P<seat>" + "|".join(SEATS_OF_GOVERNMENT) + r")"
    # Not "Kremlin-backed fighters" nor "a White House adviser": a word of
    # someone else's.
    r"(?![\w’'-]|\s+(?:adviser|advisor|aide|official|spokes(?:man|woman|person)|"
    r"correspondent|press|chief|counsel|staff|source|envoy|reporter)s?\b)"
)
# A tribe's or clan's fighters: "fighters from the Aqaidat tribe".
TRIBAL_FIGHTERS_BEFORE = re.compile(
    r"\b(?:fighters|gunmen|militants|militiamen|tribesmen)\s+(?:from|of)\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
# What a person is said to be, after a comma: "Ali Akbar Ahmadian, the
# secretary of…", "Mahsa Amini, a 22-year-old Kurdish woman", "Qassem
# Soleimani, the commander of…".
PERSON_NOUNS = words(
    """
    woman man girl boy student activist journalist reporter cleric official
    lawmaker politician businessman businesswoman lawyer poet singer writer
    teacher doctor farmer shepherd porter smuggler son daughter wife husband
    brother sister father mother member founder candidate citizen national
    resident protester fighter militant worker engineer researcher academic
    footballer athlete owner co-owner cousin nephew niece uncle aunt
    """
)
_OFFICE_WORD = "|".join(
    sorted(
        {*TITLE_WORDS, *PERSON_NOUNS, "minister", "ministers", "spokesman"},
        key=len,
        reverse=True,
    )
)
APPOSITION_AFTER = re.compile(
    r"^,\s+(?:(?:the|a|an|his|her|its|their)\s+)?"
    # ("the U.N. special rapporteur": a capital's dots as well.)
    r"(?:(?:[A-Z][\w’'.-]*(?:[’']s)?|[a-z]+(?:ian|ish|i|ese)|\d+-year-old|former|"
    r"then|deputy|acting|senior|top|chief|veteran|new|current|outgoing|vice|"
    r"prominent|well-known|influential|local|regional|national|foreign|"
    r"military|security|political|religious|opposition)\s+){0,5}?"
    rf"(?:{_OFFICE_WORD}|\d+-year-old)\b",
    re.IGNORECASE,
)
APPOSITION_BEFORE = re.compile(
    rf"\b(?:{_OFFICE_WORD})s?(?:\s+(?:of|for|to|at|from|in)\s+[^,;()“”\"]{{1,80}})?,\s*$",
    re.IGNORECASE,
)
# Letters of words that are not names although written in capitals.
ACRONYM_STOP = words(
    "AM PM GMT UTC TV ID OK II III IV VI VII VIII IX XI CEO MP PS NB ET EST "
    "AD BC CCTV DNA GDP FAQ PDF HQ"
)
PARTICLES = frozenset({"bin", "ibn", "bint", "abu", "abd", "de", "van", "von", "da"})
# Lowercase words inside a name: "Ministry of Foreign Affairs", "Office of
# the Prime Minister", "Abu Bakr al Baghdadi". "the" only after "of"/"for".
CONNECTORS = frozenset(
    {"of", "for", "the", "al", "el", "de", "bin", "ibn", "bint", "abu", "abd"}
)
COUNTRY_PREFIX = re.compile(r"(?:^|\s)(U\.S\.|US|U\.K\.|UK)\s+$")
# "Kurdish-led", "Iran-backed": words about a name, not of it.
LED_SUFFIXES = (
    "-led",
    "-backed",
    "-based",
    "-aligned",
    "-linked",
    "-allied",
    "-affiliated",
    "-sponsored",
    "-funded",
)
PRONOUNS = words(
    "he she they it we i you his her their its this that these those there "
    "who which what"
)
# A state acts: a verb after its name ("the United States condemned"),
# perhaps after an auxiliary or an adverb.
ACTS_AFTER = re.compile(
    r"^(?:\s*,[^,]{1,60},|"
    # "Iran, Russia, Azerbaijan and Armenia signed": one of a list of names.
    r"(?:\s*,\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,2}){1,8},?"
    r"(?=\s+and\s))?\s+(?:(?:has|have|had|was|were|is|are|will|would|"
    r"also|then|later|again|on\s+\w+day|\w+ly|and\s+(?:the\s+)?[A-Z][\w’'-]*"
    r"(?:\s+(?:[A-Z][\w’'-]*|for|of|\([A-Z]+\))){0,7})\s+){0,3}"
    # "if Baghdad did not disarm the group": a verb denied; not "Ankara did
    # not comment", which is no part in what happened.
    r"(?:(?:did|does|do)(?:\s+not|n[’']t)\s+"
    r"(?!(?:immediately\s+)?(?:comment|respond|reply|return)\b)[a-z]+|"
    r"[a-z]+ed|said|says|told|warned|warns|accuses|condemns|denies|rejects|"
    r"struck|strikes|sent|sends|met|meets|signed|signs|launched|launches|"
    r"imposed|imposes|lists|calls|urges|vows|insists|wants|seeks|threatens|"
    r"held|holds|took|takes|gave|gives|made|makes|fired|fires|hit|hits|"
    r"reached|agreed|agrees|summoned|summons|began|begins|won|lost|"
    # Past tenses not in -ed: "Iran retook the island", "Turkey shut the
    # crossing", "Syria withdrew its envoy".
    r"retook|overran|shot|shut|cut|drove|fought|withdrew|froze|broke|"
    r"brought|sought|sold|bought|kept|led|built|spoke|wrote|chose|threw|"
    r"swept|overtook|forbade)\b"
)
# The names of a list before a name: "Syria, " and "Syria, Iraq and ".
_NAME_IN_LIST = r"(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,2}"
NAMES_LISTED_BEFORE = re.compile(
    rf"(?:(?:{_NAME_IN_LIST}\s*,\s*)*{_NAME_IN_LIST}(?:\s*,|\s+and)|"
    # "Syria, Iraq, and ": ", and" after a list, not "in Panjgur, and".
    rf"(?:{_NAME_IN_LIST}\s*,\s*)+{_NAME_IN_LIST}\s*,\s*and)\s+$"
)
AGENT_BEFORE = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)
# Who voices a reaction: "complaints from Baku", "a protest from the
# Republic of Iraq".
VOICED_FROM_BEFORE = re.compile(
    r"\b(?:complaints?|protests?|criticism|condemnation|objections?|"
    r"warnings?|rebukes?)\s+from\s+(?:the\s+)?(?:Republic\s+of\s+)?$"
)
# Those a state sends: "delegations from Russia, Iran and Turkmenistan held
# talks", "observers from Kazakhstan attended": the states take part, the
# names locate nothing.
SENT_FROM_BEFORE = re.compile(
    r"\b(?:delegations?|delegates|observers?|envoys?|representatives?|"
    r"negotiators?|diplomats?|emissar(?:y|ies))\s+from\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# Who prisoners are given to: "handed over to Iran", "turned them over to",
# "handed over 14 suspects to Iraq" (what is given between "over" and "to").
HANDED_TO_BEFORE = re.compile(
    r"\b(?:hand|turn)(?:ed|s|ing)?\s+(?:[\w-]+\s+){0,3}?over\s+"
    r"(?:(?!(?:to|and|then|before|after)\b)[\w’'-]+\s+){0,6}?to\s+(?:the\s+)?$"
)
# "slogans against Iran", "protested against Turkey": who the crowd is against.
_AGAINST_BEFORE = (
    r"\b(?:slogans|chanting|chanted|rallied|marched|demonstrated|protests?|"
    r"protested|protesting)\s+against\s+$"
)
# "accused Tehran of violating…", "condemned Ankara": the state is who is
# accused, not a place.
ACTED_ON_BEFORE = re.compile(
    r"\b(?:accused|accusing|accuses|blamed|blaming|blames|condemned|condemns|"
    r"warned|warns|sanctioned|sanctions|summoned|summons)\s+(?:the\s+)?$|"
    # "an attack they blamed on Turkey", "to protest Turkey's strikes",
    # "slogans against Iran": who is blamed or protested.
    r"\b(?:blamed|blames|blaming|attributed)\s+(?:it\s+|them\s+)?(?:on|to)\s+"
    r"(?:the\s+)?$|"
    r"\b(?:protest|protested|protesting|denounce|denounced|denouncing)\s+$|"
    + _AGAINST_BEFORE
)
LOCATES_BEFORE = re.compile(
    r"\b(?:in|at|near|from|to|into|inside|outside|across|throughout|within|"
    r"towards?|through|via|between|around|along|of|over|entered|entering|"
    r"visited|visiting|leave|left|reach(?:ed)?|arriv(?:ed|ing) in|"
    r"(?:crossing|gate)\s+with)\s+(?:the\s+)?"
    # "in eastern Baghdad", "near north-western Iran" locate as well.
    r"(?:(?:north|south|east|west|central|(?:north|south)-?(?:east|west))"
    r"(?:ern)?\s+)?$",
    re.IGNORECASE,
)


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    kind: str
    # A name other than the words themselves: the canonical name of a body,
    # the long form of an acronym, "Komala" for "the Komala party".
    name: str = ""
    country: str = ""
    parent: ActorRef | None = None
    aliases: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Accepted:
    name: str
    kind: str
    country: str = ""
    parent: ActorRef | None = None
    actor_id: int | None = None


def recognise(
    sentences: list[Sentence],
    text: str,
    *,
    known: list[ActorMention],
    places: list[PlaceMention],
) -> tuple[list[ActorMention], list[PlaceMention]]:
    """
    The actors of an article, those the database holds (`known`) and those
    it does not, and its places without those that name an acting state.
    """
    place_spans = [(p.start, p.end) for p in places]
    known = _full_names_win(sentences, text, known, place_spans)
    # The country the article is mostly about: bare "security forces" are its.
    countries = Counter(p.place.country for p in places if p.place.country)
    home = countries.most_common(1)[0][0] if countries else ""
    candidates = find_candidates(
        sentences,
        text,
        known=known,
        place_spans=place_spans,
        home=home,
        forces_home=_region_home(places, home),
    )
    seated = _seat_countries(candidates, places)
    actors = _outside_longer(known, candidates) + candidates
    places = [
        p
        for p in places
        if not any(
            a.start <= p.start
            and p.end <= a.end
            and (a.end - a.start) > (p.end - p.start)
            and not _watched_country(a, p)
            # "the judiciary of Tehran province": its seat, in the country
            # the article tells of.
            and not (a.name in seated and p.place.country)
            for a in candidates
        )
    ]
    actors, places = _states_that_act(sentences, text, actors, places)
    actors, places = _people_not_places(sentences, text, actors, places)
    actors = _short_references(sentences, text, actors, places)
    actors = _bases_of_forces(text, actors)
    actors = _governorate_speaking(sentences, text, actors, places)
    actors = _known_as(text, actors)
    countries = known_countries()
    for mention in actors:
        if mention.actor_id is not None and not mention.country:
            mention.country = countries.get(mention.actor_id, "")
    actors.sort(key=lambda m: (m.start, m.end))
    return actors, places


def _watched_country(mention: ActorMention, place: PlaceMention) -> bool:
    """Whether the place is the country a group of no state's is named for,
    opening its name ("Iran Human Rights", not "Central Bank of Iraq"): the
    country the article tells of all the same."""
    return (
        place.start == mention.start
        and place.place.kind == "country"
        and mention.parent is None
        and mention.kind not in (K.GOVERNMENT_BODY, K.SECURITY_FORCE)
        and bool(mention.country)
        and _countries().get(place.place.country, ("", ""))[1] == mention.country
    )


def _seat_countries(
    candidates: list[ActorMention], places: list[PlaceMention]
) -> set[str]:
    """
    A new body named for its seat ("the Hakkari 2nd High Criminal Court",
    "the judiciary of Hormozgan province", "the Dhi Qar provincial council")
    is of the country its seat is in, wherever the article names it, and
    that state's, as bodies named with their state are. The names of the
    bodies so placed.
    """
    seats: dict[str, str] = {}
    for mention in candidates:
        if mention.kind != K.GOVERNMENT_BODY or mention.actor_id or mention.country:
            continue
        inside = {
            p.place.country
            for p in places
            if mention.start <= p.start and p.end <= mention.end and p.place.country
        }
        if len(inside) == 1 and (code := inside.pop()) in _countries():
            seats.setdefault(mention.name, code)
    for mention in candidates:
        if mention.name in seats and not mention.country:
            code = seats[mention.name]
            mention.country = _countries()[code][1]
            if mention.parent is None and (owner := _owner_of_code(code)):
                mention.parent = owner.actor()
    return set(seats)


# "Ahmed al-Khabil, known as Abu Khawla": the second name is the first's.
KNOWN_AS = re.compile(
    r",?\s+(?:also\s+|better\s+|widely\s+)?(?:known|nicknamed|dubbed)\s+as\s+"
)


def _known_as(text: str, actors: list[ActorMention]) -> list[ActorMention]:
    """A person's other name told beside theirs is a mention of them."""
    people = sorted((a for a in actors if a.kind == PERSON), key=lambda a: a.start)
    same: dict[int, ActorMention] = {}
    for first, other in zip(people, people[1:], strict=False):
        if KNOWN_AS.fullmatch(text, first.end, other.start):
            same[id(other)] = same.get(id(first), first)
    return [
        replace(
            a,
            name=same[id(a)].name,
            actor_id=same[id(a)].actor_id,
            country=same[id(a)].country,
            parent=same[id(a)].parent,
        )
        if id(a) in same
        else a
        for a in actors
    ]


def _outside_longer(
    mentions: list[ActorMention], others: list[ActorMention]
) -> list[ActorMention]:
    return [
        m
        for m in mentions
        if not any(
            o.start <= m.start
            and m.end <= o.end
            and (o.end - o.start) > (m.end - m.start)
            for o in others
        )
    ]


# Names built here, looked up in the database.


def known_by_name(name: str) -> ActorRef | None:
    """The actor the database holds under exactly this name or alias."""
    entries = [e for e in last_actor_index().get(name_key(name)) if e.rank < 2]
    if not entries:
        return None
    entry = min(entries, key=lambda e: (e.rank, e.actor_id))
    return ActorRef(entry.name, entry.actor_id)


@dataclass(frozen=True, slots=True)
class Owner:
    """Whose body a ministry is: a state, or the Kurdistan Region."""

    name: str  # "Iraq", "the Kurdistan Region"
    code: str  # ISO 3166-1 alpha-2, or "KR"
    country: str  # ISO 3166-1 alpha-3

    def actor(self) -> ActorRef:
        """The actor a body of this owner belongs to."""
        name = REGION_GOVERNMENT if self.code == REGION_CODE else self.name
        return known_by_name(name) or ActorRef(name, None)


@functools.cache
def _countries() -> dict[str, tuple[str, str]]:
    """ISO 3166-1 alpha-2 → (name, alpha-3), as the gazetteer names them."""
    return {row["iso2"]: (row["name"], row["iso3"]) for row in country_rows()}


@functools.cache
def _country_keys() -> dict[tuple[str, ...], str]:
    """Country names and the forms news writes them in, by name key."""
    from events.extract.places import COUNTRY_NAMES  # noqa: PLC0415

    keys = {name_key(name): iso2 for iso2, (name, _) in _countries().items()}
    for iso2, others in COUNTRY_NAMES.items():
        for other in others:
            keys.setdefault(name_key(other), iso2)
    return keys


def owner_of(words_: str) -> Owner | None:
    """The owner that a country's name, demonym, capital or "region" names."""
    words_ = re.sub(r"(?:[’']s)$", "", words_.strip()).strip()
    if REGION_WORDS.match(words_):
        return Owner(REGION_OWNER, REGION_CODE, "IRQ")
    bare = re.sub(r"^the\s+", "", words_, flags=re.IGNORECASE)
    code = (
        DEMONYMS.get(fold(bare))
        or _country_keys().get(name_key(bare))
        or CAPITALS.get(fold(bare))
    )
    return _owner_of_code(code) if code else None


def _owner_of_code(code: str) -> Owner | None:
    """The owner an ISO 3166-1 alpha-2 code stands for ("KR" the Kurdistan
    Region)."""
    if code == REGION_CODE:
        return Owner(REGION_OWNER, REGION_CODE, "IRQ")
    if code not in _countries():
        return None
    name, iso3 = _countries()[code]
    return Owner(name, code, iso3)


def _own_portfolio_state(portfolio: str, home: str = "") -> Owner | None:
    """The state whose own name for a ministry the words give ("National
    Defence"): the article's own country if it is one so naming it, else
    the first listed."""
    named = PORTFOLIOS.get(fold(portfolio))
    if named is None or named == PORTFOLIOS.get(fold(portfolio.split()[-1])):
        return None
    states = [code for (code, usual), own in OWN_PORTFOLIOS.items() if own == named]
    if not states:
        return None
    return _owner_of_code(home if home in states else states[0])


def body_name(kind_word: str, owner: Owner | None) -> str:
    """ "Ministry of Foreign Affairs of Iraq", "Council of Ministers of Iran"."""
    portfolio = PORTFOLIOS.get(kind_word.casefold())
    if portfolio is not None:
        # A state's own word for it: Turkey's is of National Defence.
        portfolio = OWN_PORTFOLIOS.get(
            (owner.code if owner else "", portfolio), portfolio
        )
        if owner is not None:
            # Another state's own word for a state that has none: "Syria's
            # Ministry of National Defense" is Syria's Ministry of Defence.
            usual = {
                u
                for (code, u), own in OWN_PORTFOLIOS.items()
                if own == portfolio and u != own and u in own.split()
            }
            if len(usual) == 1 and (owner.code, *usual) not in OWN_PORTFOLIOS:
                portfolio = usual.pop()
        name = f"Ministry of {portfolio}"
        return f"{name} of {owner.name}" if owner else name
    if kind_word.casefold() == "parliament" and owner and owner.code in PARLIAMENTS:
        return PARLIAMENTS[owner.code]
    if kind_word.casefold() == "army" and owner and owner.code in DEMONYM_OF:
        # "the Iraqi army", "Iraq's army": the Iraqi Army, as it is called
        # (SERVICES: "the Syrian army" is the Syrian Arab Army).
        return _service(owner.country, "army") or f"{DEMONYM_OF[owner.code]} Army"
    if owner and (owner.code, kind_word.casefold()) in OWN_BODIES:
        return OWN_BODIES[owner.code, kind_word.casefold()]
    template = STATE_BODIES[kind_word.casefold()]
    return template.format(owner=owner.name if owner else "").removesuffix(" of ")


# "… of the Kurdistan Regional Government", "… in Baghdad": an owner after.
OWNED_AFTER = re.compile(
    r"\s+(?:of|in)\s+((?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2})"
)
# In capitals whatever the pattern's case: "according to Iraq's foreign
# ministry" is Iraq's, not "according to Iraq"'s.
_OWNER = (
    r"(?P<owner>(?-i:(?:[Tt]he\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2}|U\.S\.|"
    r"U\.K\.))(?:[’']s)"
)
_DEMONYM = r"(?:the\s+)?(?P<demonym>[A-Z][a-z]+)"
_BODY = rf"(?P<portfolio>{_PORTFOLIO})\s+ministry"
_STATE_BODY = rf"(?P<body>{'|'.join(sorted(STATE_BODIES, key=len, reverse=True))})"
BODY_PATTERNS = [
    # "Iraq's foreign ministry", "the Kurdistan Region's health ministry".
    re.compile(rf"{_OWNER}\s+{_BODY}\b", re.IGNORECASE),
    # "the Iraqi foreign ministry", "Turkish Foreign Ministry".
    re.compile(rf"{_DEMONYM}\s+{_BODY}\b", re.IGNORECASE),
    # "the foreign ministry of Iraq", "the foreign ministry in Baghdad".
    re.compile(
        rf"\b(?:the\s+)?{_BODY}\s+(?:of|in)\s+(?P<after>(?:the\s+)?[A-Z][\w-]*"
        r"(?:\s+[A-Z][\w-]*){0,2})",
        re.IGNORECASE,
    ),
    # "Iraq's Ministry of Interior", "the Ministry of Foreign Affairs of Iraq".
    re.compile(
        rf"(?:(?:{_OWNER}|{_DEMONYM})\s+)?\b(?:the\s+)?Ministry\s+of\s+(?:the\s+)?"
        rf"(?P<portfolio>(?i:{_PORTFOLIO}))\b(?:\s+of\s+(?P<after>(?:the\s+)?[A-Z][\w-]*"
        r"(?:\s+[A-Z][\w-]*){0,2}))?"
    ),
    # "Pakistan's Foreign Office", "the Pakistani Foreign Office": a
    # foreign ministry by the name some states give it.
    re.compile(rf"{_OWNER}\s+(?P<portfolio>foreign)\s+office\b", re.IGNORECASE),
    re.compile(rf"{_DEMONYM}\s+(?P<portfolio>foreign)\s+office\b", re.IGNORECASE),
    # "the foreign ministry", whose state the article leaves implicit.
    re.compile(rf"(?:\b(?:the|a|its)\s+|(?<=\bby\s)){_BODY}\b", re.IGNORECASE),
    # "Iran's presidency", "the Iraqi cabinet".
    re.compile(rf"{_OWNER}\s+{_STATE_BODY}\b", re.IGNORECASE),
    re.compile(rf"\bthe\s+(?P<demonym>[A-Z][a-z]+)\s+{_STATE_BODY}\b", re.IGNORECASE),
]


# A national force's command in a province is the national force.
PROVINCIAL_FORCE = re.compile(
    r"\b[Tt]he\s+(?P<body>(?i:border guard command))\s+(?:of|in)\s+"
    rf"{_PROVINCE}\s+province\b"
)


# "The Iranian embassy in Baghdad", "Iraq's embassy in Tehran": the
# state's mission in the host the seat names.
EMBASSY = re.compile(
    rf"(?:{_OWNER}|\b[Tt]he\s+(?P<demonym>[A-Z][a-z]+))\s+(?P<body>[Ee]mbassy)"
    r"(?:\s+in\s+(?P<seat>[A-Z][\w-]+))?"
)
# "the Iraqi premier's office", "Iraq's prime minister's office": the office
# of the state's head of government ("premier" is written for "prime
# minister"), which speaks for him.
PREMIER_OFFICE = re.compile(
    rf"(?:{_OWNER}|\b[Tt]he\s+(?P<demonym>[A-Z][a-z]+))\s+"
    r"(?P<body>(?:premier|prime\s+minister)[’']s\s+office)\b"
)
# "Iran's consulate general in Baku", "the Turkish consulate in Mosul": a
# state's consulate is in a city, which its name keeps.
CONSULATE = re.compile(
    rf"(?:{_OWNER}|\b[Tt]he\s+(?P<demonym>[A-Z][a-z]+))\s+"
    r"(?P<body>(?i:consulate(?:[\s-]+general)?))"
    r"\s+in\s+(?P<seat>[A-Z][\w-]+(?:\s+(?!(?:%s)\b)[A-Z][\w-]+)?)\b"
    # "the Iranian consulate in Erbil Tuesday": the day is no part of the
    # city's name.
    % "|".join(sorted((w.title() for w in WEEKDAYS | MONTHS), key=len, reverse=True))
)
# "the Iraqi government said", "Turkey's government": the state when it acts,
# as a capital standing for its government is ("Baghdad said"); not in a
# title ("Iraq's government spokesman") nor in a thing of the government's.
GOVERNMENT_OF = re.compile(
    rf"(?:{_OWNER}|\b[Tt]he\s+(?P<demonym>[A-Z][a-z]+)|"
    # "Iranian authorities deported …": the state's, with or without "the".
    r"\b(?P<plain>[A-Z][a-z]+)(?=\s+authorities\b))\s+(?:government|authorities)\b"
    r"(?!\s+(?:spokes\w+|officials?|advisers?|sources?|ministers?|media|press|"
    r"forces|troops|employees|salaries|workers|buildings?|offices?|"
    r"headquarters|complex|and\b|of\b|in\b))"
)


def _governments_in(sentence: Sentence, text: str) -> list[_Candidate]:
    """A state named by its government: the state, or the Kurdistan Region's."""
    found = []
    body = text[sentence.start : sentence.end]
    for match in GOVERNMENT_OF.finditer(body):
        if match.group("plain") and re.search(
            r"\b[A-Z][a-z]+\s+and\s+$", body[: match.start()]
        ):
            # "Iraqi and Turkish authorities": two states, not the second alone.
            continue
        owner = owner_of(
            match.group("owner") or match.group("demonym") or match.group("plain")
        )
        acts = ACTS_AFTER.match(body[match.end() :]) or AGENT_BEFORE.search(
            body[: match.start()]
        )
        if owner is None or not acts:
            # "to avoid embarrassing the Iraqi government": no actor.
            continue
        ref = owner.actor()
        start = match.start("owner") if match.group("owner") else match.start()
        if match.group("demonym"):
            start += len(re.match(r"[Tt]he\s+", match.group()).group())
        found.append(
            _Candidate(
                sentence.start + start,
                sentence.start + match.end(),
                K.GOVERNMENT_BODY if owner.code == REGION_CODE else K.STATE,
                name=ref.name,
                country=owner.country,
            )
        )
    return found


def _bodies_in(sentence: Sentence, text: str, *, home: str = "") -> list[_Candidate]:
    """
    A state's bodies, named as their canonical names would have them; a
    ministry whose state the text leaves implicit ("the interior ministry")
    is of the country the article is about (`home`, ISO 3166-1 alpha-2).
    """
    body = text[sentence.start : sentence.end]
    found: list[_Candidate] = []
    taken: list[tuple[int, int]] = []
    for pattern in BODY_PATTERNS:
        for match in pattern.finditer(body):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            groups = match.groupdict()
            owner_words = groups.get("owner") or groups.get("demonym") or ""
            owner = owner_of(owner_words) if owner_words else None
            if owner is None and groups.get("owner"):
                # "The Taliban's Ministry of Refugees": the state its
                # rulers stand for, as for their ministers.
                owner = _ruled_owner(owner_words)
            if owner is None and groups.get("owner"):
                # "On Thursday Iraq's Ministry of Interior": the owner is the
                # last of the capitalised words before the possessive.
                for word_at in list(re.finditer(r"\S+", owner_words))[1:]:
                    tail = owner_words[word_at.start() :]
                    owner = owner_of(tail)
                    if owner is not None:
                        start = match.start("owner") + word_at.start()
                        owner_words = tail
                        break
            if owner_words and owner is None:
                owned_after = OWNED_AFTER.match(body, match.end())
                if owned_after and owner_of(owned_after.group(1)) is not None:
                    # "The interior ministry of the Kurdistan Regional
                    # Government": the owner named after it (a later pattern).
                    continue
                if groups.get("owner") is None and groups.get("demonym"):
                    # "the Senior foreign ministry": not an owner at all.
                    start = match.start("demonym")
                    start = body.index(" ", start) + 1
                else:
                    continue
            if groups.get("after"):
                after_owner = owner_of(groups["after"])
                if after_owner is not None:
                    owner = after_owner
                    if re.search(r"\sin\s+$", body[: match.start("after")]):
                        # "the Interior Ministry in Ankara": the state's
                        # ministry, and "in Ankara" stays the place it names.
                        end = len(body[: match.start("after")].rstrip()) - len(" in")
                else:
                    end = match.start("after")
                    end = len(
                        body[:end].rstrip().removesuffix(" of").removesuffix(" in")
                    )
            word = groups.get("portfolio") or groups.get("body") or ""
            demonym = groups.get("demonym") or ""
            if owner is None and fold(f"{demonym} {word}") in PORTFOLIOS:
                # "the National Defense Ministry": no demonym, the portfolio.
                word = f"{demonym} {word}"
            if groups.get("body") and owner is None:
                continue
            if (
                groups.get("demonym")
                and (groups.get("body") or "")[:1].isupper()
                and " " in groups["body"]
            ):
                # "The Iraqi Border Guard Command": a name as the state's
                # people write it, kept (the capitalised run names it).
                continue
            # "The Ministry of Peshmerga Affairs", named in full, is no
            # ministry of the article's country.
            in_full = match.group(0).startswith(("Ministry", "the Ministry"))
            if owner is None and not in_full and fold(word) in ("defence", "defense"):
                # "Turkish warplanes bombed…, the defence ministry said": the
                # one state whose forces the sentence names by its people, if
                # not the article's own; else the article's.
                acting = {
                    forces
                    for found in FORCES.finditer(body)
                    if ACTS_AFTER.match(body[found.end() :])
                    and not FORCES_STRUCK.match(body, found.end())
                    and (forces := owner_of(found.group("owner"))) is not None
                }
                if len(acting) == 1 and home not in {o.code for o in acting}:
                    owner = acting.pop()
            if (
                owner is None
                and not in_full
                and (own := _own_portfolio_state(word, home))
            ):
                # "the National Defense Ministry": the one state whose
                # ministry is so named.
                owner = own
            else:
                own = None
            if owner is None and home in _countries() and not in_full:
                name, iso3 = _countries()[home]
                owner = Owner(name, home, iso3)
            kind = BODY_KINDS.get(word.casefold(), K.GOVERNMENT_BODY)
            name = body_name(word, owner)
            if own is not None and "defense" in fold(word):
                # "the National Defense Ministry said": the ministry told by
                # its own name alone keeps the text's spelling of it.
                name = name.replace("Defence", "Defense")
            # "the foreign ministry": the words start at the body, not "the".
            lead = re.match(r"(?:the|a|its)\s+", body[start:end], re.IGNORECASE)
            if lead and not (groups.get("owner") or "").startswith(("the", "The")):
                start += lead.end()
            taken.append((start, end))
            found.append(
                _Candidate(
                    sentence.start + start,
                    sentence.start + end,
                    kind,
                    name=name,
                    country=owner.country if owner else "",
                    parent=owner.actor() if owner else None,
                )
            )
    for match in PROVINCIAL_FORCE.finditer(body):
        # "the border guard command of Kurdistan province": the state's
        # force, of the article's country, in one of its provinces.
        if home not in _countries() or overlaps(match.start(), match.end(), taken):
            continue
        held = {p.country for p in location_index().get(name_key(match["province"]))}
        if held and home not in held:
            continue  # a province of another state's
        owner = _owner_of_code(home)
        word = match.group("body").casefold()
        found.append(
            _Candidate(
                sentence.start + match.start("body"),
                sentence.start + match.end("body"),
                BODY_KINDS.get(word, K.GOVERNMENT_BODY),
                name=body_name(word, owner),
                country=owner.country if owner else "",
                parent=owner.actor() if owner else None,
            )
        )
    found += _ministers_ministry(body, sentence.start)
    found += [
        c
        for c in _unnamed_ministers(body, sentence.start, home)
        if not overlaps(c.start - sentence.start, c.end - sentence.start, taken)
    ]
    return found


# "Iraqi Oil Minister Hayan Abdul-Ghani met …, his ministry said", "Iraqi
# Interior Minister …, the Iraqi ministry said": the ministry of the minister
# the sentence is about, its first words.
# "Iraqi Minister of Water Resources …" and "the Taliban administration's
# minister of refugees and repatriation, …" as well.
_RULER = (
    r"(?P<ruler>(?:[Tt]he\s+)?[A-Z][\w-]*\s+"
    r"(?:administration|government|authorities))[’']s"
)
MINISTER_TITLE = re.compile(
    rf"(?:(?:{_OWNER}|{_RULER}|{_DEMONYM})\s+)?\b(?:(?P<portfolio>(?i:{_PORTFOLIO}))\s+Minister|"
    rf"[Mm]inister\s+of\s+(?:the\s+)?(?P<portfolio_of>(?i:{_PORTFOLIO})))\b"
)
MINISTERS_MINISTRY = re.compile(
    r"\b(?:his|her|the(?:\s+(?P<demonym>[A-Z][a-z]+))?)\s+ministry\b(?=\s+"
    r"(?:said|says|added|announced|stated|reported)\b)"
)
# A host and where he receives his guests: the minister's name, then
# "received … in Ankara". Not "was received …" (a guest),
# nor "…, who received …" (an aside of another time), nor a thing received
# from someone ("received a letter from his counterpart in Baghdad": the
# sender's city).
HOSTED_IN = re.compile(
    r"\s*(?:[^\W\d_a-z][\w’'.-]*\s+){1,4}?"
    r"(?:received|receives|hosted|hosts|welcomed|welcomes)\b"
    r"(?:(?!\bfrom\b)[^.;]){0,120}?"
    r"\bin\s+(?P<capital>"
    + "|".join(sorted((c.title() for c in CAPITALS), key=len, reverse=True))
    + r")\b"
)
# What may come before the minister at the start of a sentence: its day.
SENTENCE_OPENING = re.compile(
    r"(?:(?:On|Late on|Early on)\s+\w+(?:\s+\w+)?,\s*|"
    # "In Baghdad, Iraqi Minister of …": where, before the minister.
    r"In\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?,\s*)?"
)
# States named by those who rule them: "the Taliban administration's
# minister" is Afghanistan's.
RULED_BY = {"taliban": "AF"}


def _portfolio(title: re.Match) -> str:
    """The portfolio a minister's title names, before "Minister" or after
    "Minister of"."""
    return title.group("portfolio") or title.group("portfolio_of")


def _ruled_owner(words_: str) -> Owner | None:
    """The state whose rulers the words name ("the Taliban government")."""
    bare = re.sub(r"^the\s+|[’']s$", "", words_.strip(), flags=re.IGNORECASE)
    bare = re.sub(r"\s+(?:administration|government|authorities)$", "", bare)
    code = RULED_BY.get(fold(bare))
    return _owner_of_code(code) if code else None


def _ministers_ministry(body: str, offset: int) -> list[_Candidate]:
    """
    The ministry of the minister a sentence opens with, when it closes on
    "his ministry said": of the state the title names ("Iraqi Oil Minister",
    "Iraqi Minister of Water Resources").
    """
    ministry = MINISTERS_MINISTRY.search(body)
    titles = (
        list(MINISTER_TITLE.finditer(body, 0, ministry.start())) if ministry else []
    )
    if not titles:
        return []
    told = ministry.group("demonym")
    if not SENTENCE_OPENING.fullmatch(body, 0, titles[0].start()):
        # "… talks between Iraqi Interior Minister A and his Syrian
        # counterpart, the Iraqi ministry said": the one minister of the
        # state the ministry is told of, wherever the sentence names him.
        owner_told = owner_of(told) if told else None
        titles = [
            t
            for t in titles
            if owner_told is not None
            and owner_of(t.group("owner") or t.group("demonym") or "") == owner_told
        ]
        if len(titles) != 1:
            return []
    title = titles[0]
    named = title.group("owner") or title.group("demonym")
    owner = owner_of(named) if named else None
    if title.group("ruler"):
        named = title.group("ruler")
        owner = _ruled_owner(named)
    if owner is None and named is None:
        # "Roads and Urban Development Minister …": the one state whose
        # ministry is so named.
        owner = _own_portfolio_state(_portfolio(title))
    if owner is None and named is None:
        # "Trade Minister Ömer Bolat received the KRG's finance minister in
        # Ankara …, the ministry said": a minister receives his guests in
        # his own state's capital.
        host = HOSTED_IN.match(body, title.end(), ministry.start())
        if host:
            owner = _owner_of_code(CAPITALS[fold(host.group("capital"))])
    if told is not None:
        # "the Turkish ministry said" after an Iraqi minister: not his.
        owner_told = owner_of(told)
        if owner_told is None or (owner is not None and owner_told != owner):
            return []
        owner = owner_told
    elif len(titles) > 1:
        # "A met Iranian Oil Minister B, the ministry said": whose is not told.
        return []
    if owner is None:
        # "Defence Minister Yasar Guler …, his ministry said" in an article
        # about Iraq: whose minister he is goes untold.
        return []
    portfolio = _portfolio(title)
    # "the Iraqi ministry", "ministry": the words that name it.
    start = ministry.start("demonym") if told else ministry.end() - len("ministry")
    return [
        _Candidate(
            offset + start,
            offset + ministry.end(),
            K.GOVERNMENT_BODY,
            name=body_name(portfolio, owner),
            country=owner.country,
            parent=owner.actor(),
        )
    ]


# "The Minister of Defence of Azerbaijan said", "Azerbaijan's Minister of
# Defence", "the Iraqi Oil Minister": a minister the text does not name.
UNNAMED_MINISTER = re.compile(
    rf"(?:(?:{_OWNER}|{_RULER}|{_DEMONYM})\s+|\b[Tt]he\s+)(?:(?P<portfolio>(?i:{_PORTFOLIO}))\s+Minister|"
    rf"[Mm]inister\s+of\s+(?:the\s+)?(?P<portfolio_of>(?i:{_PORTFOLIO}))"
    r"(?:\s+of\s+(?P<after>(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2}?))?)"
    # Not a title before the minister's name: "… Minister Ali Hassan", "…
    # Minister of Defence, Zakir Hasanov,".
    r"(?=\s*[.;]|\s*,\s+(?![A-Z])|\s+(?!(?:of|and|for)\b)[a-z])"
)


# "Foreign ministers of Turkey, Iran and Russia met": ministers the text
# does not name, of states it lists.
_LISTED_STATE = r"(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,2}"
MINISTERS_OF_STATES = re.compile(
    rf"\b(?P<portfolio>(?i:{_PORTFOLIO}))\s+[Mm]inisters\s+of\s+"
    rf"(?P<states>{_LISTED_STATE}(?:\s*,\s*{_LISTED_STATE})*,?\s+and\s+"
    rf"{_LISTED_STATE})"
)


# A minister who opens a sentence speaking: "The Minister of Health said".
SPEAKS = re.compile(r"\s+(?:said|told|announced|stated|warned|added)\b")
MINISTER_OF_BEFORE = re.compile(r"\b[Mm]inisters?\s+of\s+(?:the\s+)?$")
PORTFOLIO_FIRST = re.compile(rf"(?i:{_PORTFOLIO})\b")


def _unnamed_ministers(body: str, offset: int, home: str) -> list[_Candidate]:
    """
    A minister the sentence does not name is his office, the ministry of
    the state the title names (or of the one state with that portfolio): "The
    Minister of Defence of Azerbaijan said" is Azerbaijan's Ministry of
    Defence speaking.
    """
    found = []
    for match in UNNAMED_MINISTER.finditer(body):
        before = body[: match.start()]
        if re.search(r"[A-Z][\w’'-]*,\s*$", before) and not SENTENCE_OPENING.fullmatch(
            before.rstrip() + " "
        ):
            continue  # "Zakir Hasanov, the Minister of Defence, said": named.
        named = match.group("owner") or match.group("demonym")
        owner = (owner_of(named) or _ruled_owner(named)) if named else None
        if match.group("ruler"):
            owner = _ruled_owner(match.group("ruler"))
        if named and owner is None and match.group("owner"):
            continue  # "the Senate's Minister …": no state's.
        if match.group("after"):
            after = owner_of(match.group("after"))
            if after is None:
                continue  # "Minister of Oil of the Far East": not a state's.
            owner = after
        portfolio = _portfolio(match)
        if owner is None:
            owner = _own_portfolio_state(portfolio, home)
        if owner is None and not (
            SENTENCE_OPENING.fullmatch(before) and SPEAKS.match(body, match.end())
        ):
            # "The Foreign Minister met…" after "Iraqi Foreign Minister Fuad
            # Hussein arrived": a minister told before, whatever the article's
            # country; "called for the Minister of Oil to resign": no one
            # speaking or acting. "The Minister of Health said…" opening a
            # sentence is a ministry speaking, of a state untold.
            continue
        start = match.start()
        if match.group(0).startswith(("the ", "The ")) and not (
            match.group("owner") or ""
        ).startswith(("the", "The")):
            start += 4
        found.append(
            _Candidate(
                offset + start,
                offset + match.end(),
                K.GOVERNMENT_BODY,
                name=body_name(portfolio, owner),
                country=owner.country if owner else "",
                parent=owner.actor() if owner else None,
            )
        )
    return found


# "Her ministry said" with no minister in its sentence.
THEIR_MINISTRY = re.compile(r"\b(?P<body>[Hh](?:is|er)\s+ministry)\b")


def _earlier_ministers_ministry(
    sentences: list[Sentence], text: str
) -> list[_Candidate]:
    """
    "Begard Talabani, the Kurdistan Region's minister of agriculture and
    water resources, on Monday accused … Her ministry said …": the ministry
    of the one minister the sentence before, or the one before that, names
    with the state.
    """
    found = []
    last: tuple[int, str, Owner] | None = None
    for at, sentence in enumerate(sentences):
        body = text[sentence.start : sentence.end]
        titles = list(MINISTER_TITLE.finditer(body))
        if titles:
            owned = set()
            for title in titles:
                named = title.group("owner") or title.group("demonym")
                owner = owner_of(named) if named else None
                portfolio = _portfolio(title)
                owned.add((fold(portfolio), owner))
            # Two ministers, or one of no state told: whose is not known.
            one = owned.pop() if len(owned) == 1 else None
            last = (at, one[0], one[1]) if one and one[1] is not None else None
            continue
        if last is None or at - last[0] > 2:
            continue
        for match in THEIR_MINISTRY.finditer(body):
            _, portfolio, owner = last
            found.append(
                _Candidate(
                    sentence.start + match.start("body"),
                    sentence.start + match.end("body"),
                    K.GOVERNMENT_BODY,
                    name=body_name(portfolio, owner),
                    country=owner.country,
                    parent=owner.actor(),
                )
            )
    return found


# Finding candidates.


def _full_names_win(
    sentences: list[Sentence],
    text: str,
    known: list[ActorMention],
    place_spans: list[tuple[int, int]],
) -> list[ActorMention]:
    """
    A person the database knows by surname only in this text ("Barzani" for
    Masoud Barzani) gives way to the full name the article writes ("Nechirvan
    Barzani"): the known match inside it, and the bare surname after it.
    """
    weak = [m for m in known if _surname_only(m)]
    if not weak:
        return known
    full: dict[str, str] = {}
    for sentence in sentences:
        tokens = sentence.tokens
        for first, last in _capitalised_runs(tokens, text):
            name = _after_title(tokens, first, last) or _trim(
                tokens, first, last, keep_demonym=False
            )
            if name is None or name[1] == name[0]:
                continue
            span = (tokens[name[0]].start, tokens[name[1]].end)
            surname = tokens[name[1]].key
            for mention in weak:
                inside = (mention.start, mention.end) == (
                    tokens[name[1]].start,
                    span[1],
                )
                if inside and name_key(text[span[0] : span[1]]) != name_key(
                    mention.name
                ):
                    full.setdefault(surname, mention.name)
    if not full:
        return known
    return [
        m for m in known if not (_surname_only(m) and name_key(m.text)[-1:][0] in full)
    ]


# Words of the names of lands, not bodies: "the Autonomous Region of
# Kurdistan (ARK)".
AREA_WORDS = words(
    "region province governorate republic emirates kingdom state states island "
    "islands district territory territories zone area city"
)


def _names_area(tokens: list[Token], first: int, last: int) -> bool:
    """Whether the words name a land: an area's word last, or before "of"
    and a name ("Autonomous Region of Kurdistan", not "Islamic Republic of
    Iran Shipping Lines")."""
    folded = [fold(t.text) for t in tokens[first : last + 1]]
    if folded[-1] in AREA_WORDS:
        return True
    if "of" not in folded:
        return False
    at = folded.index("of")
    return at > 0 and folded[at - 1] in AREA_WORDS and len(folded) - at - 1 == 1


def _state_named_in(words_: str) -> Owner | None:
    """The one state a body's name holds, by its name or its people's."""
    words_ = re.sub(r"^the\s+", "", words_, flags=re.IGNORECASE)
    states = set()
    # The state's name or its people's opening the name ("Iraqi High
    # Commission…") or after "of" ("… of Iran Customs Administration"), not
    # a region's ("North and East Syria").
    for at in re.finditer(r"(?:^|\bof\s+)([A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2})", words_):
        parts = at.group(1).split()
        for size in range(len(parts), 0, -1):
            owner = owner_of(" ".join(parts[:size]))
            if owner is not None:
                if owner.code != REGION_CODE:
                    states.add(owner)
                break
    return states.pop() if len(states) == 1 else None


def _spelt_out(text: str, start: int, end: int) -> bool:
    """Whether the words are the name the bracketed acronym after them
    spells, word by word ("United Kingdom Maritime Trade Operations (UKMTO)",
    "Inter-Services Public Relations (ISPR)")."""
    acronym = re.match(r"\s*\(([A-Z]{3,8})\)", text[end : end + 14])
    if acronym is None:
        return False
    # "Inter-Services" gives two initials.
    names = re.findall(r"[^\W\d_][\w’']*", text[start:end])
    initials = "".join(w[0] for w in names if w[0].isupper())
    return len(names) >= 3 and initials == acronym.group(1)


def _surname_only(mention: ActorMention) -> bool:
    return (
        mention.kind == PERSON
        and len(name_key(mention.text)) == 1
        and len(name_key(mention.name)) > 1
    )


def find_candidates(
    sentences: list[Sentence],
    text: str,
    *,
    known: list[ActorMention],
    place_spans: list[tuple[int, int]],
    home: str = "",
    forces_home: str = "",
) -> list[ActorMention]:
    """Actors the text names that are not in the database: `home` is the
    country the article is mostly about, `forces_home` whose its unnamed
    police and security forces are (the country, or the Kurdistan Region)."""
    known_spans = [(m.start, m.end) for m in known]
    found: list[_Candidate] = []

    def crosses_known(start: int, end: int) -> bool:
        """
        Whether a candidate would swallow or split a known name. "Central
        Bank of Iraq" and "Iran’s Foreign Ministry" hold a known name as
        their owner and are names of their own.
        """
        if (
            _spelt_out(text, start, end) or TRADE_UNION.fullmatch(text, start, end)
        ) and known_by_name(text[start:end]) is None:
            # "the Islamic Republic of Iran Customs Administration (IRICA)",
            # "the Iran Truck Drivers' Union": a name of its own, a state's
            # name inside it or not.
            return False
        for k_start, k_end in known_spans:
            if not (start < k_end and k_start < end):
                continue
            if not (start <= k_start and k_end <= end) or (start, end) == (
                k_start,
                k_end,
            ):
                return True
            owner = k_start == start and re.match(r"[’']s\b", text[k_end : k_end + 3])
            of = re.search(r"\b(?:of|for|in)(?: the)?\s+$", text[start:k_start])
            lead = re.fullmatch(r"(?:the\s+)?", text[start:k_start], re.IGNORECASE)
            body = re.match(r"(?:the\s+)?Ministry\s+of\s+$", text[start:k_start])
            if k_start == start and BRANCH_AFTER.fullmatch(text[k_end:end]):
                continue  # "the IRGC Ground Force": a branch of its own.
            if (
                k_start == start
                and COUNTRY_PREFIX.search(f" {text[k_start:k_end]} ")
                and text[start:end].split()[-1].casefold() in HEAD_KINDS
            ):
                continue  # "the UK Treasury": the state's body, by its prefix.
            if not (
                owner
                or (of and k_end == end)
                or (lead and _demonym_led(text, k_end))
                or body
            ):
                return True
        return False

    found.extend(_branches(text, known))
    found.extend(_earlier_ministers_ministry(sentences, text))
    for sentence in sentences:
        found.extend(_bodies_in(sentence, text, home=home))
        found.extend(_governments_in(sentence, text))
        found.extend(_forces_in(sentence, text, home=forces_home or home))
        body = text[sentence.start : sentence.end]
        found.extend(
            _Candidate(
                sentence.start + m.start("name"),
                sentence.start + m.end("name"),
                K.ARMED_GROUP,
                name=m.group("name"),
            )
            for m in ARMED_NAMES.finditer(body)
        )
        found.extend(
            _Candidate(
                sentence.start + m.start(),
                sentence.start + m.end(),
                K.INTERNATIONAL_ORG,
                name=m.group(),
            )
            for m in LED_COALITION.finditer(body)
        )
        found.extend(_candidates_in(sentence, text))
    # "Zakir Hasanov, the Minister of Defence of Azerbaijan": the words
    # after the title are his portfolio, no name of anyone's.
    found = [
        c
        for c in found
        if c.name
        or not MINISTER_OF_BEFORE.search(text, 0, c.start)
        or not PORTFOLIO_FIRST.match(text, c.start)
    ]
    # A name the article writes as a place's somewhere ("Ain al-Asad air
    # base", "Wadi al-Shay valley") is no person anywhere.
    place_names = {name_key(m.group("name")) for m in PLACE_NAMED.finditer(text)}
    found = [
        c
        for c in found
        if c.kind != PERSON
        or (
            name_key(text[c.start : c.end]) not in place_names
            and not LANDFORM_FIRST.match(text, c.start)
        )
    ]

    accepted: dict[tuple[str, ...], _Accepted] = {}
    surfaces: dict[tuple[str, ...], tuple[str, ...]] = {}  # surface key → name key
    aliases: dict[tuple[str, ...], tuple[str, ...]] = {}
    direct: list[tuple[_Candidate, tuple[str, ...]]] = []
    for candidate in sorted(found, key=lambda c: (c.start, -(c.end - c.start))):
        surface = text[candidate.start : candidate.end]
        if crosses_known(candidate.start, candidate.end):
            continue
        if (candidate.start, candidate.end) in place_spans and not candidate.name:
            continue
        if _is_junk(re.findall(r"[^\W_]+", candidate.name or surface)):
            # "police" alone names nobody; "Iraqi police", as the rule for
            # the article's own forces names it, does.
            continue
        name = candidate.name or surface
        if re.match(r"The\s+\S+\s+\S", name) and candidate.kind != PERSON:
            # "The People’s Defence Forces (HPG)" opening a sentence: the
            # article is the sentence's, not the name's.
            name = name[4:].lstrip()
        key = name_key(name)
        if not key:
            continue
        if key not in accepted:
            ref = known_by_name(name) if candidate.name else None
            accepted[key] = _Accepted(
                ref.name if ref else name,
                candidate.kind,
                candidate.country,
                candidate.parent,
                ref.actor_id if ref else None,
            )
        elif not accepted[key].kind and candidate.kind:
            accepted[key].kind = candidate.kind
        surfaces.setdefault(name_key(surface), key)
        for alias in candidate.aliases:
            aliases[name_key(alias)] = key
        if candidate.name:
            direct.append((candidate, key))
    # "The Party of Free Life of Kurdistan (PJAK)": the acronym is that name
    # everywhere in the article, before it is spelt out too.
    for alias_key, key in aliases.items():
        if alias_key != key:
            surfaces[alias_key] = key
            accepted.pop(alias_key, None)
            for surface_key, target in list(surfaces.items()):
                if target == alias_key:
                    surfaces[surface_key] = key

    # Every mention of an accepted candidate, also where no rule fired:
    # "Mahmoud al-Rubaie" once, then "al-Rubaie" or "Rubaie"; "PMF" after
    # "Popular Mobilization Forces (PMF)".
    surnames: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for key, entry in accepted.items():
        if entry.kind == PERSON and len(key) >= 2 and key[-1] not in COMMON_WORDS:
            surnames.setdefault(key[-1:], []).append(key)
    index: NameIndex[tuple[str, ...]] = NameIndex()
    for surface, key in surfaces.items():
        # "Hussein told reporters" after "Fuad Hussein" is Fuad Hussein.
        if len(surnames.get(surface, [])) != 1:
            index.add(surface, key)
    for surname, keys in surnames.items():
        if len(keys) == 1 and not index.get(surname):
            index.add(surname, keys[0])

    mentions: list[ActorMention] = []
    taken: list[tuple[int, int]] = []
    for candidate, key in direct:
        # A body named in words that are not its name ("Iraq's foreign
        # ministry") is a mention where the rule found it.
        if any(candidate.start < e and s < candidate.end for s, e in taken):
            continue
        seen = {key}
        while key not in accepted and surfaces.get(key, key) not in seen:
            # "SDF forces" named before "the Syrian Democratic Forces (SDF)":
            # the name its acronym stands for.
            key = surfaces[key]
            seen.add(key)
        if key not in accepted:
            continue
        taken.append((candidate.start, candidate.end))
        sentence = _sentence_of(sentences, candidate.start)
        mentions.append(
            _mention(text, candidate.start, candidate.end, accepted[key], sentence)
        )
    for sentence in sentences:
        for match in find_names(
            text, sentence.tokens, [index], accept=_accept_candidate
        ):
            if crosses_known(match.start, match.end) or (
                (match.start, match.end) in place_spans
            ):
                continue
            if any(match.start < e and s < match.end for s, e in taken):
                continue
            if PEOPLE_AFTER.match(text, match.end):
                # "Druze gunmen" named a group; "three Druze drivers" are
                # people of the community, the name their adjective.
                continue
            key = match.entries[0]
            mentions.append(
                _mention(text, match.start, match.end, accepted[key], sentence.index)
            )
    return sorted(mentions, key=lambda m: (m.start, m.end))


# People a name only describes, as civilians are described: "Druze drivers",
# "Kurdish farmers".
PEOPLE_AFTER = re.compile(
    r"\s+(?:civilians|drivers|truck drivers|farmers|villagers|shepherds|"
    r"residents|families|women|children|workers|labourers|students|pilgrims|"
    r"worshippers|fishermen|traders|shopkeepers|passengers)\b"
    # "the PKK women's units": a possessive names the group's own units.
    r"(?![’'])"
)


# A force's branch, named after the force: "the IRGC Navy", "the IRGC's
# Aerospace Force". In lower case ("the Guards' ground forces") the words
# describe the force itself.
BRANCH_AFTER = re.compile(
    r"(?:[’']s?)?\s+(?P<branch>Ground Forces?|Navy|Naval Forces?|Quds Force|"
    r"Aerospace Forces?|Air Forces?|Intelligence Organi[sz]ation|"
    # "the Revolutionary Guards' intelligence branch": its Intelligence
    # Organization, in the words of one who does not know its name.
    r"(?P<intelligence>(?i:intelligence)\s+(?:branch|arm|wing|organi[sz]ation)))\b"
)


def _branches(text: str, known: list[ActorMention]) -> list[_Candidate]:
    """
    A branch of a known force, named by the force's initials and the
    branch's singular: "IRGC Ground Force" for "the Revolutionary Guards'
    Ground Forces".
    """
    found = []
    for mention in known:
        if mention.kind != K.SECURITY_FORCE:
            continue
        match = BRANCH_AFTER.match(text, mention.end)
        if match is None:
            continue
        short = mention.text
        if not short.isupper():
            initials = [w[0] for w in mention.name.split() if w[:1].isupper()]
            short = "".join(initials) if len(initials) > 1 else mention.name
        branch = re.sub(r"s$", "", match.group("branch")).title()
        if match.group("intelligence"):
            branch = "Intelligence Organization"
        found.append(
            _Candidate(
                mention.start,
                match.end(),
                K.SECURITY_FORCE,
                name=f"{short} {branch.replace('Naval Force', 'Navy')}",
                country=mention.country
                or known_countries().get(mention.actor_id or 0, ""),
                parent=ActorRef(mention.name, mention.actor_id),
            )
        )
    return found


def _demonym_led(text: str, end: int) -> bool:
    """Whether a known name is followed by words that make it a body's owner."""
    return re.match(rf"\s+{_BODY}\b", text[end : end + 40], re.IGNORECASE) is not None


def _mention(
    text: str, start: int, end: int, entry: _Accepted, sentence: int
) -> ActorMention:
    return ActorMention(
        text=text[start:end],
        start=start,
        end=end,
        name=entry.name,
        actor_id=entry.actor_id,
        kind=entry.kind,
        sentence=sentence,
        country=entry.country,
        parent=entry.parent,
    )


def _sentence_of(sentences: list[Sentence], offset: int) -> int:
    for sentence in sentences:
        if sentence.start <= offset < sentence.end:
            return sentence.index
    return sentences[-1].index if sentences else 0


def _accept_candidate(
    tokens: list[Token], first: int, last: int, entries: list[tuple[str, ...]]
) -> list[tuple[str, ...]]:
    # "al-Humaidan" after "Khalid bin Ali al-Humaidan": a name, though its
    # article is written small.
    arabic_article = re.match(r"(?:al|el)[-‐‑][A-Z]", tokens[first].text) is not None
    capitalised = tokens[first].is_capitalised or arabic_article
    return entries if capitalised or first != last else []


def _candidates_in(sentence: Sentence, text: str) -> list[_Candidate]:
    tokens = sentence.tokens
    found: list[_Candidate] = []

    def add(
        first: int, last: int, kind: str, *, end: int | None = None, **more
    ) -> None:
        found.append(
            _Candidate(tokens[first].start, end or tokens[last].end, kind, **more)
        )

    body = text[sentence.start : sentence.end]
    for match in NAMED_BY_SUFFIX.finditer(body):
        name = _strip_leading(match.group("name"), opening=match.start() == 0)
        if not name or _is_junk(re.findall(r"[^\W_]+", name)) or fold(name) in DEMONYMS:
            continue
        if name.endswith(LED_SUFFIXES):
            continue  # "the Iran-aligned group", "the US-led coalition": no name.
        if fold(name.split()[-1]) in HEAD_KINDS:
            continue
        start = (
            sentence.start
            + match.start("name")
            + (len(match.group("name")) - len(name))
        )
        # The name is the thing "the" points to ("the Men of Dignity
        # movement"); with no "the", the word before "of" is who is told of
        # ("Supporters of Sadr movement rallied"), not part of the name.
        of_before = re.search(
            r"(?<![\w’'-])[Tt]he\s+([A-Z][a-z]+)\s+of\s+$", body[: match.start("name")]
        )
        if (
            of_before
            and name == match.group("name")
            and not SOURCE_BEFORE.search(body[: match.start("name")])
            and not _is_junk([of_before.group(1)])
            and fold(of_before.group(1)) not in TITLE_WORDS
            and owner_of(of_before.group(1)) is None
        ):
            # "the Men of Dignity movement", "the Guardians of Dawn
            # militia": a name with "of" inside it, what it is after it.
            start = sentence.start + of_before.start(1)
            name = body[of_before.start(1) : match.end("name")]
        head = match.group("head").casefold()
        kind, named, aliases = SUFFIX_KINDS[head], name, []
        if head in TRIBAL:
            if TRIBAL_FIGHTERS_BEFORE.search(text[sentence.start : start]):
                named, aliases = TRIBAL_MILITIA.format(name=name), [f"{name} {head}"]
            else:
                # "Members of the Shammar tribe held a wedding": no fighters.
                kind, named = K.OTHER, f"{name} {head}"
        found.append(
            _Candidate(
                start,
                sentence.start + match.end(),
                kind,
                name=named,
                aliases=aliases,
            )
        )
    for match in NAMED_BY_DESCRIPTION.finditer(body):
        parts = _strip_leading(match.group("name")).split()
        # "the Norway-based Hengaw rights group": what it is, then its name.
        while parts and parts[0].endswith(LED_SUFFIXES):
            parts = parts[1:]
        name = " ".join(parts)
        if (
            not name
            or _is_junk(re.findall(r"[^\W_]+", name))
            or fold(name) in DEMONYMS
            or owner_of(name) is not None  # "Turkey aid agency": the state's
        ):
            continue
        start = sentence.start + match.end("name") - len(name)
        end = sentence.start + match.end()
        found.append(_Candidate(start, end, K.OTHER, name=name))

    def government_body(
        match: re.Match, group: str, name: str, country: str = ""
    ) -> None:
        """A body named `name` at the words of `group` (only those: a seat
        or an owner beside them stays a place)."""
        found.append(
            _Candidate(
                sentence.start + match.start(group),
                sentence.start + match.end(group),
                K.GOVERNMENT_BODY,
                name=name,
                country=country,
            )
        )

    for match in COURT_IN.finditer(body):
        court = match.group("court").title()
        if seat := _proper_name(match.group("seat")):
            government_body(match, "court", f"{court} of {seat}")
    local_taken: set[int] = set()
    for pattern in LOCAL_BODIES:
        for match in pattern.finditer(body):
            if match.start("body") in local_taken:
                continue  # named by an earlier pattern, with its owner
            owner = _proper_name(_strip_leading(match.group("owner")))
            if owner and fold(owner) not in DEMONYMS:
                local_taken.add(match.start("body"))
                named = f"{owner} {_title(match.group('body'))}"
                # "… of Iraq's southern Dhi Qar province": the state's.
                state = owner_of(match.groupdict().get("state") or "")
                government_body(match, "body", named, state.country if state else "")
    for match in EMBASSY.finditer(body):
        owner = owner_of(match.group("owner") or match.group("demonym"))
        if owner is None:
            continue
        host = owner_of(match.group("seat") or "")
        named = f"Embassy of {owner.name}" + (f" in {host.name}" if host else "")
        found.append(
            _Candidate(
                sentence.start + match.start("body"),
                # "in Baghdad" stays the place it names.
                sentence.start + match.end("body"),
                K.GOVERNMENT_BODY,
                name=named,
                country=owner.country,
                parent=owner.actor(),
            )
        )
    for match in PREMIER_OFFICE.finditer(body):
        owner = owner_of(match.group("owner") or match.group("demonym"))
        if owner is None or owner.code == REGION_CODE:
            continue
        found.append(
            _Candidate(
                sentence.start + match.start(),
                sentence.start + match.end("body"),
                K.GOVERNMENT_BODY,
                name=f"Office of the Prime Minister of {owner.name}",
                country=owner.country,
                parent=owner.actor(),
            )
        )
    for match in CONSULATE.finditer(body):
        owner = owner_of(match.group("owner") or match.group("demonym"))
        seat = match.group("seat")
        if owner is None or (owner_of(seat) is not None and fold(seat) not in CAPITALS):
            continue  # "Iraq's consulate in Iran": no city, no name
        general = " General" if "general" in match.group("body").lower() else ""
        found.append(
            _Candidate(
                sentence.start + match.start("body"),
                sentence.start + match.end("body"),
                K.GOVERNMENT_BODY,
                name=f"Consulate{general} of {owner.name} in {seat}",
                country=owner.country,
                parent=owner.actor(),
            )
        )
    for match in TRADE_UNION.finditer(body):
        name = _strip_leading(match.group("name"))
        state = _state_named_in(name)
        found.append(
            _Candidate(
                sentence.start + match.end() - len(name),
                sentence.start + match.end(),
                K.OTHER,
                name=name,
                country=state.country if state else "",
            )
        )
    for match in NUMBERED_COURT.finditer(body):
        government_body(match, "name", match.group("name"))
    for match in PROVINCE_JUDICIARY.finditer(body):
        if province := _proper_name(match.group("province")):
            named = f"Judiciary of {province} Province"
            found.append(
                _Candidate(
                    sentence.start + match.start("body"),
                    sentence.start + match.end(),
                    K.GOVERNMENT_BODY,
                    name=named,
                )
            )
    for match in SEAT_OF_GOVERNMENT.finditer(body):
        seat = match.group("seat")
        government_body(match, "seat", seat, SEATS_OF_GOVERNMENT[seat])

    # Names shaped like a person's that nothing beside them told of, kept
    # to be read again by the name after them.
    unsure: list[tuple[int, int]] = []
    for first, last in _capitalised_runs(tokens, text):
        # "the SDF-affiliated Asayish": who backs or holds a body says what
        # it is; one word after it is a name all the same.
        word = tokens[last].text
        if (
            first + 1 == last
            and fold(tokens[first].text).endswith(LED_SUFFIXES)
            and not _is_junk([word])
            and owner_of(word) is None
            and fold(word) not in DEMONYMS
        ):
            found.append(_Candidate(tokens[last].start, tokens[last].end, ""))
            continue
        acronym = _acronym_after(tokens, last, text)
        # A body: "Iraqi High Commission for Human Rights", "Democratic
        # Party of Iranian Kurdistan", "Popular Mobilization Forces".
        org = _trim(tokens, first, last, keep_demonym=True)
        prefix = COUNTRY_PREFIX.search(text[sentence.start : tokens[first].start])
        # "The US Treasury said" opening a sentence: the run begins on "The".
        lead = first + (first < last and fold(tokens[first].text) == "the")
        if (
            org
            and org[0] == org[1]
            and tokens[org[0]].text[:1].isupper()
            and HEAD_KINDS.get(fold(tokens[org[0]].text)) == K.GOVERNMENT_BODY
            and (prefix or fold(tokens[lead].text) in ("us", "uk"))
        ):
            # "the US Treasury", "the UK Parliament": one word of a body,
            # whose state the prefix names.
            begin = sentence.start + prefix.start(1) if prefix else tokens[lead].start
            owner = owner_of(prefix.group(1) if prefix else tokens[lead].text)
            found.append(
                _Candidate(
                    begin,
                    tokens[org[0]].end,
                    K.GOVERNMENT_BODY,
                    name=text[begin : tokens[org[0]].end],
                    country=owner.country if owner else "",
                    parent=owner.actor() if owner else None,
                )
            )
            continue
        if (
            org
            and org[1] > org[0]
            and (
                _is_body(tokens, *org)
                # "United Kingdom Maritime Trade Operations (UKMTO)", "Inter-
                # Services Public Relations (ISPR)": a body's name its acronym
                # spells, whatever its last word.
                or (
                    _spelt_out(text, tokens[org[0]].start, tokens[org[1]].end)
                    and not _names_area(tokens, *org)
                )
            )
        ):
            start = org[0]
            # "the Kurdistan Region’s Joint Crisis Coordination Centre": the
            # words name the body, its owner is its parent.
            owner = None
            prefixed = ""
            while org[0] < org[1] and fold(tokens[org[0]].text).endswith(LED_SUFFIXES):
                org = (org[0] + 1, org[1])
                start = org[0]
            if (
                start >= 2
                and tokens[start - 1].key == "s"
                and tokens[start - 1].text[0] in "’'"
                and tokens[start - 2].is_capitalised
            ):
                owner_start = start - 2
                while (
                    owner_start > 0
                    and _joined(tokens[owner_start - 1], tokens[owner_start], text)
                    and tokens[owner_start - 1].is_capitalised
                ):
                    owner_start -= 1
                owner = owner_of(
                    text[tokens[owner_start].start : tokens[start - 2].end]
                )
                if owner is not None or not (
                    start - 2 > owner_start
                    and _person_shape(tokens, owner_start, start - 2)
                ):
                    start = owner_start
                if (
                    owner is None
                    and owner_start == org[0] - 2
                    and tokens[owner_start].text.isupper()
                    and fold(tokens[org[1]].text) in UNIT_HEADS
                ):
                    # "the PKK's Martyr Zilan Brigade": a unit of the group
                    # the acronym names, which is who acts.
                    add(
                        owner_start,
                        org[1],
                        K.ARMED_GROUP,
                        name=tokens[owner_start].text,
                    )
                    continue
                # else "Masoud Barzani's Kurdistan Democratic Party": a
                # person's, named by its own words.
            elif prefix := COUNTRY_PREFIX.search(
                text[sentence.start : tokens[start].start]
            ):
                # "the U.S. Treasury Department": the United States' body,
                # named with the prefix ("U.S. Central Command").
                owner = owner_of(prefix.group(1))
                prefixed = f"{prefix.group(1)} " if owner is not None else ""
            else:
                # "The Kurdistan Region’s Joint Crisis Coordination Centre"
                # opening a sentence: the owner inside the run.
                for i in range(org[0] + 1, org[1]):
                    if tokens[i].key == "s" and tokens[i].text[:1] in "’'":
                        owner = owner_of(text[tokens[org[0]].start : tokens[i - 1].end])
                        if owner is not None:
                            org = (i + 1, org[1])
                        break
            name = (
                text[tokens[org[0]].start : tokens[org[1]].end]
                if owner and start < org[0]
                else ""
            )
            if (
                name.startswith("Ministry of ")
                and owner is not None
                and not name.endswith(f" of {owner.name}")
                # "Iran's Ministry of Cultural Heritage and Handicrafts
                # (MCHH)": a portfolio no other state has, known by its own
                # letters, keeps its own name.
                and (
                    fold(name.removeprefix("Ministry of ")) in PORTFOLIOS or not acronym
                )
            ):
                # "Afghanistan's Ministry of Energy and Water": a state's
                # ministry is named with its state, as body_name names it.
                name = f"{name} of {owner.name}"
            elif owner is not None and fold(name) in STATE_BODIES:
                # "Iran's Civil Aviation Organization": a body every state
                # has, named with its state as _bodies_in names it.
                name = body_name(fold(name), owner)
            if prefixed:
                name = prefixed + text[tokens[org[0]].start : tokens[org[1]].end]
            unit_of = ACRONYM_BEFORE.search(text, sentence.start, tokens[start].start)
            if unit_of is not None and all(
                fold(tokens[k].text) in UNIT_WORDS for k in range(org[0], org[1] + 1)
            ):
                # "the Islamic Revolutionary Guard Corps (IRGC) Ground Force":
                # the branch of the body the acronym stands for.
                branch = text[tokens[org[0]].start : tokens[org[1]].end]
                name = f"{unit_of.group(1)} {branch}"
            seat = SEAT_AFTER.match(text[tokens[org[1]].end : sentence.end])
            if (
                seat
                and fold(tokens[org[1]].text) in ("court", "tribunal")
                and (name or not _court_has_own_seat(tokens, org[0], org[1]))
            ):
                # "a Revolutionary Court in Mahabad": one court of many,
                # named for its seat.
                name = (
                    f"{name or text[tokens[org[0]].start : tokens[org[1]].end]}"
                    f" of {seat.group(1)}"
                )
            kind = _kind_of(tokens, org[0], org[1])
            country = owner.country if owner else ""
            parent = owner.actor() if owner else None
            # "the Islamic Republic of Iran Customs Administration", "the Iraqi
            # High Commission for Human Rights": a government body of the
            # state its name holds. "Iran Human Rights (IHR)", a group named
            # for the state it watches, is of no state's, but of that
            # country all the same, as its name tells.
            if owner is None and (
                named_state := _state_named_in(
                    text[tokens[org[0]].start : tokens[org[1]].end]
                )
            ):
                country = named_state.country
                if kind == K.GOVERNMENT_BODY:
                    parent = named_state.actor()
            add(
                start,
                org[1],
                kind,
                aliases=[acronym] if acronym else [],
                name=name,
                country=country,
                parent=parent,
            )
            continue
        # "the Sharjah-based Gulf Star Shipping", "Istanbul-based Anka
        # Petrol": a firm told by where it is based, then its name.
        based = next(
            (
                k
                for k in range(first, min(first + 2, last) + 1)
                if tokens[k].text.casefold().endswith("-based")
            ),
            None,
        )
        if (
            based is not None
            and last - based >= 2
            and all(_capitalised(tokens[k]) for k in range(based + 1, last + 1))
            and owner_of(text[tokens[based + 1].start : tokens[last].end]) is None
        ):
            # ("-based" is said of a firm or a group, not of a person.)
            named = text[tokens[based + 1].start : tokens[last].end]
            add(based + 1, last, K.OTHER, name=named)
            continue
        # A person after a title: "Prime Minister Mohammed al-Sudani",
        # "adviser Qasim al-Araji", "Gen. Yahya Rasool".
        titled = _after_title(tokens, first, last)
        if titled is not None:
            add(*titled, PERSON)
            continue
        name = _trim(tokens, first, last, keep_demonym=False)
        if name is None:
            continue
        before = text[sentence.start : tokens[first].start]
        after = text[tokens[last].end : sentence.end]
        # "Kataib Sayyid al-Shuhada said": an armed group's words make no person.
        armed = bool(
            {fold(tokens[i].text) for i in range(name[0], name[1] + 1)} & ARMED_WORDS
        )
        shaped = _person_shape(tokens, *name) and not armed
        # "Ali Akbar Ahmadian, the secretary of…", "Iran's ambassador,
        # Mohammad Kazem Al-e Sadegh," "Mahsa Amini, a 22-year-old woman";
        # a name with "al-", "bin", "Abu": "Mahmoud al-Rubaie".
        place_after = PLACE_HEAD_AFTER.match(after) is not None
        gap = text[found[-1].end : tokens[first].start].strip() if found else ""
        person_before = (
            bool(found)
            and found[-1].kind == PERSON
            and (
                gap in ("and", ", and")
                # "executed Pejman Fatehi, Mohsen Mazloum, … and Vafa
                # Azarbar": a list goes on after the name.
                or (gap == "," and re.match(r"^(?:,|\s+and\b)", after) is not None)
            )
        )
        if (
            shaped
            and name[1] > name[0]
            and not place_after
            and (
                _in_apposition(before, after)
                or _has_particle(tokens, first, last)
                or AGE_BEFORE.search(before)
                or AGE_AFTER.match(after)
                or NAMED_AS_BEFORE.search(before)
                or LISTED_BEFORE.search(before)
                or DEATH_OF_BEFORE.search(before)
                or MET_BEFORE.search(before)
                or MET_AFTER.match(after)
                or DONE_TO_BEFORE.search(before)
                or WHO_AFTER.match(after)
                or (person_before and re.search(r"(?:\s+and|,)\s+$", before))
                or DONE_TO_AFTER.match(after)
                or NOUN_BEFORE.search(before)
                or PERSON_ACTS_AFTER.match(after)
                or MEMBER_OF_AFTER.match(after)
                or (SAID_BEFORE.search(before) and re.match(r"^\s*(?:[.,]|$)", after))
            )
        ):
            add(*name, PERSON)
        elif shaped and name[1] > name[0] and not place_after:
            unsure.append(name)
        words_in = {fold(tokens[i].text) for i in range(name[0], name[1] + 1)}
        if words_in & ARMED_WORDS:
            add(*name, K.ARMED_GROUP, aliases=[acronym] if acronym else [])
        if GROUP_BEFORE.search(before) or (
            FIGHTERS_AFTER.match(after) and not place_after
        ):
            add(*name, K.ARMED_GROUP)
        elif SOURCE_BEFORE.search(before):
            add(*name, _known_kind(tokens, *name))
        media = MEDIA_AFTER.match(after)
        if media:
            add(*name, K.MEDIA, end=tokens[name[1]].end + media.end())
        # "Hassan said", "Reuters said"; but a plural opening a sentence is
        # a common noun: "Analysts said".
        plural_opener = first == last == 0 and tokens[0].text.endswith("s")
        # "…, the mayor of Sidakan, told Rudaw": an office's place, not a speaker.
        of_office = re.search(r"\b(?:of|for|in)\s+(?:the\s+)?$", before) is not None
        if SAYS_AFTER.match(after) and not plural_opener and not of_office:
            add(
                *name,
                PERSON if name[1] > name[0] and shaped else _known_kind(tokens, *name),
            )
        if _titled_member_after(tokens, last):
            # "Hezbollah leader Hassan Nasrallah", "PMF spokesman Mahmoud…".
            add(*name, _known_kind(tokens, *name))
        body_after = BODY_APPOSITION.match(after)
        if body_after and not of_office:
            # "Hengaw, a Norway-based Kurdish rights group, said": a body
            # the words beside it say it is.
            head = fold(body_after.group("head"))
            # "…, one of the oldest Iranian Kurdish parties,": the last words.
            words_ = head.split()
            add(
                *name,
                APPOSED_KINDS.get(" ".join(words_[-2:]))
                or APPOSED_KINDS.get(words_[-1], K.OTHER),
            )

    # "Ali Hassan and Hoshyar Zebari, then Iraq's foreign minister, met": a
    # name joined by "and" to a person's the words after tell of is a
    # person's as well (not "Lesser Tunb and Abu Musa", a name by its "Abu").
    people_at = {
        c.start: c.end
        for c in found
        if c.kind == PERSON
        and (
            APPOSITION_AFTER.match(text[c.end : sentence.end])
            or AGE_AFTER.match(text[c.end : sentence.end])
            or DONE_TO_AFTER.match(text[c.end : sentence.end])
        )
    }
    # "Ali Hassan, Reza Karimi and Omid Saberi were sentenced": a list,
    # read from its last name back to its first.
    for first, last in reversed(unsure):
        joined = PERSON_JOINED_AFTER.match(text, tokens[last].end, sentence.end)
        if joined and joined.end() in people_at:
            add(first, last, PERSON)
            people_at[tokens[first].start] = tokens[last].end
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
            add(i, i, _known_kind(tokens, i, i))
    return found


# A body told by what it is, beside its name: ", a Norway-based Kurdish rights
# group,", ", an Iran-backed militia".
BODY_APPOSITION = re.compile(
    r"^,\s+(?:a|an|the|one of the)\s+(?:[\w’'-]+\s+){0,4}?(?P<head>party|militia|"
    r"faction|armed group|rights group|group|organi[sz]ation|monitor|network|watchdog|"
    r"(?<=one of the\s)(?:(?!of\b)[\w’'-]+\s+){0,4}?(?:parties|militias|factions|"
    r"armed groups|groups|movements)|"
    r"charity|movement|union|association|NGO|consortium|company|firm|operator)\b",
)
APPOSED_KINDS = {
    "party": K.POLITICAL_PARTY,
    "movement": K.POLITICAL_PARTY,
    "militia": K.ARMED_GROUP,
    "faction": K.ARMED_GROUP,
    "armed group": K.ARMED_GROUP,
}

# Words after a name that make it a place's: "Ain al-Asad air base".
PLACE_HEAD_AFTER = re.compile(
    r"^\s+(?:air ?base|base|camp|district|sub-district|village|town|province|"
    r"governorate|airport|gas field|oil field|field|border crossing|crossing|dam|"
    r"refinery|mountains?|valley|region|area|neighbourhood|neighborhood)\b",
    re.IGNORECASE,
)
PLACE_NAMED = re.compile(
    r"(?P<name>(?:[A-Z][\w’'-]*|al-[\w’'-]+)(?:\s+(?:[A-Z][\w’'-]*|al-[\w’'-]+)){0,3})"
    r"\s+(?:air ?base|base|camp|district|sub-district|village|town|airport|"
    r"gas field|oil field|border crossing|crossing|dam|refinery|mountains|valley|"
    r"area|neighbourhood|neighborhood|garrison)\b"
)
# A name that begins with a word for a river, channel, valley or mountain
# ("Shatt al-Arab", "Khor Abdullah", "Wadi Hauran", "Jabal Sinjar") is a
# place's, never a person's.
LANDFORM_FIRST = re.compile(
    r"(?:Shatt|Khor|Wadi|Jabal|Jebel|Jabel|Hawr|Haur|Nahr|Kuh|Kuh-e|Mount|Lake)"
    r"\s+(?:al-)?[A-Z]"
)
# "named the detainees as Kamran Heydari and Rasoul Azizi".
NAMED_AS_BEFORE = re.compile(
    r"\b(?:named|identified)\b[^.;]{0,90}?\bas\s+(?:[^,;.]*?(?:,\s*|\s+and\s+))?"
    r"(?:\d{1,3}-year-old\s+)?$"
)
# People meet people: "Fuad Hussein met Hakan Fidan".
# "travelled to the island to meet Abdullah Ocalan" as well.
MET_BEFORE = re.compile(
    r"\b(?:met|meets|(?<=to )meet|received|hosted|talks with|meeting with|"
    r"met with)\s+$"
)
MET_AFTER = re.compile(r"^\s+(?:met|meets|received|hosted|held talks)\b")
# "the first anniversary of the death of Mahsa Amini".
DEATH_OF_BEFORE = re.compile(
    r"\b(?:death|killing|murder|funeral|assassination|arrest|detention|release|"
    r"abduction|kidnapping|disappearance|execution|body|trial|family|"
    r"sentencing)\s+of\s+$",
    re.IGNORECASE,
)
# People are what these actions are done to: "shot dead Karwan Ahmadi",
# "arrested Hemin Rostami", "sentenced Shirin Alamhouli", "killed Qassem
# Soleimani". Actions done to places as well ("struck", "freed") are not here.
DONE_TO_BEFORE = re.compile(
    r"\b(?:killed|killing|shot dead|shot|executed|executing|hanged|hanging|"
    r"arrested|arresting|detained|detaining|abducted|abducting|kidnapped|"
    r"kidnapping|sentenced|sentencing|summoned|summoning|appointed|appointing|"
    r"dismissed|sacked|charged|convicted|assassinated|assassinating|tortured|"
    r"interrogated|extradited|deported|wounded|injured|acquitted|pardoned|"
    # "the court found Ali Hassan guilty".
    r"(?<=[Cc]ourt\s)found|(?<=[Jj]udge\s)found)\s+$"
)
# Who someone is, written small before the name: "shot kolbar Hiwa
# Rahimi", "executed Kurdish prisoner Reza Rasaei".
PERSON_WORDS = PERSON_NOUNS | words(
    "kolbar kulbar prisoner detainee inmate conscript soldier policeman officer "
    "dissident blogger rapper photographer cameraman driver trader commander"
)
NOUN_BEFORE = re.compile(
    rf"(?<![\w-])(?:{'|'.join(sorted(PERSON_WORDS, key=len, reverse=True))})\s+$"
)
# "detained four labour activists — Karim Sayahi, Nasser Aghajari and …":
# people listed after the plural that says who they are.
LISTED_BEFORE = re.compile(
    r"\b(?:"
    + "|".join(sorted({f"{w}s" for w in PERSON_WORDS} | {"men", "women"}))
    + r")\s*[—–:]\s*(?:[A-Z][^—–:;.]*?(?:,\s*|\s+and\s+))?$"
)
# "Karwan Ahmadi was shot dead by …": the same, told the other way round.
DONE_TO_AFTER = re.compile(
    r"^,?\s+(?:was|were|had been|has been|is|are)\s+(?:\w+ly\s+)?"
    r"(?:killed|shot|executed|hanged|arrested|detained|abducted|kidnapped|"
    r"sentenced|summoned|appointed|dismissed|sacked|charged|convicted|"
    r"assassinated|tortured|wounded|injured|released|freed|elected|"
    # "Ali Hassan was told of the verdict", "… were questioned".
    r"told|informed|notified|questioned|interrogated|indicted)\b"
)
# What people do and bodies rarely say they do: "Hassan Karimi visited the
# crossing", "Shwan Mohammed ordered the closure" (saying is SAYS_AFTER).
PERSON_ACTS_AFTER = re.compile(
    r"^\s+(?:(?:also|later|then|personally)\s+)?(?:visited|ordered|arrived|"
    r"travel(?:l)?ed|flew|resigned|attended|phoned|chaired|inspected|toured|"
    r"pledged|promised|tweeted|wrote|died)\b"
)
# "…, said Ali Hamidi." : the speaker after the words he said.
# '"…," said Ali Hamidi' too, the comma inside the quote.
SAID_BEFORE = re.compile(r",[”\"’']?\s+(?:said|says|added|according to)\s+$")
# "Komala fighters clashed with …": a group's men by its name.
FIGHTERS_AFTER = re.compile(
    r"^\s+(?:fighters|militants|militiamen|gunmen|terrorists)\b"
)
# "Hadi al-Amiri, who heads the Badr Organization": only a person is "who".
WHO_AFTER = re.compile(r"^,\s+who\b")
# "Dara Qadir Mahmoud of the Patriotic Union of Kurdistan": a person of a body.
MEMBER_OF_AFTER = re.compile(r"^\s+of\s+the\s+[A-Z]")
# "Ali Hassan and …": the words between two names of one list.
PERSON_JOINED_AFTER = re.compile(r"\s+and\s+|,\s+(?:and\s+)?")
# "34-year-old Lena Hartmann", "Hiwa Rahimi, 24,".
AGE_BEFORE = re.compile(r"\b\d{1,3}-year-old\s+$")
AGE_AFTER = re.compile(r"^,\s*\d{1,2}\s*(?:[,.;)]|and\b|$)")


def _in_apposition(before: str, after: str) -> bool:
    """Whether a name stands beside words that say who the person is."""
    if APPOSITION_AFTER.match(after):
        return True
    return bool(APPOSITION_BEFORE.search(before)) and (
        re.match(r"^\s*(?:,|$|\.|[a-z]+\b)", after) is not None
    )


def _has_particle(tokens: list[Token], first: int, last: int) -> bool:
    return any(
        re.match(r"^(?:al|el)[-‐‑]", tokens[i].text, re.IGNORECASE)
        or fold(tokens[i].text) in PARTICLES
        for i in range(first, last + 1)
    )


# "Iraqi security forces", "Turkish troops", "the Asayish security service":
# a state's forces by the adjective of its people or its name, or a force by
# its own name.
FORCES = re.compile(
    r"\b(?P<name>(?P<owner>U\.S\.|US|U\.K\.|UK|[A-Z][\w’'-]+)\s+(?P<kind>(?i:"
    r"(?:(?:security|armed|special|border|federal|government|counter-terrorism|"
    r"counterterrorism|riot|(?-i:internal))\s+)*(?:forces|troops|army|soldiers|police|"
    r"service members|servicemen|personnel|sailors|marines|"
    r"border guards?|coast ?guards?|military|security service|armed forces|"
    r"gendarmerie(?:\s+(?:forces|troops|units|teams))?|"
    r"air force|navy|intelligence (?:agents|officers|operatives|services?)|"
    # "Iraqi F-16 fighter jets": an aircraft's model before the word.
    r"(?:[A-Z]{1,3}-?\d{1,3}[A-Z]?\s+)?(?:fighter\s+|combat\s+)?"
    r"(?:warplanes?|jets?)|drones?|aircraft|artillery|gunboats?))))\b"
    # "Iraqi jet fuel": a product, no aircraft.
    r"(?!\s+fuel\b)"
)
# Police officers counted, with no one's name before them.
COUNTED_POLICE = re.compile(
    r"(?<![\w’'-])(?i:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|fifteen|twenty|thirty|a\s+dozen|several|dozens\s+of)\s+"
    r"(?P<name>(?i:police\s+officers|policemen|police\s+personnel))\b"
)
# Whose the counted are, told after them: "… from the Kurdistan Region".
COUNTED_FROM = re.compile(
    r"\s+(?:from|of)\s+(?:the\s+)?(?P<owner>[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)"
)
# Police named as a force that acts, not a thing of theirs ("a police
# station").
FORCE_OF_POLICE = re.compile(
    r"\b(?i:police)\b(?!\s+(?i:officers?|stations?|sources?|chiefs?|"
    r"headquarters|posts?|custody|cars?|vehicles?|checkpoints?|spokes\w+))"
)
# A police force by its own name: "Dubai Police", "Sharjah Police".
NAMED_POLICE = re.compile(r"\b[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?\s+Police\b")
# A post of the army, which the article's country's army holds.
ARMY_POST = re.compile(
    r"\b(?:[Aa]n|[Tt]he)\s+(?P<name>army)\s+(?:posts?|outposts?|patrols?|"
    r"checkpoints?|bases?|convoys?)\b"
)
MORALITY_POLICE = re.compile(r"\b(?:morality|moral security) police\b", re.IGNORECASE)
# A state's counter-terrorism force by its own name.
COUNTER_TERRORISM = {"IRQ": "Counter-Terrorism Service"}
# The other names an article gives it, the same actor.
COUNTER_TERRORISM_ALIASES = {
    "IRQ": ["Iraqi Counter-Terrorism Service", "Counter Terrorism Service", "CTS"]
}
WEAPON_STRIKE = re.compile(r"\s+(?:strikes?|attacks?)\b")
# "Two Iranian drones were shot down": forces acted on, not acting.
FORCES_STRUCK = re.compile(r"\s+(?:were|was|had been|have been)\b")
# A state's services by their own names, for the words that name a service
# ("the Iraqi army", "Iraqi F-16 jets", "the Iranian navy"); any other word
# ("troops", "forces", "a drone"), or a state not listed, is the state's
# armed forces. Turkey's services are the Turkish Armed Forces in English
# usage ("the Turkish army", "Turkish warplanes"), and the United States'
# the United States Armed Forces.
SERVICE_WORDS = {
    "army": "army",
    "air force": "air",
    "warplane": "air",
    "warplanes": "air",
    "jet": "air",
    "jets": "air",
    "navy": "navy",
}
# The longest first: "air force" before any shorter word it ends with.
_SERVICE_ENDINGS = sorted(SERVICE_WORDS, key=len, reverse=True)
# Words that make a state's force other than its armed forces ("Iraqi border
# army", "Turkish security forces", "riot police").
NOT_ARMED_FORCES = re.compile(r"security|border|police|special|riot")
SERVICES = {
    "IRQ": {"army": "Iraqi Army", "air": "Iraqi Air Force", "navy": "Iraqi Navy"},
    "SYR": {"army": "Syrian Arab Army", "air": "Syrian Arab Air Force"},
    "PAK": {
        "army": "Pakistan Army",
        "air": "Pakistan Air Force",
        "navy": "Pakistan Navy",
    },
    "IRN": {"navy": "Islamic Republic of Iran Navy"},
}
# A state's force by the name it is kept under, where the words for it
# ("Iranian border guards") are not that name. By ISO 3166-1 alpha-3, then
# the words after the adjective, casefolded.
KEPT_FORCE_NAMES = {
    "IRN": {
        "border guards": "Border Guard Command of Iran",
        "border guard": "Border Guard Command of Iran",
    },
}


def _kept_force_name(country: str, name: str) -> str:
    """ "Iranian border guards" as Border Guard Command of Iran."""
    words_ = name.split(maxsplit=1)
    if len(words_) < 2:
        return name
    return KEPT_FORCE_NAMES.get(country, {}).get(words_[1].casefold(), name)


# A state's armed forces as a whole by the name they are kept under, where
# that is not "<adjective> Armed Forces": Pakistan's troops, forces and
# military are its security forces as one; Armenia's and Azerbaijan's carry
# the state's name after them; Israel's are the Israel Defense Forces. By
# ISO 3166-1 alpha-3.
ARMED_FORCES_NAMES = {
    "PAK": "Pakistani security forces",
    "ISR": "Israel Defense Forces",
    "ARM": "Armed Forces of Armenia",
    "AZE": "Armed Forces of Azerbaijan",
}
# Forces named by their weapons or as a whole are the state's armed forces.
ARMED_FORCES_WORDS = words(
    "troops army soldiers military warplane warplanes jet jets drone drones "
    "aircraft artillery gunboat gunboats forces members servicemen personnel "
    "sailors marines"
)


_region_boundary: list = []


def _region_home(places: list[PlaceMention], home: str) -> str:
    """
    The Kurdistan Region (REGION_CODE) when most of an Iraqi article's
    places lie in it (its stored boundary): the police and security forces
    it does not name are the region's ("police dispersed the protesters" in
    Sulaymaniyah); else `home`.
    """
    if home != "IQ":
        return home
    if not _region_boundary:
        region = Location.objects.filter(code="IQ-KR").first()
        if region is None or region.geometry is None:
            return home
        _region_boundary.append(region.geometry.prepared)
    boundary = _region_boundary[0]
    inside = outside = 0
    for mention in places:
        place = mention.place
        if place.country != "IQ" or place.lat is None or place.lon is None:
            continue
        if place.kind == Location.Kind.COUNTRY:
            continue
        if boundary.covers(Point(place.lon, place.lat, srid=4326)):
            inside += 1
        else:
            outside += 1
    return REGION_CODE if inside > outside else home


def _force_word(words_: str) -> str:
    """The force an article's words for it name: "riot police" are the
    police, in one of their units; "plainclothes security agents" the
    security forces."""
    folded = " ".join(words_.lower().split())
    if folded.endswith(("agents", "personnel")) or folded.startswith("plainclothes"):
        return "security forces"
    if folded.startswith("gendarmerie"):
        return "Gendarmerie"
    return folded.replace("anti-riot police", "police").replace("riot police", "police")


def _forces_in(sentence: Sentence, text: str, *, home: str = "") -> list[_Candidate]:
    found = []
    body = text[sentence.start : sentence.end]
    adjective = DEMONYM_OF.get(home, "")
    if adjective:
        for match in re.finditer(
            r"(?:^|(?<=\s))(?P<lead>(?:the\s+|The\s+)?)"
            r"(?P<name>(?:(?:federal|national|local|provincial|regional)\s+)?"
            r"(?:security forces|police|border guards|(?:anti-)?riot police|oil police|"
            r"(?:plainclothes\s+)?security\s+(?:agents|personnel)|"
            r"plainclothes\s+(?:agents|officers|police)|"
            r"gendarmerie(?:\s+(?:forces|troops|units|teams|patrols?))?))\b"
            # "a police officer said": an unnamed source, no actor; "in
            # police custody": a thing of the police's, not the police acting.
            r"(?!\s+(?:officers?|officials?|sources?|spokes(?:man|woman|person)|"
            r"chiefs?|commanders?|stations?|headquarters|custody|cars?|vehicles?|"
            r"checkpoints?|records?|reports?)\b)",
            body,
            re.IGNORECASE,
        ):
            before = body[: match.start()]
            # "Iranian oil police", "Iran's oil police": a state's force, by
            # the state named before it.
            state = re.search(r"\b([A-Z][\w-]*)(?:[’']s)?\s+$", before)
            state = owner_of(state.group(1)) if state else None
            oil = match.group("name").casefold() == "oil police" and state
            if (
                re.search(r"[A-Z][\w’'.-]*\s*$", before)
                and not before.endswith((". ", ", "))
                and not oil
            ):
                continue  # "Iraqi security forces", "Basra police": named
            if re.search(r"\bprivate\s+$", before, re.IGNORECASE):
                continue  # "private security personnel": no state's force
            if match.group("name").casefold() == "police" and re.search(
                r"\bthe\s+(?:emirate|province|city|region)[’']s\s+$", before
            ):
                # "Dubai Police detained two men …, the emirate's police
                # said": the police the article named, not the state's.
                named = list(
                    NAMED_POLICE.finditer(text, 0, sentence.start + match.start())
                )
                if named:
                    found.append(
                        _Candidate(
                            sentence.start + match.start("name"),
                            sentence.start + match.end("name"),
                            K.SECURITY_FORCE,
                            name=named[-1].group(),
                        )
                    )
                    continue
            if (
                re.search(r"\bto\s+$", before)
                and not match.group("lead")
                and match.group("name").casefold() == "police"
                and re.match(r"\s+(?:a|an|the|its|their)\b", body[match.end() :])
            ):
                continue  # "pressure on Iraq to police a trade": a verb
            adjective = DEMONYM_OF.get(home, "")
            if home == REGION_CODE and "border" in match.group("name").lower():
                # The borders are the federal state's, in the region too.
                adjective = DEMONYM_OF["IQ"]
            if oil:
                adjective = DEMONYM_OF.get(state.code, adjective)
            owner = owner_of(adjective)
            its = re.search(r"\b(?:its|their)\s+$", before, re.IGNORECASE)
            named_owner = re.findall(r"\b([A-Z][\w-]*)[’']s\b", before) if its else []
            if named_owner and owner_of(named_owner[-1]) is not None:
                # "Iran's intelligence ministry said … its security forces".
                owner = owner_of(named_owner[-1])
                adjective = DEMONYM_OF.get(owner.code, adjective)
            found.append(
                _Candidate(
                    sentence.start + match.start("name"),
                    sentence.start + match.end("name"),
                    K.SECURITY_FORCE,
                    # "riot police" are the police, in one of their units.
                    name=_kept_force_name(
                        owner.country if owner else "",
                        f"{adjective} {_force_word(match.group('name'))}",
                    ),
                    country=owner.country if owner else "",
                    parent=owner.actor() if owner else None,
                )
            )
    if adjective:
        for match in COUNTED_POLICE.finditer(body):
            # "killing 11 police officers", "two policemen were wounded":
            # the police of the article's country, counted (one officer is
            # more often a source: "a police officer said"). After a police
            # force the article names ("Federal police fired tear gas … four
            # policemen were hurt"), they are that force's.
            if FORCE_OF_POLICE.search(text, 0, sentence.start + match.start()):
                continue
            owner = owner_of(adjective)
            whose = COUNTED_FROM.match(body, match.end())
            if whose and owner_of(whose.group("owner")) not in (None, owner):
                continue  # "two police officers from the Kurdistan Region"
            found.append(
                _Candidate(
                    sentence.start + match.start("name"),
                    sentence.start + match.end("name"),
                    K.SECURITY_FORCE,
                    name=f"{adjective} police",
                    country=owner.country if owner else "",
                    parent=owner.actor() if owner else None,
                )
            )
    home_owner = _owner_of_code(home) if home != REGION_CODE else None
    for match in ARMY_POST.finditer(body):
        # "militants attacked an army post": the army of the article's
        # country, as "the Iraqi army" names it.
        if home_owner is None:
            break
        found.append(
            _Candidate(
                sentence.start + match.start("name"),
                sentence.start + match.end("name"),
                K.SECURITY_FORCE,
                name=body_name("army", home_owner),
                country=home_owner.country,
                parent=home_owner.actor(),
            )
        )
    if home == "IR":
        for match in MORALITY_POLICE.finditer(body):
            # Iran's "morality police" are the Guidance Patrol.
            owner = owner_of("Iran")
            found.append(
                _Candidate(
                    sentence.start + match.start(),
                    sentence.start + match.end(),
                    K.SECURITY_FORCE,
                    name="Guidance Patrol",
                    aliases=[match.group()],
                    country=owner.country if owner else "",
                    parent=owner.actor() if owner else None,
                )
            )
    for match in FORCES.finditer(body):
        if WEAPON_STRIKE.match(body, match.end()) and fold(
            match.group("kind").split()[-1]
        ).startswith(("drone", "missile", "rocket", "artillery")):
            # "a US drone strike": the state's strike (events.STRIKE_OF).
            continue
        owner_word = match.group("owner")
        if re.search(r"-(?:led|backed|aligned|allied)$", owner_word, re.IGNORECASE):
            # "Kurdish-led forces", "U.S.-led forces": whose lead says no
            # owner; the name, if any, is told elsewhere.
            continue
        owner = owner_of(owner_word)
        kind_words = match.group("kind")
        head_after = re.match(r"\s+([A-Z][a-z]+)\b", body[match.end() :])
        if (
            kind_words[:1].isupper()
            and head_after
            and fold(head_after.group(1)) in HEAD_KINDS
        ):
            # "the Iraqi Border Guard Command": the words begin a body's name
            # ("Iraqi Air Force F-16 jets" are the air force's).
            continue
        name_before = re.search(r"\b([A-Z][\w-]*)\s+$", body[: match.start("name")])
        if (
            kind_words[:1].isupper()
            and name_before
            and not _is_junk([name_before.group(1)])
        ):
            # "the Royal Jordanian Army", "the Royal Bahrain Police": the
            # state's name inside a force's own, which the capitalised
            # words name.
            continue
        start = sentence.start + match.start("name")
        end = sentence.start + match.end("name")
        named = re.search(
            r"(?:\b(?P<state>[A-Z][\w-]*)[’']s\s+)?(?P<words>(?:[A-Z][\w-]*\s+){0,2})$",
            body[: match.start("name")],
        )
        words_ = f"{named.group('words')}{match.group('name')}".split()[:-1]
        if (
            match.group("name").endswith(" forces")
            and 2 <= len(words_) <= 3
            and all(w[:1].isupper() for w in words_)
            # Not "US-backed SDF forces", "Kurdish-led SDF forces": who backs
            # or leads a force the next word names.
            and not any(re.search(r"-[a-z]+$", w) for w in words_)
            # Not "Islamic State forces": a group known by those words.
            and not ARMED_NAMES.fullmatch(" ".join(words_))
            and known_by_name(" ".join(words_)) is None
            and not _is_junk(words_)
            and not any(fold(w) in WEEKDAYS or fold(w) in MONTHS for w in words_)
            and owner_of(words_[0]) is None
            and owner_of(" ".join(words_)) is None
        ):
            # "Syria's General Security forces", "Islamic Emirate forces":
            # a force by its own name of two or three words, written before
            # a small "forces"; the state before it, its owner.
            state = owner_of(named.group("state") or "")
            found.append(
                _Candidate(
                    sentence.start + named.start("words"),
                    end,
                    K.SECURITY_FORCE,
                    name=" ".join([*words_, "forces"]),
                    country=state.country if state else "",
                    parent=state.actor() if state else None,
                )
            )
            continue
        if owner is None:
            folded = fold(owner_word)
            if kind_words.casefold().startswith("intelligence"):
                # "Zionist intelligence officers": a state's agents or no one.
                continue
            if kind_words[:1].isupper() or re.search(
                r"[A-Z][\w’'-]*\s+$", body[: match.start("name")]
            ):
                # "Popular Mobilization Forces": a name of its own.
                continue
            if (
                folded in COMMON_WORDS
                or folded in FUNCTION_WORDS
                or folded in TITLE_WORDS
                or match.start("name") == 0
                and folded in ("the", "a")
                # "Kerman's police chief": a place's police, no name of its own.
                or re.search(r"[’']s$", owner_word)
            ):
                continue
            # "the Asayish security service": a force with a name of its own.
            found.append(
                _Candidate(
                    start,
                    end,
                    K.SECURITY_FORCE,
                    name=owner_word,
                    aliases=[match.group("name")],
                )
            )
            continue
        if owner.code == REGION_CODE:
            continue
        last = fold(kind_words.split()[-1])
        if (
            re.search(r"counter-?terrorism", kind_words, re.IGNORECASE)
            and owner.country in COUNTER_TERRORISM
        ):
            # "Iraqi counterterrorism forces": Iraq's Counter-Terrorism
            # Service, a force of its own outside the army.
            name = COUNTER_TERRORISM.get(owner.country, match.group("name"))
        elif fold(kind_words).startswith("gendarmerie") and owner.code in DEMONYM_OF:
            # "Turkish gendarmerie forces": the state's gendarmerie, as it is
            # called.
            name = f"{DEMONYM_OF[owner.code]} Gendarmerie"
        elif service := _service(owner.country, kind_words):
            # "the Iraqi army", "Iraqi F-16 jets": the service, by its name.
            name = service
        elif last in ARMED_FORCES_WORDS and not NOT_ARMED_FORCES.search(kind_words):
            # "a Turkish drone", "U.S. forces": the state's armed forces.
            # The United States' are named for the state, whatever the
            # adjective: "American forces" are the United States Armed Forces.
            adjective = (
                owner_word
                if fold(owner_word) in DEMONYMS and owner.country != "USA"
                else owner.name
            )
            name = ARMED_FORCES_NAMES.get(owner.country, f"{adjective} {ARMED_FORCES}")
        elif re.search(r"[’']s$", owner_word) and owner.code in DEMONYM_OF:
            # "Iran's security forces" as "Iranian security forces".
            name = f"{DEMONYM_OF[owner.code]} {kind_words}"
        else:
            name = match.group("name")
        # "Iraqi internal security forces" are the state's security forces.
        name = _kept_force_name(owner.country, re.sub(r"\binternal\s+", "", name))
        found.append(
            _Candidate(
                start,
                end,
                K.SECURITY_FORCE,
                name=name,
                country=owner.country,
                parent=owner.actor(),
                aliases=(
                    COUNTER_TERRORISM_ALIASES.get(owner.country, [])
                    if name == COUNTER_TERRORISM.get(owner.country)
                    else []
                ),
            )
        )
    return found


def _service(country: str, kind_words: str) -> str | None:
    """The state's service the words name, by its own name (SERVICES)."""
    folded = fold(kind_words)
    word = next((w for w in _SERVICE_ENDINGS if folded.endswith(w)), None)
    if word is None or NOT_ARMED_FORCES.search(folded):
        return None
    return SERVICES.get(country, {}).get(SERVICE_WORDS[word])


def _proper_name(words_: str) -> str:
    """A place's name without the weekday or month beside it ("Tehran
    Monday", "Sunday Kirkuk"): what is left, if anything."""
    kept = [
        w for w in words_.split() if fold(w) not in WEEKDAYS and fold(w) not in MONTHS
    ]
    return " ".join(kept)


def _title(words_: str) -> str:
    """ "civil defence directorate" as "Civil Defence Directorate"."""
    return " ".join(
        "-".join(part[:1].upper() + part[1:] for part in word.split("-"))
        for word in words_.split()
    )


def _strip_leading(name: str, *, opening: bool = True) -> str:
    """ "The Komala" as "Komala": no sentence opener or demonym in front.
    Inside a sentence (`opening` false) a capitalised "New" is the name's
    own: "the New Unity party"."""
    parts = name.split()
    while parts and (fold(parts[0]) in FUNCTION_WORDS or fold(parts[0]) in DEMONYMS):
        if not opening and parts[0] == "New" and len(parts) > 1:
            break
        parts = parts[1:]
    return " ".join(parts)


MEDIA_AROUND = re.compile(
    r"^\s*(?:news agency|agency|newspaper|daily|TV|television|channel|broadcaster|"
    r"website|outlet|reporter|correspondent)\b|^[’']s\s+(?:reporter|correspondent)",
    re.IGNORECASE,
)


def is_media(text: str, mention: ActorMention) -> bool:
    """A news outlet: by kind, by a list of outlets, by the words after it."""
    if mention.kind == K.MEDIA:
        return True
    name = "-".join(mention.name.split())
    if name in MEDIA_NAMES or mention.text in MEDIA_NAMES:
        return True
    if MEDIA_NAMED.search(mention.name) and not RIGHTS_NAMED.search(mention.name):
        # "Tasnim news agency", "the Kayhan newspaper": what it is, in its name.
        return True
    words_ = mention.name.split()
    if len(words_) > 1 and words_[0] in MEDIA_NAMES and fold(words_[-1]) == "agency":
        # "Anadolu Agency": an outlet's agency by its own name.
        return True
    return MEDIA_AROUND.match(text[mention.end : mention.end + 30]) is not None


# A rights group by its name, whatever its news service is called.
RIGHTS_NAMED = re.compile(r"\bHuman Rights\b", re.IGNORECASE)
MEDIA_NAMED = re.compile(
    r"\s(?:news agency|newspaper|TV|television|broadcaster)$", re.IGNORECASE
)


def _known_kind(tokens: list[Token], first: int, last: int) -> str:
    """The kind a generic list tells for a name: an outlet, an international body."""
    words_in = [tokens[i].text for i in range(first, last + 1)]
    joined = "-".join(words_in)
    if joined in MEDIA_NAMES or words_in[0] in MEDIA_NAMES:
        return K.MEDIA
    if joined in INTERNATIONAL_ACRONYMS:
        return K.INTERNATIONAL_ORG
    folded = {fold(w) for w in words_in}
    if folded & ARMED_WORDS:
        return K.ARMED_GROUP
    return ""


def _kind_of(tokens: list[Token], first: int, last: int) -> str:
    """The kind of a body by its words: the last head word decides."""
    folded = [fold(tokens[i].text) for i in range(first, last + 1)]
    if set(folded) & ARMED_WORDS:
        return K.ARMED_GROUP
    if (
        folded[0] in ("united", "international")
        and "nations" in folded
        or (set(folded) & {"nations", "nato"})
    ):
        return K.INTERNATIONAL_ORG
    heads = [w for w in folded if w in HEAD_KINDS]
    kind = HEAD_KINDS[heads[-1]] if heads else ""
    if heads and heads[-1] == "agency" and "news" in folded:
        # "Human Rights Activists News Agency": a rights group's news
        # service speaks for the group, a source like any monitor; an
        # outlet otherwise.
        kind = K.OTHER if {"human", "rights"} <= set(folded) else K.MEDIA
    if not kind and set(folded) & INTERNATIONAL_WORDS and "organization" in folded:
        kind = K.INTERNATIONAL_ORG
    return kind or ""


def _person_shape(tokens: list[Token], first: int, last: int) -> bool:
    """Words that can be a person's name: no body's words, no acronym, no month."""
    if last - first > 4:
        return False
    for i in range(first, last + 1):
        word = tokens[i].text
        folded = fold(word)
        if folded in HEAD_KINDS or folded in MONTHS or folded in WEEKDAYS:
            return False
        if word.isupper() and len(word) > 1:
            return False
        if folded in COMMON_WORDS and folded not in ("al", "el"):
            return False
    return True


# The branches of a force, named after it: "… (IRGC) Ground Force".
UNIT_WORDS = words("ground aerospace air naval navy force forces")
ACRONYM_BEFORE = re.compile(r"\(([A-Z]{2,6})\)\s+$")


def _acronym_after(tokens: list[Token], last: int, text: str) -> str:
    """The acronym in brackets right after a name: "… Kurdistan (KDPI)"."""
    match = re.match(r"\s*\(([A-Z][A-Za-z]{1,7})\)", text[tokens[last].end :])
    return match.group(1) if match and match.group(1)[1:].isupper() else ""


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
            if (
                fold(nxt.text).lstrip("'’") == "s"
                and fold(tokens[j].text) in NAME_POSSESSIVES
                and j + 2 < len(tokens)
                and _capitalised(tokens[j + 2])
                and _joined(nxt, tokens[j + 2], text)
            ):
                # "Higher Committee for People's Assembly Elections": a
                # possessive inside a body's name.
                j += 2
                continue
            # "of", "for", "al" inside a name, followed by a capitalised word;
            # "and", "to" inside a body's ("Metro Center for Journalists’
            # Rights and Advocacy", "Committee to Protect Journalists").
            k = j + 1
            headed = (
                any(fold(t.text) in HEAD_KINDS for t in tokens[i : j + 1])
                or _body_after_and(tokens, i, j, text)
            ) or any(
                # "Minister of Roads and Urban Development": an office's
                # portfolio goes on after "and".
                fold(tokens[t].text) in TITLE_WORDS
                and fold(tokens[t + 1].text) == "of"
                and j - t <= 3
                for t in range(i, j)
            )
            if (
                not headed
                and j > i
                and fold(nxt.text) == "of"
                and k + 1 < len(tokens)
                and fold(tokens[k + 1].text) == "the"
                and _person_shape(tokens, i, j)
            ):
                # "Dara Qadir Mahmoud of the Patriotic Union of Kurdistan": a
                # person, then the party, not one name.
                break
            while (
                k < len(tokens)
                and (
                    fold(tokens[k].text) in CONNECTORS
                    or (headed and fold(tokens[k].text) in ("and", "to"))
                )
                and _joined(tokens[k - 1], tokens[k], text)
            ):
                k += 1
            between = {fold(t.text) for t in tokens[j + 1 : k]}
            if (
                "and" in between
                and k + 1 < len(tokens)
                and fold(tokens[k].text) in DEMONYMS
                and not _capitalised(tokens[k + 1])
            ):
                # "the Ministry of Electricity and Saudi developer ACWA
                # Power": a people's word opens what the second party is.
                break
            if "and" in between and _bodies_both_sides(tokens, i, j, k, text):
                # "the Patriotic Union of Kurdistan and Kurdistan Democratic
                # Party": two bodies, each named in full.
                break
            if (
                k < len(tokens)
                and k > j + 1
                and fold(tokens[j + 1].text) != "the"
                # "the Patriotic Union of Kurdistan and the Kurdistan
                # Democratic Party": two bodies.
                and not {"and", "the"} <= between
                and _capitalised(tokens[k])
                and _joined(tokens[k - 1], tokens[k], text)
            ):
                j = k
                continue
            break
        runs.extend(_office_holder_apart(tokens, i, j))
        i = j + 1
    return runs


# Plural nouns whose possessive is part of a name: "People's Assembly".
NAME_POSSESSIVES = words("people women children")
# What closes a company's or an agency's name after "and": "Khuzestan Water
# and Wastewater Company".
BODY_ENDS = words("company corporation authority organization organisation agency")


def _bodies_both_sides(tokens: list[Token], i: int, j: int, k: int, text: str) -> bool:
    """
    Whether "and" between the run `i`..`j` and the capitalised words from
    `k` joins two bodies each named in full: the first ends in its head word
    or in the place it is of ("the Patriotic Union of Kurdistan"), and the
    second ends in its head word ("Kurdistan Democratic Party"). Not a
    portfolio's or a committee's two fields ("Ministry of Family and Social
    Services", "Security and Defence Committee").
    """
    end = k
    while (
        end + 1 < len(tokens)
        and _capitalised(tokens[end + 1])
        and _joined(tokens[end], tokens[end + 1], text)
    ):
        end += 1
    if fold(tokens[end].text) not in HEAD_KINDS:
        return False
    last = fold(tokens[j].text)
    if last in HEAD_KINDS:
        return True
    of = next((t for t in range(j - 1, i, -1) if fold(tokens[t].text) == "of"), None)
    return (
        of is not None
        and _has_org_word(tokens, i, of - 1)
        and owner_of(text[tokens[of + 1].start : tokens[j].end]) is not None
    )


def _body_after_and(tokens: list[Token], i: int, j: int, text: str) -> bool:
    """
    Whether the run `i`..`j` goes on past "and" into the name of one
    company or agency: two or three capitalised words after it ending in the
    body's head word ("Khuzestan Water and Wastewater Company"). Not when
    the words before "and" name something whole of their own: one word
    ("Reuters and Anadolu Agency", "Iraq and World Health Organization"), a
    title and a person, or a body ("… Government and Basra Oil Company").
    """
    k = j + 1
    if k >= len(tokens) or fold(tokens[k].text) != "and":
        return False
    if j == i or (j == i + 1 and fold(tokens[i].text) == "the"):
        return _fields_of_one_body(tokens, j, text)
    left = [fold(t.text).rstrip(".") for t in tokens[i : j + 1]]
    if any(w in TITLE_WORDS or w in HEAD_KINDS for w in left):
        return False
    if owner_of(text[tokens[i].start : tokens[j].end]) is not None:
        return False
    for t in range(k + 1, min(k + 4, len(tokens))):
        if not (_capitalised(tokens[t]) and _joined(tokens[t - 1], tokens[t], text)):
            return False
        if fold(tokens[t].text) in BODY_ENDS:
            return t > k + 1
    return False


def _fields_of_one_body(tokens: list[Token], i: int, text: str) -> bool:
    """
    Whether one word after "the", then "and", then one or two capitalised
    words ending in a body's head word name one body by its two fields
    ("the Accountability and Justice Commission", "the Security and Defence
    Committee"). Not when the first word is a state's or a people's ("the
    Iraqi and Turkish foreign ministries") or the second names a body of
    its own after a name ("the PUK and Gorran Movement" stays two).
    """
    k = i + 1
    if i == 0 or fold(tokens[i - 1].text) != "the" or not tokens[i].text.istitle():
        return False
    first = fold(tokens[i].text)
    if first in DEMONYMS or owner_of(tokens[i].text) is not None:
        return False
    if known_by_name(tokens[i].text) is not None or _known_kind(tokens, i, i):
        # "the Hashd and Interior Ministry": a body named on its own, then
        # another.
        return False
    for t in range(k + 1, min(k + 4, len(tokens))):
        if not (_capitalised(tokens[t]) and _joined(tokens[t - 1], tokens[t], text)):
            return False
        if fold(tokens[t].text) in HEAD_KINDS:
            return HEAD_KINDS[fold(tokens[t].text)] == K.GOVERNMENT_BODY and t > k + 1
    return False


def _office_holder_apart(tokens: list[Token], i: int, j: int) -> list[tuple[int, int]]:
    """
    "DEM Party Co-Chair Tuncer Bakırhan", "Central Bank Governor Ali
    al-Allaq": a body, then an office in it and the name of who holds it,
    as two runs (the office opens the second).
    """
    for t in range(i + 1, j - 1):
        if (
            fold(tokens[t].text).rstrip(".") in TITLE_WORDS
            and fold(tokens[t - 1].text) in HEAD_KINDS
            and all(_capitalised(tokens[k]) for k in range(t + 1, j + 1))
        ):
            return [(i, t - 1), (t, j)]
    return [(i, j)]


def _capitalised(token: Token) -> bool:
    return (
        token.is_capitalised or re.match(r"^(?:al|el)[-‐‑]\w", token.text) is not None
    )


def _joined(left: Token, right: Token, text: str) -> bool:
    """Adjacent words of one name: "Kurdistan Workers’ Party" too."""
    return re.fullmatch(r"[’']?\s?", text[left.end : right.start]) is not None


# Honorifics that open a person's name and are no part of it.
HONORIFICS = words("sayyid")
# Honorifics that are words of a name after a given name ("Lahur Sheikh
# Jangi", "Ali Mullah Karim").
NAME_TITLES = words("sheikh shaikh sayyid sayed sayyed mullah")


def _given_name(token: Token) -> bool:
    """A capitalised word that is no title, body, people's or place's word."""
    word = fold(token.text)
    return (
        token.text.istitle()
        and word not in TITLE_WORDS
        and word not in HEAD_KINDS
        and word not in DEMONYMS
        and word not in COMMON_WORDS
        and not word.endswith(("al", "ian", "ish", "ic"))
        and owner_of(token.text) is None
        and not location_index().get(name_key(token.text))
    )


# A group's units, whose acts are the group's: "the BLA's Fateh Brigade".
UNIT_HEADS = words("brigade brigades battalion battalions")
FORCE_ADJECTIVES = words("naval aerial ground airborne military paramilitary")


def _is_junk(parts: list[str]) -> bool:
    """Sentence openers, months, days, demonyms and titles name nobody."""
    folded = [fold(w) for w in parts]
    if len(folded) == 1 and (
        folded[0] in COMMON_WORDS
        or len(folded[0]) == 1
        or folded[0] in FORCE_ADJECTIVES
    ):
        # "U" of "U.S.-backed" alone is no name, nor "Naval" of "Naval forces
        # of the IRGC".
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


TIME_OF_TITLE = re.compile(r"^(?:then|ex|former)-(?=\w)")


def _trim(
    tokens: list[Token], first: int, last: int, *, keep_demonym: bool
) -> tuple[int, int] | None:
    """A run without its leading "The", sentence openers, titles and demonyms."""
    while first <= last:
        word = fold(tokens[first].text)
        # "Then-President Hassan Rouhani": the office he held then.
        word = TIME_OF_TITLE.sub("", word)
        droppable = word in FUNCTION_WORDS or word in TITLE_WORDS
        if word == "new" and first > 0 and tokens[first].is_capitalised:
            # "the New Generation Movement": a capital inside the sentence
            # makes the word part of the name.
            droppable = False
        if (
            word in TITLE_WORDS
            and first < last
            and fold(tokens[first + 1].text) in HEAD_KINDS
        ):
            # "General Directorate of …", "General Command": no title there.
            droppable = False
        if word in DEMONYMS and not keep_demonym:
            # "Islamic" is no people's: "the Islamic Emirate" is a name.
            droppable = not (word == "islamic" and first < last)
        if word in PERSON_WORDS and not keep_demonym and first < last:
            # "Teacher Zara Mohammadi was sentenced": who she is, not her name.
            droppable = True
        if (
            word in MEMBER_WORDS
            and first < last
            and fold(tokens[first + 1].text) == "of"
        ):
            # "Fighters of the Badr Organization" opening a sentence.
            droppable = True
        if (word in CONNECTORS and not tokens[first].is_capitalised) or word == "s":
            droppable = True
        if word in ("the", "of", "for") or word in MONTHS or word in WEEKDAYS:
            # "September of Mahsa Amini": a date before the name.
            droppable = True
        if not droppable:
            break
        first += 1
    while last >= first and fold(tokens[last].text) in CONNECTORS | {"s"}:
        last -= 1
    return (first, last) if first <= last else None


# Words that are a title after another ("Chief Justice", "Rear Admiral")
# and a name's word alone ("the Justice Ministry", "Admiral Bay").
SECOND_TITLE_WORDS = words("justice admiral marshal")
# Who belongs to a body, opening a sentence before its name.
MEMBER_WORDS = words(
    "fighters members militants supporters officials commanders leaders gunmen "
    "soldiers officers troops units lawmakers deputies"
)


def _is_body(tokens: list[Token], first: int, last: int) -> bool:
    """
    A run naming a body: with a word such as "Ministry" or "Commission" in
    it ("Iraqi High Commission for Human Rights") and no title after that
    word, which would make it a person's ("Basra Police Chief Ali Saleh").
    """
    folded = [fold(tokens[i].text) for i in range(first, last + 1)]
    heads = [i for i, w in enumerate(folded) if w in HEAD_KINDS]
    if not heads or last == first:
        return False
    return not any(w in TITLE_WORDS for w in folded[heads[0] + 1 :])


def _has_org_word(tokens: list[Token], first: int, last: int) -> bool:
    return any(fold(tokens[i].text) in HEAD_KINDS for i in range(first, last + 1))


def _after_title(tokens: list[Token], first: int, last: int) -> tuple[int, int] | None:
    """The name in a run that follows a title, inside or just before the run."""
    title_end = None
    for i in range(first, last + 1):
        if TIME_OF_TITLE.sub("", fold(tokens[i].text)).rstrip(".") in TITLE_WORDS:
            title_end = i
        elif (
            fold(tokens[i].text) in SECOND_TITLE_WORDS
            and i > 0
            and fold(tokens[i - 1].text) in TITLE_WORDS | {"rear", "vice", "field"}
        ):
            # "Chief Justice Muhammad Khan", "Rear Admiral Ali Reza": a word
            # that is a title after another, as a bench's head is.
            title_end = i
    if title_end is None and first > 0 and fold(tokens[first - 1].text) in TITLE_WORDS:
        title_end = first - 1
    if title_end is None and first < last and fold(tokens[first].text) in HONORIFICS:
        # "Sayyid Badr bin Hamad Al Busaidi": an honorific opening the name
        # (inside one, "Kataib Sayyid al-Shuhada", a word of it).
        title_end = first
    if (
        title_end is None
        and first > 1
        and fold(tokens[first - 1].text) == "to"
        and fold(tokens[first - 2].text).rstrip(".") in TITLE_WORDS
        # "Ambassador to Baku …", not "head to Baghdad International Airport".
        and tokens[first - 2].is_capitalised
    ):
        # "Iran's Ambassador to Baku Abbas Mousavi": the run opens with
        # the post's place.
        title_end = _office_end(tokens, first - 2, last)
    elif title_end is not None and title_end < last:
        # "Minister of Water Resources Aoun Diab Abdullah".
        title_end = _office_end(tokens, title_end, last)
    if title_end is None or title_end >= last:
        return None
    if (
        title_end == first + 1
        and fold(tokens[title_end].text) in NAME_TITLES
        and _given_name(tokens[first])
    ):
        # "Lahur Sheikh Jangi": a given name before the honorific makes it
        # a word of the name, not a title before it.
        return None
    start = title_end + 1
    while start <= last and (
        fold(tokens[start].text) in DEMONYMS or tokens[start].key == "s"
    ):
        start += 1
    end = min(last, start + 3)
    # "Foreign Minister Khalid bin Ahmed Al Khalifa": a particle inside the
    # name, the name's four capitalised words around it.
    capitals = 0
    for i in range(start, last + 1):
        if _capitalised(tokens[i]):
            capitals += 1
            if capitals > 4:
                break
            end = i
        elif fold(tokens[i].text) not in PARTICLES or i == start:
            break
    if start > end or _has_org_word(tokens, start, end):
        return None
    if any(
        not _capitalised(tokens[i]) and fold(tokens[i].text) not in PARTICLES
        for i in range(start, end + 1)
    ):
        return None
    if fold(tokens[start].text) in CONNECTORS:
        return None
    return start, end


def _office_end(tokens: list[Token], title: int, last: int) -> int | None:
    """
    The last word of an office written before a name: the title itself, or
    its portfolio ("Minister of Water Resources", "Minister of Agriculture
    and Forestry") or post ("Ambassador to Baku"), when a name of at least
    two words follows it within the run. None when the words after "to"
    name no state or capital.
    """
    word = fold(tokens[title + 1].text) if title + 1 < len(tokens) else ""
    if word not in ("of", "to"):
        return title
    after = title + 2
    if word == "to":
        for size in (2, 1):
            end = after + size - 1
            if end + 2 <= last and owner_of(
                " ".join(t.text for t in tokens[after : end + 1])
            ):
                return end
        return None
    for size in (4, 3, 2, 1):
        end = after + size - 1
        if end + 2 > last:
            continue
        if " ".join(fold(t.text) for t in tokens[after : end + 1]) in PORTFOLIOS:
            # "… and Forestry": a portfolio joined to another word.
            if (
                end + 4 <= last
                and fold(tokens[end + 1].text) == "and"
                and tokens[end + 2].is_capitalised
            ):
                end += 2
            return end
    return title


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


# Actors without a name, as ACLED names them: "Protesters (Iraq)".

UNNAMED_ARMED = re.compile(
    r"\b(?:gunmen|gunman|armed men|armed smugglers|masked men|"
    r"unidentified (?:men|attackers|"
    r"assailants|gunmen|armed men|people)|unknown (?:attackers|assailants|gunmen)|"
    r"assailants|attackers|kidnappers|militants|insurgents|jihadists|terrorists)\b",
    re.IGNORECASE,
)
# Who an attack's victims are when the article names nobody, and the name
# of each kind: a generic list of the words news uses.
UNNAMED_VICTIMS: list[tuple[str, re.Pattern]] = [
    ("Kolbars", re.compile(r"\b(?:kolbars?|kulbars?|porters?)\b", re.IGNORECASE)),
    ("Migrants", re.compile(r"\b(?:migrants?|asylum seekers?)\b", re.IGNORECASE)),
    ("Refugees", re.compile(r"\brefugees?\b", re.IGNORECASE)),
    # Those arrested for smuggling: "eight suspected smugglers", and the
    # "14 suspects" of a sentence about smuggled goods.
    ("Smugglers", re.compile(r"\b(?:smugglers?|suspects)\b", re.IGNORECASE)),
    # "detained five teachers".
    ("Teachers", re.compile(r"\bteachers\b", re.IGNORECASE)),
    # "three armed guards were killed": guards a business or a person hires,
    # no state's (not "border guards", "Revolutionary Guards").
    (
        "Private security forces",
        re.compile(r"\b(?:armed|security|private)\s+guards?\b", re.IGNORECASE),
    ),
    (
        "Civilians",
        re.compile(
            r"\b(?:civilians?|shepherds?|farmers?|villagers?|residents?|children|"
            r"child|(?:two|three|four|five|six|seven|"
            r"eight|nine|ten|eleven|twelve|dozens of|hundreds of|several|"
            r"\d+) (?:(?:young|old|elderly|local|unarmed|"
            # "four Baluch men", not "three Taliban men".
            + "|".join(sorted(DEMONYMS))
            + r") )?"
            r"(?:men|women|people)|"
            r"passers-by|bystanders|pedestrians|holidaymakers|tourists|passengers|"
            r"fuel carriers|students|patients|shopkeepers|traders|worshippers|"
            r"pilgrims|"
            r"fishermen|fisherman|workers?|labourers?|truck drivers?|drivers?|"
            # "detained its six crew": a boat's or a lorry's.
            r"crew(?:\s+members)?|crewmen|"
            # "a man", "an Afghan man", "a Kurdish teacher".
            r"an? (?:(?:" + "|".join(sorted(DEMONYMS)) + r") )?(?:man|woman|boy|girl|"
            r"teacher|doctor|"
            r"nurse|student|taxi driver|shopkeeper|engineer|employee|aid worker|"
            r"contractor|lawyer|trader|merchant)|family|families|nationals|citizens|"
            r"relatives)\b",
            re.IGNORECASE,
        ),
    ),
]


def unnamed(
    kind: str, code: str, *, sentence: int, text: str, start: int, end: int
) -> ActorMention:
    """
    "Protesters (Iraq)", "Unidentified armed group (Iraq)": an actor no name
    tells, as ACLED names them, with the country it is of (ISO 3166-1 alpha-2).
    """
    country, iso3 = _countries().get(code, ("", ""))
    name = f"{kind} ({country})" if country else kind
    ref = known_by_name(name)
    actor_kind = K.ARMED_GROUP if kind.startswith("Unidentified") else K.CIVILIANS
    if kind == "Private security forces":
        actor_kind = K.OTHER
    return ActorMention(
        text=text[start:end],
        start=start,
        end=end,
        name=ref.name if ref else name,
        actor_id=ref.actor_id if ref else None,
        kind=actor_kind,
        sentence=sentence,
        country=iso3,
    )


def nationality(words_: str, fallback: str) -> str:
    """ "Afghan migrants" are of Afghanistan, "refugees from Syria" of Syria."""
    for word in re.findall(r"[A-Z][a-z]+", words_):
        code = DEMONYMS.get(fold(word))
        if code:
            return code
    origin = re.search(
        r"\bfrom\s+(?:the\s+)?([A-Z][\w ]+?)\b(?:[,.;]|\s[a-z]|$)", words_
    )
    if origin:
        owner = owner_of(origin.group(1))
        if owner is not None and owner.code != REGION_CODE:
            return owner.code
    return fallback


def iso3_to_iso2(iso3: str) -> str:
    return next((c for c, (_, i3) in _countries().items() if i3 == iso3), "")


_known_countries: tuple[object, dict[int, str]] | None = None


def known_countries() -> dict[int, str]:
    """The countries (ISO alpha-3) of the stored actors, kept with the actor index."""
    global _known_countries
    summary = index_summary()
    if _known_countries is None or _known_countries[0] != summary:
        _known_countries = (
            summary,
            dict(Actor.objects.exclude(country="").values_list("id", "country")),
        )
    return _known_countries[1]


# The adjective of each country's people, for forces an article names
# without it ("security forces" in an article about Iran).
DEMONYM_OF = {
    "IQ": "Iraqi",
    # The Kurdistan Region's own forces: "Kurdistan Region police".
    REGION_CODE: "Kurdistan Region",
    "IR": "Iranian",
    "TR": "Turkish",
    "SY": "Syrian",
    "JO": "Jordanian",
    "SA": "Saudi",
    "KW": "Kuwaiti",
    "US": "U.S.",
    "IL": "Israeli",
    "LB": "Lebanese",
    "AF": "Afghan",
    "PK": "Pakistani",
    "AZ": "Azerbaijani",
    "AM": "Armenian",
}


# States that act, and short second mentions.


def _states_that_act(
    sentences: list[Sentence],
    text: str,
    actors: list[ActorMention],
    places: list[PlaceMention],
) -> tuple[list[ActorMention], list[PlaceMention]]:
    """
    A country's name is an actor where the state acts ("the United States
    condemned", "by Iran", "Tehran accuses") and a place where it locates
    ("in Iraq", "from Iran"): the state the database holds, or a new one.
    """
    by_span = {(a.start, a.end): a for a in actors}
    kept_actors = list(actors)
    kept_places: list[PlaceMention] = []
    for place in places:
        sentence = sentences[place.sentence]
        before = text[sentence.start : place.start]
        after = text[place.end : sentence.end]
        actor = by_span.get((place.start, place.end))
        capital = (
            place.place.kind == Location.Kind.CITY
            and CAPITALS.get(fold(place.text)) is not None
        )
        if place.place.kind != Location.Kind.COUNTRY and not capital:
            kept_places.append(place)
            continue
        ministers = next(
            (
                m
                for m in MINISTERS_OF_STATES.finditer(
                    text, sentence.start, sentence.end
                )
                if m.start("states") <= place.start < m.end("states")
                and not re.match(r"\s*,\s*[A-Z]", text[m.end() : sentence.end])
            ),
            None,
        )
        if ministers is not None and (owner := owner_of(place.text)) is not None:
            # "the foreign ministers of Turkey, Iran and Russia met": unnamed
            # ministers, each state's ministry. Not "…, Hakan Fidan, …".
            if actor is not None:
                kept_actors.remove(actor)
            name = body_name(ministers.group("portfolio"), owner)
            ref = known_by_name(name)
            kept_actors.append(
                ActorMention(
                    text=place.text,
                    start=place.start,
                    end=place.end,
                    name=ref.name if ref else name,
                    actor_id=ref.actor_id if ref else None,
                    kind=K.GOVERNMENT_BODY,
                    sentence=place.sentence,
                    country=owner.country,
                    parent=owner.actor(),
                )
            )
            continue
        acts = _acts(before, after, place.text)
        locates = LOCATES_BEFORE.search(before) is not None
        listed = NAMES_LISTED_BEFORE.sub("", before)
        if (
            listed != before
            and listed.strip()
            and LOCATES_BEFORE.search(listed)
            # "talks between Iran, Russia and Turkey", "the leaders of Iraq,
            # Iran and Turkey met": sides, not places.
            and not re.search(r"\b(?:between|of)\s+(?:the\s+)?$", listed)
            # "After talks in Ankara, Turkey and Iraq signed": the place
            # closes the words that open the sentence, and the list after
            # them acts.
            and not re.fullmatch(
                r"\s*(?:After|At|In|During|Following|Before|Ahead\s+of)\b[^,]*",
                listed,
            )
        ):
            # "refugees from Syria, Iraq and Afghanistan": each name of a
            # list that locates is a place, as the first is.
            before, locates = listed, True
        if HANDED_TO_BEFORE.search(before):
            # "handed the suspects over to Iraq": the state that receives
            # them, a side of the act, not where it was.
            acts, locates = True, False
        if SENT_FROM_BEFORE.search(before):
            acts, locates = True, False
        if VOICED_FROM_BEFORE.search(before):
            # "drew protests from Iraq": the state that protests.
            acts, locates = True, False
        if locates and not AGENT_BEFORE.search(before):
            acts = False
        if actor is not None:
            if not acts and locates:
                kept_actors.remove(actor)
            kept_places.append(place)
            if acts:
                kept_places.pop()
            continue
        if not acts:
            kept_places.append(place)
            continue
        code = (
            CAPITALS[fold(place.text)]
            if capital
            else next(
                (c for c, (n, _) in _countries().items() if n == place.place.name),
                place.place.country,
            )
        )
        owner = owner_of(place.text) if not capital else owner_of(place.text)
        if owner is None and code in _countries():
            name, iso3 = _countries()[code]
            owner = Owner(name, code, iso3)
        if owner is None:
            kept_places.append(place)
            continue
        ref = owner.actor()
        kept_actors.append(
            ActorMention(
                text=place.text,
                start=place.start,
                end=place.end,
                name=ref.name,
                actor_id=ref.actor_id,
                kind=K.STATE if owner.code != REGION_CODE else K.GOVERNMENT_BODY,
                sentence=place.sentence,
                country=owner.country,
            )
        )
        if capital:
            # The city is still where the article's dateline or story is.
            continue
    return kept_actors, kept_places


def _people_not_places(
    sentences: list[Sentence],
    text: str,
    actors: list[ActorMention],
    places: list[PlaceMention],
) -> tuple[list[ActorMention], list[PlaceMention]]:
    """
    "Austin said the strike…" after "Defense Secretary Lloyd Austin": the
    surname of a person the article named, acting, is that person, not the
    place of that name.
    """
    people = [a for a in actors if a.kind == PERSON and len(a.name.split()) > 1]
    kept: list[PlaceMention] = []
    added: list[ActorMention] = []
    for place in places:
        sentence = sentences[place.sentence]
        person = next(
            (
                a
                for a in people
                if a.end <= place.start and fold(a.name.split()[-1]) == fold(place.text)
            ),
            None,
        )
        if person is None or not ACTS_AFTER.match(text[place.end : sentence.end]):
            kept.append(place)
            continue
        added.append(
            ActorMention(
                text=place.text,
                start=place.start,
                end=place.end,
                name=person.name,
                actor_id=person.actor_id,
                kind=person.kind,
                sentence=place.sentence,
                country=person.country,
                parent=person.parent,
            )
        )
    return sorted(actors + added, key=lambda m: (m.start, m.end)), kept


def _acts(before: str, after: str, name: str) -> bool:
    if AGENT_BEFORE.search(before) or ACTED_ON_BEFORE.search(before):
        return True
    if re.match(r"^[’']s\s", after):
        # "Turkey's drone strikes" are the state's own when protested.
        return PROTESTED_BEFORE.search(before) is not None
    return ACTS_AFTER.match(after) is not None


PROTESTED_BEFORE = re.compile(
    r"\b(?:protest|protested|protesting|denounce|denounced|denouncing|condemn|"
    r"condemned|condemning)\s+$|" + _AGAINST_BEFORE
)


SHORT_HEADS = words(
    "guard guards corps ministry council party forces army militia brigades "
    "front movement command commission committee agency presidency office "
    "treasury department court"
)


# "the Army's Northern Base", "the Guard's Western Headquarters": a base or
# headquarters of a force, speaking or acting, is the force.
BASE_OF_FORCE = re.compile(
    r"(?P<force>[A-Z][\w-]*)(?:[’']s?)\s+(?:[A-Z][\w-]*\s+){1,3}"
    r"(?:Base|Headquarters)"
)


def _bases_of_forces(text: str, actors: list[ActorMention]) -> list[ActorMention]:
    """ "The Guards' Hamzeh Base said" with the Islamic Revolutionary Guard
    Corps in the article: the one force of the article the possessive names,
    by a word of its name or a name it was told by ("the IRGC's … Base")."""
    forces = [
        a
        for a in actors
        if a.kind in (K.SECURITY_FORCE, K.ARMED_GROUP) and len(a.name.split()) > 1
    ]
    kept = []
    for mention in actors:
        # The possessive may be the mention's own or just before it.
        before = re.search(
            r"[A-Z][\w-]*[’']s?\s+$", text[max(0, mention.start - 40) : mention.start]
        )
        words_ = (before.group() if before else "") + mention.text
        base = BASE_OF_FORCE.fullmatch(words_)
        if base is None or mention.actor_id is not None:
            kept.append(mention)
            continue
        word = fold(base.group("force"))
        force = _the_one_named(
            word,
            [
                a
                for a in forces
                if a is not mention and not BASE_OF_FORCE.fullmatch(a.text)
            ],
        )
        kept.append(
            replace(force, text=mention.text, start=mention.start, end=mention.end,
                    sentence=mention.sentence)
            if force
            else mention
        )  # fmt: skip
    return kept


def _the_one_named(
    word: str, organisations: list[ActorMention], *, as_told: bool = True
) -> ActorMention | None:
    """The one organisation of `organisations` that `word` names, by a word
    of its name ("Guards" of the Islamic Revolutionary Guard Corps) or, with
    `as_told`, as the article told it ("IRGC"); None when none or several
    are."""
    stem = word.rstrip("s")
    matching = {
        (a.name, a.actor_id): a
        for a in organisations
        if (as_told and fold(a.text) == word)
        or any(fold(w).rstrip("s") == stem for w in re.findall(r"[^\W_]+", a.name))
    }
    if len(matching) != 1:
        return None
    [found] = matching.values()
    return found


# "…, the governorate said": the administration of a province speaking.
GOVERNORATE_SAID = re.compile(
    r"\bthe\s+(?P<body>governorate)\s+(?:said|says|announced|added|reported|"
    r"stated|wrote)\b"
)


def _governorate_speaking(
    sentences: list[Sentence],
    text: str,
    actors: list[ActorMention],
    places: list[PlaceMention],
) -> list[ActorMention]:
    """ "The new governor of Nineveh visited…, the governorate said": the
    governorate of the one place the article names a governor of, named as
    the text names the place ("Nineveh Governorate")."""
    governed = {
        fold(p.text): p
        for p in places
        if re.match(r"\s+governor\b", text[p.end : p.end + 12], re.IGNORECASE)
        or re.search(
            r"\bgovernor\s+of\s+(?:the\s+)?$",
            text[max(0, p.start - 20) : p.start],
            re.IGNORECASE,
        )
    }
    if len(governed) != 1:
        return actors
    [place] = governed.values()
    _, iso3 = _countries().get(place.place.country, ("", ""))
    added = []
    for said in GOVERNORATE_SAID.finditer(text):
        start, end = said.span("body")
        if any(a.start < end and start < a.end for a in actors):
            continue
        name = f"{place.text} Governorate"
        ref = known_by_name(name)
        added.append(
            ActorMention(
                text=text[start:end],
                start=start,
                end=end,
                name=ref.name if ref else name,
                actor_id=ref.actor_id if ref else None,
                kind=K.GOVERNMENT_BODY,
                sentence=next(
                    (s.index for s in sentences if s.start <= start < s.end),
                    place.sentence,
                ),
                country=iso3,
            )
        )
    return actors + added


def _short_references(
    sentences: list[Sentence],
    text: str,
    actors: list[ActorMention],
    places: list[PlaceMention],
) -> list[ActorMention]:
    """
    "The Guards said" with the Islamic Revolutionary Guard Corps in the
    article, "the ministry" after Iraq's foreign ministry: a head word of
    exactly one organisation the article names is that organisation, also
    where a rule took it for a new name of its own ("Guards said").
    """
    organisations = [a for a in actors if a.kind != PERSON and len(a.name.split()) > 1]
    bare = [
        a
        for a in actors
        if a.actor_id is None
        and len(a.text.split()) == 1
        and fold(a.text) in SHORT_HEADS
        and a.name == a.text
    ]
    found = [a for a in actors if a not in bare]
    taken = [(a.start, a.end) for a in found] + [(p.start, p.end) for p in places]
    for sentence in sentences:
        tokens = sentence.tokens
        for i, token in enumerate(tokens):
            head = fold(token.text)
            if head not in SHORT_HEADS:
                continue
            after_the = i > 0 and fold(tokens[i - 1].text) == "the"
            was_bare = any(a.start == token.start for a in bare)
            if not (after_the or was_bare):
                continue
            if any(token.start < e and s < token.end for s, e in taken):
                continue
            if (
                i + 1 < len(tokens)
                and tokens[i + 1].is_capitalised
                and tokens[i + 1].start - token.end <= 1
            ):
                continue
            actor = _the_one_named(
                head,
                [
                    a
                    for a in organisations
                    if token.is_capitalised or a.start < token.start
                ],
                as_told=False,
            )
            if actor is None:
                continue
            found.append(
                replace(actor, text=token.text, start=token.start, end=token.end,
                        sentence=sentence.index)
            )  # fmt: skip
            taken.append((token.start, token.end))
    return found
