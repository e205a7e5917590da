"""
From a pasted article to published events, as the demo users would do it in
the admin: suggestions accepted, corrected and rejected, a new actor created,
review and publication.
"""

import datetime
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from events.models import Actor, Event, Location, SourceArticle

pytestmark = pytest.mark.django_db

ARTICLES = __import__("pathlib").Path(__file__).parent / "articles"
PASSWORD = "demo-password-for-tests"


class Forms(HTMLParser):
    """The forms of a page with the values a browser would submit."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"fields": {}, "buttons": []})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"] if self.forms else {}
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind == "checkbox" and "checked" not in attrs:
                return
            if kind == "submit":
                return
            fields.setdefault(attrs.get("name"), []).append(attrs.get("value", ""))
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and "selected" in attrs:
            fields[self._select] = [attrs.get("value", "")]
        elif tag == "button" and attrs.get("name") == "action":
            self.forms[-1]["buttons"].append(attrs.get("value"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def page_forms(client: Client, url: str) -> list[dict]:
    parser = Forms()
    parser.feed(client.get(url).content.decode())
    return parser.forms


def proposal_forms(client: Client, url: str) -> list[dict]:
    return [f for f in page_forms(client, url) if "accept" in f["buttons"]]


def submit(client: Client, url: str, form: dict, action: str, **changes):
    data = {name: values for name, values in form["fields"].items() if name}
    prefix = data["prefix"][0]
    for name, value in changes.items():
        data[f"{prefix}-{name}"] = [value]
    data["action"] = [action]
    return client.post(url, data, follow=True)


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post(
        "/admin/login/", {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302, "sign-in failed"
    return client


@pytest.fixture
def demo_users(monkeypatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    call_command("create_demo_users", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_editor_curates_a_new_article_and_reviewer_publishes(demo_users) -> None:
    editor = signed_in("editor")
    body = (ARTICLES / "drone-strike-al-qaim.txt").read_text(encoding="utf-8")
    response = editor.post(
        "/admin/events/sourcearticle/add/",
        {
            "title": "Drone strike kills three militia members",
            "publisher": "Zagros Wire",
            "published_on": "2024-05-08",
            "language": "en",
            "body": body,
        },
    )
    article = SourceArticle.objects.get(publisher="Zagros Wire")
    url = reverse("admin:events_sourcearticle_suggestions", args=[article.pk])
    assert response["Location"] == url

    page = editor.get(url).content.decode()
    assert '<mark class="dates" title="2024-05-06">late on Monday night</mark>' in page
    assert "Kataib Hezbollah" in page

    # A new actor in one step; the suggestions know it from then on.
    editor.post(url, {"action": "create_actor", "name": "Kataib Hezbollah",
                      "kind": "armed_group"})  # fmt: skip
    kataib = Actor.objects.get(name="Kataib Hezbollah")
    assert f'value="{kataib.pk}"' in editor.get(url).content.decode()

    proposals = proposal_forms(editor, url)
    strike, *others = proposals
    assert strike["fields"]["p0-event_type"] == ["remote_violence"]
    submit(editor, url, strike, "accept")
    accepted = Event.objects.get(citations__article=article, citations__start=int(
        strike["fields"]["p0-start"][0]))  # fmt: skip
    assert accepted.status == Event.Status.DRAFT
    assert (accepted.start_date, accepted.date_precision) == (
        datetime.date(2024, 5, 6),
        "day",
    )
    assert accepted.location.name == "Al Qā’im"  # stored from the gazetteer
    assert "A drone strike killed three" in accepted.citations.get().quote

    # Correct a proposal before accepting it.
    detention = next(f for f in others if "detained" in _quote(f, body))
    prefix = detention["fields"]["prefix"][0]
    submit(editor, url, detention, "accept", title="Iraqi forces detain two suspected "
           "informants near Al-Qaim", event_type="arrest", date_value="2024-05-07",
           date_precision="day")  # fmt: skip
    corrected = Event.objects.get(title__startswith="Iraqi forces detain two")
    assert corrected.event_type == "arrest"
    assert corrected.start_date == datetime.date(2024, 5, 7)
    assert corrected.created_by.username == "editor"
    assert prefix

    # Reject one; it stays rejected on the page.
    rejected = next(f for f in proposal_forms(editor, url) if "2021" in _quote(f, body))
    submit(editor, url, rejected, "reject")
    assert "Rejected." in editor.get(url).content.decode()
    assert all("2021" not in _quote(f, body) for f in proposal_forms(editor, url))

    # Editor submits for review; the reviewer publishes.
    editor.post(
        "/admin/events/event/",
        {"action": "submit_for_review",
         "_selected_action": [accepted.pk, corrected.pk]},
    )  # fmt: skip
    reviewer = signed_in("reviewer")
    reviewer.post(
        "/admin/events/event/",
        {"action": "publish", "_selected_action": [accepted.pk, corrected.pk]},
    )
    accepted.refresh_from_db()
    corrected.refresh_from_db()
    assert accepted.status == corrected.status == Event.Status.PUBLISHED

    public = Client().get(accepted.get_absolute_url()).content.decode()
    assert "A drone strike killed three members of an armed group" in public
    assert article.get_absolute_url() in public


def _quote(form: dict, body: str) -> str:
    prefix = form["fields"]["prefix"][0]
    start = int(form["fields"][f"{prefix}-start"][0])
    end = int(form["fields"][f"{prefix}-end"][0])
    return body[start:end]


def test_accepting_needs_a_real_date_and_loses_nothing(editor_client) -> None:
    article = SourceArticle.objects.create(
        title="Talks", body="Officials met in Baghdad on Sunday to discuss the border.",
        published_on=datetime.date(2024, 3, 5),
    )  # fmt: skip
    url = reverse("admin:events_sourcearticle_suggestions", args=[article.pk])
    before = Event.objects.count()
    response = editor_client.post(
        url,
        {"action": "accept", "prefix": "p0", "p0-start": 0, "p0-end": 20,
         "p0-title": "Talks", "p0-event_type": "meeting",
         "p0-date_value": "2024-02-30", "p0-date_precision": "day"},
        follow=True,
    )  # fmt: skip
    assert "This is not a real date." in response.content.decode()
    assert Event.objects.count() == before


def test_analysts_see_suggestions_but_cannot_accept(analyst) -> None:
    client = Client()
    client.force_login(analyst)
    article = SourceArticle.objects.get(title__startswith="Iraq and Iran sign")
    url = reverse("admin:events_sourcearticle_suggestions", args=[article.pk])
    page = client.get(url).content.decode()
    assert "Proposed events" in page
    assert 'value="accept"' not in page
    assert client.post(url, {"action": "reject"}).status_code == 403


def test_seed_suggestions_page_marks_the_curated_events(editor_client) -> None:
    article = SourceArticle.objects.get(title__startswith="Iraq and Iran sign")
    url = reverse("admin:events_sourcearticle_suggestions", args=[article.pk])
    page = editor_client.get(url).content.decode()
    assert '<mark class="actors known" title="Ali Shamkhani">' in page
    assert '<mark class="places known" title="Kurdistan Region">' in page
    assert Location.objects.filter(code="IQ-KR").exists()
