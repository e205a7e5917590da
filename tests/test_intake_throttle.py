"""
The per-host rate limit (intake/throttle.py) on its own: slots reserved ahead,
and the interval kept between the requests themselves when one starts late.
"""

import threading
import time

import pytest

from intake import throttle
from intake.models import HostSlot

pytestmark = pytest.mark.django_db(transaction=True)

INTERVAL = 0.2
URL = "https://wire.example/story/"


@pytest.fixture(autouse=True)
def interval(settings) -> None:
    settings.FETCH_HOST_INTERVAL = INTERVAL


def test_slots_are_reserved_one_interval_apart() -> None:
    began = time.monotonic()
    waits = [throttle.reserve(URL) for _ in range(3)]
    # Another host has slots of its own; the host's name is read, not the path.
    other = throttle.reserve("https://other.example/")
    waits.append(throttle.reserve("https://WIRE.example/elsewhere"))
    spent = time.monotonic() - began
    assert waits[0] == 0
    assert other == 0
    # Each slot is the interval after the one before, less the time the
    # reservations themselves took.
    for n, wait in enumerate(waits[1:], start=1):
        assert n * INTERVAL - spent <= wait <= n * INTERVAL


def test_a_request_that_starts_late_moves_the_one_after_it() -> None:
    throttle.reserve(URL)
    second = throttle.reserve(URL)
    # The first request's worker is woken late: it starts when the second
    # slot has nearly come.
    time.sleep(second - 0.02)
    first_called = time.monotonic()
    throttle.start(URL)
    # The second wakes on its slot, and waits out the interval after the
    # first's actual start.
    time.sleep(0.02)
    throttle.start(URL)
    second_returned = time.monotonic()
    assert second_returned - first_called >= INTERVAL


def test_starts_across_threads_keep_the_interval() -> None:
    for _ in range(4):
        throttle.reserve(URL)
    marks = []
    lock = threading.Lock()

    def request() -> None:
        from django.db import connection

        try:
            throttle.start(URL)
            # Read at once, this is this request's own mark: the next can
            # only be made an interval later.
            mark = HostSlot.objects.get(host="wire.example").started_at
            with lock:
                marks.append(mark)
        finally:
            connection.close()

    # All four wake at once, as when a deferred batch is taken together.
    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(set(marks)) == 4
    marks.sort()
    gaps = [(b - a).total_seconds() for a, b in zip(marks, marks[1:], strict=False)]
    assert min(gaps) >= INTERVAL, gaps
    # And none waited much beyond its turn.
    assert (marks[-1] - marks[0]).total_seconds() < 3 * INTERVAL + 0.5


def test_a_host_never_reserved_and_no_interval_do_not_wait() -> None:
    started = time.monotonic()
    throttle.start("https://new.example/")
    assert time.monotonic() - started < INTERVAL
    assert not HostSlot.objects.filter(host="new.example").exists()


def test_no_interval_means_no_waiting(settings) -> None:
    settings.FETCH_HOST_INTERVAL = 0
    assert throttle.reserve(URL) == 0
    throttle.start(URL)
    assert not HostSlot.objects.exists()
