"""Who may do what with an organisation: its members act for it, its admins manage it.
Plain functions of (user, organisation), False for anonymous and inactive users.

The platform roles (CRESS staff, funder, support actor...) are essor.accounts.perms;
an app's role rule combines both, e.g. in essor/support/perms.py:

    def can_manage_support_offers(user, organisation):
        return is_cress_staff(user) or acts_as(user, PlatformRole.SUPPORT_ACTOR, organisation)
"""

from essor.accounts.perms import has_role, is_active_user, is_cress_staff

from .enums import MembershipRole


def membership_role(user, organisation):
    """The user's role in the organisation, or None. Memoised on the user object so a
    page that asks several questions about one organisation makes one query
    (forget_membership_roles clears it after a change)."""
    if not is_active_user(user) or organisation is None or organisation.pk is None:
        return None
    cache = user.__dict__.setdefault("_membership_roles", {})
    if organisation.pk not in cache:
        membership = user.memberships.filter(organisation_id=organisation.pk).first()
        cache[organisation.pk] = membership.role if membership else None
    return cache[organisation.pk]


def forget_membership_roles(user):
    user.__dict__.pop("_membership_roles", None)


def is_member(user, organisation):
    return membership_role(user, organisation) is not None


def is_organisation_admin(user, organisation):
    return membership_role(user, organisation) == MembershipRole.ADMIN


def can_edit_organisation(user, organisation):
    return is_cress_staff(user) or is_organisation_admin(user, organisation)


def can_manage_members(user, organisation):
    return is_cress_staff(user) or is_organisation_admin(user, organisation)


def can_act_for_organisation(user, organisation):
    """Submit content (initiatives, dossiers, offers) in the organisation's name."""
    return is_member(user, organisation)


def acts_as(user, role, organisation):
    """The platform role says what a person does, the membership for whom: a funder
    who is a member of this funding body."""
    return has_role(user, role) and is_member(user, organisation)
