"""Views of the business meetings (/agenda/<événement>/rendez-vous/…): thin, the rules
are in meetings.py."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import ical, perms
from . import meetings as service
from .enums import MeetingsState, Outcome
from .meeting_forms import LateMeetingForm, MeetingsSettingsForm, ParticipantForm, RequestForm
from .models import BusinessMeetings, Event, Meeting, MeetingRequest

S = MeetingsState


def _meetings(request, slug):
    event = get_object_or_404(Event.objects.for_listing(), slug=slug)
    if not perms.can_view(request.user, event):
        raise Http404("Événement introuvable.")
    meetings = BusinessMeetings.objects.filter(event=event).select_related("event").first()
    if meetings is None:
        raise Http404("Cet événement n'a pas de rendez-vous d'affaires.")
    return event, meetings


def _organiser(request, slug):
    event, meetings = _meetings(request, slug)
    if not perms.can_manage(request.user, event):
        raise PermissionDenied("Seuls les organisateurs ont accès au planning complet.")
    return event, meetings


def _participant(request, slug):
    event, meetings = _meetings(request, slug)
    participant = service.participant_of(meetings, request.user)
    if participant is None:
        raise PermissionDenied(
            "Cette page est réservée aux participants des rendez-vous d'affaires."
        )
    return event, meetings, participant


def _home_url(event):
    return reverse("events:meetings", args=[event.slug])


def _render_home(request, event, meetings, *, form=None, error=None, status=200):
    participant = service.participant_of(meetings, request.user)
    registered = (
        request.user.is_authenticated
        and event.registrations.filter(user=request.user, status="confirmed").exists()
    )
    if form is None and participant:
        form = ParticipantForm(
            meetings=meetings,
            initial={
                "organisation_name": participant.organisation_name,
                "kind": participant.kind,
                "offers": participant.offers,
                "needs": participant.needs,
                "offers_text": participant.offers_text,
                "needs_text": participant.needs_text,
                "presentation": participant.presentation,
                "unavailable_slots": [str(s) for s in participant.unavailable_slots],
            },
        )
    elif form is None and registered:
        form = ParticipantForm(meetings=meetings)
    context = {
        "event": event,
        "meetings": meetings,
        "participant": participant,
        "registered": registered,
        "form": form,
        "error": error,
        "can_manage": perms.can_manage(request.user, event),
        "requests_open": meetings.requests_open(),
    }
    if participant:
        requests = list(participant.requests_made.select_related("target"))
        placed = {
            row["other"].pk for row in service.agenda(participant) if row["other"] is not None
        }
        context.update(
            suggestions=service.suggestions(participant),
            requests=[(r, r.target_id in placed) for r in requests],
            others=meetings.participants.filter(is_cancelled=False).exclude(pk=participant.pk),
            agenda=service.agenda(participant),
            outcomes=Outcome.choices,
            after_start=timezone.now() >= meetings.first_slot_at,
            schedule_ready=meetings.state in (S.SCHEDULED, S.PUBLISHED),
        )
    return render(request, "events/meetings/home.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def home(request, slug):
    event, meetings = _meetings(request, slug)
    if request.method == "GET":
        return _render_home(request, event, meetings)
    form = ParticipantForm(request.POST, meetings=meetings)
    if not form.is_valid():
        return _render_home(request, event, meetings, form=form, status=400)
    data = form.cleaned_data
    try:
        service.join(
            meetings,
            request.user,
            organisation_name=data["organisation_name"],
            kind=data["kind"],
            offers=data["offers"],
            needs=data["needs"],
            offers_text=data["offers_text"],
            needs_text=data["needs_text"],
            presentation=data["presentation"],
            unavailable_slots=[int(s) for s in data["unavailable_slots"]],
        )
    except service.MeetingError as error:
        return _render_home(
            request, event, meetings, form=form, error=error.message, status=error.status_code
        )
    messages.success(request, "Votre profil de participant est enregistré.")
    return redirect(_home_url(event))


@require_POST
@login_required
def add_request(request, slug):
    event, meetings, participant = _participant(request, slug)
    form = RequestForm(request.POST)
    if not form.is_valid():
        return _render_home(
            request, event, meetings, error="Cette demande n'est pas valide.", status=400
        )
    try:
        service.add_request(
            participant, form.cleaned_data["target"], priority=form.cleaned_data["priority"]
        )
    except service.MeetingError as error:
        return _render_home(request, event, meetings, error=error.message, status=error.status_code)
    messages.success(request, "Votre demande de rendez-vous est enregistrée.")
    return redirect(_home_url(event))


@require_POST
@login_required
def remove_request(request, slug, request_id):
    event, meetings, participant = _participant(request, slug)
    try:
        service.remove_request(participant, request_id)
    except service.MeetingError as error:
        return _render_home(request, event, meetings, error=error.message, status=error.status_code)
    messages.success(request, "La demande est retirée.")
    return redirect(_home_url(event))


@require_POST
@login_required
def withdraw(request, slug):
    event, meetings, participant = _participant(request, slug)
    try:
        service.cancel_participation(participant)
    except service.MeetingError as error:
        return _render_home(request, event, meetings, error=error.message, status=error.status_code)
    messages.success(
        request, "Votre participation aux rendez-vous est annulée ; vos rendez-vous sont libérés."
    )
    return redirect(_home_url(event))


@require_GET
@login_required
def profile(request, slug, participant_id):
    """A participant's public profile, for the participants of the same meetings and the
    organiser; the e-mail only for the people they meet."""
    event, meetings = _meetings(request, slug)
    shown = get_object_or_404(meetings.participants, pk=participant_id)
    viewer = service.participant_of(meetings, request.user)
    organiser = perms.can_manage(request.user, event)
    if not organiser and not service.can_see_profile(viewer, shown):
        raise PermissionDenied("Les profils sont réservés aux participants de ces rendez-vous.")
    return render(
        request,
        "events/meetings/profile.html",
        {
            "event": event,
            "shown": shown,
            "show_contact": organiser or (viewer and service.meets(viewer, shown)),
        },
    )


@require_GET
@login_required
def why(request, slug, request_id):
    event, meetings, participant = _participant(request, slug)
    meeting_request = get_object_or_404(
        MeetingRequest.objects.select_related("requester", "target"),
        pk=request_id,
        requester=participant,
    )
    return render(
        request,
        "events/meetings/why.html",
        {
            "event": event,
            "meeting_request": meeting_request,
            "reasons": service.explain(meeting_request),
        },
    )


@require_POST
@login_required
def outcome(request, slug, meeting_id):
    event, meetings, participant = _participant(request, slug)
    meeting = get_object_or_404(
        Meeting.objects.select_related("meetings"), pk=meeting_id, meetings=meetings
    )
    try:
        service.record_outcome(meeting, participant, request.POST.get("outcome", ""))
    except service.MeetingError as error:
        return _render_home(request, event, meetings, error=error.message, status=error.status_code)
    messages.success(request, "La suite du rendez-vous est enregistrée.")
    return redirect(_home_url(event))


@require_GET
@login_required
def agenda_ics(request, slug):
    _event, _meetings_, participant = _participant(request, slug)
    response = HttpResponse(service.agenda_ics(participant), content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mes-rendez-vous.ics"'
    return response


def agenda_pdf_bytes(participant):
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML  # imported here: only this view needs Pango

    html = render_to_string(
        "events/meetings/agenda_pdf.html",
        {
            "event": participant.meetings.event,
            "participant": participant,
            "agenda": service.agenda(participant),
        },
    )
    return ContentFile(HTML(string=html, base_url=settings.ESSOR_BASE_URL).write_pdf()).read()


@require_GET
@login_required
def agenda_pdf(request, slug):
    _event, _meetings_, participant = _participant(request, slug)
    response = HttpResponse(agenda_pdf_bytes(participant), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="mes-rendez-vous.pdf"'
    return response


# The organiser


def _render_dashboard(request, event, meetings, *, form=None, error=None, status=200):
    return render(
        request,
        "events/meetings/dashboard.html",
        {
            "event": event,
            "meetings": meetings,
            "form": form or MeetingsSettingsForm(instance=meetings),
            "error": error,
            "participants": meetings.participants.filter(is_cancelled=False).order_by(
                "organisation_name"
            ),
            "request_count": MeetingRequest.objects.filter(requester__meetings=meetings).count(),
            "figures": service.figures(meetings),
            "grid_ready": meetings.state in (S.SCHEDULED, S.PUBLISHED),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def dashboard(request, slug):
    event, meetings = _organiser(request, slug)
    if request.method == "GET":
        return _render_dashboard(request, event, meetings)
    form = MeetingsSettingsForm(request.POST, instance=BusinessMeetings.objects.get(pk=meetings.pk))
    if not form.is_valid():
        return _render_dashboard(request, event, meetings, form=form, status=400)
    try:
        service.configure(event, **{name: form.cleaned_data[name] for name in form.Meta.fields})
    except service.MeetingError as error:
        meetings.refresh_from_db()
        return _render_dashboard(
            request, event, meetings, form=form, error=error.message, status=error.status_code
        )
    messages.success(request, "Les réglages des rendez-vous sont enregistrés.")
    return redirect("events:meetings_dashboard", slug=event.slug)


def _default_deadline(event):
    day_before = event.starts_at - timedelta(days=1)
    return day_before if day_before > timezone.now() else event.starts_at


@require_POST
@login_required
def setup(request, slug):
    """Give a « rendez-vous d'affaires » event its business meetings (defaults: 12 slots of
    20 minutes from the start, 10 tables, requests until the day before)."""
    event = get_object_or_404(Event, slug=slug)
    if not perms.can_manage(request.user, event):
        raise PermissionDenied("Seuls les organisateurs règlent les rendez-vous.")
    if BusinessMeetings.objects.filter(event=event).exists():
        return redirect("events:meetings_dashboard", slug=event.slug)
    slots = max(1, min(12, int((event.ends_at - event.starts_at).total_seconds() // 1200)))
    try:
        service.configure(
            event,
            first_slot_at=event.starts_at,
            slot_count=slots,
            slot_minutes=20,
            table_count=10,
            request_deadline=_default_deadline(event),
            max_requests=min(8, slots),
        )
    except service.MeetingError as error:
        raise PermissionDenied(error.message) from error
    return redirect("events:meetings_dashboard", slug=event.slug)


def _organiser_action(request, slug, action, success):
    event, meetings = _organiser(request, slug)
    try:
        action(meetings)
    except service.MeetingError as error:
        return _render_dashboard(
            request, event, meetings, error=error.message, status=error.status_code
        )
    messages.success(request, success)
    return redirect("events:meetings_dashboard", slug=event.slug)


@require_POST
@login_required
def close(request, slug):
    return _organiser_action(request, slug, service.close_requests, "Les demandes sont closes.")


@require_POST
@login_required
def run(request, slug):
    return _organiser_action(
        request,
        slug,
        service.start_scheduling,
        "Le calcul du planning est lancé ; la page suit sa progression.",
    )


@require_POST
@login_required
def publish(request, slug):
    return _organiser_action(
        request,
        slug,
        service.publish,
        "Le planning est confirmé ; chaque participant reçoit son agenda.",
    )


@require_POST
@login_required
def late(request, slug):
    event, meetings = _organiser(request, slug)
    form = LateMeetingForm(request.POST)
    if not form.is_valid():
        return _render_dashboard(
            request, event, meetings, error="Choisissez les deux participants.", status=400
        )
    try:
        service.add_late_meeting(
            meetings, form.cleaned_data["requester"], form.cleaned_data["target"]
        )
    except service.MeetingError as error:
        return _render_dashboard(
            request, event, meetings, error=error.message, status=error.status_code
        )
    messages.success(
        request,
        "Le rendez-vous est ajouté aux demandes ; le planning des créneaux libres est recalculé.",
    )
    return redirect("events:meetings_dashboard", slug=event.slug)


@require_GET
@login_required
def progress(request, slug):
    event, meetings = _organiser(request, slug)
    return render(request, "events/meetings/_progress.html", {"event": event, "meetings": meetings})


@require_GET
@login_required
def grid(request, slug):
    event, meetings = _organiser(request, slug)
    return render(
        request,
        "events/meetings/grid.html",
        {
            "event": event,
            "meetings": meetings,
            "rows": service.grid(meetings),
            "tables": range(1, meetings.table_count + 1),
        },
    )
