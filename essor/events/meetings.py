"""Business meetings (« Espresso »): participants with their offers and needs,
suggestions of whom to meet, requests with a priority, the scheduler run as a background
task, agendas, late changes and outcomes. Plain functions; views stay thin.

The solver itself is essor/events/scheduler.py (OR-Tools CP-SAT, no Django)."""

import contextlib
from collections import Counter, defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from essor.core.emails import queue_email

from . import ical
from .enums import (
    EventKind,
    MeetingsState,
    MeetingStatus,
    Outcome,
    ParticipantKind,
    RegistrationStatus,
)
from .models import BusinessMeetings, Meeting, MeetingRequest, Participant, categories
from .scheduler import Instance, Request, SchedulerError, schedule
from .scheduler import Meeting as Placed

S = MeetingsState
LIVE = [MeetingStatus.PROPOSED, MeetingStatus.CONFIRMED]
SOLVER_SECONDS = 20.0


class MeetingError(Exception):
    """A refused action, with its French `message` and HTTP `status_code`."""

    def __init__(self, message, status_code=400):
        super().__init__(message)
        self.message = message
        self.status_code = status_code


# Settings


@transaction.atomic
def configure(event, **fields):
    """Create or change the business meetings of an event of kind « rendez-vous d'affaires »."""
    if event.kind != EventKind.BUSINESS:
        raise MeetingError(
            "Seul un événement « rendez-vous d'affaires » a des rendez-vous planifiés."
        )
    meetings = BusinessMeetings.objects.filter(event=event).first() or BusinessMeetings(event=event)
    for name, value in fields.items():
        setattr(meetings, name, value)
    if meetings.first_slot_at < event.starts_at:
        raise MeetingError("Le premier créneau ne peut pas commencer avant l'événement.")
    if meetings.slot_end(meetings.slot_count - 1) > event.ends_at:
        raise MeetingError(
            "Les créneaux dépassent la fin de l'événement : réduisez leur nombre ou leur durée."
        )
    if meetings.request_deadline > meetings.first_slot_at:
        raise MeetingError("La date limite des demandes doit précéder le premier créneau.")
    live = meetings.meetings.filter(status__in=LIVE) if meetings.pk else None
    if live is not None and (
        live.filter(slot__gte=meetings.slot_count).exists()
        or live.filter(table__gte=meetings.table_count).exists()
    ):
        raise MeetingError(
            "Des rendez-vous sont déjà placés sur les créneaux ou tables que vous retirez.", 409
        )
    meetings.save()
    return meetings


# Participants


def participant_of(meetings, user):
    if not user.is_authenticated:
        return None
    return meetings.participants.filter(user=user, is_cancelled=False).first()


def _clean_profile(meetings, *, kind, offers, needs, unavailable_slots):
    if kind not in ParticipantKind.values:
        raise MeetingError(
            "Indiquez si vous représentez une structure de l'ESS, une entreprise ou un acheteur."
        )
    known = categories()
    for values in (offers, needs):
        if any(v not in known for v in values):
            raise MeetingError("Une catégorie d'offre ou de besoin est inconnue.")
    slots = sorted({int(s) for s in unavailable_slots})
    if any(not 0 <= s < meetings.slot_count for s in slots):
        raise MeetingError("Un créneau d'indisponibilité n'existe pas.")
    if len(slots) >= meetings.slot_count:
        raise MeetingError("Vous ne pouvez pas être indisponible sur tous les créneaux.")
    return slots


def join(
    meetings,
    user,
    *,
    organisation_name,
    kind,
    offers=(),
    needs=(),
    offers_text="",
    needs_text="",
    presentation="",
    unavailable_slots=(),
    organisation=None,
):
    """Create or update the person's participant profile. Only people registered (seat
    confirmed) to the event take part."""
    event = meetings.event
    if not event.registrations.filter(user=user, status=RegistrationStatus.CONFIRMED).exists():
        raise MeetingError(
            "Inscrivez-vous d'abord à l'événement : les rendez-vous sont réservés aux inscrits.",
            403,
        )
    slots = _clean_profile(
        meetings, kind=kind, offers=offers, needs=needs, unavailable_slots=unavailable_slots
    )
    if not organisation_name.strip():
        raise MeetingError("Indiquez la structure que vous représentez.")
    with transaction.atomic():
        participant = meetings.participants.filter(user=user).first() or Participant(
            meetings=meetings, user=user
        )
        if participant.pk and slots != sorted(participant.unavailable_slots):
            booked = meetings.meetings.filter(status__in=LIVE).filter(
                models_q_participant(participant), slot__in=slots
            )
            if booked.exists():
                raise MeetingError(
                    "Vous avez déjà un rendez-vous sur un créneau que vous déclarez indisponible.",
                    409,
                )
        participant.organisation = organisation
        participant.organisation_name = organisation_name.strip()[:200]
        participant.kind = kind
        participant.offers = list(dict.fromkeys(offers))
        participant.needs = list(dict.fromkeys(needs))
        participant.offers_text = offers_text[:300]
        participant.needs_text = needs_text[:300]
        participant.presentation = presentation[:1500]
        participant.unavailable_slots = slots
        participant.is_cancelled = False
        participant.save()
    return participant


