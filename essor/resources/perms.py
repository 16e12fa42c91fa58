"""Who may publish and edit in the resource centre. Built on the platform roles
(essor.accounts.perms) and the organisation rules (essor.directory.perms)."""

from essor.accounts.enums import PlatformRole
from essor.accounts.perms import can_moderate, is_cress_staff
from essor.directory.perms import acts_as, is_member


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


def can_write_guides_for(user, organisation):
    """Write guides in an organisation's name: its members who are support actors (as for
    support offers), and CRESS staff; `None` is the CRESS team itself, for its staff."""
    if organisation is None:
        return is_cress_staff(user)
    return is_cress_staff(user) or acts_as(user, PlatformRole.SUPPORT_ACTOR, organisation)


def can_edit_guide(user, guide):
    return can_write_guides_for(user, guide.organisation)


def can_follow_guide(user, guide):
    """The guide's workspace (versions, history, steps): its writers and the moderators."""
    return can_edit_guide(user, guide) or can_moderate(user)
