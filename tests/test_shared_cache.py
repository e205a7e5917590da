"""
One cache for every process: the anonymous rate limit and the map layers
agree across app servers, through Redis (REDIS_URL, the machine's server, a
database number of the tests' own) or, without it, through one directory
shared by the processes of a machine. A cache that cannot be reached is a
cache that misses: pages still answer.
"""

import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
from django.db import connection

from tests.replication import (
    HOST,
    REDIS_URL,
    Server,
    free_port,
    server_environment,
)
from tracker import cache as fail_soft

# The app servers read the test database.
pytestmark = pytest.mark.django_db

RATE = 12


@pytest.fixture(scope="module")
def database_url(django_db_setup) -> str:
    database = connection.settings_dict
    return (
        f"postgis://{database['USER']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}"
    )


def throttled_pair(
    start: Callable[..., Server], database_url: str, **cache: str
) -> tuple[Server, Server]:
    environment = server_environment(
        None,
        DATABASE_URL=database_url,
        API_ANON_RATE=f"{RATE}/min",
        CACHE_KEY_PREFIX=f"throttle-{secrets.token_hex(4)}",
        **cache,
    )
    return start(environment), start(environment)


def statuses(servers: tuple[Server, Server], count: int) -> list[int]:
    return [
        servers[number % 2].request("GET", "/api/v1/events/?page_size=1")[0]
        for number in range(count)
    ]


def test_two_app_servers_share_one_anonymous_limit_through_redis(
    start_server: Callable[..., Server], database_url: str
) -> None:
    servers = throttled_pair(start_server, database_url, REDIS_URL=REDIS_URL)
    answers = statuses(servers, RATE + 6)
    assert answers == [200] * RATE + [429] * 6


def test_without_redis_the_processes_of_a_machine_share_one_limit(
    start_server: Callable[..., Server], database_url: str, tmp_path: Path
) -> None:
    servers = throttled_pair(start_server, database_url, CACHE_DIR=str(tmp_path))
    answers = statuses(servers, RATE + 6)
    assert answers == [200] * RATE + [429] * 6


def test_a_map_layer_computed_by_one_server_is_kept_for_all(
    start_server: Callable[..., Server], database_url: str
) -> None:
    prefix = f"map-{secrets.token_hex(4)}"
    environment = server_environment(
        None, DATABASE_URL=database_url, REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=prefix
    )
    first = start_server(environment)
    store = redis.Redis.from_url(REDIS_URL)
    assert not store.keys(f"{prefix}:*")
    status, _, layer = first.request("GET", "/maps/events.geojson?zoom=4")
    assert status == 200
    keys = store.keys(f"{prefix}:*:map:*")
    assert len(keys) == 1
    # The other server answers from the entry: changed there, it shows.
    second = start_server(environment)
    store.set(keys[0], store.get(keys[0]).replace(b'"clustered"', b'"Clustered"'))
    status, _, shared = second.request("GET", "/maps/events.geojson?zoom=4")
    assert status == 200
    assert shared != layer and shared.replace(b'"Clustered"', b'"clustered"') == layer
    store.delete(*store.keys(f"{prefix}:*"))


def test_pages_answer_while_redis_is_unreachable(
    start_server: Callable[..., Server], database_url: str
) -> None:
    server = start_server(
        server_environment(
            None,
            DATABASE_URL=database_url,
            REDIS_URL=f"redis://{HOST}:{free_port()}/0",
            API_ANON_RATE=f"{RATE}/min",
        )
    )
    for path in (
        "/",
        "/timeline/",
        "/map/",
        "/maps/events.geojson?zoom=5",
        "/maps/basemap.geojson",
        "/feeds/events/",
        "/ogc/collections/events/items?limit=5",
    ):
        status, _, body = server.request("GET", path)
        assert status == 200, (path, body[:300])
    # No cache, no count: the limit is not enforced rather than failing.
    assert set(statuses((server, server), RATE + 3)) == {200}
    assert "Cache unavailable" in server.log.read_text()


