"""The founding article, curated: verbatim quotes, honest dates, complete records."""

import datetime

import pytest

from events.demo import load_demo
from events.models import Actor, Agreement, Citation, Event, SourceArticle

pytestmark = pytest.mark.django_db

TITLE = "Iraq and Iran sign agreement to strengthen border security"


@pytest.fixture
def article() -> SourceArticle:
    return SourceArticle.objects.get(title=TITLE)


def event(title_start: str) -> Event:
    return Event.objects.get(title__startswith=title_start)


def test_every_citation_quotes_its_article_verbatim_at_its_offsets() -> None:
    citations = Citation.objects.select_related("article")
    assert citations.count() >= 20
    for citation in citations:
        assert citation.article.body[citation.start : citation.end] == citation.quote


def test_article_is_stored_byte_for_byte(article: SourceArticle) -> None:
    from events.demo import SEED_PATH

    assert article.body == SEED_PATH.read_text(encoding="utf-8")
    assert article.published_on == datetime.date(2023, 3, 20)


def test_every_demo_event_is_published_with_citation_location_and_date() -> None:
    events = Event.objects.all()
    assert events.count() == 9
    for item in events:
        assert item.status == Event.Status.PUBLISHED
        assert item.citations.exists(), item.title
        assert item.location is not None, item.title
        assert item.point is not None, item.title
        assert item.participations.exists(), item.title


def test_the_signing_is_dated_on_sunday_in_baghdad() -> None:
    signing = event("Iraq and Iran sign")
    assert (signing.start_date, signing.end_date) == (datetime.date(2023, 3, 19),) * 2
    assert signing.date_precision == "day"
    assert signing.location.name == "Baghdad"
    roles = {(p.actor.name, p.role) for p in signing.participations.all()}
    assert {
        ("Ali Shamkhani", "signatory"),
        ("Qasim al-Araji", "signatory"),
        ("Mohammed Shia al-Sudani", "witness"),
    } <= roles
    assert signing.citations.filter(field="start_date", quote__contains="on Sunday")


def test_last_year_is_a_year_and_in_november_a_month() -> None:
    strikes = event("Iran’s Revolutionary Guard strikes")
    assert strikes.date_precision == "year"
    assert (strikes.start_date, strikes.end_date) == (
        datetime.date(2022, 1, 1),
        datetime.date(2022, 12, 31),
    )
    assert strikes.date_display() == "2022"
    assert (strikes.location.code, strikes.geo_precision) == ("IQ-KR", "region")

    guards = event("Iraq announces federal guards")
    assert guards.date_precision == "month"
    assert (guards.start_date, guards.end_date) == (
        datetime.date(2022, 11, 1),
        datetime.date(2022, 11, 30),
    )
    assert guards.date_display() == "Nov 2022"
    assert guards.location.code == "IQ-KR-IRN"


def test_events_the_article_recounts_are_all_there() -> None:
    types = set(Event.objects.values_list("event_type", flat=True))
    assert types == {
        "agreement", "meeting", "statement", "death", "protest",
        "remote_violence", "deployment", "arrest",
    }  # fmt: skip
    assert event("Iran detains a sabotage team").participations.filter(
        actor__name="Israel", role="mentioned"
    )
    assert event("Foreign Minister Amir-Abdollahian").location.name == "Tehran"


def test_causes_and_responses_are_linked() -> None:
    guards = event("Iraq announces federal guards")
    assert guards.relations.get().to_event == event("Iran’s Revolutionary Guard")
    protests = event("Protests in Iran")
    assert protests.relations.get(kind="caused_by").to_event == event("An Iranian")


def test_people_are_affiliated_to_the_bodies_they_represent() -> None:
    shamkhani = Actor.objects.get(name="Ali Shamkhani")
    assert shamkhani.parent.name == "Supreme National Security Council"
    assert shamkhani.parent.parent.name == "Iran"
    assert Actor.objects.get(name="Qasim al-Araji").parent.parent.name == "Iraq"
    assert Actor.objects.get(name="Mohammed Shia al-Sudani").kind == "person"


def test_agreement_has_parties_signatories_witness_and_provisions() -> None:
    agreement = Agreement.objects.get()
    assert agreement.signed_on == datetime.date(2023, 3, 19)
    assert agreement.signed_at.name == "Baghdad"
    assert agreement.signing_event == event("Iraq and Iran sign")
    roles = {
        (p.actor.name, p.role, p.represents.name if p.represents else None)
        for p in agreement.party_roles.select_related("actor", "represents")
    }
    assert roles == {
        ("Iran", "party", None),
        ("Iraq", "party", None),
        ("Ali Shamkhani", "signatory", "Iran"),
        ("Qasim al-Araji", "signatory", "Iraq"),
        ("Mohammed Shia al-Sudani", "witness", None),
    }
    assert [p.number for p in agreement.provisions.all()] == [1, 2, 3]
    assert agreement.citations.filter(field="provisions").count() == 2


def test_loading_again_adds_nothing() -> None:
    counts = (Event.objects.count(), Actor.objects.count(), Citation.objects.count())
    assert load_demo() == "Demo data already loaded."
    assert (
        Event.objects.count(),
        Actor.objects.count(),
        Citation.objects.count(),
    ) == counts


def test_reset_reloads_the_curated_events() -> None:
    Event.objects.filter(title__startswith="Iraq and Iran sign").update(title="Edited")
    load_demo(reset=True)
    assert Event.objects.filter(title__startswith="Iraq and Iran sign").count() == 1
    assert not Event.objects.filter(title="Edited").exists()
    assert Event.objects.count() == 9
    assert SourceArticle.objects.filter(title=TITLE).count() == 1
