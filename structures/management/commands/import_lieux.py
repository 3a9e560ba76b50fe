"""Reads places in the national standard's format (v1 CSV or JSON, or the older v0 shape)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from structures.exchange import FileRefused, import_records, read_path
from structures.models import StructurePage


class Command(BaseCommand):
    help = _(
        "Importe des lieux au format du standard national des lieux de médiation numérique "
        "(CSV ou JSON, v1 ou v0). Un même identifiant met à jour le lieu au lieu de le dupliquer."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("Le fichier CSV ou JSON à importer."))
        parser.add_argument(
            "--structure",
            metavar="SLUG",
            help=_(
                "Placer les nouveaux lieux sous cette structure (son identifiant d’URL). Sans "
                "cette option : la structure dont le SIRET ou RNA est le pivot du lieu, sinon "
                "celle qui porte le nom de sa structure parente, sinon « Lieux importés »."
            ),
        )
        parser.add_argument(
            "--source",
            help=_(
                "La source des enregistrements qui n’en indiquent pas (par défaut : le nom du "
                "fichier). Elle préfixe leur identifiant. Un lieu déjà importé sous une autre "
                "source, de même identifiant, nom et code postal, est mis à jour, pas dupliqué."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Tout vérifier et afficher le rapport sans rien enregistrer."),
        )

    def handle(self, *args, **options):
        structure = None
        if options["structure"]:
            structure = StructurePage.objects.filter(slug=options["structure"]).first()
            if structure is None:
                raise CommandError(
                    _("Aucune structure n’a l’identifiant d’URL « %(slug)s ».")
                    % {"slug": options["structure"]}
                )
        try:
            source = read_path(options["path"])
        except FileRefused as error:
            raise CommandError(str(error)) from None
        # Each record's line is written as its batch ends, not gathered: a file of any size
        # is imported in the same memory.
        report = import_records(
            source,
            structure=structure,
            default_source=options["source"] or "",
            dry_run=options["dry_run"],
            report_sink=self.stdout.write if options["verbosity"] else _discard,
        )
        self.stdout.write(self.style.SUCCESS(report.summary()))


def _discard(line: str) -> None:
    """Lines nobody asked for (verbosity 0): only the summary is printed."""
