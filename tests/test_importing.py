"""The importer skeleton (essor.core.importing) that every import is declared on: the
same report, idempotency that says so, dry runs, one /gestion/ path for every kind, and
the malformed inputs of issue 12 item 15, each refused with a French message."""

import html
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from essor.core.enums import ImportStatus
from essor.core.importing import IMPORTERS, ImportRejected, format_report
from essor.core.models import ImportRun
from essor.directory.importers.csv_import import CsvImporter, MappingError, load_mapping
from essor.directory.importers.sirene import SireneImporter
from essor.directory.models import Organisation
from essor.financing.models import FinancingTool
from essor.observatory.models import ReferenceEmployment
from tests.factories.accounts import UserFactory
from tests.utils import DB_TASKS, run_queued_tasks

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
RNA = DATA / "rna" / "rna_waldec_20250101.csv"
MEMBERS = DATA / "csv" / "adherents_cress.csv"
UNITS = DATA / "sirene" / "StockUniteLegale_utf8.csv"
ESTABLISHMENTS = DATA / "sirene" / "StockEtablissement_utf8.csv"
EMPLOYMENT = (
    "niveau;code;annee;emplois_salaries\nregion;75;2022;2150000\ndepartement;87;2022;140000\n"
)
CATALOG_HEADER = "identifiant;intitule;resume;instrument;territoires\n"


@pytest.fixture(autouse=True)
def _region(settings):
    settings.ESSOR_REGION = "75"


@pytest.fixture
def imports_dir(settings, tmp_path):
    settings.DATA_DIR, settings.TASKS = tmp_path, DB_TASKS
    directory = tmp_path / "imports"
    directory.mkdir()
    return directory


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


# The same report, and idempotency that says so


def test_every_import_reports_rows_read_kept_rejected_and_its_speed(tmp_path, capsys):
    path = write(tmp_path, "emploi.csv", EMPLOYMENT)

    call_command("import_reference_employment", path, "--json")

    report = json.loads(capsys.readouterr().out)
    assert (report["read"], report["kept"], report["rejected"]) == (2, 2, 0)
    assert report["figures"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert report["duration"] >= 0 and report["rate"] > 0
    assert "Lignes lues : 2, retenues : 2, rejetées : 0" in format_report(report)


def test_a_second_run_of_the_same_file_changes_nothing_and_says_so(tmp_path, capsys):
    path = write(tmp_path, "emploi.csv", EMPLOYMENT)
    call_command("import_reference_employment", path)
    assert "Aucun changement" not in capsys.readouterr().out
    before = list(ReferenceEmployment.objects.values())

    call_command("import_reference_employment", path)

    out = capsys.readouterr().out
    assert "Chiffres d'emploi : 0 créé(s), 0 mis à jour, 2 inchangé(s)" in out
    assert "Aucun changement : tout était déjà à jour." in out
    assert list(ReferenceEmployment.objects.values()) == before


def test_a_dry_run_counts_what_a_real_run_would_do_and_writes_nothing(tmp_path, capsys):
    call_command("import_reference_employment", write(tmp_path, "e.csv", EMPLOYMENT), "--dry-run")

    out = capsys.readouterr().out
    assert "SIMULATION : rien n'a été écrit." in out and "2 créé(s)" in out
    assert not ReferenceEmployment.objects.exists()
    assert not ImportRun.objects.exists()


# Issue 12, item 15: malformed inputs get a French message and write nothing


def test_an_unknown_encoding_is_a_french_error_of_the_command():
    with pytest.raises(CommandError, match="encodage inconnu « klingon »"):
        call_command("import_rna", str(RNA), encoding="klingon")
    assert not Organisation.objects.filter(rna__isnull=False).exists()


def test_an_unknown_encoding_is_refused_by_the_imports_form(client, imports_dir):
    client.force_login(UserFactory(cress_staff=True))
    with RNA.open("rb") as rna:
        response = client.post(
            reverse("admin:core_importrun_add"),
            {"kind": "rna", "file_file": rna, "encoding": "klingon"},
        )

    assert response.status_code == 200
    assert "encodage inconnu « klingon »" in response.content.decode()
    assert not ImportRun.objects.exists()
    # The upload stored to be checked is removed with the refused form.
    assert not list((imports_dir / "uploads").iterdir())


def test_a_deeply_nested_mapping_is_refused_in_french(tmp_path, client, imports_dir):
    nested = tmp_path / "mapping.json"
    nested.write_text("[" * 10_000 + "]" * 10_000, encoding="utf-8")

    with pytest.raises(MappingError, match="trop de niveaux imbriqués"):
        load_mapping(nested)
    with pytest.raises(CommandError, match="trop de niveaux imbriqués"):
        call_command("import_csv", str(MEMBERS), mapping=str(nested))

    client.force_login(UserFactory(cress_staff=True))
    with MEMBERS.open("rb") as members, nested.open("rb") as mapping:
        response = client.post(
            reverse("admin:core_importrun_add"),
            {"kind": "csv", "file_file": members, "mapping_file": mapping},
        )
    assert response.status_code == 200
    assert "trop de niveaux imbriqués" in response.content.decode()


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"columns": {"Raison sociale": {"name": "name"}}}, "le nom d'un champ"),
        ({"columns": {"Raison sociale": "name"}, "defaults": {"acronym": [1]}}, "valeur simple"),
    ],
)
def test_a_mapping_with_nested_values_is_explained(mapping, message):
    with pytest.raises(MappingError, match=message):
        load_mapping(mapping)


