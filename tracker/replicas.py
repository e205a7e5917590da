"""
Which database a request reads from: the one rule, in one place.

With DATABASE_REPLICA_URLS set, a safe request (GET, HEAD, OPTIONS) outside
the editors' screens reads from a streaming replica that

- answers (one that is down is skipped, and tried again RETRY_SECONDS later),
- lags by at most REPLICA_MAX_LAG seconds, and
- has replayed the client's own last write: after a request that may write,
  the primary's WAL position is kept in the shared cache under the client's
  session cookie or Authorization header, on whichever app server it landed,
  and a replica serves that client only once `pg_last_wal_replay_lsn()` has
  passed it.

Otherwise it reads from the primary. Writes, every request that is not safe,
and the admin and editors' screens use the primary. When the primary cannot
be reached, writes answer 503 in JSON with Retry-After, reads go on from the
replicas, and the admin is served read-only from a replica with a banner;
the first request after the primary is back uses it again.

Code that reads through the ORM is routed by `Router`; code that runs SQL of
its own reads through `read_connection()`.
"""

import contextlib
import hashlib
import itertools
import logging
import secrets
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, DatabaseError, Error, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponseBase, JsonResponse

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Screens where editors see and change what they just changed, always as the
# primary has it.
PRIMARY_PATHS = ("/admin/", "/inbox/", "/review/")
# How long a server that failed is left alone before it is tried again.
RETRY_SECONDS = 1.0
# With the primary down, a client's read waits at most this long for a
# replica to replay the client's last write (already received from the
# primary) before answering 503.
CATCH_UP_SECONDS = 5.0
RETRY_AFTER = "5"
# How long a replica's answer to the probe stands for this process's next
# requests; never longer than its lag allows (see `recent`).
PROBE_SECONDS = 1.0

_reading: ContextVar[str] = ContextVar("zagros_read_alias", default=DEFAULT_DB_ALIAS)
_down_until: dict[str, float] = {}
# alias: (when it was probed, what it said, its lag then)
_probed: dict[str, tuple[float, "ReplicaState", float]] = {}
_turns = itertools.count()
_turns_lock = threading.Lock()

PROBE_SQL = """
SELECT pg_is_in_recovery(),
       pg_last_wal_replay_lsn()::text,
       -- Replayed all it received. Not equality: after a restart the
       -- receiver starts again from the beginning of a WAL segment, so
       -- what it received can be behind what it had already replayed.
       CASE WHEN pg_last_wal_receive_lsn() IS NULL
            THEN pg_last_wal_replay_lsn() IS NULL
            ELSE pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn() END,
       extract(epoch FROM now() - pg_last_xact_replay_timestamp()),
       EXISTS (SELECT FROM pg_stat_wal_receiver WHERE status = 'streaming'),
       pg_last_wal_receive_lsn()::text
"""


def read_alias() -> str:
    """The database this request reads from (the primary outside requests)."""
    return _reading.get()


def read_connection() -> BaseDatabaseWrapper:
    """The connection for SQL of one's own that only reads."""
    return connections[_reading.get()]


def read_first(sql: str, params: dict | None = None) -> tuple:
    """
    The one row of `sql`, a statement that only reads, on the read
    connection. As a request's first statement on a connection kept from
    an earlier request, it is also the connection's health check
    (CONN_HEALTH_CHECKS), which Django would otherwise make a round trip of
    its own (`SELECT 1`): if the statement fails and the connection no
    longer answers (the server restarted, the backend was ended), the
    connection is replaced and the statement run again, as the health check
    would have replaced it before. A statement that fails on a connection
    that answers fails as it would have.
    """
    connection = read_connection()
    unchecked = (
        connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
    )
    if unchecked:
        connection.health_check_done = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone()
        except Error:
            if connection.is_usable():
                raise
            connection.close()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


class Router:
    """Reads where the request reads; every write, and migrations, to the primary."""

    def db_for_read(self, model, **hints) -> str:
        return _reading.get()

    def db_for_write(self, model, **hints) -> str:
        # Explicitly: an object read from a replica is saved on the primary.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, first, second, **hints) -> bool:
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        return False if db in settings.REPLICA_ALIASES else None


def lsn(text: str | None) -> int | None:
    """A WAL position ('16/B374D848') as a number, for comparing."""
    if not text:
        return None
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


@dataclass
class ReplicaState:
    replayed: int | None
    received: int | None
    caught_up: bool  # replayed all it received
    replay_age: float | None  # seconds since the newest transaction replayed
    streaming: bool  # connected to the primary


def is_down(alias: str) -> bool:
    return time.monotonic() < _down_until.get(alias, 0.0)


def mark_down(alias: str, error: BaseException) -> None:
    if not is_down(alias):
        logger.warning("Database %s unavailable: %s", alias, error)
    _down_until[alias] = time.monotonic() + RETRY_SECONDS
    _probed.pop(alias, None)
    with contextlib.suppress(DatabaseError):
        connections[alias].close()


