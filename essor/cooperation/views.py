"""Thin views over services.py: each checks its permission first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essor.core.workflow import WorkflowError
from essor.directory.models import Organisation
from essor.territories.models import Departement

from . import perms, services
from .enums import ACTIVE_STATUSES, Direction, Kind
from .forms import ListingForm, RejectForm
from .kinds import KINDS
from .models import Listing


def _my_organisations(user):
    if not user.is_authenticated:
        return []
    return list(Organisation.objects.filter(memberships__user=user).order_by("name"))


@require_GET
def index(request):
    listings = Listing.objects.active().select_related("organisation", "commune")
    direction = request.GET.get("sens", "")
    kind = request.GET.get("type", "")
    departement = request.GET.get("departement", "")
    if direction in Direction.values:
        listings = listings.filter(direction=direction)
    if kind in Kind.values:
        listings = listings.filter(kind=kind)
    if departement:
        listings = listings.filter(commune__departement_id=departement)
    page = Paginator(listings.order_by("-created_at", "-pk"), 20).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "cooperation/index.html",
        {
            "page": page,
            "kinds": Kind.choices,
            "directions": Direction.choices,
            "direction": direction,
            "kind": kind,
            "departement": departement,
            "departements": Departement.objects.order_by("code"),
            "params": params.urlencode(),
            "organisations": _my_organisations(request.user),
        },
    )


def _get_listing(request, pk):
    listing = get_object_or_404(
        Listing.objects.select_related("organisation", "commune__departement"), pk=pk
    )
    if not perms.can_view_listing(request.user, listing):
        raise Http404
    return listing


@require_GET
def listing(request, pk):
    listing = _get_listing(request, pk)
    return render(
        request,
        "cooperation/listing.html",
        {
            "listing": listing,
            "can_edit": perms.can_edit_listing(request.user, listing),
            "steps": Listing.workflow.available(listing, request.user),
            "history": listing.transitions.select_related("actor")
            if perms.can_edit_listing(request.user, listing)
            else [],
        },
    )


@login_required
@require_GET
def publish_start(request):
    organisations = _my_organisations(request.user)
    return render(
        request,
        "cooperation/publish_start.html",
        {"organisations": organisations, "kinds": list(KINDS.values())},
    )


def _listing_form_page(request, form, details, organisation, listing):
    if request.method == "POST":
        ok = form.is_valid() & details.is_valid()
        if ok:
            obj = form.save(commit=False)
            obj.organisation = organisation
            obj.kind = form.kind
            obj.details = details.details()
            try:
                services.save_listing(obj, author=request.user)
            except ValidationError as error:
                for field, messages_ in error.message_dict.items():
                    target = field if field in form.fields else None
                    for message in messages_:
                        form.add_error(target, message)
            else:
                messages.success(
                    request,
                    "Publication enregistrée : elle sera visible après relecture par la CRESS "
                    "(première publication de la structure)."
                    if obj.status == "pending"
                    else "Publication enregistrée.",
                )
                return redirect(obj)
    invalid = request.method == "POST"
    return render(
        request,
        "cooperation/listing_form.html",
        {
            "form": form,
            "details": details,
            "organisation": organisation,
            "listing": listing,
            "spec": KINDS[form.kind],
        },
        status=400 if invalid else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def listing_create(request, organisation_pk, kind):
    if kind not in KINDS:
        raise Http404
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    if not perms.can_publish_for(request.user, organisation):
        raise PermissionDenied("Seuls les membres de la structure publient en son nom.")
    data = request.POST if request.method == "POST" else None
    initial = {"direction": request.GET.get("sens", Direction.NEED)}
    form = ListingForm(data, kind=kind, initial=initial)
    details = KINDS[kind].details_form(data)
    return _listing_form_page(request, form, details, organisation, None)


@login_required
@require_http_methods(["GET", "POST"])
def listing_edit(request, pk):
    listing = get_object_or_404(Listing.objects.select_related("organisation"), pk=pk)
    if not perms.can_edit_listing(request.user, listing):
        raise Http404
    if listing.status not in (*ACTIVE_STATUSES, "pending"):
        raise PermissionDenied("Cette publication est close : elle ne se modifie plus.")
    data = request.POST if request.method == "POST" else None
    form = ListingForm(data, kind=listing.kind, instance=listing)
    details = KINDS[listing.kind].details_form(data, initial=listing.details)
    return _listing_form_page(request, form, details, listing.organisation, listing)


@login_required
@require_POST
def listing_close(request, pk):
    listing = get_object_or_404(Listing, pk=pk)
    if not perms.can_edit_listing(request.user, listing):
        raise Http404
    try:
        services.close(listing, by=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect(listing)
    messages.success(request, "Publication close.")
    return redirect(listing)


@login_required
@require_GET
def my_listings(request):
    organisations = _my_organisations(request.user)
    listings = (
        Listing.objects.filter(organisation__in=organisations)
        .select_related("organisation", "commune")
        .order_by("-created_at")
    )
    return render(
        request,
        "cooperation/my_listings.html",
        {"listings": listings, "organisations": organisations},
    )


@login_required
@require_GET
def moderation(request):
    if not perms.can_moderate_listings(request.user):
        raise PermissionDenied
    return render(
        request,
        "cooperation/moderation.html",
        {"pending": services.pending_listings().order_by("created_at"), "form": RejectForm()},
    )


@login_required
@require_POST
def moderation_decide(request, pk):
    if not perms.can_moderate_listings(request.user):
        raise PermissionDenied
    listing = get_object_or_404(Listing, pk=pk)
    decision = request.POST.get("decision", "")
    if decision not in ("approve", "reject"):
        return render(
            request,
            "cooperation/moderation.html",
            {
                "pending": services.pending_listings(),
                "error": "Décision inconnue.",
                "form": RejectForm(),
            },
            status=400,
        )
    try:
        services.moderate(
            listing, decision, by=request.user, comment=request.POST.get("comment", "")
        )
    except WorkflowError as error:
        return render(
            request,
            "cooperation/moderation.html",
            {"pending": services.pending_listings(), "error": error.message, "form": RejectForm()},
            status=error.status_code,
        )
    messages.success(request, "Décision enregistrée.")
    return redirect(reverse("cooperation:moderation"))
