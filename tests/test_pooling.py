"""
The application through a real PgBouncer in transaction mode (tests/pgbouncer.py),
with the settings DATABASE_POOLER=pgbouncer gives (tracker/pooling.py): reads,
keyset pages and streamed exports of the API, writes through the API and the
admin, the importer and the exporter, and the intake queue, every connection
of every thread going through the pooler but the queue worker's own, which
LISTENs and so goes straight to the server. The pooler hands each transaction
another server connection, so anything kept in a session would fail here.

Django's own pool (DATABASE_POOL) is checked here too, on the same flows' core.

These tests commit: the database is emptied after each, and the seed is put
back when the module is done.
"""

import copy
import csv
import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from rest_framework.authtoken.models import Token

from events.models import Actor, Event, Location, SourceArticle
from intake import queue
from intake.models import Source
from tests import pgbouncer as bouncer
from tests.conftest import load_seed, make_user
from tests.feedserver import FeedServer
from tests.intake_documents import page, rss, story
from tracker import pooling

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seed_restored_afterwards"),
]

EVENTS = "/api/v1/events/"
SAMPLE = Path(__file__).parent / "data" / "acled_sample.csv"


@pytest.fixture(scope="module")
def pgbouncer(django_db_setup) -> Iterator[bouncer.PgBouncer]:
    database = connection.settings_dict
    running = bouncer.start(
        host=database["HOST"] or "127.0.0.1",
        port=int(database["PORT"] or 5432),
        user=database["USER"],
        password=database["PASSWORD"],
    )
    running.open_servers(database["NAME"], database["USER"], database["PASSWORD"])
    yield running
    running.stop()


@pytest.fixture
def pooled(transactional_db, pgbouncer: bouncer.PgBouncer) -> Iterator[None]:
    """
    Every connection to the default database, in every thread, through the
    pooler, as DATABASE_POOLER=pgbouncer sets it; the queue's connection
    stays direct (the test database's settings, which the queue mirrors, are
    copied for it first).
    """
    default = connections["default"].settings_dict
    saved = copy.deepcopy(default)
    queue_connection = connections["queue"]
    queue_settings = queue_connection.settings_dict
    queue_connection.close()
    queue_connection.settings_dict = copy.deepcopy(saved)
    connections["default"].close()
    # In place: the settings every thread's connection is made from.
    pooling.through_pooler(default)
    default.update(HOST="127.0.0.1", PORT=str(pgbouncer.port))
    cache.clear()
    if not Event.objects.exists():
        load_seed()
    try:
        yield
    finally:
        connections["default"].close()
        default.clear()
        default.update(saved)
        queue_connection.close()
        queue_connection.settings_dict = queue_settings


