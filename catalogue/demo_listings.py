"""Demo listings for seed_demo and the benchmarks: products in every category and country, with
names in Thai, English and Japanese, prices in the producer's currency, stars and certifications
on a believable share, and generated photos."""

import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from core.demo_images import DemoImagePool
from core.local_products import LocalProductType, local_product_types
from producers.models import CURRENCY_BY_COUNTRY, Producer

from .models import Category, Certification, Product, ProductPhoto
from .services import reference_price

TOP_CATEGORY = {
    "food": "food",
    "beverages": "beverages",
    "textiles_garments": "textiles-garments",
    "household_decor_handicrafts": "household-decor-handicrafts",
    "herbal_non_food": "herbal-non-food",
}
SUB_CATEGORY_WORDS = [
    # (top category, words in the English product name, sub-category)
    ("textiles-garments", ("silk", "mudmee", "pha "), "silk"),
    ("textiles-garments", ("indigo", "dye", "khram"), "indigo-and-natural-dye"),
    ("textiles-garments", ("cotton", "weave", "woven"), "cotton"),
    ("textiles-garments", (), "clothing-and-accessories"),
    ("food", ("rice",), "rice-and-grains"),
    ("food", ("chili", "chilli", "paste", "sauce", "nam prik", "shrimp"), "chili-pastes-and-sauces"),
    ("food", ("kabosu", "shiitake", "mushroom", "citrus", "pepper", "durian", "pomelo", "fresh"), "fresh-produce-and-mushrooms"),
    ("food", ("dried", "preserved", "banana", "mango", "tamarind", "candied"), "dried-and-preserved-fruit"),
    ("food", ("salt", "sugar", "soy", "miso", "vinegar", "honey"), "seasonings-and-condiments"),
    ("food", (), "snacks-and-sweets"),
    ("beverages", ("tea",), "tea"),
    ("beverages", ("coffee",), "coffee"),
    ("beverages", ("wine", "spirit", "sake", "liquor", "shochu", "sato", "lao-lao", "beer"), "wines-and-spirits"),
    ("beverages", (), "juices-and-syrups"),
    ("household-decor-handicrafts", ("basket", "bamboo", "rattan", "wicker", "krajood", "sedge", "water hyacinth"), "basketry"),
    ("household-decor-handicrafts", ("pottery", "ceramic", "celadon", "ware", "clay", "porcelain", "jar"), "pottery-and-ceramics"),
    ("household-decor-handicrafts", ("wood", "carv"), "woodcraft"),
    ("household-decor-handicrafts", ("lacquer", "silver", "bronze", "metal", "knife", "brass", "nielloware"), "lacquer-and-metal"),
    ("household-decor-handicrafts", (), "paper-and-decorations"),
    ("herbal-non-food", ("soap", "cosmetic", "thanaka", "cream", "lotion", "shampoo"), "soaps-and-cosmetics"),
    ("herbal-non-food", ("compress", "spa", "scrub"), "herbal-compresses-and-spa"),
    ("herbal-non-food", ("incense", "aroma", "candle"), "incense-and-aroma"),
    ("herbal-non-food", (), "balms-and-oils"),
]
VARIANTS = {
    # top category: (English, Thai, Japanese, price factor, unit)
    "food": [
        ("", "", "", 1.0, None),
        ("gift box", "กล่องของขวัญ", "ギフトボックス", 2.6, "1 gift box"),
        ("family pack", "แพ็กครอบครัว", "ファミリーパック", 1.8, "1 large pack"),
    ],
    "beverages": [
        ("", "", "", 1.0, None),
        ("gift set", "ชุดของขวัญ", "ギフトセット", 2.4, "1 set"),
    ],
    "textiles-garments": [
        ("", "", "", 1.0, None),
        ("scarf", "ผ้าพันคอ", "スカーフ", 0.45, "1 scarf (180 cm)"),
        ("shoulder bag", "กระเป๋าสะพาย", "ショルダーバッグ", 0.6, "1 bag"),
    ],
    "household-decor-handicrafts": [
        ("", "", "", 1.0, None),
        ("small", "ขนาดเล็ก", "小", 0.6, "1 piece (small)"),
        ("set of three", "ชุด 3 ชิ้น", "3点セット", 2.5, "1 set of 3"),
    ],
    "herbal-non-food": [
        ("", "", "", 1.0, None),
        ("travel size", "ขนาดพกพา", "携帯サイズ", 0.55, "1 small jar"),
        ("gift set", "ชุดของขวัญ", "ギフトセット", 2.8, "1 set"),
    ],
}


