"""
OGC API – Features beside pygeoapi, the standard's reference implementation,
both serving the same published events: the `ogc` step of bench/run.py.

pygeoapi (requirements/bench.txt) runs as its own server, its Flask app
under gunicorn with one sync worker as ours runs, on a free port of
127.0.0.1, configured by a file generated in a temporary directory. Its
PostgreSQL provider reads a view of the bench database, `bench_ogc_events`:
the published rows of events_event with the properties /ogc/ gives them, in
the same order.

Each query goes to both servers; before timing, both must give the same
features (ids, in order) and the same `numberMatched`. Each figure is
pygeoapi's median time ÷ ours (≥ 1: ours is ahead), measured in turns.
The step also measures what `numberMatched` costs /ogc/: its first page,
which counts, against the next page, which carries the count in its link.
"""

import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

VIEW = "bench_ogc_events"
LIMIT = 100
DEEP = 5_000  # features before the deep page
# The GDAL export: Debian's GDAL 3.6, pages of 10,000 (the most both serve).
OGR2OGR = "/usr/bin/ogr2ogr"
EXPORT_REPEAT = max(1, int(os.environ.get("BENCH_OGC_EXPORT_REPEAT") or 3))
# Boxes, west,south,east,north: a city (Baghdad), northern Iraq and western
# Iran, the whole region.
BOXES = {
    "city": "44.2,33.2,44.6,33.5",
    "region": "42,33,47,38",
    "all": "30,22,66,44",
}
# The export reads the largest of the boxes holding at most this many
# published events: northern Iraq and western Iran at 100,000 events,
# Baghdad at a million.
EXPORT_MAX = int(os.environ.get("BENCH_OGC_EXPORT_MAX") or 50_000)

# The properties /ogc/ gives an event (events.features.FULL_PROPERTIES), in
# its order, as columns of the view.
VIEW_SQL = f"""
CREATE OR REPLACE VIEW {VIEW} AS
SELECT e.id, e.point,
    e.title, e.summary, e.event_type, e.sub_event_type, e.start_date,
    e.end_date, e.date_precision, e.location_id, l.name AS location,
    l.country_code, e.geo_precision, e.fatalities_low, e.fatalities_best,
    e.fatalities_high,
    (SELECT string_agg(a.name, '; ' ORDER BY p.id) FROM events_participant p
     JOIN events_actor a ON a.id = p.actor_id WHERE p.event_id = e.id) AS actors,
    e.confidence, NULLIF(e.acled_id, '') AS acled_id,
    NULLIF(e.ucdp_id, '') AS ucdp_id, NULLIF(e.gdelt_id, '') AS gdelt_id,
    e.published_at, e.updated_at
FROM events_event e LEFT JOIN events_location l ON l.id = e.location_id
WHERE e.status = 'published'
"""


def config(run, port: int) -> str:
    """pygeoapi's configuration: one collection, pages of up to 10,000."""
    return json.dumps(
        {
            "server": {
                "bind": {"host": run.HOST, "port": port},
                "url": f"http://{run.HOST}:{port}",
                "mimetype": "application/json; charset=UTF-8",
                "encoding": "utf-8",
                "language": "en-US",
                "pretty_print": False,
                "limits": {"default_items": 10, "max_items": 10_000},
                "map": {"url": "http://127.0.0.1/{z}/{x}/{y}.png", "attribution": ""},
            },
            "logging": {"level": "ERROR"},
            "metadata": {
                "identification": {
                    "title": "Zagros bench",
                    "description": "pygeoapi beside /ogc/",
                    "keywords": ["events"],
                    "url": f"http://{run.HOST}:{port}",
                    "terms_of_service": "",
                },
                "license": {"name": "CC-BY 4.0", "url": ""},
                "provider": {"name": "bench", "url": ""},
                # Every field pygeoapi's OpenAPI document reads.
                "contact": {
                    key: ""
                    for key in (
                        "name",
                        "position",
                        "address",
                        "city",
                        "stateorprovince",
                        "postalCode",
                        "country",
                        "phone",
                        "fax",
                        "email",
                        "url",
                        "hours",
                        "instructions",
                        "role",
                    )
                },  # fmt: skip
            },
            "resources": {
                "events": {
                    "type": "collection",
                    "title": "Events",
                    "description": "Published events",
                    "keywords": ["events"],
                    "links": [],
                    "extents": {
                        "spatial": {
                            "bbox": [-180, -90, 180, 90],
                            "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
                        },
                    },
                    "providers": [
                        {
                            "type": "feature",
                            "name": "PostgreSQL",
                            "data": {
                                "host": run.PG_HOST,
                                "port": int(run.PG_PORT),
                                "dbname": run.DATABASE,
                                "user": run.PG_USER,
                                "password": "",
                                "search_path": ["public"],
                            },
                            "id_field": "id",
                            "table": VIEW,
                            "geom_field": "point",
                            # pygeoapi filters `datetime` on one column.
                            "time_field": "start_date",
                        }
                    ],
                }
            },
        },
        indent=1,
    )


