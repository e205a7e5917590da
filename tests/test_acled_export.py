"""
`?format=acled` on the events list: ACLED's own layout over HTTP, row for row
what `export_events --format acled` writes, coded as ACLED's codebook codes
it, read by pandas code written for ACLED's files, and imported back with no
change.
"""

import csv
import datetime
import io
from pathlib import Path

import pandas
import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from events.filters import EventFilterSet
from events.interop import acled
from events.models import (
    Actor,
    Agreement,
    Citation,
    Event,
    Location,
    Participant,
    SourceArticle,
)
from tests.conftest import make_event

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"
ACLED_SAMPLE = Path(__file__).parent / "data" / "acled_sample.csv"
# ACLED's export layout since 2023, as its own files have it.
ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,"
    "sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,"
    "interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,"
    "location,latitude,longitude,geo_precision,source,source_scale,notes,"
    "fatalities,tags,timestamp"
)


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


def body(response) -> bytes:
    assert response.status_code == 200, response.content
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def acled_rows(client: Client, **params: str) -> list[dict[str, str]]:
    text = body(client.get(EVENTS, {"format": "acled", **params})).decode()
    return list(csv.DictReader(io.StringIO(text)))


def import_sample() -> None:
    call_command(
        "import_events",
        str(ACLED_SAMPLE),
        "--format",
        "acled",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


def event_id(row: dict[str, str]) -> int:
    """The tracker's id of an exported row."""
    code = row["event_id_cnty"]
    if code.startswith(acled.OWN_ID_PREFIX):
        return int(code.removeprefix(acled.OWN_ID_PREFIX))
    return Event.objects.get(acled_id=code).pk


# --- the layout -------------------------------------------------------------------


def test_acled_format_streams_acleds_columns_in_acleds_order(client: Client) -> None:
    response = client.get(EVENTS, {"format": "acled"})
    text = body(response).decode()

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="zagros-events-acled.csv"'
    )
    assert text.splitlines()[0] == ACLED_HEADER
    assert ",".join(acled.COLUMNS) == ACLED_HEADER
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == Event.objects.published().count()


def test_accept_text_csv_still_gives_the_trackers_csv(client: Client) -> None:
    response = client.get(EVENTS, HTTP_ACCEPT="text/csv")

    assert body(response).decode().startswith("event_id,event_date,")


def test_a_demo_event_in_acleds_words(client: Client) -> None:
    signing = Event.objects.get(title__startswith="Iraq and Iran sign")

    rows = {row["event_id_cnty"]: row for row in acled_rows(client)}

    assert rows[f"ZGR{signing.pk}"] == {
        "event_id_cnty": f"ZGR{signing.pk}",
        "event_date": "2023-03-19",
        "year": "2023",
        "time_precision": "1",
        "disorder_type": "Strategic developments",
        "event_type": "Strategic developments",
        "sub_event_type": "Agreement",
        "actor1": "Ali Shamkhani",
        "assoc_actor_1": "Qasim al-Araji; Iran; Iraq",
        # Iran's official, acting for Iran in Iraq: a state's forces abroad.
        "inter1": "8",
        "actor2": "",
        "assoc_actor_2": "",
        "inter2": "0",
        "interaction": "80",
        "civilian_targeting": "",
        "iso": "368",
        "region": "Middle East",
        "country": "Iraq",
        "admin1": "Baghdad",
        "admin2": "",
        "admin3": "",
        "location": "Baghdad",
        "latitude": "33.3406",
        "longitude": "44.4009",
        "geo_precision": "1",
        "source": "Al Jazeera",
        "source_scale": "",
        "notes": signing.summary,
        "fatalities": "0",
        "tags": "",
        "timestamp": str(int(signing.updated_at.timestamp())),
    }


def test_the_command_and_the_api_write_the_same_file(
    client: Client, tmp_path: Path
) -> None:
    import_sample()
    path = tmp_path / "command.csv"

    call_command("export_events", str(path), "--format", "acled", stdout=io.StringIO())

    # Both: published events by date; the command writes them as a file
    # (newline="" keeps csv's CRLF as the API sends it).
    assert body(client.get(EVENTS, {"format": "acled"})) == path.read_bytes()
    assert len(path.read_bytes().splitlines()) == 1 + 20 + 9


# --- ACLED's codebook ------------------------------------------------------------


def actor(name: str, kind: str, country: str = "IRQ", **fields) -> Actor:
    return Actor.objects.create(name=name, kind=kind, country=country, **fields)


