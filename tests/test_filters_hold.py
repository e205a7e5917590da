"""
Filters that hold: the date rule (`overlaps` or `starts`) on the pages, the
API, the feed and OGC's `datetime`; lists newest or oldest first, the
events known precisely within a date window before the vaguer ones that
merely overlap it, across pages; the actor filter over every actor by any
name or alias, kept in the address with the other filters.
"""

import datetime
import re

import django_filters
import pytest
from django.http import QueryDict
from django.test import Client

from events.filters import EventFilterSet, FilterSet
from events.models import Actor, Event, Participant
from tests.conftest import make_event

pytestmark = pytest.mark.django_db

DAY = datetime.date(2032, 11, 14)


@pytest.fixture
def dated() -> dict[str, Event]:
    """Events that touch 14 November 2032, known to the day, month and year."""

    def event(title: str, start: datetime.date, precision: str) -> Event:
        return make_event(
            title=title,
            start_date=start,
            end_date=start,
            date_precision=precision,
            status=Event.Status.PUBLISHED,
        )

    return {
        "day": event("On the day", DAY, "day"),
        "later": event("Later that month", datetime.date(2032, 11, 20), "day"),
        "month": event("Sometime in November", datetime.date(2032, 11, 1), "month"),
        "year": event("Sometime that year", datetime.date(2032, 1, 1), "year"),
        "before": event("The day before", datetime.date(2032, 11, 13), "day"),
    }


def api_titles(client: Client, query: str) -> list[str]:
    response = client.get(f"/api/v1/events/?{query}")
    assert response.status_code == 200, response.content
    return [event["title"] for event in response.json()["results"]]


