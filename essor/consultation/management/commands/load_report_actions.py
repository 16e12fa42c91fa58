from django.core.management.base import BaseCommand

from essor.consultation.report import load_report_process


class Command(BaseCommand):
    help = "Charge les pistes d'action de l'état des lieux 2016 (idempotent)."

    def handle(self, *args, **options):
        counts = load_report_process()
        self.stdout.write(
            f"Pistes d'action : {counts['created']} créée(s), {counts['existing']} déjà là."
        )
