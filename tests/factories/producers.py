"""Producers: groups (verified Thai weaving groups unless told), their members and gallery photos."""

from datetime import timedelta

import factory
from django.utils import timezone
from faker import Faker

from producers.models import Producer, ProducerMembership, ProducerPhoto, ProducerStateChange

from .accounts import UserFactory
from .places import thai_tambon

faker_th = Faker("th_TH")
faker_ja = Faker("ja_JP")


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


class ProducerPhotoFactory(factory.django.DjangoModelFactory):
    """A gallery row; the file itself is not needed by the pages, which only build URLs."""

    class Meta:
        model = ProducerPhoto

    producer = factory.SubFactory(ProducerFactory)
    image = factory.Sequence(lambda n: f"producers/photos/photo{n}.jpg")
    caption = factory.Sequence(lambda n: f"Loom number {n}")
    position = factory.Sequence(lambda n: n)


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


def producer_admin_form_data(producer: Producer, **changes) -> dict:
    """The POST of the producer's change (or add) page in the Django admin, its inlines empty."""
    data = {
        "name": producer.name,
        "name_en": producer.name_en,
        "name_ja": producer.name_ja,
        "slug": producer.slug,
        "kind": producer.kind,
        "place": producer.place_id,
        "own_language": producer.own_language,
        "languages": "",
        "bank_account_number": "",
        "promptpay_id": "",
    }
    for prefix in ("memberships", "photos", "state_changes", "payout_changes"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0, f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}
    return data | changes
