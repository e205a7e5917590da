"""
import_events and export_events: ACLED and UCDP GED files onto events, the
same file again changing nothing, bad rows reported while good rows go in,
and ACLED, GeoJSON and GeoPackage exports that tools (and the importer) read
back. The fixtures in tests/data/ are synthetic rows written for these tests.
"""

import csv
import datetime
import io
import json
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection

from events.interop import acled
from events.models import (
    Actor,
    Citation,
    Event,
    Location,
    Participant,
    SourceArticle,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
ACLED_SAMPLE = DATA / "acled_sample.csv"
ACLED_BAD_ROWS = DATA / "acled_bad_rows.csv"
UCDP_SAMPLE = DATA / "ucdp_ged_sample.csv"
# The export's timestamp is the event's last change here, not ACLED's.
NOT_ROUND_TRIPPED = {"timestamp"}


def run(command: str, *args: str) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def import_file(path: Path, fmt: str, *args: str) -> str:
    return run("import_events", str(path), "--format", fmt, *args)[0]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def counts() -> dict[str, int]:
    models = [Event, Actor, Location, Participant, SourceArticle, Citation]
    return {model.__name__: model.objects.count() for model in models}


def participants(event: Event) -> list[tuple[str, str, str]]:
    return [
        (p.actor.name, p.role, p.capacity)
        for p in event.participations.select_related("actor").order_by("id")
    ]


@pytest.fixture(params=["fast", "plain"])
def writer_options(request: pytest.FixtureRequest) -> list[str]:
    """import_events's options for the fast writer (the default) or the plain one."""
    return ["--plain"] if request.param == "plain" else []


# --- ACLED in -------------------------------------------------------------------------


def test_acled_file_creates_published_events_with_their_actors_places_and_sources(
    writer_options,
):
    output = import_file(ACLED_SAMPLE, "acled", *writer_options)

    assert output == (
        "acled_sample.csv: 20 created, 0 updated, 0 unchanged, 0 failed.\n"
    )
    event = Event.objects.get(acled_id="IRQ90001")
    assert event.status == Event.Status.PUBLISHED
    assert event.published_at is not None
    assert event.title == "Air/drone strike in Sidakan"
    assert event.event_type == Event.Type.REMOTE_VIOLENCE
    assert event.sub_event_type == "Air/drone strike"
    assert (event.start_date, event.end_date) == (datetime.date(2023, 1, 5),) * 2
    assert event.date_precision == "day"
    assert event.geo_precision == "exact"
    assert event.point.coords == (44.6703, 36.7967)
    assert event.fatalities_best == 2
    assert not event.is_synthetic
    assert participants(event) == [
        ("Military Forces of Turkey (2016-)", "initiator", "External/Other forces"),
        ("PKK: Kurdistan Workers Party", "target", "Rebel group"),
    ]
    place = event.location
    assert (place.name, place.kind, place.country_code) == ("Sidakan", "city", "IRQ")
    assert place.source == "ACLED: Erbil › Soran › Sidakan"
    assert place.parent.code == "IQ-AR"  # Erbil governorate, found in PostGIS
    [citation] = event.citations.select_related("article")
    assert citation.quote == event.summary
    assert citation.quote.startswith("On 5 January 2023, a Turkish drone struck")
    assert citation.article.title == "ACLED event IRQ90001"
    assert citation.article.publisher == "ACLED"
    assert citation.article.body.startswith(
        "ACLED event IRQ90001\nSource: Rudaw; Kurdistan 24\nSource scale: National\n"
    )


def test_acled_types_map_onto_the_event_types(writer_options):
    import_file(ACLED_SAMPLE, "acled", *writer_options)

    types = dict(
        Event.objects.exclude(acled_id="").values_list("acled_id", "event_type")
    )
    assert types["IRQ90004"] == Event.Type.PROTEST
    assert types["IRQ90006"] == Event.Type.RIOT
    assert types["IRQ90008"] == Event.Type.BATTLE
    assert types["IRQ90009"] == Event.Type.VIOLENCE_AGAINST_CIVILIANS
    assert types["IRQ90010"] == Event.Type.ARREST  # Strategic developments / Arrests
    assert types["IRQ90011"] == Event.Type.AGREEMENT
    assert types["IRQ90012"] == Event.Type.DEPLOYMENT  # Change to group/activity
    assert types["IRQ90013"] == Event.Type.OTHER  # Looting/property destruction


def test_acled_precision_codes_become_date_windows_and_geo_precision(writer_options):
    import_file(ACLED_SAMPLE, "acled", *writer_options)

    week = Event.objects.get(acled_id="IRQ90003")  # time_precision 2, 18 Jan
    assert (week.start_date, week.end_date, week.date_precision) == (
        datetime.date(2023, 1, 15),
        datetime.date(2023, 1, 21),
        "week",
    )
    month = Event.objects.get(acled_id="IRQ90009")  # time_precision 3, 4 Mar
    assert (month.start_date, month.end_date, month.date_precision) == (
        datetime.date(2023, 2, 17),
        datetime.date(2023, 3, 19),
        "month",
    )
    assert week.geo_precision == "near"  # geo_precision 2
    assert Event.objects.get(acled_id="IRN90018").geo_precision == "region"


def test_acled_actors_are_matched_by_name_and_country_or_created(writer_options):
    before = set(Actor.objects.values_list("pk", flat=True))

    import_file(ACLED_SAMPLE, "acled", *writer_options)

    # The curated seed's actors are found again, not duplicated: by name and
    # country, and by name alone when ACLED's name says no country.
    assert Actor.objects.filter(name__iexact="Protesters (Iran)").count() == 1
    assert Actor.objects.filter(name__iexact="Iraqi federal border guards").count() == 1
    guards = Actor.objects.get(name="Iraqi federal border guards")
    assert guards.pk in before
    assert guards.participations.filter(event__acled_id="IRQ90012").exists()
    created = Actor.objects.exclude(pk__in=before)
    kinds = {actor.name: (actor.kind, actor.country) for actor in created}
    assert kinds["PKK: Kurdistan Workers Party"] == ("armed_group", "")
    assert kinds["Civilians (Iraq)"] == ("civilians", "IRQ")
    assert kinds["Military Forces of Turkey (2016-)"] == ("security_force", "TUR")
    assert kinds["Women (Iran)"] == ("other", "IRN")  # an associated actor
    # ACLED's long names of curated actors find them (actor_identity), and
    # are kept as their aliases: no second IRGC, no second Peshmerga.
    long_irgc = "Military Forces of Iran (1989-) Islamic Revolutionary Guard Corps"
    irgc = Actor.objects.get(name="Islamic Revolutionary Guard Corps")
    assert irgc.pk in before
    assert long_irgc in irgc.aliases
    assert not Actor.objects.filter(name=long_irgc).exists()
    assert irgc.participations.filter(event__acled_id__in=["IRQ90002", "IRN90016"])
    assert irgc.participations.exclude(event__acled_id="").count() == 2
    peshmerga = Actor.objects.get(name="Peshmerga")
    assert peshmerga.pk in before
    assert "Military Forces of Iraq (2022-) Peshmerga" in peshmerga.aliases


def test_actor_names_match_ignoring_case_and_export_in_the_trackers_spelling(
    tmp_path, writer_options
):
    rows = read_csv(ACLED_SAMPLE)[14:15]  # IRN90015, by Protesters (Iran)
    rows[0]["actor1"] = "PROTESTERS (IRAN)"
    path = tmp_path / "upper.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=acled.COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    import_file(path, "acled", *writer_options)
    exported = tmp_path / "exported.csv"

    run("export_events", str(exported), "--format", "acled", "--dataset", "acled")

    assert Actor.objects.filter(name__iexact="protesters (iran)").count() == 1
    assert read_csv(exported)[0]["actor1"] == "Protesters (Iran)"


def test_importing_the_same_acled_file_again_changes_nothing(writer_options):
    import_file(ACLED_SAMPLE, "acled", *writer_options)
    before = counts()
    versions = dict(Event.objects.values_list("acled_id", "version"))

    output = import_file(ACLED_SAMPLE, "acled", *writer_options)

    assert output == (
        "acled_sample.csv: 0 created, 0 updated, 20 unchanged, 0 failed.\n"
    )
    assert counts() == before
    assert dict(Event.objects.values_list("acled_id", "version")) == versions


def test_a_changed_acled_row_updates_its_event_and_history_names_the_import(
    tmp_path, writer_options
):
    import_file(ACLED_SAMPLE, "acled", *writer_options)
    rows = read_csv(ACLED_SAMPLE)
    rows[0]["fatalities"] = "3"
    rows[0]["notes"] = rows[0]["notes"].replace("2 PKK militants", "3 PKK militants")
    changed = tmp_path / "acled_update.csv"
    with changed.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=acled.COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    articles = SourceArticle.objects.count()

    output = import_file(changed, "acled", *writer_options)

    assert output == "acled_update.csv: 0 created, 1 updated, 19 unchanged, 0 failed.\n"
    event = Event.objects.get(acled_id="IRQ90001")
    assert event.fatalities_best == 3
    # The old record's article went with its citation; the new one is cited.
    assert SourceArticle.objects.count() == articles
    [citation] = event.citations.all()
    assert "3 PKK militants" in citation.quote
    latest = event.history.order_by("-pgh_id").first()
    assert latest.pgh_label == "update"
    assert latest.pgh_context.metadata == {
        "import_format": "acled",
        "import_file": "acled_update.csv",
    }


def test_a_new_event_whose_record_text_is_already_held_cites_that_article(
    writer_options,
):
    # Deleting the events keeps their records' articles; importing the file
    # again makes new events whose texts the project already holds.
    import_file(ACLED_SAMPLE, "acled", *writer_options)
    acled_citations = Citation.objects.filter(article__publisher="ACLED")
    articles = dict(acled_citations.values_list("event__acled_id", "article_id"))
    Event.objects.filter(acled_id__in=articles).delete()

    output = import_file(ACLED_SAMPLE, "acled", *writer_options)

    assert output == "acled_sample.csv: 20 created, 0 updated, 0 unchanged, 0 failed.\n"
    assert dict(acled_citations.values_list("event__acled_id", "article_id")) == (
        articles
    )
    assert SourceArticle.objects.filter(publisher="ACLED").count() == len(articles)


def test_every_row_an_import_writes_has_history_naming_the_import(writer_options):
    models = (Event, Location, Participant, SourceArticle, Citation)
    before = {
        model: set(model.objects.values_list("id", flat=True)) for model in models
    }

    import_file(ACLED_SAMPLE, "acled", *writer_options)

    for model in models:
        written = set(model.objects.values_list("id", flat=True)) - before[model]
        history = model._meta.get_field("history").related_model
        recorded = history.objects.filter(
            pgh_label="insert",
            pgh_context__metadata={
                "import_format": "acled",
                "import_file": "acled_sample.csv",
            },
        ).values_list("pgh_obj_id", flat=True)
        assert written, model.__name__
        assert sorted(recorded) == sorted(written), model.__name__


def test_status_option_imports_events_as_drafts(writer_options):
    import_file(ACLED_SAMPLE, "acled", "--status", "draft", *writer_options)

    assert not Event.objects.exclude(acled_id="").exclude(status="draft").exists()
    assert Event.objects.get(acled_id="IRQ90001").published_at is None


# --- bad rows -------------------------------------------------------------------------


def test_bad_rows_are_reported_by_line_and_the_good_rows_imported(writer_options):
    stdout, stderr = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as failure:
        call_command(
            "import_events",
            str(ACLED_BAD_ROWS),
            "--format",
            "acled",
            *writer_options,
            stdout=stdout,
            stderr=stderr,
        )

    assert failure.value.returncode == 1
    assert str(failure.value) == "7 of 9 rows were not imported; the others were."
    assert stdout.getvalue() == (
        "acled_bad_rows.csv: 2 created, 0 updated, 0 unchanged, 7 failed.\n"
    )
    errors = [
        line for line in stderr.getvalue().splitlines() if line.startswith("line")
    ]
    assert errors == [
        "line 3: latitude is missing",
        "line 4: event_date '2023-02-30' is not a date (expected YYYY-MM-DD)",
        "line 5: unknown event_type 'Skirmishes'",
        "line 6: latitude 200.0000 is out of range (-90 to 90)",
        "line 7: notes contains a NUL byte",
        "line 9: acled_id IRQ91001 already came on line 2",
        "line 10: fatalities -3 is out of range",
    ]
    imported = Event.objects.exclude(acled_id="").values_list("acled_id", flat=True)
    assert sorted(imported) == ["IRQ91001", "IRQ91007"]


def test_a_row_the_database_refuses_is_reported_and_its_neighbours_imported(
    tmp_path, writer_options
):
    rows = read_csv(ACLED_SAMPLE)[:3]
    rows[1]["actor2"] = "A" * 301  # longer than an actor's name may be
    path = tmp_path / "long_name.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=acled.COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    stdout, stderr = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_events",
            str(path),
            "--format",
            "acled",
            *writer_options,
            stdout=stdout,
            stderr=stderr,
        )

    assert stdout.getvalue() == (
        "long_name.csv: 2 created, 0 updated, 0 unchanged, 1 failed.\n"
    )
    assert stderr.getvalue().splitlines()[-1] == (
        "line 3: refused by the database: value too long for type "
        "character varying(300)"
    )
    assert sorted(
        Event.objects.exclude(acled_id="").values_list("acled_id", flat=True)
    ) == ["IRQ90001", "IRQ90003"]
    assert not Actor.objects.filter(name__startswith="AAAA").exists()
    # The failed first attempt left nothing behind: importing again is clean.
    assert import_file(ACLED_SAMPLE, "acled", *writer_options).startswith(
        "acled_sample.csv: 18 created, 0 updated, 2 unchanged"
    )


