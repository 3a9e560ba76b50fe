"""Personal data across the site: the export, the deletion of an account, the retention limits.

Each app declares its own part in a `privacy.py` module (found like `demo.py`, by
website.discovery, so this module names no app), with any of:

    def export_data(user) -> dict
        # The app's part of "exporter mes données", filed under the app's label.

    def forget(user, *, former) -> None
        # Runs just before the account is deleted, inside the same transaction: delete what
        # is the person's alone, hand what others still need to `former` ("ancien membre").
        # What a nullable foreign key points at needs nothing: it is kept, without the person
        # (on_delete=SET_NULL), and shown as "ancien membre".

    RETENTION = [Retention(...), ...]
        # What the app keeps and how long; `purge_personal_data` applies every limit.

website's own `privacy.py` covers the account itself and what Wagtail, the sessions, the
login throttle, the cache and the task queue keep.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from website.discovery import contributions
from website.runs import one_at_a_time

# The account that keeps, in the admin, what a deleted account wrote where Wagtail needs an
# author (its page comments and history). Not an address: no invitation can ever claim it.
FORMER_MEMBER_USERNAME = "ancien-membre"
FORMER_MEMBER_NAME = _("ancien membre")


@dataclass(frozen=True)
class Retention:
    """One kind of personal data, why it is kept and for how long, as the privacy page says.

    `purge(now)` deletes or erases what is past its limit at `now` and returns how many rows
    it changed; None when the data goes only at the person's request (an account, an alert).
    """

    what: str
    why: str
    how_long: str
    purge: Callable[[datetime], int] | None = None


def iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def display_name(user) -> str:
    """How the public pages sign a person's work: their full name, else their login without
    any email domain (logins are often addresses), "ancien membre" once the account is gone."""
    if user is None or user.get_username() == FORMER_MEMBER_USERNAME:
        return str(FORMER_MEMBER_NAME)
    return user.get_full_name().strip() or user.get_username().split("@")[0]


def former_member():
    """The one inactive account, without password or address, that stands for deleted ones."""
    user, created = get_user_model().objects.get_or_create(
        username=FORMER_MEMBER_USERNAME,
        defaults={"first_name": "Ancien", "last_name": "membre", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def is_former_member(user) -> bool:
    return user.get_username() == FORMER_MEMBER_USERNAME


def _parts():
    return list(contributions("privacy"))


def personal_data(user) -> dict:
    """Everything the site holds about the account, as "exporter mes données" gives it: the
    site's own part at the top, each app's under its label."""
    data = {"exported_at": iso(timezone.now()), "site": settings.WAGTAIL_SITE_NAME}
    for module in _parts():
        export = getattr(module, "export_data", None)
        if export is None:
            continue
        label = module.__name__.split(".")[0]
        if label == "website":
            data |= export(user)
        else:
            data[label] = export(user)
    return data


def delete_account(*, user) -> None:
    """Delete the account: what is the person's alone goes, what they wrote stays, signed
    "ancien membre". The apps run last first, so an app forgets before those it builds on."""
    if is_former_member(user):
        raise ValueError("The former-member account stands for deleted accounts.")
    with transaction.atomic():
        former = former_member()
        for module in reversed(_parts()):
            forget = getattr(module, "forget", None)
            if forget is not None:
                forget(user, former=former)
        user.delete()


def retention_rules() -> list[Retention]:
    return [rule for module in _parts() for rule in getattr(module, "RETENTION", [])]


def purge(rules: Iterable[Retention], *, now: datetime | None = None) -> list[tuple]:
    """Apply each limit at `now`; (rule, rows changed) for the rules that have one."""
    now = now or timezone.now()
    done = []
    for rule in rules:
        if rule.purge is not None:
            with transaction.atomic():
                done.append((rule, rule.purge(now)))
    return done


def run_purge(rules: Iterable[Retention], *, write, verbosity: int) -> None:
    """The scheduled purge: one run at a time, quiet in cron unless something was erased."""
    with one_at_a_time("purge-personal-data", busy="Une purge est déjà en cours."):
        for rule, changed in purge(rules):
            if verbosity > 1 or (changed and verbosity):
                write(f"{rule.what} : {changed} effacé(s).")
