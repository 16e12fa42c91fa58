"""Operations on the directory that cross domains: claims (accounts and directory),
profile changes with their history, suggestions, members and invitations.

Each service validates, writes in one transaction, then queues its e-mails. A refused
operation raises DirectoryError with a French message and writes nothing."""

import functools
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from essor.accounts.personal_data import (
    ANONYMISE,
    DELETE,
    DELETED_MESSAGE,
    DETACH,
    UserLink,
    in_role,
    scrubber,
)
from essor.accounts.services import cress_staff_emails
from essor.core.emails import deferred, email_value, queue_email
from essor.core.workflow import decide
from essor.directory.models import Membership

from . import perms
from .enums import AdministrativeStatus, ChangeKind, ClaimStatus, MembershipRole, Source
from .models import (
    PUBLICLY_LISTED,
    Claim,
    EditSuggestion,
    Invitation,
    Organisation,
    OrganisationChange,
)


class DirectoryError(Exception):
    """A refused operation; str(error) is the French message shown to the user."""


# Visibility


# Why an organisation that is not publicly listed (models.PUBLICLY_LISTED) still has a
# public page. Each reason takes an Organisation queryset and returns the organisations in
# it that have one. The directory registers two (DirectoryConfig.ready()): an organisation
# of the ESS that closed keeps its page, marked as closed, and the organisations the 2016
# report cites keep theirs, which quotes what it says of them. Feature apps add theirs
# from AppConfig.ready(): the organisations one of their public pages links to (the
# provider of a published support offer, a funder of a published financing tool, a
# carrier of a published initiative). A link a visitor can follow never ends on a 404.
PUBLIC_PAGE_REASONS = []


def register_public_page_reason(reason):
    if reason not in PUBLIC_PAGE_REASONS:
        PUBLIC_PAGE_REASONS.append(reason)
    return reason


def closed_in_the_ess(queryset):
    return queryset.in_ess().exclude(status=AdministrativeStatus.ACTIVE)


def cited_by_the_report(queryset):
    return queryset.filter(source=Source.REPORT)


def _public_page(queryset):
    condition = PUBLICLY_LISTED
    for reason in PUBLIC_PAGE_REASONS:
        condition |= Q(pk__in=reason(queryset).values("pk"))
    return condition


def with_public_page(queryset=None):
    """The organisations whose page the public may see: the publicly listed ones, and
    those a registered reason gives a page (PUBLIC_PAGE_REASONS). They are listed nowhere
    else: not in /annuaire/, its map, the search or the API."""
    queryset = Organisation.objects.all() if queryset is None else queryset
    return queryset.filter(_public_page(queryset))


def annotate_public_page(queryset):
    """`queryset` with `is_publicly_listed` on each organisation, read with its row: the
    page of a listed organisation (nearly all) is public without asking the registered
    reasons, whose EXISTS cost an organisation page more to compile than the rest of its
    query. is_publicly_visible() asks them, in one query, for the others."""
    return queryset.annotate(is_publicly_listed=ExpressionWrapper(PUBLICLY_LISTED, BooleanField()))


def _has_public_page(pk):
    # Each reason as an EXISTS on the row's own id: as `pk IN (reason)` SQLite built the
    # whole set of every reason (180,000 organisations: 50 ms of an organisation page).
    condition = PUBLICLY_LISTED
    for reason in PUBLIC_PAGE_REASONS:
        condition |= Exists(reason(Organisation.objects.filter(pk=OuterRef("pk"))))
    return (
        Organisation.objects.filter(pk=pk)
        .annotate(has_public_page=ExpressionWrapper(condition, BooleanField()))
        .values_list("has_public_page", flat=True)
        .first()
    )


def is_publicly_visible(organisation):
    """Whether the public sees the organisation's page (see with_public_page)."""
    return bool(
        getattr(organisation, "is_publicly_listed", False) or _has_public_page(organisation.pk)
    )


# Profile fields and their history

