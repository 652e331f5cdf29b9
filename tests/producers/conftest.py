"""Fixtures for the producer tests: a producer maker, the groups' members, staff and a visitor
(the places and the groups themselves are in tests/conftest.py)."""

import pytest

from places.models import Place
from producers.models import ProducerMembership
from tests.factories import ProducerFactory, ProducerMembershipFactory, UserFactory


@pytest.fixture
def make_producer(places):
    """Create a producer (verified unless told) in a Thai tambon, or wherever `place` says."""

    def make(**fields):
        fields.setdefault("place", Place.objects.filter(country="TH", level="subdistrict").order_by("code").first())
        return ProducerFactory(**fields)

    return make


def _member(producer, role, **user_fields):
    user = UserFactory(**user_fields)
    return ProducerMembershipFactory(producer=producer, user=user, role=role)


@pytest.fixture
def manager_a(group_a):
    return _member(group_a, ProducerMembership.Role.MANAGER, username="somsri", first_name="Somsri").user


@pytest.fixture
def member_a(group_a):
    return _member(group_a, ProducerMembership.Role.MEMBER, username="malee", first_name="Malee").user


@pytest.fixture
def manager_b(group_b):
    return _member(group_b, ProducerMembership.Role.MANAGER, username="boonmee", first_name="Boonmee").user


@pytest.fixture
def staff(db):
    return UserFactory(username="verifier", first_name="Vera", is_staff=True)


@pytest.fixture
def plain_user(db):
    return UserFactory(username="visitor", first_name="Vic")
