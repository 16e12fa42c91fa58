from django.core.management.base import BaseCommand

from essor.directory.enums import ImportKind

from ._importing import absolute, add_common_arguments, run_import_command


class Command(BaseCommand):
    help = (
        "Importe les associations du Répertoire national des associations (export "
        "« waldec » : CSV séparé par « ; », ISO-8859-1, ou le zip d'un fichier par département)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FICHIER")
        parser.add_argument(
            "--all-regions",
            action="store_true",
            help="toute la France, et non la seule région de la plateforme (ESSOR_REGION)",
        )
        parser.add_argument(
            "--encoding", default="iso-8859-1", help="encodage du fichier (ISO-8859-1 par défaut)"
        )
        add_common_arguments(parser)

    def handle(self, *args, **options):
        parameters = {
            "path": absolute(options["file"]),
            "all_regions": options["all_regions"],
            "encoding": options["encoding"],
        }
        run_import_command(self, ImportKind.RNA, parameters, options)
