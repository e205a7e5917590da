"""
What a deployment relies on: the health endpoint and the probe the container
runs, the image and compose file, and the settings read from the environment,
which the compose file must pass on and docs/deployment.md must describe.
"""

import ast
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from django.conf import settings
from django.db import connections
from django.test import Client

ROOT = Path(settings.BASE_DIR)
# The application's own Python, whose environment reads are its settings.
APP_PACKAGES = ("tracker", "events", "intake")
# Read by gunicorn in the image, not by the application.
GUNICORN_VARIABLES = {"WEB_CONCURRENCY", "GUNICORN_CMD_ARGS"}
# Read by the compose file itself: the db service's password and the web port.
COMPOSE_VARIABLES = {"POSTGRES_PASSWORD", "WEB_BIND", "WEB_PORT"}


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


# --- every variable the application reads ----------------------------------------


def literal_name(node: ast.expr, path: Path) -> str:
    """The variable's name; a computed one would hide it from these checks."""
    assert isinstance(node, ast.Constant) and isinstance(node.value, str), (
        f"{path.relative_to(ROOT)}:{node.lineno}: name the environment variable "
        "with a string literal"
    )
    return node.value


def settings_variables() -> set[str]:
    """Every variable tracker/settings.py reads through django-environ's `env`."""
    path = ROOT / "tracker" / "settings.py"
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        # env("NAME"), env.bool("NAME"), env.int("NAME"), env.db("NAME"), ...
        if (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "env"
        ):
            names.add(literal_name(node.args[0], path))
    return names


def is_os_environ(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def os_environ_reads(path: Path) -> set[str]:
    """
    Names read with os.environ.get, os.environ[...] or os.getenv. Not
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...): that tells Django
    where the settings are, and is no setting itself.
    """
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            func = node.func
            if (is_os_environ(func.value) and func.attr == "get") or (
                isinstance(func.value, ast.Name)
                and func.value.id == "os"
                and func.attr == "getenv"
            ):
                names.add(literal_name(node.args[0], path))
        elif (
            isinstance(node, ast.Subscript)
            and is_os_environ(node.value)
            and isinstance(node.ctx, ast.Load)
        ):
            names.add(literal_name(node.slice, path))
    return names


def application_variables() -> set[str]:
    """Every environment variable the application reads, settings and commands."""
    names = settings_variables()
    for package in APP_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            names |= os_environ_reads(path)
    return names


def test_the_scan_finds_the_settings_and_the_commands_reads() -> None:
    names = application_variables()
    # One of each kind of read, so that a scan that finds nothing cannot pass.
    assert {"SECRET_KEY", "DEBUG", "API_NUM_PROXIES", "DATABASE_URL"} <= names
    assert "DEMO_PASSWORD" in names  # os.environ.get in create_demo_users
    assert "DJANGO_SETTINGS_MODULE" not in names


# --- .env.example and the compose file ----------------------------------------------


def example_variables() -> dict[str, str]:
    """The NAME=value lines .env.example offers, uncommented."""
    lines = (ROOT / ".env.example").read_text().splitlines()
    pairs = (re.fullmatch(r"# ([A-Z][A-Z0-9_]*)=(.*)", line) for line in lines)
    return {match[1]: match[2] for match in pairs if match}


def test_env_example_lists_every_variable_and_no_other() -> None:
    listed = set(example_variables())
    assert application_variables() - listed == set(), "missing from .env.example"
    read = application_variables() | GUNICORN_VARIABLES | COMPOSE_VARIABLES
    assert listed - read == set(), "read by nothing"


needs_docker_compose = pytest.mark.skipif(
    shutil.which("docker-compose") is None,
    reason="docker-compose is not installed (bin/setup --test installs Debian's "
    "package; `docker-compose config` needs no Docker engine)",
)


def compose_config(
    project: Path, dotenv: dict[str, str]
) -> subprocess.CompletedProcess:
    """`docker-compose config` on a copy of the compose file, with this .env only."""
    shutil.copy(ROOT / "docker-compose.yml", project)
    (project / ".env").write_text(
        "".join(f"{name}={value}\n" for name, value in dotenv.items())
    )
    return subprocess.run(
        ["docker-compose", "config"],
        cwd=project,
        # Nothing from this shell: only .env may fill in the compose file.
        env={"PATH": os.environ["PATH"], "HOME": str(project)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@needs_docker_compose
def test_every_variable_of_env_example_reaches_the_app_containers(
    tmp_path: Path,
) -> None:
    dotenv = example_variables()
    result = compose_config(tmp_path, dotenv)
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    web = services["web"]["environment"]
    assert application_variables() - set(web) == set(), "not passed to web"
    # The compose file's own values win over .env for these two.
    assert web["DATABASE_URL"] == (
        f"postgis://zagros:{dotenv['POSTGRES_PASSWORD']}@db:5432/zagros"
    )
    assert web["DEBUG"] == "0"
    unchanged = set(dotenv) - {"DATABASE_URL", "DEBUG"}
    assert {name: web[name] for name in unchanged} == {
        name: dotenv[name] for name in unchanged
    }
    assert services["migrate"]["environment"] == web


@needs_docker_compose
def test_compose_refuses_to_run_without_a_secret_key(tmp_path: Path) -> None:
    dotenv = {"POSTGRES_PASSWORD": "a-password", "ALLOWED_HOSTS": "example.org"}
    result = compose_config(tmp_path, dotenv)
    assert result.returncode != 0
    assert "set SECRET_KEY" in result.stderr


def test_the_image_and_compose_run_the_same_health_probe() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    healthcheck = re.search(r"^HEALTHCHECK .*?CMD (\[.*?\])$", dockerfile, re.M | re.S)
    assert healthcheck, "the Dockerfile has no HEALTHCHECK"
    probe = json.loads(healthcheck[1])
    assert probe == ["python", "-m", "tracker.health"]
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert services["web"]["healthcheck"]["test"] == ["CMD", *probe]
    # The migration job serves nothing to probe.
    assert services["migrate"]["healthcheck"] == {"disable": True}


# --- docs/deployment.md ----------------------------------------------------------


def test_deployment_docs_describe_every_variable_and_no_other() -> None:
    text = (ROOT / "docs" / "deployment.md").read_text()
    described = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", text, re.M))
    assert application_variables() - described == set(), (
        "missing from the table in docs/deployment.md"
    )
    read = application_variables() | GUNICORN_VARIABLES | COMPOSE_VARIABLES
    assert described - read == set(), "read by nothing"
