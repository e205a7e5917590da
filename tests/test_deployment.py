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
        # A busy test machine can take longer than a container's probe waits
        # to answer a new worker's first request.
        env={**env, "HEALTH_PROBE_TIMEOUT": "45"},
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
    # What it builds and mounts besides the app's image.
    shutil.copytree(ROOT / "deploy", project / "deploy", dirs_exist_ok=True)
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
    # The compose file's own values, the topology's, win over .env.
    password = dotenv["POSTGRES_PASSWORD"]
    fixed = {
        "DATABASE_URL": f"postgis://zagros:{password}@pgbouncer:6432/zagros",
        "DATABASE_POOLER": "pgbouncer",
        "QUEUE_DATABASE_URL": f"postgis://zagros:{password}@db:5432/zagros",
        "DATABASE_REPLICA_URLS": f"postgis://zagros:{password}@db-replica:5432/zagros",
        "REDIS_URL": "redis://redis:6379/0",
        "DEBUG": "0",
    }
    assert {name: web[name] for name in fixed} == fixed
    unchanged = set(dotenv) - set(fixed)
    assert {name: web[name] for name in unchanged} == {
        name: dotenv[name] for name in unchanged
    }
    for service in ("migrate", "web-2", "worker"):
        assert services[service]["environment"] == web, service


@needs_docker_compose
def test_compose_runs_the_topology_with_health_checks(tmp_path: Path) -> None:
    """
    A primary and a streaming replica, PgBouncer, Redis, two web containers
    behind a proxy and the worker, each with a health check that probes what
    it serves, started in order.
    """
    result = compose_config(tmp_path, example_variables())
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert set(services) == {
        "db", "db-replica", "pgbouncer", "redis", "migrate", "web", "web-2",
        "proxy", "worker",
    }  # fmt: skip
    # `disable: true` is printed as the test NONE.
    probes = {
        name: " ".join(service["healthcheck"]["test"])
        for name, service in services.items()
        if not service["healthcheck"].get("disable")
        and service["healthcheck"].get("test") != ["NONE"]
    }
    assert set(probes) == set(services) - {"migrate"}
    assert "pg_is_in_recovery()" in probes["db-replica"]
    assert "-p 6432" in probes["pgbouncer"] and "SELECT 1" in probes["pgbouncer"]
    assert probes["redis"] == "CMD redis-cli ping"
    assert probes["web"] == probes["web-2"] == "CMD python -m tracker.health"
    assert probes["worker"] == "CMD python manage.py run_worker --check"

    def waits_for(name: str) -> dict[str, str]:
        return {
            other: condition["condition"]
            for other, condition in services[name].get("depends_on", {}).items()
        }

    assert waits_for("db-replica") == {"db": "service_healthy"}
    assert waits_for("pgbouncer") == {"db": "service_healthy"}
    for web in ("web", "web-2"):
        assert waits_for(web) == {
            "pgbouncer": "service_healthy",
            "redis": "service_healthy",
            "migrate": "service_completed_successfully",
        }
    assert waits_for("proxy") == {
        "web": "service_healthy",
        "web-2": "service_healthy",
    }
    # Only the proxy is published.
    assert [name for name, service in services.items() if service.get("ports")] == [
        "proxy"
    ]
    # Every file the services mount is in the checkout.
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume["source"] if isinstance(volume, dict) else volume
            source = str(source).split(":")[0]
            if source.startswith("/") or source.startswith("."):
                relative = (
                    Path(source).relative_to(tmp_path)
                    if source.startswith(str(tmp_path))
                    else Path(source)
                )
                assert (ROOT / relative).exists(), source


def test_the_pooler_and_the_proxy_are_configured_for_the_app() -> None:
    ini = (ROOT / "deploy" / "pgbouncer" / "pgbouncer.ini").read_text()
    assert re.search(r"^pool_mode = transaction$", ini, re.M)
    assert re.search(r"^zagros = host=db port=5432 ", ini, re.M)
    nginx = (ROOT / "deploy" / "nginx" / "zagros.conf").read_text()
    upstream = re.search(r"upstream zagros \{(.*?)\}", nginx, re.S)[1]
    assert re.findall(r"server (\S+):8000", upstream) == ["web", "web-2"]
    assert "proxy_set_header X-Request-ID $zagros_request_id;" in nginx
    replica = (ROOT / "deploy" / "postgres" / "replica.sh").read_text()
    assert "hot_standby_feedback=on" in replica
    primary = (ROOT / "deploy" / "postgres" / "primary-init.sh").read_text()
    # PgBouncer refuses the options the app sends directly: the role has them.
    for name, value in settings.CONNECTION_SETTINGS.items():
        assert f"SET {name} = {value};" in primary


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
    assert services["web-2"]["healthcheck"]["test"] == ["CMD", *probe]
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
