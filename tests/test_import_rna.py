"""The RNA importer (the "waldec" export of the associations register) and its command.

tests/data/rna/ holds a small waldec file in its real format: ';'-separated, ISO-8859-1,
CRLF, the official header; the associations are fictitious."""

import datetime
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from essor.core import bulk
from essor.core.importing import ImportRejected
from essor.directory.enums import AdministrativeStatus, CoordinatePrecision, EssFamily, Source
from essor.directory.identifiers import with_luhn_key
from essor.directory.importers.rna import RnaImporter
from essor.directory.importers.sirene import SireneImporter
from essor.directory.models import Establishment, Organisation
from tests.factories.directory import OrganisationFactory

DATA = Path(__file__).parent / "data"
RNA = DATA / "rna" / "rna_waldec_20250101.csv"
SIRENE_UNITS = DATA / "sirene" / "StockUniteLegale_utf8.csv"
SIRENE_ESTABLISHMENTS = DATA / "sirene" / "StockEtablissement_utf8.csv"
ENCODING = "iso-8859-1"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_directory(db):
    # Data migrations seed the report's organisations: these tests start from none.
    Organisation.objects.all().delete()


@pytest.fixture(autouse=True)
def _region(settings):
    settings.ESSOR_REGION = "75"


def run(path=RNA, **options):
    return RnaImporter(path, **options).run()


def snapshot():
    return {
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "establishments": list(Establishment.objects.order_by("pk").values()),
    }


def lines():
    return RNA.read_text(encoding=ENCODING).splitlines(keepends=True)


def write(path, content_lines, encoding=ENCODING):
    path.write_bytes("".join(content_lines).encode(encoding))
    return path


def number_of(text):
    return next(n for n, line in enumerate(lines(), 1) if text in line)


def test_associations_of_the_region_are_imported_with_a_head_office():
    report = run()

    assert set(Organisation.objects.values_list("rna", flat=True)) == {
        "W872001234",
        "W332004567",
        "W863000111",
        "W872005678",
        "W401000222",
        "W192000555",
        "W471000999",
        "W161000333",
    }
    assert report["skipped"] == {"associations_outside_region": 2, "associations_deleted": 1}
    assert report["organisations"]["created"] == 8
    for organisation in Organisation.objects.all():
        head = organisation.establishments.get()
        assert head.siret is None and head.is_head_office
        assert head.source == Source.RNA
    assert report["lines"] == {"rna": 11}


def test_association_fields_are_mapped_from_the_rna():
    run()

    gardens = Organisation.objects.get(rna="W332004567")
    assert gardens.name == "JARDINS SOLIDAIRES DE BORDEAUX"
    assert gardens.acronym == "JSB"
    assert (gardens.legal_category, gardens.ess_family) == ("9220", EssFamily.ASSOCIATION)
    assert gardens.created_on == datetime.date(2008, 4, 12)
    assert gardens.website == "http://jardins-bordeaux.example.org"
    assert gardens.source == Source.RNA and gardens.siren is None
    assert "jardins solidaires" in gardens.search_text
    head = gardens.establishments.get()
    assert head.address == "14 rue des Faures"
    assert (head.postal_code, head.commune_id) == ("33000", "33063")
    assert head.coordinate_precision == CoordinatePrecision.COMMUNE_CENTRE

    school = Organisation.objects.get(rna="W863000111")
    assert school.name == "ÉCOLE DES PARENTS DE LA VIENNE"
    assert school.is_public_utility and school.legal_category == "9230"
    assert school.website == ""  # "www.sans-protocole" is not an http(s) URL
    assert school.establishments.get().address == "5 boulevard Solférino"

    bridge = Organisation.objects.get(rna="W872005678")
    assert bridge.status == AdministrativeStatus.CLOSED
    assert bridge.closed_on == datetime.date(2018, 5, 4)
    assert bridge.establishments.get().status == AdministrativeStatus.CLOSED

    amicale = Organisation.objects.get(rna="W471000999")
    assert amicale.created_on is None  # 0001-01-01 means no date
    assert amicale.establishments.get().address == "3 bis avenue Jean Jaures"

    # No SIRENE unit for this SIRET yet: the organisation keeps its SIREN for later.
    assert Organisation.objects.get(rna="W401000222").siren == "478889991"


def test_no_personal_data_of_individuals_is_imported():
    run()

    stored = str(snapshot())
    for personal in ("DUPONT", "ROSES", "33800", "MME"):
        assert personal not in stored


