"""The place tree, loaded once per test session from the data packages by places_load."""

from collections import Counter

import geothai
import pytest
from django.utils import translation

from places.models import Place
from places.services import places_load


def geothai_counts() -> dict[str, int]:
    provinces = geothai.provinces()
    districts = [district for province in provinces for district in geothai.districts(province.code)]
    subdistricts = [tambon for district in districts for tambon in geothai.subdistricts(district.code)]
    return {"province": len(provinces), "district": len(districts), "subdistrict": len(subdistricts)}


def place(country: str, level: str, code: str) -> Place:
    return Place.objects.get(country=country, level=level, code=code)


def in_language(language: str, value):
    with translation.override(language):
        return value()


# --- What the tree holds ----------------------------------------------------------------------


def test_thailand_has_77_provinces_and_every_district_and_tambon_geothai_lists(places):
    expected = geothai_counts()
    thailand = Place.objects.filter(country="TH")

    assert expected["province"] == 77
    assert thailand.filter(level="province").count() == 77
    assert thailand.filter(level="district").count() == expected["district"]
    assert thailand.filter(level="subdistrict").count() == expected["subdistrict"]
    assert 900 < expected["district"] < 1000 and 7000 < expected["subdistrict"] < 8000


def test_thai_places_carry_geothais_codes_and_names(places):
    for province in geothai.provinces():
        row = place("TH", "province", province.code)
        assert (row.name_en, row.name_th) == (province.name_en, province.name_th)
    tambon = geothai.subdistricts("3201")[0]
    row = place("TH", "subdistrict", tambon.code)
    assert (row.name_en, row.name_th, row.postal_codes) == (tambon.name_en, tambon.name_th, "32000")
    assert row.parent == place("TH", "district", "3201")


def test_every_thai_district_and_tambon_sits_under_its_own_parent(places):
    districts = {p.code: p for p in Place.objects.filter(country="TH", level="district").select_related("parent")}
    tambons = Place.objects.filter(country="TH", level="subdistrict").select_related("parent")

    assert all(d.parent.level == "province" and d.code.startswith(d.parent.code) for d in districts.values())
    assert all(t.parent.level == "district" and t.code.startswith(t.parent.code) for t in tambons)


def test_every_thai_province_has_a_region(places):
    provinces = Place.objects.filter(country="TH", level="province").select_related("region")

    assert provinces.filter(region__isnull=True).count() == 0
    assert {p.region.level for p in provinces} == {"region"}
    assert {p.region.country for p in provinces} == {"TH"}
    assert Place.objects.filter(country="TH", level="region").count() == 6
    assert place("TH", "province", "32").region.name_en == "Northeast"
    assert place("TH", "province", "50").region.name_en == "North"


def test_regions_stand_beside_the_tree_not_in_it(places):
    surin = place("TH", "province", "32")

    assert surin.parent == place("TH", "country", "TH")
    assert not Place.objects.filter(parent__level="region").exists()


@pytest.mark.parametrize(
    ("country", "provinces"),
    [("JP", 47), ("VN", 34), ("KH", 25), ("LA", 18), ("MM", 15)],
)
def test_other_countries_have_their_provinces(places, country, provinces):
    assert Place.objects.filter(country=country, level="province").count() == provinces
    assert Place.objects.filter(country=country, level="country").count() == 1
    assert not Place.objects.filter(country=country, level="province").exclude(parent__level="country").exists()


def test_japanese_prefectures_have_names_in_japanese_and_a_region(places):
    oita = place("JP", "province", "44")

    assert (oita.name_en, oita.name_ja) == ("Oita", "大分県")
    assert oita.region.name_en == "Kyushu"
    assert not Place.objects.filter(country="JP", level="province", region__isnull=True).exists()


def test_six_countries_are_in_the_tree(places):
    countries = Place.objects.filter(level="country")

    assert sorted(countries.values_list("code", flat=True)) == ["JP", "KH", "LA", "MM", "TH", "VN"]
    assert countries.get(code="TH").name_th == "ประเทศไทย"


def test_place_slugs_are_unique_and_url_safe(places):
    slugs = list(Place.objects.values_list("slug", flat=True))

    assert len(slugs) == len(set(slugs))
    assert all(slug and slug == slug.lower() and slug.isascii() and " " not in slug for slug in slugs)


