"""Bulk writes that index once at the end instead of once per save."""

from contextlib import contextmanager

from django.conf import settings
from django.test.utils import override_settings


@contextmanager
def indexing_deferred():
    """Saves inside skip the search index; the caller rebuilds it once afterwards.

    Indexing page by page costs a commit of the index per save: for a generated network or the
    demo that is most of the run, while one rebuild at the end takes seconds.
    """
    backends = {
        name: {**config, "AUTO_UPDATE": False}
        for name, config in settings.WAGTAILSEARCH_BACKENDS.items()
    }
    with override_settings(WAGTAILSEARCH_BACKENDS=backends):
        yield
