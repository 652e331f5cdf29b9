"""Reference facts for demo data: real local product types by place (core/data), which the
producers' and the catalogue's demo steps both draw on."""

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
