import pytest
from django.urls import reverse
from django.utils import timezone

from essor.financing import demo
from essor.financing.enums import Beneficiary, Instrument, ToolStatus
from essor.financing.models import FinancingTool
from tests.factories.accounts import UserFactory
from tests.factories.directory import OrganisationFactory
from tests.factories.financing import ToolFactory, funder_member

pytestmark = pytest.mark.django_db

NIORT, AIFFRES, POITIERS, PARIS = "79191", "79003", "86194", "75056"
NIORTAIS = "200041317"


def titles(response):
    return {tool.title for tool in response.context["page"]}


def test_the_catalog_lists_published_tools_only(client):
    ToolFactory(title="Publié")
    ToolFactory(title="Brouillon", status=ToolStatus.DRAFT)
    ToolFactory(title="Archivé", status=ToolStatus.ARCHIVED)
    response = client.get(reverse("financing:index"))
    assert response.status_code == 200
    assert titles(response) == {"Publié"}


def test_the_header_links_the_financing_section(client):
    html = client.get("/").content.decode()
    assert f'href="{reverse("financing:index")}"' in html


def test_filters_by_instrument_full_text_and_facets(client):
    ToolFactory(title="Prêt d'honneur création", instrument=Instrument.HONOUR_LOAN,
                phases=["creation"], description="Pour les coopératives")  # fmt: skip
    ToolFactory(title="Subvention amorçage", phases=["idea"], beneficiaries=["scop"])
    ToolFactory(title="Ouvert à tous")
    url = reverse("financing:index")
    assert titles(client.get(url, {"instrument": "honour_loan"})) == {"Prêt d'honneur création"}
    assert titles(client.get(url, {"q": "cooperatives"})) == {"Prêt d'honneur création"}
    # A tool that declares no phase is open at every phase.
    assert titles(client.get(url, {"phase": "idea"})) == {"Subvention amorçage", "Ouvert à tous"}
    assert titles(client.get(url, {"beneficiary": "association"})) == {
        "Prêt d'honneur création",
        "Ouvert à tous",
    }


def test_territory_is_hierarchical_a_region_covers_its_communes_an_epci_only_its_own(client):
    ToolFactory(title="Régional")
    ToolFactory(title="Niortais", areas=[("epci", NIORTAIS, "CA du Niortais")])
    ToolFactory(title="National", areas=[("national", "FR", "France entière")])
    ToolFactory(title="Poitiers seulement", areas=[("commune", POITIERS, "Poitiers (86)")])
    ToolFactory(title="Deux-Sèvres", areas=[("departement", "79", "Deux-Sèvres (79)")])
    url = reverse("financing:index")
    assert titles(client.get(url, {"commune": AIFFRES})) == {
        "Régional", "Niortais", "National", "Deux-Sèvres",
    }  # fmt: skip
    assert titles(client.get(url, {"commune": POITIERS})) == {
        "Régional", "National", "Poitiers seulement",
    }  # fmt: skip
    assert titles(client.get(url, {"commune": PARIS})) == {"National"}


def test_an_unknown_commune_gets_a_french_error(client):
    ToolFactory(title="Régional")
    response = client.get(reverse("financing:index"), {"commune": "99999"})
    assert response.status_code == 200
    assert "Aucune commune n&#x27;a ce code INSEE." in response.content.decode()


def test_open_only_hides_closed_and_exhausted_calls(client):
    today = timezone.localdate()
    ToolFactory(title="Clos", closes_on=today - timezone.timedelta(days=1))
    ToolFactory(title="Épuisé", envelope="exhausted")
    ToolFactory(title="Ouvert", closes_on=today + timezone.timedelta(days=10))
    assert titles(client.get(reverse("financing:index"), {"open": "on"})) == {"Ouvert"}


def test_the_catalog_list_makes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    funder = OrganisationFactory()
    for n in range(15):
        ToolFactory(title=f"Outil {n}", funders=[funder])
    with django_assert_max_num_queries(6):
        response = client.get(reverse("financing:index"))
    assert len(response.context["page"]) == 15


def test_a_funder_creates_a_draft_then_publishes_it(client):
    user, funder = funder_member()
    client.force_login(user)
    data = {
        "title": "Fonds d'innovation", "summary": "Pour innover.", "instrument": "grant",
        "call_kind": "aap", "envelope": "open", "epcis": [NIORTAIS],
        "apply_mode": "dossier", "beneficiaries": ["association", "scic"],
        "amount_min": "1000", "amount_max": "5000", "closes_on": "2030-06-30",
        "sectors": ["action_sociale", "sante"],
    }  # fmt: skip
    response = client.post(reverse("financing:tool_create", args=[funder.pk]), data)
    tool = FinancingTool.objects.get()
    assert tool.sectors == ["action_sociale", "sante"]
    assert response.status_code == 302
    assert tool.status == ToolStatus.DRAFT and list(tool.funders.all()) == [funder]
    assert [a.label for a in tool.areas.all()] == ["CA du Niortais"]
    assert tool.beneficiaries == ["association", "scic"]
    assert client.get(reverse("financing:index")).context["page"].paginator.count == 0
    client.post(reverse("financing:tool_publish", args=[tool.pk]))
    tool.refresh_from_db()
    assert tool.status == ToolStatus.PUBLISHED and tool.published_at
    assert titles(client.get(reverse("financing:index"), {"beneficiary": "scic"})) == {
        "Fonds d'innovation"
    }


