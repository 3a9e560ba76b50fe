"""Writes every published place as records of the national standard (v1), in CSV or JSON."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from structures.exchange import export_records, write_csv, write_json


class _Unterminated:
    """The command's stdout, written to as a plain stream (no line ending added)."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")


class Command(BaseCommand):
    help = _(
        "Exporte les lieux publiés au format du standard national des lieux de médiation "
        "numérique (CSV ou JSON)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("csv", "json"), default="csv")
        parser.add_argument(
            "--output", help=_("Fichier à écrire (par défaut : la sortie standard).")
        )

    def handle(self, *args, **options):
        writer = write_csv if options["format"] == "csv" else write_json
        path = options["output"]
        if not path:
            writer(export_records(), _Unterminated(self.stdout))
            return
        try:
            with open(path, "w", encoding="utf-8", newline="") as stream:
                count = writer(export_records(), stream)
        except OSError as error:
            raise CommandError(
                _("Impossible d’écrire « %(path)s » : %(error)s.")
                % {"path": path, "error": error.strerror or error}
            ) from None
        if options["verbosity"]:
            self.stderr.write(
                ngettext(
                    "%(count)s lieu exporté dans %(path)s.",
                    "%(count)s lieux exportés dans %(path)s.",
                    count,
                )
                % {"count": count, "path": path}
            )
