"""
Continuous intake end to end: sources polled by a real worker of the job
queue (a process of its own, tests/conftest.py), over real HTTP from a local
server, into real PostGIS. Each kind of feed, conditional GETs, backoff,
redirects to private addresses, the per-host rate limit, bad input of every
kind, keyword and region filters, stored suggestions, and the command line.

The worker reads committed rows, so these tests commit: the database is
emptied after each, and the seed is put back when the module is done.
"""

import datetime
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from events.models import Location, SourceArticle
from intake import polling, queue
from intake.models import Item, Source, StoredSuggestions
from tests.conftest import (
    TEST_HOST_INTERVAL,
    Worker,
    intake_environment,
    load_groups,
    load_seed,
    make_user,
)
from tests.feedserver import FeedServer, http_date
from tests.intake_documents import (
    atom,
    json_feed,
    page,
    rss,
    sitemap,
    sitemap_index,
    story,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seed_restored_afterwards"),
]

LATER = datetime.timedelta(days=1)


@pytest.fixture
def server(feed_server: FeedServer, intake_worker: Worker) -> FeedServer:
    feed_server.reset()
    return feed_server


def make_source(server: FeedServer, path: str, **fields) -> Source:
    """A source not due for a day: polled only when a test asks."""
    return Source.objects.create(
        **{
            "name": path.strip("/"),
            "url": server.url(path),
            "kind": Source.Kind.RSS,
            "next_poll_at": timezone.now() + LATER,
            **fields,
        }
    )


def poll(worker: Worker, *sources: Source, timeout: float = 60) -> None:
    """Each source polled by the worker, and every job that follows done
    within `timeout` seconds."""
    for source in sources:
        assert queue.defer_poll(source.pk)
    worker.wait_for_jobs(timeout)
    for source in sources:
        source.refresh_from_db()


def article_at(server: FeedServer, path: str) -> SourceArticle:
    return SourceArticle.objects.get(url=server.url(path))


# --- each kind of source ------------------------------------------------------------


