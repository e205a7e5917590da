"""
Text plumbing shared by the extractors: name keys that tolerate diacritics,
"al-" prefixes and transliteration variants, tokens and sentences with their
character offsets into the article, and a longest-match index of names.
"""

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

APOSTROPHES = "'’‘`´ʼʻ′"
# The en dash joins compounds such as "Iran–Iraq border"; the em dash separates.
HYPHENS = "-‐‑‒–"

_APOSTROPHE = f"[{re.escape(APOSTROPHES)}]"

WORD_RE = re.compile(rf"[^\W_]+(?:[{re.escape(APOSTROPHES + HYPHENS)}][^\W_]+)*")
POSSESSIVE_RE = re.compile(rf"^(.{{2,}})({_APOSTROPHE}[sS])$")


def words(text: str) -> frozenset[str]:
    """A word list written as text, one word after another."""
    return frozenset(text.split())


# The Arabic article, written "al-Araji", "el-Sisi", "Al Anbar" or, before a
# sun letter, "as-Sulaymaniyah", "an-Nasiriyah": names match with or without it.
ARTICLES = frozenset({"al", "el"})
SUN_ARTICLES = frozenset({"ad", "an", "ar", "as", "ash", "at", "ath", "az", "adh"})
ALL_ARTICLES = ARTICLES | SUN_ARTICLES

MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
# Numbers written as words, as counts and spans of time use them: "two
# days ago", "killing three", "a dozen wounded", "a week after".
NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "a dozen": 12,
}


# A comma that ends a phrase: not the comma of a number ("30,000 Afghans").
PHRASE_COMMA = r"(?<!\d),|,(?!\d)"
# Number words before a noun ("five Iranian workers", "a dozen").
NUMBER_WORDS = "|".join(sorted(NUMBERS, key=len, reverse=True))
# An agent right after a verb: "abducted by Jaish al-Adl".
BY_AFTER = re.compile(r"\s+by\b")


def number(word: str) -> int | None:
    """A count in digits or in words ("3", "three", "a dozen"); None if neither."""
    word = word.strip()
    return int(word) if word.isdigit() else NUMBERS.get(word.casefold())


WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}

# Adjectives of nationality or identity: never a place, never an actor alone,
# but a hint of which countries an article is about (ISO 3166-1 alpha-2).
DEMONYMS: dict[str, str | None] = {
    "iraqi": "IQ",
    "iraqis": "IQ",
    "iranian": "IR",
    "iranians": "IR",
    "persian": "IR",
    "syrian": "SY",
    "syrians": "SY",
    "turkish": "TR",
    "turk": "TR",
    "turks": "TR",
    "lebanese": "LB",
    "libyan": "LY",
    "libyans": "LY",
    "israeli": "IL",
    "israelis": "IL",
    "jordanian": "JO",
    "saudi": "SA",
    "saudis": "SA",
    "kuwaiti": "KW",
    "emirati": "AE",
    "qatari": "QA",
    "bahraini": "BH",
    "omani": "OM",
    "yemeni": "YE",
    "egyptian": "EG",
    "afghan": "AF",
    "afghans": "AF",
    "pakistani": "PK",
    "armenian": "AM",
    "azerbaijani": "AZ",
    "azeri": "AZ",
    "turkmen": "TM",
    "russian": "RU",
    "american": "US",
    "americans": "US",
    "british": "GB",
    "french": "FR",
    "german": "DE",
    "chinese": "CN",
    "indian": "IN",
    "palestinian": "PS",
    "palestinians": "PS",
    "ukrainian": "UA",
    "european": None,
    "kurdish": None,
    "kurd": None,
    "kurds": None,
    "arab": None,
    "arabs": None,
    "arabic": None,
    "yazidi": None,
    "assyrian": None,
    "baluch": None,
    "sunni": None,
    "shia": None,
    "shiite": None,
    "shiites": None,
    "sunnis": None,
    "muslim": None,
    "christian": None,
    "islamic": None,
    "western": None,
    "eastern": None,
    "northern": None,
    "southern": None,
    "gulf": None,
}

# Function words and sentence openers: never a name on their own, and
# dropped from the front of a capitalised run ("The Foreign Ministry").
FUNCTION_WORDS = words(
    """
    a about above across after afterwards again against ago all almost along
    already also although always am among an and another any anyone are around
    as at away back be became because been before being below besides between
    both but by can cannot could did do does doing done down during each early
    earlier either else elsewhere enough even ever every few first for former
    from further had has have having he her here hers herself him himself his
    how however i if in including inside instead into is it its itself just
    last late later latter least less like many may me meanwhile might more
    most much must my near nearly neither never nevertheless new next no nobody
    none nor not nothing now of off often on once one only onto or other
    others otherwise our ours out outside over own per perhaps rather same
    several she should since so some still such than that the their them then
    there thereafter therefore these they this those though through thus to
    together too toward towards under unless until up upon us very via was we
    well were what whatever when where whereas whether which while who whoever
    whole whom whose why will with within without would yet you your
    according asked separately despite amid following prior two three four
    five six seven eight nine ten hundreds thousands dozens today yesterday
    tomorrow tonight
    """
)

