from datetime import date

import pytest
from django.urls import reverse

from essor.directory.enums import Phase
from essor.directory.models import Establishment
from essor.financing.enums import Beneficiary, Envelope, Need
from essor.financing.matching import Profile, judge, match
from essor.territories.models import Commune
from tests.factories.accounts import UserFactory
from tests.factories.directory import MembershipFactory, OrganisationFactory
from tests.factories.financing import ToolFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 1)


@pytest.fixture
def niort():
    return Commune.objects.get(code="79191")


def test_an_eligible_tool_says_why_it_fits(niort):
    tool = ToolFactory(beneficiaries=[Beneficiary.SCOP], phases=[Phase.CREATION],
                       needs=[Need.INVESTMENT], amount_min=1000, amount_max=20000,
                       closes_on=date(2026, 6, 30))  # fmt: skip
    profile = Profile(beneficiaries={Beneficiary.SCOP}, phase=Phase.CREATION,
                      needs={Need.INVESTMENT}, commune=niort, amount=5000, today=TODAY)  # fmt: skip
    verdict = judge(tool, profile)
    assert verdict.eligible
    assert verdict.reasons == [
        "Ouvert jusqu'au 30/06/2026.",
        "Ouvert aux structures de votre forme : SCOP.",
        "Finance l'étape « Création et démarrage ».",
        "Couvre votre besoin : Investissement.",
        "Couvre Niort (Nouvelle-Aquitaine).",
        "Le montant recherché est dans la fourchette du dispositif.",
    ]


@pytest.mark.parametrize(
    ("tool_kwargs", "objection"),
    [
        ({"beneficiaries": [Beneficiary.ASSOCIATION]}, "Réservé à : Association."),
        ({"phases": [Phase.IDEA]}, "Finance seulement les étapes : Idée et émergence."),
        ({"needs": [Need.EQUITY]}, "Ne finance que : Fonds propres."),
        ({"min_age_months": 36}, "Il faut au moins 36 mois d'existence."),
        ({"max_age_months": 6}, "Réservé aux structures de moins de 6 mois."),
        ({"amount_min": 50000}, "Le montant minimal est de 50000 €."),
        ({"envelope": Envelope.EXHAUSTED}, "Enveloppe épuisée."),
        ({"closes_on": date(2026, 2, 1)}, "L'appel est clos depuis le 01/02/2026."),
        (
            {"areas": [("epci", "200069854", "Grand Poitiers")]},
            "Ne couvre pas Niort : territoire Grand Poitiers.",
        ),
    ],
)
def test_a_rejected_tool_says_why_not(niort, tool_kwargs, objection):
    tool = ToolFactory(**tool_kwargs)
    profile = Profile(beneficiaries={Beneficiary.SCOP}, age_months=12, phase=Phase.CREATION,
                      needs={Need.INVESTMENT}, commune=niort, amount=5000, today=TODAY)  # fmt: skip
    verdict = judge(tool, profile)
    assert not verdict.eligible
    assert verdict.objections == [objection]


def test_unknown_facts_of_the_profile_are_not_held_against_it():
    tool = ToolFactory(beneficiaries=[Beneficiary.SCIC], phases=[Phase.IDEA], min_age_months=12)
    assert judge(tool, Profile(today=TODAY)).eligible


def test_eligible_tools_are_ranked_by_how_many_criteria_they_meet(niort):
    precise = ToolFactory(title="Précis", beneficiaries=[Beneficiary.SCOP], phases=[Phase.CREATION])
    vague = ToolFactory(title="Vague")
    ToolFactory(title="Autre territoire", areas=[("departement", "86", "Vienne (86)")])
    profile = Profile(beneficiaries={Beneficiary.SCOP}, phase=Phase.CREATION, commune=niort,
                      today=TODAY)  # fmt: skip
    eligible, rejected = match(profile)
    assert [v.tool for v in eligible] == [precise, vague]
    assert [v.tool.title for v in rejected] == ["Autre territoire"]


