"""The instruction of a funding request, as a table: from which states each step may be
taken, the state it leads to, who takes it, and whether a comment or an amount is needed.

    received ─┬─ admissible ─▶ admissible ─ instruct ─▶ instructing ─┬─ grant ───────────▶ granted ─┐
              └─ inadmissible ─▶ inadmissible                        ├─ grant_partially ─▶ partial ─┼─ sign ─▶ signed ─ pay ─▶ paid
                                                                     ├─ refuse ──────────▶ refused  │
    instructing ─ request_complement ─▶ complement ─ answer_complement (applicant, new version) ─▶ instructing
    received, admissible, instructing, complement ─ close ─▶ no_follow_up
"""

from dataclasses import dataclass

from .enums import RequestStatus as S
from .enums import Transition as T

FUNDER = "funder"
APPLICANT = "applicant"


@dataclass(frozen=True)
class Step:
    sources: frozenset
    target: str
    actor: str
    comment_required: bool = False
    amount_required: bool = False


TRANSITIONS = {
    T.DECLARE_ADMISSIBLE: Step(frozenset({S.RECEIVED}), S.ADMISSIBLE, FUNDER),
    T.DECLARE_INADMISSIBLE: Step(frozenset({S.RECEIVED}), S.INADMISSIBLE, FUNDER, True),
    T.START_INSTRUCTION: Step(frozenset({S.ADMISSIBLE}), S.INSTRUCTING, FUNDER),
    T.REQUEST_COMPLEMENT: Step(
        frozenset({S.INSTRUCTING}), S.COMPLEMENT_REQUESTED, FUNDER, comment_required=True
    ),
    T.ANSWER_COMPLEMENT: Step(frozenset({S.COMPLEMENT_REQUESTED}), S.INSTRUCTING, APPLICANT),
    T.GRANT: Step(frozenset({S.INSTRUCTING}), S.GRANTED, FUNDER, amount_required=True),
    T.GRANT_PARTIALLY: Step(
        frozenset({S.INSTRUCTING}), S.PARTIALLY_GRANTED, FUNDER, True, amount_required=True
    ),
    T.REFUSE: Step(frozenset({S.INSTRUCTING}), S.REFUSED, FUNDER, comment_required=True),
    T.CLOSE: Step(
        frozenset({S.RECEIVED, S.ADMISSIBLE, S.INSTRUCTING, S.COMPLEMENT_REQUESTED}),
        S.NO_FOLLOW_UP,
        FUNDER,
        comment_required=True,
    ),
    T.SIGN_AGREEMENT: Step(frozenset({S.GRANTED, S.PARTIALLY_GRANTED}), S.AGREEMENT_SIGNED, FUNDER),
    T.PAY: Step(frozenset({S.AGREEMENT_SIGNED}), S.PAID, FUNDER),
}

GRANTED_STATES = frozenset({S.GRANTED, S.PARTIALLY_GRANTED, S.AGREEMENT_SIGNED, S.PAID})
LOST_STATES = frozenset({S.INADMISSIBLE, S.REFUSED, S.NO_FOLLOW_UP})


def available(status, actor):
    """The transitions an actor may take from a status, in the table's order."""
    return [t for t, step in TRANSITIONS.items() if status in step.sources and step.actor == actor]
