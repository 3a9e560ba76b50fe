"""Erase the addresses visitors left with their event proposals, 90 days after the moderation.

The proposal stays (its outcome, for the moderators' history) without the address. Idempotent:
cron or a systemd timer runs it daily, next to purge_invitations.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from agenda.models import EventProposal

KEPT = timedelta(days=90)


class Command(BaseCommand):
    help = "Efface les courriels des visiteurs 90 jours après la modération de leur proposition."

    def handle(self, *args, **options):
        erased = (
            EventProposal.objects.exclude(email="")
            .filter(moderated_at__lt=timezone.now() - KEPT)
            .update(email="")
        )
        if options["verbosity"] > 1 or (erased and options["verbosity"]):
            self.stdout.write(f"{erased} courriel(s) effacé(s).")
