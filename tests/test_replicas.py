"""
Read replicas, end to end: two app servers (gunicorn) sharing a Redis cache,
in front of a real primary and a real streaming replica (tests/replication.py).
Each response says which kind of server it read from (X-Database, switched
on by REPLICA_HEADER for these servers); what the client sees is checked
against what each server holds.
"""

import csv
import http.client
import io
import json
import re
import socket
import time
from collections.abc import Callable

import pytest
import redis

from tests.replication import (
    CACHE_PREFIX,
    EDITOR_TOKEN,
    HOST,
    MAX_LAG,
    REDIS_URL,
    STAFF_PASSWORD,
    STREAM_EVENTS,
    Pair,
    Server,
    free_port,
    server_environment,
)

# The test database is what the pair starts from.
pytestmark = pytest.mark.django_db

AUTH = {"Authorization": f"Token {EDITOR_TOKEN}"}
# The reads the router sends to a replica: pages, map, feeds, API, exports, OGC.
READS = [
    "/",
    "/timeline/",
    "/map/",
    "/maps/events.geojson?zoom=5",
    "/maps/basemap.geojson",
    "/feeds/events/",
    "/api/v1/events/",
    "/api/v1/events/?format=csv",
    "/api/v1/events/?format=geojson&bbox=42,34,47,38",
    "/ogc/collections/events/items?limit=5",
    "/health/",
]


def read_everything(server: Server, expected: str) -> None:
    for path in READS:
        status, headers, body = server.request("GET", path)
        assert status == 200, (path, body[:300])
        assert headers["x-database"] == expected, path


def new_event(pair: Pair, title: str) -> dict:
    location = pair.primary(
        "SELECT min(id) FROM events_location WHERE kind = 'country'"
    )
    return {
        "title": title,
        "summary": "Written by the replica tests.",
        "event_type": "statement",
        "start_date": "2024-03-01",
        "location": location[0][0],
        "geo_precision": "country",
    }


def until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def sign_in(server: Server, username: str = "pair-admin") -> str:
    """Signs in through the admin's form; the Cookie header that carries the session."""
    status, headers, body = server.request("GET", "/admin/login/")
    assert status == 200
    csrf = re.search(r"csrftoken=([^;]+)", headers["set-cookie"]).group(1)
    form = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    client = http.client.HTTPConnection(HOST, server.port, timeout=30)
    try:
        payload = (
            f"csrfmiddlewaretoken={form.decode()}&username={username}"
            f"&password={STAFF_PASSWORD}&next=/admin/"
        )
        client.request(
            "POST",
            "/admin/login/",
            body=payload,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={csrf}",
                "Referer": f"http://{HOST}:{server.port}/admin/login/",
            },
        )
        response = client.getresponse()
        response.read()
        assert response.status == 302, response.status
        cookies = response.getheader("Set-Cookie")
        session = re.search(r"sessionid=([^;]+)", cookies).group(1)
    finally:
        client.close()
    return f"sessionid={session}; csrftoken={csrf}"


def test_reads_go_to_the_replica_writes_and_the_admin_to_the_primary(
    replication: Pair, app_servers: tuple[Server, Server]
) -> None:
    replication.caught_up()
    for server in app_servers:
        read_everything(server, "replica")
        status, headers, _ = server.request("GET", "/admin/login/")
        assert (status, headers["x-database"]) == (200, "primary")
    status, headers, body = app_servers[0].request(
        "POST", "/api/v1/events/", new_event(replication, "Routed write"), AUTH
    )
    assert status == 201, body
    assert headers["x-database"] == "primary"


def test_a_client_reads_its_own_writes_on_any_app_server(
    replication: Pair, app_servers: tuple[Server, Server]
) -> None:
    first, second = app_servers
    replication.caught_up()
    # The replica replays two seconds late, within the allowed lag: it
    # serves every read that needs nothing newer.
    replication.set_replica(recovery_min_apply_delay="2s")
    try:
        with replication.heartbeat():
            time.sleep(2.5)
            status, _, body = first.request(
                "POST", "/api/v1/events/", new_event(replication, "Mine"), AUTH
            )
            assert status == 201, body
            event = json.loads(body)
            path = f"/api/v1/events/{event['id']}/"
            # The other app server sends this client to the primary...
            status, headers, body = second.request("GET", path, headers=AUTH)
            assert (status, headers["x-database"]) == (200, "primary"), body
            assert json.loads(body)["title"] == "Mine"
            # ...and a client that wrote nothing to the replica, which has
            # not replayed the write yet.
            assert second.request("GET", "/api/v1/events/")[1]["x-database"] == (
                "replica"
            )
            assert replication.replica(
                "SELECT count(*) FROM events_event WHERE id = %s", (event["id"],)
            ) == [(0,)]
            # Once the replica has replayed the write, it serves this client too.
            replication.caught_up()
            status, headers, body = second.request("GET", path, headers=AUTH)
            assert (status, headers["x-database"]) == (200, "replica")
            assert json.loads(body)["title"] == "Mine"
    finally:
        replication.set_replica(recovery_min_apply_delay="0")


