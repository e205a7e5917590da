"""
Load with a fault: in a PostgreSQL cluster of its own, serve the app with
gunicorn, drive anonymous readers and editors writing through the API at it
for DURATION seconds, restart that cluster a third of the way through, then
check that every write the app acknowledged is stored as acknowledged.

    make loadtest
    DURATION=120 READERS=8 WRITERS=4 FAULT=crash make loadtest

The cluster, `zagros_load` of the newest PostgreSQL installed with PostGIS,
is made for the run with `pg_createcluster <version> zagros_load --port
<free port> -- --auth=trust` (listening on localhost only), started, and
dropped with `pg_dropcluster --stop` at the end, whatever happens. The fault
is only ever applied to that cluster: no server the run did not create is
stopped or restarted, the machine's own on port 5432 included. Creating a
cluster needs root (pg_createcluster runs initdb as the postgres user, as
initdb refuses root) or sudo. If a cluster named zagros_load exists already
(a run still going, or one that was killed), the run stops and says how to
drop it.

Environment:

    DURATION       seconds of load (default 60)
    READERS        anonymous reader threads (default 8)
    WRITERS        editor threads writing through the API (default 4)
    FAULT          restart: `pg_ctlcluster restart`, a fast shutdown (default);
                   crash: `stop -m immediate` then `start`, so the server
                   recovers from its write-ahead log as after a crash;
                   none: no fault, for a baseline
    SEED_EVENTS    synthetic events to add with generate_events (default 5000)

Prints a table and writes bench/loadtest-results.json. Exits 1 when a target
is missed: no errors outside the restart window, recovery under 10 s, no
acknowledged write missing.
"""

import datetime
import http.client
import itertools
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
RESULTS = ROOT / "bench" / "loadtest-results.json"

WORKERS, THREADS = 2, 4
REQUEST_TIMEOUT = 30.0
RECOVERY_TARGET = 10.0
EDITOR = "loadtest-editor"
CLUSTER = "zagros_load"
DATABASE = "zagros_load"

# What readers ask for, and how each complete answer ends: a streamed export
# cut off by the database going away has already sent its 200.
READS = [
    ("geojson_bbox", "/api/v1/events/?format=geojson&bbox=42,34,47,38", b"}"),
    ("search", "/api/v1/events/?q=border", b"}"),
    ("feed", "/feeds/events/", b"</feed>"),
    ("timeline", "/timeline/", b"</html>"),
    ("map_data", "/maps/events.geojson?zoom=5", b"}"),
    ("api_page", "/api/v1/events/?page_size=100", b"}"),
]


@dataclass
class Sample:
    """One HTTP exchange; times are seconds since the load started."""

    kind: str
    started: float
    finished: float
    status: int  # 0: no HTTP answer (refused, reset, timed out)
    ok: bool
    detail: str = ""


@dataclass
class Write:
    """A write sent by an editor, with the values it asked for."""

    kind: str  # create or update
    title: str
    status: int
    acknowledged: bool  # a 2xx with the whole body: the client saw success
    event_id: int | None = None
    version: int | None = None  # as acknowledged


@dataclass
class Fault:
    issued_wall: float = float("inf")  # time.time() when the fault began
    issued: float | None = None
    command_seconds: float | None = None
    down: float | None = None  # first refused connection
    ready: float | None = None  # first connection to the new server
    command_output: str = ""


@dataclass
class Worker:
    samples: list[Sample] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)


@dataclass
class Cluster:
    """The PostgreSQL cluster this run created, and the only one it touches."""

    version: str
    name: str
    port: int

    def ctl(self, *action: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            as_root(
                [
                    "pg_ctlcluster",
                    "--skip-systemctl-redirect",
                    self.version,
                    self.name,
                    *action,
                ]
            ),
            capture_output=True,
            text=True,
        )

    def urls(self, name: str) -> tuple[str, str]:
        """(libpq URL, Django URL) of database `name` in this cluster."""
        netloc = f"postgres@127.0.0.1:{self.port}"
        return f"postgresql://{netloc}/{name}", f"postgis://{netloc}/{name}"

    @property
    def log_file(self) -> Path:
        return Path(f"/var/log/postgresql/postgresql-{self.version}-{self.name}.log")


