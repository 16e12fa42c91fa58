import functools
import json
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essor.accounts.perms import can_moderate
from essor.core.exports import export_response
from essor.core.storage import private_file_response
from essor.core.workflow import WorkflowError
from essor.directory.models import Organisation
from essor.territories.models import Departement

from . import figures, services, sourcing
from .eligibility import RESERVATIONS
from .enums import NeedStatus
from .enums import NeedTransitionName as T
from .exports import csv_export, xlsx_export
from .forms import (
    AnswerForm,
    CloseForm,
    ModerationForm,
    NeedForm,
    SavedSearchForm,
    SourcingForm,
    SupplierDocumentForm,
    SupplierProfileForm,
)
from .models import (
    Answer,
    ConsortiumMember,
    NeedAttachment,
    NeedRecipient,
    PurchaseNeed,
    SavedSourcingSearch,
    SupplierDocument,
    SupplierProfile,
)
from .perms import (
    answer_refusal,
    buyer_organisations,
    can_edit_need,
    can_edit_supplier_profile,
    can_see_answer,
    can_see_need,
    can_see_supplier_document,
    can_see_supplier_profile,
    is_need_buyer,
    supplier_profiles,
    supplier_profiles_any,
)
from .workflow import NEEDS

EXPORT_FORMATS = {"csv", "xlsx"}
REPORT = Path(__file__).parent / "data" / "report.json"


@functools.cache
def report_quotes():
    with REPORT.open(encoding="utf-8") as f:
        return json.load(f)["quotes"]


@require_GET
def index(request):
    my_organisations = []
    if request.user.is_authenticated:
        my_organisations = list(
            Organisation.objects.filter(memberships__user=request.user)
            .select_related("supplier_profile")
            .order_by("name")
        )
    return render(
        request,
        "purchasing/index.html",
        {
            "reservations": RESERVATIONS.values(),
            "my_organisations": my_organisations,
            "published_count": SupplierProfile.objects.published().count(),
            "open_count": PurchaseNeed.objects.public_open().count(),
            "report_quotes": report_quotes(),
            "can_moderate": can_moderate(request.user),
        },
    )


@require_GET
def sourcing_page(request):
    form = SourcingForm(request.GET or None)
    export = request.GET.get("format", "")
    if export and export not in EXPORT_FORMATS:
        return render(
            request,
            "purchasing/sourcing.html",
            {"form": form, "error": "Format d'export inconnu : csv ou xlsx."},
            status=400,
        )
    if form.is_bound and not form.is_valid():
        return render(request, "purchasing/sourcing.html", {"form": form}, status=400)
    criteria = form.criteria() if form.is_bound else sourcing.Criteria()
    if export:
        rows = sourcing.export_rows(criteria)
        if export == "csv":
            return csv_export(rows, "fournisseurs-essor")
        return xlsx_export(rows, "fournisseurs-essor", "Fournisseurs")
    page = (form.cleaned_data.get("page") if form.is_bound else None) or 1
    results = sourcing.search(criteria, page=page)
    if page > results.pages:
        raise Http404("Cette page de résultats n'existe pas.")
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    query_string = params.urlencode()
    return render(
        request,
        "purchasing/sourcing.html",
        {
            "form": form,
            "results": results,
            "criteria": criteria,
            "query_string": query_string,
            "csv_url": "?" + urlencode([*params.lists(), ("format", "csv")], doseq=True),
            "xlsx_url": "?" + urlencode([*params.lists(), ("format", "xlsx")], doseq=True),
            "map_points": sourcing.map_points(results),
            "tile_url": settings.ESSOR_TILE_URL,
            "reservations": RESERVATIONS.values(),
            "save_form": SavedSearchForm(initial={"criteres": query_string})
            if form.is_bound and form.params()
            else None,
        },
    )


# --- Saved sourcing searches ---------------------------------------------------------------


