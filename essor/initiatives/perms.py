"""Who may do what with an initiative. Built on essor.accounts.perms and
essor.directory.perms: members of a carrying organisation act for it, CRESS staff
moderate."""

from essor.accounts.perms import can_moderate, is_active_user
from essor.directory.perms import can_act_for_organisation

from .enums import CarrierRole, Status, Transition
from .workflow import CARRIER, MODERATOR, TRANSITIONS


def acts_for_carrier(user, initiative):
    """A member of one of the carrying organisations (partners do not count)."""
    if not is_active_user(user) or initiative.pk is None:
        return False
    return any(
        can_act_for_organisation(user, link.organisation)
        for link in initiative.carriers.all()
        if link.role == CarrierRole.CARRIER
    )


def is_author(user, initiative):
    """Wrote it, or submitted it for publication."""
    if not is_active_user(user) or initiative.pk is None:
        return False
    if initiative.created_by_id == user.pk:
        return True
    # Memoised on the instance: a page asks several questions about the same person.
    cache = initiative.__dict__.setdefault("_submitters", {})
    if user.pk not in cache:
        cache[user.pk] = initiative.transitions.filter(
            transition=Transition.SUBMIT, actor=user
        ).exists()
    return cache[user.pk]


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


def can_moderate_initiative(user, initiative):
    return can_moderate(user) and not is_author(user, initiative)


def transition_denial(user, initiative, transition):
    """Why `user` may not take `transition` now (a French sentence), or None if they may."""
    step = TRANSITIONS.get(transition)
    if step is None:
        return "Cette action n'existe pas."
    if initiative.status not in step.sources:
        return f"Cette action n'est pas possible : l'initiative est « {initiative.get_status_display()} »."
    if CARRIER in step.actors and acts_for_carrier(user, initiative):
        return None
    if MODERATOR in step.actors and can_moderate(user):
        if is_author(user, initiative):
            return "Vous ne pouvez pas modérer une initiative que vous avez rédigée ou soumise : un autre membre de l'équipe de la CRESS doit le faire."
        return None
    if MODERATOR in step.actors and CARRIER not in step.actors:
        return "Seule l'équipe de la CRESS peut faire cette action."
    return "Seuls les membres des structures porteuses peuvent faire cette action."


def can_transition(user, initiative, transition):
    return transition_denial(user, initiative, transition) is None


def available_transitions(user, initiative):
    return [t for t in TRANSITIONS if can_transition(user, initiative, t)]


def can_see_spread_requests(user, initiative):
    # The people who asked agreed to share their details with the carriers, not beyond.
    return acts_for_carrier(user, initiative)


def can_handle_content_reports(user):
    return can_moderate(user)
