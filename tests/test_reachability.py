"""Every organisation a page links to has a public page (issue 14, « every actor is
reachable »), and a page without public contacts says how to reach the organisation
anyway (issue 15, « contact, always »)."""

import io
import re
from collections import deque

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.test import override_settings
from django.urls import reverse

from essor.directory import demo as directory_demo
from essor.directory.enums import EssFamily, Source
from essor.directory.models import Organisation
from essor.financing.enums import ToolStatus
from essor.initiatives.enums import Status as InitiativeStatus
from essor.support.enums import OfferStatus
from tests.factories.accounts import UserFactory
from tests.factories.directory import OrganisationFactory
from tests.factories.financing import ToolFactory
from tests.factories.support import SupportOfferFactory

pytestmark = pytest.mark.django_db

ORGANISATION_LINK = re.compile(r'href="(/annuaire/structure/\d+/)"')


def page(client, organisation):
    return client.get(reverse("directory:organisation", args=[organisation.pk]))


def test_an_organisation_the_report_cites_has_a_public_page_but_stays_out_of_the_directory(
    client,
):
    directory_demo.load_report_organisations()
    etat = Organisation.objects.get(source=Source.REPORT, name="État")

    response = page(client, etat)

    assert response.status_code == 200
    assert "pas listée dans l'annuaire des entreprises de l'ESS" in response.content.decode()
    assert not Organisation.objects.publicly_listed().filter(pk=etat.pk).exists()


def test_the_provider_of_a_published_offer_has_a_public_page_not_that_of_a_pending_one(client):
    published = SupportOfferFactory(provider=OrganisationFactory(name="Boutique de gestion"))
    pending = SupportOfferFactory(provider=OrganisationFactory(), status=OfferStatus.PENDING)

    assert page(client, published.provider).status_code == 200
    assert page(client, pending.provider).status_code == 404
    # The offer's page links to its provider.
    html = client.get(published.get_absolute_url()).content.decode()
    assert published.provider.get_absolute_url() in html


def test_the_funder_of_a_published_tool_has_a_public_page_not_that_of_a_draft(client):
    funder, other = OrganisationFactory(name="Conseil départemental"), OrganisationFactory()
    ToolFactory(status=ToolStatus.PUBLISHED).funders.add(funder)
    ToolFactory(status=ToolStatus.DRAFT).funders.add(other)

    assert page(client, funder).status_code == 200
    assert page(client, other).status_code == 404


def test_an_organisation_outside_the_ess_that_no_page_links_to_stays_hidden(client):
    assert page(client, OrganisationFactory()).status_code == 404


@override_settings(ESSOR_CONTACT_EMAIL="contact@cress.example.org")
def test_an_organisation_without_contacts_says_how_to_reach_it_anyway(client):
    network = OrganisationFactory(name="Réseau des ressourceries", ess_family=EssFamily.ASSOCIATION)
    silent = OrganisationFactory(name="Ressourcerie du Pays", ess_family=EssFamily.ASSOCIATION)
    silent.networks.add(network)

    html = page(client, silent).content.decode()

    assert "Comment joindre cette structure" in html
    assert network.get_absolute_url() in html and "Réseau des ressourceries" in html
    assert "mailto:contact@cress.example.org" in html
    assert reverse("directory:suggest", args=[silent.pk]) in html
    assert "C'est ma structure</a>" in html
    assert reverse("directory:claim", args=[silent.pk]) in html


def test_an_organisation_with_contacts_shows_them_instead(client):
    reachable = OrganisationFactory(
        ess_family=EssFamily.ASSOCIATION, public_email="bonjour@exemple.example.org"
    )

    html = page(client, reachable).content.decode()

    assert "mailto:bonjour@exemple.example.org" in html
    assert "Comment joindre cette structure" not in html


def crawl(client, start="/", limit=150):
    """Follow the internal HTML links from `start`, each once, up to `limit` pages.
    Returns {url: status} of the pages fetched and the organisation links seen."""
    skipped = ("/static/", "/media/", "/gestion/", "/api/", "/comptes/deconnexion")
    seen, statuses, organisation_links = {start}, {}, set()
    queue = deque([start])
    while queue and len(statuses) < limit:
        url = queue.popleft()
        response = client.get(url)
        statuses[url] = response.status_code
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        organisation_links.update(ORGANISATION_LINK.findall(html))
        for link in re.findall(r'href="(/[^"#?]*)"', html):
            if link.startswith(skipped) or link in seen or "." in link.rsplit("/", 1)[-1]:
                continue
            seen.add(link)
            # Organisation pages first: they are what this crawl is about.
            (queue.appendleft if ORGANISATION_LINK.match(f'href="{link}"') else queue.append)(link)
    return statuses, organisation_links


def test_every_organisation_link_of_the_demo_leads_to_a_page(client):
    directory_demo.load_synthetic(scale=0.002)
    call_command("load_demo", stdout=io.StringIO())

    for user in [None, UserFactory()]:
        if user:
            client.force_login(user)
        statuses, organisation_links = crawl(client)
        assert organisation_links, "the crawl reached no organisation link"
        broken = {url: status for url, status in statuses.items() if status in (404, 500)}
        assert not broken
        for link in organisation_links:
            assert client.get(link).status_code == 200, link
    # Every offer's provider and every tool's funder, reached or not within the bound.
    for organisation in Organisation.objects.filter(
        Q(support_offers__status=OfferStatus.PUBLISHED)
        | Q(financing_tools__status=ToolStatus.PUBLISHED)
        | Q(initiative_roles__initiative__status=InitiativeStatus.PUBLISHED)
    ).distinct():
        assert page(client, organisation).status_code == 200, organisation.name
