"""Each database invariant rejects bad data, whatever code path writes it."""

import datetime
from collections.abc import Callable

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.db import IntegrityError, transaction

from events.models import (
    Actor,
    Agreement,
    AgreementParty,
    Citation,
    Event,
    EventRelation,
    Location,
    Participant,
    Provision,
    SourceArticle,
)
from tests.conftest import make_event

pytestmark = pytest.mark.django_db

DAY = datetime.date(2023, 3, 19)


def make_article(**overrides) -> SourceArticle:
    fields = {"title": "Test article", "body": "Officials met on Sunday in Baghdad."}
    fields.update(overrides)
    return SourceArticle.objects.create(**fields)


def make_agreement(**overrides) -> Agreement:
    fields = {"title": "Test agreement", "kind": Agreement.Kind.SECURITY}
    fields.update(overrides)
    return Agreement.objects.create(**fields)


def iran() -> Actor:
    return Actor.objects.get(name="Iran")


def bowtie() -> Polygon:
    return Polygon(((44, 33), (45, 34), (45, 33), (44, 34), (44, 33)), srid=4326)


VIOLATIONS: dict[str, Callable[[], object]] = {
    "event_end_not_before_start": lambda: make_event(
        start_date=DAY, end_date=DAY - datetime.timedelta(days=1)
    ),
    "event_fatalities_low_le_best": lambda: make_event(
        fatalities_low=5, fatalities_best=4
    ),
    "event_fatalities_best_le_high": lambda: make_event(
        fatalities_best=10, fatalities_high=9
    ),
    "event_fatalities_low_le_high": lambda: make_event(
        fatalities_low=10, fatalities_high=9
    ),
    "event_retraction_has_reason": lambda: make_event(status=Event.Status.RETRACTED),
    "event_point_in_range": lambda: make_event(point=Point(181, 10, srid=4326)),
    "location_point_in_range": lambda: Location.objects.create(
        name="Nowhere", kind="site", point=Point(45, 91, srid=4326)
    ),
    "location_geometry_in_range": lambda: Location.objects.create(
        name="Too far east",
        kind="region",
        geometry=Polygon(((179, 0), (181, 0), (181, 1), (179, 1), (179, 0)), srid=4326),
        point=Point(179.5, 0.5, srid=4326),
    ),
    "location_geometry_valid": lambda: Location.objects.create(
        name="Bow tie", kind="region", geometry=bowtie(), point=Point(44.5, 33.5)
    ),
    "location_country_iso_alpha3": lambda: Location.objects.create(
        name="Somewhere", kind="site", country_code="iq"
    ),
    "location_unique_code": lambda: Location.objects.create(
        name="Iraq again", kind="country", code="IRQ"
    ),
    "actor_country_iso_alpha3": lambda: Actor.objects.create(
        name="Someone", kind="person", country="irq"
    ),
    "actor_wikidata_id_format": lambda: Actor.objects.create(
        name="Someone", kind="person", wikidata_id="794"
    ),
    "actor_unique_name_per_country": lambda: Actor.objects.create(
        name="IRAN", kind="state", country="IRN"
    ),
    "actor_not_own_parent": lambda: Actor.objects.filter(pk=iran().pk).update(
        parent=iran()
    ),
    "participant_unique_role": lambda: [
        Participant.objects.create(event=event, actor=iran(), role="initiator")
        for event in [make_event()] * 2
    ],
    "event_relation_not_self": lambda: EventRelation.objects.create(
        from_event=(event := make_event()), to_event=event, kind="part_of"
    ),
    "agreement_status_not_before_signing": lambda: make_agreement(
        signed_on=DAY, status_since=DAY - datetime.timedelta(days=1)
    ),
    "agreement_party_only_signatory_represents": lambda: AgreementParty.objects.create(
        agreement=make_agreement(), actor=iran(), role="witness", represents=iran()
    ),
    "provision_number_positive": lambda: Provision.objects.create(
        agreement=make_agreement(), number=0, text="Nothing."
    ),
    "provision_unique_number": lambda: [
        Provision.objects.create(agreement=agreement, number=1, text="Twice.")
        for agreement in [make_agreement()] * 2
    ],
    "citation_cites_one_object": lambda: Citation.objects.create(
        article=make_article(), quote="Officials", start=0, end=9
    ),
    "citation_end_after_start": lambda: Citation.objects.create(
        article=make_article(), event=make_event(), quote="", start=3, end=3
    ),
    "citation_length_matches_offsets": lambda: Citation.objects.create(
        # Past the end of the body the text matches, but the length does not.
        article=make_article(),
        event=make_event(),
        quote="dad.",
        start=31,
        end=40,
    ),
    "citation_quote_matches_article": lambda: Citation.objects.create(
        article=make_article(), event=make_event(), quote="Ministers", start=0, end=9
    ),
    "article_unique_content_hash": lambda: [
        make_article(body="Same text."),
        make_article(title="Copy", body="  SAME   text. "),
    ],
    "article_unique_url": lambda: [
        make_article(url="https://example.org/a", body="One."),
        make_article(url="https://example.org/a", body="Two."),
    ],
}


@pytest.mark.parametrize("constraint", sorted(VIOLATIONS))
def test_database_rejects_violation_of(constraint: str) -> None:
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        VIOLATIONS[constraint]()


def test_cited_article_body_cannot_change() -> None:
    article = make_article()
    make_event().cite(article, "on Sunday")
    article.body = "Officials met on Monday in Baghdad."
    with (
        pytest.raises(IntegrityError, match="cited_article_body_unchanged"),
        transaction.atomic(),
    ):
        article.save()


def test_uncited_article_body_can_be_corrected() -> None:
    article = make_article()
    article.body = "Officials met on Monday in Baghdad."
    article.save()
    article.refresh_from_db()
    assert article.body == "Officials met on Monday in Baghdad."


def test_valid_rows_are_accepted() -> None:
    event = make_event(
        start_date=DAY,
        end_date=DAY + datetime.timedelta(days=1),
        fatalities_low=1,
        fatalities_best=2,
        fatalities_high=3,
    )
    citation = event.cite(make_article(), "in Baghdad")
    assert (citation.start, citation.end) == (24, 34)
    assert event.point == Location.objects.get(code="IRQ").point


def test_citing_a_quote_the_article_lacks_is_refused() -> None:
    with pytest.raises(ValueError, match="Quote not found"):
        make_event().cite(make_article(), "in Tehran")
