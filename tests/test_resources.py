"""Resources: « Qu'est-ce que l'ESS ? », the legal-forms guide and chooser, the training
catalog and the staff's Markdown pages."""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from essor.core import report
from essor.resources import legal_forms
from essor.resources.demo import load_demo_trainings
from essor.resources.enums import TrainingAudience, TrainingFormat
from essor.resources.models import Page, Training
from essor.resources.services import REPORT_TEXT
from essor.territories.models import Departement, Epci, Region
from tests.factories.accounts import UserFactory
from tests.factories.directory import OrganisationFactory

pytestmark = pytest.mark.django_db

# The report's text as the app ships it, without the PDF extraction's emphasis marks.
SEED = REPORT_TEXT.read_text(encoding="utf-8").replace("*", "")


def text(response):
    return html.unescape(response.content.decode())


# « Qu'est-ce que l'ESS ? »


def test_what_is_ess_gives_the_law_s_three_conditions_families_and_figures(client):
    page = text(client.get(reverse("resources:what_is_ess")))
    assert "loi n° 2014-856 du 31 juillet 2014" in page.replace("\xa0", " ")
    assert "autre que le seul partage des bénéfices" in page
    assert "gouvernance démocratique" in page.lower()
    assert "impartageables" in page
    for family in [
        "Les associations",
        "Les coopératives",
        "Les mutuelles",
        "Les fondations",
        "Les sociétés commerciales de l'ESS",
    ]:
        assert family in page
    for figure in report.key_figures():
        assert figure["value"] in page
        assert figure["quote"] in page
    source = report.source()
    assert f"{source['title']}, {', '.join(source['authors'])}, {source['year']}" in page
    assert 'href="/annuaire/' in page
    assert 'href="/initiatives/"' in page


# The legal-forms guide


def test_the_guide_covers_every_form_asked_for_with_every_criterion_and_its_law():
    names = " ".join(f.name for f in legal_forms.LEGAL_FORMS)
    for expected in ["Association loi 1901", "SCOP", "SCIC", "CAE", "Groupement d'employeurs",
                     "Mutuelle", "Fondation", "Fonds de dotation", "sans agrément ESUS", "avec agrément ESUS"]:  # fmt: skip
        assert expected in names
    assert len(legal_forms.LEGAL_FORMS) == 10
    for form in legal_forms.LEGAL_FORMS:
        assert all(text.strip() for _, text in form.cells()), form.slug
        assert len(form.cells()) == 7
        assert re.search(r"[Ll]oi|[Cc]ode", form.law), form.slug
    laws = " ".join(f.law for f in legal_forms.LEGAL_FORMS)
    for citation in ["1er juillet 1901", "n° 47-1775", "n° 78-763", "n° 2001-624", "n° 2014-856",
                     "articles 1er et 11", "Code de la mutualité", "n° 87-571", "n° 2008-776", "article 140"]:  # fmt: skip
        assert citation in laws, citation


def test_the_comparison_table_is_an_accessible_table(client):
    page = text(client.get(reverse("resources:legal_forms")))
    assert '<caption id="legende-formes">' in page
    assert 'role="region" aria-labelledby="legende-formes" tabindex="0"' in page
    assert page.count('<th scope="col">') == 8
    assert page.count('<th scope="row">') == 10
    for form in legal_forms.LEGAL_FORMS:
        assert form.name in page
        assert reverse("resources:legal_form", args=[form.slug]) in page
    # The narrow-screen version: one card per form.
    assert page.count('<li class="card" id="fiche-') == 10
    assert page.count('href="#fiche-') == 10
    assert "vérifiez-les avec un accompagnateur" in page


def test_each_form_has_its_own_page_and_unknown_ones_are_404(client):
    for form in legal_forms.LEGAL_FORMS:
        page = text(client.get(reverse("resources:legal_form", args=[form.slug])))
        assert form.law in page
    assert client.get("/ressources/formes-juridiques/sarl-classique/").status_code == 404


# « Quelle forme pour mon projet ? »


def test_the_chooser_has_a_stable_address_for_the_orientation_assistant():
    assert reverse("resources:legal_form_chooser") == "/ressources/quelle-forme-pour-mon-projet/"