def models_q_participant(participant):
    from django.db.models import Q

    return Q(first=participant) | Q(second=participant)


def suggestions(participant, limit=12):
    """Whom to meet: the others whose offers answer this participant's needs, or whose
    needs this participant's offers answer, each with why. Offers and needs are purchase
    categories: the same category answers best, one of the same family (« Restauration et
    alimentation ») less, and is said so."""
    index = categories()
    needs, offers = set(participant.needs), set(participant.offers)
    asked = set(participant.requests_made.values_list("target_id", flat=True))
    rows = []
    others = participant.meetings.participants.filter(is_cancelled=False).exclude(pk=participant.pk)
    for other in others:
        they_offer, near_offer = _answers(needs, set(other.offers), index)
        they_need, near_need = _answers(set(other.needs), offers, index)
        if not (they_offer or they_need or near_offer or near_need):
            continue
        why = []
        if they_offer:
            why.append(f"propose {_labels(they_offer, index)}, que vous recherchez")
        elif near_offer:
            why.append(f"propose dans la même famille que ce que vous recherchez : {near_offer}")
        if they_need:
            why.append(f"recherche {_labels(they_need, index)}, que vous proposez")
        elif near_need:
            why.append(f"recherche dans la même famille que ce que vous proposez : {near_need}")
        score = (
            2 * len(they_offer)
            + 2 * len(they_need)
            + (3 if they_offer and they_need else 0)
            + (1 if near_offer and not they_offer else 0)
            + (1 if near_need and not they_need else 0)
        )
        rows.append(
            {
                "participant": other,
                "why": " ; ".join(why),
                "score": score,
                "asked": other.pk in asked,
            }
        )
    rows.sort(key=lambda row: (-row["score"], row["participant"].organisation_name))
    return rows[:limit]


def _answers(wanted, offered, index):
    """(the categories both in `wanted` and `offered`, the family names shared otherwise)."""
    exact = wanted & offered
    families = {index[c][1]: index[c][2] for c in wanted if c in index}
    near = sorted(
        {families[index[c][1]] for c in offered - exact if c in index and index[c][1] in families}
    )
    return exact, ", ".join(name.lower() for name in near)


def _labels(codes, index):
    return ", ".join(index[c][0].lower() for c in sorted(codes) if c in index)


def available_slot_count(meetings, participant):
    return meetings.slot_count - len(participant.unavailable_slots)


def add_request(participant, target_id, *, priority=None, now=None):
    """Ask to meet another participant of the same business meetings."""
    meetings = BusinessMeetings.objects.get(pk=participant.meetings_id)  # its state now
    if not meetings.requests_open(now):
        raise MeetingError("Les demandes de rendez-vous sont closes.", 409)
    try:
        target_id = int(target_id)
    except (TypeError, ValueError):
        raise MeetingError("Ce participant n'existe pas.", 404) from None
    target = meetings.participants.filter(pk=target_id, is_cancelled=False).first()
    if target is None:
        raise MeetingError("Ce participant n'existe pas.", 404)
    if target.pk == participant.pk:
        raise MeetingError("Vous ne pouvez pas demander un rendez-vous avec vous-même.")
    with transaction.atomic():
        # One request at a time per participant: the limit holds under double clicks.
        Participant.objects.select_for_update().get(pk=participant.pk)
        made = participant.requests_made.count()
        if participant.requests_made.filter(target=target).exists():
            raise MeetingError("Vous avez déjà demandé ce rendez-vous.", 409)
        if made >= meetings.max_requests:
            raise MeetingError(
                f"Vous avez déjà demandé {made} rendez-vous : c'est le maximum.", 409
            )
        if made >= available_slot_count(meetings, participant):
            raise MeetingError(
                f"Vous êtes disponible sur {available_slot_count(meetings, participant)} créneaux seulement : "
                "vous ne pouvez pas demander plus de rendez-vous que de créneaux.",
                409,
            )
        priority = (
            made + 1
            if priority in (None, "")
            else max(1, min(int(priority), meetings.max_requests))
        )
        try:
            with transaction.atomic():
                request = MeetingRequest.objects.create(
                    requester=participant, target=target, priority=priority
                )
        except IntegrityError as error:
            raise MeetingError("Vous avez déjà demandé ce rendez-vous.", 409) from error
    return request


