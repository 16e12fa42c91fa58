"""Who may do what with cooperation offers, needs and threads. Members of an
organisation act for it (essor.directory.perms); the CRESS staff moderate the first
publication of an organisation."""

from essor.accounts.perms import can_moderate, is_active_user
from essor.directory.perms import can_act_for_organisation

from .enums import PUBLIC_STATUSES


def can_publish_for(user, organisation):
    return can_act_for_organisation(user, organisation)


def is_owner(user, listing):
    return can_act_for_organisation(user, listing.organisation)


def can_view_listing(user, listing):
    """Public once approved; before that, only its organisation and the moderators."""
    return listing.status in PUBLIC_STATUSES or is_owner(user, listing) or can_moderate(user)


def can_edit_listing(user, listing):
    """Only the organisation's members edit its offers and needs."""
    return is_owner(user, listing)


def can_moderate_listings(user):
    return can_moderate(user)


def thread_side(user, thread):
    """'owner' (the listing's organisation), 'guest' (the organisation that wrote), or
    None: a thread is private to the two."""
    if not is_active_user(user):
        return None
    if can_act_for_organisation(user, thread.listing.organisation):
        return "owner"
    if can_act_for_organisation(user, thread.organisation):
        return "guest"
    return None