@pytest.mark.parametrize(
    ("answers", "first"),
    [
        (
            {
                "qui": "salaries",
                "activite": "marchand",
                "benefices": "encadre",
                "utilite": "en_partie",
            },
            "scop",
        ),
        (
            {"qui": "multi", "activite": "mixte", "benefices": "encadre", "utilite": "principal"},
            "scic",
        ),
        (
            {"qui": "seul", "activite": "marchand", "benefices": "encadre", "utilite": "en_partie"},
            "cae",
        ),
        (
            {
                "qui": "employeurs",
                "activite": "non_marchand",
                "benefices": "aucun",
                "utilite": "non",
            },
            "groupement-d-employeurs",
        ),
        (
            {
                "qui": "donateurs",
                "activite": "non_marchand",
                "benefices": "aucun",
                "utilite": "principal",
            },
            "fonds-de-dotation",
        ),
        (
            {
                "qui": "benevoles",
                "activite": "non_marchand",
                "benefices": "aucun",
                "utilite": "principal",
            },
            "association",
        ),
        (
            {
                "qui": "associes",
                "activite": "marchand",
                "benefices": "encadre",
                "utilite": "principal",
            },
            "societe-commerciale-ess-esus",
        ),
        (
            {
                "qui": "associes",
                "activite": "marchand",
                "benefices": "encadre",
                "utilite": "en_partie",
            },
            "societe-commerciale-ess",
        ),
    ],
)
def test_the_chooser_suggests_the_form_that_fits_and_says_why(client, answers, first):
    response = client.get(reverse("resources:legal_form_chooser"), answers)
    assert response.status_code == 200
    suggestions = response.context["suggestions"]
    assert suggestions[0].form.slug == first
    assert suggestions[0].reasons
    page = text(response)
    assert "Pourquoi" in page
    assert reverse("resources:legal_form", args=[first]) in page
    assert "checked" in page  # the answers stay selected


def test_the_chooser_warns_when_profits_are_to_be_shared_freely(client):
    response = client.get(
        reverse("resources:legal_form_chooser"),
        {"qui": "associes", "activite": "marchand", "benefices": "libre", "utilite": "non"},
    )
    page = text(response)
    assert "sort du cadre de l'économie sociale et solidaire" in page
    assert all(
        not s.form.slug.startswith("societe-commerciale") for s in response.context["suggestions"]
    )


def test_the_chooser_asks_for_missing_answers_in_french(client):
    response = client.get(
        reverse("resources:legal_form_chooser"), {"qui": "salaries", "benefices": "nimporte"}
    )
    assert response.status_code == 400
    page = text(response)
    assert "Répondez à cette question" in page
    assert response.context["suggestions"] is None
    blank = client.get(reverse("resources:legal_form_chooser"))
    assert blank.status_code == 200
    assert "Voir les formes adaptées" in text(blank)


# The training catalog


@pytest.fixture
def trainings():
    haute_vienne = Departement.objects.get(code="87")
    gironde = Departement.objects.get(code="33")
    epci = Epci.objects.filter(communes__departement=gironde).first()
    region = Region.objects.get(code="75")
    organiser = OrganisationFactory(name="URSCOP Limousin")
    made = {
        "gouvernance": Training.objects.create(
            title="Gouvernance coopérative",
            organiser=organiser,
            audiences=[TrainingAudience.LEADERS],
            format=TrainingFormat.ON_SITE,
            duration="2 jours",
            departement=haute_vienne,
            cost="300 €",
            opco_fundable=True,
        ),
        "benevoles": Training.objects.create(
            title="Être trésorier bénévole",
            organiser_name="Ligue de l'enseignement",
            audiences=[TrainingAudience.VOLUNTEERS, TrainingAudience.LEADERS],
            format=TrainingFormat.REMOTE,
            duration="3 h",
            cost="Gratuit",
            is_free=True,
        ),
        "elus": Training.objects.create(
            title="L'ESS pour les élus",
            organiser_name="CNFPT",
            audiences=[TrainingAudience.ELECTED_AND_STAFF],
            format=TrainingFormat.ON_SITE,
            duration="1 jour",
            epci=epci,
            cost="Gratuit",
            is_free=True,
        ),
        "region": Training.objects.create(
            title="Créer en SCIC",
            organiser_name="URSCOP",
            audiences=[TrainingAudience.PROJECT_CREATORS],
            format=TrainingFormat.BLENDED,
            duration="4 jours",
            region=region,
            cost="600 €",
        ),
        "hidden": Training.objects.create(
            title="Brouillon",
            organiser_name="X",
            audiences=[TrainingAudience.LEADERS],
            format=TrainingFormat.ON_SITE,
            duration="1 h",
            cost="0",
            status="pending",
        ),
    }
    for training in made.values():
        training.refresh_search_text()
        training.save()
    return made


def found(client, **params):
    response = client.get(reverse("resources:trainings"), params)
    assert response.status_code == 200
    return {t.title for t in response.context["page"]}


