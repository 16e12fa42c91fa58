from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(subject, body, to, html_body=None):
    """Every e-mail of the platform leaves through this task, never from a request."""
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()


@task(queue_name="imports")
def run_import(import_run_id):
    """/gestion/'s "lancer l'import": runs in the worker, never in the request."""
    from .importing import perform_import
    from .models import ImportRun

    run = ImportRun.objects.get(pk=import_run_id)
    perform_import(run)
    return run.status
