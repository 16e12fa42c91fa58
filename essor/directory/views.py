from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essor.accounts.perms import can_moderate
from essor.core.ratelimit import ratelimit
from essor.core.text import render_markdown
from essor.core.workflow import WorkflowError
from essor.directory.models import Membership

from . import nomenclatures, perms, services
from .enums import ClaimStatus, Source, SuggestionStatus
from .forms import (
    ClaimForm,
    InvitationForm,
    ProfileForm,
    ReasonForm,
    RevokeClaimForm,
    RoleForm,
    SuggestionForm,
)
from .models import Claim, EditSuggestion, Invitation, Label, Organisation, OrganisationChange
from .services import DirectoryError

ESTABLISHMENTS_SHOWN = 200
NETWORK_MEMBERS_SHOWN = 50
CLAIM_RATE = {"limit": 10, "period": 3600}
SUGGESTION_RATE = {"limit": 20, "period": 3600}


def _visible_organisation(request, pk, queryset=None):
    """The organisation, or 404 when the public may not see it. Staff and its members
    still reach a listing that left the ESS perimeter, to fix or discuss it."""
    queryset = Organisation.objects.all() if queryset is None else queryset
    organisation = get_object_or_404(services.annotate_public_page(queryset), pk=pk)
    if not services.is_publicly_visible(organisation) and not (
        can_moderate(request.user) or perms.is_member(request.user, organisation)
    ):
        raise Http404
    return organisation


def _require(allowed):
    if not allowed:
        raise PermissionDenied


def _map_points(organisation, establishments):
    """Markers for the map. An establishment whose address INSEE withholds is placed at
    its commune's centre, never at its own coordinates."""
    points = []
    for establishment in establishments:
        if establishment.status != "active":
            continue
        lat, lon = establishment.latitude, establishment.longitude
        commune = establishment.commune
        if not establishment.shows_address:
            lat, lon = (commune.latitude, commune.longitude) if commune else (None, None)
        if lat is None or lon is None:
            continue
        points.append(
            {
                "lat": round(lat, 5),
                "lon": round(lon, 5),
                "name": establishment.name or organisation.name,
                "commune": commune.name if commune else "",
            }
        )
    return points


def _provenance(organisation):
    if organisation.source == Source.REPORT:
        return "Citée dans l'état des lieux 2016 des CRESS"
    if organisation.source == Source.MANUAL:
        return "Source : saisie sur ESSor"
    return f"Source : {organisation.get_source_display()}"


@require_GET
def organisation(request, pk):
    queryset = Organisation.objects.prefetch_related(
        "labels", Prefetch("networks", queryset=Organisation.objects.in_ess().order_by("name"))
    )
    organisation = _visible_organisation(request, pk, queryset)
    establishments = list(
        organisation.establishments.select_related("commune").order_by(
            "status", "-is_head_office", "name", "pk"
        )[: ESTABLISHMENTS_SHOWN + 1]
    )
    establishment_count = len(establishments)
    if establishment_count > ESTABLISHMENTS_SHOWN:
        establishments = establishments[:ESTABLISHMENTS_SHOWN]
        establishment_count = organisation.establishments.count()
    members = organisation.network_members.in_ess().order_by("name")
    network_members = list(members[: NETWORK_MEMBERS_SHOWN + 1])
    network_member_count = len(network_members)
    if network_member_count > NETWORK_MEMBERS_SHOWN:
        network_members = network_members[:NETWORK_MEMBERS_SHOWN]
        network_member_count = members.count()
    user = request.user
    pending_claim = None
    if user.is_authenticated:
        pending_claim = Claim.objects.filter(
            user=user, organisation=organisation, status=ClaimStatus.PENDING
        ).first()
    sectors = nomenclatures.ess_sectors()
    context = {
        "organisation": organisation,
        "establishments": establishments,
        "establishment_count": establishment_count,
        "map_points": _map_points(organisation, establishments),
        "tile_url": settings.ESSOR_TILE_URL,
        "network_members": network_members,
        "network_member_count": network_member_count,
        "description_html": render_markdown(organisation.description),
        "sector_labels": [sectors.get(code, code) for code in organisation.sectors or []],
        "provenance": _provenance(organisation),
        "publicly_visible": services.is_publicly_visible(organisation),
        "is_member": perms.is_member(user, organisation),
        "can_edit": perms.can_edit_organisation(user, organisation),
        "can_manage_members": perms.can_manage_members(user, organisation),
        "can_moderate": can_moderate(user),
        "pending_claim": pending_claim,
        "cress_email": settings.ESSOR_CONTACT_EMAIL,
    }
    return render(request, "directory/organisation.html", context)