def test_an_association_is_linked_to_its_sirene_organisation_through_its_siret():
    SireneImporter(SIRENE_UNITS, SIRENE_ESTABLISHMENTS).run()
    abzac = Organisation.objects.get(siren="399888775")
    assert abzac.rna is None
    sirene_establishments = Establishment.objects.count()

    report = run()

    abzac.refresh_from_db()
    assert abzac.rna == "W161000333"
    assert abzac.name == "COMITE DES FETES D'ABZAC"
    assert abzac.source == Source.SIRENE
    # SIRENE's establishments stand: no head office without SIRET is added.
    assert abzac.establishments.count() == 1 and abzac.establishments.get().siret
    livre = Organisation.objects.get(siren="775123458")
    assert livre.rna == "W872001234" and livre.establishments.count() == 2
    assert livre.website == "https://amisdulivre.example.org"
    # The closed SIRENE club is found by its RNA number, also given by SIRENE.
    assert Organisation.objects.filter(rna="W192000555").count() == 1
    assert report["linked_to_sirene"] == 3
    assert Establishment.objects.count() == sirene_establishments + 5


def test_an_rna_organisation_is_adopted_by_sirene_later():
    run()
    ressourcerie = Organisation.objects.get(rna="W401000222")
    assert ressourcerie.siren == "478889991"

    run()  # nothing new, nothing duplicated
    assert Organisation.objects.filter(siren="478889991").count() == 1


def test_importing_the_rna_twice_changes_nothing():
    run()
    before = snapshot()

    report = run()

    assert snapshot() == before
    assert report["organisations"]["created"] == report["organisations"]["updated"] == 0
    assert report["establishments"]["created"] == report["establishments"]["updated"] == 0
    # Associations with a SIRET are found by their SIREN too: the same organisation.
    assert report["siren_conflicts"] == 0


def test_the_monthly_file_writes_only_the_rows_that_changed(tmp_path):
    run()
    before = {o.rna: o for o in Organisation.objects.all()}
    renamed, dissolved = number_of("W332004567"), number_of("W161000333")
    changed = lines()
    changed[renamed - 1] = changed[renamed - 1].replace(
        "JARDINS SOLIDAIRES DE BORDEAUX", "JARDINS SOLIDAIRES DE LA GIRONDE"
    )
    changed[dissolved - 1] = (
        changed[dissolved - 1].replace(";0001-01-01;D;S;", ";2026-11-15;D;S;").replace(";A;", ";D;")
    )

    report = run(write(tmp_path / "rna_waldec_20250201.csv", changed))

    assert report["organisations"] == {"created": 0, "updated": 2, "unchanged": 6, "closed": 1}
    assert report["establishments"] == {"created": 0, "updated": 1, "unchanged": 7, "closed": 1}
    after = {o.rna: o for o in Organisation.objects.all()}
    assert after["W332004567"].name == "JARDINS SOLIDAIRES DE LA GIRONDE"
    assert "gironde" in after["W332004567"].search_text
    assert after["W161000333"].status == AdministrativeStatus.CLOSED
    assert after["W161000333"].closed_on == datetime.date(2026, 11, 15)
    assert after["W161000333"].establishments.get().status == AdministrativeStatus.CLOSED
    unchanged = set(after) - {"W332004567", "W161000333"}
    assert all(after[rna].updated_at == before[rna].updated_at for rna in unchanged)


def test_on_postgresql_only_the_changed_rows_reach_the_comparison_in_python(tmp_path, monkeypatch):
    run()
    changed = lines()
    renamed = number_of("W332004567")
    changed[renamed - 1] = changed[renamed - 1].replace(
        "JARDINS SOLIDAIRES DE BORDEAUX", "JARDINS SOLIDAIRES DE LA GIRONDE"
    )
    compared = []
    write_rows = RnaImporter._write_rows

    def spy(self, batch):
        compared.extend(values["rna"] for values in batch)
        write_rows(self, batch)

    monkeypatch.setattr(RnaImporter, "_write_rows", spy)

    report = run(write(tmp_path / "rna_waldec_20250201.csv", changed))

    # The 7 others are found unchanged in SQL against the staging table (on SQLite,
    # by the ORM): the counts are the same.
    if connection.vendor == "postgresql":
        assert compared == ["W332004567"]
    else:
        assert len(compared) == 8
    assert report["organisations"] == {"created": 0, "updated": 1, "unchanged": 7, "closed": 0}
    assert report["establishments"] == {"created": 0, "updated": 0, "unchanged": 8, "closed": 0}
    assert Organisation.objects.get(rna="W332004567").name == "JARDINS SOLIDAIRES DE LA GIRONDE"


