"""A progress bar for long management commands, on stderr."""

import time

from django.core.management.base import OutputWrapper

BAR_WIDTH = 30


class ProgressBar:
    """Redrawn in place on a terminal; a line every 10% in a log or a pipe."""

    def __init__(
        self, stream: OutputWrapper, total: int, *, unit: str, timed: bool = False
    ) -> None:
        self.stream = stream
        self.total = max(total, 1)
        self.unit = unit
        self.timed = timed
        self.interactive = stream.isatty()
        self.started = time.monotonic()
        self.shown = -1

    def update(self, done: int) -> None:
        percent = min(100, done * 100 // self.total)
        if not self.interactive and percent // 10 == self.shown // 10:
            return
        self.shown = percent
        filled = BAR_WIDTH * percent // 100
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        text = f"[{bar}] {percent:3d}% {done:,}/{self.total:,} {self.unit}"
        if self.timed:
            elapsed = time.monotonic() - self.started
            rate = done / elapsed if elapsed else 0
            left = (self.total - done) / rate if rate else 0
            text += f", {rate:,.0f}/s, {left:,.0f} s left"
        if self.interactive:
            self.stream.write("\r" + text, ending="")
        else:
            self.stream.write(text)
        self.stream.flush()

    def close(self) -> None:
        if self.interactive:
            self.stream.write("")
