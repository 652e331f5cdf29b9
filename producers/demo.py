"""Demo producers and community groups across the six countries (seed_demo)."""

import random

from django.db import transaction
from django.utils.text import slugify

from catalogue.demo import LocalProductType, local_product_types
from places.models import Place

from .models import Producer, ProducerMembership

# Vietnam merged provinces in 2025; the reference data still names the old ones.
VIETNAM_MERGED_PROVINCES = {"Kien Giang": "An Giang", "Hai Duong": "Hai Phong", "Hanoi": "Ha Noi"}

GROUP_WORDS = {
    # kind: (English, Thai prefix, Japanese suffix)
    Producer.Kind.COMMUNITY_GROUP: ("Community Group", "กลุ่ม", "グループ"),
    Producer.Kind.COOPERATIVE: ("Cooperative", "สหกรณ์", "協同組合"),
    Producer.Kind.ENTERPRISE: ("Community Enterprise", "วิสาหกิจชุมชน", "コミュニティ企業"),
    Producer.Kind.INDIVIDUAL: ("Workshop", "", "工房"),
}
LOCAL_GROUP_WORDS = {"KH": ("ក្រុម", ""), "LA": ("ກຸ່ມ", ""), "MM": ("", " အဖွဲ့"), "VN": ("Hợp tác xã ", ""), "JP": ("", "")}
STATE_WEIGHTS = [(Producer.State.VERIFIED, 85), (Producer.State.PENDING, 10), (Producer.State.SUSPENDED, 5)]
KIND_WEIGHTS = [
    (Producer.Kind.COMMUNITY_GROUP, 50),
    (Producer.Kind.ENTERPRISE, 20),
    (Producer.Kind.COOPERATIVE, 10),
    (Producer.Kind.INDIVIDUAL, 20),
]


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


class PlacePicker:
    """Finds the province of a reference row and a believable village inside it."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        provinces = list(Place.objects.filter(level="province"))
        self.by_name = {}
        for province in provinces:
            for name in (province.name_en, province.name_local, province.slug):
                self.by_name[(province.country, slugify(name))] = province
        self.districts: dict[int, list[Place]] = {}
        for district in Place.objects.filter(level="district", country="TH"):
            self.districts.setdefault(district.parent_id, []).append(district)
        self.tambons: dict[int, list[Place]] = {}
        for tambon in Place.objects.filter(level="subdistrict", country="TH"):
            self.tambons.setdefault(tambon.parent_id, []).append(tambon)

    def province(self, row: LocalProductType) -> Place:
        name = VIETNAM_MERGED_PROVINCES.get(row.province_en, row.province_en)
        for candidate in (name, row.province_local):
            found = self.by_name.get((row.country, slugify(candidate)))
            if found:
                return found
        return next(p for (country, _), p in self.by_name.items() if country == row.country)

    def village(self, province: Place) -> Place:
        """A village in a random tambon of a Thai province; the province itself elsewhere."""
        if province.country != "TH":
            return province
        district = self.rng.choice(self.districts[province.pk])
        tambon = self.rng.choice(self.tambons[district.pk])
        village, _ = Place.objects.get_or_create(
            country="TH",
            level="village",
            code=f"{tambon.code}-01",
            defaults={
                "parent": tambon,
                "slug": f"ban-{tambon.slug}"[:120],
                "name_en": f"Ban {tambon.name_en}",
                "name_local": f"บ้าน{tambon.name_th}",
                "name_th": f"บ้าน{tambon.name_th}",
            },
        )
        return village


def _names(row: LocalProductType, kind: str, village: Place) -> tuple[str, str, str]:
    english, thai_prefix, japanese_suffix = GROUP_WORDS[kind]
    place_en = village.name_en if village.level == "village" else (row.town_en or village.name_en)
    name_en = f"{place_en} {row.product_en.title()} {english}"
    if row.country == "TH":
        name = f"{thai_prefix}{row.product_th} {village.name_local}".strip()
    else:
        prefix, suffix = LOCAL_GROUP_WORDS[row.country]
        name = f"{prefix}{row.product_local}{suffix}"
    name_ja = f"{row.product_ja}{japanese_suffix}"
    return name, name_en, name_ja


@transaction.atomic
def demo_producers_create(*, rng: random.Random, count: int, managers) -> list[Producer]:
    """`count` producers, cycling through the reference product types (most are Thai)."""
    picker = PlacePicker(rng)
    types = list(local_product_types())
    used_slugs = set(Producer.objects.values_list("slug", flat=True))
    producers = []
    for index in range(count):
        row = types[index % len(types)]
        kind = _weighted(rng, KIND_WEIGHTS)
        village = picker.village(picker.province(row))
        name, name_en, name_ja = _names(row, kind, village)
        base = slugify(name_en)[:100] or f"producer-{index}"
        slug, suffix = base, 2
        while slug in used_slugs:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        used_slugs.add(slug)
        producers.append(
            Producer(
                name=name,
                name_en=name_en,
                name_ja=name_ja,
                slug=slug,
                kind=kind,
                place=village,
                state=_weighted(rng, STATE_WEIGHTS),
            )
        )
    Producer.objects.bulk_create(producers, batch_size=500)
    # The demo producer account manages the first two producers (one verified), so the
    # dashboard shows a switch between groups.
    if producers and managers:
        producers[0].state = Producer.State.VERIFIED
        producers[0].save(update_fields=["state"])
        ProducerMembership.objects.bulk_create(
            [
                ProducerMembership(producer=producer, user=user, role=ProducerMembership.Role.MANAGER)
                for producer in producers[:2]
                for user in managers
            ],
            ignore_conflicts=True,
        )
    return producers
