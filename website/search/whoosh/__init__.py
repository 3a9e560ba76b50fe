"""The whoosh search backend: `"BACKEND": "website.search.whoosh"`.

Imports only Django, modelsearch and whoosh (see website/search/__init__.py).
"""

from .backend import SearchBackend, WhooshSearchBackend

__all__ = ["SearchBackend", "WhooshSearchBackend"]
