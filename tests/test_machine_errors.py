"""
Where programs talk (/api/, /ogc/, /feeds/), every error is a JSON document in
the area's own format, whatever the method, the path or the credentials; a
token-authenticated request never meets Django's CSRF page; `Bearer` works
like `Token`, and any other scheme or an unknown key is a 401.
"""

import json

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token

from events.models import Event
from tests.conftest import make_event, make_user

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/events/abc/",
    "/api/v1/events/999999999/",
    "/api/v1/nothing-here/",
    "/api/v1/events/1/nothing/",
    "/ogc/",
    "/ogc/collections",
    "/ogc/collections/events/items",
    "/ogc/collections/events/items/abc",
    "/ogc/collections/nothing/items",
    "/ogc/nothing-here",
    "/feeds/events/",
    "/feeds/nothing-here/",
]
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
CREDENTIALS = ["anonymous", "token", "bearer", "cookie"]


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


@pytest.fixture
def key() -> str:
    return Token.objects.create(user=make_user("machine-editor", "Editor")).key


def client_with(credentials: str, key: str) -> tuple[Client, dict]:
    # CSRF checks on, as for a real client: Django's test client skips them.
    client = Client(enforce_csrf_checks=True)
    headers = {}
    if credentials == "token":
        headers["HTTP_AUTHORIZATION"] = f"Token {key}"
    elif credentials == "bearer":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    elif credentials == "cookie":
        client.force_login(make_user("machine-cookie", "Editor"))
    return client, headers


@pytest.mark.parametrize("credentials", CREDENTIALS)
def test_every_error_under_machine_paths_is_json(credentials: str, key: str) -> None:
    client, headers = client_with(credentials, key)
    wrong = []
    for path in PATHS:
        for method in METHODS:
            response = client.generic(
                method, path, "{}", content_type="application/json", **headers
            )
            status = response.status_code
            if status >= 500:
                wrong.append(f"{method} {path}: {status}")
            elif status >= 400 and method != "HEAD":
                content_type = response.headers.get("Content-Type", "")
                body = response.content.decode()
                if "json" not in content_type or "CSRF verification" in body:
                    wrong.append(f"{method} {path}: {status} {content_type}")
                    continue
                document = json.loads(body)
                expected = (
                    {"code", "description"} if path.startswith("/ogc/") else {"detail"}
                )
                if not expected <= set(document):
                    wrong.append(f"{method} {path}: {status} {document}")
            if status == 405 and "Allow" not in response.headers:
                wrong.append(f"{method} {path}: 405 without Allow")
    assert wrong == []


@pytest.mark.parametrize("scheme", ["Token", "Bearer", "token", "bearer"])
def test_bearer_and_token_both_authenticate(scheme: str, key: str) -> None:
    draft = make_event(title="Seen only by editors")
    client = Client(enforce_csrf_checks=True)
    auth = {"HTTP_AUTHORIZATION": f"{scheme} {key}"}

    listed = client.get("/api/v1/events/", {"status": "draft"}, **auth).json()
    assert [event["id"] for event in listed["results"]] == [draft.pk]

    changed = client.patch(
        f"/api/v1/events/{draft.pk}/",
        json.dumps({"summary": "Changed with a token, no cookie."}),
        content_type="application/json",
        **auth,
    )
    assert changed.status_code == 200
    draft.refresh_from_db()
    assert draft.summary == "Changed with a token, no cookie."


@pytest.mark.parametrize(
    "header",
    [
        "Basic dXNlcjpwdw==",
        "Bearer not-a-key",
        "Token not-a-key",
        "Bearer",
        "Bearer two words",
        "JWT abc",
    ],
)
def test_an_unknown_scheme_or_key_is_a_401_never_anonymous(header: str) -> None:
    response = Client().get(
        "/api/v1/events/", {"status": "draft"}, HTTP_AUTHORIZATION=header
    )
    assert response.status_code == 401
    assert set(response.json()) == {"detail"}
    assert response.headers["WWW-Authenticate"] == "Token"


def test_a_cookie_signed_write_still_needs_its_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("cookie-editor", "Editor"))
    event = Event.objects.published().first()
    response = client.patch(
        f"/api/v1/events/{event.pk}/",
        json.dumps({"summary": "No CSRF token."}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_pages_keep_their_html_errors() -> None:
    response = Client().get("/events/999999999/")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")
