"""
An item's page read for its article: the text and the page's own metadata
(title, outlet, author, date, language, canonical address), extracted by
trafilatura from a page events/fetch.py fetched.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from events import fetch
from events.intake import clean_text, extracted_text
from intake.canonical import canonical_url

# Pages are capped lower than events/fetch.py's default: an article is a few
# hundred kilobytes of markup at most.
PAGE_MAX_BYTES = 3_000_000
# Less than this is a page's furniture (a menu, a cookie notice), not a story;
# the shortest news briefs run to a few hundred characters.
MIN_TEXT_CHARS = 150
HTML_LANG = re.compile(
    rb"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*""",
    re.IGNORECASE,
)
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# Letters Persian writes and Arabic does not; and those of Sorani Kurdish.
PERSIAN_LETTERS = re.compile(r"[پچژگ]")
SORANI_LETTERS = re.compile(r"[ێۆڵڕ]")


class NoText(Exception):
    """The page holds no article text to take."""


@dataclass
class PageArticle:
    url: str  # canonical: the page's rel=canonical when it gives a usable one
    title: str
    body: str
    author: str
    publisher: str
    published_on: datetime.date | None
    language: str


def read(url: str, starting: Callable[[], None] | None = None) -> PageArticle:
    """
    Fetch `url` and extract its article; FetchError or NoText says why not.
    `starting` is called just before the page is requested (the extractor,
    slow to load the first time, is loaded by then).
    """
    import trafilatura  # noqa: PLC0415 - heavy; only the worker needs it

    if starting is not None:
        starting()
    page = fetch.fetch(url, timeout=settings.FETCH_TIMEOUT, max_bytes=PAGE_MAX_BYTES)
    markup = page.markup()
    document = trafilatura.bare_extraction(markup, url=page.url, with_metadata=True)
    body = extracted_text(document.text or "") if document is not None else ""
    if len(body) < MIN_TEXT_CHARS:
        raise NoText(f"No article text found at {page.url}.")
    return PageArticle(
        url=preferred_address(page.url, document.url),
        title=clean_text(document.title or "")[:500],
        body=body,
        author=clean_text(document.author or "")[:200],
        publisher=outlet(document.sitename, page.url),
        published_on=iso_date(document.date),
        language=page_language(page.content) or script_language(body),
    )


def preferred_address(fetched: str, declared: str | None) -> str:
    """
    The page's canonical address: the one it declares (rel=canonical,
    og:url) when usable, else where it was fetched from. A declared address
    that is a site's home page while the page is not is a template's
    mistake, and would make every article the same one; it is ignored.
    """
    fetched = canonical_url(fetched)
    if not declared:
        return fetched
    declared = canonical_url(declared)
    try:
        parts = urlsplit(declared)
    except ValueError:
        return fetched
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return fetched
    if parts.path in ("", "/") and urlsplit(fetched).path not in ("", "/"):
        return fetched
    return declared


def outlet(sitename: str | None, url: str) -> str:
    """
    The page's outlet: its declared site name, but not the host name that
    trafilatura falls back on, which the feed's outlet names better.
    """
    name = clean_text(sitename or "")[:200]
    host = (urlsplit(url).netloc or "").lower()
    if name.lower().removeprefix("www.") in {host, host.removeprefix("www."), ""}:
        return ""
    if name.lower() == (urlsplit(url).hostname or "").removeprefix("www."):
        return ""
    return name


def iso_date(text: str | None) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None


def page_language(content: bytes) -> str:
    """The primary subtag of <html lang="…">, in the page's first 20 kB."""
    match = HTML_LANG.search(content[:20_000])
    return match[1].decode("ascii").lower() if match else ""


def script_language(text: str) -> str:
    """
    A guess from the script, for text that does not say: Persian or Sorani
    Kurdish by the letters only they write, otherwise Arabic, when Arabic
    script outnumbers Latin; "" when the text is not mostly Arabic script.
    """
    sample = text[:5000]
    arabic = len(ARABIC_SCRIPT.findall(sample))
    if arabic == 0 or arabic < len(LATIN.findall(sample)):
        return ""
    if SORANI_LETTERS.search(sample):
        return "ckb"
    if PERSIAN_LETTERS.search(sample):
        return "fa"
    return "ar"