# Claims


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit("directory-claim", **CLAIM_RATE)
def claim(request, pk):
    organisation = _visible_organisation(request, pk)
    form = ClaimForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                new_claim = services.claim_organisation(
                    user=request.user,
                    organisation=organisation,
                    message=form.cleaned_data["message"],
                )
            except DirectoryError as error:
                form.add_error(None, str(error))
            else:
                if new_claim.automatic:
                    messages.success(
                        request,
                        "Votre adresse e-mail est au nom de domaine du site de la structure : "
                        "vous en êtes maintenant administrateur·rice.",
                    )
                    return redirect(organisation)
                messages.success(
                    request,
                    "Votre demande est envoyée à l'équipe de la CRESS, qui vous répondra "
                    "par e-mail.",
                )
                return redirect("directory:my_claim", new_claim.pk)
        status = 400
    context = {
        "organisation": organisation,
        "form": form,
        "automatic": services.claim_is_automatic(request.user, organisation),
        "is_admin": perms.is_organisation_admin(request.user, organisation),
    }
    return render(request, "directory/claim.html", context, status=status)


# Profile, history


def _registry_facts(organisation):
    return [
        ("SIREN", organisation.siren),
        ("Numéro RNA", organisation.rna),
        ("Nom", organisation.name),
        ("Sigle", organisation.acronym),
        (
            "Catégorie juridique",
            f"{organisation.legal_category} — {organisation.legal_category_label}"
            if organisation.legal_category_label
            else organisation.legal_category,
        ),
        ("Famille de l'ESS", organisation.get_ess_family_display()),
        ("Société à mission", "oui" if organisation.is_mission_company else "non"),
        ("Reconnue d'utilité publique", "oui" if organisation.is_public_utility else "non"),
        ("Date de création", organisation.created_on),
        ("État", organisation.get_status_display()),
    ]


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    organisation = _visible_organisation(request, pk)
    _require(perms.can_edit_organisation(request.user, organisation))
    is_post = request.method == "POST"
    form = ProfileForm(
        organisation, request.POST if is_post else None, request.FILES if is_post else None
    )
    if is_post and form.is_valid():
        values = {field: form.cleaned_data[field] for field in services.PROFILE_FIELDS}
        change = services.update_profile(
            organisation=organisation, author=request.user, values=values
        )
        if change:
            messages.success(request, "Le profil est enregistré.")
        else:
            messages.info(request, "Aucune modification : le profil était déjà à jour.")
        return redirect(organisation)
    context = {
        "organisation": organisation,
        "form": form,
        "registry_facts": _registry_facts(organisation),
    }
    return render(request, "directory/edit.html", context, status=400 if is_post else 200)


def _value_display(field, value, names):
    if value in (None, "", []):
        return "—"
    if field in services.MANY_TO_MANY_FIELDS:
        return ", ".join(names[field].get(pk, f"n° {pk} (supprimé)") for pk in value)
    if field == "sectors":
        sectors = nomenclatures.ess_sectors()
        return ", ".join(sectors.get(code, code) for code in value)
    return value


