"""Email that people sign up for (the funding watch's alerts, the wiki's digests…): the links
in it, the email itself, and the run that sends a batch of them. The pages those links lead to
are in website.mailing_views, the double opt-in's address in website.models.mailing.

The apps pass in their own templates, models and what each email says: this module names none.
"""

import logging
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify

from website.accounts import send_account_email
from website.progress import Progress

logger = logging.getLogger(__name__)

# An address that never confirms is forgotten after this many days.
UNCONFIRMED_DAYS = 7
# Tokens made here are under 100 characters: anything much longer is not one, and is refused
# before any work is spent on it.
MAX_TOKEN_LENGTH = 500


# --- Links -----------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    """A full address for an email: it is read outside the site, under RELAIS_BASE_URL."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


class LinkError(Exception):
    """A link from an email that leads nowhere: cut, altered, forged, or for something gone.
    `reason` picks the page's message, `status` its HTTP status."""

    reason = "invalid"
    status = 400


class ExpiredLink(LinkError):
    reason = "expired"


class UnknownLink(LinkError):
    reason = "unknown"
    status = 404


@dataclass(frozen=True)
class SignedLink:
    """A token that carries a row's id, signed with the site's secret and dated: it needs no
    storage, and a link older than `max_age` stops working. Each use has its own `salt`, so a
    token made for one use is worth nothing for another."""

    salt: str
    max_age: timedelta

    def make(self, pk: int) -> str:
        return signing.TimestampSigner(salt=self.salt).sign_object({"u": pk})

    def read(self, token: str) -> int:
        """The id the token was made for; LinkError when it is not a token of this kind,
        ExpiredLink when it is too old."""
        if len(token) > MAX_TOKEN_LENGTH:
            raise LinkError
        try:
            data = signing.TimestampSigner(salt=self.salt).unsign_object(
                token, max_age=self.max_age
            )
        except signing.SignatureExpired as error:
            raise ExpiredLink from error
        except (signing.BadSignature, ValueError, TypeError) as error:
            raise LinkError from error
        pk = data.get("u") if isinstance(data, dict) else None
        if type(pk) is not int:
            raise LinkError
        return pk


# --- The email -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Footer:
    """The end of every email sent to a list: why it came, a link back, and the one-click
    unsubscribe (templates/mailing/footer.txt and .html)."""

    reason: str
    back_label: str
    back_url: str
    unsubscribe_label: str
    unsubscribe_url: str


def render_email(template: str, context: dict, *, html: bool = False):
    """(subject, text, html or None) from `<template>_subject.txt`, `<template>.txt` and, with
    `html`, `<template>.html`; in the site's language, whatever the request's was."""
    context = {"site_name": settings.WAGTAIL_SITE_NAME, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        page = render_to_string(f"{template}.html", context) if html else None
    return subject, text, page


def message_id(key: str) -> str:
    """A Message-ID made from what the email is about, not from the moment it is composed: an
    email a killed run repeats carries the same one, which mail servers and clients use to
    drop the copy."""
    host = urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"
    return f"<{slugify(key)}.relais@{host}>"


def list_email(
    template: str,
    context: dict,
    *,
    to: str,
    footer: Footer,
    key: str,
    html: bool = False,
) -> EmailMultiAlternatives:
    """An email sent to a list: its footer, the headers that let mail clients offer the
    one-click unsubscribe (RFC 2369, RFC 8058), which POSTs to `footer.unsubscribe_url`, and a
    Message-ID made from `key`, which names this email among all that the list sends."""
    subject, text, page = render_email(template, context | {"footer": footer}, html=html)
    email = EmailMultiAlternatives(
        subject,
        text,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{footer.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "Message-ID": message_id(key),
        },
    )
    if page is not None:
        email.attach_alternative(page, "text/html")
    return email


def send_confirmation(template: str, context: dict, *, to: str) -> None:
    """The double opt-in's email, through the task queue: the page that asked for it answers
    at once, and in the same time whether or not the address was already signed up."""
    subject, text, _page = render_email(template, context | {"days": UNCONFIRMED_DAYS})
    send_account_email.enqueue(subject=subject, body=text, to=[to])


# --- Sending a batch -------------------------------------------------------------------------


@dataclass
class Sent:
    sent: int = 0
    silent: int = 0  # nothing to say: no email, but marked done
    failed: int = 0  # refused: left for the next run


def send_each(
    items: Iterable,
    *,
    compose: Callable[[object], EmailMultiAlternatives | None],
    done: Callable[[object], None],
    label: str,
    retry_later: tuple[type[Exception], ...] = (smtplib.SMTPException, OSError),
) -> Sent:
    """Send each item's email over one connection, and mark the item `done` right after it
    left: a run that dies repeats at most the email in flight and skips none, and a second
    run finds nothing left. `compose` returns None when there is nothing to say (the item is
    marked done all the same). An error in `retry_later` is logged and leaves its item for
    the next run while the others still go; any other error stops the run.

    Run it inside website.runs.one_at_a_time, so that two runs never send the same email."""
    items = list(items)
    progress = Progress(label, len(items))
    counts = Sent()
    with get_connection() as connection:
        for item in items:
            progress.advance()
            email = compose(item)
            if email is None:
                counts.silent += 1
            else:
                email.connection = connection
                try:
                    email.send()
                except retry_later:
                    logger.exception("%s: an email was not sent, left for the next run", label)
                    connection.close()
                    counts.failed += 1
                    continue
                counts.sent += 1
            done(item)
    progress.finish()
    return counts
