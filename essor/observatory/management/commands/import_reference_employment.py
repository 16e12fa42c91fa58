from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from essor.observatory.reference import (
    ReferenceFileError,
    import_reference_employment,
)


class Command(BaseCommand):
    help = (
        "Importe l'emploi salarié total par territoire (CSV : niveau;code;annee;"
        "emplois_salaries[;source]), dénominateur de la part de l'ESS dans l'emploi."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="le fichier CSV (UTF-8)")
        parser.add_argument(
            "--source",
            default="",
            help="source des chiffres, si le fichier n'a pas de colonne source",
        )

    def handle(self, *args, file, source, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Impossible de lire {file} : {error.strerror}.") from error
        try:
            report = import_reference_employment(data, default_source=source)
        except ReferenceFileError as error:
            raise CommandError("\n".join(error.errors)) from error
        self.stdout.write(f"Emploi salarié de référence importé : {report.summary()}")
