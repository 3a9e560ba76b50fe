"""Write a backup of the running site: the database, the media; see website/backups.py."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from website import backups


class Command(BaseCommand):
    help = (
        "Écrit une sauvegarde cohérente de la base de données et des fichiers (images, "
        "documents) pendant que le site fonctionne, dans un dossier daté. L'index de recherche "
        "n'y est pas : la restauration le reconstruit."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            metavar="DOSSIER",
            type=Path,
            help="Le dossier où écrire la sauvegarde (par défaut : RELAIS_DATA_DIR/sauvegardes).",
        )
        parser.add_argument(
            "--keep",
            metavar="N",
            type=int,
            help="Ne garder que les N sauvegardes les plus récentes de ce dossier.",
        )

    def handle(self, *args, **options):
        if options["keep"] is not None and options["keep"] < 1:
            raise CommandError("--keep doit valoir au moins 1 : la sauvegarde du jour est gardée.")
        output = options["output"] or backups.default_output()
        try:
            path = backups.create(output)
        except (backups.BackupError, OSError) as error:
            raise CommandError(f"Sauvegarde impossible : {error}") from None
        removed = backups.prune(output, options["keep"]) if options["keep"] else []
        # Quiet in cron (a line a day would be mailed), told on a terminal.
        if options["verbosity"] > 1 or self.stdout.isatty():
            self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite : {path}"))
            for old in removed:
                self.stdout.write(f"Ancienne sauvegarde supprimée : {old}")
