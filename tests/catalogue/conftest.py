"""Fixtures for the catalogue tests: categories, real places in several countries, producers
with their members, and a product maker."""

import pytest

from catalogue.models import Category
from catalogue.services import categories_load
from catalogue.taxonomy import CATEGORIES
from places.models import Place
from producers.models import ProducerMembership
from tests.catalogue.factories import ProductFactory
from tests.factories import ProducerFactory, ProducerMembershipFactory, UserFactory

BACKEND = "accounts.backends.UsernameOrEmailBackend"
CATEGORY_COUNT = sum(1 + len(children) for *_names, children in CATEGORIES)


def tambon_of(province: Place, index: int = 0) -> Place:
    return Place.objects.filter(level="subdistrict", parent__parent=province).order_by("code")[index]


def log_in(client, user):
    client.force_login(user, backend=BACKEND)
    return client


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


def _member(producer, role, username):
    return ProducerMembershipFactory(producer=producer, user=UserFactory(username=username), role=role).user


@pytest.fixture
def member_a(group_a):
    return _member(group_a, ProducerMembership.Role.MEMBER, "malee")


@pytest.fixture
def member_b(group_b):
    return _member(group_b, ProducerMembership.Role.MANAGER, "boonmee")


@pytest.fixture
def plain_user(db):
    return UserFactory(username="visitor")


@pytest.fixture
def make_product(categories, group_a):
    """Make a listing (a draft unless `status` says) for `producer` (group A unless given);
    `category` may be a slug."""

    def make(**fields):
        fields.setdefault("producer", group_a)
        if isinstance(fields.get("category"), str):
            fields["category"] = categories[fields["category"]]
        return ProductFactory(**fields)

    return make