def remove_request(participant, request_id, now=None):
    if not BusinessMeetings.objects.get(pk=participant.meetings_id).requests_open(now):
        raise MeetingError("Les demandes de rendez-vous sont closes.", 409)
    deleted, _ = participant.requests_made.filter(pk=request_id).delete()
    if not deleted:
        raise MeetingError("Cette demande n'existe pas.", 404)


# The organiser: closing, scheduling, publishing


@transaction.atomic
def close_requests(meetings):
    meetings = BusinessMeetings.objects.select_for_update().get(pk=meetings.pk)
    if meetings.state != S.OPEN:
        raise MeetingError("Les demandes sont déjà closes.", 409)
    meetings.state = S.CLOSED
    meetings.save(update_fields=["state"])
    return meetings


def instance_of(meetings):
    """The scheduler's instance: live participants, their requests and unavailabilities,
    the confirmed meetings fixed."""
    participants = list(meetings.participants.filter(is_cancelled=False))
    ids = {p.pk for p in participants}
    requests = [
        Request(r.requester_id, r.target_id, r.priority)
        for r in MeetingRequest.objects.filter(requester__meetings=meetings)
        if r.requester_id in ids and r.target_id in ids
    ]
    fixed = [
        Placed(m.first_id, m.second_id, m.slot, m.table)
        for m in meetings.meetings.filter(status=MeetingStatus.CONFIRMED)
    ]
    return Instance(
        participants=sorted(ids),
        slots=meetings.slot_count,
        tables=meetings.table_count,
        requests=requests,
        unavailable={p.pk: set(p.unavailable_slots) for p in participants if p.unavailable_slots},
        fixed=fixed,
        max_requests=meetings.max_requests,
    )


def start_scheduling(meetings):
    """Queue the scheduler (a background task); the page shows its progress."""
    from .tasks import schedule_meetings

    with transaction.atomic():
        meetings = BusinessMeetings.objects.select_for_update().get(pk=meetings.pk)
        if meetings.state == S.OPEN:
            raise MeetingError(
                "Closez d'abord les demandes : le planning se calcule sur des demandes arrêtées.",
                409,
            )
        if meetings.state == S.SCHEDULING:
            raise MeetingError("Le calcul du planning est déjà en cours.", 409)
        if not MeetingRequest.objects.filter(
            requester__meetings=meetings, requester__is_cancelled=False
        ).exists():
            raise MeetingError("Aucune demande de rendez-vous : il n'y a rien à planifier.", 409)
        previous = meetings.state
        meetings.state = S.SCHEDULING
        meetings.progress = 0
        meetings.progress_message = "En attente du calcul"
        meetings.solver_status = previous  # restored if the run fails
        meetings.save(update_fields=["state", "progress", "progress_message", "solver_status"])
    transaction.on_commit(lambda: schedule_meetings.enqueue(meetings.pk))
    return meetings


def _progress(meetings_id):
    def report(fraction, message):
        BusinessMeetings.objects.filter(pk=meetings_id).update(
            progress=int(fraction * 100), progress_message=message[:200]
        )

    return report


