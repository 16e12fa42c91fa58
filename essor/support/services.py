"""Workflows of the support domain: offers (creation, moderation) and requests (sending,
handling in an actor's inbox). Each function validates, writes in one transaction, logs
and queues its e-mails; views only call them."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from essor.accounts.models import User
from essor.accounts.perms import is_cress_staff
from essor.accounts.personal_data import (
    ANONYMISE,
    DELETE,
    DELETED_ACCOUNT,
    DELETED_MESSAGE,
    DETACH,
    UserLink,
    in_role,
    scrubber,
)
from essor.accounts.services import notify
from essor.core.emails import queue_email
from essor.core.workflow import decide, hold_link_changes
from essor.directory.enums import Phase
from essor.search.registry import reindex
from essor.territories.areas import AreaLevel, Place, replace_areas

from .enums import OfferStatus, SupportRequestStatus
from .models import OfferArea, SupportOffer, SupportRequest
from .perms import can_moderate_offers
from .workflow import (
    OFFER_LINK_FIELDS,
    OFFER_NOTIFIED,
    OFFER_TEXT_FIELDS,
    OFFERS,
    REQUESTS,
    request_transition_to,
)

MAX_ACTORS_PER_REQUEST = 5


def members(organisation):
    return list(
        User.objects.filter(memberships__organisation=organisation, is_active=True).order_by(
            "email"
        )
    )


# --- Offers ------------------------------------------------------------------------------


def offer_set_areas(offer, areas):
    """Replace the offer's served territory by [AreaSpec]."""
    summary = "; ".join(area.label for area in replace_areas(offer, areas))
    offer.territory_summary = summary if len(summary) <= 500 else summary[:497] + "…"
    offer.save(update_fields=["territory_summary"])
    reindex(SupportOffer, [offer.pk])


@transaction.atomic
def offer_save(*, offer, author, areas):
    """Create or edit an offer. An actor's new offer goes to moderation, and so does one
    refused or archived that they correct (the resubmit step); CRESS staff's own offers are
    published at once. Edits of a published offer stay published, its history records
    them, but its new links and contact details wait for a moderator (held_changes)."""
    created = not offer.pk
    if created:
        offer.status = OfferStatus.PUBLISHED if is_cress_staff(author) else OfferStatus.PENDING
        offer.created_by = author
    elif offer.status == OfferStatus.PUBLISHED and not can_moderate_offers(author):
        # A new website, e-mail or phone of a published offer waits for a moderator: a
        # stolen or careless account cannot send the offer's readers elsewhere.
        before = SupportOffer.objects.get(pk=offer.pk)
        hold_link_changes(offer, before, OFFER_LINK_FIELDS, OFFER_TEXT_FIELDS)
    offer.save()
    offer_set_areas(offer, areas)
    if created:
        OFFERS.record(offer, "create", by=author, from_status="")
        return offer
    OFFERS.record(offer, "edit", by=author)
    if not is_cress_staff(author) and offer.status in OFFERS["resubmit"].sources:
        decide(offer, "resubmit", by=author)
    return offer


def _offer_decision(offer, by, transition, reason=""):
    with transaction.atomic():
        decide(offer, transition, by=by, comment=reason)
        reindex(SupportOffer, [offer.pk])
    if transition in OFFER_NOTIFIED:
        published = offer.status == OfferStatus.PUBLISHED
        notify(
            members(offer.provider),
            f"Votre offre « {offer.title} » est {'publiée' if published else 'à corriger'}",
            reverse("support:offer_edit", args=[offer.pk]),
            detail="" if published else f"Motif : {offer.decision_comment}",
            email_template="support/emails/offer_decision",
            context={"offer": offer, "published": published, "reason": offer.decision_comment},
        )
    return offer


def offer_accept_changes(*, offer, moderator):
    return _offer_decision(offer, moderator, "accept_changes")


def offer_refuse_changes(*, offer, moderator, reason):
    return _offer_decision(offer, moderator, "refuse_changes", reason)


def offer_publish(*, offer, moderator):
    return _offer_decision(offer, moderator, "publish")


def offer_reject(*, offer, moderator, reason):
    return _offer_decision(offer, moderator, "reject", reason)


def offer_archive(*, offer, author):
    return _offer_decision(offer, author, "archive")


# --- Requests ----------------------------------------------------------------------------


