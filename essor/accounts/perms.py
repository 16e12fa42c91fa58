"""Who may do what. Plain functions of (user, object): views call them, tests call them
directly. Each returns False for anonymous and inactive users."""

from essor.core.workflow import MODERATOR

from .enums import MembershipRole, PlatformRole


def _active(user):
    return user is not None and user.is_authenticated and user.is_active


def is_cress_staff(user):
    return _active(user) and (user.platform_role == PlatformRole.CRESS_STAFF or user.is_superuser)


def has_role(user, role):
    return _active(user) and user.platform_role == role


def membership_role(user, organisation):
    """The user's role in the organisation, or None. Memoised on the user object so a
    page that asks several questions about one organisation makes one query."""
    if not _active(user) or organisation is None or organisation.pk is None:
        return None
    cache = user.__dict__.setdefault("_membership_roles", {})
    if organisation.pk not in cache:
        membership = user.memberships.filter(organisation_id=organisation.pk).first()
        cache[organisation.pk] = membership.role if membership else None
    return cache[organisation.pk]


def is_member(user, organisation):
    return membership_role(user, organisation) is not None


def is_organisation_admin(user, organisation):
    return membership_role(user, organisation) == MembershipRole.ADMIN


# Platform-wide powers


def can_access_admin(user):
    return is_cress_staff(user)


def can_moderate(user):
    return is_cress_staff(user)


def can_run_imports(user):
    return is_cress_staff(user)


def moderator_kind(user):
    """The workflow actor kinds that moderation gives (essor.core.workflow.MODERATOR)."""
    return {MODERATOR} if can_moderate(user) else set()


# Organisations


def can_edit_organisation(user, organisation):
    return is_cress_staff(user) or is_organisation_admin(user, organisation)


def can_manage_members(user, organisation):
    return is_cress_staff(user) or is_organisation_admin(user, organisation)


def can_act_for_organisation(user, organisation):
    """Submit content (initiatives, dossiers, offers) in the organisation's name."""
    return is_member(user, organisation)


# Role-specific powers: the platform role says what a person does, the membership
# says for whom.


def can_manage_support_offers(user, organisation):
    return is_cress_staff(user) or (
        has_role(user, PlatformRole.SUPPORT_ACTOR) and is_member(user, organisation)
    )


def can_publish_financing_tools(user, organisation):
    return is_cress_staff(user) or (
        has_role(user, PlatformRole.FUNDER) and is_member(user, organisation)
    )


def can_instruct_funding_requests(user, organisation):
    # Not CRESS staff: a funding request is shared with its funders only.
    return has_role(user, PlatformRole.FUNDER) and is_member(user, organisation)


def can_post_purchase_needs(user, organisation):
    return is_cress_staff(user) or (
        has_role(user, PlatformRole.BUYER) and is_member(user, organisation)
    )


# Personal data


def can_see_personal_data(viewer, user):
    """A person's own data is theirs alone; staff use the admin for support."""
    return _active(viewer) and viewer.pk == user.pk
