"""essor purge_tasks: delete the finished rows of the task queue older than the retention
period (ESSOR_TASK_RETENTION_DAYS, 30 days by default). Run it daily, as the alerts."""

from django.core.management.base import BaseCommand

from essor.core.tasks import purge_finished_tasks


class Command(BaseCommand):
    help = "Supprime les tâches terminées plus anciennes que la durée de conservation."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="durée de conservation en jours (réglage par défaut)",
        )

    def handle(self, *args, days=None, **options):
        count, days = purge_finished_tasks(days)
        self.stdout.write(f"{count} tâche(s) terminée(s) depuis plus de {days} jours supprimée(s).")