def describe_values(entries):
    """[(field, old, new)] -> [(label, old text, new text)], resolving the ids of
    networks and labels in two queries for a whole page."""
    ids = {"networks": set(), "labels": set()}
    for field, old, new in entries:
        if field in ids:
            ids[field].update(old or [])
            ids[field].update(new or [])
    names = {
        "networks": dict(
            Organisation.objects.filter(pk__in=ids["networks"]).values_list("pk", "name")
        )
        if ids["networks"]
        else {},
        "labels": dict(Label.objects.filter(pk__in=ids["labels"]).values_list("pk", "name"))
        if ids["labels"]
        else {},
    }
    return [
        (
            services.field_label(field),
            _value_display(field, old, names),
            _value_display(field, new, names),
        )
        for field, old, new in entries
    ]


def _attach_rows(changes):
    entries = [(c, f, old, new) for c in changes for f, (old, new) in c.changes.items()]
    rows = describe_values([(f, old, new) for _, f, old, new in entries])
    for change in changes:
        change.rows = []
    for (change, *_), row in zip(entries, rows, strict=True):
        change.rows.append(row)


def _render_history(request, organisation, error=None, status=200):
    changes = organisation.changes.select_related("author", "reverted_by")
    page = Paginator(changes, 30).get_page(request.GET.get("page"))
    _attach_rows(page.object_list)
    context = {
        "organisation": organisation,
        "page": page,
        "error": error,
        "can_revert": can_moderate(request.user),
    }
    return render(request, "directory/history.html", context, status=status)


@login_required
@require_GET
def history(request, pk):
    # The history names the people who edited: only those who manage the listing see it.
    organisation = _visible_organisation(request, pk)
    _require(perms.can_edit_organisation(request.user, organisation))
    return _render_history(request, organisation)


@login_required
@require_POST
def revert(request, pk, change_pk):
    organisation = _visible_organisation(request, pk)
    _require(can_moderate(request.user))
    change = get_object_or_404(OrganisationChange, pk=change_pk, organisation=organisation)
    try:
        services.revert_change(change=change, moderator=request.user)
    except DirectoryError as error:
        return _render_history(request, organisation, error=str(error), status=409)
    messages.success(request, f"La modification n° {change.pk} est annulée.")
    return redirect("directory:history", organisation.pk)


# Members and invitations


def _render_members(request, organisation, invite_form=None, error=None, status=200):
    memberships = organisation.memberships.select_related("user").order_by(
        "role", "user__last_name", "user__email"
    )
    invitations = organisation.invitations.filter(accepted_at__isnull=True)
    context = {
        "organisation": organisation,
        "memberships": [
            (m, RoleForm(initial={"role": m.role}, prefix=f"m{m.pk}")) for m in memberships
        ],
        "invitations": invitations,
        "invite_form": invite_form or InvitationForm(),
        "claims": services.revocable_claims(organisation),
        "revoke_form": RevokeClaimForm(),
        "error": error,
    }
    return render(request, "directory/members.html", context, status=status)


def _managed_organisation(request, pk):
    organisation = _visible_organisation(request, pk)
    _require(perms.can_manage_members(request.user, organisation))
    return organisation


@login_required
@require_http_methods(["GET", "POST"])
def members(request, pk):
    """The members list; a POST invites someone."""
    organisation = _managed_organisation(request, pk)
    if request.method == "GET":
        return _render_members(request, organisation)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invite_member(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except DirectoryError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request, f"Une invitation est envoyée à {form.cleaned_data['email'].lower()}."
            )
            return redirect("directory:members", organisation.pk)
    return _render_members(request, organisation, invite_form=form, status=400)


@login_required
@require_POST
def member_role(request, pk, membership_pk):
    organisation = _managed_organisation(request, pk)
    membership = get_object_or_404(Membership, pk=membership_pk, organisation=organisation)
    form = RoleForm(request.POST, prefix=f"m{membership.pk}")
    if not form.is_valid():
        return _render_members(request, organisation, error="Rôle inconnu.", status=400)
    return _member_change(
        request,
        organisation,
        lambda: services.change_member_role(membership=membership, role=form.cleaned_data["role"]),
        f"Le rôle de {membership.user} est enregistré.",
    )


