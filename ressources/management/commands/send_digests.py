"""Send the wiki's digests that are due: one email per person, then their cursor moves.

Idempotent and resumable (see ressources.digests and website.mailing.send_each): run it daily
from cron or a systemd timer, after midnight; weekly digests go out with the first run from
Monday on. An email that cannot be sent (refused address, server down) is retried by the next
run; the others still go.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ressources import digests
from website.mailing import send_each
from website.runs import one_at_a_time

LOCK_KEY = "ressources:send-digests"


def _compose(item: digests.Due):
    lines = digests.lines_for(item)
    return digests.message(item, lines) if lines else None


class Command(BaseCommand):
    help = "Envoie les résumés du wiki (quotidiens et hebdomadaires) qui sont dus."

    def handle(self, *args, **options):
        with one_at_a_time(LOCK_KEY, busy="Un autre envoi des résumés du wiki est en cours."):
            digests.ensure_subscriptions()
            counts = send_each(
                digests.due(timezone.now()),
                compose=_compose,
                done=digests.move_cursor,
                label="Résumés du wiki",
            )
        if options["verbosity"] > 1:
            self.stdout.write(
                f"{counts.sent} résumé(s) envoyé(s), {counts.silent} sans nouveauté, "
                f"{counts.failed} en échec."
            )
        if counts.failed:
            raise CommandError(
                f"{counts.failed} résumé(s) n'ont pas pu être envoyés : le prochain passage les "
                "renverra."
            )
