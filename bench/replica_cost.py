"""
What the read-replica router and the shared cache cost on the bench's read
paths: the same requests to two builds of the app, served by gunicorn over
real HTTP, on one primary and its streaming replica (stood up by bin/replica
on clusters and ports of their own, dropped at the end):

- single: DATABASE_URL only, a cache directory of its own: every read on the
  primary, no router work beyond asking which alias to use;
- replicated: DATABASE_REPLICA_URLS and REDIS_URL: each read request checks
  the replica (tracker.replicas) and reads there; the throttle's counts and
  the cached map layers, tiles and charts live in Redis.

Both builds read the same data from the same primary cluster, so the ratio
is the router's and the cache's cost, plus whatever reading on a hot standby
costs, not a difference between servers. Requests alternate between the
builds, path after path, turn after turn (a, b, then b, a); each path's
ratio is the median of its turns' replicated ÷ single.

In `make bench` (the `replicas` step, `run_step`): the pair's primary gets a
copy of the bench database (pg_dump in the directory format, pg_restore,
both with BENCH_REPLICA_JOBS jobs; then VACUUM ANALYZE), the replica a base
backup of it; BENCH_REPLICA_REPEAT turns (default 40). Alone, on a small
database of its own (5,000 synthetic events, SEED_EVENTS), writing
bench/replica-cost-results.json:

    .venv/bin/python bench/replica_cost.py
"""

import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import loadtest  # noqa: E402
from bench.loadtest import (  # noqa: E402
    ROOT,
    Cluster,
    free_port,
    http_request,
    log,
    manage,
    prepare_database,
    start_gunicorn,
    stop_gunicorn,
)
from bench.loadtest_replicas import run_script  # noqa: E402

RESULTS = ROOT / "bench" / "replica-cost-results.json"
PAIR = "zagros_cost_pair"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
# The standalone run's paths, on its small database.
PATHS = {
    "api_page": "/api/v1/events/?page_size=100",
    "geojson_bbox": "/api/v1/events/?format=geojson&bbox=42,34,47,38",
    "search": "/api/v1/events/?q=border",
    "map": "/maps/events.geojson?zoom=5",
    "timeline_page": "/timeline/",
    "feed": "/feeds/events/",
    "ogc_items": "/ogc/collections/events/items?limit=100",
}
BUILDS = ("single", "replicated")
# A path with this is asked anew each time ({turn} numbered), so that its
# answer is built rather than taken from the cache.
TURN = "{turn}"

Get = Callable[[str], tuple[int, dict[str, str], bytes]]


def compare(
    gets: dict[str, Get], paths: dict[str, str], repeat: int, seconds: float
) -> dict:
    """
    Each path through both builds in turns: per path, each build's median
    milliseconds and their ratio (replicated ÷ single). A path gets `repeat`
    turns, or as many more as fill about `seconds` of each build's time (by
    its warm-up): a short answer varies more with the machine's load, and needs more
    turns for as steady a median. Before timing, each path must answer 200
    on both, the replicated build from the replica (X-Database).
    """
    numbers = iter(range(10**9))

    def url(path: str) -> str:
        return path.replace(TURN, str(next(numbers)))

    def timed(build: str, path: str) -> float:
        started = time.perf_counter()
        status, _, body = gets[build](url(path))
        spent = time.perf_counter() - started
        if status != 200:
            raise RuntimeError(f"{build} {path}: {status} {body[:300]!r}")
        return spent

    turns = {}
    for name, path in paths.items():
        warm = []
        for build in BUILDS:
            status, headers, body = gets[build](url(path))
            if status != 200:
                raise RuntimeError(f"{build} {name} {path}: {status} {body[:300]!r}")
            if build == "replicated" and headers.get("x-database") != "replica":
                raise RuntimeError(
                    f"{name}: the replicated build read from "
                    f"{headers.get('x-database')!r}, not the replica"
                )
            # Warm-up: connections, caches, buffers.
            warm += [timed(build, path) for _ in range(3)]
        turns[name] = max(repeat, int(seconds / min(warm)))
    times = {name: {build: [] for build in BUILDS} for name in paths}
    total = max(turns.values())
    for turn in range(total):
        order = BUILDS if turn % 2 else tuple(reversed(BUILDS))
        for name, path in paths.items():
            if turn < turns[name]:
                for build in order:
                    times[name][build].append(timed(build, path))
        if (turn + 1) % 100 == 0:
            print(f"  {turn + 1} of {total} turns", file=sys.stderr)
    figures = {}
    for name, measured in times.items():
        single = statistics.median(measured["single"])
        replicated = statistics.median(measured["replicated"])
        figures[name] = {
            "path": paths[name],
            "turns": turns[name],
            "single_ms": round(single * 1000, 2),
            "replicated_ms": round(replicated * 1000, 2),
            "ratio": round(replicated / single, 3),
        }
    return figures


