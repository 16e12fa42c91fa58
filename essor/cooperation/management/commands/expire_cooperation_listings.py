from django.core.management.base import BaseCommand

from essor.cooperation.services import expire_past


class Command(BaseCommand):
    help = (
        "Passe à « expirée » les offres et besoins de coopération dont la date de fin est "
        "passée (ils quittent les listes ouvertes et les rapprochements). Chaque jour."
    )

    def handle(self, *args, **options):
        count = expire_past()
        self.stdout.write(f"{count} offre(s) ou besoin(s) expiré(s).")
