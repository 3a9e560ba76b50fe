"""Authentication by username, where an email-shaped username is matched in lower case.

Invited people's usernames are their email address, lower-cased; people type it as they like.
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from website.demo import DEMO_PASSWORD


class AccountBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if password == DEMO_PASSWORD and not settings.RELAIS_DEMO_ENABLED:
            # A database seeded with the demo and then put online must not open its accounts.
            return None
        if username and "@" in username:
            username = username.strip().lower()
        return super().authenticate(request, username=username, password=password, **kwargs)
