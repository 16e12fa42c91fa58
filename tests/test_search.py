"""Directory search: French full text, facets, territory, the page and its export.

Every test runs on the database of the run: SQLite (FTS5) by default, PostgreSQL
with DATABASE_URL — the suite runs on both in CI."""

import csv
import io
from dataclasses import replace

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from essor.directory.enums import AdministrativeStatus, EssFamily, LabelKind
from essor.directory.models import Establishment, Label, Organisation
from essor.search.backends import BBox, Near, SearchFilters, get_backend
from essor.search.backends.text import light_stem, terms
from essor.search.directory import search_organisations
from tests.factories.directory import EssOrganisationFactory, EstablishmentFactory, LabelFactory
from tests.factories.territories import BORDEAUX, GUERET, LIMOGES, SAINT_JUNIEN, TULLE, commune

pytestmark = pytest.mark.django_db


def found(text, **filters):
    result = get_backend().search(SearchFilters(text=text, **filters), facets=False, limit=50)
    return [Organisation.objects.get(pk=pk).name for pk in result.ids]


def listed(name, where=LIMOGES, **fields):
    organisation = EssOrganisationFactory(name=name, **fields)
    EstablishmentFactory(organisation=organisation, commune=commune(where), unplaced=True)
    return organisation


# --- French full text ------------------------------------------------------------------


def test_a_prefix_finds_the_word_as_it_is_typed():
    listed("Coopérative d'activité et d'emploi Coopaname")
    listed("Association des jardins")
    assert found("coop") == ["Coopérative d'activité et d'emploi Coopaname"]
    assert found("co") == ["Coopérative d'activité et d'emploi Coopaname"]


def test_accents_and_case_are_ignored_both_ways():
    listed("Économie solidaire en Creuse")
    assert found("economie") == ["Économie solidaire en Creuse"]
    assert found("ÉCONOMIE") == ["Économie solidaire en Creuse"]
    listed("ECONOMIE SOCIALE LIMOUSINE")
    assert set(found("économie")) == {"Économie solidaire en Creuse", "ECONOMIE SOCIALE LIMOUSINE"}


def test_inflected_forms_find_each_other():
    listed("Coopérative agricole du Limousin")
    listed("Réseau des économies solidaires")
    assert found("coopératives") == ["Coopérative agricole du Limousin"]
    assert found("économiques") == ["Réseau des économies solidaires"]
    assert found("solidaire") == ["Réseau des économies solidaires"]


def test_a_prefix_typed_past_the_stem_still_matches():
    listed("Coopérative de production")
    assert found("cooperati") == ["Coopérative de production"]


def test_a_misspelt_name_finds_the_nearest_names():
    listed("Limousin Actif")
    listed("Bordeaux Solidaire")
    assert found("Limouzin") == ["Limousin Actif"]
    result = get_backend().search(SearchFilters(text="Limouzin"), facets=False)
    assert result.fuzzy


def test_exact_words_do_not_fall_back_to_approximate_names():
    listed("Limousin Actif")
    listed("Limoges Habitat")
    result = get_backend().search(SearchFilters(text="limousin"), facets=False)
    assert not result.fuzzy
    assert result.total == 1


def test_acronym_siren_activity_description_and_labels_are_searched():
    organisation = listed(
        "Association d'entraide",
        acronym="ADEX",
        siren="552100554",
        description="Maraîchage biologique et paniers solidaires.",
    )
    establishment = organisation.establishments.get()
    establishment.naf = "88.10A"  # Aide à domicile
    establishment.save()
    organisation.labels.add(LabelFactory(code="test-esat", name="Atelier protégé test"))
    for query in ("adex", "552100554", "maraichage", "aide a domicile", "atelier protege"):
        assert found(query) == ["Association d'entraide"], query


def test_stop_words_do_not_restrict_the_match():
    listed("Association pour l'économie sociale et solidaire")
    assert found("économie de la solidarité") == [
        "Association pour l'économie sociale et solidaire"
    ]


def test_relevance_puts_name_matches_before_description_matches():
    listed("Les amis du vélo", description="Nous réparons des bicyclettes.")
    listed("Atelier de réparation", description="Un atelier vélo pour tous.")
    assert found("velo") == ["Les amis du vélo", "Atelier de réparation"]


@pytest.mark.parametrize("mode", ["inline", "off"], ids=["in-memory", "sql"])
def test_relevance_puts_the_name_then_the_activity_then_the_description(settings, mode):
    settings.ESSOR_SEARCH_MEMORY = mode
    listed("Le relais", description="Aide à domicile pour les aînés.")
    soins = EssOrganisationFactory(name="Soins")
    EstablishmentFactory(organisation=soins, commune=commune(LIMOGES), naf="88.10A")
    listed("Association d'aide à domicile du canton")
    listed("Aide à domicile")
    # Within a tier, the shortest name: the nearest to what was typed.
    assert found("aide domicile") == [
        "Aide à domicile", "Association d'aide à domicile du canton", "Soins", "Le relais",
    ]  # fmt: skip