@login_required
@require_POST
def search_save(request):
    form = SavedSearchForm(request.POST)
    criteria = SourcingForm(QueryDict(request.POST.get("criteres", "")[:2000]))
    error = None
    if not form.is_valid():
        error = next(iter(form.errors.values()))[0]
    elif not criteria.is_valid():
        error = "Les critères de cette recherche ne sont pas valides : corrigez-les d'abord."
    else:
        try:
            services.save_search(
                user=request.user, name=form.cleaned_data["name"], params=criteria.params()
            )
        except ValidationError as exc:
            error = exc.messages[0]
    if error:
        return render(
            request,
            "purchasing/searches.html",
            {"searches": _described(request.user), "error": error},
            status=400,
        )
    messages.success(
        request, "Recherche enregistrée : vous recevrez un e-mail pour chaque nouveau fournisseur."
    )
    return redirect("purchasing:searches")


@login_required
@require_GET
def searches(request):
    return render(request, "purchasing/searches.html", {"searches": _described(request.user)})


def _described(user):
    """[(search, its criteria in words or None when no longer valid)] of the person."""
    found = []
    for search in user.purchasing_searches.all():
        form = SourcingForm(search.params)
        found.append((search, form.criteria().describe() if form.is_valid() else None))
    return found


@login_required
@require_POST
def search_delete(request, pk):
    search = get_object_or_404(SavedSourcingSearch, pk=pk, user=request.user)
    search.delete()
    messages.success(request, f"Recherche « {search.name} » supprimée.")
    return redirect("purchasing:searches")


@require_http_methods(["GET", "POST"])
def search_unsubscribe(request, token):
    """The link of an alert e-mail: no login needed. A GET only asks for confirmation,
    since mail scanners follow links."""
    search = services.search_of_token(token)
    if search is None:
        return render(
            request,
            "purchasing/unsubscribe.html",
            {
                "error": "Ce lien de désabonnement n'est pas valide, ou la recherche est déjà supprimée."
            },
            status=400,
        )
    if request.method == "POST":
        search.delete()
        return render(request, "purchasing/unsubscribe.html", {"done": True, "search": search})
    return render(request, "purchasing/unsubscribe.html", {"search": search})


