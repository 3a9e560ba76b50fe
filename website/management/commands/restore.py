"""Bring back a backup written by `backup`, then rebuild the search index."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from website import backups


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde écrite par « backup » : remplace la base de données et les "
        "fichiers, puis reconstruit l'index de recherche. Arrêtez le site avant."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="Le dossier de la sauvegarde.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Ne pas demander de confirmation.",
        )

    def handle(self, *args, **options):
        try:
            backup = backups.read(options["backup"])
            missing = backups.check_restorable(backup)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        if options["interactive"]:
            question = (
                f"Restaurer {backup.describe()} remplace toute {backups.target_description()} "
                f"et les fichiers de {settings.MEDIA_ROOT}. Tapez « oui » pour continuer : "
            )
            if input(question).strip().lower() != "oui":
                raise CommandError("Restauration annulée : rien n'a été modifié.")
        try:
            backups.restore(backup)
        except (backups.BackupError, OSError) as error:
            raise CommandError(f"Restauration interrompue : {error}") from None
        if missing:
            self.stdout.write(
                self.style.WARNING(
                    f"Sauvegarde restaurée. Elle précède {len(missing)} migration(s) du code : "
                    "lancez « python manage.py migrate » puis « python manage.py update_index »."
                )
            )
            return
        call_command("update_index", verbosity=max(options["verbosity"] - 1, 0))
        self.stdout.write(
            self.style.SUCCESS("Sauvegarde restaurée ; l'index de recherche a été reconstruit.")
        )
