""" "Something awaits your moderation": one email per moderator and per item, at least once.

The apps whose items are moderated call it when an item is submitted, for instance:

    from structures.notifications import notify_moderators

    notify_moderators(
        page=event, key=f"agenda.proposal:{revision.pk}", what=_("une proposition d'événement"),
        exclude=author,
    )

Who is told: the editors of the structure the page belongs to (the page itself or its nearest
structure ancestor) and the facilitators; active accounts that have an address; never
`exclude` (the author).

Idempotence: `key` names the item. A second call with the same key emails nobody who was
already emailed for it (and does email a moderator who was not: one who joined since, or one
a crash left out). Use one key per submission (a revision id) if each new submission should
notify again.

At least once (DESIGN.md, Email): the sent-log is Wagtail's page log (a PageLogEntry with the
action MODERATION_NOTIFIED and data {"key", "recipient": user id}), written right after each
message leaves. A crash between the two repeats that one message on the next call; none is
ever skipped. A short lock in the shared cache keeps two simultaneous calls from both sending
the same message. The log also shows in the page's history ("Signalé pour modération").

It talks to the mail server once per moderator: call it from a task or a command. If sending
fails, the messages already sent are logged and the error propagates; the next call resumes.
"""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from wagtail.log_actions import log
from wagtail.models import Page, PageLogEntry

from structures.models import Role, StructurePage

MODERATION_NOTIFIED = "structures.moderation_notified"
MAX_KEY_LENGTH = 200
LOCK_SECONDS = 300


def structure_of(page: Page) -> StructurePage | None:
    return StructurePage.objects.ancestor_of(page, inclusive=True).order_by("-depth").first()


def moderators_of(page: Page) -> QuerySet:
    """The people who can moderate `page`: its structure's editors and the facilitators."""
    people = Q(facilitator_role__isnull=False)
    structure = structure_of(page)
    if structure is not None:
        people |= Q(memberships__structure=structure, memberships__role=Role.EDITOR)
    return (
        get_user_model()
        .objects.filter(people, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def already_notified(*, page: Page, key: str) -> set[int]:
    """The ids of the people already emailed about `key`."""
    return set(
        PageLogEntry.objects.filter(
            page_id=page.pk, action=MODERATION_NOTIFIED, data__key=key
        ).values_list("data__recipient", flat=True)
    )


def _message(page: Page, what: str, review_url: str) -> tuple[str, str]:
    structure = structure_of(page)
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    context = {
        "page": page,
        "what": what or _("une page"),
        "structure": structure,
        "review_url": review_url or base + reverse("wagtailadmin_pages:edit", args=[page.pk]),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    subject = render_to_string("structures/emails/moderation_subject.txt", context)
    body = render_to_string("structures/emails/moderation.txt", context)
    return " ".join(subject.split()), body


def _lock_key(key: str, user_id: int) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"moderation-notified:{digest}:{user_id}"


def notify_moderators(
    *, page: Page, key: str, what: str = "", exclude=None, review_url: str = ""
) -> int:
    """Email each moderator of `page` who has not been told about `key` yet; returns how many.
    `review_url` is where they decide (by default, the page in the admin)."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValueError("key")
    done = already_notified(page=page, key=key)
    recipients = [
        person
        for person in moderators_of(page)
        if person.pk not in done and (exclude is None or person.pk != exclude.pk)
    ]
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _message(page, what, review_url)
    sent = 0
    for person in recipients:
        lock = _lock_key(key, person.pk)
        if not cache.add(lock, 1, timeout=LOCK_SECONDS):
            continue  # another call is sending this very message
        try:
            send_mail(subject, body, None, [person.email])
            log(page, MODERATION_NOTIFIED, user=None, data={"key": key, "recipient": person.pk})
            sent += 1
        finally:
            cache.delete(lock)
    return sent
