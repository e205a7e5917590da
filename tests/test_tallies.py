"""
The counts the database keeps by trigger (events per month, an actor's
events per year and roles) equal a live count after every way of writing
events and participants, and the pages drawn from them (the unfiltered
timeline's chart, the actor's page) equal the same pages counted live.
"""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict

from events import actor_merge, workflow
from events.models import (
    Actor,
    ActorRole,
    ActorYear,
    Event,
    EventMonth,
    Participant,
    RowCount,
    SourceArticle,
)
from events.views import _chart
from synthetic import generator
from tests.conftest import make_event, persona_client

pytestmark = pytest.mark.django_db


LIVE = {
    EventMonth: "SELECT date_trunc('month', start_date)::date, status, event_type, "
    "date_precision, count(*) FROM events_event GROUP BY 1, 2, 3, 4",
    ActorYear: "SELECT p.actor_id, extract(year FROM e.start_date)::int, e.status, "
    "count(DISTINCT e.id) FROM events_participant p "
    "JOIN events_event e ON e.id = p.event_id GROUP BY 1, 2, 3",
    ActorRole: "SELECT p.actor_id, p.role, e.status, count(*) "
    "FROM events_participant p JOIN events_event e ON e.id = p.event_id "
    "GROUP BY 1, 2, 3",
}
KEYS = {
    EventMonth: ("month", "status", "event_type", "date_precision"),
    ActorYear: ("actor_id", "year", "status"),
    ActorRole: ("actor_id", "role", "status"),
}


def live(model) -> dict[tuple, int]:
    with connection.cursor() as cursor:
        cursor.execute(LIVE[model])
        return {tuple(row[:-1]): row[-1] for row in cursor.fetchall()}


def kept(model) -> dict[tuple, int]:
    rows = model.objects.exclude(count=0).values_list(*KEYS[model], "count")
    return {tuple(row[:-1]): row[-1] for row in rows}


def live_months() -> dict[tuple, int]:
    return live(EventMonth)


def assert_exact() -> None:
    for model in LIVE:
        assert kept(model) == live(model), model.__name__
    assert RowCount.of(SourceArticle) == SourceArticle.objects.count()


def test_the_counts_follow_every_write(reviewer) -> None:
    assert_exact()  # the migration counted the demo's events
    day = datetime.date(2021, 5, 3)
    event = make_event(start_date=day, end_date=day)
    assert_exact()
    assert (
        EventMonth.objects.get(
            month=datetime.date(2021, 5, 1),
            status=Event.Status.DRAFT,
            event_type=Event.Type.STATEMENT,
            date_precision="day",
        ).count
        == live_months()[(datetime.date(2021, 5, 1), "draft", "statement", "day")]
    )

    # Moved to another month, type and precision by a save.
    event.start_date = event.end_date = datetime.date(2022, 11, 1)
    event.event_type = Event.Type.BATTLE
    event.date_precision = "month"
    event.save()
    assert_exact()

    # Published and retracted, as the workflow does it (a queryset update).
    workflow.apply_status(event, Event.Status.PUBLISHED)
    event.save()
    assert_exact()
    outcome = workflow.retract(events=[event], user=reviewer, reason="Wrong place")
    assert outcome.done == [event]
    assert_exact()

    # Several rows in one statement, some of them into the same counter.
    more = [
        make_event(
            start_date=datetime.date(2019, 1, day), end_date=datetime.date(2019, 1, day)
        )
        for day in (1, 2, 3)
    ]
    Event.objects.filter(pk__in=[e.pk for e in more]).update(
        status=Event.Status.PUBLISHED
    )
    assert_exact()
    Event.objects.filter(pk__in=[e.pk for e in more[:2]]).delete()
    assert_exact()
    event.delete()
    assert_exact()


def test_the_counts_follow_imports_and_synthetic_data() -> None:
    call_command(
        "import_events", "tests/data/acled_sample.csv", "--format", "acled",
        stdout=io.StringIO(),
    )  # fmt: skip
    assert_exact()
    # The same file again updates the events it already holds.
    call_command(
        "import_events", "tests/data/acled_sample.csv", "--format", "acled",
        "--plain", stdout=io.StringIO(),
    )  # fmt: skip
    assert_exact()
    call_command("generate_events", count=300, seed=3, stderr=io.StringIO())
    assert Event.objects.filter(is_synthetic=True).count() == 300
    assert_exact()
    generator.delete_synthetic(analyze=False)
    assert_exact()


def test_truncating_the_events_empties_the_counts() -> None:
    make_event()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's transaction
        cursor.execute("TRUNCATE events_event CASCADE")
    assert live_months() == {}
    assert not EventMonth.objects.exists()
    assert not ActorYear.objects.exists()
    assert not ActorRole.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE events_sourcearticle CASCADE")
    assert RowCount.of(SourceArticle) == 0