def test_the_light_stemmer_keeps_a_useful_prefix():
    assert light_stem("economiques") == "econom"
    assert light_stem("cooperatives") == "cooperat"
    assert light_stem("coop") == "coop"
    assert light_stem("sociaux") == "socia"
    assert light_stem("solidaire") == "solida"
    assert terms("L'économie de la Creuse, économie !") == ["economie", "creuse"]
    assert terms("de la") == ["de", "la"]


def test_singular_plural_and_related_forms_find_each_other_exactly():
    listed("Économie solidaire en Creuse")
    listed("Les foyers ruraux de Corrèze")
    listed("Foyer rural de Tulle")

    for text in ("solidaire", "solidaires", "SOLIDAIRE"):
        result = get_backend().search(SearchFilters(text=text), facets=False)
        assert (result.total, result.fuzzy) == (1, False), text
    assert set(found("rural")) == {"Les foyers ruraux de Corrèze", "Foyer rural de Tulle"}
    assert found("ruraux") == found("rural")


def test_only_active_organisations_of_the_ess_are_listed():
    listed("Coopérative ouverte")
    listed("Coopérative fermée", status=AdministrativeStatus.CLOSED)
    listed("Coopérative hors ESS", ess_family="")
    assert found("cooperative") == ["Coopérative ouverte"]


# --- the index follows every write ---------------------------------------------------------


def test_the_index_follows_bulk_writes_of_importers():
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Mutuelle numéro {i}", ess_family=EssFamily.MUTUAL, siren=None)
            for i in range(3)
        ]
    )
    Establishment.objects.bulk_create(
        [Establishment(organisation=o, commune_id=GUERET, naf="65.12Z") for o in organisations]
    )
    result = get_backend().search(SearchFilters(text="mutuelle", departement="23"))
    assert result.total == 3
    assert result.facets["family"] == {"mutual": 3}
    assert result.facets["section"] == {"K": 3}

    for organisation in organisations:
        organisation.name = organisation.name.replace("Mutuelle", "Caisse")
    Organisation.objects.bulk_update(organisations, ["name"])
    assert found("mutuelle") == []
    assert len(found("caisse")) == 3

    Establishment.objects.filter(organisation__in=organisations[:1]).update(commune_id=TULLE)
    facets = get_backend().search(SearchFilters(text="caisse")).facets
    assert facets["departement"] == {"23": 2, "19": 1}

    Organisation.objects.filter(pk=organisations[1].pk).update(status=AdministrativeStatus.CLOSED)
    assert len(found("caisse")) == 2
    Organisation.objects.filter(pk=organisations[2].pk).delete()
    assert len(found("caisse")) == 1


def test_the_index_follows_labels_and_their_names():
    organisation = listed("Chantier d'insertion du Limousin")
    label = LabelFactory(code="test-aci", name="Chantier test")
    organisation.labels.add(label)
    result = get_backend().search(SearchFilters(label=label.pk))
    assert result.total == 1
    label.name = "Atelier renommé"
    label.save()
    assert found("renomme") == ["Chantier d'insertion du Limousin"]
    organisation.labels.remove(label)
    assert get_backend().search(SearchFilters(label=label.pk)).total == 0
    assert found("renomme") == []


def test_establishment_changes_move_the_organisation_between_facets():
    organisation = listed("Crèche parentale")
    establishment = organisation.establishments.get()
    establishment.commune = commune(BORDEAUX)
    establishment.naf = "85.59A"
    establishment.save()
    facets = get_backend().search(SearchFilters()).facets
    assert facets["departement"] == {"33": 1}
    assert facets["section"] == {"P": 1}
    establishment.delete()
    facets = get_backend().search(SearchFilters()).facets
    assert facets["departement"] == {}
    # Still listed: an organisation without establishment is found by its name.
    assert found("creche") == ["Crèche parentale"]


def test_the_index_can_be_rebuilt_from_the_tables():
    listed("Coopérative reconstruite")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM directory_search_site")
        cursor.execute("DELETE FROM directory_search_org")
    assert get_backend().search(SearchFilters()).total == 0
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert get_backend().search(SearchFilters()).total == 1  # the cache was invalidated
    result = get_backend().search(SearchFilters(text="reconstruite"))
    assert result.total == 1
    assert result.facets["departement"] == {"87": 1}


# --- facets --------------------------------------------------------------------------------


