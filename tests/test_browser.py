"""
Pages in a real browser: Debian's Chromium driven by Playwright against a live
server on the test database. Screenshots go to artifacts/screenshots/.
"""

import datetime
import os
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import Polygon
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.db import connections

from events.models import (
    Actor,
    ActorMerge,
    Agreement,
    Event,
    Location,
    Participant,
    SourceArticle,
)
from intake import polling
from tests.conftest import make_event
from tests.intake_documents import story

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = settings.BASE_DIR / "artifacts" / "screenshots"
BROWSER_PASSWORD = "browser-test-password"
# Markup an editor might type as a name: run as HTML, it would set window.__xss.
HOSTILE_NAME = "<img src=x onerror=window.__xss=1>"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker) -> Iterator[str]:
    """
    A live server on the test database. Unlike pytest-django's live_server it
    needs no flush between tests: it reads the data committed at setup (the
    geography, the curated seed and the users below).
    """
    with django_db_blocker.unblock():
        user, _ = User.objects.get_or_create(username="browser-editor", is_staff=True)
        user.set_password(BROWSER_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name="Editor")])
    httpd = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    httpd.set_app(StaticFilesHandler(get_wsgi_application()))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    connections.close_all()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    # Playwright's synchronous API runs an event loop in this thread; the ORM
    # calls the tests make beside it are ordinary blocking calls.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Page:
    """A browser tab that records console errors and requests off the server."""

    def __init__(self, browser, server: str, *, width: int = 1280) -> None:
        self.server = server
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.tab = self.context.new_page()
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.tab.on(
            "console",
            lambda msg: self.errors.append(msg.text) if msg.type == "error" else None,
        )
        self.tab.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.tab.on("request", self._check_request)

    def _check_request(self, request) -> None:
        if not request.url.startswith((self.server, "data:", "blob:")):
            self.foreign.append(request.url)

    def open(self, path: str) -> None:
        response = self.tab.goto(self.server + path)
        assert response.status == 200, path
        self.tab.wait_for_load_state("networkidle")

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.foreign == [], f"requests off the server: {self.foreign}"


@pytest.fixture
def page(browser, server) -> Iterator[Page]:
    tab = Page(browser, server)
    yield tab
    tab.context.close()
    # With Playwright's loop running, the ORM here uses connections of its own
    # context, which pytest-django does not know to close.
    connections.close_all()


def detail_paths() -> list[tuple[str, str]]:
    signing = Event.objects.get(title__startswith="Iraq and Iran sign")
    return [
        ("index", "/"),
        ("timeline", "/timeline/"),
        ("map", "/map/"),
        ("about", "/about/"),
        ("event", signing.get_absolute_url()),
        ("actor", Actor.objects.get(name="Ali Shamkhani").get_absolute_url()),
        ("agreement", Agreement.objects.get().get_absolute_url()),
        ("region", Location.objects.get(code="IQ-KR").get_absolute_url()),
        ("article", SourceArticle.objects.get().get_absolute_url()),
    ]


def test_every_page_loads_cleanly_and_offline(page: Page) -> None:
    for name, path in detail_paths():
        page.open(path)
        page.screenshot(name)
    page.assert_clean()


def test_map_draws_border_region_and_markers(page: Page) -> None:
    page.open("/map/")
    tab = page.tab
    tab.wait_for_selector("path.basemap-border")
    tab.wait_for_selector("#event-map[data-loaded]")
    assert tab.locator("path.basemap-border").count() >= 2  # Iran–Iraq, Kurdistan–Iran
    assert tab.locator("path.basemap-region").count() == 1
    assert tab.locator("path.basemap-country").count() == 12
    markers = tab.locator(".cluster, path.marker").count()
    assert markers >= 3
    assert int(tab.get_attribute("#event-map", "data-loaded")) == 9
    tab.dispatch_event("path.basemap-region", "mouseover")
    assert "Kurdistan Region" in tab.inner_text(".leaflet-tooltip-pane")
    page.screenshot("map-clusters")
    page.assert_clean()


