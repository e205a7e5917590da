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
from django.db import connections
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

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
from tracker.wsgi import application

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # WebGL in software, for the map (MapLibre GL JS).
    "--enable-unsafe-swiftshader",
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
    httpd.set_app(StaticFilesHandler(application))
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


def wait_for_map(page: Page, loaded: str | None = None) -> None:
    """Until the map has drawn its tiles and counted the events in view."""
    selector = (
        "#event-map[data-loaded]"
        if loaded is None
        else (f"#event-map[data-loaded='{loaded}']")
    )
    try:
        page.tab.wait_for_selector(selector, state="attached", timeout=30000)
    except PlaywrightTimeout:
        shown = page.tab.evaluate(
            "(() => { const m = document.getElementById('event-map');"
            " const s = document.getElementById('map-status');"
            " return [m.dataset.loaded, s && s.textContent, location.href]; })()"
        )
        raise AssertionError(
            f"the map never counted {loaded or 'its'} events: data-loaded, "
            f"status and address were {shown}"
        ) from None


def rendered(page: Page, *layers: str) -> int:
    layer_list = ",".join(f"'{layer}'" for layer in layers)
    return page.tab.evaluate(
        "window.ZagrosEventMap.map.queryRenderedFeatures("
        f"{{layers: [{layer_list}]}}).length"
    )


def jump(page: Page, lon: float, lat: float, zoom: float) -> None:
    """Moves the map and waits until the new view's tiles are drawn."""
    page.tab.evaluate("delete document.getElementById('event-map').dataset.loaded")
    page.tab.evaluate(
        f"window.ZagrosEventMap.map.jumpTo({{center: [{lon}, {lat}], zoom: {zoom}}})"
    )
    wait_for_map(page)


def click_on_map(page: Page, lon: float, lat: float) -> None:
    """A click where the map draws a place."""
    x, y = page.tab.evaluate(
        f"(() => {{ const p = window.ZagrosEventMap.map.project([{lon}, {lat}]);"
        " return [p.x, p.y]; })()"
    )
    box = page.tab.locator("#event-map canvas").bounding_box()
    page.tab.mouse.click(box["x"] + x, box["y"] + y)


def test_map_draws_events_and_boundaries_from_tiles(page: Page) -> None:
    requested: list[str] = []
    page.tab.on("response", lambda r: requested.append(f"{r.status} {r.url}"))
    page.open("/map/")
    wait_for_map(page, "9")
    tab = page.tab
    tiles = [line for line in requested if "/tiles/" in line]
    assert any("/tiles/events.json" in line for line in tiles)
    assert any("/tiles/boundaries/" in line for line in tiles)
    assert any("/tiles/events/" in line and ".mvt" in line for line in tiles)
    assert all(line.startswith(("200 ", "304 ")) for line in tiles), tiles
    assert not any("/maps/events.geojson" in line for line in requested)
    # The boundaries, the event cells, and the region's and border's names.
    assert rendered(page, "countries") > 0
    assert rendered(page, "borders") > 0
    assert rendered(page, "cells") >= 3
    assert "Kurdistan Region" in tab.inner_text(".basemap-label-region")
    assert "Iran–Iraq border" in tab.inner_text(".basemap-label-border")
    # The legend names every type, with its symbol.
    assert tab.locator("#map-legend [data-type]").count() == len(Event.Type)
    page.screenshot("map-clusters")
    page.assert_clean()


def test_zoomed_in_map_draws_approximate_places_as_circles(page: Page) -> None:
    page.open("/map/")
    wait_for_map(page)
    event = Event.objects.filter(geo_precision="region").order_by("pk").first()
    jump(page, event.point.x, event.point.y, 9)
    assert rendered(page, "approximate") >= 1
    assert rendered(page, "cells") == 0
    assert "in view" in page.tab.inner_text("#map-status")
    page.screenshot("map-zoomed")
    page.assert_clean()