def test_nobody_else_creates_edits_or_sees_a_draft_tool(client):
    _, funder = funder_member()
    draft = ToolFactory(title="Brouillon", status=ToolStatus.DRAFT, funders=[funder])
    other_funder, _ = funder_member()
    for user in (UserFactory(), other_funder):
        client.force_login(user)
        assert (
            client.post(reverse("financing:tool_create", args=[funder.pk]), {}).status_code == 403
        )
        assert client.post(reverse("financing:tool_edit", args=[draft.pk]), {}).status_code == 403
        assert client.post(reverse("financing:tool_publish", args=[draft.pk])).status_code == 403
        assert client.get(draft.get_absolute_url()).status_code == 404
    draft.refresh_from_db()
    assert draft.status == ToolStatus.DRAFT


def test_bad_tool_input_gets_french_errors_and_saves_nothing(client):
    user, funder = funder_member()
    client.force_login(user)
    data = {
        "title": "Outil", "summary": "Résumé", "instrument": "grant", "call_kind": "aap",
        "envelope": "open", "epcis": ["123"], "apply_mode": "external",
        "amount_min": "5000", "amount_max": "1000",
        "opens_on": "2030-06-30", "closes_on": "2030-01-01",
    }  # fmt: skip
    response = client.post(reverse("financing:tool_create", args=[funder.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Aucune intercommunalité n&#x27;a le SIREN 123." in html
    assert "Le montant maximal est inférieur au montant minimal." in html
    assert "La clôture précède l&#x27;ouverture." in html
    assert "Indiquez le lien pour candidater." in html
    assert not FinancingTool.objects.exists()


def test_the_tool_page_shows_funder_territory_and_what_it_unlocks(client):
    funder = OrganisationFactory(name="France Active")
    loan = ToolFactory(title="Prêt d'honneur", funders=[funder], beneficiaries=[Beneficiary.SCOP])
    guarantee = ToolFactory(title="Garantie")
    loan.unlocks.add(guarantee)
    html = client.get(loan.get_absolute_url()).content.decode()
    assert "France Active" in html and "Nouvelle-Aquitaine" in html and "SCOP" in html
    assert "Permet ensuite de mobiliser" in html and "Garantie" in html
    html = client.get(guarantee.get_absolute_url()).content.decode()
    assert "À obtenir avant" in html


def test_the_demo_creates_the_reports_tools_flagged_illustrative_and_reruns_without_duplicates(
    client,
):
    demo.load()
    demo.load()
    tools = FinancingTool.objects.all()
    assert tools.count() == 10
    assert all(tool.is_illustrative and tool.import_id for tool in tools)
    names = {tool.title for tool in tools}
    assert {"Cap Amorçage", "Fonds de dotation la Solidaire", "Titres associatifs"} <= names
    solidaire = tools.get(import_id="rapport-2016:la-solidaire")
    [area] = solidaire.areas.all()
    assert area.level == "epci" and area.label.startswith("CC Haute")
    assert solidaire.funders.get().name == "la Solidaire"
    html = client.get(solidaire.get_absolute_url()).content.decode()
    assert "illustratifs" in html
    assert FinancingTool.objects.get(import_id="rapport-2016:pret-honneur").unlocks.count() == 1


def test_the_calendar_and_its_ical_feed_list_upcoming_deadlines(client):
    today = timezone.localdate()
    ToolFactory(title="Appel, bientôt clos", closes_on=today + timezone.timedelta(days=12))
    ToolFactory(title="Permanent")
    html = client.get(reverse("financing:calendar")).content.decode()
    assert "Appel, bientôt clos" in html and "Permanent" not in html
    response = client.get(reverse("financing:calendar_ics"))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    closes = today + timezone.timedelta(days=12)
    assert f"DTSTART;VALUE=DATE:{closes:%Y%m%d}" in body
    assert "SUMMARY:Clôture : Appel\\, bientôt clos" in body
    assert body.count("BEGIN:VEVENT") == 1


def test_a_tool_can_serve_a_radius_around_a_commune_and_keeps_its_territory_when_edited(
    client,
):
    user, funder = funder_member()
    client.force_login(user)
    data = {
        "title": "Fonds de proximité", "summary": "Autour de Niort.", "instrument": "grant",
        "call_kind": "permanent", "envelope": "open", "apply_mode": "dossier",
        "radius_commune": "Niort (79191)", "radius_km": "20", "departements": ["86"],
    }  # fmt: skip
    response = client.post(reverse("financing:tool_create", args=[funder.pk]), data)
    assert response.status_code == 302
    tool = FinancingTool.objects.get()
    client.post(reverse("financing:tool_publish", args=[tool.pk]))
    url = reverse("financing:index")
    assert titles(client.get(url, {"commune": AIFFRES})) == {"Fonds de proximité"}
    assert titles(client.get(url, {"commune": POITIERS})) == {"Fonds de proximité"}
    assert titles(client.get(url, {"commune": "79049"})) == set()  # Bressuire, 60 km away

    form = client.get(reverse("financing:tool_edit", args=[tool.pk])).context["form"]
    data = {**data, "title": "Fonds de proximité renouvelé"}
    assert form["radius_km"].value() == 20 and form["departements"].value() == ["86"]
    client.post(reverse("financing:tool_edit", args=[tool.pk]), data)
    assert sorted(a.label for a in tool.areas.all()) == [
        "20 km autour de Niort (79)",
        "Vienne (86)",
    ]