@pytest.fixture
def directory():
    """A small directory with every facet represented, some organisations on several
    départements, one without establishment; two kinds of place of the ESS (labels of
    kind « place », the « Lieux de l'ESS » facet)."""
    aci = LabelFactory(code="test-aci", name="Atelier chantier test")
    ea = LabelFactory(code="test-ea", name="Entreprise adaptée test")
    tiers = LabelFactory(code="test-tiers-lieu", name="Tiers-lieu test", kind=LabelKind.PLACE)
    ptce = LabelFactory(code="test-ptce", name="PTCE test", kind=LabelKind.PLACE)
    rows = [
        ("Coopérative Limousin Actif", EssFamily.COOPERATIVE, True, [aci, tiers],
         [(LIMOGES, "64.19Z", "11"), (GUERET, "64.19Z", "01")]),
        ("Coopérative d'habitants", EssFamily.COOPERATIVE, False, [tiers, ptce],
         [(SAINT_JUNIEN, "41.20A", "02")]),
        ("Association d'aide à domicile", EssFamily.ASSOCIATION, False, [aci, ea],
         [(LIMOGES, "88.10A", "21"), (LIMOGES, "88.10A", "12"), (TULLE, "88.10A", "11")]),
        ("Association sportive", EssFamily.ASSOCIATION, True, [ptce],
         [(BORDEAUX, "93.12Z", "01")]),
        ("Mutuelle de santé", EssFamily.MUTUAL, False, [ea],
         [(GUERET, "65.12Z", "22")]),
        ("Fondation pour la coopération", EssFamily.FOUNDATION, False, [tiers], []),
    ]  # fmt: skip
    for name, family, esus, labels, sites in rows:
        organisation = EssOrganisationFactory(name=name, ess_family=family, is_esus=esus)
        organisation.labels.set(labels)
        for index, (code, naf, band) in enumerate(sites):
            EstablishmentFactory(
                organisation=organisation,
                commune=commune(code),
                unplaced=True,
                naf=naf,
                headcount_band=band,
                is_head_office=index == 0,
            )
    return {"aci": aci, "ea": ea, "tiers": tiers, "ptce": ptce}


FIELD_VALUE = {"esus": lambda v: v == "1", "label": int, "place": int}


def assert_facet_counts_are_result_counts(filters):
    backend = get_backend()
    result = backend.search(filters)
    assert result.facets, "no facet"
    checked = 0
    for facet, counts in result.facets.items():
        for value, count in counts.items():
            narrowed = replace(filters, **{facet: FIELD_VALUE.get(facet, str)(value)})
            total = backend.search(narrowed, facets=False).total
            assert total == count, f"{facet}={value}: facet says {count}, result has {total}"
            checked += 1
    return result, checked


@pytest.mark.parametrize(
    "filters",
    [
        SearchFilters(),
        SearchFilters(text="coop"),
        SearchFilters(family=EssFamily.COOPERATIVE),
        SearchFilters(esus=True),
        SearchFilters(departement="87", section="Q"),
        SearchFilters(text="association", band="11"),
        SearchFilters(near=Near(45.8336, 1.2476, 40), sector="action_sociale"),
        SearchFilters(place="tiers"),
        SearchFilters(text="coop", place="tiers", label="aci"),
        SearchFilters(place="tiers", departement="87"),
    ],
    ids=[
        "all", "text", "family", "esus", "territory+section", "text+band", "radius+sector",
        "place", "text+place+label", "place+dep",
    ],
)  # fmt: skip
def test_facet_counts_equal_the_counts_of_the_filtered_result(directory, filters):
    # Labels are named in the parameters and created by the fixture: their ids here.
    ids = {name: label.pk for name, label in directory.items()}
    filters = replace(
        filters, label=ids.get(filters.label, filters.label), place=ids.get(filters.place)
    )
    _, checked = assert_facet_counts_are_result_counts(filters)
    assert checked >= 3


def test_facets_count_organisations_not_establishments(directory):
    result = get_backend().search(SearchFilters())
    assert result.total == 6
    # Three establishments in Haute-Vienne, but two organisations.
    assert result.facets["departement"]["87"] == 3
    assert result.facets["departement"] == {"87": 3, "23": 2, "19": 1, "33": 1}
    assert result.facets["family"] == {
        "cooperative": 2, "association": 2, "mutual": 1, "foundation": 1,
    }  # fmt: skip
    assert result.facets["esus"] == {"1": 2}
    assert result.facets["label"] == {
        str(directory["aci"].pk): 2,
        str(directory["ea"].pk): 2,
    }
    # The places of the ESS are their own facet, not labels.
    assert result.facets["place"] == {
        str(directory["tiers"].pk): 3,
        str(directory["ptce"].pk): 2,
    }


def test_a_place_and_a_label_narrow_the_result_together(directory):
    backend = get_backend()
    tiers, aci = directory["tiers"].pk, directory["aci"].pk
    result = backend.search(SearchFilters(place=tiers), sort="name")
    assert [Organisation.objects.get(pk=pk).name for pk in result.ids] == [
        "Coopérative d'habitants", "Coopérative Limousin Actif", "Fondation pour la coopération",
    ]  # fmt: skip
    # Each facet counted with every filter but its own: the label's alternatives stay.
    assert result.facets["place"] == {str(tiers): 3, str(directory["ptce"].pk): 2}
    assert result.facets["label"] == {str(aci): 1}
    assert result.facets["family"] == {"cooperative": 2, "foundation": 1}
    both = backend.search(SearchFilters(place=tiers, label=aci))
    assert both.total == 1
    assert both.facets["place"] == {str(tiers): 1}
    assert both.facets["label"] == {str(aci): 1}


