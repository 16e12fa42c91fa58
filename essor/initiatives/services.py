"""Steps that touch several things at once: the workflow (state, history, e-mail), the
contact requests to carriers, the reports queue, and what other apps' pages show."""

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from essor.accounts.perms import can_moderate
from essor.accounts.personal_data import (
    ANONYMISE,
    DELETED_ACCOUNT,
    DELETED_MESSAGE,
    DETACH,
    UserLink,
    in_role,
    scrubber,
)
from essor.accounts.services import absolute_url
from essor.core.emails import queue_email
from essor.core.workflow import WorkflowError, decide
from essor.directory.models import Membership
from essor.directory.perms import can_act_for_organisation
from essor.search.registry import reindex

from . import perms
from .enums import CarrierRole, Status, Transition
from .models import Carrier, ContentReport, Initiative, SpreadRequest
from .workflow import INITIATIVES, NOTIFIED


class InitiativeError(WorkflowError):
    """A step refused, with the French sentence to show (workflow steps refused by
    decide() raise the other WorkflowErrors)."""


class NoRecipientError(InitiativeError):
    pass


def cress_contact():
    """The CRESS's contact address, if the instance has one (setting ESSOR_CONTACT_EMAIL)."""
    return getattr(settings, "ESSOR_CONTACT_EMAIL", "")


# Paths of the section that an initiative's address must not shadow.
RESERVED_SLUGS = {"proposer", "mes-initiatives", "moderation", "signalements"}


def unique_slug(title, exclude_pk=None):
    base = slugify(title)[:100].strip("-") or "initiative"
    slug, n = base, 2
    taken = Initiative.objects.exclude(pk=exclude_pk)
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# Writing


@transaction.atomic
def initiative_create(*, actor, organisation, initiative, themes, indicators=None):
    """Save a new draft carried by `organisation`, written by `actor` (a member of it)."""
    if not can_act_for_organisation(actor, organisation):
        raise InitiativeError(
            "Vous devez être membre de cette structure pour proposer une initiative en son nom."
        )
    initiative.status = Status.DRAFT
    initiative.created_by = actor
    initiative.slug = unique_slug(initiative.title)
    initiative.save()
    Carrier.objects.create(
        initiative=initiative, organisation=organisation, role=CarrierRole.CARRIER
    )
    initiative.set_themes(themes)
    if indicators is not None:
        indicators.instance = initiative
        indicators.save()
    initiative.refresh_search_text()
    initiative.save(update_fields=["search_text", "search_title"])
    INITIATIVES.record(initiative, Transition.CREATE, by=actor, from_status="")
    return initiative


@transaction.atomic
def initiative_update(*, actor, initiative, themes, changed_fields, indicators=None):
    if not perms.can_edit(actor, initiative):
        raise InitiativeError(
            "Cette initiative ne peut pas être modifiée maintenant : elle est en cours de modération ou publiée (dépubliez-la d'abord)."
        )
    initiative.save()
    initiative.set_themes(themes)
    if indicators is not None:
        indicators.save()
    initiative.refresh_search_text()
    initiative.save(update_fields=["search_text", "search_title"])
    comment = ("Champs modifiés : " + ", ".join(changed_fields)) if changed_fields else ""
    INITIATIVES.record(initiative, Transition.EDIT, by=actor, comment=comment)
    return initiative


def initiative_transition(*, initiative, transition, actor, comment=""):
    """Take one step of the workflow (workflow.INITIATIVES) and tell the author; returns
    the history's new line."""
    with transaction.atomic():
        decide(initiative, transition, by=actor, comment=comment)
        reindex(Initiative, [initiative.pk])
    # The submitters are authors from now on.
    initiative.__dict__.pop("_submitters", None)
    entry = initiative.transitions.last()
    author = initiative.created_by
    if transition in NOTIFIED and author and author.is_active and author.pk != actor.pk:
        queue_email(
            "initiatives/emails/decision",
            {
                "initiative": initiative,
                "entry": entry,
                "by_cress": can_moderate(actor),
                "link": absolute_url(initiative.get_absolute_url()),
            },
            [author.email],
        )
    return entry


# "Je veux essaimer cette initiative"


def spread_recipients(initiative):
    """Who receives a contact request: the admins of each carrying organisation, or the
    organisation's public address when it has no admin on ESSor."""
    recipients = []
    for link in initiative.carriers.all():
        if link.role != CarrierRole.CARRIER:
            continue
        admins = list(
            Membership.objects.filter(organisation_id=link.organisation_id, user__is_active=True)
            .admins()
            .values_list("user__email", flat=True)
        )
        if admins:
            recipients.extend(admins)
        elif link.organisation.public_email:
            recipients.append(link.organisation.public_email)
    return list(dict.fromkeys(email.lower() for email in recipients))


@transaction.atomic
def spread_request_send(*, initiative, sender, name, email, organisation_name, message):
    """Store the request and e-mail it to every recipient separately (nobody sees the
    other carriers' addresses). Refused when nobody can receive it: then nothing is kept."""
    if not initiative.is_published:
        raise InitiativeError("Cette initiative n'est pas publiée.")
    recipients = spread_recipients(initiative)
    if not recipients:
        raise NoRecipientError(
            "Les porteurs de cette initiative ne peuvent pas encore être joints par ESSor : votre demande n'a pas été envoyée."
        )
    request = SpreadRequest.objects.create(
        initiative=initiative,
        sender=sender if sender is not None and sender.is_authenticated else None,
        name=name,
        email=email,
        organisation_name=organisation_name,
        message=message,
        consent_at=timezone.now(),
        recipient_count=len(recipients),
    )
    link = absolute_url(reverse("initiatives:spread_requests", args=[initiative.slug]))
    for recipient in recipients:
        queue_email(
            "initiatives/emails/spread_request",
            {"initiative": initiative, "request": request, "link": link},
            [recipient],
        )
    return request


