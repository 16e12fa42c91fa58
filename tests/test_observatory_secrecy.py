"""Statistical secrecy: primary rules, secondary secrecy on constructed cases, and the
guarantee that no published total lets anyone recover a masked cell."""

import csv
import io
import re
from collections import defaultdict
from datetime import date

import pytest
from django.urls import reverse
from ninja.testing import TestClient

from essor.directory.enums import EssFamily
from essor.observatory.api import router
from essor.observatory.enums import Breakdown, Secrecy, TerritoryLevel
from essor.observatory.models import FlowCell, IndicatorCell
from essor.observatory.refresh import flow_window, refresh_indicators
from essor.observatory.secrecy import (
    apply_secondary_secrecy,
    primary_secrecy,
    recoverable_groups,
)
from essor.territories.models import Commune, Departement
from tests.observatory_fixtures import (
    generate_sirene_stock,
    import_sirene,
    make_establishments,
)

L = TerritoryLevel
B = Breakdown
LIMOGES, SAINT_JUNIEN, POITIERS = "87085", "87154", "86194"


# --- Primary secrecy ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("establishments", "employees", "largest", "expected"),
    [
        (1, 0, 0, Secrecy.FREQUENCY),
        (2, 100, 50, Secrecy.FREQUENCY),
        (3, 0, 0, Secrecy.PUBLISHED),
        (3, 100, 85, Secrecy.PUBLISHED),  # 85 % exactly: not more than 85 %
        (3, 100, 85.5, Secrecy.DOMINANCE),
        (40, 1000, 900, Secrecy.DOMINANCE),
        (0, 0, 0, Secrecy.PUBLISHED),  # an empty cell reveals nothing
    ],
)
def test_primary_secrecy_masks_small_or_dominated_cells(
    establishments, employees, largest, expected
):
    assert primary_secrecy(establishments, employees, largest) == expected


# --- Secondary secrecy, on its own ----------------------------------------------------


def sizes(values):
    return lambda key: (values[key], key)


def test_a_single_masked_part_makes_the_smallest_other_part_masked():
    values = {"total": 20, "a": 10, "b": 6, "c": 2, "d": 2}
    secrecy = {"total": "", "a": "", "b": "", "c": Secrecy.FREQUENCY, "d": ""}
    added = apply_secondary_secrecy(secrecy, [("total", ["a", "b", "c", "d"])], sizes(values))
    assert added == {"d"}
    assert secrecy["d"] == Secrecy.SECONDARY
    assert not secrecy["a"] and not secrecy["b"] and not secrecy["total"]


def test_a_masked_total_whose_parts_are_all_published_gets_a_part_masked():
    values = {"total": 9, "a": 5, "b": 4}
    secrecy = {"total": Secrecy.DOMINANCE, "a": "", "b": ""}
    apply_secondary_secrecy(secrecy, [("total", ["a", "b"])], sizes(values))
    assert secrecy["b"] == Secrecy.SECONDARY
    assert recoverable_groups(secrecy, [("total", ["a", "b"])]) == []


def test_a_masked_only_part_masks_its_total():
    values = {"epci": 2, "commune": 2}
    secrecy = {"epci": "", "commune": Secrecy.SECONDARY}
    apply_secondary_secrecy(secrecy, [("epci", ["commune"])], sizes(values))
    assert secrecy["epci"] == Secrecy.SECONDARY


def test_secondary_secrecy_cascades_through_linked_tables_until_stable():
    # Région = D1 + D2; D1 = c1 + c2; D2 = c3 + c4. A dominated D1 masks D2 (région),
    # then the smallest commune of each (their départements), and stops there.
    values = {"R": 30, "D1": 12, "D2": 18, "c1": 10, "c2": 2, "c3": 8, "c4": 10}
    groups = [("R", ["D1", "D2"]), ("D1", ["c1", "c2"]), ("D2", ["c3", "c4"])]
    secrecy = dict.fromkeys(values, "")
    secrecy["D1"] = Secrecy.DOMINANCE
    added = apply_secondary_secrecy(secrecy, groups, sizes(values))
    assert added == {"D2", "c2", "c3"}
    assert recoverable_groups(secrecy, groups) == []


def test_a_masked_commune_masks_its_sibling_and_nothing_more():
    values = {"R": 30, "D1": 12, "D2": 18, "c1": 10, "c2": 2, "c3": 8, "c4": 10}
    groups = [("R", ["D1", "D2"]), ("D1", ["c1", "c2"]), ("D2", ["c3", "c4"])]
    secrecy = dict.fromkeys(values, "")
    secrecy["c2"] = Secrecy.FREQUENCY
    assert apply_secondary_secrecy(secrecy, groups, sizes(values)) == {"c1"}


def test_a_zero_part_is_masked_only_when_nothing_else_can_be():
    values = {"year": 6, "jan": 5, "feb": 1, "mar": 0}
    secrecy = {"year": "", "jan": "", "feb": Secrecy.FREQUENCY, "mar": ""}
    apply_secondary_secrecy(secrecy, [("year", ["jan", "feb", "mar"])], sizes(values))
    assert secrecy["jan"] == Secrecy.SECONDARY
    assert not secrecy["mar"]


