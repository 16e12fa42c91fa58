"""The directory's facet index shared by the processes of a machine (issue 20.2): the
process that reads a generation writes its arrays as files, every process maps them
(essor/search/backends/memory.py). A search answers the same from mapped files, from a
private copy and in SQL (tests/test_search.py runs every search both ways)."""

import time

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from essor.directory.enums import EssFamily
from essor.search.backends import SearchFilters, get_backend, memory
from tests.factories.directory import EssOrganisationFactory, EstablishmentFactory
from tests.factories.territories import LIMOGES, TULLE, commune

pytestmark = pytest.mark.django_db


def listed(name, where=LIMOGES, family=EssFamily.ASSOCIATION):
    organisation = EssOrganisationFactory(name=name, ess_family=family)
    EstablishmentFactory(organisation=organisation, commune=commune(where), unplaced=True)
    return organisation


def search(text="", **filters):
    return get_backend().search(SearchFilters(text=text, **filters), limit=50)


def generations(settings):
    return sorted(
        int(path.name)
        for path in settings.ESSOR_SEARCH_INDEX_DIR.glob("*/*")
        if path.name.isdigit()
    )


def test_a_second_process_maps_the_files_the_first_one_wrote(settings):
    listed("Recyclerie du Limousin")
    listed("Coopérative de Tulle", TULLE, EssFamily.COOPERATIVE)
    first = search("recyclerie")
    backend = get_backend()
    generation = backend.generation()
    assert generations(settings) == [generation]

    memory.forget()  # what a process that has read nothing holds
    with CaptureQueriesContext(connection) as queries:
        snapshot = memory.current(backend, generation)
    assert snapshot.generation == generation
    assert isinstance(snapshot.org_id, np.memmap)
    assert isinstance(snapshot.pair_order["dep"], np.memmap)
    # The tables were not read again: the files were.
    assert not any("directory_search_site" in q["sql"] for q in queries.captured_queries)
    assert search("recyclerie") == first
    assert search("", departement="19").total == 1


def test_a_new_generation_replaces_the_files_of_the_old_one(settings):
    listed("Recyclerie du Limousin")
    search("recyclerie")
    before = generations(settings)
    listed("Recyclerie de Tulle", TULLE)
    assert search("recyclerie").total == 2
    after = generations(settings)
    assert len(before) == len(after) == 1 and after[0] > before[0]


def test_a_write_is_found_at_once_then_from_the_files_of_its_generation(settings, monkeypatch):
    """In production a reading runs in a background thread: meanwhile the search runs in
    SQL, so a write is found at once, and from memory as soon as its files are written."""
    listed("Recyclerie du Limousin")
    search("recyclerie")
    settings.ESSOR_SEARCH_MEMORY = "background"
    started = []
    # The thread's reading, which a test's transaction would hide, is done by hand below.
    monkeypatch.setattr(memory, "build", lambda backend, generation, wait: started.append(1))
    written = time.monotonic()
    listed("Recyclerie de Tulle", TULLE)
    backend = get_backend()
    generation = backend.generation()
    assert search("recyclerie").total == 2  # in SQL
    assert memory.current(backend, generation) is None
    monkeypatch.undo()
    assert memory.build(backend, generation, wait=False).generation == generation
    snapshot = memory.current(backend, generation)  # mapped from the files
    assert isinstance(snapshot.org_id, np.memmap)
    assert search("recyclerie").total == 2
    assert time.monotonic() - written < 2


def test_a_folder_that_cannot_be_written_keeps_a_copy_in_the_process(settings, tmp_path):
    listed("Recyclerie du Limousin")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    settings.ESSOR_SEARCH_INDEX_DIR = blocked
    settings.ESSOR_SEARCH_MEMORY = "off"
    in_sql = search("recyclerie")
    settings.ESSOR_SEARCH_MEMORY = "inline"
    assert search("recyclerie") == in_sql
    snapshot = memory.current(get_backend(), get_backend().generation())
    assert snapshot is not None and not isinstance(snapshot.org_id, np.memmap)
