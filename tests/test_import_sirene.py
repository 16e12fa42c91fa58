"""The SIRENE importer, its command, the background task and the admin that launches it.

The fixtures in tests/data/sirene/ are small StockUniteLegale / StockEtablissement files
with INSEE's full headers; their units are fictitious but Luhn-valid, in real communes."""

import csv
import datetime
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from essor.core import importing
from essor.core.enums import ImportStatus
from essor.core.importing import ErrorLog, ImportRejected
from essor.core.models import ImportRun
from essor.core.readers import ArrowCsvFile
from essor.directory.enums import (
    AdministrativeStatus,
    CoordinatePrecision,
    Diffusion,
    EssFamily,
    Source,
)
from essor.directory.importers.formats import ESTABLISHMENT_HEADER
from essor.directory.importers.geo import LAMBERT_93, sirene_to_wgs84, to_wgs84, wgs84_to_lambert93
from essor.directory.importers.sirene import SireneImporter
from essor.directory.models import Establishment, Organisation
from essor.territories.models import Commune
from tests.factories.accounts import UserFactory
from tests.factories.directory import OrganisationFactory
from tests.utils import DB_TASKS, run_queued_tasks

DATA = Path(__file__).parent / "data" / "sirene"
UNITS = DATA / "StockUniteLegale_utf8.csv"
ESTABLISHMENTS = DATA / "StockEtablissement_utf8.csv"
LATER = DATA / "StockEtablissement_later_utf8.csv"

LIVRE, SCOP, MUTUELLE, FONDATION, SAS_ESS = (
    "775123458",
    "421987652",
    "503123671",
    "318456787",
    "812345676",
)
JARDINS, CLUB, PARIS_ASSO, APPROX = "388777666", "522333442", "433222114", "399888775"
OUTSIDE_ESS = ["899123459", "444555668", "600111223", "900123985"]
LIVRE_HEAD, LIVRE_SAINT_JUNIEN = "77512345800017", "77512345800025"
SCOP_POITIERS, SCOP_NIORT = "42198765200011", "42198765200029"
NEW_IN_LATER = "77512345800033"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_directory(db):
    # Data migrations seed the report's organisations: these tests start from none.
    Organisation.objects.all().delete()


@pytest.fixture(autouse=True)
def _region(settings):
    settings.ESSOR_REGION = "75"


def run(units=UNITS, establishments=ESTABLISHMENTS, **options):
    return SireneImporter(units, establishments, **options).run()


def snapshot():
    return {
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "establishments": list(Establishment.objects.order_by("pk").values()),
    }


