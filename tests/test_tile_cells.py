"""
The summed cells the far-out tiles are read from (TileCell): they equal a
live sum over the events after every way of writing events, and a tile
drawn from them, read back by GDAL, holds the same cells, counts, types,
fatalities and positions as the same tile grouped from the events
themselves, for each reader and each filter they answer.
"""

import io
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from events import tiles, workflow
from events.bulk import deferred_cells
from events.interop import import_rows, read_rows, write_fast
from events.models import Event, Location, TileCell
from synthetic import generator
from tests.conftest import load_seed, make_event, persona_client
from tests.test_tiles import read_tile, tile_of

pytestmark = pytest.mark.django_db

COLUMNS = ("zoom", "cx", "cy", "event_type", "status")
# Every zoom's cells, summed straight from the events (each zoom on its own,
# not from the next one's cells as the triggers do).
LIVE = """
SELECT z, (events_world_x(point) >> (28 - z))::int,
       (events_world_y(point) >> (28 - z))::int, event_type, status,
       count(*), sum(events_world_x(point)), sum(events_world_y(point)),
       sum(coalesce(fatalities_best, 0))
FROM events_event CROSS JOIN generate_series(0, %s) AS z
WHERE point IS NOT NULL
GROUP BY 1, 2, 3, 4, 5
"""
# Where the tiles are compared: Baghdad, Sulaymaniyah, Tehran, and the
# region's middle, from the whole world to the deepest summed zoom.
PLACES = [(44.36, 33.31), (45.43, 35.56), (51.39, 35.69), (46.0, 34.5)]
ZOOMS = [0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]


def live() -> dict[tuple, tuple]:
    with connection.cursor() as cursor:
        cursor.execute(LIVE, [tiles.SUMMED_TO_ZOOM])
        return {tuple(row[:5]): tuple(int(v) for v in row[5:]) for row in cursor}


def kept() -> dict[tuple, tuple]:
    rows = TileCell.objects.values_list(*COLUMNS, "count", "sx", "sy", "fatalities")
    found = {}
    for row in rows:
        if row[5] == 0:  # every event it held gone: nothing else may remain
            assert row[6:] == (0, 0, 0), row
        else:
            found[row[:5]] = row[5:]
    return found


def assert_exact() -> None:
    assert kept() == live()


def some_events() -> None:
    """Synthetic events spread over the region's towns, and a few of every
    status, with and without fatalities, at one place."""
    call_command("generate_events", count=400, seed=11, stderr=io.StringIO())
    place = Location.objects.get(code="IQ-SU")
    for index, name in enumerate(Event.Status.values * 2):
        make_event(
            **workflow.status_fields(
                status=name, published_at=None, retraction_reason="Misplaced"
            ),
            status=name,
            event_type=[Event.Type.BATTLE, Event.Type.PROTEST][index % 2],
            location=place,
            fatalities_best=index or None,
        )


# --- the sums follow every write ---------------------------------------------------


def test_the_sums_follow_every_write(reviewer) -> None:
    assert_exact()  # the migration summed the events already there
    erbil = Location.objects.get(code="IQ-AR")
    event = make_event(location=erbil, fatalities_best=3)
    assert event.point is not None
    assert_exact()

    # Moved, within its cell and far away, retyped, its fatalities revised.
    event.point = Point(event.point.x + 0.00001, event.point.y, srid=4326)
    event.save()
    assert_exact()
    event.point = Point(59.61, 36.30, srid=4326)
    event.event_type = Event.Type.BATTLE
    event.fatalities_best = None
    event.save()
    assert_exact()
    event.fatalities_best = 12
    event.save()
    assert_exact()

    # Published and retracted, as the workflow does it.
    workflow.apply_status(event, Event.Status.PUBLISHED)
    event.save()
    assert_exact()
    outcome = workflow.retract(events=[event], user=reviewer, reason="Wrong place")
    assert outcome.done == [event]
    assert_exact()

    # Without a point, then with one again: out of the cells and back.
    Event.objects.filter(pk=event.pk).update(point=None)
    assert_exact()
    Event.objects.filter(pk=event.pk).update(point=Point(44.0, 33.0, srid=4326))
    assert_exact()
    # An edit of nothing the cells hold changes nothing.
    before = kept()
    Event.objects.filter(pk=event.pk).update(title="Renamed")
    assert kept() == before

    # Several rows in one statement, into the same cells and out of them.
    more = [make_event(location=erbil, fatalities_best=n) for n in (1, 2, 3)]
    Event.objects.filter(pk__in=[e.pk for e in more]).update(
        status=Event.Status.PUBLISHED
    )
    assert_exact()
    Event.objects.filter(pk__in=[e.pk for e in more[:2]]).delete()
    assert_exact()
    event.delete()
    assert_exact()


