from django.conf import settings
from django.db import models

from essor.core.models import Decision, HeldChanges, TransitionLog
from essor.core.workflow import MODERATOR, Transition, Workflow, held_changes_transitions

AUTHOR = "author"


class Status(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    PENDING = "pending", "À modérer"
    PUBLISHED = "published", "Publiée"
    REJECTED = "rejected", "Refusée"
    WITHDRAWN = "withdrawn", "Retirée"


def actors(user, listing):
    kinds = {MODERATOR} if user.is_staff else set()
    return kinds | ({AUTHOR} if listing.author_id == user.pk else set())


LISTINGS = Workflow(
    Transition("submit", {Status.DRAFT, Status.REJECTED}, Status.PENDING, {AUTHOR}, "Soumettre"),
    Transition("approve", {Status.PENDING}, Status.PUBLISHED, {MODERATOR}, "Publier"),
    Transition(
        "reject", {Status.PENDING}, Status.REJECTED, {MODERATOR}, "Refuser", comment_required=True
    ),
    Transition("grant", {Status.PENDING}, Status.PUBLISHED, {MODERATOR}, requires=("amount",)),
    Transition("withdraw", {Status.PUBLISHED}, Status.WITHDRAWN, {AUTHOR, MODERATOR}, "Retirer"),
    *held_changes_transitions(Status.PUBLISHED),
    actors=actors,
    authors=lambda listing: {listing.author_id},
    log="workflow_app.ListingTransition",
    events={"edit": "Modification"},
    messages={AUTHOR: "Seul l'auteur peut faire cette action."},
)


class Listing(Decision, HeldChanges, models.Model):
    workflow = LISTINGS

    title = models.CharField(max_length=100)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self):
        return self.title


class ListingTransition(TransitionLog):
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="transitions")
    amount = models.PositiveIntegerField(null=True, blank=True)
