"""
Synthetic data for load tests: generate_events writes realistic events with
COPY, without history, and --delete removes exactly what it wrote. It lives in
an app of its own, which the runtime never imports.
"""

import ast
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from events.models import (
    Actor,
    Citation,
    DatePrecision,
    Event,
    EventRelation,
    Location,
    Participant,
    SourceArticle,
    content_hash,
    period_bounds,
)
from synthetic import generator
from tests.conftest import make_event

pytestmark = pytest.mark.django_db

HISTORY_TABLES = [
    "events_eventevent",
    "events_participantevent",
    "events_citationevent",
    "events_eventrelationevent",
    "events_sourcearticleevent",
    "events_actorevent",
    "events_locationevent",
]


def generate(count: int, *, seed: int = 1) -> str:
    stderr = io.StringIO()
    call_command("generate_events", count=count, seed=seed, stderr=stderr)
    return stderr.getvalue()


def history_rows() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in HISTORY_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    return counts


def curated_rows() -> dict[str, set[int]]:
    return {
        "events": set(Event.objects.values_list("pk", flat=True)),
        "participants": set(Participant.objects.values_list("pk", flat=True)),
        "citations": set(Citation.objects.values_list("pk", flat=True)),
        "relations": set(EventRelation.objects.values_list("pk", flat=True)),
        "articles": set(SourceArticle.objects.values_list("pk", flat=True)),
        "actors": set(Actor.objects.values_list("pk", flat=True)),
        "locations": set(Location.objects.values_list("pk", flat=True)),
    }


def synthetic_events():
    return Event.objects.filter(is_synthetic=True)


def test_generate_events_adds_the_count_asked_for_marked_synthetic() -> None:
    curated = Event.objects.count()

    generate(300)

    assert synthetic_events().count() == 300
    assert Event.objects.filter(is_synthetic=False).count() == curated


def test_synthetic_events_have_participants_citations_and_articles() -> None:
    generate(300)

    events = synthetic_events()
    assert not events.filter(participations=None).exists()
    assert not events.filter(citations=None).exists()
    assert not events.filter(location=None).exists()
    assert not events.filter(point=None).exists()
    for citation in Citation.objects.filter(event__in=events).select_related("article")[
        :200
    ]:
        assert citation.article.body[citation.start : citation.end] == citation.quote
        assert citation.article.url.startswith(generator.URL_PREFIX)
    # Reports tell of one to four events each.
    articles = SourceArticle.objects.filter(url__startswith=generator.URL_PREFIX)
    assert events.count() / 4 <= articles.count() <= events.count()


def test_synthetic_events_look_like_the_region_over_decades() -> None:
    generate(1000)

    events = list(synthetic_events().select_related("location"))
    types = {event.event_type for event in events}
    assert len(types) >= 8
    assert {"battle", "remote_violence", "protest"} <= types
    years = {event.start_date.year for event in events}
    assert min(years) <= 1995 and max(years) >= 2020
    assert max(years) <= datetime.date.today().year
    countries = [event.location.country_code for event in events]
    # Most events in Iraq and Iran, some across the borders.
    assert countries.count("IRQ") + countries.count("IRN") > 0.85 * len(events)
    assert len(set(countries)) >= 3
    for event in events:
        assert 25 <= event.point.x <= 65 and 15 <= event.point.y <= 45
        assert event.start_date <= event.end_date
        if event.date_precision in (DatePrecision.MONTH, DatePrecision.YEAR):
            assert (event.start_date, event.end_date) == period_bounds(
                event.start_date, event.date_precision
            )
        if event.fatalities_best is not None:
            assert event.fatalities_low <= event.fatalities_best
            assert event.fatalities_best <= event.fatalities_high
        if event.status == Event.Status.RETRACTED:
            assert event.retraction_reason
    published = sum(event.status == Event.Status.PUBLISHED for event in events)
    assert 0.8 * len(events) < published < len(events)


def test_synthetic_actors_are_many_and_named_like_people_and_groups() -> None:
    call_command("generate_events", count=50, actors=400, stderr=io.StringIO())

    actors = Actor.objects.filter(description=generator.ACTOR_DESCRIPTION)
    assert 400 <= actors.count() <= 400 + 18  # and the crowds of six countries
    kinds = set(actors.values_list("kind", flat=True))
    assert {"person", "armed_group", "security_force", "government_body"} <= kinds
    assert actors.exclude(aliases=[]).exists()


