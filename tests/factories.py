"""factory_boy factories with Faker in English, Thai and Japanese."""

from datetime import timedelta

import factory
from django.utils import timezone
from faker import Faker

from accounts.models import User
from events.models import Event, EventOrganiser
from places.models import Place
from producers.models import Producer, ProducerMembership

faker_th = Faker("th_TH")
faker_ja = Faker("ja_JP")

TEST_PASSWORD = "a-Long-test-passw0rd"


def thai_tambon() -> Place:
    return Place.objects.filter(country="TH", level="subdistrict").order_by("?").first()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    # Confirmed by default, as an account in use is; UserFactory(email_verified_at=None) for one that is not.
    email_verified_at = factory.LazyFunction(timezone.now)
    first_name = factory.Faker("first_name")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProducerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Producer

    name = factory.LazyFunction(lambda: f"กลุ่มทอผ้า{faker_th.last_name()}")
    name_en = factory.Sequence(lambda n: f"Weaving Group {n}")
    name_ja = factory.LazyFunction(lambda: f"{faker_ja.last_name()}織物グループ")
    slug = factory.Sequence(lambda n: f"weaving-group-{n}")
    kind = Producer.Kind.COMMUNITY_GROUP
    place = factory.LazyFunction(thai_tambon)
    province = factory.LazyAttribute(lambda o: o.place if o.place.level == "province" else o.place.province)
    country = factory.LazyAttribute(lambda o: o.place.country)
    own_language = "th"
    state = Producer.State.VERIFIED


class ProducerMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProducerMembership

    producer = factory.SubFactory(ProducerFactory)
    user = factory.SubFactory(UserFactory)
    role = ProducerMembership.Role.MEMBER


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
