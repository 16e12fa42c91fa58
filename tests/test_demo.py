"""The directory's demo content: the report's organisations, honestly, and a synthetic set
that reproduces the report's key figures for the region."""

import io
import json
import math
import os
import random
from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils.html import escape

from essor.directory import demo
from essor.directory.enums import AdministrativeStatus, CoordinatePrecision, EssFamily, Source
from essor.directory.ess import ess_family
from essor.directory.models import Establishment, Label, Organisation
from essor.directory.nomenclatures import ess_sector_of, naf_activities
from essor.territories.models import Commune

pytestmark = pytest.mark.django_db

# The report's « CHIFFRES CLÉS » for the region, copied here on purpose: the test must
# not read the figures from the code it checks.
EMPLOYER_ESTABLISHMENTS = 22_200
EMPLOYEES = 220_500
FAMILY_SHARES = {"association": 0.73, "cooperative": 0.17, "mutual": 0.08, "foundation": 0.02}
ACTION_SOCIALE = 86_800
ACTION_SOCIALE_ASSOCIATION_SHARE = 0.98
FINANCE_ASSURANCE = 29_200
BANKS = ["5192", "5194", "5196"]  # cooperative banks' legal categories

# INSEE headcount bands (Sirene documentation) and the estimate the observatory uses:
# the middle of the band, 10 000 for the open top band, none for NN and 00.
BANDS = {
    "01": (1, 2), "02": (3, 5), "03": (6, 9), "11": (10, 19), "12": (20, 49),
    "21": (50, 99), "22": (100, 199), "31": (200, 249), "32": (250, 499),
    "41": (500, 999), "42": (1000, 1999), "51": (2000, 4999), "52": (5000, 9999),
}  # fmt: skip
ESTIMATE_SQL = (
    "CASE e.headcount_band "
    + " ".join(f"WHEN '{code}' THEN {(low + high) / 2}" for code, (low, high) in BANDS.items())
    + " WHEN '53' THEN 10000 ELSE 0 END"
)


