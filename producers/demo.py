"""Demo producers and community groups across the six countries (seed_demo)."""

import random
import re

from django.db import transaction
from django.utils.text import slugify

from accounts.models import User
from core.demo import DemoSite, demo_step
from core.demo_images import DemoImagePool
from core.local_products import LocalProductType, local_product_types
from places.models import Place
from places.services import place_child_get_or_create

from .models import Producer, ProducerMembership, ProducerPhoto, ProducerStateChange

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
# Products the search examples name ("silk khon kaen", "มัดหมี่", "kabosu", "椎茸"): their
# first producers are always verified, so the demo shows them.
SHOWCASE = {"Chonnabot mudmee silk", "Oita kabosu citrus", "Oita dried shiitake mushrooms", "Surin silk"}
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
        name_en = tambon.name_en if tambon.name_en.startswith("Ban ") else f"Ban {tambon.name_en}"
        name_th = tambon.name_th if tambon.name_th.startswith("บ้าน") else f"บ้าน{tambon.name_th}"
        village = place_child_get_or_create(parent=tambon, name_en=name_en, name_local=name_th)
        return village


def _names(row: LocalProductType, kind: str, village: Place) -> tuple[str, str, str]:
    english, thai_prefix, japanese_suffix = GROUP_WORDS[kind]
    place_en = village.name_en if village.level == "village" else (row.town_en or village.name_en)
    place_en = re.sub(r"\s*\(.*?\)", "", place_en)  # "Bát Tràng (Gia Lâm)": the town, not its district
    product_en = row.product_en.title()
    # "Kampot Pepper Cooperative", not "Kampot Kampot Pepper Cooperative".
    if slugify(product_en).startswith(slugify(place_en)):
        name_en = f"{product_en} {english}"
    else:
        name_en = f"{place_en} {product_en} {english}"
    if row.country == "TH":
        name = f"{thai_prefix}{row.product_th} {village.name_local}".strip()
    else:
        prefix, suffix = LOCAL_GROUP_WORDS[row.country]
        name = f"{prefix}{row.product_local}{suffix}"
    name_ja = f"{row.product_ja}{japanese_suffix}"
    return name, name_en, name_ja


OWN_LANGUAGE = {"TH": "th", "JP": "ja", "KH": "km", "LA": "lo", "MM": "my", "VN": "vi"}
FIRST_NAMES = {
    "TH": ["Somsri", "Malee", "Boonmee", "Kanya", "Pranee", "Somchai", "Wanida", "Sunee", "Arunee", "Prasit"],
    "JP": ["Haruko", "Kenji", "Yumiko", "Takeshi", "Sachiko", "Hiroshi", "Emiko", "Masaru"],
    "KH": ["Sokha", "Dara", "Chenda", "Vanna", "Sophea"],
    "LA": ["Keo", "Noy", "Bounmy", "Phonsavan", "Manivanh"],
    "MM": ["Aye", "Thida", "Kyaw", "Mya", "Zaw"],
    "VN": ["Lan", "Hoa", "Minh", "Thu", "Tuan"],
}
BANKS = {
    "TH": ["Bank for Agriculture and Agricultural Cooperatives", "Krungthai Bank", "Government Savings Bank"],
    "JP": ["Oita Bank", "Japan Post Bank"],
    "KH": ["ACLEDA Bank"],
    "LA": ["Banque pour le Commerce Exterieur Lao"],
    "MM": ["Kanbawza Bank"],
    "VN": ["Agribank"],
}
SUSPENSION_REASONS = [
    "Listed products that are not made by the group; suspended until the members confirm their products.",
    "The Thai FDA number given for the herbal balm does not match the registration.",
]


def _stories(row: LocalProductType, village: Place, makers: int, founded: int) -> tuple[str, str, str]:
    place_en = village.name_en
    story_en = (
        f"{makers} makers in {place_en} make {row.product_en.lower()} the way their parents taught them: "
        f"{row.technique}. The group came together in {founded} to keep the craft in the village and to sell "
        f"directly to the people who use it."
    )
    story_ja = (
        f"{village.name_ja or place_en}の作り手{makers}人が、親から受け継いだ技法で{row.product_ja}を作っています。"
        f"{founded}年に技を村に残し、使う人に直接届けるためにグループを立ち上げました。"
    )
    if row.country == "TH":
        own = (
            f"สมาชิก {makers} คนใน{village.name_th or village.name_local}ทำ{row.product_th}ด้วยวิธีที่สืบทอดจากพ่อแม่ "
            f"กลุ่มของเรารวมตัวกันเมื่อปี {founded + 543} เพื่อรักษาภูมิปัญญาไว้ในหมู่บ้านและขายตรงถึงผู้ใช้"
        )
    elif row.country == "JP":
        own = story_ja
    else:
        own = ""
    return own, story_en, story_ja


def _thai_mobile(rng: random.Random) -> str:
    return "0" + rng.choice("689") + "".join(rng.choice("0123456789") for _ in range(8))