def test_a_file_without_the_acled_columns_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("id,date\n1,2023-01-01\n", encoding="utf-8")

    with pytest.raises(CommandError, match="missing columns: event_id_cnty, "):
        import_file(path, "acled")


def test_bytes_that_are_not_utf8_fail_their_row_only(tmp_path, writer_options):
    rows = ACLED_SAMPLE.read_bytes().splitlines(keepends=True)
    path = tmp_path / "latin1.csv"
    path.write_bytes(rows[0] + rows[1].replace(b"Sidakan", b"Sid\xe2kan", 1) + rows[2])

    with pytest.raises(CommandError):
        run("import_events", str(path), "--format", "acled", *writer_options)

    assert list(
        Event.objects.exclude(acled_id="").values_list("acled_id", flat=True)
    ) == ["IRQ90002"]


def test_progress_is_shown_on_stderr(writer_options):
    _, stderr = run(
        "import_events", str(ACLED_SAMPLE), "--format", "acled", *writer_options
    )

    assert stderr == f"[{'#' * 30}] 100% 20/20 rows\n"


# --- UCDP in --------------------------------------------------------------------------


def test_ucdp_file_maps_dates_places_sides_and_deaths(writer_options):
    output = import_file(UCDP_SAMPLE, "ucdp", *writer_options)

    assert (
        output == "ucdp_ged_sample.csv: 6 created, 0 updated, 0 unchanged, 0 failed.\n"
    )
    clash = Event.objects.get(ucdp_id="990001")
    assert clash.event_type == Event.Type.BATTLE
    assert (clash.fatalities_low, clash.fatalities_best, clash.fatalities_high) == (
        4,
        4,
        6,
    )
    # UCDP's "Government of Iran" is the state of Iran already curated, which
    # keeps UCDP's name as an alias.
    assert participants(clash) == [("Iran", "initiator", ""), ("PJAK", "target", "")]
    iran = Actor.objects.get(name="Iran")
    assert (iran.kind, iran.country) == ("state", "IRN")
    assert "Government of Iran" in iran.aliases
    assert not Actor.objects.filter(name="Government of Iran").exists()
    assert clash.location.name == "Piranshahr town"
    assert (
        clash.location.source
        == "UCDP GED: West Azerbaijan province › Piranshahr county"
    )
    [citation] = clash.citations.all()
    assert (
        citation.quote
        == '"Iran International,2023-02-07,Clashes reported near Piranshahr"'
    )

    strikes = Event.objects.get(ucdp_id="990002")  # date_prec 2, where_prec 2
    assert (strikes.start_date, strikes.end_date) == (
        datetime.date(2023, 1, 3),
        datetime.date(2023, 1, 6),
    )
    assert (strikes.date_precision, strikes.geo_precision) == ("week", "near")
    one_sided = Event.objects.get(ucdp_id="990003")
    assert one_sided.event_type == Event.Type.VIOLENCE_AGAINST_CIVILIANS
    assert (one_sided.date_precision, one_sided.geo_precision) == ("month", "region")
    province = Event.objects.get(ucdp_id="990004")  # where_prec 4: the province
    assert province.location.kind == "admin1"
    assert province.location.name == "Nineveh"
    country = Event.objects.get(ucdp_id="990005")  # where_prec 6, date_prec 5
    assert country.location.code == "IRQ"
    assert (country.date_precision, country.geo_precision) == ("year", "country")
    # Civilians are kept apart per country.
    civilians = Actor.objects.filter(name="Civilians").values_list("country", flat=True)
    assert sorted(civilians) == ["IRN", "IRQ"]


