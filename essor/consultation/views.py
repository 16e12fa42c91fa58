"""Pages of /concertation/: thin views over services.py; every one checks permissions."""

import datetime
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from essor.core.csv import csv_response, safe_cell
from essor.core.ratelimit import ratelimit
from essor.directory.models import Organisation
from essor.territories.models import Departement

from . import perms, services
from . import questionnaires as questionnaire_services
from .enums import CHOICE_KINDS, ActionStatus, Axis, Breakdown
from .models import Action, Process, Question, Questionnaire

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
            "questionnaires": process.questionnaires.select_related("phase"),
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


# Questionnaires


def _questionnaire(request, slug, pk):
    process = _visible_process(request, slug)
    questionnaire = get_object_or_404(
        Questionnaire.objects.select_related("phase", "process").prefetch_related(
            Prefetch("sections__questions", queryset=Question.objects.order_by("order", "pk"))
        ),
        pk=pk,
        process=process,
    )
    return questionnaire


def _answer_context(request, questionnaire, *, values=None, errors=None, error=None):
    user = request.user
    draft = questionnaire_services.draft_of(questionnaire, user)
    if values is None:
        values = {a.question_id: a.value for a in draft.answers.all()} if draft else {}
    denial = (
        questionnaire_services.answering_denial(questionnaire, user)
        if user.is_authenticated
        else None
    )
    organisations = (
        [m.organisation for m in user.memberships.select_related("organisation")]
        if user.is_authenticated
        else []
    )
    sections = []
    for section in questionnaire.sections.all():
        questions = []
        for question in section.questions.all():
            value = values.get(question.pk)
            chosen = (
                [str(v) for v in value]
                if isinstance(value, list)
                else ([str(value)] if value is not None else [])
            )
            questions.append(
                {
                    "q": question,
                    "value": "" if value is None or isinstance(value, list) else value,
                    "chosen": chosen,
                    "error": (errors or {}).get(question.pk),
                    "depends_label": question.depends_on.label if question.depends_on_id else "",
                    "depends_values_label": ", ".join(
                        question.depends_on.choice_label(v) for v in question.depends_values
                    )
                    if question.depends_on_id
                    else "",
                    "scale": range(question.scale_min, question.scale_max + 1),
                }
            )
        sections.append({"section": section, "questions": questions})
    return {
        "questionnaire": questionnaire,
        "process": questionnaire.process,
        "sections": sections,
        "draft": draft,
        "denial": denial,
        "organisations": organisations,
        "selected_organisation": getattr(draft, "organisation_id", None),
        "error": error,
        "is_team": perms.is_team(user, questionnaire.process),
    }


@ratelimit("consultation-answer", limit=60, period=3600)
def questionnaire(request, slug, pk):
    questionnaire = _questionnaire(request, slug, pk)
    if request.method == "GET":
        context = _answer_context(request, questionnaire)
        if request.GET.get("envoye"):
            context["sent"] = True
        return render(request, "consultation/questionnaire.html", context)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    submit = request.POST.get("action") == "envoyer"
    organisation = None
    raw_organisation = request.POST.get("organisation", "")
    if raw_organisation:
        organisation = Organisation.objects.filter(
            pk=raw_organisation if raw_organisation.isdigit() else 0
        ).first()
        if organisation is None:
            context = _answer_context(request, questionnaire, error="Cette structure n'existe pas.")
            return render(request, "consultation/questionnaire.html", context, status=400)
    try:
        questionnaire_services.save_response(
            questionnaire=questionnaire,
            user=request.user,
            data=request.POST,
            organisation=organisation,
            submit=submit,
        )
    except questionnaire_services.AnswerErrors as error:
        values = {}
        for question in questionnaire.ordered_questions():
            given = request.POST.getlist(question.field_name)
            if given:
                values[question.pk] = given if question.kind in CHOICE_KINDS else given[0]
        context = _answer_context(
            request, questionnaire, values=values, errors=error.errors, error=error.message
        )
        return render(request, "consultation/questionnaire.html", context, status=400)
    except services.ConsultationError as error:
        context = _answer_context(request, questionnaire, error=error.message)
        return render(request, "consultation/questionnaire.html", context, status=error.status_code)
    if submit:
        return redirect(questionnaire.get_absolute_url() + "?envoye=1")
    messages.success(
        request, "Brouillon enregistré : vous pourrez reprendre vos réponses plus tard."
    )
    return redirect(questionnaire.get_absolute_url())


def _may_see_results(user, questionnaire):
    return questionnaire.results_published or perms.is_team(user, questionnaire.process)


@require_GET
def questionnaire_results(request, slug, pk):
    questionnaire = _questionnaire(request, slug, pk)
    if not _may_see_results(request.user, questionnaire):
        raise Http404("Résultats non publiés.")
    breakdown = request.GET.get("croiser", "")
    breakdown = breakdown if breakdown in Breakdown.values else None
    # The team may look at the raw counts; the published view is always masked.
    public = not (
        perms.is_team(request.user, questionnaire.process) and request.GET.get("vue") == "equipe"
    )
    return render(
        request,
        "consultation/results.html",
        {
            "questionnaire": questionnaire,
            "process": questionnaire.process,
            "results": questionnaire_services.results(questionnaire, breakdown, public=public),
            "breakdowns": Breakdown.choices,
            "breakdown": breakdown,
            "public": public,
            "is_team": perms.is_team(request.user, questionnaire.process),
            "min_cell": questionnaire_services.MIN_CELL,
        },
    )


@login_required
@require_GET
def questionnaire_export(request, slug, pk, extension):
    if extension not in ("csv", "xlsx"):
        raise Http404("Format inconnu.")
    questionnaire = _questionnaire(request, slug, pk)
    if not perms.is_team(request.user, questionnaire.process):
        raise PermissionDenied("Seule l'équipe de la concertation exporte les réponses.")
    header, rows = questionnaire_services.export_rows(questionnaire)
    filename = f"reponses-{questionnaire.process.slug}-{questionnaire.pk}"
    if extension == "csv":
        return csv_response(header, rows, f"{filename}.csv")
    return xlsx_response(header, rows, f"{filename}.xlsx", questionnaire.title)


def xlsx_response(header, rows, filename, title):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Réponses"
    sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(
            [
                safe_cell(v) if not isinstance(v, datetime.datetime) else v.replace(tzinfo=None)
                for v in row
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