def rewrite(source, target, transform):
    """A copy of a fixture with some lines changed: transform(number, line) -> line."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    target.write_text(
        "".join(transform(n, line) for n, line in enumerate(lines, 1)), encoding="utf-8"
    )
    return target


def edit(source, target, key, **changes):
    """A copy of a fixture where the row whose first field is `key` gets new values."""
    with source.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
        header = list(rows[0])
    for row in rows:
        if row["siren"] == key or row.get("siret") == key:
            row.update(changes)
    with target.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return target


def line_of(path, text):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(text)


# What gets imported


def test_it_keeps_ess_units_that_have_an_establishment_in_the_region():
    report = run()

    assert set(Organisation.objects.values_list("siren", flat=True)) == {
        LIVRE,
        SCOP,
        MUTUELLE,
        FONDATION,
        SAS_ESS,
        JARDINS,
        CLUB,
        APPROX,
    }
    assert Establishment.objects.count() == 10
    assert not Establishment.objects.filter(commune__region_id="11").exists()
    assert report["organisations"]["created"] == 8
    assert report["establishments"]["created"] == 10
    assert report["skipped"]["units_outside_ess"] == 4
    # Lyon and the Paris office of the mutual, the Paris association.
    assert report["skipped"]["establishments_outside_region"] == 3
    assert report["skipped"]["establishments_outside_perimeter"] == 4
    assert report["lines"] == {"unites_legales": 13, "etablissements": 17}


def test_unit_fields_are_mapped_from_sirene():
    run()

    livre = Organisation.objects.get(siren=LIVRE)
    assert livre.name == "LES AMIS DU LIVRE EN LIMOUSIN"
    assert livre.rna == "W872001234"
    assert livre.legal_category == "9220"
    assert livre.ess_family == EssFamily.ASSOCIATION
    assert livre.ess_flag is None
    assert livre.created_on == datetime.date(1985, 3, 12)
    assert livre.status == AdministrativeStatus.ACTIVE
    assert livre.diffusion == Diffusion.PUBLIC
    assert livre.source == Source.SIRENE
    assert livre.source_updated_at is not None
    assert "amis du livre en limousin" in livre.search_text

    scop = Organisation.objects.get(siren=SCOP)
    assert (scop.acronym, scop.ess_family, scop.ess_flag) == ("SMB", EssFamily.COOPERATIVE, True)
    assert "smb" in scop.search_text

    company = Organisation.objects.get(siren=SAS_ESS)
    assert company.ess_family == EssFamily.COMMERCIAL
    assert company.is_mission_company is True

    club = Organisation.objects.get(siren=CLUB)
    assert club.status == AdministrativeStatus.CLOSED
    assert club.closed_on == datetime.date(2020, 1, 1)


def test_establishment_fields_are_mapped_from_sirene():
    run()

    head = Establishment.objects.get(siret=LIVRE_HEAD)
    assert head.organisation.siren == LIVRE
    assert head.address == "9 place Leon Betoulle"
    assert head.postal_code == "87000"
    assert head.commune_id == "87085"
    assert head.naf == "94.99Z"
    assert head.headcount_band == "11"
    assert head.is_employer and head.is_head_office
    assert head.created_on == datetime.date(1985, 3, 12)
    assert head.status == AdministrativeStatus.ACTIVE and head.closed_on is None
    # Limoges town hall, converted from Lambert-93.
    assert head.coordinate_precision == CoordinatePrecision.ADDRESS
    assert head.latitude == pytest.approx(45.820199, abs=1e-5)
    assert head.longitude == pytest.approx(1.257331, abs=1e-5)

    shop = Establishment.objects.get(siret=LIVRE_SAINT_JUNIEN)
    assert shop.name == "LIBRAIRIE SOLIDAIRE"
    assert shop.address == "12 bis rue du General de Gaulle"
    assert not shop.is_head_office
    # No coordinates in the file: the commune's centre.
    saint_junien = Commune.objects.get(code="87154")
    assert (shop.latitude, shop.longitude) == (saint_junien.latitude, saint_junien.longitude)
    assert shop.coordinate_precision == CoordinatePrecision.COMMUNE_CENTRE

    niort = Establishment.objects.get(siret=SCOP_NIORT)
    assert niort.status == AdministrativeStatus.CLOSED
    assert niort.closed_on == datetime.date(2019, 6, 30)
    assert Establishment.objects.get(siret="31845678700015").address == "2 allée des Platanes"
    la_rochelle = Establishment.objects.get(organisation__siren=SAS_ESS)
    assert la_rochelle.address == "7 quartier du Gabut"


def test_a_commune_located_approximately_gives_an_approximate_position():
    run()

    establishment = Establishment.objects.get(organisation__siren=APPROX)
    assert Commune.objects.get(code="16001").coordinate_precision == "approximate"
    assert establishment.coordinate_precision == CoordinatePrecision.APPROXIMATE
    assert establishment.latitude is not None


def test_partially_diffusible_units_never_store_what_insee_withholds():
    run()

    gardens = Establishment.objects.get(organisation__siren=JARDINS)
    assert gardens.diffusion == Diffusion.PARTIAL
    assert not gardens.shows_address
    assert gardens.address == "" and gardens.name == ""
    assert gardens.postal_code == "24000"
    assert gardens.coordinate_precision == CoordinatePrecision.COMMUNE_CENTRE
    assert Organisation.objects.get(siren=JARDINS).diffusion == Diffusion.PARTIAL
    for row in snapshot()["organisations"] + snapshot()["establishments"]:
        assert "[ND]" not in str(row)


def test_a_partially_diffusible_establishment_is_shown_at_its_commune_even_with_coordinates(
    tmp_path,
):
    def publish_coordinates(number, line):
        if line.startswith("388777666,"):
            return line.replace("[ND],[ND],", "520000.0,6450000.0,", 1)
        return line

    establishments = rewrite(ESTABLISHMENTS, tmp_path / "etab.csv", publish_coordinates)
    run(establishments=establishments)

    gardens = Establishment.objects.get(organisation__siren=JARDINS)
    assert gardens.coordinate_precision == CoordinatePrecision.COMMUNE_CENTRE


def test_all_regions_imports_the_rest_of_france(tmp_path):
    # The test geography has no commune of the Rhône: the Lyon office is left out.
    establishments = rewrite(
        ESTABLISHMENTS, tmp_path / "etab.csv", lambda n, line: "" if ",69123," in line else line
    )
    report = run(establishments=establishments, all_regions=True)

    assert Organisation.objects.filter(siren=PARIS_ASSO).exists()
    assert Establishment.objects.filter(commune_id="75111").count() == 2
    assert report["region"] == "toute la France"
    assert report["skipped"]["establishments_outside_region"] == 0


def test_all_regions_rejects_a_commune_missing_from_the_geography():
    with pytest.raises(ImportRejected) as rejected:
        run(all_regions=True)

    line = line_of(ESTABLISHMENTS, ",69123,")
    assert f"ligne {line} : commune inconnue « 69123 »." in str(rejected.value)
    assert not Organisation.objects.exists()


def test_dry_run_counts_but_writes_nothing():
    report = run(dry_run=True)

    assert report["dry_run"] is True
    assert report["organisations"]["created"] == 8
    assert report["establishments"]["created"] == 10
    assert not Organisation.objects.exists() and not Establishment.objects.exists()


def test_zipped_stock_files_are_read_without_extracting(tmp_path):
    for name in (UNITS, ESTABLISHMENTS):
        with zipfile.ZipFile(tmp_path / f"{name.stem}.zip", "w", zipfile.ZIP_DEFLATED) as z:
            z.write(name, name.name)
    run(tmp_path / f"{UNITS.stem}.zip", tmp_path / f"{ESTABLISHMENTS.stem}.zip")

    assert Organisation.objects.count() == 8
    assert Establishment.objects.count() == 10
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "StockEtablissement_utf8.zip",
        "StockUniteLegale_utf8.zip",
    ]


def test_a_zip_with_several_files_is_refused(tmp_path):
    archive = tmp_path / "stock.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(UNITS, "a.csv")
        z.write(UNITS, "b.csv")

    with pytest.raises(ImportRejected, match="un seul fichier CSV"):
        run(archive, ESTABLISHMENTS)


# Idempotency


@pytest.mark.parametrize("block_size", [None, 512], ids=["one-block", "blocks-read-ahead"])
def test_the_line_reader_and_the_columnar_reader_import_the_same(monkeypatch, block_size):
    from essor.core.readers import ArrowCsvFile

    if block_size:  # about ten blocks, each parsed in a thread while the last is checked
        monkeypatch.setattr(ArrowCsvFile, "BLOCK_SIZE", block_size)
    columnar = run()
    stored = snapshot()
    Establishment.objects.all().delete()
    Organisation.objects.all().delete()

    by_lines = run(line_reader=True)

    for key in ("lines", "read", "kept", "rejected", "skipped", "organisations", "establishments"):
        assert by_lines[key] == columnar[key], key
    ignored = {"id", "organisation_id", "created_at", "updated_at", "source_updated_at"}

    def rows(snapshot):
        return {
            kind: sorted(str({k: v for k, v in row.items() if k not in ignored}) for row in rows)
            for kind, rows in snapshot.items()
        }

    assert rows(snapshot()) == rows(stored)


def test_the_columnar_reader_gives_the_projected_columns_and_true_line_numbers(tmp_path):
    errors = ErrorLog()
    reader = ArrowCsvFile(ESTABLISHMENTS, errors=errors, projection=("siren", "siret"))
    with reader.members() as members:
        [(label, stream)] = list(members)
        assert reader.read(stream, label)
        assert reader.check_columns(["siren", "siret"], ESTABLISHMENT_HEADER)
        reader.keep_first = {LIVRE}
        rows = [(reader.line, fields) for fields in reader]

    assert reader.header == ["siren", "siret"]
    assert [fields[1] for _, fields in rows][:2] == [LIVRE_HEAD, LIVRE_SAINT_JUNIEN]
    assert rows[0][0] == line_of(ESTABLISHMENTS, LIVRE_HEAD)
    assert reader.filtered == reader.line - 1 - len(rows)
    assert not errors


def test_importing_the_same_files_twice_changes_nothing():
    run()
    before = snapshot()

    report = run()

    assert snapshot() == before
    assert report["organisations"] == {"created": 0, "updated": 0, "unchanged": 8, "closed": 0}
    assert report["establishments"] == {"created": 0, "updated": 0, "unchanged": 10, "closed": 0}


def test_a_later_file_with_one_closure_and_one_opening_makes_exactly_those_two_changes():
    run()
    before = snapshot()

    report = run(establishments=LATER)

    after = snapshot()
    assert after["organisations"] == before["organisations"]
    old = {row["siret"]: row for row in before["establishments"]}
    new = {row["siret"]: row for row in after["establishments"]}
    assert set(new) - set(old) == {NEW_IN_LATER}
    changed = {siret for siret in old if old[siret] != new[siret]}
    assert changed == {SCOP_POITIERS}
    closed = new[SCOP_POITIERS]
    assert closed["status"] == AdministrativeStatus.CLOSED
    assert closed["closed_on"] == datetime.date(2025, 3, 31)
    assert not closed["is_employer"]
    assert new[NEW_IN_LATER]["organisation_id"] == Organisation.objects.get(siren=LIVRE).pk
    assert report["establishments"] == {"created": 1, "updated": 1, "unchanged": 9, "closed": 1}


def test_rows_are_never_deleted_and_departures_are_reported(tmp_path):
    run()
    # The SCOP's units and establishments disappear from the perimeter (now a plain SARL).
    units = edit(
        UNITS,
        tmp_path / "ul.csv",
        SCOP,
        categorieJuridiqueUniteLegale="5499",
        economieSocialeSolidaireUniteLegale="N",
    )
    report = run(units=units)

    assert Organisation.objects.filter(siren=SCOP).exists()
    assert Establishment.objects.filter(organisation__siren=SCOP).count() == 2
    assert report["left_perimeter"] == 1
    assert report["left_perimeter_sample"] == [SCOP]
    assert report["not_seen"] == 2


def test_an_organisation_first_created_from_the_rna_is_adopted_by_its_siren():
    association = OrganisationFactory(rna="W872001234", siren=None, source=Source.RNA)

    run()

    association.refresh_from_db()
    assert association.siren == LIVRE
    assert association.source == Source.SIRENE
    assert Organisation.objects.filter(rna="W872001234").count() == 1


def test_profile_fields_are_never_overwritten():
    organisation = OrganisationFactory(
        siren=LIVRE,
        description="Notre **histoire**",
        website="https://livre.example.org",
        public_email="contact@livre.example.org",
    )

    run()

    organisation.refresh_from_db()
    assert organisation.name == "LES AMIS DU LIVRE EN LIMOUSIN"
    assert organisation.description == "Notre **histoire**"
    assert organisation.website == "https://livre.example.org"
    assert organisation.public_email == "contact@livre.example.org"
    assert "histoire" in organisation.search_text


# Malformed files: rejected with line numbers, nothing written


@pytest.fixture
def imported():
    run()
    return snapshot()


def assert_rejected(imported, match, **files):
    with pytest.raises(ImportRejected) as rejected:
        run(**files)
    assert match in str(rejected.value), str(rejected.value)
    assert snapshot() == imported
    return str(rejected.value)


def test_a_misspelt_column_is_named_with_the_columns_found(tmp_path, imported):
    establishments = rewrite(
        ESTABLISHMENTS,
        tmp_path / "etab.csv",
        lambda n, line: (
            line.replace("codeCommuneEtablissement", "codeComuneEtablissement") if n == 1 else line
        ),
    )
    message = assert_rejected(
        imported,
        "ligne 1 : colonne obligatoire absente : « codeCommuneEtablissement » "
        "(« codeComuneEtablissement » est-elle mal orthographiée ?).",
        establishments=establishments,
    )
    assert "colonnes trouvées (54) : siren, nic, siret," in message
    assert "rien n'a été écrit" in message


def test_a_file_with_the_wrong_separator_says_so(tmp_path, imported):
    units = rewrite(UNITS, tmp_path / "ul.csv", lambda n, line: line.replace(",", ";"))
    assert_rejected(imported, "Le séparateur semble être « ; » au lieu de « , ».", units=units)


def test_a_truncated_line_is_rejected_with_its_number(tmp_path, imported):
    target = line_of(ESTABLISHMENTS, LIVRE_SAINT_JUNIEN)
    establishments = rewrite(
        ESTABLISHMENTS,
        tmp_path / "etab.csv",
        lambda n, line: ",".join(line.split(",")[:20]) + "\n" if n == target else line,
    )
    assert_rejected(
        imported,
        f"ligne {target} : 20 champ(s) au lieu de 54 (ligne tronquée",
        establishments=establishments,
    )


def test_a_file_in_the_wrong_encoding_is_rejected_with_the_line(tmp_path, imported):
    target = line_of(UNITS, FONDATION)
    data = UNITS.read_text(encoding="utf-8").splitlines(keepends=True)
    data[target - 1] = data[target - 1].replace("PYRENEES", "PYRÉNÉES")
    units = tmp_path / "ul.csv"
    units.write_bytes("".join(data).encode("iso-8859-1"))

    assert_rejected(
        imported,
        f"ligne {target} : caractères illisibles : le fichier n'est pas encodé en UTF-8.",
        units=units,
    )


def test_an_invalid_siret_is_rejected(tmp_path, imported):
    target = line_of(ESTABLISHMENTS, LIVRE_HEAD)
    establishments = rewrite(
        ESTABLISHMENTS,
        tmp_path / "etab.csv",
        lambda n, line: line.replace(LIVRE_HEAD, "77512345800018") if n == target else line,
    )
    assert_rejected(
        imported,
        f"ligne {target} : SIRET invalide « 77512345800018 ».",
        establishments=establishments,
    )


def test_an_invalid_siren_is_rejected(tmp_path, imported):
    target = line_of(UNITS, MUTUELLE)
    units = rewrite(
        UNITS,
        tmp_path / "ul.csv",
        lambda n, line: line.replace(MUTUELLE, "503123672") if n == target else line,
    )
    assert_rejected(imported, f"ligne {target} : SIREN invalide « 503123672 ».", units=units)


def test_an_unknown_commune_of_the_region_is_rejected(tmp_path, imported):
    target = line_of(ESTABLISHMENTS, LIVRE_SAINT_JUNIEN)
    establishments = rewrite(
        ESTABLISHMENTS,
        tmp_path / "etab.csv",
        lambda n, line: line.replace(",87154,", ",87999,") if n == target else line,
    )
    assert_rejected(
        imported, f"ligne {target} : commune inconnue « 87999 ».", establishments=establishments
    )


def test_every_error_is_counted_and_the_first_ones_listed(tmp_path, imported, monkeypatch):
    monkeypatch.setattr(importing, "MAX_LISTED_ERRORS", 2)
    establishments = rewrite(
        ESTABLISHMENTS,
        tmp_path / "etab.csv",
        lambda n, line: line[:100] + "\n" if n > 1 else line,
    )
    with pytest.raises(ImportRejected) as rejected:
        SireneImporter(UNITS, establishments).run()
    errors = rejected.value.errors
    assert errors.count == 17
    message = str(rejected.value)
    assert "17 erreur(s)" in message and "… et 15 autre(s) erreur(s)." in message
    assert len(re.findall(r"ligne \d+ :", message)) == 2


# The checks in columns (the columnar reader) give what the row by row checks give


def errors_of(**options):
    with pytest.raises(ImportRejected) as rejected:
        run(**options)
    return rejected.value.errors.items, rejected.value.report


@pytest.mark.parametrize(
    ("fixture", "key", "changes", "expected"),
    [
        (
            UNITS,
            MUTUELLE,
            {"dateCreationUniteLegale": "2023-02-30"},
            "date invalide « 2023-02-30 »",
        ),
        (
            UNITS,
            MUTUELLE,
            {"dateCreationUniteLegale": "12/03/1985"},
            "date invalide « 12/03/1985 »",
        ),
        (
            UNITS,
            MUTUELLE,
            {"etatAdministratifUniteLegale": "X"},
            "état administratif inconnu « X »",
        ),
        (UNITS, MUTUELLE, {"siren": "50312367"}, "SIREN invalide « 50312367 »"),
        (
            ESTABLISHMENTS,
            LIVRE_HEAD,
            {"siret": "77512345800018"},
            "SIRET invalide « 77512345800018 »",
        ),
        (
            ESTABLISHMENTS,
            LIVRE_HEAD,
            {"etatAdministratifEtablissement": "C", "dateDebut": "2024-13-01"},
            "état administratif inconnu « C »",
        ),
        (
            ESTABLISHMENTS,
            LIVRE_HEAD,
            {"etatAdministratifEtablissement": "F", "dateDebut": "2024-13-01"},
            "date invalide « 2024-13-01 »",
        ),
        (
            ESTABLISHMENTS,
            LIVRE_HEAD,
            {"coordonneeLambertAbscisseEtablissement": "abc"},
            "coordonnées invalides « abc ;",
        ),
    ],
)
def test_a_wrong_value_is_rejected_alike_by_both_readers(
    tmp_path, imported, fixture, key, changes, expected
):
    name = "units" if fixture == UNITS else "establishments"
    path = edit(fixture, tmp_path / f"{name}.csv", key, **changes)

    columnar, columnar_report = errors_of(**{name: path})
    by_lines, lines_report = errors_of(**{name: path}, line_reader=True)

    assert columnar == by_lines
    assert len(columnar) == 1 and expected in columnar[0], columnar
    assert columnar_report["rejected"] == lines_report["rejected"] == 1
    assert snapshot() == imported


def test_a_key_seen_twice_is_rejected_alike_by_both_readers(tmp_path, imported):
    lines = ESTABLISHMENTS.read_text(encoding="utf-8").splitlines(keepends=True)
    twice = line_of(ESTABLISHMENTS, LIVRE_SAINT_JUNIEN)
    establishments = tmp_path / "etab.csv"
    establishments.write_text("".join([*lines, lines[twice - 1]]), encoding="utf-8")

    columnar, _ = errors_of(establishments=establishments)
    by_lines, _ = errors_of(establishments=establishments, line_reader=True)

    assert (
        columnar
        == by_lines
        == [
            f"etab.csv, ligne {len(lines) + 1} : SIRET « {LIVRE_SAINT_JUNIEN} » en double "
            f"(déjà ligne {twice})."
        ]
    )


def test_a_file_cut_in_the_middle_of_a_line_is_rejected(tmp_path, imported):
    data = ESTABLISHMENTS.read_bytes()
    establishments = tmp_path / "etab.csv"
    establishments.write_bytes(data[: len(data) - 150])
    last = len(data.splitlines())

    columnar, _ = errors_of(establishments=establishments)
    by_lines, _ = errors_of(establishments=establishments, line_reader=True)

    assert columnar == by_lines
    assert f"ligne {last} : " in columnar[0] and "au lieu de 54" in columnar[0], columnar


def test_small_blocks_read_ahead_give_the_same_rows_and_errors(tmp_path, imported, monkeypatch):
    """The columnar reader parses the next block in a thread while a block is checked:
    with blocks of 512 bytes (ten in this file), a malformed line in a later block is
    found at its line, as by the line reader, and nothing is written."""
    from essor.core.readers import ArrowCsvFile

    monkeypatch.setattr(ArrowCsvFile, "BLOCK_SIZE", 512)
    lines = ESTABLISHMENTS.read_text(encoding="utf-8").splitlines(keepends=True)
    assert sum(map(len, lines)) > 6 * 512  # several blocks before the broken line
    broken = len(lines) - 3
    lines[broken - 1] = ",".join(lines[broken - 1].split(",")[:10]) + "\n"
    establishments = tmp_path / "etab.csv"
    establishments.write_text("".join(lines), encoding="utf-8")

    columnar, _ = errors_of(establishments=establishments)
    by_lines, _ = errors_of(establishments=establishments, line_reader=True)

    assert columnar == by_lines
    assert f"ligne {broken} : " in columnar[0], columnar
    assert snapshot() == imported


def test_a_missing_column_is_rejected_before_any_row_is_read(tmp_path, imported):
    with UNITS.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    drop = rows[0].index("dateDebut")
    units = tmp_path / "ul.csv"
    with units.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(
            [field for i, field in enumerate(row) if i != drop] for row in rows
        )

    assert_rejected(imported, "colonne obligatoire absente : « dateDebut ».", units=units)


def test_valid_rows_never_become_python_rows_in_the_validation(monkeypatch):
    checked = []
    for name in ("clean_unit", "clean_establishment"):
        original = getattr(SireneImporter, name)

        def spy(self, row, original=original, name=name):
            if not self.writing:
                checked.append((name, row.line))
            return original(self, row)

        monkeypatch.setattr(SireneImporter, name, spy)

    report = run()

    assert checked == []
    assert report["organisations"]["created"] == 8


def test_the_identifier_checks_in_columns_agree_with_the_row_checks():
    import numpy as np
    import pyarrow as pa

    from essor.core.readers import KeySet, digits
    from essor.directory.identifiers import is_valid_siren, luhn_valid_array
    from essor.directory.importers.base import parse_date, valid_dates

    values = ["775123458", "775123459", "77512345", "7751234580", "77512345a", "", " 775123458"]
    numbers, well_formed = digits(pa.array(values), 9)
    in_columns = well_formed & luhn_valid_array(numbers, 9)
    assert in_columns.tolist() == [is_valid_siren(v) for v in values]

    dates = ["2024-02-29", "2023-02-29", "2023-02-30", "2023-1-01", "0000-01-01", "", "[ND]"]
    surely = valid_dates(pa.array(dates)).tolist()
    for date, sure in zip(dates, surely, strict=True):
        if sure:
            parse_date(date)  # never raises for what the columns accept
    assert surely == [True, False, False, False, False, True, True]

    keys = KeySet(9)
    keys.add_array(np.array([775123458, 421987652]))
    keys.add("503123671")
    assert "775123458" in keys and "503123671" in keys and "100000000" not in keys
    assert keys.mask(pa.array(["421987652", "42198765", "503123671", "x"])).tolist() == [
        True,
        False,
        True,
        False,
    ]
    assert sorted(keys & {"775123458", "999999999"}) == ["775123458"]
    assert len(keys | {"999999999"}) == 4


# Coordinates


def test_the_lambert93_origin_is_46_5_north_3_east():
    lat, lon = to_wgs84(700000, 6600000, LAMBERT_93)
    assert lat == pytest.approx(46.5, abs=1e-9)
    assert lon == pytest.approx(3.0, abs=1e-9)


@pytest.mark.parametrize(
    ("x", "y", "commune", "lat", "lon"),
    [
        # Reference values computed with PROJ 9 (pyproj 3.7.2), EPSG:2154, 5490, 2972,
        # 2975 and 4471 -> EPSG:4326.
        (564700.0, 6526000.0, "87085", 45.82019939, 1.25733062),  # Limoges, town hall
        (417242.3, 6421722.5, "33063", 44.83698324, -0.57913829),  # Bordeaux
        (652469.0, 6862035.0, "75104", 48.85659767, 2.35219972),  # Paris, Hôtel de Ville
        (1211000.0, 6120000.0, "2A004", 42.00103460, 9.16130494),  # Corsica
        (657000, 1795000, "97101", 16.23054617, -61.53103502),  # Guadeloupe
        (353000, 544000, "97302", 4.92029744, -52.32578798),  # Guyane, Cayenne
        (338000, 7690000, "97411", -20.88314469, 55.44259383),  # La Réunion
        (515000, 8585000, "97611", -12.79979515, 45.13821353),  # Mayotte
    ],
)
def test_each_territory_uses_its_own_projection(x, y, commune, lat, lon):
    # Rounded to 6 decimals, about 10 cm.
    assert sirene_to_wgs84(x, y, commune) == pytest.approx((lat, lon), abs=6e-7)


def test_lambert93_projects_back_to_the_same_point():
    assert wgs84_to_lambert93(45.82019939, 1.25733062) == pytest.approx(
        (564700.0, 6526000.0), abs=1e-2
    )


def test_sirene_coordinates_use_the_projection_of_the_territory():
    assert sirene_to_wgs84(564700, 6526000, "87085") == (45.820199, 1.257331)
    assert sirene_to_wgs84(1211000, 6120000, "2A004") == (42.001035, 9.161305)
    assert sirene_to_wgs84(657000, 1795000, "97101") == (16.230546, -61.531035)
    assert sirene_to_wgs84(338000, 7690000, "97411") == (-20.883145, 55.442594)
    # A mainland point given for La Réunion, or a territory without a known projection.
    assert sirene_to_wgs84(564700, 6526000, "97411") is None
    assert sirene_to_wgs84(564700, 6526000, "98735") is None


# The command


def test_the_command_prints_its_report_and_progress(capsys, monkeypatch):
    monkeypatch.setattr(importing, "PROGRESS_EVERY", 5)
    call_command("import_sirene", unites_legales=str(UNITS), etablissements=str(ESTABLISHMENTS))

    out, err = capsys.readouterr()
    assert "Structures : 8 créé(s), 0 mis à jour, 0 inchangé(s), 0 fermé(s)" in out
    assert "Établissements : 10 créé(s)" in out
    # Checked in columns, the progress comes by block of lines (here the whole file).
    assert "unités légales (contrôle) : 13 lignes" in err
    assert "unités légales (écriture) : 5 lignes" in err
    assert "établissements (contrôle) : " in err
    run = ImportRun.objects.get()
    assert (run.kind, run.status) == ("sirene", ImportStatus.SUCCEEDED)
    assert run.report["organisations"]["created"] == 8


def test_the_command_dry_run_writes_nothing_at_all(capsys):
    call_command(
        "import_sirene",
        unites_legales=str(UNITS),
        etablissements=str(ESTABLISHMENTS),
        dry_run=True,
    )

    assert "SIMULATION : rien n'a été écrit." in capsys.readouterr().out
    assert not Organisation.objects.exists()
    assert not ImportRun.objects.exists()


def test_the_command_fails_on_a_malformed_file(tmp_path):
    broken = rewrite(
        UNITS, tmp_path / "ul.csv", lambda n, line: line[:50] + "\n" if n == 3 else line
    )

    with pytest.raises(CommandError, match="ligne 3 : 16 champ"):
        call_command(
            "import_sirene", unites_legales=str(broken), etablissements=str(ESTABLISHMENTS)
        )
    assert not Organisation.objects.exists()
    assert ImportRun.objects.get().status == ImportStatus.REJECTED


# Background task and admin


@pytest.fixture
def imports_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.TASKS = DB_TASKS
    directory = tmp_path / "imports"
    directory.mkdir()
    return directory


def test_the_task_runs_an_import_and_keeps_its_report(imports_dir):
    from essor.core.tasks import run_import

    import_run = ImportRun.objects.create(
        kind="sirene",
        parameters={"unites_legales": str(UNITS), "etablissements": str(ESTABLISHMENTS)},
    )
    run_import.enqueue(import_run.pk)
    # The import, then the observatory refresh it queues once the data is written.
    assert run_queued_tasks() == 2

    import_run.refresh_from_db()
    assert import_run.status == ImportStatus.SUCCEEDED
    assert import_run.report["establishments"]["created"] == 10
    assert import_run.started_at <= import_run.finished_at
    assert Organisation.objects.count() == 8


def test_the_task_keeps_the_errors_of_a_rejected_file(imports_dir, tmp_path):
    from essor.core.tasks import run_import

    broken = rewrite(
        UNITS, tmp_path / "ul.csv", lambda n, line: line[:50] + "\n" if n == 3 else line
    )
    import_run = ImportRun.objects.create(
        kind="sirene",
        parameters={"unites_legales": str(broken), "etablissements": str(ESTABLISHMENTS)},
    )
    run_import.enqueue(import_run.pk)
    run_queued_tasks()

    import_run.refresh_from_db()
    assert import_run.status == ImportStatus.REJECTED
    assert any("ligne 3 :" in error for error in import_run.errors)
    assert import_run.report["error_count"] == 1
    assert not Organisation.objects.exists()


def test_staff_upload_stock_files_and_the_import_runs_in_the_background(
    client, imports_dir, django_capture_on_commit_callbacks
):
    staff = UserFactory(cress_staff=True)
    client.force_login(staff)
    with (
        UNITS.open("rb") as units,
        ESTABLISHMENTS.open("rb") as establishments,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("admin:core_importrun_add"),
            {
                "kind": "sirene",
                "unites_legales_file": units,
                "etablissements_file": establishments,
            },
        )
    assert response.status_code == 302
    import_run = ImportRun.objects.get()
    assert import_run.launched_by == staff
    assert import_run.status == ImportStatus.QUEUED
    # Straight to the run's page, which follows it (htmx) until the report is there.
    assert response.url == reverse("admin:core_importrun_change", args=[import_run.pk])
    stored = Path(import_run.parameters["unites_legales"])
    assert stored.is_relative_to(imports_dir) and stored.read_bytes() == UNITS.read_bytes()

    # The import, then the observatory refresh it queues once the data is written.
    assert run_queued_tasks() == 2
    import_run.refresh_from_db()
    assert import_run.status == ImportStatus.SUCCEEDED
    page = client.get(reverse("admin:core_importrun_change", args=[import_run.pk]))
    assert "Structures : 8 créé(s)" in page.content.decode()
    listing = client.get(reverse("admin:core_importrun_changelist"))
    assert "Terminé" in listing.content.decode()


def test_staff_may_import_a_file_already_on_the_server(client, imports_dir):
    shutil.copy(UNITS, imports_dir / "ul.csv")
    shutil.copy(ESTABLISHMENTS, imports_dir / "etab.csv")
    client.force_login(UserFactory(cress_staff=True))

    response = client.post(
        reverse("admin:core_importrun_add"),
        {
            "kind": "sirene",
            "unites_legales_path": "ul.csv",
            "etablissements_path": str(imports_dir / "etab.csv"),
            "dry_run": "on",
        },
    )

    assert response.status_code == 302
    import_run = ImportRun.objects.get()
    assert import_run.dry_run
    assert import_run.parameters["unites_legales"] == str(imports_dir / "ul.csv")


def test_a_server_path_outside_the_imports_folder_is_refused(client, imports_dir, tmp_path):
    outside = tmp_path / "secret.csv"
    shutil.copy(UNITS, outside)
    client.force_login(UserFactory(cress_staff=True))

    response = client.post(
        reverse("admin:core_importrun_add"),
        {
            "kind": "sirene",
            "unites_legales_path": "../secret.csv",
            "etablissements_path": str(outside),
        },
    )

    assert response.status_code == 200
    assert "doit se trouver dans le dossier" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_sirene_import_needs_both_files(client, imports_dir):
    client.force_login(UserFactory(cress_staff=True))
    with UNITS.open("rb") as units:
        response = client.post(
            reverse("admin:core_importrun_add"),
            {"kind": "sirene", "unites_legales_file": units},
        )

    assert response.status_code == 200
    assert "Établissements (CSV ou zip) manquant" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_only_cress_staff_reach_the_imports(client):
    client.force_login(UserFactory())

    response = client.get(reverse("admin:core_importrun_add"))

    assert response.status_code == 302  # to the admin login
    assert not ImportRun.objects.exists()
    client.force_login(UserFactory(cress_staff=True))
    form = client.get(reverse("admin:core_importrun_add"))
    assert form.status_code == 200
    assert "Unités légales (CSV ou zip)" in form.content.decode()


def test_staff_see_an_imported_organisation_with_its_establishments_read_only(client):
    run()
    client.force_login(UserFactory(cress_staff=True))
    livre = Organisation.objects.get(siren=LIVRE)

    page = client.get(reverse("admin:directory_organisation_change", args=[livre.pk]))
    listing = client.get(reverse("admin:directory_organisation_changelist"), {"q": "livre"})

    assert page.status_code == 200
    content = page.content.decode()
    assert "LIBRAIRIE SOLIDAIRE" in content
    # Registry fields are shown, not editable: the next import refreshes them.
    assert 'name="name"' not in content and 'name="description"' in content
    assert listing.status_code == 200 and LIVRE in listing.content.decode()
    establishment = Establishment.objects.get(siret=LIVRE_HEAD)
    assert (
        client.get(
            reverse("admin:directory_establishment_change", args=[establishment.pk])
        ).status_code
        == 200
    )