def test_importing_the_same_ucdp_file_again_changes_nothing(writer_options):
    import_file(UCDP_SAMPLE, "ucdp", *writer_options)
    before = counts()

    output = import_file(UCDP_SAMPLE, "ucdp", *writer_options)

    assert (
        output == "ucdp_ged_sample.csv: 0 created, 0 updated, 6 unchanged, 0 failed.\n"
    )
    assert counts() == before


# --- ACLED out and back in ------------------------------------------------------------


def test_an_acled_file_round_trips_through_import_export_import(
    tmp_path, writer_options
):
    import_file(ACLED_SAMPLE, "acled", *writer_options)
    exported = tmp_path / "exported.csv"

    output, _ = run(
        "export_events", str(exported), "--format", "acled", "--dataset", "acled"
    )

    assert output == f"20 events written to {exported}.\n"
    with exported.open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == acled.COLUMNS
    original = {row["event_id_cnty"]: row for row in read_csv(ACLED_SAMPLE)}
    again = {row["event_id_cnty"]: row for row in read_csv(exported)}
    assert again.keys() == original.keys()
    for event_id, row in original.items():
        kept = {k: v for k, v in row.items() if k not in NOT_ROUND_TRIPPED}
        assert {k: again[event_id][k] for k in kept} == kept, event_id

    before = counts()
    output = import_file(exported, "acled", *writer_options)

    assert output == "exported.csv: 0 created, 0 updated, 20 unchanged, 0 failed.\n"
    assert counts() == before


