"""Send the funding watch's alerts that are due (run daily by cron or a systemd timer).

Idempotent: an alert gets at most one digest a day (a week for weekly ones); a run after a crash
resumes with the alerts not sent yet, repeating at worst the one email in flight, and an address
the server refuses is tried again by the next run. Quiet unless something happened; shows its
progress on a terminal.
"""

from django.core.management.base import BaseCommand, CommandError

from veille.alerts import send_due_alerts
from website.runs import one_at_a_time

LOCK_KEY = "veille:send-alerts"


class Command(BaseCommand):
    help = "Envoie les alertes de la veille financements qui sont dues."

    def handle(self, *args, **options):
        with one_at_a_time(LOCK_KEY, busy="Un autre envoi des alertes de la veille est en cours."):
            counts = send_due_alerts()
        summary = (
            f"Veille : {counts['sent']} alerte(s) envoyée(s), {counts['nothing_new']} sans "
            f"nouveauté, {counts['failed']} en échec, {counts['purged']} adresse(s) non "
            "confirmée(s) effacée(s)."
        )
        if counts["failed"]:
            raise CommandError(f"{summary} Le prochain passage renverra celles qui ont échoué.")
        if counts["sent"] or counts["purged"]:
            self.stdout.write(summary)
