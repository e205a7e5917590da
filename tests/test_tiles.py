"""
Vector tiles of the events and the boundaries, read back by GDAL's MVT driver
(a client not written here): what they hold under each filter and for each
reader, how a zoom's cells add up, ETags and caching, TileJSON.
"""

import json
import math
import secrets
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import DataError, close_old_connections, connection
from django.forms import MultiWidget
from django.http import HttpRequest, HttpResponse, QueryDict
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from events import queries, tile_views, tiles
from events.models import Event, Location
from tests import test_ogc_clients
from tests.conftest import (
    PERSONAS,
    WINDOW,
    SharedWorld,
    load_seed,
    make_event,
    persona_client,
)
from tracker.afterwards import afterwards
from tracker.replicas import read_first

pytestmark = pytest.mark.django_db

# The OGC client tests' live server: the seed and 25 published battles more.
server = test_ogc_clients.server

MVT = "application/vnd.mapbox-vector-tile"
DATES = {"start": WINDOW[0].isoformat(), "end": WINDOW[1].isoformat()}


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    rad = math.radians(lat)
    y = int((1 - math.log(math.tan(rad) + 1 / math.cos(rad)) / math.pi) / 2 * n)
    return z, x, y


def gdal_layers(source: str, z: int, x: int, y: int) -> dict[str, list[dict]]:
    """Every layer GDAL reads from an MVT tile (a file or a URL), as GeoJSON
    features in longitude and latitude."""
    options = ["-oo", f"Z={z}", "-oo", f"X={x}", "-oo", f"Y={y}"]
    listing = subprocess.run(
        ["ogrinfo", "-ro", "-q", *options, source],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    names = [line.split(": ", 1)[1].split(" (")[0] for line in listing.splitlines()
             if ": " in line and line.split(":")[0].strip().isdigit()]  # fmt: skip
    layers = {}
    for name in names:
        out = subprocess.run(
            ["ogr2ogr", "-f", "GeoJSON", "-t_srs", "EPSG:4326", "/vsistdout/",
             *options, source, name],
            capture_output=True, text=True, check=True, timeout=60,
        ).stdout  # fmt: skip
        layers[name] = json.loads(out)["features"]
    return layers


def read_tile(content: bytes, z: int, x: int, y: int) -> dict[str, list[dict]]:
    """A tile's layers as GDAL reads them; an empty tile has none."""
    if not content:
        return {}
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "tile.mvt"
        path.write_bytes(content)
        return gdal_layers(str(path), z, x, y)


def get_tile(client: Client, z: int, x: int, y: int, **params) -> dict:
    response = client.get(f"/tiles/events/{z}/{x}/{y}.mvt", params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == MVT
    return read_tile(response.content, z, x, y)


def event_ids(layers: dict) -> set[int]:
    return {f["properties"]["mvt_id"] for f in layers.get("events", [])}


def cell_total(layers: dict) -> int:
    return sum(f["properties"]["count"] for f in layers.get("cells", []))


def world_total(client: Client, z: int, **params) -> int:
    """The cells' counts over every tile of a zoom."""
    return sum(
        cell_total(get_tile(client, z, x, y, **params))
        for x in range(2**z)
        for y in range(2**z)
    )


# --- GDAL over HTTP ------------------------------------------------------------


def test_gdal_reads_event_and_boundary_tiles_by_url(server: str) -> None:
    baghdad = Location.objects.get(name="Baghdad", kind=Location.Kind.CITY)
    z, x, y = tile_of(baghdad.point.x, baghdad.point.y, 12)
    layers = gdal_layers(f"{server}/tiles/events/{z}/{x}/{y}.mvt", z, x, y)
    events = {f["properties"]["mvt_id"]: f for f in layers["events"]}
    signing = Event.objects.get(title__startswith="Iraq and Iran sign")
    feature = events[signing.pk]
    assert feature["properties"]["title"] == signing.title
    assert feature["properties"]["type"] == "agreement"
    assert feature["properties"]["precision"] == "exact"
    lon, lat = feature["geometry"]["coordinates"]
    # Within a tile coordinate of the event's point (4096 to a 10 km tile).
    assert abs(lon - signing.point.x) < 0.001 and abs(lat - signing.point.y) < 0.001

    # Far out, the seed and the server's 25 battles at Iraq's centre, in cells.
    z, x, y = tile_of(44.0, 33.0, 3)
    cells = gdal_layers(f"{server}/tiles/events/{z}/{x}/{y}.mvt?type=battle", z, x, y)
    assert (
        cell_total(cells)
        == Event.objects.published().filter(event_type="battle").count()
    )
    assert {f["properties"]["type"] for f in cells["cells"]} == {"battle"}

    region = Location.objects.get(code="IQ-KR").geometry.point_on_surface
    z, x, y = tile_of(region.x, region.y, 5)
    basemap = gdal_layers(f"{server}/tiles/boundaries/{z}/{x}/{y}.mvt", z, x, y)
    assert set(basemap) == {"areas", "borders", "labels"}
    kinds = {f["properties"]["kind"] for f in basemap["areas"]}
    assert {"country", "admin1", "region"} <= kinds
    codes = {f["properties"]["code"] for f in basemap["borders"]}
    assert "IRN-IRQ" in codes
    labels = {f["properties"]["name"] for f in basemap["labels"]}
    assert "Kurdistan Region" in labels


def test_tilejson_names_the_tiles_with_the_filters(client: Client) -> None:
    document = client.get("/tiles/events.json", {"type": "battle", "q": "a b"}).json()
    assert document["tilejson"] == "3.0.0"
    (template,) = document["tiles"]
    assert template.startswith("http://testserver/tiles/events/{z}/{x}/{y}.mvt?")
    assert "type=battle" in template and "q=a%20b" in template
    assert {layer["id"] for layer in document["vector_layers"]} == {"cells", "events"}
    events = next(v for v in document["vector_layers"] if v["id"] == "events")
    assert set(events["fields"]) == {"title", "type", "precision", "fatalities",
                                     "date", "place"}  # fmt: skip
    assert document["minzoom"] == 0 and document["maxzoom"] == tiles.MAX_ZOOM
    basemap = client.get("/tiles/boundaries.json").json()
    assert basemap["tiles"] == ["http://testserver/tiles/boundaries/{z}/{x}/{y}.mvt"]
    # A filter that cannot be used: the document says which, as the API does.
    response = client.get("/tiles/events.json", {"start": "soon"})
    assert response.status_code == 400
    assert "start" in response.json()


# --- what a tile holds -------------------------------------------------------------


def test_each_event_is_counted_once_at_every_zoom(client: Client) -> None:
    cache.clear()
    visible = Event.objects.published().filter(point__isnull=False).count()
    for z in (0, 1, 2, 3):
        assert world_total(client, z) == visible, z


@pytest.mark.parametrize(
    "params",
    [
        {"type": "statement"},
        {"country": "IRN"},
        {"start": "2023"},
        {"q": "agreement"},
        {"bbox": "44,33,45,34"},
        {"type": "statement", "start": "2022", "end": "2022"},
    ],
)
def test_filters_apply_to_tiles_as_to_the_api(client: Client, params: dict) -> None:
    cache.clear()
    listed = client.get("/api/v1/events/", {**params, "limit": 1000}).json()
    expected = {row["id"] for row in listed["results"]}
    assert world_total(client, 2, **params) == len(expected)
    # Close in, event by event, in each tile holding one.
    found = set()
    for event in Event.objects.filter(pk__in=expected):
        tile = tile_of(event.point.x, event.point.y, 13)
        found |= event_ids(get_tile(client, *tile, **params))
    assert found == expected


def test_bad_filters_and_tiles_are_refused_clearly(client: Client) -> None:
    response = client.get("/tiles/events/3/5/3.mvt", {"type": "nonsense"})
    assert response.status_code == 400
    assert "type" in response.json()
    for path in ("/tiles/events/15/0/0.mvt", "/tiles/events/2/4/0.mvt",
                 "/tiles/boundaries/3/0/8.mvt"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 404, path
        assert "zoom" in response.json()["detail"]


def test_a_dense_tile_stays_in_cells(client: Client, monkeypatch) -> None:
    cache.clear()
    baghdad = Location.objects.get(name="Baghdad", kind=Location.Kind.CITY)
    z, x, y = tile_of(baghdad.point.x, baghdad.point.y, 12)
    assert cell_total(get_tile(client, z, x, y)) == 0
    assert len(event_ids(get_tile(client, z, x, y))) == 2
    cache.clear()
    monkeypatch.setattr(tiles, "MAX_TILE_EVENTS", 1)
    layers = get_tile(client, z, x, y)
    assert "events" not in layers
    assert cell_total(layers) == 2


def test_fatalities_and_precision_reach_the_tile(client: Client) -> None:
    cache.clear()
    erbil = Location.objects.get(code="IQ-AR")
    event = make_event(
        title="Shelling near Erbil",
        event_type=Event.Type.REMOTE_VIOLENCE,
        location=erbil,
        geo_precision="region",
        fatalities_best=7,
        status=Event.Status.PUBLISHED,
    )
    layers = get_tile(client, *tile_of(event.point.x, event.point.y, 10))
    (feature,) = [f for f in layers["events"] if f["properties"]["mvt_id"] == event.pk]
    assert feature["properties"]["fatalities"] == 7
    assert feature["properties"]["precision"] == "region"
    assert feature["properties"]["type"] == "remote_violence"
    assert feature["properties"]["place"] == erbil.name
    cells = get_tile(client, *tile_of(event.point.x, event.point.y, 4))
    assert sum(f["properties"]["fatalities"] for f in cells["cells"]) >= 7


# --- who sees what -----------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_reader_sees_in_tiles_what_the_rule_allows(
    persona: str, shared_world: SharedWorld
) -> None:
    cache.clear()
    client, user = persona_client(persona)
    visible = set(
        Event.objects.visible_to(user)
        .filter(pk__in=shared_world.event_ids)
        .values_list("pk", flat=True)
    )
    point = shared_world.place.point
    close = get_tile(client, *tile_of(point.x, point.y, 12), **DATES)
    assert event_ids(close) & shared_world.event_ids == visible
    far = get_tile(client, *tile_of(point.x, point.y, 4), **DATES)
    assert cell_total(far) == len(visible)
    # The review queue's filter tells only those who may see the queue.
    tile = tile_of(point.x, point.y, 12)
    queue = event_ids(get_tile(client, *tile, awaiting_review="true", **DATES))
    if persona in ("anonymous", "analyst"):
        assert queue == set()
    else:
        in_review = shared_world.events[Event.Status.IN_REVIEW].pk
        assert in_review in queue


def test_drafts_never_reach_an_anonymous_tile_even_from_the_cache(
    shared_world: SharedWorld, editor_client: Client
) -> None:
    cache.clear()
    point = shared_world.place.point
    z, x, y = tile_of(point.x, point.y, 12)
    # An editor fills the cache first: the anonymous reader gets a tile of
    # their own, with its own ETag, and may not keep the editor's.
    path = f"/tiles/events/{z}/{x}/{y}.mvt"
    editors = editor_client.get(path, DATES)
    # Only the editor's own browser keeps it; anyone's cache the reader's:
    # one directive or the other, never both (a "public=False" is none).
    seconds = tiles.CLIENT_SECONDS
    assert editors["Cache-Control"] == f"private, max-age={seconds}"
    again = editor_client.get(path, DATES, HTTP_IF_NONE_MATCH=editors["ETag"])
    assert again.status_code == 304
    assert again["Cache-Control"] == f"private, max-age={seconds}"
    anonymous = Client().get(path, DATES, HTTP_IF_NONE_MATCH=editors["ETag"])
    assert anonymous.status_code == 200
    assert anonymous["ETag"] != editors["ETag"]
    assert anonymous["Cache-Control"] == f"public, max-age={seconds}"
    again = Client().get(path, DATES, HTTP_IF_NONE_MATCH=anonymous["ETag"])
    assert again.status_code == 304
    assert again["Cache-Control"] == f"public, max-age={seconds}"
    shown = event_ids(read_tile(anonymous.content, z, x, y))
    assert shown == {shared_world.events[Event.Status.PUBLISHED].pk}
    assert b"Visibility probe draft" not in anonymous.content
    assert b"Visibility probe draft" in editors.content


# --- one compiled selection for the map's own tiles ---------------------------------


def tile_request(user: User | AnonymousUser, **params: str) -> HttpRequest:
    request = RequestFactory().get("/tiles/events/3/5/3.mvt", params)
    request.user = user
    return request


def test_each_filter_reads_only_the_parameter_of_its_name() -> None:
    # What lets the map's tiles share a selection: a request's filters are
    # the query parameters named after them (tiles._selection_key).
    form = tiles.filtered_events(tile_request(AnonymousUser())).form
    for name, field in form.fields.items():
        assert not isinstance(field.widget, MultiWidget), name
        data = QueryDict(mutable=True)
        data.setlist(name, ["given"])
        found = field.widget.value_from_datadict(data, {}, name)
        assert found in ("given", ["given"]), name
        # Nothing from parameters of other names, however close.
        others = QueryDict(f"{name}_0=1&{name}_min=1&{name}_after=1&{name}x=1")
        assert field.widget.value_from_datadict(others, {}, name) in (None, []), name


def test_the_map_s_tiles_share_one_compiled_selection(editor) -> None:
    tiles._selections.clear()
    anonymous = AnonymousUser()
    first = tiles.selection(tile_request(anonymous, bench="1"))
    # Other tiles, another parameter no filter reads: the same selection.
    assert tiles.selection(tile_request(anonymous, bench="2")) is first
    typed = tiles.selection(tile_request(anonymous, type="battle"))
    assert typed is not first
    assert tiles.selection(tile_request(anonymous, type="battle", x="1")) is typed
    # Another reader's view of the data is a selection of its own.
    editors = tiles.selection(tile_request(editor))
    assert editors is not first and editors.summed is not None
    # Other filters are made and compiled for each request.
    placed = tiles.selection(tile_request(anonymous, country="IRQ", type="battle"))
    again = tiles.selection(tile_request(anonymous, country="IRQ", type="battle"))
    assert placed is not again and placed.summed is None
    assert len(tiles._selections) == 3
    # A refused filter is refused every time, never kept.
    for _ in range(2):
        with pytest.raises(tiles.FiltersRefused):
            tiles.selection(tile_request(anonymous, type="nonsense"))
    assert len(tiles._selections) == 3


def test_the_kept_selections_are_the_most_recently_used(monkeypatch) -> None:
    tiles._selections.clear()
    monkeypatch.setattr(tiles, "SELECTIONS_KEPT", 2)
    anonymous = AnonymousUser()
    both = tiles.selection(tile_request(anonymous, type=["battle", "protest"]))
    # The same values in another order, or repeated: the same selection.
    assert (
        tiles.selection(tile_request(anonymous, type=["protest", "battle", "battle"]))
        is both
    )
    plain = tiles.selection(tile_request(anonymous))
    assert tiles.selection(tile_request(anonymous, type=["battle", "protest"])) is both
    # A third lets go of the one used least recently, not the first made.
    tiles.selection(tile_request(anonymous, status="published"))
    assert tiles.selection(tile_request(anonymous, type=["protest", "battle"])) is both
    assert tiles.selection(tile_request(anonymous)) is not plain


# A value for every filter (the demo's places, actors and agreement).
def filter_values() -> dict[str, str]:
    from events.models import Actor, Agreement

    return {
        "start": "2023", "end": "2023-03-19", "type": "battle", "status": "draft",
        "actor": str(Actor.objects.get(name="Ali Shamkhani").pk), "role": "target",
        "country": "IRQ", "location": str(Location.objects.get(code="IQ-KR").pk),
        "bbox": "44,33,45,34", "near": "33.34,44.40,10", "q": "Shamkhani",
        "agreement": str(Agreement.objects.get().pk), "acled_id": "IRQ91001",
        "ucdp_id": "554433", "gdelt_id": "1100220033",
        "updated_since": "2024-01-01T00:00:00Z", "awaiting_review": "true",
        "sort": "newest", "date_rule": "starts",
    }  # fmt: skip


def test_a_selection_is_shared_exactly_when_its_cells_are_summed(editor) -> None:
    # One rule (tiles.CELL_FILTERS) decides both: a request answered from the
    # summed cells shares its compiled selection, any other is made anew.
    values = filter_values()
    assert set(values) == set(tiles.EventFilterSet.base_filters)
    for name in values:
        for given in (
            {name: values[name]},
            {name: values[name], "sort": "oldest"},
            {name: ""},
        ):
            request = tile_request(editor, **given)
            filterset = tiles.filtered_events(request)
            if given == {name: ""} and not filterset.is_valid():
                continue  # refused, neither summed nor shared
            assert filterset.is_valid(), (given, filterset.errors)
            summed = tiles.summed_cells(filterset, editor)
            shared = tiles._selection_key(request)
            assert (summed is not None) == (shared is not None), given
    ordered = tiles.filtered_events(tile_request(editor, sort="newest", type="battle"))
    assert ordered.is_valid()
    assert tiles.summed_cells(ordered, editor) is not None


def test_the_last_order_given_is_the_one_kept() -> None:
    tiles._selections.clear()
    anonymous = AnonymousUser()
    newest = tiles.selection(tile_request(anonymous, sort=["oldest", "newest"]))
    oldest = tiles.selection(tile_request(anonymous, sort=["newest", "oldest"]))
    assert newest is not oldest
    assert tiles.selection(tile_request(anonymous, sort=["oldest", "newest"])) is newest


@pytest.mark.parametrize("persona", ["anonymous", "editor"])
@pytest.mark.parametrize("params", [{}, {"type": "battle"}, {"country": "IRQ"}])
def test_a_shared_selection_gives_each_tile_its_own_statement(
    persona: str, params: dict
) -> None:
    tiles._selections.clear()
    _, user = persona_client(persona)
    tiles.selection(tile_request(user, **params))  # kept, when it may be
    shared = tiles.selection(tile_request(user, **params))
    filterset = tiles.filtered_events(tile_request(user, **params))
    assert filterset.is_valid()
    summed = tiles.summed_cells(filterset, user)
    for z in range(tiles.MAX_ZOOM + 1):
        tile = tiles.Tile(*tile_of(44.4, 33.3, z))
        # The statement compiled anew for this request, as it always was.
        sql, values = tiles.tile_statement(filterset.qs, tile, summed)
        assert shared.statement(tile) == (sql, values), z
        assert shared.alone(tile) == (summed is not None)


def test_a_shared_selection_keeps_each_reader_s_drafts_apart(
    shared_world: SharedWorld, editor_client: Client
) -> None:
    cache.clear()
    tiles._selections.clear()
    point = shared_world.place.point
    path = "/tiles/events/{}/{}/{}.mvt".format(*tile_of(point.x, point.y, 12))
    draft = shared_world.events[Event.Status.DRAFT].pk
    z, x, y = tile_of(point.x, point.y, 12)
    for _ in range(2):  # the second time from the shared selections
        editors = editor_client.get(path, {"fresh": secrets.token_hex(4)})
        assert draft in event_ids(read_tile(editors.content, z, x, y))
        anonymous = Client().get(path, {"fresh": secrets.token_hex(4)})
        assert draft not in event_ids(read_tile(anonymous.content, z, x, y))


# --- ETags and the cache ---------------------------------------------------------


def test_a_tile_is_kept_in_the_cache_once_sent(client: Client) -> None:
    cache.clear()
    make_event(title="In the tile", status=Event.Status.PUBLISHED)
    iraq = Location.objects.get(code="IRQ").point
    z, x, y = tile_of(iraq.x, iraq.y, 3)
    request = RequestFactory().get(f"/tiles/events/{z}/{x}/{y}.mvt")
    request.user = AnonymousUser()
    response = tile_views.event_tile(request, z, x, y)
    assert response.status_code == 200 and response.content
    version = response["ETag"].strip('"')
    key = f"tile:events:{version}:{z}/{x}/{y}"
    # Kept once the server closes the response, after its last byte, by
    # the process's thread of work after responses.
    assert cache.get(key) is None
    # As the test client closes a response: the test's connection stays open.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert afterwards.wait(10)
    assert cache.get(key) == response.content
    # The next reader's tile is the kept one: no statement builds it again.
    with CaptureQueriesContext(connection) as queries:
        again = client.get(f"/tiles/events/{z}/{x}/{y}.mvt")
    assert again.content == response.content
    assert not any("ST_AsMVT" in q["sql"] for q in queries.captured_queries)


def test_a_tile_is_of_the_data_its_version_names(client: Client) -> None:
    cache.clear()
    iraq = Location.objects.get(code="IRQ").point  # where the new event goes
    z, x, y = tile_of(iraq.x, iraq.y, 3)
    path = f"/tiles/events/{z}/{x}/{y}.mvt"
    before = client.get(path)  # the data version read, the tile kept
    make_event(title="A new statement", status=Event.Status.PUBLISHED)
    # A tile not kept under the version read last is built by the statement
    # that reads the version: the new version, and the new event in it.
    built = client.get(path, {"other": "key"})
    assert (
        built["ETag"]
        == (client.get(path, {"other": "key"}, HTTP_IF_NONE_MATCH='"-"')["ETag"])
    )
    assert cell_total(read_tile(built.content, z, x, y)) == (
        cell_total(read_tile(before.content, z, x, y)) + 1
    )
    # One kept under the version read last is not served: the version is
    # read first, and the tile built again.
    again = client.get(path)
    assert again["ETag"] != before["ETag"]
    assert again.content == built.content


def test_etag_follows_the_data_version(client: Client) -> None:
    cache.clear()
    iraq = Location.objects.get(code="IRQ").point  # where the new event goes
    z, x, y = tile_of(iraq.x, iraq.y, 3)
    path = f"/tiles/events/{z}/{x}/{y}.mvt"
    first = client.get(path)
    assert first["ETag"] and "max-age=" in first["Cache-Control"]
    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    # The same filters in another order are the same tile.
    assert (
        client.get(path + "?type=battle&country=IRQ")["ETag"]
        == client.get(path + "?country=IRQ&type=battle")["ETag"]
    )
    make_event(title="A new statement", status=Event.Status.PUBLISHED)
    changed = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert (
        cell_total(read_tile(changed.content, 3, 5, 3))
        == cell_total(read_tile(first.content, 3, 5, 3)) + 1
    )
    boundaries = client.get("/tiles/boundaries/3/5/3.mvt")
    assert boundaries["Cache-Control"] == (
        f"public, max-age={tiles.BASEMAP_CLIENT_SECONDS}"
    )
    assert (
        client.get(
            "/tiles/boundaries/3/5/3.mvt", HTTP_IF_NONE_MATCH=boundaries["ETag"]
        ).status_code
        == 304
    )


def test_data_version_is_each_tracked_tables_newest_snapshot(db) -> None:
    """
    The database's version function reads what data_version() promises: the
    newest history snapshot of every tracked table and the newest synthetic
    event, in that order, from the rows as they are now; and it follows
    TRACKED_TABLES when created again, as every `migrate` does.
    """
    make_event(title="A new statement", status=Event.Status.PUBLISHED)
    with connection.cursor() as cursor:
        newest = []
        for table in queries.TRACKED_TABLES:
            cursor.execute(f"SELECT max(pgh_id) FROM {table}")
            newest.append(cursor.fetchone()[0])
        cursor.execute("SELECT max(id) FROM events_event WHERE is_synthetic")
        newest.append(cursor.fetchone()[0])
    assert queries.data_version() == tuple(newest)
    assert newest[0] is not None  # the event's own snapshot
    before = queries.data_version()
    make_event(title="Another statement", status=Event.Status.DRAFT)
    assert queries.data_version() != before
    # Fewer tables tracked: the function, created again, reads only those.
    now = queries.data_version()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(queries, "TRACKED_TABLES", queries.TRACKED_TABLES[:2])
            queries.create_version_function()
            assert queries.data_version() == (*now[:2], now[-1])
    finally:
        queries.create_version_function()
    assert len(queries.data_version()) == len(queries.TRACKED_TABLES) + 1


def test_the_version_function_is_not_created_on_a_replica(settings) -> None:
    # A migrate run against a replica's alias (which the router refuses
    # migrations) creates nothing there: the replica has it from its primary.
    settings.REPLICA_ALIASES = [*settings.REPLICA_ALIASES, "replica_elsewhere"]
    queries.create_version_function(using="replica_elsewhere")


# --- round trips on a kept connection ----------------------------------------------


@pytest.fixture
def kept_connection(monkeypatch) -> Iterator[None]:
    """
    The default connection kept from one request to the next, as the server
    keeps it (CONN_MAX_AGE; the tests' own setting closes it after each
    request), with the database seeded (an earlier transactional test may
    have emptied it).
    """
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    connection.close()
    load_seed()
    yield
    connection.close()


def served(
    client: Client, path: str, params: dict | None = None, **headers: str
) -> HttpResponse:
    """A request as the server answers it: Django's test client leaves the
    connection alone when a request starts, where the server closes it if
    too old and marks it to be checked before its next statement; and the
    work it left for after the response (keeping the tile) done before the
    next request."""
    close_old_connections()
    response = client.get(path, params or {}, **headers)
    assert afterwards.wait(10)
    return response


def round_trips(action: Callable[[], object]) -> tuple[object, int]:
    """What `action` returns, and the round trips it made to PostgreSQL on
    the default connection: libpq's trace of the protocol, each answer ending
    ready for the next query."""
    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    with tempfile.TemporaryFile() as trace:
        pgconn.trace(trace.fileno())
        try:
            result = action()
        finally:
            pgconn.untrace()
        trace.seek(0)
        return result, sum(b"\tReadyForQuery\t" in line for line in trace)


def end_backend(pid: int) -> None:
    """Ends a server process from another session, as a restart or an
    operator's pg_terminate_backend does, and waits until it is gone."""
    database = connection.settings_dict
    with psycopg.connect(
        host=database["HOST"], port=database["PORT"], user=database["USER"],
        password=database["PASSWORD"], dbname=database["NAME"], autocommit=True,
    ) as other:  # fmt: skip
        ended = other.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])
        assert ended.fetchone()[0]


