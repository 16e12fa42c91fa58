from django.core.management.base import BaseCommand

from essor.support import evaluation


class Command(BaseCommand):
    help = (
        "Le score de l'orientation sur son jeu d'évaluation (essor/support/data/"
        "evaluation.toml), par les questions et par la phrase libre. Il lit les offres "
        "publiées : lancez-le sur la base de démonstration (essor load_demo)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--details",
            action="store_true",
            help="chaque situation manquée, avec ce qui est montré",
        )

    def handle(self, *args, details=False, **options):
        items = evaluation.situations()
        for path, label in evaluation.PATHS.items():
            share, outcomes = evaluation.score(path, items)
            found = sum(len(o.found) for o in outcomes)
            expected = sum(len(o.situation.expect) for o in outcomes)
            complete = sum(1 for o in outcomes if not o.missing)
            self.stdout.write(
                f"Par {label} : {share:.1%} ({found}/{expected} types d'acteurs attendus "
                f"trouvés ; {complete}/{len(outcomes)} situations complètes)"
            )
            if details:
                for outcome in outcomes:
                    if outcome.missing:
                        self.stdout.write(
                            f"  - {outcome.situation.id} : manque {', '.join(outcome.missing)}"
                            f" — montré : {' ; '.join(outcome.shown) or 'rien'}"
                        )
        self.stdout.write(f"Seuil des tests : {evaluation.THRESHOLD:.0%}.")