def test_tambons_of_the_same_name_get_distinct_slugs(places):
    """Many tambons are called Nai Mueang; each one still has its own address."""
    nai_mueang = Place.objects.filter(country="TH", level="subdistrict", name_en="Nai Mueang")

    assert nai_mueang.count() > 10
    assert nai_mueang.values("slug").distinct().count() == nai_mueang.count()


# --- Loading again ----------------------------------------------------------------------------


def test_loading_again_changes_nothing(places):
    before = {p["pk"]: p for p in Place.objects.values("pk", "country", "level", "code", "slug", "parent_id", "region_id")}

    counts = places_load()

    after = {p["pk"]: p for p in Place.objects.values("pk", "country", "level", "code", "slug", "parent_id", "region_id")}
    assert after == before
    assert counts == Counter(f"{p['country']}:{p['level']}" for p in before.values())
    assert counts["TH:subdistrict"] == geothai_counts()["subdistrict"]


def test_loading_again_keeps_a_slug_that_was_changed_and_restores_names(places):
    surin = place("TH", "province", "32")
    Place.objects.filter(pk=surin.pk).update(slug="surin-province", name_en="Typo")

    places_load()

    surin.refresh_from_db()
    assert surin.slug == "surin-province", "slugs are in bookmarked URLs: a reload never changes them"
    assert surin.name_en == "Surin"


# --- Full names -------------------------------------------------------------------------------


def test_full_name_of_a_tambon_in_english_thai_and_japanese(places):
    tambon = place("TH", "subdistrict", "320101")

    assert in_language("en", lambda: tambon.full_name) == "Tambon Nai Mueang, Mueang Surin, Surin"
    assert in_language("th", lambda: tambon.full_name) == "ต.ในเมือง อ.เมืองสุรินทร์ จ.สุรินทร์"
    assert in_language("ja", lambda: tambon.full_name) == "Surin Mueang Surin Tambon Nai Mueang", (
        "Japanese addresses run from the largest place to the smallest"
    )


def test_full_name_in_bangkok_uses_khwaeng_and_khet(places):
    khwaeng = place("TH", "subdistrict", "100101")

    assert in_language("en", lambda: khwaeng.full_name) == "Khwaeng Phra Borom Maha Ratchawang, Phra Nakhon, Bangkok"
    assert in_language("th", lambda: khwaeng.full_name) == "แขวงพระบรมมหาราชวัง เขตพระนคร กรุงเทพมหานคร"


def test_full_name_of_a_japanese_prefecture(places):
    oita = place("JP", "province", "44")

    assert in_language("en", lambda: oita.full_name) == "Oita"
    assert in_language("ja", lambda: oita.full_name) == "大分県"
    assert in_language("th", lambda: oita.full_name) == "Oita", "no Thai name: English stands in"


def test_full_name_of_a_district_and_a_province(places):
    district = place("TH", "district", "3201")

    assert in_language("en", lambda: district.full_name) == "Mueang Surin, Surin"
    assert in_language("th", lambda: district.full_name) == "อ.เมืองสุรินทร์ จ.สุรินทร์"
    assert in_language("th", lambda: place("TH", "province", "32").full_name) == "จ.สุรินทร์"


def test_province_of_a_tambon(places):
    assert place("TH", "subdistrict", "320101").province == place("TH", "province", "32")


def test_with_ancestors_makes_full_names_cost_no_more_queries(places, django_assert_num_queries):
    with django_assert_num_queries(1):
        tambons = list(Place.objects.with_ancestors().filter(country="TH", level="subdistrict", code__startswith="32").order_by("code")[:200])

    with django_assert_num_queries(0):
        names = [tambon.full_name for tambon in tambons]
        provinces = [tambon.province for tambon in tambons]

    assert names[0] == "Tambon Nai Mueang, Mueang Surin, Surin"
    assert all(name.count(", ") == 2 for name in names)
    assert all(province.level == "province" for province in provinces)


def test_without_with_ancestors_each_full_name_queries_the_parents(places, django_assert_num_queries):
    """The check above can fail: a plain queryset walks the parents one query at a time."""
    tambon = Place.objects.get(country="TH", level="subdistrict", code="320101")

    with django_assert_num_queries(3):
        tambon.full_name  # noqa: B018
