"""The search index the triggers keep is what a rebuild from the tables writes, after the
writes of the importers: a first RNA import (from the staging table on PostgreSQL), its
monthly update, a SIRENE import with activities, establishments moved, closed, removed.

The triggers skip work that cannot change the index (an establishment without text for
its organisation's document: migration 0010); these tests hold them to the rebuild."""

from pathlib import Path

import pytest
from django.db import connection

from essor.directory.importers.rna import RnaImporter
from essor.directory.importers.sirene import SireneImporter
from essor.directory.models import Establishment, Organisation
from essor.search.backends import get_backend
from tests.factories.territories import BORDEAUX, TULLE

DATA = Path(__file__).parent / "data"
RNA = DATA / "rna" / "rna_waldec_20250101.csv"
SIRENE = (
    DATA / "sirene" / "StockUniteLegale_utf8.csv",
    DATA / "sirene" / "StockEtablissement_utf8.csv",
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _region(settings):
    settings.ESSOR_REGION = "75"


def search_index():
    """Every row of the directory's search index, in key order."""
    tables = {
        "directory_search_org": "SELECT * FROM directory_search_org ORDER BY org_id",
        "directory_search_site": "SELECT * FROM directory_search_site ORDER BY est_id",
    }
    if connection.vendor == "sqlite":
        tables["directory_search_fts"] = (
            "SELECT rowid, name, ident, activity, description FROM directory_search_fts "
            "ORDER BY rowid"
        )
    index = {}
    with connection.cursor() as cursor:
        for table, query in tables.items():
            cursor.execute(query)
            index[table] = [tuple(map(str, row)) for row in cursor.fetchall()]
    return index


def assert_index_is_a_rebuild():
    kept = search_index()
    assert kept["directory_search_org"] and kept["directory_search_site"]
    get_backend().rebuild()
    assert search_index() == kept


def test_the_index_after_the_rna_then_sirene_imports_is_a_rebuild(tmp_path):
    Organisation.objects.all().delete()
    RnaImporter(RNA, batch_size=3).run()
    assert_index_is_a_rebuild()

    # A month later: a renamed association, a dissolved one.
    lines = RNA.read_text(encoding="iso-8859-1").splitlines(keepends=True)
    for number, line in enumerate(lines):
        if line.startswith("W332004567;"):
            lines[number] = line.replace("JARDINS SOLIDAIRES DE BORDEAUX", "JARDINS DE LA GIRONDE")
        if line.startswith("W401000222;"):
            lines[number] = line.replace(";0001-01-01;D;S;", ";2026-11-15;D;S;").replace(
                ";0;;A;", ";0;;D;"
            )
    monthly = tmp_path / "rna_waldec_20250201.csv"
    monthly.write_bytes("".join(lines).encode("iso-8859-1"))
    report = RnaImporter(monthly).run()
    assert report["organisations"]["updated"] == 2
    assert_index_is_a_rebuild()

    # SIRENE brings activities (NAF) and names into the documents, and adopts associations.
    SireneImporter(*SIRENE).run()
    assert_index_is_a_rebuild()


def test_the_index_follows_establishments_with_and_without_text_as_a_rebuild():
    Organisation.objects.all().delete()
    SireneImporter(*SIRENE).run()
    RnaImporter(RNA).run()
    with_text = Establishment.objects.exclude(naf="").order_by("pk").first()
    head_office = Establishment.objects.filter(naf="", name="").order_by("pk").first()

    # Moved, renamed, closed, given an activity, deleted: text or not, as a rebuild.
    Establishment.objects.filter(pk=with_text.pk).update(commune_id=TULLE, name="Atelier vélo")
    Establishment.objects.filter(pk=head_office.pk).update(commune_id=BORDEAUX, address="1 rue")
    assert_index_is_a_rebuild()
    Establishment.objects.filter(pk=head_office.pk).update(naf="88.99B")
    Establishment.objects.filter(pk=with_text.pk).update(status="closed")
    assert_index_is_a_rebuild()
    Establishment.objects.filter(pk=with_text.pk).update(
        organisation=head_office.organisation, status="active"
    )
    assert_index_is_a_rebuild()
    Establishment.objects.filter(pk__in=[with_text.pk, head_office.pk]).delete()
    assert_index_is_a_rebuild()
