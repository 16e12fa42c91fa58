from django.core.management.base import BaseCommand
from django.db import transaction

from essor.accounts import demo as accounts_demo
from essor.core.demo import load_demo
from essor.core.models import DemoDataset
from essor.observatory.refresh import refresh_indicators
from essor.search.registry import rebuild as rebuild_search
from essor.territories.models import Commune


class Command(BaseCommand):
    help = "Charge le contenu de démonstration (comptes, structures…), signalé comme tel."

    def handle(self, *args, **options):
        if not Commune.objects.exists():
            self.stderr.write("Chargez d'abord la géographie : essor load_territories")
            raise SystemExit(1)
        with transaction.atomic():
            load_demo()  # every app's data/demo/*.json, see essor.core.demo
            DemoDataset.objects.update_or_create(
                name="démonstration",
                defaults={"description": "Comptes et contenus de démonstration de make demo."},
            )
        # The demo has no import to trigger the observatory's refresh: run it here.
        self.stdout.write(f"Indicateurs de l'observatoire : {refresh_indicators().summary()}")
        # Else the first search would write the documents of every kind.
        written = sum(rebuild_search().values())
        self.stdout.write(f"Recherche de la plateforme : {written} documents indexés.")
        self.stdout.write("Contenu de démonstration chargé. Comptes de démonstration :")
        self.stdout.write(accounts_demo.describe())
