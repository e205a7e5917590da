"""
An article's own metadata: when it was published, by which outlet and by whom,
read from wherever the article says so. A wire dateline ("BAGHDAD, March 3
(Reuters) -", "Tehran, 6 May 2024 (IRNA) -") and a byline in the text, a
page's <meta> tags and JSON-LD (schema.org NewsArticle), or a feed's item.
Each reader returns a Metadata; `combine` keeps, field by field, the first
source that has a value, and says which one it was.
"""

import datetime
import email.utils
import json
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from html.parser import HTMLParser

from events.extract.text import MONTHS, WEEKDAYS

FIELDS = ("published_on", "publisher", "author")


@dataclass(slots=True)
class Dateline:
    """The dateline's words, as offsets into the text, and the place it names."""

    text: str
    start: int
    end: int
    place: str


@dataclass(slots=True)
class Metadata:
    published_on: datetime.date | None = None
    publisher: str = ""
    author: str = ""
    # Where each field was read: "article" (the stored record), "dateline",
    # "byline", "json_ld", "meta", "feed", "page" (the text extractor's guess).
    source_of_each: dict[str, str] = field(default_factory=dict)
    # A dateline's day without a year ("Nov 14") is dated in the latest year
    # that fits; an editor checks it.
    year_assumed: bool = False
    dateline: Dateline | None = None

    def as_dict(self) -> dict:
        return {
            "published_on": self.published_on.isoformat()
            if self.published_on
            else None,
            "publisher": self.publisher,
            "author": self.author,
            "source_of_each": dict(self.source_of_each),
            "year_assumed": self.year_assumed,
            "dateline": None
            if self.dateline is None
            else {
                "text": self.dateline.text,
                "start": self.dateline.start,
                "end": self.dateline.end,
                "place": self.dateline.place,
            },
        }


def combine(*found: Metadata) -> Metadata:
    """Field by field, the first source with a value: list the most trusted first."""
    result = Metadata()
    for metadata in found:
        for name in FIELDS:
            value = getattr(metadata, name)
            if value and not getattr(result, name):
                setattr(result, name, value)
                result.source_of_each[name] = metadata.source_of_each.get(name, "")
                if name == "published_on":
                    result.year_assumed = metadata.year_assumed
        if result.dateline is None:
            result.dateline = metadata.dateline
    return result


def given(
    *,
    published_on: datetime.date | None = None,
    publisher: str = "",
    author: str = "",
    source: str = "article",
) -> Metadata:
    """Metadata already known, such as the stored article's fields."""
    return _from(Metadata(published_on, publisher.strip(), author.strip()), source)


def _from(metadata: Metadata, source: str) -> Metadata:
    """The metadata, each of its fields with a value marked as read from `source`."""
    metadata.source_of_each = {
        name: source for name in FIELDS if getattr(metadata, name)
    }
    return metadata


# Dates as metadata and datelines write them.