# What an organisation's admins edit. The registry fields (Organisation.REGISTRY_FIELDS)
# are never among them: the next SIRENE or RNA import would overwrite a hand edit.
PROFILE_FIELDS = [
    "description",
    "website",
    "public_email",
    "public_phone",
    "logo",
    "networks",
    "labels",
    "sectors",
]
# Identity fields a suggestion may correct, only where no register feeds them: the name
# of a listing entered by the CRESS, the address of an establishment typed on ESSor.
IDENTITY_FIELDS = ["name", "acronym", "address"]
MANY_TO_MANY_FIELDS = {"networks", "labels"}

FIELD_LABELS = {
    "name": "Nom",
    "acronym": "Sigle",
    "address": "Adresse du siège",
    "description": "Présentation",
    "website": "Site web",
    "public_email": "E-mail de contact public",
    "public_phone": "Téléphone public",
    "logo": "Logo",
    "networks": "Réseaux",
    "labels": "Labels et agréments",
    "sectors": "Secteurs",
}


def field_label(field):
    return FIELD_LABELS.get(field, field)


def head_office(organisation):
    return organisation.establishments.filter(is_head_office=True).order_by("pk").first()


def suggestable_fields(organisation):
    """The fields a correction may propose for this organisation."""
    fields = []
    if not organisation.is_from_registry:
        fields += ["name", "acronym"]
    office = head_office(organisation)
    if office is not None and office.source not in {Source.SIRENE, Source.RNA}:
        fields.append("address")
    return fields + [f for f in PROFILE_FIELDS if f not in {"logo", "networks", "labels"}]


def read_value(organisation, field):
    """A field's value in the JSON-ready form OrganisationChange stores."""
    if field in MANY_TO_MANY_FIELDS:
        return sorted(getattr(organisation, field).values_list("pk", flat=True))
    if field == "logo":
        return organisation.logo.name or ""
    if field == "sectors":
        return sorted(organisation.sectors or [])
    if field == "address":
        office = head_office(organisation)
        return office.address if office else None
    return getattr(organisation, field)


def _normalise(field, value):
    if field in MANY_TO_MANY_FIELDS:
        return sorted(v if isinstance(v, int) else v.pk for v in (value or []))
    if field == "sectors":
        return sorted(value or [])
    if field == "logo":
        return value or ""
    return "" if value is None else value


def _write_value(organisation, field, value):
    """Set one field; return the Organisation column to save, if any."""
    if field in MANY_TO_MANY_FIELDS:
        getattr(organisation, field).set(value)
        return None
    if field == "address":
        office = head_office(organisation)
        office.address = value
        office.save(update_fields=["address"])
        return None
    if field == "logo":
        organisation.logo.name = value
        return "logo"
    setattr(organisation, field, value)
    return field


def _apply(organisation, changes):
    columns = [
        c for field, (_, new) in changes.items() if (c := _write_value(organisation, field, new))
    ]
    organisation.refresh_search_text()
    organisation.save(update_fields=[*columns, "search_text", "updated_at"])


def _check_fields(organisation, fields, allowed):
    registry = set(Organisation.REGISTRY_FIELDS)
    for field in fields:
        if field not in allowed:
            if field in registry:
                raise DirectoryError(
                    f"Le champ « {field_label(field)} » vient du répertoire "
                    f"{organisation.get_source_display()} : il n'est pas modifiable à la main."
                )
            raise DirectoryError(f"Le champ « {field_label(field)} » n'est pas modifiable ici.")


def _store_logo(organisation, upload):
    """Save an uploaded logo under a name of ours (never the uploader's file name)."""
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[upload.image.format]
    name = f"{organisation.pk}-{secrets.token_hex(8)}.{extension}"
    field = Organisation._meta.get_field("logo")
    return field.storage.save(field.generate_filename(organisation, name), upload)


