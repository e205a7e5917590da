"""The editors' workbench in the admin, driven through Django's test client."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.admin import EstimatedCountPaginator
from events.models import Citation, Event, SourceArticle
from tests.conftest import make_event, make_user

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_url(event: Event) -> str:
    return reverse("admin:events_event_change", args=[event.pk])


def event_form_data(event: Event, **overrides) -> dict:
    """What the change form posts for an event with no inline rows."""
    data = {
        "title": event.title,
        "summary": event.summary,
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat(),
        "date_precision": event.date_precision,
        "location": event.location_id or "",
        "geo_precision": event.geo_precision,
        "point": "",
        "status": event.status,
        "confidence": event.confidence,
        "retraction_reason": event.retraction_reason,
        "acled_id": event.acled_id,
        "ucdp_id": event.ucdp_id,
        "gdelt_id": event.gdelt_id,
        "loaded_version": event.version,
    }
    for prefix in ("participations", "citations", "relations"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": 0,
                f"{prefix}-INITIAL_FORMS": 0,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/events/event/",
        "/admin/events/event/?status__exact=published&country=IRQ",
        "/admin/events/event/?q=border+agreement",
        "/admin/events/actor/?q=Araji",
        "/admin/events/location/?q=Kurdistan",
        "/admin/events/sourcearticle/",
        "/admin/events/agreement/",
        "/admin/events/citation/",
        "/admin/events/sourcearticle/add/",
    ],
)
def test_admin_pages_open_for_an_editor(editor_client: Client, url: str) -> None:
    assert editor_client.get(url).status_code == 200


def test_change_forms_open_for_every_demo_object(editor_client: Client) -> None:
    event = Event.objects.get(title__startswith="Iraq and Iran sign")
    for url in [
        change_url(event),
        reverse("admin:events_event_history", args=[event.pk]),
        reverse("admin:events_agreement_change", args=[event.agreement_signed.pk]),
        reverse("admin:events_location_change", args=[event.location_id]),
    ]:
        response = editor_client.get(url)
        assert response.status_code == 200, url


def test_search_finds_actors_by_alias(editor_client: Client) -> None:
    response = editor_client.get("/admin/events/actor/?q=IRGC")
    assert "Islamic Revolutionary Guard Corps" in response.content.decode()


def test_analyst_reads_but_cannot_change(analyst) -> None:
    client = client_for(analyst)
    event = Event.objects.first()
    assert client.get("/admin/events/event/").status_code == 200
    response = client.post(
        change_url(event), event_form_data(event, title="Vandalised")
    )
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.title != "Vandalised"


# --- intake ---------------------------------------------------------------


def test_pasted_html_is_sanitised_to_plain_text(editor_client: Client) -> None:
    html = (
        "<h1>Drone strike near Sinjar</h1><p onclick='steal()'>A drone struck a "
        "vehicle on Tuesday.<script>alert('x')</script></p>"
        "<p><img src=x onerror=alert(1)>Two people were killed &amp; one hurt.</p>"
    )
    response = editor_client.post(
        "/admin/events/sourcearticle/add/",
        {
            "title": "Strike",
            "body": html,
            "language": "en",
            "published_on": "2024-05-08",
        },
    )
    assert response.status_code == 302
    article = SourceArticle.objects.get(title="Strike")
    assert article.body == (
        "Drone strike near Sinjar\n\nA drone struck a vehicle on Tuesday.\n\n"
        "Two people were killed & one hurt."
    )
    assert response["Location"] == reverse(
        "admin:events_sourcearticle_curate", args=[article.pk]
    )


def test_the_same_text_again_is_refused_as_a_duplicate(editor_client: Client) -> None:
    seed = SourceArticle.objects.get(title__startswith="Iraq and Iran sign")
    retyped = "  " + seed.body.upper().replace("\n\n", "\n") + "  "
    response = editor_client.post(
        "/admin/events/sourcearticle/add/",
        {"title": "Copy", "body": retyped, "language": "en"},
    )
    assert response.status_code == 200
    assert "This article is already stored" in response.content.decode()
    assert SourceArticle.objects.filter(title="Copy").count() == 0


def test_the_same_url_again_is_refused(editor_client: Client) -> None:
    SourceArticle.objects.create(
        title="First", body="First text.", url="https://news.example/a"
    )
    response = editor_client.post(
        "/admin/events/sourcearticle/add/",
        {"title": "Second", "body": "Other text.", "url": "https://news.example/a"},
    )
    assert "This article is already stored" in response.content.decode()


def test_an_unreachable_url_gives_a_clear_message(
    editor_client: Client, settings
) -> None:
    # Allowed, although on the loopback address: nothing listens on port 9.
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.1:9"]
    response = editor_client.post(
        "/admin/events/sourcearticle/add/",
        {"url": "http://127.0.0.1:9/article", "language": "en"},
    )
    assert response.status_code == 200
    assert (
        "Could not fetch http://127.0.0.1:9/article: the server refused the "
        "connection." in response.content.decode()
    )


# --- workflow ---------------------------------------------------------------


def bulk(client: Client, action: str, events: list[Event], **extra) -> None:
    return client.post(
        "/admin/events/event/",
        {"action": action, "_selected_action": [e.pk for e in events], **extra},
        follow=True,
    )


def test_publishing_needs_a_citation_and_says_so(reviewer) -> None:
    bare = make_event(title="Uncited", status=Event.Status.IN_REVIEW)
    response = bulk(client_for(reviewer), "publish", [bare])
    assert "“Uncited” was not published: it needs at least one citation." in (
        response.content.decode()
    )
    bare.refresh_from_db()
    assert bare.status == Event.Status.IN_REVIEW


def test_reviewer_publishes_a_complete_event(reviewer) -> None:
    event = make_event(status=Event.Status.IN_REVIEW)
    event.cite(SourceArticle.objects.first(), "on Sunday")
    bulk(client_for(reviewer), "publish", [event])
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert event.published_at is not None
    assert event.updated_by == reviewer


def test_editor_may_submit_for_review_but_not_publish(editor, editor_client) -> None:
    event = make_event()
    event.cite(SourceArticle.objects.first(), "on Sunday")
    bulk(editor_client, "submit_for_review", [event])
    event.refresh_from_db()
    assert event.status == Event.Status.IN_REVIEW
    page = editor_client.get("/admin/events/event/").content.decode()
    assert 'value="submit_for_review"' in page
    assert 'value="publish"' not in page
    bulk(editor_client, "publish", [event])
    event.refresh_from_db()
    assert event.status == Event.Status.IN_REVIEW


def test_editor_cannot_publish_through_the_change_form(editor_client) -> None:
    event = make_event()
    response = editor_client.post(
        change_url(event), event_form_data(event, status="published")
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_change_form_refuses_publication_without_citation(reviewer) -> None:
    event = make_event(title="Keep my edit")
    response = client_for(reviewer).post(
        change_url(event), event_form_data(event, status="published", title="Edited")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "A published event needs at least one citation." in body
    assert 'value="Edited"' in body  # the editor's input is kept on the form
    event.refresh_from_db()
    assert (event.title, event.status) == ("Keep my edit", Event.Status.DRAFT)


def test_retraction_asks_for_a_reason_and_keeps_the_event(reviewer) -> None:
    event = Event.objects.get(title__startswith="Iran detains")
    client = client_for(reviewer)
    page = bulk(client, "retract", [event])
    assert "Retract events" in page.content.decode()
    bulk(client, "retract", [event], reason="The arrests were not confirmed.")
    event.refresh_from_db()
    assert event.status == Event.Status.RETRACTED
    assert event.retraction_reason == "The arrests were not confirmed."


# --- nothing lost -------------------------------------------------------------


def test_a_stale_save_is_refused_with_what_changed(editor) -> None:
    other = make_user("second-editor", "Editor")
    event = make_event(title="Original title")
    mine = event_form_data(event, summary="My summary")  # opened at this version

    client_for(other).post(
        change_url(event), event_form_data(event, title="Their title")
    )
    event.refresh_from_db()
    assert event.title == "Their title"

    response = client_for(editor).post(change_url(event), mine)
    assert response.status_code == 200
    body = response.content.decode()
    assert "second-editor changed this event" in body
    assert "“Original title” → “Their title”" in body
    event.refresh_from_db()
    assert (event.title, event.summary) == ("Their title", "")


def test_history_shows_who_changed_what_and_restores(editor, editor_client) -> None:
    event = make_event(title="First title")
    editor_client.post(change_url(event), event_form_data(event, title="Second title"))
    event.refresh_from_db()
    assert event.title == "Second title"

    history_url = reverse("admin:events_event_history", args=[event.pk])
    page = editor_client.get(history_url).content.decode()
    assert "test-editor" in page
    assert "“First title” → “Second title”" in page

    first = event.history.order_by("pgh_id").first()
    restore = reverse("admin:events_event_restore", args=[event.pk, first.pgh_id])
    editor_client.post(restore)
    event.refresh_from_db()
    assert event.title == "First title"
    assert event.history.count() == 3  # created, edited, restored


def test_restoring_never_changes_the_workflow_status(editor_client) -> None:
    event = make_event(status=Event.Status.PUBLISHED, title="Was published")
    Event.objects.filter(pk=event.pk).update(
        status=Event.Status.RETRACTED, retraction_reason="Wrong.", title="Retracted"
    )
    first = event.history.order_by("pgh_id").first()
    editor_client.post(
        reverse("admin:events_event_restore", args=[event.pk, first.pgh_id])
    )
    event.refresh_from_db()
    assert (event.title, event.status) == ("Was published", Event.Status.RETRACTED)


def test_bulk_changes_are_recorded_too(reviewer) -> None:
    event = make_event(status=Event.Status.IN_REVIEW)
    event.cite(SourceArticle.objects.first(), "on Sunday")
    before = event.history.count()
    bulk(client_for(reviewer), "publish", [event])
    latest = event.history.order_by("-pgh_id").first()
    assert event.history.count() == before + 1
    assert latest.status == Event.Status.PUBLISHED


def test_restore_is_post_only_and_needs_change_permission(analyst) -> None:
    event = make_event()
    first = event.history.first()
    url = reverse("admin:events_event_restore", args=[event.pk, first.pgh_id])
    assert client_for(analyst).post(url).status_code == 403


# --- a large changelist -------------------------------------------------------


class SmallLimitPaginator(EstimatedCountPaginator):
    exact_count_limit = 3


def test_changelist_counts_are_capped_or_estimated() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE events_event")
    total = Event.objects.count()
    unfiltered = SmallLimitPaginator(Event.objects.order_by("id"), 2)
    with CaptureQueriesContext(connection) as queries:
        assert unfiltered.count == total  # the planner's estimate, just analysed
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)

    filtered = SmallLimitPaginator(Event.objects.filter(status="published"), 2)
    with CaptureQueriesContext(connection) as queries:
        assert filtered.count == 4  # "more than 3": never counts past the limit
    assert "LIMIT 4" in queries.captured_queries[0]["sql"]
    assert (unfiltered.estimated, unfiltered.more_than_limit) == (True, False)
    assert (filtered.estimated, filtered.more_than_limit) == (False, True)


def test_a_capped_count_is_shown_as_more_than_the_limit(
    editor_client: Client, monkeypatch
) -> None:
    monkeypatch.setattr(EstimatedCountPaginator, "exact_count_limit", 3)
    page = editor_client.get("/admin/events/event/?status__exact=published")
    text = " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())
    assert "more than 3 events" in text
    page = editor_client.get("/admin/events/event/?q=border+agreement")
    text = " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())
    assert re.search(r"\b1 event\b", text)


def test_changelist_shows_dates_at_their_precision(editor_client) -> None:
    make_event(
        title="Known to the month",
        start_date=datetime.date(2021, 4, 1),
        end_date=datetime.date(2021, 4, 30),
        date_precision="month",
    )
    page = editor_client.get("/admin/events/event/?q=month").content.decode()
    assert "Apr 2021" in page


def test_alias_search_stays_within_the_lists_filters(editor_client) -> None:
    # "IRGC" is an alias of a security force; filtered to states, nothing.
    page = editor_client.get("/admin/events/actor/?q=IRGC&kind__exact=state")
    assert "Islamic Revolutionary Guard Corps" not in page.content.decode()
    page = editor_client.get("/admin/events/location/?q=Iraqi+Kurdistan")
    assert "Kurdistan Region" in page.content.decode()


def test_an_actor_and_an_agreement_restore_too(editor_client) -> None:
    from events.models import Actor, Agreement

    actor = Actor.objects.get(name="Ali Shamkhani")
    Actor.objects.filter(pk=actor.pk).update(description="Vandalised")
    before = actor.history.filter(description=actor.description).latest("pgh_id")
    editor_client.post(
        reverse("admin:events_actor_restore", args=[actor.pk, before.pgh_id])
    )
    actor.refresh_from_db()
    assert actor.description.startswith("Secretary of Iran’s Supreme")

    agreement = Agreement.objects.get()
    Agreement.objects.filter(pk=agreement.pk).update(title="Wrong title")
    before = agreement.history.filter(title=agreement.title).latest("pgh_id")
    editor_client.post(
        reverse("admin:events_agreement_restore", args=[agreement.pk, before.pgh_id])
    )
    agreement.refresh_from_db()
    assert agreement.title == "Iraq–Iran border security agreement"


def test_articles_show_history_without_restore(editor_client) -> None:
    article = SourceArticle.objects.first()
    page = editor_client.get(
        reverse("admin:events_sourcearticle_history", args=[article.pk])
    ).content.decode()
    assert "insert" in page and "Restore this version" not in page


# --- the article and citation lists at scale -------------------------------------


def article(title: str, publisher: str, published_on: str, language="en"):
    return SourceArticle.objects.create(
        title=title,
        publisher=publisher,
        published_on=datetime.date.fromisoformat(published_on),
        language=language,
        body=f"{title}. Reported by {publisher}.",
        url=f"https://news.example/{title.lower().replace(' ', '-')}",
    )


def row_ids(page: bytes) -> list[int]:
    """The ids of a changelist's rows, from each row's link to its object."""
    return [int(n) for n in ROW_LINK.findall(page)]


ROW_LINK = re.compile(
    rb'<th class="field-[^"]*"><a href="/admin/events/\w+/(\d+)/change/'
)


def test_article_list_filters_search_and_counts_without_reading_every_row(
    editor_client: Client,
) -> None:
    kirkuk = article("Clashes near Kirkuk", "Rudaw", "2021-04-02")
    erbil = article("Drone strike on Erbil", "Kurdistan24", "2024-07-09", "ar")
    kirkuk_reprint = article("Kirkuk curfew lifted", "Shafaq News", "2024-01-15")
    url = "/admin/events/sourcearticle/"

    with CaptureQueriesContext(connection) as queries:
        page = editor_client.get(url)
    assert page.status_code == 200
    listed = row_ids(page.content)
    # Newest first, each with its citations counted.
    assert listed.index(erbil.pk) < listed.index(kirkuk_reprint.pk)
    assert listed.index(kirkuk_reprint.pk) < listed.index(kirkuk.pk)
    statements = [q["sql"].upper() for q in queries.captured_queries]
    counts = [s for s in statements if s.startswith("SELECT COUNT(")]
    assert counts and not [s for s in counts if " LIMIT " not in s]
    assert not [s for s in statements if "SELECT DISTINCT" in s]
    html = page.content.decode()
    # The filters' values come from index probes: every outlet, language and
    # year there is, and only those.
    for value in ("publisher=Rudaw", "publisher=Shafaq News", "language=ar",
                  "year=2021", "year=2024"):  # fmt: skip
        assert f"?{value}" in html.replace("+", " "), value
    assert "year=2022" not in html

    def ids(query: str) -> set[int]:
        response = editor_client.get(url + query)
        assert response.status_code == 200, query
        return set(row_ids(response.content))

    assert ids("?q=kirkuk") == {kirkuk.pk, kirkuk_reprint.pk}
    assert ids("?q=KURDISTAN24") == {erbil.pk}
    assert ids("?q=news.example/drone") == {erbil.pk}
    assert ids("?year=2024") >= {erbil.pk, kirkuk_reprint.pk}
    assert kirkuk.pk not in ids("?year=2024")
    assert ids("?year=2021&publisher=Rudaw") == {kirkuk.pk}
    assert ids("?language=ar") == {erbil.pk}
    # A year that is no number selects nothing rather than failing.
    assert ids("?year=twenty") == set()
    assert ids("?year=0") == set()


def test_citation_list_is_newest_first_without_a_full_count(
    editor_client: Client,
) -> None:
    with CaptureQueriesContext(connection) as queries:
        page = editor_client.get("/admin/events/citation/")
    assert page.status_code == 200
    listed = row_ids(page.content)
    assert listed and listed == sorted(listed, reverse=True)
    statements = [q["sql"].upper() for q in queries.captured_queries]
    counts = [s for s in statements if s.startswith("SELECT COUNT(")]
    assert not [s for s in counts if " LIMIT " not in s]
    assert not [s for s in statements if "SELECT DISTINCT" in s]
    html = page.content.decode()
    fields = set(Citation.objects.values_list("field", flat=True)) - {""}
    assert fields
    for field in fields:
        assert f"?field={field}" in html, field