def probe(alias: str) -> ReplicaState | None:
    """Where the replica is, or None (and left alone a while) if it cannot answer."""
    connection = connections[alias]
    for attempt in (1, 2):
        try:
            with connection.cursor() as cursor:
                cursor.execute(PROBE_SQL)
                recovering, replayed, caught_up, age, streaming, received = (
                    cursor.fetchone()
                )
            break
        except DatabaseError as error:
            # A kept connection to a server that has since restarted fails
            # once: a new connection is tried before the replica is skipped.
            if attempt == 2 or connection.in_atomic_block:
                mark_down(alias, error)
                return None
            connection.close()
    if not recovering:
        # Promoted: it takes writes of its own and no longer follows the primary.
        mark_down(alias, RuntimeError("not a replica (promoted?)"))
        return None
    state = ReplicaState(
        lsn(replayed),
        lsn(received),
        bool(caught_up),
        None if age is None else float(age),
        bool(streaming),
    )
    if state.streaming:
        # Its lag does not depend on the primary: kept for the next requests.
        _probed[alias] = (time.monotonic(), state, lag(state, lambda: True))
    return state


def recent(alias: str, required: int | None) -> ReplicaState | None:
    """
    What the replica said less than PROBE_SECONDS ago, if that still shows
    it fit: its lag then, plus the time since, within REPLICA_MAX_LAG, and
    the client's last write among what it had replayed (it replays in
    order, so it has still). Its connection is checked as the primary's is
    on each request (one `SELECT 1`): a replica gone since is probed again.
    """
    found = _probed.get(alias)
    if found is None:
        return None
    probed_at, state, lag_then = found
    age = time.monotonic() - probed_at
    if (
        age >= PROBE_SECONDS
        or lag_then + age > settings.REPLICA_MAX_LAG
        or (required is not None and (state.replayed or 0) < required)
    ):
        return None
    connection = connections[alias]
    if connection.connection is None or connection.in_atomic_block:
        return None
    try:
        connection.connection.execute("SELECT 1")
    except connection.Database.Error:
        # Gone since, or restarted: the probe reconnects or marks it down.
        _probed.pop(alias, None)
        return None
    return state


def primary_up() -> bool:
    """Whether the primary answers now (a failure is remembered a while)."""
    if is_down(DEFAULT_DB_ALIAS):
        return False
    try:
        # With CONN_HEALTH_CHECKS a kept connection to a restarted server is
        # replaced here, once per request.
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError as error:
        mark_down(DEFAULT_DB_ALIAS, error)
        return False


def lag(state: ReplicaState, primary_is_up) -> float:
    """Seconds the replica is behind, as far as it can tell."""
    if state.caught_up and (state.streaming or not primary_is_up()):
        # Everything sent has been replayed; with the primary gone, nothing
        # newer exists that the replica could have.
        return 0.0
    return float("inf") if state.replay_age is None else state.replay_age


def replica_for(required: int | None, primary_is_up) -> tuple[str | None, int | None]:
    """
    A replica fit to serve a client whose last write is at `required`, and
    the newest position received by a replica that has not replayed it yet.
    """
    aliases = settings.REPLICA_ALIASES
    with _turns_lock:
        start = next(_turns) % len(aliases)
    received = None
    for alias in aliases[start:] + aliases[:start]:
        if is_down(alias):
            continue
        state = recent(alias, required) or probe(alias)
        if state is None or lag(state, primary_is_up) > settings.REPLICA_MAX_LAG:
            continue
        if required is not None and (state.replayed or 0) < required:
            received = max(received or 0, state.received or 0)
            continue
        return alias, None
    return None, received


# Marks the cache's keeping of write positions: missing, or other than this
# process last saw, the cache has lost them (Redis restarted, flushed or
# evicted it), so positions written before are unknown for a while.
EPOCH_KEY = "rw:epoch"
_epoch: dict[str, object] = {"seen": None, "unsure_until": 0.0}


def positions_kept(epoch: object) -> bool:
    """Whether the write positions in the cache can be trusted now."""
    if not getattr(cache, "available", lambda: True)():
        return False
    lost = epoch is None
    if lost:
        cache.add(EPOCH_KEY, secrets.token_hex(8), None)
        epoch = cache.get(EPOCH_KEY)
    if lost or _epoch["seen"] not in (None, epoch):
        _epoch["unsure_until"] = time.monotonic() + write_memory_seconds()
    _epoch["seen"] = epoch
    return time.monotonic() >= _epoch["unsure_until"]


def write_memory_seconds() -> float:
    """
    How long a write's position is kept: by then any replica within
    REPLICA_MAX_LAG has replayed it (it has replayed a commit younger than
    REPLICA_MAX_LAG, and replays in order), with as much again to spare.
    """
    return 2 * settings.REPLICA_MAX_LAG + 1