def test_cells_absent_from_the_tables_are_ignored():
    secrecy = {"total": "", "a": Secrecy.FREQUENCY, "b": ""}
    apply_secondary_secrecy(
        secrecy, [("total", ["a", "b", "absent"]), ("absent-total", ["a"])], lambda key: key
    )
    assert secrecy["b"] == Secrecy.SECONDARY
    assert "absent" not in secrecy and "absent-total" not in secrecy


# --- Constructed cases, end to end ----------------------------------------------------


def cell(level, code, breakdown=B.TOTAL, category=""):
    return IndicatorCell.objects.get(level=level, code=code, breakdown=breakdown, category=category)


@pytest.mark.django_db
def test_a_total_that_would_reveal_a_masked_family_masks_another_family(client):
    # Limoges: 10 associations and 2 cooperatives. The cooperatives are secret (fewer
    # than 3); without secondary secrecy, total − associations = cooperatives.
    make_establishments(LIMOGES, 10, band="11")
    make_establishments(LIMOGES, 2, family=EssFamily.COOPERATIVE, band="12")
    refresh_indicators()

    total = cell(L.COMMUNE, LIMOGES)
    associations = cell(L.COMMUNE, LIMOGES, B.FAMILY, EssFamily.ASSOCIATION)
    cooperatives = cell(L.COMMUNE, LIMOGES, B.FAMILY, EssFamily.COOPERATIVE)
    assert (total.establishments, total.secrecy) == (12, "")
    assert cooperatives.secrecy == Secrecy.FREQUENCY
    assert associations.secrecy == Secrecy.SECONDARY
    assert associations.establishments is None and associations.employees is None

    # The page, the CSV and the API show neither family's figures.
    page = client.get(reverse("observatory:departement", args=["87"])).content.decode()
    assert "Aucun établissement de l'ESS" not in page
    rows = re.findall(r'<th scope="row">(Association|Coopérative)</th>(.*?)</tr>', page, re.S)
    assert len(rows) >= 2
    for _, cells in rows:
        assert "secret" in cells
        assert not re.search(r">\s*(10|2)\s*<", cells)
    response = client.get(
        reverse("observatory:download", args=["commune", LIMOGES, "familles", "csv"])
    )
    text = response.content.decode("utf-8-sig")
    for row in csv.DictReader(io.StringIO(text), delimiter=";"):
        assert row["etablissements"] == "" and row["statut"] == "secret statistique"
    body = TestClient(router).get(f"/indicateurs?niveau=commune&code={LIMOGES}&ventilation=famille")
    for line in body.json()["lignes"]:
        assert line["etablissements"] is None and line["secret"] == "secret statistique"


@pytest.mark.django_db
def test_a_dominant_establishment_masks_its_cell_and_a_sibling():
    # Action sociale: one 500-999 establishment and two small ones: > 85 % dominance.
    make_establishments(LIMOGES, 1, naf="88.10A", band="41")
    make_establishments(LIMOGES, 2, naf="88.10A", band="01")
    make_establishments(LIMOGES, 6, naf="93.12Z", band="21")  # sport, 6 × 74.5
    make_establishments(LIMOGES, 4, naf="85.59A", band="02")  # enseignement, 4 × 4
    refresh_indicators()
    assert cell(L.COMMUNE, LIMOGES, B.SECTOR, "action_sociale").secrecy == Secrecy.DOMINANCE
    # The commune's total is published (749.5 of 1215.5 employees: 62 %), so the
    # next-smallest sector is masked too, and the largest stays published.
    assert cell(L.COMMUNE, LIMOGES).employees == 1215.5
    assert cell(L.COMMUNE, LIMOGES, B.SECTOR, "enseignement").secrecy == Secrecy.SECONDARY
    assert cell(L.COMMUNE, LIMOGES, B.SECTOR, "sport_loisirs").establishments == 6


@pytest.mark.django_db
def test_a_dominated_total_needs_no_other_mask_in_its_breakdown():
    make_establishments(LIMOGES, 1, naf="88.10A", band="41")
    make_establishments(LIMOGES, 2, naf="88.10A", band="01")
    make_establishments(LIMOGES, 6, naf="93.12Z", band="02")
    refresh_indicators()
    assert cell(L.COMMUNE, LIMOGES).secrecy == Secrecy.DOMINANCE
    assert cell(L.COMMUNE, LIMOGES, B.SECTOR, "action_sociale").secrecy == Secrecy.DOMINANCE
    # Two unknowns in "total = action sociale + sport": sport can be published.
    assert cell(L.COMMUNE, LIMOGES, B.SECTOR, "sport_loisirs").establishments == 6


