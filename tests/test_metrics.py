"""
What an operator watches: /metrics, read with prometheus_client's own parser
(the format Prometheus scrapes), the token and network rules that guard it,
and the request id in every log line, read from a real gunicorn's output.
"""

import copy
import http.client
import io
import ipaddress
import json
import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from intake import queue
from intake.models import Source
from tests.test_deployment import (  # noqa: F401 (a fixture)
    closed_port,
    gunicorn,
    production_environment,
    url_of_test_database,
)
from tracker.cache_metrics import CountedReads

# Some tests commit (a server in another process reads what they write): the
# seed is put back when the module is done.
pytestmark = pytest.mark.usefixtures("seed_restored_afterwards")

TOKEN = "a-metrics-token-for-the-tests"
EVENTS = "/api/v1/events/"


@pytest.fixture
def metrics_on(settings) -> None:
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_NETWORKS = []


def scrape(client: Client | None = None) -> dict[tuple[str, tuple], float]:
    """Every sample the endpoint gives: (name, sorted labels) -> value."""
    response = (client or Client()).get(
        "/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return samples(response.content.decode())


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(scraped: dict, name: str, **labels: str) -> float:
    return scraped.get((name, tuple(sorted(labels.items()))), 0.0)


# --- who may scrape --------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_are_off_without_a_token_or_network(client: Client, settings) -> None:
    settings.METRICS_TOKEN = ""
    settings.METRICS_NETWORKS = []
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer wrong", f"Token {TOKEN}", f"Bearer {TOKEN}x", TOKEN],
)
def test_metrics_need_the_token(
    client: Client, metrics_on: None, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    response = client.get("/metrics", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"zagros_" not in response.content


@pytest.mark.django_db
def test_metrics_from_an_allowed_network_need_no_token(
    client: Client, settings
) -> None:
    settings.METRICS_TOKEN = ""
    settings.METRICS_NETWORKS = [ipaddress.ip_network("10.0.0.0/8")]
    # The connecting address counts, not what X-Forwarded-For claims.
    refused = client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert refused.status_code == 403
    allowed = client.get("/metrics", REMOTE_ADDR="10.1.2.3")
    assert allowed.status_code == 200
    assert "zagros_db_up" in allowed.content.decode()


@pytest.mark.django_db
def test_metrics_refuse_writes(client: Client, metrics_on: None) -> None:
    response = client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 405


# --- what they say ----------------------------------------------------------------


@pytest.mark.django_db
def test_requests_are_counted_and_timed_per_view(client: Client, metrics_on) -> None:
    before = scrape()
    for _ in range(3):
        assert client.get(EVENTS).status_code == 200
    assert client.get("/api/v1/events/999999999/").status_code == 404
    after = scrape()

    view = "api:event-list"
    counted = "django_http_requests_total_by_view_transport_method_total"
    labels = {"view": view, "transport": "http", "method": "GET"}
    assert value(after, counted, **labels) - value(before, counted, **labels) == 3
    timed = "django_http_requests_latency_seconds_by_view_method_count"
    assert (
        value(after, timed, view=view, method="GET")
        - value(before, timed, view=view, method="GET")
        == 3
    )
    statuses = "django_http_responses_total_by_status_view_method_total"
    detail = {"view": "api:event-detail", "method": "GET", "status": "404"}
    assert value(after, statuses, **detail) - value(before, statuses, **detail) == 1


@pytest.mark.django_db
def test_throttled_requests_are_counted(client: Client, metrics_on, settings) -> None:
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min"},
    }
    before = scrape()
    statuses = [client.get(EVENTS).status_code for _ in range(5)]
    assert statuses == [200, 200, 429, 429, 429]
    after = scrape()
    name = "zagros_http_throttled_requests_total"
    view = "api:event-list"
    assert value(after, name, view=view) - value(before, name, view=view) == 3


@pytest.mark.django_db
def test_cache_hits_and_misses_are_counted(metrics_on) -> None:
    cache.clear()
    counted = caches["default"]
    assert isinstance(counted, CountedReads)
    # Labelled with the class it counts for: Django's own, or the settings'.
    backend = counted.metrics_label
    assert backend == type(counted).__mro__[2].__name__
    before = scrape()
    assert cache.get("metrics-probe") is None
    cache.set("metrics-probe", None)  # a value that is None is still a hit
    assert cache.get("metrics-probe", "default") is None
    assert cache.get_or_set("metrics-other", 1) == 1
    assert cache.get_or_set("metrics-other", 2) == 1
    after = scrape()

    def grew(name: str) -> float:
        return value(after, name, backend=backend) - value(
            before, name, backend=backend
        )

    # A get_or_set() that misses reads again what it has added: one miss, one hit.
    assert grew("django_cache_get_total") == 5
    assert grew("django_cache_get_misses_total") == 2
    assert grew("django_cache_get_hits_total") == 3


@pytest.mark.django_db(transaction=True)
def test_connections_per_alias(metrics_on) -> None:
    connection.close()
    before = scrape()
    Source.objects.count()  # opens the default connection again
    after = scrape()
    opened = "zagros_db_connections_opened_total"
    assert (
        value(after, opened, alias="default") - value(before, opened, alias="default")
        >= 1
    )
    assert value(after, "zagros_db_up", alias="default") == 1
    states = {
        dict(labels)["state"]: count
        for (name, labels), count in after.items()
        if name == "zagros_db_server_connections"
    }
    # This test's own connection at least.
    assert sum(states.values()) >= 1
    assert value(after, "zagros_db_server_max_connections", alias="default") > 0
    # The primary is no replica: it reports no lag.
    assert not [key for key in after if key[0] == "zagros_db_replica_lag_seconds"]


@pytest.fixture
def unreachable_alias() -> Iterator[str]:
    """A database alias (a replica, say) whose server is down."""
    alias = "replica_down"
    broken = copy.deepcopy(connections["default"].settings_dict)
    broken.update(HOST="127.0.0.1", PORT=str(closed_port()))
    connections.settings[alias] = broken
    settings.DATABASES[alias] = broken
    yield alias
    connections[alias].close()
    del connections[alias]
    # The handler's settings may be the settings' own dict.
    settings.DATABASES.pop(alias, None)
    connections.settings.pop(alias, None)


@pytest.mark.django_db
def test_a_database_that_is_down_is_reported_not_raised(
    metrics_on, unreachable_alias: str
) -> None:
    scraped = scrape()
    assert value(scraped, "zagros_db_up", alias=unreachable_alias) == 0
    assert value(scraped, "zagros_db_up", alias="default") == 1


@pytest.mark.django_db(transaction=True)
def test_the_intake_queue_depth_failures_and_workers(
    metrics_on, queue_to_ourselves
) -> None:
    sources = [
        Source.objects.create(name=f"s{n}", url=f"https://example.org/{n}.xml")
        for n in range(3)
    ]
    before = scrape()
    for source in sources:
        assert queue.defer_poll(source.pk)
    lock = f"source-{sources[0].pk}"
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'failed' WHERE lock = %s", [lock]
        )
        cursor.execute("INSERT INTO procrastinate_workers DEFAULT VALUES RETURNING id")
        (worker,) = cursor.fetchone()
    try:
        after = scrape()
        # The worker container's health check: a heartbeat is recent.
        call_command("run_worker", "--check", stdout=io.StringIO())
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM procrastinate_workers WHERE id = %s", [worker])
            cursor.execute(
                "DELETE FROM procrastinate_jobs WHERE lock = ANY(%s)",
                [[f"source-{source.pk}" for source in sources]],
            )

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("zagros_queue_jobs", queue="intake", status="todo") == 2
    assert grew("zagros_queue_jobs", queue="intake", status="failed") == 1
    assert grew("zagros_queue_workers") == 1
    assert ("zagros_queue_oldest_waiting_seconds", (("queue", "intake"),)) in after
    assert value(after, "zagros_queue_oldest_waiting_seconds", queue="intake") >= 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_check_fails_without_a_live_worker(queue_to_ourselves) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat) "
            "VALUES (now() - interval '5 minutes') RETURNING id"
        )
        (stale,) = cursor.fetchone()
    try:
        with pytest.raises(CommandError, match="No worker of the queue has beaten"):
            call_command("run_worker", "--check", stdout=io.StringIO())
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM procrastinate_workers WHERE id = %s", [stale])