def test_acled_export_of_curated_events_uses_the_closest_acled_codes(tmp_path):
    exported = tmp_path / "curated.csv"

    run("export_events", str(exported), "--format", "acled")

    rows = {row["notes"][:30]: row for row in read_csv(exported)}
    assert len(rows) == Event.objects.published().count()
    signing = next(row for row in rows.values() if row["sub_event_type"] == "Agreement")
    event = Event.objects.get(title__startswith="Iraq and Iran sign")
    assert signing == signing | {
        "event_id_cnty": f"ZGR{event.pk}",
        "event_date": "2023-03-19",
        "year": "2023",
        "time_precision": "1",
        "disorder_type": "Strategic developments",
        "event_type": "Strategic developments",
        "actor1": "Ali Shamkhani",
        "assoc_actor_1": "Qasim al-Araji; Iran; Iraq",
        "inter1": "8",
        "inter2": "0",
        "interaction": "80",
        "iso": "368",
        "region": "Middle East",
        "country": "Iraq",
        "admin1": "Baghdad",
        "location": "Baghdad",
        "geo_precision": "1",
        "source": "Al Jazeera",
        "fatalities": "0",  # none reported, as ACLED writes it
    }
    protests = next(row for row in rows.values() if row["event_type"] == "Protests")
    # Protesters, 6, alone: 60.
    assert (protests["inter1"], protests["interaction"]) == ("6", "60")
    strikes = next(
        row for row in rows.values() if row["sub_event_type"] == "Air/drone strike"
    )
    # Known only as "2022": the middle of the year, at ACLED's coarsest code.
    assert (strikes["event_date"], strikes["time_precision"]) == ("2022-07-02", "3")
    # Iran's Revolutionary Guard striking in Iraq: external forces, as ACLED
    # codes a state's forces abroad.
    assert (strikes["inter1"], strikes["inter2"], strikes["interaction"]) == (
        "8",
        "2",
        "28",
    )


