"""
Feeds and sitemaps read into entries: each format, relative links, dates and
languages, full text or summary, and documents that are not what they claim.
No network: the pages are built here as events/fetch.py returns them.
"""

import gzip
import json

import feedparser
import pytest

from events.fetch import Page
from intake import feeds, pages
from intake.polling import with_headline
from tests.intake_documents import atom, json_feed, rss, sitemap, sitemap_index, story

BASE = "https://news.example.org/feeds/main.xml"


def fetched(body: str | bytes, content_type: str = "application/xml") -> Page:
    content = body.encode() if isinstance(body, str) else body
    return Page(BASE, content, content_type, "utf-8")


def test_rss_items_keep_their_link_date_author_language_and_outlet() -> None:
    document = feeds.parse(
        fetched(
            rss(
                [
                    {
                        "title": "Border &amp; trade",
                        "link": "/2024/story-1",
                        "guid": "urn:story:1",
                        "date": "Mon, 06 May 2024 08:30:00 +0330",
                        "author": "Jane Roe",
                        "summary": "A summary.",
                    }
                ],
                title="Rudaw English",
                language="en-GB",
            )
        ),
        kind="rss",
    )

    [entry] = document.entries
    assert (
        entry.key,
        entry.url,
        entry.title,
        entry.published_at.isoformat(),
        entry.author,
        entry.language,
        entry.publisher,
        entry.text,
        entry.has_full_text,
    ) == (
        "urn:story:1",
        "https://news.example.org/2024/story-1",
        "Border & trade",
        "2024-05-06T05:00:00+00:00",
        "Jane Roe",
        "en",
        "Rudaw English",
        "A summary.",
        False,
    )
    assert len(entry.key_hash) == 64


def test_a_feed_with_the_whole_article_is_taken_as_text() -> None:
    body = story("barzani-tehran")
    html = "".join(f"<p>{part}</p>" for part in body.split("\n\n"))
    document = feeds.parse(
        fetched(
            rss([{"title": "Visit", "link": "https://x.example/1", "content": html}])
        ),
        kind="rss",
    )

    [entry] = document.entries
    assert entry.has_full_text
    assert entry.text == body.strip()


def test_atom_entries_are_read_by_their_alternate_link() -> None:
    document = feeds.parse(
        fetched(
            atom(
                [
                    {
                        "id": "tag:example.org,2024:1",
                        "title": "Pact",
                        "link": "https://frontier.example/pact",
                        "date": "2023-03-19T18:00:00Z",
                        "author": "Desk",
                    }
                ]
            ),
            "application/atom+xml",
        ),
        kind="atom",
    )

    [entry] = document.entries
    assert (entry.key, entry.url, entry.author, entry.publisher) == (
        "tag:example.org,2024:1",
        "https://frontier.example/pact",
        "Desk",
        "Frontier Times",
    )


def test_json_feed_one_and_one_point_one() -> None:
    old_style = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1",
            "title": "Old",
            "items": [
                {
                    "id": "1",
                    "url": "/a",
                    "title": "A",
                    "content_text": "Plain text.",
                    "author": {"name": "Ann"},
                    "date_published": "2024-01-02T03:04:05Z",
                },
                {"id": "no-link-but-id-url", "title": "B"},
                {"id": "bad", "url": "javascript:alert(1)", "title": "C"},
                "not an item",
            ],
        }
    )
    document = feeds.parse(fetched(old_style, "application/json"), kind="json_feed")

    assert [
        (e.url, e.author, e.text, e.published_at.year) for e in document.entries
    ] == [("https://news.example.org/a", "Ann", "Plain text.", 2024)]
    new_style = feeds.parse(
        fetched(
            json_feed([{"id": "x", "url": "https://r.example/x", "language": "fa-IR"}])
        ),
        kind="json_feed",
    )
    assert new_style.entries[0].language == "fa"


def test_a_news_sitemap_gives_titles_dates_outlet_and_language() -> None:
    document = feeds.parse(
        fetched(
            sitemap(
                [
                    {
                        "loc": "https://k24.example/ar/1",
                        "title": "خبر",
                        "date": "2024-05-06",
                        "outlet": "Kurdistan24",
                        "language": "ar",
                    },
                    {"loc": "https://k24.example/plain"},
                ]
            )
        ),
        kind="sitemap",
    )

    assert [(e.url, e.title, e.publisher, e.language) for e in document.entries] == [
        ("https://k24.example/ar/1", "خبر", "Kurdistan24", "ar"),
        ("https://k24.example/plain", "", "", ""),
    ]
    assert document.entries[0].published_at.isoformat() == "2024-05-06T00:00:00+00:00"


def test_a_sitemap_index_names_its_most_recent_sitemaps_and_gzip_is_read() -> None:
    index = sitemap_index(
        [(f"/sitemap-{n}.xml.gz", f"2024-0{n}-01") for n in range(1, 6)]
    )
    document = feeds.parse(fetched(gzip.compress(index.encode())), kind="sitemap")

    assert document.entries == []
    assert document.sitemaps == [
        "https://news.example.org/sitemap-5.xml.gz",
        "https://news.example.org/sitemap-4.xml.gz",
        "https://news.example.org/sitemap-3.xml.gz",
    ]