def update_profile(*, organisation, author, values, kind=ChangeKind.EDIT, comment=""):
    """Write `values` ({field: new value}) and record an OrganisationChange with
    {field: [old, new]} for the fields that really change. Returns the change, or None
    when nothing changed.

    `values["logo"]` may be an uploaded image (stored under a new name), "" or False to
    remove the logo, or None to keep it. Old logo files are kept so a revert can restore
    them."""
    allowed = PROFILE_FIELDS if kind == ChangeKind.EDIT else suggestable_fields(organisation)
    _check_fields(organisation, values, allowed)
    values = dict(values)
    if "logo" in values:
        upload = values.pop("logo")
        if upload is False or upload == "":
            values["logo"] = ""
        elif upload:
            values["logo"] = _store_logo(organisation, upload)
    changes = {}
    for field, value in values.items():
        old, new = read_value(organisation, field), _normalise(field, value)
        if old != new:
            changes[field] = [old, new]
    if not changes:
        return None
    with transaction.atomic():
        _apply(organisation, changes)
        return OrganisationChange.objects.create(
            organisation=organisation, author=author, kind=kind, changes=changes, comment=comment
        )


def revert_change(*, change, moderator):
    """Restore the old values of `change`, as a new REVERT change. Refused when a field
    has changed since: the revert would silently undo that later change too."""
    if change.reverted_by_id is not None:
        raise DirectoryError("Cette modification a déjà été annulée.")
    if change.kind == ChangeKind.IMPORT:
        raise DirectoryError(
            "Une modification faite par un import ne s'annule pas : le prochain import "
            "rétablirait les valeurs du répertoire."
        )
    organisation = change.organisation
    allowed = PROFILE_FIELDS + suggestable_fields(organisation)
    _check_fields(organisation, change.changes, allowed)
    changed_since = [
        field
        for field, (_, new) in change.changes.items()
        if read_value(organisation, field) != _normalise(field, new)
    ]
    if changed_since:
        names = ", ".join(f"« {field_label(f)} »" for f in changed_since)
        raise DirectoryError(
            f"Impossible d'annuler : {names} a été modifié depuis. Annulez d'abord les "
            "modifications plus récentes, ou corrigez le profil directement."
        )
    reverse_changes = {field: [new, old] for field, (old, new) in change.changes.items()}
    with transaction.atomic():
        _apply(organisation, reverse_changes)
        revert = OrganisationChange.objects.create(
            organisation=organisation,
            author=moderator,
            kind=ChangeKind.REVERT,
            changes=reverse_changes,
            comment=f"Annulation de la modification n° {change.pk}",
        )
        change.reverted_by = revert
        change.save(update_fields=["reverted_by"])
    return revert


# Claims

SHARED_DOMAINS_FILE = Path(__file__).parent / "data" / "shared_email_domains.txt"


