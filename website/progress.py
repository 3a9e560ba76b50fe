"""Progress of long commands: a line that updates on a terminal, silence in cron."""

import sys
import time


class Progress:
    def __init__(self, label: str, total: int, *, stream=None):
        self.label = label
        self.total = max(total, 0)
        self.done = 0
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty()
        self.started = time.monotonic()
        self._last_draw = 0.0

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if self.interactive and (now - self._last_draw > 0.2 or self.done >= self.total):
            self._last_draw = now
            percent = 100 * self.done // self.total if self.total else 100
            self.stream.write(f"\r{self.label} : {self.done}/{self.total} ({percent} %)")
            self.stream.flush()

    def finish(self) -> float:
        elapsed = time.monotonic() - self.started
        if self.interactive:
            self.stream.write(f"\r{self.label} : {self.done}/{self.total} en {elapsed:.1f} s\n")
            self.stream.flush()
        return elapsed
