"""`essor import_suppliers`: supplier profiles from a CSV file, checked whole before
writing, idempotent, rejected with line numbers."""

import pytest
from django.core.management import CommandError, call_command

from essor.purchasing.enums import ProfileStatus
from essor.purchasing.models import SupplierArea, SupplierProfile
from tests.factories.directory import EssOrganisationFactory

pytestmark = pytest.mark.django_db

HEADER = "siren;categories;perimetre;statut;resume;effectif;email\n"


def write(tmp_path, text, name="fournisseurs.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def organisations():
    return [EssOrganisationFactory(), EssOrganisationFactory()]


def rows(organisations):
    first, second = organisations
    return (
        f"{first.siren};entretien-espaces-verts|elagage-abattage;departement:16|radius:16015:30;"
        "publiee;Tonte et taille;10-49;contact@vert.example.org\n"
        f"{second.siren};nettoyage-locaux;commune:16015;brouillon;;;\n"
    )


def test_a_supplier_file_imported_twice_changes_nothing_the_second_time(
    tmp_path, organisations, capsys
):
    path = write(tmp_path, HEADER + rows(organisations))
    call_command("import_suppliers", path)
    first = SupplierProfile.objects.get(organisation=organisations[0])
    assert first.status == ProfileStatus.PUBLISHED and first.headcount_band == "10-49"
    assert sorted(c.code for c in first.categories.all()) == [
        "elagage-abattage",
        "entretien-espaces-verts",
    ]
    assert sorted(a.label for a in first.areas.all()) == [
        "30 km autour de Angoulême (16)",
        "Charente (16)",
    ]
    assert SupplierProfile.objects.get(organisation=organisations[1]).status == ProfileStatus.DRAFT
    assert "2 créé(s)" in capsys.readouterr().out

    before = list(SupplierProfile.objects.values_list("pk", "updated_at"))
    call_command("import_suppliers", path)
    assert "0 créé(s), 0 mis à jour, 2 inchangé(s)" in capsys.readouterr().out
    assert list(SupplierProfile.objects.values_list("pk", "updated_at")) == before
    assert SupplierArea.objects.count() == 3

    call_command(
        "import_suppliers", write(tmp_path, HEADER + rows(organisations).replace("10-49", "50-249"))
    )
    assert "1 mis à jour, 1 inchangé(s)" in capsys.readouterr().out


def test_a_malformed_file_writes_nothing_and_says_which_lines(tmp_path, organisations):
    first, _ = organisations
    text = HEADER + (
        f"{first.siren};entretien-espaces-verts;departement:16;publiee;;;\n"
        "123456789;entretien-espaces-verts;departement:16;;;;\n"
        f"{first.siren}0;categorie-inconnue;planete:mars;perdue;;99;pas-une-adresse\n"
    )
    with pytest.raises(CommandError) as error:
        call_command("import_suppliers", write(tmp_path, text))
    message = str(error.value)
    assert (
        "ligne 3" in message and "aucune structure de l'annuaire n'a le SIREN 123456789" in message
    )
    assert "ligne 4" in message and "catégorie(s) inconnue(s) : categorie-inconnue" in message
    assert "niveau de territoire inconnu « planete »" in message
    assert "« effectif » : tranche inconnue « 99 »" in message
    assert "adresse invalide" in message
    assert not SupplierProfile.objects.exists()


def test_a_file_without_the_required_columns_is_refused(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("import_suppliers", write(tmp_path, "siren;categories\n123;x\n"))
    assert "perimetre" in str(error.value)
    assert not SupplierProfile.objects.exists()
