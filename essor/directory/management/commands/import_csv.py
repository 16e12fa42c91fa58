from django.core.management.base import BaseCommand, CommandError

from essor.directory.enums import ImportKind
from essor.directory.importers.csv_import import MappingError, load_mapping

from ._importing import absolute, add_common_arguments, run_import_command


class Command(BaseCommand):
    help = (
        "Importe une liste de structures de la CRESS (CSV) selon un fichier de "
        "correspondance JSON entre ses colonnes et nos champs (voir "
        "essor/directory/data/README.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FICHIER")
        parser.add_argument("--mapping", required=True, metavar="CORRESPONDANCE.json")
        add_common_arguments(parser)

    def handle(self, *args, **options):
        try:
            load_mapping(options["mapping"])
        except MappingError as error:
            raise CommandError(str(error)) from None
        parameters = {"path": absolute(options["file"]), "mapping": absolute(options["mapping"])}
        run_import_command(self, ImportKind.CSV, parameters, options)
