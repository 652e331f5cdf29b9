"""Fixtures for the catalogue tests: members of the two groups, a visitor, and a product maker
(the places, the categories and the groups themselves are in tests/conftest.py)."""

import pytest

from producers.models import ProducerMembership
from tests.factories import ProducerMembershipFactory, ProductFactory, UserFactory


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
