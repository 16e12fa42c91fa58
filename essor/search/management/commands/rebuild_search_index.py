from django.core.management.base import BaseCommand
from django.db import transaction

from essor.search.backends import get_backend


class Command(BaseCommand):
    help = (
        "Réécrit l'index de recherche de l'annuaire à partir des tables (après une mise à "
        "jour des nomenclatures, ou une restauration partielle). Les déclencheurs le tiennent "
        "sinon à jour à chaque écriture."
    )

    def handle(self, *args, **options):
        backend = get_backend()
        with transaction.atomic():
            backend.rebuild()
        self.stdout.write(f"Index de recherche reconstruit ({backend.vendor}).")