class Pygeoapi:
    """pygeoapi's Flask app under gunicorn, one sync worker."""

    def __init__(self, run, folder: Path) -> None:
        self.run = run
        self.port = run.free_port()
        bindir = Path(sys.executable).parent
        config_path = folder / "pygeoapi.yml"
        openapi_path = folder / "openapi.yml"
        # JSON is YAML: the configuration is written as JSON.
        config_path.write_text(config(run, self.port))
        env = {
            **os.environ,
            "PYGEOAPI_CONFIG": str(config_path),
            "PYGEOAPI_OPENAPI": str(openapi_path),
        }
        subprocess.run(
            [str(bindir / "pygeoapi"), "openapi", "generate", str(config_path),
             "--output-file", str(openapi_path)],
            env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        self.process = subprocess.Popen(
            [str(bindir / "gunicorn"), "pygeoapi.flask_app:APP",
             "--bind", f"{run.HOST}:{self.port}", "--workers", "1",
             "--timeout", "900", "--log-level", "warning"],
            env=env, cwd=folder,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, _ = run.request(self, "/collections/events?f=json")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("pygeoapi did not start")
            time.sleep(0.3)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def items(run, server, path: str, params: dict) -> dict:
    return json.loads(run.fetch(server, path, params))


def answer(page: dict) -> tuple:
    """What both servers must agree on: the ids in order, and the count."""
    if "features" not in page:  # a single feature
        return (page["id"],)
    return [f["id"] for f in page["features"]], page.get("numberMatched")


def gpkg_ids(path: Path) -> list[int]:
    """The event ids an ogr2ogr export holds (GDAL names the field `id`)."""
    with sqlite3.connect(path) as db:
        table = db.execute(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features'"
        ).fetchone()[0]
        columns = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]
        column = "id" if "id" in columns else "fid"
        return sorted(
            int(r[0]) for r in db.execute(f'SELECT "{column}" FROM "{table}"')
        )


def export(url: str, folder: Path, name: str, box: str) -> tuple[float, list[int]]:
    target = folder / f"{name}.gpkg"
    target.unlink(missing_ok=True)
    west, south, east, north = box.split(",")
    started = time.perf_counter()
    subprocess.run(
        [OGR2OGR, "-f", "GPKG", str(target), f"OAPIF:{url}", "events",
         "-oo", "PAGE_SIZE=10000", "-spat", west, south, east, north],
        check=True, stdout=subprocess.DEVNULL,
        env={**os.environ, "GDAL_HTTP_TIMEOUT": "900"},
    )  # fmt: skip
    spent = time.perf_counter() - started
    return spent, gpkg_ids(target)


def in_turns(actions: list[Callable[[], float]], repeat: int) -> list[list[float]]:
    """Each action's seconds, run in turns (a, b, a, b, ...) after a warm-up."""
    for action in actions:
        action()
    spent: list[list[float]] = [[] for _ in actions]
    for _ in range(repeat):
        for action, times in zip(actions, spent, strict=True):
            times.append(action())
    return spent


def timed(run, server, path: str, params: dict) -> Callable[[], float]:
    def once() -> float:
        started = time.perf_counter()
        run.fetch(server, path, params)
        return time.perf_counter() - started

    return once


def link(page: dict, rel: str) -> dict | None:
    for entry in page.get("links", []):
        if entry["rel"] == rel:
            query = urllib.parse.urlsplit(entry["href"]).query
            return dict(urllib.parse.parse_qsl(query))
    return None


def run_step(bench) -> None:
    run = sys.modules[type(bench).__module__]
    with run.psycopg.connect(run.CONNINFO, autocommit=True) as conn:
        conn.execute(VIEW_SQL)
        published = conn.execute(f"SELECT count(*) FROM {VIEW}").fetchone()[0]
        # A month of events in the window queries: the last full year's May.
        year = conn.execute(
            f"SELECT extract(year FROM max(start_date))::int - 1 FROM {VIEW}"
        ).fetchone()[0]
        counts = {
            box: conn.execute(
                f"SELECT count(*) FROM {VIEW} WHERE "
                "ST_Intersects(point, ST_MakeEnvelope(%s, %s, %s, %s, 4326))",
                [float(n) for n in box.split(",")],
            ).fetchone()[0]
            for box in BOXES.values()
        }
        export_box = max(
            (box for box, count in counts.items() if count <= EXPORT_MAX),
            key=counts.get,
        )
        some_id = conn.execute(
            f"SELECT id FROM {VIEW} ORDER BY id OFFSET %s LIMIT 1", [published // 2]
        ).fetchone()[0]
    first, last = f"{year}-05-01", f"{year}-05-31"
    ours_path, theirs_path = (
        "/ogc/collections/events/items",
        "/collections/events/items",
    )
    # name: (ours' parameters, pygeoapi's parameters).
    queries: dict[str, tuple[dict, dict]] = {}
    for name, box in BOXES.items():
        queries[f"bbox_{name}"] = (
            {"bbox": box, "limit": LIMIT},
            {"bbox": box, "limit": LIMIT, "f": "json"},
        )
    # pygeoapi reads `datetime` as start_date in the window (its one time
    # field); /ogc/ reads it as the event's period overlapping the window.
    # Each is timed on its own `datetime`, the other asked the same question
    # with a CQL2 filter, so that both give the same features.
    queries["datetime_start"] = (
        {"filter": f"start_date >= DATE('{first}') AND start_date <= DATE('{last}')",
         "limit": LIMIT},
        {"datetime": f"{first}/{last}", "limit": LIMIT, "f": "json"},
    )  # fmt: skip
    queries["datetime_overlap"] = (
        {"datetime": f"{first}/{last}", "limit": LIMIT},
        # pygeoapi's CQL text (pygeofilter's) has no DATE(): a quoted date,
        # which PostgreSQL reads as one. The stored dates, where ours widens
        # them to their precision: the same while every published event's
        # dates span whole periods, as the generated ones do (checked below).
        {"filter": f"start_date <= '{last}' AND end_date >= '{first}'",
         "filter-lang": "cql-text", "limit": LIMIT, "f": "json"},
    )  # fmt: skip

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        theirs = Pygeoapi(run, folder)
        try:
            # The deep page: /ogc/ follows its next link (after= and the
            # count's token), pygeoapi its offset.
            box = BOXES["region"]
            ahead = items(run, bench.server, ours_path, {"bbox": box, "limit": DEEP})
            deep = {**link(ahead, "next"), "limit": str(LIMIT)}
            queries["bbox_region_deep"] = (
                deep,
                {"bbox": box, "limit": LIMIT, "offset": DEEP, "f": "json"},
            )
            details: dict[str, object] = {"published": published, "queries": {}}
            ratios = {}
            for name, (ours_params, their_params) in queries.items():
                ours_page = items(run, bench.server, ours_path, ours_params)
                their_page = items(run, theirs, theirs_path, their_params)
                if answer(ours_page) != answer(their_page):
                    raise RuntimeError(
                        f"ogc {name}: the servers differ: {answer(ours_page)} "
                        f"against {answer(their_page)}"
                    )
                ours_s, theirs_s = run.paired(
                    timed(run, bench.server, ours_path, ours_params),
                    timed(run, theirs, theirs_path, their_params),
                )
                ratios[name] = theirs_s / ours_s
                details["queries"][name] = {
                    "ours": ours_params, "pygeoapi": their_params,
                    "matched": their_page.get("numberMatched"),
                    "ours_ms": bench.ms(ours_s), "pygeoapi_ms": bench.ms(theirs_s),
                    "pygeoapi_vs_ours": round(theirs_s / ours_s, 2),
                }  # fmt: skip
                print(f"  {name}: {details['queries'][name]}", file=sys.stderr)

            # An item.
            ours_item = items(run, bench.server, f"{ours_path}/{some_id}", {})
            their_item = items(run, theirs, f"{theirs_path}/{some_id}", {"f": "json"})
            assert ours_item["id"] == their_item["id"] == some_id
            # The same properties (pygeoapi gives them in another order).
            assert set(ours_item["properties"]) == set(their_item["properties"]), (
                sorted(ours_item["properties"]),
                sorted(their_item["properties"]),
            )
            ours_s, theirs_s = run.paired(
                timed(run, bench.server, f"{ours_path}/{some_id}", {}),
                timed(run, theirs, f"{theirs_path}/{some_id}", {"f": "json"}),
            )
            ratios["item"] = theirs_s / ours_s
            details["queries"]["item"] = {
                "id": some_id, "ours_ms": bench.ms(ours_s),
                "pygeoapi_ms": bench.ms(theirs_s),
                "pygeoapi_vs_ours": round(theirs_s / ours_s, 2),
            }  # fmt: skip

            # The GDAL export of the box, pages of 10,000.
            ours_url = f"http://{run.HOST}:{bench.server.port}/ogc/"
            their_url = f"http://{run.HOST}:{theirs.port}/"
            ours_ids = export(ours_url, folder, "ours", export_box)[1]
            their_ids = export(their_url, folder, "pygeoapi", export_box)[1]
            if ours_ids != their_ids:
                raise RuntimeError(
                    f"ogc export: {len(ours_ids)} features against {len(their_ids)}"
                )
            ours_runs, their_runs = in_turns(
                [lambda: export(ours_url, folder, "ours", export_box)[0],
                 lambda: export(their_url, folder, "pygeoapi", export_box)[0]],
                EXPORT_REPEAT,
            )  # fmt: skip
            ours_s, theirs_s = (
                statistics.median(ours_runs),
                statistics.median(their_runs),
            )
            ratios["gdal_export"] = theirs_s / ours_s
            details["queries"]["gdal_export"] = {
                "command": f"ogr2ogr -f GPKG out.gpkg OAPIF:<landing page> events "
                f"-oo PAGE_SIZE=10000 -spat {export_box.replace(',', ' ')}",
                "gdal": subprocess.run(
                    [OGR2OGR, "--version"], capture_output=True, text=True
                ).stdout.strip(),
                "features": len(ours_ids), "ours_s": round(ours_s, 2),
                "pygeoapi_s": round(theirs_s, 2),
                "ours_runs_s": [round(t, 2) for t in ours_runs],
                "pygeoapi_runs_s": [round(t, 2) for t in their_runs],
                "pygeoapi_vs_ours": round(theirs_s / ours_s, 2),
            }  # fmt: skip
            print(
                f"  gdal_export: {details['queries']['gdal_export']}", file=sys.stderr
            )
        finally:
            theirs.stop()

    details["matched"] = matched_cost(bench, run, ours_path)
    bench.details["ogc"] = details
    for name, ratio in ratios.items():
        bench.add(
            f"pygeoapi_vs_ogc_{name}",
            ratio,
            1,
            higher=True,
            compares=f"pygeoapi ÷ /ogc/, {name.replace('_', ' ')}",
        )


def matched_cost(bench, run, path: str) -> dict:
    """
    /ogc/'s first page counts `numberMatched`; the next page reads the count
    from its link. Both timed, with the count alone in SQL, for the whole
    collection and for the region's box.
    """
    result = {}
    for name, params in {
        "all": {"limit": LIMIT},
        "region": {"bbox": BOXES["region"], "limit": LIMIT},
    }.items():
        first = items(run, bench.server, path, params)
        following = {**link(first, "next"), "limit": str(LIMIT)}
        second = items(run, bench.server, path, following)
        assert second["numberMatched"] == first["numberMatched"]
        first_s, next_s = run.paired(
            timed(run, bench.server, path, params),
            timed(run, bench.server, path, following),
        )
        where = ""
        args: list = []
        if "bbox" in params:
            where = "WHERE ST_Intersects(point, ST_MakeEnvelope(%s, %s, %s, %s, 4326))"
            args = [float(n) for n in params["bbox"].split(",")]
        count_s = run.median_seconds(
            lambda where=where, args=args: bench.conn.execute(
                f"SELECT count(*) FROM {VIEW} {where}", args
            ).fetchone()
        )
        result[name] = {
            "matched": first["numberMatched"],
            "first_page_ms": bench.ms(first_s), "next_page_ms": bench.ms(next_s),
            "count_sql_ms": bench.ms(count_s),
        }  # fmt: skip
        print(f"  numberMatched, {name}: {result[name]}", file=sys.stderr)
    return result
