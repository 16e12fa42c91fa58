"""The cooperation exchange's business rules, as plain functions: publishing and
editing offers and needs, moderation, matching, threads and conclusions. Other apps use
the functions listed under « For other apps » at the end, and nothing else."""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from essor.accounts.personal_data import (
    ANONYMISE,
    DELETED_MESSAGE,
    DETACH,
    UserLink,
    in_role,
    scrubber,
)
from essor.core.emails import queue_email
from essor.core.workflow import decide
from essor.territories.areas import AreaLevel, Place, distance_km, replace_areas, spec_of

from .enums import PUBLIC_STATUSES, Direction, Kind, Status
from .kinds import KINDS
from .models import Listing, Match, Message, Outcome, Thread

# Fits stored (and notified) per listing when it opens: the nearest.
MATCHES_KEPT = 20

# --- Territory ---------------------------------------------------------------------------


def listing_area(listing):
    """(AreaSpec, (lat, lon) or None, reach in km, label) of a listing's territory: its
    commune, a radius around it, or the EPCI, département or région it lies in."""
    commune = listing.commune
    point = (commune.latitude, commune.longitude) if commune.latitude is not None else None
    if listing.radius_km:
        spec = spec_of(AreaLevel.RADIUS, commune, listing.radius_km)
        return (
            spec,
            point,
            float(listing.radius_km),
            f"{listing.radius_km} km autour de {commune.name}",
        )
    if listing.area_level:
        level = AreaLevel(listing.area_level)
        territory = {
            AreaLevel.EPCI: commune.epci,
            AreaLevel.DEPARTEMENT: commune.departement,
            AreaLevel.REGION: commune.region,
        }[level]
        if territory is None:
            raise ValidationError(
                {"area_level": "Cette commune n'appartient à aucune intercommunalité."}
            )
        spec = spec_of(level, territory)
        place = Place(**{level.value: territory})
        centre = place.centre() or point
        reach = 0.0
        if centre is not None:
            for lat, lon in (
                place.communes_inside()
                .filter(latitude__isnull=False)
                .values_list("latitude", "longitude")
            ):
                reach = max(reach, distance_km(*centre, lat, lon))
        return spec, centre, math.ceil(reach), spec.label
    return spec_of(AreaLevel.COMMUNE, commune), point, 0.0, commune.name


def check_dates(listing, *, today=None):
    """French errors for dates in the past or in the wrong order, {field: message}."""
    today = today or timezone.localdate()
    errors = {}
    if listing.starts_on and listing.starts_on < today and listing._state.adding:
        errors["starts_on"] = "La date de début est passée."
    if listing.ends_on and listing.ends_on < today:
        errors["ends_on"] = "La date de fin est passée."
    elif listing.starts_on and listing.ends_on and listing.ends_on < listing.starts_on:
        errors["ends_on"] = "La date de fin précède la date de début."
    return errors


def check_listing(listing):
    """Every rule a listing must follow before it is saved; raises ValidationError."""
    errors = check_dates(listing)
    if listing.radius_km is not None and listing.area_level:
        errors["radius_km"] = "Choisissez un rayon ou un territoire, pas les deux."
    elif listing.radius_km is not None and not 1 <= listing.radius_km <= 200:
        errors["radius_km"] = "Le rayon va de 1 à 200 km."
    if listing.kind not in KINDS:
        errors["kind"] = "Ce type d'offre ou de besoin n'existe pas."
    elif listing.category not in dict(KINDS[listing.kind].categories):
        errors["category"] = "Cette catégorie n'existe pas pour ce type."
    else:
        try:
            listing.details = KINDS[listing.kind].validate(listing.details)
        except ValidationError as error:
            errors["details"] = error.messages
    if errors:
        raise ValidationError(errors)


# --- Publishing ----------------------------------------------------------------------------


def needs_moderation(organisation):
    """An organisation's first publication waits for the CRESS; once one of its listings
    has been approved, the next ones open at once."""
    return not Listing.objects.filter(
        organisation=organisation, status__in=PUBLIC_STATUSES
    ).exists()


@transaction.atomic
def save_listing(listing, *, author):
    """Create or update a listing after checking every rule; a new one is open at once,
    or pending when it is its organisation's first. Nothing is saved on error."""
    check_listing(listing)
    spec, centre, reach, label = listing_area(listing)
    listing.latitude, listing.longitude = centre if centre else (None, None)
    listing.reach_km = reach
    listing.territory_label = label
    creating = listing.pk is None
    if creating:
        listing.created_by = author
        listing.status = Status.PENDING if needs_moderation(listing.organisation) else Status.OPEN
    listing.save()
    replace_areas(listing, [spec])
    Listing.workflow.record(listing, "publish" if creating else "edit", by=author)
    _after_write(listing)
    return listing


