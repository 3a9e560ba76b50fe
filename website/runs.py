"""Scheduled commands that must not run twice at once (an overlapping cron run, two machines
with the same timer): a lock in the shared cache, released when the run ends."""

from contextlib import contextmanager

from django.core.cache import cache
from django.core.management.base import CommandError


@contextmanager
def one_at_a_time(key: str, *, busy: str, seconds: int = 3600):
    """Run the block, or refuse with `busy` (in French) while another run holds `key`. The lock
    expires after `seconds` should a run die without releasing it."""
    if not cache.add(key, 1, timeout=seconds):
        raise CommandError(busy)
    try:
        yield
    finally:
        cache.delete(key)
