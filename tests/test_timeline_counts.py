"""
The timeline page's chart and the API's timeline count with one rule
(EventQuerySet.counts_by_period): the same filters give the same numbers,
vaguely dated events included.
"""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client

from events.models import Event
from tests.conftest import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread() -> None:
    """Events in two months of 2021, one known only to the year, one to the week."""
    common = {"status": Event.Status.PUBLISHED, "title": "Counted"}
    for day in (3, 17, 28):
        make_event(
            **common,
            event_type=Event.Type.BATTLE,
            start_date=datetime.date(2021, 5, day),
            end_date=datetime.date(2021, 5, day),
        )
    make_event(
        **common,
        event_type=Event.Type.MEETING,
        start_date=datetime.date(2021, 6, 14),
        end_date=datetime.date(2021, 6, 20),
        date_precision="week",
    )
    make_event(
        **common,
        event_type=Event.Type.STATEMENT,
        start_date=datetime.date(2021, 1, 1),
        end_date=datetime.date(2021, 12, 31),
        date_precision="year",
    )


def test_the_page_chart_and_the_api_timeline_agree(spread: None) -> None:
    cache.clear()
    client = Client()
    query = {"start": "2021", "end": "2021", "q": "Counted"}

    chart = client.get("/timeline/", query).context["chart"]
    api = client.get("/api/v1/events/timeline/", {**query, "interval": "month"}).json()

    page_counts = {
        (bar["label"], segment["type"]): segment["total"]
        for bar in chart["bars"]
        for segment in bar["segments"]
    }
    api_counts = {
        (datetime.date.fromisoformat(row["period"]).strftime("%b %Y"),
         row["event_type"]): row["count"]
        for row in api["results"]
    }  # fmt: skip
    assert (
        page_counts
        == api_counts
        == {
            ("May 2021", "battle"): 3,
            ("Jun 2021", "meeting"): 1,
        }
    )
    assert chart["coarse"] == sum(row["count"] for row in api["imprecise"]) == 1
    assert api["imprecise"] == [
        {
            "period_start": "2021-01-01",
            "period_end": "2021-12-31",
            "date_precision": "year",
            "event_type": "statement",
            "count": 1,
        }
    ]
