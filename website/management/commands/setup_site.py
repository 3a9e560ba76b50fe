from django.core.management.base import BaseCommand
from django.db import transaction

from website import page_cache
from website.discovery import contributions
from website.setup import ensure_home


class Command(BaseCommand):
    help = "Construit (sans rien dupliquer) l'arborescence, les groupes, les collections et les workflows du site."

    @transaction.atomic
    def handle(self, *args, **options):
        home = ensure_home()
        for module in contributions("setup"):
            module.setup(home=home)
        # Run at every deployment: pages cached by the previous code are not served again.
        transaction.on_commit(page_cache.bump)
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS("Site prêt."))
