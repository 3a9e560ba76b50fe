"""Remind the owners of open actions due within a week: the members of the owning structure
(the facilitators for the network's own actions). Run it daily from cron or a systemd timer.

One email per action, its owners in Bcc: they do not see each other's addresses, and the
reminder leaves whole or not at all. Each action's `reminded_for` holds the due date it was
reminded of, moved right after its email left: a re-run sends nothing twice, a run after a
crash resumes with the actions not reminded yet (repeating at worst the email in flight), an
email the server refuses is retried by the next run while the others still go, and a new due
date earns a new reminder. Quiet in cron; on a terminal it shows its progress; `-v 2` prints
the counts.
"""

import logging
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import timezone

from bilans import selectors
from bilans.models import Action, BilanIndexPage
from website.progress import Progress
from website.runs import one_at_a_time

logger = logging.getLogger(__name__)

LOCK_KEY = "bilans:send-action-reminders"


def _recipients(action: Action) -> list[str]:
    people = get_user_model().objects.filter(is_active=True).exclude(email="")
    if action.structure_id:
        people = people.filter(memberships__structure_id=action.structure_id)
    else:
        people = people.filter(facilitator_role__isnull=False)
    return sorted(set(people.values_list("email", flat=True)))


def _message(action: Action, index: BilanIndexPage, recipients: list[str], connection):
    board = (
        index.reverse_subpage("structure_board", args=[action.structure.slug])
        if action.structure_id
        else index.reverse_subpage("network_board")
    )
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    context = {
        "action": action,
        "board_url": f"{base}{index.url}{board}#action-{action.pk}",
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    subject = "".join(render_to_string("bilans/emails/reminder_subject.txt", context).splitlines())
    body = render_to_string("bilans/emails/reminder.txt", context)
    return EmailMessage(subject=subject, body=body, bcc=recipients, connection=connection)


def _delivered(message: EmailMessage, action: Action) -> bool:
    """False, and logged, when the server refuses the email or cannot be reached."""
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        logger.exception("Reminder of action %s not sent", action.pk)
        message.connection.close()
        return False
    return True


class Command(BaseCommand):
    help = "Envoie un rappel aux structures dont une action ouverte arrive à échéance dans une semaine."

    def handle(self, *args, **options):
        with one_at_a_time(LOCK_KEY, busy="Un autre envoi des rappels d'actions est en cours."):
            sent, unowned, failed = self.send_all()
        summary = f"{sent} rappel(s) envoyé(s), {unowned} sans destinataire, {failed} en échec."
        if failed:
            raise CommandError(f"{summary} Le prochain passage renverra ceux qui ont échoué.")
        if options["verbosity"] > 1:
            self.stdout.write(summary)

    def send_all(self) -> tuple[int, int, int]:
        index = selectors.bilan_index()
        if index is None:
            # No board to link to: leave every cursor alone until the site has one.
            return 0, 0, 0
        due = list(selectors.actions_to_remind(timezone.localdate()))
        progress = Progress("Rappels d'actions", len(due))
        sent = unowned = failed = 0
        with get_connection() as connection:
            for action in due:
                progress.advance()
                recipients = _recipients(action)
                if not recipients:
                    unowned += 1
                elif _delivered(_message(action, index, recipients, connection), action):
                    sent += 1
                else:
                    failed += 1
                    continue
                # Right after the email: a crash from here on repeats at most this one.
                Action.objects.filter(pk=action.pk).update(reminded_for=action.due_date)
        progress.finish()
        return sent, unowned, failed
