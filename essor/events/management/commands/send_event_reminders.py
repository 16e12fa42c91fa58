from django.core.management.base import BaseCommand

from essor.events.services import send_reminders


class Command(BaseCommand):
    help = "Envoie (par la file de tâches) le rappel de la veille aux inscrits des événements des prochaines 24 heures."

    def handle(self, *args, **options):
        count = send_reminders()
        self.stdout.write(f"{count} rappel(s) mis en file d'envoi.")
