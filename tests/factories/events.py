"""Events: fairs (open for applications unless told), their organisers, and a producer's stall."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from events.models import Event, EventOrganiser, Stall, StallApplication, StallAssignment, Zone
from places.models import Place
from producers.models import Producer

from .accounts import UserFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"OTOP Fair {n}")
    slug = factory.Sequence(lambda n: f"otop-fair-{n}")
    venue = "IMPACT Muang Thong Thani"
    place = factory.LazyFunction(lambda: Place.objects.get(country="TH", level="province", code="12"))
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    ends_on = factory.LazyAttribute(lambda e: e.starts_on + timedelta(days=8))
    status = Event.Status.OPEN


class OrganiserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventOrganiser

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)


def published_event(**fields) -> Event:
    fields.setdefault("status", Event.Status.PUBLISHED)
    return EventFactory(**fields)


def stall_at(event: Event, producer: Producer, *, code: str = "A-01") -> StallAssignment:
    """Give `producer` a stall at `event` (an accepted application and its assignment)."""
    zone, _created = Zone.objects.get_or_create(event=event, code="A", defaults={"name": "Silk and textiles"})
    stall = Stall.objects.create(event=event, zone=zone, code=code, x=Decimal("0"), y=Decimal("0"))
    application = StallApplication.objects.create(event=event, producer=producer, state=StallApplication.State.ACCEPTED)
    return StallAssignment.objects.create(event=event, stall=stall, application=application, producer=producer)