def test_a_session_signed_in_on_one_server_is_signed_in_on_the_other(
    replication: Pair, app_servers: tuple[Server, Server]
) -> None:
    first, second = app_servers
    replication.caught_up()
    draft = replication.primary(
        "SELECT id FROM events_event WHERE status <> 'published' ORDER BY id LIMIT 1"
    )[0][0]
    replication.set_replica(recovery_min_apply_delay="2s")
    try:
        with replication.heartbeat():
            time.sleep(2.5)
            cookie = sign_in(first)
            # The session row is on the primary only: read there, the client
            # is signed in and sees a draft; on the replica, within the
            # allowed lag, it would be anonymous.
            status, headers, body = second.request(
                "GET", f"/api/v1/events/{draft}/", headers={"Cookie": cookie}
            )
            assert (status, headers["x-database"]) == (200, "primary"), body
            assert second.request("GET", "/api/v1/events/")[1]["x-database"] == (
                "replica"
            )
            replication.caught_up()
            status, headers, body = second.request(
                "GET", f"/api/v1/events/{draft}/", headers={"Cookie": cookie}
            )
            assert (status, headers["x-database"]) == (200, "replica"), body
    finally:
        replication.set_replica(recovery_min_apply_delay="0")


def test_a_replica_lagging_past_the_limit_is_skipped(
    replication: Pair, app_servers: tuple[Server, Server]
) -> None:
    replication.caught_up()
    replication.set_replica(recovery_min_apply_delay="30s")
    try:
        replication.primary("SELECT txid_current()")  # a transaction to replay
        time.sleep(MAX_LAG + 1)
        for server in app_servers:
            read_everything(server, "primary")
    finally:
        replication.set_replica(recovery_min_apply_delay="0")
    replication.caught_up()
    for server in app_servers:
        read_everything(server, "replica")


def test_a_replica_that_is_down_is_skipped_without_an_error(
    replication: Pair, app_servers: tuple[Server, Server]
) -> None:
    replication.caught_up()
    for server in app_servers:  # connections to the replica kept open
        server.request("GET", "/api/v1/events/")
    replication.ctl("replica", "stop", "-m", "fast")
    try:
        for server in app_servers:
            read_everything(server, "primary")
    finally:
        replication.ctl("replica", "start")
    for server in app_servers:
        until(
            lambda server=server: (
                server.request("GET", "/api/v1/events/")[1]["x-database"] == "replica"
            ),
            20,
            "reads did not return to the restarted replica",
        )
        read_everything(server, "replica")


def test_with_the_primary_down_reads_go_on_and_writes_answer_503(
    replication: Pair, app_servers: tuple[Server, Server]
) -> None:
    first, second = app_servers
    cookie = sign_in(first)
    refused, resumed = new_event(replication, "Refused"), new_event(replication, "Back")
    replication.caught_up()
    replication.ctl("primary", "stop", "-m", "fast")
    try:
        for server in app_servers:
            read_everything(server, "replica")
            status, headers, body = server.request(
                "POST", "/api/v1/events/", refused, AUTH
            )
            assert status == 503, body
            assert int(headers["retry-after"]) > 0
            assert "primary database" in json.loads(body)["detail"]
            # The admin still shows what there is, read-only, saying so.
            status, headers, body = server.request(
                "GET", "/admin/events/event/", headers={"Cookie": cookie}
            )
            assert status == 200, body[:500]
            assert headers["x-database"] == "replica"
            assert b"Read only: the primary database cannot be reached" in body
    finally:
        replication.ctl("primary", "start")
    # Writes resume with no restart of the app servers.
    for server in app_servers:
        until(
            lambda server=server: (
                server.request("POST", "/api/v1/events/", resumed, AUTH)[0] == 201
            ),
            20,
            "writes did not resume",
        )
        status, _, body = server.request(
            "GET", "/admin/events/event/", headers={"Cookie": cookie}
        )
        assert status == 200 and b"Read only" not in body