@require_GET
def supplier(request, pk):
    profile = get_object_or_404(
        SupplierProfile.objects.select_related("organisation", "commune").prefetch_related(
            "categories__parent", "areas", "documents"
        ),
        pk=pk,
    )
    if not can_see_supplier_profile(request.user, profile):
        raise Http404
    documents = [d for d in profile.documents.all() if can_see_supplier_document(request.user, d)]
    hidden = len(profile.documents.all()) - len(documents)
    return render(
        request,
        "purchasing/supplier.html",
        {
            "profile": profile,
            "can_edit": can_edit_supplier_profile(request.user, profile.organisation),
            "documents": documents,
            "hidden_documents": hidden,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def supplier_documents(request, organisation_pk):
    """The supplier's documents: list, upload (members of the organisation, CRESS)."""
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    if not can_edit_supplier_profile(request.user, organisation):
        raise PermissionDenied
    profile = SupplierProfile.objects.filter(organisation=organisation).first()
    if profile is None:
        messages.info(request, "Enregistrez d'abord la fiche fournisseur, puis ses documents.")
        return redirect("purchasing:supplier_edit", organisation_pk=organisation.pk)
    form = SupplierDocumentForm(
        request.POST or None,
        request.FILES or None,
        instance=SupplierDocument(profile=profile),
        profile=profile,
    )
    if request.method == "POST" and form.is_valid():
        services.add_supplier_document(
            form.save(commit=False), upload=form.cleaned_data["file"], by=request.user
        )
        messages.success(request, "Document déposé.")
        return redirect("purchasing:supplier_documents", organisation_pk=organisation.pk)
    return render(
        request,
        "purchasing/supplier_documents.html",
        {"organisation": organisation, "profile": profile, "form": form,
         "documents": profile.documents.all()},
        status=400 if form.errors else 200,
    )  # fmt: skip


@require_GET
def supplier_document(request, pk, document_pk):
    document = get_object_or_404(
        SupplierDocument.objects.select_related("profile__organisation"),
        pk=document_pk,
        profile_id=pk,
    )
    if not can_see_supplier_document(request.user, document):
        if not request.user.is_authenticated and document.profile.is_published:
            # Shown to buyers: a visitor may be one who has not logged in yet.
            return redirect_to_login(request.get_full_path())
        raise Http404
    return private_file_response(document.file, filename=document.name)


@login_required
@require_POST
def supplier_document_delete(request, pk):
    document = get_object_or_404(
        SupplierDocument.objects.select_related("profile__organisation"), pk=pk
    )
    try:
        services.delete_supplier_document(document, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, f"Document « {document.title} » supprimé.")
    return redirect(
        "purchasing:supplier_documents", organisation_pk=document.profile.organisation_id
    )


@login_required
@require_http_methods(["GET", "POST"])
def supplier_edit(request, organisation_pk):
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    if not can_edit_supplier_profile(request.user, organisation):
        raise PermissionDenied
    profile = SupplierProfile.objects.filter(organisation=organisation).first()
    form = SupplierProfileForm(
        request.POST or None, instance=profile or SupplierProfile(organisation=organisation)
    )
    if request.method == "POST" and form.is_valid():
        profile = services.save_profile(
            form.save(commit=False),
            categories=form.cleaned_data["categories"],
            areas=form.areas(),
            publish=form.cleaned_data["publish"],
        )
        messages.success(
            request,
            "Fiche fournisseur publiée."
            if profile.is_published
            else "Fiche fournisseur enregistrée (non publiée).",
        )
        return redirect(profile)
    return render(
        request,
        "purchasing/supplier_form.html",
        {"form": form, "organisation": organisation, "profile": profile},
        status=400 if form.errors else 200,
    )


# --- Needs ---------------------------------------------------------------------------------


def _need_or_404(request, pk):
    need = get_object_or_404(
        PurchaseNeed.objects.select_related("buyer", "category", "commune"), pk=pk
    )
    if not can_see_need(request.user, need):
        raise Http404
    return need


@require_GET
def needs(request):
    open_needs = (
        PurchaseNeed.objects.public_open()
        .select_related("buyer", "category", "commune")
        .order_by("answers_deadline", "pk")
    )
    return render(request, "purchasing/needs.html", {"needs": open_needs[:200]})


@login_required
@require_http_methods(["GET", "POST"])
def need_create(request):
    buyers = buyer_organisations(request.user)
    if not buyers.exists():
        return render(request, "purchasing/need_no_buyer.html", status=403)
    form = NeedForm(request.POST or None, request.FILES or None, buyers=buyers)
    if request.method == "POST" and form.is_valid():
        need = services.create_need(
            form.save(commit=False), by=request.user, attachments=form.cleaned_data["attachments"]
        )
        messages.success(
            request, "Besoin enregistré en brouillon : soumettez-le à la CRESS quand il est prêt."
        )
        return redirect(need)
    return render(
        request,
        "purchasing/need_form.html",
        {"form": form, "need": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def need_edit(request, pk):
    need = _need_or_404(request, pk)
    if not can_edit_need(request.user, need):
        raise PermissionDenied
    form = NeedForm(
        request.POST or None,
        request.FILES or None,
        instance=need,
        buyers=buyer_organisations(request.user),
    )
    if request.method == "POST" and form.is_valid():
        services.update_need(
            form.save(commit=False), by=request.user, attachments=form.cleaned_data["attachments"]
        )
        messages.success(request, "Besoin mis à jour.")
        return redirect(need)
    return render(
        request,
        "purchasing/need_form.html",
        {"form": form, "need": need},
        status=400 if form.errors else 200,
    )


def _need_context(request, need, **extra):
    user = request.user
    is_buyer = is_need_buyer(user, need)
    mine = supplier_profiles(user) if user.is_authenticated else SupplierProfile.objects.none()
    answers = Answer.objects.none()
    if is_buyer:
        answers = need.answers.all()
    elif user.is_authenticated:
        ids = supplier_profiles_any(user)
        answers = need.answers.filter(
            Q(supplier_id__in=ids) | Q(members__supplier_id__in=ids)
        ).distinct()
    answers = answers.select_related("supplier__organisation").prefetch_related(
        "members__supplier__organisation"
    )
    answerable = (
        [p for p in mine if not answer_refusal(user, need, p)] if user.is_authenticated else []
    )
    context = {
        "need": need,
        "is_buyer": is_buyer,
        "steps": NEEDS.available(need, user),
        "answers": answers,
        "answer_form": AnswerForm(suppliers=mine.filter(pk__in=[p.pk for p in answerable]))
        if answerable
        else None,
        "close_form": CloseForm(),
        "moderation_form": ModerationForm(),
        "history": need.transitions.select_related("actor")
        if (is_buyer or can_moderate(user))
        else None,
        "recipients_count": need.recipients.count(),
        "reserved": RESERVATIONS.get(need.reserved),
    }
    context.update(extra)
    return context


@require_GET
def need(request, pk):
    need = _need_or_404(request, pk)
    if request.user.is_authenticated:
        services.mark_seen(need, supplier_profiles(request.user))
    return render(request, "purchasing/need.html", _need_context(request, need))


@login_required
@require_POST
def need_step(request, pk):
    need = _need_or_404(request, pk)
    if not (is_need_buyer(request.user, need) or can_moderate(request.user)):
        raise PermissionDenied
    name = request.POST.get("transition", "")
    close_form = CloseForm(request.POST if name == T.CLOSE else None)
    if name == T.CLOSE and not close_form.is_valid():
        return render(
            request,
            "purchasing/need.html",
            _need_context(
                request, need, close_form=close_form, error="Indiquez l'issue du besoin."
            ),
            status=400,
        )
    try:
        services.decide_need(
            need,
            name,
            by=request.user,
            comment=request.POST.get("comment", ""),
            outcome=close_form.cleaned_data.get("outcome", "") if name == T.CLOSE else "",
            amount=close_form.cleaned_data.get("amount") if name == T.CLOSE else None,
        )
    except WorkflowError as error:
        return render(
            request,
            "purchasing/need.html",
            _need_context(request, need, error=error.message),
            status=error.status_code,
        )
    except ValidationError as error:
        return render(
            request,
            "purchasing/need.html",
            _need_context(request, need, error=error.messages[0]),
            status=400,
        )
    messages.success(request, f"« {NEEDS.label(name)} » : c'est fait.")
    if name in {T.APPROVE, T.REJECT}:
        return redirect("purchasing:moderation")
    return redirect(need)


@login_required
@require_POST
def need_answer(request, pk):
    need = _need_or_404(request, pk)
    if not supplier_profiles(request.user).exists():
        raise PermissionDenied
    form = AnswerForm(request.POST, request.FILES, suppliers=supplier_profiles(request.user))
    if not form.is_valid():
        return render(
            request,
            "purchasing/need.html",
            _need_context(request, need, answer_form=form),
            status=400,
        )
    data = form.cleaned_data
    try:
        services.answer_need(
            need,
            by=request.user,
            supplier=data["supplier"],
            interested=data["interested"],
            message=data["message"],
            amount=data["amount"],
            quote=data["quote"],
            lead_share=data["lead_share"],
            members=data["members"],
        )
    except ValidationError as error:
        return render(
            request,
            "purchasing/need.html",
            _need_context(request, need, answer_form=form, error=error.messages[0]),
            status=400,
        )
    messages.success(request, "Réponse envoyée à l'acheteur.")
    return redirect(need)


@login_required
@require_GET
def need_attachment(request, pk, attachment_pk):
    need = _need_or_404(request, pk)
    attachment = get_object_or_404(NeedAttachment, pk=attachment_pk, need=need)
    return private_file_response(attachment.file, filename=attachment.name)


@login_required
@require_GET
def answer_quote(request, pk):
    answer = get_object_or_404(Answer.objects.select_related("need__buyer"), pk=pk)
    if not can_see_answer(request.user, answer) or not answer.quote:
        raise Http404
    return private_file_response(answer.quote, filename=answer.quote_name or "devis")


@login_required
@require_POST
def answer_decision(request, pk):
    answer = get_object_or_404(
        Answer.objects.select_related("need__buyer", "supplier__organisation"), pk=pk
    )
    if not can_see_answer(request.user, answer):
        raise Http404
    try:
        services.decide_answer(answer, by=request.user, decision=request.POST.get("decision", ""))
    except ValidationError as error:
        return render(
            request,
            "purchasing/need.html",
            _need_context(request, answer.need, error=error.messages[0]),
            status=400,
        )
    messages.success(
        request, f"{answer.supplier.organisation.name} : {answer.get_decision_display().lower()}."
    )
    return redirect(answer.need)


@login_required
@require_POST
def invitation(request, pk):
    member = get_object_or_404(
        ConsortiumMember.objects.select_related(
            "answer__need", "supplier__organisation", "answer__supplier__organisation"
        ),
        pk=pk,
    )
    if member.supplier_id not in supplier_profiles_any(request.user):
        raise Http404
    accept = request.POST.get("response") == "accept"
    try:
        services.respond_to_invitation(member, by=request.user, accept=accept)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("purchasing:inbox")
    messages.success(request, "Groupement accepté." if accept else "Groupement décliné.")
    return redirect(member.answer.need)


@login_required
@require_GET
def my_needs(request):
    needs = (
        PurchaseNeed.objects.filter(buyer__in=buyer_organisations(request.user))
        .select_related("buyer", "category", "commune")
        .annotate(answer_count=Count("answers", distinct=True))
    )
    buyers = [(b, figures.buyer_figures(b)) for b in buyer_organisations(request.user)]
    return render(request, "purchasing/my_needs.html", {"needs": needs, "buyers": buyers})


@login_required
@require_GET
def inbox(request):
    mine = supplier_profiles(request.user)
    received = (
        NeedRecipient.objects.filter(
            supplier__in=mine, need__status__in=[NeedStatus.PUBLISHED, NeedStatus.CLOSED]
        )
        .select_related("need__buyer", "need__category", "need__commune", "supplier__organisation")
        .order_by("-need__published_at", "pk")
    )
    invitations = ConsortiumMember.objects.filter(supplier__in=mine).select_related(
        "answer__need", "answer__supplier__organisation", "supplier__organisation"
    )
    return render(
        request,
        "purchasing/inbox.html",
        {"received": received, "invitations": invitations, "profiles": list(mine)},
    )


@login_required
@require_GET
def moderation(request):
    if not can_moderate(request.user):
        raise PermissionDenied
    pending = (
        PurchaseNeed.objects.filter(status=NeedStatus.PENDING)
        .select_related("buyer", "category", "commune")
        .order_by("updated_at")
    )
    return render(request, "purchasing/moderation.html", {"needs": pending})


@login_required
@require_GET
def figures_page(request):
    if not can_moderate(request.user):
        raise PermissionDenied
    departement = request.GET.get("departement", "").strip().upper()
    if departement and not Departement.objects.filter(code=departement).exists():
        return render(
            request,
            "purchasing/figures.html",
            {
                "error": f"Aucun département n'a le code « {departement[:5]} ».",
                "departements": Departement.objects.order_by("code"),
            },
            status=400,
        )
    export = request.GET.get("format", "")
    if export == "csv":
        return export_response(request, "purchasing-figures", {"departement": departement})
    if export == "xlsx":
        return xlsx_export(
            figures.export_rows(departement), "achats-responsables-essor", "Achats responsables"
        )
    if export:
        raise Http404("Format d'export inconnu : csv ou xlsx.")
    rows, total = figures.regional_figures(departement)
    return render(
        request,
        "purchasing/figures.html",
        {
            "rows": rows,
            "total": total,
            "departement": departement,
            "departements": Departement.objects.order_by("code"),
        },
    )


@require_GET
def figures_export(request):
    """The « achats responsables » indicators as CSV, for anyone (the observatory links
    here; aggregated figures, as in the open API), by département, EPCI or family."""
    from essor.territories.models import Epci

    from .models import PurchaseCategory

    params = {
        "departement": request.GET.get("departement", "").strip().upper()[:3],
        "epci": request.GET.get("epci", "").strip()[:9],
        "famille": request.GET.get("famille", "").strip()[:60],
    }
    unknown = (
        (params["departement"] and not Departement.objects.filter(code=params["departement"]).exists())
        or (params["epci"] and not Epci.objects.filter(code=params["epci"]).exists())
        or (params["famille"] and not PurchaseCategory.objects.filter(
            code=params["famille"], parent__isnull=True).exists())
    )  # fmt: skip
    if unknown:
        return render(
            request,
            "purchasing/figures.html",
            {"error": "Territoire ou famille d'achats inconnu : rien à exporter.",
             "departements": Departement.objects.order_by("code")},
            status=400,
        )  # fmt: skip
    return export_response(request, "purchasing-figures", {k: v for k, v in params.items() if v})