def run_scheduler(meetings_id, *, time_limit=SOLVER_SECONDS):
    """The task's body: solve, then replace the proposed meetings in one transaction;
    confirmed meetings never move. Returns the Result."""
    meetings = BusinessMeetings.objects.select_related("event").get(pk=meetings_id)
    instance = instance_of(meetings)
    try:
        result = schedule(instance, time_limit=time_limit, progress=_progress(meetings_id))
    except SchedulerError as error:
        BusinessMeetings.objects.filter(pk=meetings_id).update(
            state=meetings.solver_status if meetings.solver_status in S.values else S.CLOSED,
            progress=0,
            progress_message="",
            solver_status=error.message,
        )
        raise
    fixed = set(instance.fixed)
    with transaction.atomic():
        meetings = BusinessMeetings.objects.select_for_update().get(pk=meetings_id)
        meetings.meetings.filter(status=MeetingStatus.PROPOSED).delete()
        Meeting.objects.bulk_create(
            Meeting(
                meetings=meetings,
                first_id=min(m.a, m.b),
                second_id=max(m.a, m.b),
                slot=m.slot,
                table=m.table,
                status=MeetingStatus.PROPOSED,
            )
            for m in result.meetings
            if m not in fixed
        )
        placed = len(result.meetings)
        meetings.state = S.SCHEDULED
        meetings.progress = 100
        meetings.progress_message = "Planning établi"
        meetings.solver_status = (
            f"{placed} rendez-vous placés ; au moins {result.floor} pour chaque participant qui en a demandé "
            f"(hors demandes impossibles) ; {'optimal' if result.status == 'optimal' else 'meilleur planning trouvé dans le temps imparti'} "
            f"en {result.seconds:.1f} s."
        )
        meetings.scheduled_at = timezone.now()
        meetings.save()
    return result


def publish(meetings):
    """Confirm the proposed meetings: they will never move again; each participant gets
    their agenda by e-mail (with the .ics file)."""
    with transaction.atomic():
        meetings = BusinessMeetings.objects.select_for_update().get(pk=meetings.pk)
        if meetings.state != S.SCHEDULED:
            raise MeetingError("Il n'y a pas de planning proposé à confirmer.", 409)
        meetings.meetings.filter(status=MeetingStatus.PROPOSED).update(
            status=MeetingStatus.CONFIRMED
        )
        meetings.state = S.PUBLISHED
        meetings.save(update_fields=["state"])
    for participant in meetings.participants.filter(is_cancelled=False).select_related("user"):
        entries = agenda(participant)
        if not any(e["meeting"] for e in entries):
            continue
        queue_email(
            "events/emails/agenda",
            {
                "event": meetings.event,
                "participant": participant,
                "entries": entries,
                "base_url": settings.ESSOR_BASE_URL,
            },
            [participant.user.email],
            attachments=[("agenda-rendez-vous.ics", agenda_ics(participant), ical.CONTENT_TYPE)],
        )
    return meetings


def cancel_participation(participant):
    """A participant withdraws: their meetings are cancelled, their requests dropped; once
    the schedule exists, the scheduler re-optimises the open cells only."""
    meetings = participant.meetings
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.is_cancelled:
            raise MeetingError("Votre participation est déjà annulée.", 409)
        participant.is_cancelled = True
        participant.save(update_fields=["is_cancelled"])
        Meeting.objects.filter(models_q_participant(participant), status__in=LIVE).update(
            status=MeetingStatus.CANCELLED
        )
        participant.requests_made.all().delete()
        participant.requests_received.all().delete()
    meetings.refresh_from_db()
    if meetings.state in (S.SCHEDULED, S.PUBLISHED):
        reoptimise(meetings)


def add_late_meeting(meetings, requester_id, target_id):
    """The organiser adds a meeting after the requests closed: a request of first priority,
    then the scheduler places it in the open cells if it can."""
    participants = meetings.participants.filter(is_cancelled=False)
    try:
        requester = participants.get(pk=int(requester_id))
        target = participants.get(pk=int(target_id))
    except (Participant.DoesNotExist, TypeError, ValueError):
        raise MeetingError("Ce participant n'existe pas.", 404) from None
    if requester.pk == target.pk:
        raise MeetingError("Un participant ne peut pas rencontrer lui-même.")
    request, created = MeetingRequest.objects.get_or_create(
        requester=requester, target=target, defaults={"priority": 1}
    )
    if not created:
        request.priority = 1
        request.save(update_fields=["priority"])
    if meetings.state in (S.SCHEDULED, S.PUBLISHED):
        reoptimise(meetings)
    return request


