from pathlib import Path

from django.core.management.base import BaseCommand

from essor.territories.loader import DEFAULT_EXTRACT, load_territories


class Command(BaseCommand):
    help = "Charge (ou met à jour) régions, départements, EPCI et communes depuis l'extrait livré."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_EXTRACT)

    def handle(self, *args, file, verbosity, **options):
        report = load_territories(file)
        if verbosity == 0:
            return
        for line in report.lines():
            self.stdout.write(line)
        if not report.changed():
            self.stdout.write("Aucun changement : la géographie était déjà à jour.")