@functools.cache
def shared_domains():
    """Webmail providers and site builders (data/shared_email_domains.txt)."""
    lines = SHARED_DOMAINS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def website_domain(url):
    host = (urlsplit(url or "").hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


def email_domain(email):
    return (email or "").rpartition("@")[2].lower()


def domain_is_shared(domain, organisation):
    """Whether an address at `domain` proves nothing about who speaks for `organisation`:
    a webmail or a site builder, or a domain that already stands for another organisation
    of the directory, as its website's or its admins' (the branches of a national network
    share one: with this organisation, that makes several)."""
    if any(domain == known or domain.endswith(f".{known}") for known in shared_domains()):
        return True
    admins_elsewhere = (
        Membership.objects.admins()
        .exclude(organisation=organisation)
        .filter(user__email__iendswith=f"@{domain}")
    )
    if admins_elsewhere.exists():
        return True
    websites = (
        Organisation.objects.exclude(pk=organisation.pk)
        .filter(website__icontains=domain)
        .values_list("website", flat=True)
    )
    return any(website_domain(url) == domain for url in websites.iterator())


def claim_is_automatic(user, organisation):
    """The claim is approved without moderation only when nobody administers the
    organisation yet, the person is not already in it, and their confirmed address is at
    the domain of its own website (jean@scop-exemple.fr for www.scop-exemple.fr), a domain
    that no other organisation shares."""
    domain = website_domain(organisation.website)
    return (
        user.has_confirmed_email
        and bool(domain)
        and email_domain(user.email) == domain
        and not perms.is_member(user, organisation)
        and not organisation.memberships.admins().exists()
        and not domain_is_shared(domain, organisation)
    )


def _current_role(claim):
    membership = Membership.objects.filter(user=claim.user, organisation=claim.organisation)
    return membership.values_list("role", flat=True).first() or ""


def _grant_role(claim, role):
    Membership.objects.update_or_create(
        user=claim.user, organisation=claim.organisation, defaults={"role": role}
    )
    perms.forget_membership_roles(claim.user)


def _link(name, *args):
    return settings.ESSOR_BASE_URL + reverse(name, args=args)


def claim_organisation(*, user, organisation, message=""):
    """ "C'est ma structure". Approved at once, as a plain member, when claim_is_automatic;
    otherwise pending until the CRESS decides. The organisation's admins and the CRESS
    hear of every claim, and can revoke an approved one."""
    if perms.is_organisation_admin(user, organisation):
        raise DirectoryError("Vous administrez déjà cette structure.")
    pending = Claim.objects.filter(
        user=user, organisation=organisation, status=ClaimStatus.PENDING
    ).exists()
    if pending:
        raise DirectoryError(
            "Vous avez déjà une demande en attente pour cette structure : l'équipe de la "
            "CRESS vous répondra par e-mail."
        )
    automatic = claim_is_automatic(user, organisation)
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                organisation=organisation,
                user=user,
                message=message,
                status=ClaimStatus.APPROVED if automatic else ClaimStatus.PENDING,
                automatic=automatic,
                decided_at=timezone.now() if automatic else None,
            )
            Claim.workflow.record(
                claim, "automatic" if automatic else "claim", by=user, from_status=""
            )
            if automatic:
                _grant_role(claim, MembershipRole.MEMBER)
    except IntegrityError as error:
        # Two submissions at the same instant: the constraint keeps only one.
        raise DirectoryError(
            "Vous avez déjà une demande en attente pour cette structure."
        ) from error
    if automatic:
        _notify_claimant(claim)
    _notify_watchers(claim, cress=True)
    return claim


def _notify_claimant(claim):
    queue_email(
        "directory/emails/claim_decided",
        {
            "claim": claim,
            "organisation": claim.organisation,
            "link": _link("directory:organisation", claim.organisation_id),
        },
        [claim.user.email],
    )


def _notify_watchers(claim, *, cress):
    """Tell the organisation's admins (and, with `cress`, the CRESS team) of a claim:
    each one separately, with the page where they can revoke it."""
    admins = (
        Membership.objects.admins()
        .filter(organisation=claim.organisation, user__is_active=True)
        .exclude(user=claim.user)
        .values_list("user__email", flat=True)
    )
    recipients = [(email, "admin") for email in admins]
    if cress:
        recipients += [(email, "cress") for email in cress_staff_emails()]
    links = {
        "admin": _link("directory:members", claim.organisation_id),
        "cress": _link("directory:moderation_claim", claim.pk),
    }
    for email, audience in dict(recipients).items():
        queue_email(
            "directory/emails/claim_notice",
            {
                "claim": claim,
                "organisation": claim.organisation,
                "audience": audience,
                "link": links[audience],
            },
            [email],
        )


def approve_claim(*, claim, moderator):
    """A moderated claim makes the person an admin of the organisation."""
    with transaction.atomic():
        decide(claim, "approve", by=moderator, update={"previous_role": _current_role(claim)})
        _grant_role(claim, MembershipRole.ADMIN)
    _notify_claimant(claim)
    _notify_watchers(claim, cress=False)
    return claim


def reject_claim(*, claim, moderator, reason):
    decide(claim, "reject", by=moderator, comment=reason)
    _notify_claimant(claim)
    return claim


