"""Saved sourcing searches (issue 16, Deliver 2): a buyer saves the criteria of the
sourcing page, sees and deletes them, and gets one e-mail per newly published supplier
that matches, with a link to unsubscribe; the searches are in the RGPD export and go
with the account."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from essor.accounts.services import delete_account, personal_data
from essor.purchasing.enums import ProfileStatus
from essor.purchasing.models import SavedSourcingSearch, SupplierAlert, SupplierProfile
from essor.purchasing.services import save_profile
from tests.factories.accounts import UserFactory
from tests.factories.purchasing import ANGOULEME, COGNAC, supplier

pytestmark = pytest.mark.django_db

GREEN_NEAR_ANGOULEME = {
    "categorie": "entretien-espaces-verts",
    "commune": ANGOULEME,
    "rayon": "30",
    "type": ["ea_esat", "siae"],
}
LA_COURONNE = "16113"


def save(client, name, query_string):
    return client.post(reverse("purchasing:search_save"), {"name": name, "criteres": query_string})


def test_a_buyer_saves_the_current_search_from_the_sourcing_page_and_sees_it(client):
    user = UserFactory(buyer=True)
    client.force_login(user)
    page = client.get(reverse("purchasing:sourcing"), GREEN_NEAR_ANGOULEME).content.decode()
    # The form carries the page's criteria, as in its shareable URL.
    criteria = re.search(r'name="criteres" value="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "rayon=30" in criteria and "page=" not in criteria

    response = save(client, "Espaces verts autour d'Angoulême", criteria)

    assert response.status_code == 302
    search = SavedSourcingSearch.objects.get()
    assert (search.user, search.name) == (user, "Espaces verts autour d'Angoulême")
    assert search.params == GREEN_NEAR_ANGOULEME
    listing = client.get(reverse("purchasing:searches")).content.decode()
    assert "Espaces verts autour d&#x27;Angoulême" in listing
    assert "à 30 km de Angoulême" in listing and "Entreprise adaptée ou ESAT" in listing
    # Its link replays the search.
    replay = client.get(search.get_absolute_url())
    assert replay.status_code == 200 and 'value="30"' in replay.content.decode()


def test_an_anonymous_visitor_is_invited_to_log_in_to_save_a_search(client):
    page = client.get(reverse("purchasing:sourcing"), {"categorie": "traiteur"}).content.decode()
    assert "Connectez-vous" in page and 'name="criteres"' not in page


@pytest.mark.parametrize(
    ("name", "criteria", "message"),
    [
        ("", "categorie=traiteur", "Donnez un nom à la recherche."),
        ("Tout", "", "Choisissez au moins un critère"),
        ("Tout", "page=2", "Choisissez au moins un critère"),
        ("Loin", "rayon=500&commune=16015", "ne sont pas valides"),
        ("Inconnue", "categorie=armement", "ne sont pas valides"),
    ],
)
def test_a_search_without_name_or_valid_criteria_is_refused_and_not_saved(
    client, name, criteria, message
):
    client.force_login(UserFactory())
    response = save(client, name, criteria)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not SavedSourcingSearch.objects.exists()


def test_a_person_keeps_twenty_searches_at_most(client):
    user = UserFactory()
    for number in range(20):
        SavedSourcingSearch.objects.create(user=user, name=f"R{number}", params={"q": "x"})
    client.force_login(user)
    response = save(client, "Une de trop", "categorie=traiteur")
    assert response.status_code == 400
    assert "supprimez-en une" in response.content.decode()
    assert user.purchasing_searches.count() == 20


def test_a_person_deletes_their_search_but_not_someone_elses(client):
    mine = SavedSourcingSearch.objects.create(user=UserFactory(), name="A", params={"q": "x"})
    other = SavedSourcingSearch.objects.create(user=UserFactory(), name="B", params={"q": "y"})
    client.force_login(mine.user)
    assert client.post(reverse("purchasing:search_delete", args=[other.pk])).status_code == 404
    assert client.post(reverse("purchasing:search_delete", args=[mine.pk])).status_code == 302
    assert list(SavedSourcingSearch.objects.all()) == [other]


def test_a_newly_published_matching_supplier_sends_one_email_per_matching_search(
    django_capture_on_commit_callbacks, mailoutbox
):
    buyer, other_buyer = UserFactory(email="achats@charente.example.org"), UserFactory()
    search = SavedSourcingSearch.objects.create(
        user=buyer, name="Espaces verts", params=GREEN_NEAR_ANGOULEME
    )
    SavedSourcingSearch.objects.create(
        user=other_buyer, name="Traiteurs", params={"categorie": "traiteur"}
    )

    with django_capture_on_commit_callbacks(execute=True):
        profile = supplier(
            name="ESAT des Jardins", commune_code=LA_COURONNE, areas=[("commune", LA_COURONNE)],
            labels=["esat"],
        )  # fmt: skip

    assert [m.to for m in mailoutbox] == [["achats@charente.example.org"]]
    message = mailoutbox[0]
    assert message.subject == "Nouveau fournisseur pour « Espaces verts » : ESAT des Jardins"
    assert "situé à environ" in message.body
    assert "Marché réservé EA / ESAT (art. L2113-12)" in message.body
    assert profile.get_absolute_url() in message.body
    assert SupplierAlert.objects.get().search == search

    # Withdrawn, then published again: no second e-mail for the same search.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        save_profile(profile, categories=list(profile.categories.all()), areas=[], publish=False)
    with django_capture_on_commit_callbacks(execute=True):
        save_profile(
            SupplierProfile.objects.get(pk=profile.pk),
            categories=list(profile.categories.all()),
            areas=[],
            publish=True,
        )
    assert mail.outbox == []


def test_no_alert_for_a_draft_a_far_supplier_or_an_edit_of_a_published_profile(
    django_capture_on_commit_callbacks, mailoutbox
):
    SavedSourcingSearch.objects.create(
        user=UserFactory(), name="Espaces verts", params=GREEN_NEAR_ANGOULEME
    )
    with django_capture_on_commit_callbacks(execute=True):
        supplier(name="Brouillon", labels=["esat"], status=ProfileStatus.DRAFT)
        # 37 km away and serving only Cognac.
        supplier(name="Loin", commune_code=COGNAC, areas=[("commune", COGNAC)], labels=["aci"])
        # Matching, but no reserved-contract kind asked for.
        supplier(name="Association sans label")
    assert mailoutbox == []


def test_the_unsubscribe_link_of_the_email_deletes_the_search_after_confirmation(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    search = SavedSourcingSearch.objects.create(
        user=UserFactory(), name="Traiteurs", params={"categorie": "traiteur"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        supplier(name="Traiteur solidaire", categories=["traiteur"])
    link = re.search(r"http\S+/desabonnement/\S+/", mailoutbox[0].body).group(0)
    path = link.removeprefix("http://testserver")

    # No login needed; a GET (a mail scanner) only asks.
    confirm = client.get(path)
    assert confirm.status_code == 200 and "Me désabonner" in confirm.content.decode()
    assert SavedSourcingSearch.objects.filter(pk=search.pk).exists()
    done = client.post(path)
    assert done.status_code == 200 and "est supprimée" in done.content.decode()
    assert not SavedSourcingSearch.objects.exists()
    # The link, used again or forged, is refused.
    assert client.post(path).status_code == 400
    forged = path.replace(path.split("/")[-2], path.split("/")[-2][:-3] + "abc")
    assert client.get(forged).status_code == 400


def test_saved_searches_are_in_the_personal_data_export_and_go_with_the_account():
    user = UserFactory()
    SavedSourcingSearch.objects.create(
        user=user, name="Traiteurs", params={"categorie": "traiteur"}
    )
    data = personal_data(user)
    assert data["recherches_fournisseurs_enregistrees"][0]["nom"] == "Traiteurs"
    assert data["recherches_fournisseurs_enregistrees"][0]["criteres"] == {"categorie": "traiteur"}

    delete_account(user)
    assert not SavedSourcingSearch.objects.exists()
