from django.core.management.base import BaseCommand

from essor.initiatives.report import load_report_initiatives


class Command(BaseCommand):
    help = "Publie les exemples d'initiatives de l'état des lieux 2016 qui manquent (sans toucher aux autres)."

    def handle(self, *args, **options):
        counts = load_report_initiatives()
        self.stdout.write(
            f"{counts['created']} initiative(s) créée(s), {counts['existing']} déjà présente(s), "
            f"{counts['organisations_created']} structure(s) ajoutée(s) à l'annuaire, "
            f"{counts['links_created']} lien(s) structure–initiative créé(s)."
        )
