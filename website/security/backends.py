"""Authentication by username, where an email-shaped username is matched in lower case.

Invited people's usernames are their email address, lower-cased; people type it as they like.
"""

from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and "@" in username:
            username = username.strip().lower()
        return super().authenticate(request, username=username, password=password, **kwargs)