def coded_event(
    title: str,
    event_type: str,
    sub_event_type: str,
    sides: list[tuple[Actor, str]],
    **fields,
) -> Event:
    event = make_event(
        title=title,
        event_type=event_type,
        sub_event_type=sub_event_type,
        status=Event.Status.PUBLISHED,
        **fields,
    )
    for who, role in sides:
        Participant.objects.create(event=event, actor=who, role=role)
    return event


CODE_COLUMNS = [
    "disorder_type", "inter1", "inter2", "interaction", "civilian_targeting",
]  # fmt: skip


def test_actor_types_interaction_and_disorder_follow_acleds_codebook(
    client: Client,
) -> None:
    iraqi_army = actor("Iraqi army (test)", Actor.Kind.SECURITY_FORCE)
    iranian_police = actor("Iranian police (test)", Actor.Kind.SECURITY_FORCE, "IRN")
    turkish_army = actor("Turkish army (test)", Actor.Kind.SECURITY_FORCE, "TUR")
    rebels = actor("Insurgents (test)", Actor.Kind.ARMED_GROUP)
    crowd = actor("Crowd (test)", Actor.Kind.CIVILIANS)
    villagers = actor("Villagers (test)", Actor.Kind.CIVILIANS)
    party = actor("Opposition party (test)", Actor.Kind.POLITICAL_PARTY)
    ministry = actor("Ministry (test)", Actor.Kind.GOVERNMENT_BODY)
    minister = actor("Minister (test)", Actor.Kind.PERSON, parent=ministry)
    iran = Location.objects.get(code="IRN")
    events = {
        "peaceful protest": coded_event(
            "Teachers rally", "protest", "Peaceful protest", [(crowd, "initiator")]
        ),
        "party protest": coded_event(
            "Party rally", "protest", "", [(party, "initiator")]
        ),
        "protest dispersed": coded_event(
            "Sit-in dispersed",
            "protest",
            "Protest with intervention",
            [(crowd, "initiator"), (iraqi_army, "target")],
        ),
        "excessive force": coded_event(
            "Police fire on protesters",
            "protest",
            "Excessive force against protesters",
            [(iranian_police, "initiator"), (crowd, "target")],
            location=iran,
        ),
        "violent demonstration": coded_event(
            "Stones thrown at police",
            "riot",
            "Violent demonstration",
            [(crowd, "initiator"), (iraqi_army, "target")],
        ),
        "mob violence": coded_event(
            "Crowd beats a man",
            "riot",
            "Mob violence",
            [(crowd, "initiator"), (villagers, "target")],
        ),
        "battle": coded_event(
            "Army clashes with insurgents",
            "battle",
            "Armed clash",
            [(iraqi_army, "initiator"), (rebels, "target")],
        ),
        "ambush": coded_event(
            "Insurgents ambush the army",
            "battle",
            "Armed clash",
            [(rebels, "initiator"), (iraqi_army, "target")],
        ),
        "foreign strike": coded_event(
            "Drone strike on villagers",
            "remote_violence",
            "Air/drone strike",
            [(turkish_army, "initiator"), (villagers, "target")],
        ),
        "attack": coded_event(
            "Insurgents attack villagers",
            "violence_against_civilians",
            "Attack",
            [(rebels, "initiator"), (villagers, "target")],
        ),
        "arrests": coded_event(
            "Army detains villagers",
            "arrest",
            "Arrests",
            [(iraqi_army, "initiator"), (villagers, "target")],
        ),
        "statement": coded_event(
            "Minister speaks", "statement", "", [(minister, "initiator")]
        ),
    }

    rows = {row["event_id_cnty"]: row for row in acled_rows(client)}
    coded = {
        name: tuple(rows[f"ZGR{event.pk}"][column] for column in CODE_COLUMNS)
        for name, event in events.items()
    }

    violence = "Political violence"
    demonstrations = "Demonstrations"
    strategic = "Strategic developments"
    targeting = "Civilian targeting"
    assert coded == {
        # 6 protesters, with no actor2: 60.
        "peaceful protest": (demonstrations, "6", "0", "60", ""),
        "party protest": (demonstrations, "6", "0", "60", ""),
        # The lower code first: 16, not 61.
        "protest dispersed": (demonstrations, "6", "1", "16", ""),
        "excessive force": (f"{violence}; {demonstrations}", "1", "6", "16", ""),
        # 5 rioters; a riot's victims are 7, civilians, targeted.
        "violent demonstration": (demonstrations, "5", "1", "15", ""),
        "mob violence": (violence, "5", "7", "57", targeting),
        # 1 state forces, 2 rebel groups.
        "battle": (violence, "1", "2", "12", ""),
        "ambush": (violence, "2", "1", "12", ""),
        # 8 a state's forces outside it.
        "foreign strike": (violence, "8", "7", "78", targeting),
        "attack": (violence, "2", "7", "27", targeting),
        # Civilians arrested: not political violence, so not targeting.
        "arrests": (strategic, "1", "7", "17", ""),
        # A minister is coded as the body he belongs to.
        "statement": (strategic, "1", "0", "10", ""),
    }


