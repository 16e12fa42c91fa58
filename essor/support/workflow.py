"""The life of support offers and requests, as tables (see essor.core.workflow).

    offer    pending ─┬─ publish ─▶ published ─┐
             rejected ┘             (reject) ◀─┤
             pending ─── reject ──▶ rejected   │
             pending, published, rejected ─ archive ─▶ archived
             rejected, archived ─ resubmit (the provider edits it) ─▶ pending

A new offer is pending, or published at once when CRESS staff write it; edits are logged
without changing the state, except an edit of a refused or archived offer by its provider,
which sends it back to moderation. On a published offer, the provider's new links and
contact details (site, e-mail, phone, addresses in the texts) are held until a moderator
accepts them (accept_changes, refuse_changes): the published ones stay meanwhile.

    request  new ─┬─ take_charge ─▶ in_progress ◀─ take_charge ─ redirected, closed
                  ├─ redirect ────▶ redirected ◀── redirect ──── in_progress
                  └─ close ───────▶ closed ◀────── close ──────── in_progress, redirected

A redirection does not forward the request (the person consented to share it with the
actors they chose only): the person is told where to turn and can write to that actor.
Requests are handled by the members of the organisation they were sent to, and nobody else.
"""

from essor.accounts.perms import moderator_kind
from essor.core.workflow import MODERATOR, Transition, Workflow, held_changes_transitions

from .enums import OfferStatus as O
from .enums import SupportRequestStatus as R
from .perms import can_edit_offer, can_handle_request

# The members of the offer's provider who manage its offers (CRESS staff included).
PROVIDER = "provider"
# A member of the organisation a request was sent to.
HANDLER = "handler"


def offer_actors(user, offer):
    return moderator_kind(user) | ({PROVIDER} if can_edit_offer(user, offer) else set())


OFFERS = Workflow(
    Transition("publish", {O.PENDING, O.REJECTED}, O.PUBLISHED, {MODERATOR}, "Publication"),
    Transition(
        "reject", {O.PENDING, O.PUBLISHED}, O.REJECTED, {MODERATOR}, "Refus", comment_required=True
    ),
    Transition(
        "archive", {O.PENDING, O.PUBLISHED, O.REJECTED}, O.ARCHIVED, {PROVIDER}, "Archivage"
    ),
    Transition("resubmit", {O.REJECTED, O.ARCHIVED}, O.PENDING, {PROVIDER}, "Nouvelle relecture"),
    # New links and contact details of a published offer wait for a moderator.
    *held_changes_transitions(O.PUBLISHED),
    actors=offer_actors,
    authors=lambda offer: {offer.created_by_id} - {None},
    log="support.OfferTransition",
    events={"create": "Création", "edit": "Modification"},
    messages={
        "stale": "L'offre est « {state} » : cette action n'est plus possible.",
        "comment": "Indiquez le motif du refus : il est envoyé à la structure.",
        PROVIDER: "Seuls les membres de la structure qui propose l'offre peuvent faire "
        "cette action.",
    },
)

# The decisions the provider hears of by e-mail.
OFFER_NOTIFIED = {"publish", "reject"}

# What a reader follows to reach the provider: held on a published offer (issue 12.13).
OFFER_LINK_FIELDS = ("website", "contact_email", "contact_phone")
OFFER_TEXT_FIELDS = ("description", "how_to_ask", "cost_details")


def request_actors(user, support_request):
    return {HANDLER} if can_handle_request(user, support_request) else set()


REQUESTS = Workflow(
    Transition(
        "take_charge", {R.NEW, R.REDIRECTED, R.CLOSED}, R.IN_PROGRESS, {HANDLER}, "Prise en charge"
    ),
    Transition("redirect", {R.NEW, R.IN_PROGRESS}, R.REDIRECTED, {HANDLER}, "Réorientation"),
    Transition("close", {R.NEW, R.IN_PROGRESS, R.REDIRECTED}, R.CLOSED, {HANDLER}, "Clôture"),
    actors=request_actors,
    log="support.SupportRequestTransition",
    events={"send": "Envoi"},
    messages={
        "stale": "Une demande « {state} » ne peut pas passer à cet état.",
        HANDLER: "Seuls les membres de la structure destinataire peuvent traiter cette demande.",
    },
)


def request_transition_to(status):
    """The name of the request step that leads to `status` (the inbox form picks a state)."""
    return next((t.name for t in REQUESTS.transitions.values() if t.target == status), None)


def request_targets(status):
    """The states a request in `status` may move to, in the table's order."""
    return [t.target for t in REQUESTS.transitions.values() if status in t.sources]