def test_a_popup_links_the_event_and_its_sources(page: Page) -> None:
    signing = Event.objects.get(title__startswith="Iraq and Iran sign")
    article = SourceArticle.objects.get()
    page.open("/map/")
    wait_for_map(page)
    jump(page, signing.point.x, signing.point.y, 13)
    assert rendered(page, "events") == 2  # the signing and the meeting
    click_on_map(page, signing.point.x, signing.point.y)
    popup = page.tab.locator(".maplibregl-popup-content")
    popup.wait_for()
    links = popup.locator("a")
    titles = links.all_inner_texts()
    assert any(title in titles for title in (
        signing.title, "Prime Minister al-Sudani meets Ali Shamkhani in Baghdad"
    ))  # fmt: skip
    popup.locator(".map-popup-sources li a").first.wait_for()
    source = popup.locator(".map-popup-sources li a").first
    assert source.inner_text() == article.title
    assert source.get_attribute("href") == f"/articles/{article.pk}/"
    page.screenshot("map-popup")
    page.assert_clean()


def test_the_url_restores_a_view(page: Page) -> None:
    page.open("/map/?type=statement#map=7.5/33.2/44.1&layers=heat")
    wait_for_map(page)
    tab = page.tab
    state = tab.evaluate(
        "(() => { const m = window.ZagrosEventMap.map; const c = m.getCenter();"
        " return {zoom: m.getZoom(), lat: c.lat, lon: c.lng,"
        " heat: m.getLayoutProperty('heat-cells', 'visibility'),"
        " events: m.getLayoutProperty('cells', 'visibility')}; })()"
    )
    assert state["zoom"] == 7.5
    assert abs(state["lat"] - 33.2) < 1e-6 and abs(state["lon"] - 44.1) < 1e-6
    assert state["heat"] == "visible" and state["events"] == "none"
    assert tab.is_checked("#layer-heat") and not tab.is_checked("#layer-events")
    assert tab.input_value("#f-type") == "statement"
    # Moved and switched, the view is in the address, and the address restores it.
    tab.check("#layer-events")
    jump(page, 51.4, 35.7, 6)
    assert "#map=6/35.7000/51.4000&layers=events,heat" in tab.url
    assert "type=statement" in tab.url
    tab.reload()
    wait_for_map(page)
    assert tab.evaluate("window.ZagrosEventMap.map.getZoom()") == 6
    assert tab.is_checked("#layer-events") and tab.is_checked("#layer-heat")
    # The filters' form keeps the view when it applies new filters.
    tab.select_option("#f-type", "agreement")
    tab.click("#filters button[type=submit]")
    wait_for_map(page)
    assert "type=agreement" in tab.url and "#map=6/35.7000/51.4000" in tab.url
    # And clearing them keeps it too.
    tab.click("#filters a:has-text('Clear')")
    wait_for_map(page)
    assert "type=" not in tab.url and "#map=6/35.7000/51.4000" in tab.url
    page.assert_clean()


def test_on_a_phone_the_map_is_on_the_first_screen(browser, server) -> None:
    phone = Page(browser, server, width=390)
    try:
        phone.open("/map/")
        wait_for_map(phone)
        tab = phone.tab
        assert not tab.evaluate("document.getElementById('filters-fold').open")
        box = tab.locator("#event-map").bounding_box()
        assert box["y"] + 200 < 900, box  # at least 200 pixels of map show
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        tab.click("#filters-fold summary")
        assert tab.is_visible("#f-type")
        phone.screenshot("map-phone")
        phone.assert_clean()
    finally:
        phone.context.close()
        connections.close_all()


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
    wait_for_map(page)
    assert page.tab.get_attribute("#event-map", "data-loaded") == "2"
    assert page.tab.input_value("#f-type") == "statement"
    page.assert_clean()


def test_the_year_slider_narrows_the_map_and_the_timeline(page: Page) -> None:
    page.open("/map/")
    tab = page.tab
    wait_for_map(page, "9")
    tab.fill("#slider-start", "2023")
    tab.dispatch_event("#slider-start", "change")
    wait_for_map(page, "4")
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
    wait_for_map(page)
    # The map names the regions on it, as text.
    labels = tab.locator("#event-map .basemap-label-region")
    labels.filter(has_text=HOSTILE_NAME).wait_for()
    # Close enough that the event is drawn on its own, with its popup.
    point = hostile_place.point
    jump(page, point.x, point.y, 11)
    assert tab.get_attribute("#event-map", "data-loaded") == "1"
    click_on_map(page, point.x, point.y)
    popup = tab.locator(".maplibregl-popup-content")
    popup.wait_for()
    assert popup.locator("strong a").inner_text() == HOSTILE_NAME
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
    # Opened, the picker lists every actor until the search's answer comes.
    expect(options).to_have_text(["Saraya Browser", "Saraya Browser (Iraq)"])
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
