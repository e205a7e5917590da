"""
Dates in an article, absolute ("19 March 2023", "March 3, 2024", "2021")
or relative to its publication ("on Sunday", "last year", "in November",
"earlier this month"), each resolved to a value at the precision the text
gives: "YYYY-MM-DD" for a day (or the Monday of a week), "YYYY-MM", "YYYY".
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from events.extract.text import MONTHS, WEEKDAYS, Sentence, number, overlaps
from events.models import DatePrecision

DAY, WEEK, MONTH, YEAR = (
    DatePrecision.DAY.value,
    DatePrecision.WEEK.value,
    DatePrecision.MONTH.value,
    DatePrecision.YEAR.value,
)

_MONTH = (
    r"(?P<month>(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December)\b|"
    r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
)
_FULL_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|"
    r"October|November|December)\b"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)\b"
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUMBER = (
    r"(?P<number>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve)"
)
# The words that make a date without a year a future one: "will meet on
# 16 September", "talks are scheduled for Tuesday".
FUTURE_RE = re.compile(
    r"\b(?:will|shall|next|upcoming|scheduled|due to|is set to|are set to|"
    r"plans? to|planned for|expected to|to be held)\b",
    re.IGNORECASE,
)

# Patterns in order of preference; a later one never takes text an earlier
# one has taken ("16 September 2023" is not also "September 2023").
PATTERNS: list[tuple[str, re.Pattern]] = [
    ("iso", re.compile(r"\b(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)\b")),
    ("dmy", re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH},?\s+{_YEAR}")),
    ("mdy", re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}")),
    ("dm", re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH}")),
    ("md", re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?![,.]?\d)")),
    ("my", re.compile(rf"\b(?:(?:early|mid|late)[-\s])?{_MONTH}\s+(?:of\s+)?{_YEAR}")),
    (
        "ago",
        re.compile(
            rf"\b{_NUMBER}\s+(?P<unit>day|week|month|year)s?\s+ago\b", re.IGNORECASE
        ),
    ),
    # "in May last year", "in October of this year": that month of that year.
    (
        "month_of_year",
        re.compile(
            rf"\b{_FULL_MONTH}\s+(?:of\s+)?(?P<when>(?i:last|this|next))\s+year\b"
        ),
    ),
    (
        "relative_period",
        re.compile(
            r"\b(?P<when>(?:earlier |later |late |early )?this|last|next)\s+"
            r"(?P<unit>week|weekend|month|year)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "weekday",
        re.compile(
            r"(?:\b(?i:late|early)\s+)?(?:\b(?i:on)\s+)?"
            r"(?:\b(?P<when>(?i:last|this|next))\s+)?"
            rf"\b{_WEEKDAY}(?:\s+(?:night|morning|afternoon|evening))?\b"
        ),
    ),
    (
        "relative_day",
        re.compile(
            r"\b(?P<word>today|tonight|yesterday|tomorrow|last night|"
            r"the day before yesterday)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "month",
        re.compile(
            r"(?:\b(?P<prep>(?i:in|since|by|until|till|during|from|early|mid|late|"
            r"last|next|this))[-\s]+(?:(?i:early|mid|late)[-\s]+)?)?"
            rf"\b{_FULL_MONTH}"
        ),
    ),
    (
        "year",
        re.compile(
            r"(?:(?P<prep>\b(?i:in|since|until|till|by|of|from|during|early|late|"
            r"mid|before|after|through|between|and|to|year|the|around)[-\s]+)|"
            rf"(?P<paren>\())?{_YEAR}"
        ),
    ),
]


@dataclass(slots=True)
class DateMention:
    text: str
    start: int
    end: int
    value: str
    precision: str
    sentence: int
    # Told of the future ("will meet on Tuesday"): no day an incident
    # happened on.
    future: bool = False

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "value": self.value,
            "precision": self.precision,
        }


def find_dates(
    sentences: list[Sentence], text: str, *, published: datetime.date | None
) -> list[DateMention]:
    """
    Date mentions in article order. Without a publication date only dates
    that carry their year are read.
    """
    mentions: list[DateMention] = []
    for sentence in sentences:
        body = text[sentence.start : sentence.end]
        taken: list[tuple[int, int]] = []
        for kind, pattern in PATTERNS:
            for match in pattern.finditer(body):
                # A year keeps its preposition out: "in 2021" is "2021".
                start = match.start("year") if kind == "year" else match.start()
                end = match.end()
                if overlaps(start, end, taken):
                    continue
                if kind == "year" and not _year_context(match, body):
                    continue
                future = _future(body, start)
                resolved = _resolve(kind, match, published=published, future=future)
                if resolved is None:
                    continue
                taken.append((start, end))
                value, precision = resolved
                mentions.append(
                    DateMention(
                        text=body[start:end],
                        start=sentence.start + start,
                        end=sentence.start + end,
                        value=value,
                        precision=precision,
                        sentence=sentence.index,
                        future=future,
                    )
                )
    return sorted(mentions, key=lambda m: m.start)


def _year_context(match: re.Match, body: str) -> bool:
    """
    A number such as 2000 is a year after "in", "since", "the" or inside
    brackets; after "and" or "to" only when a year comes just before, as in
    "between 2019 and 2021", for "2,000 to 2500 troops" counts people.
    """
    prep = (match.group("prep") or "").strip(" -").casefold()
    if prep in ("and", "to"):
        return re.search(r"\b(?:19|20)\d\d\s*$", body[: match.start()]) is not None
    return bool(prep or match.group("paren"))


# A participle after a noun tells a past action of its own: "will pay under an
# agreement signed on Tuesday".
PAST_PARTICIPLE = re.compile(r"(?<!\bbe )(?<!\bbeen )(?<!\bto )\b[a-z]+ed\b")


def _future(body: str, start: int) -> bool:
    """
    Whether the clause leading up to a date speaks of the future, and no
    past action comes between: "will meet on Tuesday", not "will pay under
    an agreement signed on Tuesday".
    """
    clause_start = max(body.rfind(mark, 0, start) for mark in ',;:—“”"') + 1
    found = list(FUTURE_RE.finditer(body, clause_start, start))
    if not found:
        return False
    return PAST_PARTICIPLE.search(body, found[-1].end(), start) is None


def _resolve(
    kind: str, match: re.Match, *, published: datetime.date | None, future: bool
) -> tuple[str, str] | None:
    groups = match.groupdict()
    month = _month(groups.get("month"))
    day = int(groups["day"]) if groups.get("day") else None
    year = int(groups["year"]) if groups.get("year") else None

    if kind in ("iso", "dmy", "mdy"):
        return _day_value(year, month, day)
    if kind in ("dm", "md"):
        if published is None or month is None or day is None:
            return None
        return _day_without_year(month, day, published=published, future=future)
    if kind == "my":
        return (f"{year:04d}-{month:02d}", MONTH) if month else None
    if kind == "year":
        return f"{year:04d}", YEAR
    if published is None:
        return None
    if kind == "ago":
        return _ago(groups["number"], groups["unit"], published=published)
    if kind == "month_of_year":
        step = {"last": -1, "this": 0, "next": 1}[groups["when"].casefold()]
        return f"{published.year + step:04d}-{month:02d}", MONTH
    if kind == "relative_period":
        return _relative_period(groups["when"], groups["unit"], published=published)
    if kind == "weekday":
        return _weekday(groups["weekday"], groups.get("when"), published, future)
    if kind == "relative_day":
        offset = {
            "today": 0,
            "tonight": 0,
            "yesterday": -1,
            "last night": -1,
            "tomorrow": 1,
            "the day before yesterday": -2,
        }[groups["word"].casefold()]
        return (published + datetime.timedelta(days=offset)).isoformat(), DAY
    if kind == "month":
        if month is None:
            return None
        prep = (groups.get("prep") or "").casefold()
        # "May" is a month only after a preposition: "may" and "May I" are not.
        if groups["month"] == "May" and not prep:
            return None
        return _month_without_year(month, prep, published=published, future=future)
    return None


def _month(name: str | None) -> int | None:
    if name is None:
        return None
    if name.isdigit():
        return int(name)
    return MONTHS.get(name.casefold().rstrip("."))


def _day_value(
    year: int | None, month: int | None, day: int | None
) -> tuple[str, str] | None:
    try:
        return datetime.date(year, month, day).isoformat(), DAY
    except (TypeError, ValueError):
        return None


def _day_without_year(
    month: int, day: int, *, published: datetime.date, future: bool
) -> tuple[str, str] | None:
    """The nearest such day before publication, or after it in future tense."""
    for year in (
        (published.year, published.year + 1)
        if future
        else (published.year, published.year - 1)
    ):
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            return None
        if (candidate >= published) if future else (candidate <= published):
            return candidate.isoformat(), DAY
    return None


def _month_without_year(
    month: int, prep: str, *, published: datetime.date, future: bool
) -> tuple[str, str]:
    year = published.year
    if prep == "next" or (future and prep != "last"):
        if month < published.month or (prep == "next" and month == published.month):
            year += 1
    elif prep == "this":
        pass
    elif month > published.month or (prep == "last" and month == published.month):
        year -= 1
    return f"{year:04d}-{month:02d}", MONTH


def _weekday(
    name: str, when: str | None, published: datetime.date, future: bool
) -> tuple[str, str]:
    """
    The most recent such weekday on or before publication ("on Sunday" in a
    Monday paper is the day before); the next one when the text says "next"
    or speaks of the future.
    """
    target = WEEKDAYS[name.casefold()]
    when = (when or "").casefold()
    back = (published.weekday() - target) % 7
    if when == "next" or (future and when != "last"):
        ahead = (target - published.weekday()) % 7 or 7
        return (published + datetime.timedelta(days=ahead)).isoformat(), DAY
    if when == "last" and back == 0:
        back = 7
    return (published - datetime.timedelta(days=back)).isoformat(), DAY


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _shift_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def _relative_period(
    when: str, unit: str, *, published: datetime.date
) -> tuple[str, str]:
    when, unit = when.casefold(), unit.casefold()
    step = -1 if when in ("last", "the previous", "the past") else 0
    step = 1 if when == "next" else step
    if unit in ("week", "weekend"):
        if unit == "weekend" and step == -1:
            # Last weekend: the Saturday and Sunday before publication.
            saturday = published - datetime.timedelta(
                days=(published.weekday() - 5) % 7 or 7
            )
            return _monday(saturday).isoformat(), WEEK
        monday = _monday(published) + datetime.timedelta(weeks=step)
        return monday.isoformat(), WEEK
    if unit == "month":
        day = _shift_months(published, step)
        return f"{day.year:04d}-{day.month:02d}", MONTH
    return f"{published.year + step:04d}", YEAR


def _ago(
    count_words: str, unit: str, *, published: datetime.date
) -> tuple[str, str] | None:
    count = number(count_words)
    if count is None:
        return None
    unit = unit.casefold()
    if unit == "day":
        return (published - datetime.timedelta(days=count)).isoformat(), DAY
    if unit == "week":
        return _monday(published - datetime.timedelta(weeks=count)).isoformat(), WEEK
    if unit == "month":
        day = _shift_months(published, -count)
        return f"{day.year:04d}-{day.month:02d}", MONTH
    return f"{published.year - count:04d}", YEAR
