"""Shared fixtures: the place tree, users of each role, a temporary media folder, the page caches."""

import pytest
from django.core.cache import caches

from places.models import Place
from places.services import places_load
from tests.factories import (
    EventFactory,
    OrganiserFactory,
    ProducerFactory,
    ProducerMembershipFactory,
    UserFactory,
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real place tree once into the test database; at the end, close any connection a
    test's thread left open (a live server's, a race test's), so the database can be dropped."""
    with django_db_blocker.unblock():
        places_load()
    yield
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def places(db):
    """The place tree; reloaded after a transactional test has flushed the database."""
    if not Place.objects.filter(level="country").exists():
        places_load()
    return Place.objects


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language: a request to /ja/… through the test
    client leaves Japanese active in the thread (LocaleMiddleware activates, nothing resets)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    private = dict(settings.STORAGES["private"], OPTIONS={"location": tmp_path / "private", "base_url": None})
    settings.STORAGES = {**settings.STORAGES, "private": private}
    return settings.MEDIA_ROOT


@pytest.fixture
def buyer(db):
    return UserFactory(username="buyer")


@pytest.fixture
def producer_user(places):
    membership = ProducerMembershipFactory(role="manager", producer__state="verified")
    return membership.user


@pytest.fixture
def organiser_user(places):
    return OrganiserFactory().user


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staffer", is_staff=True, is_superuser=True)


__all__ = ["EventFactory", "ProducerFactory"]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "browser tests skipped" in str(r.longrepr)]
    if skipped:
        terminalreporter.write_sep("!", f"BROWSER TESTS SKIPPED ({len(skipped)}): no chromium at /usr/bin/chromium", red=True, bold=True)
        terminalreporter.write_line("Install Debian's chromium (apt-get install chromium) to run the user journeys.", red=True)


@pytest.fixture
def page_cache(settings):
    """The page caches switched on (local memory; the test settings switch them off), emptied
    before and after the test."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages-under-test"},
        "pages-local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages-local-under-test"},
    }
    for alias in ("pages", "pages-local"):
        caches[alias].clear()
    yield caches["pages"]
    for alias in ("pages", "pages-local"):
        caches[alias].clear()


@pytest.fixture
def sending(mailoutbox, django_capture_on_commit_callbacks):
    """Posts that run the e-mails each request queues for after its commit; `.outbox` holds them."""

    class Sending:
        outbox = mailoutbox

        def post(self, client, url, data=None, **extra):
            with django_capture_on_commit_callbacks(execute=True):
                return client.post(url, data or {}, **extra)

    return Sending()
