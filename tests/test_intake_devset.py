"""
The development set of the suggestion engine (tests/devset/) taken in
through a feed: each article served by the local feed server, either as a
news page listed in an RSS feed or whole in the feed (content:encoded, its
headline only in the item's title), polled by a real worker, fetched or
read from the feed, extracted and given its suggestions by the jobs; the
suggestions stored must be those that POST /api/v1/suggestions/ gives for
the text as an editor pastes it.
"""

import datetime
import email.utils
import html
import math

import pytest
from django.test import Client

from events.models import SourceArticle
from intake.models import Item, StoredSuggestions
from intake.polling import MAX_NEW_ITEMS
from tests.conftest import Worker, load_seed, make_user
from tests.devset import score
from tests.feedserver import FeedServer
from tests.intake_documents import page, rss
from tests.test_intake_polling import make_source, poll

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seed_restored_afterwards"),
]


def feed_date(day: datetime.date) -> str:
    moment = datetime.datetime.combine(day, datetime.time(7, 30), datetime.UTC)
    return email.utils.format_datetime(moment, usegmt=True)


@pytest.mark.parametrize("whole_in_feed", [False, True], ids=["pages", "full-text"])
def test_devset_articles_from_a_feed_get_the_suggestions_of_pasted_ones(
    feed_server: FeedServer, intake_worker: Worker, whole_in_feed: bool
) -> None:
    load_seed()
    feed_server.reset()
    articles = score.load_all()
    items = []
    for article in articles:
        headline, text = as_published(article.text)
        path = f"/news/{article.slug}"
        item = {
            "title": headline,
            "link": feed_server.url(path),
            "date": feed_date(article.published_on),
            "summary": text.split("\n", 1)[0][:200],
        }
        if whole_in_feed:
            # The whole article in content:encoded, a paragraph each, with
            # no headline: that is the item's title. No page is served.
            item["content"] = "".join(
                f"<p>{html.escape(part)}</p>"
                for part in text.split("\n\n")
                if part.strip()
            )
        else:
            # A news site's page: the headline as its title and heading, the
            # paragraphs in <article>, the date in its metadata, the outlet's
            # name in og:site_name.
            feed_server.serve(
                path,
                page(
                    headline,
                    text,
                    site="Frontier Wire",
                    published=f"{article.published_on}T07:30:00+00:00",
                ),
            )
        items.append(item)
    feed_server.serve("/devset.xml", rss(items), content_type="application/rss+xml")
    source = make_source(feed_server, "/devset.xml")

    # A poll takes up to MAX_NEW_ITEMS new items, newest first; the next
    # takes those left. Each article is fetched (or read from the feed) and
    # extracted by jobs of a fraction of a second each: the time allowed
    # grows with the set, so that a slow machine is not taken for a stuck
    # worker.
    for _ in range(math.ceil(len(articles) / MAX_NEW_ITEMS)):
        poll(intake_worker, source, timeout=max(60.0, 0.5 * MAX_NEW_ITEMS))

    assert source.last_error == ""
    states = Item.objects.filter(source=source).values_list("state", flat=True)
    assert sorted(set(states)) == [Item.State.ADDED]
    if whole_in_feed:
        # Taken from the feed: no page was asked for.
        assert not any(
            feed_server.requests_for(f"/news/{article.slug}") for article in articles
        )
    client = Client()
    client.force_login(make_user("devset-editor", "Editor"))
    differences = {}
    for article in articles:
        held = SourceArticle.objects.get(url=feed_server.url(f"/news/{article.slug}"))
        assert held.duplicate_of_id is None, article.slug
        assert held.published_on == article.published_on, article.slug
        stored = StoredSuggestions.objects.get(article=held).found
        # As an editor pastes it: the headline, then the paragraphs (a byline
        # right under the headline is a paragraph of its own in a feed).
        headline, text = as_published(article.text)
        pasted = client.post(
            "/api/v1/suggestions/",
            {
                "text": f"{headline}\n\n{text}",
                "published": str(article.published_on),
            },
            content_type="application/json",
        )
        assert pasted.status_code == 200, pasted.content
        if stored != pasted.json():
            differences[article.slug] = (held.body[:300], stored, pasted.json())
    assert not differences, "\n".join(
        f"{slug}: {body!r}\n{described(stored, pasted)}"
        for slug, (body, stored, pasted) in differences.items()
    )


def as_published(text: str) -> tuple[str, str]:
    """
    An article's headline and its text as a page or a feed sets it out:
    each line its own paragraph. A byline or a dateline on a line of its own
    above the story ("Rudaw English", then "SULAIMANI, Kurdistan Region -
    …") is an element of its own on a news page, never the same paragraph.
    """
    headline, _, body = text.partition("\n")
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    return headline.strip(), "\n\n".join(lines)


def described(stored: dict, pasted: dict) -> str:
    """What differs, part by part, for the failure message."""
    lines = []
    for key in sorted(set(stored) | set(pasted)):
        if stored.get(key) == pasted.get(key):
            continue
        if key == "metadata":
            lines.append(f"  metadata: {stored.get(key)} ≠ {pasted.get(key)}")
            continue
        mine = [item.get("text") or item.get("title") for item in stored.get(key, [])]
        theirs = [item.get("text") or item.get("title") for item in pasted.get(key, [])]
        lines.append(f"  {key}: {mine} ≠ {theirs}")
    return "\n".join(lines)
