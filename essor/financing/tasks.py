import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from essor.accounts.services import notify

from .catalog import apply_filters
from .enums import AlertKind, DossierStatus, PdfStatus
from .enums import FundingRequestStatus as S
from .models import (
    DossierVersion,
    FinancingTool,
    FollowedTool,
    FundingLine,
    FundingRequest,
    SavedSearch,
    SentAlert,
)

logger = logging.getLogger(__name__)

# (kind, first day of the window, last day): days left before the closing date.
DEADLINE_ALERTS = ((AlertKind.DEADLINE_30, 30, 8), (AlertKind.DEADLINE_7, 7, 0))
DOSSIER_ALERTS = ((AlertKind.DOSSIER_30, 30, 8), (AlertKind.DOSSIER_7, 7, 0))
# Days after the closing of a call during which its funders are told, should a daily run
# be missed; days a request may wait for the funder's first step before a reminder.
CALL_CLOSED_WINDOW = 7
REQUEST_WAITING_DAYS = (15, 30)


def _days(count):
    return f"{count} jour{'s' if count != 1 else ''}"


def _send_once(
    *, user, tool, kind, about, template, message, context, url=None, funding_request=None
):
    """Record the alert, then notify the person (notifications page and e-mail): the
    unique constraint makes a second run (or a concurrent one) send nothing."""
    try:
        with transaction.atomic():
            SentAlert.objects.create(
                user=user, tool=tool, funding_request=funding_request, kind=kind, about=about
            )
    except IntegrityError:
        return False
    notify(
        [user],
        message,
        url or tool.get_absolute_url(),
        email_template=template,
        context={"tool": tool, **context},
    )
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
            message=f"Nouvel outil pour votre recherche « {search.name} » : {tool.title}",
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
                        message=f"Clôture dans {_days(days_left)} : {tool.title}",
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
                message=f"L'appel « {tool.title} » est de nouveau ouvert",
                context={},
            )
    return sent + send_dossier_deadlines(today) + send_funder_reminders(today)


def send_dossier_deadlines(today=None):
    """J-30 and J-7 reminders to the members of an organisation whose draft dossier names,
    in its tour de table, a tool that closes soon: the dossier must be submitted before.
    Once per person, tool and closing date."""
    today = today or timezone.localdate()
    lines = (
        FundingLine.objects.filter(
            dossier__status=DossierStatus.DRAFT,
            tool__status="published",
            tool__envelope="open",
            tool__closes_on__gte=today,
            tool__closes_on__lte=today + timedelta(days=DOSSIER_ALERTS[0][1]),
        )
        .select_related("dossier__organisation", "tool")
        .order_by("tool__closes_on", "pk")
    )
    sent = 0
    for line in lines:
        tool, dossier = line.tool, line.dossier
        days_left = (tool.closes_on - today).days
        kind = next(k for k, first, last in DOSSIER_ALERTS if last <= days_left <= first)
        members = dossier.organisation.memberships.filter(user__is_active=True)
        for membership in members.select_related("user"):
            sent += _send_once(
                user=membership.user,
                tool=tool,
                kind=kind,
                about=tool.closes_on,
                template="financing/emails/dossier_deadline",
                message=f"« {tool.title} » ferme dans {_days(days_left)} : "
                f"le dossier « {dossier.title} » n'est pas encore déposé",
                context={"days_left": days_left, "dossier": dossier},
                url=dossier.get_absolute_url(),
            )
    return sent


def send_funder_reminders(today=None):
    """What a funder must not miss: a call of theirs has closed with requests to instruct
    (told within a week of the closing), and a request still waiting for their first step
    (recevable or not) after 15 days, then after 30. Once per person and occasion."""
    from .notifications import funder_people  # it loads the user model

    today = today or timezone.localdate()
    sent = 0
    closed = (
        FundingRequest.objects.filter(
            tool__closes_on__gte=today - timedelta(days=CALL_CLOSED_WINDOW),
            tool__closes_on__lt=today,
        )
        .values("funder", "tool")
        .annotate(count=Count("pk"), waiting=Count("pk", filter=Q(status=S.RECEIVED)))
        .order_by("tool", "funder")
    )
    closed = list(closed)
    tools = FinancingTool.objects.in_bulk({row["tool"] for row in closed})
    people = {}  # funder id → the people who instruct for it, read once per funder

    def people_of(funder_id):
        if funder_id not in people:
            people[funder_id] = list(funder_people(funder_id))
        return people[funder_id]

    for row in closed:
        tool = tools[row["tool"]]
        url = f"{reverse('financing:requests')}?outil={tool.pk}"
        counts = f"{row['count']} demande{pluralize(row['count'])} reçue{pluralize(row['count'])}"
        for person in people_of(row["funder"]):
            sent += _send_once(
                user=person,
                tool=tool,
                kind=AlertKind.CALL_CLOSED,
                about=tool.closes_on,
                template="financing/emails/call_closed",
                message=f"L'appel « {tool.title} » est clos : {counts}",
                context={"count": row["count"], "waiting": row["waiting"]},
                url=url,
            )
    oldest = today - timedelta(days=REQUEST_WAITING_DAYS[0])
    waiting = FundingRequest.objects.filter(
        status=S.RECEIVED, created_at__date__lte=oldest
    ).select_related("dossier__organisation", "tool")
    for funding_request in waiting.order_by("created_at", "pk"):
        received_on = timezone.localdate(funding_request.created_at)
        days = (today - received_on).days
        threshold = max(d for d in REQUEST_WAITING_DAYS if d <= days)
        dossier = funding_request.dossier
        for person in people_of(funding_request.funder_id):
            sent += _send_once(
                user=person,
                tool=None,
                funding_request=funding_request,
                kind=AlertKind.REQUEST_WAITING,
                about=received_on + timedelta(days=threshold),
                template="financing/emails/request_waiting",
                message=f"La demande « {dossier.title} » de {dossier.organisation.name} "
                f"attend votre réponse depuis {_days(days)}",
                context={"days": days, "funding_request": funding_request},
                url=funding_request.get_absolute_url(),
            )
    return sent


@task()
def send_deadline_alerts_task():
    """The daily reminders (send_deadline_alerts), run by the worker: `essor
    send_financing_alerts` from cron does the same."""
    return send_deadline_alerts()


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
