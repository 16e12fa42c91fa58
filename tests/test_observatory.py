import csv
import html
import io
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django_tasks_db.models import DBTaskResult
from ninja.testing import TestClient
from openpyxl import load_workbook

from essor.directory.enums import AdministrativeStatus, EssFamily
from essor.observatory import refresh as refresh_module
from essor.observatory.api import router
from essor.observatory.enums import Breakdown, TerritoryLevel
from essor.observatory.models import (
    FlowCell,
    IndicatorCell,
    IndicatorRefresh,
    ReferenceEmployment,
    TerritoryCentroid,
)
from essor.observatory.refresh import (
    aggregate_flows,
    aggregate_stock,
    flow_window,
    refresh_indicators,
)
from essor.observatory.services import refresh_after_import
from essor.territories.models import Departement
from tests.observatory_fixtures import (
    SIRENE_FIXTURES,
    generate_sirene_stock,
    import_sirene,
    make_establishments,
    sql_flows,
    sql_stock,
)
from tests.utils import DB_TASKS, run_queued_tasks, svg_drawings

pytestmark = pytest.mark.django_db

L = TerritoryLevel
B = Breakdown
LIMOGES, POITIERS, BORDEAUX = "87085", "86194", "33063"
LIMOGES_METROPOLE = "248719312"


