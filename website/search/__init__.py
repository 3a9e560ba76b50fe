"""Site search: the whoosh backend for Wagtail's search framework, and the wiring around it.

`website.search.whoosh` is the backend itself. It imports only Django, modelsearch and whoosh,
so that modelsearch's own conformance suite can run it without Wagtail (`make conformance`).
The rest of this package knows about Wagtail pages.
"""