def test_zoomed_in_map_draws_approximate_places_as_circles(page: Page) -> None:
    page.open("/map/")
    tab = page.tab
    tab.wait_for_selector("#event-map[data-loaded]")
    tab.evaluate("window.ZagrosEventMap.map.setView([35.5, 45.5], 9)")
    tab.wait_for_selector("path.marker.approximate")
    tab.wait_for_function(
        "document.querySelector('#map-status').textContent.includes('in view')"
    )
    page.screenshot("map-zoomed")
    page.assert_clean()


def timeline_rows(page: Page) -> int:
    return page.tab.locator(".event-row").count()


def test_a_filter_narrows_both_timeline_and_map(page: Page) -> None:
    page.open("/timeline/")
    everything = timeline_rows(page)
    assert everything == 9
    page.tab.select_option("#f-type", "statement")
    page.tab.click("#filters button[type=submit]")
    page.tab.wait_for_load_state("networkidle")
    assert re.search(r"[?&]type=statement", page.tab.url)
    assert timeline_rows(page) == 2
    page.screenshot("timeline-filtered")

    page.tab.click("#to-map")
    page.tab.wait_for_selector("#event-map[data-loaded]")
    assert page.tab.get_attribute("#event-map", "data-loaded") == "2"
    assert page.tab.input_value("#f-type") == "statement"
    page.assert_clean()


def test_the_year_slider_narrows_the_map_and_the_timeline(page: Page) -> None:
    page.open("/map/")
    tab = page.tab
    tab.wait_for_selector("#event-map[data-loaded='9']")
    tab.fill("#slider-start", "2023")
    tab.dispatch_event("#slider-start", "change")
    tab.wait_for_selector("#event-map[data-loaded='4']")
    assert "start=2023" in tab.url
    tab.click("#to-timeline")
    tab.wait_for_load_state("networkidle")
    assert timeline_rows(page) == 4
    page.assert_clean()


def test_chart_bar_narrows_the_timeline(page: Page) -> None:
    page.open("/timeline/")
    bars = page.tab.locator(".timeline-chart .bar-link")
    assert bars.count() >= 2
    bars.first.click()
    page.tab.wait_for_load_state("networkidle")
    assert "start=" in page.tab.url and "end=" in page.tab.url
    assert 0 < timeline_rows(page) < 9
    page.assert_clean()


