"""Send the funding watch's alerts that are due (run daily by cron or a systemd timer).

Idempotent: an alert gets at most one digest a day (a week for weekly ones); a run after a crash
resumes with the alerts not sent yet, repeating at worst the one email in flight. Quiet unless
something happened.
"""

from django.core.management.base import BaseCommand

from veille.alerts import send_due_alerts


class Command(BaseCommand):
    help = "Envoie les alertes de la veille financements qui sont dues."

    def handle(self, *args, **options):
        counts = send_due_alerts()
        if counts["sent"] or counts["purged"] or counts["busy"]:
            self.stdout.write(
                f"Veille : {counts['sent']} alerte(s) envoyée(s), {counts['nothing_new']} sans "
                f"nouveauté, {counts['busy']} déjà en cours d'envoi, {counts['purged']} adresse(s) "
                "non confirmée(s) effacée(s)."
            )