# --- the request id and the log, from a real server ---------------------------------


def get(port: int, path: str, **headers: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Host": "zagros.example.org", **headers})
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


def log_lines(log: Path) -> list[dict]:
    """The server's output, every line of which must be a JSON object,
    gunicorn's own included."""
    return [json.loads(line) for line in log.read_text().splitlines()]


@pytest.mark.django_db(transaction=True)
def test_request_ids_in_the_json_log_and_metrics_across_workers(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    start: Callable[[dict[str, str]], int] = request.getfixturevalue("gunicorn")
    (tmp_path / "static").mkdir()
    env = {
        **production_environment(url_of_test_database(), tmp_path / "static"),
        "METRICS_TOKEN": TOKEN,
        "LOG_FORMAT": "json",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
    }
    port = start(env)
    given = uuid.uuid4().hex
    kept = get(port, "/health/", **{"X-Request-ID": given})
    assert kept.status == 200
    assert kept.getheader("X-Request-ID") == given
    forged = 'not-a-uuid" {"level": "forged"}'
    replaced = get(port, "/health/", **{"X-Request-ID": forged})
    made = replaced.getheader("X-Request-ID")
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    # Through the TLS proxy the environment expects.
    listed = get(port, "/api/v1/events/", **{"X-Forwarded-Proto": "https"})
    assert listed.status == 200
    generated = listed.getheader("X-Request-ID")
    assert re.fullmatch(r"[0-9a-f]{32}", generated) and generated != made

    scraped = get(port, "/metrics", Authorization=f"Bearer {TOKEN}")
    assert scraped.status == 200
    metrics = samples(scraped.body.decode())
    assert value(metrics, "zagros_db_up", alias="default") == 1
    counted = "django_http_requests_total_by_view_transport_method_total"
    assert value(metrics, counted, view="health", transport="http", method="GET") == 2
    # The counters went through the shared directory.
    assert list((tmp_path / "prometheus").glob("counter_*.db"))

    log = next(tmp_path.glob("gunicorn-*.log"))
    lines = log_lines(log)
    requests = [line for line in lines if line["logger"] == "zagros.requests"]
    by_id = {line["request_id"]: line for line in requests}
    assert by_id[given]["path"] == "/health/" and by_id[given]["status"] == 200
    assert by_id[made]["path"] == "/health/"
    assert by_id[generated]["view"] == "api:event-list"
    assert {"timestamp", "level", "message", "duration_ms"} <= set(by_id[given])
    assert "forged" not in log.read_text()
    assert any(line["logger"] == "gunicorn.error" for line in lines)


# --- replica lag, from a real streaming replica ------------------------------------


def run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def streaming_pair() -> Iterator[tuple[int, int]]:
    """
    A primary and a streaming replica of their own (PostgreSQL's Debian
    clusters, on free ports, trust on localhost), dropped afterwards: the
    ports of both.
    """
    if shutil.which("pg_createcluster") is None:
        pytest.skip("needs Debian's postgresql-common (pg_createcluster)")
    version = (
        subprocess.run(
            ["pg_config", "--version"], capture_output=True, text=True, check=True
        )
        .stdout.split()[1]
        .split(".")[0]
    )
    primary, replica = closed_port(), closed_port()
    names = [f"zagros_metrics_{os.getpid()}_p", f"zagros_metrics_{os.getpid()}_r"]
    try:
        run("pg_createcluster", version, names[0], "--port", str(primary),
            "--start", "--", "--auth=trust")  # fmt: skip
        run("pg_createcluster", version, names[1], "--port", str(replica),
            "--", "--auth=trust")  # fmt: skip
        # The replica's cluster emptied (its directory kept: postgres's own)
        # and filled with a base backup of the primary.
        data = Path(f"/var/lib/postgresql/{version}/{names[1]}")
        for path in data.iterdir():
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        run("runuser", "-u", "postgres", "--", "pg_basebackup", "-h", "127.0.0.1",
            "-p", str(primary), "-U", "postgres", "-D", str(data), "-X", "stream",
            "-R")  # fmt: skip
        run("pg_ctlcluster", version, names[1], "start")
        yield primary, replica
    finally:
        for name in names:
            subprocess.run(
                ["pg_dropcluster", "--stop", version, name],
                capture_output=True,
                timeout=120,
            )


@pytest.fixture
def replica_alias(streaming_pair: tuple[int, int]) -> Iterator[str]:
    """A database alias on the streaming replica, as DATABASE_REPLICA_URLS makes one."""
    alias = "replica_metrics"
    replica = copy.deepcopy(connections["default"].settings_dict)
    replica.update(
        HOST="127.0.0.1", PORT=str(streaming_pair[1]), NAME="postgres", USER="postgres"
    )
    replica["PASSWORD"] = ""
    settings.DATABASES[alias] = replica
    connections.settings[alias] = replica
    yield alias
    connections[alias].close()
    del connections[alias]
    settings.DATABASES.pop(alias, None)
    connections.settings.pop(alias, None)


def on(port: int, sql: str) -> None:
    with psycopg.connect(
        host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(sql)


@pytest.mark.django_db
def test_replica_lag_as_the_app_sees_it(
    metrics_on, streaming_pair: tuple[int, int], replica_alias: str
) -> None:
    primary, replica = streaming_pair
    on(primary, "CREATE TABLE IF NOT EXISTS beat (at timestamptz)")
    on(primary, "INSERT INTO beat VALUES (now())")
    # Caught up: no lag, however long ago the last write was.
    deadline = time.monotonic() + 30
    while (
        value(scraped := scrape(), "zagros_db_replica_lag_seconds", alias=replica_alias)
        != 0
    ):
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.2)
    assert value(scraped, "zagros_db_up", alias=replica_alias) == 1
    # The primary is no replica.
    assert ("zagros_db_replica_lag_seconds", (("alias", "default"),)) not in scraped

    # Replay paused while the primary writes: the lag grows.
    on(replica, "SELECT pg_wal_replay_pause()")
    try:
        time.sleep(2)
        on(primary, "INSERT INTO beat VALUES (now())")
        deadline = time.monotonic() + 30
        while (
            lag := value(scrape(), "zagros_db_replica_lag_seconds", alias=replica_alias)
        ) < 2:
            assert time.monotonic() < deadline, f"lag stayed at {lag}"
            time.sleep(0.2)
    finally:
        on(replica, "SELECT pg_wal_replay_resume()")
    assert 2 <= lag < 60