def test_each_kind_of_feed_becomes_articles_with_their_metadata(
    server: FeedServer, intake_worker: Worker
) -> None:
    wire = story("strikes-wire")
    server.serve(
        "/pages/koya-strikes",
        page(
            "Iran strikes Kurdish groups in northern Iraq",
            wire,
            site="Border Wire",
            author="Jane Roe",
            published="2022-11-14T09:30:00+00:00",
        ),
    )
    server.serve(
        "/rss.xml",
        rss(
            [
                {
                    "title": "Iran strikes Kurdish opposition bases near Koya",
                    "link": server.url("/pages/koya-strikes"),
                    "date": "Mon, 14 Nov 2022 10:00:00 GMT",
                    "summary": "Missiles and drones hit two camps.",
                }
            ]
        ),
        content_type="application/rss+xml",
    )
    # The page gives no date: the feed's is kept.
    server.serve(
        "/pages/border-deal",
        page("Iraq and Iran sign border pact", story("border-deal-wire"), site=None),
    )
    server.serve(
        "/atom.xml",
        atom(
            [
                {
                    "title": "Iraq and Iran sign a border security pact",
                    "link": server.url("/pages/border-deal"),
                    "date": "2023-03-19T18:00:00Z",
                    "author": "Frontier desk",
                }
            ]
        ),
        content_type="application/atom+xml",
    )
    # The whole text in the feed: no page is fetched.
    barzani = story("barzani-tehran")
    server.serve(
        "/feed.json",
        json_feed(
            [
                {
                    "id": "barzani-1",
                    "url": server.url("/pages/barzani"),
                    "title": "Barzani meets Raisi in Tehran",
                    "content_html": "".join(
                        f"<p>{p}</p>" for p in barzani.split("\n\n")
                    ),
                    "date_published": "2024-05-06T08:00:00+03:30",
                    "authors": [{"name": "Region Daily staff"}],
                }
            ]
        ),
        content_type="application/feed+json",
    )
    server.serve("/pages/bashmaq", page("Queues at Bashmaq", story("trade-crossing")))
    server.serve(
        "/sitemap.xml",
        sitemap(
            [
                {
                    "loc": server.url("/pages/bashmaq"),
                    "title": "Trucks queue at Bashmaq crossing",
                    "date": "2024-07-02T07:00:00Z",
                    "outlet": "Sulaimani Post",
                }
            ]
        ),
        content_type="application/xml",
    )
    sources = [
        make_source(server, "/rss.xml"),
        make_source(server, "/atom.xml", kind=Source.Kind.ATOM),
        make_source(server, "/feed.json", kind=Source.Kind.JSON_FEED),
        make_source(server, "/sitemap.xml", kind=Source.Kind.SITEMAP),
    ]

    poll(intake_worker, *sources)

    found = {
        a.url.rsplit("/", 1)[1]: {
            "title": a.title,
            "publisher": a.publisher,
            "author": a.author,
            "published_on": a.published_on,
            "language": a.language,
            "source": a.source.name,
            "duplicate_of": a.duplicate_of_id,
            "state": a.state,
        }
        for a in SourceArticle.objects.filter(source__isnull=False)
    }
    assert found == {
        "koya-strikes": {
            "title": "Iran strikes Kurdish opposition bases near Koya",
            "publisher": "Border Wire",
            "author": "Jane Roe",
            "published_on": datetime.date(2022, 11, 14),
            "language": "en",
            "source": "rss.xml",
            "duplicate_of": None,
            "state": "new",
        },
        "border-deal": {
            "title": "Iraq and Iran sign a border security pact",
            "publisher": "Frontier Times",
            "author": "Frontier desk",
            "published_on": datetime.date(2023, 3, 19),
            "language": "en",
            "source": "atom.xml",
            "duplicate_of": None,
            "state": "new",
        },
        "barzani": {
            "title": "Barzani meets Raisi in Tehran",
            "publisher": "Region Daily",
            "author": "Region Daily staff",
            "published_on": datetime.date(2024, 5, 6),
            "language": "en",
            "source": "feed.json",
            "duplicate_of": None,
            "state": "new",
        },
        "bashmaq": {
            "title": "Trucks queue at Bashmaq crossing",
            "publisher": "Sulaimani Post",
            "author": "",
            "published_on": datetime.date(2024, 7, 2),
            "language": "en",
            "source": "sitemap.xml",
            "duplicate_of": None,
            "state": "new",
        },
    }
    # The text is the article's, not the page's navigation or footer.
    strikes = article_at(server, "/pages/koya-strikes")
    assert "Revolutionary Guards fired missiles" in strikes.body
    assert "All rights reserved" not in strikes.body
    assert server.requests_for("/pages/barzani") == []
    # The feed's full text, with the item's headline first, as a page's
    # article and pasted text have it.
    assert article_at(server, "/pages/barzani").body == (
        f"Barzani meets Raisi in Tehran\n\n{barzani.strip()}"
    )
    # Polls went well, and each counted what it found.
    assert [
        (s.last_error, s.failures, s.items_seen, s.articles_added) for s in sources
    ] == [("", 0, 1, 1)] * 4
    # Each article's suggestions were computed by a job and stored.
    assert StoredSuggestions.objects.filter(article__source__isnull=False).count() == 4


