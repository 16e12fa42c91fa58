"""The instruction of a funding request, as a table (see essor.core.workflow): from which
states each step may be taken, the state it leads to, who takes it, and whether a comment
or an amount is needed.

    received ─┬─ admissible ─▶ admissible ─ instruct ─▶ instructing ─┬─ grant ───────────▶ granted ─┐
              └─ inadmissible ─▶ inadmissible                        ├─ grant_partially ─▶ partial ─┼─ sign ─▶ signed ─ pay ─▶ paid
                                                                     ├─ refuse ──────────▶ refused  │
    instructing ─ request_complement ─▶ complement ─ answer_complement (applicant, new version) ─▶ instructing
    received, admissible, instructing, complement ─ close ─▶ no_follow_up

Funders are the members, with the funder role, of the organisation a request was sent to;
applicants the members of the organisation whose dossier it is (a person who is both is
the funder).
"""

from essor.accounts.perms import moderator_kind
from essor.core.workflow import Transition, Workflow, held_changes_transitions
from essor.directory.perms import can_act_for_organisation

from .enums import FundingRequestStatus as S
from .enums import ToolStatus
from .enums import Transition as T
from .perms import can_instruct_funding_requests

FUNDER = "funder"
APPLICANT = "applicant"


def actors(user, request):
    if can_instruct_funding_requests(user, request.funder):
        return {FUNDER}
    if can_act_for_organisation(user, request.dossier.organisation):
        return {APPLICANT}
    return set()


def _step(name, sources, target, actor=FUNDER, **options):
    return Transition(name, sources, target, {actor}, **options)


INSTRUCTION = Workflow(
    _step(T.DECLARE_ADMISSIBLE, {S.RECEIVED}, S.ADMISSIBLE),
    _step(T.DECLARE_INADMISSIBLE, {S.RECEIVED}, S.INADMISSIBLE, comment_required=True),
    _step(T.START_INSTRUCTION, {S.ADMISSIBLE}, S.INSTRUCTING),
    _step(T.REQUEST_COMPLEMENT, {S.INSTRUCTING}, S.COMPLEMENT_REQUESTED, comment_required=True),
    _step(T.ANSWER_COMPLEMENT, {S.COMPLEMENT_REQUESTED}, S.INSTRUCTING, APPLICANT),
    _step(T.GRANT, {S.INSTRUCTING}, S.GRANTED, requires=("amount",)),
    _step(
        T.GRANT_PARTIALLY,
        {S.INSTRUCTING},
        S.PARTIALLY_GRANTED,
        comment_required=True,
        requires=("amount",),
    ),
    _step(T.REFUSE, {S.INSTRUCTING}, S.REFUSED, comment_required=True),
    _step(
        T.CLOSE,
        {S.RECEIVED, S.ADMISSIBLE, S.INSTRUCTING, S.COMPLEMENT_REQUESTED},
        S.NO_FOLLOW_UP,
        comment_required=True,
    ),
    _step(T.SIGN_AGREEMENT, {S.GRANTED, S.PARTIALLY_GRANTED}, S.AGREEMENT_SIGNED),
    _step(T.PAY, {S.AGREEMENT_SIGNED}, S.PAID),
    actors=actors,
    log="financing.FundingRequestTransition",
    events={"submit": "Dépôt du dossier"},
    # Who is told of each step: notifications.py (imported when first used).
    on_step="essor.financing.notifications.on_instruction_step",
    messages={
        "unknown": "Étape inconnue.",
        "stale": "Impossible depuis l'état « {state} ».",
        "comment": "Un motif est obligatoire pour cette étape.",
        "amount": "Indiquez le montant accordé.",
        FUNDER: "Cette étape ne vous revient pas.",
        APPLICANT: "Cette étape ne vous revient pas.",
    },
)

GRANTED_STATES = frozenset({S.GRANTED, S.PARTIALLY_GRANTED, S.AGREEMENT_SIGNED, S.PAID})
LOST_STATES = frozenset({S.INADMISSIBLE, S.REFUSED, S.NO_FOLLOW_UP})


def available(status, actor):
    """The steps an actor kind may take from a status, in the table's order (the
    funders' form lists them)."""
    return [
        T(t.name)
        for t in INSTRUCTION.transitions.values()
        if status in t.sources and actor in t.actors
    ]


# A funder publishes its own tools; once published, its new links and contacts wait for
# the CRESS team (issue 12.13): a stolen account cannot send applicants elsewhere.
TOOL_CHANGES = Workflow(
    *held_changes_transitions(ToolStatus.PUBLISHED),
    actors=lambda user, tool: moderator_kind(user),
    log="financing.ToolTransition",
    events={"hold": "Liens ou contacts modifiés, soumis à relecture"},
    messages={"comment": "Indiquez le motif du refus : il est envoyé au financeur."},
    on_step="essor.financing.notifications.on_tool_changes_step",
)
TOOL_LINK_FIELDS = ("external_url",)
TOOL_TEXT_FIELDS = ("contact", "summary", "description")
