"""Send the wiki's digests that are due: one email per person, then their cursor moves.

Idempotent and resumable (see ressources.digests): run it daily from cron or a systemd timer,
after midnight; weekly digests go out with the first run from Monday on. An email that cannot
be sent (refused address, server down) is retried by the next run; the others still go.
"""

import logging
import smtplib

from django.core.mail import get_connection
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ressources import digests
from website.progress import Progress
from website.runs import one_at_a_time

logger = logging.getLogger(__name__)

LOCK_KEY = "ressources:send-digests"


class Command(BaseCommand):
    help = "Envoie les résumés du wiki (quotidiens et hebdomadaires) qui sont dus."

    def handle(self, *args, **options):
        with one_at_a_time(LOCK_KEY, busy="Un autre envoi des résumés du wiki est en cours."):
            sent, silent, failed = self.send_all()
        if options["verbosity"] > 1:
            self.stdout.write(
                f"{sent} résumé(s) envoyé(s), {silent} sans nouveauté, {failed} en échec."
            )
        if failed:
            raise CommandError(
                f"{failed} résumé(s) n'ont pas pu être envoyés : le prochain passage les renverra."
            )

    def send_all(self) -> tuple[int, int, int]:
        digests.ensure_subscriptions()
        due = digests.due(timezone.now())
        progress = Progress("Résumés du wiki", len(due))
        sent = silent = failed = 0
        with get_connection() as connection:
            for item in due:
                lines = digests.lines_for(item)
                if lines:
                    email = digests.message(item, lines)
                    email.connection = connection
                    try:
                        email.send()
                    except (smtplib.SMTPException, OSError):
                        logger.exception("Digest to user %s not sent", item.subscription.user_id)
                        connection.close()
                        failed += 1
                        progress.advance()
                        continue
                    sent += 1
                else:
                    silent += 1
                # Right after the email: a crash from here on repeats at most this one.
                digests.move_cursor(item)
                progress.advance()
        progress.finish()
        return sent, silent, failed