def test_a_sitemap_index_is_read_through_its_newest_sitemaps(
    server: FeedServer, intake_worker: Worker
) -> None:
    server.serve("/pages/deal", page("Border pact", story("border-deal-wire")))
    server.serve("/pages/old", page("Bashmaq queues", story("trade-crossing")))
    server.serve(
        "/sitemap-news.xml",
        sitemap(
            [{"loc": server.url("/pages/deal"), "title": "Pact", "date": "2023-03-19"}]
        ),
    )
    server.serve(
        "/sitemap-2019.xml",
        sitemap(
            [{"loc": server.url("/pages/old"), "title": "Old", "date": "2019-01-01"}]
        ),
    )
    server.serve(
        "/sitemap-index.xml",
        sitemap_index(
            [
                (server.url("/sitemap-2019.xml"), "2019-02-01"),
                (server.url("/sitemap-2019-b.xml"), "2019-03-01"),
                (server.url("/sitemap-2019-c.xml"), "2019-04-01"),
                (server.url("/sitemap-news.xml"), "2023-03-19T12:00:00Z"),
            ]
        ),
    )
    server.serve("/sitemap-2019-b.xml", sitemap([]))
    server.serve("/sitemap-2019-c.xml", sitemap([]))
    source = make_source(server, "/sitemap-index.xml", kind=Source.Kind.SITEMAP)

    poll(intake_worker, source)

    # The three most recently changed sitemaps are read; the oldest is not.
    assert server.requests_for("/sitemap-2019.xml") == []
    assert [a.title for a in SourceArticle.objects.filter(source=source)] == ["Pact"]
    assert source.last_error == ""


# --- polite and safe fetching -------------------------------------------------------


def test_a_second_poll_is_conditional_and_adds_nothing(
    server: FeedServer, intake_worker: Worker
) -> None:
    modified = http_date(time.time() - 3600)
    server.serve("/pages/deal", page("Border pact", story("border-deal-wire")))
    feed = rss([{"title": "Pact signed", "link": server.url("/pages/deal")}])
    server.serve("/feed.xml", feed, etag='"v1"', last_modified=modified)
    source = make_source(server, "/feed.xml")

    poll(intake_worker, source)
    assert (source.etag, source.last_modified) == ('"v1"', modified)
    poll(intake_worker, source)

    first, second = server.requests_for("/feed.xml")
    assert "if-none-match" not in first.headers
    assert second.headers["if-none-match"] == '"v1"'
    assert second.headers["if-modified-since"] == modified
    assert (source.items_seen, source.articles_added, source.last_error) == (1, 1, "")
    assert source.last_success_at >= source.last_polled_at - datetime.timedelta(
        seconds=1
    )

    # A server without validators answers in full: the items are known.
    server.serve("/feed.xml", feed)
    poll(intake_worker, source)
    assert source.items_seen == 1
    assert SourceArticle.objects.filter(source=source).count() == 1
    assert len(server.requests_for("/pages/deal")) == 1


def test_a_failing_source_waits_longer_after_each_failure_and_says_why(
    server: FeedServer, intake_worker: Worker
) -> None:
    server.serve("/feed.xml", "Down for maintenance", status=503)
    source = make_source(server, "/feed.xml", poll_interval=10)

    waits = []
    for _ in range(3):
        poll(intake_worker, source)
        waits.append(
            (
                source.failures,
                round(
                    (source.next_poll_at - source.last_polled_at).total_seconds() / 60
                ),
            )
        )
    assert waits == [(1, 20), (2, 40), (3, 80)]
    assert "the server answered 503" in source.last_error
    assert source.last_success_at is None

    server.serve("/feed.xml", rss([]))
    poll(intake_worker, source)
    assert (source.failures, source.last_error) == (0, "")
    assert source.next_poll_at - source.last_polled_at == datetime.timedelta(minutes=10)

    # The backoff is capped at a day.
    source.failures = 30
    source.failed(timezone.now(), "still down")
    assert source.next_poll_at - source.last_polled_at == datetime.timedelta(days=1)


def test_a_redirect_to_a_private_address_is_refused_at_each_hop(
    server: FeedServer, intake_worker: Worker
) -> None:
    private = f"http://127.0.0.2:{server.port}/feed.xml"
    server.serve("/feed.xml", status=302, location=private)
    # A redirect within the allowed hosts is followed; then one out of them.
    server.serve(
        "/moved.xml", status=301, location=server.url("/feed.xml", "localhost")
    )
    server.serve("/pages/trap", status=302, location="http://169.254.169.254/latest/")
    server.serve(
        "/good.xml", rss([{"title": "A trap", "link": server.url("/pages/trap")}])
    )
    direct = make_source(server, "/feed.xml")
    twice = make_source(server, "/moved.xml")
    good = make_source(server, "/good.xml")

    poll(intake_worker, direct, twice, good)

    assert "Refused to fetch" in direct.last_error
    assert "127.0.0.2 is a loopback address" in direct.last_error
    assert "127.0.0.2 is a loopback address" in twice.last_error
    assert len(server.requests_for("/feed.xml")) == 2  # via 127.0.0.1 and localhost
    item = Item.objects.get(source=good)
    assert item.state == Item.State.FAILED
    assert "169.254.169.254 is a link-local address" in item.note
    assert not SourceArticle.objects.filter(source=good).exists()