@transaction.atomic
def demo_producers_create(*, rng: random.Random, count: int, managers, photos_for: int = 60) -> list[Producer]:
    """`count` producers, cycling through the reference product types (most are Thai).

    Every producer gets a logo; the first `photos_for` get a gallery of two photos too. Pending
    and suspended ones carry their verification history.
    """
    picker = PlacePicker(rng)
    pool = DemoImagePool(rng)
    types = list(local_product_types())
    used_slugs = set(Producer.objects.values_list("slug", flat=True))
    producers = []
    for index in range(count):
        row = types[index % len(types)]
        kind = _weighted(rng, KIND_WEIGHTS)
        village = picker.village(picker.province(row))
        province = village if village.level == "province" else Place.objects.with_ancestors().get(pk=village.pk).province
        name, name_en, name_ja = _names(row, kind, village)
        base = slugify(name_en)[:100] or f"producer-{index}"
        slug, suffix = base, 2
        while slug in used_slugs:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        used_slugs.add(slug)
        makers = 1 if kind == Producer.Kind.INDIVIDUAL else rng.randint(6, 60)
        founded = rng.randint(1985, 2022)
        story, story_en, story_ja = _stories(row, village, makers, founded)
        own_language = OWN_LANGUAGE[row.country]
        producers.append(
            Producer(
                name=name,
                name_en=name_en,
                name_ja=name_ja,
                slug=slug,
                kind=kind,
                place=village,
                province=province,
                country=row.country,
                own_language=own_language,
                languages=sorted({own_language, "en"} if rng.random() < 0.4 else {own_language}),
                story=story,
                story_en=story_en,
                story_ja=story_ja,
                founded_year=founded,
                member_count=makers,
                contact_phone=_thai_mobile(rng) if row.country == "TH" else "",
                contact_email=f"{slug[:40]}@demo.otop.example",
                bank_name=rng.choice(BANKS[row.country]),
                bank_account_name=name_en,
                bank_account_number="".join(rng.choice("0123456789") for _ in range(10)),
                promptpay_id=_thai_mobile(rng) if row.country == "TH" else "",
                logo=pool.store_logo("producers/logos"),
                state=Producer.State.VERIFIED
                if index < len(types) and row.product_en in SHOWCASE
                else _weighted(rng, STATE_WEIGHTS),
            )
        )
    if producers and managers:
        producers[0].state = Producer.State.VERIFIED
    Producer.objects.bulk_create(producers, batch_size=500)

    photos = [
        ProducerPhoto(producer=producer, image=pool.store_photo("producers/photos"), position=position)
        for producer in producers[:photos_for]
        for position in (1, 2)
    ]
    ProducerPhoto.objects.bulk_create(photos, batch_size=500)

    history = []
    for producer in producers:
        history.append(ProducerStateChange(producer=producer, to_state=Producer.State.PENDING, note="Registered"))
        if producer.state != Producer.State.PENDING:
            history.append(
                ProducerStateChange(
                    producer=producer,
                    from_state=Producer.State.PENDING,
                    to_state=producer.state,
                    note=rng.choice(SUSPENSION_REASONS) if producer.state == Producer.State.SUSPENDED else "",
                )
            )
    ProducerStateChange.objects.bulk_create(history, batch_size=1000)

    # Members who make the products: accounts without a usable password, shown by first name.
    members, memberships = [], []
    for producer in producers:
        for number in range(0 if producer.kind == Producer.Kind.INDIVIDUAL else rng.randint(1, 3)):
            user = User(
                username=f"{producer.slug[:40]}-member-{number + 1}",
                first_name=rng.choice(FIRST_NAMES[producer.country]),
                language=producer.own_language if producer.own_language in ("th", "ja") else "en",
            )
            user.set_unusable_password()
            members.append(user)
            memberships.append((producer, user, number == 0))
    User.objects.bulk_create(members, batch_size=1000, ignore_conflicts=True)
    saved = {u.username: u for u in User.objects.filter(username__in=[m.username for m in members])}
    ProducerMembership.objects.bulk_create(
        [
            ProducerMembership(
                producer=producer,
                user=saved[user.username],
                role=ProducerMembership.Role.MANAGER if first else ProducerMembership.Role.MEMBER,
            )
            for producer, user, first in memberships
            if user.username in saved
        ],
        ignore_conflicts=True,
    )
    # The demo producer account manages the first two producers (one verified), so the
    # dashboard shows a switch between groups.
    ProducerMembership.objects.bulk_create(
        [
            ProducerMembership(producer=producer, user=user, role=ProducerMembership.Role.MANAGER)
            for producer in producers[:2]
            for user in managers
        ],
        ignore_conflicts=True,
    )
    return producers


@demo_step(
    order=40, label="{producers} producers", summary="producers", present=lambda: Producer.objects.exists()
)
def demo_producers_step(site: DemoSite) -> str:
    managers = [site.made["accounts"]["producer"]]
    site.made["producers"] = demo_producers_create(rng=site.rng, count=site.options["producers"], managers=managers)
    return ""