def page_titles(client: Client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200
    return re.findall(
        r'class="event-title" href="[^"]*">([^<]*)<', response.content.decode()
    )


def ogc_titles(client: Client, query: str) -> list[str]:
    response = client.get(f"/ogc/collections/events/items?f=json&limit=100&{query}")
    assert response.status_code == 200, response.content
    return sorted(f["properties"]["title"] for f in response.json()["features"])


def test_the_date_rule_selects_alike_everywhere(client: Client, dated) -> None:
    day = "start=2032-11-14&end=2032-11-14"
    overlapping = ["On the day", "Sometime in November", "Sometime that year"]
    assert sorted(api_titles(client, day)) == sorted(overlapping)
    assert sorted(api_titles(client, day + "&date_rule=overlaps")) == sorted(
        overlapping
    )
    assert api_titles(client, day + "&date_rule=starts") == ["On the day"]
    month = "start=2032-11&end=2032-11&date_rule=starts"
    assert sorted(api_titles(client, month)) == sorted(
        ["On the day", "Later that month", "Sometime in November", "The day before"]
    )
    # An open end.
    assert sorted(api_titles(client, "start=2032-11-14&date_rule=starts")) == sorted(
        ["On the day", "Later that month"]
    )
    # The timeline and the feed take the same filters.
    assert page_titles(client, f"/timeline/?{day}&date_rule=starts") == ["On the day"]
    feed = client.get(f"/feeds/events/?{day}&date_rule=starts").content.decode()
    assert "On the day" in feed and "Sometime that year" not in feed
    # OGC's datetime, as GIS clients send it.
    assert ogc_titles(client, "datetime=2032-11-14") == sorted(overlapping)
    assert ogc_titles(client, "datetime=2032-11-14&date_rule=starts") == ["On the day"]
    assert ogc_titles(
        client, "datetime=2032-11-14T00:00:00Z/2032-11-30T00:00:00Z&date_rule=starts"
    ) == ["Later that month", "On the day"]


def test_the_precise_events_of_a_day_come_before_the_vague_ones(
    client: Client, dated
) -> None:
    day = "start=2032-11-14&end=2032-11-14"
    assert api_titles(client, day) == [
        "On the day", "Sometime that year", "Sometime in November",
    ]  # fmt: skip
    assert api_titles(client, day + "&sort=newest") == [
        "On the day", "Sometime in November", "Sometime that year",
    ]  # fmt: skip
    assert page_titles(client, f"/timeline/?{day}")[0] == "On the day"
    assert page_titles(client, f"/timeline/?{day}&sort=newest")[0] == "On the day"
    # A month: the month-precision event is within it, the year's is not.
    month = "start=2032-11&end=2032-11"
    assert api_titles(client, month)[-1] == "Sometime that year"


def test_the_map_offers_no_order_but_keeps_the_timelines(client: Client) -> None:
    """
    A map draws every event at once, so it has no Order control; the order
    chosen on the timeline rides along in the filter form (hidden) and in
    the link back to the timeline.
    """
    page = client.get("/map/?type=battle&sort=newest").content.decode()
    assert 'id="f-sort"' not in page
    assert '<input type="hidden" name="sort" value="newest">' in page
    link = re.search(r'href="([^"]*)" id="to-timeline"', page).group(1)
    assert "sort=newest" in link and "type=battle" in link
    timeline = client.get("/timeline/?sort=newest").content.decode()
    assert 'id="f-sort"' in timeline
    assert '<input type="hidden" name="sort"' not in timeline
    plain = client.get("/map/?type=battle").content.decode()
    assert 'name="sort"' not in plain


@pytest.mark.parametrize("sort", ["", "oldest", "newest"])
@pytest.mark.parametrize(
    "window", ["", "start=2032-11-14&end=2032-11-14", "start=2032&end=2032-12"]
)
def test_pages_follow_the_order_without_skipping_or_repeating(
    client: Client, dated, sort: str, window: str
) -> None:
    query = "&".join(part for part in [window, f"sort={sort}" if sort else ""] if part)
    if not window:
        query = "&".join(filter(None, ["start=2032", "end=2032", query]))
    whole = api_titles(client, query + "&page_size=100")
    seen = []
    url = f"/api/v1/events/?{query}&page_size=1"
    while url:
        body = client.get(url).json()
        seen += [event["title"] for event in body["results"]]
        url = body["next"]
    assert seen == whole and len(seen) == len(set(seen))
    if sort == "newest" and not window.startswith("start=2032-11-14"):
        dates = [e.start_date for e in Event.objects.filter(title__in=whole)]
        assert sorted(dates, reverse=True) == [
            Event.objects.get(title=title).start_date for title in whole
        ]
    # The timeline pages the same way, by its own `after`.
    titles = []
    path = f"/timeline/?{query}"
    for _ in range(10):
        response = client.get(path)
        titles += page_titles(client, path)
        found = re.search(r'href="\?([^"]*)" rel="next"', response.content.decode())
        if not found:
            break
        path = "/timeline/?" + found[1].replace("&amp;", "&")
    assert titles == whole


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("sort=sideways", "sort"),
        ("date_rule=during", "date_rule"),
        ("sort=%00", "sort"),
        ("date_rule=" + "x" * 5000, "date_rule"),
    ],
)
def test_a_bad_sort_or_rule_is_refused_naming_it(client: Client, query, field) -> None:
    response = client.get(f"/api/v1/events/?{query}")
    assert response.status_code == 400
    assert field in response.json()
    page = client.get(f"/timeline/?{query}").content.decode()
    assert f"<code>{field}</code>" in page


def test_ogc_refuses_a_bad_rule_and_a_rule_without_datetime(client: Client) -> None:
    items = "/ogc/collections/events/items?f=json"
    bad = client.get(f"{items}&datetime=2032-11-14&date_rule=sideways")
    assert bad.status_code == 400 and "date_rule" in bad.content.decode()
    alone = client.get(f"{items}&date_rule=starts")
    assert alone.status_code == 400 and "date_rule" in alone.content.decode()
    # Agreements: a signing is one day, either rule.
    agreements = (
        "/ogc/collections/agreements/items?f=json&datetime=2000-01-01/2100-12-31"
    )
    assert (
        client.get(agreements).json()["numberReturned"]
        == client.get(agreements + "&date_rule=starts").json()["numberReturned"]
    )


# --- the actor filter ------------------------------------------------------------


