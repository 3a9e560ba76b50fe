"""Delete invitations nobody needs any more, with the email address they hold.

Pending invitations go 30 days after they expired; accepted ones 90 days after acceptance
(the membership they created stays). Idempotent: cron or a systemd timer runs it daily.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from structures.models import Invitation

EXPIRED_KEPT = timedelta(days=30)
ACCEPTED_KEPT = timedelta(days=90)


class Command(BaseCommand):
    help = "Supprime les invitations expirées depuis 30 jours et celles acceptées depuis 90 jours."

    def handle(self, *args, **options):
        now = timezone.now()
        stale = Invitation.objects.filter(
            Q(accepted_at__isnull=True, expires_at__lt=now - EXPIRED_KEPT)
            | Q(accepted_at__lt=now - ACCEPTED_KEPT)
        )
        deleted, _details = stale.delete()
        if options["verbosity"] > 1 or (deleted and options["verbosity"]):
            self.stdout.write(f"{deleted} invitation(s) supprimée(s).")