# Words a capitalised token most often is at the start of a sentence, in a
# title or in a headline, and which gazetteers also hold as place names
# ("Police" in Poland, "Of" in Turkey, "Hit" in Iraq).
COMMON_WORDS = FUNCTION_WORDS | words(
    """
    officials official sources source police security forces force army troops
    soldiers militants gunmen fighters protesters demonstrators residents
    witnesses authorities government state ministry minister president
    spokesman spokeswoman spokesperson report reports news agency media
    statement video photo photos image caption link home read more share
    advertisement advertisment related subscribe comment comments update
    updated breaking live watch listen monday tuesday wednesday thursday
    friday saturday sunday january february march april may june july august
    september october november december week month year years months weeks
    north south east west northern southern eastern western central middle
    upper lower great greater little old young big small good bad best hours
    days day night morning evening afternoon hit bath split nice reading
    mobile sale gap say union independence liberty victory hope unity
    progress justice freedom peace order deal border camp camps base bases
    port bridge market square station airport university school hospital
    prison court palace city town village province governorate district
    region capital country countries world republic kingdom council party
    front movement committee office parliament general colonel major captain
    lieutenant sergeant commander chief leader head director deputy secretary
    ambassador envoy governor mayor speaker prime foreign defence defense
    interior finance oil trade health supreme national international federal
    regional local public islamic revolutionary popular democratic socialist
    liberal free united human rights civil military political economic social
    religious unidentified unknown masked suspected
    """
)

# Titles and roles that stand before a person's name.
TITLE_WORDS = words(
    """
    president vice prime minister secretary deputy spokesman spokeswoman
    spokesperson adviser advisor general gen lt col colonel major maj
    brigadier brig commander chief governor mayor ambassador envoy speaker mp
    lawmaker senator sheikh shaikh ayatollah grand imam cleric king prince
    emir sultan judge prosecutor director head leader chairman chairwoman chair
    co-chair co-chairman co-chairwoman rapporteur commissioner negotiator
    secretary-general director-general attorney-general commander-in-chief dr
    mr mrs ms sayyed sayed mullah hojatoleslam captain capt sergeant sgt
    counterpart undersecretary attorney coordinator representative chancellor
    premier ruler mufti pastor bishop patriarch journalist activist reporter
    cameraman photographer correspondent presenter researcher academic scholar
    blogger lawyer poet writer singer consul affaires attache diplomat
    """
)


_UNIFY = str.maketrans(
    {**dict.fromkeys(APOSTROPHES, "'"), **dict.fromkeys(HYPHENS, "-")}
)
_NON_WORD_RE = re.compile(r"[^\w]")
_DOUBLED_RE = re.compile(r"(.)\1+")


