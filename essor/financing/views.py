from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essor.accounts.perms import can_moderate
from essor.core.exports import export_response
from essor.core.storage import private_file_response
from essor.core.workflow import WorkflowError, held_changes_rows
from essor.directory.models import Organisation
from essor.directory.perms import can_act_for_organisation

from . import services, workflow
from .catalog import clean_params, published_catalog
from .enums import CHARGES, BudgetScope, FundingRequestStatus, PdfStatus, ToolStatus
from .forms import (
    AttachmentsForm,
    BudgetFormSet,
    CatalogFilterForm,
    DocumentForm,
    DossierForm,
    FundingFormSet,
    ProfileForm,
    RefuseChangesForm,
    SavedSearchForm,
    SubmitForm,
    ToolForm,
    TransitionForm,
)
from .matching import Profile, match
from .models import (
    Dossier,
    DossierVersion,
    FinancingTool,
    FollowedTool,
    FundingRequest,
    OrganisationDocument,
    SavedSearch,
)
from .pdf import render_pdf
from .perms import (
    can_edit_dossier,
    can_edit_tool,
    can_instruct,
    can_publish_financing_tools,
    can_see_dossier,
    can_see_tool,
    can_see_tour,
    funder_organisations,
)
from .tasks import make_dossier_pdf

# Catalog


@require_GET
def index(request):
    form = CatalogFilterForm(request.GET or None)
    params = clean_params(request.GET) if form.is_valid() else {}
    tools = published_catalog(params).prefetch_related("funders").order_by("title")
    page = Paginator(tools, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "financing/index.html",
        {
            "form": form,
            "page": page,
            "params": urlencode(params),
            "has_filters": bool(params),
            "save_form": SavedSearchForm(),
        },
    )


@require_GET
def tool(request, pk):
    tool = get_object_or_404(
        FinancingTool.objects.prefetch_related("funders", "unlocks", "unlocked_by"), pk=pk
    )
    if not can_see_tool(request.user, tool):
        raise Http404
    followed = (
        request.user.is_authenticated
        and FollowedTool.objects.filter(user=request.user, tool=tool).exists()
    )
    organisations = _my_organisations(request.user)
    return render(
        request,
        "financing/tool.html",
        {
            "tool": tool,
            "followed": followed,
            "can_edit": can_edit_tool(request.user, tool),
            "organisations": organisations,
        },
    )


@login_required
@require_POST
def tool_follow(request, pk):
    tool = get_object_or_404(FinancingTool.objects.published(), pk=pk)
    follow, created = FollowedTool.objects.get_or_create(user=request.user, tool=tool)
    if not created:
        follow.delete()
        messages.success(request, "Vous ne suivez plus cet outil.")
    else:
        messages.success(request, "Vous recevrez un rappel 30 jours et 7 jours avant la clôture.")
    return redirect(tool)


def _my_organisations(user):
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name")


@require_GET
def matching(request):
    organisations = _my_organisations(request.user)
    form = ProfileForm(
        request.GET or None, organisations=organisations if organisations.exists() else None
    )
    eligible = rejected = None
    profile = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        extra = {
            "phase": data["phase"],
            "needs": set(data["needs"]),
            "amount": data["amount"],
        }
        if data["sector"]:
            extra["sectors"] = {data["sector"]}
        organisation = data.get("organisation")
        if organisation is not None:
            profile = Profile.for_organisation(organisation, **extra)
        else:
            profile = Profile(
                beneficiaries={data["beneficiary"]} if data["beneficiary"] else set(),
                age_months=data["age_months"],
                **extra,
            )
        if data["commune"] is not None:
            profile.commune = data["commune"]
        if data["beneficiary"]:
            profile.beneficiaries.add(data["beneficiary"])
        eligible, rejected = match(profile)
    return render(
        request,
        "financing/matching.html",
        {"form": form, "eligible": eligible, "rejected": rejected, "profile": profile},
        # A forged organisation or criterion: said in French, with a 400.
        status=400 if request.GET and form.errors else 200,
    )