@transaction.atomic
def request_send(
    *,
    requester,
    offers,
    criteria,
    message,
    contact_name,
    contact_email,
    contact_phone="",
    consent_text,
):
    """Send the person's situation and message to the providers of the chosen offers: one
    request per provider, all in one batch. Only offers that can receive requests count."""
    offers = [offer for offer in offers if offer.is_published and offer.can_receive_requests()]
    if not offers:
        raise ValidationError("Choisissez au moins un acteur qui reçoit les demandes.")
    by_provider = {}
    for offer in offers:
        by_provider.setdefault(offer.provider_id, []).append(offer)
    if len(by_provider) > MAX_ACTORS_PER_REQUEST:
        raise ValidationError(
            f"Vous pouvez écrire à {MAX_ACTORS_PER_REQUEST} acteurs au plus à la fois."
        )
    now = timezone.now()
    sent = []
    batch = None
    for provider_offers in by_provider.values():
        support_request = SupportRequest(
            requester=requester,
            provider=provider_offers[0].provider,
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
            situation=criteria.to_params(),
            situation_text=criteria.summary_text(),
            message=message,
            consent_text=consent_text,
            consented_at=now,
        )
        if batch is not None:
            support_request.batch = batch
        support_request.save()
        batch = support_request.batch
        support_request.offers.set(provider_offers)
        REQUESTS.record(support_request, "send", by=requester, from_status="")
        _notify_provider(support_request, provider_offers)
        sent.append(support_request)
    return sent


def _notify_provider(support_request, offers):
    provider = support_request.provider
    # Members read the request on ESSor: the notice carries no personal data.
    if notify(
        members(provider),
        f"Nouvelle demande d'accompagnement pour {provider.name}",
        reverse("support:inbox_detail", args=[support_request.pk]),
        email_template="support/emails/request_received",
        context={"support_request": support_request, "offers": offers},
    ):
        return
    # Nobody of the provider is on ESSor: the request is forwarded to its contact address,
    # which the person consented to.
    address = next((o.contact_email for o in offers if o.contact_email), provider.public_email)
    queue_email(
        "support/emails/request_forwarded",
        {"support_request": support_request, "offers": offers},
        [address],
    )


def request_move(
    *, support_request, actor, status, note="", redirected_to=None, redirected_to_text=""
):
    """Move a request to `status` along its workflow (workflow.REQUESTS), log it with the
    actor's message, tell the person."""
    update = {}
    if status == SupportRequestStatus.REDIRECTED:
        update = {
            "redirected_to": redirected_to,
            "redirected_to_text": "" if redirected_to else redirected_to_text.strip(),
        }
    decide(
        support_request,
        request_transition_to(status) or str(status),
        by=actor,
        comment=note,
        update=update,
    )
    if support_request.requester_id is None:
        return support_request  # the person deleted their account: nobody to tell
    label = support_request.status_label  # « Réorientée vers Limousin Actif »: names stay
    state = label[:1].lower() + label[1:]
    notify(
        [support_request.requester],
        f"Votre demande à {support_request.provider.name} : {state}",
        reverse("support:my_request", args=[support_request.pk]),
        detail=f"Leur message : {note}" if note else "",
        email_template="support/emails/request_status",
        context={"support_request": support_request, "note": note, "state": state},
    )
    return support_request


# --- Territories -------------------------------------------------------------------------

# The nearer an area, the earlier its offers are listed on a territory's page.
_LEVEL_ORDER = {
    AreaLevel.COMMUNE: 0,
    AreaLevel.EPCI: 0,
    AreaLevel.RADIUS: 0,
    AreaLevel.DEPARTEMENT: 1,
    AreaLevel.REGION: 2,
    AreaLevel.NATIONAL: 3,
}


def offers_for_territory(departement=None, epci=None, commune=None):
    """Published offers serving a commune, an EPCI or a département (models or codes),
    the most local first: those for a commune or an intercommunality, then the
    département's, the région's, the national ones; at one level, those serving fewer
    areas first. An offer serving one commune of an EPCI or a département serves part
    of it, and is listed."""
    return offers_in_order(offer_ids_for_territory(departement, epci, commune))


def offer_ids_for_territory(departement=None, epci=None, commune=None):
    """The ids of offers_for_territory(), in its order, read as plain rows: a page that
    shows a few of the hundreds that serve a commune at national scale (50,000 offers)
    builds only those few."""
    for level, territory in (
        (AreaLevel.COMMUNE, commune),
        (AreaLevel.EPCI, epci),
        (AreaLevel.DEPARTEMENT, departement),
    ):
        if territory is None:
            continue
        if isinstance(territory, str):
            place = Place.of(level, territory)
        elif level == AreaLevel.COMMUNE:
            place = Place.of_commune(territory)  # the page's commune: not read again
        else:
            place = Place(**{level: territory})
        return _nearest_first(OfferArea.objects.covering(place)) if place else []
    return []