def fold(text: str) -> str:
    """Casefolded text without diacritics, with quotes and hyphens unified."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.translate(_UNIFY).casefold()


# Names repeat their words ("Mohammed", "al-", "Ministry"): keys are cached.
@functools.lru_cache(maxsize=1 << 17)
def word_key(word: str) -> str:
    """
    The matching key of one word: folded, without the Arabic article, its
    apostrophes and hyphens dropped, doubled letters single, "ou" as "u" and
    without a final "h" after a vowel, so that "al-Araji"/"Araji",
    "Qassim"/"Qasim", "Amir-Abdollahian"/"Amirabdollahian", "Nouri"/"Nuri"
    and "Basrah"/"Basra" meet. An article standing alone keys to "".
    """
    folded = fold(word)
    if folded in ARTICLES:
        return ""
    parts = folded.split("-")
    if len(parts) > 1 and len(parts[1]) >= 2:
        # The original's second part: is it capitalised, as after "As-"?
        second = word[len(parts[0]) + 1 : len(parts[0]) + 2]
        if parts[0] in ARTICLES or (parts[0] in SUN_ARTICLES and second.isupper()):
            parts = parts[1:]
    key = "".join(parts)
    if not key.isalnum():
        key = _NON_WORD_RE.sub("", key)
    key = _DOUBLED_RE.sub(_first_letter, key).replace("ou", "u")
    if len(key) > 4 and key.endswith("h") and key[-2] in "aeiou":
        key = key[:-1]
    return key


def _first_letter(match: re.Match) -> str:
    return match.group(1)


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int
    key: str

    @property
    def is_capitalised(self) -> bool:
        if self.text[:1].isupper():
            return True
        # "al-Qaim", "as-Sulaymaniyah": a name after the Arabic article.
        head, dash, rest = self.text.partition("-")
        return bool(dash) and rest[:1].isupper() and head.lower() in ALL_ARTICLES


def tokenize(text: str, *, offset: int = 0) -> list[Token]:
    """Words with offsets; a possessive "’s" is a token of its own ("s")."""
    tokens: list[Token] = []
    for match in WORD_RE.finditer(text):
        word, start = match.group(), match.start() + offset
        possessive = POSSESSIVE_RE.match(word)
        if possessive:
            stem = possessive.group(1)
            tokens.append(Token(stem, start, start + len(stem), word_key(stem)))
            tokens.append(
                Token(possessive.group(2), start + len(stem), start + len(word), "s")
            )
        else:
            tokens.append(Token(word, start, start + len(word), word_key(word)))
    return tokens


def name_key(name: str) -> tuple[str, ...]:
    """The key of a whole name: its word keys, articles and a leading "the" left out."""
    keys: list[str] = []
    for word in WORD_RE.findall(name):
        possessive = POSSESSIVE_RE.match(word)
        if possessive:
            keys.extend((word_key(possessive.group(1)), "s"))
        else:
            keys.append(word_key(word))
    keys = [key for key in keys if key]
    if len(keys) > 1 and keys[0] == "the":
        keys = keys[1:]
    return tuple(keys)


@dataclass(slots=True)
class Sentence:
    index: int
    start: int
    end: int
    paragraph: int
    # Lines kept for their names but never read as events.
    heading: bool = False  # a headline: no closing punctuation
    caption: bool = False  # a photo caption, ending in its credit
    tokens: list[Token] = field(default_factory=list)


# Site chrome left by scrapers: breadcrumbs glued together ("HomeMiddle
# EastIraq…"), share and advertising labels, "Source link".
CHROME_RE = re.compile(
    r"^(?:Home[A-Z].*|[-–—•|\s]*(?:Advertis(?:e)?ment|Source link|Read more|"
    r"Related(?: articles| stories)?|Share(?: this)?(?: article)?|Subscribe.*|"
    r"Sign up.*|Click here.*|Follow us.*|Copyright.*|©.*)[-–—•|\s]*)$",
    re.IGNORECASE,
)
# A photo credit closing a caption: "(Iraqi Prime Minister’s Press
# Office/Handout via Reuters )", "[AFP]", "(Photo: ...)".
CAPTION_CREDIT_RE = re.compile(
    r"[(\[][^()\[\]]*(?:\bvia\b|/|Handout|\bAFP\b|\bAP\b|Getty|\bEPA\b|Reuters|"
    r"Photo|File|Anadolu|Courtesy|Pool)[^()\[\]]*[)\]]\s*$"
)
TERMINAL_RE = re.compile(r"[.!?…][\"”’')\]]*\s*$|[\"”’]\s*$")
ABBREVIATIONS = words(
    """
    mr mrs ms dr gen lt col maj capt sgt brig adm rep sen gov prof st no vs
    etc inc ltd co corp jan feb mar apr jun jul aug sep sept oct nov dec
    mt ft est approx dept univ e.g i.e a.m p.m u.s u.k u.n
    """
)
SENTENCE_END_RE = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")


# Hard-wrapped text: a paragraph's lines cut at a width, paragraphs apart by
# a blank line. A line this long (or one whose next goes on in lower case)
# that ends mid-sentence was cut there; it takes this many such cuts to read
# a text as wrapped.
WRAPPED_LINE = 40
WRAPPED_CUTS = 3
# A line that starts a block of its own even after a long line: a byline, a
# dateline in capitals, a list item.
OWN_LINE_RE = re.compile(r"^\s*(?:By\s|[-•*]\s|[A-Z][A-Z .’'/-]{2,},)")


def unwrap(text: str) -> str:
    """
    The text with a hard-wrapped paragraph's line breaks as spaces, so that
    a paragraph is one line: the same length, each character where it was.
    Text whose paragraphs are lines is left as it is.
    """
    if not re.search(r"\n[^\S\n]*\n", text):
        return text
    cuts = []
    line_start = 0
    for newline in (m.start() for m in re.finditer(r"\n", text)):
        line = text[line_start:newline].rstrip("\r")
        following = text[newline + 1 : text.find("\n", newline + 1) % (len(text) + 1)]
        if (
            text[:line_start].strip()  # not the headline
            and following.strip()
            and not OWN_LINE_RE.match(following)
            and not (
                TERMINAL_RE.search(line)
                # "…with the U.N." then "Security Council": no sentence's end.
                and not re.search(r"(?:\b[A-Z]\.){2,}$", line)
            )
            and (len(line.strip()) >= WRAPPED_LINE or following.lstrip()[:1].islower())
        ):
            cuts.append(newline)
        line_start = newline + 1
    if len(cuts) < WRAPPED_CUTS:
        return text
    chars = list(text)
    for newline in cuts:
        chars[newline] = " "
        if chars[newline - 1] == "\r":
            chars[newline - 1] = " "
    return "".join(chars)


def split_sentences(text: str) -> list[Sentence]:
    """
    Paragraphs (lines) cut into sentences, each with its offsets in `text`.
    Site chrome lines are left out; headings and captions are flagged.
    """
    sentences: list[Sentence] = []
    paragraph = 0
    for line in re.finditer(r"[^\n]+", text):
        raw = line.group()
        stripped = raw.strip()
        if not stripped or CHROME_RE.match(stripped):
            continue
        line_start = line.start() + (len(raw) - len(raw.lstrip()))
        caption = bool(CAPTION_CREDIT_RE.search(stripped)) and not TERMINAL_RE.search(
            CAPTION_CREDIT_RE.sub("", stripped)
        )
        heading = not caption and not TERMINAL_RE.search(stripped)
        for start, end in _sentence_spans(stripped):
            sentences.append(
                Sentence(
                    index=len(sentences),
                    start=line_start + start,
                    end=line_start + end,
                    paragraph=paragraph,
                    heading=heading,
                    caption=caption,
                )
            )
        paragraph += 1
    for sentence in sentences:
        sentence.tokens = tokenize(
            text[sentence.start : sentence.end], offset=sentence.start
        )
    return sentences


def _sentence_spans(line: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in SENTENCE_END_RE.finditer(line):
        if match.group().startswith(".") and _ends_with_abbreviation(
            line[: match.start()]
        ):
            continue
        end = match.end()
        yield start, end
        start = end + (len(line[end:]) - len(line[end:].lstrip()))
    if start < len(line):
        yield start, len(line.rstrip())


def _ends_with_abbreviation(before: str) -> bool:
    word = re.search(r"([\w.]+)$", before)
    if word is None:
        return False
    word_text = word.group(1)
    # An initial ("J. Smith") or an abbreviation from the list.
    return (len(word_text) == 1 and word_text.isupper()) or (
        word_text.casefold().rstrip(".") in ABBREVIATIONS
    )


E = TypeVar("E")


@dataclass(slots=True)
class Match(Generic[E]):
    first: int  # index of the first token in the sentence's token list
    last: int  # index of the last token (inclusive)
    start: int
    end: int
    entries: list[E]


class NameIndex(Generic[E]):
    """Names keyed by their word keys, for longest-match lookup in token runs."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, ...], list[E]] = {}
        # Every beginning of a key, so that a scan stops as soon as no name
        # can continue: a run of words is read once, not once per length.
        self.prefixes: set[tuple[str, ...]] = set()

    def add(self, key: tuple[str, ...], entry: E) -> None:
        if not key:
            return
        self.entries.setdefault(key, []).append(entry)
        for length in range(1, len(key) + 1):
            self.prefixes.add(key[:length])

    def get(self, key: tuple[str, ...]) -> list[E]:
        return self.entries.get(key, [])

    def is_prefix(self, key: tuple[str, ...]) -> bool:
        return key in self.prefixes

    def __len__(self) -> int:
        return len(self.entries)


