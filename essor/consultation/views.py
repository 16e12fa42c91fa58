"""Pages of /concertation/: thin views over services.py; every one checks permissions."""

import datetime
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essor.accounts.perms import can_moderate
from essor.core.csv import csv_response, safe_cell
from essor.core.ratelimit import ratelimit
from essor.core.workflow import WorkflowError
from essor.directory.models import Organisation
from essor.events import services as events_services
from essor.search.pickers import OrganisationPickerWidget
from essor.territories.forms import CommunePickerWidget
from essor.territories.models import Departement

from . import perms, services
from . import questionnaires as questionnaire_services
from .enums import (
    CHOICE_KINDS,
    VISIBLE_PROPOSAL_STATUSES,
    ActionStatus,
    Axis,
    Breakdown,
    ProposalStatus,
    QuestionKind,
    ReportReason,
)
from .models import (
    Action,
    Comment,
    ContentReport,
    Process,
    Proposal,
    Question,
    Questionnaire,
)

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
            "can_create": perms.can_create_process(request.user),
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
            "questionnaires": process.questionnaires.select_related("phase", "process"),
            "workshops": events_services.workshop_rows(
                process.workshops.all(),
                request.user,
                unpublished=perms.is_team(request.user, process),
            ),
            "n_proposals": Proposal.objects.visible().filter(process=process).count(),
            "following": request.user.is_authenticated
            and process.follows.filter(user=request.user).exists(),
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
            "following": user.is_authenticated and action.follows.filter(user=user).exists(),
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
    if not perms.can_post_update(request.user, action):
        raise PermissionDenied(
            "Seules l'équipe de la concertation et les structures porteuses donnent des nouvelles."
        )
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


PICKERS = {
    QuestionKind.COMMUNE: CommunePickerWidget,
    QuestionKind.ORGANISATION: OrganisationPickerWidget,
}


