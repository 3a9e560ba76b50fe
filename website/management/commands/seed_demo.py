from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from website.discovery import contributions
from website.models import HomePage


class Command(BaseCommand):
    help = "Charge le contenu de démonstration (sans rien dupliquer) : réseau, pages, comptes par rôle."

    def handle(self, *args, **options):
        if not getattr(settings, "RELAIS_DEMO_ENABLED", False):
            raise CommandError(
                "Le contenu de démonstration est refusé avec les réglages de production."
            )
        quiet = options["verbosity"] == 0
        log = (lambda line: None) if quiet else self.stdout.write
        with transaction.atomic():
            call_command("setup_site", verbosity=0)
            home = HomePage.objects.get()
            for module in contributions("demo"):
                module.seed(home=home, log=log)
            # Then links between apps' content (a resource to a method), once all of it exists.
            for module in contributions("demo"):
                if hasattr(module, "link"):
                    module.link(home=home, log=log)
        if not quiet:
            self.stdout.write(self.style.SUCCESS("Démonstration prête."))
