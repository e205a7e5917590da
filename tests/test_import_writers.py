"""
The importer's two writers write the same rows: the fast one (COPY, set-based
place lookups, caches kept across chunks, a chunk at once and row by row when
the database refuses it) and the plain one (the ORM, record by record). The
same files, imported through each into the same database, leave the same
events, places, actors, participants, articles, citations and history
behind, compared by what identifies each row rather than by ids and times.
"""

import csv
import gc
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from events.interop import import_rows, read_rows
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
TRACKED = (Event, Location, Actor, Participant, SourceArticle, Citation)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_geojson(path: Path, features: list[dict]) -> Path:
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


def teachers_protest(**properties: Any) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [45.4375, 35.5613]},
        "properties": {
            "title": "Teachers protest unpaid salaries in Sulaymaniyah",
            "event_type": "protest",
            "start_date": "2023-02-02",
            "location": "Sulaymaniyah",
            "country_code": "IRQ",
            "participants": [
                {"name": "Protesters (Iraq)", "role": "initiator", "country": "IRQ"},
                {"name": "Kurdistan Regional Government", "role": "target"},
            ],
            **properties,
        },
    }


def files(folder: Path) -> list[tuple[Path, str] | list[str]]:
    """
    The imports, in order: ACLED, UCDP and GeoJSON files that create events,
    refuse rows (in parsing and in the database) and match events without
    ids; then files that change some of them; then, after some events are
    deleted (a list of their ACLED ids), the ACLED file again, whose records
    the project still holds as articles.
    """
    acled_rows = read_csv(DATA / "acled_sample.csv")
    refused = [dict(row) for row in acled_rows[:3]]
    for n, row in enumerate(refused):
        row["event_id_cnty"] = f"IRQ9900{n}"
    refused[1]["actor2"] = "A" * 301  # longer than an actor's name may be

    changed = [dict(row) for row in acled_rows]
    changed[0]["fatalities"] = "3"
    changed[0]["notes"] = changed[0]["notes"].replace("2 PKK", "3 PKK")
    changed[1]["actor1"] = "Military Forces of Turkey (2016-)"
    changed[1]["inter1"] = "8"
    changed[2]["latitude"] = "36.2001"
    changed[4]["assoc_actor_1"] = "Teachers (Iraq)"
    changed.append({**acled_rows[5], "event_id_cnty": "IRQ90999"})

    ucdp_rows = read_csv(DATA / "ucdp_ged_sample.csv")
    ucdp_changed = [dict(row) for row in ucdp_rows]
    ucdp_changed[0]["best"] = "5"
    ucdp_changed[1]["side_b"] = "KDPI"

    demo = folder / "demo.geojson"
    call_command(
        "export_events", str(demo), "--format", "geojson", stdout=io.StringIO()
    )
    demo_features = json.loads(demo.read_text(encoding="utf-8"))["features"]
    revised = json.loads(json.dumps(demo_features[0]))
    revised["properties"]["summary"] += " Revised."
    revised["properties"]["fatalities_best"] = 1

    return [
        (DATA / "acled_sample.csv", "acled"),
        (DATA / "ucdp_ged_sample.csv", "ucdp"),
        (write_csv(folder / "refused.csv", refused), "acled"),
        (DATA / "acled_bad_rows.csv", "acled"),
        (
            write_geojson(
                folder / "events.geojson",
                [
                    *demo_features,
                    teachers_protest(gdelt_id="1087654321"),
                    # Twice without an id: the second is the first again.
                    teachers_protest(title="Teachers strike in Sulaymaniyah"),
                    teachers_protest(title="Teachers strike in Sulaymaniyah"),
                ],
            ),
            "geojson",
        ),
        (write_csv(folder / "acled_changed.csv", changed), "acled"),
        (write_csv(folder / "ucdp_changed.csv", ucdp_changed), "ucdp"),
        (
            write_geojson(
                folder / "events_changed.geojson",
                [
                    revised,
                    teachers_protest(
                        gdelt_id="1087654321",
                        fatalities_best=0,
                        participants=[{"name": "Teachers (Iraq)", "country": "IRQ"}],
                    ),
                ],
            ),
            "geojson",
        ),
        ["IRQ90010", "IRQ90011", "IRQ90012", "IRQ90013", "IRN90014"],
        (DATA / "acled_sample.csv", "acled"),
    ]


def import_all(steps: list, *, plain: bool) -> list[tuple[str, list[str]]]:
    reports = []
    for step in steps:
        if isinstance(step, list):
            Event.objects.filter(acled_id__in=step).delete()
            continue
        path, fmt = step
        _, rows = read_rows(path=path, fmt=fmt)
        report = import_rows(rows=rows, fmt=fmt, source_name=path.name, plain=plain)
        reports.append((report.summary(), report.error_lines()))
    return reports