_MONTH_NAME = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
    r"Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY_MONTH = re.compile(
    rf"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?P<month>{_MONTH_NAME})"
    r"(?:,?\s+(?P<year>(?:19|20)\d\d))?\b",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(
    rf"(?P<month>{_MONTH_NAME})\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b"
    r"(?:,?\s+(?P<year>(?:19|20)\d\d))?",
    re.IGNORECASE,
)
_ISO_DAY = re.compile(
    r"(?P<year>(?:19|20)\d\d)(?:[-/.](?P<month>[01]?\d)[-/.](?P<day>[0-3]?\d)|"
    r"(?P<month2>[01]\d)(?P<day2>[0-3]\d)(?!\d))"
)
_WEEKDAY_RE = re.compile(
    r"\b(?:on\s+)?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)


def parse_date(value: str) -> datetime.date | None:
    """
    A date from metadata: ISO 8601 ("2024-05-06T09:30:00+03:30", read as
    written, not moved to UTC), RFC 2822 as feeds write it, or "6 May 2024" /
    "May 6, 2024". None when there is no whole date with its year.
    """
    value = value.strip()
    if not value:
        return None
    iso = _ISO_DAY.match(value)
    if iso:
        return _day(
            iso.group("year"),
            iso.group("month") or iso.group("month2"),
            iso.group("day") or iso.group("day2"),
        )
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        pass
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        match = pattern.search(value)
        if match and match.group("year"):
            return _day(match.group("year"), match.group("month"), match.group("day"))
    return None


def _day(year: str, month: str, day: str) -> datetime.date | None:
    number = int(month) if month.isdigit() else MONTHS.get(month.casefold()[:3])
    if month.casefold().startswith("sept"):
        number = 9
    try:
        return datetime.date(int(year), number or 0, int(day))
    except ValueError:
        return None


# The text: a dateline, a byline, a date line near the top.

# "BAGHDAD", "ERBIL, Iraq", "ERBIL, Kurdistan Region", "Tehran", "SULAIMANI,
# Iraq's Kurdistan Region": a place, then up to two more words of where.
_PLACE = r"(?P<place>[A-Z][\w’'.-]*(?:[ /-][A-Z][\w’'.-]*){0,3})"
_WHERE = r"(?P<where>(?:,\s*[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3}){0,2})"
_DATE = (
    rf"(?P<date>(?:{_MONTH_NAME}\s+[0-3]?\d(?:st|nd|rd|th)?(?:,?\s+(?:19|20)\d\d)?)|"
    rf"(?:[0-3]?\d(?:st|nd|rd|th)?\s+{_MONTH_NAME}(?:,?\s+(?:19|20)\d\d)?)|"
    r"(?:(?:19|20)\d\d-[01]\d-[0-3]\d))"
)
_AGENCY = r"\((?P<agency>[^()\n]{2,60})\)"
DATELINE_RE = re.compile(
    rf"^{_PLACE}{_WHERE}(?:,?\s+{_DATE})?\s*(?:{_AGENCY})?\s*(?P<dash>[-–—]+|:)\s+"
)
# "Shafaq News/ ": an outlet's name and a slash opening the first paragraph.
OUTLET_DATELINE_RE = re.compile(
    r"^(?P<agency>(?:[A-Z][\w’'.-]*\s+){0,2}(?:News|Agency|Press|TV|Times|Post|"
    r"Network|Media)|Kurdistan24|Rudaw|Shafaq)\s?/\s+(?=[A-Z])"
)
# A line such as "By Jane Doe", "By Jane Doe and John Roe, Reuters", "By JANE DOE".
BYLINE_RE = re.compile(
    r"^\s*By\s+(?P<names>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){1,3}"
    r"(?:(?:\s*,\s*|\s+and\s+)[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){1,3})*)"
    r"(?:\s*[,|/–—-]\s*(?P<outlet>[A-Z][\w’'.& -]{1,60}))?\s*$"
)
# A line that is only a date, maybe with "Published", a weekday and a time.
DATE_LINE_RE = re.compile(
    r"^\s*(?:(?:Published|Posted|First published|Updated|Last updated|Date)"
    r"\s*(?:on|:)?\s*)?(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?"
    rf"{_DATE}(?:\s*[,|-]?\s*(?:at\s+)?\d{{1,2}}[:.]\d\d(?:\s*[AaPp]\.?[Mm]\.?)?"
    r"(?:\s*(?:GMT|UTC|[A-Z]{2,4}|[+-]\d\d:?\d\d))?)?\s*$"
)
# "(Reporting by Jane Doe; Editing by John Roe)", as wire copy ends.
REPORTING_RE = re.compile(
    r"\(Reporting by (?P<names>[^;)]+?)(?:\s+in\s+[A-Z][\w ]+)?(?:;|\))"
)
# The places a dateline is written in, in capitals or as written; a dash
# after a common word at the start of a paragraph is no dateline.
NOT_A_PLACE = frozenset({"update", "updated", "breaking", "exclusive", "analysis"})
HEAD_LINES = 6  # a dateline or byline stands in the first lines


def from_text(text: str, *, today: datetime.date | None = None) -> Metadata:
    """
    The dateline, byline and date line of an article's text, in its first
    lines; the date of a dateline without a year ("Nov 14") is the latest
    such day up to `today` (on the weekday the paragraph names, if it does).
    """
    today = today or datetime.date.today()
    metadata = Metadata()
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text)]
    for offset, line in lines[:HEAD_LINES]:
        if metadata.dateline is None:
            _read_dateline(metadata, line, offset, today)
        if not metadata.author:
            byline = BYLINE_RE.match(line)
            if byline and len(line) < 120:
                metadata.author = _names(byline.group("names"))
                metadata.source_of_each["author"] = "byline"
                if byline.group("outlet") and not metadata.publisher:
                    metadata.publisher = byline.group("outlet").strip()
                    metadata.source_of_each["publisher"] = "byline"
        if not metadata.published_on and DATE_LINE_RE.match(line):
            day = parse_date(DATE_LINE_RE.match(line).group("date"))
            if day is not None:
                metadata.published_on = day
                metadata.source_of_each["published_on"] = "date_line"
    if not metadata.author:
        reporting = REPORTING_RE.search(text[-600:])
        if reporting:
            metadata.author = _names(reporting.group("names"))
            metadata.source_of_each["author"] = "byline"
    return metadata