def test_the_training_catalog_filters_by_audience_format_territory_cost_and_opco(client, trainings):
    assert found(client) == {
        "Gouvernance coopérative",
        "Être trésorier bénévole",
        "L'ESS pour les élus",
        "Créer en SCIC",
    }
    assert found(client, public="benevoles") == {"Être trésorier bénévole"}
    assert found(client, public="dirigeants") == {
        "Gouvernance coopérative",
        "Être trésorier bénévole",
    }
    assert found(client, format="distanciel") == {"Être trésorier bénévole"}
    assert found(client, opco="on") == {"Gouvernance coopérative"}
    assert found(client, gratuit="on") == {"Être trésorier bénévole", "L'ESS pour les élus"}
    # Gironde: its EPCI's training, the region-wide one and the one with no place.
    assert found(client, departement="33") == {
        "L'ESS pour les élus",
        "Créer en SCIC",
        "Être trésorier bénévole",
    }
    assert found(client, departement="87") == {
        "Gouvernance coopérative",
        "Créer en SCIC",
        "Être trésorier bénévole",
    }
    assert found(client, q="TRESORIER benevole") == {"Être trésorier bénévole"}
    assert found(client, q="urscop limousin") == {"Gouvernance coopérative"}


def test_bad_training_filters_get_a_400(client, trainings):
    response = client.get(reverse("resources:trainings"), {"public": "astronautes"})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in text(response)


def test_a_training_page_shows_its_facts_and_hidden_ones_are_404(client, trainings):
    page = text(client.get(trainings["gouvernance"].get_absolute_url()))
    assert "URSCOP Limousin" in page
    assert "Dirigeants" in page
    assert "Haute-Vienne" in page
    assert "Possible" in page
    assert client.get(trainings["hidden"].get_absolute_url()).status_code == 404


def test_a_training_has_one_territory_level_and_an_organiser():
    training = Training(
        title="X",
        audiences=[TrainingAudience.LEADERS],
        format=TrainingFormat.ON_SITE,
        duration="1 h",
        cost="0",
        region=Region.objects.get(code="75"),
        departement=Departement.objects.get(code="87"),
    )
    with pytest.raises(ValidationError) as error:
        training.full_clean()
    assert "un seul niveau de territoire" in str(error.value)
    training.region = None
    with pytest.raises(ValidationError, match="organisme"):
        training.full_clean()
    training.organiser_name = "CRESS"
    training.full_clean()
    training.audiences = ["astronautes"]
    with pytest.raises(ValidationError, match="astronautes"):
        training.full_clean()


def test_the_demo_trainings_are_the_report_s_real_ones_replacing_the_fictitious(client):
    Training.objects.create(
        title="Formation fictive", organiser_name="Organisme fictif", audiences=["porteurs"],
        is_illustrative=True,
    )  # fmt: skip
    records = load_demo_trainings.step.read()["records"]
    assert load_demo_trainings() == len(records)
    assert load_demo_trainings() == 0
    assert not Training.objects.filter(is_illustrative=True).exists()
    page = text(client.get(reverse("resources:trainings")))
    assert "illustratif" not in page
    for record in records:
        assert record["title"] in page
        # What the report says of it, word for word.
        quote = record["description"].split("« ")[1].rstrip(" »…")
        assert quote[:120] in SEED
    pivoine = Training.objects.get(organiser_name="Association Pivoine")
    detail = text(client.get(pivoine.get_absolute_url()))
    assert "Faux-la-Montagne" in detail and "Non précisé" in detail


# Staff pages


def test_staff_pages_are_sanitised_markdown_and_drafts_stay_hidden(client):
    Page.objects.create(
        title="Créer une SCIC",
        slug="creer-une-scic",
        is_published=True,
        body="## Étapes\n\n**Réunir** les associés <script>alert(1)</script> [x](javascript:alert(1))",
    )
    Page.objects.create(title="Brouillon", slug="brouillon", body="…")
    page = text(client.get(reverse("resources:page", args=["creer-une-scic"])))
    assert "<h2>Étapes</h2>" in page
    assert "<strong>Réunir</strong>" in page
    assert "<script>alert" not in page
    assert "javascript:" not in page
    assert client.get(reverse("resources:page", args=["brouillon"])).status_code == 404
    index = text(client.get(reverse("resources:index")))
    assert "Créer une SCIC" in index
    assert "Brouillon" not in index


def test_only_cress_staff_manage_trainings_and_pages_in_the_admin(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:resources_training_changelist")).status_code == 403
    client.force_login(UserFactory(cress_staff=True))
    assert client.get(reverse("admin:resources_training_changelist")).status_code == 200
    assert client.get(reverse("admin:resources_training_add")).status_code == 200
    assert client.get(reverse("admin:resources_page_add")).status_code == 200
    assert client.get(reverse("admin:initiatives_initiative_changelist")).status_code == 200


def test_the_header_menu_links_the_resources_and_the_index_lists_them(client):
    home = text(client.get(reverse("portal:home")))
    assert re.search(r'href="/ressources/"[^>]*>Ressources<', home)
    index = text(client.get(reverse("resources:index")))
    for name in ["what_is_ess", "legal_forms", "legal_form_chooser", "trainings"]:
        assert reverse(f"resources:{name}") in index
