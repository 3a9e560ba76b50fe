"""modelsearch's BackendTests against the whoosh backend, plus what whoosh adds."""

from django.test import TestCase

from modelsearch.test.testapp import models
from modelsearch.tests.test_backends import BackendTests


class TestWhooshSearchBackend(BackendTests, TestCase):
    backend_path = "website.search.whoosh"
    # search.json (53d1292) predates some rows the installed suite expects; see fixtures/README.
    fixtures = ["search", "search_additions"]

    def test_reset_indexes(self):
        """After reset_indexes(), the index is empty."""
        self.backend.reset_indexes()
        results = self.backend.search("JavaScript", models.Book)
        self.assertEqual(results.count(), 0)
