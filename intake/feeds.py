"""
Feeds and sitemaps read into entries: RSS and Atom through feedparser, JSON
Feed and sitemaps (with Google News' extension) here. Nothing is fetched:
the caller hands over a page events/fetch.py fetched.
"""

import calendar
import datetime
import hashlib
import io
import json
import re
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

import feedparser

from events.fetch import Page
from events.intake import body_from_input, clean_text, html_to_text

# A feed item carrying this much text, or this many paragraphs of some
# length, is taken as the whole article; less, it is a summary, and the page
# is fetched.
FULL_TEXT_CHARS = 1200
FULL_TEXT_PARAGRAPHS = 3
FULL_TEXT_MIN_CHARS = 400
# What a gzipped sitemap may inflate to.
MAX_INFLATED_BYTES = 20_000_000
# Sitemaps of an index read in one poll: the most recently changed.
MAX_CHILD_SITEMAPS = 3
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"
DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class FeedError(Exception):
    """The document is not a feed or sitemap that can be read; says why."""


@dataclass
class Entry:
    """One item of a feed or sitemap, as the source gives it."""

    key: str  # the entry's id, or its link
    url: str
    title: str = ""
    published_at: datetime.datetime | None = None
    author: str = ""
    language: str = ""
    text: str = ""  # plain text from the feed: the article, or a summary
    publisher: str = ""

    @property
    def key_hash(self) -> str:
        return hashlib.sha256(self.key.encode()).hexdigest()

    @property
    def has_full_text(self) -> bool:
        paragraphs = len([part for part in self.text.split("\n\n") if part.strip()])
        return len(self.text) >= FULL_TEXT_CHARS or (
            paragraphs >= FULL_TEXT_PARAGRAPHS and len(self.text) >= FULL_TEXT_MIN_CHARS
        )


@dataclass
class Document:
    entries: list[Entry] = field(default_factory=list)
    # A sitemap index's sitemaps to read next, most recently changed first.
    sitemaps: list[str] = field(default_factory=list)


def parse(page: Page, *, kind: str) -> Document:
    """The entries of a fetched feed or sitemap; FeedError if there are none to read."""
    content = inflated(page.content)
    if kind == "sitemap":
        return parse_sitemap(content, page.url)
    if kind == "json_feed" or looks_like_json(content):
        return parse_json_feed(content, page.url)
    return parse_xml_feed(content, page)


def inflated(content: bytes) -> bytes:
    """A gzipped document (sitemap.xml.gz) inflated, within MAX_INFLATED_BYTES."""
    if not content.startswith(b"\x1f\x8b"):
        return content
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(content, MAX_INFLATED_BYTES + 1)
    except zlib.error as exc:
        raise FeedError(f"the gzipped document is damaged ({exc})") from exc
    if len(data) > MAX_INFLATED_BYTES or inflater.unconsumed_tail:
        raise FeedError(
            f"the document inflates to more than {MAX_INFLATED_BYTES / 1e6:g} MB"
        )
    return data


def looks_like_json(content: bytes) -> bool:
    return content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


# --- RSS and Atom ----------------------------------------------------------------


def parse_xml_feed(content: bytes, page: Page) -> Document:
    headers = {"content-location": page.url}
    if page.content_type:
        charset = f"; charset={page.charset}" if page.charset else ""
        headers["content-type"] = page.content_type + charset
    # A stream, never a string: feedparser would take a string for a URL or
    # a file name and open it.
    parsed = feedparser.parse(
        io.BytesIO(content), response_headers=headers, resolve_relative_uris=True
    )
    if not parsed.version and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise FeedError(
            "not an RSS or Atom feed" + (f" ({short(reason)})" if reason else "")
        )
    outlet = clean_text(parsed.feed.get("title", ""))[:200]
    language = parsed.feed.get("language", "")
    entries = []
    for item in parsed.entries:
        link = absolute(item.get("link", ""), page.url)
        if not link:
            continue
        contents = [c.get("value", "") for c in item.get("content", [])]
        html = max(contents, key=len) if contents else item.get("summary", "")
        entries.append(
            Entry(
                key=str(item.get("id") or link)[:2000],
                url=link,
                title=html_to_text(item.get("title", ""))[:500],
                published_at=struct_time_to_datetime(
                    item.get("published_parsed") or item.get("updated_parsed")
                ),
                author=clean_text(item.get("author", ""))[:200],
                language=language_code(language),
                text=body_from_input(html) if html else "",
                publisher=outlet,
            )
        )
    if parsed.bozo and not entries and parsed.entries:
        # Entries cut short (a truncated download, broken markup) with none
        # readable: an error, where a well-formed feed with no entries is not.
        reason = parsed.get("bozo_exception")
        raise FeedError(f"not a well-formed feed ({short(reason)})")
    return Document(entries)


def struct_time_to_datetime(value) -> datetime.datetime | None:
    """feedparser's dates are UTC struct_times."""
    if not value:
        return None
    try:
        return datetime.datetime.fromtimestamp(calendar.timegm(value), datetime.UTC)
    except (OverflowError, ValueError, OSError):
        return None