def find_names(
    text: str,
    tokens: list[Token],
    indexes: list[NameIndex[E]],
    *,
    accept: Callable[[list[Token], int, int, list[E]], list[E]] | None = None,
) -> list[Match[E]]:
    """
    Leftmost-longest matches of indexed names in one sentence's tokens, the
    entries of all `indexes` together. A standalone article ("Al") just
    before a match joins its span. `accept` may filter a match's entries;
    when none are left a shorter match is tried.
    """
    content = [i for i, token in enumerate(tokens) if token.key]
    matches: list[Match[E]] = []
    position = 0
    while position < len(content):
        keys: list[tuple[str, ...]] = []
        key: tuple[str, ...] = ()
        for index in content[position:]:
            key = (*key, tokens[index].key)
            if not any(names.is_prefix(key) for names in indexes):
                break
            keys.append(key)
        found = None
        for key in reversed(keys):
            entries = [entry for names in indexes for entry in names.get(key)]
            run = content[position : position + len(key)]
            if entries and accept is not None:
                entries = accept(tokens, run[0], run[-1], entries)
            if entries:
                found = (run[0], run[-1], entries, len(key))
                break
        if found is None:
            position += 1
            continue
        first, last, entries, length = found
        start, end = tokens[first].start, tokens[last].end
        if first > 0 and not tokens[first - 1].key:
            start = tokens[first - 1].start
            first -= 1
        if last > first and len(tokens[last].text) == 1 and tokens[last].text.isupper():
            # "U.S." ends with its dot.
            end += 1 if text[end : end + 1] == "." else 0
        matches.append(Match(first, last, start, end, entries))
        position += length
    return matches


def overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < span_end and span_start < end for span_start, span_end in spans)
