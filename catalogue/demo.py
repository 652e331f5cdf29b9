"""Reference facts for demo data: real local product types by place (catalogue/data)."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "local_products.csv"


@dataclass(frozen=True)
class LocalProductType:
    country: str
    region: str
    province_en: str
    province_local: str
    town_en: str
    product_en: str
    product_local: str
    product_th: str
    product_ja: str
    category: str
    technique: str
    gi_registered: str
    typical_price: str
    currency: str
    unit: str


@cache
def local_product_types() -> tuple[LocalProductType, ...]:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(
            LocalProductType(
                country=row["country"],
                region=row["region"],
                province_en=row["province_en"],
                province_local=row["province_local"],
                town_en=row["district_or_town_en"],
                product_en=row["product_en"],
                product_local=row["product_local"],
                product_th=row["product_th"],
                product_ja=row["product_ja"],
                category=row["category"],
                technique=row["technique_or_material"],
                gi_registered=row["gi_registered"],
                typical_price=row["typical_price_local"],
                currency=row["currency"],
                unit=row["unit"],
            )
            for row in csv.DictReader(handle)
        )


# --- Demo listings --------------------------------------------------------------------------

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


def sub_category_slug(row: "LocalProductType") -> str:
    top = TOP_CATEGORY[row.category]
    name = f" {row.product_en.lower()} {row.technique.lower()} "
    for category, words, slug in SUB_CATEGORY_WORDS:
        if category == top and (not words or any(word in name for word in words)):
            return slug
    return top
