"""The life of a fiche action (proposal), on essor.core.workflow: the CRESS moderates
what members propose, then the process team answers each published proposal publicly —
retained (it becomes an action of the process), merged into another, or declined with a
reason. Imports enums and perms only, never models (the effect gets the object)."""

from essor.accounts.perms import can_moderate
from essor.core.workflow import MODERATOR, Transition, Workflow

from . import perms
from .enums import ProposalStatus as S
from .enums import ProposalTransitionName as T

TEAM = "team"


def actors(user, proposal):
    kinds = set()
    if can_moderate(user):
        kinds.add(MODERATOR)
    if perms.is_team(user, proposal.process):
        kinds.add(TEAM)
    return kinds


def _become_action(proposal):
    from .services import action_from_proposal

    action_from_proposal(proposal)


PROPOSALS = Workflow(
    Transition(T.PUBLISH, {S.PENDING, S.HIDDEN}, S.PUBLISHED, {MODERATOR}),
    Transition(T.HIDE, {S.PENDING, S.PUBLISHED}, S.HIDDEN, {MODERATOR}, comment_required=True),
    Transition(T.ACCEPT, {S.PUBLISHED}, S.ACCEPTED, {TEAM}, effect=_become_action),
    Transition(T.MERGE, {S.PUBLISHED}, S.MERGED, {TEAM}, comment_required=True),
    Transition(T.DECLINE, {S.PUBLISHED}, S.DECLINED, {TEAM}, comment_required=True),
    actors=actors,
    authors=lambda proposal: {proposal.author_id},
    log="consultation.ProposalTransition",
    messages={TEAM: "Seule l'équipe de la concertation répond aux fiches actions."},
)