def test_synthetic_rows_leave_no_history_and_curated_edits_still_do() -> None:
    before = history_rows()

    generate(200)

    assert history_rows() == before
    make_event(title="Curated after the synthetic load")
    assert history_rows()["events_eventevent"] == before["events_eventevent"] + 1


def test_delete_removes_exactly_the_synthetic_rows() -> None:
    before = curated_rows()
    generate(300)
    assert curated_rows() != before

    stdout = io.StringIO()
    call_command("generate_events", delete=True, stdout=stdout, stderr=io.StringIO())

    assert curated_rows() == before
    assert "Removed 300 events" in stdout.getvalue()


def test_delete_leaves_history_alone() -> None:
    generate(100)
    before = history_rows()

    call_command("generate_events", delete=True, stdout=io.StringIO())

    assert history_rows() == before


def test_delete_keeps_a_synthetic_actor_that_a_curated_event_names() -> None:
    generate(100)
    actor = Actor.objects.filter(description=generator.ACTOR_DESCRIPTION).first()
    event = make_event(title="Curated, with a synthetic actor")
    Participant.objects.create(event=event, actor=actor, role="initiator")
    stderr = io.StringIO()

    call_command("generate_events", delete=True, stdout=io.StringIO(), stderr=stderr)

    assert not synthetic_events().exists()
    assert list(Actor.objects.filter(description=generator.ACTOR_DESCRIPTION)) == [
        actor
    ]
    assert f"Kept, still in use: events_actor: {actor.name}" in stderr.getvalue()
    assert Event.objects.filter(pk=event.pk).exists()


def test_the_same_seed_gives_the_same_events() -> None:
    def content() -> list[tuple]:
        return list(
            synthetic_events()
            .order_by("id")
            .values_list("title", "start_date", "event_type", "status", "point")
        )

    generate(200, seed=7)
    first = content()
    call_command("generate_events", delete=True, stdout=io.StringIO())
    generate(200, seed=7)

    assert content() == first
    generate(10, seed=8)
    assert content()[:200] == first


def test_generating_twice_adds_to_the_same_actors_and_towns() -> None:
    generate(100)
    actors = Actor.objects.count()
    locations = Location.objects.count()

    generate(100, seed=2)

    assert synthetic_events().count() == 200
    assert Location.objects.count() == locations
    assert Actor.objects.count() == actors


def test_progress_is_shown_on_stderr() -> None:
    assert "100% 120/120 events" in generate(120)


def test_count_or_delete_is_required() -> None:
    with pytest.raises(CommandError, match="--count"):
        call_command("generate_events")
    with pytest.raises(CommandError, match="either"):
        call_command("generate_events", count=5, delete=True)