# Between a request marked started and its arrival at the server: the
# worker's own steps (the address checked, the connection opened).
ARRIVAL_ALLOWANCE = 0.03


def test_requests_to_one_host_are_spaced_across_the_workers_threads(
    server: FeedServer, intake_worker: Worker
) -> None:
    names = ["strikes-wire", "border-deal-wire", "barzani-tehran", "trade-crossing"]
    for name in names:
        server.serve(f"/pages/{name}", page(name, story(name)))
    server.serve(
        "/feed.xml",
        rss([{"title": name, "link": server.url(f"/pages/{name}")} for name in names]),
    )
    source = make_source(server, "/feed.xml")

    poll(intake_worker, source)

    starts = sorted(r.at for r in server.requests if r.path.startswith("/pages/"))
    assert len(starts) == 4
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    # Each request starts at or after its slot, and no sooner than the
    # interval after the one before it, even when that one started late.
    assert min(gaps) >= TEST_HOST_INTERVAL - ARRIVAL_ALLOWANCE, gaps
    assert source.articles_added == 4


# --- deduplication ------------------------------------------------------------------


def test_one_story_is_one_article_however_it_comes_back(
    server: FeedServer, intake_worker: Worker
) -> None:
    original = story("strikes-wire")
    title = "Iran strikes Kurdish groups in northern Iraq"
    server.serve("/wire/strikes", page(title, original, site="Border Wire"))
    server.serve(
        "/feed.xml", rss([{"title": title, "link": server.url("/wire/strikes")}])
    )
    source = make_source(server, "/feed.xml")
    poll(intake_worker, source)
    first = article_at(server, "/wire/strikes")

    # Then the same story again, in every disguise, and one that only shares
    # its topic.
    server.serve("/amp/wire/strikes", page(title, original + "\n\nAMP"))
    server.serve(
        "/partner/copy",
        page(title, original, canonical=server.url("/wire/strikes?utm_source=partner")),
    )
    server.serve("/mirror/strikes", page("Mirror: " + title, original, site="Mirror"))
    server.serve(
        "/partner/reprint",
        page("Guards pound Kurdish camps", story("strikes-reprint"), site="Partner"),
    )
    server.serve(
        "/daily/trimmed", page("Iran hits Koya", story("strikes-trimmed"), site="Daily")
    )
    server.serve(
        "/local/koya", page("Koya wakes to blasts", story("strikes-own-report"))
    )
    again = [
        ("tracking", "/wire/strikes?utm_source=rss&utm_medium=feed&fbclid=x1#top"),
        ("amp", "/amp/wire/strikes"),
        ("canonical", "/partner/copy"),
        ("copy", "/mirror/strikes"),
        ("reprint", "/partner/reprint"),
        ("trimmed", "/daily/trimmed"),
        ("same topic", "/local/koya"),
    ]
    server.serve(
        "/feed.xml",
        rss(
            [{"title": title, "link": server.url("/wire/strikes")}]
            + [{"title": name, "link": server.url(path)} for name, path in again]
        ),
    )
    poll(intake_worker, source)

    items = {
        item.title: (item.state, item.article.duplicate_of_id or item.article_id)
        for item in Item.objects.filter(source=source).exclude(title=title)
    }
    assert items == {
        "tracking": ("duplicate", first.pk),
        "amp": ("duplicate", first.pk),
        "canonical": ("duplicate", first.pk),
        "copy": ("duplicate", first.pk),
        "reprint": ("duplicate", first.pk),
        "trimmed": ("duplicate", first.pk),
        "same topic": ("added", article_at(server, "/local/koya").pk),
    }
    # Only the copies with their own text are held, each linked to the first.
    assert sorted(
        SourceArticle.objects.filter(duplicate_of=first).values_list("url", flat=True)
    ) == sorted(
        server.url(p) for p in ["/daily/trimmed", "/mirror/strikes", "/partner/reprint"]
    )
    assert source.duplicates_found == 6
    assert source.articles_added == 2
    reprint = Item.objects.get(source=source, title="reprint")
    assert 0.8 < reprint.similarity < 1
    # Duplicates wait for no one: they are not in the inbox, nor suggested.
    inbox = SourceArticle.objects.inbox().filter(source=source)
    assert sorted(inbox.values_list("url", flat=True)) == sorted(
        [first.url, server.url("/local/koya")]
    )
    assert not StoredSuggestions.objects.filter(article__duplicate_of=first).exists()

    # Polling again adds nothing.
    before = SourceArticle.objects.count(), Item.objects.count()
    poll(intake_worker, source)
    assert (SourceArticle.objects.count(), Item.objects.count()) == before