def key_figures_sql():
    """The key figures computed straight from the tables, without the ORM or the
    directory's helpers."""
    employers = """
        FROM directory_establishment e
        JOIN directory_organisation o ON o.id = e.organisation_id
        JOIN territories_commune c ON c.code = e.commune_id
        WHERE e.status = 'active' AND e.is_employer = %s AND c.region_id = '75'
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), SUM({ESTIMATE_SQL}) {employers}", [True])
        count, employees = cursor.fetchone()
        cursor.execute(
            f"SELECT o.ess_family, SUM({ESTIMATE_SQL}) {employers} GROUP BY o.ess_family",
            [True],
        )
        by_family = {family: float(total) for family, total in cursor.fetchall()}
        cursor.execute(
            f"SELECT o.ess_family, SUM({ESTIMATE_SQL}) {employers}"
            " AND substr(e.naf, 1, 2) IN ('87', '88') GROUP BY o.ess_family",
            [True],
        )
        action_sociale = {family: float(total) for family, total in cursor.fetchall()}
        cursor.execute(
            f"SELECT SUM({ESTIMATE_SQL}) {employers} AND substr(e.naf, 1, 2) IN ('64', '65', '66')",
            [True],
        )
        (finance,) = cursor.fetchone()
    return {
        "employer_establishments": count,
        "employees": float(employees or 0),
        "by_family": by_family,
        "action_sociale": sum(action_sociale.values()),
        "action_sociale_associations": action_sociale.get("association", 0.0),
        "finance_assurance": float(finance or 0),
    }


def assert_close(value, expected, tolerance=0.02):
    assert abs(value - expected) <= tolerance * expected, (value, expected)


def report_entries():
    return json.loads(demo.REPORT_ORGANISATIONS.read_text(encoding="utf-8"))


# Reference labels ---------------------------------------------------------------------


def test_reference_labels_are_there_after_migrating():
    labels = {label.code: label for label in Label.objects.all()}

    assert {"aci", "ai", "ei", "etti", "eiti"} <= {
        c for c, lb in labels.items() if lb.kind == "siae"
    }
    assert labels["ea"].kind == labels["esat"].kind == "disability"
    assert labels["ea"].name == "Entreprise adaptée"
    assert labels["esat"].name == "Établissement et service d'aide par le travail"
    assert labels["geiq"].name == "Groupement d'employeurs pour l'insertion et la qualification"
    assert labels["esus"].kind == "agrement"
    assert all(label.description for label in labels.values())


# Organisations named in the report ------------------------------------------------------


def test_report_organisations_are_created_under_their_real_names_without_identifiers():
    demo.load_report_organisations()

    expected = {e["name"] for e in report_entries() if not e["is_generic"]}
    created = Organisation.objects.filter(source=Source.REPORT)
    assert set(created.values_list("name", flat=True)) == expected
    assert not created.filter(is_synthetic=True).exists()
    assert not created.exclude(siren=None).exists()
    assert not created.exclude(rna=None).exists()
    assert not Establishment.objects.filter(source=Source.REPORT).exclude(siret=None).exists()
    # Types of structure (DLA, CIGALES, GEIQ) are not organisations.
    assert not created.filter(name__in=["DLA", "CIGALES", "GEIQ"]).exists()


def test_report_organisation_description_is_the_report_quote_and_its_source():
    demo.load_report_organisations()

    hiero = Organisation.objects.get(source=Source.REPORT, name="HIERO")
    assert hiero.description.startswith("> « La fédération HIERO regroupe")
    assert "Structure interviewée pour l'état des lieux" in hiero.description
    assert hiero.description.endswith("Source : état des lieux 2016 des CRESS")
    # The report only lists some structures: nothing is made up about them.
    garie = Organisation.objects.get(source=Source.REPORT, name="GARIE")
    assert garie.description == (
        "Structure interviewée pour l'état des lieux (liste « Structures interviewées », "
        "en Aquitaine).\n\nSource : état des lieux 2016 des CRESS"
    )
    assert "garie" in garie.search_text


def test_a_report_organisation_created_elsewhere_is_completed_but_not_overwritten():
    # The initiatives' data migration creates carriers bare, looked up by name + source.
    lcube, _ = Organisation.objects.get_or_create(name="Lcube", source=Source.REPORT)
    Organisation.objects.filter(pk=lcube.pk).update(description="Texte écrit par la CRESS.")

    demo.load_report_organisations()
    demo.load_report_organisations()

    lcube.refresh_from_db()
    assert lcube.description == "Texte écrit par la CRESS."
    assert Organisation.objects.filter(name="Lcube").count() == 1
    assert lcube.establishments.get().commune.name == "Limoges"
    hiero = Organisation.objects.get(source=Source.REPORT, name="HIERO")
    assert hiero.ess_family == EssFamily.ASSOCIATION
    assert "Source : état des lieux 2016 des CRESS" in hiero.description


def test_report_organisations_get_an_ess_family_only_when_the_report_states_it():
    demo.load_report_organisations()
    report = Organisation.objects.filter(source=Source.REPORT)

    families = Counter(report.values_list("ess_family", flat=True))
    assert families == {"": 77, "association": 7, "cooperative": 3, "foundation": 1}
    assert report.publicly_listed().count() == 11
    assert report.get(name="Association Pivoine").ess_family == EssFamily.ASSOCIATION
    assert report.get(name="SCIC Pau Pyrénées").ess_family == EssFamily.COOPERATIVE
    assert report.get(name="la Solidaire").ess_family == EssFamily.FOUNDATION  # fonds de dotation
    # Public bodies and structures whose form the report does not state stay outside.
    for name in ["Région Limousin", "Autonom'lab", "CRESS Aquitaine", "Coop Alpha"]:
        assert report.get(name=name).ess_family == ""


def test_report_states_elise_atlantique_is_an_entreprise_adaptee():
    demo.load_report_organisations()

    elise = Organisation.objects.get(source=Source.REPORT, name="Elise Atlantique")
    assert list(elise.labels.values_list("code", flat=True)) == ["ea"]


def test_report_organisations_are_placed_only_in_the_towns_the_report_names():
    demo.load_report_organisations()

    establishments = Establishment.objects.filter(source=Source.REPORT)
    placed = {e.organisation.name: e for e in establishments.select_related("organisation")}
    assert set(placed) == {
        "Lcube",
        "Association Pivoine",
        "Maison des Droits de l'Homme de Limoges",
        "Université de Poitiers",
    }
    lcube = placed["Lcube"]
    limoges = Commune.objects.get(code="87085")
    assert lcube.commune == limoges
    assert (lcube.latitude, lcube.longitude) == (limoges.latitude, limoges.longitude)
    assert lcube.coordinate_precision == CoordinatePrecision.COMMUNE_CENTRE
    assert placed["Association Pivoine"].commune.name == "Faux-la-Montagne"
    for establishment in establishments:
        assert establishment.address == establishment.postal_code == ""
        assert establishment.naf == establishment.headcount_band == ""
        assert not establishment.is_employer
        assert not establishment.is_synthetic


# Synthetic set: shape and honesty ----------------------------------------------------


def test_every_calibrated_activity_falls_in_its_segments_sector():
    for segment in demo.segments():
        for activity in segment.activities:
            assert activity.naf in naf_activities(), activity.naf
            sector = ess_sector_of(activity.naf)
            if segment.sector:
                assert sector == segment.sector, (segment.name, activity.naf)
            else:
                assert sector not in {"action_sociale", "finance_assurance"}, activity.naf
            for code, _, category in activity.labels:
                assert Label.objects.filter(code=code).exists()
                assert not category or ess_family(category, "O") == segment.family


def test_the_segments_add_up_to_the_report_key_figures():
    segments = demo.segments()

    assert sum(s.establishments for s in segments) == EMPLOYER_ESTABLISHMENTS
    assert sum(s.employees for s in segments) == EMPLOYEES
    for family, share in FAMILY_SHARES.items():
        total = sum(s.employees for s in segments if s.family == family)
        assert total == pytest.approx(share * EMPLOYEES)
    social = [s for s in segments if s.sector == "action_sociale"]
    assert sum(s.employees for s in social) == ACTION_SOCIALE
    associations = sum(s.employees for s in social if s.family == "association")
    assert associations == pytest.approx(ACTION_SOCIALE_ASSOCIATION_SHARE * ACTION_SOCIALE)
    finance = [s for s in segments if s.sector == "finance_assurance"]
    assert sum(s.employees for s in finance) == FINANCE_ASSURANCE
    assert {s.family for s in finance} == {"cooperative", "mutual"}  # « répartis entre… »


def test_calibrated_bands_hit_the_target_within_a_tenth_of_a_percent():
    rng = random.Random(1)
    bands = ["01"] * 500 + ["12"] * 100 + ["00"] * 20

    demo.calibrate_bands(bands, 6_000, rng, max_band="22")

    total = sum(sum(BANDS[b]) / 2 for b in bands if b in BANDS)
    assert abs(total - 6_000) <= 6
    assert bands.count("00") == 20
    assert set(bands) <= set(demo.LADDER[: demo.LADDER.index("22") + 1]) | {"00"}


def test_the_same_seed_generates_the_same_set_and_another_seed_another():
    communes = demo.region_communes()

    def fingerprint(seed):
        units, sites = demo.Generator(communes, scale=0.05, seed=seed).run()
        return [u.name for u in units], [
            (s.organisation, s.naf, s.band, s.commune, s.latitude, s.created_on) for s in sites
        ]

    assert fingerprint(7) == fingerprint(7)
    assert fingerprint(7) != fingerprint(8)


def test_synthetic_establishments_follow_the_population_of_the_communes():
    communes = demo.region_communes()
    _, sites = demo.Generator(communes, scale=1).run()

    population = sum(c[1] for c in communes)
    counts = Counter(communes[s.commune][0] for s in sites)
    for code in ["33063", "87085", "86194", "64445"]:  # Bordeaux, Limoges, Poitiers, Pau
        share = next(c[1] for c in communes if c[0] == code) / population
        assert abs(counts[code] / len(sites) - share) < 0.003, code
    # Small communes too: every commune has its chance.
    assert len(counts) > 0.8 * len({c[0] for c in communes if c[1] >= 500})


def test_synthetic_set_is_flagged_named_as_demo_and_has_no_identifier():
    demo.load_synthetic(scale=0.05)

    organisations = Organisation.objects.filter(source=Source.SYNTHETIC)
    establishments = Establishment.objects.filter(source=Source.SYNTHETIC)
    assert organisations.count() > 900
    assert not organisations.filter(is_synthetic=False).exists()
    assert not establishments.filter(is_synthetic=False).exists()
    assert not organisations.exclude(siren=None).exists()
    assert not organisations.exclude(rna=None).exists()
    assert not establishments.exclude(siret=None).exists()
    assert not organisations.exclude(name__endswith=" (démo)").exists()
    assert not establishments.exclude(name__endswith=" (démo)").exists()
    assert not establishments.exclude(address="").exists()
    assert not establishments.exclude(coordinate_precision=CoordinatePrecision.APPROXIMATE).exists()
    assert not establishments.exclude(commune__region_id="75").exists()
    assert all("fictive" in o.description for o in organisations[:50])
    # Names read like real ones, made of the activity and the head office's commune.
    assert not organisations.filter(name__contains="n°").exists()
    assert organisations.filter(name__startswith="Association d'aide à domicile d").exists()
    for organisation in organisations.filter(is_synthetic=True)[:200]:
        head = organisation.establishments.filter(is_head_office=True).first()
        if head:
            assert demo.of_place(head.commune.name) in organisation.name, organisation.name
    assert organisations.values("name").distinct().count() == organisations.count()


def test_synthetic_contacts_are_plausible_and_reach_nobody():
    demo.load_synthetic(scale=0.05)
    organisations = Organisation.objects.filter(source=Source.SYNTHETIC)

    with_contacts = organisations.exclude(public_email="")
    assert 0.4 < with_contacts.count() / organisations.count() < 0.8
    assert organisations.filter(public_email="", public_phone="", website="").exists()
    for organisation in with_contacts:
        assert organisation.public_email.startswith("contact@")
        assert organisation.public_email.endswith(".example.org")
        assert organisation.website.startswith("https://")
        assert organisation.website.endswith(".example.org/")
        # The ARCEP range reserved for fiction: 05 36 49 00 00 to 05 36 49 99 99.
        assert organisation.public_phone.startswith("05 36 49 ")
        assert len(organisation.public_phone.replace(" ", "")) == 10


def test_place_names_take_the_right_preposition():
    assert demo.of_place("Guéret") == "de Guéret"
    assert demo.of_place("Angoulême") == "d'Angoulême"
    assert demo.of_place("Le Blanc") == "du Blanc"
    assert demo.of_place("Les Herbiers") == "des Herbiers"
    assert demo.of_place("La Rochelle") == "de La Rochelle"


def test_synthetic_organisations_family_follows_their_legal_category():
    demo.load_synthetic(scale=0.05)

    rows = Organisation.objects.filter(source=Source.SYNTHETIC).values_list(
        "legal_category", "ess_flag", "ess_family"
    )
    for category, flag, family in rows:
        assert ess_family(category, "O" if flag else None) == family
    families = Counter(family for _, _, family in rows)
    assert set(families) == {"association", "cooperative", "mutual", "foundation", "commercial"}


def test_synthetic_establishments_lie_within_two_kilometres_of_their_commune():
    demo.load_synthetic(scale=0.05)

    rows = Establishment.objects.filter(source=Source.SYNTHETIC).values_list(
        "latitude", "longitude", "commune__latitude", "commune__longitude"
    )
    for lat, lon, commune_lat, commune_lon in rows:
        dy = (lat - commune_lat) * 111_320
        dx = (lon - commune_lon) * 111_320 * math.cos(math.radians(commune_lat))
        assert math.hypot(dx, dy) <= 2_001


def test_some_synthetic_establishments_have_closed_after_they_opened():
    demo.load_synthetic(scale=0.05)

    closed = Establishment.objects.filter(
        source=Source.SYNTHETIC, status=AdministrativeStatus.CLOSED
    )
    assert closed.count() > 50
    assert not closed.filter(closed_on=None).exists()
    for created_on, closed_on in closed.values_list("created_on", "closed_on"):
        assert created_on < closed_on <= date(2025, 12, 31)
    # An organisation whose only establishment closed is closed too; a bank is not.
    single = Organisation.objects.filter(
        source=Source.SYNTHETIC, legal_category__startswith="92", establishments__in=closed
    ).first()
    assert single.status == AdministrativeStatus.CLOSED and single.closed_on
    bank = (
        Organisation.objects.filter(source=Source.SYNTHETIC, legal_category__in=BANKS)
        .order_by("pk")
        .first()
    )
    assert bank.status == AdministrativeStatus.ACTIVE
    assert bank.establishments.count() > 3
    assert bank.establishments.filter(is_head_office=True).count() == 1
    dates = Establishment.objects.filter(source=Source.SYNTHETIC).values_list(
        "created_on", flat=True
    )
    years = Counter(d.year // 25 * 25 for d in dates)
    assert years[1950] < years[1975] < years[2000]


def test_some_synthetic_organisations_carry_labels_for_buyers():
    demo.load_synthetic(scale=0.05)

    labelled = Counter(
        Organisation.labels.through.objects.filter(
            organisation__source=Source.SYNTHETIC
        ).values_list("label__code", flat=True)
    )
    assert {"esat", "aci", "ai", "ea"} <= set(labelled)
    esat = Organisation.objects.filter(labels__code="esat").first()
    assert esat.establishments.filter(naf="88.10C").exists()


def test_the_synthetic_set_is_listed_and_found_by_the_directory_search(client):
    demo.load_synthetic(scale=0.05)
    esat = Organisation.objects.filter(labels__code="esat").order_by("pk").first()

    assert Organisation.objects.filter(source=Source.SYNTHETIC).publicly_listed().count() == (
        Organisation.objects.filter(source=Source.SYNTHETIC, status="active").count()
    )
    response = client.get(reverse("search:directory"), {"q": esat.name})
    assert response.status_code == 200
    assert escape(esat.name) in response.content.decode()


# Synthetic set: the report's figures ---------------------------------------------------


def test_scaled_set_keeps_the_report_proportions():
    demo.load_synthetic(scale=0.1)

    figures = key_figures_sql()
    assert_close(figures["employer_establishments"], EMPLOYER_ESTABLISHMENTS * 0.1)
    assert_close(figures["employees"], EMPLOYEES * 0.1)
    for family, share in FAMILY_SHARES.items():
        assert_close(figures["by_family"][family] / figures["employees"], share)
    assert_close(figures["action_sociale"] / figures["employees"], ACTION_SOCIALE / EMPLOYEES)
    assert_close(
        figures["action_sociale_associations"] / figures["action_sociale"],
        ACTION_SOCIALE_ASSOCIATION_SHARE,
    )
    assert_close(figures["finance_assurance"] / figures["employees"], FINANCE_ASSURANCE / EMPLOYEES)
    # The directory's own computation (the observatory's) reads the same figures.
    computed = demo.calibration()
    assert computed["employer_establishments"] == figures["employer_establishments"]
    for key in ["employees", "action_sociale", "action_sociale_associations", "finance_assurance"]:
        assert computed[key] == pytest.approx(figures[key])
    for family, employees in figures["by_family"].items():
        assert computed["employees_by_family"][family] == pytest.approx(employees)


def test_the_full_scale_set_hits_the_report_key_figures():
    communes = demo.region_communes()
    units, sites = demo.Generator(communes, scale=1).run()

    employers = [s for s in sites if s.is_employer and s.closed_on is None]
    by_family = Counter()
    action_sociale = Counter()
    finance = 0.0
    for site in employers:
        family = units[site.organisation].family
        employees = sum(BANDS[site.band]) / 2 if site.band in BANDS else 0
        by_family[family] += employees
        if site.naf[:2] in {"87", "88"}:
            action_sociale[family] += employees
        elif site.naf[:2] in {"64", "65", "66"}:
            finance += employees
    assert_close(len(employers), EMPLOYER_ESTABLISHMENTS)
    assert_close(by_family.total(), EMPLOYEES)
    for family, share in FAMILY_SHARES.items():
        assert_close(by_family[family], share * EMPLOYEES)
    assert_close(action_sociale.total(), ACTION_SOCIALE)
    assert_close(action_sociale["association"] / action_sociale.total(), 0.98)
    assert_close(finance, FINANCE_ASSURANCE)


def test_load_demo_adds_the_directory_content_once():
    demo.load_synthetic(scale=0.02)  # the full set is checked by the demo smoke test below
    synthetic = Establishment.objects.filter(source=Source.SYNTHETIC).count()

    call_command("load_demo", stdout=io.StringIO())
    counts = (Organisation.objects.count(), Establishment.objects.count(), Label.objects.count())
    call_command("load_demo", stdout=io.StringIO())

    # 88 from the report's list; the support and financing demos may name a few more
    # actors the report cites in passing.
    assert Organisation.objects.filter(source=Source.REPORT).count() >= 88
    assert Establishment.objects.filter(source=Source.SYNTHETIC).count() == synthetic
    assert (Organisation.objects.count(), Establishment.objects.count(), Label.objects.count()) == (
        counts
    )


@pytest.mark.skipif(
    not os.environ.get("ESSOR_DEMO_SMOKE"),
    reason="jeu complet (environ 25 000 établissements) : ESSOR_DEMO_SMOKE=1 pour le lancer",
)
def test_make_demo_loads_a_set_with_the_report_key_figures():
    call_command("load_demo", stdout=io.StringIO())

    figures = key_figures_sql()
    assert_close(figures["employer_establishments"], EMPLOYER_ESTABLISHMENTS)
    assert_close(figures["employees"], EMPLOYEES)
    for family, share in FAMILY_SHARES.items():
        assert_close(figures["by_family"][family], share * EMPLOYEES)
    assert figures["by_family"].get("commercial", 0) == 0
    assert_close(figures["action_sociale"], ACTION_SOCIALE)
    assert_close(
        figures["action_sociale_associations"],
        ACTION_SOCIALE_ASSOCIATION_SHARE * ACTION_SOCIALE,
    )
    assert_close(figures["finance_assurance"], FINANCE_ASSURANCE)