def sub_category_slug(row: LocalProductType) -> str:
    top = TOP_CATEGORY[row.category]
    name = f" {row.product_en.lower()} {row.technique.lower()} "
    for category, words, slug in SUB_CATEGORY_WORDS:
        if category == top and (not words or any(word in name for word in words)):
            return slug
    return top


STATUS_WEIGHTS = [(Product.Status.PUBLISHED, 90), (Product.Status.DRAFT, 7), (Product.Status.ARCHIVED, 3)]


def _type_for(producer: Producer, types) -> "object":
    """The reference product type the producer was made from (its English name starts with the
    place and holds the product), else one of its country."""
    lowered = producer.name_en.lower()
    for row in types:
        if row.country == producer.country and row.product_en.lower() in lowered:
            return row
    return next(row for row in types if row.country == producer.country)


def _certifications(rng: random.Random, product: Product, row, top: str) -> list[Certification]:
    certifications = []
    year = rng.choice([2019, 2020, 2021, 2022, 2023, 2024, 2025])
    if product.country == "TH":
        if rng.random() < 0.45:
            certifications.append(Certification(product=product, kind="tcps", number=f"{rng.randint(1, 1500)}/{year + 543}", year=year))
        if top in ("food", "beverages", "herbal-non-food") and rng.random() < 0.5:
            certifications.append(
                Certification(
                    product=product, kind="thai-fda",
                    number=f"{rng.randint(10, 96)}-{rng.randint(1, 2)}-{rng.randint(10000, 99999)}-{rng.randint(1, 6)}-{rng.randint(1, 9999):04d}",
                    year=year,
                )
            )
        if product.province.code in ("90", "91", "94", "95", "96") and top == "food" and rng.random() < 0.6:
            certifications.append(Certification(product=product, kind="halal", number=f"H-{rng.randint(1000, 9999)}", year=year))
    if row.gi_registered == "yes" and rng.random() < 0.8:
        certifications.append(
            Certification(product=product, kind="gi", name=row.product_en, number=f"GI {rng.randint(50, 300)}", year=rng.randint(2006, 2022))
        )
    if top in ("food", "beverages") and rng.random() < 0.12:
        certifications.append(Certification(product=product, kind="organic", number=f"ORG-{rng.randint(100, 999)}", year=year))
    if product.country == "JP" and top == "food" and rng.random() < 0.3:
        certifications.append(Certification(product=product, kind="jas", number=f"JAS-{rng.randint(1000, 9999)}", year=year))
    return certifications


