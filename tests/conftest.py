from pathlib import Path

import pytest
from django.core.cache import cache

from essor.search.backends import memory
from essor.support import catalogue
from essor.territories.loader import load_territories

SAMPLE_GEOGRAPHY = Path(__file__).parent / "data" / "territories_sample.json.gz"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with real geography: all of Nouvelle-Aquitaine. Under
    pytest-xdist each worker runs this for its own database (test_<name>_gw0, _gw1…)."""
    with django_db_blocker.unblock():
        load_territories(SAMPLE_GEOGRAPHY)


@pytest.fixture(autouse=True)
def _file_roots(settings, tmp_path_factory):
    # Uploaded and generated files of a test go to its own folders, never to var/.
    root = tmp_path_factory.mktemp("files")
    settings.MEDIA_ROOT = root / "media"
    settings.PRIVATE_ROOT = root / "private"
    # The search index's shared files: a test's rollback takes its generation back.
    settings.ESSOR_SEARCH_INDEX_DIR = root / "search-index"


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate-limit counters live in the cache; each test starts with none. The search's
    # snapshots are keyed by a generation that a test's rollback takes back: dropped too.
    cache.clear()
    memory.forget()
    catalogue.forget()  # the providers' names are keyed by the directory's generation
    yield
    cache.clear()
    memory.forget()
    catalogue.forget()


@pytest.fixture
def rate_limit_window():
    """Start the test at midnight UTC, where every rate-limit window begins (they are
    aligned on the epoch): its requests cannot straddle two windows, whatever the speed
    of the machine."""
    import datetime as dt

    import time_machine

    midnight = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    with time_machine.travel(midnight + dt.timedelta(days=1), tick=True):
        yield


@pytest.fixture
def page_sections(monkeypatch):
    """The page-section registry (essor/core/page_sections.py) emptied of the apps'
    sections for the test, which registers its own."""
    from essor.core import page_sections

    monkeypatch.setattr(page_sections, "_registry", {slot: [] for slot in page_sections.SLOTS})
    return page_sections
