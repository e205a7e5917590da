"""
Work a response leaves for after its last byte (keeping a tile just built in
the shared cache: pickling, compressing, writing it), done on a thread of the
process at a lower CPU priority than the requests'.

Done by the worker itself once the response is sent, it held up the reader:
the reader (the client on this machine, or the proxy in front) is woken on
the core that sent it the bytes, and waits there until the worker's work is
done. At a million events that was about a millisecond a tile, a tenth of
what a tile costs (docs/performance.md). On a thread at NICE, the woken
reader runs first and the work follows.

Work waits in a queue of at most QUEUED items; beyond that it is dropped
(what it keeps is a cache: a tile not kept is built again). Each process
starts its own thread at its first submission, so a worker forked from a
process that had one starts another.
"""

import atexit
import logging
import os
import queue
import sys
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)

# Linux's nice value for the thread (0 to 19, 19 the least priority): low
# enough for a woken request to take the core, high enough to keep up when
# every core is busy.
NICE = 10
QUEUED = 256
# How long a process that is ending waits for work still queued.
EXIT_SECONDS = 2.0


class Afterwards:
    """A queue of work and the thread of this process that does it."""

    def __init__(self, nice: int = NICE, queued: int = QUEUED) -> None:
        self.nice = nice
        self.queue: queue.Queue[Callable[[], None]] = queue.Queue(queued)
        self.lock = threading.Lock()
        self.pid: int | None = None
        self.dropped = 0

    def submit(self, work: Callable[[], None]) -> bool:
        """Queue `work`; False when the queue is full and it was dropped."""
        self._started()
        try:
            self.queue.put_nowait(work)
        except queue.Full:
            self.dropped += 1
            logger.warning("Work after a response dropped: %d queued", QUEUED)
            return False
        return True

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the work queued so far is done (at most `timeout`
        seconds); whether it was."""
        if self.pid != os.getpid():
            return True  # nothing was queued by this process
        done = threading.Event()
        try:
            self.queue.put(done.set, timeout=timeout)
        except queue.Full:
            return False
        return done.wait(timeout)

    def _started(self) -> None:
        if self.pid == os.getpid():
            return
        with self.lock:
            if self.pid == os.getpid():
                return
            # A forked process has the queue of its parent but not its thread.
            self.queue = queue.Queue(self.queue.maxsize)
            threading.Thread(target=self._run, name="afterwards", daemon=True).start()
            self.pid = os.getpid()

    def _run(self) -> None:
        if sys.platform == "linux":
            # Linux gives each thread its own nice value; elsewhere this would
            # lower the whole process, requests included.
            try:
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self.nice)
            except OSError as error:
                logger.warning(
                    "Work after responses at the requests' priority: %s", error
                )
        while True:
            work = self.queue.get()
            try:
                work()
            except Exception:
                logger.exception("Work after a response failed")
            finally:
                self.queue.task_done()


afterwards = Afterwards()


@atexit.register
def _finish() -> None:
    afterwards.wait(EXIT_SECONDS)
