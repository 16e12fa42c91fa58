"""Who may publish and edit in the resource centre. Built on the platform roles
(essor.accounts.perms) and the organisation rules (essor.directory.perms)."""

from essor.accounts.perms import can_moderate, is_cress_staff
from essor.directory.perms import is_member


def can_publish_for(user, organisation):
    """Publish studies and trainings in an organisation's name: its members, and CRESS staff."""
    return organisation is not None and (is_cress_staff(user) or is_member(user, organisation))


def can_edit_study(user, study):
    return is_cress_staff(user) or (
        study.organisation_id is not None and is_member(user, study.organisation)
    )


def can_see_study(user, study):
    """Published studies are public; the others for their organisation and moderators."""
    return study.is_published or can_edit_study(user, study)


def can_moderate_resources(user):
    return can_moderate(user)


def can_edit_training(user, training):
    """Only the members of the organisation that gives the training, and CRESS staff."""
    return is_cress_staff(user) or (
        training.organiser_id is not None and is_member(user, training.organiser)
    )


def can_see_training(user, training):
    return training.is_published or can_edit_training(user, training)
