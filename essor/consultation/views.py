"""Pages of /concertation/: thin views over services.py; every one checks permissions."""

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from essor.core.csv import csv_response
from essor.territories.models import Departement

from . import perms, services
from .enums import ActionStatus, Axis
from .models import Action, Process

PER_PAGE = 50


def _visible_process(request, slug):
    process = get_object_or_404(Process, slug=slug)
    if not perms.can_view_process(request.user, process):
        raise Http404("Concertation introuvable.")
    return process


def _visible_action(request, pk):
    action = get_object_or_404(Action.objects.select_related("process", "departement"), pk=pk)
    if not perms.can_view_process(request.user, action.process):
        raise Http404("Action introuvable.")
    return action


@require_GET
def index(request):
    processes = Process.objects.prefetch_related("phases").order_by("-is_demo", "-created_at")
    visible = [p for p in processes if perms.can_view_process(request.user, p)]
    today = timezone.localdate()
    return render(
        request,
        "consultation/index.html",
        {
            "processes": [(p, p.current_phase(today)) for p in visible],
            "dashboard": services.dashboard(Action.objects.public()),
        },
    )


@require_GET
def process_detail(request, slug):
    process = _visible_process(request, slug)
    phases = list(process.phases.all())
    current = process.current_phase()
    return render(
        request,
        "consultation/process.html",
        {
            "process": process,
            "phases": phases,
            "current": current,
            "is_team": perms.is_team(request.user, process),
            "dashboard": services.dashboard(process.actions.all()),
        },
    )


def _dashboard_filters(request):
    get = request.GET
    processes = {
        p.slug: p for p in Process.objects.published() if perms.can_view_process(request.user, p)
    }
    state = {
        "concertation": get.get("concertation", "") if get.get("concertation") in processes else "",
        "axe": get.get("axe", "") if get.get("axe") in Axis.values else "",
        "chapitre": get.get("chapitre", "")[:200],
        "territoire": get.get("territoire", "")[:3],
        "etat": get.get("etat", "") if get.get("etat") in ActionStatus.values else "",
        "q": get.get("q", "").strip()[:200],
    }
    actions = Action.objects.public().select_related("process", "departement")
    if state["concertation"]:
        actions = actions.filter(process=processes[state["concertation"]])
    if state["axe"]:
        actions = actions.filter(axis=state["axe"])
    if state["chapitre"]:
        actions = actions.filter(chapter=state["chapitre"])
    if state["territoire"] == "region":
        actions = actions.filter(departement__isnull=True)
    elif state["territoire"]:
        actions = actions.filter(departement_id=state["territoire"])
    if state["etat"]:
        actions = actions.filter(status=state["etat"])
    if state["q"]:
        for word in state["q"].split():
            actions = actions.filter(text__icontains=word)
    return state, processes, actions


@require_GET
def dashboard(request):
    state, processes, actions = _dashboard_filters(request)
    if request.GET.get("format") == "csv":
        return csv_response(
            services.ACTION_CSV_HEADER,
            services.action_csv_rows(
                actions.order_by("process", "number"), settings.ESSOR_BASE_URL
            ),
            "essor-suivi-des-actions.csv",
        )
    page = Paginator(actions.order_by("process", "number"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    chapters = (
        Action.objects.public().order_by("number").values_list("chapter", flat=True).distinct()
    )
    return render(
        request,
        "consultation/dashboard.html",
        {
            "state": state,
            "processes": processes.values(),
            "axes": Axis.choices,
            "statuses": ActionStatus.choices,
            "chapters": list(dict.fromkeys(c for c in chapters if c)),
            "departements": Departement.objects.filter(region_id=settings.ESSOR_REGION).order_by(
                "code"
            ),
            "dashboard": services.dashboard(actions),
            "page": page,
            "query_string": query.urlencode(),
        },
    )


def _render_action(request, action, *, status=200, error=None):
    user = request.user
    return render(
        request,
        "consultation/action.html",
        {
            "action": action,
            "updates": action.updates.select_related("author"),
            "links": action.links.all(),
            "carriers": action.carriers.all(),
            "can_manage": perms.can_manage_action(user, action),
            "can_post": perms.can_post_update(user, action),
            "statuses": ActionStatus.choices,
            "today": timezone.localdate(),
            "error": error,
            "form": request.POST if request.method == "POST" else None,
        },
        status=status,
    )


@require_GET
def action_detail(request, pk):
    return _render_action(request, _visible_action(request, pk))


def _parse_date(value):
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


@login_required
@require_POST
def action_update(request, pk):
    action = _visible_action(request, pk)
    date = _parse_date(request.POST.get("date"))
    if date is None:
        return _render_action(
            request, action, status=400, error="Indiquez une date valide (AAAA-MM-JJ)."
        )
    try:
        services.action_record_update(
            action=action,
            by=request.user,
            date=date,
            text=request.POST.get("text", ""),
            status=request.POST.get("status", ""),
            progress=request.POST.get("progress", ""),
        )
    except services.ConsultationError as error:
        return _render_action(request, action, status=error.status_code, error=error.message)
    return redirect(action.get_absolute_url() + "#journal")


@login_required
@require_POST
def action_links(request, pk):
    action = _visible_action(request, pk)
    try:
        if request.POST.get("remove"):
            services.action_remove_link(
                action=action, by=request.user, link_id=request.POST["remove"]
            )
        else:
            services.action_add_link(
                action=action,
                by=request.user,
                url=request.POST.get("url", ""),
                title=request.POST.get("title", ""),
            )
    except services.ConsultationError as error:
        return _render_action(request, action, status=error.status_code, error=error.message)
    return redirect(action.get_absolute_url() + "#liens")


@login_required
@require_POST
def action_carriers(request, pk):
    action = _visible_action(request, pk)
    try:
        if request.POST.get("remove"):
            services.action_remove_carrier(
                action=action, by=request.user, organisation_id=request.POST["remove"]
            )
        else:
            services.action_add_carrier(
                action=action, by=request.user, reference=request.POST.get("reference", "")
            )
    except services.ConsultationError as error:
        return _render_action(request, action, status=error.status_code, error=error.message)
    return redirect(action.get_absolute_url() + "#porteurs")
