"""The world every test here runs in (world.py), built once per module: the authorisation matrix
and the fuzz tests ask every URL of the site as every role."""

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from tests.site.authorization.world import media_served_from, world_build


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module in a transaction rolled back at its end, with its
    own media and private folders (uploads made by the tests themselves land there too)."""
    folder = tmp_path_factory.mktemp("world")
    private = dict(settings.STORAGES["private"], OPTIONS={"location": folder / "private", "base_url": None})
    with (
        override_settings(MEDIA_ROOT=folder / "media", STORAGES={**settings.STORAGES, "private": private}),
        django_db_blocker.unblock(),
        transaction.atomic(),
        media_served_from(settings.MEDIA_ROOT),
    ):
        yield world_build()
        transaction.set_rollback(True)


@pytest.fixture
def media_root():
    """Replaces the suite's per-test media folder: the world's files live in the module's folder,
    set by the `world` fixture."""
    return settings.MEDIA_ROOT


@pytest.fixture
def db(world):
    """pytest-django's `db` for the tests here: the test runs in the world, in a savepoint rolled
    back at its end, so whatever it changes is undone. Lighter than the original (a Django
    TestCase set up per test), which tells over two thousand requests; and as it is still called
    `db`, pytest-django still makes the test database for these tests."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
