"""Test settings: the production settings, with the environment a test run needs.

The environment is still read only by essor.settings; this module just gives it
test defaults (tasks run immediately, no HTTPS redirect) before importing it.
"""

import os

os.environ.setdefault("SECRET_KEY", "essor-test-secret-key")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("ESSOR_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
os.environ.setdefault("ESSOR_BASE_URL", "http://testserver")
# Searches read the in-memory index before answering: results never depend on a thread.
os.environ.setdefault("ESSOR_SEARCH_MEMORY", "inline")

from essor.settings import *  # noqa: E402, F403

# Every search checks its documents against the content: a test sees its own writes.
ESSOR_SEARCH_CHECK_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Serve static files from the apps' folders, as in development: no collectstatic in tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# A model built on the shared workflow, for tests/test_workflow.py.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.workflow_app"]  # noqa: F405
