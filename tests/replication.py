"""
A real PostgreSQL primary and streaming replica for the tests, and app
servers (gunicorn) in front of them, shared by the whole session.

`replication` stands the pair up with bin/replica in two clusters of their
own on free ports, the primary holding a copy of the test database (schema,
geography, demo data, and STREAM_EVENTS large synthetic events for the
streaming tests), and drops both at the end. `app_servers` starts two
gunicorns on it, sharing a Redis database of their own; `start_server` starts
more with other settings.

Import the fixtures a test module uses: `from tests.replication import ...`.
"""

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import redis
from django.contrib.auth.hashers import make_password
from django.contrib.gis.geos import Point
from django.db import connection

from events.models import Event, Location
from synthetic import generator as synthetic

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
DATABASE = "zagros_pair"
# Redis database of these tests (the machine's server; keys under a prefix of
# the run's own).
REDIS_DB = 7
REDIS_URL = f"redis://{HOST}:6379/{REDIS_DB}"
CACHE_PREFIX = f"zt{os.getpid()}"
STREAM_EVENTS = 6000
# Long enough that an export of them (some 30 MB) fills the sockets between
# the replica, gunicorn and a client that stops reading: the statement is
# then still running (about 5 kB a row in CSV).
WORDS = "اشتباكات قرب الحدود في محافظة نينوى "
EDITOR_TOKEN = secrets.token_hex(20)
STAFF_PASSWORD = "pw-for-replica-tests"
MAX_LAG = 3.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Pair:
    name: str
    primary_port: int
    replica_port: int
    version: str = "15"

    def url(self, port: int) -> str:
        return f"postgis://postgres@{HOST}:{port}/{DATABASE}"

    def connect(self, port: int) -> psycopg.Connection:
        return psycopg.connect(
            f"postgresql://postgres@{HOST}:{port}/{DATABASE}",
            autocommit=True,
            connect_timeout=5,
        )

    def primary(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self.connect(self.primary_port) as db:
            cursor = db.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def replica(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self.connect(self.replica_port) as db:
            cursor = db.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def ctl(self, role: str, *action: str) -> None:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", self.version,
             f"{self.name}_{role}", *action],
            check=True, capture_output=True,
        )  # fmt: skip

    def set_replica(self, **values: str) -> None:
        """Settings of the replica that a reload applies (ALTER SYSTEM)."""
        with self.connect(self.replica_port) as db:
            for name, value in values.items():
                db.execute(f"ALTER SYSTEM SET {name} = '{value}'")
            db.execute("SELECT pg_reload_conf()")

    @contextmanager
    def heartbeat(self) -> Iterator[None]:
        """A transaction on the primary every 0.2 s: a replica that replays
        late then lags by its delay, not by the time since the last write."""
        stop = threading.Event()

        def beat() -> None:
            with self.connect(self.primary_port) as db:
                while not stop.wait(0.2):
                    db.execute("SELECT txid_current()")

        thread = threading.Thread(target=beat, daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    def caught_up(self, timeout: float = 30) -> None:
        """Until the replica has replayed everything the primary wrote so far."""
        target = self.primary("SELECT pg_current_wal_lsn()")[0][0]
        deadline = time.monotonic() + timeout
        while True:
            try:
                done = self.replica(
                    "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (str(target),)
                )[0][0]
            except psycopg.OperationalError:
                done = False
            if done:
                return
            assert time.monotonic() < deadline, "the replica did not catch up"
            time.sleep(0.1)


def replica_script(*args: str, **env: str) -> str:
    result = subprocess.run(
        [str(ROOT / "bin" / "replica"), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


def add_stream_events() -> None:
    """STREAM_EVENTS published synthetic events with long texts (no history)."""
    with synthetic.without_history():
        place = Location.objects.create(
            name="Replica stream place",
            kind=Location.Kind.CITY,
            country_code="IRQ",
            point=Point(43.13, 36.34, srid=4326),
            source=synthetic.LOCATION_SOURCE,
        )
        Event.objects.bulk_create(
            Event(
                title=f"{number} " + (WORDS * 10)[:290],
                summary=WORDS * 80,
                event_type=Event.Type.BATTLE,
                start_date="2023-01-01",
                end_date="2023-01-01",
                location=place,
                point=Point(43.13, 36.34, srid=4326),
                status=Event.Status.PUBLISHED,
                is_synthetic=True,
            )
            for number in range(STREAM_EVENTS)
        )


@pytest.fixture(scope="session")
def replication(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Pair]:
    """A primary with a copy of the test database, and a streaming replica."""
    pair = Pair(f"zt{os.getpid()}", free_port(), free_port())
    dump = tmp_path_factory.mktemp("replication") / "seed.dump"
    with django_db_blocker.unblock():
        add_stream_events()
        try:
            settings = connection.settings_dict
            subprocess.run(
                ["pg_dump", "-Fc", "-h", settings["HOST"], "-p", str(settings["PORT"]),
                 "-U", settings["USER"], "-f", str(dump), settings["NAME"]],
                check=True, capture_output=True,
            )  # fmt: skip
        finally:
            synthetic.delete_synthetic(analyze=False)
    replica_script(
        "up", pair.name, str(pair.primary_port), str(pair.replica_port),
        DATABASE=DATABASE, DUMP=str(dump),
    )  # fmt: skip
    try:
        # A replica cancels a query that holds back replay this long at most.
        pair.set_replica(max_standby_streaming_delay="1s")
        make_users(pair)
        pair.caught_up()
        yield pair
    finally:
        replica_script("down", pair.name)
        # The app servers' keys (some never expire, as the basemap's).
        store = redis.Redis.from_url(REDIS_URL)
        if keys := store.keys(f"{CACHE_PREFIX}:*"):
            store.delete(*keys)


def make_users(pair: Pair) -> None:
    """An editor with a token and a staff member who signs in, on the primary."""
    password = make_password(STAFF_PASSWORD)
    for username, superuser in (("pair-editor", False), ("pair-admin", True)):
        pair.primary(
            "INSERT INTO auth_user (password, is_superuser, username, first_name,"
            " last_name, email, is_staff, is_active, date_joined)"
            " VALUES (%s, %s, %s, '', '', '', true, true, now())",
            (password, superuser, username),
        )
    pair.primary(
        "INSERT INTO auth_user_groups (user_id, group_id)"
        " SELECT u.id, g.id FROM auth_user u, auth_group g"
        " WHERE u.username = 'pair-editor' AND g.name = 'Editor'"
    )
    pair.primary(
        "INSERT INTO authtoken_token (key, created, user_id)"
        " SELECT %s, now(), id FROM auth_user WHERE username = 'pair-editor'",
        (EDITOR_TOKEN,),
    )


@dataclass
class Server:
    port: int
    log: Path
    process: subprocess.Popen
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        client = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            all_headers = dict(headers or {})
            payload = None
            if body is not None:
                payload = json.dumps(body).encode()
                all_headers["Content-Type"] = "application/json"
            client.request(method, path, body=payload, headers=all_headers)
            response = client.getresponse()
            return (
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                response.read(),
            )
        finally:
            client.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def server_environment(pair: Pair | None, **extra: str) -> dict[str, str]:
    environment = {
        **os.environ,
        "DEBUG": "1",
        "ALLOWED_HOSTS": HOST,
        "API_ANON_RATE": "100000/min",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        "REPLICA_HEADER": "1",
        "REPLICA_MAX_LAG": str(MAX_LAG),
        "CACHE_KEY_PREFIX": CACHE_PREFIX,
    }
    if pair is not None:
        environment["DATABASE_URL"] = pair.url(pair.primary_port)
        environment["DATABASE_REPLICA_URLS"] = pair.url(pair.replica_port)
    environment.update(extra)
    return environment


@pytest.fixture(scope="session")
def start_server(django_db_setup, tmp_path_factory) -> Iterator[Callable[..., Server]]:
    """
    Starts gunicorn with an environment; every one is stopped at the end,
    before the test database goes (which they may be connected to).
    """
    servers: list[Server] = []

    def start(environment: dict[str, str], workers: int = 1) -> Server:
        port = free_port()
        log = tmp_path_factory.mktemp("gunicorn") / "log"
        with log.open("w") as output:
            process = subprocess.Popen(
                [str(Path(sys.executable).with_name("gunicorn")), "tracker.wsgi",
                 "--bind", f"{HOST}:{port}", "--workers", str(workers),
                 "--threads", "4"],
                cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        server = Server(port, log, process)
        servers.append(server)
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if server.request("GET", "/health/")[0] == 200:
                    return server
            except OSError:
                pass
            assert time.monotonic() < deadline, f"gunicorn did not start:\n{log}"
            time.sleep(0.2)

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def app_servers(
    replication: Pair, start_server: Callable[..., Server]
) -> tuple[Server, Server]:
    """Two app servers on the pair, sharing one Redis cache."""
    environment = server_environment(replication, REDIS_URL=REDIS_URL)
    servers = start_server(environment), start_server(environment)
    # The first client with credentials finds no write positions kept yet:
    # until any it could have written are replayed everywhere, such clients
    # read from the primary (tracker.replicas.positions_kept).
    for server in servers:
        server.request("GET", "/api/v1/", headers={"Authorization": "Token none"})
    time.sleep(2 * MAX_LAG + 1.5)
    return servers
