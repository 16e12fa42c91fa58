"""French error pages, in production and in the demo (DEBUG), never Django's English ones."""

import pytest
from django.test import override_settings
from django.urls import reverse

from essor.core import views
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_address_answers_the_french_404_with_a_way_back(client, debug):
    with override_settings(DEBUG=debug):
        response = client.get("/nulle-part/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in html
    assert "URLconf" not in html
    assert f'href="{reverse("portal:home")}"' in html and 'role="search"' in html


@pytest.mark.parametrize("debug", [False, True])
def test_a_missing_object_answers_the_french_404(client, debug):
    with override_settings(DEBUG=debug):
        response = client.get(reverse("directory:organisation", args=[999999]))
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in response.content.decode()


def test_in_the_demo_a_refusal_answers_the_french_403(client):
    # The support coverage is for the CRESS team only: the view raises PermissionDenied.
    client.force_login(UserFactory())
    with override_settings(DEBUG=True):
        response = client.get(reverse("support:coverage"))
    assert response.status_code == 403
    assert "<h1>Accès refusé</h1>" in response.content.decode()


def test_the_500_page_needs_neither_templates_nor_database(rf, settings):
    settings.TEMPLATES = []  # whatever failed, the page still renders
    response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Erreur du serveur" in html and 'href="/"' in html and 'lang="fr"' in html
