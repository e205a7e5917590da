"""
An article's own metadata: publication date, outlet and author read from a
dateline or byline in its text, a page's <meta> tags and JSON-LD, or a feed
item; and the suggestions dated by it when the article has no date yet.
"""

import datetime
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from events.extract import suggest
from events.extract.metadata import (
    combine,
    from_feed_item,
    from_html,
    from_text,
    given,
    parse_date,
)
from events.intake import fetch_article
from events.models import SourceArticle

D = datetime.date
TODAY = D(2025, 1, 10)


def fields(found) -> tuple:
    return (found.published_on, found.publisher, found.author)


@pytest.mark.parametrize(
    ("text", "expected", "place"),
    [
        (
            "BAGHDAD, March 3 (Reuters) - Iraq's prime minister said on Sunday that "
            "the government would hold talks with Kurdish leaders.",
            # The latest 3 March up to today that fell on the Sunday the
            # paragraph names.
            (D(2024, 3, 3), "Reuters", ""),
            "BAGHDAD",
        ),
        (
            "ERBIL, Kurdistan Region — The Kurdistan Region's interior ministry said "
            "two people were killed in the strike.",
            (None, "", ""),
            "ERBIL",
        ),
        (
            "Tehran, 6 May 2024 (IRNA) - Kurdistan Region President Nechirvan "
            "Barzani met Iranian President Ebrahim Raisi in Tehran on Monday.",
            (D(2024, 5, 6), "IRNA", ""),
            "Tehran",
        ),
        (
            "Guards strike bases\n\nERBIL, Iraq, Nov 14 (Zagros Wire) - Iran's "
            "Revolutionary Guards launched missile and drone strikes on Monday.",
            (D(2022, 11, 14), "Zagros Wire", ""),
            "ERBIL",
        ),
        (
            "WASHINGTON (AP) — The Treasury sanctioned an Iraqi bank on Tuesday for "
            "moving money for the Revolutionary Guard.",
            (None, "AP", ""),
            "WASHINGTON",
        ),
    ],
)
def test_a_dateline_gives_the_place_date_and_agency(
    text: str, expected: tuple, place: str
) -> None:
    found = from_text(text, today=TODAY)
    assert fields(found) == expected
    assert found.dateline.place == place
    assert text[found.dateline.start : found.dateline.end] == found.dateline.text


def test_a_dateline_without_a_year_says_the_year_was_assumed() -> None:
    found = from_text(
        "BAGHDAD, March 3 (Reuters) - Talks went on for hours in the capital on "
        "Sunday, officials said.",
        today=TODAY,
    )
    assert found.year_assumed
    assert found.as_dict()["source_of_each"] == {
        "published_on": "dateline",
        "publisher": "dateline",
    }
    assert not from_text(
        "Tehran, 6 May 2024 (IRNA) - Talks went on for hours in the capital, "
        "officials said.",
        today=TODAY,
    ).year_assumed


@pytest.mark.parametrize(
    "text",
    [
        "Iran's Guards – the elite force – struck bases in the region overnight.",
        "Analysis - What the strikes in northern Iraq mean for the region's Kurds.",
        "Kurdish groups say they will not leave — and Baghdad cannot make them.",
    ],
)
def test_a_dash_in_an_ordinary_sentence_is_no_dateline(text: str) -> None:
    found = from_text(text, today=TODAY)
    assert found.dateline is None
    assert fields(found) == (None, "", "")


def test_a_byline_and_a_date_line_near_the_top() -> None:
    text = (
        "Strikes hit Kurdish bases\n"
        "By JANE DOE and John Roe, Reuters\n"
        "Published: 6 May 2024 10:30 GMT\n\n"
        "Drones struck two camps in the Kurdistan Region overnight, officials said."
    )
    found = from_text(text, today=TODAY)
    assert fields(found) == (D(2024, 5, 6), "Reuters", "Jane Doe, John Roe")
    assert found.source_of_each == {
        "author": "byline",
        "publisher": "byline",
        "published_on": "date_line",
    }


def test_wire_copy_names_its_reporter_at_the_end() -> None:
    text = (
        "BAGHDAD, March 3 (Reuters) - Iraq's prime minister said on Sunday that the "
        "government would hold talks with Kurdish leaders.\n\n"
        "(Reporting by Timour Azhari in Baghdad; Editing by Jane Roe)"
    )
    assert from_text(text, today=TODAY).author == "Timour Azhari"