def test_the_sums_follow_imports_and_synthetic_data() -> None:
    call_command(
        "import_events", "tests/data/acled_sample.csv", "--format", "acled",
        stdout=io.StringIO(),
    )  # fmt: skip
    assert_exact()
    # The same file again, through the plain writer, updates the same events.
    call_command(
        "import_events", "tests/data/acled_sample.csv", "--format", "acled",
        "--plain", stdout=io.StringIO(),
    )  # fmt: skip
    assert_exact()
    call_command("generate_events", count=300, seed=3, stderr=io.StringIO())
    assert Event.objects.filter(is_synthetic=True).count() == 300
    assert_exact()
    assert TileCell.objects.filter(zoom=0).exclude(count=0).exists()
    generator.delete_synthetic(analyze=False)
    assert_exact()


def test_a_deferred_block_adds_its_sums_once_at_its_end(reviewer) -> None:
    erbil = Location.objects.get(code="IQ-AR")
    kept_before = kept()
    with deferred_cells():
        events = [make_event(location=erbil, fatalities_best=n) for n in (1, 2, 3)]
        # Nothing reaches the sums until the block ends.
        assert kept() == kept_before
        with deferred_cells():  # an inner block: the outer one adds its rows
            moved = events[0]
            moved.point = Point(59.61, 36.30, srid=4326)
            moved.event_type = Event.Type.BATTLE
            moved.save()
        assert kept() == kept_before
        Event.objects.filter(pk=events[1].pk).update(status=Event.Status.PUBLISHED)
        Event.objects.filter(pk=events[2].pk).delete()
        Event.objects.filter(pk=events[1].pk).update(title="Renamed")
        # A savepoint rolled back takes its events' kept rows with it.
        with pytest.raises(ValueError), transaction.atomic():
            make_event(location=erbil, fatalities_best=40)
            Event.objects.filter(pk=events[0].pk).delete()
            raise ValueError
    assert_exact()
    assert kept() != kept_before
    # After the block, each statement adds its rows again.
    make_event(location=erbil)
    assert_exact()


def test_a_failed_deferred_block_leaves_the_sums_as_they_were() -> None:
    make_event()
    before = kept()
    with pytest.raises(ValueError), deferred_cells():
        make_event(fatalities_best=7)
        Event.objects.all().delete()
        raise ValueError
    assert kept() == before
    assert_exact()


def test_truncating_in_a_deferred_block_empties_the_sums() -> None:
    make_event()
    with deferred_cells():
        make_event()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE events_event CASCADE")
        make_event(fatalities_best=2)
    assert_exact()
    assert TileCell.objects.exclude(count=0).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seed_restored_afterwards")
def test_an_import_committed_chunk_by_chunk_leaves_exact_sums_at_each_commit(
    monkeypatch,
) -> None:
    load_seed()  # an earlier transactional test may have emptied the database
    monkeypatch.setattr(write_fast, "CHUNK_ROWS", 3)
    total, rows = read_rows(path=Path("tests/data/acled_sample.csv"), fmt="acled")
    committed = []

    def progress(done: int) -> None:
        # Called once each chunk has committed, outside any transaction.
        assert not connection.in_atomic_block
        assert_exact()
        committed.append(done)

    report = import_rows(rows=rows, fmt="acled", progress=progress)
    assert report.created > 3
    assert len(committed) > 1
    assert TileCell.objects.exclude(count=0).exists()


