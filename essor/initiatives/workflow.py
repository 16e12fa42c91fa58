"""The life of an initiative, as a table: from which states each step may be taken, the
state it leads to, who may take it and whether a reason is required.

    draft ─┐
    changes_requested ─┼─ submit ─▶ submitted ─┬─ approve ─────────▶ published ─ unpublish ─▶ unpublished
    unpublished ───────┘                       ├─ request_changes ─▶ changes_requested
                                               └─ reject ──────────▶ rejected (final)

Carriers are the members of the initiative's carrying organisations; moderators are the
CRESS staff, except on an initiative they wrote or submitted themselves (nobody publishes
their own initiative, staff included: publication is always a second pair of eyes).
"""

from dataclasses import dataclass

from .enums import Status, Transition

CARRIER = "carrier"
MODERATOR = "moderator"


@dataclass(frozen=True)
class Step:
    sources: frozenset
    target: str
    actors: frozenset
    reason_required: bool = False


TRANSITIONS = {
    Transition.SUBMIT: Step(
        frozenset({Status.DRAFT, Status.CHANGES_REQUESTED, Status.UNPUBLISHED}),
        Status.SUBMITTED,
        frozenset({CARRIER}),
    ),
    Transition.APPROVE: Step(
        frozenset({Status.SUBMITTED}), Status.PUBLISHED, frozenset({MODERATOR})
    ),
    Transition.REQUEST_CHANGES: Step(
        frozenset({Status.SUBMITTED}), Status.CHANGES_REQUESTED, frozenset({MODERATOR}), True
    ),
    Transition.REJECT: Step(
        frozenset({Status.SUBMITTED}), Status.REJECTED, frozenset({MODERATOR}), True
    ),
    # A carrier may withdraw its initiative; staff may take it down (after a report...).
    Transition.UNPUBLISH: Step(
        frozenset({Status.PUBLISHED}), Status.UNPUBLISHED, frozenset({CARRIER, MODERATOR}), True
    ),
}

# The author hears of these, with the moderator's reason.
NOTIFIED = {
    Transition.APPROVE,
    Transition.REQUEST_CHANGES,
    Transition.REJECT,
    Transition.UNPUBLISH,
}
