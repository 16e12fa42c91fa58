"""« Vers qui me tourner ? »: ten realistic situations, the free-text entry, the assistant
step by step without JavaScript, the fallbacks, and the parcours du créateur in PDF."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from essor.support import demo, parcours
from essor.support.enums import HelpKind, OfferStatus, ParcoursStatus, ProviderKind
from essor.support.lexicon import interpret
from essor.support.matching import Criteria, orient
from essor.support.models import Parcours, SupportOffer
from essor.support.parcours import optional_url
from essor.territories.areas import Place
from essor.territories.models import Commune
from tests.factories.support import SupportOfferFactory
from tests.utils import DB_TASKS, pdf_text, run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_offers():
    demo.load()


def criteria_at(code, **answers):
    commune = Commune.objects.select_related("departement", "epci").get(code=code)
    return Criteria(commune=commune, departement=commune.departement, **answers)


def covers(offer, code):
    place = Place.of_commune(Commune.objects.select_related("departement").get(code=code))
    return SupportOffer.objects.covering(place).filter(pk=offer.pk).exists()


# Each situation: where, the answers, then what the first results must be — the kinds of
# provider expected among the first three, and names expected first or among the first.
SITUATIONS = [
    pytest.param(
        "23096",  # Guéret, Creuse
        {"phase": "transfer", "legal_form": "scop", "project": "collective"},
        {ProviderKind.URSCOP, ProviderKind.SOLIDARITY_FINANCE},
        "URSCOP Limousin",
        id="reprendre-une-entreprise-en-scop-en-creuse",
    ),
    pytest.param(
        "33435",  # Saint-Macaire, Sud-Gironde
        {
            "phase": "creation",
            "legal_form": "association",
            "project": "collective",
            "needs": [HelpKind.FIRST_INFO, HelpKind.INDIVIDUAL],
        },  # fmt: skip
        {ProviderKind.LOCAL_HUB, ProviderKind.CRESS},
        "Cap Solidaire",
        id="creer-une-association-en-gironde-rurale",
    ),
    pytest.param(
        "86066",  # Châtellerault, Vienne
        {
            "phase": "consolidation",
            "legal_form": "association",
            "project": "organisation",
            "sector": "action_sociale",
        },  # fmt: skip
        {ProviderKind.DLA},
        "DLA 86",
        id="structure-d-insertion-qui-se-consolide-dans-la-vienne",
    ),
    pytest.param(
        "87085",  # Limoges
        {
            "phase": "creation",
            "legal_form": "scic",
            "project": "collective",
            "sector": "hebergement_restauration",
            "needs": [HelpKind.FIRST_INFO, HelpKind.INDIVIDUAL, HelpKind.FUNDING],
        },  # fmt: skip
        {ProviderKind.URSCOP, ProviderKind.PUBLIC_BODY, ProviderKind.BGE},
        "URSCOP Limousin",
        id="cafe-collectif-a-limoges",
    ),
    pytest.param(
        "24322",  # Périgueux, Dordogne
        {
            "phase": "consolidation",
            "legal_form": "association",
            "project": "organisation",
            "needs": [HelpKind.TRAINING],
        },  # fmt: skip
        {ProviderKind.NETWORK, ProviderKind.DLA},
        "La Fonda Sud Ouest",
        id="benevoles-du-ca-a-former-a-la-gouvernance-en-dordogne",
    ),
    pytest.param(
        "19272",  # Tulle, Corrèze
        {
            "phase": "difficulty",
            "legal_form": "association",
            "project": "organisation",
            "needs": [HelpKind.INDIVIDUAL, HelpKind.FINANCIAL],
        },  # fmt: skip
        {ProviderKind.DLA, ProviderKind.SOLIDARITY_FINANCE},
        "DLA 19",
        id="association-en-difficulte-en-correze",
    ),
    pytest.param(
        "79191",  # Niort, Deux-Sèvres
        {
            "phase": "creation",
            "legal_form": "employer_group",
            "project": "organisation",
            "needs": [HelpKind.INDIVIDUAL, HelpKind.HR],
        },  # fmt: skip
        {ProviderKind.RESOURCE_CENTRE},
        "Centre de Ressources des Groupements d'Employeurs",
        id="creer-un-groupement-d-employeurs-a-niort",
    ),
    pytest.param(
        "33063",  # Bordeaux
        {"phase": "idea", "legal_form": "cae", "project": "individual", "needs": [HelpKind.CAE]},
        {ProviderKind.CAE, ProviderKind.NETWORK},
        "Coop Alpha",
        id="tester-son-activite-en-cae-a-bordeaux",
    ),
    pytest.param(
        "40192",  # Mont-de-Marsan, Landes
        {
            "phase": "idea",
            "project": "collective",
            "needs": [HelpKind.INCUBATION, HelpKind.INDIVIDUAL],
        },  # fmt: skip
        {ProviderKind.INCUBATOR},
        "Association Territoires & Innovation sociale",
        id="idee-d-innovation-sociale-dans-les-landes",
    ),
    pytest.param(
        "16015",  # Angoulême, Charente
        {
            "phase": "idea",
            "project": "individual",
            "needs": [HelpKind.FIRST_INFO, HelpKind.TRAINING],
        },  # fmt: skip
        {ProviderKind.BGE, ProviderKind.CRESS},
        "BGE Poitou-Charentes",
        id="createur-seul-avec-une-idee-en-charente",
    ),
]


@pytest.mark.parametrize(("code", "answers", "kinds", "first"), SITUATIONS)
def test_realistic_situations_get_relevant_explained_results_first(
    demo_offers, code, answers, kinds, first
):
    result = orient(criteria_at(code, **answers))

    top = result.ranked[:3]
    assert len(top) >= 1
    assert result.ranked[0].offer.provider.name == first
    assert {m.offer.provider_kind for m in top} & kinds
    for match in top:
        # Every first result serves the person's commune, and says so and why.
        assert covers(match.offer, code)
        assert match.reasons[0].startswith(f"Couvre {result.place.commune.name} (")
        assert any(reason.startswith("Propose : ") for reason in match.reasons)
    assert result.entry_point is not None
    assert HelpKind.FIRST_INFO in result.entry_point.offer.help_kinds
    assert [need for need, _, _ in result.groups] == list(result.criteria.effective_needs)


def test_the_scop_takeover_is_explained_in_plain_french(demo_offers, client):
    params = {"commune": "23096", "etape": "transfer", "forme": "scop", "projet": "collective"}
    response = client.get(reverse("support:results"), params)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Couvre Guéret (Creuse)" in html
    assert "Spécialiste de la reprise en SCOP" in html
    assert "Votre point d'entrée sur ce territoire" in html
    assert "Expertise juridique" in html  # a group per need
    assert "Informations illustratives" in html


def test_a_paid_offer_says_so(demo_offers):
    result = orient(criteria_at("33063", phase="idea", legal_form="cae", needs=[HelpKind.CAE]))
    coop_alpha = next(m for m in result.ranked if m.offer.provider.name == "Coop Alpha")
    assert coop_alpha.cautions and coop_alpha.cautions[-1].startswith("Payant")


def test_the_entry_point_is_the_most_local_first_information_offer(demo_offers):
    # Faux-la-Montagne, on the plateau de Millevaches.
    result = orient(criteria_at("23077", phase="idea", project="collective"))
    assert result.entry_point.offer.provider.name == "De fil en réseaux"
    assert result.entry_point.level == "epci"


def test_someone_testing_an_activity_is_sent_to_a_cae_with_a_path_for_that_phase(
    demo_offers,
):
    criteria = criteria_at("33063", phase="test", project="individual")
    result = orient(criteria)
    assert result.ranked[0].offer.provider_kind == "cae"
    assert "Adapté à votre étape : test de l'activité (couveuse, CAE)" in result.ranked[0].reasons
    steps = [entry["step"].key for entry in parcours.build(criteria)]
    assert steps == ["inform", "test", "create", "fund"]


# --- Free text ---------------------------------------------------------------------------


def test_free_text_is_read_into_criteria_with_the_commune():
    understood = interpret("je veux reprendre l'entreprise de mon patron en SCOP près de Guéret")
    criteria = understood.criteria
    assert criteria.commune.code == "23096"
    assert criteria.phase == "transfer" and criteria.legal_form == "scop"
    assert {HelpKind.LEGAL, HelpKind.FINANCIAL} <= set(criteria.needs)
    assert ("Où", "Guéret (Creuse)", "gueret") in understood.findings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nous voulons ouvrir un café associatif à Limoges",
         {"commune": "87085", "phase": "creation", "legal_form": "association",
          "project": "collective", "sector": "hebergement_restauration"}),
        ("J'habite à Saint-Junien et j'ai une idée de projet",
         {"commune": "87154", "phase": "idea", "project": "individual"}),
        ("Notre chantier d'insertion à Châtellerault doit se consolider",
         {"commune": "86066", "phase": "consolidation", "project": "organisation",
          "sector": "action_sociale"}),
        ("créer une association en Gironde rurale",
         {"commune": None, "departement": "33", "phase": "creation", "legal_form": "association"}),
        ("tester mon activité en coopérative d'activité et d'emploi à Bordeaux",
         {"commune": "33063", "legal_form": "cae", "phase": "test"}),
        ("Nos deux associations de Niort veulent se rapprocher",
         {"commune": "79191", "phase": "merger"}),
        ("Notre SCIC veut changer d'échelle et essaimer en Charente",
         {"departement": "16", "phase": "scaling", "legal_form": "scic"}),
        # The field's words for who speaks and what they mean (issue 14.4).
        ("Je voudrais tester mon activité de potière près de Tulle",
         {"commune": "19272", "phase": "test", "persona": "creator"}),
        ("Nous voulons ouvrir un tiers-lieu avec des bureaux partagés à Felletin",
         {"commune": "23079", "persona": "creator", "needs": ["first_info", "networking",
                                                               "individual"]}),
        ("Les salariés veulent reprendre en SCOP notre imprimerie de Niort",
         {"commune": "79191", "phase": "transfer", "legal_form": "scop"}),
        ("Nous voulons acheter à des structures d'insertion près d'Angoulême",
         {"commune": "16015", "persona": "buyer", "phase": ""}),
        ("La communauté de communes Creuse Grand Sud veut aider les associations",
         {"epci": "200044014", "persona": "local_authority"}),
        ("Au chômage à Saintes, je veux essayer mon activité avant de la créer",
         {"commune": "17415", "persona": "jobseeker", "phase": "test"}),
        ("Entreprise du numérique à Poitiers, nous voulons travailler avec des ESAT",
         {"commune": "86194", "persona": "buyer"}),
        ("Trésorière bénévole d'un club de foot à Bressuire",
         {"commune": "79049", "persona": "volunteer"}),
        ("Notre PME bordelaise veut faire du mécénat de compétences",
         {"commune": "33063", "persona": "company"}),
    ],
)  # fmt: skip
def test_free_text_understands_synonyms_and_places(text, expected):
    criteria = interpret(text).criteria
    for key, value in expected.items():
        if key == "commune":
            assert (criteria.commune.code if criteria.commune else None) == value
        elif key == "departement":
            assert criteria.departement.code == value
        elif key == "epci":
            assert criteria.epci.code == value
        elif key == "needs":
            assert [str(need) for need in criteria.needs] == value
        else:
            assert getattr(criteria, key) == value, key


def test_free_text_shows_what_was_understood_with_a_form_to_correct_it(demo_offers, client):
    text = "je veux reprendre l'entreprise de mon patron en SCOP près de Guéret"
    response = client.get(reverse("support:understand"), {"texte": text}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("support:results"))
    assert "Ce que nous avons compris" in html and "Corriger ce que nous avons compris" in html
    assert "URSCOP Limousin" in html
    assert 'value="Guéret (23096)"' in html  # the correction form is filled in


def test_free_text_without_a_place_asks_for_it(client):
    response = client.get(reverse("support:understand"), {"texte": "je veux créer une SCIC"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nous n&#x27;avons pas reconnu de commune" in html
    assert "Voir qui peut m'accompagner" in html


def test_empty_free_text_is_a_400_in_french(client):
    response = client.get(reverse("support:understand"), {"texte": ""})
    assert response.status_code == 400
    assert "Écrivez quelques mots sur votre projet." in response.content.decode()


# --- Fallbacks ---------------------------------------------------------------------------


def test_when_nothing_local_fits_the_neighbouring_territory_is_shown_and_said(client):
    SupportOfferFactory(
        title="Reprise en SCOP en Haute-Vienne",
        areas=[("departement", "87", "Haute-Vienne (87)")],
        help_kinds=[HelpKind.LEGAL],
    )
    result = orient(criteria_at("23096", needs=[HelpKind.LEGAL]))
    assert result.ranked == []
    assert [m.offer.title for m in result.nearby] == ["Reprise en SCOP en Haute-Vienne"]
    assert (
        result.nearby[0]
        .reasons[0]
        .startswith("Territoire voisin : département Haute-Vienne (87), à environ")
    )
    assert result.notes

    html = client.get(reverse("support:results"), {"commune": "23096", "besoins": "legal"})
    assert "Dans les territoires voisins" in html.content.decode()


def test_never_an_empty_page_even_with_no_offer_at_all(client):
    response = client.get(reverse("support:results"), {"commune": "23096", "etape": "idea"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "La CRESS peut vous orienter" in html


def test_when_nothing_fits_the_territorys_other_actors_are_shown(demo_offers):
    # In Paris only national offers exist, none for a takeover.
    result = orient(criteria_at("75056", phase="transfer", legal_form="scop"))
    assert result.ranked == [] and result.others
    assert "Aucune offre ne correspond exactement" in result.notes[0]


def test_results_with_bad_input_answer_400_in_french(client):
    response = client.get(reverse("support:results"), {"commune": "Nullepart", "etape": "zzz"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Aucune commune ne correspond à « Nullepart »" in html
    assert "Cette étape n&#x27;existe pas : choisissez dans la liste." in html


def test_a_forged_persona_is_a_400_in_french(client):
    response = client.get(reverse("support:results"), {"commune": "23096", "profil": "pirate"})
    assert response.status_code == 400
    assert "Ce profil n&#x27;existe pas" in response.content.decode()
    step = client.get(reverse("support:orientation"), {"pas": "0", "profil": "pirate"})
    assert step.status_code == 400
    assert "Ce profil n&#x27;existe pas" in step.content.decode()


def test_the_results_page_makes_a_bounded_number_of_queries(
    demo_offers, client, django_assert_max_num_queries
):
    params = {"commune": "87085", "etape": "creation", "besoins": ["first_info", "funding"]}
    # The offers take about ten queries; the same situation's financing, trainings and
    # initiatives a few more, each a bounded number whatever the catalogue's size. The
    # first question after a write reads the catalogue into the process (three queries).
    client.get(reverse("support:results"), params)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("support:results"), params).status_code == 200


# --- The assistant, step by step ---------------------------------------------------------


def test_the_assistant_goes_step_by_step_with_plain_get_forms(demo_offers, client):
    url = reverse("support:orientation")
    first = client.get(url)
    assert "Étape 1 sur 7" in first.content.decode()

    no_persona = client.get(url, {"pas": "0"})
    assert (
        no_persona.status_code == 400 and "Dites-nous qui vous êtes." in no_persona.content.decode()
    )

    where = client.get(url, {"pas": "0", "profil": "creator"})
    assert "Étape 2 sur 7" in where.content.decode()

    missing = client.get(url, {"pas": "1", "profil": "creator", "commune": ""})
    assert missing.status_code == 400
    assert "Indiquez votre commune, votre intercommunalité" in missing.content.decode()

    ambiguous = client.get(url, {"pas": "1", "profil": "creator", "commune": "23000"})
    assert "Plusieurs communes correspondent" in ambiguous.content.decode()

    second = client.get(url, {"pas": "1", "profil": "creator", "commune": "Guéret (23096)"})
    html = second.content.decode()
    assert "Étape 3 sur 7" in html and 'name="commune" value="Guéret (23096)"' in html

    no_phase = client.get(url, {"pas": "2", "profil": "creator", "commune": "23096"})
    assert "Choisissez où vous en êtes." in no_phase.content.decode()

    back = client.get(url, {"pas": "2", "commune": "23096", "aller": "precedent"})
    assert "Étape 2 sur 7" in back.content.decode()

    answers = {
        "profil": "creator", "commune": "23096", "etape": "transfer", "projet": "collective",
        "forme": "scop",
    }  # fmt: skip
    for step in range(2, 6):
        response = client.get(url, {**answers, "pas": str(step), "aller": "suivant"})
        assert f"Étape {step + 2} sur 7" in response.content.decode()
    last = client.get(url, {**answers, "besoins": ["legal", "funding"], "pas": "6"})
    assert last.status_code == 302
    query = parse_qs(urlparse(last.url).query)
    assert query["commune"] == ["23096"] and query["besoins"] == ["legal", "funding"]
    assert "URSCOP Limousin" in client.get(last.url).content.decode()


def test_the_assistant_skips_the_questions_that_do_not_concern_the_person(client):
    url = reverse("support:orientation")
    answers = {"profil": "local_authority", "commune": "Haute-Vienne"}
    place = client.get(url, {**answers, "pas": "1"})
    html = place.content.decode()
    # A local authority has no project phase nor form to choose: straight to its needs.
    assert "Étape 3 sur 4" in html and "De quoi avez-vous besoin ?" in html
    assert 'value="Haute-Vienne (département 87)"' in html


def test_the_place_may_be_an_epci_or_a_departement(client):
    url = reverse("support:orientation")
    epci = client.get(url, {"pas": "1", "profil": "buyer", "commune": "CA du Grand Angoulême"})
    assert 'value="CA du Grand Angoulême (EPCI 200071827)"' in epci.content.decode()
    communaute = client.get(
        url, {"pas": "1", "profil": "buyer", "commune": "communauté d'agglomération du Niortais"}
    )
    assert 'value="CA du Niortais (EPCI 200041317)"' in communaute.content.decode()
    results = client.get(
        reverse("support:results"), {"commune": "Corrèze (département 19)", "profil": "creator"}
    )
    assert "Qui peut vous accompagner à Corrèze" in results.content.decode()


def test_a_name_shared_by_a_commune_and_a_departement_offers_the_choice(client):
    response = client.get(
        reverse("support:orientation"), {"pas": "1", "profil": "creator", "commune": "Corrèze"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Plusieurs lieux correspondent à « Corrèze »" in html
    assert "Corrèze (département 19)" in html and "Corrèze (19062)" in html


def test_the_last_step_under_htmx_redirects_the_whole_page(client):
    response = client.get(
        reverse("support:orientation"),
        {"profil": "creator", "commune": "23096", "etape": "idea", "projet": "individual",
         "pas": "6"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("support:results"))


def test_the_legal_forms_guide_is_linked_only_when_it_exists():
    assert optional_url("nowhere:legal_form_chooser") == ""
    assert optional_url("support:index") == reverse("support:index")


# --- Parcours du créateur ----------------------------------------------------------------


def test_the_parcours_pdf_is_made_in_the_background_and_names_the_commune_and_actors(
    demo_offers, client, settings, tmp_path
):
    settings.TASKS = DB_TASKS
    answers = {"commune": "23096", "etape": "transfer", "forme": "scop", "projet": "collective"}
    response = client.post(reverse("support:parcours_create"), answers)
    parcours = Parcours.objects.get()
    assert response.status_code == 302 and response.url == parcours.get_absolute_url()
    assert len(parcours.token) >= 40

    page = client.get(parcours.get_absolute_url())
    assert parcours.status == ParcoursStatus.PENDING
    assert "Le PDF est en préparation" in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    not_yet = client.get(reverse("support:parcours_pdf", args=[parcours.token]))
    assert not_yet.status_code == 302

    assert run_queued_tasks() == 1
    parcours.refresh_from_db()
    assert parcours.status == ParcoursStatus.READY
    download = client.get(reverse("support:parcours_pdf", args=[parcours.token]))
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")

    text = pdf_text(download.content, tmp_path, layout=True)
    assert "Guéret" in text
    assert "URSCOP Limousin" in text and "CRESS Limousin" in text
    assert "Sources" in text and "état des lieux" in text.lower()
    assert "Vous êtes ici" in text
    # The results page's order: where to start, the steps, then the same situation.
    assert (
        text.index("Par où commencer")
        < text.index("Les étapes")
        < text.index("Pour la même situation")
    )


def test_the_parcours_page_lists_steps_with_local_actors(demo_offers, client):
    client.post(reverse("support:parcours_create"), {"commune": "87085", "etape": "idea"})
    parcours = Parcours.objects.get()
    html = client.get(parcours.get_absolute_url()).content.decode()
    assert "S&#x27;informer et être orienté" in html and "Vous êtes ici" in html
    assert "Financer le projet" in html and "Limousin Actif" in html
    assert "Télécharger mon parcours en PDF" in html  # the immediate backend made it


def test_a_wrong_parcours_token_is_not_found(client):
    assert client.get(reverse("support:parcours", args=["x" * 43])).status_code == 404
    assert client.get(reverse("support:parcours_pdf", args=["x" * 43])).status_code == 404


def test_an_archived_offer_never_shows(demo_offers):
    SupportOffer.objects.filter(provider__name="URSCOP Limousin").update(
        status=OfferStatus.ARCHIVED
    )
    result = orient(criteria_at("23096", phase="transfer", legal_form="scop"))
    assert "URSCOP Limousin" not in {m.offer.provider.name for m in result.all_matches}


def test_an_ended_scheme_never_ranks_first_nor_is_the_entry_point():
    ended = SupportOfferFactory(
        title="Ancien bouquet de services", is_ended=True,
        help_kinds=[HelpKind.FIRST_INFO, HelpKind.INDIVIDUAL, HelpKind.TRAINING],
    )  # fmt: skip
    current = SupportOfferFactory(title="Accueil des créateurs", help_kinds=[HelpKind.FIRST_INFO])

    result = orient(criteria_at("23096", phase="idea", needs=[HelpKind.FIRST_INFO]))

    titles = [m.offer.title for m in result.ranked]
    assert titles.index(current.title) < titles.index(ended.title)
    assert result.entry_point.offer == current
    ended_match = next(m for m in result.ranked if m.offer.pk == ended.pk)
    assert any(caution.startswith("Dispositif terminé") for caution in ended_match.cautions)


def test_the_demo_marks_the_schemes_the_report_tells_in_the_past_as_ended(client, demo_offers):
    objectif = SupportOffer.objects.get(title="Objectif création")

    assert objectif.is_ended
    assert "animait" in objectif.report_quote
    assert "Dispositif terminé" in client.get(objectif.get_absolute_url()).content.decode()
    assert SupportOffer.objects.filter(is_ended=True).count() == 2


# --- The results page ------------------------------------------------------------------


def test_the_results_page_shows_the_five_best_once_with_the_actions_and_folds_the_rest(
    demo_offers, client
):
    params = {"commune": "87085", "profil": "creator", "etape": "creation", "projet": "collective"}
    html = client.get(reverse("support:results"), params).content.decode()
    first, _, rest = html.partition('class="more-offers"')
    assert "Par où commencer" in first and "Votre point d'entrée" in first
    # The main actions come right after the first offers, before anything folded.
    assert "Préparer ma demande" in first and "Créer mon parcours" in first
    assert first.index("Les offres les plus adaptées") < first.index("Préparer ma demande")
    assert "<details" in html and "Les autres offres pour votre situation" in html
    # Each offer once: no offer link repeated on the page.
    offer_links = re.findall(r'<a href="/accompagnement/offres/(\d+)/">', html)
    assert offer_links and len(offer_links) == len(set(offer_links))
    # Then, for the same situation: financing with why, the directory, trainings, initiatives.
    same = html[html.index("Pour la même situation") :]
    for heading in ("Financement", "L'annuaire, déjà filtré pour vous", "Formations"):
        assert heading in same
    assert "/financement/mes-financements-possibles/?commune=87085" in same
    assert "/annuaire/?commune=Limoges+%2887085%29&amp;rayon=20" in same


def test_many_fitting_offers_fold_twenty_whole_and_link_the_catalogue_for_the_rest(client):
    # At national scale a commune has hundreds of fitting offers: the page shows the five
    # best, folds the next FOLDED_SHOWN with everything an offer card says, and sends
    # the rest to the catalogue filtered the same way.
    for n in range(32):
        SupportOfferFactory(title=f"Premier accueil n°{n:02d}", cost="paid", format="remote")
    criteria = criteria_at("23096", phase="idea", needs=[HelpKind.FIRST_INFO])
    result = orient(criteria)
    assert len(result.top) == 5 and len(result.more) == 20
    assert result.more_total == len(result.ranked) - 5 - (result.entry_point is not None)
    assert result.more_hidden == result.more_total - 20 > 0

    params = {"commune": "23096", "profil": "creator", "etape": "idea", "besoins": "first_info"}
    html = client.get(reverse("support:results"), params).content.decode()
    folded = html[html.index('class="more-offers"') : html.index("Pour la même situation")]
    assert folded.count('class="match"') == 20
    # Folded offers are whole: their cost and format, not empty badges.
    assert folded.count('<span class="badge">Payant</span>') == 20
    assert '<span class="badge"></span>' not in folded
    link = re.search(r'href="(/accompagnement/offres/\?[^"]+)"', folded).group(1)
    query = parse_qs(urlparse(link.replace("&amp;", "&")).query)
    assert query == {"departement": ["23"], "etape": ["idea"], "aide": ["first_info"]}
    assert f"Et {result.more_hidden} autres offres" in folded


def test_free_text_results_offer_one_click_corrections(demo_offers, client):
    text = "Élue d'une commune de Haute-Vienne, je veux soutenir l'ESS sur notre territoire"
    response = client.get(reverse("support:understand"), {"texte": text}, follow=True)
    html = response.content.decode()
    assert "Je représente une collectivité (élu·e ou agent)" in html
    assert "CRESS Limousin" in html and "Réseau des collectivités Territoriales" in html
    corrected = re.search(r'<a href="([^"]*profil=buyer[^"]*)">J&#x27;achète', html)
    assert corrected is not None
    again = client.get(corrected.group(1).replace("&amp;", "&")).content.decode()
    assert "Fournisseurs d&#x27;insertion (SIAE), entreprises adaptées et ESAT" in again
