"""Who may do what with an initiative. Built on essor.accounts.perms and
essor.directory.perms: members of a carrying organisation act for it, CRESS staff
moderate."""

from essor.accounts.perms import can_moderate, is_active_user
from essor.directory.perms import can_act_for_organisation

from .enums import CarrierRole, Status, Transition


def acts_for_carrier(user, initiative):
    """A member of one of the carrying organisations (partners do not count)."""
    if not is_active_user(user) or initiative.pk is None:
        return False
    return any(
        can_act_for_organisation(user, link.organisation)
        for link in initiative.carriers.all()
        if link.role == CarrierRole.CARRIER
    )


def submitter_ids(initiative):
    """The people who submitted the initiative for publication, at any time."""
    if initiative.pk is None:
        return set()
    # Memoised on the instance: a page asks several questions about the same initiative.
    if "_submitters" not in initiative.__dict__:
        initiative.__dict__["_submitters"] = set(
            initiative.transitions.filter(transition=Transition.SUBMIT).values_list(
                "actor_id", flat=True
            )
        )
    return initiative.__dict__["_submitters"]


def is_author(user, initiative):
    """Wrote it, or submitted it for publication."""
    if not is_active_user(user) or initiative.pk is None:
        return False
    return initiative.created_by_id == user.pk or user.pk in submitter_ids(initiative)


def can_view(user, initiative):
    """Published: everyone. Otherwise only its carriers, its author and the CRESS staff;
    for anyone else (other organisations included) it does not exist."""
    if initiative.status == Status.PUBLISHED:
        return True
    return can_moderate(user) or is_author(user, initiative) or acts_for_carrier(user, initiative)


def can_follow_workflow(user, initiative):
    """See the state, the history and the moderators' comments."""
    return can_moderate(user) or is_author(user, initiative) or acts_for_carrier(user, initiative)


def can_edit(user, initiative):
    return initiative.is_editable and acts_for_carrier(user, initiative)


def can_see_spread_requests(user, initiative):
    # The people who asked agreed to share their details with the carriers, not beyond.
    return acts_for_carrier(user, initiative)


def can_handle_content_reports(user):
    return can_moderate(user)
