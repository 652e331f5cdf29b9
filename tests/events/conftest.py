"""Fixtures for the event tests: an event with its organiser, a second event organised by
someone else, a layout made through the services, and an application maker."""

from decimal import Decimal

import pytest

from events import services
from events.models import Event, StallApplication
from places.models import Place
from tests.factories import EventFactory, OrganiserFactory, ProducerFactory, UserFactory, log_in


@pytest.fixture
def event(places):
    """OTOP Fair, open for applications."""
    return EventFactory(name="OTOP Fair Bangkok", slug="otop-fair-bangkok", status=Event.Status.OPEN)


@pytest.fixture
def organiser(event):
    return OrganiserFactory(event=event, user=UserFactory(username="somchai", first_name="Somchai")).user


@pytest.fixture
def organiser_client(client, organiser):
    return log_in(client, organiser)


@pytest.fixture
def staff(db):
    """Staff, who may lay out and assign any event (the plan and cache tests' organiser)."""
    return UserFactory(username="plan-staff", is_staff=True)


@pytest.fixture
def other_event(places):
    return EventFactory(name="Oita OVOP Market", slug="oita-ovop-market", status=Event.Status.OPEN)


@pytest.fixture
def other_organiser(other_event):
    return OrganiserFactory(event=other_event, user=UserFactory(username="hanako")).user


@pytest.fixture
def layout(event, organiser):
    """Zone A (one row of 4 stalls, power at every 2nd) and zone B (2 rows of 3, corners marked)."""
    zone_a = services.zone_save(event=event, by=organiser, code="A", name="Silk hall", colour="#7a2e8e")
    zone_b = services.zone_save(event=event, by=organiser, code="B", name="Food hall", colour="#1e6b3a")
    stalls_a = services.stall_grid_create(
        event=event, by=organiser, zone=zone_a, rows=1, columns=4, corners=False, power_every=2, fee=Decimal("1500")
    )
    stalls_b = services.stall_grid_create(
        event=event, by=organiser, zone=zone_b, rows=2, columns=3, origin_y=Decimal(10), fee=Decimal("1200")
    )
    stalls = {stall.code: stall for stall in stalls_a + stalls_b}
    return {"A": zone_a, "B": zone_b, "stalls": stalls}


@pytest.fixture
def province(places):
    def get(slug: str) -> Place:
        return Place.objects.get(country="TH", level="province", slug=slug)

    return get


@pytest.fixture
def tambon(places):
    """A tambon of the named Thai province, for a producer who lives there."""

    def get(province_slug: str) -> Place:
        return Place.objects.filter(level="subdistrict", parent__parent__slug=province_slug, country="TH").order_by("code").first()

    return get


@pytest.fixture
def make_application(places):
    """An application of a new (or the given) producer, in any state, made directly: the
    services' own rules are tested on their own."""

    def make(
        event, *, producer=None, state=StallApplication.State.SUBMITTED, preferred_zone=None, power=False, corner=False,
        double=False, products=(), exhibited_before=False, **producer_fields,
    ) -> StallApplication:
        producer = producer or ProducerFactory(**producer_fields)
        application = StallApplication.objects.create(
            event=event, producer=producer, preferred_zone=preferred_zone, needs_power=power, needs_corner=corner,
            needs_double=double, state=state, exhibited_before=exhibited_before,
        )
        application.products.set(products)
        return application

    return make


# --- Fair communication: an exhibitor group whose managers read different languages ------------

EXHIBITOR_CONTACT = "silk@tha-sawang.example"  # the group's own address: written to in Thai, its own language
EXHIBITOR_MANAGER = "naree@example.com"  # a manager who reads English


@pytest.fixture
def exhibitor(places):
    """A verified Thai weaving group with a contact address, an English-reading manager (naree),
    a plain member and a manager whose address is not confirmed (neither of them is mailed)."""
    from producers.models import ProducerMembership

    producer = ProducerFactory(
        name_en="Tha Sawang Silk", name="กลุ่มไหมท่าสว่าง", slug="tha-sawang-silk-fair", contact_email=EXHIBITOR_CONTACT, own_language="th"
    )
    manager = UserFactory(username="naree", email=EXHIBITOR_MANAGER, language="en", first_name="Naree")
    ProducerMembership.objects.create(producer=producer, user=manager, role=ProducerMembership.Role.MANAGER)
    ProducerMembership.objects.create(producer=producer, user=UserFactory(username="plain-member"), role=ProducerMembership.Role.MEMBER)
    ProducerMembership.objects.create(
        producer=producer, user=UserFactory(username="unconfirmed-manager", email_verified_at=None), role=ProducerMembership.Role.MANAGER
    )
    producer.manager = manager
    return producer


@pytest.fixture
def exhibitor_client(client, exhibitor):
    return log_in(client, exhibitor.manager)


@pytest.fixture
def thai_event(event):
    """The event with its Thai name, which a Thai e-mail shows."""
    event.name_th = "งานโอทอปกรุงเทพ"
    event.save(update_fields=["name_th"])
    return event