def test_pages_fit_a_phone(browser, server) -> None:
    phone = Page(browser, server, width=375)
    try:
        for _name, path in detail_paths():
            phone.open(path)
            overflow = phone.tab.evaluate(
                "document.scrollingElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 1, f"{path} is {overflow}px too wide"
        phone.open("/timeline/")
        phone.screenshot("timeline-phone")
        phone.assert_clean()
    finally:
        phone.context.close()


def test_keyboard_reaches_the_content(page: Page) -> None:
    page.open("/timeline/")
    page.tab.keyboard.press("Tab")
    assert page.tab.evaluate("document.activeElement.textContent") == "Skip to content"
    page.tab.keyboard.press("Enter")
    assert page.tab.url.endswith("#content")


def test_editor_signs_in_and_the_admin_map_draws_offline(page: Page) -> None:
    page.open("/admin/login/")
    page.tab.fill("#id_username", "browser-editor")
    page.tab.fill("#id_password", BROWSER_PASSWORD)
    page.tab.click("input[type=submit]")
    page.tab.wait_for_load_state("networkidle")
    region = Location.objects.get(code="IQ-KR")
    page.open(f"/admin/events/location/{region.pk}/change/")
    page.tab.wait_for_selector(
        ".leaflet-container path.basemap-country", state="attached"
    )
    # The form has a map for the shape and one for the marker point.
    assert page.tab.locator(".leaflet-container path.basemap-country").count() == 24
    assert page.tab.locator(".leaflet-container path.basemap-border").count() == 4
    page.screenshot("admin-location-map")
    page.assert_clean()


def test_api_docs_render_from_local_assets(page: Page) -> None:
    page.open("/api/v1/docs/")
    page.tab.wait_for_selector(".swagger-ui .opblock-tag", timeout=20_000)
    assert "events" in page.tab.inner_text(".swagger-ui").lower()
    page.screenshot("api-docs")
    page.assert_clean()


T = TypeVar("T")


def committed(work: Callable[[], T]) -> T:
    """
    Runs ORM work on a connection of its own, outside the test's transaction,
    so that the live server's threads see what it writes.
    """

    def run() -> T:
        try:
            return work()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


@pytest.fixture
def hostile_place() -> Iterator[Location]:
    """A region and a published event there, both named with markup by an editor."""

    def create() -> Location:
        region = Location.objects.create(
            name=HOSTILE_NAME,
            kind=Location.Kind.REGION,
            country_code="IRQ",
            geometry=Polygon.from_bbox((40.0, 31.0, 40.6, 31.6)),
        )
        make_event(
            title=HOSTILE_NAME,
            location=region,
            geo_precision="exact",
            status=Event.Status.PUBLISHED,
        )
        return region

    def remove(region: Location) -> None:
        Event.objects.filter(location=region).delete()
        region.delete()

    region = committed(create)
    yield region
    committed(lambda: remove(region))


def test_names_in_map_tooltips_and_popups_are_text(
    page: Page, hostile_place: Location
) -> None:
    page.open("/map/")
    tab = page.tab
    tab.wait_for_selector("#event-map[data-loaded]")
    # The basemap names the region with a permanent tooltip.
    tooltips = tab.locator(".leaflet-tooltip-pane .basemap-label-region")
    tooltips.filter(has_text=HOSTILE_NAME).wait_for()
    # Close enough that the event is drawn on its own, with its popup.
    point = hostile_place.point
    tab.evaluate(f"window.ZagrosEventMap.map.setView([{point.y}, {point.x}], 11)")
    tab.wait_for_selector("#event-map[data-loaded='1']")
    tab.click("path.marker")
    popup = tab.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator("a").inner_text() == HOSTILE_NAME
    assert HOSTILE_NAME in popup.inner_text()  # the place, after the date
    assert tab.locator("#event-map img").count() == 0
    assert tab.evaluate("typeof window.__xss") == "undefined"
    page.screenshot("map-hostile-names")
    page.assert_clean()


@pytest.fixture
def inbox_articles() -> Iterator[dict[str, SourceArticle]]:
    """New articles as intake leaves them: suggestions stored, a reprint folded."""

    def create() -> dict[str, SourceArticle]:
        wire = SourceArticle.objects.create(
            title="Iran strikes Kurdish groups near Koya",
            publisher="Border Wire",
            url="https://wire.example/koya",
            published_on=datetime.date(2031, 11, 14),
            body=story("strikes-wire"),
        )
        polling.store_suggestions(wire)
        reprint = SourceArticle.objects.create(
            title="Guards pound Kurdish camps",
            publisher="Partner Daily",
            url="https://partner.example/koya",
            body=story("strikes-reprint"),
            duplicate_of=wire,
        )
        persian = SourceArticle.objects.create(
            title="توافق امنیتی مرزی",
            publisher="IRNA",
            url="https://irna.example/deal",
            published_on=datetime.date(2031, 11, 15),
            language="fa",
            body=story("fa-original"),
        )
        return {"wire": wire, "reprint": reprint, "persian": persian}

    def remove() -> None:
        # A copy first: an original is protected while copies point to it.
        for name in ("reprint", "wire", "persian"):
            SourceArticle.objects.filter(pk=articles[name].pk).delete()

    articles = committed(create)
    yield articles
    committed(remove)


def test_an_editor_walks_the_inbox_to_the_curation_screen(
    page: Page, inbox_articles: dict[str, SourceArticle]
) -> None:
    page.open("/admin/login/?next=/inbox/")
    page.tab.fill("#id_username", "browser-editor")
    page.tab.fill("#id_password", BROWSER_PASSWORD)
    page.tab.click("input[type=submit]")
    page.tab.wait_for_url("**/inbox/")
    tab = page.tab
    wire, persian = inbox_articles["wire"], inbox_articles["persian"]
    entry = tab.locator(f"#article-{wire.pk}")

    # What was found in it, and its reprint folded under it.
    chips = entry.locator(".chip").all_inner_texts()
    assert {"Erbil", "Iraq", "Baghdad"} <= set(chips)
    entry.locator("summary").click()
    assert entry.locator(".duplicates a").inner_text() == "Guards pound Kurdish camps"
    # Persian runs right to left.
    heading = tab.locator(f"#article-{persian.pk} h2")
    assert heading.evaluate("h => getComputedStyle(h).direction") == "rtl"
    page.screenshot("inbox")

    # Set one aside with a reason: it leaves the inbox.
    aside = tab.locator(f"#article-{persian.pk}")
    aside.locator("input[name=reason]").fill("Covered by the wire story")
    aside.locator("button", has_text="Dismiss").click()
    tab.wait_for_load_state("networkidle")
    assert tab.locator(f"#article-{persian.pk}").count() == 0
    persian.refresh_from_db()
    assert (persian.state, persian.dismissed_reason) == (
        "dismissed",
        "Covered by the wire story",
    )

    # One step to the curation screen.
    entry.get_by_role("link", name="Open the curation screen").click()
    tab.wait_for_load_state("networkidle")
    assert tab.url.endswith(f"/admin/events/sourcearticle/{wire.pk}/curate/")
    assert "Iran strikes Kurdish groups near Koya" in tab.content()
    page.assert_clean()


@pytest.fixture
def twin_actors() -> Iterator[tuple[Actor, Actor]]:
    """Two rows that are one group, each in an event of its own (committed)."""

    def create() -> tuple[Actor, Actor]:
        kept = Actor.objects.create(name="Saraya Browser", kind="armed_group")
        twin = Actor.objects.create(name="Saraya Browser (Iraq)", kind="armed_group")
        for actor in (kept, twin):
            event = make_event(title=f"Attack claimed by {actor.name}")
            event.participations.create(actor=actor, role="initiator")
        return kept, twin

    def remove(kept: Actor, twin: Actor) -> None:
        Event.objects.filter(title__startswith="Attack claimed by Saraya").delete()
        Actor.objects.filter(pk__in=[kept.pk, twin.pk]).delete()
        ActorMerge.objects.filter(survivor_id=kept.pk).delete()

    kept, twin = committed(create)
    yield kept, twin
    committed(lambda: remove(kept, twin))


def test_editor_merges_two_actors_found_by_search_and_undoes_it(
    page: Page, twin_actors: tuple[Actor, Actor]
) -> None:
    kept, twin = twin_actors
    page.open("/admin/login/")
    page.tab.fill("#id_username", "browser-editor")
    page.tab.fill("#id_password", BROWSER_PASSWORD)
    page.tab.click("input[type=submit]")
    page.tab.wait_for_load_state("networkidle")

    page.open(f"/admin/events/actor/{twin.pk}/change/")
    page.tab.click("text=Merge into…")
    page.tab.wait_for_load_state("networkidle")
    # The picker searches by any spelling and lists each actor once.
    page.tab.click(".select2-selection")
    page.tab.fill(".select2-search__field", "saraya  BROWSER")
    options = page.tab.locator(".select2-results__option:not(.loading-results)")
    options.first.wait_for()
    assert options.all_inner_texts() == ["Saraya Browser", "Saraya Browser (Iraq)"]
    options.first.click()
    page.tab.click("input[name=_preview]")
    page.tab.wait_for_load_state("networkidle")
    assert "1 event re-pointed" in page.tab.inner_text(".merge-preview")
    page.screenshot("admin-actor-merge")
    page.tab.click("input[name=_merge]")
    page.tab.wait_for_load_state("networkidle")

    assert page.tab.url.endswith(f"/admin/events/actor/{kept.pk}/change/")
    assert "is merged into Saraya Browser" in page.tab.inner_text(".messagelist")
    assert page.tab.input_value("#id_aliases") == "Saraya Browser (Iraq)"
    assert not committed(lambda: Actor.objects.filter(pk=twin.pk).exists())

    page.tab.click("text=The merge")
    page.tab.wait_for_load_state("networkidle")
    page.tab.click("input[value='Undo merge']")
    page.tab.wait_for_load_state("networkidle")

    assert "The merge is undone" in page.tab.inner_text(".messagelist")
    back = committed(
        lambda: list(Participant.objects.filter(actor_id=twin.pk).values_list("role"))
    )
    assert back == [("initiator",)]
    page.assert_clean()
