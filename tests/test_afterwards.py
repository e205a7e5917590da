"""Work left for after a response: done on a thread of the process, at a lower
priority, in order, never holding up or failing the request that left it."""

import logging
import multiprocessing
import os
import sys
import threading

import pytest

from tracker.afterwards import Afterwards


def test_work_is_done_in_order_on_a_thread_of_its_own() -> None:
    later = Afterwards()
    done: list[tuple[int, int]] = []
    for number in range(5):
        assert later.submit(lambda n=number: done.append((n, threading.get_ident())))
    assert later.wait(10)
    assert [n for n, _ in done] == list(range(5))
    threads = {ident for _, ident in done}
    assert len(threads) == 1 and threading.get_ident() not in threads


@pytest.mark.skipif(sys.platform != "linux", reason="a nice value per thread")
def test_the_thread_runs_at_a_lower_priority_than_the_requests() -> None:
    later = Afterwards(nice=7)
    seen: list[int] = []
    later.submit(
        lambda: seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
    )
    assert later.wait(10)
    own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    # Steps below the process's own, whatever it is, at most Linux's last.
    assert seen == [min(19, own + 7)]
    assert seen[0] > own or own == 19


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_dead_thread_is_replaced() -> None:
    later = Afterwards()
    assert later.submit(lambda: None) and later.wait(10)
    first = later.thread

    def ends_the_thread() -> None:
        raise SystemExit

    later.submit(ends_the_thread)
    first.join(10)
    assert not first.is_alive()
    done: list[int] = []
    assert later.submit(lambda: done.append(1)) and later.wait(10)
    assert done == [1] and later.thread is not first


def test_a_full_queue_drops_work_rather_than_wait(caplog) -> None:
    later = Afterwards(queued=2)
    release = threading.Event()
    started = threading.Event()
    later.submit(lambda: (started.set(), release.wait(10)))
    assert started.wait(10)  # the thread is busy; the queue is empty again
    done: list[int] = []
    assert later.submit(lambda: done.append(1))
    assert later.submit(lambda: done.append(2))
    with caplog.at_level(logging.WARNING, logger="tracker.afterwards"):
        assert not later.submit(lambda: done.append(3))
    assert later.dropped == 1 and "dropped" in caplog.text
    # Warned once a while, not at each drop.
    with caplog.at_level(logging.WARNING, logger="tracker.afterwards"):
        caplog.clear()
        assert not later.submit(lambda: done.append(4))
    assert later.dropped == 2 and "dropped" not in caplog.text
    release.set()
    assert later.wait(10)
    assert done == [1, 2]


def test_failing_work_is_logged_and_the_next_still_done(caplog) -> None:
    later = Afterwards()
    done: list[str] = []

    def fails() -> None:
        raise OSError("disk full")

    with caplog.at_level(logging.ERROR, logger="tracker.afterwards"):
        later.submit(fails)
        later.submit(lambda: done.append("next"))
        assert later.wait(10)
    assert done == ["next"]
    assert "disk full" in caplog.text


def _submit_in_child(later: Afterwards, pipe) -> None:
    # A forked worker: its parent's thread did not come with it.
    later.submit(lambda: pipe.send(("done", os.getpid())))
    later.wait(10)


def test_a_forked_process_starts_a_thread_of_its_own() -> None:
    later = Afterwards()
    assert later.submit(lambda: None) and later.wait(10)  # the parent's thread
    ours, theirs = multiprocessing.get_context("fork").Pipe()
    child = multiprocessing.get_context("fork").Process(
        target=_submit_in_child, args=(later, theirs)
    )
    child.start()
    assert ours.poll(10), "the child's work was never done"
    assert ours.recv() == ("done", child.pid)
    child.join(10)
    assert child.exitcode == 0


def test_nothing_queued_here_is_nothing_to_wait_for() -> None:
    assert Afterwards().wait(0)
