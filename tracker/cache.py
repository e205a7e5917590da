"""
Cache backends that fail soft: a cache server (Redis) that cannot be
reached, or a cache directory that cannot be written, makes every read a
miss and every write a no-op, logged, never an error for the request.
After a failure the backend leaves the store alone for RETRY_SECONDS, so
a dead server costs one failed attempt per process per interval, not one
per request; then it tries again, and carries on when the server is back.

`available()` says whether the last attempt reached the store: the database
router (tracker.replicas) keeps the write positions of clients there, and a
client whose position cannot be read is then served by the primary.

`lasting()` reads entries whose value never changes under their key (map
layers and event tiles, keyed by the data version): each process keeps its
own copy of those it used last, so a hit costs no round trip to the store.
`clear()` empties that copy too.
"""

import itertools
import logging
import pickle
import secrets
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
# What `lasting` keeps in each process (characters or bytes), at most.
LOCAL_BYTES = 32 * 1024 * 1024
# The file cache counts its entries (to cull them past MAX_ENTRIES) once
# every this many writes of a process, not at every write.
CULL_CHECK_WRITES = 100

# The file cache's compression (zlib): the fastest level. Django's default
# (6) spends 9-10 ms on a 260 KB vector tile where level 1 spends 2-3 ms
# for a file 15 % larger; either level reads back the same.
FILE_COMPRESSION = 1
# Returned by a read that could not reach the store (never a stored value).
MISSED = object()