def test_new_associations_go_from_the_staging_table_on_postgresql_and_the_orm_on_sqlite(
    monkeypatch,
):
    written = []
    for name in ("insert", "insert_select"):
        original = getattr(bulk, name)
        monkeypatch.setattr(
            bulk,
            name,
            lambda model, *args, _original=original, _name=name, **kwargs: (
                written.append((_name, model.__name__)) or _original(model, *args, **kwargs)
            ),
        )

    run()

    if connection.vendor == "postgresql":
        # No model instance: INSERT … SELECT from the COPY-ed batch, then the head offices.
        assert written == [("insert_select", "Organisation"), ("insert_select", "Establishment")]
    else:
        assert written == [("insert", "Organisation"), ("insert", "Establishment")]
    assert Organisation.objects.count() == Establishment.objects.count() == 8
    assert all(o.establishments.get().organisation_id == o.pk for o in Organisation.objects.all())


def test_a_website_set_by_the_organisation_is_kept():
    OrganisationFactory(rna="W332004567", website="https://jardins.example.fr", source=Source.RNA)

    run()

    assert Organisation.objects.get(rna="W332004567").website == "https://jardins.example.fr"


def test_dry_run_writes_nothing():
    report = run(dry_run=True)

    assert report["organisations"]["created"] == 8
    assert report["establishments"]["created"] == 8
    assert not Organisation.objects.exists()


def test_all_regions_imports_associations_elsewhere(tmp_path):
    path = write(tmp_path / "rna.csv", [line for line in lines() if ";69123;" not in line])

    run(path, all_regions=True)

    assert Organisation.objects.filter(rna="W751000444").exists()
    assert Organisation.objects.get(rna="W751000444").establishments.get().commune_id == "75104"


def test_a_zip_with_one_file_per_departement_is_read_whole(tmp_path):
    header, *rows = lines()
    archive = tmp_path / "rna_waldec_20250101.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for departement in ("33", "87"):
            z.writestr(
                f"rna_waldec_20250101_dpt_{departement}.csv",
                "".join([header] + [r for r in rows if f";{departement}0" in r]).encode(ENCODING),
            )

    run(archive)

    assert set(Organisation.objects.values_list("rna", flat=True)) == {
        "W872001234",
        "W332004567",
        "W872005678",
    }


# Malformed files


@pytest.fixture
def imported():
    run()
    return snapshot()


def assert_rejected(imported, path, match):
    with pytest.raises(ImportRejected) as rejected:
        run(path)
    assert match in str(rejected.value), str(rejected.value)
    assert snapshot() == imported


def test_a_missing_column_is_rejected(tmp_path, imported):
    content = lines()
    content[0] = content[0].replace("adrs_codeinsee", "adrs_code_insee")
    assert_rejected(
        imported,
        write(tmp_path / "rna.csv", content),
        "ligne 1 : colonne obligatoire absente : « adrs_codeinsee » "
        "(« adrs_code_insee » est-elle mal orthographiée ?).",
    )


def test_a_truncated_line_is_rejected(tmp_path, imported):
    target = number_of("W863000111")
    content = lines()
    content[target - 1] = ";".join(content[target - 1].split(";")[:20]) + "\r\n"
    assert_rejected(
        imported,
        write(tmp_path / "rna.csv", content),
        f"ligne {target} : 20 champ(s) au lieu de 40",
    )


def test_a_file_in_utf8_is_rejected_as_misencoded(tmp_path, imported):
    target = number_of("W863000111")
    assert_rejected(
        imported,
        write(tmp_path / "rna.csv", lines(), encoding="utf-8"),
        f"ligne {target} : caractères mal décodés (« Ã© » pour « é ») : le fichier semble "
        "encodé en UTF-8 et non en ISO-8859-1",
    )


def test_an_invalid_siret_is_rejected(tmp_path, imported):
    target = number_of("W401000222")
    content = lines()
    content[target - 1] = content[target - 1].replace("47888999100012", "47888999100013")
    assert_rejected(
        imported,
        write(tmp_path / "rna.csv", content),
        f"ligne {target} : SIRET invalide « 47888999100013 ».",
    )


def test_an_unknown_commune_is_rejected(tmp_path, imported):
    target = number_of("W872005678")
    content = lines()
    content[target - 1] = content[target - 1].replace(";87085;", ";87999;")
    assert_rejected(
        imported,
        write(tmp_path / "rna.csv", content),
        f"ligne {target} : commune inconnue « 87999 ».",
    )


def test_an_invalid_rna_number_is_rejected(tmp_path, imported):
    target = number_of("W471000999")
    content = lines()
    content[target - 1] = content[target - 1].replace("W471000999", "0471000999")
    assert_rejected(
        imported,
        write(tmp_path / "rna.csv", content),
        f"ligne {target} : numéro RNA invalide « 0471000999 »",
    )


