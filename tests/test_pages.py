"""Analysts' pages, rendered by Django's test client (browser tests: test_browser)."""

import pytest
from django.test import Client

from events.models import Actor, Agreement, Citation, Event, Location, SourceArticle
from tests.conftest import make_event

pytestmark = pytest.mark.django_db


def signing() -> Event:
    return Event.objects.get(title__startswith="Iraq and Iran sign")


def test_event_page_shows_participants_citations_and_relations(client: Client) -> None:
    page = client.get(signing().get_absolute_url()).content.decode()
    assert "19 Mar 2023" in page
    assert "Ali Shamkhani" in page and "Signatory" in page
    assert "Secretary of the Supreme National Security Council" in page
    assert "Mohammed Shia al-Sudani" in page and "Witness" in page
    citation = signing().citations.get(field="location")
    assert f"?citation={citation.pk}#c{citation.pk}" in page
    meeting = client.get(
        Event.objects.get(
            title__startswith="Prime Minister al-Sudani"
        ).get_absolute_url()
    ).content.decode()
    assert "Part of" in meeting and signing().title in meeting
    signing_page = client.get(signing().get_absolute_url()).content.decode()
    assert "Includes: <a" in signing_page


def test_a_draft_is_not_found_by_anonymous_visitors_or_analysts(analyst) -> None:
    draft = make_event(title="Secret draft")
    assert Client().get(draft.get_absolute_url()).status_code == 404
    client = Client()
    client.force_login(analyst)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_editors_see_drafts_marked_with_their_history(editor_client) -> None:
    draft = make_event(title="Work in progress")
    page = editor_client.get(draft.get_absolute_url()).content.decode()
    assert "Draft: not public yet." in page
    assert "Change history" in page


def test_a_retracted_event_stays_readable_and_marked(client: Client) -> None:
    event = make_event(title="Withdrawn report", status=Event.Status.PUBLISHED)
    Event.objects.filter(pk=event.pk).update(
        status=Event.Status.RETRACTED, retraction_reason="The source corrected itself."
    )
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Retracted." in page and "The source corrected itself." in page
    assert "Change history" not in page


def test_article_page_highlights_the_cited_quote(client: Client) -> None:
    citation = Citation.objects.filter(field="location").first()
    article = citation.article
    page = client.get(f"{article.get_absolute_url()}?citation={citation.pk}").content
    page = page.decode()
    assert f'<span id="c{citation.pk}" class="anchor"></span>' in page
    assert '<mark class="cited focus">in Baghdad, Iraq</mark>' in page
    assert page.count(f'id="c{citation.pk}"') == 1


def test_article_page_hides_citations_of_drafts(client: Client) -> None:
    article = SourceArticle.objects.get(title__startswith="Iraq and Iran sign")
    make_event(title="Hidden claim").cite(article, "Factions based in Iraq")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Hidden claim" not in page
    assert "Factions based in Iraq" in page  # the text itself is public


def test_actor_page_shows_affiliations_and_events(client: Client) -> None:
    actor = Actor.objects.get(name="Ali Shamkhani")
    page = client.get(actor.get_absolute_url()).content.decode()
    assert "Supreme National Security Council</a> → <a" in page
    assert "2023: 4" in page
    assert signing().title in page


def test_agreement_page_lists_events_near_the_border_since_signing(
    client: Client,
) -> None:
    agreement = Agreement.objects.get()
    near = make_event(
        title="Shelling near Penjwen",
        status=Event.Status.PUBLISHED,
        location=Location.objects.get(code="IQ-KR"),
        start_date=agreement.signed_on.replace(month=6),
        end_date=agreement.signed_on.replace(month=6),
    )
    from django.contrib.gis.geos import Point

    Event.objects.filter(pk=near.pk).update(point=Point(45.95, 35.62, srid=4326))
    page = client.get(agreement.get_absolute_url() + "?km=25").content.decode()
    assert "Shelling near Penjwen" in page
    assert "Qasim al-Araji" in page and "for Iraq" in page
    assert "Iraq will not allow armed groups" in page
    far = client.get(agreement.get_absolute_url() + "?km=1").content.decode()
    assert "Shelling near Penjwen" not in far


def test_location_page_lists_events_inside_a_region(client: Client) -> None:
    region = Location.objects.get(code="IQ-KR")
    page = client.get(region.get_absolute_url()).content.decode()
    assert "Revolutionary Guard strikes" in page
    assert "Sulaymaniyah" in page  # places within


def test_about_page_credits_the_data(client: Client) -> None:
    page = client.get("/about/").content.decode()
    assert "GeoNames" in page and "Creative Commons Attribution 4.0" in page
    assert "Natural Earth" in page


@pytest.mark.parametrize("url", ["/events/999999/", "/actors/999999/", "/places/0/"])
def test_missing_objects_are_404(client: Client, url: str) -> None:
    assert client.get(url).status_code == 404


def walk(client: Client, url: str) -> list[list[int]]:
    """The ids of the events listed on each page, following the "next" links."""
    pages = []
    while url:
        context = client.get(url).context
        events = context["nearby"] if "nearby" in context else context["events"]
        pages.append([event.pk for event in events])
        following = context["next_query"]
        url = f"{url.split('?')[0]}?{following}" if following else None
    return pages


def test_long_lists_come_a_page_at_a_time_each_event_once(client: Client) -> None:
    import datetime

    from django.contrib.gis.geos import Point

    from events.models import Participant
    from events.views import LIST_PAGE_SIZE

    actor = Actor.objects.get(name="Ali Shamkhani")
    region = Location.objects.get(code="IQ-KR")
    agreement = Agreement.objects.get()
    # More than two pages, several on one day (the id breaks the tie), one
    # draft, which no page lists.
    for index in range(2 * LIST_PAGE_SIZE + 3):
        day = agreement.signed_on + datetime.timedelta(days=index // 4)
        event = make_event(
            title=f"Listed {index}",
            status=Event.Status.DRAFT if index == 7 else Event.Status.PUBLISHED,
            location=region,
            start_date=day,
            end_date=day,
        )
        Event.objects.filter(pk=event.pk).update(point=Point(45.95, 35.62, srid=4326))
        for role in ("initiator", "target"):  # twice, listed once
            Participant.objects.create(event=event, actor=actor, role=role)
    published = Event.objects.filter(status=Event.Status.PUBLISHED)
    for url, expected in [
        (
            actor.get_absolute_url(),
            published.filter(participations__actor=actor)
            .distinct()
            .order_by("-start_date", "-id"),
        ),
        (
            region.get_absolute_url(),
            published.filter(title__startswith="Listed").order_by("-start_date", "-id"),
        ),
        (
            agreement.get_absolute_url() + "?km=25",
            published.filter(title__startswith="Listed").order_by("start_date", "id"),
        ),
    ]:
        pages = walk(client, url)
        listed = [pk for page in pages for pk in page]
        if "places" in url:  # the region's own events besides these
            listed = [
                pk for pk in listed if pk in set(expected.values_list("pk", flat=True))
            ]
        assert listed == list(expected.values_list("pk", flat=True)), url
        assert [len(page) for page in pages][:2] == [LIST_PAGE_SIZE] * 2, url