def revoke_claim(*, claim, by, reason):
    """Undo an approved claim (the CRESS, or another admin of the organisation): the
    person goes back to the role they had before it, or leaves the organisation."""
    with transaction.atomic():
        decide(claim, "revoke", by=by, comment=reason)
        membership = Membership.objects.filter(user=claim.user, organisation=claim.organisation)
        if claim.previous_role:
            membership.update(role=claim.previous_role)
        else:
            membership.delete()
        perms.forget_membership_roles(claim.user)
    _notify_claimant(claim)
    return claim


def revocable_claims(organisation):
    """Approved claims of the organisation, newest first, for its admins' members page."""
    return (
        Claim.objects.filter(organisation=organisation, status=ClaimStatus.APPROVED)
        .select_related("user")
        .order_by("-decided_at", "-pk")
    )


# Suggestions


def suggest_edit(*, user, organisation, proposed, comment):
    """Record a correction for moderation. `proposed` holds only the fields whose value
    differs from the current one."""
    _check_fields(organisation, proposed, suggestable_fields(organisation))
    proposed = {
        field: _normalise(field, value)
        for field, value in proposed.items()
        if _normalise(field, value) != read_value(organisation, field)
    }
    if not proposed and not (comment or "").strip():
        raise DirectoryError("Indiquez au moins une correction ou une explication.")
    return EditSuggestion.objects.create(
        organisation=organisation, author=user, proposed=proposed, comment=comment.strip()
    )


def _notify_suggestion(suggestion):
    if suggestion.author is None:
        return
    queue_email(
        "directory/emails/suggestion_decided",
        {
            "suggestion": suggestion,
            "organisation": suggestion.organisation,
            "link": _link("directory:organisation", suggestion.organisation_id),
        },
        [suggestion.author.email],
    )


def accept_suggestion(*, suggestion, moderator):
    """Apply the suggestion through update_profile (a SUGGESTION change in the history)."""
    with transaction.atomic():
        decide(suggestion, "accept", by=moderator)
        change = update_profile(
            organisation=suggestion.organisation,
            author=suggestion.author,
            values=suggestion.proposed,
            kind=ChangeKind.SUGGESTION,
            comment=f"Suggestion n° {suggestion.pk}, acceptée par l'équipe de la CRESS",
        )
    _notify_suggestion(suggestion)
    return change


def reject_suggestion(*, suggestion, moderator, reason):
    decide(suggestion, "reject", by=moderator, comment=reason)
    _notify_suggestion(suggestion)
    return suggestion


# Members and invitations

INVITATION_SALT = "essor.directory.invitation"
INVITATION_MAX_AGE = 14 * 24 * 3600


def make_invitation_token(invitation):
    # The address is signed with the id: a token only ever opens its own invitation.
    return signing.dumps(
        {"invitation": invitation.pk, "email": invitation.email}, salt=INVITATION_SALT
    )


