"""Background work of the directory: imports launched by CRESS staff from the admin."""

import logging

from django.utils import timezone
from django_tasks import task

from .enums import ImportStatus
from .importers import build_importer
from .importers.base import ImportRejected
from .importers.csv_import import MappingError
from .models import ImportRun

logger = logging.getLogger(__name__)


def perform_import(run, *, progress=None, record=True):
    """Run the importer `run` describes and keep its outcome on it: status, report,
    errors, start and end times. `record=False` leaves the database untouched (a dry
    run from the command line). An unexpected error is recorded, then raised again."""

    def save():
        if record:
            run.save()

    run.status, run.started_at, run.finished_at = ImportStatus.RUNNING, timezone.now(), None
    run.report, run.errors = {}, []
    save()
    try:
        importer = build_importer(run.kind, run.parameters, dry_run=run.dry_run, progress=progress)
        run.report = importer.run()
        run.status = ImportStatus.SUCCEEDED
    except ImportRejected as rejected:
        run.status = ImportStatus.REJECTED
        run.report = {**rejected.report, "error_count": rejected.errors.count}
        run.errors = rejected.errors.summary().splitlines()
    except MappingError as error:
        run.status = ImportStatus.REJECTED
        run.report = {"error_count": 1}
        run.errors = [str(error)]
    except Exception as error:
        logger.exception("Import %s failed", run.pk)
        run.status = ImportStatus.FAILED
        run.errors = [f"Erreur inattendue ({type(error).__name__}) : {error}"]
        run.finished_at = timezone.now()
        save()
        raise
    run.finished_at = timezone.now()
    save()
    if run.status == ImportStatus.SUCCEEDED and record and not run.dry_run:
        # The observatory's figures are derived from the directory: recompute them in
        # the worker once this import is written.
        from essor.observatory.services import refresh_after_import

        refresh_after_import()
    return run


@task(queue_name="imports")
def run_import(import_run_id):
    """The admin's "lancer l'import": runs in the worker, never in the request."""
    run = ImportRun.objects.get(pk=import_run_id)
    perform_import(run)
    return run.status