@transaction.atomic
def demo_products_create(
    *,
    rng: random.Random,
    producers: list[Producer],
    per_producer: tuple[int, int] = (2, 6),
    pool: DemoImagePool | None = None,
    shared_photos: int = 0,
    batch_size: int = 2000,
) -> int:
    """Listings for `producers`; returns how many.

    Each product gets its own stored photos, unless `shared_photos` is set: then that many photos
    are stored once and shared by every product (the benchmarks' 100,000 products).
    """
    types = list(local_product_types())
    categories = {c.slug: c for c in Category.objects.all()}
    pool = pool or DemoImagePool(rng)
    shared = [pool.store_photo("products") for _ in range(shared_photos)]
    used = set(Product.objects.values_list("slug", flat=True))
    now = timezone.now()
    products, extras = [], []
    total = 0

    def flush():
        nonlocal products, extras, total
        Product.objects.bulk_create(products, batch_size=batch_size)
        photos, certifications = [], []
        for product, photo_count, row, top in extras:
            for position in range(1, photo_count + 1):
                image = rng.choice(shared) if shared else pool.store_photo("products")
                photos.append(ProductPhoto(product=product, image=image, position=position, alt_text=product.name_en))
            certifications.extend(_certifications(rng, product, row, top))
        ProductPhoto.objects.bulk_create(photos, batch_size=batch_size)
        Certification.objects.bulk_create(certifications, batch_size=batch_size, ignore_conflicts=True)
        total += len(products)
        products, extras = [], []

    for producer in producers:
        row = _type_for(producer, types)
        top = TOP_CATEGORY[row.category]
        category = categories[sub_category_slug(row)]
        base_price = Decimal(row.typical_price)
        currency = CURRENCY_BY_COUNTRY[producer.country]
        variants = VARIANTS[top]
        for number in range(rng.randint(*per_producer)):
            en, th, ja, factor, unit = variants[number % len(variants)]
            edition = number // len(variants)
            name_en = row.product_en[0].upper() + row.product_en[1:] + (f", {en}" if en else "") + (f" No. {edition + 1}" if edition else "")
            price = (base_price * Decimal(str(factor)) * Decimal(str(rng.uniform(0.85, 1.25)))).quantize(
                Decimal("1") if currency != "THB" else Decimal("1")
            )
            base_slug = slugify(f"{producer.slug[:60]} {name_en}")[:130]
            slug, suffix = base_slug, 2
            while slug in used:
                slug, suffix = f"{base_slug}-{suffix}", suffix + 1
            used.add(slug)
            status = rng.choices([s for s, _ in STATUS_WEIGHTS], [w for _, w in STATUS_WEIGHTS])[0]
            if number == 0:
                status = Product.Status.PUBLISHED  # every producer shows at least one product
            star_scheme, star_rating, star_year = "", None, None
            if producer.country == "TH" and rng.random() < 0.4:
                star_scheme, star_rating, star_year = "otop", rng.choice([3, 3, 4, 4, 5]), rng.choice([2022, 2024, 2024, 2025, 2025])
            elif producer.country == "VN" and rng.random() < 0.45:
                star_scheme, star_rating, star_year = "ocop", rng.choice([3, 3, 4, 5]), rng.choice([2023, 2024, 2025])
            product = Product(
                producer=producer,
                category=category,
                slug=slug,
                name_en=name_en,
                name_th=(f"{row.product_th} {th}".strip() if row.product_th else ""),
                name_ja=(f"{row.product_ja}（{ja}）" if ja else row.product_ja),
                name_local=row.product_local if producer.country not in ("TH", "JP") else "",
                description_en=(
                    f"{row.product_en[0].upper() + row.product_en[1:]} from {producer.province.name_en}: "
                    f"{row.technique}. Made by {producer.name_en}."
                ),
                description_th=(f"{row.product_th} จาก{producer.province.name_th} ผลิตโดย{producer.name}" if row.product_th else ""),
                description_ja=f"{producer.province.name_ja or producer.province.name_en}の{row.product_ja}。",
                price=price,
                currency=currency,
                price_reference=reference_price(price, currency),
                unit=unit or row.unit,
                stock=0 if rng.random() < 0.08 else rng.randint(1, 120),
                status=status,
                visible=status == Product.Status.PUBLISHED and producer.state == Producer.State.VERIFIED,
                local_brand_name=producer.name_en.split(" ")[0] + " " + row.product_en.split(" ")[0].title() if rng.random() < 0.5 else "",
                technique=row.technique[:200],
                star_scheme=star_scheme,
                star_rating=star_rating,
                star_year=star_year,
                story_en=producer.story_en,
                story_th=producer.story if producer.own_language == "th" else "",
                story_ja=producer.story_ja,
                country=producer.country,
                province=producer.province,
                position=number + 1,
                published_at=now - timezone.timedelta(days=rng.randint(0, 400), minutes=rng.randint(0, 1440))
                if status == Product.Status.PUBLISHED
                else None,
            )
            products.append(product)
            extras.append((product, rng.choice([1, 1, 2, 2, 3]), row, top))
            if len(products) >= batch_size:
                flush()
    flush()
    return total
