"""
Work a response leaves for after its last byte (keeping a tile just built in
the shared cache: pickling, compressing, writing it), done on a thread of the
process at a lower CPU priority than the requests'.

Done by the worker itself once the response is sent, it held up the reader:
the reader (the client on this machine, or a proxy in the same scheduling
group) is woken on the core that sent it the bytes, and waits there until
the worker's work is done. At a million events that was about a millisecond
a tile, a tenth of what a tile costs (docs/performance.md). On a thread
NICE steps below the process, the woken reader runs first and the work
follows.

Work waits in a queue of at most QUEUED items (each holds what it writes: a
tile of up to a few hundred kB); beyond that it is dropped, and counted:
what it keeps is a cache, and a tile not kept is built again. Each process
starts its own thread at its first submission, and again if the thread has
died, so a worker forked from a process that had one starts another. Work
runs outside any request, so it must not use the database: no request's end
would close the connection it opened.
"""

import atexit
import logging
import os
import queue
import sys
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)

# Steps of Linux's nice value below the process's own (at most 19): low
# enough for a woken request to take the core, high enough to keep up when
# every core is busy.
NICE = 10
QUEUED = 64
# How long a process that is ending waits for work still queued, in all.
EXIT_SECONDS = 2.0
# At most one warning of dropped work in this many seconds.
WARN_EVERY = 60.0


class Afterwards:
    """A queue of work and the thread of this process that does it."""

    def __init__(self, nice: int = NICE, queued: int = QUEUED) -> None:
        self.nice = nice
        self.queue: queue.Queue[Callable[[], None]] = queue.Queue(queued)
        self.lock = threading.Lock()
        self.pid: int | None = None
        self.thread: threading.Thread | None = None
        self.dropped = 0
        self.warned_at = -WARN_EVERY

    def submit(self, work: Callable[[], None]) -> bool:
        """Queue `work`; False when the queue is full and it was dropped."""
        self._started()
        try:
            self.queue.put_nowait(work)
        except queue.Full:
            self.dropped += 1
            now = time.monotonic()
            if now - self.warned_at >= WARN_EVERY:
                self.warned_at = now
                logger.warning(
                    "Work after responses dropped: %d queued, %d dropped so far",
                    self.queue.maxsize,
                    self.dropped,
                )
            return False
        return True

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the work queued so far is done (at most `timeout`
        seconds in all); whether it was."""
        if self.pid != os.getpid():
            return True  # nothing was queued by this process
        deadline = None if timeout is None else time.monotonic() + timeout
        done = threading.Event()
        try:
            self.queue.put(done.set, timeout=timeout)
        except queue.Full:
            return False
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        return done.wait(left)

    def _started(self) -> None:
        if (
            self.pid == os.getpid()
            and self.thread is not None
            and self.thread.is_alive()
        ):
            return
        with self.lock:
            if self.pid != os.getpid():
                # A forked process has its parent's queue but not its thread.
                self.queue = queue.Queue(self.queue.maxsize)
            elif self.thread is not None and self.thread.is_alive():
                return
            self.thread = threading.Thread(
                target=self._run, name="afterwards", daemon=True
            )
            self.thread.start()
            self.pid = os.getpid()

    def _run(self) -> None:
        if sys.platform == "linux":
            # Linux gives each thread its own nice value; elsewhere this would
            # lower the whole process, requests included.
            own = os.getpriority(os.PRIO_PROCESS, 0)
            try:
                os.setpriority(
                    os.PRIO_PROCESS,
                    threading.get_native_id(),
                    min(19, own + self.nice),
                )
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
