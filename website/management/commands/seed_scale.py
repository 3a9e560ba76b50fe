import random

from faker import Faker

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from website.discovery import contributions
from website.scale_sizes import SIZES
from website.search.deferred import indexing_deferred


class Command(BaseCommand):
    help = "Génère un réseau réaliste (tailles S, M, L) par-dessus la démonstration, de façon reproductible."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="S")
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument(
            "--skip-index", action="store_true", help="Ne pas reconstruire l'index de recherche."
        )

    def handle(self, *args, size, seed, skip_index, **options):
        call_command("seed_demo", skip_index=True, verbosity=0)
        dimensions = SIZES[size]
        with indexing_deferred():
            for module in contributions("scale"):
                label = module.__name__.split(".")[0]
                rng = random.Random(f"{seed}-{label}")
                faker = Faker("fr_FR")
                faker.seed_instance(f"{seed}-{label}")
                # One commit per app rather than one per row written: on SQLite each commit
                # waits for the disk. A run stopped halfway keeps the apps already done.
                with transaction.atomic():
                    module.seed(size=dimensions, rng=rng, faker=faker)
        if not skip_index:
            call_command("update_index", verbosity=0)
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"Réseau de taille {size} prêt."))