NEWS_PAGE = """<!doctype html><html><head>
<meta property="og:site_name" content="Rudaw">
<meta name="author" content="https://www.rudaw.net/staff/jane-doe">
<meta property="article:published_time" content="2024-05-06T23:10:00+03:30">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebPage", "datePublished": "2020-01-01"},
  {"@type": ["NewsArticle"], "datePublished": "2024-05-07T01:00:00Z",
   "author": [{"@type": "Person", "name": "Jane Doe"}, {"name": "John Roe"}],
   "publisher": {"@type": "Organization", "name": "Rudaw Media Network"}}
]}
</script></head><body><p>Text.</p></body></html>"""


def test_json_ld_comes_before_the_meta_tags() -> None:
    found = from_html(NEWS_PAGE)
    assert fields(found) == (D(2024, 5, 7), "Rudaw Media Network", "Jane Doe, John Roe")
    assert set(found.source_of_each.values()) == {"json_ld"}


def test_meta_tags_alone() -> None:
    page = (
        '<html><head><meta property="og:site_name" content="Kurdistan24">'
        '<meta name="author" content="By Sam Lee">'
        '<meta name="pubdate" content="20240506"></head><body></body></html>'
    )
    found = from_html(page)
    assert fields(found) == (D(2024, 5, 6), "Kurdistan24", "Sam Lee")
    assert set(found.source_of_each.values()) == {"meta"}
    # A link is not an author's name, and a broken JSON-LD block is skipped.
    found = from_html(
        '<meta name="author" content="https://example.org/jane">'
        '<script type="application/ld+json">{not json</script>'
        '<time datetime="2024-05-06T08:00" itemprop="datePublished">6 May</time>'
    )
    assert fields(found) == (D(2024, 5, 6), "", "")


def test_a_feed_item_rss_and_atom() -> None:
    rss = (
        '<item xmlns:dc="http://purl.org/dc/elements/1.1/"><title>Strikes</title>'
        "<pubDate>Mon, 06 May 2024 22:30:00 +0000</pubDate>"
        "<dc:creator>Jane Doe</dc:creator>"
        '<source url="https://www.reuters.com/">Reuters</source></item>'
    )
    found = from_feed_item(rss)
    assert fields(found) == (D(2024, 5, 6), "Reuters", "Jane Doe")
    assert set(found.source_of_each.values()) == {"feed"}
    atom = (
        '<entry xmlns="http://www.w3.org/2005/Atom"><title>Talks</title>'
        "<published>2024-05-06T10:00:00Z</published>"
        "<author><name>Sam Lee</name></author></entry>"
    )
    assert fields(from_feed_item(atom, feed_title="Kurdistan24")) == (
        D(2024, 5, 6),
        "Kurdistan24",
        "Sam Lee",
    )
    assert fields(
        from_feed_item("<item><author>desk@example.org (News Desk)</author></item>")
    ) == (None, "", "News Desk")


def test_a_feed_item_declaring_entities_is_refused() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE item [<!ENTITY a "aaaaaaaaaa">]>'
        "<item><author>&a;</author></item>"
    )
    assert fields(from_feed_item(bomb)) == (None, "", "")
    assert fields(from_feed_item("<item><unclosed></item>")) == (None, "", "")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-06T23:10:00+03:30", D(2024, 5, 6)),
        ("2024/05/06", D(2024, 5, 6)),
        ("20240506", D(2024, 5, 6)),
        ("Mon, 06 May 2024 10:00:00 GMT", D(2024, 5, 6)),
        ("6 May 2024", D(2024, 5, 6)),
        ("May 6, 2024", D(2024, 5, 6)),
        ("Sept. 6, 2024", D(2024, 9, 6)),
        ("May 6", None),
        ("2024-02-30", None),
        ("", None),
    ],
)
def test_dates_as_metadata_writes_them(value: str, expected: D | None) -> None:
    assert parse_date(value) == expected


def test_the_stored_article_wins_and_each_field_names_its_source() -> None:
    found = combine(
        given(published_on=D(2024, 5, 7), publisher="Rudaw"),
        from_text(
            "Tehran, 6 May 2024 (IRNA) - Barzani met Raisi in Tehran on Monday, "
            "the presidency said.",
            today=TODAY,
        ),
    )
    assert fields(found) == (D(2024, 5, 7), "Rudaw", "")
    assert found.source_of_each == {"published_on": "article", "publisher": "article"}