def test_imported_acled_codes_are_kept_whatever_the_actors_kind(
    client: Client,
) -> None:
    import_sample()

    rows = {row["event_id_cnty"]: row for row in acled_rows(client)}

    # Protesters (Iran) is the seed's civilians actor; the file says 6.
    assert rows["IRN90017"]["inter2"] == "6"
    assert rows["IRN90015"]["inter1"] == "6"
    assert rows["IRQ90002"]["interaction"] == "38"  # a political militia, kept


# --- places -----------------------------------------------------------------------


def test_admin1_is_the_province_holding_the_events_point(client: Client) -> None:
    erbil = Location.objects.get(code="IQ-AR")
    # A town filed under the country alone: its province comes from the
    # outlines, not from the place hierarchy.
    town = Location.objects.create(
        name="Sidakan (test)",
        kind=Location.Kind.CITY,
        country_code="IRQ",
        parent=Location.objects.get(code="IRQ"),
        point=Point(44.6703, 36.7967, srid=4326),
    )
    in_town = make_event(
        title="In a town", location=town, status=Event.Status.PUBLISHED
    )
    no_place = make_event(
        title="At a point",
        location=None,
        point=Point(44.0089, 36.19, srid=4326),
        status=Event.Status.PUBLISHED,
    )
    province = make_event(
        title="In the province", location=erbil, status=Event.Status.PUBLISHED
    )
    country = make_event(title="Somewhere in Iraq", status=Event.Status.PUBLISHED)

    rows = {row["event_id_cnty"]: row for row in acled_rows(client)}

    def admins(event: Event) -> list[str]:
        row = rows[f"ZGR{event.pk}"]
        return [row["admin1"], row["admin2"], row["admin3"]]

    assert erbil.name == "Erbil"
    assert admins(in_town) == ["Erbil", "", ""]
    assert admins(no_place) == ["Erbil", "", ""]
    assert admins(province) == ["Erbil", "", ""]
    # Known only to the country: no province is guessed from its marker.
    assert admins(country) == ["", "", ""]


def test_admin_names_an_acled_import_kept_come_back(client: Client) -> None:
    import_sample()

    row = next(r for r in acled_rows(client) if r["event_id_cnty"] == "IRQ90001")

    admins = [row["admin1"], row["admin2"], row["admin3"]]
    assert admins == ["Erbil", "Soran", "Sidakan"]


# --- back in, and into pandas -----------------------------------------------------


def counts() -> dict[str, int]:
    models = [Event, Actor, Location, Participant, SourceArticle, Citation]
    return {model.__name__: model.objects.count() for model in models}


def test_the_http_export_imports_back_with_no_change(
    client: Client, tmp_path: Path
) -> None:
    import_sample()
    path = tmp_path / "from-the-api.csv"
    path.write_bytes(body(client.get(EVENTS, {"format": "acled"})))
    before = counts()
    versions = dict(Event.objects.values_list("pk", "version"))
    stdout = io.StringIO()

    call_command(
        "import_events", str(path), "--format", "acled", stdout=stdout, stderr=stdout
    )

    # The sample's events are matched and unchanged; the tracker's own rows
    # (ZGR...) are skipped.
    assert stdout.getvalue().splitlines()[-1] == (
        "from-the-api.csv: 0 created, 0 updated, 20 unchanged, 0 failed, 9 skipped."
    )
    assert counts() == before
    assert dict(Event.objects.values_list("pk", "version")) == versions


def read_like_acleds_users(source: Path | io.BytesIO) -> pandas.DataFrame:
    return pandas.read_csv(
        source,
        dtype={"event_id_cnty": str, "fatalities": int, "timestamp": int},
        parse_dates=["event_date"],
    )


