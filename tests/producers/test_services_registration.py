"""producers.services: registering at a place the registrant names (a town, a village)."""

import pytest
from django.core.exceptions import ValidationError

from places.models import Place
from producers import services
from producers.models import Producer

BASICS = {
    "name": "กลุ่มทอผ้าไหมบ้านท่าสว่าง",
    "name_en": "Ban Tha Sawang Silk Weavers",
    "kind": Producer.Kind.COMMUNITY_GROUP,
    "own_language": "th",
}


def test_producer_register_naming_place_puts_the_producer_in_a_new_village_of_its_tambon(plain_user, tha_sawang):
    producer = services.producer_register_naming_place(user=plain_user, place=tha_sawang, village="Ban Tha Sawang", **BASICS)

    assert producer.place.level == "village" and producer.place.parent == tha_sawang
    assert producer.place.name_en == "Ban Tha Sawang"


def test_producer_register_naming_place_takes_a_town_then_a_village_where_the_data_stops(plain_user, oita):
    producer = services.producer_register_naming_place(
        user=plain_user, place=oita, town="Yufu", village="Yufuin",
        name="ゆふいん竹細工の会", name_en="Yufuin Bamboo Craft", kind="cooperative", own_language="ja",
    )

    village = producer.place
    assert (village.name_en, village.parent.name_en, village.parent.level, village.parent.parent) == ("Yufuin", "Yufu", "district", oita)
    assert producer.province == oita


def test_producer_register_naming_place_without_names_registers_at_the_place_given(plain_user, tha_sawang):
    producer = services.producer_register_naming_place(user=plain_user, place=tha_sawang, **BASICS)

    assert producer.place == tha_sawang


def test_producer_register_naming_place_leaves_no_new_place_behind_when_it_fails(plain_user, oita):
    places_before = Place.objects.count()
    with pytest.raises(ValidationError):
        services.producer_register_naming_place(
            user=plain_user, place=oita, town="Yufu", village="Yufuin", founded_year=1700, **BASICS
        )

    assert Place.objects.count() == places_before
    assert not Producer.objects.exists()
