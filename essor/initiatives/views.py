from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essor.accounts.perms import can_moderate
from essor.core.ratelimit import ratelimit
from essor.core.workflow import WorkflowError
from essor.events import services as agenda
from essor.territories.models import Departement, Epci

from . import perms, search, services
from .enums import ReportStatus, Status, Transition
from .forms import (
    ContentReportForm,
    IndicatorFormSet,
    InitiativeForm,
    NewInitiativeForm,
    ResolveReportForm,
    SpreadRequestForm,
    TransitionForm,
)
from .models import ContentReport, Initiative
from .workflow import INITIATIVES

PER_PAGE = 20


def _visible_initiative(request, slug):
    """The initiative if this person may see it; a 404 otherwise, so that a draft's very
    existence stays private."""
    initiative = get_object_or_404(Initiative.objects.for_listing(), slug=slug)
    if not perms.can_view(request.user, initiative):
        raise Http404("Initiative introuvable.")
    return initiative


@require_GET
def index(request):
    state = search.clean_params(request.GET)
    page = Paginator(search.search(state), PER_PAGE).get_page(request.GET.get("page"))
    user = request.user
    return render(
        request,
        "initiatives/index.html",
        {
            "state": state,
            "page": page,
            "facets": search.facets(state),
            "query_string": urlencode({k: v for k, v in state.items() if v}),
            "filtered": any(state.values()),
            "can_propose": user.is_authenticated and user.memberships.exists(),
            "perms_moderate": can_moderate(user),
        },
    )


def _render_detail(request, initiative, *, status=200, transition_form=None, error=None):
    user = request.user
    follows = perms.can_follow_workflow(user, initiative)
    context = {
        "initiative": initiative,
        "indicators": initiative.indicators.all(),
        "departements": Departement.objects.filter(code__in=initiative.departement_codes),
        "epcis": Epci.objects.filter(code__in=initiative.epci_codes).order_by("name"),
        "follows_workflow": follows,
        "can_edit": perms.can_edit(user, initiative),
        "perms_moderate": can_moderate(user),
        "error": error,
    }
    if follows:
        context["history"] = initiative.transitions.select_related("actor")
        context["transitions"] = [
            (t.name, t.label, t.comment_required) for t in INITIATIVES.available(initiative, user)
        ]
        context["transition_form"] = transition_form or TransitionForm()
        context["is_author"] = perms.is_author(user, initiative)
    if perms.can_see_spread_requests(user, initiative):
        context["spread_request_count"] = initiative.spread_requests.count()
    if initiative.is_published:
        context["reachable"] = bool(services.spread_recipients(initiative))
        context["cress_contact"] = services.cress_contact()
        context["upcoming_events"] = agenda.upcoming_for_initiative(
            organisations=initiative.organisations.all(),
            departement_codes=initiative.departement_codes,
        )
    return render(request, "initiatives/detail.html", context, status=status)


@require_GET
def detail(request, slug):
    return _render_detail(request, _visible_initiative(request, slug))


@login_required
@require_POST
def transition(request, slug):
    initiative = _visible_initiative(request, slug)
    name = request.POST.get("transition", "")
    form = TransitionForm(request.POST)
    if name not in INITIATIVES or not form.is_valid():
        return _render_detail(
            request,
            initiative,
            status=400,
            transition_form=form,
            error="Action ou commentaire invalide.",
        )
    try:
        services.initiative_transition(
            initiative=initiative,
            transition=name,
            actor=request.user,
            comment=form.cleaned_data["comment"],
        )
    except WorkflowError as exc:
        return _render_detail(
            request, initiative, status=exc.status_code, transition_form=form, error=exc.message
        )
    messages.success(
        request,
        f"C'est fait : l'initiative est maintenant « {initiative.get_status_display()} ».",
    )
    return redirect(initiative)


def _initiative_form_page(request, template, form, formset, **extra):
    return render(request, template, {"form": form, "formset": formset, **extra})


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    if not request.user.memberships.exists():
        return render(request, "initiatives/no_organisation.html", status=403)
    data = request.POST if request.method == "POST" else None
    form = NewInitiativeForm(data, user=request.user)
    formset = IndicatorFormSet(data, prefix="indicateurs")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        initiative = services.initiative_create(
            actor=request.user,
            organisation=form.cleaned_data["organisation"],
            initiative=form.save(commit=False),
            themes=form.cleaned_data["themes"],
            indicators=formset,
        )
        return _after_save(request, initiative)
    status = 400 if request.method == "POST" else 200
    response = _initiative_form_page(
        request, "initiatives/form.html", form, formset, title="Proposer une initiative"
    )
    response.status_code = status
    return response


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug):
    initiative = _visible_initiative(request, slug)
    if not perms.can_edit(request.user, initiative):
        return render(
            request, "initiatives/not_editable.html", {"initiative": initiative}, status=403
        )
    data = request.POST if request.method == "POST" else None
    form = InitiativeForm(data, instance=initiative)
    formset = IndicatorFormSet(data, instance=initiative, prefix="indicateurs")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        changed = [str(form.fields[name].label) for name in form.changed_data]
        if formset.has_changed():
            changed.append("indicateurs d'impact")
        services.initiative_update(
            actor=request.user,
            initiative=form.save(commit=False),
            themes=form.cleaned_data["themes"],
            changed_fields=changed,
            indicators=formset,
        )
        return _after_save(request, initiative)
    response = _initiative_form_page(
        request,
        "initiatives/form.html",
        form,
        formset,
        title=f"Modifier « {initiative.title} »",
        initiative=initiative,
    )
    response.status_code = 400 if request.method == "POST" else 200
    return response


