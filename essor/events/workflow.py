"""The life of an event proposed on the agenda, as a table (essor.core.workflow).

    (proposal by a member of the organiser) ─▶ pending ─┬─ approve ─▶ published ─ cancel ─▶ cancelled
                                             rejected ◀─┴─ reject     ▲
                                                │                     │
                                                └──── resubmit ───────┘ (back to pending)

Events created by the CRESS staff are published at once (their creation is logged);
those proposed by anyone else wait for a moderator, who is never the proposer.
Organisers are the members of the organising organisation; moderators the CRESS staff.
"""

from essor.accounts.perms import moderator_kind
from essor.core.workflow import MODERATOR, Transition, Workflow
from essor.directory.perms import can_act_for_organisation

from .enums import Status as S

ORGANISER = "organiser"


def actors(user, event):
    kinds = set(moderator_kind(user))
    if event.organiser_id and can_act_for_organisation(user, event.organiser):
        kinds.add(ORGANISER)
    return kinds


EVENTS = Workflow(
    Transition("approve", {S.PENDING}, S.PUBLISHED, {MODERATOR}, "Publier"),
    Transition("reject", {S.PENDING}, S.REJECTED, {MODERATOR}, "Refuser", comment_required=True),
    Transition("resubmit", {S.REJECTED}, S.PENDING, {ORGANISER}, "Soumettre à nouveau"),
    Transition(
        "cancel",
        {S.PUBLISHED, S.PENDING},
        S.CANCELLED,
        {ORGANISER, MODERATOR},
        "Annuler l'événement",
        comment_required=True,
    ),
    actors=actors,
    authors=lambda event: {event.created_by_id},
    log="events.EventTransition",
    messages={
        ORGANISER: "Seuls les membres de la structure organisatrice peuvent faire cette action."
    },
)
