from django.core.management.base import BaseCommand

from essor.financing.tasks import send_deadline_alerts


class Command(BaseCommand):
    help = (
        "Envoie les rappels J-30 et J-7 avant la clôture des outils suivis et des outils "
        "des dossiers non déposés, et les avis de "
        "réouverture des appels récurrents. À lancer chaque jour ; chaque alerte part une fois."
    )

    def handle(self, *args, **options):
        sent = send_deadline_alerts()
        self.stdout.write(
            f"{sent} alerte{'s' if sent != 1 else ''} envoyée{'s' if sent != 1 else ''}."
        )