def test_the_backend_misses_while_redis_is_away_and_resumes_after() -> None:
    closed = fail_soft.RedisCache(
        f"redis://{HOST}:{free_port()}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
    )
    assert closed.get("key", "default") == "default"
    closed.set("key", "value")
    assert closed.add("key", "value") is False
    assert closed.get_many(["key"]) == {}
    with pytest.raises(ValueError):
        closed.incr("key")
    # A rate limit it cannot count lets the request through.
    assert closed.take_turn("client", now=time.time(), window=60, limit=1) is None
    assert not closed.available()

    live = fail_soft.RedisCache(REDIS_URL, {"KEY_PREFIX": secrets.token_hex(4)})
    live._down_until = time.monotonic() + 0.3  # as after a failure
    live.set("key", "value")  # skipped while the backend waits to retry
    assert live.get("key") is None
    time.sleep(0.4)
    live.set("key", "value")
    assert live.available() and live.get("key") == "value"
    live.delete("key")


def test_lasting_entries_are_kept_in_the_process_and_bounded(monkeypatch) -> None:
    from django.core.cache import cache

    cache.clear()
    key = f"lasting-{secrets.token_hex(4)}"
    computed = []

    def compute(value: str) -> Callable[[], str]:
        return lambda: computed.append(value) or value

    assert fail_soft.lasting(key, compute("first"), 60) == "first"
    # In the shared cache, for the other processes.
    assert cache.get(key) == "first"
    # Gone from the shared cache (evicted, another machine's flush): this
    # process still has its copy, and computes nothing.
    cache.delete(key)
    assert fail_soft.lasting(key, compute("second"), 60) == "first"
    assert computed == ["first"]
    # Another process's entry is read from the shared cache, then kept here.
    cache.set(f"{key}-other", "shared", 60)
    assert fail_soft.lasting(f"{key}-other", compute("third"), 60) == "shared"
    assert computed == ["first"]
    # A copy that has outlived its timeout is read again.
    assert fail_soft.lasting(f"{key}-short", compute("short"), 0.2) == "short"
    cache.set(f"{key}-short", "renewed", 60)
    time.sleep(0.3)
    assert fail_soft.lasting(f"{key}-short", compute("late"), 60) == "renewed"
    # clear() empties this process's copies with the shared cache.
    cache.clear()
    assert fail_soft.lasting(key, compute("after clear"), 60) == "after clear"
    # Bounded: the least recently used copies are dropped first.
    monkeypatch.setattr(fail_soft, "local", fail_soft.Local(10))
    fail_soft.lasting(f"{key}-a", lambda: "aaaa", 60)
    fail_soft.lasting(f"{key}-b", lambda: "bbbb", 60)
    fail_soft.lasting(f"{key}-a", lambda: "unused", 60)  # a used last
    fail_soft.lasting(f"{key}-c", lambda: "cccc", 60)
    assert list(fail_soft.local.entries) == [f"{key}-a", f"{key}-c"]
    assert fail_soft.local.size == 8
    cache.clear()


def test_the_file_cache_counts_its_entries_now_and_then_and_still_culls(
    tmp_path: Path, monkeypatch
) -> None:
    limit = 30
    files = fail_soft.FileBasedCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": limit}})
    listings = []
    list_files = files._list_cache_files
    monkeypatch.setattr(
        files, "_list_cache_files", lambda: listings.append(1) or list_files()
    )
    writes = 300
    for number in range(writes):
        files.set(f"entry-{number}", "value", 60)
    # Not a listing of the directory at every write...
    every = files.cull_every()
    assert every > 1
    assert 2 <= len(listings) <= writes // every + 1
    # ...but the entries past MAX_ENTRIES are still culled, once counted.
    held = len(list(tmp_path.glob("*.djcache")))
    assert held <= limit + every
    assert files.get(f"entry-{writes - 1}") == "value"


def test_the_file_cache_compresses_its_entries_and_reads_them_back(
    tmp_path: Path,
) -> None:
    value = bytes(range(256)) * 1000  # as compressible as a tile, and as large
    files = fail_soft.FileBasedCache(str(tmp_path), {})
    files.set("tile", value, 60)
    (entry,) = tmp_path.glob("*.djcache")
    assert entry.stat().st_size < len(value) / 4
    # Another worker's backend, Django's own reader, finds it as written.
    assert fail_soft.FileBasedCache(str(tmp_path), {}).get("tile") == value


