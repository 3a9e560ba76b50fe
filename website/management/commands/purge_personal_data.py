"""Apply every retention limit of the privacy page: each app's `privacy.py` declares what it
keeps and for how long (see website.privacy_services). Idempotent and cheap (a few deletions):
cron or a systemd timer runs it every hour, so nothing outlives its limit by more than an hour.
"""

from django.core.management.base import BaseCommand

from website.privacy_services import retention_rules, run_purge


class Command(BaseCommand):
    help = "Efface les données personnelles dont la durée de conservation est dépassée."

    def handle(self, *args, **options):
        run_purge(retention_rules(), write=self.stdout.write, verbosity=options["verbosity"])