def as_root(command: list[str]) -> list[str]:
    """The cluster commands act as the postgres user: run them as root."""
    return command if os.geteuid() == 0 else ["sudo", "-n", *command]


def postgresql_version() -> str:
    """The newest PostgreSQL installed whose PostGIS is installed too."""
    installed = sorted(
        (path.name for path in Path("/usr/lib/postgresql").glob("*")),
        key=lambda name: int(name) if name.isdigit() else -1,
        reverse=True,
    )
    for version in installed:
        if Path(f"/usr/share/postgresql/{version}/extension/postgis.control").exists():
            return version
    raise SystemExit(
        "loadtest: no PostgreSQL with PostGIS installed; "
        "install e.g. postgresql-15 and postgresql-15-postgis-3"
    )


def create_cluster() -> Cluster:
    """A new cluster on a free port, started; trust authentication on localhost."""
    version = postgresql_version()
    listed = subprocess.run(
        ["pg_lsclusters", "-h"], capture_output=True, text=True, check=True
    ).stdout
    if any(line.split()[:2] == [version, CLUSTER] for line in listed.splitlines()):
        raise SystemExit(
            f"loadtest: a cluster {version} {CLUSTER} exists already, from a run "
            "still going or one that was killed. If no run is going, drop it:\n"
            f"    pg_dropcluster --stop {version} {CLUSTER}"
        )
    cluster = Cluster(version, CLUSTER, free_port())
    log(f"PostgreSQL {version} cluster {CLUSTER} of the run's own, port {cluster.port}")
    created = subprocess.run(
        as_root(
            [
                "pg_createcluster",
                version,
                CLUSTER,
                "--port",
                str(cluster.port),
                # Never started at boot should a killed run leave it behind.
                "--start-conf",
                "manual",
                "--",
                "--auth=trust",
            ]
        ),
        capture_output=True,
        text=True,
    )
    if created.returncode != 0:
        raise SystemExit(f"loadtest: pg_createcluster failed:\n{created.stderr}")
    started = cluster.ctl("start")
    if started.returncode != 0:
        drop_cluster(cluster, None)
        raise SystemExit(f"loadtest: the cluster did not start:\n{started.stderr}")
    return cluster


def drop_cluster(cluster: Cluster, keep_log_in: Path | None) -> None:
    """Stops and removes the run's cluster, its data and its log."""
    if keep_log_in is not None and keep_log_in.is_dir():
        # The server's side of any failure, kept next to gunicorn's log.
        copied = subprocess.run(
            as_root(["cat", str(cluster.log_file)]), capture_output=True
        )
        (keep_log_in / "postgresql.log").write_bytes(copied.stdout)
    dropped = subprocess.run(
        as_root(["pg_dropcluster", "--stop", cluster.version, cluster.name]),
        capture_output=True,
        text=True,
    )
    if dropped.returncode != 0:
        log(f"pg_dropcluster failed: {dropped.stderr.strip()}")
    else:
        log(f"Dropped the cluster {cluster.version} {cluster.name}")