@pytest.mark.django_db
def test_a_departement_total_cannot_reveal_a_masked_commune():
    # Haute-Vienne = Limoges (10) + Saint-Junien (2): Saint-Junien is secret, so
    # Limoges must be too, and so must the EPCI that is nothing but Limoges' figures.
    make_establishments(LIMOGES, 10)
    make_establishments(SAINT_JUNIEN, 2)
    refresh_indicators()
    assert cell(L.DEPARTEMENT, "87").establishments == 12
    assert cell(L.COMMUNE, SAINT_JUNIEN).secrecy == Secrecy.FREQUENCY
    assert cell(L.COMMUNE, LIMOGES).secrecy == Secrecy.SECONDARY
    limoges_epci = Commune.objects.get(code=LIMOGES).epci_id
    assert cell(L.EPCI, limoges_epci).secrecy == Secrecy.SECONDARY


@pytest.mark.django_db
def test_a_region_total_cannot_reveal_a_masked_departement_flow():
    year = flow_window()[2] - 1
    make_establishments(LIMOGES, 2, created_on=date(year, 3, 1))
    make_establishments(POITIERS, 5, created_on=date(year, 4, 1))
    make_establishments(POITIERS, 3, created_on=date(year, 5, 1))
    refresh_indicators()

    def flow(level, code, month=0):
        return FlowCell.objects.get(
            level=level, code=code, breakdown=B.TOTAL, category="", year=year, month=month
        )

    assert flow(L.REGION, "75").creations == 10
    assert flow(L.DEPARTEMENT, "87").creations_secrecy == Secrecy.FREQUENCY
    assert flow(L.DEPARTEMENT, "86").creations is None  # region − 86 would give 87
    assert flow(L.DEPARTEMENT, "86").balance is None
    # Months of Vienne: April (5) and May (3) would add up to the masked year.
    assert (flow(L.DEPARTEMENT, "86", 4).creations is None) or (
        flow(L.DEPARTEMENT, "86", 5).creations is None
    )


# --- No published total reveals a masked cell, on an imported stock -------------------


def published_sums_reveal_a_secret(totals, parts_of):
    """An attacker's view: for every additive relation read from the stored tables,
    the relations with exactly one unknown (a masked value)."""
    found = []
    for total_key, part_keys in parts_of.items():
        if total_key not in totals:
            continue
        members = [total_key, *part_keys]
        unknown = [key for key in members if totals[key] is None]
        if len(unknown) == 1:
            found.append((total_key, unknown[0]))
    return found


@pytest.mark.django_db
def test_no_published_figure_lets_anyone_recover_a_masked_cell(tmp_path):
    import_sirene(*generate_sirene_stock(tmp_path, units=260, seed=8))
    refresh_indicators()
    values = {
        (c.level, c.code, c.breakdown, c.category): c.establishments
        for c in IndicatorCell.objects.all()
    }
    assert any(v is None for v in values.values()) and any(v for v in values.values())
    relations = defaultdict(lambda: defaultdict(list))  # kind -> total -> parts
    for key in values:
        level, code, breakdown, category = key
        if breakdown in (B.FAMILY, B.SECTOR, B.SIZE):
            relations[breakdown][(level, code, B.TOTAL, "")].append(key)
        if breakdown == B.FAMILY_SECTOR:
            family, sector = category.split(":")
            relations["by family"][(level, code, B.FAMILY, family)].append(key)
            relations["by sector"][(level, code, B.SECTOR, sector)].append(key)
    communes = {
        code: (departement, epci)
        for code, departement, epci in Commune.objects.values_list(
            "code", "departement_id", "epci_id"
        )
    }
    regions = dict(Departement.objects.values_list("code", "region_id"))
    for key in values:
        level, code, breakdown, category = key
        if level == L.COMMUNE:
            departement, epci = communes[code]
            relations["departement"][(L.DEPARTEMENT, departement, breakdown, category)].append(key)
            relations["epci"][(L.EPCI, epci, breakdown, category)].append(key)
        if level == L.DEPARTEMENT:
            relations["region"][(L.REGION, regions[code], breakdown, category)].append(key)
    for kind, relations_of_kind in relations.items():
        assert published_sums_reveal_a_secret(values, relations_of_kind) == [], kind

    # The same for creations and closures: years against their months and families,
    # the région against its départements.
    flows = list(FlowCell.objects.all())
    for measure in ("creations", "closures"):
        value = {
            (f.level, f.code, f.breakdown, f.category, f.year, f.month): getattr(f, measure)
            for f in flows
        }
        checks = defaultdict(lambda: defaultdict(list))
        for level, code, breakdown, category, year, month in value:
            key = (level, code, breakdown, category, year, month)
            if month:
                checks["months"][(level, code, B.TOTAL, "", year, 0)].append(key)
            elif breakdown != B.TOTAL:
                checks[breakdown][(level, code, B.TOTAL, "", year, 0)].append(key)
            if level == L.DEPARTEMENT:
                checks["geo"][(L.REGION, regions[code], breakdown, category, year, month)].append(
                    key
                )
        for relations_of_kind in checks.values():
            assert published_sums_reveal_a_secret(value, relations_of_kind) == []
