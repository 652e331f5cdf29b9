"""Fixtures for the producer tests: real Thai and Japanese places, groups with their members."""

from datetime import timedelta

import pytest
from django.utils import timezone

from places.models import Place
from producers.models import Producer, ProducerMembership, ProducerStateChange
from tests.factories import ProducerFactory, ProducerMembershipFactory, UserFactory


def tambon_of(province: Place, index: int = 0) -> Place:
    return Place.objects.filter(level="subdistrict", parent__parent=province).order_by("code")[index]


def settle(producer: Producer, *, days: int = 60) -> Producer:
    """Make `producer` an established group, no longer new for payout changes: registered,
    verified and joined by every present member `days` ago."""
    past = timezone.now() - timedelta(days=days)
    Producer.objects.filter(pk=producer.pk).update(state=Producer.State.VERIFIED, created_at=past)
    ProducerStateChange.objects.create(producer=producer, from_state=Producer.State.PENDING, to_state=Producer.State.VERIFIED)
    ProducerStateChange.objects.filter(producer=producer, to_state=Producer.State.VERIFIED).update(at=past)
    ProducerMembership.objects.filter(producer=producer).update(joined_at=past)
    producer.refresh_from_db()
    return producer


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
def make_producer(places):
    """Create a producer (verified unless told) in a Thai tambon, or wherever `place` says."""

    def make(**fields):
        fields.setdefault("place", Place.objects.filter(country="TH", level="subdistrict").order_by("code").first())
        return ProducerFactory(**fields)

    return make


@pytest.fixture
def group_a(make_producer, tha_sawang):
    return make_producer(name_en="Tha Sawang Silk Weavers", slug="tha-sawang-silk", place=tha_sawang)


@pytest.fixture
def group_b(make_producer, khon_kaen):
    return make_producer(name_en="Chonnabot Mudmee Group", slug="chonnabot-mudmee", place=tambon_of(khon_kaen))


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
