"""`essor import_financing`: a CRESS's catalog of financing tools from a CSV file,
checked whole before writing, idempotent, the funder form's rules and messages."""

import pytest
from django.core.management import CommandError, call_command

from essor.financing.enums import ToolStatus
from essor.financing.models import FinancingTool
from tests.factories.directory import OrganisationFactory
from tests.factories.financing import ToolFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "identifiant;intitule;resume;instrument;type_appel;cloture;beneficiaires;etapes;"
    "territoires;montant_min;montant_max;financeurs_siren;statut\n"
)
ROWS = (
    "fdc;Fonds de confiance;Pour consolider;grant;aap;2030-06-30;association|scic;"
    "consolidation;region:75;5000;30000;130005481;publie\n"
    "pret;Prêt d'honneur ESS;Pour démarrer;honour_loan;;;;creation;departement:87;;8000;;brouillon\n"
)


def write(tmp_path, text, name="catalogue.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def region():
    return OrganisationFactory(name="Région Nouvelle-Aquitaine", siren="130005481")


def test_a_catalog_is_imported_then_imported_again_without_change(tmp_path, region, capsys):
    path = write(tmp_path, HEADER + ROWS)

    call_command("import_financing", path)

    fdc = FinancingTool.objects.get(import_id="fdc")
    assert fdc.status == ToolStatus.PUBLISHED and fdc.published_at is not None
    assert (
        fdc.beneficiaries == ["association", "scic"]
        and fdc.areas.get().label == "Région Nouvelle-Aquitaine"
    )
    assert list(fdc.funders.all()) == [region] and fdc.amount_max == 30000
    pret = FinancingTool.objects.get(import_id="pret")
    assert pret.status == ToolStatus.DRAFT and pret.areas.get().label == "Haute-Vienne (87)"
    assert "2 créé(s)" in capsys.readouterr().out

    call_command("import_financing", path)
    assert "0 créé(s), 0 mis à jour, 2 inchangé(s)" in capsys.readouterr().out
    assert FinancingTool.objects.count() == 2

    call_command("import_financing", write(tmp_path, HEADER + ROWS.replace("30000", "40000")))
    assert "1 mis à jour, 1 inchangé(s)" in capsys.readouterr().out
    assert FinancingTool.objects.get(import_id="fdc").amount_max == 40000


def test_one_bad_row_refuses_the_file_and_writes_nothing(tmp_path, region):
    existing = ToolFactory(title="Déjà là")
    bad = ROWS + (
        "fdc;Doublon;x;grant;;;;;region:75;;;;\n"
        "x;Sans territoire;x;cadeau;;;;;departement:999;9000;100;999999999;secret\n"
    )
    with pytest.raises(CommandError) as refused:
        call_command("import_financing", write(tmp_path, HEADER + bad))
    message = str(refused.value)
    assert "rien n'a été écrit" in message
    assert "ligne 4 : identifiant « fdc » en double (déjà ligne 2)." in message
    assert "ligne 5 : « Instrument » : Sélectionnez un choix valide." in message
    assert (
        "ligne 5 : « territoires » : « departement:999 » : aucun territoire de ce niveau n'a ce "
        "code." in message
    )
    assert "ligne 5 : « Montant maximal (€) » : Le montant maximal est inférieur" in message
    assert "aucune structure n'a le SIREN 999999999" in message and "« statut »" in message
    assert list(FinancingTool.objects.all()) == [existing]


def test_missing_or_unknown_columns_and_dry_run(tmp_path, region, capsys):
    with pytest.raises(CommandError, match="colonne obligatoire absente : « instrument »"):
        call_command(
            "import_financing", write(tmp_path, "identifiant;intitule;resume;territoires\n")
        )
    with pytest.raises(CommandError, match="colonne inconnue « couleur »"):
        call_command("import_financing", write(tmp_path, HEADER.strip() + ";couleur\n"))
    with pytest.raises(CommandError, match="UTF-8"):
        path = tmp_path / "latin1.csv"
        path.write_bytes(
            (HEADER + ROWS).encode("latin-1", errors="replace").replace(b"\xea", b"\xea\xff")
        )
        call_command("import_financing", str(path))
    call_command("import_financing", write(tmp_path, HEADER + ROWS), "--dry-run")
    assert "SIMULATION : rien n'a été écrit." in capsys.readouterr().out
    assert FinancingTool.objects.count() == 0


def test_the_apis_csv_export_imports_back(client, tmp_path, region):
    call_command("import_financing", write(tmp_path, HEADER + ROWS))
    exported = b"".join(client.get("/api/financements/?format=csv").streaming_content).decode()
    lines = exported.lstrip("\ufeff").splitlines()
    # The export has no stable identifier column: the CRESS adds one.
    text = (
        "identifiant;"
        + lines[0]
        + "\n"
        + "\n".join(f"api-{i};{line}" for i, line in enumerate(lines[1:]))
        + "\n"
    )
    call_command("import_financing", write(tmp_path, text, "export.csv"))
    copy = FinancingTool.objects.get(import_id="api-0")
    assert copy.title == "Fonds de confiance" and copy.beneficiaries == ["association", "scic"]
