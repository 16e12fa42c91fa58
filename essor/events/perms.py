"""Who may do what on the agenda, built on essor.accounts.perms and essor.directory.perms:
members of the organising organisation organise, CRESS staff moderate."""

from essor.accounts.perms import can_moderate, is_active_user, is_cress_staff
from essor.directory.perms import can_act_for_organisation

from .enums import Status


def can_propose(user):
    """Staff, and anyone who acts for an organisation (the organiser of the event)."""
    return is_cress_staff(user) or (is_active_user(user) and user.memberships.exists())


def can_organise_for(user, organisation):
    return is_cress_staff(user) or can_act_for_organisation(user, organisation)


def can_manage(user, event):
    """See and export the registrants, mark attendance, run the business meetings."""
    return can_organise_for(user, event.organiser)


def can_view(user, event):
    """Published and cancelled events: everyone. Otherwise (pending, rejected) only the
    organiser, the proposer and the moderators: for anyone else it does not exist."""
    if event.status in (Status.PUBLISHED, Status.CANCELLED):
        return True
    if not is_active_user(user):
        return False
    return can_moderate(user) or event.created_by_id == user.pk or can_manage(user, event)


def can_moderate_events(user):
    return can_moderate(user)
