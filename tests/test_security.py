"""Headers, sign-in lockout, the deployment checklist and URL intake's reach."""

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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
    # An editor's URL must not reach services on the server's own network:
    # trafilatura 2.3 and later refuse non-public addresses, even one that
    # answers, which is why pyproject.toml asks for that version.
    with pytest.raises(FetchError):
        fetch_article(local_article, timeout=5)
    assert ArticleHandler.requests == []