@pytest.mark.parametrize("persona", ["anonymous", "editor"])
@pytest.mark.parametrize(
    "span",
    [
        # A chart by month: the year-precision event is counted apart.
        (datetime.date(2021, 1, 1), datetime.date(2021, 12, 31)),
        # A chart by year.
        (datetime.date(2015, 1, 1), datetime.date(2021, 12, 31)),
    ],
)
def test_the_unfiltered_chart_equals_the_live_count(
    persona: str, span: tuple[datetime.date, datetime.date]
) -> None:
    Event.objects.all().delete()
    first, last = span
    for name in Event.Status.values:
        status = workflow.status_fields(
            status=name, published_at=None, retraction_reason="Misdated"
        ) | {"status": name}
        make_event(
            **status,
            event_type=Event.Type.BATTLE,
            start_date=first,
            end_date=first,
        )
        make_event(**status, start_date=last, end_date=last)
        make_event(
            **status,
            start_date=datetime.date(2021, 1, 1),
            end_date=datetime.date(2021, 12, 31),
            date_precision="year",
        )
        make_event(
            **status,
            event_type=Event.Type.MEETING,
            start_date=datetime.date(2021, 6, 28),
            end_date=datetime.date(2021, 7, 4),
            date_precision="week",
        )
    cache.clear()
    client, user = persona_client(persona)
    chart = client.get("/timeline/").context["chart"]
    live = _chart(Event.objects.visible_to(user), QueryDict(), months=None)
    assert chart == live
    seen = len(Event.Status.values) if persona == "editor" else 1
    assert sum(bar["total"] for bar in chart["bars"]) + chart["coarse"] == 4 * seen
    # On a monthly chart the event known only to its year is counted apart.
    assert chart["coarse"] == (seen if chart["interval"] == "month" else 0)


def test_an_actor_counts_each_event_once_whatever_its_roles(editor) -> None:
    actor, other = (
        Actor.objects.create(name=name, kind=Actor.Kind.STATE)
        for name in ("Counted actor", "Its twin")
    )
    day = datetime.date(2020, 2, 2)
    event = make_event(start_date=day, end_date=day, status=Event.Status.PUBLISHED)
    first = Participant.objects.create(event=event, actor=actor, role="initiator")
    assert_exact()
    second = Participant.objects.create(event=event, actor=actor, role="target")
    assert_exact()
    assert (
        ActorYear.objects.get(actor_id=actor.pk, year=2020, status="published").count
        == (live(ActorYear)[(actor.pk, 2020, "published")])
    )
    first.delete()  # the actor is still in the event
    assert_exact()
    second.actor = other  # moved to another actor
    second.save()
    assert_exact()
    Participant.objects.bulk_create(
        [
            Participant(event=event, actor=actor, role="initiator"),
            Participant(event=event, actor=actor, role="witness"),
        ]
    )
    assert_exact()
    # The event moves year and status: every actor's counts move with it.
    Event.objects.filter(pk=event.pk).update(
        start_date=datetime.date(2019, 12, 30), status=Event.Status.DRAFT
    )
    assert_exact()
    # An edit that keeps both changes nothing.
    Event.objects.filter(pk=event.pk).update(title="Renamed")
    assert_exact()
    # Merged: the merged actor's participations move to the survivor.
    actor_merge.merge(merged=other, into=actor, user=editor)
    assert_exact()
    # Participants written before their event, in one transaction (the
    # foreign key is checked at commit).
    later = Event.objects.order_by("-pk").first().pk + 1000
    Participant.objects.create(event_id=later, actor=actor, role="initiator")
    assert_exact()
    make_event(pk=later, start_date=day, end_date=day)
    assert_exact()
    Event.objects.filter(pk=later).delete()
    assert_exact()
    # Removed event first, participants after, in one transaction.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM events_event WHERE id = %s", [event.pk])
        assert_exact()
        cursor.execute("DELETE FROM events_participant WHERE event_id = %s", [event.pk])
    assert_exact()


@pytest.mark.parametrize("persona", ["anonymous", "editor"])
def test_the_actor_page_equals_the_live_count(persona: str) -> None:
    actor = Actor.objects.order_by("pk").first()
    for year, name in [(2018, "published"), (2019, "draft"), (2019, "published")]:
        status = workflow.status_fields(
            status=name, published_at=None, retraction_reason=""
        ) | {"status": name}
        day = datetime.date(year, 3, 3)
        event = make_event(start_date=day, end_date=day, **status)
        for role in ("initiator", "target"):
            Participant.objects.create(event=event, actor=actor, role=role)
    client, user = persona_client(persona)
    context = client.get(actor.get_absolute_url()).context
    visible = Event.objects.visible_to(user).filter(participations__actor=actor)
    by_year: dict[int, set[int]] = {}
    for pk, start in visible.values_list("pk", "start_date"):
        by_year.setdefault(start.year, set()).add(pk)
    assert context["by_year"] == [
        {"year": year, "total": len(pks)} for year, pks in sorted(by_year.items())
    ]
    roles: dict[str, int] = {}
    for role in visible.values_list("participations__role", flat=True):
        roles[role] = roles.get(role, 0) + 1
    assert {row["role"]: row["total"] for row in context["roles"]} == roles
    assert [e.pk for e in context["events"]] == list(
        visible.distinct().order_by("-start_date", "-id").values_list("pk", flat=True)
    )[:200]


@pytest.mark.parametrize("persona", ["anonymous", "editor"])
@pytest.mark.parametrize("path", ["/", "/about/"])
def test_the_counts_equal_the_live_counts(persona: str, path: str) -> None:
    for name in Event.Status.values:
        make_event(
            **workflow.status_fields(
                status=name, published_at=None, retraction_reason="Misdated"
            ),
            status=name,
        )
    client, user = persona_client(persona)
    counts = client.get(path).context["counts"]
    assert counts["events"] == Event.objects.visible_to(user).count()
    assert counts["articles"] == SourceArticle.objects.count() > 0