def test_establishment_filters_apply_to_one_same_establishment(directory):
    # The aid association has an establishment in Haute-Vienne and one with 10-19
    # employees (band 11) — but not both at once.
    result = get_backend().search(SearchFilters(departement="19", band="21"))
    assert result.total == 0
    result = get_backend().search(SearchFilters(departement="87", band="21"))
    assert result.total == 1


def test_a_chosen_facet_keeps_the_counts_of_its_alternatives(directory):
    result = get_backend().search(SearchFilters(departement="87"))
    assert result.total == 3
    assert result.facets["departement"]["23"] == 2


# --- the in-memory index and SQL -------------------------------------------------------------


def _everything(filters, sort):
    backend = get_backend()
    cache.clear()
    result = backend.search(filters, sort=sort, limit=50)
    cells = backend.map_cells(filters, BBox(-5.0, 41.0, 9.0, 51.5), 0.4)
    sites = backend.sites_in(filters, BBox(-5.0, 41.0, 9.0, 51.5), 100)
    cells = sorted((c.est_id, c.count, round(c.lat, 6), round(c.lon, 6), c.stacked) for c in cells)
    return result, backend.ids(filters, sort=sort), cells, sites


@pytest.mark.parametrize(
    "filters",
    [
        SearchFilters(),
        SearchFilters(text="coop"),
        SearchFilters(text="cooperative limousin"),
        SearchFilters(text="limouzin"),
        SearchFilters(text="sante", family=EssFamily.MUTUAL),
        SearchFilters(esus=True, departement="87"),
        SearchFilters(section="Q", band="21"),
        SearchFilters(text="association", sector="action_sociale", epci="248719312"),
        SearchFilters(commune=LIMOGES, origin=(45.8336, 1.2476)),
        SearchFilters(near=Near(45.8336, 1.2476, 40), origin=(45.8336, 1.2476)),
        SearchFilters(zone=BBox(0.5, 45.0, 2.5, 46.5), family=EssFamily.COOPERATIVE),
        SearchFilters(text="coop", near=Near(45.8336, 1.2476, 40), origin=(45.8336, 1.2476)),
        SearchFilters(text="association", commune=LIMOGES, departement="87"),
        SearchFilters(text="cooperative", zone=BBox(-1.0, 44.0, 2.5, 46.5)),
    ],
    ids=[
        "all", "text", "two-words", "approximate", "text+family", "esus+dep", "section+band",
        "text+sector+epci", "commune", "radius", "zone+family", "text+radius",
        "text+commune+dep", "text+zone",
    ],
)  # fmt: skip
@pytest.mark.parametrize("sort", ["relevance", "name", "distance"])
def test_the_memory_index_and_sql_give_the_same_answers(directory, settings, filters, sort):
    """The in-memory index answers once it holds the index's generation, SQL before:
    a person must not see the difference — same totals, counts, order, map."""
    label = directory["aci"]
    filters_with_label = replace(filters, label=label.pk) if filters.text == "coop" else filters
    if filters.family and filters.zone:
        filters_with_label = replace(filters_with_label, place=directory["tiers"].pk)
    settings.ESSOR_SEARCH_MEMORY = "off"
    in_sql = _everything(filters_with_label, sort)
    settings.ESSOR_SEARCH_MEMORY = "inline"
    in_memory = _everything(filters_with_label, sort)
    assert in_memory == in_sql
    assert in_sql[0].total or filters.text == "limouzin"


@pytest.mark.parametrize(
    "filters",
    [
        SearchFilters(),
        SearchFilters(text="coop"),
        SearchFilters(text="sante", family=EssFamily.MUTUAL),
        SearchFilters(esus=True, departement="87"),
        SearchFilters(text="association", sector="action_sociale", epci="248719312"),
        SearchFilters(near=Near(45.8336, 1.2476, 40), origin=(45.8336, 1.2476)),
        SearchFilters(zone=BBox(0.5, 45.0, 2.5, 46.5), family=EssFamily.COOPERATIVE),
        SearchFilters(text="association", commune=LIMOGES, departement="87"),
    ],
    ids=["all", "text", "text+family", "esus+dep", "text+sector+epci", "radius",
         "zone+family", "text+commune+dep"],
)  # fmt: skip
@pytest.mark.parametrize("sort", ["relevance", "name", "-name", "distance"])
@pytest.mark.parametrize("few_counted", [0, 10**9], ids=["whole-facets", "facets-by-index"])
def test_the_memory_index_counts_over_whole_columns_as_over_few_establishments(
    directory, settings, monkeypatch, filters, sort, few_counted
):
    """At national scale a search that leaves many establishments is counted over whole
    columns, one that leaves few over those alone, and over whole columns each facet
    that the other filters leave few is counted over those: all give SQL's answers."""
    from essor.search.backends import memory

    settings.ESSOR_SEARCH_MEMORY = "off"
    in_sql = _everything(filters, sort)
    settings.ESSOR_SEARCH_MEMORY = "inline"
    monkeypatch.setattr(memory, "FEW_SITES", 0)  # every search over whole columns
    monkeypatch.setattr(memory, "FEW_COUNTED", few_counted)
    monkeypatch.setattr(memory, "NAME_SLICE", 1)  # a page in name order read in slices
    memory.forget()
    assert _everything(filters, sort) == in_sql
    assert in_sql[0].total