# --- bad input ----------------------------------------------------------------------


ARABIC_TITLE = "نشر أفواج جديدة على الحدود مع إيران"


def test_bad_input_is_recorded_on_its_item_and_the_worker_goes_on(
    server: FeedServer, intake_worker: Worker
) -> None:
    arabic = story("ar-border-report")
    persian = story("fa-original")
    pages = {
        "missing": dict(body="Gone", status=404),
        "broken": dict(body="Oops", status=500),
        "empty": dict(body="<html><body><nav>Home</nav></body></html>"),
        "huge": dict(
            body=b"<html><body><p>" + b"x" * 3_100_000 + b"</p></body></html>"
        ),
        "slow": dict(body=page("Slow", story("trade-crossing")), delay=3.0),
        "trickle": dict(body=page("Trickle", story("trade-crossing")), trickle=0.05),
        "loop": dict(status=302, location="/pages/loop"),
        "pdf": dict(body=b"%PDF-1.7", content_type="application/pdf"),
        "arabic": dict(
            body=page(ARABIC_TITLE, arabic, lang="ar", charset="windows-1256").encode(
                "windows-1256"
            ),
            content_type="text/html; charset=windows-1256",
        ),
        "persian": dict(body=page("مرز", persian, lang=None)),
    }
    for name, options in pages.items():
        server.serve(f"/pages/{name}", **options)
    server.serve(
        "/feed.xml",
        rss([{"title": name, "link": server.url(f"/pages/{name}")} for name in pages]),
    )
    server.serve(
        "/broken.xml", "<rss><channel><item><title>Half", content_type="text/xml"
    )
    server.serve("/not-a-feed.json", "[1, 2, 3]", content_type="application/json")
    source = make_source(server, "/feed.xml")
    broken = make_source(server, "/broken.xml")
    wrong = make_source(server, "/not-a-feed.json", kind=Source.Kind.JSON_FEED)

    poll(intake_worker, source, broken, wrong)

    notes = {
        item.title: (item.state, item.note)
        for item in Item.objects.filter(source=source)
    }
    failed = {name: note for name, (state, note) in notes.items() if state == "failed"}
    assert sorted(failed) == [
        "broken",
        "empty",
        "huge",
        "loop",
        "missing",
        "pdf",
        "slow",
        "trickle",
    ]
    assert "answered 404" in failed["missing"]
    assert "answered 500" in failed["broken"]
    assert "No article text" in failed["empty"]
    assert "larger than 3 MB" in failed["huge"]
    assert "within 2 seconds" in failed["slow"]
    assert "within 2 seconds" in failed["trickle"]
    assert "more than 5 redirects" in failed["loop"]
    assert "application/pdf, not a page" in failed["pdf"]
    assert source.items_failed == 8
    # No half-made article: only the readable pages became articles.
    arabic_article = article_at(server, "/pages/arabic")
    assert (arabic_article.language, arabic_article.direction) == ("ar", "rtl")
    assert "قوات الحدود العراقية" in arabic_article.body
    assert article_at(server, "/pages/persian").language == "fa"
    assert SourceArticle.objects.filter(source=source).count() == 2
    assert "not a well-formed feed" in broken.last_error
    assert "not a JSON Feed" in wrong.last_error
    # The article page shows Arabic right to left.
    response = Client().get(arabic_article.get_absolute_url())
    assert 'class="article-body" lang="ar" dir="rtl"' in response.content.decode()


