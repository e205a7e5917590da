"""
Load on the replicated topology, with faults: two app servers (gunicorn)
sharing a Redis cache, in front of a primary and a streaming replica that
replays 2 seconds late (recovery_min_apply_delay), all of the run's own.
Anonymous readers and token-holding editors load both servers for DURATION
seconds; meanwhile the replica is stopped and started again, then the
primary. After each acknowledged write, the editor reads its event back at
once through the other app server: a read that misses the write is stale.

    make loadtest REPLICAS=1
    DURATION=120 READERS=8 WRITERS=4 make loadtest REPLICAS=1

The pair is stood up by bin/replica (clusters NAME_primary and NAME_replica
on free ports, `pg_createcluster ... -- --auth=trust`, `pg_basebackup -R`)
and dropped at the end, whatever happens; no other server is stopped or
restarted. Redis is the machine's own (127.0.0.1:6379), database REDIS_DB
(default 8), keys under a prefix of the run's own.

Fault windows: from the stop of a server to 5 s after it is started again.
Prints a table and writes bench/loadtest-replicas-results.json. Exits 1
when a target is missed: no error outside the fault windows, every read
answered while the primary is down, no stale read after a write, no
acknowledged write missing.
"""

import datetime
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import loadtest  # noqa: E402  (the single-server load test)
from bench.loadtest import (  # noqa: E402
    READS,
    ROOT,
    Cluster,
    Write,
    free_port,
    http_request,
    log,
    manage,
    percentile,
    prepare_database,
    start_gunicorn,
    stop_gunicorn,
    verify_writes,
)

RESULTS = ROOT / "bench" / "loadtest-replicas-results.json"
PAIR = "zagros_load_pair"
APPLY_DELAY = "2s"
SETTLE_SECONDS = 5.0  # after a restart, still inside the fault window


@dataclass
class Sample:
    kind: str
    server: int
    started: float
    finished: float
    status: int
    ok: bool
    database: str = ""  # X-Database: replica or primary
    detail: str = ""


@dataclass
class Window:
    what: str
    stopped: float | None = None
    started: float | None = None

    def holds(self, sample: Sample) -> bool:
        if self.stopped is None:
            return False
        end = (self.started or float("inf")) + SETTLE_SECONDS
        return sample.finished >= self.stopped and sample.started <= end


@dataclass
class Worker:
    samples: list[Sample] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)


class Load:
    def __init__(self, ports, token, run, location_id, stop_at):
        self.ports, self.token, self.run = ports, token, run
        self.location_id = location_id
        self.started = time.monotonic()
        self.stop_at = stop_at

    def now(self) -> float:
        return time.monotonic() - self.started

    def call(
        self, worker, kind, server, method, path, expected, body=None, headers=None
    ):
        began = self.now()
        try:
            status, answer, content, detail = http_request(
                self.ports[server], method, path, body, headers
            )
            if status not in expected:
                detail = detail or content[:200].decode(errors="replace")
        except OSError as error:
            status, answer, content = 0, {}, b""
            detail = f"{type(error).__name__}: {error}"
        ok = status in expected and not detail
        worker.samples.append(
            Sample(
                kind, server, began, self.now(), status, ok,
                answer.get("x-database", ""), detail,
            )
        )  # fmt: skip
        return status, answer, content, ok

    def read(self, worker: Worker, rng: random.Random) -> None:
        while time.monotonic() < self.stop_at:
            kind, path, _ = rng.choice(READS)
            self.call(worker, kind, rng.randrange(2), "GET", path, (200,))

    def write(self, worker: Worker, number: int, rng: random.Random) -> None:
        auth = {"Authorization": f"Token {self.token}"}
        sent = 0
        event_id = None
        while time.monotonic() < self.stop_at:
            sent += 1
            server = rng.randrange(2)
            title = f"Load test {self.run} w{number}-{sent}"
            if event_id is None or sent % 3 == 1:
                body = {
                    "title": title,
                    "summary": "Written by the replica load test.",
                    "event_type": "statement",
                    "start_date": "2024-05-01",
                    "location": self.location_id,
                    "geo_precision": "country",
                }
                status, _, content, ok = self.call(
                    worker, "create", server, "POST", "/api/v1/events/", (201,),
                    body, auth,
                )  # fmt: skip
                write = Write("create", title, status, ok)
                if ok:
                    event = json.loads(content)
                    event_id = write.event_id = event["id"]
                    write.version = event["version"]
            else:
                path = f"/api/v1/events/{event_id}/"
                status, _, content, ok = self.call(
                    worker, "update", server, "PATCH", path, (200,),
                    {"title": title}, auth,
                )  # fmt: skip
                write = Write("update", title, status, ok, event_id)
                if ok:
                    write.version = json.loads(content)["version"]
            worker.writes.append(write)
            if write.acknowledged:
                self.read_back(worker, 1 - server, write, auth)
            else:
                time.sleep(0.2)  # a refused write (primary away): not a hot loop

    def read_back(self, worker: Worker, server: int, write: Write, auth) -> None:
        """The write, read at once through the other app server."""
        status, answer, content, ok = self.call(
            worker, "read_after_write", server, "GET",
            f"/api/v1/events/{write.event_id}/", (200,), None, auth,
        )  # fmt: skip
        if not ok:
            return
        event = json.loads(content)
        if event["version"] < write.version:
            worker.stale.append(
                f"event {write.event_id}: read v{event['version']} from "
                f"{answer.get('x-database')} after v{write.version} was acknowledged"
            )


