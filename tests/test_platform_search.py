"""The platform search (/recherche/, the header's box, /api/recherche/): every kind of
content in one query, grouped by kind — on the database of the run (SQLite or
PostgreSQL: the suite runs on both)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.text import slugify

from essor.directory import demo as directory_demo
from essor.financing.enums import ToolStatus
from essor.initiatives.enums import Axis, Status
from essor.initiatives.models import Initiative
from essor.resources.enums import TrainingAudience, TrainingFormat
from essor.resources.models import Page, Training
from essor.search import registry
from essor.search.backends.synonyms import SynonymError, Synonyms, shipped
from essor.search.backends.text import parse
from essor.search.models import Document
from essor.search.platform import search_everything
from essor.search.registry import IndexedKind
from essor.support import services as support_services
from essor.support.enums import HelpKind, OfferStatus
from essor.support.models import SupportOffer
from essor.territories.areas import AreaSpec
from tests.factories.accounts import UserFactory
from tests.factories.directory import EssOrganisationFactory, EstablishmentFactory
from tests.factories.financing import ToolFactory
from tests.factories.territories import LIMOGES, commune

pytestmark = pytest.mark.django_db

CREUSE = AreaSpec("departement", "23", "Creuse (23)")


def organisation(name, **fields):
    found = EssOrganisationFactory(name=name, **fields)
    EstablishmentFactory(organisation=found, commune=commune(LIMOGES))
    return found


def offer(title, status=OfferStatus.PUBLISHED, provider=None, **fields):
    created = SupportOffer.objects.create(
        provider=provider or EssOrganisationFactory(name="Réseau d'accompagnement"),
        title=title,
        description=fields.pop("description", "Une offre."),
        help_kinds=[HelpKind.INDIVIDUAL],
        status=status,
        **fields,
    )
    support_services.offer_set_areas(created, [CREUSE])
    return created


def tool(title, **fields):
    return ToolFactory(title=title, **fields)


def initiative(title, status=Status.PUBLISHED, **fields):
    return Initiative.objects.create(
        slug=slugify(title)[:100],
        title=title,
        summary=fields.pop("summary", "Une initiative."),
        body="Le corps du texte.",
        axis=Axis.COOPERER,
        status=status,
        **fields,
    )


def training(title, **fields):
    return Training.objects.create(
        title=title,
        organiser_name="Organisme de formation",
        audiences=[TrainingAudience.PROJECT_CREATORS],
        format=TrainingFormat.REMOTE,
        duration="2 jours",
        cost="Gratuit",
        **fields,
    )


def page(title, **fields):
    return Page.objects.create(
        title=title, slug=fields.pop("slug", "guide"), body="Le guide.", is_published=True, **fields
    )


def found(query, *kinds):
    """{kind name: [titles]} of the platform search, as the page groups them; only of
    `kinds` when given (the test database holds the report's initiatives and the guides
    written in the code)."""
    return {
        group.kind.name: [hit.title for hit in group.hits]
        for group in search_everything(query, per_kind=20).groups
        if not kinds or group.kind.name in kinds
    }


# --- one query, every kind ---------------------------------------------------------------


def test_one_query_finds_every_kind_of_content_grouped_by_kind(client):
    organisation("Tiers-lieu de la Gare")
    offer("Accompagner les tiers-lieux ruraux")
    tool("Fonds d'amorçage des tiers-lieux")
    initiative("Un tiers-lieu dans une ancienne école")
    training("Animer un tiers-lieu")
    page("Ouvrir un tiers-lieu : le guide", slug="ouvrir-un-tiers-lieu")

    best = {kind: titles[0] for kind, titles in found("tiers-lieu").items()}
    # The 2016 report's pistes d'action (and their process) are in every database too.
    assert best.pop("concertations") == "État des lieux 2016"
    assert best.pop("actions")
    # So is its text, in the library of studies.
    assert (
        best.pop("etudes")
        == "L'économie sociale et solidaire en Aquitaine Limousin Poitou-Charentes — État des lieux et perspectives"
    )
    assert best == {
        "structures": "Tiers-lieu de la Gare",
        "offres": "Accompagner les tiers-lieux ruraux",
        "financements": "Fonds d'amorçage des tiers-lieux",
        "initiatives": "Un tiers-lieu dans une ancienne école",
        "formations": "Animer un tiers-lieu",
        "ressources": "Ouvrir un tiers-lieu : le guide",
    }

    response = client.get(reverse("portal:search"), {"q": "tiers-lieu"})
    content = response.content.decode()
    assert response.status_code == 200
    assert (
        'href="#type-offres">Offres d&#x27;accompagnement <span class="count">(1)</span>' in content
    )
    # Every result of a group is shown: its link leads to the kind's own search.
    assert '<a href="/annuaire/?q=tiers-lieu">Recherche détaillée des structures</a>' in content
    assert "/financement/?q=tiers-lieu" in content


def test_the_words_of_the_field_find_several_kinds_of_content_in_the_demo(client):
    directory_demo.load_synthetic(scale=0.002)
    call_command("load_demo", stdout=io.StringIO())

    # « prêt d'honneur » was found in financing and a fictitious demo training only; the
    # demo's trainings are now the report's real ones, which do not name it.
    for query in [
        "tiers-lieu",
        "finance solidaire",
        "groupement d'employeurs",
        "insertion",
        "URSCOP",
    ]:
        groups = search_everything(query).groups
        assert len(groups) >= 2, (query, [group.kind.name for group in groups])
        content = client.get(reverse("portal:search"), {"q": query}).content.decode()
        assert content.count('<section class="search-group"') >= 2, query


def test_plurals_accents_and_case_do_not_matter():
    offer("Accompagnement des tiers-lieux")
    initiative("L'Économie Circulaire en Creuse")

    assert found("TIERS-LIEU", "offres") == {"offres": ["Accompagnement des tiers-lieux"]}
    assert found("tiers lieux", "offres") == {"offres": ["Accompagnement des tiers-lieux"]}
    assert found("economie circulaire")["initiatives"][0] == "L'Économie Circulaire en Creuse"


def test_a_plural_finds_the_singular_on_every_database():
    # Snowball keeps "lieux" whole on PostgreSQL while "lieu" stems to itself.
    offer("Ouvrir un tiers-lieu")
    offer("Réseau des tiers-lieux ruraux")
    assert sorted(found("tiers-lieux", "offres")["offres"]) == [
        "Ouvrir un tiers-lieu",
        "Réseau des tiers-lieux ruraux",
    ]


def test_groups_whose_best_result_holds_every_word_in_its_title_come_first():
    organisation("Association des amis", description="Nous parlons du prêt d'honneur.")
    tool("Prêt d'honneur création")

    groups = search_everything("prêt d'honneur").groups

    assert [group.kind.name for group in groups] == ["financements", "structures"]


def test_each_group_is_ranked_title_first_then_the_shortest_title():
    tool("Subvention", description="Pour financer un garage solidaire.")
    tool("Garage solidaire : le grand fonds régional")
    tool("Garage solidaire")

    assert found("garage solidaire")["financements"] == [
        "Garage solidaire",
        "Garage solidaire : le grand fonds régional",
        "Subvention",
    ]


def test_places_are_found_by_name_and_postal_code(client):
    assert found("limoges")["territoires"][:2] == ["Limoges", "CU Limoges Métropole"]
    assert found("87000")["territoires"] == ["Limoges"]
    assert found("haute-vienne")["territoires"][0] == "Haute-Vienne"
    content = client.get(reverse("portal:search"), {"q": "limoges"}).content.decode()
    assert "Commune · Haute-Vienne (87) · 87000, 87100, 87280" in content


# --- the field's words -------------------------------------------------------------------


def test_an_acronym_finds_its_expansion_and_the_reverse():
    offer("Créer ou rejoindre un groupement d'employeurs")
    organisation("GE Limousin")

    assert found("GE", "offres", "structures") == {
        "offres": ["Créer ou rejoindre un groupement d'employeurs"],
        "structures": ["GE Limousin"],
    }
    assert found("groupements d'employeurs") == found("GE")


def test_an_acronym_is_searched_as_a_whole_word():
    offer("Gestion associative")
    offer("Créer un groupement d'employeurs")

    assert found("GE", "offres") == {"offres": ["Créer un groupement d'employeurs"]}


def test_a_one_way_synonym_finds_the_narrower_terms_only_from_the_wider():
    offer("Atelier chantier d'insertion du bâtiment")
    offer("Réseau des SIAE de la Creuse")

    assert set(found("SIAE")["offres"]) == {
        "Atelier chantier d'insertion du bâtiment",
        "Réseau des SIAE de la Creuse",
    }
    assert found("chantier d'insertion")["offres"] == ["Atelier chantier d'insertion du bâtiment"]


def test_synonyms_also_widen_the_directory_search(client):
    organisation("Groupement d'employeurs agricoles de Corrèze")

    response = client.get(reverse("search:directory"), {"q": "GE"})

    assert "Groupement d&#x27;employeurs agricoles de Corrèze" in response.content.decode()


def test_the_synonyms_file_reads_equivalences_one_way_lines_and_acronyms():
    synonyms = Synonyms(
        [
            "# a comment",
            "",
            "GE, groupement d'employeurs",
            "SIAE => ACI, entreprise d'insertion",
        ]
    )

    ge = parse("ge", synonyms)
    assert [[w.text for w in alternative] for alternative in ge[0]] == [
        ["ge"],
        ["groupement", "employeurs"],
    ]
    assert ge[0][0][0].exact
    siae = parse("SIAE emploi", synonyms)
    assert len(siae) == 2
    assert {alternative[0].text for alternative in siae[0]} == {"siae", "aci", "entreprise"}
    assert parse("entreprise d'insertion", synonyms)[0] == (
        tuple(w for w in parse("entreprise d'insertion", Synonyms([]))[0][0]),
    )


def test_a_broken_line_of_the_synonyms_file_is_reported_with_its_number():
    with pytest.raises(SynonymError, match="ligne 2"):
        Synonyms(["GE, groupement d'employeurs", "SIAE =>"])


def test_the_shipped_synonyms_file_reads_and_knows_the_field():
    synonyms = shipped()
    for query in ["GE", "SIAE", "ACI", "ESAT", "CAE", "SCOP", "SCIC", "DLA", "PTCE", "ESUS",
                  "AAP", "AMI", "prêt d'honneur", "tiers-lieu", "CRESS", "URSCOP", "CIGALES"]:  # fmt: skip
        assert len(parse(query, synonyms)[0]) > 1, query


# --- what the public may see -------------------------------------------------------------


def test_unpublished_content_is_never_found():
    offer("Jardin de Quillambert : offre en attente", status=OfferStatus.PENDING)
    tool("Jardin de Quillambert : brouillon", status=ToolStatus.DRAFT)
    initiative("Jardin de Quillambert en brouillon", status=Status.DRAFT)
    training("Jardin de Quillambert : formation retirée", status="archived")
    Page.objects.create(title="Jardin de Quillambert, guide en cours", slug="jardin", body="…")
    EssOrganisationFactory(name="Jardin de Quillambert hors ESS", ess_family="")

    assert found("jardin quillambert") == {}


def test_content_unpublished_behind_the_services_back_leaves_the_results():
    published = offer("Coopérative jeunesse de Quillambert")
    assert found("quillambert") == {"offres": ["Coopérative jeunesse de Quillambert"]}

    # An admin or a script, without the service function that reindexes.
    SupportOffer.objects.filter(pk=published.pk).update(status=OfferStatus.ARCHIVED)

    assert found("quillambert") == {}


def test_the_offer_services_keep_the_index_in_step():
    moderator = UserFactory(cress_staff=True)
    waiting = offer("Incubateur rural", status=OfferStatus.PENDING)
    search_everything("incubateur")  # the index now holds the offers

    support_services.offer_publish(offer=waiting, moderator=moderator)
    assert Document.objects.filter(kind="offres", key=str(waiting.pk)).exists()

    support_services.offer_archive(offer=waiting, author=moderator)
    assert not Document.objects.filter(kind="offres", key=str(waiting.pk)).exists()


def test_a_kind_registered_by_a_new_module_is_indexed_at_the_first_search():
    class PosterKind(IndexedKind):
        name = "affiches"
        label = "Affiches"
        singular, plural = "affiche", "affiches"
        version = "1"

        def documents(self, keys=None):
            yield registry.Document(key="1", title="Fête de l'ESS", url="/affiches/1/")

    registry.register(PosterKind())
    try:
        assert found("fete", "affiches") == {"affiches": ["Fête de l'ESS"]}
        PosterKind.version = "2"
        PosterKind.documents = lambda self, keys=None: iter(
            [registry.Document(key="1", title="Mois de l'ESS", url="/affiches/1/")]
        )
        assert found("fete", "affiches") == {}
        assert found("mois", "affiches") == {"affiches": ["Mois de l'ESS"]}
    finally:
        registry._kinds.pop("affiches")  # noqa: SLF001 - undo the test's registration


# --- the page and the API ----------------------------------------------------------------


def test_one_kind_is_listed_page_by_page(client):
    for number in range(25):
        tool(f"Fonds solidaire n°{number:02d}")

    everything = client.get(reverse("portal:search"), {"q": "fonds solidaire"}).content.decode()
    assert (
        '<a href="/financement/?q=fonds+solidaire">Voir les 25 outils de financement</a>'
        in everything
    )
    for number in range(7):
        offer(f"Fonds solidaire : offre n°{number}")
    everything = client.get(reverse("portal:search"), {"q": "fonds solidaire"}).content.decode()
    # Offers have no search of their own: their full list is /recherche/ for that kind.
    assert (
        '<a href="/recherche/?q=fonds+solidaire&amp;type=offres">'
        "Voir les 7 offres d&#x27;accompagnement</a>" in everything
    )

    first = client.get(reverse("portal:search"), {"q": "fonds solidaire", "type": "financements"})
    second = client.get(
        reverse("portal:search"), {"q": "fonds solidaire", "type": "financements", "page": 2}
    )

    assert first.content.decode().count('class="hit-title"') == 20
    assert second.content.decode().count('class="hit-title"') == 5
    assert "Page 2 sur 2" in second.content.decode()
    assert "Recherche détaillée, avec ses filtres" in first.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "scop", "type": "pirates"}, "Ce type de contenu est inconnu."),
        ({"q": "x" * 201}, "Votre recherche est trop longue"),
        ({"q": "scop", "type": "financements", "page": "9999"}, "Affinez la recherche"),
    ],
)
def test_bad_parameters_get_a_400_in_french(client, params, message):
    response = client.get(reverse("portal:search"), params)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_approximate_names_stand_in_only_when_no_kind_matches_the_words():
    organisation("Zorbacoop Solidaire")
    results = search_everything("Zorbacop")
    assert results.fuzzy
    assert found("Zorbacop") == {"structures": ["Zorbacoop Solidaire"]}
    # An initiative holds the word exactly: the approximate names are not mixed in.
    initiative("Zorbacop, une coopérative de quartier")
    assert found("Zorbacop") == {"initiatives": ["Zorbacop, une coopérative de quartier"]}
    assert not search_everything("Zorbacop").fuzzy


def test_nothing_found_says_so(client):
    content = client.get(reverse("portal:search"), {"q": "zzzzqqq"}).content.decode()
    assert "Aucun résultat pour «&nbsp;zzzzqqq&nbsp;»" in content


def test_the_api_answers_the_same_groups(client):
    tool("Prêt d'honneur création")
    offer("Obtenir un prêt d'honneur")

    data = client.get("/api/recherche/", {"q": "pret d'honneur"}).json()

    assert data["total"] == 2
    assert [group["type"] for group in data["groupes"]] == ["offres", "financements"]
    financing = data["groupes"][1]
    assert financing["lien"] == "http://testserver/financement/?q=pret+d%27honneur"
    assert financing["resultats"][0]["titre"] == "Prêt d'honneur création"
    assert financing["resultats"][0]["url"].startswith("http://testserver/financement/outils/")
    one = client.get("/api/recherche/", {"q": "pret d'honneur", "type": "financements"}).json()
    assert [group["type"] for group in one["groupes"]] == ["financements"]


def test_the_api_refuses_a_missing_query_in_french(client):
    response = client.get("/api/recherche/")

    assert response.status_code == 400
    assert response.json()["erreurs"] == [
        {"parametre": "q", "message": "ce paramètre est obligatoire"}
    ]