@transaction.atomic
def open_without_moderation(listing, *, comment):
    """Open a pending listing without a moderator (demo content, imports)."""
    listing.status = Status.OPEN
    listing.save(update_fields=["status", "updated_at"])
    Listing.workflow.record(listing, "approve", comment=comment, from_status=Status.PENDING)
    _after_write(listing)
    return listing


def moderate(listing, decision, *, by, comment=""):
    """approve or reject a pending listing (CRESS staff, never their own)."""
    with transaction.atomic():
        decide(listing, decision, by=by, comment=comment)
        _after_write(listing)
    return listing


def close(listing, *, by):
    with transaction.atomic():
        decide(listing, "expire", by=by)
        _after_write(listing)
    return listing


@transaction.atomic
def expire_past(today=None):
    """Listings whose end date has passed become « expirée »; returns how many."""
    today = today or timezone.localdate()
    ended = list(Listing.objects.active().filter(ends_on__lt=today).values_list("pk", flat=True))
    for listing in Listing.objects.filter(pk__in=ended):
        previous = listing.status
        listing.status = Status.EXPIRED
        listing.save(update_fields=["status", "updated_at"])
        Listing.workflow.record(listing, "expire", by=None, from_status=previous)
    _after_write_many(ended)
    return len(ended)


def _after_write(listing):
    _after_write_many([listing.pk])


def _after_write_many(keys):
    """What follows every write: the search index, and the matches of what is open."""
    from essor.search.registry import reindex

    reindex(Listing, keys)
    for listing in Listing.objects.active().filter(pk__in=keys).select_related("organisation"):
        record_matches(listing)


def pending_listings():
    return Listing.objects.filter(status=Status.PENDING).select_related("organisation", "commune")


def latest_change():
    return Listing.objects.aggregate(last=Max("updated_at"))["last"]


# --- Matches and their notification ----------------------------------------------------------


def record_matches(listing):
    """Store the fits of an open listing that are new, and notify each once (task queue)."""
    from .matching import suggestions

    if not listing.is_active:
        return []
    rows = []
    for suggestion in suggestions(listing, limit=MATCHES_KEPT):
        offer, need = (
            (listing, suggestion.listing)
            if listing.direction == Direction.OFFER
            else (suggestion.listing, listing)
        )
        rows.append(
            Match(
                offer=offer,
                need=need,
                distance_km=round(suggestion.distance_km, 1),
                reasons=suggestion.reasons,
            )
        )
    Match.objects.bulk_create(rows, ignore_conflicts=True)
    new = list(
        Match.objects.filter(
            Q(offer=listing) | Q(need=listing), notified_at__isnull=True
        ).values_list("pk", flat=True)
    )
    if new:
        from .tasks import notify_matches

        transaction.on_commit(lambda: notify_matches.enqueue(match_ids=new))
    return new


def member_emails(organisation):
    return list(
        organisation.memberships.filter(user__is_active=True).values_list("user__email", flat=True)
    )