def test_requests_at_once_never_pass_the_limit_through_redis(
    start_server: Callable[..., Server], database_url: str
) -> None:
    # Two servers of four threads each, eight clients at once: every request
    # is counted, none lost to another's write (exactly the limit passes).
    servers = throttled_pair(start_server, database_url, REDIS_URL=REDIS_URL)
    servers[0].request("GET", "/health/")
    servers[1].request("GET", "/health/")
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(
                lambda number: servers[number % 2].request(
                    "GET", "/api/v1/events/?page_size=1"
                )[0],
                range(RATE * 3),
            )
        )
    assert sorted(answers) == [200] * RATE + [429] * (RATE * 2)
    # Told how long to wait: until the first request leaves the minute.
    status, headers, _ = servers[0].request("GET", "/api/v1/events/?page_size=1")
    assert status == 429 and 0 < int(headers["retry-after"]) <= 60


def test_a_turn_is_taken_while_the_window_holds_fewer_than_the_limit() -> None:
    store = fail_soft.RedisCache(REDIS_URL, {"KEY_PREFIX": secrets.token_hex(4)})
    start = 1_000_000.0

    def turn(at: float) -> float | None:
        return store.take_turn("client", now=start + at, window=60, limit=3)

    assert [turn(0), turn(10), turn(20)] == [None, None, None]
    # Refused until the first leaves the window, 60 s after it came.
    assert turn(30) == pytest.approx(30)
    assert turn(59) == pytest.approx(1)
    # A refused request is not counted: at 60 the first has left.
    assert turn(60.5) is None
    assert turn(61) == pytest.approx(9)
    # Another client has a window of its own.
    assert store.take_turn("other", now=start + 61, window=60, limit=3) is None
    # A limit of 0 refuses everything, for the whole window.
    assert store.take_turn("none", now=start, window=60, limit=0) == 60
    store.delete("client")
    store.delete("other")
    store.delete("none")


def test_turns_are_timed_by_the_redis_server_s_clock() -> None:
    store = fail_soft.RedisCache(REDIS_URL, {"KEY_PREFIX": secrets.token_hex(4)})
    assert store.take_turn("clock", window=0.5, limit=2) is None
    assert store.take_turn("clock", window=0.5, limit=2) is None
    wait = store.take_turn("clock", window=0.5, limit=2)
    assert wait is not None and 0 < wait <= 0.5
    time.sleep(wait + 0.05)
    assert store.take_turn("clock", window=0.5, limit=2) is None
    store.delete("clock")


def test_an_app_server_s_clock_moves_no_window(monkeypatch) -> None:
    # Two app servers an hour apart count the same client's requests in one
    # window: the Redis server's clock decides, not theirs.
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from events.http import AnonRateThrottle

    store = fail_soft.RedisCache(REDIS_URL, {"KEY_PREFIX": secrets.token_hex(4)})
    clocks = iter([time.time(), time.time() + 3600, time.time() - 3600])

    class Throttle(AnonRateThrottle):
        rate = "1/min"
        cache = store

        def timer(self) -> float:
            return next(clocks)

    request = RequestFactory().get("/api/v1/events/", REMOTE_ADDR="203.0.113.9")
    request.user = AnonymousUser()
    throttles = [Throttle() for _ in range(3)]
    answers = [throttle.allow_request(request, None) for throttle in throttles]
    assert answers == [True, False, False]
    assert 0 < throttles[1].wait() <= 60
    store.delete(f"{throttles[0].key}:window")


def test_turns_taken_at_once_are_each_counted() -> None:
    store = fail_soft.RedisCache(REDIS_URL, {"KEY_PREFIX": secrets.token_hex(4)})
    now = time.time()
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(
                lambda _: store.take_turn("crowd", now=now, window=60, limit=50),
                range(200),
            )
        )
    assert answers.count(None) == 50
    # The window keeps the 50 turns taken and expires with the last of them.
    client = store._cache.get_client(write=False)
    key = store.make_and_validate_key("crowd")
    assert client.zcard(key) == 50
    assert 59 < client.pttl(key) / 1000 <= 60
    store.delete("crowd")


def test_a_redis_that_refuses_writes_lets_the_request_through(caplog) -> None:
    store = fail_soft.RedisCache(REDIS_URL, {"KEY_PREFIX": secrets.token_hex(4)})
    # A key of another type stands for any refusal of the server's.
    store._cache.get_client(write=True).set(store.make_and_validate_key("typed"), 1)
    assert store.take_turn("typed", now=time.time(), window=60, limit=3) is None
    assert "Rate limit not counted" in caplog.text
    store.delete("typed")
