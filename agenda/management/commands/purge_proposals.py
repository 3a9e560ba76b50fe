"""Erase the addresses visitors left with their event proposals, 90 days after the moderation.

Kept for existing schedules: `purge_personal_data` applies this limit with all the others.
"""

from django.core.management.base import BaseCommand

from agenda import privacy
from website.privacy_services import run_purge


class Command(BaseCommand):
    help = "Efface les courriels des visiteurs 90 jours après la modération de leur proposition."

    def handle(self, *args, **options):
        run_purge(privacy.RETENTION, write=self.stdout.write, verbosity=options["verbosity"])
