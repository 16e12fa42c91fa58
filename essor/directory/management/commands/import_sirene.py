from django.core.management.base import BaseCommand

from essor.directory.enums import ImportKind

from ._importing import absolute, add_common_arguments, run_import_command


class Command(BaseCommand):
    help = (
        "Importe les structures de l'ESS et leurs établissements depuis les fichiers stock "
        "SIRENE de l'INSEE (StockUniteLegale et StockEtablissement, CSV ou zip)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unites-legales", required=True, metavar="FICHIER")
        parser.add_argument("--etablissements", required=True, metavar="FICHIER")
        parser.add_argument(
            "--all-regions",
            action="store_true",
            help="toute la France, et non la seule région de la plateforme (ESSOR_REGION)",
        )
        add_common_arguments(parser)

    def handle(self, *args, **options):
        parameters = {
            "unites_legales": absolute(options["unites_legales"]),
            "etablissements": absolute(options["etablissements"]),
            "all_regions": options["all_regions"],
        }
        run_import_command(self, ImportKind.SIRENE, parameters, options)