@pytest.mark.parametrize(
    "filters",
    [
        SearchFilters(naf="88", not_esus=True),
        SearchFilters(text="association", naf="88.10A", departement="87"),
        SearchFilters(naf="64.1", esus=True),
    ],
    ids=["naf-prefix+not-esus", "text+naf+dep", "naf+esus"],
)
@pytest.mark.parametrize("sort", ["name", "-name"])
def test_the_open_data_api_filters_answer_the_same_in_memory_and_in_sql(
    directory, settings, filters, sort
):
    settings.ESSOR_SEARCH_MEMORY = "off"
    in_sql = _everything(filters, sort)
    settings.ESSOR_SEARCH_MEMORY = "inline"
    in_memory = _everything(filters, sort)
    assert in_memory == in_sql
    assert in_sql[0].total


@pytest.fixture
def texts():
    """Organisations whose words sit in each part of the document (name, acronym and
    identifiers; activity: NAF labels, establishment names, labels; description), with
    names whose length runs against the relevance tiers: a wrong tier shows."""
    tiers = LabelFactory(code="test-tiers-lieu", name="Tiers-lieu test", kind=LabelKind.PLACE)
    rows = [
        ("Formation et emploi pour tous en Creuse", {}, "64.19Z", ""),
        ("Centre Alpha", {}, "85.59A", ""),
        ("Les amis", {"description": "Des formations au numérique."}, "93.12Z", ""),
        ("Réseau des tiers-lieux ruraux du Limousin", {}, "93.12Z", ""),
        ("Ouvrir un tiers-lieu", {}, "93.12Z", ""),
        ("La Grange", {"description": "Un tiers-lieu rural."}, "93.12Z", ""),
        ("Atelier partagé de Tulle", {}, "93.12Z", ""),
        ("Le Quai", {}, "93.12Z", "Tiers lieu du Quai"),
        ("Groupement d'employeurs agricoles de la Creuse", {}, "01.11Z", ""),
        ("Gestion associative", {"acronym": "GEAS"}, "94.99Z", ""),
        ("Chantier d'insertion du bâtiment", {}, "43.99C", ""),
        ("Entreprise d'insertion", {"acronym": "EI87"}, "38.11Z", ""),
        ("ÉCONOMIE SOCIALE ET SOLIDAIRE", {"siren": "552100554"}, "94.99Z", ""),
        ("Économies d'énergie", {}, "94.99Z", ""),
        ("Coopératives agricoles réunies", {}, "01.11Z", ""),
        ("Limousin Actif", {}, "64.19Z", ""),
        ("Moulin", {}, "93.12Z", ""),
    ]
    for name, fields, naf, establishment_name in rows:
        organisation = EssOrganisationFactory(name=name, **fields)
        EstablishmentFactory(
            organisation=organisation,
            commune=commune(LIMOGES),
            unplaced=True,
            naf=naf,
            name=establishment_name,
        )
    Organisation.objects.get(name="Moulin").labels.add(tiers)


TEXT_QUERIES = [
    "formation", "formations", "FORM", "tiers-lieux", "tiers-lieu", "tiers lieux", "lieu",
    "GE", "groupement d'employeurs", "SIAE", "insertion", "ei87", "économie", "ECONOMIES",
    "economie solidaire", "552100554", "cooperatives", "coop agricole", "limouzin",
    "atelier partagé tulle", "quai", "xyzzyq",
]  # fmt: skip


@pytest.mark.parametrize("text", TEXT_QUERIES)
def test_the_words_match_alike_in_memory_and_in_sql(texts, settings, text):
    """The in-memory index matches words with the postings of the database's own index:
    the same organisations as SQL, in the same tiers."""
    filters = SearchFilters(text=text)
    settings.ESSOR_SEARCH_MEMORY = "off"
    in_sql = _everything(filters, "relevance")
    settings.ESSOR_SEARCH_MEMORY = "inline"
    in_memory = _everything(filters, "relevance")
    assert in_memory == in_sql
    assert in_memory[0].fuzzy == in_sql[0].fuzzy
    assert bool(in_sql[0].total) == (text != "xyzzyq")


@pytest.mark.parametrize("mode", ["inline", "off"], ids=["in-memory", "sql"])
def test_each_part_of_the_document_gives_its_tier(texts, settings, mode):
    settings.ESSOR_SEARCH_MEMORY = mode
    # Name, then activity (the NAF label), then description, whatever the name's length.
    assert found("formation") == [
        "Formation et emploi pour tous en Creuse",
        "Centre Alpha",
        "Les amis",
    ]
    # A plural finds the singular; a synonym (« atelier partagé ») is a name match too;
    # the establishment's name and the label are the activity; the description last.
    assert found("tiers-lieux") == [
        "Ouvrir un tiers-lieu", "Atelier partagé de Tulle",
        "Réseau des tiers-lieux ruraux du Limousin", "Moulin", "Le Quai", "La Grange",
    ]  # fmt: skip
    # An acronym is a whole word: « GE » is not the start of « GEAS » nor of « gestion ».
    assert found("GE") == ["Groupement d'employeurs agricoles de la Creuse"]
    assert found("ei87") == ["Entreprise d'insertion"]


