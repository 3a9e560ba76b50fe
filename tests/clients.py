"""Helpers for tests that speak to the site as a signed-in person."""

from django.test import Client


def signed_in(user) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def text(response) -> str:
    """The page's text with apostrophes as people type them (Django escapes ', French uses ’)."""
    return response.content.decode().replace("&#x27;", "'").replace("\u2019", "'")