def first_tile(client: Client) -> tuple[str, HttpResponse]:
    """A tile of a published event, the cache empty, served once: its path
    and the first answer."""
    cache.clear()
    make_event(title="In the tile", status=Event.Status.PUBLISHED)
    iraq = Location.objects.get(code="IRQ").point
    z, x, y = tile_of(iraq.x, iraq.y, 5)
    path = f"/tiles/events/{z}/{x}/{y}.mvt"
    first = served(client, path)
    assert first.status_code == 200 and first.content
    return path, first


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seed_restored_afterwards")
def test_a_tile_is_one_round_trip(client: Client, kept_connection) -> None:
    path, first = first_tile(client)
    # The next request on the same connection, a tile not in the cache: one
    # statement reads the data version and builds the tile, and is also the
    # connection's health check.
    again, trips = round_trips(lambda: served(client, path, {"another": "key"}))
    assert again.status_code == 200
    assert again.content == first.content
    assert trips == 1
    # From the cache: the data version alone.
    cached, trips = round_trips(lambda: served(client, path, {"another": "key"}))
    assert cached.content == first.content
    assert cached["ETag"] == again["ETag"]
    assert trips == 1
    # Revalidated: the data version alone, then 304.
    etag = again["ETag"]
    revalidated, trips = round_trips(
        lambda: served(client, path, {"another": "more"}, HTTP_IF_NONE_MATCH=etag)
    )
    assert revalidated.status_code == 200 and trips == 2
    revalidated, trips = round_trips(
        lambda: served(client, path, {"another": "key"}, HTTP_IF_NONE_MATCH=etag)
    )
    assert revalidated.status_code == 304 and trips == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seed_restored_afterwards")
def test_a_tile_is_served_after_its_kept_connection_is_ended(
    client: Client, kept_connection
) -> None:
    path, first = first_tile(client)
    ended = connection.connection.info.backend_pid
    end_backend(ended)
    # The data version fails on the dead connection: a new one answers it.
    again = served(client, path, {"another": "key"})
    assert again.status_code == 200
    assert again.content == first.content
    assert connection.connection.info.backend_pid != ended


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seed_restored_afterwards")
def test_a_failing_first_read_on_a_live_connection_fails(kept_connection) -> None:
    connection.ensure_connection()
    kept = connection.connection.info.backend_pid
    close_old_connections()  # as a request starts: the connection unchecked
    with pytest.raises(DataError):
        read_first("SELECT 1 / 0")
    # Not taken for a dead connection: the same one, not replaced.
    assert connection.connection.info.backend_pid == kept
    assert read_first("SELECT 2") == (2,)