def _read_dateline(
    metadata: Metadata, line: str, offset: int, today: datetime.date
) -> None:
    match = DATELINE_RE.match(line)
    if match is None:
        outlet = OUTLET_DATELINE_RE.match(line)
        if outlet is not None and len(line) - outlet.end() >= 40:
            # "Shafaq News/ Unidentified gunmen shot dead…": the outlet's
            # name opens the story, with no place.
            words = outlet.group().rstrip(" /")
            metadata.dateline = Dateline(words, offset, offset + len(words), "")
            if not metadata.publisher:
                metadata.publisher = outlet.group("agency")
                metadata.source_of_each["publisher"] = "dateline"
        return
    place, agency, date = match.group("place", "agency", "date")
    shouting = re.sub(r"[ /-]", "", place).isupper() and len(place) > 2
    if not (shouting or agency or date) or place.casefold() in NOT_A_PLACE:
        return
    if len(line) - match.end() < 40:
        # A short line ending in a dash is a headline or a label.
        return
    metadata.dateline = Dateline(
        line[: match.end()].rstrip(" -–—:"),
        offset,
        offset + len(line[: match.end()].rstrip(" -–—:")),
        place,
    )
    if agency and not metadata.publisher:
        metadata.publisher = agency.strip()
        metadata.source_of_each["publisher"] = "dateline"
    if date and not metadata.published_on:
        day, assumed = _dateline_day(date, line[match.end() :], today)
        if day is not None:
            metadata.published_on = day
            metadata.year_assumed = assumed
            metadata.source_of_each["published_on"] = "dateline"


def _dateline_day(
    date: str, paragraph: str, today: datetime.date
) -> tuple[datetime.date | None, bool]:
    day = parse_date(date)
    if day is not None:
        return day, False
    match = _MONTH_DAY.match(date) or _DAY_MONTH.match(date)
    if match is None:
        return None, False
    weekday = _WEEKDAY_RE.search(paragraph)
    wanted = WEEKDAYS[weekday.group(1).casefold()] if weekday else None
    fallback = None
    for year in range(today.year, today.year - 28, -1):
        candidate = _day(str(year), match.group("month"), match.group("day"))
        if candidate is None or candidate > today:
            continue
        if wanted is None or candidate.weekday() == wanted:
            return candidate, True
        fallback = fallback or candidate
    return fallback, fallback is not None


def _names(names: str) -> str:
    """ "JANE DOE and John Roe" as "Jane Doe, John Roe"."""
    parts = [p.strip() for p in re.split(r"\s*,\s*|\s+and\s+", names) if p.strip()]
    return ", ".join(p.title() if p.isupper() else p for p in parts)


# A page's <meta> tags and JSON-LD.

META_DATES = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "dc.date.created",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "date",
)
META_PUBLISHERS = (
    "og:site_name",
    "publisher",
    "dc.publisher",
    "dcterms.publisher",
    "application-name",
)
META_AUTHORS = (
    "author",
    "article:author",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
    "byl",
)
ARTICLE_TYPES = frozenset(
    {
        "newsarticle",
        "article",
        "reportagenews",
        "analysisnewsarticle",
        "blogposting",
        "backgroundnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "liveblogposting",
        "report",
    }
)