def server_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def pooler_transactions(pgbouncer: bouncer.PgBouncer) -> int:
    """Transactions the pooler has passed on to the test database so far."""
    stats = subprocess.run(
        [
            "psql",
            f"host=127.0.0.1 port={pgbouncer.port} dbname=pgbouncer "
            f"user={connection.settings_dict['USER']}",
            "-AtF,",
            "-c",
            "SHOW STATS",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    name = connection.settings_dict["NAME"]
    return sum(
        int(line.split(",")[1])
        for line in stats.splitlines()
        if line.split(",")[0] == name
    )


# --- the pooler is what production runs -----------------------------------------


def test_each_transaction_goes_to_another_server_connection(
    pooled, pgbouncer: bouncer.PgBouncer
) -> None:
    pids = [server_pid() for _ in range(3)]
    assert connection.connection.info.port == pgbouncer.port
    assert len(set(pids)) == 3
    # What a session SET leaves behind is not there for the next transaction.
    with connection.cursor() as cursor:
        cursor.execute("SET zagros.probe = 'kept?'")
        cursor.execute("SELECT current_setting('zagros.probe', true)")
        seen = cursor.fetchone()[0]
    assert seen in (None, "")
    # PgBouncer refuses `options`; the connection's settings are made as
    # docs/deployment.md makes them.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"


def test_every_thread_connects_through_the_pooler(
    pooled, pgbouncer: bouncer.PgBouncer
) -> None:
    ports = []

    def connect() -> None:
        server_pid()
        ports.append(connection.connection.info.port)
        connection.close()

    thread = threading.Thread(target=connect)
    thread.start()
    thread.join()
    server_pid()
    assert ports == [pgbouncer.port]
    assert connection.connection.info.port == pgbouncer.port
    assert connections["queue"].settings_dict["PORT"] != str(pgbouncer.port)


# --- reads ------------------------------------------------------------------------


def test_api_pages_and_streamed_exports_through_the_pooler(
    pooled, pgbouncer: bouncer.PgBouncer
) -> None:
    call_command(
        "import_events", str(SAMPLE), "--format", "acled", "--status", "published",
        stdout=io.StringIO(),
    )  # fmt: skip
    client = Client()
    before = pooler_transactions(pgbouncer)
    everything = client.get(EVENTS, {"page_size": 500}).json()
    expected = [event["id"] for event in everything["results"]]
    assert len(expected) > 20 and everything["next"] is None

    # Keyset pages, two events at a time: each page a request of its own.
    seen, url = [], f"{EVENTS}?page_size=2"
    while url:
        data = client.get(url).json()
        seen += [event["id"] for event in data["results"]]
        url = data["next"]
    assert seen == expected

    geojson = client.get(EVENTS, {"format": "geojson"})
    assert geojson.streaming
    features = json.loads(b"".join(geojson.streaming_content))["features"]
    assert [feature["id"] for feature in features] == expected

    table = client.get(EVENTS, {"format": "csv"})
    assert table.streaming
    rows = csv.DictReader(io.StringIO(b"".join(table.streaming_content).decode()))
    assert [int(row["event_id"]) for row in rows] == expected

    acled = client.get(EVENTS, {"format": "acled"})
    rows = list(csv.reader(io.StringIO(b"".join(acled.streaming_content).decode())))
    assert len(rows) == len(expected) + 1
    # Every page and export above went through the pooler.
    assert pooler_transactions(pgbouncer) - before >= len(expected) // 2


# --- writes -----------------------------------------------------------------------


def test_api_and_admin_writes_through_the_pooler(pooled) -> None:
    editor = make_user("pooled-editor", "Editor")
    token = Token.objects.create(user=editor)
    article = SourceArticle.objects.first()
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    created = client.post(
        EVENTS,
        {
            "title": "A visit through the pooler",
            "summary": "A visit.",
            "event_type": "meeting",
            "start_date": "2023-03-19",
            "location": Location.objects.get(code="IRQ").pk,
            "geo_precision": "country",
            "participants": [
                {"actor": Actor.objects.get(name="Iraq").pk, "role": "participant"}
            ],
            "citations": [{"article": article.pk, "quote": "Baghdad, Iraq"}],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    event = Event.objects.get(pk=created.json()["id"])
    changed = client.patch(
        f"{EVENTS}{event.pk}/",
        {"summary": "A longer visit."},
        content_type="application/json",
        HTTP_IF_MATCH=created["ETag"],
    )
    assert changed.status_code == 200, changed.content
    event.refresh_from_db()
    assert (event.summary, event.version) == ("A longer visit.", 2)
    # The history knows who made each change: its context is set per transaction.
    history = list(event.history.order_by("pgh_id"))
    assert len(history) >= 2
    assert {snapshot.pgh_context.metadata["user"] for snapshot in history} == {
        editor.pk
    }

    admin = Client()
    admin.force_login(editor)
    saved = admin.post(
        "/admin/events/actor/add/",
        {
            "name": "Pooled Border Guard",
            "aliases": "",
            "kind": "security_force",
            "country": "IRQ",
            "parent": "",
            "wikidata_id": "",
            "description": "",
        },
    )
    assert saved.status_code == 302, saved.content
    actor = Actor.objects.get(name="Pooled Border Guard")
    assert actor.history.get().pgh_context.metadata["user"] == editor.pk


def test_import_and_export_commands_through_the_pooler(pooled, tmp_path: Path) -> None:
    before = Event.objects.count()
    out = io.StringIO()
    # The fast writer (COPY, inside its transaction), then the plain one.
    call_command("import_events", str(SAMPLE), "--format", "acled", stdout=out)
    imported = Event.objects.count() - before
    assert imported > 10
    call_command(
        "import_events", str(SAMPLE), "--format", "acled", "--plain", stdout=out
    )
    assert Event.objects.count() - before == imported  # the same rows, known
    for fmt in ("acled", "geojson"):
        path = tmp_path / f"events.{fmt}"
        call_command("export_events", str(path), "--format", fmt, stdout=out)
        assert path.stat().st_size > 0
    features = json.loads((tmp_path / "events.geojson").read_text())["features"]
    with (tmp_path / "events.acled").open(newline="") as fh:
        assert len(list(csv.reader(fh))) == len(features) + 1
    assert len(features) >= imported


# --- the intake queue -----------------------------------------------------------------


def test_the_intake_queue_defers_and_runs_jobs_through_the_pooler(
    pooled, intake_settings: FeedServer
) -> None:
    server = intake_settings
    server.reset()
    server.serve(
        "/pages/pooled",
        page("Border guards meet at the crossing", story("strikes-wire")),
    )
    server.serve(
        "/pooled.xml",
        rss(
            [
                {
                    "title": "Border guards meet at the crossing",
                    "link": server.url("/pages/pooled"),
                    "date": "Mon, 14 Nov 2022 10:00:00 GMT",
                    "summary": "A meeting.",
                }
            ]
        ),
        content_type="application/rss+xml",
    )
    source = Source.objects.create(
        name="pooled", url=server.url("/pooled.xml"), kind=Source.Kind.RSS
    )
    assert queue.defer_poll(source.pk)
    # The worker listens on the queue's direct connection; its jobs, in
    # threads, read and write through the pooler.
    assert queue.drain(concurrency=2, timeout=60)
    assert SourceArticle.objects.filter(url=server.url("/pages/pooled")).exists()
    source.refresh_from_db()
    assert source.last_error == ""


# --- the settings -----------------------------------------------------------------


def settings_in_a_process(environment: dict[str, str], expression: str) -> str:
    """`expression` evaluated on the settings a process started so would have."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
            "'tracker.settings'); django.setup(); from django.conf import settings; "
            f"print(repr({expression}))",
        ],
        cwd=settings.BASE_DIR,
        env={**_environment(), **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _environment() -> dict[str, str]:
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DATABASE_", "QUEUE_"))
    }


def test_pooler_settings_drop_options_and_prepared_statements() -> None:
    direct = "postgis://zagros@db:5432/zagros"
    options = settings_in_a_process(
        {
            "DATABASE_URL": "postgis://zagros@pgbouncer:6432/zagros",
            "DATABASE_POOLER": "pgbouncer",
            "QUEUE_DATABASE_URL": direct,
        },
        "(settings.DATABASES['default']['OPTIONS'], "
        "settings.DATABASES['queue']['PORT'], settings.DATABASES['queue']['OPTIONS'])",
    )
    assert options == repr(
        (
            {"prepare_threshold": None},
            5432,
            {"options": "-c jit=off -c max_parallel_workers_per_gather=0"},
        )
    )


def test_a_pooler_without_a_direct_queue_connection_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="QUEUE_DATABASE_URL"):
        pooling.configure(
            {"default": {}}, pooler="pgbouncer", pool_size=0, pool_timeout=1,
            queue_url_set=False,
        )  # fmt: skip
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOLER='pgpool'"):
        pooling.configure(
            {"default": {}}, pooler="pgpool", pool_size=0, pool_timeout=1,
            queue_url_set=True,
        )  # fmt: skip


# --- Django's own pool, where no PgBouncer runs ------------------------------------


def test_django_pool_settings() -> None:
    pooled = settings_in_a_process(
        {"DATABASE_POOL": "6", "DATABASE_POOL_TIMEOUT": "3", "CONN_MAX_AGE": "60"},
        "(settings.DATABASES['default']['OPTIONS']['pool'], "
        "settings.DATABASES['default']['CONN_MAX_AGE'], "
        "'pool' in settings.DATABASES['queue']['OPTIONS'])",
    )
    assert pooled == repr(({"min_size": 1, "max_size": 6, "timeout": 3.0}, 0, False))


@pytest.fixture
def django_pool(transactional_db) -> Iterator[None]:
    default = connections["default"].settings_dict
    saved = copy.deepcopy(default)
    connections["default"].close()
    pooling.with_pool(default, 2, 5.0)
    cache.clear()
    if not Event.objects.exists():
        load_seed()
    try:
        yield
    finally:
        connections["default"].close()
        connections["default"].close_pool()
        default.clear()
        default.update(saved)


def test_requests_share_the_connections_of_djangos_pool(django_pool) -> None:
    client = Client()
    pids = set()
    for _ in range(6):
        assert client.get(EVENTS, {"page_size": 2}).status_code == 200
        pids.add(server_pid())
        connections["default"].close()  # back to the pool, as after a request
    pool = connections["default"].pool
    assert pool is not None and pool.get_stats()["pool_max"] == 2
    assert len(pids) <= 2
    geojson = Client().get(EVENTS, {"format": "geojson"})
    assert json.loads(b"".join(geojson.streaming_content))["features"]
    user = make_user("pool-user")
    assert User.objects.filter(pk=user.pk).exists()
