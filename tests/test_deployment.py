"""
What a deployment relies on: the health endpoint and the probe the container
runs, the image and compose file, and the settings read from the environment,
which the compose file must pass on and docs/deployment.md must describe.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

ROOT = Path(settings.BASE_DIR)


def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database_unreachable(db) -> Iterator[None]:
    """The default database alias pointed at a closed port for the test."""
    original = connections["default"]
    broken = type(original)(
        {**original.settings_dict, "HOST": "127.0.0.1", "PORT": closed_port()},
        "default",
    )
    connections["default"] = broken
    try:
        yield
    finally:
        broken.close()
        connections["default"] = original


# --- the health endpoint ------------------------------------------------------


@pytest.mark.django_db
def test_health_answers_ok_after_one_query(
    client: Client, django_assert_num_queries
) -> None:
    with django_assert_num_queries(1) as queries:
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert queries.captured_queries[0]["sql"] == "SELECT 1"
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies


@pytest.mark.django_db
def test_health_answers_503_when_the_database_is_unreachable(
    client: Client, database_unreachable: None
) -> None:
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


@pytest.mark.django_db
def test_health_is_served_over_plain_http_when_https_is_enforced(
    client: Client, settings
) -> None:
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/about/").status_code == 301
    assert client.get("/health/").status_code == 200


@pytest.mark.django_db
def test_health_is_not_throttled(client: Client, settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/min"},
    }
    assert [client.get("/health/").status_code for _ in range(3)] == [200] * 3


@pytest.mark.django_db
def test_health_answers_head_and_refuses_writes(client: Client) -> None:
    assert client.head("/health/").status_code == 200
    assert client.post("/health/").status_code == 405


# --- the probe the container runs ----------------------------------------------


def production_environment(database_url: str, static_root: Path) -> dict[str, str]:
    """A container's environment behind a TLS proxy, as docs/deployment.md sets it."""
    return {
        **os.environ,
        "DEBUG": "0",
        "REQUIRE_SECRET_KEY": "1",
        "SECRET_KEY": "a-production-like-secret-key-for-the-probe-test-" + "x" * 20,
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": ".zagros.example.org",
        "BEHIND_PROXY": "1",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_COOKIES": "1",
        "SECURE_HSTS_SECONDS": "3600",
        "STATIC_ROOT": str(static_root),
    }


def url_of_test_database() -> str:
    database = settings.DATABASES["default"]
    credentials = quote(database["USER"], safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    return (
        f"postgis://{credentials}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[Callable[[dict[str, str]], int]]:
    """Starts gunicorn on a free port with a given environment; stops it after."""
    servers: list[subprocess.Popen] = []

    def start(env: dict[str, str]) -> int:
        port = closed_port()
        log = (tmp_path / f"gunicorn-{port}.log").open("w")
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "tracker.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        servers.append(server)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert server.poll() is None, log.name
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return port
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"gunicorn did not listen; see {log.name}")

    yield start
    for server in servers:
        server.terminate()
        server.wait(timeout=20)


def run_probe(port: int, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tracker.health", str(port)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.django_db
def test_the_probe_passes_against_a_server_configured_for_production(
    gunicorn: Callable[[dict[str, str]], int], tmp_path: Path
) -> None:
    env = production_environment(url_of_test_database(), tmp_path / "static")
    probe = run_probe(gunicorn(env), env)
    assert probe.returncode == 0, probe.stderr


def test_the_probe_fails_when_the_database_is_unreachable(
    gunicorn: Callable[[dict[str, str]], int], tmp_path: Path
) -> None:
    database_url = f"postgis://postgres@127.0.0.1:{closed_port()}/zagros"
    env = production_environment(database_url, tmp_path / "static")
    probe = run_probe(gunicorn(env), env)
    assert probe.returncode == 1
    assert "answered 503" in probe.stderr
