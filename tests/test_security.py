"""Headers, sign-in lockout, the signing key, the deployment checklist and URL
intake's reach."""

import os
import re
import shutil
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from events.intake import FetchError, fetch_article
from events.models import Event

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str) -> int:
    response = client.post(
        "/admin/login/", {"username": username, "password": password}
    )
    return response.status_code


@pytest.mark.parametrize("path", ["/", "/about/", "/admin/login/"])
def test_html_pages_carry_security_headers(client: Client, path: str) -> None:
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_event_page_has_no_inline_script(client: Client) -> None:
    event = Event.objects.published().first()
    html = client.get(event.get_absolute_url()).content.decode()
    for chunk in html.split("<script")[1:]:
        head = chunk.split(">", 1)[0]
        assert "src=" in head or 'type="application/json"' in head, head


def test_repeated_wrong_passwords_lock_the_account_out() -> None:
    User.objects.create_user("target", password="the-right-password", is_staff=True)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "target", "wrong") == 200  # the form again
    assert sign_in(client, "target", "wrong") == 429  # the limit: locked out
    assert sign_in(client, "target", "the-right-password") == 429
    # Another user from the same address is not locked out.
    User.objects.create_user("other", password="another-password", is_staff=True)
    assert sign_in(Client(), "other", "another-password") == 302


def test_a_correct_sign_in_resets_the_count() -> None:
    User.objects.create_user("forgetful", password="the-right-password", is_staff=True)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "forgetful", "wrong")
    assert sign_in(client, "forgetful", "the-right-password") == 302
    client.logout()
    sign_in(client, "forgetful", "wrong")
    assert sign_in(client, "forgetful", "the-right-password") == 302


def test_deployment_checklist_passes_with_production_settings() -> None:
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20
        + "-production-like-secret-key-for-the-check-"
        + "y" * 20,
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_COOKIES": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "ALLOWED_HOSTS": "zagros.example.org",
        "DATABASE_URL": settings.DATABASES["default"].get("URL", ""),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={**os.environ, **{k: v for k, v in env.items() if v}},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


class ArticleHandler(BaseHTTPRequestHandler):
    """Serves one article page and remembers every request it answered."""

    requests: list[str] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        body = (
            b"<html><head><title>Inside</title></head><body><article>"
            + b"<p>A page only the server's own network can reach.</p>" * 20
            + b"</article></body></html>"
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def local_article() -> Iterator[str]:
    ArticleHandler.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), ArticleHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/article"
    httpd.shutdown()
    httpd.server_close()


def test_url_intake_does_not_fetch_from_a_local_address(local_article: str) -> None:
    # An editor's URL must not reach services on the server's own network,
    # even one that answers: events/fetch.py refuses non-public addresses
    # before connecting.
    with pytest.raises(FetchError):
        fetch_article(local_article)
    assert ArticleHandler.requests == []


# --- the signing key -------------------------------------------------------------


def settings_in(directory: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """
    Loads a copy of the settings in `directory`, which has no .env, with only
    `env` in the environment; prints the key it ends up with.
    """
    (directory / "tracker").mkdir(exist_ok=True)
    # The settings and the modules of the package they import.
    for module in (settings.BASE_DIR / "tracker").glob("*.py"):
        shutil.copy(module, directory / "tracker")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; "
            "print(settings.SECRET_KEY)",
        ],
        cwd=directory,
        env={
            "PATH": os.environ["PATH"],
            "PYTHONPATH": str(directory),
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("environment", [{}, {"DEBUG": "0", "SECRET_KEY": ""}])
def test_settings_refuse_to_start_without_a_key_when_debug_is_off(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    result = settings_in(tmp_path, environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set and DEBUG is off" in (
        result.stderr
    )


def test_settings_take_the_key_they_are_given(tmp_path: Path) -> None:
    key = "k" * 30 + "-a-key-given-by-the-environment-" + "z" * 20
    result = settings_in(tmp_path, {"SECRET_KEY": key})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == key


def test_debugging_without_a_key_signs_with_a_random_one(tmp_path: Path) -> None:
    keys = [settings_in(tmp_path, {"DEBUG": "1"}).stdout.strip() for _ in range(2)]
    assert len(keys[0]) >= 50
    assert keys[0] != keys[1]


def dotenv(directory: Path, commands: str) -> subprocess.CompletedProcess:
    """Runs bin/setup's .env functions in `directory`."""
    return subprocess.run(
        [
            "bash",
            "-euo",
            "pipefail",
            "-c",
            f". {settings.BASE_DIR}/bin/dotenv.sh; {commands}",
        ],
        cwd=directory,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )


def dotenv_file(directory: Path) -> tuple[int, dict[str, str]]:
    """The permission bits of `directory`/.env and its NAME=value lines."""
    path = directory / ".env"
    lines = path.read_text().splitlines()
    return stat.S_IMODE(path.stat().st_mode), dict(line.split("=", 1) for line in lines)


def test_setup_writes_a_private_env_with_a_random_key_it_keeps(tmp_path: Path) -> None:
    dotenv(tmp_path, "env_init")
    mode, values = dotenv_file(tmp_path)
    assert mode == 0o600
    key = values["SECRET_KEY"]
    assert re.fullmatch(r"[A-Za-z0-9]{50,}", key)
    dotenv(tmp_path, "env_init; env_set DEMO_PASSWORD demo")
    assert dotenv_file(tmp_path) == (
        0o600,
        {"SECRET_KEY": key, "DEMO_PASSWORD": "demo"},
    )


def test_every_install_gets_a_key_of_its_own(tmp_path: Path) -> None:
    keys = set()
    for install in ("one", "two"):
        (tmp_path / install).mkdir()
        dotenv(tmp_path / install, "env_init")
        keys.add(dotenv_file(tmp_path / install)[1]["SECRET_KEY"])
    assert len(keys) == 2


def test_setup_makes_an_existing_readable_env_private(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("DATABASE_URL=postgis://zagros:secret@127.0.0.1:5432/zagros\n")
    env.chmod(0o644)
    dotenv(tmp_path, "env_init")
    mode, values = dotenv_file(tmp_path)
    assert mode == 0o600
    assert values["DATABASE_URL"] == "postgis://zagros:secret@127.0.0.1:5432/zagros"
    assert set(values) == {"DATABASE_URL", "SECRET_KEY"}


def test_setup_keeps_env_private_whatever_the_umask(tmp_path: Path) -> None:
    dotenv(tmp_path, "umask 000; env_set DATABASE_URL postgis://a; env_init")
    assert dotenv_file(tmp_path)[0] == 0o600