def test_the_memory_index_matches_words_without_asking_the_database(texts):
    get_backend().search(SearchFilters(text="coop"))  # the snapshot is read
    for text in ("formation", "tiers-lieux", "SIAE", "economie solidaire"):
        with CaptureQueriesContext(connection) as queries:
            result = get_backend().search(SearchFilters(text=text))
        assert result.total
        matching = [q["sql"] for q in queries if "MATCH" in q["sql"] or "@@" in q["sql"]]
        assert matching == [], text


def test_after_a_write_searches_run_in_sql_while_the_index_is_read_again(monkeypatch, settings):
    """In production the snapshot is read in a background thread: until it is ready the
    search runs in SQL (None here), and no second reading starts meanwhile."""
    import threading
    import time
    from types import SimpleNamespace

    from essor.search.backends import memory

    settings.ESSOR_SEARCH_MEMORY = "background"
    readings, release = [], threading.Event()

    def slow_build(backend, generation, wait):
        readings.append(generation)
        release.wait(5)
        return SimpleNamespace(generation=generation)

    monkeypatch.setattr(memory, "build", slow_build)
    backend = get_backend()
    assert memory.current(backend, 7) is None
    assert memory.current(backend, 7) is None
    release.set()
    deadline = time.monotonic() + 5
    while memory.current(backend, 7) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert memory.current(backend, 7).generation == 7
    assert readings == [7]


# --- territory and sort ----------------------------------------------------------------------


def test_a_radius_keeps_the_organisations_within_it_nearest_first(directory):
    limoges = commune(LIMOGES)
    filters = SearchFilters(
        near=Near(limoges.latitude, limoges.longitude, 40),
        origin=(limoges.latitude, limoges.longitude),
    )
    backend = get_backend()
    result = backend.search(filters, sort="distance")
    names = [Organisation.objects.get(pk=pk).name for pk in result.ids]
    assert names[-1] == "Coopérative d'habitants"  # Saint-Junien, about 28 km
    assert set(names) == {
        "Coopérative Limousin Actif", "Association d'aide à domicile", "Coopérative d'habitants",
    }  # fmt: skip
    summaries = backend.summaries(filters, result.ids)
    distances = [summaries[pk][2] for pk in result.ids]
    assert distances == sorted(distances)
    assert 20 < distances[-1] < 35
    assert (
        backend.search(replace(filters, near=Near(limoges.latitude, limoges.longitude, 10))).total
        == 2
    )


def test_commune_and_epci_filters(directory):
    limoges = commune(LIMOGES)
    assert get_backend().search(SearchFilters(commune=LIMOGES)).total == 2
    assert get_backend().search(SearchFilters(epci=limoges.epci_id)).total == 2


def test_name_order_folds_accents_like_both_databases(directory):
    listed("Économie et territoires")
    listed("Zèbre solidaire")
    listed("Entraide")
    ids = get_backend().search(SearchFilters(), sort="name", limit=20).ids
    names = [Organisation.objects.get(pk=pk).name for pk in ids]
    assert names.index("Économie et territoires") < names.index("Entraide")
    assert names.index("Entraide") < names.index("Fondation pour la coopération")
    assert names[-1] == "Zèbre solidaire"


# --- the page ----------------------------------------------------------------------------------


