"""
Every benchmark side by side, each path against PostgreSQL itself, in one run.

    make bench                         # BENCH_EVENTS=1000000
    make bench BENCH_EVENTS=100000     # quicker

The bench database (BENCH_DATABASE, default zagros_bench) is created, migrated
and loaded with the geography, the demo and BENCH_EVENTS synthetic events the
first time, and reused while it holds that many. The app is served by
gunicorn on 127.0.0.1 and timed over real HTTP; the references run through
psycopg in this process. Each figure is a ratio of medians of BENCH_REPEAT
(default 5) repetitions after a warm-up. Prints a table and writes
bench/results.json. bench/README.md says what each figure compares.
"""

import contextlib
import csv
import datetime
import http.client
import json
import math
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
EVENTS = int(os.environ.get("BENCH_EVENTS") or 1_000_000)
DATABASE = os.environ.get("BENCH_DATABASE") or "zagros_bench"
PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("BENCH_PG_PORT", "5432")
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")
REPEAT = max(5, int(os.environ.get("BENCH_REPEAT") or 5))
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS") or min(100_000, EVENTS // 10))
# Articles taken in by synthetic sources, beside the events' own reports
# (about 0.52 per event): half a million and more at a million events.
INTAKE_ARTICLES = int(
    os.environ.get("BENCH_TAKEN_IN") or max(1_000, min(100_000, EVENTS // 10))
)
IMPORT_REPEAT = max(1, int(os.environ.get("BENCH_IMPORT_REPEAT") or 3))
# What an import writes, vacuumed between the import's turns.
IMPORT_TABLES = [
    f"events_{name}{suffix}"
    for name in ("event", "location", "actor", "sourcearticle", "participant",
                 "citation")
    for suffix in ("", "event")
] + [
    # Kept by the events' triggers: their rows of a rolled-back turn too.
    f"events_{name}"
    for name in ("tilecell", "eventmonth", "actoryear", "rowcount")
] + ["pghistory_context"]  # fmt: skip
RESULTS = ROOT / "bench" / "results.json"
HOST = "127.0.0.1"
DATABASE_URL = f"postgis://{PG_USER}@{PG_HOST}:{PG_PORT}/{DATABASE}"
CONNINFO = f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname={DATABASE}"

FEED_EVENTS = 10_000
CSV_EVENTS = 100_000
# Whole-region view of the map at low zoom, as a wide browser window shows it.
MAP_QUERY = {"zoom": "5", "bbox": "30,22,66,44"}
FEED_BBOX = "42,33,47,38"  # northern Iraq and western Iran
SEARCH_TEXT = "drone strike"
ADMIN_USER = "bench-admin"

# The product's environment for the server and for this process.
SERVER_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "API_ANON_RATE": "1000000/min",
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "LOG_LEVEL": "WARNING",
}


# --- setting up ---------------------------------------------------------------------


def manage(*args: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        check=True,
    )


# Disk a bench database takes per synthetic event: the event with its
# reports, citations, participants, history and indexes, and the articles
# taken in beside them (measured at a million events), and the margin for
# the WAL and the index builds written on the way.
BYTES_PER_EVENT = 3_200
SPACE_MARGIN = 1.5


def check_free_space(admin: psycopg.Connection, events: int) -> None:
    """
    Refuse to generate `events` more synthetic events where the server's
    disk cannot hold them, before writing anything. Only a server on this
    machine can be asked; for another, the check says it cannot tell.
    """
    needed = events * BYTES_PER_EVENT * SPACE_MARGIN
    data_directory = Path(admin.execute("SHOW data_directory").fetchone()[0])
    if PG_HOST not in {"127.0.0.1", "localhost", "::1"}:
        print(f"Free space on {PG_HOST} not checked: about {needed / 1e9:.1f} GB "
              "will be written.", file=sys.stderr)  # fmt: skip
        return
    # The data directory itself may be readable by its owner only.
    for place in [data_directory, *data_directory.parents]:
        try:
            free = shutil.disk_usage(place).free
            break
        except OSError:
            continue
    if free < needed:
        raise SystemExit(
            f"bench: {events:,} events need about {needed / 1e9:.1f} GB on the "
            f"disk of {data_directory}; {free / 1e9:.1f} GB are free."
        )
    print(f"Free space: {free / 1e9:.1f} GB; {events:,} events need about "
          f"{needed / 1e9:.1f} GB.", file=sys.stderr)  # fmt: skip


def prepare_database() -> None:
    """Create and load the bench database once; regenerate when N changed."""
    admin = f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]
        ).fetchone()
        if not exists:
            print(f"Creating database {DATABASE}", file=sys.stderr)
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    with psycopg.connect(CONNINFO, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    manage("migrate", "-v0")
    with psycopg.connect(CONNINFO) as conn:
        locations = conn.execute("SELECT count(*) FROM events_location").fetchone()
        synthetic = conn.execute(
            "SELECT count(*) FROM events_event WHERE is_synthetic"
        ).fetchone()
    if not locations[0]:
        manage("load_geography", "-v0")
        manage("load_demo", "-v0")
    if synthetic[0] != EVENTS:
        print(
            f"The bench database holds {synthetic[0]:,} synthetic events; "
            f"generating {EVENTS:,}.",
            file=sys.stderr,
        )
        with psycopg.connect(admin) as conn:
            check_free_space(conn, EVENTS)
        if synthetic[0]:
            manage("generate_events", "--delete")
        started = time.monotonic()
        manage("generate_events", "--count", str(EVENTS))
        print(
            f"generate_events --count {EVENTS}: {time.monotonic() - started:.0f} s",
            file=sys.stderr,
        )
    with psycopg.connect(CONNINFO) as conn:
        taken_in = conn.execute(
            "SELECT count(*) FROM events_sourcearticle WHERE url LIKE %s",
            ["https://synthetic.invalid/intake/%"],
        ).fetchone()[0]
    if taken_in != INTAKE_ARTICLES:
        print(
            f"The bench database holds {taken_in:,} articles taken in; "
            f"generating {INTAKE_ARTICLES:,}.",
            file=sys.stderr,
        )
        manage("generate_events", "--intake", str(INTAKE_ARTICLES))
    elif synthetic[0] == EVENTS:
        # A database kept from earlier runs: what they rolled back and what
        # the migrations changed since is cleared and counted again, so the
        # figures do not depend on the server's autovacuum.
        print("VACUUM ANALYZE of the bench database", file=sys.stderr)
        with psycopg.connect(CONNINFO, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    manage("collectstatic", "--noinput", "-v0")


def setup_django() -> None:
    os.environ.update(SERVER_ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    # Load the app as the server does, URLconf first: importing
    # events.api.http before rest_framework.views is a circular import.
    import tracker.urls  # noqa: F401


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int

    @property
    def worker_pid(self) -> int:
        children = Path(
            f"/proc/{self.process.pid}/task/{self.process.pid}/children"
        ).read_text()
        return int(children.split()[0])


@contextlib.contextmanager
def serve(**env: str) -> Iterator[Server]:
    """gunicorn with one sync worker, as `make run` serves the app."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"), "tracker.wsgi",
            "--bind", f"{HOST}:{port}", "--workers", "1", "--timeout", "900",
            "--log-level", "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV, **env},
    )  # fmt: skip
    server = Server(process, port)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, _ = request(server, "/api/v1/")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


# --- measuring ---------------------------------------------------------------------


def request(
    server: Server,
    path: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict | None = None,
) -> tuple[int, bytes, http.client.HTTPResponse]:
    conn = http.client.HTTPConnection(HOST, server.port, timeout=900)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        content = response.read()
        return response.status, content, response
    finally:
        conn.close()


def fetch(server: Server, path: str, params: dict, **kwargs) -> bytes:
    url = path + ("?" + urllib.parse.urlencode(params) if params else "")
    status, content, _ = request(server, url, **kwargs)
    if status != 200:
        raise RuntimeError(f"GET {url}: {status} {content[:300]!r}")
    return content


def median_seconds(action: Callable[[], object], *, warmup: int = 1) -> float:
    return paired(action, warmup=warmup)[0]


def paired(*actions: Callable[[], object], warmup: int = 1) -> list[float]:
    """
    Median seconds of each action, run in turns (a, b, a, b, ...) after a
    warm-up, so a change in the machine's load falls on both alike.
    """
    for action in actions:
        for _ in range(warmup):
            action()
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(REPEAT):
        for action, spent in zip(actions, times, strict=True):
            started = time.perf_counter()
            action()
            spent.append(time.perf_counter() - started)
    return [statistics.median(spent) for spent in times]


def sql_reader(conninfo: str = CONNINFO) -> psycopg.Connection:
    conn = psycopg.connect(conninfo, autocommit=True)
    # As the app runs its SQL-built outputs: without JIT compilation, which
    # costs more than it saves on these statements.
    conn.execute("SET jit = off")
    return conn


def page_reader() -> psycopg.Connection:
    """
    As the app reads its pages, first rows and tiles: with its connection's
    settings (tracker/settings.py CONNECTION_SETTINGS: no JIT, no parallel
    workers). Whole reads are compared with sql_reader's, where PostgreSQL
    plans in parallel as it sees fit, as the app's bulk reads let it.
    """
    from django.conf import settings

    return psycopg.connect(
        CONNINFO, autocommit=True, options=settings.CONNECTION_OPTIONS
    )


def run_sql(conn: psycopg.Connection, sql: str, params: list) -> list:
    return conn.execute(sql, params).fetchall()


# --- choosing the queries ------------------------------------------------------------


def filtered(params: dict):
    """The published events the API's filters select for `params`."""
    return filterset_of(params).qs


def filterset_of(params: dict):
    """The API's filters for `params`, over the published events."""
    from django.http import QueryDict

    from events.filters import EventFilterSet
    from events.models import Event

    data = QueryDict(mutable=True)
    for key, value in params.items():
        data[key] = value
    filterset = EventFilterSet(data=data, queryset=Event.objects.published())
    if not filterset.is_valid():
        raise RuntimeError(filterset.errors)
    return filterset


def ordered_selection(
    params: dict, *columns: str, alias: str = "e"
) -> tuple[str, list, str]:
    """
    The SELECT of the published events the filters pick, with `columns` and
    the columns the API orders them by (in a date window, the precise
    events first), and that order as an ORDER BY over `alias`.
    """
    filterset = filterset_of(params)
    order = filterset.order()
    keys = [field for field, _ in order.keys if field not in columns]
    rows = filterset.qs.annotate(**order.annotations).order_by().values(*columns, *keys)
    sql, args = compiled(rows)
    by = ", ".join(
        f"{alias}.{field}{' DESC' if desc else ''}" for field, desc in order.keys
    )
    return sql, args, by


def window(target: int, **params: str) -> dict:
    """
    Dates from 2000-01-01 to the end date at which about `target` published
    events match (with `params`), or all of them when fewer exist.
    """
    low = datetime.date(2000, 1, 1)
    high = datetime.date.today()
    base = {**params, "start": low.isoformat()}
    if filtered({**base, "end": high.isoformat()}).count() <= target:
        return {**base, "end": high.isoformat()}
    while (high - low).days > 1:
        middle = low + (high - low) / 2
        if filtered({**base, "end": middle.isoformat()}).count() < target:
            low = middle
        else:
            high = middle
    return {**base, "end": high.isoformat()}


# --- the references: the same answers straight from PostgreSQL --------------------


def compiled(queryset) -> tuple[str, list]:
    """A queryset's SQL with parameters plain psycopg can send."""
    from django.contrib.gis.db.backends.postgis.adapter import PostGISAdapter

    sql, params = queryset.query.sql_with_params()
    return sql, [
        # Hex EWKB, which PostgreSQL reads as a geometry literal.
        param.ewkb.hex() if isinstance(param, PostGISAdapter) else param
        for param in params
    ]


def geojson_reference_sql(params: dict) -> tuple[str, list]:
    """One statement: the FeatureCollection by json_agg and ST_AsGeoJSON."""
    sql, args, order = ordered_selection(
        params,
        "id", "title", "event_type", "sub_event_type", "start_date", "end_date",
        "date_precision", "location_id", "location__name",
        "location__country_code", "geo_precision", "fatalities_best",
        "confidence", "status", "updated_at", "point",
    )  # fmt: skip
    return (
        f"""
        SELECT json_build_object('type', 'FeatureCollection', 'features',
            COALESCE(json_agg(json_build_object(
                'type', 'Feature', 'id', e.id,
                'geometry', ST_AsGeoJSON(e.point, 6)::json,
                'properties', json_build_object(
                    'title', e.title, 'event_type', e.event_type,
                    'sub_event_type', e.sub_event_type,
                    'start_date', e.start_date, 'end_date', e.end_date,
                    'date_precision', e.date_precision,
                    'location_id', e.location_id,
                    'location', e.location__name,
                    'country_code', e.location__country_code,
                    'geo_precision', e.geo_precision,
                    'fatalities_best', e.fatalities_best,
                    'confidence', e.confidence, 'status', e.status,
                    'updated_at', e.updated_at)
            ) ORDER BY {order}), '[]'::json))::text
        FROM ({sql}) AS e
        """,
        args,
    )


def csv_reference_sql(params: dict) -> tuple[str, list]:
    """
    The export's rows and columns as one SELECT for COPY: participants split
    into ACLED's two sides, the country's name, the publishers cited, text
    cells made safe for spreadsheets as the export makes them.
    """
    sql, args, order = ordered_selection(params, "id", alias="selected")
    return csv_statement(
        f"({sql}) AS selected JOIN events_event e ON e.id = selected.id",
        args,
        order=order,
    )


def csv_statement(
    events: str, args: list, *, order: str, order_args: list | None = None
) -> tuple[str, list]:
    """
    The CSV's SELECT by hand over `events`, a FROM item that names the events
    `e`, in `order`.
    """
    from events.api.formats import CSV_COLUMNS, FORMULA_START

    def safe(expression: str) -> str:
        return f"regexp_replace(coalesce({expression}, ''), %s, '''')"

    cells = [
        "e.id", "e.start_date::text", "e.end_date::text",
        "extract(year FROM e.start_date)::int::text", "e.date_precision",
        "e.event_type", safe("e.sub_event_type"), "coalesce(s.one[1], '')",
        "coalesce(array_to_string(s.one[2:], '; '), '')",
        "coalesce(s.two[1], '')", "coalesce(array_to_string(s.two[2:], '; '), '')",
        "coalesce(array_to_string(s.others, '; '), '')", "l.country_code",
        safe("(SELECT c.name FROM events_location c WHERE c.kind = 'country' "
             "AND c.code = l.country_code LIMIT 1)"),
        safe("l.name"), "ST_Y(e.point)::text", "ST_X(e.point)::text",
        "e.geo_precision",
        safe("(SELECT string_agg(DISTINCT a.publisher, '; ' ORDER BY a.publisher) "
             "FROM events_citation ci JOIN events_sourcearticle a "
             "ON a.id = ci.article_id "
             "WHERE ci.event_id = e.id AND a.publisher <> '')"),
        safe("e.summary"), "e.fatalities_best", "e.fatalities_low",
        "e.fatalities_high", "e.confidence", "e.status", safe("e.title"),
        "extract(epoch FROM e.updated_at)::bigint",
        # ACLED's codes are Python's work in the export (events/interop/
        # acled.py): these cells hold what they are coded from, so that COPY
        # reads what the export reads and the ratio counts the coding as the
        # export's cost.
        "e.event_type", "coalesce(s.one_coding[1], '')",
        "coalesce(s.two_coding[1], '')", "''", "''", "l.country_code",
        safe("CASE WHEN l.source LIKE 'ACLED: %%' THEN split_part(substr(l.source, "
             "8), ' › ', 1) ELSE coalesce(CASE WHEN l.kind = 'admin1' THEN l.name "
             "END, CASE WHEN lp.kind = 'admin1' THEN lp.name END, CASE WHEN "
             "lpp.kind = 'admin1' THEN lpp.name END, CASE WHEN l.id IS NULL OR "
             "l.kind IN ('city', 'site') THEN (SELECT pr.name FROM events_location "
             "pr WHERE pr.kind = 'admin1' AND ST_Intersects(pr.geometry, e.point) "
             "ORDER BY pr.id LIMIT 1) END) END"),
        safe("CASE WHEN l.source LIKE 'ACLED: %%' THEN split_part(substr(l.source, "
             "8), ' › ', 2) END"),
        safe("CASE WHEN l.source LIKE 'ACLED: %%' THEN split_part(substr(l.source, "
             "8), ' › ', 3) END"),
        safe("r.lines[2]"), safe("r.lines[3]"),
    ]  # fmt: skip
    select = ", ".join(
        f'{cell} AS "{name}"' for cell, name in zip(cells, CSV_COLUMNS, strict=True)
    )
    query = f"""
        SELECT {select}
        FROM {events}
        LEFT JOIN events_location l ON l.id = e.location_id
        LEFT JOIN events_location lp ON lp.id = l.parent_id
        LEFT JOIN events_location lpp ON lpp.id = lp.parent_id
        LEFT JOIN LATERAL (
            SELECT
                array_agg(x.name ORDER BY p.id) FILTER (WHERE p.role IN
                    ('initiator', 'signatory', 'participant')) AS one,
                array_agg(x.name ORDER BY p.id) FILTER (WHERE p.role = 'target')
                    AS two,
                array_agg(x.name ORDER BY p.id) FILTER (WHERE p.role IN
                    ('mediator', 'witness', 'mentioned')) AS others,
                array_agg(x.coding ORDER BY p.id) FILTER (WHERE p.role IN
                    ('initiator', 'signatory', 'participant')) AS one_coding,
                array_agg(x.coding ORDER BY p.id) FILTER (WHERE p.role = 'target')
                    AS two_coding
            FROM events_participant p
            JOIN events_actor a ON a.id = p.actor_id
            LEFT JOIN events_actor b ON b.id = coalesce(p.on_behalf_of_id,
                a.parent_id),
            LATERAL (SELECT {safe("a.name")} AS name, concat_ws(':', p.capacity,
                CASE WHEN a.kind = 'person' AND b.id IS NOT NULL THEN b.kind
                ELSE a.kind END, a.country) AS coding) x
            WHERE p.event_id = e.id
        ) s ON true
        LEFT JOIN LATERAL (
            SELECT ARRAY[
                substring(a.body, '(?n)^Source: (.*)$'),
                substring(a.body, '(?n)^Source scale: (.*)$'),
                substring(a.body, '(?n)^Tags: (.*)$')] AS lines
            FROM events_citation c
            JOIN events_sourcearticle a ON a.id = c.article_id
            WHERE c.event_id = e.id AND a.publisher = 'ACLED'
                AND a.title LIKE 'ACLED event %%'
            ORDER BY c.id DESC LIMIT 1
        ) r ON true
        ORDER BY {order}
    """
    in_select = sum(cell.count("%s") for cell in cells)
    return query, [FORMULA_START] * in_select + args + [FORMULA_START] + (
        order_args or []
    )


def timeline_reference_sql(interval: str) -> tuple[str, list]:
    """
    Counts per interval and type in one pass, events dated less precisely
    than the interval counted over their own period (with its last day).
    """
    from events.models import EFFECTIVE_END, EFFECTIVE_START, DatePrecision

    precisions = list(DatePrecision.values)
    precise = precisions[: precisions.index(interval) + 1]
    is_precise = '"events_event"."date_precision" = ANY(%s)'
    return (
        f"""
        SELECT CASE WHEN {is_precise} THEN date_trunc(%s, start_date)::date
                    ELSE {EFFECTIVE_START} END,
               CASE WHEN {is_precise} THEN '' ELSE date_precision END,
               event_type, count(*),
               max(CASE WHEN {is_precise} THEN NULL ELSE {EFFECTIVE_END} END)
        FROM events_event
        WHERE status = 'published'
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3
        """,
        [precise, interval, precise, precise],
    )


def map_reference_sql(query: dict) -> tuple[str, list]:
    """
    The grid aggregate the map's clusters come from, as one would write it
    by hand: published events whose point lies in the box, counted per cell
    and type, with the sums for the cells' mean positions.
    """
    from events import mapdata

    west, south, east, north = (float(part) for part in query["bbox"].split(","))
    size = mapdata.cell_degrees(int(query["zoom"]))
    return (
        """
        SELECT floor(ST_X(point) / %s), floor(ST_Y(point) / %s), event_type,
               count(*), sum(ST_X(point)), sum(ST_Y(point))
        FROM events_event
        WHERE status = 'published'
          AND point && ST_MakeEnvelope(%s, %s, %s, %s, 4326)
        GROUP BY 1, 2, 3
        """,
        [size, size, west, south, east, north],
    )


# --- tiles ------------------------------------------------------------------------

# Places the tiles are taken at, from the region's west to its east: Baghdad,
# Erbil, Sulaymaniyah, Basra, Tehran, Mashhad.
TILE_PLACES = [(44.36, 33.31), (44.01, 36.19), (45.43, 35.56), (47.78, 30.51),
               (51.39, 35.69), (59.61, 36.30)]  # fmt: skip
# The map's first screen: its centre and zoom, and a wide window's size.
FIRST_SCREEN = (46.0, 34.5, 4)
FIRST_SCREEN_PIXELS = (1000, 650)


def tile_sample() -> list:
    """The tiles holding TILE_PLACES at each zoom from 3 to 14, each once."""
    from events.tiles import Tile

    found = []
    for z in range(3, 15):
        for lon, lat in TILE_PLACES:
            tile = Tile(z, *tile_xy(lon, lat, z))
            if tile not in found:
                found.append(tile)
    return found


def tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    rad = math.radians(lat)
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.log(math.tan(rad) + 1 / math.cos(rad)) / math.pi) / 2 * n)
    return x, y


def first_screen_tiles() -> list:
    """The 512-pixel tiles a map of FIRST_SCREEN_PIXELS shows at FIRST_SCREEN."""
    from events.tiles import Tile

    lon, lat, z = FIRST_SCREEN
    width, height = FIRST_SCREEN_PIXELS
    n = 2**z
    cx = (lon + 180) / 360 * n
    rad = math.radians(lat)
    cy = (1 - math.log(math.tan(rad) + 1 / math.cos(rad)) / math.pi) / 2 * n
    half_w, half_h = width / 2 / 512, height / 2 / 512
    return [
        Tile(z, x, y)
        for x in range(int(cx - half_w), int(cx + half_w) + 1)
        for y in range(int(cy - half_h), int(cy + half_h) + 1)
    ]


def tile_statement(filterset, tile) -> tuple[str, dict]:
    """
    The statement a tile is built by (events one by one, cells from the
    events, or cells from the summed cells, as the endpoint decides), for an
    anonymous reader, with parameters plain psycopg can send: what one would
    run by hand for the same tile.
    """
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.gis.db.backends.postgis.adapter import PostGISAdapter

    from events import tiles

    summed = tiles.summed_cells(filterset, AnonymousUser())
    sql, params = tiles.tile_statement(filterset.qs, tile, summed)
    plain = {
        key: value.ewkb.hex() if isinstance(value, PostGISAdapter) else value
        for key, value in params.items()
    }
    return sql, plain


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    rank = max(0, math.ceil(share / 100 * len(ordered)) - 1)
    return ordered[rank]


# --- the filters: each and each pair, against the same page written by hand ------


def filter_values() -> dict[str, dict[str, str]]:
    """
    A value for every event filter, mostly the docs' examples on the demo's
    data. The demo has no ids from other datasets; those filters look for one
    the synthetic data may hold, or for an id that selects nothing (still one
    probe of an index to time).
    """
    from events.filters import EventFilterSet
    from events.models import EXTERNAL_IDS, Actor, Agreement, Event, Location

    year_back = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=365)
    values = {
        "start": {"start": "2023"},
        "end": {"end": "2023-06"},
        "type": {"type": "battle"},
        "status": {"status": "published"},
        "actor": {"actor": str(Actor.objects.get(name="Ali Shamkhani").pk)},
        "role": {"role": "target"},
        "country": {"country": "IRQ"},
        "location": {"location": str(Location.objects.get(code="IQ-KR").pk)},
        "bbox": {"bbox": "42,34,47,38"},
        "near": {"near": "36.19,44.01,50"},
        "q": {"q": "border agreement"},
        # These two select nothing alone: they change how a window selects
        # and which end of the order a page starts from.
        "date_rule": {"date_rule": "starts"},
        "sort": {"sort": "newest"},
        "agreement": {"agreement": str(Agreement.objects.order_by("id")[0].pk)},
        "updated_since": {"updated_since": year_back.isoformat(timespec="seconds")},
        # The bench reads as an anonymous client, for whom the reviewers'
        # queue is empty: false selects every event, as no filter would.
        "awaiting_review": {"awaiting_review": "false"},
    }
    for name in EXTERNAL_IDS:
        held = (
            Event.objects.published()
            .exclude(**{name: ""})
            .order_by("id")
            .values_list(name, flat=True)
            .first()
        )
        values[name] = {name: held or "BENCH-NONE-1"}
    missing = set(EventFilterSet.base_filters) - set(values)
    if missing:
        raise RuntimeError(f"no bench value for the filters {sorted(missing)}")
    return values