def ewkt(geometry: Any) -> str | None:
    return None if geometry is None else geometry.ewkt


def contents() -> dict[str, Any]:
    """Every row of the tables an import writes, with ids replaced by what they name."""
    places = {
        place.pk: (place.name, place.kind, place.code, place.country_code,
                   place.source, ewkt(place.point))
        for place in Location.objects.all()
    }  # fmt: skip
    actors = {actor.pk: (actor.name, actor.country) for actor in Actor.objects.all()}
    events = {
        event.pk: (event.acled_id, event.ucdp_id, event.gdelt_id, event.title,
                   event.start_date, ewkt(event.point))
        for event in Event.objects.all()
    }  # fmt: skip
    articles = dict(SourceArticle.objects.values_list("pk", "content_hash"))
    history = {}
    for model in TRACKED:
        snapshots = model._meta.get_field("history").related_model.objects
        history[model.__name__] = Counter(
            (label, json.dumps(metadata, sort_keys=True))
            for label, metadata in snapshots.values_list(
                "pgh_label", "pgh_context__metadata"
            )
        )
    return {
        "events": sorted(
            (
                events[e.pk],
                e.summary,
                e.event_type,
                e.sub_event_type,
                e.end_date,
                e.date_precision,
                places.get(e.location_id),
                e.geo_precision,
                e.fatalities_low,
                e.fatalities_best,
                e.fatalities_high,
                e.status,
                e.retraction_reason,
                e.confidence,
                e.version,
                e.created_by_id,
                e.updated_by_id,
                e.published_at is not None,
                e.is_synthetic,
            )
            for e in Event.objects.all()
        ),  # fmt: skip
        "locations": sorted(
            (
                places[p.pk],
                p.alternate_names,
                places.get(p.parent_id),
                ewkt(p.geometry),
                p.geonames_id,
                p.wikidata_id,
            )
            for p in Location.objects.all()
        ),  # fmt: skip
        "actors": sorted(
            (
                actors[a.pk],
                a.aliases,
                a.kind,
                actors.get(a.parent_id),
                a.wikidata_id,
                a.description,
            )
            for a in Actor.objects.all()
        ),  # fmt: skip
        "participants": sorted(
            (
                events[p.event_id],
                actors[p.actor_id],
                p.role,
                p.capacity,
                actors.get(p.on_behalf_of_id),
            )
            for p in Participant.objects.all()
        ),  # fmt: skip
        "articles": sorted(
            (
                a.content_hash,
                a.url or "",
                a.title,
                a.publisher,
                a.author,
                str(a.published_on),
                a.language,
                a.body,
                a.state,
                a.rejected_spans,
                a.added_by_id or 0,
            )
            for a in SourceArticle.objects.all()
        ),  # fmt: skip
        "citations": sorted(
            (
                articles[c.article_id],
                events.get(c.event_id) or (),
                c.agreement_id or 0,
                c.field,
                c.quote,
                c.start,
                c.end,
            )
            for c in Citation.objects.all()
        ),  # fmt: skip
        "history": history,
    }


def imported(steps: list, *, plain: bool) -> dict[str, Any]:
    """What the imports leave behind, rolled back after."""
    with transaction.atomic():
        reports = import_all(steps, plain=plain)
        result = {"reports": reports, **contents()}
        transaction.set_rollback(True)
    return result


def test_the_fast_and_the_plain_writer_write_the_same_rows(tmp_path):
    steps = files(tmp_path)
    before = contents()

    fast = imported(steps, plain=False)
    plain = imported(steps, plain=True)

    assert contents() == before
    for table in fast:
        assert fast[table] == plain[table], table
    # The imports did what they were meant to: created, refused, updated.
    summaries = [summary for summary, _ in fast["reports"]]
    assert summaries == [
        "20 created, 0 updated, 0 unchanged, 0 failed.",
        "6 created, 0 updated, 0 unchanged, 0 failed.",
        "2 created, 0 updated, 0 unchanged, 1 failed.",
        "2 created, 0 updated, 0 unchanged, 7 failed.",
        "2 created, 0 updated, 10 unchanged, 0 failed.",
        "1 created, 4 updated, 16 unchanged, 0 failed.",
        "0 created, 2 updated, 4 unchanged, 0 failed.",
        "0 created, 2 updated, 0 unchanged, 0 failed.",
        "5 created, 4 updated, 11 unchanged, 0 failed.",
    ]
    assert len(fast["events"]) == len(before["events"]) + 33
    assert fast["history"]["Participant"] != before["history"]["Participant"]


def test_the_fast_writer_gives_the_garbage_collector_back(tmp_path):
    path = write_csv(tmp_path / "short.csv", read_csv(DATA / "acled_sample.csv")[:2])
    _, rows = read_rows(path=path, fmt="acled")

    import_rows(rows=rows, fmt="acled")

    assert gc.isenabled()
