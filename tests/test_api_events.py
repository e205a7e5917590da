"""Reading events through /api/v1/: shapes, filters, pagination, timeline."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from events.filters import EventFilterSet
from events.models import (
    Actor,
    Agreement,
    AgreementParty,
    Event,
    Location,
    SourceArticle,
)
from tests.conftest import make_event

pytestmark = pytest.mark.django_db

D = datetime.date
EVENTS = "/api/v1/events/"


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    # The anonymous throttle counts in the cache, which outlives a test.
    cache.clear()


def get_json(client: Client, url: str, **params) -> dict:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def titles(client: Client, **params) -> list[str]:
    return [e["title"] for e in get_json(client, EVENTS, **params)["results"]]


def published_titles(queryset=None) -> list[str]:
    queryset = Event.objects.published() if queryset is None else queryset
    return list(queryset.order_by("start_date", "id").values_list("title", flat=True))


def demo(title_start: str) -> Event:
    return Event.objects.get(title__startswith=title_start)


def test_api_root_links_every_resource(client: Client) -> None:
    data = get_json(client, "/api/v1/")

    assert set(data) >= {"events", "actors", "agreements", "locations", "articles"}
    assert data["events"] == "http://testserver/api/v1/events/"
    assert data["timeline"] == "http://testserver/api/v1/events/timeline/"
    assert data["feed"] == "http://testserver/feeds/events/"


def test_event_detail_embeds_participants_location_dates_and_citations(
    client: Client,
) -> None:
    signing = demo("Iraq and Iran sign")
    baghdad = signing.location
    article = SourceArticle.objects.get()
    shamkhani = Actor.objects.get(name="Ali Shamkhani")
    iran = Actor.objects.get(name="Iran")
    citation = signing.citations.get(field="start_date")

    data = get_json(client, f"{EVENTS}{signing.pk}/")

    assert data["id"] == signing.pk
    assert data["title"] == signing.title
    assert data["event_type"] == "agreement"
    assert (data["start_date"], data["end_date"]) == ("2023-03-19", "2023-03-19")
    assert (data["date_precision"], data["date_display"]) == ("day", "19 Mar 2023")
    assert data["location"] == {
        "id": baghdad.pk,
        "name": "Baghdad",
        "kind": "city",
        "code": None,
        "country_code": "IRQ",
    }
    assert data["point"] == {
        "type": "Point",
        "coordinates": [signing.point.x, signing.point.y],
    }
    assert {
        "actor": {
            "id": shamkhani.pk,
            "name": "Ali Shamkhani",
            "kind": "person",
            "country": "IRN",
        },
        "role": "signatory",
        "capacity": "Secretary of the Supreme National Security Council",
        "on_behalf_of": {
            "id": iran.pk,
            "name": "Iran",
            "kind": "state",
            "country": "IRN",
        },
    } in data["participants"]
    assert {
        "id": citation.pk,
        "article": {
            "id": article.pk,
            "title": article.title,
            "publisher": "Al Jazeera",
            "url": None,
            "published_on": "2023-03-20",
        },
        "field": "start_date",
        "quote": "The joint security agreement on Sunday",
        "start": citation.start,
        "end": citation.end,
    } in data["citations"]
    assert data["status"] == "published"
    assert data["version"] == signing.version


def test_event_list_is_ordered_by_start_date_then_id(client: Client) -> None:
    assert titles(client) == published_titles()


def test_event_list_pins_its_query_count(
    client: Client, django_assert_num_queries
) -> None:
    for day in range(1, 30):
        make_event(
            title=f"Day {day}",
            start_date=D(2099, 1, day),
            end_date=D(2099, 1, day),
            status=Event.Status.PUBLISHED,
        )

    # The page alone, its places, participants and citations built into it; no
    # count, whatever the size.
    with django_assert_num_queries(1):
        client.get(EVENTS)


def test_pages_follow_the_cursor_without_gaps_or_repeats(client: Client) -> None:
    seen, url, pages = [], f"{EVENTS}?page_size=2", 0
    while url:
        response = client.get(url)
        data = response.json()
        seen += [e["title"] for e in data["results"]]
        url = data["next"]
        pages += 1
        if url:
            assert response["Link"] == f'<{url}>; rel="next"'

    assert seen == published_titles()
    assert pages == 5


def test_pagination_never_counts_the_table(client: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        client.get(EVENTS, {"page_size": 3})

    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]


def test_keyset_page_uses_the_start_date_index(client: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        client.get(EVENTS, {"page_size": 3})
    page_sql = queries[0]["sql"]
    assert 'ORDER BY "events_event"."start_date" ASC, "events_event"."id" ASC' in (
        page_sql
    )
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + page_sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "event_published_start_idx" in plan or "event_start_idx" in plan


def test_page_size_is_capped(client: Client) -> None:
    for day in range(1, 28):
        for n in range(20):
            make_event(
                title=f"Bulk {day}-{n}",
                start_date=D(2098, 2, day),
                end_date=D(2098, 2, day),
                status=Event.Status.PUBLISHED,
            )

    data = get_json(client, EVENTS, page_size=100000)

    assert len(data["results"]) == 500
    assert data["next"] is not None


def test_a_cursor_from_another_query_is_refused(client: Client) -> None:
    next_url = get_json(client, EVENTS, page_size=2)["next"]
    cursor = parse_qs(urlsplit(next_url).query)["cursor"][0]

    response = client.get(EVENTS, {"cursor": cursor, "type": "protest"})

    assert response.status_code == 404
    assert response.json() == {"cursor": ["This cursor belongs to a different query."]}


# --- filters -----------------------------------------------------------------


def test_start_and_end_select_events_overlapping_the_range(client: Client) -> None:
    # November 2022: the deployment, and everything known only to "2022",
    # which comes after the events known within November.
    found = titles(client, start="2022-11-01", end="2022-11-30")

    in_2022 = Event.objects.published().filter(start_date__year=2022)
    within = in_2022.exclude(date_precision="year")
    assert found == published_titles(within) + published_titles(
        in_2022.filter(date_precision="year")
    )
    assert within.exists() and len(found) > within.count()
    assert "Iraq and Iran sign a border security agreement in Baghdad" not in found


def test_start_alone_and_end_alone(client: Client) -> None:
    assert titles(client, start="2023-03-20") == [
        "Prime Minister al-Sudani meets Ali Shamkhani in Baghdad",
        "Shamkhani says the agreement can end the actions of Kurdish groups "
        "in northern Iraq",
        "Foreign Minister Amir-Abdollahian says Iran will not accept threats "
        "from Iraqi territory",
    ]
    assert "Iraq and Iran sign a border security agreement in Baghdad" not in titles(
        client, end="2023-03-18"
    )


def test_date_filters_take_a_month_or_a_year(client: Client) -> None:
    assert titles(client, start="2022-11", end="2022-11") == titles(
        client, start="2022-11-01", end="2022-11-30"
    )
    assert titles(client, start="2023", end="2023") == titles(
        client, start="2023-01-01", end="2023-12-31"
    )


def test_date_filters_honour_each_events_precision(client: Client) -> None:
    # Known only to the month, but stored with a single day.
    make_event(
        title="Month-precision event",
        start_date=D(2031, 5, 20),
        end_date=D(2031, 5, 20),
        date_precision="month",
        status=Event.Status.PUBLISHED,
    )
    make_event(
        title="Year-precision event",
        start_date=D(2032, 7, 1),
        end_date=D(2032, 7, 1),
        date_precision="year",
        status=Event.Status.PUBLISHED,
    )
    make_event(
        title="Day event",
        start_date=D(2031, 5, 20),
        end_date=D(2031, 5, 20),
        status=Event.Status.PUBLISHED,
    )

    assert titles(client, start="2031-05-01", end="2031-05-03") == [
        "Month-precision event"
    ]
    assert titles(client, start="2032-12-30", end="2033-01-02") == [
        "Year-precision event"
    ]


def test_date_filters_honour_week_precision(client: Client) -> None:
    # Known to the week of Monday 6 October 2031, stored on its Wednesday.
    make_event(
        title="Week-precision event",
        start_date=D(2031, 10, 8),
        end_date=D(2031, 10, 8),
        date_precision="week",
        status=Event.Status.PUBLISHED,
    )

    assert titles(client, start="2031-10-12", end="2031-10-20") == [
        "Week-precision event"
    ]
    assert titles(client, start="2031-10-01", end="2031-10-06") == [
        "Week-precision event"
    ]
    assert titles(client, end="2031-10-06")[-1] == "Week-precision event"
    assert titles(client, start="2031-10-12") == ["Week-precision event"]
    assert titles(client, start="2031-10-13", end="2031-10-20") == []
    assert titles(client, start="2031-09-29", end="2031-10-05") == []


@pytest.mark.parametrize(
    "params",
    [{"start": "2022-11", "end": "2023-03"}, {"start": "2022-11-05"}, {"end": "2022"}],
)
def test_date_filters_use_the_period_index(params: dict) -> None:
    data = QueryDict(mutable=True)
    data.update(params)
    # Over every status, so that the date condition is the only one there is.
    filterset = EventFilterSet(data=data, queryset=Event.objects.all())
    assert filterset.is_valid()
    sql, sql_params = filterset.qs.order_by().values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, sql_params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")

    assert "event_period_idx" in plan


def test_type_filter_takes_several_types(client: Client) -> None:
    assert titles(client, type="statement") == published_titles(
        Event.objects.published().filter(event_type="statement")
    )
    both = get_json(client, f"{EVENTS}?type=protest&type=arrest")["results"]
    assert {e["event_type"] for e in both} == {"protest", "arrest"}
    assert len(both) == 2


def test_empty_parameters_filter_nothing(client: Client) -> None:
    assert titles(client, type="", status="", bbox="", q="", actor="") == (
        published_titles()
    )


def test_actor_filter_is_repeatable_and_takes_a_role(client: Client) -> None:
    shamkhani = Actor.objects.get(name="Ali Shamkhani")
    irgc = Actor.objects.get(name="Islamic Revolutionary Guard Corps")

    assert titles(client, actor=shamkhani.pk) == published_titles(
        Event.objects.published().filter(participants=shamkhani)
    )
    assert titles(client, actor=shamkhani.pk, role="signatory") == [
        "Iraq and Iran sign a border security agreement in Baghdad"
    ]
    either = titles(client, actor=[shamkhani.pk, irgc.pk])
    assert either == published_titles(
        Event.objects.published().filter(participants__in=[shamkhani, irgc]).distinct()
    )
    assert "Iran’s Revolutionary Guard strikes Iranian Kurdish groups in " in (
        " ".join(either)
    )


def test_role_filter_alone(client: Client) -> None:
    found = titles(client, role="witness")

    assert found == ["Iraq and Iran sign a border security agreement in Baghdad"]


def test_country_filter_takes_iso3(client: Client) -> None:
    iraqi = titles(client, country="IRQ")
    iranian = titles(client, country="irn")

    assert "Iraq and Iran sign a border security agreement in Baghdad" in iraqi
    assert (
        "Iran’s Revolutionary Guard strikes Iranian Kurdish groups in northern Iraq"
        in iraqi
    )
    assert "Protests in Iran after the death of a Kurdish woman in police custody" in (
        iranian
    )
    assert not set(iraqi) & {
        "Protests in Iran after the death of a Kurdish woman in police custody"
    }
    assert titles(client, country="SYR") == []


def test_country_filter_finds_events_by_point_inside_the_boundary(
    client: Client,
) -> None:
    make_event(
        title="Placed by point only",
        location=None,
        point=Point(44.0, 36.2, srid=4326),  # Erbil
        status=Event.Status.PUBLISHED,
    )

    assert "Placed by point only" in titles(client, country="IRQ")
    assert "Placed by point only" not in titles(client, country="IRN")


def test_location_filter_selects_events_inside_the_kurdistan_region(
    client: Client,
) -> None:
    region = Location.objects.get(code="IQ-KR")
    make_event(
        title="In Erbil",
        location=None,
        point=Point(44.0, 36.2, srid=4326),
        status=Event.Status.PUBLISHED,
    )
    make_event(
        title="In Kirkuk",
        location=None,
        point=Point(44.39, 35.47, srid=4326),
        status=Event.Status.PUBLISHED,
    )

    found = titles(client, location=region.pk)

    assert "In Erbil" in found
    assert "In Kirkuk" not in found
    assert (
        "Iran’s Revolutionary Guard strikes Iranian Kurdish groups in northern Iraq"
        in found
    )
    assert "Iraq and Iran sign a border security agreement in Baghdad" not in found


def test_bbox_filter(client: Client) -> None:
    # Around Baghdad only.
    found = titles(client, bbox="44,33,45,34")

    assert found == [
        "Iraq and Iran sign a border security agreement in Baghdad",
        "Prime Minister al-Sudani meets Ali Shamkhani in Baghdad",
    ]


def test_bbox_may_cross_the_antimeridian(client: Client) -> None:
    make_event(
        title="Fiji",
        location=None,
        point=Point(179.5, -17.0, srid=4326),
        status=Event.Status.PUBLISHED,
    )
    make_event(
        title="Samoa",
        location=None,
        point=Point(-172.0, -13.8, srid=4326),
        status=Event.Status.PUBLISHED,
    )

    assert titles(client, bbox="170,-20,-170,-10") == ["Fiji", "Samoa"]


def test_near_filter_measures_kilometres_on_the_globe(client: Client) -> None:
    baghdad = "33.3406,44.4009"

    assert titles(client, near=f"{baghdad},10") == [
        "Iraq and Iran sign a border security agreement in Baghdad",
        "Prime Minister al-Sudani meets Ali Shamkhani in Baghdad",
    ]
    # Tehran is about 690 km away.
    tehran = "Foreign Minister Amir-Abdollahian says Iran will not accept threats "
    tehran += "from Iraqi territory"
    assert tehran not in titles(client, near=f"{baghdad},650")
    assert tehran in titles(client, near=f"{baghdad},720")


def test_q_searches_full_text_ranked(client: Client) -> None:
    make_event(
        title="Border agreement border agreement border talks",
        summary="Border agreement.",
        start_date=D(2000, 1, 1),
        end_date=D(2000, 1, 1),
        status=Event.Status.PUBLISHED,
    )

    found = titles(client, q="border agreement")

    assert found[0] == "Border agreement border agreement border talks"
    assert "Iraq and Iran sign a border security agreement in Baghdad" in found
    assert "An Iranian Kurdish woman dies in police custody" not in found
    assert titles(client, q="zzzqqq") == []


def test_q_results_page_in_rank_order(client: Client) -> None:
    everything = titles(client, q="Iran", page_size=500)
    seen, url = [], f"{EVENTS}?q=Iran&page_size=2"
    while url:
        data = client.get(url).json()
        seen += [e["title"] for e in data["results"]]
        url = data["next"]

    assert seen == everything
    assert len(seen) > 2


def test_agreement_filter_selects_the_signing_and_related_events(
    client: Client,
) -> None:
    agreement = Agreement.objects.get()

    assert titles(client, agreement=agreement.pk) == [
        "Iraq and Iran sign a border security agreement in Baghdad",
        "Prime Minister al-Sudani meets Ali Shamkhani in Baghdad",
        "Shamkhani says the agreement can end the actions of Kurdish groups "
        "in northern Iraq",
    ]


def test_updated_since_selects_recently_changed_events(client: Client) -> None:
    since = datetime.datetime.now(datetime.UTC)
    changed = demo("Iraq and Iran sign")
    changed.summary += " (corrected)"
    changed.save()

    data = get_json(client, EVENTS, updated_since=since.isoformat())

    assert [e["id"] for e in data["results"]] == [changed.pk]
    assert data["tombstones"] == []


def test_filters_combine(client: Client) -> None:
    found = titles(client, country="IRQ", type="statement", start="2023-03-19")

    assert found == [
        "Shamkhani says the agreement can end the actions of Kurdish groups "
        "in northern Iraq"
    ]


# --- timeline ------------------------------------------------------------------


def test_timeline_counts_per_month_and_type(client: Client) -> None:
    data = get_json(client, f"{EVENTS}timeline/", interval="month")

    assert data["interval"] == "month"
    assert data["results"] == [
        {"period": "2022-11-01", "event_type": "deployment", "count": 1},
        {"period": "2023-03-01", "event_type": "agreement", "count": 1},
        {"period": "2023-03-01", "event_type": "meeting", "count": 1},
        {"period": "2023-03-01", "event_type": "statement", "count": 2},
    ]
    # Known only to the year 2022: counted over the year, not on 1 January.
    assert data["imprecise"] == [
        {
            "period_start": "2022-01-01",
            "period_end": "2022-12-31",
            "date_precision": "year",
            "event_type": event_type,
            "count": 1,
        }
        for event_type in ["arrest", "death", "protest", "remote_violence"]
    ]


@pytest.mark.parametrize(
    ("interval", "period"),
    [
        ("day", "2023-03-19"),
        ("week", "2023-03-13"),
        ("month", "2023-03-01"),
        ("year", "2023-01-01"),
    ],
)
def test_timeline_intervals(client: Client, interval: str, period: str) -> None:
    data = get_json(client, f"{EVENTS}timeline/", interval=interval, type="agreement")

    assert data["results"] == [
        {"period": period, "event_type": "agreement", "count": 1}
    ]


def test_timeline_at_year_interval_counts_every_event_precisely(
    client: Client,
) -> None:
    data = get_json(client, f"{EVENTS}timeline/", interval="year")

    assert data["imprecise"] == []
    assert sum(row["count"] for row in data["results"]) == 9


def test_timeline_takes_the_event_filters(client: Client) -> None:
    data = get_json(
        client, f"{EVENTS}timeline/", interval="year", country="IRQ", type="statement"
    )

    assert data["results"] == [
        {"period": "2023-01-01", "event_type": "statement", "count": 1}
    ]


# --- the other resources -------------------------------------------------------


def test_actor_list_and_detail(client: Client) -> None:
    shamkhani = Actor.objects.get(name="Ali Shamkhani")

    names = [a["name"] for a in get_json(client, "/api/v1/actors/")["results"]]
    detail = get_json(client, f"/api/v1/actors/{shamkhani.pk}/")

    assert names == sorted(names)
    assert len(names) == Actor.objects.count()
    assert detail == {
        "id": shamkhani.pk,
        "name": "Ali Shamkhani",
        "aliases": ["Shamkhani"],
        "kind": "person",
        "country": "IRN",
        "parent": shamkhani.parent_id,
        "wikidata_id": "",
        "description": shamkhani.description,
        "created_at": detail["created_at"],
        "updated_at": detail["updated_at"],
    }


def test_actor_filters(client: Client) -> None:
    states = get_json(client, "/api/v1/actors/", kind="state", country="IRQ")

    assert [a["name"] for a in states["results"]] == ["Iraq"]


def test_agreement_list_and_detail(client: Client) -> None:
    agreement = Agreement.objects.get()

    listed = get_json(client, "/api/v1/agreements/")["results"]
    detail = get_json(client, f"/api/v1/agreements/{agreement.pk}/")

    assert [a["id"] for a in listed] == [agreement.pk]
    assert detail["title"] == "Iraq–Iran border security agreement"
    assert detail["signing_event"] == agreement.signing_event_id
    assert detail["signed_at"]["name"] == "Baghdad"
    assert [p["number"] for p in detail["provisions"]] == [1, 2, 3]
    assert {"Ali Shamkhani", "Qasim al-Araji"} <= {
        p["actor"]["name"] for p in detail["parties"] if p["role"] == "signatory"
    }
    assert len(detail["citations"]) == 4


def test_agreements_by_party_list_each_agreement_once(client: Client) -> None:
    agreement = Agreement.objects.get()
    iran = Actor.objects.get(name="Iran")
    AgreementParty.objects.create(
        agreement=agreement, actor=iran, role=AgreementParty.Role.SIGNATORY
    )
    other = Actor.objects.create(name="Oman", kind=Actor.Kind.STATE, country="OMN")

    listed = get_json(client, "/api/v1/agreements/", party=iran.pk)["results"]

    assert [a["id"] for a in listed] == [agreement.pk]
    assert get_json(client, "/api/v1/agreements/", party=other.pk)["results"] == []


def test_location_list_has_markers_and_detail_has_geometry(client: Client) -> None:
    region = Location.objects.get(code="IQ-KR")

    page = get_json(client, "/api/v1/locations/", kind="region")["results"]
    detail = get_json(client, f"/api/v1/locations/{region.pk}/")

    assert [loc["code"] for loc in page] == ["IQ-KR"]
    assert "geometry" not in page[0]
    assert page[0]["point"]["type"] == "Point"
    assert detail["geometry"]["type"] == "MultiPolygon"
    assert isinstance(detail["geometry"]["coordinates"], list)


def test_article_list_leaves_out_the_text_and_detail_has_it(client: Client) -> None:
    article = SourceArticle.objects.get()

    page = get_json(client, "/api/v1/articles/")["results"]
    detail = get_json(client, f"/api/v1/articles/{article.pk}/")

    assert [a["id"] for a in page] == [article.pk]
    assert "body" not in page[0]
    assert detail["body"] == article.body
    assert detail["content_hash"] == article.content_hash


def test_other_lists_page_by_cursor(client: Client) -> None:
    names, url = [], "/api/v1/actors/?page_size=5"
    while url:
        data = client.get(url).json()
        names += [a["name"] for a in data["results"]]
        url = data["next"]

    assert names == list(
        Actor.objects.order_by("name", "id").values_list("name", flat=True)
    )


# --- schema and docs -------------------------------------------------------------


def test_openapi_schema_describes_every_endpoint(client: Client) -> None:
    response = client.get("/api/v1/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/events/",
        "/api/v1/events/{id}/",
        "/api/v1/events/timeline/",
        "/api/v1/actors/",
        "/api/v1/agreements/",
        "/api/v1/locations/",
        "/api/v1/articles/",
    } <= set(schema["paths"])
    parameters = {
        p["name"] for p in schema["paths"]["/api/v1/events/"]["get"]["parameters"]
    }
    assert parameters >= {
        "start", "end", "type", "status", "actor", "role", "country", "location",
        "bbox", "near", "q", "agreement", "updated_since", "cursor", "page_size",
        "format",
    }  # fmt: skip


def test_schema_generation_has_no_warnings() -> None:
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_interactive_docs_are_served_from_local_assets(
    client: Client, settings
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }

    response = client.get("/api/v1/docs/")

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    )
    assert "cdn." not in html and "unpkg" not in html
    # The start-up script is a file of its own (no inline script), pointing
    # at the schema.
    assert '<script src="/api/v1/docs/?script="></script>' in html
    script = client.get("/api/v1/docs/?script=").content.decode()
    assert "/api/v1/schema/" in script
    from django.contrib.staticfiles import finders

    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
