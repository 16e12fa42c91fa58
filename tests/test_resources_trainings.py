"""Trainings published by their providers: a member of the organisation publishes, the
CRESS moderates the first publication, then orientation results and the organisation's
page show the training; only the organisation's members edit it."""

import html

import pytest
from django.urls import reverse

from essor.accounts.services import personal_data
from essor.resources.enums import PublicationStatus
from essor.resources.models import Training
from essor.resources.services import trainings_for
from essor.territories.models import Departement
from tests.factories.accounts import UserFactory
from tests.factories.directory import (
    EssOrganisationFactory,
    MembershipFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def training_post(organisation, **overrides):
    data = {
        "title": "Trésorerie pour dirigeants bénévoles",
        "description": "Budget, trésorerie, subventions.",
        "audiences": ["benevoles", "dirigeants"],
        "theme": "Gestion financière",
        "format": "presentiel",
        "duration": "2 jours (14 h)",
        "next_session": "2027-03-04",
        "session_ends_on": "2027-03-05",
        "places": "Limoges",
        "cost": "Gratuit",
        "is_free": "on",
        "opco_fundable": "on",
        "url": "",
        "registration_url": "https://example.org/inscription",
        "organiser": str(organisation.pk),
        "territoire": "d-87",
    }
    data.update(overrides)
    return data


def test_a_provider_publishes_a_training_shown_after_moderation(client):
    organisation = EssOrganisationFactory(name="Ligue de l'enseignement 87 (test)")
    member = MembershipFactory(organisation=organisation).user
    client.force_login(member)
    response = client.post(reverse("resources:training_create"), training_post(organisation))
    assert response.status_code == 302
    training = Training.objects.get(title="Trésorerie pour dirigeants bénévoles")
    assert training.status == PublicationStatus.PENDING and training.organiser == organisation
    haute_vienne = Departement.objects.get(code="87")
    assert training not in trainings_for(audience="benevoles", departement=haute_vienne)
    client.logout()
    assert client.get(training.get_absolute_url()).status_code == 404

    moderator = UserFactory(cress_staff=True)
    client.force_login(moderator)
    assert "Trésorerie pour dirigeants bénévoles" in text(
        client.get(reverse("resources:moderation"))
    )
    client.post(reverse("resources:training_step", args=[training.pk]), {"transition": "publish"})
    training.refresh_from_db()
    assert training.status == PublicationStatus.PUBLISHED
    assert training in trainings_for(audience="benevoles", departement=haute_vienne)
    assert training not in trainings_for(
        audience="benevoles", departement=Departement.objects.get(code="33")
    )
    client.logout()
    page = text(client.get(training.get_absolute_url()))
    assert "du 4 mars 2027 au 5 mars 2027" in page and "Limoges" in page
    assert 'href="https://example.org/inscription"' in page
    assert "Trésorerie pour dirigeants bénévoles" in text(
        client.get(organisation.get_absolute_url())
    )

    # Later edits of the published training stay published.
    client.force_login(member)
    response = client.post(
        reverse("resources:training_edit", args=[training.pk]),
        training_post(organisation, places="Limoges et Saint-Junien"),
    )
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.places == "Limoges et Saint-Junien" and training.is_published


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"session_ends_on": "2027-03-01"}, "La session ne peut pas finir avant de commencer."),
        ({"audiences": []}, "Ce champ est obligatoire."),
        ({"format": "hologramme"}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_trainings_get_a_french_error_and_nothing_is_saved(client, overrides, message):
    organisation = OrganisationFactory()
    client.force_login(MembershipFactory(organisation=organisation).user)
    response = client.post(
        reverse("resources:training_create"), training_post(organisation, **overrides)
    )
    assert response.status_code == 400 and message in text(response)
    assert not Training.objects.filter(title="Trésorerie pour dirigeants bénévoles").exists()


def test_a_forged_organisation_is_refused_in_french(client):
    mine, other = OrganisationFactory(), OrganisationFactory()
    client.force_login(MembershipFactory(organisation=mine).user)
    response = client.post(reverse("resources:training_create"), training_post(other))
    assert response.status_code == 400
    assert "Choisissez un des organismes dont vous êtes membre." in text(response)
    assert not Training.objects.filter(title="Trésorerie pour dirigeants bénévoles").exists()


def test_only_the_organisation_s_members_edit_its_training(client):
    organisation = OrganisationFactory()
    training = Training.objects.create(
        title="Gouvernance", organiser=organisation, audiences=["dirigeants"],
        format="presentiel", duration="1 jour", cost="Gratuit",
    )  # fmt: skip
    outsider = MembershipFactory(organisation=OrganisationFactory()).user
    client.force_login(outsider)
    assert client.get(reverse("resources:training_edit", args=[training.pk])).status_code == 404
    response = client.post(
        reverse("resources:training_edit", args=[training.pk]),
        training_post(organisation, title="Détourné"),
    )
    assert response.status_code == 404
    response = client.post(
        reverse("resources:training_step", args=[training.pk]), {"transition": "archive"}
    )
    assert response.status_code == 404
    training.refresh_from_db()
    assert training.title == "Gouvernance" and training.is_published


@pytest.mark.parametrize(
    "forged",
    [
        {},
        {"transition": ""},
        {"transition": "archive", "comment": "x" * 2001},
        {"transition": "explode"},
    ],
)
def test_a_forged_step_answers_the_training_page_with_a_french_error(client, forged):
    organisation = EssOrganisationFactory()
    training = Training.objects.create(
        title="Gouvernance", organiser=organisation, audiences=["dirigeants"],
        format="presentiel", duration="1 jour", cost="Gratuit",
    )  # fmt: skip
    client.force_login(MembershipFactory(organisation=organisation).user)
    response = client.post(reverse("resources:training_step", args=[training.pk]), forged)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Cette action n'existe pas." in text(response)
    assert "<h1>Gouvernance" in text(response)
    training.refresh_from_db()
    assert training.is_published


def test_the_publisher_s_trainings_are_in_their_export():
    organisation = OrganisationFactory()
    user = MembershipFactory(organisation=organisation).user
    Training.objects.create(
        title="Gouvernance", organiser=organisation, audiences=["dirigeants"],
        format="presentiel", duration="1 jour", cost="Gratuit", created_by=user,
    )  # fmt: skip
    rows = personal_data(user)["ressources_formations_publiees"]
    assert [row["intitule"] for row in rows] == ["Gouvernance"]


def test_a_session_registers_through_the_agenda_event_its_organiser_runs(client):
    from tests.factories.events import EventFactory

    organisation = EssOrganisationFactory(name="Ligue de l'enseignement 87 (test)")
    client.force_login(MembershipFactory(organisation=organisation).user)
    session = EventFactory(organiser=organisation, title="Trésorerie : session de mars")
    elsewhere = EventFactory(title="Rencontre d'un autre organisme")
    create = reverse("resources:training_create")

    # Someone else's event, or no event at that address: a French error, nothing saved.
    for reference, message in (
        (elsewhere.get_absolute_url(), "Cet événement n'est pas organisé par Ligue"),
        ("/agenda/nulle-part/", "Événement introuvable : indiquez l'adresse de sa page"),
    ):
        response = client.post(create, training_post(organisation, agenda=reference))
        assert response.status_code == 400 and message in text(response)
    assert not Training.objects.exists()

    address = f"https://essor.example.org{session.get_absolute_url()}"
    assert client.post(create, training_post(organisation, agenda=address)).status_code == 302
    training = Training.objects.get()
    assert training.event == session
    training.status = PublicationStatus.PUBLISHED
    training.save()
    page = text(client.get(reverse("resources:training", args=[training.pk])))
    assert "Inscription dans l'agenda" in page and session.get_absolute_url() in page

    # An event that is not public (withdrawn, pending) is not linked from the page.
    session.status = "pending"
    session.save()
    client.logout()
    page = text(client.get(reverse("resources:training", args=[training.pk])))
    assert "Inscription dans l'agenda" not in page
