from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from essor.financing.importer import ImportRefused, import_tools


class Command(BaseCommand):
    help = (
        "Importe un catalogue d'outils de financement (CSV, colonnes de l'export "
        "/api/financements/?format=csv plus « identifiant ») : tout le fichier est vérifié "
        "avant d'écrire ; une ligne déjà importée est mise à jour, jamais dupliquée."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FICHIER")
        parser.add_argument(
            "--dry-run", action="store_true", help="Vérifier et compter sans rien écrire."
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except OSError as error:
            raise CommandError(f"Lecture impossible de {path} : {error.strerror}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} n'est pas encodé en UTF-8.") from None
        try:
            report = import_tools(text, dry_run=options["dry_run"])
        except ImportRefused as refused:
            raise CommandError(
                "Fichier refusé, rien n'a été écrit :\n" + "\n".join(refused.errors)
            ) from None
        prefix = "Simulation (rien n'est écrit) : " if options["dry_run"] else ""
        self.stdout.write(f"{prefix}outils de financement : {report.summary()}.")
