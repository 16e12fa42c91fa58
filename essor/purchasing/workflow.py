"""The life cycle of a purchase need (essor/core/workflow.py): the buyer writes and
submits it, the CRESS publishes it (it is then sent to the matching suppliers) or sends
it back with a reason, the buyer closes it with an outcome. Every step is logged in
NeedTransition, with the events that change no state (answers, decisions, sending)."""

from django.utils import timezone

from essor.accounts.perms import moderator_kind
from essor.core.workflow import MODERATOR, Transition, Workflow
from essor.directory.perms import is_member

from .enums import NeedEvent, NeedStatus
from .enums import NeedTransitionName as T

BUYER = "buyer"


def actors(user, need):
    return moderator_kind(user) | ({BUYER} if is_member(user, need.buyer) else set())


def _deadline_ahead(need):
    if need.answers_deadline < timezone.localdate():
        return "La date limite des réponses est passée : modifiez-la avant de soumettre."
    return None


def _still_ahead(need):
    if need.answers_deadline < timezone.localdate():
        return "La date limite des réponses est passée : le besoin ne peut plus être publié."
    return None


def _published(need):
    need.published_at = timezone.now()


def _closed(need):
    need.closed_at = timezone.now()


NEEDS = Workflow(
    Transition(T.SUBMIT, {NeedStatus.DRAFT, NeedStatus.REJECTED}, NeedStatus.PENDING, {BUYER},
               guard=_deadline_ahead),
    Transition(T.APPROVE, {NeedStatus.PENDING}, NeedStatus.PUBLISHED, {MODERATOR},
               guard=_still_ahead, effect=_published),
    Transition(T.REJECT, {NeedStatus.PENDING}, NeedStatus.REJECTED, {MODERATOR},
               comment_required=True),
    Transition(T.CLOSE, {NeedStatus.PUBLISHED}, NeedStatus.CLOSED, {BUYER}, effect=_closed),
    actors=actors,
    authors=lambda need: {need.created_by_id},
    log="purchasing.NeedTransition",
    events={event: event.label for event in NeedEvent},
    messages={BUYER: "Seuls les membres de la structure acheteuse peuvent faire cette action."},
)  # fmt: skip
