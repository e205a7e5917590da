"""
The monthly counts of events (EventMonth), kept by triggers on the events
table, equal a live count of the events after every way of writing them, and
the unfiltered timeline's chart drawn from them equals the chart counted from
the events themselves.
"""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict

from events import workflow
from events.models import Event, EventMonth
from events.views import _chart
from synthetic import generator
from tests.conftest import make_event, persona_client

pytestmark = pytest.mark.django_db


def live_months() -> dict[tuple, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT date_trunc('month', start_date)::date, status, event_type, "
            "date_precision, count(*) FROM events_event GROUP BY 1, 2, 3, 4"
        )
        return {tuple(row[:4]): row[4] for row in cursor.fetchall()}


def kept_months() -> dict[tuple, int]:
    return {
        (row.month, row.status, row.event_type, row.date_precision): row.count
        for row in EventMonth.objects.exclude(count=0)
    }


def assert_exact() -> None:
    assert kept_months() == live_months()


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
