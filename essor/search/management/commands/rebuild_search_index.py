from django.core.management.base import BaseCommand
from django.db import transaction

from essor.search.backends import get_backend
from essor.search.registry import rebuild


class Command(BaseCommand):
    help = (
        "Réécrit les index de recherche : celui de l'annuaire à partir de ses tables (après "
        "une mise à jour des nomenclatures ou une restauration partielle ; ses déclencheurs "
        "le tiennent sinon à jour) et les documents de la recherche de la plateforme (après "
        "load_territories, et chaque nuit : le nom d'une structure renommée dans les offres, "
        "outils et initiatives qui la citent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--documents",
            action="store_true",
            help="Seulement les documents de la recherche de la plateforme (quelques secondes).",
        )

    def handle(self, *args, documents=False, **options):
        if not documents:
            backend = get_backend()
            with transaction.atomic():
                backend.rebuild()
            self.stdout.write(f"Index de l'annuaire reconstruit ({backend.vendor}).")
        with transaction.atomic():
            written = rebuild()
        details = ", ".join(f"{name} : {count}" for name, count in written.items())
        self.stdout.write(f"Documents de la recherche réécrits ({details}).")
