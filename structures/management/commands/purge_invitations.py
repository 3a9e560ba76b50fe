"""Delete invitations nobody needs any more, with the email address they hold: 30 days after
they expired, or 90 days after acceptance (the membership they created stays).

Kept for existing schedules: `purge_personal_data` applies this limit with all the others.
"""

from django.core.management.base import BaseCommand

from structures import privacy
from website.privacy_services import run_purge


class Command(BaseCommand):
    help = "Supprime les invitations expirées depuis 30 jours et celles acceptées depuis 90 jours."

    def handle(self, *args, **options):
        run_purge(privacy.RETENTION, write=self.stdout.write, verbosity=options["verbosity"])