def client_key(credential: str) -> str:
    return "rw:" + hashlib.sha256(credential.encode()).hexdigest()


def credentials(request: HttpRequest) -> list[str]:
    """What identifies the client: its Authorization header or session cookie."""
    found = []
    if authorization := request.META.get("HTTP_AUTHORIZATION"):
        found.append("a:" + authorization)
    if session := request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        found.append("s:" + session)
    return found


def unavailable(message: str) -> JsonResponse:
    response = JsonResponse({"detail": message}, status=503)
    response["Retry-After"] = RETRY_AFTER
    return response


PRIMARY_DOWN = (
    "The primary database cannot be reached: changes are refused until it is "
    "back, reads go on. Try again shortly."
)


class ReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request.database_read_only = False
        if not settings.REPLICA_ALIASES:
            return self.get_response(request)
        # Memo per request: whether the primary answers is asked once at most.
        known: dict[str, bool] = {}

        def primary_is_up() -> bool:
            if "up" not in known:
                known["up"] = primary_up()
            return known["up"]

        safe = request.method in SAFE_METHODS
        if not safe:
            if not primary_is_up():
                return unavailable(PRIMARY_DOWN)
            alias = DEFAULT_DB_ALIAS
        else:
            alias = self.choose(request, primary_is_up)
            if alias is None:
                return unavailable(
                    "Your last change is not yet readable while the primary "
                    "database is away. Try again shortly."
                )
        _reading.set(alias)
        response = self.get_response(request)
        if (
            alias != DEFAULT_DB_ALIAS
            and response.status_code >= 500
            and not response.streaming
            and probe(alias) is None
        ):
            # The replica went away during the request: a safe request is
            # answered again from elsewhere.
            alias = self.choose(request, primary_is_up) or DEFAULT_DB_ALIAS
            _reading.set(alias)
            response = self.get_response(request)
        if not safe or settings.SESSION_COOKIE_NAME in response.cookies:
            self.remember_write(request, response)
        if not safe and response.status_code == 503 and "Retry-After" not in response:
            response["Retry-After"] = RETRY_AFTER
        if settings.REPLICA_HEADER:
            response["X-Database"] = (
                "primary" if alias == DEFAULT_DB_ALIAS else "replica"
            )
        return response

    def choose(self, request: HttpRequest, primary_is_up) -> str | None:
        """The database for a safe request; None: none can serve it now."""
        if request.path.startswith(PRIMARY_PATHS):
            if primary_is_up():
                return DEFAULT_DB_ALIAS
            # Read-only from a replica, saying so.
            request.database_read_only = True
            alias, _ = replica_for(None, primary_is_up)
            return alias or DEFAULT_DB_ALIAS
        required = None
        if keys := [client_key(c) for c in credentials(request)]:
            positions = cache.get_many([*keys, EPOCH_KEY])
            # Where this client last wrote is unknown: the primary has it.
            if not positions_kept(positions.pop(EPOCH_KEY, None)) and primary_is_up():
                return DEFAULT_DB_ALIAS
            required = max((p for p in positions.values() if p), default=None)
        alias, received = replica_for(required, primary_is_up)
        if alias is not None:
            return alias
        if required is None or primary_is_up():
            return DEFAULT_DB_ALIAS
        # The primary is away and no replica has replayed this client's
        # write yet: wait for one that has received it.
        deadline = time.monotonic() + CATCH_UP_SECONDS
        while received is not None and received >= required:
            time.sleep(0.1)
            alias, received = replica_for(required, primary_is_up)
            if alias is not None or time.monotonic() > deadline:
                return alias
        return None

    def remember_write(self, request: HttpRequest, response: HttpResponseBase) -> None:
        """The primary's WAL position, kept for this client's next reads."""
        found = credentials(request)
        if (cookie := response.cookies.get(settings.SESSION_COOKIE_NAME)) and (
            cookie.value
        ):
            found.append("s:" + cookie.value)
        if not found:
            return
        try:
            with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
                cursor.execute("SELECT pg_current_wal_lsn()::text")
                position = lsn(cursor.fetchone()[0])
        except DatabaseError as error:
            mark_down(DEFAULT_DB_ALIAS, error)
            return
        cache.set_many({client_key(c): position for c in found}, write_memory_seconds())

    def process_exception(self, request: HttpRequest, exception: Exception):
        """A view stopped by an unreachable primary answers 503 in JSON."""
        if (
            isinstance(exception, DatabaseError)
            and settings.REPLICA_ALIASES
            and not primary_up()
        ):
            return unavailable(PRIMARY_DOWN)
        return None


def reset(**kwargs) -> None:
    # After the response (a stream included) is sent: the thread's next work
    # reads from the primary unless a request says otherwise.
    _reading.set(DEFAULT_DB_ALIAS)


request_finished.connect(reset, dispatch_uid="tracker.replicas.reset")