def _picker(question, value, error):
    """The commune or organisation picker of a question (the directory's and the
    orientation's combobox), or None for the other kinds."""
    widget = PICKERS.get(question.kind)
    if widget is None:
        return None
    attrs = {"id": f"champ-{question.pk}", "aria-describedby": f"aide-{question.pk}"}
    if error:
        attrs.update(
            {"aria-invalid": "true", "aria-describedby": f"aide-{question.pk} erreur-{question.pk}"}
        )
    return widget().render(question.field_name, value, attrs=attrs)


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
                    "picker": _picker(question, value, (errors or {}).get(question.pk)),
                }
            )
        sections.append({"section": section, "questions": questions})
    return {
        "questionnaire": questionnaire,
        "process": questionnaire.process,
        "blocks": sections,
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


# Fiches actions (proposals)


def _proposal(request, pk):
    proposal = get_object_or_404(
        Proposal.objects.select_related(
            "process", "author", "organisation", "departement", "merged_into"
        ),
        pk=pk,
    )
    user = request.user
    if not (
        proposal.is_visible
        or can_moderate(user)
        or perms.is_team(user, proposal.process)
        or (user.is_authenticated and proposal.author_id == user.pk)
    ):
        raise Http404("Fiche action introuvable.")
    return proposal


@require_http_methods(["GET", "POST"])
@ratelimit("consultation-proposal", limit=10, period=3600)
def proposals(request, slug):
    process = _visible_process(request, slug)
    user = request.user
    error = None
    status = 200
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        post = request.POST
        departement = (
            Departement.objects.filter(code=post.get("departement", "")).first()
            if post.get("departement")
            else None
        )
        organisation = None
        if post.get("organisation"):
            organisation = Organisation.objects.filter(
                pk=post["organisation"] if post["organisation"].isdigit() else 0
            ).first()
        try:
            if post.get("departement") and departement is None:
                raise services.ConsultationError("Ce département n'existe pas.")
            if post.get("organisation") and organisation is None:
                raise services.ConsultationError("Cette structure n'existe pas.")
            proposal = services.proposal_create(
                process=process, author=user, title=post.get("title"), axis=post.get("axis"),
                theme=post.get("theme"), description=post.get("description"), carriers=post.get("carriers", ""),
                departement=departement, organisation=organisation,
            )  # fmt: skip
        except services.ConsultationError as refused:
            error, status = refused.message, refused.status_code
        else:
            messages.success(
                request,
                "Merci : votre fiche action sera publiée après relecture par l'équipe de la CRESS.",
            )
            return redirect(proposal.get_absolute_url())
    visible = (
        Proposal.objects.visible()
        .filter(process=process)
        .select_related("departement", "merged_into")
        .annotate(
            n_supports=Count("supports", distinct=True), n_comments=Count("comments", distinct=True)
        )
        .order_by("-n_supports", "-created_at")
    )
    status_filter = request.GET.get("etat", "")
    if status_filter in ProposalStatus.values:
        visible = visible.filter(status=status_filter)
    denial = services.proposal_denial(process, user) if user.is_authenticated else None
    return render(
        request,
        "consultation/proposals.html",
        {
            "process": process,
            "proposals": visible,
            "statuses": [
                (v, label) for v, label in ProposalStatus.choices if v in VISIBLE_PROPOSAL_STATUSES
            ],
            "status_filter": status_filter,
            "axes": Axis.choices,
            "departements": Departement.objects.filter(region_id=settings.ESSOR_REGION).order_by(
                "code"
            ),
            "organisations": [
                m.organisation for m in user.memberships.select_related("organisation")
            ]
            if user.is_authenticated
            else [],
            "denial": denial,
            "error": error,
            "form": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


def _render_proposal(request, proposal, *, status=200, error=None):
    user = request.user
    comments = list(proposal.comments.select_related("author"))
    by_parent = {}
    for comment in comments:
        by_parent.setdefault(comment.parent_id, []).append(comment)

    def thread(parent_id, depth=0):
        out = []
        for comment in by_parent.get(parent_id, []):
            out.append((comment, depth))
            out.extend(thread(comment.pk, depth + 1))
        return out

    from .workflow import PROPOSALS

    return render(
        request,
        "consultation/proposal.html",
        {
            "proposal": proposal,
            "process": proposal.process,
            "comments": thread(None),
            "n_supports": proposal.supports.count(),
            "supported": user.is_authenticated and proposal.supports.filter(user=user).exists(),
            "following": user.is_authenticated and proposal.follows.filter(user=user).exists(),
            "transitions": PROPOSALS.available(proposal, user),
            "history": proposal.transitions.select_related("actor")
            if (can_moderate(user) or perms.is_team(user, proposal.process))
            else [],
            "others": Proposal.objects.visible()
            .filter(process=proposal.process)
            .exclude(pk=proposal.pk)
            if perms.is_team(user, proposal.process)
            else [],
            "can_moderate": can_moderate(user),
            "reasons": ReportReason.choices,
            "action": Action.objects.filter(proposal=proposal).first(),
            "error": error,
        },
        status=status,
    )


@require_GET
def proposal_detail(request, pk):
    return _render_proposal(request, _proposal(request, pk))


def _proposal_post(request, pk, operation):
    proposal = _proposal(request, pk)
    try:
        operation(proposal)
    except services.ConsultationError as error:
        return _render_proposal(request, proposal, status=error.status_code, error=error.message)
    except WorkflowError as error:
        return _render_proposal(request, proposal, status=error.status_code, error=error.message)
    return redirect(proposal.get_absolute_url())


@login_required
@require_POST
def proposal_transition(request, pk):
    post = request.POST
    return _proposal_post(
        request,
        pk,
        lambda p: services.proposal_transition(
            proposal=p,
            name=post.get("transition", ""),
            by=request.user,
            comment=post.get("comment", ""),
            merged_into=post.get("merged_into"),
        ),  # fmt: skip
    )


@login_required
@require_POST
@ratelimit("consultation-support", limit=60, period=3600)
def proposal_support(request, pk):
    return _proposal_post(
        request, pk, lambda p: services.support_toggle(proposal=p, user=request.user)
    )


@login_required
@require_POST
@ratelimit("consultation-comment", limit=20, period=3600)
def proposal_comment(request, pk):
    post = request.POST
    return _proposal_post(
        request,
        pk,
        lambda p: services.comment_create(
            proposal=p, author=request.user, body=post.get("body"), parent_id=post.get("parent")
        ),
    )


@require_POST
@ratelimit("consultation-report", limit=10, period=3600)
def proposal_report(request, pk):
    post = request.POST
    reporter = request.user if request.user.is_authenticated else None

    def report(p):
        services.report_create(
            proposal=p, reporter=reporter, reason=post.get("reason", ""),
            message=post.get("message", ""), comment_id=post.get("comment"),
        )  # fmt: skip
        messages.success(request, "Merci : l'équipe de la CRESS va examiner votre signalement.")

    return _proposal_post(request, pk, report)


@login_required
@require_POST
def proposal_follow(request, pk):
    return _proposal_post(
        request, pk, lambda p: services.follow_toggle(user=request.user, target=p)
    )


@login_required
@require_POST
def comment_moderate(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("proposal"), pk=pk)
    if not can_moderate(request.user):
        raise PermissionDenied("Seule l'équipe de la CRESS modère les commentaires.")
    services.comment_moderate(
        comment=comment, by=request.user, hide=request.POST.get("hide") == "1"
    )
    return redirect(comment.proposal.get_absolute_url() + f"#commentaire-{comment.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def moderation(request):
    if not can_moderate(request.user):
        raise PermissionDenied("Seule l'équipe de la CRESS modère la concertation.")
    if request.method == "POST":
        report = get_object_or_404(
            ContentReport,
            pk=request.POST.get("dismiss") if str(request.POST.get("dismiss", "")).isdigit() else 0,
        )
        services.report_dismiss(report=report, by=request.user)
        return redirect("consultation:moderation")
    return render(
        request,
        "consultation/moderation.html",
        {
            "pending": Proposal.objects.filter(status=ProposalStatus.PENDING).select_related(
                "process", "author"
            ),
            "reports": ContentReport.objects.filter(resolved_at__isnull=True).select_related(
                "proposal", "comment", "reporter"
            ),
        },
    )


# Following


@login_required
@require_POST
def follow(request, kind, pk):
    if kind == "concertation":
        target = _visible_process_by_pk(request, pk)
    elif kind == "action":
        target = _visible_action(request, pk)
    else:
        raise Http404("Rien à suivre ici.")
    following = services.follow_toggle(user=request.user, target=target)
    messages.success(
        request,
        "Vous suivez maintenant ces nouvelles : un résumé vous sera envoyé par e-mail."
        if following
        else "Vous ne suivez plus ces nouvelles.",
    )
    return redirect(target.get_absolute_url())


def _visible_process_by_pk(request, pk):
    process = get_object_or_404(Process, pk=pk)
    if not perms.can_view_process(request.user, process):
        raise Http404("Concertation introuvable.")
    return process