# --- filters ------------------------------------------------------------------------


def test_keywords_and_a_region_keep_only_the_items_that_mention_them(
    server: FeedServer, intake_worker: Worker
) -> None:
    load_seed()  # the region is a place of the geography
    tehran_only = (
        "Officials in Tehran said on Sunday that the price of bread would rise "
        "next month, after the government cut subsidies on flour. Bakers in "
        "Isfahan and Shiraz said they had already raised prices.\n\n" * 3
    )
    server.serve("/pages/koya", page("Strikes", story("strikes-wire")))
    server.serve("/pages/bashmaq", page("Queues", story("trade-crossing")))
    server.serve("/pages/bread", page("Bread prices", tehran_only))
    links = [
        {"title": name, "link": server.url(f"/pages/{name}")}
        for name in ["koya", "bashmaq", "bread"]
    ]
    server.serve("/a.xml", rss(links))
    server.serve("/b.xml", rss(links))
    by_keyword = make_source(server, "/a.xml", keywords=["Koya", "drone strike"])
    by_region = make_source(server, "/b.xml", region=Location.objects.get(code="IQ-KR"))

    poll(intake_worker, by_keyword)
    poll(intake_worker, by_region)

    def kept(source: Source) -> dict[str, str]:
        return dict(Item.objects.filter(source=source).values_list("title", "state"))

    assert kept(by_keyword) == {
        "koya": "added",
        "bashmaq": "skipped",
        "bread": "skipped",
    }
    # Koya's story is held already: from the region's source it is a duplicate.
    assert kept(by_region) == {
        "koya": "duplicate",
        "bashmaq": "added",
        "bread": "skipped",
    }
    assert (by_keyword.items_skipped, by_region.items_skipped) == (2, 1)


# --- suggestions --------------------------------------------------------------------


def test_stored_suggestions_are_served_as_the_engine_answers_pasted_text(
    server: FeedServer, intake_worker: Worker
) -> None:
    load_seed()
    server.serve(
        "/pages/deal",
        page("Pact", story("border-deal-wire"), published="2023-03-19T10:00:00Z"),
    )
    server.serve(
        "/feed.xml", rss([{"title": "Pact", "link": server.url("/pages/deal")}])
    )
    source = make_source(server, "/feed.xml")
    poll(intake_worker, source)
    article = article_at(server, "/pages/deal")
    stored = StoredSuggestions.objects.get(article=article)
    client = Client()
    client.force_login(make_user("suggesting-editor", "Editor"))

    served = client.get(f"/api/v1/articles/{article.pk}/suggestions/")
    pasted = client.post(
        "/api/v1/suggestions/",
        {"text": article.body, "published": "2023-03-19"},
        content_type="application/json",
    )

    assert served.status_code == 200
    assert served.json() == pasted.json()
    assert stored.found == pasted.json()
    shamkhani = next(a for a in stored.actors if a["name"] == "Ali Shamkhani")
    assert shamkhani["id"] in stored.actor_ids
    assert {"IRQ", "IRN"} <= set(stored.countries)
    assert stored.engine == polling.engine_version()
    # The articles list by source.
    listed = client.get(f"/api/v1/articles/?source={source.pk}").json()["results"]
    assert [(row["id"], row["source"], row["duplicate_of"]) for row in listed] == [
        (article.pk, source.pk, None)
    ]
    # An edited text is read again when asked for.
    SourceArticle.objects.filter(pk=article.pk).update(
        body=article.body + "\n\nIraq's foreign ministry welcomed the deal.",
        content_hash="changed",
    )
    again = client.get(f"/api/v1/articles/{article.pk}/suggestions/").json()
    assert again != served.json()
    assert StoredSuggestions.objects.get(article=article).found == again


