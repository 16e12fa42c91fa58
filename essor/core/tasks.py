import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def send_email(subject, body, to, html_body=None):
    """Every e-mail of the platform leaves through this task, never from a request."""
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()


@task()
def send_templated_email(template, context, to, attachments=None):
    """What essor.core.emails.queue_email queues: the e-mail is rendered now, from the
    objects as they are; not sent when one of them is gone."""
    from .emails import Gone, render_email

    try:
        subject, body = render_email(template, context)
    except Gone as error:
        logger.info("E-mail %s not sent: %s no longer exists", template, error)
        return "skipped"
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    for filename, content, mimetype in attachments or ():
        message.attach(filename, content, mimetype)
    message.send()
    return "sent"


@task(queue_name="imports")
def run_import(import_run_id):
    """/gestion/'s "lancer l'import": runs in the worker, never in the request."""
    from .importing import perform_import
    from .models import ImportRun

    run = ImportRun.objects.get(pk=import_run_id)
    perform_import(run)
    return run.status


def purge_finished_tasks(days=None):
    """Delete the task rows finished (succeeded or failed) more than `days` ago
    (ESSOR_TASK_RETENTION_DAYS by default). Returns (rows deleted, days)."""
    import datetime as dt

    from django.apps import apps
    from django.utils import timezone

    days = settings.ESSOR_TASK_RETENTION_DAYS if days is None else days
    if not apps.is_installed("django_tasks_db"):
        return 0, days
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - dt.timedelta(days=days)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted, days


@task()
def run_export(export_id):
    """A large CSV export (essor.core.exports), written to a private file."""
    from .exports import perform_export
    from .models import Export

    export = Export.objects.filter(pk=export_id).first()
    if export is not None:
        perform_export(export)