def offers_in_order(ids):
    """The offers of `ids`, in that order, with their provider."""
    found = SupportOffer.objects.select_related("provider").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _nearest_first(areas):
    nearest = {}
    areas = areas.filter(offer__status=OfferStatus.PUBLISHED)
    for offer_id, level in areas.values_list("offer_id", "level"):
        nearest[offer_id] = min(nearest.get(offer_id, 9), _LEVEL_ORDER[level])
    if not nearest:
        return []
    rows = (
        SupportOffer.objects.filter(pk__in=nearest)
        .annotate(area_count=models.Count("areas"))
        .values_list("pk", "area_count", "provider__name", "title")
    )
    # At the same level, an offer for one département is nearer than one for five.
    ordered = sorted(rows, key=lambda row: (nearest[row[0]], row[1], row[2].casefold(), row[3]))
    return [row[0] for row in ordered]


# --- Personal data -------------------------------------------------------------------------


def personal_data(user):
    """The support requests a person sent, with what the actors answered, and their
    saved parcours: their section of the RGPD export."""
    from .models import Parcours

    requests = user.support_requests.select_related("provider", "redirected_to").prefetch_related(
        "transitions", "offers"
    )
    return {
        "demandes_accompagnement": [
            {
                "acteur": r.provider.name,
                "offres": [o.title for o in r.offers.all()],
                "nom": r.contact_name,
                "email": r.contact_email,
                "telephone": r.contact_phone,
                "situation": r.situation_text,
                "message": r.message,
                "consentement": r.consent_text,
                "consentement_le": r.consented_at,
                "etat": r.status_label,
                "envoyee_le": r.created_at,
                "historique": [
                    {"etat": e.get_to_status_display(), "message": e.comment, "le": e.created_at}
                    for e in r.transitions.all()
                ],
            }
            for r in requests
        ],
        "parcours_createur": [
            {"lieu": p.place_label, "reponses": p.criteria, "cree_le": p.created_at}
            for p in Parcours.objects.filter(owner=user)
        ],
        "offres_accompagnement_redigees": [
            {"acteur": o.provider.name, "titre": o.title, "etat": o.get_status_display()}
            for o in SupportOffer.objects.filter(created_by=user).select_related("provider")
        ],
    }


USER_LINKS = [
    # The provider keeps the request in its inbox, with the situation (criteria) but
    # without who sent it: no name, address, phone or message.
    UserLink(
        "support.SupportRequest.requester",
        ANONYMISE,
        export="demandes_accompagnement",
        prepare=scrubber(
            contact_name=DELETED_ACCOUNT,
            contact_email="",
            contact_phone="",
            message=DELETED_MESSAGE,
        ),
    ),
    in_role("support.SupportRequestTransition.actor"),
    UserLink("support.Parcours.owner", DELETE, export="parcours_createur"),
    UserLink("support.SupportOffer.created_by", DETACH, export="offres_accompagnement_redigees"),
    in_role("support.SupportOffer.decided_by"),
    in_role("support.OfferTransition.actor"),
]


def offers_by_phase(*, providers_shown=4):
    """For each life phase in its order, the published offers that serve it (an offer with
    no phase serves all) and a few of their providers: the « créer une activité » guide of
    the resource centre draws its « qui aide à chaque étape » from it."""
    offers = list(
        SupportOffer.objects.published()
        .select_related("provider")
        .only("phases", "provider__name")
        .order_by("provider__name")
    )
    rows = []
    for phase in Phase:
        serving = [o for o in offers if not o.phases or phase.value in o.phases]
        names = list(dict.fromkeys(o.provider.name for o in serving))
        rows.append(
            {
                "phase": phase.value,
                "label": phase.label,
                "count": len(serving),
                "providers": names[:providers_shown],
                "more": max(0, len(names) - providers_shown),
            }
        )
    return rows


def published_offer_links():
    """[(path, label)] of the published offers, for the pages of other apps that link to
    them (a guide's related links)."""
    offers = SupportOffer.objects.published().select_related("provider").order_by("title", "pk")
    return [(o.get_absolute_url(), f"{o.title} — {o.provider.display_name}") for o in offers]
