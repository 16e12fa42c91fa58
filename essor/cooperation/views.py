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
from essor.territories.models import Departement, Epci

from . import perms, services
from .enums import ACTIVE_STATUSES, Direction, Kind
from .forms import ListingForm, OutcomeForm, RejectForm
from .kinds import KINDS
from .matching import suggestions
from .models import EssPlace, GroupingRun, Listing, PlaceKind, Thread
from .places import where_to_work as where_to_work_near


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


def _listing_page(request, listing, *, error="", status=200):
    can_edit = perms.can_edit_listing(request.user, listing)
    writers = [o for o in _my_organisations(request.user) if o.pk != listing.organisation_id]
    return render(
        request,
        "cooperation/listing.html",
        {
            "listing": listing,
            "can_edit": can_edit,
            "history": listing.transitions.select_related("actor") if can_edit else [],
            "suggestions": suggestions(listing) if can_edit else [],
            "threads": listing.threads.select_related("organisation") if can_edit else [],
            "writers": writers if listing.is_active else [],
            "outcome": getattr(listing, "outcome", None) if listing.status == "concluded" else None,
            "error": error,
        },
        status=status,
    )


@require_GET
def listing(request, pk):
    return _listing_page(request, _get_listing(request, pk))


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
        {
            "listings": listings,
            "organisations": organisations,
            "threads": services.user_threads(request.user),
        },
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


# --- Matching, threads, conclusion -----------------------------------------------------------


def _thread_for(request, pk):
    thread = get_object_or_404(
        Thread.objects.select_related(
            "listing__organisation", "organisation", "listing__created_by"
        ),
        pk=pk,
    )
    side = perms.thread_side(request.user, thread)
    if side is None:
        raise Http404  # private to the two organisations
    return thread, side


def _thread_page(request, thread, side, *, error="", status=200):
    return render(
        request,
        "cooperation/thread.html",
        {
            "thread": thread,
            "listing": thread.listing,
            "side": side,
            "thread_messages": thread.messages.all(),
            "contacts": services.contacts(thread, side),
            "my_acceptance": thread.owner_accepted_at
            if side == "owner"
            else thread.guest_accepted_at,
            "error": error,
        },
        status=status,
    )


@login_required
@require_POST
def write(request, pk):
    listing = _get_listing(request, pk)
    organisation = get_object_or_404(Organisation, pk=request.POST.get("organisation") or 0)
    if not perms.can_publish_for(request.user, organisation):
        raise PermissionDenied("Vous n'écrivez qu'au nom d'une structure dont vous êtes membre.")
    try:
        thread = services.write_to(
            listing, organisation=organisation, by=request.user, body=request.POST.get("body")
        )
    except ValidationError as error:
        return _listing_page(request, listing, error=" ".join(error.messages), status=400)
    messages.success(request, "Message envoyé.")
    return redirect(thread)


@login_required
@require_http_methods(["GET", "POST"])
def thread(request, pk):
    thread, side = _thread_for(request, pk)
    if request.method == "POST":
        try:
            services.reply(thread, by=request.user, side=side, body=request.POST.get("body"))
        except ValidationError as error:
            return _thread_page(request, thread, side, error=" ".join(error.messages), status=400)
        return redirect(thread)
    return _thread_page(request, thread, side)


@login_required
@require_POST
def thread_accept(request, pk):
    thread, side = _thread_for(request, pk)
    services.accept_sharing(thread, by=request.user, side=side)
    return redirect(thread)


@login_required
@require_http_methods(["GET", "POST"])
def conclude(request, pk):
    listing = get_object_or_404(Listing.objects.select_related("organisation"), pk=pk)
    if not perms.can_edit_listing(request.user, listing):
        raise Http404
    thread = listing.threads.filter(pk=request.GET.get("echange") or 0).first()
    form = OutcomeForm(
        request.POST or None,
        listing=listing,
        initial={"partner": thread and thread.organisation_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.conclude(listing, form.save(commit=False), by=request.user)
        except WorkflowError as error:
            return render(
                request,
                "cooperation/conclude.html",
                {"form": form, "listing": listing, "error": error.message},
                status=error.status_code,
            )
        messages.success(
            request, "Échange conclu : merci, il compte dans les chiffres de la coopération."
        )
        return redirect(listing)
    return render(
        request,
        "cooperation/conclude.html",
        {"form": form, "listing": listing},
        status=400 if form.errors else 200,
    )


# --- The GE helper -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def job_proposals(request):
    """The GE helper's proposals: CRESS staff (who run it) and the GE and CRGE they were
    sent to."""
    is_staff = perms.can_moderate_listings(request.user)
    proposals = services.proposals_for(request.user)
    if not is_staff and not proposals.exists():
        raise PermissionDenied(
            "Cette page est réservée aux groupements d'employeurs et à la CRESS."
        )
    if request.method == "POST":
        if not is_staff:
            raise PermissionDenied
        grouping, created = services.propose_groupings()
        messages.success(
            request,
            f"{len(grouping.jobs)} emploi(s) formé(s), dont {len(created)} nouveau(x) ; "
            f"{len(grouping.refused)} besoin(s) laissé(s) de côté.",
        )
        return redirect("cooperation:job_proposals")
    run = GroupingRun.objects.first() if is_staff else None
    refused = []
    if run:
        listings = Listing.objects.select_related("organisation", "commune").in_bulk(
            [int(k) for k in run.refusals]
        )
        refused = [(listings[int(k)], why) for k, why in run.refusals.items() if int(k) in listings]
    return render(
        request,
        "cooperation/job_proposals.html",
        {"proposals": proposals, "run": run, "refused": refused, "is_staff": is_staff},
    )


# --- Places of the ESS -------------------------------------------------------------------------


@require_GET
def places(request):
    kind = request.GET.get("type", "")
    found = EssPlace.objects.select_related("commune", "organisation").order_by("name")
    if kind in PlaceKind.values:
        found = found.filter(kind=kind)
    return render(
        request,
        "cooperation/places.html",
        {"places": found, "kinds": PlaceKind.choices, "kind": kind},
    )


@require_GET
def place(request, pk):
    found = get_object_or_404(EssPlace.objects.select_related("commune", "organisation"), pk=pk)
    offers = (
        Listing.objects.active()
        .filter(organisation=found.organisation, direction=Direction.OFFER)
        .select_related("organisation", "commune")
    )
    return render(request, "cooperation/place.html", {"place": found, "offers": offers})


@require_GET
def where_to_work(request, code):
    epci = get_object_or_404(Epci, code=code)
    return render(
        request,
        "cooperation/where_to_work.html",
        {"epci": epci, **where_to_work_near(epci)},
    )