def test_a_utf8_file_read_as_latin1_is_refused_instead_of_importing_mojibake(tmp_path):
    path = write(tmp_path, "liste.csv", "nom;commune\nJardins;87085\nSCIC Bois Énergie;87085\n")
    mapping = {"encoding": "iso-8859-1", "columns": {"nom": "name", "commune": "commune"}}

    with pytest.raises(ImportRejected) as rejected:
        CsvImporter(path, mapping).run()

    assert (
        "liste.csv, ligne 3 : caractères mal décodés (« Ã© » pour « é ») : le fichier semble "
        "encodé en UTF-8 et non en ISO-8859-1 ; indiquez l'encodage UTF-8." in str(rejected.value)
    )
    assert not Organisation.objects.filter(name__in=["Jardins", "SCIC Bois Ã\x89nergie"]).exists()
    # Read as what it is, the same file imports.
    CsvImporter(path, {**mapping, "encoding": "utf-8"}).run()
    assert Organisation.objects.filter(name="SCIC Bois Énergie").exists()


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (CATALOG_HEADER + 'fdc;"Fonds de confiance;Pour consolider;grant;region:75\n', 2),
        (CATALOG_HEADER.replace(";intitule", ';"intitule') + "fdc;Fonds;x;grant;region:75\n", 1),
    ],
)
def test_an_unclosed_quote_in_a_financing_catalog_is_named(tmp_path, text, line):
    with pytest.raises(CommandError) as refused:
        call_command("import_financing", write(tmp_path, "catalogue.csv", text))

    message = str(refused.value)
    assert f"catalogue.csv, ligne {line} : guillemet ouvert et jamais refermé" in message
    assert "inconnue" not in message and "absente" not in message
    assert not FinancingTool.objects.exists()


def test_a_quote_closed_lines_later_is_suggested_as_the_cause(tmp_path):
    text = CATALOG_HEADER + 'a;"Fonds;x;grant;region:75\nb;Prêt;y;"honour_loan";region:75\n'
    with pytest.raises(CommandError, match=r"ligne 2 : \d+ champ\(s\) au lieu de 5 \(un guillemet"):
        call_command("import_financing", write(tmp_path, "catalogue.csv", text))


def test_a_sirene_units_file_with_only_its_header_says_nothing_was_read(tmp_path):
    units = tmp_path / "StockUniteLegale.csv"
    units.write_text(UNITS.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")

    with pytest.raises(ImportRejected) as rejected:
        SireneImporter(units, ESTABLISHMENTS).run()

    assert "StockUniteLegale.csv, aucune ligne de données (l'en-tête seul) : rien n'a été lu." in (
        str(rejected.value)
    )
    assert not Organisation.objects.filter(siren__isnull=False, source="sirene").exists()


# One /gestion/ path for every importer


def test_every_importer_is_offered_in_the_imports_form(client):
    client.force_login(UserFactory(cress_staff=True))

    page = html.unescape(client.get(reverse("admin:core_importrun_add")).content.decode())

    for kind in ("sirene", "rna", "csv", "financing", "reference_employment"):
        assert f'value="{kind}"' in page
        assert IMPORTERS[kind].label in page
    assert "Source des chiffres" in page and "Encodage du fichier RNA" in page


def test_staff_import_reference_employment_in_the_background_and_keep_its_report(
    client, imports_dir, django_capture_on_commit_callbacks
):
    shutil.copy(RNA, imports_dir / "unused.csv")
    (imports_dir / "emploi.csv").write_text(EMPLOYMENT, encoding="utf-8")
    client.force_login(UserFactory(cress_staff=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:core_importrun_add"),
            {"kind": "reference_employment", "file_path": "emploi.csv", "source": "Insee"},
        )
    assert response.status_code == 302
    # A reference table is not the directory: no refresh of the observatory follows.
    assert run_queued_tasks() == 1

    run = ImportRun.objects.get()
    assert run.status == ImportStatus.SUCCEEDED
    assert ReferenceEmployment.objects.get(level="region").source == "Insee"
    page = client.get(reverse("admin:core_importrun_change", args=[run.pk])).content.decode()
    assert "Chiffres d&#x27;emploi : 2 créé(s)" in page


def test_a_refused_file_launched_from_gestion_keeps_its_errors(client, imports_dir):
    (imports_dir / "emploi.csv").write_text("niveau;code;annee;emplois_salaries\n", "utf-8")
    run = ImportRun.objects.create(
        kind="reference_employment", parameters={"file": str(imports_dir / "emploi.csv")}
    )
    from essor.core.tasks import run_import

    run_import.enqueue(run.pk)
    run_queued_tasks()

    run.refresh_from_db()
    assert run.status == ImportStatus.REJECTED
    assert run.report["error_count"] == 1
    assert any("aucune ligne de données" in error for error in run.errors)


def test_an_import_runs_page_follows_it_until_its_report_is_there(client):
    from django.urls import reverse

    from essor.core.enums import ImportStatus
    from essor.core.models import ImportRun
    from tests.factories.accounts import UserFactory

    client.force_login(UserFactory(cress_staff=True))
    run = ImportRun.objects.create(kind="financing", status=ImportStatus.RUNNING)
    url = reverse("admin:core_importrun_change", args=[run.pk])
    page = client.get(url).content.decode()
    assert "Import en cours (en cours)" in page
    assert 'hx-trigger="every 2s"' in page and "htmx-2.0.11.min.js" in page
    run.status = ImportStatus.SUCCEEDED
    run.save()
    page = client.get(url).content.decode()
    assert "Import en cours" not in page and "hx-trigger" not in page