def _upcoming(today):
    return (
        FinancingTool.objects.published()
        .filter(closes_on__gte=today, envelope="open")
        .prefetch_related("funders")
        .order_by("closes_on", "title")
    )


@require_GET
def calendar(request):
    today = timezone.localdate()
    return render(
        request, "financing/calendar.html", {"tools": _upcoming(today)[:200], "today": today}
    )


def _ical_text(text):
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


@require_GET
def calendar_ics(request):
    """The deadlines as an iCalendar feed (RFC 5545): one all-day event per closing date."""
    today = timezone.localdate()
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//ESSor//Financement//FR",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:ESSor — clôtures des appels",
    ]
    for tool in _upcoming(today - timedelta(days=30))[:500]:
        url = request.build_absolute_uri(tool.get_absolute_url())
        lines += [
            "BEGIN:VEVENT",
            f"UID:financing-tool-{tool.pk}-{tool.closes_on:%Y%m%d}@essor",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{tool.closes_on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{tool.closes_on + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ical_text('Clôture : ' + tool.title)}",
            f"DESCRIPTION:{_ical_text(tool.summary)}",
            f"URL:{url}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    response = HttpResponse(
        "\r\n".join(lines) + "\r\n", content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="essor-financements.ics"'
    return response


# Alerts


@login_required
@require_POST
def search_save(request):
    form = SavedSearchForm(request.POST)
    params = clean_params(request.POST)
    filters = CatalogFilterForm(params)
    if not form.is_valid() or not filters.is_valid() or not params:
        messages.error(request, "Donnez un nom à la recherche et au moins un critère.")
        return redirect(reverse("financing:index") + "?" + urlencode(params))
    SavedSearch.objects.create(user=request.user, name=form.cleaned_data["name"], params=params)
    messages.success(request, "Recherche enregistrée : vous serez prévenu des nouveaux outils.")
    return redirect("financing:alerts")


@login_required
@require_GET
def alerts(request):
    return render(
        request,
        "financing/alerts.html",
        {
            "searches": request.user.financing_searches.all(),
            "follows": request.user.followed_tools.select_related("tool").order_by("tool__title"),
        },
    )


@login_required
@require_POST
def search_delete(request, pk):
    search = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    search.delete()
    messages.success(request, "Recherche supprimée.")
    return redirect("financing:alerts")


# Funders' tools


@login_required
@require_GET
def my_tools(request):
    organisations = [
        o for o in _my_organisations(request.user) if can_publish_financing_tools(request.user, o)
    ]
    tools = (
        FinancingTool.objects.filter(funders__in=organisations)
        .distinct()
        .order_by("status", "title")
    )
    return render(
        request, "financing/my_tools.html", {"organisations": organisations, "tools": tools}
    )


@login_required
@require_http_methods(["GET", "POST"])
def tool_create(request, organisation_pk):
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    if not can_publish_financing_tools(request.user, organisation):
        raise PermissionDenied
    form = ToolForm(request.POST or None)
    if form.is_valid():
        with transaction.atomic():
            tool = services.tool_save(tool=form.save(commit=False), areas=form.areas())
            tool.funders.add(organisation)
        messages.success(request, "Outil enregistré comme brouillon.")
        return redirect(tool)
    return render(request, "financing/tool_form.html", {"form": form, "organisation": organisation})


@login_required
@require_http_methods(["GET", "POST"])
def tool_edit(request, pk):
    tool = get_object_or_404(FinancingTool, pk=pk)
    if not can_edit_tool(request.user, tool):
        raise PermissionDenied
    form = ToolForm(request.POST or None, instance=tool)
    if form.is_valid():
        tool = services.tool_save(tool=form.save(commit=False), areas=form.areas(), by=request.user)
        if tool.held_changes:
            messages.success(
                request,
                "Outil modifié. Les nouveaux liens et contacts seront publiés après relecture "
                "par l'équipe de la CRESS ; d'ici là, la fiche garde les anciens.",
            )
        else:
            messages.success(request, "Outil modifié.")
        return redirect(tool)
    context = {
        "form": form,
        "tool": tool,
        "held_rows": held_changes_rows(tool),
        "history": tool.transitions.order_by("-created_at", "-pk")[:20],
    }
    return render(request, "financing/tool_form.html", context)


@login_required
@require_GET
def tool_moderation(request):
    if not can_moderate(request.user):
        raise PermissionDenied
    held = (
        FinancingTool.objects.filter(status=ToolStatus.PUBLISHED)
        .exclude(held_changes={})
        .order_by("updated_at")
    )
    return render(
        request,
        "financing/tool_moderation.html",
        {"held": [(tool, held_changes_rows(tool)) for tool in held]},
    )


@login_required
@require_POST
def tool_accept_changes(request, pk):
    if not can_moderate(request.user):
        raise PermissionDenied
    tool = get_object_or_404(FinancingTool, pk=pk)
    try:
        services.tool_decide_changes(tool=tool, moderator=request.user, accept=True)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Les modifications de « {tool.title} » sont publiées.")
    return redirect("financing:tool_moderation")


@login_required
@require_http_methods(["GET", "POST"])
def tool_refuse_changes(request, pk):
    if not can_moderate(request.user):
        raise PermissionDenied
    tool = get_object_or_404(FinancingTool, pk=pk)
    form = RefuseChangesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.tool_decide_changes(
                tool=tool, moderator=request.user, accept=False, reason=form.cleaned_data["reason"]
            )
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Les modifications de « {tool.title} » sont refusées.")
        return redirect("financing:tool_moderation")
    return render(
        request,
        "financing/tool_refuse_changes.html",
        {"form": form, "tool": tool, "rows": held_changes_rows(tool)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def tool_publish(request, pk):
    tool = get_object_or_404(FinancingTool, pk=pk)
    if not can_edit_tool(request.user, tool):
        raise PermissionDenied
    if tool.status == ToolStatus.PUBLISHED:
        messages.info(request, "Cet outil est déjà publié.")
    else:
        services.tool_publish(tool=tool)
        messages.success(request, "Outil publié.")
    return redirect(tool)


@login_required
@require_POST
def tool_archive(request, pk):
    tool = get_object_or_404(FinancingTool, pk=pk)
    if not can_edit_tool(request.user, tool):
        raise PermissionDenied
    services.tool_archive(tool=tool)
    messages.success(request, "Outil archivé.")
    return redirect(tool)


# Dossier unique (applicant side)


def _dossier_for(request, pk):
    """The dossier, for a member of its organisation; anyone else gets a 404."""
    dossier = get_object_or_404(Dossier.objects.select_related("organisation"), pk=pk)
    if not can_see_dossier(request.user, dossier):
        raise Http404
    return dossier


def _editable_dossier_for(request, pk):
    dossier = _dossier_for(request, pk)
    if not can_edit_dossier(request.user, dossier):
        raise PermissionDenied(
            "Ce dossier a été déposé : il ne se modifie plus, sauf à la demande d'un financeur."
        )
    return dossier


@login_required
@require_GET
def dossiers(request):
    organisations = _my_organisations(request.user)
    items = (
        Dossier.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .prefetch_related("requests__funder")
        .order_by("-updated_at")
    )
    return render(
        request, "financing/dossiers.html", {"dossiers": items, "organisations": organisations}
    )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_create(request, organisation_pk):
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    if not can_act_for_organisation(request.user, organisation):
        raise PermissionDenied
    form = DossierForm(request.POST or None)
    if form.is_valid():
        dossier = form.save(commit=False)
        dossier.organisation = organisation
        dossier.created_by = request.user
        dossier.save()
        messages.success(request, "Dossier créé. Complétez les budgets et le tour de table.")
        return redirect(dossier)
    return render(
        request, "financing/dossier_form.html", {"form": form, "organisation": organisation}
    )


@login_required
@require_GET
def dossier(request, pk):
    dossier = _dossier_for(request, pk)
    budgets = [(scope, dossier.budget(scope)) for scope in BudgetScope]
    funding_requests = list(
        dossier.requests.select_related("funder").prefetch_related("transitions")
    )
    return render(
        request,
        "financing/dossier.html",
        {
            "dossier": dossier,
            "state": dossier.current_state(funding_requests),
            "budgets": budgets,
            "tour": services.tour_de_table(dossier),
            "problems": services.submission_problems(dossier) if dossier.is_draft() else [],
            "requests": funding_requests,
            "versions": dossier.versions.all(),
            "editable": can_edit_dossier(request.user, dossier),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_edit(request, pk):
    dossier = _editable_dossier_for(request, pk)
    form = DossierForm(request.POST or None, instance=dossier)
    if form.is_valid():
        form.save()
        messages.success(request, "Dossier enregistré.")
        return redirect(dossier)
    return render(request, "financing/dossier_form.html", {"form": form, "dossier": dossier})


ADD_LINE = "ajouter-ligne"


def _with_one_more_form(data, prefix="form"):
    """The posted formset with one blank form more: « Ajouter une ligne » without JS."""
    data = data.copy()
    total = data.get(f"{prefix}-TOTAL_FORMS", "0")
    data[f"{prefix}-TOTAL_FORMS"] = str(int(total) + 1 if total.isdigit() else 1)
    return data


@login_required
@require_http_methods(["GET", "POST"])
def dossier_budget(request, pk, scope):
    dossier = _editable_dossier_for(request, pk)
    if scope not in BudgetScope.values:
        raise Http404
    lines = dossier.budget_lines.filter(scope=scope)
    from_tour = list(lines.filter(funding_line__isnull=False))
    queryset = lines.filter(funding_line__isnull=True)
    adding = request.method == "POST" and ADD_LINE in request.POST
    data = _with_one_more_form(request.POST) if adding else request.POST or None
    formset = BudgetFormSet(data, queryset=queryset, dossier=dossier, from_tour=from_tour)
    if request.method == "POST" and not adding and formset.is_valid():
        with transaction.atomic():
            for line in formset.save(commit=False):
                line.dossier, line.scope = dossier, scope
                line.save()
            for line in formset.deleted_objects:
                line.delete()
            dossier.save(update_fields=["updated_at"])
        budget = dossier.budget(scope)
        if budget.is_balanced:
            messages.success(request, "Budget enregistré : il est équilibré.")
        else:
            messages.warning(
                request,
                f"Budget enregistré, mais pas équilibré : écart de {budget.difference} €.",
            )
        return redirect(dossier)
    return render(
        request,
        "financing/dossier_budget.html",
        {
            "dossier": dossier,
            "formset": formset,
            "scope": BudgetScope(scope),
            "budget": dossier.budget(scope),
            "from_tour": from_tour,
            "charge_accounts": sorted(CHARGES),
        },
        status=400 if request.method == "POST" and not adding else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_funding(request, pk):
    dossier = _dossier_for(request, pk)
    if not dossier.is_draft():
        # The tour de table then follows the funders' decisions.
        raise PermissionDenied("Le tour de table d'un dossier déposé suit les décisions.")
    queryset = dossier.funding_lines.all()
    formset = FundingFormSet(request.POST or None, queryset=queryset, dossier=dossier)
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            for line in formset.save(commit=False):
                line.dossier = dossier
                line.save()
            for line in formset.deleted_objects:
                line.delete()
            lead = request.POST.get("lead_funder")
            funders = set(dossier.funding_lines.values_list("funder_id", flat=True))
            dossier.lead_funder_id = (
                int(lead) if lead and lead.isdigit() and int(lead) in funders else None
            )
            dossier.save(update_fields=["lead_funder", "updated_at"])
            services.sync_subsidy_lines(dossier)
        messages.success(
            request, "Tour de table enregistré : le budget du projet en reprend les subventions."
        )
        return redirect(dossier)
    funders = Organisation.objects.filter(
        pk__in=dossier.funding_lines.exclude(funder=None).values("funder")
    )
    return render(
        request,
        "financing/dossier_funding.html",
        {"dossier": dossier, "formset": formset, "funders": funders},
    )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_submit(request, pk):
    """Before submission, a summary: what is missing, the eligibility of each chosen tool,
    who will receive the dossier; then an explicit confirmation."""
    dossier = _dossier_for(request, pk)
    if not dossier.is_draft():
        messages.info(request, "Ce dossier a déjà été déposé.")
        return redirect(dossier)
    form = SubmitForm(request.POST if request.method == "POST" else None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_submit(dossier=dossier, user=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, "Dossier déposé : chaque financeur a reçu sa demande.")
            return redirect(dossier)
    problems = errors or services.submission_problems(dossier)
    return render(
        request,
        "financing/dossier_submit.html",
        {
            "dossier": dossier,
            "form": form,
            "problems": problems,
            "checks": services.eligibility(dossier),
            "budgets": [(scope, dossier.budget(scope)) for scope in BudgetScope],
            "funders": Organisation.objects.filter(
                pk__in=dossier.funding_lines.exclude(funder=None).values("funder")
            ).order_by("name"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def dossier_answer(request, pk, request_pk):
    dossier = _dossier_for(request, pk)
    funding_request = get_object_or_404(dossier.requests, pk=request_pk)
    try:
        services.request_transition(
            request=funding_request,
            transition="answer_complement",
            user=request.user,
            comment=request.POST.get("comment", "")[:5000],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(dossier)
    messages.success(request, "Complément envoyé : une nouvelle version a été figée.")
    return redirect(dossier)


@login_required
@require_http_methods(["GET", "POST"])
def documents(request, organisation_pk):
    """The organisation's document vault: statutes, officers, accounts... kept with their
    validity date and reused by every dossier."""
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    if not can_act_for_organisation(request.user, organisation):
        raise Http404
    form = DocumentForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        document = form.save(commit=False)
        document.organisation, document.uploaded_by = organisation, request.user
        document.save()
        messages.success(request, "Pièce ajoutée au coffre-fort de la structure.")
        return redirect("financing:documents", organisation_pk=organisation.pk)
    return render(
        request,
        "financing/documents.html",
        {
            "organisation": organisation,
            "form": form,
            "documents": organisation.documents.all(),
            "today": timezone.localdate(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_attachments(request, pk):
    dossier = _editable_dossier_for(request, pk)
    form = AttachmentsForm(
        request.POST or None,
        organisation=dossier.organisation,
        initial={"documents": dossier.attachments.all()},
    )
    if form.is_valid():
        dossier.attachments.set(form.cleaned_data["documents"])
        messages.success(request, "Pièces jointes enregistrées.")
        return redirect(dossier)
    return render(request, "financing/dossier_attachments.html", {"dossier": dossier, "form": form})


def _document_visible(user, document):
    if can_act_for_organisation(user, document.organisation):
        return True
    # A funder reads a document only if a version sent to it lists that document.
    for funding_request in FundingRequest.objects.filter(
        dossier__organisation=document.organisation
    ).select_related("funder", "dossier"):
        if can_instruct(user, funding_request) and any(
            attachment["id"] == document.pk
            for version in funding_request.dossier.versions.all()
            for attachment in version.snapshot.get("attachments", [])
        ):
            return True
    return False


@login_required
@require_GET
def document_download(request, pk):
    document = get_object_or_404(OrganisationDocument.objects.select_related("organisation"), pk=pk)
    if not _document_visible(request.user, document):
        raise Http404
    return private_file_response(document.file, filename=document.download_name())


def _version_context(version, user):
    data = services.snapshot_for(version, user)
    return {
        "version": version,
        "data": data,
        "budgets": [(scope.label, data["budgets"][scope.value]) for scope in BudgetScope],
    }


def _version_visible(user, version):
    if can_see_dossier(user, version.dossier):
        return True
    return any(can_instruct(user, r) for r in version.dossier.requests.select_related("funder"))


@login_required
@require_GET
def version(request, pk):
    version = get_object_or_404(DossierVersion.objects.select_related("dossier"), pk=pk)
    if not _version_visible(request.user, version):
        raise Http404
    return render(request, "financing/version.html", _version_context(version, request.user))


@login_required
@require_http_methods(["GET", "POST"])
def version_pdf(request, pk):
    version = get_object_or_404(DossierVersion.objects.select_related("dossier"), pk=pk)
    if not _version_visible(request.user, version):
        raise Http404
    if request.method == "POST":
        if version.pdf_status not in (PdfStatus.PENDING, PdfStatus.READY):
            DossierVersion.objects.filter(pk=version.pk).update(pdf_status=PdfStatus.PENDING)
            make_dossier_pdf.enqueue(version_id=version.pk)
        # No message: the page says where the PDF stands (and follows it), never
        # « en préparation » beside a link that is already there.
        return redirect("financing:version", pk=version.pk)
    if version.pdf_status != PdfStatus.READY or not version.pdf:
        raise Http404("Le PDF n'est pas encore prêt.")
    data = services.snapshot_for(version, request.user)
    if data is not version.snapshot:
        # A funder without the applicant's consent: its own PDF, with its line only.
        response = HttpResponse(render_pdf(version, data=data).read(), "application/pdf")
        name = f"dossier-{version.dossier_id}-v{version.number}.pdf"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response
    return private_file_response(
        version.pdf,
        as_attachment=False,
        content_type="application/pdf",
        filename=f"dossier-{version.dossier_id}-v{version.number}.pdf",
    )


# Funder side


def _request_for(request, pk):
    """A request for the members of its funder only: 404 for everyone else, so that a
    guessed URL says nothing about another funder's requests."""
    funding_request = get_object_or_404(
        FundingRequest.objects.select_related("dossier__organisation", "funder", "tool"), pk=pk
    )
    if not can_instruct(request.user, funding_request):
        raise Http404
    return funding_request


@login_required
@require_GET
def requests(request):
    organisations = funder_organisations(request.user)
    items = (
        FundingRequest.objects.for_funders(organisations)
        .select_related("dossier__organisation", "funder")
        .order_by("-created_at")
    )
    status = request.GET.get("statut", "")
    if status in FundingRequestStatus.values:
        items = items.filter(status=status)
    # The funders' reminder of a closed call links to its requests.
    tools = FinancingTool.objects.filter(requests__funder__in=organisations).distinct()
    tool = (
        tools.filter(pk=request.GET["outil"]).first()
        if request.GET.get("outil", "").isdigit()
        else None
    )
    if tool:
        items = items.filter(tool=tool)
    return render(
        request,
        "financing/requests.html",
        {
            "requests": items,
            "statuses": FundingRequestStatus.choices,
            "status": status,
            "tools": tools.order_by("title"),
            "tool": tool,
            "organisations": organisations,
        },
    )


@login_required
@require_GET
def requests_csv(request):
    # Each funder's own requests (the exporter filters); large ones in the background.
    return export_response(request, "financing-requests")


@login_required
@require_GET
def request_detail(request, pk):
    funding_request = _request_for(request, pk)
    transitions = workflow.available(funding_request.status, workflow.FUNDER)
    versions = list(funding_request.dossier.versions.all())
    return render(
        request,
        "financing/request.html",
        {
            "funding_request": funding_request,
            "form": TransitionForm(transitions=transitions),
            "transitions": transitions,
            "events": funding_request.transitions.select_related("actor", "version"),
            "versions": versions,
            "latest": versions[-1] if versions else None,
            "tour": services.tour_de_table(funding_request.dossier)
            if can_see_tour(request.user, funding_request)
            else None,
        },
    )


@login_required
@require_POST
def request_transition(request, pk):
    funding_request = _request_for(request, pk)
    transitions = workflow.available(funding_request.status, workflow.FUNDER)
    form = TransitionForm(request.POST, transitions=transitions)
    if form.is_valid():
        try:
            services.request_transition(
                request=funding_request,
                transition=form.cleaned_data["transition"],
                user=request.user,
                comment=form.cleaned_data["comment"],
                amount=form.cleaned_data["amount"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Étape enregistrée.")
            return redirect(funding_request)
    versions = list(funding_request.dossier.versions.all())
    return render(
        request,
        "financing/request.html",
        {
            "funding_request": funding_request,
            "form": form,
            "transitions": transitions,
            "events": funding_request.transitions.select_related("actor", "version"),
            "versions": versions,
            "latest": versions[-1] if versions else None,
            "tour": None,
        },
        status=400,
    )