# Reports of inappropriate content


def content_report_create(*, initiative, reporter, reason, message="", reporter_email=""):
    return ContentReport.objects.create(
        initiative=initiative,
        reporter=reporter if reporter is not None and reporter.is_authenticated else None,
        reason=reason,
        message=message,
        reporter_email=reporter_email,
    )


@transaction.atomic
def content_report_resolve(*, report, actor, unpublish, comment=""):
    """Close a report (workflow.REPORTS); with `unpublish`, take the initiative down (a
    workflow step, so it is logged and its author told, with the same comment)."""
    if unpublish and report.initiative.status == Status.PUBLISHED:
        decide(report, "action", by=actor, comment=comment)
        initiative_transition(
            initiative=report.initiative,
            transition=Transition.UNPUBLISH,
            actor=actor,
            comment=comment,
        )
    else:
        decide(report, "dismiss", by=actor, comment=comment)
    return report


# What other sections show


def initiatives_for_organisation(organisation):
    """Published initiatives an organisation carries or partners, newest first."""
    return list(
        Initiative.objects.published()
        .filter(carriers__organisation=organisation)
        .distinct()
        .for_listing()
        .order_by("-published_at", "title")
    )


def initiatives_for_territory(departement=None, epci=None):
    """Published initiatives of a département, or of an EPCI: those that name the EPCI
    first, then those of its département(s). Accepts models or INSEE codes."""
    from essor.territories.models import Commune

    codes = []
    query = models.Q()
    if departement is not None:
        codes = [getattr(departement, "code", departement)]
    if epci is not None:
        epci_code = getattr(epci, "code", epci)
        query |= models.Q(epci_codes__contains=f" {epci_code} ")
        codes = list(
            Commune.objects.filter(epci_id=epci_code)
            .values_list("departement_id", flat=True)
            .distinct()
            .order_by("departement_id")
        )
    for code in codes:
        query |= models.Q(departement_codes__contains=f" {code} ")
    if not query:
        return []
    initiatives = Initiative.objects.published().filter(query).for_listing()
    if epci is not None:
        initiatives = initiatives.annotate(
            in_epci=models.Case(
                models.When(epci_codes__contains=f" {epci_code} ", then=0), default=1
            )
        ).order_by("in_epci", "-published_at", "title")
    else:
        initiatives = initiatives.order_by("-published_at", "title")
    return list(initiatives)


def initiatives_elsewhere(*, themes=(), departement=None, limit=3):
    """Published initiatives on the given themes from other territories than the
    département (the « comparable territories » a person can learn from), the richest in
    shared themes first; those of the département itself come after."""
    initiatives = Initiative.objects.published()
    if themes:
        initiatives = initiatives.filter(theme_links__theme__in=list(themes)).annotate(
            shared=models.Count("theme_links", distinct=True)
        )
    else:
        initiatives = initiatives.annotate(shared=models.Value(0))
    code = getattr(departement, "code", departement) or ""
    initiatives = initiatives.annotate(
        here=models.Case(models.When(departement_codes__contains=f" {code} ", then=1), default=0)
        if code
        else models.Value(0)
    )
    return list(
        initiatives.for_listing().order_by("here", "-shared", "-published_at", "title")[:limit]
    )


# RGPD


def personal_data(user):
    return {
        "demandes_essaimage": [
            {
                "initiative": r.initiative.title,
                "nom": r.name,
                "email": r.email,
                "structure": r.organisation_name,
                "message": r.message,
                "envoyee_le": r.created_at,
            }
            for r in user.spread_requests.select_related("initiative")
        ],
        "initiatives_redigees": [
            {"titre": i.title, "etat": i.get_status_display(), "creee_le": i.created_at}
            for i in user.initiatives.all()
        ],
        "signalements": [
            {"initiative": r.initiative.title, "motif": r.get_reason_display(), "le": r.created_at}
            for r in ContentReport.objects.filter(reporter=user).select_related("initiative")
        ],
    }


USER_LINKS = [
    UserLink("initiatives.Initiative.created_by", DETACH, export="initiatives_redigees"),
    in_role("initiatives.InitiativeTransition.actor"),
    # The people who asked to spread an initiative stay counted, without their details.
    UserLink(
        "initiatives.SpreadRequest.sender",
        ANONYMISE,
        export="demandes_essaimage",
        prepare=scrubber(name=DELETED_ACCOUNT, email="", message=DELETED_MESSAGE),
    ),
    # The moderators keep the report and its reason.
    UserLink(
        "initiatives.ContentReport.reporter",
        ANONYMISE,
        export="signalements",
        prepare=scrubber(reporter_email="", message=DELETED_MESSAGE),
    ),
    in_role("initiatives.ContentReport.decided_by"),
]


def published_initiative_links():
    """[(path, label)] of the published initiatives, for the pages of other apps that link
    to them (a guide's related links)."""
    initiatives = Initiative.objects.published().order_by("title", "pk")
    return [(i.get_absolute_url(), i.title) for i in initiatives]