# --- scheduling ---------------------------------------------------------------------


def test_a_source_added_through_the_api_is_polled_at_once(
    server: FeedServer, intake_worker: Worker
) -> None:
    load_groups()
    server.serve("/feed.xml", rss([]))
    client = Client()
    client.force_login(make_user("source-editor", "Editor"))
    created = time.monotonic()

    response = client.post(
        "/api/v1/sources/",
        {"name": "New wire", "url": server.url("/feed.xml"), "kind": "rss"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    intake_worker.wait_for_jobs()

    source = Source.objects.get(pk=response.json()["id"])
    assert source.last_polled_at is not None
    assert time.monotonic() - created < 60
    assert source.next_poll_at - source.last_polled_at == datetime.timedelta(minutes=15)


def test_the_scheduler_queues_the_sources_that_are_due_and_no_other(
    server: FeedServer, intake_worker: Worker
) -> None:
    server.serve("/due.xml", rss([]))
    server.serve("/later.xml", rss([]))
    due = make_source(server, "/due.xml", next_poll_at=timezone.now())
    later = make_source(server, "/later.xml")
    idle = make_source(
        server, "/due.xml?idle", active=False, next_poll_at=timezone.now()
    )

    assert polling.schedule(timezone.now()) == 1
    intake_worker.wait_for_jobs()

    for source in (due, later, idle):
        source.refresh_from_db()
    assert [s.last_polled_at is not None for s in (due, later, idle)] == [
        True,
        False,
        False,
    ]


# --- the command line ---------------------------------------------------------------


def test_poll_sources_once_polls_every_active_source_and_waits_for_its_jobs(
    server: FeedServer,
) -> None:
    server.serve("/pages/deal", page("Pact", story("border-deal-wire")))
    server.serve(
        "/feed.xml", rss([{"title": "Pact", "link": server.url("/pages/deal")}])
    )
    source = make_source(server, "/feed.xml")
    make_source(server, "/off.xml", active=False)

    result = subprocess.run(
        [sys.executable, "manage.py", "poll_sources", "--once"],
        cwd=settings.BASE_DIR,
        env=intake_environment(server),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert "Queued 1 polls." in result.stdout
    assert "feed.xml: 1 items, 1 articles, 0 duplicates, ok" in result.stdout
    assert queue.unfinished() == 0
    article = article_at(server, "/pages/deal")
    assert article.source_id == source.pk
    assert StoredSuggestions.objects.filter(article=article).exists()
    assert server.requests_for("/off.xml") == []


def test_the_worker_stops_at_once_when_it_cannot_reach_its_database(
    feed_server: FeedServer,
) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "run_worker"],
        cwd=settings.BASE_DIR,
        env={
            **intake_environment(feed_server),
            "QUEUE_DATABASE_URL": "postgis://nobody@127.0.0.1:1/none",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert "The worker cannot reach the queue's database" in result.stderr


def test_a_worker_taken_for_stalled_registers_again_and_goes_on(
    server: FeedServer, intake_worker: Worker
) -> None:
    """
    Another worker starting while this one's heartbeat looked stale prunes
    its registration: the jobs it then fetches name a worker that is gone.
    It registers again rather than stop.
    """
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_workers")
    server.serve("/pages/deal", page("Border pact", story("border-deal-wire")))
    server.serve(
        "/feed.xml", rss([{"title": "Border pact", "link": server.url("/pages/deal")}])
    )
    source = make_source(server, "/feed.xml")

    poll(intake_worker, source)

    assert intake_worker.process.poll() is None
    assert "registering again" in intake_worker.log.read_text(errors="replace")
    assert source.last_error == ""
    assert article_at(server, "/pages/deal").source_id == source.pk
