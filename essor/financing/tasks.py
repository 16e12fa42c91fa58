import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from essor.core.emails import queue_email

from .catalog import apply_filters
from .enums import AlertKind, PdfStatus
from .models import DossierVersion, FinancingTool, FollowedTool, SavedSearch, SentAlert

logger = logging.getLogger(__name__)

# (kind, first day of the window, last day): days left before the closing date.
DEADLINE_ALERTS = ((AlertKind.DEADLINE_30, 30, 8), (AlertKind.DEADLINE_7, 7, 0))


def _send_once(*, user, tool, kind, about, template, context):
    """Record the alert, then queue its e-mail: the unique constraint makes a second run
    (or a concurrent one) send nothing."""
    try:
        with transaction.atomic():
            SentAlert.objects.create(user=user, tool=tool, kind=kind, about=about)
    except IntegrityError:
        return False
    context = {
        "user": user,
        "tool": tool,
        "url": settings.ESSOR_BASE_URL + reverse("financing:tool", args=[tool.pk]),
        **context,
    }
    queue_email(template, context, [user.email])
    return True


@task()
def alert_saved_searches(tool_id):
    """Tell each person whose saved search the newly published tool matches."""
    tool = FinancingTool.objects.published().filter(pk=tool_id).first()
    if tool is None:
        return 0
    about = (tool.published_at or timezone.now()).date()
    sent = 0
    for search in SavedSearch.objects.select_related("user").filter(user__is_active=True):
        matches = apply_filters(FinancingTool.objects.filter(pk=tool.pk), search.params).exists()
        if matches and _send_once(
            user=search.user,
            tool=tool,
            kind=AlertKind.NEW_TOOL,
            about=about,
            template="financing/emails/new_tool",
            context={"search": search},
        ):
            sent += 1
    return sent


def send_deadline_alerts(today=None):
    """J-30 and J-7 reminders to the followers of a tool, and the reopening of a recurring
    call to its followers. Safe to run as often as wanted: each alert goes once."""
    today = today or timezone.localdate()
    sent = 0
    follows = FollowedTool.objects.select_related("user", "tool").filter(
        user__is_active=True, tool__status="published"
    )
    for follow in follows:
        tool = follow.tool
        if tool.closes_on and tool.envelope == "open":
            days_left = (tool.closes_on - today).days
            for kind, first, last in DEADLINE_ALERTS:
                # A window, not an exact day, so that a missed daily run still sends the
                # reminder; the SentAlert row keeps it to one.
                if last <= days_left <= first:
                    sent += _send_once(
                        user=follow.user,
                        tool=tool,
                        kind=kind,
                        about=tool.closes_on,
                        template="financing/emails/deadline",
                        context={"days_left": days_left},
                    )
        reopened = (
            tool.recurrence
            and tool.opens_on
            and tool.opens_on <= today < tool.opens_on + timedelta(days=30)
            and follow.created_at.date() < tool.opens_on
        )
        if reopened:
            sent += _send_once(
                user=follow.user,
                tool=tool,
                kind=AlertKind.REOPENED,
                about=tool.opens_on,
                template="financing/emails/reopened",
                context={},
            )
    return sent


@task()
def make_dossier_pdf(version_id):
    """The CERFA-like PDF of a frozen version, outside any request."""
    from .pdf import render_pdf

    version = DossierVersion.objects.select_related("dossier").filter(pk=version_id).first()
    if version is None:
        return
    try:
        content = render_pdf(version)
    except Exception:
        logger.exception("Le PDF de la version %s n'a pas pu être produit", version_id)
        DossierVersion.objects.filter(pk=version_id).update(pdf_status=PdfStatus.FAILED)
        raise
    version.pdf.save(f"dossier-{version.dossier_id}-v{version.number}.pdf", content, save=False)
    DossierVersion.objects.filter(pk=version_id).update(
        pdf=version.pdf.name, pdf_status=PdfStatus.READY
    )
