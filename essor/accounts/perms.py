"""Who may do what on the platform as a whole: the platform roles. Plain functions of a
user: views call them, tests call them directly. Each returns False for anonymous and
inactive users.

The rules about an organisation (its members and admins) are in essor.directory.perms,
next to Membership; each app's own rules in its perms.py, built on these."""

from essor.core.workflow import MODERATOR

from .enums import PlatformRole


def is_active_user(user):
    """Signed in with an active account."""
    return user is not None and user.is_authenticated and user.is_active


def is_cress_staff(user):
    return is_active_user(user) and (
        user.platform_role == PlatformRole.CRESS_STAFF or user.is_superuser
    )


def has_role(user, role):
    return is_active_user(user) and user.platform_role == role


# Platform-wide powers


def can_moderate(user):
    return is_cress_staff(user)


def moderator_kind(user):
    """The workflow actor kinds that moderation gives (essor.core.workflow.MODERATOR)."""
    return {MODERATOR} if can_moderate(user) else set()


# Personal data


def can_see_personal_data(viewer, user):
    """A person's own data is theirs alone; staff use the admin for support."""
    return is_active_user(viewer) and viewer.pk == user.pk
