"""E-mail digests for people who follow a process, a proposal or an action: one message
per person listing what changed since the last one, queued through the task queue
(essor.core.emails.queue_email). `essor send_consultation_digests` (daily) or the
`send_digests_task` task runs it."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from essor.core.emails import queue_email

from .enums import ProposalStatus
from .models import ActionUpdate, Comment, Follow, ProposalTransition


def _action_changes(actions, since):
    updates = ActionUpdate.objects.filter(action__in=actions, created_at__gt=since).select_related(
        "action"
    )
    return [
        f"Action n° {u.action.number} « {u.action.short_text} » : {u.get_status_display()}, "
        f"{u.progress} % — {u.text}"
        for u in updates.order_by("created_at")
    ]


def _proposal_changes(proposals, since):
    lines = [
        f"Fiche « {t.proposal.title} » : {t.get_transition_display()}"
        + (f" — {t.comment}" if t.comment else "")
        for t in ProposalTransition.objects.filter(
            proposal__in=proposals,
            created_at__gt=since,
            to_status__in=[s for s in ProposalStatus.values if s != "pending"],
        )
        .exclude(transition="create")
        .select_related("proposal")
        .order_by("created_at")
    ]
    comments = Comment.objects.filter(
        proposal__in=proposals, created_at__gt=since, hidden=False
    ).select_related("proposal")
    counts = {}
    for comment in comments:
        counts[comment.proposal] = counts.get(comment.proposal, 0) + 1
    lines += [f"Fiche « {p.title} » : {n} nouveau(x) commentaire(s)" for p, n in counts.items()]
    return lines


def changes(follow):
    since = follow.last_sent_at
    if follow.action_id:
        return _action_changes([follow.action], since)
    if follow.proposal_id:
        return _proposal_changes([follow.proposal], since)
    process = follow.process
    return _action_changes(process.actions.all(), since) + _proposal_changes(
        process.proposals.all(), since
    )


def send_digests(now=None):
    """Queue one digest per follower with news; return how many were queued."""
    now = now or timezone.now()
    sent = 0
    follows = Follow.objects.select_related("user", "process", "proposal", "action").order_by(
        "user", "pk"
    )
    by_user = {}
    for follow in follows:
        if follow.user.is_active:
            by_user.setdefault(follow.user, []).append(follow)
    for user, items in by_user.items():
        sections = []
        for follow in items:
            lines = changes(follow)
            if lines:
                target = follow.target
                sections.append(
                    {
                        "title": str(target),
                        "url": settings.ESSOR_BASE_URL + target.get_absolute_url(),
                        "lines": lines,
                    }
                )
        if not sections:
            continue
        with transaction.atomic():
            queue_email(
                "consultation/emails/digest", {"user": user, "sections": sections}, [user.email]
            )
            Follow.objects.filter(pk__in=[f.pk for f in items]).update(last_sent_at=now)
        sent += 1
    return sent