def test_the_command_reports_and_fails_on_bad_files(tmp_path, capsys):
    call_command("import_rna", str(RNA))
    assert "Structures : 8 créé(s)" in capsys.readouterr().out

    content = lines()
    content[3] = content[3][:40] + "\r\n"
    with pytest.raises(CommandError, match="ligne 4 :"):
        call_command("import_rna", str(write(tmp_path / "rna.csv", content)))


# From the staging table (PostgreSQL): what the comparison in Python wrote, row for row


def rna_line(rna, *, siret="", title):
    """A line of the test file for another association (the template: W332004567)."""
    template = next(line for line in lines() if line.startswith("W332004567;"))
    fields = template.split(";")
    fields[0], fields[2], fields[11] = rna, siret, title
    return ";".join(fields)


def siret_of(siren):
    return with_luhn_key(siren + "0001")


def written():
    """Organisations, head offices and search documents, by RNA number (ids and times apart)."""
    rna_of = dict(Organisation.objects.values_list("pk", "rna"))
    moments = {"id", "created_at", "updated_at", "source_updated_at"}
    organisations = {
        o["rna"]: {k: v for k, v in o.items() if k not in moments}
        for o in Organisation.objects.values()
    }
    establishments = sorted(
        (
            rna_of[e.pop("organisation_id")],
            sorted((k, str(v)) for k, v in e.items() if k not in moments),
        )
        for e in Establishment.objects.values()
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM directory_search_org")
        documents = sorted((rna_of[row[0]], *map(str, row[1:])) for row in cursor.fetchall())
        cursor.execute("SELECT * FROM directory_search_site")
        sites = sorted((rna_of[row[1]], *map(str, row[2:])) for row in cursor.fetchall())
    return organisations, establishments, documents, sites


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite writes through the ORM")
def test_a_first_import_from_the_staging_table_writes_what_the_orm_path_wrote(
    tmp_path, monkeypatch
):
    # SIRENs held by an organisation with an RNA number of its own (a conflict), by one
    # without (which adopts the association), twice in the file, and an update.
    OrganisationFactory(siren="552100554", rna="W999000001", source=Source.RNA)
    OrganisationFactory(siren="552100562", rna=None, source=Source.SIRENE)
    OrganisationFactory(rna="W332004567", name="ANCIEN NOM", source=Source.RNA)
    extra = [
        rna_line("W872009001", siret=siret_of("552100554"), title="CONFLIT DE SIREN"),
        rna_line("W872009002", siret=siret_of("552100562"), title="ADOPTEE PAR SIRENE"),
        rna_line("W872009003", siret=siret_of("552100570"), title="PREMIERE AU SIREN"),
        rna_line("W872009004", siret=siret_of("552100570"), title="SECONDE AU SIREN"),
        rna_line("W872009005", siret=siret_of("552100588"), title="SEULE AU SIREN"),
    ]
    path = write(tmp_path / "rna.csv", [*lines(), *extra])

    with transaction.atomic():
        monkeypatch.setattr(RnaImporter, "_write_in_sql", lambda self, batch: batch)
        through_orm = run(path, batch_size=4)
        expected = written()
        monkeypatch.undo()
        transaction.set_rollback(True)

    report = run(path, batch_size=4)

    assert written() == expected
    for key in ("organisations", "establishments", "siren_conflicts", "linked_to_sirene"):
        assert report[key] == through_orm[key], key
    assert report["siren_conflicts"] == 2  # W872009001, and W872009004 after W872009003
    assert Organisation.objects.get(siren="552100562").rna == "W872009002"

    again = run(path, batch_size=4)
    assert written() == expected
    assert again["organisations"]["created"] == again["organisations"]["updated"] == 0
    assert again["establishments"]["created"] == again["establishments"]["updated"] == 0


def test_a_file_with_an_error_in_its_last_batch_writes_nothing(tmp_path):
    content = [*lines(), rna_line("W872009009", siret="12345678900000", title="SIRET FAUX")]

    with pytest.raises(ImportRejected, match="SIRET invalide"):
        run(write(tmp_path / "rna.csv", content), batch_size=2)

    assert not Organisation.objects.exists() and not Establishment.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM directory_search_org")
        assert cursor.fetchone()[0] == 0


def test_statistics_are_refreshed_as_a_first_import_grows_the_directory(monkeypatch):
    analyzed = []
    monkeypatch.setattr("essor.directory.importers.rna.STATISTICS_FLOOR", 2)
    monkeypatch.setattr(bulk, "analyze", lambda *tables: analyzed.append(tables))

    run(batch_size=2)
    first = len(analyzed)
    run(batch_size=2)  # nothing new: no ANALYZE

    if connection.vendor == "postgresql":
        assert first >= 1 and len(analyzed) == first
    else:
        assert analyzed == []