def test_an_organisations_profile_comes_from_the_directory(niort):
    organisation = OrganisationFactory(
        name="Les Ateliers", legal_category="5458", ess_family="cooperative", is_esus=True,
        created_on=date(2024, 3, 1),
    )  # fmt: skip
    Establishment.objects.create(
        organisation=organisation, commune=niort, is_head_office=True, naf="88.10A"
    )
    Establishment.objects.create(organisation=organisation, commune=niort, naf="93.12Z")
    Establishment.objects.create(
        organisation=organisation, commune=niort, naf="56.10A", status="closed"
    )
    profile = Profile.for_organisation(organisation, today=TODAY)
    assert profile.beneficiaries == {"cooperative", "scop", "esus"}
    assert profile.age_months == 24 and profile.commune == niort
    # The sectors of its active establishments, not of a closed one.
    assert profile.sectors == {"action_sociale", "sport_loisirs"}


def test_mes_financements_possibles_for_a_members_organisation(client, niort):
    organisation = OrganisationFactory(name="Coop", legal_category="5458", ess_family="cooperative")
    Establishment.objects.create(organisation=organisation, commune=niort, is_head_office=True)
    user = UserFactory()
    MembershipFactory(user=user, organisation=organisation)
    fitting = ToolFactory(title="Pour les SCOP", beneficiaries=[Beneficiary.SCOP])
    later = ToolFactory(title="Garantie")
    fitting.unlocks.add(later)
    ToolFactory(title="Pour les associations", beneficiaries=[Beneficiary.ASSOCIATION])
    client.force_login(user)
    response = client.get(reverse("financing:matching"), {"organisation": organisation.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert [v.tool.title for v in response.context["eligible"]] == ["Pour les SCOP", "Garantie"]
    assert "Ouvert aux structures de votre forme" in html
    assert "Il permet ensuite de mobiliser" in html
    assert "Pour les associations — pourquoi pas ?" in html and "Réservé à : Association." in html


def test_someone_cannot_match_as_an_organisation_they_do_not_belong_to(client):
    organisation = OrganisationFactory()
    user = UserFactory()
    MembershipFactory(user=user)  # a member of some other organisation
    client.force_login(user)
    response = client.get(reverse("financing:matching"), {"organisation": organisation.pk})
    assert response.status_code == 400 and response.context["eligible"] is None
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_a_project_profile_without_an_organisation(client):
    ToolFactory(title="Régional", phases=[Phase.IDEA])
    ToolFactory(title="Poitiers", areas=[("commune", "86194", "Poitiers (86)")])
    response = client.get(
        reverse("financing:matching"),
        {"beneficiary": "project", "phase": "idea", "commune": "79191", "amount": "3000"},
    )
    assert [v.tool.title for v in response.context["eligible"]] == ["Régional"]
    assert [v.tool.title for v in response.context["rejected"]] == ["Poitiers"]


def test_a_tool_reserved_to_sectors_fits_projects_of_those_sectors_only(client):
    ToolFactory(title="Pour l'action sociale", sectors=["action_sociale"])
    ToolFactory(title="Tous secteurs")
    response = client.get(reverse("financing:matching"), {"sector": "sport_loisirs"})
    assert [v.tool.title for v in response.context["eligible"]] == ["Tous secteurs"]
    assert "Réservé à d&#x27;autres secteurs d&#x27;activité." in response.content.decode()
    response = client.get(reverse("financing:matching"), {"sector": "action_sociale"})
    assert {v.tool.title for v in response.context["eligible"]} == {
        "Pour l'action sociale", "Tous secteurs",
    }  # fmt: skip
    forged = client.get(reverse("financing:matching"), {"sector": "nope"})
    assert forged.status_code == 400 and forged.context["eligible"] is None
    assert "Sélectionnez un choix valide" in forged.content.decode()


def test_the_shared_phases_migration_renames_seed_and_takeover_everywhere():
    from importlib import import_module

    from django.apps import apps

    from essor.financing.models import FinancingTool, SavedSearch

    migration = import_module("essor.financing.migrations.0003_shared_phases")
    tool = ToolFactory(phases=[Phase.CREATION])
    FinancingTool.objects.filter(pk=tool.pk).update(
        phases=["seed", "creation", "takeover"], facets=" phase:seed phase:creation phase:takeover "
    )
    search = SavedSearch.objects.create(
        user=UserFactory(), name="Amorçage", params={"phase": "seed"}
    )

    migration.forwards(apps, None)

    tool.refresh_from_db()
    search.refresh_from_db()
    assert tool.phases == ["idea", "creation", "transfer"]
    assert tool.facets == " phase:idea phase:creation phase:transfer "
    assert search.params == {"phase": "idea"}
    assert list(FinancingTool.objects.with_facet("phase", "transfer")) == [tool]