def _member_change(request, organisation, change, success):
    """Run a service that changes the members; its refusal (409) on the members page,
    else the success message and back to the page."""
    try:
        change()
    except DirectoryError as error:
        return _render_members(request, organisation, error=str(error), status=409)
    messages.success(request, success)
    return redirect("directory:members", organisation.pk)


@login_required
@require_POST
def member_remove(request, pk, membership_pk):
    organisation = _managed_organisation(request, pk)
    membership = get_object_or_404(Membership, pk=membership_pk, organisation=organisation)
    return _member_change(
        request,
        organisation,
        lambda: services.remove_member(membership=membership),
        f"{membership.user} ne fait plus partie de la structure.",
    )


@login_required
@require_POST
def invitation_cancel(request, pk, invitation_pk):
    organisation = _managed_organisation(request, pk)
    invitation = get_object_or_404(Invitation, pk=invitation_pk, organisation=organisation)
    return _member_change(
        request,
        organisation,
        lambda: services.cancel_invitation(invitation=invitation),
        f"L'invitation de {invitation.email} est annulée.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request, token):
    try:
        invitation = services.read_invitation_token(token)
    except DirectoryError as error:
        return render(request, "directory/invitation.html", {"error": str(error)}, status=400)
    context = {"invitation": invitation, "organisation": invitation.organisation}
    if problem := services.invitation_problem(invitation, request.user):
        return render(
            request, "directory/invitation.html", {**context, "error": problem}, status=403
        )
    if request.method == "POST":
        services.accept_invitation(invitation=invitation, user=request.user)
        messages.success(request, f"Vous avez rejoint {invitation.organisation.name}.")
        return redirect(invitation.organisation)
    return render(request, "directory/invitation.html", context)


# Suggestions


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit("directory-suggestion", **SUGGESTION_RATE)
def suggest(request, pk):
    organisation = _visible_organisation(request, pk)
    form = SuggestionForm(organisation, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = services.suggest_edit(
                user=request.user,
                organisation=organisation,
                proposed=form.proposed(),
                comment=form.cleaned_data["comment"],
            )
        except DirectoryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                "Merci ! Votre correction est envoyée à l'équipe de la CRESS, qui la vérifiera.",
            )
            return redirect("directory:my_suggestion", suggestion.pk)
    context = {"organisation": organisation, "form": form}
    return render(request, "directory/suggest.html", context, status=400 if form.is_bound else 200)


def _proposed_rows(suggestion):
    organisation = suggestion.organisation
    entries = [
        (field, services.read_value(organisation, field), value)
        for field, value in suggestion.proposed.items()
    ]
    return describe_values(entries)


# A person's own requests


@login_required
@require_GET
def my_requests(request):
    claims, suggestions = services.user_requests(request.user)
    return render(
        request, "directory/my_requests.html", {"claims": claims, "suggestions": suggestions}
    )


@login_required
@require_GET
def my_claim(request, pk):
    # Another person's claim is a 404, not a 403: its existence is not theirs to know.
    claim = get_object_or_404(
        Claim.objects.select_related("organisation"), pk=pk, user=request.user
    )
    return render(request, "directory/claim_detail.html", {"claim": claim})


@login_required
@require_GET
def my_suggestion(request, pk):
    suggestion = get_object_or_404(
        EditSuggestion.objects.select_related("organisation"), pk=pk, author=request.user
    )
    return render(
        request,
        "directory/suggestion_detail.html",
        {"suggestion": suggestion, "rows": _proposed_rows(suggestion)},
    )


# Moderation by CRESS staff


def _moderator(request):
    _require(can_moderate(request.user))


@login_required
@require_GET
def moderation(request):
    _moderator(request)
    claims = Claim.objects.filter(status=ClaimStatus.PENDING).select_related("organisation", "user")
    suggestions = EditSuggestion.objects.filter(status=SuggestionStatus.PENDING).select_related(
        "organisation", "author"
    )
    return render(
        request, "directory/moderation/index.html", {"claims": claims, "suggestions": suggestions}
    )


def _decide(request, approve, reject):
    """Run the moderator's decision from the POST; return (error, status, reason form)."""
    decision = request.POST.get("decision")
    reason_form = ReasonForm(request.POST if decision == "reject" else None)
    try:
        if decision == "approve":
            approve()
        elif decision == "reject":
            if not reason_form.is_valid():
                return "Indiquez le motif du refus.", 400, reason_form
            reject(reason_form.cleaned_data["reason"])
        else:
            return "Choisissez de valider ou de refuser.", 400, reason_form
    except WorkflowError as error:
        return error.message, error.status_code, reason_form
    except DirectoryError as error:
        return str(error), 400, reason_form
    return None, 200, reason_form


@login_required
@require_http_methods(["GET", "POST"])
def moderation_claim(request, pk):
    _moderator(request)
    claim = get_object_or_404(Claim.objects.select_related("organisation", "user"), pk=pk)
    error, status, reason_form = None, 200, ReasonForm()
    if request.method == "POST":
        error, status, reason_form = _decide(
            request,
            lambda: services.approve_claim(claim=claim, moderator=request.user),
            lambda reason: services.reject_claim(
                claim=claim, moderator=request.user, reason=reason
            ),
        )
        if error is None:
            messages.success(request, "La décision est enregistrée et la personne prévenue.")
            return redirect("directory:moderation")
    organisation = claim.organisation
    context = {
        "claim": claim,
        "organisation": organisation,
        "decisions": _decisions(claim, request.user),
        "reason_form": reason_form,
        "revoke_form": RevokeClaimForm(),
        "error": error,
        "email_domain": services.email_domain(claim.user.email),
        "website_domain": services.website_domain(organisation.website),
        "admins": organisation.memberships.admins().select_related("user"),
        "history": claim.transitions.select_related("actor"),
    }
    return render(request, "directory/moderation/claim.html", context, status=status)


def _decisions(request_object, user):
    """The names of the steps `user` may take now, for the decision forms to show."""
    return {t.name for t in type(request_object).workflow.available(request_object, user)}


@login_required
@require_POST
def claim_revoke(request, pk, claim_pk):
    """The CRESS or another admin of the organisation undoes an approved claim."""
    organisation = _managed_organisation(request, pk)
    claim = get_object_or_404(
        Claim.objects.select_related("user"), pk=claim_pk, organisation=organisation
    )
    form = RevokeClaimForm(request.POST)
    if not form.is_valid():
        return _render_members(
            request, organisation, error="Indiquez le motif de l'annulation.", status=400
        )
    try:
        services.revoke_claim(claim=claim, by=request.user, reason=form.cleaned_data["reason"])
    except WorkflowError as error:
        return _render_members(request, organisation, error=error.message, status=error.status_code)
    messages.success(
        request,
        f"La validation de la demande de {claim.user} est annulée ; la personne est prévenue.",
    )
    return redirect("directory:members", organisation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def moderation_suggestion(request, pk):
    _moderator(request)
    suggestion = get_object_or_404(
        EditSuggestion.objects.select_related("organisation", "author"), pk=pk
    )
    error, status, reason_form = None, 200, ReasonForm()
    if request.method == "POST":
        error, status, reason_form = _decide(
            request,
            lambda: services.accept_suggestion(suggestion=suggestion, moderator=request.user),
            lambda reason: services.reject_suggestion(
                suggestion=suggestion, moderator=request.user, reason=reason
            ),
        )
        if error is None:
            messages.success(request, "La décision est enregistrée et l'auteur prévenu.")
            return redirect("directory:moderation")
    context = {
        "suggestion": suggestion,
        "organisation": suggestion.organisation,
        "decisions": _decisions(suggestion, request.user),
        "rows": _proposed_rows(suggestion),
        "reason_form": reason_form,
        "error": error,
    }
    return render(request, "directory/moderation/suggestion.html", context, status=status)
