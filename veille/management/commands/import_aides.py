"""Import calls from Aides-territoires (its public API format), idempotently."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from veille.aides import SourceRefused, import_aides


class Command(BaseCommand):
    help = _(
        "Importe des appels au format de l'API publique d'Aides-territoires (un fichier JSON ou "
        "une adresse http(s), pages suivies par « next »). Un même identifiant met à jour "
        "l'appel au lieu de le dupliquer."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help=_("Le fichier JSON ou l'adresse de l'API à lire."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Tout vérifier et afficher le rapport sans rien enregistrer."),
        )

    def handle(self, *args, **options):
        try:
            report = import_aides(options["source"], dry_run=options["dry_run"])
        except SourceRefused as error:
            raise CommandError(str(error)) from None
        if options["verbosity"]:
            for line in report.lines():
                self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(report.summary()))