# --- JSON Feed ------------------------------------------------------------------


def parse_json_feed(content: bytes, base: str) -> Document:
    """A JSON Feed, version 1 or 1.1 (https://www.jsonfeed.org/version/1.1/)."""
    try:
        document = json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedError(f"not a JSON Feed (not JSON: {short(exc)})") from exc
    if not isinstance(document, dict) or not str(
        document.get("version", "")
    ).startswith("https://jsonfeed.org/version/"):
        raise FeedError("not a JSON Feed (no jsonfeed.org version)")
    items = document.get("items")
    if not isinstance(items, list):
        raise FeedError("not a JSON Feed (no list of items)")
    outlet = clean_text(text_of(document.get("title")))[:200]
    language = language_code(text_of(document.get("language")))
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        # An id may be any string; it is a link only when it is an absolute URL.
        identifier = text_of(item.get("id"))
        link = absolute(text_of(item.get("url")), base) or (
            absolute(identifier, "") if "://" in identifier else ""
        )
        if not link:
            continue
        html = text_of(item.get("content_html"))
        text = (
            body_from_input(html)
            if html
            else clean_text(
                text_of(item.get("content_text")) or text_of(item.get("summary"))
            )
        )
        authors = item.get("authors") or (
            [item["author"]] if item.get("author") else []
        )
        names = [
            text_of(author.get("name"))
            for author in authors
            if isinstance(author, dict) and author.get("name")
        ]
        entries.append(
            Entry(
                key=(text_of(item.get("id")) or link)[:2000],
                url=link,
                title=html_to_text(text_of(item.get("title")))[:500],
                published_at=parse_datetime(text_of(item.get("date_published"))),
                author=", ".join(names)[:200],
                language=language_code(text_of(item.get("language"))) or language,
                text=text,
                publisher=outlet,
            )
        )
    return Document(entries)


def text_of(value) -> str:
    return value if isinstance(value, str) else ""


def parse_datetime(text: str) -> datetime.datetime | None:
    """An RFC 3339 or W3C date or date-time; UTC when it names no zone."""
    text = text.strip()
    if not text:
        return None
    try:
        value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


# --- sitemaps -------------------------------------------------------------------


def parse_sitemap(content: bytes, base: str) -> Document:
    """
    A sitemap (urlset) or a sitemap index, with Google News' extension read
    for titles, dates, outlet and language. A sitemap has no DTD: one that
    declares a document type or entities is refused rather than expanded.
    """
    if DECLARATION.search(content):
        raise FeedError("the sitemap declares a document type; sitemaps have none")
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as exc:
        raise FeedError(f"not a sitemap (not well-formed XML: {exc})") from exc
    if root.tag == f"{SITEMAP_NS}sitemapindex":
        children = [
            (child.findtext(f"{SITEMAP_NS}lastmod") or "", loc)
            for child in root.iter(f"{SITEMAP_NS}sitemap")
            if (loc := absolute(child.findtext(f"{SITEMAP_NS}loc") or "", base))
        ]
        children.sort(key=lambda pair: pair[0], reverse=True)
        return Document(sitemaps=[loc for _, loc in children[:MAX_CHILD_SITEMAPS]])
    if root.tag != f"{SITEMAP_NS}urlset":
        raise FeedError(f"not a sitemap (its root is {root.tag!r}, not urlset)")
    entries = []
    for node in root.iter(f"{SITEMAP_NS}url"):
        link = absolute((node.findtext(f"{SITEMAP_NS}loc") or "").strip(), base)
        if not link:
            continue
        news = node.find(f"{NEWS_NS}news")
        title = publisher = language = ""
        date = node.findtext(f"{SITEMAP_NS}lastmod") or ""
        if news is not None:
            title = news.findtext(f"{NEWS_NS}title") or ""
            date = news.findtext(f"{NEWS_NS}publication_date") or date
            publication = news.find(f"{NEWS_NS}publication")
            if publication is not None:
                publisher = publication.findtext(f"{NEWS_NS}name") or ""
                language = publication.findtext(f"{NEWS_NS}language") or ""
        entries.append(
            Entry(
                key=link[:2000],
                url=link,
                title=html_to_text(title)[:500],
                published_at=parse_datetime(date),
                language=language_code(language),
                publisher=clean_text(publisher)[:200],
            )
        )
    return Document(entries)


# --- shared ---------------------------------------------------------------------


def absolute(link: str, base: str) -> str:
    """An http(s) link made absolute against the document's address; "" otherwise."""
    link = (link or "").strip()
    if not link:
        return ""
    url = urljoin(base, link)
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    return url[:2000]


def language_code(tag: str) -> str:
    """A language tag's primary subtag ("fa-IR" → "fa"); "" when none is given."""
    match = re.match(r"\s*([A-Za-z]{2,3})(?:[-_]|\s*$)", tag or "")
    return match[1].lower() if match else ""


def short(exc: object) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