def print_table(figures: dict) -> None:
    width = max(map(len, figures))
    print(f"{'path':<{width}}  turns  single ms  replicated ms  ratio", file=sys.stderr)
    for name, row in figures.items():
        print(
            f"{name:<{width}}  {row['turns']:>5}  {row['single_ms']:>9}"
            f"  {row['replicated_ms']:>13}"
            f"  {row['ratio']:>5}",
            file=sys.stderr,
        )


def replicated_env(replica_url: str) -> dict[str, str]:
    """The replicated build's settings beside the single build's."""
    return {
        "DATABASE_REPLICA_URLS": replica_url,
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"replica-cost-{secrets.token_hex(4)}",
        "REPLICA_HEADER": "1",
    }


# --- in `make bench` ---------------------------------------------------------------


def bench_paths(run) -> dict[str, str]:
    """The bench's read paths, on its data."""
    from urllib.parse import urlencode

    with run.psycopg.connect(run.CONNINFO) as conn:
        published = conn.execute(
            "SELECT count(*) FROM events_event WHERE status = 'published'"
        ).fetchone()[0]
        event = conn.execute(
            "SELECT id FROM events_event WHERE status = 'published' "
            "ORDER BY id OFFSET %s LIMIT 1",
            [published // 2],
        ).fetchone()[0]
    feed = run.window(run.FEED_EVENTS, bbox=run.FEED_BBOX)
    # Baghdad at zoom 10 (events drawn one by one) and at zoom 6 (cells).
    tiles = [
        f"/tiles/events/{z}/{x}/{y}.mvt"
        for z in (6, 10)
        for x, y in [run.tile_xy(*run.TILE_PLACES[0], z)]
    ]
    return {
        "api_page": "/api/v1/events/?page_size=100",
        "api_event": f"/api/v1/events/{event}/",
        "geojson_bbox": "/api/v1/events/?" + urlencode({**feed, "format": "geojson"}),
        "search": "/api/v1/events/?" + urlencode({"q": run.SEARCH_TEXT}),
        "map": "/maps/events.geojson?" + urlencode(run.MAP_QUERY),
        "tile_cached": tiles[0],
        "tile_built": f"{tiles[1]}?bench={TURN}",
        "timeline": "/api/v1/events/timeline/?interval=month",
        "timeline_page": "/timeline/",
        "feed": "/feeds/events/",
        "ogc_items": "/ogc/collections/events/items?limit=100",
        "ogc_bbox": "/ogc/collections/events/items?"
        + urlencode({"bbox": run.FEED_BBOX, "limit": 100}),
    }


def run_step(bench) -> None:
    run = sys.modules[type(bench).__module__]
    repeat = int(os.environ.get("BENCH_REPLICA_REPEAT") or 40)
    seconds = float(os.environ.get("BENCH_REPLICA_SECONDS") or 15)
    jobs = os.environ.get("BENCH_REPLICA_JOBS") or "2"
    paths = bench_paths(run)
    workdir = Path(tempfile.mkdtemp(prefix="zagros-bench-replicas-"))
    primary_port, replica_port = free_port(), free_port()
    version = loadtest.postgresql_version()
    primary = Cluster(version, f"{PAIR}_primary", primary_port)
    replica = Cluster(version, f"{PAIR}_replica", replica_port)
    setup: dict[str, float] = {}
    try:
        started = time.monotonic()
        dump = workdir / "dump"
        subprocess.run(
            [
                "pg_dump", "-h", run.PG_HOST, "-p", run.PG_PORT, "-U", run.PG_USER,
                "-d", run.DATABASE, "--format=directory", "--jobs", jobs,
                "--compress=0", "--file", str(dump),
            ],
            check=True,
        )  # fmt: skip
        setup["dump_s"] = round(time.monotonic() - started)
        started = time.monotonic()
        # Restored on the pair's primary, vacuumed and analyzed, then copied
        # whole by the replica's base backup.
        run_script(
            "up", PAIR, str(primary_port), str(replica_port),
            DATABASE=run.DATABASE, DUMP=str(dump), JOBS=jobs,
        )  # fmt: skip
        setup["restore_and_replica_s"] = round(time.monotonic() - started)
        shutil.rmtree(dump)
        print(f"  pair ready: {setup}", file=sys.stderr)
        _, primary_url = primary.urls(run.DATABASE)
        _, replica_url = replica.urls(run.DATABASE)
        single = {"DATABASE_URL": primary_url, "CACHE_DIR": str(workdir / "cache")}
        with (
            run.serve(**single) as one,
            run.serve(**single, **replicated_env(replica_url)) as two,
        ):
            servers = {"single": one, "replicated": two}

            def getter(build: str) -> Get:
                def get(path: str) -> tuple[int, dict[str, str], bytes]:
                    status, body, response = run.request(servers[build], path)
                    headers = {k.lower(): v for k, v in response.getheaders()}
                    return status, headers, body

                return get

            gets = {build: getter(build) for build in BUILDS}
            figures = compare(gets, paths, repeat, seconds)
    finally:
        run_script("down", PAIR)
        shutil.rmtree(workdir, ignore_errors=True)
    print_table(figures)
    worst = max(figures, key=lambda name: figures[name]["ratio"])
    bench.details["replicas"] = {
        "repeat": repeat, "seconds": seconds, "setup": setup, "paths": figures,
    }  # fmt: skip
    bench.add(
        "replica_cost_max",
        figures[worst]["ratio"],
        1.05,
        compares=f"replicated build (router, replica, Redis) ÷ single database, "
        f"worst of {len(figures)} read paths: {worst}",
    )


# --- alone ---------------------------------------------------------------------------


def main() -> int:
    repeat = int(os.environ.get("REPEAT", "40"))
    primary_port, replica_port = free_port(), free_port()
    run_script("up", PAIR, str(primary_port), str(replica_port), DATABASE="")
    version = loadtest.postgresql_version()
    primary = Cluster(version, f"{PAIR}_primary", primary_port)
    replica = Cluster(version, f"{PAIR}_replica", replica_port)
    workdir = Path(tempfile.mkdtemp(prefix="zagros-replica-cost-"))
    servers = []
    try:
        _, primary_url = primary.urls(loadtest.DATABASE)
        _, replica_url = replica.urls(loadtest.DATABASE)
        env = {
            **loadtest.server_environment(primary_url, workdir),
            "CACHE_DIR": str(workdir / "cache"),
        }
        prepare_database(primary, env, int(os.environ.get("SEED_EVENTS", "5000")))
        manage("collectstatic", "--noinput", "-v0", env=env)
        builds = {"single": env, "replicated": {**env, **replicated_env(replica_url)}}
        ports = {}
        for name, build in builds.items():
            ports[name] = free_port()
            servers.append(start_gunicorn(ports[name], build, workdir / f"{name}.log"))
        time.sleep(2)  # the replica replays the seed

        def getter(build: str) -> Get:
            def get(path: str) -> tuple[int, dict[str, str], bytes]:
                status, headers, body, problem = http_request(ports[build], "GET", path)
                if problem:
                    raise RuntimeError(f"{path}: {problem}")
                return status, headers, body

            return get

        figures = compare(
            {b: getter(b) for b in BUILDS}, PATHS, repeat,
            float(os.environ.get("SECONDS", "15")),
        )  # fmt: skip
        RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
        print_table(figures)
        log(f"Wrote {RESULTS.relative_to(ROOT)}")
        return 0
    finally:
        for server in servers:
            stop_gunicorn(server)
        run_script("down", PAIR)


if __name__ == "__main__":
    sys.exit(main())