def test_importing_an_export_of_curated_events_skips_them(tmp_path, writer_options):
    exported = tmp_path / "curated.csv"
    run("export_events", str(exported), "--format", "acled")
    before = counts()

    output = import_file(exported, "acled", *writer_options)

    assert (
        output
        == "curated.csv: 0 created, 0 updated, 0 unchanged, 0 failed, 9 skipped.\n"
    )
    assert counts() == before


def test_export_filters_by_dates_type_and_country(tmp_path):
    import_file(ACLED_SAMPLE, "acled")
    exported = tmp_path / "filtered.csv"

    run(
        "export_events",
        str(exported),
        "--format",
        "acled",
        "--dataset",
        "acled",
        "--start",
        "2023-02-01",
        "--end",
        "2023-02-28",
        "--type",
        "protest",
        "--type",
        "riot",
        "--country",
        "irq",
    )

    ids = [row["event_id_cnty"] for row in read_csv(exported)]
    assert ids == ["IRQ90004", "IRQ90005", "IRQ90006", "IRQ90007"]


def test_drafts_are_not_exported(tmp_path):
    import_file(ACLED_SAMPLE, "acled", "--status", "draft")
    exported = tmp_path / "drafts.csv"

    output, _ = run(
        "export_events", str(exported), "--format", "acled", "--dataset", "acled"
    )

    assert output == f"0 events written to {exported}.\n"


