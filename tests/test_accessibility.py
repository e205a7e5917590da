"""
WCAG 2.1 AA on every page an analyst, editor or reviewer uses, checked by
axe-core (Deque's engine, from npm: see package.json) injected into Debian's
Chromium. Django's stock admin screens are Django's; the screens this project
adds to the admin (curation, review queue, inbox) are ours and are checked.
"""

# The browser fixtures are imported from the browser tests, and pytest hands
# them to the tests below by name: ruff reads that as redefinition.
# ruff: noqa: F811

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from events.models import Actor, Agreement, Event, Location, SourceArticle
from tests.test_browser import (  # noqa: F401 (fixtures used by name)
    BROWSER_PASSWORD,
    CHROMIUM,
    Page,
    browser,
    page,
    server,
)

AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
# The rules of WCAG 2.0 and 2.1, levels A and AA.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]


def violations(page: Page) -> list[str]:
    """What axe-core finds on the open page, one line per rule and element."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run bin/setup --test (npm ci)")
    # Evaluated by the browser's debugging protocol, so the page's
    # Content-Security-Policy (scripts from 'self' only) stays as served.
    page.tab.evaluate(AXE.read_text() + "\n;void 0")
    found = page.tab.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}})
            .then(r => r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ")),
            })))""",
        WCAG_AA,
    )
    return [
        f"{v['impact']} {v['id']} ({v['help']}): {node}"
        for v in found
        for node in v["nodes"]
    ]


def analyst_pages() -> list[str]:
    signing = Event.objects.get(title__startswith="Iraq and Iran sign")
    return [
        "/",
        "/timeline/",
        "/timeline/?country=IRQ&start=2023-01-01&sort=newest",
        "/now/",
        "/map/",
        "/about/",
        signing.get_absolute_url(),
        Actor.objects.get(name="Ali Shamkhani").get_absolute_url(),
        Agreement.objects.get().get_absolute_url(),
        Location.objects.get(code="IQ-KR").get_absolute_url(),
        Location.objects.get(code="IRQ").get_absolute_url(),
        SourceArticle.objects.get().get_absolute_url(),
        "/admin/login/",
        "/ogc/?f=html",
        "/ogc/collections?f=html",
        "/ogc/collections/events?f=html",
        "/ogc/collections/events/items?f=html",
        f"/ogc/collections/events/items/{signing.pk}?f=html",
        "/ogc/collections/events/queryables?f=html",
    ]


def editor_pages() -> list[str]:
    article = SourceArticle.objects.get()
    return [
        "/searches/",
        "/searches/new/?country=IRQ&type=battle",
        "/review/",
        "/inbox/",
        f"/admin/events/sourcearticle/{article.pk}/curate/",
    ]


def check(page: Page, paths: list[str]) -> None:
    found = []
    for path in paths:
        page.open(path)
        found += [f"{path}: {problem}" for problem in violations(page)]
    if found:
        pytest.fail("WCAG 2.1 AA violations:\n" + "\n".join(found), pytrace=False)


def test_analyst_pages_meet_wcag_21_aa(page: Page) -> None:
    check(page, analyst_pages())
    page.assert_clean()


def test_phone_pages_meet_wcag_21_aa(browser, server) -> None:
    phone = Page(browser, server, width=390)
    try:
        check(phone, ["/", "/timeline/", "/now/", "/map/"])
    finally:
        phone.context.close()


@pytest.fixture
def signed_in(page: Page) -> Iterator[Page]:
    page.open("/admin/login/")
    page.tab.fill("#id_username", "browser-editor")
    page.tab.fill("#id_password", BROWSER_PASSWORD)
    page.tab.click("input[type=submit]")
    page.tab.wait_for_load_state("networkidle")
    yield page


def test_editor_screens_meet_wcag_21_aa(signed_in: Page) -> None:
    check(signed_in, editor_pages())
    signed_in.assert_clean()