def read_invitation_token(token):
    """The invitation a token opens; raise DirectoryError when it is invalid or expired."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise DirectoryError(
            "Cette invitation a expiré. Demandez à la structure de vous inviter à nouveau."
        ) from error
    except signing.BadSignature as error:
        raise DirectoryError("Ce lien d'invitation n'est pas valide.") from error
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(pk=data["invitation"], email__iexact=data["email"])
        .first()
    )
    if invitation is None:
        raise DirectoryError("Cette invitation a été annulée.")
    return invitation


@email_value
def invitation_link(invitation):
    """Made when the e-mail is sent: the queued task holds no token."""
    return _link("directory:invitation", make_invitation_token(invitation))


def invite_member(*, organisation, email, role, invited_by):
    email = email.strip().lower()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise DirectoryError("Cette personne est déjà membre de la structure.")
    if Invitation.objects.filter(
        organisation=organisation, email__iexact=email, accepted_at__isnull=True
    ).exists():
        raise DirectoryError("Une invitation est déjà en attente pour cette adresse.")
    invitation = Invitation.objects.create(
        organisation=organisation, email=email, role=role, invited_by=invited_by
    )
    queue_email(
        "directory/emails/invitation",
        {
            "invitation": invitation,
            "organisation": organisation,
            "invited_by": invited_by,
            "link": deferred(invitation_link, invitation),
        },
        [email],
    )
    return invitation


def invitation_problem(invitation, user):
    """Why `user` may not accept `invitation`, or None. Only the person it was sent to,
    logged in with that confirmed address, may."""
    if invitation.accepted_at is not None:
        return "Cette invitation a déjà été acceptée."
    if not user.has_confirmed_email or user.email.lower() != invitation.email.lower():
        return (
            "Cette invitation a été envoyée à une autre adresse e-mail : connectez-vous avec "
            "le compte de cette adresse pour l'accepter."
        )
    return None


def accept_invitation(*, invitation, user):
    if problem := invitation_problem(invitation, user):
        raise DirectoryError(problem)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
        )
        if not created and invitation.role == MembershipRole.ADMIN:
            membership.role = MembershipRole.ADMIN
            membership.save(update_fields=["role"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    perms.forget_membership_roles(user)
    return membership


def _check_an_admin_remains(membership, new_role=None):
    if membership.role != MembershipRole.ADMIN or new_role == MembershipRole.ADMIN:
        return
    # Lock every admin row of the organisation, in one order, so that two admins removing
    # each other at the same time are serialised instead of both succeeding.
    admins = list(
        Membership.objects.admins()
        .filter(organisation_id=membership.organisation_id)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not [pk for pk in admins if pk != membership.pk]:
        raise DirectoryError(
            "La structure doit garder au moins un administrateur : nommez-en un autre avant."
        )


def change_member_role(*, membership, role):
    if role not in MembershipRole.values:
        raise DirectoryError("Rôle inconnu.")
    with transaction.atomic():
        _check_an_admin_remains(membership, role)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def remove_member(*, membership):
    with transaction.atomic():
        _check_an_admin_remains(membership)
        membership.delete()


def cancel_invitation(*, invitation):
    if invitation.accepted_at is not None:
        raise DirectoryError("Cette invitation a déjà été acceptée.")
    invitation.delete()


def user_requests(user):
    """A person's own claims and suggestions, for "Mes demandes"."""
    claims = Claim.objects.filter(user=user).select_related("organisation")
    suggestions = EditSuggestion.objects.filter(author=user).select_related("organisation")
    return claims, suggestions


def personal_data(user):
    """The directory's part of a person's data export (see accounts.services)."""
    return {
        "revendications": [
            {
                "structure": claim.organisation.name,
                "etat": claim.get_status_display(),
                "message": claim.message,
                "demandee_le": claim.created_at,
            }
            for claim in user_requests(user)[0]
        ],
        "suggestions": [
            {
                "structure": s.organisation.name,
                "etat": s.get_status_display(),
                "propositions": s.proposed,
                "explication": s.comment,
                "proposee_le": s.created_at,
            }
            for s in user_requests(user)[1]
        ],
        "modifications_structures": [
            {
                "structure": change.organisation.name,
                "nature": change.get_kind_display(),
                "changements": change.changes,
                "commentaire": change.comment,
                "le": change.created_at,
            }
            for change in OrganisationChange.objects.filter(author=user).select_related(
                "organisation"
            )
        ],
    }


USER_LINKS = [
    UserLink("directory.Membership.user", DELETE, export="structures"),
    UserLink("directory.Claim.user", DELETE, export="revendications"),
    in_role("directory.Claim.decided_by"),
    in_role("directory.ClaimTransition.actor"),
    # A suggestion stays with the organisation; the person's explanation goes.
    UserLink(
        "directory.EditSuggestion.author",
        ANONYMISE,
        export="suggestions",
        prepare=scrubber(comment=DELETED_MESSAGE),
    ),
    in_role("directory.EditSuggestion.decided_by"),
    UserLink("directory.OrganisationChange.author", DETACH, export="modifications_structures"),
    UserLink(
        "directory.Invitation.invited_by",
        DETACH,
        not_personal="invitation envoyée en administrateur d'une structure ; "
        "l'adresse est celle de la personne invitée",
    ),
]