def test_keyset_pages_across_servers_and_databases_are_exact(
    replication: Pair, app_servers: tuple[Server, Server]
) -> None:
    """Pages come from the replica or, after the client's writes, the primary,
    on either app server; together they are every event once."""
    replication.caught_up()
    expected = {
        row[0]
        for row in replication.primary(
            "SELECT id FROM events_event WHERE status = 'published'"
        )
    }
    seen: list[int] = []
    served = set()
    path = "/api/v1/events/?page_size=500"
    page = 0
    # Replayed late, a write sends the client's next pages to the primary.
    replication.set_replica(recovery_min_apply_delay="2s")
    try:
        while path:
            server = app_servers[page % 2]
            status, headers, body = server.request("GET", path, headers=AUTH)
            assert status == 200, body[:300]
            served.add(headers["x-database"])
            document = json.loads(body)
            seen += [
                event["id"]
                for event in document["results"]
                if event["status"] == "published"
            ]
            path = document["next"] and document["next"].split(str(server.port))[1]
            page += 1
            if page % 3 == 0:  # a write: the next pages come from the primary
                status, _, _ = server.request(
                    "POST", "/api/v1/events/", new_event(replication, "Meanwhile"), AUTH
                )
                assert status == 201
    finally:
        replication.set_replica(recovery_min_apply_delay="0")
    assert len(seen) == len(set(seen))
    assert set(seen) == expected
    assert served == {"primary", "replica"}


def slow_client(server: Server) -> http.client.HTTPConnection:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
    sock.connect((HOST, server.port))
    client = http.client.HTTPConnection(HOST, server.port, timeout=120)
    client.sock = sock
    return client


def test_a_streamed_export_on_the_replica_outlives_vacuum_on_the_primary(
    replication: Pair, app_servers: tuple[Server, Server]
) -> None:
    """
    The replica keeps reading rows that the primary deletes and vacuums
    meanwhile: with hot_standby_feedback the primary keeps them for the
    replica's snapshot, so replay has nothing to cancel the export for
    (max_standby_streaming_delay is 1 s on this replica).
    """
    assert replication.replica("SHOW hot_standby_feedback") == [("on",)]
    replication.caught_up()
    published = replication.primary(
        "SELECT count(*) FROM events_event WHERE status = 'published'"
    )[0][0]
    assert published > STREAM_EVENTS
    client = slow_client(app_servers[0])
    client.request("GET", "/api/v1/events/?format=csv")
    response = client.getresponse()
    assert response.status == 200
    assert response.getheader("X-Database") == "replica"
    first = response.read(4096)
    # The export's statement is running on the replica, held by its client.
    until(
        lambda: (
            replication.replica(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database()"
                " AND state = 'active' AND wait_event = 'ClientWrite'"
            )
            == [(1,)]
        ),
        30,
        "no statement on the replica waits for its client",
    )
    replication.primary("DELETE FROM events_event WHERE is_synthetic")
    replication.primary("VACUUM events_event")
    replication.caught_up()
    time.sleep(2)  # past max_standby_streaming_delay
    rest = response.read()  # raises IncompleteRead if the stream broke
    rows = list(csv.reader(io.StringIO((first + rest).decode())))
    assert len(rows) - 1 == published
    client.close()


@pytest.fixture(scope="module")
def redis_down_server(replication: Pair, start_server: Callable[..., Server]) -> Server:
    """An app server whose Redis is a closed port."""
    return start_server(
        server_environment(replication, REDIS_URL=f"redis://{HOST}:{free_port()}/0")
    )


def test_without_redis_pages_answer_and_signed_in_reads_use_the_primary(
    replication: Pair, redis_down_server: Server
) -> None:
    replication.caught_up()
    read_everything(redis_down_server, "replica")
    status, _, body = redis_down_server.request(
        "POST", "/api/v1/events/", new_event(replication, "No cache"), AUTH
    )
    assert status == 201, body
    # Where the client last wrote cannot be known: the primary serves it.
    status, headers, _ = redis_down_server.request(
        "GET", "/api/v1/events/", headers=AUTH
    )
    assert (status, headers["x-database"]) == (200, "primary")


def test_write_positions_lost_by_the_cache_send_clients_to_the_primary(
    replication: Pair, app_servers: tuple[Server, Server]
) -> None:
    """Redis restarted empty (here: this site's keys deleted) between a
    client's write and its next read: the read must not miss the write."""
    first, second = app_servers
    replication.caught_up()
    replication.set_replica(recovery_min_apply_delay="2s")
    try:
        with replication.heartbeat():
            time.sleep(2.5)
            # The replica, 2 s behind, serves reads that need nothing newer.
            assert second.request("GET", "/api/v1/events/")[1]["x-database"] == (
                "replica"
            )
            status, _, body = first.request(
                "POST", "/api/v1/events/", new_event(replication, "Flushed"), AUTH
            )
            assert status == 201, body
            event = json.loads(body)
            store = redis.Redis.from_url(REDIS_URL)
            store.delete(*store.keys(f"{CACHE_PREFIX}:*"))
            status, headers, body = second.request(
                "GET", f"/api/v1/events/{event['id']}/", headers=AUTH
            )
        assert (status, headers["x-database"]) == (200, "primary"), body
    finally:
        replication.set_replica(recovery_min_apply_delay="0")
