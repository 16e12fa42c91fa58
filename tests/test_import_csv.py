"""The import of the CRESS's own lists through a mapping file, and its command."""

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from essor.core.enums import ImportStatus
from essor.core.importing import ImportRejected
from essor.core.models import ImportRun
from essor.directory.enums import (
    CoordinatePrecision,
    EssFamily,
    LabelKind,
    Source,
)
from essor.directory.importers.csv_import import CsvImporter, MappingError, load_mapping
from essor.directory.models import Establishment, Label, Organisation
from tests.factories.accounts import UserFactory
from tests.factories.directory import OrganisationFactory
from tests.utils import DB_TASKS, run_queued_tasks

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data" / "csv"
MEMBERS = DATA / "adherents_cress.csv"
EXAMPLE_MAPPING = ROOT / "essor" / "directory" / "data" / "csv_mapping_example.json"
ACI = DATA / "liste_aci.csv"
ACI_MAPPING = DATA / "mapping_aci.json"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_directory(db):
    # Data migrations seed the report's organisations: these tests start from none.
    Organisation.objects.all().delete()


@pytest.fixture(autouse=True)
def labels():
    for code, name, kind in (
        ("aci", "Atelier et chantier d'insertion", LabelKind.SIAE),
        ("esus", "Entreprise solidaire d'utilité sociale", LabelKind.AGREMENT),
    ):
        Label.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})


def run(path=MEMBERS, mapping=EXAMPLE_MAPPING, **options):
    return CsvImporter(path, mapping, **options).run()


def snapshot():
    return {
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "establishments": list(Establishment.objects.order_by("pk").values()),
        "labels": sorted(Organisation.labels.through.objects.values_list("organisation", "label")),
    }


def test_the_example_mapping_is_valid_and_covers_every_field():
    mapping = load_mapping(EXAMPLE_MAPPING)

    assert (mapping["delimiter"], mapping["encoding"]) == (";", "utf-8")
    assert sorted(mapping["columns"].values()) == sorted(
        json.loads(EXAMPLE_MAPPING.read_text())["columns"].values()
    )
    from essor.directory.importers.csv_import import FIELDS

    assert set(mapping["columns"].values()) == set(FIELDS)


def test_a_list_creates_organisations_matched_by_nothing():
    report = run()

    assert report["organisations"] == {"created": 5, "updated": 0, "unchanged": 0, "closed": 0}
    scic = Organisation.objects.get(siren="511222333")
    assert (scic.name, scic.acronym, scic.legal_category) == (
        "SCIC Bois Énergie Limousin",
        "SBEL",
        "5560",
    )
    # No family given: the legal category decides.
    assert scic.ess_family == EssFamily.COOPERATIVE
    assert scic.source == Source.CSV and scic.source_updated_at
    office = Establishment.objects.get(siret="51122233300011")
    assert (office.naf, office.headcount_band, office.commune_id) == ("35.30Z", "03", "87085")
    assert office.coordinate_precision == CoordinatePrecision.COMMUNE_CENTRE
    assert office.is_head_office and office.source == Source.CSV

    bikes = Organisation.objects.get(rna="W872009999")
    assert bikes.public_email == "atelier@velo.example.org"
    assert list(bikes.labels.values_list("code", flat=True)) == ["aci"]
    head = bikes.establishments.get()
    assert head.siret is None and head.address == "2 rue Montmailler"

    # The same name in two communes: two organisations.
    assert Organisation.objects.filter(name="Tiers-lieu La Fabrique").count() == 2
    assert (
        "tiers lieu la fabrique"
        in Organisation.objects.filter(name="Tiers-lieu La Fabrique").first().search_text
    )


def test_a_registry_organisation_keeps_its_registry_fields_and_gains_what_the_cress_knows():
    livre = OrganisationFactory(
        siren="775123458",
        name="LES AMIS DU LIVRE EN LIMOUSIN",
        legal_category="9220",
        ess_family=EssFamily.ASSOCIATION,
        source=Source.SIRENE,
    )

    report = run()

    livre.refresh_from_db()
    assert livre.name == "LES AMIS DU LIVRE EN LIMOUSIN"
    assert livre.source == Source.SIRENE
    assert livre.is_esus is True
    assert livre.website == "https://www.amisdulivre.example.org"
    assert livre.public_phone == "05 55 00 00 01"
    assert livre.description.startswith("Une association")
    assert list(livre.labels.values_list("code", flat=True)) == ["esus"]
    assert report["organisations"]["updated"] == 1
    # SIRENE brings its establishments; a CSV address does not add one without SIRET.
    assert not livre.establishments.exists()


def test_profile_fields_written_by_the_organisation_are_never_replaced():
    livre = OrganisationFactory(
        siren="775123458", website="https://livre.example.fr", description="Notre histoire"
    )

    run()

    livre.refresh_from_db()
    assert livre.website == "https://livre.example.fr"
    assert livre.description == "Notre histoire"
    assert livre.public_email == "contact@amisdulivre.example.org"  # was empty


def test_an_organisation_without_identifier_is_matched_by_name_and_commune():
    fabrique = OrganisationFactory(name="Tiers-lieu La Fabrique", source=Source.MANUAL)
    Establishment.objects.create(organisation=fabrique, commune_id="87154")

    run()

    assert Organisation.objects.filter(name="Tiers-lieu La Fabrique").count() == 2
    fabrique.refresh_from_db()
    assert fabrique.ess_family == EssFamily.ASSOCIATION
    assert fabrique.source == Source.CSV


def test_importing_the_same_list_twice_changes_nothing():
    run()
    before = snapshot()

    report = run()

    assert snapshot() == before
    assert report["organisations"] == {"created": 0, "updated": 0, "unchanged": 5, "closed": 0}
    assert report["establishments"]["created"] == report["establishments"]["updated"] == 0
    assert report["labels_added"] == 0