def _after_save(request, initiative):
    if "submit" in request.POST:
        try:
            services.initiative_transition(
                initiative=initiative, transition=Transition.SUBMIT, actor=request.user
            )
        except WorkflowError as exc:
            messages.error(request, exc.message)
            return redirect(initiative)
        messages.success(
            request,
            "Votre initiative est enregistrée et transmise à l'équipe de la CRESS, qui la relira avant publication. Vous serez prévenu·e par e-mail.",
        )
    else:
        messages.success(
            request, "Brouillon enregistré. Il n'est visible que par votre structure et la CRESS."
        )
    return redirect(initiative)


@require_http_methods(["GET", "POST"])
@ratelimit("initiative-report", limit=10, period=3600)
def report_content(request, slug):
    initiative = _visible_initiative(request, slug)
    initial = {"email": request.user.email} if request.user.is_authenticated else None
    form = ContentReportForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            services.content_report_create(
                initiative=initiative,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                message=form.cleaned_data["message"],
                reporter_email=form.cleaned_data["email"],
            )
            return render(request, "initiatives/report_done.html", {"initiative": initiative})
        return render(
            request, "initiatives/report.html", {"initiative": initiative, "form": form}, status=400
        )
    return render(request, "initiatives/report.html", {"initiative": initiative, "form": form})


@require_http_methods(["GET", "POST"])
@ratelimit("initiative-spread", limit=5, period=3600)
def spread(request, slug):
    initiative = _visible_initiative(request, slug)
    if not initiative.is_published:
        raise Http404("Initiative introuvable.")
    context = {"initiative": initiative, "cress_contact": services.cress_contact()}
    if not services.spread_recipients(initiative):
        # Nobody would read it: say so plainly rather than take the message.
        status = 409 if request.method == "POST" else 200
        return render(
            request, "initiatives/spread.html", {**context, "unreachable": True}, status=status
        )
    user = request.user
    initial = {"name": user.get_full_name(), "email": user.email} if user.is_authenticated else None
    form = SpreadRequestForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.spread_request_send(
                    initiative=initiative,
                    sender=user,
                    name=data["name"],
                    email=data["email"],
                    organisation_name=data["organisation_name"],
                    message=data["message"],
                )
            except services.InitiativeError as exc:
                return render(
                    request,
                    "initiatives/spread.html",
                    {**context, "unreachable": True, "error": exc.message},
                    status=409,
                )
            return render(request, "initiatives/spread_done.html", context)
        return render(request, "initiatives/spread.html", {**context, "form": form}, status=400)
    return render(request, "initiatives/spread.html", {**context, "form": form})


@login_required
@require_GET
def spread_requests(request, slug):
    initiative = _visible_initiative(request, slug)
    if not perms.can_see_spread_requests(request.user, initiative):
        raise PermissionDenied
    return render(
        request,
        "initiatives/spread_requests.html",
        {"initiative": initiative, "requests": initiative.spread_requests.all()},
    )


@login_required
@require_GET
def mine(request):
    initiatives = (
        Initiative.objects.filter(pk__in=Initiative.objects.of_member(request.user).values("pk"))
        .annotate(spread_count=Count("spread_requests"))
        .for_listing()
        .order_by("-updated_at")
    )
    return render(
        request,
        "initiatives/mine.html",
        {"initiatives": initiatives, "can_propose": request.user.memberships.exists()},
    )


def _moderation_page(request, *, status=200, error=None):
    return render(
        request,
        "initiatives/moderation.html",
        {
            "submitted": Initiative.objects.filter(status=Status.SUBMITTED)
            .for_listing()
            .order_by("updated_at"),
            "reports": ContentReport.objects.filter(status=ReportStatus.OPEN)
            .select_related("initiative")
            .order_by("created_at"),
            "resolve_form": ResolveReportForm(),
            "error": error,
        },
        status=status,
    )


@login_required
@require_GET
def moderation(request):
    if not can_moderate(request.user):
        raise PermissionDenied
    return _moderation_page(request)


@login_required
@require_POST
def resolve_report(request, pk):
    if not can_moderate(request.user):
        raise PermissionDenied
    report = get_object_or_404(ContentReport.objects.select_related("initiative"), pk=pk)
    form = ResolveReportForm(request.POST)
    if not form.is_valid():
        return _moderation_page(request, status=400, error="Choisissez une décision.")
    try:
        services.content_report_resolve(
            report=report,
            actor=request.user,
            unpublish=form.cleaned_data["decision"] == "unpublish",
            comment=form.cleaned_data["comment"],
        )
    except WorkflowError as exc:
        return _moderation_page(request, status=400, error=exc.message)
    messages.success(request, f"Signalement sur « {report.initiative.title} » traité.")
    return redirect("initiatives:moderation")