class FailSoft:
    """Wraps a backend's operations; `failures` are the errors of its store."""

    failures: tuple[type[BaseException], ...] = ()

    _down_until = 0.0

    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _attempt(self, operation: str, fallback: Any, *args, **kwargs) -> Any:
        return self._guarded(fallback, getattr(super(), operation), *args, **kwargs)

    def _guarded(self, fallback: Any, function: Callable, *args, **kwargs) -> Any:
        if not self.available():
            return fallback
        try:
            return function(*args, **kwargs)
        except self.failures as error:
            self._down_until = time.monotonic() + RETRY_SECONDS
            logger.warning(
                "Cache unavailable (%s: %s); serving without it for %.0f s",
                type(error).__name__,
                error,
                RETRY_SECONDS,
            )
            return fallback

    def get(self, key, default=None, version=None):
        found = self._attempt("get", MISSED, key, MISSED, version)
        return default if found is MISSED else found

    def set(self, key, value, timeout=Ellipsis, version=None):
        if timeout is Ellipsis:
            timeout = self.default_timeout
        self._attempt("set", None, key, value, timeout, version)

    def add(self, key, value, timeout=Ellipsis, version=None):
        if timeout is Ellipsis:
            timeout = self.default_timeout
        return self._attempt("add", False, key, value, timeout, version)

    def touch(self, key, timeout=Ellipsis, version=None):
        if timeout is Ellipsis:
            timeout = self.default_timeout
        return self._attempt("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._attempt("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._attempt("get_many", {}, keys, version)

    def set_many(self, data, timeout=Ellipsis, version=None):
        if timeout is Ellipsis:
            timeout = self.default_timeout
        return self._attempt("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        self._attempt("delete_many", None, keys, version)

    def has_key(self, key, version=None):
        return self._attempt("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        # A missing key raises ValueError, as in every backend; an
        # unreachable store has no value to add to either.
        found = self._attempt("incr", MISSED, key, delta, version)
        if found is MISSED:
            raise ValueError(f"Key {key!r} not found (the cache is unavailable).")
        return found

    def clear(self):
        # What this process kept of the lasting entries goes too.
        local.clear()
        self._attempt("clear", None)


def redis_failures() -> tuple[type[BaseException], ...]:
    from redis.exceptions import ConnectionError, TimeoutError

    # OSError: a socket that fails below redis-py's own error handling.
    return (ConnectionError, TimeoutError, OSError)


# One request in a sliding window of a rate limit, in one atomic step on the
# Redis server: the window's requests older than it are dropped, and the new
# one is recorded only while fewer than the limit remain. Answers the seconds
# until the oldest request kept leaves the window when the limit is reached,
# else -1. KEYS[1]: the client's window (a sorted set of request times);
# ARGV: now (empty: the Redis server's own clock, which every app server
# shares, so that their clocks' skew moves no window), the window's length
# in seconds, the limit, a unique member.
TAKE_TURN = """
local now = tonumber(ARGV[1])
if now == nil then
    local clock = redis.call('TIME')
    now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
end
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    if oldest[2] == nil then
        -- A limit of 0: nothing kept to wait for but the whole window.
        return tostring(window)
    end
    return tostring(tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
return '-1'
"""


class RedisCache(FailSoft, RedisCache):
    """Django's Redis backend, failing soft when Redis is unreachable."""

    @property
    def failures(self):  # redis is imported only where the backend is used
        return redis_failures()

    def take_turn(
        self, key: str, *, window: float, limit: int, now: float | None = None
    ) -> float | None:
        """
        Record a request under `key` unless `limit` of them fall within the
        last `window` seconds: None when it is recorded (allowed), else the
        seconds until one leaves the window. Atomic across every process and
        server sharing this Redis; None (allowed) when Redis cannot be reached.
        Times are the Redis server's clock, unless `now` is given.
        """
        made = self.make_and_validate_key(key)

        def run() -> float | None:
            from redis.exceptions import ResponseError

            client = self._cache.get_client(made, write=True)
            member = secrets.token_hex(8)
            given = "" if now is None else repr(now)
            try:
                answer = client.eval(TAKE_TURN, 1, made, given, window, limit, member)
            except ResponseError as error:
                # A server that refuses to write (read-only, out of memory)
                # counts nothing: the request passes, as when it is away.
                logger.warning("Rate limit not counted (%s)", error)
                return None
            wait = float(answer)
            return None if wait < 0 else wait

        return self._guarded(None, run)


class FileBasedCache(FailSoft, FileBasedCache):
    """
    Django's file cache (one directory for every worker of a machine),
    failing soft on a full or unwritable disk, compressing its entries at
    FILE_COMPRESSION. Django lists the whole
    directory at every write to count its entries, which at a few thousand
    entries costs more than the write (tens of milliseconds at 5,000); here
    a process counts them at its first write and then once every
    `cull_every()` writes, so the directory holds at most about that many
    entries per process more than MAX_ENTRIES.
    """

    failures = (OSError,)
    writes = itertools.count()

    def cull_every(self) -> int:
        """Writes between two counts: CULL_CHECK_WRITES, or fewer when a cull
        (a third of MAX_ENTRIES, by default) removes fewer entries than that."""
        removed = self._max_entries // max(self._cull_frequency, 1)
        return max(1, min(CULL_CHECK_WRITES, removed))

    def _cull(self) -> None:
        if next(self.writes) % self.cull_every() == 0:
            super()._cull()

    def _write_content(self, file, timeout, value) -> None:
        # As Django writes an entry, at FILE_COMPRESSION.
        file.write(
            pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol)
        )
        file.write(
            zlib.compress(pickle.dumps(value, self.pickle_protocol), FILE_COMPRESSION)
        )


Lasting = TypeVar("Lasting", str, bytes)


class Local:
    """This process's copies of lasting entries, the least used dropped first."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.entries: OrderedDict[str, tuple[float, str | bytes]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str) -> str | bytes | None:
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                return None
            if time.monotonic() >= found[0]:
                self.size -= len(self.entries.pop(key)[1])
                return None
            self.entries.move_to_end(key)
            return found[1]

    def set(self, key: str, value: str | bytes, timeout: float) -> None:
        if len(value) > self.limit:
            return
        with self.lock:
            if key in self.entries:
                self.size -= len(self.entries.pop(key)[1])
            self.entries[key] = (time.monotonic() + timeout, value)
            self.size += len(value)
            while self.size > self.limit:
                self.size -= len(self.entries.popitem(last=False)[1][1])

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0


local = Local(LOCAL_BYTES)


def find_lasting(key: str, timeout: float) -> str | bytes | None:
    """
    The text or bytes under `key`, a key whose value never changes (it holds
    the data version it was computed from: a map layer, a tile): from this
    process's own copy when it has one, else from the shared cache (and then
    kept here too, for `timeout` seconds); None when neither has it. A hit
    on the process's copy costs no round trip to Redis nor a file read.
    """
    found = local.get(key)
    if found is None:
        from django.core.cache import cache

        found = cache.get(key)
        if found is not None:
            local.set(key, found, timeout)
    return found


def keep_lasting(key: str, value: str | bytes, timeout: float) -> None:
    """Keep `value` under `key` (see find_lasting) in both caches."""
    keep_shared(key, value, timeout)
    local.set(key, value, timeout)


def keep_shared(key: str, value: str | bytes, timeout: float) -> None:
    """Keep `value` under `key` (see find_lasting) in the shared cache alone:
    what costs a write, where this process's copy costs none."""
    from django.core.cache import cache

    cache.set(key, value, timeout)


def lasting(key: str, compute: Callable[[], Lasting], timeout: float) -> Lasting:
    """The value under `key` (see find_lasting), computed and kept for
    `timeout` seconds when neither cache has it."""
    found = find_lasting(key, timeout)
    if found is None:
        found = compute()
        keep_lasting(key, found, timeout)
    return found