def run_script(*args: str, **env: str) -> str:
    result = subprocess.run(
        [str(ROOT / "bin" / "replica"), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"bin/replica {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def latency(samples: list[Sample]) -> dict:
    times = [(s.finished - s.started) * 1000 for s in samples]
    figures = {"count": len(times)}
    for name, fraction in (("p50_ms", 0.5), ("p95_ms", 0.95), ("p99_ms", 0.99)):
        value = percentile(times, fraction)
        figures[name] = round(value, 1) if value is not None else None
    return figures


def faults(primary: Cluster, replica: Cluster, load: Load, duration: float):
    """Replica down from 20 % to 35 % of the run, primary from 55 % to 70 %."""
    windows = []
    for cluster, what, down, up in (
        (replica, "replica", 0.20, 0.35),
        (primary, "primary", 0.55, 0.70),
    ):
        window = Window(what)
        windows.append(window)
        time.sleep(max(0.0, load.started + duration * down - time.monotonic()))
        window.stopped = load.now()
        cluster.ctl("stop", "-m", "fast")
        time.sleep(max(0.0, load.started + duration * up - time.monotonic()))
        cluster.ctl("start")
        window.started = load.now()
        log(
            f"{what}: stopped at {window.stopped:.1f} s, "
            f"started at {window.started:.1f} s"
        )
    return windows


def main() -> int:
    duration = float(os.environ.get("DURATION", "60"))
    readers = int(os.environ.get("READERS", "6"))
    writers = int(os.environ.get("WRITERS", "3"))
    seed_events = int(os.environ.get("SEED_EVENTS", "5000"))
    redis_db = int(os.environ.get("REDIS_DB", "8"))
    primary_port, replica_port = free_port(), free_port()
    log(
        f"Primary on port {primary_port}, "
        f"replica on {replica_port} ({APPLY_DELAY} late)"
    )
    run_script(
        "up", PAIR, str(primary_port), str(replica_port),
        DATABASE="", APPLY_DELAY=APPLY_DELAY,
    )  # fmt: skip
    version = loadtest.postgresql_version()
    primary = Cluster(version, f"{PAIR}_primary", primary_port)
    replica = Cluster(version, f"{PAIR}_replica", replica_port)
    workdir = Path(tempfile.mkdtemp(prefix="zagros-loadtest-replicas-"))
    try:
        return measure(
            primary, replica, workdir, duration, readers, writers, seed_events, redis_db
        )
    finally:
        primary.ctl("start")
        replica.ctl("start")
        run_script("down", PAIR)
        log(f"Dropped the pair {PAIR}; logs in {workdir}")


def measure(
    primary, replica, workdir, duration, readers, writers, seed_events, redis_db
):
    libpq_url, primary_url = primary.urls(loadtest.DATABASE)
    _, replica_url = replica.urls(loadtest.DATABASE)
    run = secrets.token_hex(3)
    env = loadtest.server_environment(primary_url, workdir)
    token = prepare_database(primary, env, seed_events)
    manage("collectstatic", "--noinput", "-v0", env=env)
    with psycopg.connect(libpq_url) as db:
        location_id = db.execute(
            "SELECT id FROM events_location WHERE code = 'IRQ'"
        ).fetchone()[0]
        events = db.execute("SELECT count(*) FROM events_event").fetchone()[0]
    served_env = {
        **env,
        "DATABASE_REPLICA_URLS": replica_url,
        "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "CACHE_KEY_PREFIX": f"loadtest-{run}",
        "REPLICA_HEADER": "1",
    }
    ports = [free_port(), free_port()]
    servers = [
        start_gunicorn(port, served_env, workdir / f"gunicorn-{n}.log")
        for n, port in enumerate(ports)
    ]
    log(f"Two app servers on {ports}; load for {duration:.0f} s")
    try:
        load = Load(ports, token, run, location_id, time.monotonic() + duration)
        workers = [Worker() for _ in range(readers + writers)]
        threads = [
            threading.Thread(target=load.read, args=(workers[i], random.Random(i)))
            for i in range(readers)
        ] + [
            threading.Thread(
                target=load.write,
                args=(workers[readers + i], i, random.Random(1000 + i)),
            )
            for i in range(writers)
        ]
        for thread in threads:
            thread.start()
        windows = faults(primary, replica, load, duration)
        for thread in threads:
            thread.join()
    finally:
        for server in servers:
            stop_gunicorn(server)
    samples = sorted((s for w in workers for s in w.samples), key=lambda s: s.started)
    writes = [write for w in workers for write in w.writes]
    stale = [line for w in workers for line in w.stale]
    primary_window = windows[1]

    def in_fault(sample: Sample) -> bool:
        return any(window.holds(sample) for window in windows)

    outside = [s for s in samples if not in_fault(s)]
    errors = [s for s in samples if not s.ok]
    errors_outside = [s for s in outside if not s.ok]
    reads = [s for s in samples if s.kind not in ("create", "update")]
    primary_down_reads = [
        s
        for s in reads
        if s.kind != "read_after_write"
        and primary_window.stopped <= s.started
        and s.finished <= primary_window.started
    ]
    from_replica = sum(s.database == "replica" for s in reads if s.ok)
    writes_checked = verify_writes(libpq_url, run, writes)
    results = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "setup": {
            "duration_s": duration,
            "readers": readers,
            "writers": writers,
            "app_servers": 2,
            "gunicorn": f"{loadtest.WORKERS} workers x {loadtest.THREADS} threads each",
            "replica_apply_delay": APPLY_DELAY,
            "events_in_database": events,
            "cpus": os.cpu_count(),
        },
        "faults": [asdict(window) for window in windows],
        "requests": {
            "served": len(samples),
            "reads": len(reads),
            "errors": len(errors),
            "errors_outside_fault_windows": len(errors_outside),
            "statuses": dict(sorted(Counter(str(s.status) for s in samples).items())),
            "first_errors_outside": [asdict(s) for s in errors_outside[:5]],
            "reads_from_replica_fraction": (
                round(from_replica / len(reads), 3) if reads else None
            ),
            "reads_while_primary_down": len(primary_down_reads),
            "reads_answered_while_primary_down": sum(s.ok for s in primary_down_reads),
        },
        "latency_outside_fault_windows": {
            "all": latency(outside),
            **{
                kind: latency([s for s in outside if s.kind == kind])
                for kind in sorted({s.kind for s in samples})
            },
        },
        "stale_reads_after_write": len(stale),
        "stale_examples": stale[:10],
        "writes": writes_checked,
    }
    results["targets"] = {
        "no_errors_outside_fault_windows": not errors_outside,
        "reads_answered_while_primary_down": bool(primary_down_reads)
        and all(s.ok for s in primary_down_reads),
        "no_stale_read_after_write": not stale,
        "no_acknowledged_write_missing": writes_checked["acknowledged_missing"] == 0,
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps({k: results[k] for k in ("requests", "targets")}, indent=2))
    rows = [
        ("requests", results["requests"]["served"]),
        ("errors (outside fault windows)", f"{len(errors)} ({len(errors_outside)})"),
        ("reads from the replica", results["requests"]["reads_from_replica_fraction"]),
        (
            "reads answered while the primary was down",
            f"{results['requests']['reads_answered_while_primary_down']} of "
            f"{len(primary_down_reads)}",
        ),
        ("stale reads after a write", len(stale)),
        ("acknowledged writes", writes_checked["acknowledged"]),
        ("acknowledged writes missing", writes_checked["acknowledged_missing"]),
    ]
    for kind, figures in results["latency_outside_fault_windows"].items():
        rows.append(
            (
                f"latency {kind}",
                f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
                f"p99 {figures['p99_ms']} ms ({figures['count']})",
            )
        )
    rows += [
        (f"target: {k}", "pass" if v else "FAIL") for k, v in results["targets"].items()
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}")
    return 0 if all(results["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