def filter_queries(values: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Each filter alone and each pair the API accepts, by their query strings."""
    from events.filters import EventFilterSet

    names = sorted(values)
    queries = [values[name] for name in names] + [
        {**values[first], **values[second]}
        for index, first in enumerate(names)
        for second in names[index + 1 :]
    ]
    accepted = {}
    for params in queries:
        data = query_dict(params)
        if EventFilterSet(data=data).is_valid():
            accepted[urllib.parse.urlencode(params)] = params
    return accepted


def query_dict(params: dict):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data.update(params)
    return data


def app_ordered(params: dict):
    """The published events the filters select, in the order the API pages them."""

    from events.api.pagination import BY_RANK
    from events.filters import EventFilterSet, TextRank
    from events.models import Event

    filterset = EventFilterSet(
        data=query_dict(params), queryset=Event.objects.published()
    )
    if not filterset.is_valid():
        raise RuntimeError(filterset.errors)
    events, order = filterset.qs, filterset.order()
    # As EventViewSet.filtered orders and ranks.
    if "q" not in params or order.explicit:
        return events.annotate(**order.annotations).order_by(*order.order_by())
    return events.annotate(rank=TextRank(params["q"])).order_by(*BY_RANK.order_by())


def app_statements(params: dict) -> dict[str, tuple[str, list]]:
    """The statements the app runs for the first JSON page and the two exports."""
    from events.api.formats import csv_query
    from events.api.serializers import with_embedded_json
    from events.api.views import LIST_DEFERRED
    from events.features import FEED_PROPERTIES, features
    from events.queries import first_rows_apart, narrowed

    events = app_ordered(params)
    page = narrowed(with_embedded_json(events).defer(*LIST_DEFERRED)[:101])
    # A stream's first rows come from its first statement (the rest follow
    # from another, after them).
    return {
        "json": compiled(page),
        "geojson": compiled(
            first_rows_apart(features(events, properties=FEED_PROPERTIES))[0]
        ),
        "csv": compiled(first_rows_apart(csv_query(events))[0]),
    }


def hand_written_selection(params: dict) -> tuple[str, list, list]:
    """
    The filters as one would write them by hand: a WHERE clause on
    events_event (its location joined as l) with its arguments, and the
    order of the API's pages as (expression, arguments, descending) keys:
    the rank for `q` (unless `sort` is given), the events whose period lies
    outside a window after those within it, the start date and the id.
    """
    from events.filters import PartialDateField
    from events.models import EFFECTIVE_PERIOD

    where, args = ["events_event.status = 'published'"], []
    keys: list[tuple[str, list, bool]] = []
    newest = params.get("sort") == "newest"
    if "start" in params or "end" in params:
        first = PartialDateField().to_python(params.get("start"))
        last = PartialDateField().to_python(params.get("end"))
        bounds = [first and first.first, last and last.last]
        if params.get("date_rule") == "starts":
            for bound, operator in zip(bounds, (">=", "<="), strict=True):
                if bound is not None:
                    where.append(f"events_event.start_date {operator} %s")
                    args.append(bound)
        else:
            where.append(f"{EFFECTIVE_PERIOD} && daterange(%s::date, %s::date, '[]')")
            args += bounds
            keys.append(
                (f"NOT ({EFFECTIVE_PERIOD} <@ daterange(%s::date, %s::date, '[]'))",
                 bounds, False)
            )  # fmt: skip
    for name, column in [("type", "event_type"), ("status", "status")]:
        if name in params:
            where.append(f"events_event.{column} = ANY(%s)")
            args.append([params[name]])
    if "actor" in params or "role" in params:
        condition = "p.event_id = events_event.id"
        if "actor" in params:
            condition += " AND p.actor_id = ANY(%s)"
            args.append([int(params["actor"])])
        if "role" in params:
            condition += " AND p.role = %s"
            args.append(params["role"])
        where.append(f"EXISTS (SELECT 1 FROM events_participant p WHERE {condition})")
    if "country" in params:
        where.append(
            "(l.country_code = %s OR ST_DWithin(events_event.point, (SELECT "
            "c.geometry FROM events_location c WHERE c.kind = 'country' "
            "AND c.code = %s), 0.0001))"
        )
        args += [params["country"]] * 2
    if "location" in params:
        # Point in polygon first (a buffer twice the distance holds every
        # point near the edge), as PostGIS users write it, the boundary
        # looked up first: the distance to it alone, tested on each event,
        # took 12-16 s a page, and a boundary from a subquery leaves the
        # planner guessing how many events it holds.
        from events.models import Location

        shape = Location.objects.get(pk=int(params["location"])).geometry.ewkb.hex()
        where.append(
            "(events_event.location_id = %s OR (ST_Intersects(events_event.point, "
            "ST_Buffer(%s::geometry, 0.0002)) AND (ST_Intersects(events_event.point, "
            "%s::geometry) OR ST_DWithin(events_event.point, %s::geometry, 0.0001))))"
        )
        args += [int(params["location"]), shape, shape, shape]
    if "bbox" in params:
        where.append("events_event.point && ST_MakeEnvelope(%s, %s, %s, %s, 4326)")
        args += [float(part) for part in params["bbox"].split(",")]
    if "near" in params:
        lat, lon, km = (float(part) for part in params["near"].split(","))
        center = "ST_SetSRID(ST_MakePoint(%s, %s), 4326)"
        where.append(
            f"events_event.point && ST_Expand({center}, %s) "
            f"AND ST_DistanceSphere(events_event.point, {center}) <= %s"
        )
        # Degrees that hold the distance at this latitude, with room to spare.
        degrees = km / 110.5 / math.cos(math.radians(abs(lat) + 1)) * 1.01 + 0.01
        args += [lon, lat, degrees, lon, lat, km * 1000]
    if "agreement" in params:
        where.append(
            "events_event.id IN (SELECT a.signing_event_id FROM events_agreement a "
            "WHERE a.id = %s UNION SELECT CASE WHEN r.from_event_id = "
            "a.signing_event_id THEN r.to_event_id ELSE r.from_event_id END "
            "FROM events_eventrelation r JOIN events_agreement a ON a.id = %s "
            "AND a.signing_event_id IN (r.from_event_id, r.to_event_id))"
        )
        args += [int(params["agreement"])] * 2
    for name in ("acled_id", "ucdp_id", "gdelt_id"):
        if name in params:
            where.append(f"events_event.{name} = %s")
            args.append(params[name])
    # awaiting_review=false, anonymously: no condition.
    if "updated_since" in params:
        where.append("events_event.updated_at >= %s")
        args.append(datetime.datetime.fromisoformat(params["updated_since"]))
    dates = [
        ("events_event.start_date", [], newest),
        ("events_event.id", [], newest),
    ]
    if "q" not in params:
        return " AND ".join(where), args, keys + dates
    where.append("events_event.search_vector @@ websearch_to_tsquery('english', %s)")
    args.append(params["q"])
    if "sort" in params:
        return " AND ".join(where), args, keys + dates
    rank = (
        "ts_rank(events_event.search_vector, "
        "websearch_to_tsquery('english', %s))::float8"
    )
    return " AND ".join(where), args, [(rank, [params["q"]], True), *dates[:2]]


def hand_written_parts(params: dict) -> list[tuple[str, list]] | None:
    """
    For a page that lists a window's precise events before its vague ones,
    each of the two as one writes it to walk an index: the events within
    the window (which start in it), and those holding a day on either side
    of one of its ends (found by the period index). None for other orders.
    """
    from events.filters import PartialDateField
    from events.models import EFFECTIVE_PERIOD

    windowed = "start" in params or "end" in params
    if not windowed or params.get("date_rule") == "starts":
        return None
    if "q" in params and "sort" not in params:
        return None
    first = PartialDateField().to_python(params.get("start"))
    last = PartialDateField().to_python(params.get("end"))
    first, last = first and first.first, last and last.last
    within = [f"{EFFECTIVE_PERIOD} <@ daterange(%s::date, %s::date, '[]')"]
    within_args: list = [first, last]
    edges, edge_args = [], []
    if first is not None:
        within.append("events_event.start_date >= %s")
        within_args.append(first)
        edges.append(f"{EFFECTIVE_PERIOD} @> daterange(%s::date - 1, %s::date, '[]')")
        edge_args += [first, first]
    if last is not None:
        within.append("events_event.start_date <= %s")
        within_args.append(last)
        edges.append(f"{EFFECTIVE_PERIOD} @> daterange(%s::date, %s::date + 1, '[]')")
        edge_args += [last, last]
    return [(" AND ".join(within), within_args), (f"({' OR '.join(edges)})", edge_args)]


def hand_written_statements(params: dict) -> dict[str, tuple[str, list]]:
    """The same first JSON page and exports, written by hand."""
    from events.models import Event

    where, args, keys = hand_written_selection(params)
    located = (
        "FROM events_event "
        "LEFT JOIN events_location l ON l.id = events_event.location_id"
    )
    located_args: list = []
    if parts := hand_written_parts(params):
        # The first rows of each part, then the page among them.
        desc = " DESC" if params.get("sort") == "newest" else ""
        union = " UNION ALL ".join(
            f"(SELECT events_event.* {located} WHERE {where} AND {part} "
            f"ORDER BY events_event.start_date{desc}, events_event.id{desc} "
            f"LIMIT 101)"
            for part, _ in parts
        )
        located_args = [arg for _, part_args in parts for arg in args + part_args]
        located = (
            f"FROM ({union}) AS events_event "
            "LEFT JOIN events_location l ON l.id = events_event.location_id"
        )
        where, args = "true", []
    columns = ", ".join(
        f"events_event.{field.column}"
        for field in Event._meta.concrete_fields
        if field.name != "search_vector"
    )
    # Keys other than the event's own columns are selected as k0, k1, ...
    named = [
        (expression if not key_args and expression.startswith("events_event.")
         else f"k{number}", expression, key_args, desc)
        for number, (expression, key_args, desc) in enumerate(keys)
    ]  # fmt: skip
    selected = "".join(
        f", {expression} AS {name}"
        for name, expression, _, _ in named
        if name != expression
    )
    selected_args = [arg for name, expression, key_args, _ in named
                     if name != expression for arg in key_args]  # fmt: skip

    def order(prefix: str, *, inner: bool = False) -> str:
        return ", ".join(
            (expression if inner and name == expression
             else prefix + name.removeprefix("events_event."))
            + (" DESC" if desc else "")
            for name, expression, _, desc in named
        )  # fmt: skip

    page = f"""
        SELECT page.*,
            (SELECT json_build_object('id', pl.id, 'name', pl.name, 'kind', pl.kind,
                'code', pl.code, 'country_code', pl.country_code)::text
             FROM events_location pl WHERE pl.id = page.location_id),
            (SELECT array_to_json(array_agg(json_build_object(
                'actor', json_build_object('id', a.id, 'name', a.name,
                    'kind', a.kind, 'country', a.country),
                'role', p.role, 'capacity', p.capacity, 'on_behalf_of',
                (SELECT json_build_object('id', b.id, 'name', b.name,
                    'kind', b.kind, 'country', b.country)
                 FROM events_actor b WHERE b.id = p.on_behalf_of_id))
                ORDER BY p.id))::text
             FROM events_participant p JOIN events_actor a ON a.id = p.actor_id
             WHERE p.event_id = page.id),
            (SELECT array_to_json(array_agg(json_build_object(
                'id', c.id, 'article', json_build_object('id', s.id,
                    'title', s.title, 'publisher', s.publisher, 'url', s.url,
                    'published_on', s.published_on),
                'field', c.field, 'quote', c.quote, 'start', c.start,
                'end', c."end") ORDER BY c.id))::text
             FROM events_citation c JOIN events_sourcearticle s ON s.id = c.article_id
             WHERE c.event_id = page.id)
        FROM (
            SELECT {columns}{selected} {located} WHERE {where}
            ORDER BY {order("", inner=True)} LIMIT 101
        ) AS page
        ORDER BY {order("page.")}
    """
    feature = """
        json_build_object('type', 'Feature', 'id', events_event.id,
            'geometry', ST_AsGeoJSON(events_event.point, 6)::json,
            'properties', json_build_object(
                'title', events_event.title, 'event_type', events_event.event_type,
                'sub_event_type', events_event.sub_event_type,
                'start_date', events_event.start_date,
                'end_date', events_event.end_date,
                'date_precision', events_event.date_precision,
                'location_id', events_event.location_id, 'location', l.name,
                'country_code', l.country_code,
                'geo_precision', events_event.geo_precision,
                'fatalities_best', events_event.fatalities_best,
                'confidence', events_event.confidence,
                'status', events_event.status,
                'updated_at', events_event.updated_at))::text
    """
    ordered_by = ", ".join(
        expression + (" DESC" if desc else "") for expression, _, desc in keys
    )
    ordered_args = [arg for _, key_args, _ in keys for arg in key_args]
    # The exports' first rows, as one would ask for them: LIMIT.
    first = f"LIMIT {STREAMED_ROWS}"
    return {
        "json": (page, selected_args + located_args + args),
        "geojson": (
            f"SELECT {feature} {located} WHERE {where} ORDER BY {ordered_by} {first}",
            located_args + args + ordered_args,
        ),
        "csv": csv_statement(
            f"(SELECT events_event.*{selected} {located} WHERE {where} ORDER BY "
            f"{order('', inner=True)} {first}) AS e",
            selected_args + located_args + args,
            order=order("e."),
        ),
    }


# Timing the filters: each action times itself, so that what follows the rows
# it waits for (closing a stream, cancelling its statement) is left out.

FILTER_PAIR_REPEAT = 3
# The worst ratios of the sweep, measured again with more turns: the largest
# of 570 medians of three to five turns is also the one the machine's jitter
# pushed up most (`start=2023` as CSV: 1.45 in a sweep, 0.97 over fifteen
# turns of the two statements alone right after), so the figure reported is
# of the worst measured again.
FILTER_RECHECKED = 10
FILTER_RECHECK_REPEAT = 15
STREAMED_ROWS = 100
FEATURE_ID = re.compile(rb'\{"type" : "Feature", "id" : (\d+)')
# Statements under this count as taking this long in the ratio: below it, a
# ratio measures planning and the machine's jitter more than the filters, and
# the time is a twentieth of the page's budget (200 ms).
FILTER_FLOOR_S = 0.010


def turns(*actions: Callable[[], float], repeat: int) -> list[float]:
    """Median seconds each action reports, run in turns after a warm-up."""
    for action in actions:
        action()
    spent: list[list[float]] = [[] for _ in actions]
    for _ in range(repeat):
        for action, times in zip(actions, spent, strict=True):
            times.append(action())
    return [statistics.median(times) for times in spent]


def first_rows(server: Server, path: str, params: dict, *, export: str) -> tuple:
    """
    Seconds until the first STREAMED_ROWS rows of an export have arrived over
    HTTP, and the ids they hold. The connection is then dropped, and the
    next figure waits, untimed, until the server is idle: its one sync worker
    learns that the client has gone only when it next writes, after the
    statement that reads the rest of the export has its first rows (the
    whole sort of a large export), and would make the next request wait.
    """
    url = f"{path}?{urllib.parse.urlencode({**params, 'format': export})}"
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, server.port, timeout=900)
    response = None
    try:
        conn.request("GET", url)
        response = conn.getresponse()
        if response.status != 200:
            raise RuntimeError(f"GET {url}: {response.status} {response.read()[:300]}")
        received = b""
        while True:
            if export == "geojson":
                ids = [int(i) for i in FEATURE_ID.findall(received)]
            else:
                lines = received.split(b"\r\n")[1:-1]
                ids = [int(line.split(b",", 1)[0]) for line in lines]
            if len(ids) >= STREAMED_ROWS:
                break
            piece = response.read1(1 << 16)
            if not piece:
                break
            received += piece
        return time.perf_counter() - started, ids[:STREAMED_ROWS]
    finally:
        # The response holds the socket open after the connection's close.
        if response is not None:
            response.close()
        conn.close()
        request(server, "/api/v1/")


def sql_first_rows(conn: psycopg.Connection, statement: tuple[str, list]) -> tuple:
    """Seconds until the statement's first STREAMED_ROWS rows, and their ids."""
    sql, args = statement
    started = time.perf_counter()
    with psycopg.ClientCursor(conn) as cursor:
        stream = cursor.stream(sql, args, size=STREAMED_ROWS)
        rows = [row for _, row in zip(range(STREAMED_ROWS), stream, strict=False)]
        spent = time.perf_counter() - started
        stream.close()
    return spent, [row_id(row[0]) for row in rows]


def sql_page(conn: psycopg.Connection, statement: tuple[str, list]) -> tuple:
    """Seconds for a page's statement, and the ids of its first 100 rows."""
    sql, args = statement
    started = time.perf_counter()
    with psycopg.ClientCursor(conn) as cursor:
        rows = cursor.execute(sql, args).fetchall()
    return time.perf_counter() - started, [row[0] for row in rows[:100]]


def row_id(first: object) -> int:
    """An event's id from a row's first cell: the id, or a Feature's text."""
    if isinstance(first, str):
        return json.loads(first)["id"]
    return int(first)


def page_paths(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """The analyst's pages, each at its heaviest instance in the database."""

    def one(sql: str) -> int:
        return run_sql(conn, sql, [])[0][0]

    published = "SELECT id FROM events_event WHERE status = 'published'"
    return [
        ("home", "/"),
        ("timeline", "/timeline/"),
        ("map", "/map/"),
        ("event", f"/events/{one(published + ' ORDER BY id LIMIT 1')}/"),
        ("article", "/articles/{}/".format(one(
            "SELECT article_id FROM events_citation GROUP BY article_id "
            "ORDER BY count(*) DESC, article_id LIMIT 1"
        ))),
        ("actor", "/actors/{}/".format(one(
            "SELECT actor_id FROM events_participant GROUP BY actor_id "
            "ORDER BY count(*) DESC, actor_id LIMIT 1"
        ))),
        ("agreement", "/agreements/{}/".format(one(
            "SELECT id FROM events_agreement ORDER BY id LIMIT 1"
        ))),
        ("country", "/places/{}/".format(one(
            "SELECT id FROM events_location WHERE kind = 'country' "
            "ORDER BY code = 'IRQ' DESC, id LIMIT 1"
        ))),
        ("province", "/places/{}/".format(one(
            "SELECT p.id FROM events_event e JOIN events_location l "
            "ON l.id = e.location_id JOIN events_location p "
            "ON p.id IN (l.id, l.parent_id) WHERE p.kind = 'admin1' "
            "GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 1"
        ))),
    ]  # fmt: skip


# --- the benchmarks ------------------------------------------------------------------


@dataclass
class Figure:
    key: str
    value: float
    target: float
    higher_is_better: bool
    unit: str
    compares: str

    @property
    def passed(self) -> bool:
        if self.higher_is_better:
            return self.value >= self.target
        return self.value <= self.target

    def shown(self, value: float) -> str:
        if self.unit == "x":
            return f"{value:.2f}"
        return f"{value:.0f} {self.unit}" if value >= 10 else f"{value:.1f} {self.unit}"


class Bench:
    def __init__(self, server: Server, conn: psycopg.Connection) -> None:
        self.server = server
        self.conn = conn
        self.figures: list[Figure] = []
        self.details: dict[str, object] = {}

    def add(
        self,
        key: str,
        value: float,
        target: float,
        *,
        higher: bool = False,
        unit: str = "x",
        compares: str = "",
    ) -> None:
        figure = Figure(key, value, target, higher, unit, compares)
        self.figures.append(figure)
        verdict = "pass" if figure.passed else "FAIL"
        print(f"  {key}: {figure.shown(value)} ({verdict})", file=sys.stderr)

    def ms(self, seconds: float) -> float:
        return round(seconds * 1000, 1)

    def get(self, path: str, params: dict | None = None, **kwargs) -> bytes:
        return fetch(self.server, path, params or {}, **kwargs)

    # GeoJSON feed, against json_agg in SQL and against DRF + drf-gis.

    def geojson(self) -> None:
        params = window(FEED_EVENTS, bbox=FEED_BBOX)
        count = filtered(params).count()
        feed = {**params, "format": "geojson"}
        ours = json.loads(self.get("/api/v1/events/", feed))
        sql, args = geojson_reference_sql(params)
        reference = json.loads(run_sql(self.conn, sql, args)[0][0])
        assert len(ours["features"]) == count, (len(ours["features"]), count)
        assert ours["features"] == reference["features"], "GeoJSON differs from SQL"
        drf = json.loads(self.get("/bench/drf-gis/events/", params))
        assert len(drf["features"]) == count
        ours_s, sql_s, drf_s = paired(
            lambda: self.get("/api/v1/events/", feed),
            lambda: run_sql(self.conn, sql, args),
            lambda: self.get("/bench/drf-gis/events/", params),
        )
        self.details["geojson"] = {
            "query": params, "events": count, "endpoint_ms": self.ms(ours_s),
            "sql_ms": self.ms(sql_s), "drf_gis_ms": self.ms(drf_s),
        }  # fmt: skip
        self.add(
            "geojson_vs_sql",
            ours_s / sql_s,
            1.3,
            compares=f"GET ?format=geojson ({count:,} events) ÷ json_agg SQL",
        )
        self.add(
            "drf_gis_vs_ours",
            drf_s / ours_s,
            10,
            higher=True,
            compares="DRF + drf-gis serializer ÷ our GeoJSON endpoint",
        )

    # CSV export, against COPY, and the worker's memory.

    def csv_export(self) -> None:
        params = window(CSV_EVENTS)
        count = filtered(params).count()
        export = {**params, "format": "csv"}
        body = self.get("/api/v1/events/", export)
        assert body.count(b"\n") >= count, "CSV has fewer lines than events"
        assert len(list(csv.reader(body.decode().splitlines()))) == count + 1
        sql, args = csv_reference_sql(params)
        statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)"

        def copy() -> int:
            size = 0
            with self.conn.cursor() as cursor, cursor.copy(statement, args) as out:
                for block in out:
                    size += len(block)
            return size

        copy()
        growth = []

        def export_once() -> None:
            pid = self.server.worker_pid
            before = rss_kb(pid, "VmRSS")
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset VmHWM
            self.get("/api/v1/events/", export)
            growth.append((rss_kb(pid, "VmHWM") - before) / 1024)

        ours_s, copy_s = paired(export_once, copy)
        self.details["csv"] = {
            "query": params, "events": count, "endpoint_ms": self.ms(ours_s),
            "copy_ms": self.ms(copy_s), "endpoint_rows_per_s": round(count / ours_s),
            "copy_rows_per_s": round(count / copy_s),
            "memory_growth_mb": [round(g, 1) for g in growth],
        }  # fmt: skip
        self.add(
            "csv_vs_copy",
            copy_s / ours_s,
            0.5,
            higher=True,
            compares=f"CSV export rows/s ({count:,} events) ÷ COPY rows/s",
        )
        self.add(
            "csv_memory_mb",
            max(growth),
            50,
            unit="MB",
            compares="gunicorn worker's peak RSS growth during the export",
        )

    # Keyset pagination at depth N.

    def cursor(self) -> None:
        from django.test import RequestFactory
        from rest_framework.request import Request

        from events.api import pagination

        published = run_sql(
            self.conn, "SELECT count(*) FROM events_event WHERE status = 'published'",
            [],
        )[0][0]  # fmt: skip
        depth = max(published - 200, 0)
        position = run_sql(
            self.conn,
            "SELECT start_date, id FROM events_event WHERE status = 'published' "
            "ORDER BY start_date, id OFFSET %s LIMIT 1",
            [depth],
        )[0]
        request = Request(RequestFactory().get("/api/v1/events/", {"page_size": "100"}))
        token = pagination.make_cursor(request, pagination.BY_DATE, tuple(position))
        first = {"page_size": "100"}
        deep = {"page_size": "100", "cursor": token}
        page = json.loads(self.get("/api/v1/events/", deep))
        assert len(page["results"]) == 100, len(page["results"])
        first_s, deep_s = paired(
            lambda: self.get("/api/v1/events/", first),
            lambda: self.get("/api/v1/events/", deep),
        )
        offset_sql = (
            "SELECT * FROM events_event WHERE status = 'published' "
            "ORDER BY start_date, id LIMIT 100 OFFSET %s"
        )
        offset_first_s, offset_deep_s = paired(
            lambda: run_sql(self.conn, offset_sql, [0]),
            lambda: run_sql(self.conn, offset_sql, [depth]),
        )
        self.details["cursor"] = {
            "depth": depth, "first_ms": self.ms(first_s), "deep_ms": self.ms(deep_s),
            "offset_first_ms": self.ms(offset_first_s),
            "offset_deep_ms": self.ms(offset_deep_s),
            "offset_deep_vs_first": round(offset_deep_s / offset_first_s, 1),
        }  # fmt: skip
        self.add(
            "cursor_deep_vs_first",
            deep_s / first_s,
            1.5,
            compares=f"page of 100 after {depth:,} events ÷ first page",
        )

    # Full-text search.

    def search(self) -> None:
        params = {"q": SEARCH_TEXT}
        sql = """
            SELECT e.*, ts_rank(e.search_vector, query)::float8 AS rank
            FROM events_event e, websearch_to_tsquery('english', %s) AS query
            WHERE e.status = 'published' AND e.search_vector @@ query
            ORDER BY rank DESC, e.start_date, e.id LIMIT 101
        """
        page = json.loads(self.get("/api/v1/events/", params))
        rows = run_sql(self.conn, sql, [SEARCH_TEXT])
        assert [r["id"] for r in page["results"]] == [r[0] for r in rows[:100]]
        ours_s, sql_s = paired(
            lambda: self.get("/api/v1/events/", params),
            lambda: run_sql(self.conn, sql, [SEARCH_TEXT]),
        )
        matches = run_sql(
            self.conn,
            "SELECT count(*) FROM events_event WHERE status = 'published' "
            "AND search_vector @@ websearch_to_tsquery('english', %s)",
            [SEARCH_TEXT],
        )[0][0]
        self.details["search"] = {
            "q": SEARCH_TEXT, "matches": matches, "endpoint_ms": self.ms(ours_s),
            "sql_ms": self.ms(sql_s),
        }  # fmt: skip
        self.add(
            "search_vs_sql",
            ours_s / sql_s,
            1.5,
            compares=f"?q={SEARCH_TEXT} first page ({matches:,} matches) ÷ SQL",
        )

    # The map's whole-region view.

    def map(self) -> None:
        sql, args = map_reference_sql(MAP_QUERY)
        document = json.loads(self.get("/maps/events.geojson", MAP_QUERY))
        cells = run_sql(self.conn, sql, args)
        shown = sum(f["properties"]["count"] for f in document["features"])
        assert shown == sum(row[3] for row in cells), "map counts differ from SQL"
        ours_s, sql_s = paired(
            lambda: self.get("/maps/events.geojson", MAP_QUERY),
            lambda: run_sql(self.conn, sql, args),
        )
        uncached_s = self.map_uncached()
        self.details["map"] = {
            "query": MAP_QUERY, "events": shown, "groups": len(cells),
            "endpoint_ms": self.ms(ours_s), "sql_ms": self.ms(sql_s),
            "uncached_ms": self.ms(uncached_s),
        }  # fmt: skip
        self.add(
            "map_vs_sql",
            ours_s / sql_s,
            1.3,
            compares=f"clusters at zoom 5 ({shown:,} events) ÷ grid SQL; cached "
            f"(uncached: {uncached_s * 1000:,.0f} ms)",
        )
        self.add(
            "map_ms",
            ours_s * 1000,
            300,
            unit="ms",
            compares="the map's whole-region view, over HTTP",
        )

    def map_uncached(self) -> float:
        """What the first view after a change costs: the layer's own SQL."""
        from events import mapdata

        where = {"bbox": MAP_QUERY["bbox"]}
        events = filtered(where).filter(point__isnull=False).order_by()
        sql, params = events.values("point", "event_type").query.sql_with_params()
        size = mapdata.cell_degrees(int(MAP_QUERY["zoom"]))
        query = mapdata.CLUSTERS_SQL.format(selected=sql)
        return median_seconds(lambda: mapdata.run(query, [*params, size, size]))

    # Vector tiles, uncached, against the same ST_AsMVT statement by hand.

    def tiles(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from events import tiles

        anonymous = filterset_of({})
        # By hand as the app runs it: the values bound in the client, as
        # Django binds them, with the connection's settings, and with the
        # memory it gives a tile's statement (events/tiles.py), so both group
        # in memory.
        conn = page_reader()
        conn.execute(f"SET work_mem = '{tiles.WORK_MEM}'")
        sql_ms: list[float] = []
        tile_ms: list[float] = []
        rows = []
        # New to the cache of an earlier run too (tiles are kept five minutes).
        run = secrets.token_hex(4)
        for tile in tile_sample():
            statement = tile_statement(anonymous, tile)
            path = f"/tiles/events/{tile.z}/{tile.x}/{tile.y}.mvt"
            size = len(self.get(path, {"bench": "warm"}))
            turn = iter(range(10**9))
            # A query parameter no filter reads makes each request a new
            # cache key: the tile is built every time, as after a change.
            ours_s, sql_s = paired(
                lambda path=path, turn=turn: self.get(
                    path, {"bench": f"uncached-{run}-{next(turn)}"}
                ),
                lambda statement=statement: sql_page(conn, statement),
            )
            tile_ms.append(ours_s * 1000)
            sql_ms.append(sql_s * 1000)
            rows.append({"tile": f"{tile.z}/{tile.x}/{tile.y}", "bytes": size,
                         "ms": self.ms(ours_s), "sql_ms": self.ms(sql_s)})  # fmt: skip
        first_screen = [
            f"/tiles/events/{t.z}/{t.x}/{t.y}.mvt" for t in first_screen_tiles()
        ]
        turn = iter(range(10**9))

        def first_view() -> None:
            # As a browser asks: the TileJSON, then the view's tiles together.
            nonce = {"bench": f"view-{run}-{next(turn)}"}
            self.get("/tiles/events.json", nonce)
            with ThreadPoolExecutor(max_workers=6) as pool:
                list(pool.map(lambda path: self.get(path, nonce), first_screen))

        view_s = median_seconds(first_view)
        conn.close()
        p95 = percentile(tile_ms, 95)
        self.details["tiles"] = {
            "tiles": rows, "first_screen": first_screen,
            "events_from_zoom": tiles.EVENTS_FROM_ZOOM,
            "max_tile_events": tiles.MAX_TILE_EVENTS,
        }  # fmt: skip
        self.add(
            "tile_ms_p95",
            p95,
            100,
            unit="ms",
            compares=f"{len(tile_ms)} event tiles at zooms 3–14 over the region, "
            "uncached, over HTTP: 95th percentile",
        )
        self.add(
            "tile_vs_sql",
            sum(tile_ms) / sum(sql_ms),
            1.2,
            compares="the same tiles ÷ their ST_AsMVT statements run by hand",
        )
        self.add(
            "map_uncached_ms",
            view_s * 1000,
            300,
            unit="ms",
            compares=f"the map's first screen uncached: TileJSON and its "
            f"{len(first_screen)} event tiles at zoom 4, six at a time",
        )

    # Timeline aggregation.

    def timeline(self) -> None:
        params = {"interval": "month"}
        sql, args = timeline_reference_sql("month")
        answer = json.loads(self.get("/api/v1/events/timeline/", params))
        rows = run_sql(self.conn, sql, args)
        assert sum(r["count"] for r in answer["results"]) + sum(
            r["count"] for r in answer["imprecise"]
        ) == sum(row[3] for row in rows), "timeline counts differ from SQL"
        ours_s, sql_s = paired(
            lambda: self.get("/api/v1/events/timeline/", params),
            lambda: run_sql(self.conn, sql, args),
        )
        page_s = median_seconds(lambda: self.get("/timeline/"))
        self.details["timeline"] = {
            "endpoint_ms": self.ms(ours_s), "sql_ms": self.ms(sql_s),
            "page_ms": self.ms(page_s),
        }  # fmt: skip
        self.add(
            "timeline_vs_sql",
            ours_s / sql_s,
            1.3,
            compares="GET /api/v1/events/timeline/?interval=month ÷ SQL",
        )

    # Every page an analyst opens, with the app's cache empty.

    def pages(self) -> None:
        """
        Each page's HTML from a server whose cache keeps nothing (Django's
        dummy backend), so that every request does the work a first visit
        after a change does; PostgreSQL's buffers are warm (one unmeasured
        request first). The heaviest instance of each kind: the article and
        the actor with the most citations and participations, the country
        with the most events.
        """
        paths = dict(page_paths(self.conn))
        times = {}
        with serve(BENCH_CACHE="none") as cold:
            for name, path in paths.items():
                times[name] = median_seconds(lambda p=path: fetch(cold, p, {}))
        self.details["pages"] = {
            name: {"path": paths[name], "page_ms": self.ms(seconds)}
            for name, seconds in times.items()
        }
        slowest = max(times, key=times.get)
        self.add(
            "page_ms_max",
            times[slowest] * 1000,
            200,
            unit="ms",
            compares=f"the slowest page uncached ({slowest}: {paths[slowest]}); "
            "each page in details.pages",
        )

    # ACLED import, against COPY into the same table.

    def import_acled(self) -> None:
        from django.db import transaction

        from events.interop import acled, import_rows, read_rows
        from events.models import Event

        rows = IMPORT_ROWS
        columns = [
            "title", "summary", "event_type", "sub_event_type", "start_date",
            "end_date", "date_precision", "location_id", "geo_precision", "point",
            "fatalities_low", "fatalities_best", "fatalities_high", "status",
            "retraction_reason", "confidence", "version", "created_at",
            "updated_at", "published_at", "acled_id", "ucdp_id", "gdelt_id",
            "is_synthetic",
        ]  # fmt: skip
        listed = ", ".join(columns)
        with self.conn.cursor() as cursor, cursor.copy(
            f"COPY (SELECT {listed} FROM events_event WHERE is_synthetic "
            f"ORDER BY id LIMIT {rows}) TO STDOUT"
        ) as out:  # fmt: skip
            data = [bytes(block) for block in out]

        class Discard(Exception):
            pass

        reports = []

        def vacuum() -> None:
            # Both sides roll back; their dead rows go before the next turn,
            # whether or not the server's autovacuum is on.
            for table in IMPORT_TABLES:
                self.conn.execute(f"VACUUM {table}")

        def copy_in() -> float:
            statement = f"COPY events_event ({listed}) FROM STDIN"
            started = time.perf_counter()
            with (
                self.conn.transaction(force_rollback=True),
                self.conn.cursor() as cur,
                cur.copy(statement) as into,
            ):
                for block in data:
                    into.write(block)
            spent = time.perf_counter() - started
            vacuum()
            return spent

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "acled.csv"
            events = Event.objects.filter(is_synthetic=True).published()
            with path.open("w", newline="", encoding="utf-8") as fh:
                written = acled.write_csv(events.order_by("id")[:rows], fh)
            # New ids: the rows are new events, not the ones they came from.
            text = path.read_text(encoding="utf-8").replace(
                f"\n{acled.OWN_ID_PREFIX}", "\nBENCH"
            )
            path.write_text(text, encoding="utf-8")

            def import_once() -> float:
                started = time.perf_counter()
                try:
                    with transaction.atomic():
                        total, numbered = read_rows(path=path, fmt="acled")
                        reports.append(import_rows(rows=numbered, fmt="acled"))
                        spent = time.perf_counter() - started
                        raise Discard
                except Discard:
                    pass
                vacuum()
                return spent

            # In turns, as paired() runs the other figures, but fewer: each
            # import of 100,000 rows takes most of a minute.
            copy_in()  # warm-up
            import_times, copy_times = [], []
            for _ in range(IMPORT_REPEAT):
                import_times.append(import_once())
                copy_times.append(copy_in())
        report = reports[-1]
        assert report.created == written, report.summary()
        import_s = statistics.median(import_times)
        copy_s = statistics.median(copy_times)
        self.details["import"] = {
            "rows": written, "import_s": round(import_s, 1),
            "import_rows_per_s": round(written / import_s),
            "copy_ms": self.ms(copy_s), "copy_rows_per_s": round(written / copy_s),
            "import_runs_s": [round(t, 1) for t in import_times],
            "copy_runs_ms": [self.ms(t) for t in copy_times],
            "report": report.summary(),
        }  # fmt: skip
        self.add(
            "import_vs_copy",
            copy_s / import_s,
            0.3,
            higher=True,
            compares=f"ACLED CSV import rows/s ({written:,} rows) ÷ COPY rows/s",
        )

    # The admin's event list.

    def admin(self) -> None:
        from django.contrib.auth.models import User
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        cookies = self.staff_cookies()
        user = User.objects.get(username=ADMIN_USER)
        url = "/admin/events/event/"
        headers = {"Cookie": cookies}
        page = self.get(url, headers=headers)
        assert b"changelist" in page, "not signed in to the admin"
        admin_s = median_seconds(lambda: self.get(url, headers=headers))
        client = Client()
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts = [
            q["sql"] for q in queries.captured_queries
            if "COUNT(" in q["sql"].upper() and " LIMIT " not in q["sql"].upper()
        ]  # fmt: skip
        self.details["admin"] = {
            "changelist_ms": self.ms(admin_s), "queries": len(queries),
            "full_counts": counts,
            "slowest": sorted(
                queries.captured_queries, key=lambda q: -float(q["time"])
            )[:3],
        }  # fmt: skip
        self.add(
            "admin_changelist_ms",
            admin_s * 1000,
            500,
            unit="ms",
            compares="GET /admin/events/event/ as staff, over HTTP",
        )
        if counts:
            print(f"  full-table COUNT in the admin: {counts}", file=sys.stderr)
            self.figures[-1].value = float("inf")

    def staff_cookies(self) -> str:
        """A superuser for the bench, signed in through /admin/login/."""
        from django.contrib.auth.models import User

        password = secrets.token_urlsafe(16)
        user, _ = User.objects.get_or_create(username=ADMIN_USER)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        return self.login(password)

    def login(self, password: str) -> str:
        status, page, response = request(self.server, "/admin/login/")
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        token = page.split(b'name="csrfmiddlewaretoken" value="')[1].split(b'"')[0]
        form = urllib.parse.urlencode({
            "username": ADMIN_USER, "password": password,
            "csrfmiddlewaretoken": token.decode(), "next": "/admin/",
        }).encode()  # fmt: skip
        cookie = "; ".join(f"{k}={v.value}" for k, v in jar.items())
        status, _, response = request(
            self.server, "/admin/login/", method="POST", body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie, "Referer": f"http://{HOST}:{self.server.port}/",
            },
        )  # fmt: skip
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        if status != 302 or "sessionid" not in jar:
            raise RuntimeError(f"admin sign-in failed: {status}")
        return "; ".join(f"{k}={v.value}" for k, v in jar.items())

    # Every event filter, and every pair, in every format.

    def filters(self) -> None:
        """
        The first JSON page and the first STREAMED_ROWS rows of GeoJSON and
        CSV for each filter and pair: over HTTP (filter_ms_max), and the
        statement the app runs for them against the same written by hand,
        both through psycopg (filter_vs_sql_max).
        """
        values = filter_values()
        queries = filter_queries(values)
        measured: dict[str, dict[str, list[float]]] = {}
        singles = len(values)
        with page_reader() as conn:

            def figures(text: str, export: str, repeat: int) -> list[float]:
                params = queries[text]
                app, hand = app_statements(params), hand_written_statements(params)
                return self.filter_figures(
                    conn, text, params, export, app[export], hand[export], repeat
                )

            for number, text in enumerate(queries):
                repeat = REPEAT if number < singles else FILTER_PAIR_REPEAT
                measured[text] = {
                    export: figures(text, export, repeat)
                    for export in ("json", "geojson", "csv")
                }
                print(f"  {text}: {measured[text]}", file=sys.stderr)
            first_worst = sorted(
                ((text, export, *found) for text, formats in measured.items()
                 for export, found in formats.items()),
                key=lambda entry: -entry[5],
            )[:FILTER_RECHECKED]  # fmt: skip
            for text, export, *_ in first_worst:
                measured[text][export] = figures(text, export, FILTER_RECHECK_REPEAT)
                print(f"  again {text} as {export}: {measured[text][export]}",
                      file=sys.stderr)  # fmt: skip
        entries = [
            (text, export, *figures)
            for text, formats in measured.items()
            for export, figures in formats.items()
        ]
        slowest = sorted(entries, key=lambda entry: -entry[2])
        worst = sorted(entries, key=lambda entry: -entry[5])
        self.details["filters"] = {
            "queries": len(queries), "pair_repeat": FILTER_PAIR_REPEAT,
            "columns": ["endpoint_ms", "app_sql_ms", "sql_ms", "app_vs_sql"],
            "slowest": [list(entry) for entry in slowest[:10]],
            "worst_vs_sql": [list(entry) for entry in worst[:10]],
            # The sweep's worst, as first measured (then again, in `measured`).
            "first_worst_vs_sql": [list(entry) for entry in first_worst],
            "recheck_repeat": FILTER_RECHECK_REPEAT,
            "measured": measured,
        }  # fmt: skip
        text, export, endpoint_ms = slowest[0][:3]
        self.add(
            "filter_ms_max",
            endpoint_ms,
            200,
            unit="ms",
            compares=f"slowest of {len(queries)} filters and pairs over HTTP: "
            f"?{text} as {export}",
        )
        text, export, *_, ratio = worst[0]
        self.add(
            "filter_vs_sql_max",
            ratio,
            1.3,
            compares=f"the app's statement ÷ the same by hand, worst: ?{text} "
            f"as {export}",
        )

    def filter_figures(
        self,
        conn: psycopg.Connection,
        text: str,
        params: dict,
        export: str,
        app: tuple[str, list],
        hand: tuple[str, list],
        repeat: int,
    ) -> list[float]:
        """[endpoint ms, app's statement ms, by hand ms, app ÷ by hand]."""
        if export == "json":

            def endpoint() -> tuple[float, list[int]]:
                started = time.perf_counter()
                page = json.loads(self.get("/api/v1/events/", params))
                spent = time.perf_counter() - started
                return spent, [event["id"] for event in page["results"]]

            def statement(sql: tuple[str, list]) -> Callable[[], tuple]:
                return lambda: sql_page(conn, sql)
        else:

            def endpoint() -> tuple[float, list[int]]:
                return first_rows(self.server, "/api/v1/events/", params, export=export)

            def statement(sql: tuple[str, list]) -> Callable[[], tuple]:
                return lambda: sql_first_rows(conn, sql)

        answers = [endpoint()[1], statement(app)()[1], statement(hand)()[1]]
        if not answers[0] == answers[1] == answers[2]:
            raise RuntimeError(f"?{text} as {export}: the ids differ: {answers}")

        def endpoint_then_settle() -> float:
            # The request's stream goes on to read its next rows after the
            # first, which pushes the page's blocks out of PostgreSQL's
            # shared buffers: whichever statement ran next read them back
            # (twice its time), and it was always the app's. The page is
            # read once, untimed, so that both are timed on the same buffers.
            spent = endpoint()[0]
            statement(hand)()
            return spent

        endpoint_s, app_s, hand_s = turns(
            endpoint_then_settle,
            lambda: statement(app)()[0],
            lambda: statement(hand)()[0],
            repeat=repeat,
        )
        ratio = max(app_s, FILTER_FLOOR_S) / max(hand_s, FILTER_FLOOR_S)
        return [self.ms(endpoint_s), self.ms(app_s), self.ms(hand_s), round(ratio, 2)]

    # The inbox, the article lists and search, the citation list:
    # bench/articles.py.

    def articles(self) -> None:
        from bench import articles

        articles.run_step(self)

    # OGC API – Features beside pygeoapi: bench/ogc_vs_pygeoapi.py.

    def ogc(self) -> None:
        from bench import ogc_vs_pygeoapi

        ogc_vs_pygeoapi.run_step(self)

    # The read-replica router and the shared cache against the single
    # database: bench/replica_cost.py.

    def replicas(self) -> None:
        from bench import replica_cost

        replica_cost.run_step(self)

    # Suggestions, in process.

    def suggest(self) -> None:
        from events.demo import SEED_PATH
        from events.extract import suggest
        from events.models import Actor

        actors = Actor.objects.count()
        text = SEED_PATH.read_text(encoding="utf-8")
        published = datetime.date(2023, 3, 20)
        suggest_s = median_seconds(lambda: suggest(text, published=published))
        self.details["suggest"] = {"actors": actors, "ms": self.ms(suggest_s)}
        self.add(
            "suggest_ms",
            suggest_s * 1000,
            200,
            unit="ms",
            compares=f"suggest() for the seed article, {actors:,} actors",
        )
        self.actor_lookup(actors)

    def actor_lookup(self, actors: int) -> None:
        """Finding the stored actor a name denotes, as every import row and
        suggestion does, against its one indexed statement by hand."""
        from events import actor_identity
        from events.models import Actor

        aliased = Actor.objects.exclude(aliases=[]).order_by("pk").first()
        names = ["Islamic Revolutionary Guard Corps", "Government of Iraq",
                 "Nobody of that name"]  # fmt: skip
        if aliased is not None:
            names += [aliased.name, aliased.aliases[0]]
        columns = ", ".join(
            f'"{field.column}"' for field in Actor._meta.concrete_fields
        )
        # The keys the lookup itself asks for (its name's forms and acronyms).
        wanted = [
            sorted({key for _, key, _ in actor_identity._query_keys(name, "")})
            for name in names
        ]
        sql = f"SELECT {columns} FROM events_actor WHERE match_keys && %s ORDER BY id"

        def ours() -> None:
            for name in names:
                actor_identity.find_actor(name)

        def by_hand() -> None:
            for keys in wanted:
                run_sql(self.conn, sql, [keys])

        ours_s, sql_s = paired(ours, by_hand)
        each_ms = ours_s * 1000 / len(names)
        self.details["actor_lookup"] = {
            "actors": actors, "names": names, "ms": round(each_ms, 3),
            "sql_ms": round(sql_s * 1000 / len(names), 3),
        }  # fmt: skip
        self.add(
            "actor_lookup_ms",
            each_ms,
            50,
            unit="ms",
            compares=f"find_actor() among {actors:,} actors, a name "
            f"({ours_s / sql_s:.1f}× its statement by hand)",
        )


def rss_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def machine(conn: psycopg.Connection) -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_kb = rss_kb_total()
    version = conn.execute("SHOW server_version").fetchone()[0].split()[0]
    return (
        f"{model}, {os.cpu_count()} cores, {memory_kb / 1024 / 1024:.0f} GB RAM, "
        f"PostgreSQL {version}, {platform.python_implementation()} "
        f"{platform.python_version()}"
    )


def rss_kb_total() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1])
    return 0


