"""Scheduled commands that must not run twice at once (an overlapping cron run, two machines
with the same timer): a lock in the shared cache, released when the run ends.

A run killed outright (SIGKILL, out of memory, a reboot) cannot release it. So that its remains
do not refuse the next run for the lock's whole lifetime, each machine also takes an OS lock on a
file under RELAIS_DATA_DIR, which dies with the process: whoever holds that file lock is the only
run on this machine, so a cache lock naming this machine can only be left by a dead run.
"""

import fcntl
import socket
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import CommandError
from django.utils.text import slugify


@contextmanager
def one_at_a_time(key: str, *, busy: str, seconds: int = 3600):
    """Run the block, or refuse with `busy` (in French) while another run holds `key`. Another
    machine's lock expires after `seconds` should that run die without releasing it."""
    machine = socket.gethostname()
    path = Path(settings.DATA_DIR) / "verrous" / f"{slugify(key)}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CommandError(busy) from None
        if not cache.add(key, machine, timeout=seconds):
            if cache.get(key) != machine:
                raise CommandError(busy)
            cache.set(key, machine, timeout=seconds)  # left by a run of this machine that died
        try:
            yield
        finally:
            cache.delete(key)
