"""Who may do what with support offers and requests. Built on the platform roles
(essor.accounts.perms) and the organisation rules (essor.directory.perms)."""

from essor.accounts.enums import PlatformRole
from essor.accounts.perms import can_moderate, is_cress_staff
from essor.directory.perms import acts_as, is_member

from .enums import OfferStatus


def can_manage_support_offers(user, organisation):
    """Publish and edit the offers of a support organisation: its members who are
    support actors, and CRESS staff."""
    return is_cress_staff(user) or acts_as(user, PlatformRole.SUPPORT_ACTOR, organisation)


def can_edit_offer(user, offer):
    return can_manage_support_offers(user, offer.provider)


def can_see_offer(user, offer):
    """Published offers are public; the others only for their provider and moderators."""
    return offer.status == OfferStatus.PUBLISHED or can_edit_offer(user, offer)


def can_moderate_offers(user):
    return can_moderate(user)


def can_see_coverage(user):
    return is_cress_staff(user)


def can_handle_request(user, support_request):
    """The members of the provider a request was addressed to, and nobody else: not
    another actor, not the CRESS team (a request holds personal data shared with its
    addressee only)."""
    return is_member(user, support_request.provider)


def can_follow_request(user, support_request):
    return user.is_authenticated and user.is_active and support_request.requester_id == user.pk