@pytest.mark.django_db
def test_suggestions_are_dated_by_the_dateline_when_the_article_has_no_date() -> None:
    text = (
        "Barzani in Tehran\n\n"
        "Tehran, 6 May 2024 (IRNA) - Kurdistan Region President Nechirvan Barzani "
        "met Iranian President Ebrahim Raisi in Tehran on Monday.\n\n"
        "He returned to Erbil yesterday."
    )
    result = suggest(text, published=None)
    assert result["metadata"] == {
        "published_on": "2024-05-06",
        "publisher": "IRNA",
        "author": "",
        "source_of_each": {"published_on": "dateline", "publisher": "dateline"},
        "year_assumed": False,
        "dateline": {
            "text": "Tehran, 6 May 2024 (IRNA)",
            "start": 19,
            "end": 44,
            "place": "Tehran",
        },
    }
    assert [(d["text"], d["value"]) for d in result["dates"]] == [
        ("6 May 2024", "2024-05-06"),
        ("on Monday", "2024-05-06"),
        ("yesterday", "2024-05-05"),
    ]
    # The dateline is not part of the first event's sentence.
    [meeting] = [e for e in result["events"] if e["event_type"] == "meeting"]
    assert meeting["quote"].startswith("Kurdistan Region President")
    assert meeting["date"]["value"] == "2024-05-06"
    # A date given with the article wins over its dateline.
    dated = suggest(text, published=D(2024, 5, 7))
    assert dated["metadata"]["published_on"] == "2024-05-07"
    assert dated["metadata"]["source_of_each"]["published_on"] == "article"


# Intake: a fetched page and pasted text.

STORY = (
    "ERBIL, Iraq, Nov 14 (Zagros Wire) - Drones struck two camps of Iranian "
    "Kurdish opposition groups in the Kurdistan Region on Monday, officials said."
)
PAGE = NEWS_PAGE.replace(
    "<p>Text.</p>",
    "<article><h1>Drones strike camps</h1>"
    + f"<p>{STORY}</p>"
    + "<p>The camps near Koya had been evacuated before the strikes, a "
    "spokesman for the groups told reporters in the afternoon.</p>" * 6 + "</article>",
)


class PageHandler(BaseHTTPRequestHandler):
    page = PAGE

    def do_GET(self) -> None:
        body = self.page.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def news_site(settings) -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    settings.FETCH_ALLOWED_HOSTS = [f"127.0.0.1:{httpd.server_address[1]}"]
    yield f"http://127.0.0.1:{httpd.server_address[1]}/news/drones"
    httpd.shutdown()
    httpd.server_close()


def test_a_fetched_page_takes_its_metadata_from_json_ld(news_site: str) -> None:
    fetched = fetch_article(news_site)
    assert STORY in fetched.body
    assert (fetched.published_on, fetched.publisher, fetched.author) == (
        D(2024, 5, 7),
        "Rudaw Media Network",
        "Jane Doe, John Roe",
    )
    assert set(fetched.source_of_each.values()) == {"json_ld"}


def test_a_fetched_page_without_metadata_falls_back_to_its_dateline(
    news_site: str, monkeypatch
) -> None:
    bare = PAGE.split("</head>", 1)[1]
    monkeypatch.setattr(PageHandler, "page", f"<html><head></head>{bare}")
    fetched = fetch_article(news_site)
    assert fetched.publisher == "Zagros Wire"
    assert fetched.source_of_each["publisher"] == "dateline"
    assert fetched.published_on is not None
    assert (fetched.published_on.month, fetched.published_on.day) == (11, 14)


@pytest.mark.django_db
def test_pasted_text_takes_date_and_agency_from_its_dateline(
    editor_client: Client,
) -> None:
    response = editor_client.post(
        "/admin/events/sourcearticle/add/",
        {
            "title": "Barzani in Tehran",
            "body": "Tehran, 6 May 2024 (IRNA) - Kurdistan Region President "
            "Nechirvan Barzani met Iranian President Ebrahim Raisi in Tehran on "
            "Monday.",
            "language": "en",
        },
    )
    assert response.status_code == 302
    article = SourceArticle.objects.get(title="Barzani in Tehran")
    assert (article.published_on, article.publisher) == (D(2024, 5, 6), "IRNA")
    # What the editor typed wins.
    response = editor_client.post(
        "/admin/events/sourcearticle/add/",
        {
            "title": "Barzani in Tehran again",
            "body": "Tehran, 6 May 2024 (IRNA) - Barzani met Raisi again in Tehran "
            "on Monday, the presidency said.",
            "language": "en",
            "publisher": "Rudaw",
            "published_on": "2024-05-07",
        },
    )
    article = SourceArticle.objects.get(title="Barzani in Tehran again")
    assert (article.published_on, article.publisher) == (D(2024, 5, 7), "Rudaw")