@pytest.fixture
def quiet_actor() -> Actor:
    """An actor in one event only: never among the most active."""
    actor = Actor.objects.create(
        name="Zagros Frontier Guard Brigade",
        aliases=["Liwa Hudud Zagros", "Pasdaran-e Marz"],
        kind=Actor.Kind.ARMED_GROUP,
        country="IRN",
    )
    event = make_event(title="Guards at the border", status=Event.Status.PUBLISHED)
    Participant.objects.create(event=event, actor=actor, role="initiator")
    return actor


def test_the_lookup_finds_every_actor_by_name_or_alias(
    client: Client, quiet_actor
) -> None:
    for text in ["Frontier Guard", "pasdaran-e", "liwa hudud", "ZFGB"]:
        response = client.get("/actors/lookup/", {"q": text})
        assert response.status_code == 200
        ids = [actor["id"] for actor in response.json()["results"]]
        assert quiet_actor.pk in ids, text
    found = client.get("/actors/lookup/", {"q": "Liwa Hudud"}).json()["results"][0]
    assert found == {
        "id": quiet_actor.pk,
        "name": "Zagros Frontier Guard Brigade",
        "label": "Zagros Frontier Guard Brigade — armed group, Iran",
    }
    assert client.get("/actors/lookup/", {"q": ""}).json() == {"results": []}
    for hostile in ["x" * 101, "a\x00b"]:
        response = client.get("/actors/lookup/", {"q": hostile})
        assert response.status_code == 400 and "q" in response.json()


def test_a_chosen_actor_stays_with_every_other_filter(
    client: Client, quiet_actor
) -> None:
    other = Actor.objects.exclude(pk=quiet_actor.pk).order_by("pk").first()
    for path in ["/timeline/", "/now/", "/map/"]:
        page = client.get(
            f"{path}?actor={quiet_actor.pk}&actor={other.pk}&type=battle"
        ).content.decode()
        # Each chosen actor is named and held by the form, so submitting it
        # with another filter changed keeps them.
        for actor in (quiet_actor, other):
            assert f'<input type="hidden" name="actor" value="{actor.pk}">' in page, (
                path
            )
            assert f"Remove {actor.name}" in page
    assert page_titles(client, f"/timeline/?actor={quiet_actor.pk}") == [
        "Guards at the border"
    ]


def test_each_filter_set_has_its_own_filters_and_shares_one_form_class(
    dated,
) -> None:
    events = Event.objects.filter(pk__in=[event.pk for event in dated.values()])
    november = EventFilterSet(data=QueryDict("start=2032-11-15"), queryset=events)
    january = EventFilterSet(data=QueryDict("end=2032-01-31"), queryset=events)
    assert november.get_form_class() is january.get_form_class()
    # A filter's method reads its own filter set, never another's.
    assert november.filters["start"].parent is november
    assert january.filters["start"].parent is january
    assert not hasattr(EventFilterSet.base_filters["start"], "parent")
    assert november.is_valid() and january.is_valid()
    assert {e.title for e in november.qs} == {
        "Later that month",
        "Sometime in November",
        "Sometime that year",
    }
    assert {e.title for e in january.qs} == {"Sometime that year"}


def test_filter_forms_share_their_fields_and_keep_their_own_data(dated) -> None:
    events = Event.objects.filter(pk__in=[event.pk for event in dated.values()])
    wrong = EventFilterSet(data=QueryDict("start=someday&type=no"), queryset=events)
    right = EventFilterSet(data=QueryDict("start=2032-11-15"), queryset=events)
    # The fields are made once (SharedFields); each form's data, cleaned
    # values, errors and rendering are its own.
    assert wrong.form.fields["start"] is right.form.fields["start"]
    assert not wrong.is_valid() and set(wrong.errors) == {"start", "type"}
    assert right.is_valid() and not right.errors
    assert 'value="someday"' in str(wrong.form["start"])
    assert 'value="2032-11-15"' in str(right.form["start"])
    assert {e.title for e in right.qs} == {
        "Later that month",
        "Sometime in November",
        "Sometime that year",
    }


def test_a_filter_whose_field_depends_on_the_request_is_refused() -> None:
    with pytest.raises(TypeError, match="actor"):

        class PerRequest(FilterSet):
            actor = django_filters.ModelChoiceFilter(
                queryset=lambda request: Actor.objects.all()
            )

            class Meta:
                model = Event
                fields: list[str] = []
