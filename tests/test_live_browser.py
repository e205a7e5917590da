"""
The live view and the actor filter in a real browser (Debian's Chromium,
Playwright), against a live server on the test database: an event published
after /now/ opened appears at the top, marked new, without a reload; actors
are found by any name as one types, and stay in the address as the other
filters change.
"""

import datetime
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User

from events import workflow
from events.models import Actor, Event, Location, SourceArticle
from tests.conftest import make_event, make_user
from tests.test_browser import (  # noqa: F401 (fixtures)
    CHROMIUM,
    Page,
    browser,
    committed,
    page,
    server,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]

TITLE = "Live: guards exchange fire at the Bashmakh crossing"


@pytest.fixture
def reviewer() -> Iterator[User]:
    user = committed(lambda: make_user("live-reviewer", "Reviewer"))
    yield user
    committed(lambda: User.objects.filter(pk=user.pk).delete())


def publish_now(reviewer: User) -> Event:
    """A cited draft, published by a reviewer, committed."""

    def work() -> Event:
        event = make_event(
            title=TITLE,
            event_type=Event.Type.BATTLE,
            location=Location.objects.get(code="IRQ"),
            start_date=datetime.date(2024, 6, 2),
            end_date=datetime.date(2024, 6, 2),
        )
        event.cite(SourceArticle.objects.first(), "on Sunday")
        outcome = workflow.publish(events=[event], user=reviewer)
        assert outcome.done, outcome.refused
        return event

    return committed(work)


def test_an_event_published_after_the_page_opened_appears(
    page: Page,  # noqa: F811 (the fixture)
    reviewer: User,
) -> None:
    page.open("/now/")
    tab = page.tab
    before = tab.locator("#now-list > li").count()
    assert before > 0
    assert TITLE not in tab.inner_text("#now-list")

    event = publish_now(reviewer)
    try:
        row = tab.locator(f'#now-list > li[data-id="{event.pk}"]')
        row.wait_for(timeout=30_000)
        # At the top, marked new, linking its page; the rest still there.
        first = tab.locator("#now-list > li").first
        assert first.get_attribute("data-id") == str(event.pk)
        assert "is-new" in (row.get_attribute("class") or "")
        assert row.locator(".new-badge").inner_text().lower() == "new"
        assert "Battle" in row.inner_text()
        assert row.locator("a.event-title").get_attribute("href") == (
            f"/events/{event.pk}/"
        )
        assert tab.locator("#now-list > li").count() == before + 1
        assert "1 new event" in tab.inner_text("#now-status")
        page.screenshot("now-live")
        # Later polls do not add it twice.
        tab.locator("#now-status", has_text="Up to date").wait_for(timeout=30_000)
        assert tab.locator(f'#now-list > li[data-id="{event.pk}"]').count() == 1
        page.assert_clean()
    finally:
        committed(lambda: Event.objects.filter(pk=event.pk).delete())


def test_the_actor_filter_finds_by_alias_and_holds(
    page: Page,  # noqa: F811 (the fixture)
) -> None:
    shamkhani = Actor.objects.get(name="Ali Shamkhani")
    page.open("/timeline/?type=agreement")
    tab = page.tab
    search = tab.locator("#f-actor")
    search.press_sequentially("Shamkh", delay=30)
    option = tab.locator("#f-actor-options [role=option]").first
    option.wait_for()
    assert "Ali Shamkhani" in option.inner_text()
    assert search.get_attribute("aria-expanded") == "true"
    search.press("Enter")
    tab.locator(f'#f-actor-chosen li[data-id="{shamkhani.pk}"]').wait_for()
    with tab.expect_navigation():
        tab.click("#filters button[type=submit]")
    query = parse_qs(urlsplit(tab.url).query)
    assert query["actor"] == [str(shamkhani.pk)]
    assert query["type"] == ["agreement"]
    # Another filter changed: the actor stays.
    tab.select_option("#f-type", "")
    tab.select_option("#f-sort", "newest")
    with tab.expect_navigation():
        tab.click("#filters button[type=submit]")
    query = parse_qs(urlsplit(tab.url).query)
    assert query["actor"] == [str(shamkhani.pk)] and query["sort"] == ["newest"]
    assert "Ali Shamkhani" in tab.inner_text("#f-actor-chosen")
    # Removed by its button, it leaves the address with the next search.
    tab.click(f'#f-actor-chosen li[data-id="{shamkhani.pk}"] .chip-remove')
    with tab.expect_navigation():
        tab.click("#filters button[type=submit]")
    assert "actor" not in parse_qs(urlsplit(tab.url).query)
    page.assert_clean()
