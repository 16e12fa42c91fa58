"""Who may do what in purchasing. Built on the platform roles (essor.accounts.perms)
and the organisation rules (essor.directory.perms)."""

from essor.accounts.perms import can_moderate, is_active_user, is_cress_staff
from essor.directory.perms import is_member

from .eligibility import RESERVATION_FIELDS
from .enums import NeedStatus


def can_edit_supplier_profile(user, organisation):
    """Publish and edit an organisation's supplier profile: its members, CRESS staff."""
    return is_cress_staff(user) or is_member(user, organisation)


def can_see_supplier_profile(user, profile):
    return profile.is_published or can_edit_supplier_profile(user, profile.organisation)


def is_buyer(user):
    """A buyer, for the documents a supplier shows to buyers only: an account with the
    « Acheteur » platform role, or one that acts for an organisation (it may post needs
    for it), or the CRESS team."""
    from essor.accounts.enums import PlatformRole

    if not is_active_user(user):
        return False
    return (
        is_cress_staff(user)
        or user.platform_role == PlatformRole.BUYER
        or buyer_organisations(user).exists()
    )


def can_see_supplier_document(user, document):
    """Its supplier's members and the CRESS always; others only once the profile is
    published: anyone for a public document, buyers (is_buyer) for the others."""
    profile = document.profile
    if can_edit_supplier_profile(user, profile.organisation):
        return True
    if not profile.is_published:
        return False
    return document.is_public or is_buyer(user)


# --- Needs and answers ---------------------------------------------------------------------


def buyer_organisations(user):
    """The organisations a person may post needs for: those they are a member of."""
    from essor.directory.models import Organisation

    if not is_active_user(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def supplier_profiles(user):
    """The published supplier profiles a person answers for."""
    from .models import SupplierProfile

    if not is_active_user(user):
        return SupplierProfile.objects.none()
    return SupplierProfile.objects.published().filter(organisation__memberships__user=user)


def is_need_buyer(user, need):
    return is_member(user, need.buyer)


def _supplier_side(user, need):
    """The person answers for a supplier the need was sent to, that answered, or that
    was invited into an answer's groupement."""
    from django.db.models import Q

    mine = supplier_profiles(user).values("pk")
    return (
        need.recipients.filter(supplier__in=mine).exists()
        or need.answers.filter(Q(supplier__in=mine) | Q(members__supplier__in=mine)).exists()
    )


def can_see_need(user, need):
    if is_need_buyer(user, need):
        return True
    if need.status == NeedStatus.DRAFT:
        return False
    if need.status in {NeedStatus.PENDING, NeedStatus.REJECTED}:
        return can_moderate(user)
    return need.is_public or can_moderate(user) or _supplier_side(user, need)


def can_edit_need(user, need):
    return is_need_buyer(user, need) and need.status in {NeedStatus.DRAFT, NeedStatus.REJECTED}


def answer_refusal(user, need, profile):
    """Why `profile` cannot answer `need` for `user` now (French), or None."""
    if profile is None or not supplier_profiles(user).filter(pk=profile.pk).exists():
        return "Vous ne pouvez répondre qu'au nom d'une structure dont la fiche fournisseur est publiée et dont vous êtes membre."
    if need.status == NeedStatus.CLOSED:
        return "Ce besoin est clos : il ne reçoit plus de réponses."
    if not need.is_open:
        return "La date limite des réponses est passée : ce besoin ne reçoit plus de réponses."
    if not need.is_public and not need.recipients.filter(supplier=profile).exists():
        return "Ce besoin n'a pas été envoyé à cette structure."
    if need.reserved and not getattr(profile, RESERVATION_FIELDS[need.reserved]):
        return f"Ce marché est réservé ({need.get_reserved_display()}) : cette structure n'y est pas éligible."
    return None


def can_see_answer(user, answer):
    """The buyer, the answering supplier and the members of its groupement; nobody else
    (not another supplier, not another buyer)."""
    if is_need_buyer(user, answer.need):
        return True
    mine = supplier_profiles_any(user)
    return answer.supplier_id in mine or answer.members.filter(supplier_id__in=mine).exists()


def supplier_profiles_any(user):
    """Ids of the supplier profiles (published or not) of the person's organisations."""
    from .models import SupplierProfile

    if not is_active_user(user):
        return set()
    return set(
        SupplierProfile.objects.filter(organisation__memberships__user=user).values_list(
            "pk", flat=True
        )
    )
