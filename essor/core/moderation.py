"""The CRESS team's moderation queues, gathered on one page (/compte/moderation/).

Each app keeps its own queue page; in its ready() it registers what waits there for a
decision: a label, the queue's URL name and a function returning the waiting items as
a queryset. The overview counts them and gives the oldest, so that nothing waits
unseen in a queue nobody opened."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Min
from django.urls import reverse


@dataclass(frozen=True)
class Queue:
    label: str
    url_name: str
    waiting: Callable  # () -> QuerySet of what waits for a decision
    since: str  # the field dating each item's arrival in the queue
    order: int


QUEUES = []


def register(label, url_name, waiting, *, since="created_at", order):
    queue = Queue(label, url_name, waiting, since, order)
    if queue not in QUEUES:
        QUEUES.append(queue)
        QUEUES.sort(key=lambda q: q.order)


@dataclass(frozen=True)
class QueueState:
    label: str
    url: str
    count: int
    oldest: object  # datetime or None


def queue_states():
    """Every registered queue with its count and its oldest item, in order."""
    states = []
    for queue in QUEUES:
        figures = queue.waiting().aggregate(count=Count("pk"), oldest=Min(queue.since))
        states.append(
            QueueState(queue.label, reverse(queue.url_name), figures["count"], figures["oldest"])
        )
    return states
