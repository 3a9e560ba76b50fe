from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from website.discovery import contributions
from website.models import HomePage
from website.search.deferred import indexing_deferred

# The demo's accounts are fictitious: the emails its content triggers (a proposal waiting for
# moderation…) would only fill the console of whoever runs `make run`.
NO_EMAIL = "django.core.mail.backends.dummy.EmailBackend"


class Command(BaseCommand):
    help = "Charge le contenu de démonstration (sans rien dupliquer) : réseau, pages, comptes par rôle."

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-index", action="store_true", help="Ne pas reconstruire l'index de recherche."
        )

    def handle(self, *args, skip_index=False, **options):
        if not getattr(settings, "RELAIS_DEMO_ENABLED", False):
            raise CommandError(
                "Le contenu de démonstration est refusé avec les réglages de production."
            )
        quiet = options["verbosity"] == 0
        log = (lambda line: None) if quiet else self.stdout.write
        # Outside the transaction: what waits for its commit (emails) runs with these settings too.
        with override_settings(EMAIL_BACKEND=NO_EMAIL), indexing_deferred(), transaction.atomic():
            call_command("setup_site", verbosity=0)
            home = HomePage.objects.get()
            for module in contributions("demo"):
                module.seed(home=home, log=log)
            # Then links between apps' content (a resource to a method), once all of it exists.
            for module in contributions("demo"):
                if hasattr(module, "link"):
                    module.link(home=home, log=log)
        if not skip_index:
            # One rebuild costs a fifth of indexing each of the demo's saves as it happens.
            call_command("update_index", verbosity=0)
        if not quiet:
            self.stdout.write(self.style.SUCCESS("Démonstration prête."))