def reoptimise(meetings):
    """Late change: keep the confirmed meetings, place the rest again (synchronously, a
    few seconds at most: only the open cells are free)."""
    meetings.meetings.filter(status=MeetingStatus.PROPOSED).delete()
    state = meetings.state
    result = run_scheduler(meetings.pk, time_limit=4.0)
    if state == S.PUBLISHED:
        # The agendas were confirmed: the new meetings wait for the organiser to confirm them.
        BusinessMeetings.objects.filter(pk=meetings.pk).update(state=S.SCHEDULED)
    return result


# Agendas


def agenda(participant, statuses=LIVE):
    meetings = participant.meetings
    mine = {
        m.slot: m
        for m in meetings.meetings.filter(
            models_q_participant(participant), status__in=statuses
        ).select_related("first", "second")
    }
    unavailable = set(participant.unavailable_slots)
    return [
        {
            "slot": s,
            "number": s + 1,
            "start": start,
            "end": end,
            "meeting": mine.get(s),
            "other": mine[s].other(participant) if s in mine else None,
            "table": mine[s].table + 1 if s in mine else None,
            "unavailable": s in unavailable,
        }
        for s, start, end in meetings.slots
    ]


def agenda_ics(participant):
    meetings = participant.meetings
    event = meetings.event
    entries = []
    for row in agenda(participant):
        if row["meeting"] is None:
            continue
        other = row["other"]
        entries.append(
            {
                "uid": f"rendez-vous-{row['meeting'].pk}-{participant.pk}@essor",
                "summary": f"Rendez-vous avec {other.organisation_name} — table {row['table']}",
                "starts_at": row["start"],
                "ends_at": row["end"],
                "description": f"{event.title}. {other.organisation_name} ({other.get_kind_display()}).",
                "location": f"{event.place_label}, table {row['table']}",
                "url": settings.ESSOR_BASE_URL + event.get_absolute_url(),
            }
        )
    return ical.meetings_calendar(f"Mes rendez-vous — {event.title}", entries)


def grid(meetings):
    """The organiser's grid: one row per slot, one cell per table."""
    cells = defaultdict(dict)
    for m in meetings.meetings.filter(status__in=LIVE).select_related("first", "second"):
        cells[m.slot][m.table] = m
    return [
        {
            "number": s + 1,
            "start": start,
            "end": end,
            "cells": [cells[s].get(t) for t in range(meetings.table_count)],
        }
        for s, start, end in meetings.slots
    ]


def can_see_profile(participant_viewer, profile):
    """A participant sees the profiles of the same business meetings (to choose whom to
    meet); the person behind them (e-mail) only for the people they meet."""
    return participant_viewer is not None and participant_viewer.meetings_id == profile.meetings_id


def meets(participant, other):
    return Meeting.objects.filter(
        models_q_participant(participant), models_q_participant(other), status__in=LIVE
    ).exists()


# Why a requested meeting was not placed


def explain(request):
    """French sentences saying why `request` has no meeting in the schedule."""
    participant, target = request.requester, request.target
    meetings = participant.meetings
    live = meetings.meetings.filter(status__in=LIVE)
    if live.filter(models_q_participant(participant), models_q_participant(target)).exists():
        return ["Ce rendez-vous est placé dans votre agenda."]
    if meetings.state in (S.OPEN, S.CLOSED, S.SCHEDULING):
        return ["Le planning n'est pas encore établi."]
    if target.is_cancelled:
        return [f"{target.organisation_name} a annulé sa participation."]
    mine, theirs = set(participant.unavailable_slots), set(target.unavailable_slots)
    common = [s for s in range(meetings.slot_count) if s not in mine and s not in theirs]
    if not common:
        return [
            f"Vous n'avez aucun créneau de disponibilité en commun avec {target.organisation_name}."
        ]
    by_slot = defaultdict(list)
    for m in live.select_related("first", "second"):
        by_slot[m.slot].append(m)
    reasons = []
    for s in common:
        at = by_slot.get(s, [])
        own = next((m for m in at if participant.pk in (m.first_id, m.second_id)), None)
        other = next((m for m in at if target.pk in (m.first_id, m.second_id)), None)
        start = timezone.localtime(meetings.slot_start(s)).strftime("%H:%M")
        if own and other:
            reasons.append(
                f"Créneau {s + 1} ({start}) : vous et {target.organisation_name} avez chacun un autre rendez-vous."
            )
        elif own:
            reasons.append(
                f"Créneau {s + 1} ({start}) : vous rencontrez {own.other(participant).organisation_name}."
            )
        elif other:
            reasons.append(
                f"Créneau {s + 1} ({start}) : {target.organisation_name} a un autre rendez-vous."
            )
        elif len(at) >= meetings.table_count:
            reasons.append(f"Créneau {s + 1} ({start}) : toutes les tables sont occupées.")
    summary = (
        "Le planning donne d'abord au moins un même nombre de rendez-vous à chaque participant, puis "
        "favorise les demandes réciproques et les premières priorités : sur chacun de vos créneaux communs, "
        "une autre rencontre l'a emporté."
    )
    return [summary, *reasons]


