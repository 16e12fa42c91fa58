from django.core.management.base import BaseCommand

from essor.consultation.digests import send_digests


class Command(BaseCommand):
    help = "Envoie (par la file de tâches) le résumé des nouveautés aux personnes qui suivent une concertation, une fiche ou une action."

    def handle(self, *args, **options):
        self.stdout.write(f"Résumés mis en file : {send_digests()}")