def log(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def manage(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def server_environment(database_url: str, workdir: Path) -> dict[str, str]:
    """The app servers' environment for a load test against `database_url`."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "API_ANON_RATE": "1000000/min",
        "STATIC_ROOT": str(workdir / "static"),
    }


def prepare_database(cluster: Cluster, env: dict[str, str], seed_events: int) -> str:
    """A database with the schema, geography, demo data and an editor."""
    admin_url, _ = cluster.urls("postgres")
    libpq_url, _ = cluster.urls(DATABASE)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    with psycopg.connect(libpq_url, autocommit=True) as db:
        db.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    log(f"Database {DATABASE}: migrating, loading geography and demo data")
    manage("migrate", "--noinput", "-v0", env=env)
    manage("load_geography", env=env)
    manage("load_demo", env=env)
    if seed_events:
        try:
            manage("generate_events", "--count", str(seed_events), env=env)
            log(f"Added {seed_events} synthetic events")
        except RuntimeError as error:
            # The generator may be missing from an older checkout; the demo
            # data alone still exercises every path.
            log(f"No synthetic events ({str(error).strip().splitlines()[-1]})")
    script = (
        "from django.contrib.auth.models import Group, User\n"
        "from rest_framework.authtoken.models import Token\n"
        f"user, _ = User.objects.get_or_create(username={EDITOR!r})\n"
        "user.groups.add(Group.objects.get(name='Editor'))\n"
        "print(Token.objects.get_or_create(user=user)[0].key)\n"
    )
    return manage("shell", "-c", script, env=env).strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, env: dict[str, str], log_path: Path) -> subprocess.Popen:
    command = [
        GUNICORN,
        "tracker.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--threads",
        str(THREADS),
        "--graceful-timeout",
        "10",
    ]
    with log_path.open("w") as output:
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log_path.read_text()[-3000:]}")
        try:
            status, *_ = http_request(port, "GET", "/api/v1/")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"gunicorn did not answer:\n{log_path.read_text()[-3000:]}")


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def http_request(
    port: int,
    method: str,
    path: str,
    body: dict | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes, str]:
    """
    Status, headers, body and what went wrong reading the body (empty if
    nothing). One request on a connection of its own: a failure is then the
    server's answer (or its absence), never a keep-alive connection the
    server had already closed.
    """
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        all_headers = {"Connection": "close", **(headers or {})}
        if payload is not None:
            all_headers["Content-Type"] = "application/json"
        connection.request(method, path, body=payload, headers=all_headers)
        response = connection.getresponse()
        response_headers = {k.lower(): v for k, v in response.getheaders()}
        try:
            content, problem = response.read(), ""
        except (OSError, http.client.HTTPException) as error:
            content, problem = b"", f"body cut short: {type(error).__name__}"
        return response.status, response_headers, content, problem
    finally:
        connection.close()


class Load:
    def __init__(
        self,
        *,
        port: int,
        token: str,
        run: str,
        published_ids: list[int],
        location_id: int,
        started: float,
        stop_at: float,
    ) -> None:
        self.port = port
        self.token = token
        self.run = run
        self.published_ids = published_ids
        self.location_id = location_id
        self.started = started
        self.stop_at = stop_at
        self.created: list[int] = []  # ids of acknowledged creations, shared
        self.lock = threading.Lock()

    def now(self) -> float:
        return time.monotonic() - self.started

    def call(
        self,
        worker: Worker,
        kind: str,
        method: str,
        path: str,
        expected: tuple[int, ...],
        body: dict | None = None,
        headers: dict[str, str] | None = None,
        ending: bytes | None = None,
    ) -> tuple[int, dict[str, str], bytes, bool]:
        """Status, headers, body, and whether the answer was the one expected."""
        began = self.now()
        try:
            status, response_headers, content, detail = http_request(
                self.port, method, path, body, headers
            )
            if status not in expected:
                detail = detail or content[:200].decode(errors="replace")
            elif not detail and ending and not content.rstrip().endswith(ending):
                detail = "body cut short"
        except (OSError, http.client.HTTPException) as error:
            # Refused, reset or timed out before a status line.
            status, response_headers, content = 0, {}, b""
            detail = f"{type(error).__name__}: {error}"
        ok = status in expected and not detail
        worker.samples.append(Sample(kind, began, self.now(), status, ok, detail))
        return status, response_headers, content, ok

    def keep_going(self, worker: Worker, step: Callable[[], None]) -> None:
        """Run `step` until the end; a fault in the driver counts as an error."""
        while time.monotonic() < self.stop_at:
            began = self.now()
            try:
                step()
            except Exception as error:
                detail = f"driver: {type(error).__name__}: {error}"
                worker.samples.append(
                    Sample("driver", began, self.now(), 0, False, detail)
                )

    def read(self, worker: Worker, rng: random.Random) -> None:
        def step() -> None:
            if rng.random() < 1 / (len(READS) + 1):
                event_id = rng.choice(self.published_ids)
                kind, path, ending = "event_page", f"/events/{event_id}/", b"</html>"
            else:
                kind, path, ending = rng.choice(READS)
            self.call(worker, kind, "GET", path, (200,), ending=ending)

        self.keep_going(worker, step)

    def write(self, worker: Worker, number: int, rng: random.Random) -> None:
        auth = {"Authorization": f"Token {self.token}"}
        sequence = itertools.count(1)

        def step() -> None:
            number_sent = next(sequence)
            title = f"Load test {self.run} w{number}-{number_sent}"
            if number_sent % 3 == 1:
                self.create(worker, title, auth, rng)
            else:
                self.update(worker, title, auth, rng)

        self.keep_going(worker, step)

    def create(
        self, worker: Worker, title: str, auth: dict[str, str], rng: random.Random
    ) -> None:
        body = {
            "title": title,
            "summary": "A statement on border security, written by the load test.",
            "event_type": "statement",
            "start_date": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "location": self.location_id,
            "geo_precision": "country",
        }
        status, _, content, ok = self.call(
            worker, "create", "POST", "/api/v1/events/", (201,), body, auth
        )
        write = Write("create", title, status, ok)
        if ok:
            event = json.loads(content)
            write.event_id, write.version = event["id"], event["version"]
            with self.lock:
                self.created.append(event["id"])
        worker.writes.append(write)

    def update(
        self, worker: Worker, title: str, auth: dict[str, str], rng: random.Random
    ) -> None:
        with self.lock:
            # Recent events, so that editors often change the same one and
            # the If-Match check has conflicts to refuse.
            recent = self.created[-8:]
        if not recent:
            return
        event_id = rng.choice(recent)
        path = f"/api/v1/events/{event_id}/"
        _, headers, _, ok = self.call(
            worker, "editor_read", "GET", path, (200,), None, auth
        )
        if not ok:
            return
        body = {"title": title, "fatalities_best": rng.randint(0, 50)}
        status, _, content, ok = self.call(
            worker,
            "update",
            "PATCH",
            path,
            (200, 412),
            body,
            {**auth, "If-Match": headers["etag"]},
        )
        write = Write("update", title, status, ok and status == 200, event_id)
        if write.acknowledged:
            write.version = json.loads(content)["version"]
        worker.writes.append(write)


def restart_postgres(cluster: Cluster, mode: str, fault: Fault, load: Load) -> None:
    fault.issued_wall = time.time()
    fault.issued = load.now()
    if mode == "crash":
        commands = [["stop", "-m", "immediate"], ["start"]]
    else:
        commands = [["restart"]]
    output = []
    for command in commands:
        result = cluster.ctl(*command)
        output.append(result.stdout + result.stderr)
        if result.returncode:
            output.append(f"{' '.join(command)}: exit status {result.returncode}\n")
    fault.command_seconds = load.now() - fault.issued
    fault.command_output = "".join(output).strip()


def watch_postgres(libpq_url: str, fault: Fault, load: Load) -> None:
    """Note when the server stops answering and when its successor answers."""
    while fault.issued is None and time.monotonic() < load.stop_at:
        time.sleep(0.01)
    while time.monotonic() < load.stop_at + 60:
        try:
            with psycopg.connect(libpq_url, connect_timeout=2) as db:
                started = db.execute("SELECT pg_postmaster_start_time()").fetchone()[0]
            if started.timestamp() > fault.issued_wall:
                fault.ready = load.now()
                return
        except psycopg.OperationalError:
            if fault.down is None:
                fault.down = load.now()
        time.sleep(0.05)


def ensure_postgres_running(cluster: Cluster) -> None:
    """The writes are checked after the load: the cluster must be up for that."""
    if cluster.ctl("status").returncode != 0:
        log("PostgreSQL is down after the run: starting it")
        cluster.ctl("start")


def failure(sample: Sample) -> str:
    """What kind of failure a sample is, for counting."""
    if sample.detail.startswith(("body cut short", "driver")):
        return sample.detail
    if sample.status:
        return f"HTTP {sample.status}"
    return sample.detail.split(":")[0]  # the exception, e.g. ConnectionResetError


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def latency(samples: list[Sample]) -> dict:
    times = [(s.finished - s.started) * 1000 for s in samples]
    p50, p99 = percentile(times, 0.50), percentile(times, 0.99)
    return {
        "count": len(times),
        "p50_ms": round(p50, 1) if p50 is not None else None,
        "p99_ms": round(p99, 1) if p99 is not None else None,
    }


def verify_writes(libpq_url: str, run: str, writes: list[Write]) -> dict:
    """
    Every acknowledged write must be in the event's history with the version
    and title the app answered, and no stored event may be older than its
    latest acknowledged version. Also counted: writes that failed for the
    client yet were committed (the client cannot tell), and 412s that wrote.
    """
    acknowledged = [w for w in writes if w.acknowledged]
    ids = sorted({w.event_id for w in acknowledged})
    with psycopg.connect(libpq_url) as db:
        current = {
            row[0]: (row[1], row[2])
            for row in db.execute(
                "SELECT id, version, title FROM events_event WHERE id = ANY(%s)",
                [ids],
            )
        }
        history = set(
            db.execute(
                "SELECT pgh_obj_id, version, title FROM events_eventevent "
                "WHERE pgh_obj_id = ANY(%s)",
                [ids],
            ).fetchall()
        )
        stored_titles = {
            row[0]
            for row in db.execute(
                "SELECT title FROM events_eventevent WHERE title LIKE %s",
                [f"Load test {run} %"],
            )
        }
    missing = []
    latest: dict[int, Write] = {}
    for write in acknowledged:
        if (write.event_id, write.version, write.title) not in history:
            missing.append(
                f"{write.kind} of event {write.event_id} v{write.version}: "
                "not in its history"
            )
        if (
            write.event_id not in latest
            or write.version > latest[write.event_id].version
        ):
            latest[write.event_id] = write
    for event_id, write in latest.items():
        if event_id not in current:
            missing.append(f"event {event_id}: gone")
            continue
        version, title = current[event_id]
        if version < write.version or (
            version == write.version and title != write.title
        ):
            missing.append(
                f"event {event_id}: stored v{version} {title!r}, acknowledged "
                f"v{write.version} {write.title!r}"
            )
    refused = [w for w in writes if w.status == 412]
    failed = [w for w in writes if not w.acknowledged and w.status != 412]
    return {
        "creates_sent": sum(w.kind == "create" for w in writes),
        "creates_acknowledged": sum(w.kind == "create" for w in acknowledged),
        "updates_sent": sum(w.kind == "update" for w in writes),
        "updates_acknowledged": sum(w.kind == "update" for w in acknowledged),
        "updates_refused_412": len(refused),
        "acknowledged": len(acknowledged),
        "failed": len(failed),
        "acknowledged_missing": len(missing),
        "missing": missing[:20],
        "failed_but_committed": sum(w.title in stored_titles for w in failed),
        "refused_but_written": sum(w.title in stored_titles for w in refused),
    }


def main() -> int:
    duration = float(os.environ.get("DURATION", "60"))
    readers = int(os.environ.get("READERS", "8"))
    writers = int(os.environ.get("WRITERS", "4"))
    mode = os.environ.get("FAULT", "restart")
    if mode not in ("restart", "crash", "none"):
        raise SystemExit("FAULT is restart, crash or none")
    seed_events = int(os.environ.get("SEED_EVENTS", "5000"))
    cluster = create_cluster()
    workdir = Path(tempfile.mkdtemp(prefix="zagros-loadtest-"))
    try:
        return measure(cluster, workdir, duration, readers, writers, mode, seed_events)
    finally:
        drop_cluster(cluster, keep_log_in=workdir)


def measure(
    cluster: Cluster,
    workdir: Path,
    duration: float,
    readers: int,
    writers: int,
    mode: str,
    seed_events: int,
) -> int:
    """The run itself, in `cluster`; the exit status."""
    libpq_url, django_url = cluster.urls(DATABASE)
    run = secrets.token_hex(3)
    env = server_environment(django_url, workdir)

    token = prepare_database(cluster, env, seed_events)
    with psycopg.connect(libpq_url) as db:
        published_ids = [
            row[0]
            for row in db.execute(
                "SELECT id FROM events_event WHERE status = 'published' "
                "ORDER BY random() LIMIT 500"
            )
        ]
        location_id = db.execute(
            "SELECT id FROM events_location WHERE code = 'IRQ'"
        ).fetchone()[0]
        event_count = db.execute("SELECT count(*) FROM events_event").fetchone()[0]
        server_version = db.execute("SHOW server_version").fetchone()[0]
    manage("collectstatic", "--noinput", "-v0", env=env)

    port = free_port()
    server_log = workdir / "gunicorn.log"
    log(f"gunicorn on 127.0.0.1:{port}, {WORKERS} workers x {THREADS} threads")
    server = start_gunicorn(port, env, server_log)
    fault = Fault()
    try:
        started = time.monotonic()
        load = Load(
            port=port,
            token=token,
            run=run,
            published_ids=published_ids,
            location_id=location_id,
            started=started,
            stop_at=started + duration,
        )
        workers = [Worker() for _ in range(readers + writers)]
        threads = [
            threading.Thread(
                target=load.read, args=(workers[i], random.Random(i)), daemon=True
            )
            for i in range(readers)
        ] + [
            threading.Thread(
                target=load.write,
                args=(workers[readers + i], i, random.Random(1000 + i)),
                daemon=True,
            )
            for i in range(writers)
        ]
        watcher = None
        if mode != "none":
            watcher = threading.Thread(
                target=watch_postgres, args=(libpq_url, fault, load), daemon=True
            )
        log(
            f"Load for {duration:.0f} s: {readers} readers, {writers} writers; "
            + (
                "no fault"
                if watcher is None
                else f"PostgreSQL {mode} at {duration / 3:.0f} s"
            )
        )
        for thread in threads:
            thread.start()
        if watcher is not None:
            watcher.start()
            time.sleep(max(0.0, started + duration / 3 - time.monotonic()))
            restart_postgres(cluster, mode, fault, load)
            watcher.join()
        for thread in threads:
            thread.join()
    finally:
        stop_gunicorn(server)
        ensure_postgres_running(cluster)
    wall_seconds = time.monotonic() - started

    samples = sorted((s for w in workers for s in w.samples), key=lambda s: s.started)
    writes = [write for w in workers for write in w.writes]
    # The app is back with the first good answer to a request sent after
    # PostgreSQL accepted connections again.
    recovered = None
    if fault.ready is not None:
        recovered = min(
            (s.finished for s in samples if s.ok and s.started >= fault.ready),
            default=None,
        )
    window_end = recovered if recovered is not None else float("inf")

    def in_window(sample: Sample) -> bool:
        if fault.issued is None:
            return False
        return sample.finished >= fault.issued and sample.started <= window_end

    outside = [s for s in samples if not in_window(s)]
    errors = [s for s in samples if not s.ok]
    errors_outside = [s for s in outside if not s.ok]
    statuses = Counter(str(sample.status) for sample in samples)
    failures = Counter(failure(sample) for sample in errors)
    kinds = sorted({s.kind for s in samples})
    writes_checked = verify_writes(libpq_url, run, writes)

    def seconds(value: float | None) -> float | None:
        return round(value, 3) if value is not None else None

    recovery = (
        recovered - fault.ready if recovered is not None and fault.ready else None
    )
    results = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "setup": {
            "duration_s": duration,
            "readers": readers,
            "writers": writers,
            "fault": mode,
            "gunicorn": f"{WORKERS} workers x {THREADS} threads (gthread)",
            "conn_max_age": int(env.get("CONN_MAX_AGE", "60")),
            "cpus": os.cpu_count(),
            "postgresql": server_version,
            "cluster": f"{cluster.version} {cluster.name}, port {cluster.port}",
            "events_in_database": event_count,
        },
        "requests": {
            "served": len(samples),
            "per_second": round(len(samples) / wall_seconds, 1),
            "errors": len(errors),
            "in_restart_window": len(samples) - len(outside),
            "errors_in_restart_window": len(errors) - len(errors_outside),
            "outside_restart_window": len(outside),
            "errors_outside_restart_window": len(errors_outside),
            "error_rate_outside_restart_window": (
                round(len(errors_outside) / len(outside), 6) if outside else None
            ),
            "statuses": dict(sorted(statuses.items())),
            "errors_by_kind": dict(failures.most_common()),
            "first_errors_outside_window": [asdict(s) for s in errors_outside[:5]],
        },
        "restart": {
            "issued_at_s": seconds(fault.issued),
            "command_s": seconds(fault.command_seconds),
            "postgres_refused_from_s": seconds(fault.down),
            "postgres_accepting_at_s": seconds(fault.ready),
            "app_first_success_at_s": seconds(recovered),
            "last_error_at_s": seconds(max((s.finished for s in errors), default=None)),
            "window_s": seconds(recovered - fault.issued if recovered else None),
            "recovery_s": seconds(recovery),
            "command_output": fault.command_output,
        },
        "latency_outside_restart_window": {
            "all": latency(outside),
            **{kind: latency([s for s in outside if s.kind == kind]) for kind in kinds},
        },
        "latency_all_requests": latency(samples),
        "writes": writes_checked,
    }
    results["targets"] = {
        "no_errors_outside_restart_window": len(errors_outside) == 0,
        "no_acknowledged_write_missing": writes_checked["acknowledged_missing"] == 0,
    }
    if mode != "none":
        results["targets"]["recovery_under_10_s"] = (
            recovery is not None and recovery < RECOVERY_TARGET
        )
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    if errors_outside:
        log(f"gunicorn's log and the cluster's are kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if all(results["targets"].values()) else 1


def print_table(results: dict) -> None:
    setup, requests, restart = results["setup"], results["requests"], results["restart"]
    writes = results["writes"]
    rows = [
        ("date", results["date"]),
        (
            "load",
            f"{setup['duration_s']:.0f} s, {setup['readers']} readers, "
            f"{setup['writers']} writers, {setup['gunicorn']}",
        ),
        (
            "fault",
            "none"
            if setup["fault"] == "none"
            else f"PostgreSQL {setup['fault']} at {restart['issued_at_s']} s "
            f"(command {restart['command_s']} s)",
        ),
        ("requests served", f"{requests['served']} ({requests['per_second']}/s)"),
        (
            "errors in restart window",
            f"{requests['errors_in_restart_window']} of "
            f"{requests['in_restart_window']}",
        ),
        (
            "errors outside window",
            f"{requests['errors_outside_restart_window']} of "
            f"{requests['outside_restart_window']} "
            f"(rate {requests['error_rate_outside_restart_window']})",
        ),
        ("restart window", f"{restart['window_s']} s"),
        ("recovery after PostgreSQL is back", f"{restart['recovery_s']} s"),
    ]
    for kind, figures in results["latency_outside_restart_window"].items():
        rows.append(
            (
                f"latency {kind}",
                f"p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms "
                f"({figures['count']})",
            )
        )
    rows += [
        (
            "writes acknowledged",
            f"{writes['acknowledged']} ({writes['creates_acknowledged']} creates, "
            f"{writes['updates_acknowledged']} updates); "
            f"{writes['updates_refused_412']} refused with 412",
        ),
        ("acknowledged writes missing", str(writes["acknowledged_missing"])),
        ("failed writes committed anyway", str(writes["failed_but_committed"])),
        ("412s that wrote", str(writes["refused_but_written"])),
    ]
    rows += [
        (f"target: {name}", "pass" if ok else "FAIL")
        for name, ok in results["targets"].items()
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
