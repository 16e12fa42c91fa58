"""« Publicly listed » is one rule (essor/directory/models.py, PUBLICLY_LISTED): the search
index's triggers, /annuaire/ and its map, the platform search, the open-data API and the
organisation's page all follow it — on SQLite and on PostgreSQL."""

import itertools

import pytest
from django.urls import reverse

from essor.directory import services
from essor.directory.enums import AdministrativeStatus, EssFamily, Source
from essor.directory.models import Organisation
from essor.search.backends import BBox, SearchFilters, get_backend
from essor.search.platform import search_everything
from essor.support.enums import HelpKind, OfferStatus
from essor.support.models import SupportOffer
from tests.factories.directory import EssOrganisationFactory, EstablishmentFactory
from tests.factories.territories import LIMOGES, commune

pytestmark = pytest.mark.django_db

FRANCE = BBox(-5.0, 41.0, 10.0, 51.5)


def index_ids():
    return set(get_backend().ids(SearchFilters()))


def test_the_search_index_holds_exactly_the_publicly_listed_organisations():
    for n, (status, family) in enumerate(
        itertools.product(AdministrativeStatus.values, ["", *EssFamily.values])
    ):
        organisation = EssOrganisationFactory(
            name=f"Structure {n}", status=status, ess_family=family
        )
        EstablishmentFactory(organisation=organisation, commune=commune(LIMOGES))
    listed = set(Organisation.objects.publicly_listed().values_list("pk", flat=True))
    assert listed and index_ids() == listed

    # The triggers follow every change of what the rule reads.
    Organisation.objects.filter(status=AdministrativeStatus.ACTIVE).update(
        status=AdministrativeStatus.CLOSED
    )
    assert index_ids() == set()
    Organisation.objects.update(status=AdministrativeStatus.ACTIVE)
    Organisation.objects.filter(ess_family=EssFamily.MUTUAL).update(ess_family="")
    listed = set(Organisation.objects.publicly_listed().values_list("pk", flat=True))
    assert listed and index_ids() == listed


@pytest.mark.parametrize(
    "fields",
    [{"ess_family": ""}, {"status": AdministrativeStatus.CLOSED}],
    ids=["outside-the-ess", "closed"],
)
def test_an_unlisted_organisation_is_found_nowhere(client, fields):
    listed = EssOrganisationFactory(name="Recyclerie listée")
    unlisted = EssOrganisationFactory(name="Recyclerie cachée", **fields)
    for organisation in (listed, unlisted):
        EstablishmentFactory(organisation=organisation, commune=commune(LIMOGES))

    annuaire = client.get(reverse("search:directory"), {"q": "recyclerie"}).content.decode()
    assert "Recyclerie listée" in annuaire and "Recyclerie cachée" not in annuaire
    groups = search_everything("recyclerie").groups
    found = [hit.title for group in groups if group.kind.name == "structures" for hit in group.hits]
    assert found == ["Recyclerie listée"]
    sites = get_backend().sites_in(SearchFilters(), FRANCE, 100)
    assert {org_id for _, org_id in sites} == {listed.pk}
    api = client.get("/api/structures/", {"q": "recyclerie"}).json()
    assert [row["nom"] for row in api["resultats"]] == ["Recyclerie listée"]
    assert client.get(f"/api/structures/{unlisted.pk}/").status_code == 404


def test_the_page_of_an_unlisted_organisation_needs_a_registered_reason(client):
    outside = EssOrganisationFactory(name="SAS ordinaire", outside_ess=True)
    closed = EssOrganisationFactory(status=AdministrativeStatus.CLOSED)
    cited = EssOrganisationFactory(outside_ess=True, source=Source.REPORT)
    provider = EssOrganisationFactory(name="Cabinet conseil", outside_ess=True)

    def status(organisation):
        url = reverse("directory:organisation", args=[organisation.pk])
        return client.get(url).status_code

    assert status(outside) == 404
    # The directory's own reasons: a closed organisation of the ESS says since when, the
    # report's organisations quote it.
    assert status(closed) == 200
    assert status(cited) == 200
    assert status(provider) == 404
    # A feature app's reason (support: the provider of a published offer).
    SupportOffer.objects.create(
        provider=provider,
        title="Diagnostic",
        description="Une offre.",
        help_kinds=[HelpKind.INDIVIDUAL],
        status=OfferStatus.PUBLISHED,
    )
    assert status(provider) == 200
    four = Organisation.objects.filter(pk__in=[outside.pk, closed.pk, cited.pk, provider.pk])
    assert set(services.with_public_page(four).values_list("pk", flat=True)) == {
        closed.pk,
        cited.pk,
        provider.pk,
    }
    # None of them is listed: the page exists, the listings do not show it.
    assert not index_ids() & {outside.pk, closed.pk, cited.pk, provider.pk}
    api = client.get("/api/structures/", {"limit": 100}).json()
    assert not {row["id"] for row in api["resultats"]} & {closed.pk, cited.pk, provider.pk}
