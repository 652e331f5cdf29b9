"""Shared fixtures: the place tree and real places in several countries, the category tree,
producers, users of each role, the search tests' catalogue, a temporary media folder, the page
caches."""

import pytest
from django.core.cache import caches

from catalogue.models import Category
from catalogue.services import categories_load
from catalogue.taxonomy import CATEGORIES
from places.models import Place
from places.services import places_load
from tests.catalogue import search_data
from tests.factories import OrganiserFactory, ProducerFactory, ProducerMembershipFactory, UserFactory, log_in, tambon_of

CATEGORY_COUNT = sum(1 + len(children) for *_names, children in CATEGORIES)


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


@pytest.fixture
def categories(db):
    """The category tree (made by a data migration; gone after a transactional test flushed it)."""
    if Category.objects.count() < CATEGORY_COUNT:
        categories_load()
    return {category.slug: category for category in Category.objects.all()}


@pytest.fixture
def surin(places):
    return Place.objects.get(country="TH", level="province", slug="surin")


@pytest.fixture
def khon_kaen(places):
    return Place.objects.get(country="TH", level="province", slug="khon-kaen")


@pytest.fixture
def tha_sawang(surin):
    """Tambon Tha Sawang, Mueang Surin: the silk weavers' village."""
    return Place.objects.get(level="subdistrict", slug="tha-sawang", parent__parent=surin)


@pytest.fixture
def oita(places):
    return Place.objects.get(country="JP", level="province", name_en="Oita")


@pytest.fixture
def an_giang(places):
    return Place.objects.get(country="VN", level="province", slug="an-giang")


@pytest.fixture
def group_a(places, tha_sawang):
    """A verified Thai weaving group in Tha Sawang, Surin."""
    return ProducerFactory(name_en="Tha Sawang Silk Weavers", slug="tha-sawang-silk", place=tha_sawang)


@pytest.fixture
def group_b(places, khon_kaen):
    """A verified Thai group in Khon Kaen."""
    return ProducerFactory(name_en="Chonnabot Mudmee Group", slug="chonnabot-mudmee", place=tambon_of(khon_kaen))


@pytest.fixture
def oita_group(oita):
    """A verified Japanese producer in Oita (prices in yen)."""
    return ProducerFactory(name_en="Oita Kabosu Farmers", slug="oita-kabosu", place=oita, own_language="ja")


@pytest.fixture
def vietnam_group(an_giang):
    """A verified Vietnamese producer in An Giang (prices in dong, OCOP stars)."""
    return ProducerFactory(name_en="An Giang Palm Sugar Co-op", slug="an-giang-palm-sugar", place=an_giang, own_language="vi")


@pytest.fixture
def make_listing(categories):
    """Make a published listing with every text given (the factory's defaults left out)."""

    def make(producer, name_en, *, category, **fields):
        return search_data.make_listing(producer, name_en, category=categories[category], **fields)

    return make


@pytest.fixture
def search_catalogue(places, categories, tha_sawang, oita, make_listing, django_capture_on_commit_callbacks):
    """The catalogue the search tests query (tests/catalogue/search_data.py), its search documents
    written on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        catalogue = search_data.build_search_catalogue(tha_sawang=tha_sawang, oita=oita, make_listing=make_listing)
    for product in catalogue.products.values():
        product.refresh_from_db()
    return catalogue


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
        "versions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "versions-under-test"},
    }
    for alias in ("pages", "pages-local", "versions"):
        caches[alias].clear()
    yield caches["pages"]
    for alias in ("pages", "pages-local", "versions"):
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


@pytest.fixture
def staff_client(client, staff_user):
    """The test client logged in as a superuser (the admin's pages)."""
    return log_in(client, staff_user)