def test_the_search_page_works_without_javascript(client, directory):
    response = client.get(reverse("search:directory"), {"q": "coop", "famille": "cooperative"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert "2 structures" in html
    assert "Coopérative Limousin Actif" in html
    assert "Coopérative d&#x27;habitants" in html
    # The family facet keeps its alternatives: the foundation's name matches "coop" too.
    assert 'id="famille-foundation"' in html
    assert 'method="get"' in html


def test_the_displayed_count_of_an_option_is_the_count_once_chosen(client, directory):
    response = client.get(reverse("search:directory"), {"q": "association"})
    result = response.context["result"]
    for value, _label, count, _selected in result.facets["departement"].options:
        chosen = client.get(reverse("search:directory"), {"q": "association", "departement": value})
        assert chosen.context["result"].total == count


def test_a_write_to_the_directory_refreshes_a_cached_page(client, directory):
    url = reverse("search:directory")
    assert "2 structures" in client.get(url, {"famille": "cooperative"}).content.decode()
    assert "2 structures" in client.get(url, {"famille": "cooperative"}).content.decode()
    listed("Coopérative toute neuve", ess_family=EssFamily.COOPERATIVE)
    assert "3 structures" in client.get(url, {"famille": "cooperative"}).content.decode()


def test_htmx_gets_the_results_fragment_and_the_canonical_url(client, directory):
    response = client.get(
        reverse("search:directory"),
        {"q": "coop", "famille": "", "section": "", "esus": "", "carte": "45.8,1.2,9"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="search-dynamic",
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert response["HX-Push-Url"] == "/annuaire/?q=coop&carte=45.8%2C1.2%2C9"
    assert "HX-Request" in response["Vary"]
    # Going back: htmx asks the whole page again.
    restored = client.get(
        response["HX-Push-Url"],
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
        HTTP_HX_TARGET="search-dynamic",
    )
    assert "<html" in restored.content.decode()
    assert 'value="coop"' in restored.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"famille": "pirates"}, "Sélectionnez un choix valide"),
        ({"departement": "999"}, "Ce département est inconnu."),
        ({"epci": "123"}, "SIREN (9 chiffres)"),
        ({"label": "inconnu"}, "Ce label ou agrément est inconnu."),
        ({"lieu": "inconnu"}, "Ce type de lieu de l&#x27;ESS est inconnu."),
        ({"zone": "1,2,3"}, "ouest,sud,est,nord"),
        ({"zone": "3,2,1,4"}, "l&#x27;ouest doit être avant l&#x27;est"),
        ({"rayon": "10"}, "Choisissez la commune autour de laquelle chercher."),
        ({"commune": "Saint-Martin"}, "Plusieurs communes correspondent"),
        ({"page": "0"}, "supérieure ou égale à 1"),
    ],
)
def test_bad_parameters_get_a_french_message_and_a_400(client, params, message):
    response = client.get(reverse("search:directory"), params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Certains critères ne peuvent pas être appliqués" in response.content.decode()


def test_commune_with_radius_offers_the_distance_sort(client, directory):
    response = client.get(
        reverse("search:directory"), {"commune": "Limoges (87085)", "rayon": "50"}
    )
    result = response.context["result"]
    assert result.sort == "distance"
    # The natural sort submits no value: it follows the search until someone picks one.
    assert result.sort_choices == [("", "Distance", True), ("nom", "Nom", False)]
    assert result.total == 3
    assert "à 0" in response.content.decode() or " m<" in response.content.decode()


def test_the_natural_sort_follows_the_search_until_one_is_chosen(client, directory):
    response = client.get(reverse("search:directory"), {"q": "coop", "tri": ""})
    assert response.context["result"].sort == "relevance"
    response = client.get(reverse("search:directory"), {"q": "coop", "tri": "nom"})
    assert response.context["result"].sort == "name"
    assert response.context["result"].sort_choices == [
        ("", "Pertinence", False),
        ("nom", "Nom", True),
    ]


def test_pagination_moves_through_the_result_and_clamps_old_links(client):
    for index in range(45):
        listed(f"Association numéro {index:02d}")
    response = client.get(reverse("search:directory"), {"q": "association", "page": "3"})
    assert response.context["result"].page.number == 3
    assert len(response.context["result"].items) == 5
    response = client.get(reverse("search:directory"), {"q": "association", "page": "99"})
    assert response.context["result"].page.number == 3
    assert "Page suivante" not in response.content.decode()


def test_query_count_does_not_grow_with_the_number_of_results(
    client, django_assert_max_num_queries
):
    def queries_for(count, prefix):
        for index in range(count):
            organisation = listed(f"{prefix} {index}", is_esus=index % 2 == 0)
            organisation.labels.add(LabelFactory(code=f"t-{prefix[:4]}-{index}"))
        url = reverse("search:directory")
        params = {"q": prefix, "departement": "87"}
        cache.clear()  # measure a search computed, not one served from the cache
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        assert response.context["result"].total == count
        return len(captured)

    one = queries_for(1, "Pommier")
    forty = queries_for(40, "Cerisier")
    assert one == forty
    cache.clear()
    with django_assert_max_num_queries(16):
        client.get(reverse("search:directory"), {"q": "cerisier", "departement": "87"})
    # Asked again, the page comes from the cache: the form's lookups and the generation.
    with django_assert_max_num_queries(5):
        response = client.get(reverse("search:directory"), {"q": "cerisier", "departement": "87"})
    assert "40 structures" in response.content.decode()


def test_the_global_search_still_finds_organisations_best_first(client):
    listed("Limousin Actif")
    listed("Actif en Limousin", description="Limousin, Limousin, Limousin")
    organisations = search_organisations("limousin actif")
    assert [o.name for o in organisations[:20]][0] in {"Limousin Actif", "Actif en Limousin"}
    assert len(organisations[:20]) == 2
    response = client.get(reverse("portal:search"), {"q": "limousin"})
    assert "Limousin Actif" in response.content.decode()


# --- CSV export ----------------------------------------------------------------------------


def read_csv(response):
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(content), delimiter=";"))