@pytest.mark.parametrize(
    ("body", "kind", "message"),
    [
        ("<html><body>Not a feed</body></html>", "rss", "not an RSS or Atom feed"),
        ('{"items": []}', "json_feed", "no jsonfeed.org version"),
        ("{broken", "json_feed", "not JSON"),
        ("<urlset>", "sitemap", "not well-formed XML"),
        ("<feed xmlns='http://www.w3.org/2005/Atom'/>", "sitemap", "not urlset"),
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>',
            "sitemap",
            "declares a document type",
        ),
    ],
)
def test_a_document_that_is_not_what_its_source_says_is_an_error(
    body: str, kind: str, message: str
) -> None:
    with pytest.raises(feeds.FeedError, match=message):
        feeds.parse(fetched(body), kind=kind)


def test_a_gzipped_bomb_is_refused_before_it_inflates() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (feeds.MAX_INFLATED_BYTES + 10))
    with pytest.raises(feeds.FeedError, match="inflates to more than"):
        feeds.parse(fetched(bomb), kind="sitemap")


def test_entities_in_a_feed_are_not_expanded_into_a_billion_laughs() -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "ha">'
        + "".join(
            f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + ']><rss version="2.0"><channel><title>&i;</title>'
        "<item><title>x</title><link>https://x.example/1</link></item></channel></rss>"
    )
    document = feeds.parse(fetched(laughs), kind="rss")
    assert len(document.entries) == 1
    assert len(document.entries[0].publisher) <= 200


def test_feedparser_reads_the_feeds_these_tests_serve() -> None:
    # The test documents are themselves checked by a client not written here.
    parsed = feedparser.parse(
        rss(
            [
                {
                    "title": "T",
                    "link": "https://x.example/1",
                    "date": "Mon, 06 May 2024 08:30:00 GMT",
                }
            ]
        )
    )
    assert not parsed.bozo and parsed.version == "rss20"
    assert not feedparser.parse(
        atom(
            [
                {
                    "title": "T",
                    "link": "https://x.example/1",
                    "date": "2024-05-06T00:00:00Z",
                }
            ]
        )
    ).bozo


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (story("ar-border-report"), "ar"),
        (story("fa-original"), "fa"),
        ("سەرۆکی هەرێمی کوردستان لە تاران لەگەڵ سەرۆک کۆماری ئێران کۆبووەوە", "ckb"),
        (story("strikes-wire"), ""),
    ],
)
def test_the_script_tells_the_language_when_the_page_does_not(
    text: str, language: str
) -> None:
    assert pages.script_language(text) == language


@pytest.mark.parametrize(
    ("declared", "kept"),
    [
        ("https://wire.example/story?utm_source=x", "https://wire.example/story"),
        ("https://partner.example/", "https://partner.example/news/copy"),
        ("javascript:alert(1)", "https://partner.example/news/copy"),
        (None, "https://partner.example/news/copy"),
    ],
)
def test_a_page_is_known_by_its_declared_canonical_address_when_usable(
    declared: str | None, kept: str
) -> None:
    fetched_from = "https://partner.example/news/copy?fbclid=1"
    assert pages.preferred_address(fetched_from, declared) == kept


@pytest.mark.parametrize(
    ("body", "opens_with_headline"),
    [
        ("Border pact signed\n\nThe two…", True),
        ("BORDER PACT SIGNED!\n\nThe two…", True),
        ("Border pact signed - Rudaw\n\nThe two…", True),
        ("Border pact signed | Rudaw English\n\nThe two…", True),
        ("Border pact signed in Baghdad on Monday.\n\nThe two…", False),
        ("Border pact signed by two ministers\n\nThe two…", False),
        ("Border pact\n\nThe two…", False),
        ("Iran and Iraq sign a border security pact\n\nThe two…", False),
        ("Lina Haddad\n\nThe Kurdish-led SDF…", False),
        ("Rudaw English\n\nSULAIMANI, Kurdistan Region - Thousands…", False),
        ("ANKARA\n\nThe Turkish National Intelligence Organization…", False),
        ("Sep 21, 2023\n\nIraq asked Turkey…", False),
        ("By Dilan Qadir and Karwan Faidhi\n\nERBIL…", False),
        ("Talks resumed in Baghdad on Monday.\n\nThe two…", False),
        ("Border talks\n\nThe two…", False),
    ],
)
def test_a_feeds_full_text_gets_the_items_headline_unless_it_has_it(
    body: str, opens_with_headline: bool
) -> None:
    # A standfirst, a byline, an outlet's or a city's name on the first line
    # are the story's, not its headline.
    text = with_headline("Border pact signed", body)
    if opens_with_headline:
        assert text == body
    else:
        assert text == f"Border pact signed\n\n{body}"
    # The item's title with its outlet, over the same headline without it.
    assert with_headline("Border pact signed - Rudaw", body) == (
        body if opens_with_headline else f"Border pact signed - Rudaw\n\n{body}"
    )
