"""Settings for the test suite."""

import os

# Tests race up to thirty buyers, each a thread with its own connection, in one process: no
# pool (it would make them queue). Statements get more time than a page on a loaded CI machine;
# the limits themselves are tested on a server of their own (tests/site/test_database_limits.py).
os.environ.setdefault("DATABASE_POOL_SIZE", "0")
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "30")
# Tasks run in the test's own process once its transaction commits, so a test sees the e-mail
# of what it did (django_capture_on_commit_callbacks); tests/scaleout/test_tasks.py runs the
# database and RQ backends with real workers.
os.environ.setdefault("TASKS_BACKEND", "immediate")

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Page fragments are not cached in tests, so every test sees the database and query counts
# measure the real work; the cache tests switch a local-memory cache on themselves.
CACHES = {
    **CACHES,  # noqa: F405
    "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    "pages-local": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    "versions": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}

# Each test run gets its own database, so several runs (a developer's and CI's, or two suites
# at once) never drop each other's. pytest-django removes it at the end of the run.
DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}  # noqa: F405
# Listings renewed at once, so a test sees its own change; the tests of the lag set one themselves.
CACHE_LISTINGS_LAG = 0
# A replica named by DATABASE_REPLICA_URL is the test database itself (Django's test mirror); the
# replica tests point it at a real streaming replica themselves (tests/scaleout/replica_cluster.py).
if "replica" in DATABASES:  # noqa: F405
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # noqa: F405