def test_defaults_delimiter_and_encoding_come_from_the_mapping():
    run(ACI, ACI_MAPPING)

    chantier = Organisation.objects.get(siren="522111442")
    assert chantier.name == "CHANTIER D'INSERTION DES BORDS DE VIENNE"
    assert chantier.ess_family == EssFamily.ASSOCIATION
    assert list(chantier.labels.values_list("code", flat=True)) == ["aci"]
    assert chantier.establishments.get().address == "12 rue de la Chaîne"
    assert Organisation.objects.get(name="JARDIN DE COCAGNE DU PÉRIGORD").legal_category == "9220"


def test_dry_run_writes_nothing():
    report = run(dry_run=True)

    assert report["organisations"]["created"] == 5
    assert report["labels_added"] == 2
    assert not Organisation.objects.exists()


# Malformed lists and mappings


def rows():
    return MEMBERS.read_text(encoding="utf-8").splitlines(keepends=True)


def assert_rejected(tmp_path, content, match, mapping=EXAMPLE_MAPPING):
    path = tmp_path / "liste.csv"
    path.write_text("".join(content), encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        run(path, mapping)
    assert match in str(rejected.value), str(rejected.value)
    assert not Organisation.objects.exists()


def test_a_mapped_column_missing_from_the_file_is_rejected(tmp_path):
    content = rows()
    content[0] = content[0].replace("Code commune INSEE", "Code commune")
    assert_rejected(
        tmp_path,
        content,
        "ligne 1 : colonne obligatoire absente : « Code commune INSEE » "
        "(« Code commune » est-elle mal orthographiée ?).",
    )


def test_invalid_values_are_rejected_with_their_line_and_field(tmp_path):
    content = rows()
    content[2] = content[2].replace("51122233300011", "51122233300012")
    content[3] = content[3].replace(";aci;", ";inconnu;").replace("atelier@velo", "atelier velo")
    content[4] = content[4].replace(";87154;", ";87999;")
    message = "\n".join(
        [
            "liste.csv, ligne 3 : SIRET (14 chiffres) d'un établissement : « 51122233300012 » "
            "n'est pas un SIRET valide.",
            "liste.csv, ligne 4 : e-mail de contact public : adresse e-mail invalide « atelier "
            "velo.example.org » ; codes des labels, séparés par des virgules : label(s) "
            "inconnu(s) : inconnu.",
            "liste.csv, ligne 5 : code INSEE de la commune : commune inconnue « 87999 » (code "
            "INSEE attendu).",
        ]
    )
    assert_rejected(tmp_path, content, message)


def test_a_row_that_could_not_be_matched_again_is_rejected(tmp_path):
    content = rows()
    content[4] = content[4].replace(";87154;", ";;")
    assert_rejected(tmp_path, content, "ligne 5 : ni SIREN, ni SIRET, ni RNA, ni commune")


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"columns": {"Nom": "nom"}}, "champ inconnu « nom »"),
        ({"columns": {"A": "name", "B": "name"}}, "le champ « name » est associé à plusieurs"),
        ({"columns": {"A": "name"}, "delimiter": ";;"}, "« delimiter » doit être un seul"),
        ({"columns": {"A": "name"}, "encoding": "klingon"}, "encodage inconnu « klingon »"),
        ({"colonnes": {}}, "clés inconnues : colonnes"),
    ],
)
def test_an_invalid_mapping_is_explained(mapping, message):
    with pytest.raises(MappingError, match=message):
        load_mapping(mapping)


def test_the_command_imports_and_refuses_an_invalid_mapping(tmp_path, capsys):
    call_command("import_csv", str(MEMBERS), mapping=str(EXAMPLE_MAPPING))
    assert "Structures : 5 créé(s)" in capsys.readouterr().out

    bad = tmp_path / "mapping.json"
    bad.write_text('{"columns": {"Raison sociale": "raison"}}', encoding="utf-8")
    with pytest.raises(CommandError, match="champ inconnu « raison »"):
        call_command("import_csv", str(MEMBERS), mapping=str(bad))
    with pytest.raises(CommandError, match="illisible"):
        call_command("import_csv", str(MEMBERS), mapping=str(MEMBERS))


def test_staff_import_a_list_with_its_mapping_from_the_admin(
    client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.DATA_DIR, settings.TASKS = tmp_path, DB_TASKS
    (tmp_path / "imports").mkdir()
    shutil.copy(EXAMPLE_MAPPING, tmp_path / "imports" / "correspondance.json")
    client.force_login(UserFactory(cress_staff=True))

    with MEMBERS.open("rb") as members, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:core_importrun_add"),
            {"kind": "csv", "file_file": members, "mapping_path": "correspondance.json"},
        )
    assert response.status_code == 302
    run_queued_tasks()

    import_run = ImportRun.objects.get()
    assert import_run.status == ImportStatus.SUCCEEDED
    assert import_run.report["organisations"]["created"] == 5


def test_the_admin_refuses_an_invalid_mapping_upload(client, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    bad = tmp_path / "mapping.json"
    bad.write_text('{"columns": {"Raison sociale": "raison"}}', encoding="utf-8")
    client.force_login(UserFactory(cress_staff=True))

    with MEMBERS.open("rb") as members, bad.open("rb") as mapping:
        response = client.post(
            reverse("admin:core_importrun_add"),
            {"kind": "csv", "file_file": members, "mapping_file": mapping},
        )

    assert response.status_code == 200
    assert "champ inconnu « raison »" in response.content.decode()
    assert not ImportRun.objects.exists()