def test_truncating_the_events_empties_the_sums() -> None:
    make_event()
    assert TileCell.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's transaction
        cursor.execute("TRUNCATE events_event CASCADE")
    assert not TileCell.objects.exists()


# --- tiles from the sums equal tiles from the events --------------------------------


def features(content: bytes, z: int, x: int, y: int) -> list[tuple]:
    """A tile's cells as GDAL reads them: position and properties, in order."""
    cells = read_tile(content, z, x, y).get("cells", [])
    return sorted(
        (
            tuple(f["geometry"]["coordinates"]),
            f["properties"]["count"],
            f["properties"]["type"],
            f["properties"]["fatalities"],
        )
        for f in cells
    )


def from_events(user, params: dict, z: int, x: int, y: int) -> bytes:
    """The same tile grouped from the events the filters select."""
    request = RequestFactory().get("/tiles/events.json", params)
    request.user = user
    filterset = tiles.filtered_events(request)
    assert filterset.is_valid()
    sql, values = tiles.cells_statement(filterset.qs, tiles.Tile(z, x, y))
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return bytes(cursor.fetchone()[0] or b"")


@pytest.mark.parametrize("persona", ["anonymous", "editor"])
@pytest.mark.parametrize(
    "params",
    [{}, {"type": "battle"}, {"type": ["battle", "protest"], "status": "published"},
     {"status": ["draft", "retracted"]}],
)  # fmt: skip
def test_tiles_from_the_sums_equal_tiles_from_the_events(
    persona: str, params: dict, monkeypatch
) -> None:
    # Closer in, a tile is in cells when it holds more events than this:
    # none here, so that the close zooms' tiles are in cells too.
    monkeypatch.setattr(tiles, "MAX_TILE_EVENTS", 0)
    some_events()
    cache.clear()
    client, user = persona_client(persona)
    compared = set()
    shown = 0
    for lon, lat in PLACES:
        for z in ZOOMS:
            tile = tile_of(lon, lat, z)
            if tile in compared:
                continue
            compared.add(tile)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(
                    "/tiles/events/{}/{}/{}.mvt".format(*tile), params
                )
            assert response.status_code == 200
            # Read from the sums, never from the events' positions.
            statements = [q["sql"] for q in queries.captured_queries]
            assert any("events_tilecell" in sql for sql in statements)
            assert not any("events_world_x" in sql for sql in statements)
            ours = features(response.content, *tile)
            assert ours == features(from_events(user, params, *tile), *tile), tile
            shown += sum(cell[1] for cell in ours)
    # The comparisons held cells, unless the reader may see none of them.
    hidden = persona == "anonymous" and "published" not in str(
        params.get("status", "published")
    )
    assert (shown == 0) if hidden else (shown > 0)


def test_other_filters_read_the_events(client) -> None:
    some_events()
    cache.clear()
    z, x, y = tile_of(45.43, 35.56, 4)
    for params in ({"q": "attack"}, {"start": "2020"}, {"updated_since": "2020-01-01"}):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/tiles/events/{z}/{x}/{y}.mvt", params)
        assert response.status_code == 200
        statements = [q["sql"] for q in queries.captured_queries]
        assert not any("events_tilecell" in sql for sql in statements), params
        assert any("events_world_x" in sql for sql in statements), params


def test_the_sums_count_each_visible_event_once_at_every_zoom(client) -> None:
    some_events()
    cache.clear()
    visible = Event.objects.published().filter(point__isnull=False).count()
    for z in (0, 1, 2):
        total = 0
        for x in range(2**z):
            for y in range(2**z):
                response = client.get(f"/tiles/events/{z}/{x}/{y}.mvt")
                total += sum(cell[1] for cell in features(response.content, z, x, y))
        assert total == visible, z
