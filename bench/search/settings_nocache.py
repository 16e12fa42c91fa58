"""The production settings with no cache at all: every search page computes its facets
(the "cold" throughput of bench/search)."""

from essor.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