def test_the_runtime_never_imports_the_synthetic_app() -> None:
    root = Path(__file__).resolve().parent.parent
    importers = []
    for path in [*(root / "events").rglob("*.py"), *(root / "tracker").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            if any(name.split(".")[0] == "synthetic" for name in names):
                importers.append(str(path.relative_to(root)))

    assert importers == []


def test_intake_articles_are_reprints_with_sources_duplicates_and_suggestions() -> None:
    from intake.models import Item, Source, StoredSuggestions
    from synthetic import intake

    before = curated_rows()
    sources_before = set(Source.objects.values_list("pk", flat=True))
    generate(300)
    stdout = io.StringIO()
    call_command("generate_events", intake=50, stdout=stdout)
    assert "50 articles (6 of them duplicates), 44 stored suggestions" in (
        stdout.getvalue()
    )

    taken = SourceArticle.objects.filter(url__startswith=intake.SOURCE_PREFIX)
    assert taken.count() == intake.held() == 50
    assert not taken.filter(source__isnull=True).exists()
    copies = taken.filter(duplicate_of__isnull=False)
    assert copies.count() == 6
    for copy in copies.select_related("duplicate_of"):
        # A reprint: the original's text and a credit line, a new headline.
        assert copy.body.startswith(copy.duplicate_of.body)
        assert copy.duplicate_of.duplicate_of_id is None
        assert copy.title == "UPDATE 1-" + copy.duplicate_of.title
    originals = taken.filter(duplicate_of__isnull=True)
    assert {a.content_hash for a in originals} == {
        content_hash(a.body) for a in originals
    }
    assert StoredSuggestions.objects.filter(article__in=originals).count() == 44
    for stored in StoredSuggestions.objects.filter(article__in=originals)[:10]:
        # What the report's events hold: their actors and places, as chips.
        assert stored.actor_ids and stored.place_ids and stored.countries
        assert [chip["id"] for chip in stored.actors] == stored.actor_ids
        assert {chip["id"] for chip in stored.places} == set(stored.place_ids)
        assert Location.objects.filter(pk__in=stored.place_ids).count() == len(
            stored.place_ids
        )
        assert set(stored.found) == {"metadata", "actors", "places", "dates", "events"}
    assert Item.objects.filter(article__in=taken).count() == 50
    assert set(taken.values_list("state", flat=True)) <= {
        "new", "dismissed", "curated", "in_progress",
    }  # fmt: skip

    # Asked for again, they replace the earlier ones; --delete removes them
    # with every other synthetic row.
    call_command("generate_events", intake=20, stdout=io.StringIO())
    assert intake.held() == 20
    call_command("generate_events", delete=True, stdout=io.StringIO())
    assert curated_rows() == before
    assert set(Source.objects.values_list("pk", flat=True)) == sources_before


# --- a large load's indexes and foreign keys --------------------------------------

WRITTEN_TABLES = [model._meta.db_table for model in generator.WRITTEN_MODELS]


def schema() -> set[str]:
    """The written tables' indexes and constraints, as PostgreSQL defines them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "UNION ALL "
            "SELECT conrelid::regclass || ' ' || conname || ' ' "
            "|| pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)",
            [WRITTEN_TABLES, WRITTEN_TABLES],
        )
        return {row[0] for row in cursor.fetchall()}


def test_a_large_load_drops_indexes_and_keys_and_makes_them_after() -> None:
    from synthetic.models import DroppedForLoad

    before = schema()
    indexes = generator.secondary_indexes(WRITTEN_TABLES)
    keys = generator.foreign_keys(WRITTEN_TABLES)
    statements = [row[2] for row in indexes]
    # The spatial, period, full-text and trigram indexes among them; the
    # primary keys and the unique indexes that keep rows right are not.
    assert len(indexes) >= 20
    assert any("USING gist" in s for s in statements)
    assert any("gin_trgm_ops" in s for s in statements)
    assert not any("UNIQUE" in s or "_pkey" in s for s in statements)
    # Every foreign key of the tables written, as it was declared.
    assert {(table, name) for table, name, _ in keys} >= {
        ("events_participant", name) for name in schema_names("events_participant", "f")
    }
    assert all("DEFERRABLE INITIALLY DEFERRED" in row[2] for row in keys)
    during = []

    def progress(done: int) -> None:
        during.append((schema(), DroppedForLoad.objects.count()))

    report = generator.generate(
        count=300, seed=5, batch_size=100, progress=progress, rebuild=True
    )
    assert report.events == 300
    left, dropped = during[0]
    assert dropped == len(indexes) + len(keys)
    assert not any("FOREIGN KEY" in item for item in left)
    assert len(before - left) == len(indexes) + len(keys)
    assert schema() == before
    assert not DroppedForLoad.objects.exists()
    # The indexes made again find the new rows.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        assert Event.objects.filter(start_date__gte="1990-01-01").count() >= 300


def schema_names(table: str, kind: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype = %s",
            [table, kind],
        )
        return {row[0] for row in cursor.fetchall()}


def test_a_key_made_again_still_refuses_a_row_without_its_target() -> None:
    generator.generate(count=200, seed=6, batch_size=100, rebuild=True)
    event = Event.objects.filter(is_synthetic=True).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(event=event, actor_id=10**9, role="mentioned")
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_a_load_that_fails_still_makes_them_again() -> None:
    from synthetic.models import DroppedForLoad

    before = schema()

    def fail(done: int) -> None:
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError, match="stopped"):
        generator.generate(count=200, batch_size=100, progress=fail, rebuild=True)
    assert schema() == before
    assert not DroppedForLoad.objects.exists()


def test_what_a_killed_load_dropped_is_made_by_the_next() -> None:
    from synthetic.models import DroppedForLoad

    before = schema()
    # As a load killed after its drop leaves the database.
    table, name, statement = generator.secondary_indexes(WRITTEN_TABLES)[0]
    key_table, key, key_statement = generator.foreign_keys(WRITTEN_TABLES)[0]
    DroppedForLoad.objects.create(
        table=table, name=name, statement=statement, kind="index"
    )
    DroppedForLoad.objects.create(
        table=key_table, name=key, statement=key_statement, kind="foreign key"
    )
    with connection.cursor() as cursor:
        cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(f'ALTER TABLE "{key_table}" DROP CONSTRAINT "{key}"')
    assert len(before - schema()) == 2
    generator.generate(count=10, seed=2)
    assert schema() == before
    assert not DroppedForLoad.objects.exists()


def test_only_a_load_as_large_as_the_table_rebuilds(monkeypatch) -> None:
    assert not generator.rebuilds_after(generator.REBUILD_FROM - 1)
    monkeypatch.setattr(generator, "REBUILD_FROM", 20)
    generate(40)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE events_event")
    stored = Event.objects.count()
    assert stored >= 40
    assert generator.rebuilds_after(stored)
    assert not generator.rebuilds_after(stored - 1)
    assert not generator.rebuilds_after(19)


def test_a_row_without_its_target_fails_the_load_naming_its_key() -> None:
    from synthetic.models import DroppedForLoad

    before = schema()
    event = make_event()
    with (
        pytest.raises(IntegrityError, match="events_participant_actor_id"),
        generator.rebuilt_after(generator.WRITTEN_MODELS),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO events_participant (role, capacity, actor_id, "
            "event_id) VALUES ('mentioned', '', %s, %s)",
            [10**9, event.pk],
        )
    # The indexes and the other keys were made again; that key waits.
    [waiting] = DroppedForLoad.objects.all()
    assert waiting.kind == "foreign key"
    assert waiting.name.startswith("events_participant_actor_id")
    assert len(before - schema()) == 1
    Participant.objects.filter(actor_id=10**9).delete()
    assert generator.restore_dropped() == 1
    assert schema() == before


def statistics_of(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [table])
        return cursor.fetchone()[0]


def test_a_long_load_analyzes_its_tables_as_they_double(monkeypatch) -> None:
    # The triggers' plans, kept by each session, are made again with the
    # statistics; a load that never analyzed would keep the first batch's.
    analyzed_at = []
    done = [0]
    analyze = generator.analyze_written

    def counted() -> None:
        analyzed_at.append(done[0])
        analyze()

    def progress(count: int) -> None:
        done[0] = count

    monkeypatch.setattr(generator, "analyze_written", counted)
    monkeypatch.setattr(generator, "stored_events", lambda: 0)
    generator.generate(
        count=500, seed=8, batch_size=10, progress=progress, analyze=False
    )
    # Into an empty table: after the first commit (ten batches), then each
    # time the table doubled; not at the end, which the load's end analyzes.
    assert analyzed_at == [100, 200, 400]
    for model in generator.WRITTEN_MODELS + generator.SUMMED_MODELS:
        assert statistics_of(model._meta.db_table) > 0, model
    # Into a table that holds more already: only once it has doubled.
    analyzed_at.clear()
    monkeypatch.setattr(generator, "stored_events", lambda: 300)
    generator.generate(count=500, seed=9, batch_size=10, progress=progress)
    assert analyzed_at == [300]


def test_a_load_leaves_statistics_of_the_sums_its_triggers_keep(monkeypatch) -> None:
    # The map's tiles read the summed cells: planned on statistics of the
    # empty table, a tile would read them all. (The statistics taken during
    # the load left aside: those of its end.)
    monkeypatch.setattr(generator, "analyze_written", lambda: None)
    generator.generate(count=200, seed=9, batch_size=100)
    for model in generator.SUMMED_MODELS:
        assert statistics_of(model._meta.db_table) > 0, model