def test_pandas_reads_it_as_it_reads_acleds_own_files(client: Client) -> None:
    import_sample()
    content = body(client.get(EVENTS, {"format": "acled"}))

    frame = read_like_acleds_users(io.BytesIO(content))

    assert list(frame.columns) == acled.COLUMNS
    assert len(frame) == 29
    assert frame["event_id_cnty"].map(type).eq(str).all()
    assert frame["event_date"].dtype.kind == "M"
    assert frame["timestamp"].dtype == "int64"
    assert frame["fatalities"].dtype == "int64"
    assert frame["year"].dtype == "int64"
    assert frame["latitude"].dtype == "float64"
    # ACLED's own rows read back as ACLED's file reads, timestamp apart.
    original = read_like_acleds_users(ACLED_SAMPLE).set_index("event_id_cnty")
    again = frame.set_index("event_id_cnty").loc[original.index]
    pandas.testing.assert_frame_equal(
        again.drop(columns="timestamp"),
        original.drop(columns="timestamp"),
        check_dtype=False,
    )


# --- filters and visibility -------------------------------------------------------


def demo_filters() -> dict[str, str | list[str]]:
    """A value for each event filter that selects some events but not all."""
    kurdish_groups = Actor.objects.get(name="Iranian Kurdish opposition groups")
    return {
        "start": "2023-01",
        "end": "2022",
        "type": ["protest", "statement"],
        "status": "published",
        "actor": str(kurdish_groups.pk),
        "role": "target",
        "country": "IRQ",
        "location": str(Location.objects.get(code="IQ-KR").pk),
        "bbox": "44,33,45,37",
        "near": "36.19,44.01,100",
        "q": "protest",
        "agreement": str(Agreement.objects.get().pk),
        "acled_id": "IRQ90001",
        "ucdp_id": "",
        "gdelt_id": "",
        "updated_since": (
            datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
        ).isoformat(),
        "awaiting_review": "false",
        # These two select nothing of themselves: the export must follow
        # the list's rule and order all the same.
        "date_rule": "starts",
        "sort": "newest",
    }


def json_ids(client: Client, **params) -> list[int]:
    ids, url, query = [], EVENTS, params
    while url:
        page = client.get(url, query).json()
        ids += [event["id"] for event in page["results"]]
        url, query = page["next"], None
    return ids


def test_every_event_filter_selects_the_same_events_as_the_json_list(
    client: Client,
) -> None:
    import_sample()
    Event.objects.filter(acled_id="IRQ90005").update(ucdp_id="990001")
    Event.objects.filter(acled_id="IRQ90006").update(gdelt_id="1087654321")
    values = demo_filters() | {"ucdp_id": "990001", "gdelt_id": "1087654321"}

    assert set(values) == set(EventFilterSet.base_filters)
    for name, value in values.items():
        expected = json_ids(client, **{name: value})
        rows = acled_rows(client, **{name: value})

        assert [event_id(row) for row in rows] == expected, name
        assert expected, name


def test_editors_get_drafts_and_readers_do_not(
    client: Client, editor_client: Client
) -> None:
    draft = make_event(title="Draft only", status=Event.Status.DRAFT)

    read = {row["event_id_cnty"] for row in acled_rows(client)}
    edited = {row["event_id_cnty"] for row in acled_rows(editor_client)}

    assert f"ZGR{draft.pk}" not in read
    assert f"ZGR{draft.pk}" in edited
    assert edited - read == {f"ZGR{draft.pk}"}


def test_acled_format_answers_head_and_pages_as_json(client: Client) -> None:
    head = client.head(EVENTS, {"format": "acled"})
    paged = client.get(EVENTS, {"format": "acled", "page_size": "2"})
    page = client.get(EVENTS, {"page_size": "2"}).json()["results"]

    assert head.status_code == 200
    assert head["Content-Disposition"].endswith('"zagros-events-acled.csv"')
    assert b"".join(head.streaming_content) == b""
    assert paged.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(paged.streaming_content).decode())))
    assert [row["event_id_cnty"] for row in rows] == [
        event.get("acled_id") or f"ZGR{event['id']}" for event in page
    ]


def test_the_schema_documents_the_acled_format(client: Client) -> None:
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/events/"]["get"]
    [format_parameter] = [p for p in operation["parameters"] if p["name"] == "format"]
    assert "acled" in format_parameter["schema"]["enum"]
    assert "ACLED's own 31 columns" in format_parameter["description"]
    assert "text/csv" in operation["responses"]["200"]["content"]
    assert "`format=acled`: ACLED's export layout" in operation["description"]


def test_the_timeline_links_to_its_events_in_acleds_layout(client: Client) -> None:
    page = client.get("/timeline/", {"country": "IRQ", "type": "statement"})
    home = client.get("/")

    link = f"{EVENTS}?format=acled&amp;country=IRQ&amp;type=statement"
    assert f'href="{link}"' in page.content.decode()
    assert f'href="{EVENTS}?format=acled"' in home.content.decode()
    rows = acled_rows(client, country="IRQ", type="statement")
    assert [row["country"] for row in rows] == ["Iraq"]
