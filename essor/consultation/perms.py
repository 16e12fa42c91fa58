"""Who may do what in a consultation. The process team is the CRESS staff and the people
named in the process's team; members of an organisation that carries an action may post
its progress."""

from essor.accounts.perms import is_active_user, is_cress_staff
from essor.directory.perms import can_act_for_organisation


def is_team(user, process):
    if not is_active_user(user):
        return False
    if is_cress_staff(user):
        return True
    cache = process.__dict__.setdefault("_team", {})
    if user.pk not in cache:
        cache[user.pk] = process.team.filter(pk=user.pk).exists()
    return cache[user.pk]


def can_view_process(user, process):
    """Published: everyone; in preparation: its team only (a 404 for anyone else)."""
    return process.is_published or is_team(user, process)


def can_manage_action(user, action):
    """Change what carries it: links and carriers."""
    return is_team(user, action.process)


def can_post_update(user, action):
    """Write in the action's journal: the team, or a member of a carrying organisation."""
    if not is_active_user(user):
        return False
    if is_team(user, action.process):
        return True
    return any(can_act_for_organisation(user, o) for o in action.carriers.all())


def can_create_process(user):
    """Only the CRESS staff open a new consultation."""
    return is_active_user(user) and is_cress_staff(user)


def can_manage_process(user, process):
    """Edit, date, open, close and publish a process and its questionnaires: its team."""
    return is_team(user, process)
