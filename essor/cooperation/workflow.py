"""The life of an offer or a need (essor.core.workflow).

    pending ─┬─ approve ─▶ open ─ discuss ─▶ discussion ─┬─ conclude ─▶ concluded
             └─ reject ──▶ rejected        open ─────────┤
                                                         └─ expire ───▶ expired

Only an organisation's first publication waits for the CRESS (pending); later ones open
at once (services.publish). Concluding records what the exchange brought (Outcome)."""

from essor.accounts.perms import moderator_kind
from essor.core.workflow import MODERATOR, Transition, Workflow

from .enums import Status as S
from .perms import is_owner

OWNER = "owner"


def actors(user, listing):
    return moderator_kind(user) | ({OWNER} if is_owner(user, listing) else set())


LISTINGS = Workflow(
    Transition("approve", {S.PENDING}, S.OPEN, {MODERATOR}, "Publier"),
    Transition("reject", {S.PENDING}, S.REJECTED, {MODERATOR}, "Refuser", comment_required=True),
    Transition("discuss", {S.OPEN}, S.DISCUSSION, {OWNER}, "Passer en discussion"),
    Transition("conclude", {S.OPEN, S.DISCUSSION}, S.CONCLUDED, {OWNER}, "Conclure"),
    Transition("expire", {S.OPEN, S.DISCUSSION}, S.EXPIRED, {OWNER, MODERATOR}, "Clore"),
    actors=actors,
    authors=lambda listing: {listing.created_by_id},
    log="cooperation.ListingTransition",
    events={"publish": "Publication", "edit": "Modification"},
    messages={
        OWNER: "Seuls les membres de la structure peuvent faire cette action.",
        "comment": "Indiquez le motif du refus : il est envoyé à la structure.",
    },
)
