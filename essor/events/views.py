import calendar
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essor.core.csv import csv_response
from essor.core.workflow import WorkflowError

from . import filters, ical, perms, services
from .enums import EventKind, RegistrationStatus, Status
from .forms import DecisionForm, EventForm, RegistrationForm
from .jsonld import event_jsonld, jsonld_script
from .models import Event

PER_PAGE = 20
MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


def _visible_event(request, slug):
    event = get_object_or_404(Event.objects.for_listing(), slug=slug)
    if not perms.can_view(request.user, event):
        raise Http404("Événement introuvable.")
    return event


def _managed_event(request, slug):
    event = _visible_event(request, slug)
    if not perms.can_manage(request.user, event):
        raise PermissionDenied("Seuls les organisateurs de l'événement ont accès à cette page.")
    return event


def _query(form):
    return urlencode(form.active())


@require_GET
def index(request):
    params = request.GET
    if not any(k in params for k in ("du", "au")):
        params = params.copy()
        params["du"] = timezone.localdate().isoformat()
    form, events = filters.filtered(params)
    page = Paginator(events.order_by("starts_at", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "events/index.html",
        {
            "form": form,
            "page": page,
            "query_string": _query(form),
            "month_url": _month_url(today.year, today.month, form),
            "can_propose": perms.can_propose(request.user),
            "perms_moderate": perms.can_moderate_events(request.user),
        },
        status=200 if form.is_valid() else 400,
    )


def _month_url(year, month, form):
    from django.urls import reverse

    active = {k: v for k, v in form.active().items() if k not in ("du", "au")}
    url = reverse("events:month", args=[year, month])
    return url + ("?" + urlencode(active) if active else "")


@require_GET
def month(request, year, month):
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404("Mois inconnu.")
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    params = request.GET.copy()
    params["du"], params["au"] = first.isoformat(), last.isoformat()
    form, events = filters.filtered(params)
    by_day = {}
    for event in events.order_by("starts_at", "pk"):
        day = max(timezone.localdate(event.starts_at), first)
        end = min(timezone.localdate(event.ends_at), last)
        while day <= end:
            by_day.setdefault(day, []).append(event)
            day += timedelta(days=1)
    weeks = [
        [{"date": d, "in_month": d.month == month, "events": by_day.get(d, [])} for d in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    previous = first - timedelta(days=1)
    following = last + timedelta(days=1)
    return render(
        request,
        "events/month.html",
        {
            "form": form,
            "weeks": weeks,
            "title": f"{MONTHS[month - 1]} {year}",
            "days": list(by_day.items()),
            "previous_url": _month_url(previous.year, previous.month, form),
            "next_url": _month_url(following.year, following.month, form),
            "query_string": _query(form),
            "weekdays": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
        },
        status=200 if form.is_valid() else 400,
    )


@require_GET
def feed(request):
    """The iCal feed of any filter of the list (upcoming and past, cancelled ones marked)."""
    form, events = filters.filtered(
        request.GET,
        base=Event.objects.filter(status__in=[Status.PUBLISHED, Status.CANCELLED]).for_listing(),
    )
    if not form.is_valid():
        errors = " ".join(e for errs in form.errors.values() for e in errs)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(
        ical.events_calendar(events.order_by("starts_at")[:1000]), content_type=ical.CONTENT_TYPE
    )
    response["Content-Disposition"] = 'inline; filename="agenda-ess.ics"'
    return response


@require_GET
def event_ics(request, slug):
    event = _visible_event(request, slug)
    response = HttpResponse(ical.event_calendar(event), content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


def _render_detail(request, event, *, status=200, error=None):
    user = request.user
    registration = services.active_registration(event, user)
    context = {
        "event": event,
        "jsonld_script": jsonld_script(event_jsonld(event)),
        "registration": registration,
        "waiting_position": services.waiting_position(registration) if registration else None,
        "seats_left": services.seats_left(event),
        "closed_reason": event.registration_state(),
        "registration_form": RegistrationForm(),
        "can_manage": perms.can_manage(user, event),
        "transitions": Event.workflow.available(event, user) if user.is_authenticated else [],
        "error": error,
        "tile_url": settings.ESSOR_TILE_URL,
        "has_meetings": hasattr(event, "meetings"),
        "past": event.is_past(),
    }
    if context["can_manage"] or perms.can_moderate_events(user):
        context["history"] = event.transitions.select_related("actor")
    return render(request, "events/detail.html", context, status=status)


@require_GET
def detail(request, slug):
    return _render_detail(request, _visible_event(request, slug))


@require_POST
@login_required
def register(request, slug):
    event = _visible_event(request, slug)
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        return _render_detail(
            request, event, status=400, error="Le nom de la structure est trop long."
        )
    try:
        registration = services.register(
            event, request.user, organisation_name=form.cleaned_data["organisation_name"]
        )
    except services.EventError as error:
        return _render_detail(request, event, status=error.status_code, error=error.message)
    if registration.status == RegistrationStatus.CONFIRMED:
        messages.success(
            request,
            "Vous êtes inscrit : la confirmation et le fichier d'agenda (.ics) partent par e-mail.",
        )
    else:
        messages.info(
            request,
            "L'événement est complet : vous êtes sur la liste d'attente. Une place libérée vous revient automatiquement.",
        )
    return redirect(event)


@require_POST
@login_required
def unregister(request, slug):
    event = _visible_event(request, slug)
    registration = services.active_registration(event, request.user)
    if registration is None:
        return _render_detail(
            request, event, status=409, error="Vous n'êtes pas inscrit à cet événement."
        )
    try:
        services.cancel_registration(registration)
    except services.EventError as error:
        return _render_detail(request, event, status=error.status_code, error=error.message)
    messages.success(request, "Votre inscription est annulée.")
    return redirect(event)


@require_http_methods(["GET", "POST"])
@login_required
def registrants(request, slug):
    event = _managed_event(request, slug)
    error = None
    status = 200
    if request.method == "POST":
        try:
            ids = [int(v) for v in request.POST.getlist("present")]
            services.set_attendance(event, ids)
        except ValueError:
            error, status = "Cette liste de présence n'est pas valide.", 400
        except services.EventError as exc:
            error, status = exc.message, exc.status_code
        else:
            messages.success(request, "La présence est enregistrée.")
            return redirect("events:registrants", slug=event.slug)
    registrations = event.registrations.select_related("user").order_by(
        "status", "created_at", "pk"
    )
    return render(
        request,
        "events/registrants.html",
        {
            "event": event,
            "registrations": registrations,
            "confirmed": [r for r in registrations if r.status == RegistrationStatus.CONFIRMED],
            "waiting": [r for r in registrations if r.status == RegistrationStatus.WAITING],
            "cancelled": [r for r in registrations if r.status == RegistrationStatus.CANCELLED],
            "can_mark": event.is_past(),
            "error": error,
        },
        status=status,
    )


@require_GET
@login_required
def registrants_csv(request, slug):
    event = _managed_event(request, slug)
    return csv_response(
        services.REGISTRANT_HEADER, services.registrant_rows(event), f"inscrits-{event.slug}.csv"
    )


@require_http_methods(["GET", "POST"])
@login_required
def propose(request):
    if not perms.can_propose(request.user):
        raise PermissionDenied("Proposer un événement demande d'être membre d'une structure.")
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if not perms.can_organise_for(request.user, form.cleaned_data["organiser"]):
            raise PermissionDenied("Vous n'agissez pas pour cette structure.")
        event = services.propose_event(
            by=request.user, themes=form.cleaned_data["themes"], **form.event_fields()
        )
        if event.status == Status.PUBLISHED:
            messages.success(request, "L'événement est publié.")
        else:
            messages.success(
                request, "Merci ! L'équipe de la CRESS relit votre proposition avant de la publier."
            )
        return redirect(event)
    return render(
        request, "events/form.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@require_http_methods(["GET", "POST"])
@login_required
def edit(request, slug):
    event = _managed_event(request, slug)
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        if not perms.can_organise_for(request.user, form.cleaned_data["organiser"]):
            raise PermissionDenied("Vous n'agissez pas pour cette structure.")
        services.update_event(
            event, by=request.user, themes=form.cleaned_data["themes"], **form.event_fields()
        )
        messages.success(request, "L'événement est modifié.")
        return redirect(event)
    return render(
        request,
        "events/form.html",
        {"form": form, "event": event},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def decision(request, slug):
    event = _visible_event(request, slug)
    form = DecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise Event.workflow.unknown()
        services.decide_event(
            event,
            form.cleaned_data["transition"],
            by=request.user,
            comment=form.cleaned_data["comment"],
        )
    except WorkflowError as error:
        return _render_detail(request, event, status=error.status_code, error=error.message)
    messages.success(request, f"État de l'événement : {event.get_status_display()}.")
    return redirect(event)


@require_GET
@login_required
def moderation(request):
    if not perms.can_moderate_events(request.user):
        raise PermissionDenied("Seule l'équipe de la CRESS modère l'agenda.")
    pending = Event.objects.filter(status=Status.PENDING).for_listing().order_by("created_at")
    return render(request, "events/moderation.html", {"pending": pending})


@require_GET
@login_required
def mine(request):
    user = request.user
    registrations = (
        user.event_registrations.exclude(status=RegistrationStatus.CANCELLED)
        .select_related("event", "event__commune")
        .order_by("event__starts_at")
    )
    organised = (
        Event.objects.filter(organiser__memberships__user=user).for_listing().order_by("-starts_at")
    )
    proposed = Event.objects.filter(created_by=user).for_listing().order_by("-starts_at")
    return render(
        request,
        "events/mine.html",
        {"registrations": registrations, "organised": organised.distinct(), "proposed": proposed},
    )


@require_GET
def mois_ess(request):
    """The Mois de l'ESS: the November events of a year on a map (this year by default,
    next year's once December has come)."""
    today = timezone.localdate()
    try:
        year = int(
            request.GET.get("annee") or (today.year if today.month <= 11 else today.year + 1)
        )
    except ValueError:
        year = today.year
    if not 2000 <= year <= 2100:
        raise Http404("Année inconnue.")
    tz = timezone.get_current_timezone()
    start = datetime.combine(date(year, 11, 1), time.min, tz)
    end = datetime.combine(date(year, 12, 1), time.min, tz)
    events = list(
        Event.objects.published()
        .for_listing()
        .filter(starts_at__lt=end, ends_at__gte=start)
        .order_by("starts_at")
    )
    points = [
        {
            "name": e.title,
            "commune": e.commune.name,
            "date": timezone.localtime(e.starts_at).strftime("%d/%m"),
            "url": e.get_absolute_url(),
            "lat": e.commune.latitude,
            "lon": e.commune.longitude,
        }
        for e in events
        if e.commune_id and e.commune.latitude is not None
    ]
    departements = {}
    for e in events:
        label = e.commune.departement.name if e.commune_id else "En ligne"
        departements[label] = departements.get(label, 0) + 1
    return render(
        request,
        "events/mois_ess.html",
        {
            "year": year,
            "events": events,
            "points": points,
            "departements": sorted(departements.items()),
            "tile_url": settings.ESSOR_TILE_URL,
            "feed_query": urlencode(
                {"du": start.date().isoformat(), "au": date(year, 11, 30).isoformat()}
            ),
            "kinds": EventKind,
        },
    )
