"""
The assistant fails on an article (a bug of its rules): the article is still
curated by hand. The curation screen, the API and intake answer with the
article's metadata, nothing found and the failure said, and the failure is
logged with its traceback.
"""

import datetime
import logging
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

import events.extract
from events.models import SourceArticle
from intake import polling

pytestmark = pytest.mark.django_db

ARTICLE = Path(__file__).parent / "articles" / "choman-shelling.txt"


def fail(text: str, **kwargs) -> dict:
    raise KeyError(("sdf",))


@pytest.fixture
def failing(monkeypatch) -> None:
    monkeypatch.setattr(events.extract, "suggest", fail)


@pytest.fixture
def article(db) -> SourceArticle:
    return SourceArticle.objects.create(
        title="Iranian shelling hits border villages near Choman",
        published_on=datetime.date(2025, 2, 12),
        body="BAGHDAD, Feb 12 (Reuters) - "
        + ARTICLE.read_text(encoding="utf-8").strip(),
    )


def test_the_curation_screen_opens_with_no_proposals_and_says_why(
    failing, article, editor, caplog
) -> None:
    client = Client()
    client.force_login(editor)
    with caplog.at_level(logging.ERROR, logger="events.extract"):
        state = client.get(
            reverse("admin:events_sourcearticle_curate_state", args=[article.pk])
        )
    assert state.status_code == 200
    body = state.json()
    assert body["assistant_failed"] is True
    assert body["cards"] == [] and body["highlights"] == []
    assert body["article"]["body"] == article.body
    assert "KeyError" in caplog.text
    page = client.get(reverse("admin:events_sourcearticle_curate", args=[article.pk]))
    assert page.status_code == 200


def test_the_api_answers_with_the_metadata_and_the_failure(
    failing, editor_client: Client
) -> None:
    response = editor_client.post(
        "/api/v1/suggestions/",
        {
            "text": "Officials meet\n\nBAGHDAD, March 3 (Reuters) - Officials met "
            "in Baghdad on Sunday. They talked about water and trade for a long "
            "time, officials said."
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    found = response.json()
    assert found["failed"] is True
    assert (found["actors"], found["places"], found["events"]) == ([], [], [])
    assert found["metadata"]["publisher"] == "Reuters"


def test_intake_stores_the_failure_and_tries_again_next_time(
    failing, article, monkeypatch
) -> None:
    stored = polling.store_suggestions(article)
    assert stored.found["failed"] is True
    assert stored.found["events"] == []
    # Kept as no engine's answer: the next reader computes it again.
    assert not stored.is_current(article, polling.engine_version())
    monkeypatch.undo()
    again = polling.store_suggestions(article)
    assert "failed" not in again.found and again.found["events"]
    assert again.is_current(article, polling.engine_version())


def test_a_database_error_is_not_taken_for_a_failure_of_the_rules(
    monkeypatch,
) -> None:
    def lost(text: str, **kwargs) -> dict:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(events.extract, "suggest", lost)
    with pytest.raises(OperationalError):
        events.extract.suggest_safely("Officials met.", published=None)


def test_an_article_that_works_says_no_failure(article, editor) -> None:
    client = Client()
    client.force_login(editor)
    state = client.get(
        reverse("admin:events_sourcearticle_curate_state", args=[article.pk])
    ).json()
    assert state["assistant_failed"] is False
    assert state["cards"]