def report(bench: Bench, machine_text: str) -> None:
    width = max(len(f.key) for f in bench.figures)
    print(f"\nZagros benchmark: {EVENTS:,} events; {machine_text}\n")
    print(f"{'figure':<{width}}  {'value':>9}  {'target':>9}  result  compares")
    for figure in bench.figures:
        sign = ">=" if figure.higher_is_better else "<="
        print(
            f"{figure.key:<{width}}  {figure.shown(figure.value):>9}  "
            f"{sign + ' ' + figure.shown(figure.target):>9}  "
            f"{'pass' if figure.passed else 'FAIL':<6}  {figure.compares}"
        )
    RESULTS.write_text(
        json.dumps(
            {
                "events": EVENTS,
                "machine": machine_text,
                "figures": {
                    f.key: round(f.value, 3 if f.unit == "x" else 1)
                    for f in bench.figures
                },
                "targets": {
                    f.key: ("≥ " if f.higher_is_better else "≤ ") + f.shown(f.target)
                    for f in bench.figures
                },
                "passed": {f.key: f.passed for f in bench.figures},
                "details": bench.details,
                "measured_at": datetime.datetime.now(datetime.UTC).isoformat(
                    timespec="seconds"
                ),
            },
            indent=2,
            default=str,
        )
        + "\n"
    )
    print(f"\nWrote {RESULTS.relative_to(ROOT)}")


# The CSV export first: the worker's memory is measured from a fresh start.
STEPS = ["csv_export", "geojson", "cursor", "search", "map", "tiles", "timeline",
         "filters", "admin", "pages", "articles", "suggest", "import_acled",
         "ogc", "replicas"]  # fmt: skip


def main() -> None:
    only = [step for step in os.environ.get("BENCH_ONLY", "").split(",") if step]
    prepare_database()
    setup_django()
    with sql_reader() as conn, serve() as server:
        bench = Bench(server, conn)
        for step in only or STEPS:
            print(f"{step} ...", file=sys.stderr)
            getattr(bench, step)()
        report(bench, machine(conn))


if __name__ == "__main__":
    main()