@pytest.mark.parametrize("fmt", ["acled", "geojson", "gpkg"])
def test_a_failed_export_leaves_the_previous_file(
    tmp_path, places_locked: None, fmt: str
):
    exported = tmp_path / f"events.{fmt}"
    exported.write_text("the previous export\n")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '100ms'")

    with pytest.raises(OperationalError, match="lock timeout"):
        run("export_events", str(exported), "--format", fmt)

    assert list(tmp_path.iterdir()) == [exported]
    assert exported.read_text() == "the previous export\n"


# --- GeoJSON and GeoPackage -----------------------------------------------------------


def test_geojson_export_imports_back_unchanged(tmp_path, writer_options):
    exported = tmp_path / "events.geojson"
    run("export_events", str(exported), "--format", "geojson")
    collection = json.loads(exported.read_text(encoding="utf-8"))
    assert len(collection["features"]) == 9
    before = counts()

    output = import_file(exported, "geojson", *writer_options)

    assert output == "events.geojson: 0 created, 0 updated, 9 unchanged, 0 failed.\n"
    assert counts() == before


def test_geojson_features_are_created_as_drafts_and_matched_by_external_id(
    tmp_path, writer_options
):
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [45.4375, 35.5613]},
        "properties": {
            "title": "Teachers protest unpaid salaries in Sulaymaniyah",
            "event_type": "protest",
            "start_date": "2023-02-02",
            "location": "Sulaymaniyah",
            "country_code": "IRQ",
            "gdelt_id": "1087654321",
            "participants": [
                {
                    "name": "Protesters (Iraq)",
                    "role": "initiator",
                    "kind": "civilians",
                    "country": "IRQ",
                },
            ],
        },
    }
    path = tmp_path / "gdelt.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))

    assert import_file(path, "geojson", *writer_options) == (
        "gdelt.geojson: 1 created, 0 updated, 0 unchanged, 0 failed.\n"
    )
    event = Event.objects.get(gdelt_id="1087654321")
    assert event.status == Event.Status.DRAFT
    assert participants(event) == [("Protesters (Iraq)", "initiator", "")]

    feature["properties"]["fatalities_best"] = 0
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    assert import_file(path, "geojson", *writer_options) == (
        "gdelt.geojson: 0 created, 1 updated, 0 unchanged, 0 failed.\n"
    )


def test_bad_geojson_features_are_reported_by_number(tmp_path, writer_options):
    good = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [44.4, 33.3]},
        "properties": {
            "title": "A",
            "event_type": "statement",
            "start_date": "2023-01-01",
        },
    }
    features = [
        good,
        {**good, "geometry": None},
        {**good, "properties": {**good["properties"], "event_type": "duel"}},
    ]
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))

    stderr = io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_events",
            str(path),
            "--format",
            "geojson",
            *writer_options,
            stderr=stderr,
            stdout=io.StringIO(),
        )

    assert Event.objects.filter(title="A").count() == 1
    assert "feature 2: geometry is not a Point" in stderr.getvalue()
    assert "feature 3: event_type 'duel' is not one of battle," in stderr.getvalue()


def ogrinfo(*args: str) -> str:
    return subprocess.run(
        ["ogrinfo", "-ro", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


def test_geopackage_export_is_read_by_gdal(tmp_path):
    import_file(ACLED_SAMPLE, "acled")
    path = tmp_path / "events.gpkg"

    output, _ = run("export_events", str(path), "--format", "gpkg", "--country", "IRN")

    # Five ACLED events in Iran and four curated ones.
    assert output == f"9 events written to {path}.\n"
    summary = ogrinfo("-so", str(path), "events")
    assert "using driver `GPKG' successful" in summary
    assert "Geometry: Point" in summary
    assert "Feature Count: 9" in summary
    assert 'ID["EPSG",4326]' in summary
    for field in [
        "title: String",
        "start_date: Date",
        "acled_id: String",
        "fatalities_best: Integer",
    ]:
        assert field in summary
    features = ogrinfo(str(path), "events", "-where", "acled_id = 'IRN90016'")
    assert "Feature Count: 1" in features
    assert "POINT (45.1414 36.6936)" in features
    assert "event_type (String) = battle" in features