@pytest.fixture(scope="class")
def imported_stock(django_db_setup, django_db_blocker, tmp_path_factory):
    """A SIRENE-format stock (INSEE's columns) imported by the real importer, then the
    indicators refreshed — once for a whole test class, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        import_sirene(*generate_sirene_stock(tmp_path_factory.mktemp("sirene")))
        refresh_indicators()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def imported(imported_stock, db):
    return imported_stock


def stored(level, breakdown):
    return {
        (c.code, c.category): c
        for c in IndicatorCell.objects.filter(level=level, breakdown=breakdown)
    }


# --- Acceptance: every indicator equals an independent computation --------------------


def test_the_official_format_sirene_fixture_gives_the_same_figures_as_sql():
    import_sirene(
        SIRENE_FIXTURES / "StockUniteLegale_utf8.csv",
        SIRENE_FIXTURES / "StockEtablissement_utf8.csv",
    )
    refresh_indicators()
    raw = aggregate_stock()
    for level, breakdown in [(L.REGION, B.TOTAL), (L.DEPARTEMENT, B.FAMILY), (L.EPCI, B.SIZE)]:
        expected = sql_stock(level, breakdown)
        assert expected
        for (code, category), values in expected.items():
            got = raw[(level, code, breakdown, category)]
            assert (got["establishments"], got["employers"]) == values[:2]
            assert got["employees"] == pytest.approx(values[2])
        # Few establishments each: every stored cell is secret, none shows a figure.
        assert set(stored(level, breakdown)) == set(expected)


def test_closed_establishments_and_organisations_outside_the_ess_are_not_counted():
    make_establishments(LIMOGES, 4)
    make_establishments(LIMOGES, 2, status=AdministrativeStatus.CLOSED)
    make_establishments(LIMOGES, 3, family="")
    refresh_indicators()
    cell = IndicatorCell.objects.get(level=L.COMMUNE, code=LIMOGES, breakdown=B.TOTAL)
    assert cell.establishments == 4


def test_employees_are_estimated_from_the_bands_of_active_employer_establishments_only():
    make_establishments(LIMOGES, 3, band="12")  # 3 × 34.5
    make_establishments(LIMOGES, 2, band="03")  # 2 × 7.5
    make_establishments(LIMOGES, 1, band="NN", employer=False)
    make_establishments(LIMOGES, 1, band="12", employer=False)  # not an employer: 0
    refresh_indicators()
    cell = IndicatorCell.objects.get(level=L.COMMUNE, code=LIMOGES, breakdown=B.TOTAL)
    assert cell.employees == 3 * 34.5 + 2 * 7.5
    assert cell.employer_establishments == 5
    assert cell.establishments == 7


def test_an_arrondissement_counts_in_its_city():
    make_establishments("75111", 2)
    make_establishments("75115", 2)
    refresh_indicators()
    paris = IndicatorCell.objects.get(level=L.COMMUNE, code="75056", breakdown=B.TOTAL)
    assert paris.establishments == 4
    assert not IndicatorCell.objects.filter(level=L.COMMUNE, code="75111").exists()


def test_epci_and_departement_centroids_are_the_mean_of_their_communes():
    refresh_indicators()
    from django.db.models import Avg

    from essor.territories.models import Commune

    centre = Commune.objects.filter(
        epci_id=LIMOGES_METROPOLE, parent__isnull=True, latitude__isnull=False
    ).aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    centroid = TerritoryCentroid.objects.get(level=L.EPCI, code=LIMOGES_METROPOLE)
    assert centroid.latitude == pytest.approx(centre["lat"], abs=1e-4)
    assert centroid.longitude == pytest.approx(centre["lon"], abs=1e-4)
    assert centroid.region == "75"


# --- Refresh: one transaction, after each import --------------------------------------


def test_a_failing_refresh_leaves_the_previous_indicators_in_place(monkeypatch):
    make_establishments(LIMOGES, 5)
    refresh_indicators()
    before = set(IndicatorCell.objects.values_list("level", "code", "breakdown", "category"))
    make_establishments(POITIERS, 5)

    insert = refresh_module._insert

    def broken(model, columns, rows):
        if model is FlowCell:  # after the new indicator cells are written
            raise RuntimeError("panne au milieu de l'écriture")
        return insert(model, columns, rows)

    monkeypatch.setattr(refresh_module, "_insert", broken)
    with pytest.raises(RuntimeError):
        refresh_indicators()
    after = set(IndicatorCell.objects.values_list("level", "code", "breakdown", "category"))
    assert after == before
    assert not IndicatorCell.objects.filter(code=POITIERS).exists()
    assert IndicatorRefresh.objects.count() == 1


def test_a_second_refresh_replaces_the_cells_and_keeps_a_history():
    make_establishments(LIMOGES, 5)
    refresh_indicators()
    make_establishments(LIMOGES, 2)
    refresh_indicators()
    cell = IndicatorCell.objects.get(level=L.COMMUNE, code=LIMOGES, breakdown=B.TOTAL)
    assert cell.establishments == 7
    assert IndicatorRefresh.objects.count() == 2
    assert IndicatorRefresh.objects.latest().establishments == 7


def test_the_pages_show_the_new_figures_as_soon_as_a_refresh_ends(client):
    make_establishments(LIMOGES, 5)
    refresh_indicators()
    url = reverse("observatory:departement", args=["87"])
    assert '<p class="figure-value">5</p>' in client.get(url).content.decode()
    make_establishments(LIMOGES, 2)
    assert '<p class="figure-value">5</p>' in client.get(url).content.decode()
    refresh_indicators()
    assert '<p class="figure-value">7</p>' in client.get(url).content.decode()
    ReferenceEmployment.objects.create(level="departement", code="87", year=2022, employees=700)
    assert "de l'emploi salarié du territoire" in client.get(url).content.decode()


def test_refresh_after_import_runs_the_refresh_in_the_background():
    make_establishments(LIMOGES, 4)
    with override_settings(TASKS=DB_TASKS):
        refresh_after_import()
        assert not IndicatorCell.objects.exists(), "nothing runs in the caller"
        assert DBTaskResult.objects.count() == 1
        assert run_queued_tasks() == 1
    assert (
        IndicatorCell.objects.get(level=L.REGION, code="75", breakdown=B.TOTAL).establishments == 4
    )


def test_the_refresh_command_reports_what_it_did():
    make_establishments(LIMOGES, 4)
    out = io.StringIO()
    call_command("refresh_indicators", stdout=out)
    assert "4 établissements actifs comptés" in out.getvalue()


# --- Reference employment -------------------------------------------------------------


def test_reference_employment_is_imported_and_a_rerun_updates_it(tmp_path):
    path = tmp_path / "emploi.csv"
    path.write_text(
        "niveau;code;annee;emplois_salaries;source\n"
        "région;75;2022;2 150 000;Insee, Flores 2022\n"
        "departement;87;2022;140000;\n"
        "epci;248719312;2022;95000;\n",
        encoding="utf-8-sig",
    )
    out = io.StringIO()
    call_command("import_reference_employment", str(path), "--source", "Insee", stdout=out)
    assert "Chiffres d'emploi : 3 créé(s), 0 mis à jour, 0 inchangé(s)" in out.getvalue()
    region = ReferenceEmployment.objects.get(level="region", code="75", year=2022)
    assert (region.employees, region.source) == (2_150_000, "Insee, Flores 2022")
    assert ReferenceEmployment.objects.get(level="departement", code="87").source == "Insee"

    path.write_text(
        "niveau,code,annee,emplois_salaries\nregion,75,2022,2160000\n", encoding="utf-8"
    )
    call_command("import_reference_employment", str(path), stdout=io.StringIO())
    assert ReferenceEmployment.objects.get(level="region", code="75").employees == 2_160_000
    assert ReferenceEmployment.objects.count() == 3


def test_a_bad_reference_file_is_refused_whole_with_french_errors(tmp_path):
    ReferenceEmployment.objects.create(level="region", code="75", year=2021, employees=1)
    path = tmp_path / "emploi.csv"
    path.write_text(
        "niveau;code;annee;emplois_salaries\n"
        "region;75;2022;2150000\n"
        "canton;87;2022;100\n"
        "departement;99;2022;100\n"
        "departement;87;22;-5\n"
        "region;75;2022;2150000\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        call_command("import_reference_employment", str(path))
    message = str(error.value)
    assert "Fichier refusé : 5 erreur(s), rien n'a été écrit." in message
    assert "ligne 3 : niveau « canton » inconnu" in message
    assert "ligne 4 : département de code « 99 » inconnu(e)" in message
    assert "ligne 5 : année « 22 » invalide" in message
    assert "ligne 5 : emplois salariés « -5 » invalide" in message
    assert "ligne 6 : territoire et année « region 75 2022 » en double (déjà ligne 2)" in message
    assert list(ReferenceEmployment.objects.values_list("year", flat=True)) == [2021]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b"niveau;code;annee\nregion;75;2022\n",
            "colonne obligatoire absente : « emplois_salaries »",
        ),
        (b"niveau;code;annee;emplois_salaries\n", "aucune ligne de données"),
        ("niveau;code;annee;emplois_salaries\nrégion;75;2022;1\n".encode("latin-1"), "UTF-8"),
    ],
)
def test_an_unreadable_reference_file_is_refused(tmp_path, content, expected):
    path = tmp_path / "emploi.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=expected):
        call_command("import_reference_employment", str(path))
    assert not ReferenceEmployment.objects.exists()


def test_a_missing_reference_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="absent.csv, fichier introuvable"):
        call_command("import_reference_employment", str(tmp_path / "absent.csv"))


# --- Pages ----------------------------------------------------------------------------


def text_of(response):
    # Only ASCII white space: French typography's no-break spaces stay what they are.
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(response.content.decode()))


def test_the_dashboard_without_indicators_says_so(client):
    response = client.get(reverse("observatory:index"))
    assert response.status_code == 200
    assert "Aucun indicateur n'est encore disponible" in text_of(response)


def test_a_portrait_shows_what_other_apps_add_to_the_territorys_pages(client, page_sections):
    subjects = []
    page_sections.register(
        page_sections.TERRITORY,
        order=10,
        template=lambda values: format_html(
            '<h2>Initiatives sur ce territoire</h2><a href="/initiatives/jardin/">{}</a>',
            values["title"],
        ),
        context=lambda request, place: subjects.append(place) or {"title": "Jardin partagé"},
    )
    make_establishments(LIMOGES, 4)
    refresh_indicators()
    page = text_of(client.get(reverse("observatory:departement", args=["87"])))
    assert subjects == [Departement.objects.get(code="87")]
    assert "Initiatives sur ce territoire" in page
    assert '<a href="/initiatives/jardin/">Jardin partagé</a>' in page
    assert "Accompagnements sur ce territoire" not in page


def test_a_portrait_without_sections_has_none(client, page_sections):
    make_establishments(LIMOGES, 4)
    refresh_indicators()
    page = text_of(client.get(reverse("observatory:epci", args=[LIMOGES_METROPOLE])))
    assert "sur ce territoire" not in page


@pytest.mark.parametrize(
    "url",
    [
        "/observatoire/departement/00/",
        "/observatoire/epci/123456789/",
        "/observatoire/donnees/departement/87/inconnu.csv",
        "/observatoire/donnees/departement/87/familles.pdf",
        "/observatoire/donnees/canton/87/familles.csv",
        "/observatoire/donnees/departement/87/departements.csv",
    ],
)
def test_unknown_territories_and_datasets_are_404(client, url):
    assert client.get(url).status_code == 404


def test_the_method_page_explains_the_estimate_and_the_secret(client):
    page = text_of(client.get(reverse("observatory:method")))
    assert "Estimation des salariés" in page
    assert "moins de 3 établissements" in page
    assert "plus de 85\u00a0% des salariés" in page
    assert "secret secondaire" in page.lower()


# --- Downloads ------------------------------------------------------------------------


# --- API ------------------------------------------------------------------------------


@pytest.fixture
def api():
    return TestClient(router)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/indicateurs?niveau=departement&code=00", 404),
        ("/indicateurs?niveau=canton&code=87", 422),
        ("/indicateurs?niveau=departement&code=8%207", 422),
        ("/evolution?niveau=region&code=75&ventilation=famille&categorie=inconnue", 400),
        (
            "/evolution?niveau=region&code=75&ventilation=famille&categorie=association&pas=mois",
            400,
        ),
    ],
)
def test_the_api_refuses_bad_parameters(api, url, status):
    # The platform's NinjaAPI turns validation errors into French 400s; this bare test
    # client keeps ninja's default 422 for them.
    response = api.get(url)
    assert response.status_code == status
    if status != 422:
        assert response.json()["detail"]


def test_a_parameter_that_contradicts_another_gets_a_french_400_naming_it(client, db):
    response = client.get(
        "/api/observatoire/evolution?niveau=region&code=75&ventilation=famille&categorie=inconnue"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("Paramètre invalide : « categorie » : catégorie « inconnue »")
    assert body["erreurs"] == [
        {
            "parametre": "categorie",
            "message": "catégorie « inconnue » inconnue pour la ventilation famille",
        }
    ]


# --- Demo data ------------------------------------------------------------------------


def test_the_dashboard_on_demo_data_shows_the_calibrated_figures_labelled_as_demo(client):
    from essor.directory.demo import load_synthetic

    scale = 0.1
    load_synthetic(scale=scale)
    refresh_indicators()
    region = IndicatorCell.objects.get(level=L.REGION, code="75", breakdown=B.TOTAL)
    assert region.has_synthetic
    assert region.employees == pytest.approx(220_500 * scale, rel=0.03)
    families = {
        c.category: c.employees
        for c in IndicatorCell.objects.filter(level=L.REGION, code="75", breakdown=B.FAMILY)
    }
    total = sum(families.values())
    shares = {family: round(100 * value / total) for family, value in families.items() if value}
    assert shares == {"association": 73, "cooperative": 17, "mutual": 8, "foundation": 2}

    page = text_of(client.get(reverse("observatory:index")))
    assert "Données de démonstration" in page
    assert f"{round(region.employees):,}".replace(",", "\u202f") in page
    for family, share in shares.items():
        label = EssFamily(family).label
        assert re.search(rf"{label}</th>.*?{share},\d\u00a0%", page), label


class TestOnAnImportedSireneStock:
    """Every test here reads the same imported stock (see `imported_stock`)."""

    @pytest.mark.parametrize(
        ("level", "breakdown"),
        [
            (L.REGION, B.TOTAL),
            (L.REGION, B.FAMILY),
            (L.REGION, B.SECTOR),
            (L.REGION, B.SIZE),
            (L.REGION, B.FAMILY_SECTOR),
            (L.DEPARTEMENT, B.TOTAL),
            (L.DEPARTEMENT, B.FAMILY),
            (L.DEPARTEMENT, B.SECTOR),
            (L.DEPARTEMENT, B.FAMILY_SECTOR),
            (L.EPCI, B.TOTAL),
            (L.EPCI, B.SECTOR),
            (L.EPCI, B.SIZE),
            (L.COMMUNE, B.TOTAL),
            (L.COMMUNE, B.FAMILY),
        ],
    )
    def test_every_stock_indicator_equals_an_independent_sql_computation(
        self, imported, level, breakdown
    ):
        expected = sql_stock(level, breakdown)
        cells = stored(level, breakdown)
        assert expected, "the fixture must give this breakdown some content"
        assert set(cells) == set(expected)
        published = 0
        for key, (establishments, employers, employees) in expected.items():
            cell = cells[key]
            if cell.is_secret:
                assert (cell.establishments, cell.employer_establishments, cell.employees) == (
                    None,
                    None,
                    None,
                )
                continue
            published += 1
            assert cell.establishments == establishments, key
            assert cell.employer_establishments == employers, key
            assert cell.employees == pytest.approx(employees), key
        if level in (L.REGION, L.DEPARTEMENT):
            assert published, "several cells of the fixture are published"

    def test_the_aggregates_before_secrecy_equal_the_independent_computation_everywhere(
        self, imported
    ):
        raw = aggregate_stock()
        for level in L:
            for breakdown in B:
                if level == L.COMMUNE and breakdown == B.FAMILY_SECTOR:
                    continue
                expected = sql_stock(level, breakdown)
                got = {
                    (code, category): (v["establishments"], v["employers"], v["employees"])
                    for (lv, code, bd, category), v in raw.items()
                    if lv == level and bd == breakdown
                }
                assert got.keys() == expected.keys(), (level, breakdown)
                for key, values in expected.items():
                    assert got[key][:2] == values[:2], (level, breakdown, key)
                    assert got[key][2] == pytest.approx(values[2]), (level, breakdown, key)

    @pytest.mark.parametrize(
        ("level", "breakdown", "monthly"),
        [
            (L.REGION, B.TOTAL, False),
            (L.REGION, B.FAMILY, False),
            (L.DEPARTEMENT, B.TOTAL, False),
            (L.DEPARTEMENT, B.SECTOR, False),
            (L.EPCI, B.TOTAL, False),
            (L.REGION, B.TOTAL, True),
            (L.DEPARTEMENT, B.TOTAL, True),
        ],
    )
    def test_creations_and_closures_equal_an_independent_sql_computation(
        self, imported, level, breakdown, monthly
    ):
        first_year, first_monthly_year, last_year = flow_window()
        first = first_monthly_year if monthly else first_year
        creations = sql_flows(level, breakdown, "created_on", monthly=monthly, first_year=first)
        closures = sql_flows(level, breakdown, "closed_on", monthly=monthly, first_year=first)
        cells = FlowCell.objects.filter(level=level, breakdown=breakdown)
        cells = cells.filter(month__gt=0) if monthly else cells.filter(month=0)
        cells = {(c.code, c.category, c.year, c.month): c for c in cells}
        assert set(cells) == set(creations) | set(closures)
        checked = 0
        for key, cell in cells.items():
            if cell.creations is not None:
                assert cell.creations == creations.get(key, 0), key
                checked += 1
            if cell.closures is not None:
                assert cell.closures == closures.get(key, 0), key
            if cell.creations is not None and cell.closures is not None:
                assert cell.balance == creations.get(key, 0) - closures.get(key, 0)
        assert checked
        # And before secrecy, every one of them.
        raw = aggregate_flows()
        for key in set(creations) | set(closures):
            code, category, year, month = key
            values = raw[(level, code, breakdown, category, year, month)]
            assert values == {"creations": creations.get(key, 0), "closures": closures.get(key, 0)}

    def test_the_dashboard_shows_the_key_figures_breakdowns_maps_and_downloads(
        self, client, imported
    ):
        region = IndicatorCell.objects.get(level=L.REGION, code="75", breakdown=B.TOTAL)
        response = client.get(reverse("observatory:index"))
        assert response.status_code == 200
        page = text_of(response)
        assert "Observatoire de l'ESS en Nouvelle-Aquitaine" in page
        assert f"{region.establishments:,}".replace(",", "\u202f") in page
        assert "Établissements et salariés par famille de l'ESS" in page
        assert "Établissements et salariés par secteur d'activité" in page
        assert "Créations et fermetures d'établissements par année" in page
        assert 'aria-labelledby="carte-departements"' in page
        assert 'aria-labelledby="carte-epci"' in page
        assert reverse("observatory:departement", args=["87"]) in page
        assert reverse("observatory:download", args=["region", "75", "familles", "xlsx"]) in page
        assert "Secret statistique" in page
        assert "Données de démonstration" not in page
        assert "style=" not in page  # the content security policy forbids inline styles
        assert svg_drawings(response.content.decode()) > 0

    def test_the_dashboard_opens_on_figures_and_maps_with_every_table_folded_and_a_contents(
        self, client, imported
    ):
        content = client.get(reverse("observatory:index")).content.decode()
        contents = content.index('id="titre-sommaire"')
        assert content.index("Chiffres clés") < contents < content.index('id="titre-cartes"')
        targets = re.findall(r'<li><a href="#(titre-[^"]+)">', content[contents:])
        assert len(targets) >= 8
        for target in targets:
            assert f'id="{target}"' in content
        # Every detail table under its chart, folded; none open before the maps.
        assert content.count("<table") == content.count("<details><summary>Voir le tableau")
        assert content.index("<table") > content.index('id="titre-cartes"')

    def test_the_dashboard_reads_precomputed_cells_in_a_few_queries(self, client, imported):
        client.get(reverse("observatory:index"))  # warm the caches of nomenclatures
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("observatory:index"))
        assert response.status_code == 200
        assert len(queries) <= 20
        tables = " ".join(q["sql"] for q in queries)
        assert "directory_establishment" not in tables
        # Rendered once per refresh: the next visitor gets the same figures for less.
        with CaptureQueriesContext(connection) as queries:
            again = client.get(reverse("observatory:index"))
        assert len(queries) <= 6
        main = re.compile(rb"<main.*</main>", re.S)  # the header carries a fresh CSRF token
        assert main.search(again.content)[0] == main.search(response.content)[0]

    def test_a_departement_portrait_compares_with_the_region(self, client, imported):
        territory = IndicatorCell.objects.get(level=L.DEPARTEMENT, code="87", breakdown=B.TOTAL)
        region = IndicatorCell.objects.get(level=L.REGION, code="75", breakdown=B.TOTAL)
        response = client.get(reverse("observatory:departement", args=["87"]))
        assert response.status_code == 200
        page = text_of(response)
        assert "L'ESS dans le département Haute-Vienne (87)" in page
        share = 100 * territory.establishments / region.establishments
        assert (
            f"{share:.1f}".replace(".", ",") + "\u00a0% des établissements de l'ESS de la région"
            in page
        )
        assert "Même part dans la région (%)" in page
        assert "Établissements et salariés par intercommunalité" in page
        assert reverse("observatory:epci", args=[LIMOGES_METROPOLE]) in page
        assert "@media print" not in page  # print rules live in the static CSS

    def test_an_epci_portrait_links_its_departement(self, client, imported):
        response = client.get(reverse("observatory:epci", args=[LIMOGES_METROPOLE]))
        assert response.status_code == 200
        page = text_of(response)
        assert "L'ESS dans l'intercommunalité CU Limoges Métropole" in page
        assert reverse("observatory:departement", args=["87"]) in page

    def test_the_csv_download_has_the_same_figures_as_the_cells(self, client, imported):
        response = client.get(
            reverse("observatory:download", args=["region", "75", "familles", "csv"])
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert 'filename="essor-familles-region-75.csv"' in response["Content-Disposition"]
        rows = list(
            csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
        )
        cells = stored(L.REGION, B.FAMILY)
        assert {row["libelle"] for row in rows} == {
            EssFamily(category).label for _, category in cells
        }
        for row in rows:
            cell = next(
                c for (_, cat), c in cells.items() if EssFamily(cat).label == row["libelle"]
            )
            if cell.is_secret:
                assert row["etablissements"] == row["salaries_estimes"] == ""
                assert row["statut"] == "secret statistique"
            else:
                assert int(row["etablissements"]) == cell.establishments
                assert int(row["salaries_estimes"]) == round(cell.employees)
                assert row["statut"] == ""

    def test_the_xlsx_download_opens_and_holds_the_yearly_series(self, client, imported):
        response = client.get(
            reverse("observatory:download", args=["departement", "87", "evolution", "xlsx"])
        )
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        header_index = next(i for i, row in enumerate(rows) if row and row[0] == "niveau")
        header = rows[header_index]
        assert header[3:8] == ("periode", "creations", "fermetures", "solde", "statut")
        data = rows[header_index + 1 :]
        first_year, _, last_year = flow_window()
        assert [row[3] for row in data] == [str(y) for y in range(first_year, last_year + 1)]
        cells = {
            c.year: c
            for c in FlowCell.objects.filter(
                level="departement", code="87", breakdown="total", month=0
            )
        }
        for row in data:
            cell = cells.get(int(row[3]))
            assert row[4] == (cell.creations if cell else 0)

    def test_the_api_publishes_the_indicators_with_the_secret_as_null(self, api, imported):
        response = api.get("/indicateurs?niveau=departement&code=87&ventilation=famille")
        assert response.status_code == 200
        body = response.json()
        assert body["territoire"] == {"niveau": "departement", "code": "87", "nom": "Haute-Vienne"}
        cells = stored(L.DEPARTEMENT, B.FAMILY)
        assert len(body["lignes"]) == len([k for k in cells if k[0] == "87"])
        for line in body["lignes"]:
            cell = cells[("87", line["categorie"])]
            if cell.is_secret:
                assert line["etablissements"] is None and line["salaries_estimes"] is None
                assert line["secret"] == "secret statistique"
            else:
                assert line["etablissements"] == cell.establishments
                assert line["secret"] is None

    def test_the_api_lists_the_territories_of_a_level_with_the_ess_share(self, api, imported):
        ReferenceEmployment.objects.create(
            level="departement", code="87", year=2022, employees=100_000
        )
        response = api.get("/territoires?niveau=departement&region=75")
        assert response.status_code == 200
        body = {row["code"]: row for row in response.json()}
        assert len(body) == 12
        cell = IndicatorCell.objects.get(level=L.DEPARTEMENT, code="87", breakdown=B.TOTAL)
        assert body["87"]["etablissements"] == cell.establishments
        assert body["87"]["part_emploi_salarie_pct"] == round(cell.employees / 1000, 1)
        assert body["24"]["part_emploi_salarie_pct"] is None

    def test_the_api_gives_the_yearly_and_monthly_series(self, api, imported):
        yearly = api.get("/evolution?niveau=region&code=75").json()
        first_year, first_monthly_year, last_year = flow_window()
        assert [line["periode"] for line in yearly["lignes"]] == [
            str(y) for y in range(first_year, last_year + 1)
        ]
        monthly = api.get("/evolution?niveau=region&code=75&pas=mois").json()
        assert monthly["lignes"][0]["periode"] == f"{first_monthly_year}-01"
        today = timezone.localdate()
        assert monthly["lignes"][-1]["periode"] == f"{today.year}-{today.month:02d}"
        by_family = api.get(
            "/evolution?niveau=region&code=75&ventilation=famille&categorie=association"
        )
        assert by_family.status_code == 200


# --- Charts and maps ------------------------------------------------------------------


@pytest.mark.parametrize("code", [LIMOGES, POITIERS, BORDEAUX, "19272", "64445", "75056"])
def test_the_map_projection_places_a_commune_inside_its_departement(code):
    from essor.observatory.charts import map_data, project
    from essor.territories.models import Commune

    commune = Commune.objects.get(code=code)
    x, y = project(commune.longitude, commune.latitude)
    x0, y0, x1, y1 = map_data()["by_code"][commune.departement_id]["bbox"]
    margin = 4  # the fit is good to a few map units
    assert x0 - margin <= x <= x1 + margin and y0 - margin <= y <= y1 + margin


def test_choropleth_classes_split_the_values_and_keep_secret_and_empty_apart():
    from essor.observatory.charts import choropleth

    items = [
        {"code": code, "label": code, "value": value, "url": ""}
        for code, value in [
            ("16", 10), ("17", 20), ("19", 30), ("23", None), ("24", 50), ("33", 900),
            ("40", 0), ("47", 70), ("64", 80), ("79", 90), ("86", 100), ("87", 400),
        ]
    ]  # fmt: skip
    result = choropleth(items, title="Test", unit="salariés")
    css = {shape["code"]: shape["css"] for shape in result["shapes"]}
    assert css["23"] == "choro-secret" and css["40"] == "choro-empty"
    assert css["16"] == "choro-0" and css["33"] == "choro-4"
    assert len(result["legend"]) == 5
    assert result["legend"][0]["text"] == "de 10 à 20 salariés"
    assert result["has_secret"] and result["has_empty"]
    view_box = [float(v) for v in result["view_box"].split()]
    assert view_box[2] < 613 / 2  # cropped to the région, not the whole of France


def test_the_api_router_documents_its_operations_in_openapi():
    from ninja import NinjaAPI

    api = NinjaAPI(urls_namespace="observatory-test-api")
    api.add_router("/observatoire/", router)
    schema = api.get_openapi_schema(path_prefix="/api/")
    assert {
        "/api/observatoire/indicateurs",
        "/api/observatoire/evolution",
        "/api/observatoire/territoires",
    } <= set(schema["paths"])
    operation = schema["paths"]["/api/observatoire/indicateurs"]["get"]
    assert operation["summary"] == "Indicateurs d'un territoire"
    assert "secret statistique" in str(schema["components"])


def test_the_communes_of_the_served_region_are_listed_without_a_departement(api):
    response = api.get("/territoires?niveau=commune")
    assert response.status_code == 200
    codes = {row["code"] for row in response.json()}
    assert "87085" in codes
    assert "75056" not in codes  # Paris is not in Nouvelle-Aquitaine
