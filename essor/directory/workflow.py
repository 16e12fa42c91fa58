"""The moderation of the directory's requests, as tables (see essor.core.workflow).

    claim       pending ─┬─ approve ─▶ approved ─ revoke ─▶ revoked
                         └─ reject ──▶ rejected
    suggestion  pending ─┬─ accept ──▶ accepted
                         └─ reject ──▶ rejected

A claim approved automatically (services.claim_is_automatic) starts approved. Any approved
claim can be revoked by the CRESS or by the organisation's other admins, who are told of it.
"""

from essor.accounts.perms import moderator_kind
from essor.core.workflow import MODERATOR, Transition, Workflow

from .enums import ClaimStatus as C
from .enums import SuggestionStatus as S
from .perms import is_organisation_admin

# An admin of the claimed organisation, other than the claimant.
ADMIN = "admin"

STALE = "Cette demande a déjà été traitée : elle est « {state} »."


def claim_actors(user, claim):
    kinds = moderator_kind(user)
    if user.pk != claim.user_id and is_organisation_admin(user, claim.organisation):
        kinds.add(ADMIN)
    return kinds


CLAIMS = Workflow(
    Transition("approve", {C.PENDING}, C.APPROVED, {MODERATOR}, "Valider"),
    Transition("reject", {C.PENDING}, C.REJECTED, {MODERATOR}, "Refuser", comment_required=True),
    Transition(
        "revoke", {C.APPROVED}, C.REVOKED, {MODERATOR, ADMIN}, "Annuler", comment_required=True
    ),
    actors=claim_actors,
    authors=lambda claim: {claim.user_id},
    log="directory.ClaimTransition",
    events={"claim": "Demande", "automatic": "Validation automatique (domaine de l'e-mail)"},
    messages={
        "stale": STALE,
        "comment": "Indiquez le motif : il est envoyé au demandeur.",
        ADMIN: "Seuls les administrateurs de la structure et l'équipe de la CRESS peuvent "
        "annuler cette validation.",
    },
)

SUGGESTIONS = Workflow(
    Transition("accept", {S.PENDING}, S.ACCEPTED, {MODERATOR}, "Accepter"),
    Transition("reject", {S.PENDING}, S.REJECTED, {MODERATOR}, "Refuser", comment_required=True),
    actors=lambda user, suggestion: moderator_kind(user),
    authors=lambda suggestion: {suggestion.author_id},
    messages={"stale": STALE, "comment": "Indiquez le motif : il est envoyé à l'auteur."},
)
