from pathlib import Path

import pytest
from django.core.cache import cache

from essor.directory.search_backends import memory
from essor.territories.loader import load_territories

SAMPLE_GEOGRAPHY = Path(__file__).parent / "data" / "territories_sample.json.gz"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with real geography: all of Nouvelle-Aquitaine."""
    with django_db_blocker.unblock():
        load_territories(SAMPLE_GEOGRAPHY)


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate-limit counters live in the cache; each test starts with none. The search's
    # snapshots are keyed by a generation that a test's rollback takes back: dropped too.
    cache.clear()
    memory.forget()
    yield
    cache.clear()
    memory.forget()