def test_the_export_holds_the_current_result_with_public_fields_only(client, directory):
    Organisation.objects.filter(name="Coopérative Limousin Actif").update(
        website="https://limousin-actif.example", public_email="contact@limousin-actif.example"
    )
    response = client.get(reverse("search:directory_export"), {"q": "coop", "departement": "87"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert sorted(r["nom"] for r in rows) == [
        "Coopérative Limousin Actif",
        "Coopérative d'habitants",
    ]
    first = next(r for r in rows if r["nom"] == "Coopérative Limousin Actif")
    assert first["site_web"] == "https://limousin-actif.example"
    assert first["famille_ess"] == "Coopérative"
    assert first["agrement_esus"] == "oui"
    assert first["commune"] == "Limoges"
    assert first["fiche_essor"].endswith(
        reverse(
            "directory:organisation",
            args=[Organisation.objects.get(name="Coopérative Limousin Actif").pk],
        )
    )
    assert "description" not in first
    assert not any("search_text" in key or "is_synthetic" in key for key in first)


def test_the_export_neutralises_spreadsheet_formulas(client):
    listed('=HYPERLINK("http://evil.example") solidaire')
    rows = read_csv(client.get(reverse("search:directory_export"), {"q": "solidaire"}))
    assert rows[0]["nom"].startswith("'=")


def test_the_export_refuses_bad_parameters_in_french(client):
    response = client.get(reverse("search:directory_export"), {"famille": "pirates"})
    assert response.status_code == 400
    assert "Export impossible" in response.content.decode()


def test_the_page_links_the_export_of_the_same_state(client, directory):
    response = client.get(reverse("search:directory"), {"q": "coop", "esus": "1"})
    assert f"{reverse('search:directory_export')}?q=coop&amp;esus=1" in response.content.decode()


def test_each_criterion_is_a_chip_that_removes_it_and_a_radius_goes_with_its_commune(
    client, directory
):
    response = client.get(
        reverse("search:directory"),
        {"q": "coop", "commune": "Limoges (87085)", "rayon": "20", "famille": "cooperative",
         "esus": "1", "departement": "87", "carte": "45.8,1.2,9"},
    )  # fmt: skip
    chips = dict(response.context["chips"])
    assert list(chips) == [
        "« coop »",
        "Limoges (87085)",
        "À moins de 20 km",
        "Famille de l'ESS : Coopérative",
        "Agrément ESUS",
        "Département : Haute-Vienne",
    ]
    assert chips["Limoges (87085)"] == "q=coop&famille=cooperative&esus=1&departement=87"
    assert chips["À moins de 20 km"].startswith("q=coop&commune=Limoges+%2887085%29&famille=")
    assert "departement" not in chips["Département : Haute-Vienne"]
    content = response.content.decode()
    assert (
        '<a class="chip" href="?q=coop&amp;famille=cooperative&amp;esus=1&amp;departement=87">'
        in content
    )
    assert "Tout effacer" in content


def test_a_label_renamed_by_a_queryset_update_is_searched_by_its_new_name(directory):
    Label.objects.filter(code="test-ea").update(name="Entreprise adaptée renommée")
    assert set(found("renommee")) == {"Association d'aide à domicile", "Mutuelle de santé"}


def test_places_of_the_ess_are_a_facet_with_exact_counts_and_a_chip(client, directory):
    url = reverse("search:directory")
    page = client.get(url, {"famille": "cooperative"})
    facet = page.context["result"].facets["lieu"]
    assert facet.label == "Lieu de l'ESS"
    assert facet.options == [
        ("test-ptce", "PTCE test", 1, False),
        ("test-tiers-lieu", "Tiers-lieu test", 2, False),
    ]
    # The labels proper no longer list the places.
    assert [o[0] for o in page.context["result"].facets["label"].options] == ["test-aci"]
    html = page.content.decode()
    assert '<select name="lieu" id="id_lieu">' in html
    assert '<option value="test-tiers-lieu">Tiers-lieu test (2)</option>' in html
    chosen = client.get(url, {"famille": "cooperative", "lieu": "test-ptce"})
    assert chosen.context["result"].total == 1
    assert [i["organisation"].name for i in chosen.context["result"].items] == [
        "Coopérative d'habitants"
    ]
    chips = dict(chosen.context["chips"])
    assert chips["Lieu de l'ESS : PTCE test"] == "famille=cooperative"
    assert '<option value="test-ptce" selected>PTCE test (1)</option>' in (chosen.content.decode())
    # A label proper is not a kind of place.
    assert client.get(url, {"lieu": "test-aci"}).status_code == 400
    # The map draws the establishments of the places chosen.
    layer = client.get(
        reverse("search:map"), {"bbox": "-1.8,42.7,2.7,47.3", "zoom": 7, "lieu": "test-ptce"}
    ).json()
    assert layer["total"] == 2


def test_a_label_that_becomes_a_place_moves_to_the_places_facet(directory):
    """The in-memory index reads each label's kind: a change of kind, even by a queryset
    update, moves the generation (the cached counts and the snapshot are read again)."""
    ea = str(directory["ea"].pk)
    assert ea in get_backend().search(SearchFilters()).facets["label"]
    Label.objects.filter(code="test-ea").update(kind=LabelKind.PLACE)
    facets = get_backend().search(SearchFilters()).facets
    assert ea not in facets["label"]
    assert facets["place"][ea] == 2