class _HeadReader(HTMLParser):
    """The <meta> tags, JSON-LD scripts and <time datetime> of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.json_ld: list[str] = []
        self.times: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.casefold(): (value or "") for name, value in attrs}
        if tag == "meta":
            key = (
                values.get("property")
                or values.get("name")
                or values.get("itemprop")
                or ""
            ).casefold()
            content = values.get("content", "").strip()
            if key and content and key not in self.meta:
                self.meta[key] = content
        elif tag == "script" and "ld+json" in values.get("type", "").casefold():
            self._script = []
        elif tag == "time" and values.get("datetime"):
            if values.get("itemprop", "").casefold() == "datepublished" or (
                "pubdate" in values
            ):
                self.times.insert(0, values["datetime"])
            else:
                self.times.append(values["datetime"])

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.json_ld.append("".join(self._script))
            self._script = None


def from_html(markup: str | bytes) -> Metadata:
    """
    A page's metadata: schema.org JSON-LD first (a NewsArticle's
    datePublished, author and publisher), then its <meta> tags.
    """
    if isinstance(markup, bytes):
        markup = markup.decode("utf-8", errors="replace")
    reader = _HeadReader()
    try:
        reader.feed(markup)
        reader.close()
    except (AssertionError, ValueError):  # pragma: no cover - malformed markup
        pass
    return combine(_from_json_ld(reader.json_ld), _from_meta(reader.meta, reader.times))


# Old pages wrap their JSON-LD in an HTML comment or a CDATA section.
JSON_LD_WRAPPING = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[)|(?:-->|//\s*\]\]>)\s*$")


def _from_json_ld(scripts: list[str]) -> Metadata:
    metadata = Metadata()
    for script in scripts:
        script = JSON_LD_WRAPPING.sub("", script)
        try:
            data = json.loads(script)
        except ValueError:
            continue
        for item in _items(data):
            types = item.get("@type", "")
            types = types if isinstance(types, list) else [types]
            if not any(str(t).casefold() in ARTICLE_TYPES for t in types):
                continue
            found = Metadata(
                parse_date(str(item.get("datePublished") or "")),
                _name_of(item.get("publisher")),
                _name_of(item.get("author") or item.get("creator")),
            )
            metadata = combine(metadata, _from(found, "json_ld"))
    return metadata


def _items(data: object) -> list[dict]:
    """Every object of a JSON-LD document, @graph and lists included."""
    found: list[dict] = []
    stack = [data]
    while stack and len(found) < 200:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            found.append(item)
            if isinstance(item.get("@graph"), list):
                stack.extend(item["@graph"])
    return found


def _name_of(value: object) -> str:
    """A schema.org Person or Organization as a name; a list as names."""
    if isinstance(value, str):
        return "" if _is_url(value) else value.strip()
    if isinstance(value, dict):
        name = value.get("name")
        return name.strip() if isinstance(name, str) else ""
    if isinstance(value, list):
        names = [_name_of(v) for v in value]
        return ", ".join(dict.fromkeys(n for n in names if n))
    return ""


def _is_url(value: str) -> bool:
    return re.match(r"^(?:https?:)?//", value.strip()) is not None


def _from_meta(meta: dict[str, str], times: list[str]) -> Metadata:
    metadata = Metadata()
    for key in META_DATES:
        day = parse_date(meta.get(key, ""))
        if day is not None:
            metadata.published_on = day
            break
    if metadata.published_on is None:
        for value in times:
            day = parse_date(value)
            if day is not None:
                metadata.published_on = day
                break
    for key in META_PUBLISHERS:
        if meta.get(key) and not _is_url(meta[key]):
            metadata.publisher = meta[key]
            break
    for key in META_AUTHORS:
        if meta.get(key) and not _is_url(meta[key]):
            metadata.author = re.sub(r"^By\s+", "", meta[key]).strip()
            break
    return _from(metadata, "meta")


# A feed's item.

_NAMESPACE_RE = re.compile(r"^\{[^}]*\}")


def from_feed_item(item: str | bytes, *, feed_title: str = "") -> Metadata:
    """
    An RSS <item> or Atom <entry>: its publication date (pubDate, published,
    dc:date, updated), its author (author, dc:creator) and its source's or the
    feed's title as the publisher. A document declaring entities is refused.
    """
    if isinstance(item, bytes):
        item = item.decode("utf-8", errors="replace")
    if re.search(r"<!(?:DOCTYPE|ENTITY)", item, re.IGNORECASE):
        return Metadata()
    try:
        root = ElementTree.fromstring(item.strip())
    except ElementTree.ParseError:
        return Metadata()
    children: dict[str, list[ElementTree.Element]] = {}
    for child in root:
        children.setdefault(_NAMESPACE_RE.sub("", child.tag).casefold(), []).append(
            child
        )

    def text_of(name: str) -> str:
        for child in children.get(name, []):
            if (child.text or "").strip():
                return child.text.strip()
            nested = [(c.text or "").strip() for c in child if _local(c) == "name"]
            if any(nested):
                return next(n for n in nested if n)
        return ""

    published = None
    for name in ("pubdate", "published", "date", "issued", "updated"):
        published = parse_date(text_of(name))
        if published is not None:
            break
    author = text_of("creator") or text_of("author")
    # RSS writes "jane@example.org (Jane Doe)".
    bracketed = re.match(r"^\S+@\S+\s+\((.+)\)$", author)
    if bracketed:
        author = bracketed.group(1)
    elif "@" in author and " " not in author:
        author = ""
    source = ""
    for child in children.get("source", []):
        source = (child.text or "").strip() or next(
            ((c.text or "").strip() for c in child if _local(c) == "title"), ""
        )
    metadata = Metadata(published, source or feed_title.strip(), author)
    return _from(metadata, "feed")


def _local(element: ElementTree.Element) -> str:
    return _NAMESPACE_RE.sub("", element.tag).casefold()
