"""Suggestions over the API: the same object the command prints."""

import json

import pytest
from django.core.management import call_command
from django.test import Client

from events.demo import SEED_PATH

pytestmark = pytest.mark.django_db


def test_editor_gets_the_commands_answer(editor_client: Client, capsys) -> None:
    text = SEED_PATH.read_text(encoding="utf-8")
    response = editor_client.post(
        "/api/v1/suggestions/",
        {"text": text, "published": "2023-03-20"},
        content_type="application/json",
    )
    assert response.status_code == 200
    call_command("suggest_events", str(SEED_PATH), published="2023-03-20", json=True)
    assert response.json() == json.loads(capsys.readouterr().out)
    dates = {(d["text"], d["value"]) for d in response.json()["dates"]}
    assert ("on Sunday", "2023-03-19") in dates


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"published": "2023-03-20"}, "text"),
        ({"text": "Officials met.", "published": "20/03/2023"}, "published"),
        ({"text": "x" * 200_001}, "text"),
        ({"text": "Officials\x00 met."}, "text"),
        ({"text": 0}, "text"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    editor_client: Client, body: dict, field: str
) -> None:
    response = editor_client.post(
        "/api/v1/suggestions/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_only_curators_may_ask(client: Client, analyst) -> None:
    body = {"text": "Officials met in Baghdad on Sunday."}
    assert client.post("/api/v1/suggestions/", body).status_code in (401, 403)
    client.force_login(analyst)
    response = client.post(
        "/api/v1/suggestions/", body, content_type="application/json"
    )
    assert response.status_code == 403
