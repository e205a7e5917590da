"""
What the read-replica router and the shared cache cost on read paths: the
same requests to two builds of the app, served by gunicorn over real HTTP,
on one primary and its streaming replica (stood up by bin/replica, dropped at
the end):

- single: DATABASE_URL only, the machine's cache directory: every read on
  the primary, no router work beyond asking which alias to use;
- replicated: DATABASE_REPLICA_URLS and REDIS_URL: each read request probes
  the replica (one short query) and reads there; throttle counts and map
  layers live in Redis.

Requests alternate between the builds, path by path; each figure is the
median of REPEAT (default 40) times after a warm-up, and the ratio is
replicated / single. Both databases run on this machine, so the replica's
own speed is the primary's. Writes bench/replica-cost-results.json.

    .venv/bin/python bench/replica_cost.py
"""

import json
import os
import secrets
import statistics
import sys
import tempfile
import time
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
PATHS = [
    "/api/v1/events/?page_size=100",
    "/api/v1/events/?format=geojson&bbox=42,34,47,38",
    "/api/v1/events/?q=border",
    "/maps/events.geojson?zoom=5",
    "/timeline/",
    "/feeds/events/",
    "/ogc/collections/events/items?limit=100",
]


def timed(port: int, path: str) -> float:
    began = time.perf_counter()
    status, _, _, problem = http_request(port, "GET", path)
    elapsed = time.perf_counter() - began
    if status != 200 or problem:
        raise RuntimeError(f"{path}: {status} {problem}")
    return elapsed


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
        builds = {
            "single": env,
            "replicated": {
                **env,
                "DATABASE_REPLICA_URLS": replica_url,
                "REDIS_URL": "redis://127.0.0.1:6379/8",
                "CACHE_KEY_PREFIX": f"cost-{secrets.token_hex(3)}",
            },
        }
        ports = {}
        for name, build in builds.items():
            ports[name] = free_port()
            servers.append(start_gunicorn(ports[name], build, workdir / f"{name}.log"))
        time.sleep(2)  # the replica replays the seed
        figures = {}
        for path in PATHS:
            times = {name: [] for name in builds}
            for name in builds:  # warm-up: connections, caches
                for _ in range(3):
                    timed(ports[name], path)
            for turn in range(repeat):
                order = list(builds) if turn % 2 else list(reversed(builds))
                for name in order:
                    times[name].append(timed(ports[name], path))
            single = statistics.median(times["single"])
            replicated = statistics.median(times["replicated"])
            figures[path] = {
                "single_ms": round(single * 1000, 2),
                "replicated_ms": round(replicated * 1000, 2),
                "ratio": round(replicated / single, 3),
            }
            log(f"{path}: {figures[path]}")
        RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
        width = max(map(len, PATHS))
        print(f"{'path':<{width}}  single ms  replicated ms  ratio")
        for path, row in figures.items():
            print(
                f"{path:<{width}}  {row['single_ms']:>9}  {row['replicated_ms']:>13}"
                f"  {row['ratio']:>5}"
            )
        return 0
    finally:
        for server in servers:
            stop_gunicorn(server)
        run_script("down", PAIR)


if __name__ == "__main__":
    sys.exit(main())
