"""
Articles coming in: pasted text or HTML made into clean plain text, pages
fetched by URL (events/fetch.py) with their article text extracted, and
duplicates caught before they are stored.
"""

import datetime
import html
import re
import unicodedata
from dataclasses import dataclass, field

import nh3

from events import fetch
from events.extract import metadata as article_metadata
from events.fetch import FetchError
from events.models import SourceArticle, content_hash

# Block-level elements end a paragraph; their text is kept, the markup is not.
BLOCK_END = re.compile(
    r"</?(?:p|div|br|li|ul|ol|h[1-6]|blockquote|section|article|tr|table|figure|"
    r"figcaption|header|footer|pre)\b[^>]*>",
    re.IGNORECASE,
)
LOOKS_LIKE_HTML = re.compile(r"<(?:[a-zA-Z][\w-]*)(?:\s[^<>]*)?/?>")
PASTE_INSTEAD = "Paste the article's text instead."
HOST_RE = re.compile(r"[\w-]+(?:\.[\w-]+)+(?::\d+)?|[\w-]+:\d+")


@dataclass
class FetchedArticle:
    url: str
    title: str
    body: str
    author: str = ""
    publisher: str = ""
    published_on: datetime.date | None = None
    # Where each of the three came from: "json_ld", "meta", "page", "dateline"…
    source_of_each: dict[str, str] = field(default_factory=dict)


def clean_text(text: str) -> str:
    """Plain text as stored: NFC, no control characters, tidy paragraphs."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc"
    )
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def extracted_text(text: str) -> str:
    """
    An extractor's text of a page (trafilatura gives a line per paragraph)
    as stored: paragraphs apart by a blank line, as pasted text and HTML
    input have them, so the same article has the same text, and the same
    offsets, however it came in.
    """
    return re.sub(r"\n+", "\n\n", clean_text(text))


def html_to_text(markup: str) -> str:
    """
    The text of an HTML fragment. nh3 removes every tag, and with them scripts,
    styles and event handlers; paragraphs survive as blank lines.
    """
    markup = BLOCK_END.sub("\n\n", markup)
    text = nh3.clean(markup, tags=set(), clean_content_tags={"script", "style"})
    return clean_text(html.unescape(text))


def body_from_input(raw: str) -> str:
    """Pasted input, HTML or plain text, as the body to store."""
    if LOOKS_LIKE_HTML.search(raw):
        return html_to_text(raw)
    return clean_text(raw)


def find_duplicate(*, url: str | None, body: str) -> SourceArticle | None:
    """An article already stored with the same URL or the same normalised text."""
    if url:
        match = SourceArticle.objects.filter(url=url).first()
        if match is not None:
            return match
    return SourceArticle.objects.filter(content_hash=content_hash(body)).first()


def fetch_article(url: str) -> FetchedArticle:
    """
    Fetch a page (events/fetch.py refuses private addresses) and extract its
    article text and metadata; FetchError says why not.
    """
    import trafilatura  # noqa: PLC0415 - heavy; only URL intake needs it

    try:
        page = fetch.fetch(url)
    except FetchError as exc:
        raise FetchError(f"{exc} {PASTE_INSTEAD}") from exc
    # trafilatura only reads the page; it never fetches anything itself.
    document = trafilatura.bare_extraction(
        page.markup(), url=page.url, with_metadata=True
    )
    if document is None or not (document.text or "").strip():
        raise FetchError(f"No article text found at {url}. {PASTE_INSTEAD}")
    body = extracted_text(document.text)
    sitename = (document.sitename or "").strip()
    # Without a name, trafilatura gives the site's host ("example.org").
    host_only = HOST_RE.fullmatch(sitename) is not None
    # The page's own JSON-LD and <meta> tags say it best; trafilatura's
    # guesses fill the gaps, and the dateline in the text the rest.
    found = article_metadata.combine(
        article_metadata.from_html(page.markup()),
        article_metadata.given(
            published_on=article_metadata.parse_date(document.date or ""),
            publisher="" if host_only else sitename,
            author=document.author or "",
            source="page",
        ),
        article_metadata.from_text(body),
        article_metadata.given(publisher=sitename, source="page"),
    )
    return FetchedArticle(
        url=url,
        title=(document.title or "").strip()[:500],
        body=body,
        author=found.author[:200],
        publisher=found.publisher[:200],
        published_on=found.published_on,
        source_of_each=found.source_of_each,
    )


def metadata_from_text(body: str) -> article_metadata.Metadata:
    """What pasted text says of itself: a dateline's date and agency, a byline."""
    return article_metadata.from_text(body)
