"""Fixtures for the marketplace tests: two shops with their managers, a listing, buyers."""

from decimal import Decimal
from pathlib import Path

import pytest

from places.models import Place
from producers.models import ProducerMembership
from tests.factories import UserFactory, listing, log_in, make_shop, member_of, tambon_of


@pytest.fixture
def shop(categories, tha_sawang):
    """A verified weaving group in Tha Sawang, Surin, taking every payment method. Its own
    language is Thai, so its contact address is written to in Thai."""
    return make_shop(
        name_en="Tha Sawang Silk Weavers", slug="tha-sawang-silk", place=tha_sawang,
        contact_email="orders@tha-sawang.example", own_language="th",
    )


@pytest.fixture
def manager(shop):
    """The shop's manager, who reads e-mails in English."""
    return member_of(shop, username="somsri", email="somsri@example.com", language="en")


@pytest.fixture
def member(shop):
    return member_of(shop, username="malee", email="malee@example.com", role=ProducerMembership.Role.MEMBER)


@pytest.fixture
def other_shop(categories, places):
    tambon = tambon_of(Place.objects.get(country="TH", level="province", slug="khon-kaen"))
    return make_shop(name_en="Chonnabot Mudmee Group", slug="chonnabot-mudmee", place=tambon, contact_email="", own_language="th")


@pytest.fixture
def other_manager(other_shop):
    return member_of(other_shop, username="boonmee", email="boonmee@example.com")


@pytest.fixture
def scarf(shop):
    """850 baht, 10 in stock, 200 g."""
    return listing(shop, name_en="Mudmee silk scarf", price=Decimal("850.00"), stock=10, weight_grams=200)


@pytest.fixture
def pillow(other_shop):
    """A product of the other shop: 320 baht, 5 in stock."""
    return listing(other_shop, name_en="Triangle pillow", price=Decimal("320.00"), stock=5, weight_grams=900)


@pytest.fixture
def other_buyer(db):
    return UserFactory(username="kenji", email="kenji@example.com", language="ja")


@pytest.fixture
def unpaid_limits_raised(settings):
    """For tests about something else (stock, expiry, cancelling, query counts) that let one
    account hold more unpaid orders or units than the fair-stock limits allow: the limits set
    out of their way. tests/orders/test_fair_stock.py checks the limits themselves."""
    settings.ORDERS_UNPAID_ORDERS_PER_ACCOUNT = 100
    settings.ORDERS_UNPAID_UNITS_PER_PRODUCT = 100


@pytest.fixture
def buyer_client(client, buyer):
    return log_in(client, buyer)


@pytest.fixture
def private_root(media_root, settings) -> Path:
    """The private storage's folder of this test (transfer slips are kept there)."""
    return Path(settings.STORAGES["private"]["OPTIONS"]["location"])
