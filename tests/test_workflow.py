"""The shared workflow (essor.core.workflow), on a model installed for the tests only:
tests/workflow_app. Each app's own table is tested with the app."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from essor.core.text import links_in
from essor.core.workflow import (
    TransitionError,
    TransitionForbidden,
    WorkflowError,
    decide,
    hold_link_changes,
)
from tests.factories.accounts import UserFactory

from .workflow_app.models import LISTINGS, Listing, ListingTransition, Status

pytestmark = pytest.mark.django_db

ESSOR = Path(__file__).resolve().parent.parent / "essor"


@pytest.fixture
def author():
    return UserFactory()


@pytest.fixture
def moderator():
    return UserFactory(is_staff=True)


@pytest.fixture
def pending(author):
    return Listing.objects.create(title="Annonce", status=Status.PENDING, author=author)


def names(transitions):
    return [t.name for t in transitions]


def test_each_actor_is_offered_the_steps_of_its_kind_from_the_current_state(
    author, moderator, pending
):
    assert names(LISTINGS.available(pending, moderator)) == ["approve", "reject", "grant"]
    assert LISTINGS.available(pending, author) == []
    assert LISTINGS.available(pending, UserFactory()) == []
    assert LISTINGS.available(pending, AnonymousUser()) == []
    draft = Listing.objects.create(title="Brouillon", author=author)
    assert names(LISTINGS.available(draft, author)) == ["submit"]


def test_a_decision_sets_the_state_and_logs_who_when_what_and_why(moderator, pending):
    returned = decide(pending, "reject", by=moderator, comment="  Trop vague.  ")

    assert returned is pending and pending.status == Status.REJECTED
    stored = Listing.objects.get()
    assert stored.status == Status.REJECTED
    assert (stored.decided_by, stored.decision_comment) == (moderator, "Trop vague.")
    assert stored.decided_at is not None
    entry = ListingTransition.objects.get()
    assert (entry.listing, entry.transition, entry.actor, entry.comment) == (
        stored,
        "reject",
        moderator,
        "Trop vague.",
    )
    assert (entry.from_status, entry.to_status) == (Status.PENDING, Status.REJECTED)
    assert entry.get_transition_display() == "Refuser"
    assert (entry.get_from_status_display(), entry.get_to_status_display()) == (
        "À modérer",
        "Refusée",
    )
    assert str(entry) == "Annonce — Refuser"


@pytest.mark.parametrize(
    ("transition", "error", "message"),
    [
        ("delete", TransitionError, "Cette action n'existe pas."),
        ("submit", TransitionForbidden, "Seul l'auteur peut faire cette action."),
        ("withdraw", TransitionError, "l'état est maintenant « À modérer »"),
    ],
)
def test_a_forged_or_stale_step_is_refused_in_french_and_changes_nothing(
    moderator, pending, transition, error, message
):
    with pytest.raises(error, match=message) as raised:
        decide(pending, transition, by=moderator)
    assert raised.value.status_code == (403 if error is TransitionForbidden else 400)
    assert Listing.objects.get().status == Status.PENDING
    assert not ListingTransition.objects.exists()


def test_only_the_kinds_of_actor_in_the_table_may_take_a_step(author, pending):
    for user in (author, UserFactory(), AnonymousUser()):
        with pytest.raises(TransitionForbidden, match="Seule l'équipe de la CRESS"):
            decide(pending, "approve", by=user)
    assert Listing.objects.get().status == Status.PENDING


def test_a_comment_or_an_extra_that_the_table_requires_must_be_given(moderator, pending):
    with pytest.raises(TransitionError, match="Indiquez un motif"):
        decide(pending, "reject", by=moderator, comment="   ")
    with pytest.raises(TransitionError, match="amount"):
        decide(pending, "grant", by=moderator)
    assert Listing.objects.get().status == Status.PENDING

    decide(pending, "grant", by=moderator, amount=1200)
    assert ListingTransition.objects.get().amount == 1200


def test_nobody_moderates_what_they_asked_for_themselves(author, pending):
    author.is_staff = True  # the author is a moderator too
    author.save()
    assert LISTINGS.available(pending, author) == []
    with pytest.raises(TransitionForbidden, match="un autre membre de l'équipe de la CRESS"):
        decide(pending, "approve", by=author)
    assert Listing.objects.get().status == Status.PENDING

    decide(pending, "approve", by=UserFactory(is_staff=True))
    # Where the author may act as author, being a moderator too does not stop them.
    decide(pending, "withdraw", by=author)
    assert Listing.objects.get().status == Status.WITHDRAWN


def test_two_moderators_cannot_decide_the_same_thing_twice(pending):
    first, second = UserFactory(is_staff=True), UserFactory(is_staff=True)
    seen_by_second = Listing.objects.get(pk=pending.pk)  # both opened the pending page
    decide(pending, "approve", by=first)
    with pytest.raises(TransitionError, match="« Publiée »"):
        decide(seen_by_second, "reject", by=second, comment="Non.")
    assert Listing.objects.get().status == Status.PUBLISHED
    assert list(ListingTransition.objects.values_list("actor", flat=True)) == [first.pk]


def test_the_history_survives_the_deletion_of_the_account(moderator, pending):
    decide(pending, "approve", by=moderator)
    moderator.delete()
    entry = ListingTransition.objects.get()
    assert entry.actor is None and entry.to_status == Status.PUBLISHED
    assert Listing.objects.get().decided_by is None


def test_events_that_change_no_state_are_logged_with_their_label(author, pending):
    entry = LISTINGS.record(pending, "edit", by=author, comment="Titre")
    assert (entry.from_status, entry.to_status) == (Status.PENDING, Status.PENDING)
    assert entry.get_transition_display() == "Modification"


def test_every_refusal_is_a_workflow_error_with_a_status_code(moderator, pending):
    for transition in ("delete", "submit"):
        with pytest.raises(WorkflowError) as raised:
            decide(pending, transition, by=moderator)
        assert raised.value.status_code in (400, 403) and raised.value.message


# Links and contact fields of published content


@pytest.fixture
def published(author):
    return Listing.objects.create(
        title="Annonce",
        status=Status.PUBLISHED,
        author=author,
        website="https://vrai.example.org",
        description="Écrivez-nous : contact@vrai.example.org.",
    )


def edited(listing, **values):
    copy = Listing.objects.get(pk=listing.pk)
    for name, value in values.items():
        setattr(copy, name, value)
    return copy


def test_new_links_of_published_content_wait_and_the_rest_is_saved(published):
    listing = edited(
        published,
        title="Nouveau titre",
        website="https://hameconnage.example.com",
        description="Écrivez-nous : contact@vrai.example.org. Horaires élargis.",
    )
    held = hold_link_changes(listing, published, ["website"], ["description"])
    listing.save()

    assert held == ["website"]
    stored = Listing.objects.get()
    assert stored.title == "Nouveau titre"
    assert stored.description.endswith("Horaires élargis.")
    assert stored.website == "https://vrai.example.org"
    assert stored.held_changes == {"website": "https://hameconnage.example.com"}


def test_a_text_whose_links_change_is_held_whole(published):
    listing = edited(published, description="Écrivez-nous : support@hameconnage.example.com.")
    assert hold_link_changes(listing, published, ["website"], ["description"]) == ["description"]
    assert listing.description == "Écrivez-nous : contact@vrai.example.org."


def test_a_moderator_publishes_or_refuses_the_held_links(author, moderator, published):
    assert LISTINGS.available(published, moderator) == [LISTINGS["withdraw"]]
    with pytest.raises(TransitionError, match="Aucune modification"):
        decide(published, "accept_changes", by=moderator)

    Listing.objects.filter(pk=published.pk).update(held_changes={"website": "https://neuf.fr"})
    published.refresh_from_db()
    with pytest.raises(TransitionForbidden):
        decide(published, "accept_changes", by=author)
    decide(published, "accept_changes", by=moderator)
    stored = Listing.objects.get()
    assert (stored.website, stored.held_changes, stored.status) == (
        "https://neuf.fr",
        {},
        Status.PUBLISHED,
    )

    Listing.objects.filter(pk=published.pk).update(held_changes={"website": "https://x.fr"})
    published.refresh_from_db()
    with pytest.raises(TransitionError, match="motif"):
        decide(published, "refuse_changes", by=moderator)
    decide(published, "refuse_changes", by=moderator, comment="Adresse douteuse.")
    stored = Listing.objects.get()
    assert (stored.website, stored.held_changes) == ("https://neuf.fr", {})
    assert list(stored.transitions.values_list("transition", flat=True)) == [
        "accept_changes",
        "refuse_changes",
    ]


def test_links_in_a_text_are_its_web_addresses_e_mails_and_phone_numbers():
    text = (
        "Voir [le site](https://www.exemple.fr/page), écrire à Contact@Exemple.fr, "
        "appeler le 05 55 12 34 56 ou passer en 2024 au 12 rue Haute."
    )
    assert links_in(text) == {"https://www.exemple.fr/page", "contact@exemple.fr", "0555123456"}
    assert links_in("Appelez le 05.55.12.34.56.") == links_in("appelez le 0555123456")
    assert links_in("") == set() and links_in(None) == set()


def test_no_template_shows_a_history_line_by_its_internal_codes():
    # A history reads « Publication → Publié », never « publish → published »: lines are
    # shown through get_transition_display and get_to_status_display.
    raw = re.compile(r"\.(transition|to_status|from_status)\s*(\||}})")
    offenders = [
        f"{path.relative_to(ESSOR)}:{number}"
        for path in ESSOR.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if raw.search(line)
    ]
    assert offenders == []