def send_match_notices(match_ids):
    """E-mail both sides of each match not yet notified; a match is claimed by one
    conditional update, so that it is notified once even if the task runs twice."""
    sent = 0
    for match in Match.objects.filter(pk__in=match_ids).select_related(
        "offer__organisation", "need__organisation"
    ):
        claimed = Match.objects.filter(pk=match.pk, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        if not claimed:
            continue
        for own, other in ((match.offer, match.need), (match.need, match.offer)):
            to = member_emails(own.organisation)
            if to:
                queue_email(
                    "cooperation/emails/match",
                    {
                        "own": own,
                        "other": other,
                        "match": match,
                        "base_url": settings.ESSOR_BASE_URL,
                    },
                    to,
                )
        sent += 1
    return sent


# --- Threads -------------------------------------------------------------------------------

CLOSED_MESSAGE = "Cette publication est close : elle ne reçoit plus de messages."


def _check_body(body):
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Écrivez un message."})
    if len(body) > 4000:
        raise ValidationError({"body": "Un message compte au plus 4 000 caractères."})
    return body


@transaction.atomic
def write_to(listing, *, organisation, by, body):
    """Open (or continue) the thread between `organisation` and the listing's, with a
    first message. The caller has checked that `by` acts for `organisation`."""
    body = _check_body(body)
    if not listing.is_active:
        raise ValidationError(CLOSED_MESSAGE)
    if organisation.pk == listing.organisation_id:
        raise ValidationError("Vous ne pouvez pas écrire à votre propre structure.")
    thread, _ = Thread.objects.get_or_create(
        listing=listing, organisation=organisation, defaults={"started_by": by}
    )
    _add_message(thread, by, body, from_owner=False)
    return thread


@transaction.atomic
def reply(thread, *, by, side, body):
    body = _check_body(body)
    listing = Listing.objects.select_for_update().get(pk=thread.listing_id)
    if not listing.is_active:
        raise ValidationError(CLOSED_MESSAGE)
    return _add_message(thread, by, body, from_owner=side == "owner")


def _add_message(thread, by, body, *, from_owner):
    message = Message.objects.create(thread=thread, author=by, body=body, from_owner=from_owner)
    listing = thread.listing
    to_organisation = thread.organisation if from_owner else listing.organisation
    to = [e for e in member_emails(to_organisation) if e != by.email]
    if to:
        queue_email(
            "cooperation/emails/message",
            {"thread": thread, "listing": listing, "base_url": settings.ESSOR_BASE_URL},
            to,
        )
    return message


@transaction.atomic
def accept_sharing(thread, *, by, side):
    """One side accepts to show its e-mail; once both have, the listing is « en
    discussion »."""
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    field = "owner_accepted_at" if side == "owner" else "guest_accepted_at"
    if getattr(thread, field) is None:
        setattr(thread, field, timezone.now())
        thread.save(update_fields=[field])
    listing = Listing.objects.select_for_update().get(pk=thread.listing_id)
    if thread.contacts_shared and listing.status == Status.OPEN:
        listing.status = Status.DISCUSSION
        listing.save(update_fields=["status", "updated_at"])
        Listing.workflow.record(listing, "discuss", by=by, from_status=Status.OPEN)
        _after_write(listing)
    return thread


def contacts(thread, side):
    """The e-mails of the other side, once both have accepted; [] before."""
    if not thread.contacts_shared:
        return []
    other_owner = side == "guest"
    emails = {
        m.author.email
        for m in thread.messages.select_related("author")
        if m.author and m.from_owner == other_owner
    }
    starter = thread.listing.created_by if other_owner else thread.started_by
    if starter:
        emails.add(starter.email)
    return sorted(emails)


# --- Concluding --------------------------------------------------------------------------------


@transaction.atomic
def conclude(listing, outcome, *, by):
    """Mark the listing concluded with what it brought (an unsaved Outcome)."""
    decide(listing, "conclude", by=by)
    outcome.listing = listing
    outcome.concluded_by = by
    outcome.full_clean(exclude=["listing"])
    outcome.save()
    _after_write(listing)
    return outcome


FIGURE_FIELDS = ["skills_days", "surface_m2", "mentoring_hours", "jobs_shared", "euros_saved"]


def cooperation_figures(*, region=None, departement=None, epci=None, commune=None):
    """Concluded exchanges by kind, and what they brought, in a territory (codes)."""
    outcomes = Outcome.objects.all()
    if commune:
        outcomes = outcomes.filter(listing__commune_id=commune)
    if epci:
        outcomes = outcomes.filter(listing__commune__epci_id=epci)
    if departement:
        outcomes = outcomes.filter(listing__commune__departement_id=departement)
    if region:
        outcomes = outcomes.filter(listing__commune__region_id=region)
    rows = (
        outcomes.values("listing__kind")
        .annotate(exchanges=Count("pk"), **{f: Sum(f) for f in FIGURE_FIELDS})
        .order_by("listing__kind")
    )
    labels = dict(Kind.choices)
    by_kind = [
        {
            "kind": row["listing__kind"],
            "label": labels.get(row["listing__kind"], row["listing__kind"]),
            "exchanges": row["exchanges"],
            **{f: row[f] or 0 for f in FIGURE_FIELDS},
        }
        for row in rows
    ]
    totals = {"exchanges": sum(r["exchanges"] for r in by_kind)}
    for f in FIGURE_FIELDS:
        totals[f] = sum((r[f] for r in by_kind), 0)
    return {"by_kind": by_kind, "totals": totals}


def user_threads(user):
    """Threads of the organisations the person belongs to, newest first."""
    organisations = user.memberships.values("organisation_id")
    return (
        Thread.objects.filter(
            Q(organisation_id__in=organisations) | Q(listing__organisation_id__in=organisations)
        )
        .select_related("listing__organisation", "organisation")
        .order_by("-created_at")
    )


def personal_data(user):
    """The person's cooperation data for the RGPD export: their messages and what they
    published."""
    return {
        "cooperation_publications": [
            {
                "intitule": listing.title,
                "structure": listing.organisation.name,
                "sens": listing.get_direction_display(),
                "type": listing.get_kind_display(),
                "etat": listing.get_status_display(),
                "publiee_le": listing.created_at,
            }
            for listing in Listing.objects.filter(created_by=user).select_related("organisation")
        ],
        "cooperation_messages": [
            {
                "publication": m.thread.listing.title,
                "message": m.body,
                "envoye_le": m.created_at,
            }
            for m in Message.objects.filter(author=user).select_related("thread__listing")
        ],
    }


USER_LINKS = [
    UserLink("cooperation.Listing.created_by", DETACH, export="cooperation_publications"),
    in_role("cooperation.Listing.decided_by"),
    in_role("cooperation.ListingTransition.actor"),
    # The other organisation keeps the conversation, without the person's words.
    UserLink(
        "cooperation.Message.author",
        ANONYMISE,
        export="cooperation_messages",
        prepare=scrubber(body=DELETED_MESSAGE),
    ),
    UserLink("cooperation.Thread.started_by", DETACH, export="cooperation_messages"),
    UserLink(
        "cooperation.Outcome.concluded_by",
        DETACH,
        not_personal="issue d'une coopération consignée au nom de la structure",
    ),
]


# --- The GE helper -----------------------------------------------------------------------------


def open_shared_job_needs():
    return (
        Listing.objects.active()
        .filter(kind=Kind.SHARED_JOB, direction=Direction.NEED)
        .select_related("organisation", "commune")
    )


def employer_groups_covering(commune):
    from essor.territories.areas import Place as _Place

    from .models import CarrierArea, EmployerGroup

    place = _Place.of_commune(commune)
    return EmployerGroup.objects.filter(
        pk__in=CarrierArea.objects.covering(place).values("group_id")
    ).select_related("organisation")


@transaction.atomic
def propose_groupings(*, travel_km=None, limit_s=25.0):
    """Run the GE helper over the open shared-job needs; store each new job as a
    JobProposal sent to the GE and CRGE covering its first workplace. Returns the
    Grouping (jobs, refusals with why) and the new proposals."""
    from .grouping import DEFAULT_TRAVEL_KM, JobNeed, group_needs
    from .models import JobProposal

    travel_km = travel_km or DEFAULT_TRAVEL_KM
    listings = {listing.pk: listing for listing in open_shared_job_needs()}
    grouping = group_needs(
        [JobNeed.of(listing) for listing in listings.values()], travel_km=travel_km, limit_s=limit_s
    )
    created = []
    for job in grouping.jobs:
        keys = sorted(n.key for n in job)
        key = "-".join(str(k) for k in keys)
        members = [listings[k] for k in keys]
        spread = max(
            (
                distance_km(a.latitude, a.longitude, b.latitude, b.longitude)
                for a in members
                for b in members
            ),
            default=0,
        )
        proposal, new = JobProposal.objects.get_or_create(
            key=key,
            defaults={
                "family": job[0].family,
                "days_per_week": sum(n.half_days for n in job) / 2,
                "max_km": round(spread, 1),
            },
        )
        if not new:
            continue
        proposal.needs.set(members)
        recipients = list(employer_groups_covering(members[0].commune))
        proposal.recipients.set(recipients)
        created.append(proposal)
        to = sorted({e for group in recipients for e in member_emails(group.organisation)})
        if to:
            queue_email(
                "cooperation/emails/job_proposal",
                {"proposal": proposal, "needs": members, "base_url": settings.ESSOR_BASE_URL},
                to,
            )
    from .models import GroupingRun

    GroupingRun.objects.create(
        travel_km=travel_km,
        needs=len(listings),
        jobs=len(grouping.jobs),
        days_covered=grouping.days_covered,
        optimal=grouping.optimal,
        seconds=round(grouping.seconds, 2),
        refusals={str(k): v for k, v in grouping.refused.items()},
    )
    return grouping, created


def proposals_for(user):
    """The proposals a person may read: CRESS staff all, a GE's or CRGE's members theirs."""
    from essor.accounts.perms import can_moderate

    from .models import JobProposal

    proposals = JobProposal.objects.prefetch_related(
        "needs__organisation", "recipients__organisation"
    )
    if can_moderate(user):
        return proposals
    return proposals.filter(recipients__organisation__memberships__user=user).distinct()


def nearby_places(place, limit=4):
    """The places of the ESS (tiers-lieux, maisons de l'ESS, PTCE…) in or near `place`
    (a territories Place), nearest first: for the orientation results."""
    from .places import places_near

    return places_near(place)[:limit]