# Outcomes and figures


def record_outcome(meeting, participant, outcome, now=None):
    if outcome not in Outcome.values:
        raise MeetingError("Cette suite n'existe pas.")
    if participant.pk not in (meeting.first_id, meeting.second_id):
        raise MeetingError("Ce rendez-vous n'est pas le vôtre.", 403)
    if meeting.status != MeetingStatus.CONFIRMED:
        raise MeetingError("Seul un rendez-vous confirmé a une suite.", 409)
    if (now or timezone.now()) < meeting.meetings.slot_start(meeting.slot):
        raise MeetingError("La suite d'un rendez-vous se note après celui-ci.", 409)
    field = "first_outcome" if participant.pk == meeting.first_id else "second_outcome"
    Meeting.objects.filter(pk=meeting.pk).update(**{field: outcome})


RANK = {value: rank for rank, value in enumerate(Outcome.values)}


def meeting_outcome(meeting):
    """The further of the two parties' answers (a contract for one is a contract)."""
    answers = [o for o in (meeting.first_outcome, meeting.second_outcome) if o]
    return max(answers, key=RANK.get) if answers else ""


def figures(meetings):
    """What the report wants to show after the event: meetings held, their outcomes, per
    kind of participant."""
    held = list(
        meetings.meetings.filter(status=MeetingStatus.CONFIRMED).select_related("first", "second")
    )
    participants = list(meetings.participants.filter(is_cancelled=False))
    outcomes = Counter(meeting_outcome(m) for m in held)
    per_kind = {}
    for kind in ParticipantKind:
        people = [p for p in participants if p.kind == kind]
        theirs = [m for m in held if kind in (m.first.kind, m.second.kind)]
        per_kind[kind.label] = {
            "participants": len(people),
            "meetings": len(theirs),
            "outcomes": [
                (o.label, sum(1 for m in theirs if meeting_outcome(m) == o)) for o in Outcome
            ],
        }
    pairs = Counter(
        " × ".join(
            sorted((ParticipantKind(m.first.kind).label, ParticipantKind(m.second.kind).label))
        )
        for m in held
    )
    return {
        "participants": len(participants),
        "requests": MeetingRequest.objects.filter(requester__meetings=meetings).count(),
        "held": len(held),
        "answered": sum(1 for m in held if meeting_outcome(m)),
        "outcomes": [(o.label, outcomes.get(o.value, 0)) for o in Outcome],
        "per_kind": per_kind,
        "pairs": sorted(pairs.items(), key=lambda item: -item[1]),
    }


def personal_data(user):
    index = categories()
    rows = []
    for p in user.meeting_participations.select_related("meetings__event"):
        rows.append(
            {
                "evenement": p.meetings.event.title,
                "structure": p.organisation_name,
                "vous_etes": p.get_kind_display(),
                "offres": p.offer_labels(index),
                "besoins": p.need_labels(index),
                "presentation": p.presentation,
                "indisponibilites": [s + 1 for s in p.unavailable_slots],
                "demandes": [
                    {"avec": r.target.organisation_name, "priorite": r.priority}
                    for r in p.requests_made.select_related("target")
                ],
                "rendez_vous": [
                    {
                        "creneau": row["number"],
                        "debut": row["start"],
                        "avec": row["other"].organisation_name,
                        "table": row["table"],
                        "suite": row["meeting"].outcome_of(p),
                    }
                    for row in agenda(p)
                    if row["meeting"]
                ],
            }
        )
    return {"rendez_vous_d_affaires": rows}


def release_participations(user):
    """Before an account is deleted: withdraw from future business meetings, so the
    schedule is re-optimised for the others."""
    for participant in user.meeting_participations.filter(
        is_cancelled=False, meetings__event__starts_at__gt=timezone.now()
    ):
        with contextlib.suppress(SchedulerError):
            cancel_participation(participant)
