"""The life of an initiative, and of a report about one, as tables (see essor.core.workflow).

    draft ─┐
    changes_requested ─┼─ submit ─▶ submitted ─┬─ approve ─────────▶ published ─ unpublish ─▶ unpublished
    unpublished ───────┘                       ├─ request_changes ─▶ changes_requested
                                               └─ reject ──────────▶ rejected (final)

Carriers are the members of the initiative's carrying organisations; moderators are the
CRESS staff, except on an initiative they wrote or submitted themselves (nobody publishes
their own initiative, staff included: publication is always a second pair of eyes).

    report  open ─┬─ dismiss ─▶ dismissed
                  └─ action ──▶ actioned (the initiative was unpublished)
"""

from django.utils import timezone

from essor.accounts.perms import moderator_kind
from essor.core.workflow import MODERATOR, Transition, Workflow

from .enums import ReportStatus as R
from .enums import Status as S
from .enums import Transition as T
from .perms import acts_for_carrier, submitter_ids

CARRIER = "carrier"


def actors(user, initiative):
    return moderator_kind(user) | ({CARRIER} if acts_for_carrier(user, initiative) else set())


def authors(initiative):
    """Who wrote it or submitted it for publication."""
    return {initiative.created_by_id, *submitter_ids(initiative)} - {None}


def _set_published_at(initiative):
    initiative.published_at = timezone.now()


INITIATIVES = Workflow(
    Transition(T.SUBMIT, {S.DRAFT, S.CHANGES_REQUESTED, S.UNPUBLISHED}, S.SUBMITTED, {CARRIER}),
    Transition(T.APPROVE, {S.SUBMITTED}, S.PUBLISHED, {MODERATOR}, effect=_set_published_at),
    Transition(
        T.REQUEST_CHANGES, {S.SUBMITTED}, S.CHANGES_REQUESTED, {MODERATOR}, comment_required=True
    ),
    Transition(T.REJECT, {S.SUBMITTED}, S.REJECTED, {MODERATOR}, comment_required=True),
    # A carrier may withdraw its initiative; staff may take it down (after a report...).
    Transition(
        T.UNPUBLISH, {S.PUBLISHED}, S.UNPUBLISHED, {CARRIER, MODERATOR}, comment_required=True
    ),
    actors=actors,
    authors=authors,
    log="initiatives.InitiativeTransition",
    events={T.CREATE: T.CREATE.label, T.EDIT: T.EDIT.label, T.IMPORT: T.IMPORT.label},
    messages={
        "stale": "Cette action n'est pas possible : l'initiative est « {state} ».",
        "own": "Vous ne pouvez pas modérer une initiative que vous avez rédigée ou soumise : "
        "un autre membre de l'équipe de la CRESS doit le faire.",
        "comment": "Indiquez un motif : il est conservé dans l'historique et transmis à l'auteur.",
        CARRIER: "Seuls les membres des structures porteuses peuvent faire cette action.",
    },
)

# The author hears of these, with the moderator's reason.
NOTIFIED = {T.APPROVE, T.REQUEST_CHANGES, T.REJECT, T.UNPUBLISH}

REPORTS = Workflow(
    Transition("dismiss", {R.OPEN}, R.DISMISSED, {MODERATOR}, "Classer sans suite"),
    Transition("action", {R.OPEN}, R.ACTIONED, {MODERATOR}, "Dépublier l'initiative"),
    actors=lambda user, report: moderator_kind(user),
    authors=lambda report: {report.reporter_id} - {None},
    messages={
        "stale": "Ce signalement a déjà été traité : il est « {state} ».",
        MODERATOR: "Seule l'équipe de la CRESS traite les signalements.",
    },
)
