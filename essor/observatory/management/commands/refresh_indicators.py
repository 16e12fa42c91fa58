from django.core.management.base import BaseCommand

from essor.observatory.refresh import refresh_indicators


class Command(BaseCommand):
    help = (
        "Recalcule tous les indicateurs de l'observatoire à partir de l'annuaire "
        "(d'ordinaire lancé en arrière-plan après chaque import)."
    )

    def handle(self, *args, **options):
        result = refresh_indicators()
        self.stdout.write(f"Indicateurs recalculés : {result.summary()}")
