"""
A streamed export that fails after its first byte, read over real HTTP from
gunicorn (the server of `make run` and of the image), by a client that stops
reading for a moment: the database connection serving the stream is then
terminated, as a restart or an operator would. The client must see a broken
transfer (the chunked encoding's last chunk missing), never a well-formed but
shortened document; the server logs the failure as an error, with the path.

The export is large enough (some 30 MB) that, with the client not reading, the
sockets between PostgreSQL, gunicorn and the client fill up (some megabytes on
a loopback) and the statement is still running, blocked on its writes, when its
connection goes (or, if the rows of a statement fit in the buffers, between
two statements of the stream).
"""

import csv
import http.client
import io
import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from events.models import Event, Location
from synthetic import generator as synthetic

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
LARGE_EXPORT_EVENTS = 20_000
HOST = "127.0.0.1"
# Arabic takes two bytes a letter in UTF-8: rows of about 1.5 kB in GeoJSON.
WORDS = "اشتباكات قرب الحدود في محافظة نينوى "


@pytest.fixture(scope="module")
def large_export(django_db_setup, django_db_blocker) -> Iterator[int]:
    """
    LARGE_EXPORT_EVENTS published events with long texts, committed so that
    gunicorn reads them, as synthetic data (no history), removed afterwards.
    """
    with django_db_blocker.unblock():
        with synthetic.without_history():
            place = Location.objects.create(
                name=(WORDS * 10)[:200],
                kind=Location.Kind.CITY,
                country_code="IRQ",
                point=Point(43.13, 36.34, srid=4326),
                source=synthetic.LOCATION_SOURCE,
            )
            Event.objects.bulk_create(
                Event(
                    title=f"{number} " + (WORDS * 10)[:290],
                    summary=WORDS * 20,
                    event_type=Event.Type.BATTLE,
                    sub_event_type=(WORDS * 3)[:100],
                    start_date="2024-01-01",
                    end_date="2024-01-01",
                    location=place,
                    point=Point(43.13, 36.34, srid=4326),
                    status=Event.Status.PUBLISHED,
                    is_synthetic=True,
                )
                for number in range(LARGE_EXPORT_EVENTS)
            )
        count = Event.objects.published().count()
    yield count
    with django_db_blocker.unblock():
        synthetic.delete_synthetic(analyze=False)


@dataclass
class Server:
    port: int
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn(large_export: int, tmp_path_factory) -> Iterator[Server]:
    """gunicorn with one sync worker, as `make run` serves, on the test database."""
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    server = Server(free_port(), tmp_path_factory.mktemp("gunicorn") / "log")
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgis://{database['USER']}{password}@{database['HOST']}:"
        f"{database['PORT']}/{database['NAME']}",
        "DEBUG": "0",
        "ALLOWED_HOSTS": HOST,
        "API_ANON_RATE": "1000/min",
        "LOG_LEVEL": "INFO",
    }
    with server.log.open("w") as log:
        process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "tracker.wsgi",
             "--bind", f"{HOST}:{server.port}", "--workers", "1"],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not answers(server):
            assert process.poll() is None, server.log.read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def answers(server: Server) -> bool:
    try:
        conn = http.client.HTTPConnection(HOST, server.port, timeout=5)
        conn.request("GET", "/health/")
        return conn.getresponse().status == 200
    except OSError:
        return False


def slow_client(server: Server) -> http.client.HTTPConnection:
    """An HTTP/1.1 client with a small receive buffer, so that it holds back
    the server as soon as it stops reading."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
    sock.connect((HOST, server.port))
    conn = http.client.HTTPConnection(HOST, server.port, timeout=60)
    conn.sock = sock
    return conn


def stream_blocked_on_its_client() -> int:
    """
    The process id of the server's connection, once the stream is held back
    by its client: PostgreSQL waits to write a statement's rows, or it has
    written them all (a stream reads in several statements, the first ones
    with a LIMIT, and their rows may fit in the sockets' buffers) and waits,
    inside the stream's transaction, for gunicorn, itself blocked on the
    client, to read on or send the next statement.
    """
    deadline = time.monotonic() + 30
    idle = None
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, wait_event = 'ClientWrite', state_change"
                " FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
                " AND state <> 'idle' AND wait_event_type = 'Client'"
            )
            row = cursor.fetchone()
        if row and row[1]:
            return row[0]
        if not row or idle is None or idle[0] != row[::2]:
            idle = (row[::2], time.monotonic()) if row else None
        elif time.monotonic() - idle[1] > 1:
            return row[0]  # waiting on gunicorn for a second: held back
        time.sleep(0.1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, state, wait_event, left(query, 60) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        seen = cursor.fetchall()
    raise AssertionError(f"no statement is waiting for its client: {seen}")


def exported_ids(export: str, body: bytes) -> list[int]:
    if export == "geojson":
        return [feature["id"] for feature in json.loads(body)["features"]]
    return [int(row["event_id"]) for row in csv.DictReader(io.StringIO(body.decode()))]


@pytest.mark.parametrize("export", ["geojson", "csv"])
def test_a_large_export_arrives_whole(
    gunicorn: Server, large_export: int, export: str
) -> None:
    conn = slow_client(gunicorn)
    conn.request("GET", f"/api/v1/events/?format={export}")
    response = conn.getresponse()

    body = response.read()

    assert response.status == 200
    assert response.getheader("Transfer-Encoding") == "chunked"
    assert len(body) > 25_000_000
    assert len(exported_ids(export, body)) == large_export


@pytest.mark.parametrize("export", ["geojson", "csv"])
def test_a_stream_broken_midway_is_a_broken_transfer_and_an_error(
    gunicorn: Server, large_export: int, export: str
) -> None:
    path = f"/api/v1/events/?format={export}"
    conn = slow_client(gunicorn)
    conn.request("GET", path)
    response = conn.getresponse()
    start = response.read(1000)
    backend = stream_blocked_on_its_client()

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
    with pytest.raises(http.client.IncompleteRead) as cut:
        response.read()

    assert response.status == 200  # sent with the first chunk of rows
    body = start + cut.value.partial
    if export == "geojson":
        with pytest.raises(json.JSONDecodeError):
            json.loads(body)
    else:
        assert len(exported_ids(export, body)) < large_export
    log = gunicorn.log.read_text()
    assert f"The body of {path} failed after the response began" in log
    assert "django.db.utils.OperationalError" in log
