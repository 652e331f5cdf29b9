"""The public catalogue pages through the test client: a product page with its local-brand panel,
Open Graph and JSON-LD, escaping of what producers write, a producer's profile and directory, and
the home page."""

import html
import json
import re
from decimal import Decimal

import pytest
from django.utils import translation

from catalogue import services
from catalogue.models import Product
from tests.factories import ProducerFactory, add_photo, minutes_ago, publish, tambon_of

JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def page_of(client, product, prefix: str = ""):
    response = client.get(f"{prefix}/products/{product.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def jsonld_blocks(page: str) -> list[str]:
    return JSONLD.findall(page)


def jsonld(page: str) -> dict:
    (block,) = jsonld_blocks(page)
    return json.loads(block)


def og(page: str, name: str) -> str:
    match = re.search(rf'<meta property="{re.escape(name)}" content="([^"]*)">', page)
    assert match, name
    return html.unescape(match.group(1))


@pytest.fixture
def scarf(make_product, group_a, khon_kaen):
    """A starred, certified silk scarf woven in a Khon Kaen tambon by the Surin group."""
    product = make_product(
        name_en="Mudmee silk scarf",
        name_th="ผ้าพันคอไหมมัดหมี่",
        name_ja="マッドミー絹スカーフ",
        description_en="Hand-woven mudmee silk, dyed with lac.",
        story_en="Grandmother Boonma taught the village to tie the mudmee patterns.",
        price=Decimal("1200"),
        stock=5,
        unit="1 piece, 180 × 45 cm",
        origin=tambon_of(khon_kaen, 1),
        local_brand_name="Boonma Silk",
        technique="Mudmee ikat",
        materials="Thai silk, lac dye",
        star_scheme="otop",
        star_rating=5,
        star_year=2022,
        certifications=[
            {"kind": "tcps", "name": "", "number": "มผช. 57/2565", "year": 2022},
            {"kind": "gi", "name": "Khon Kaen silk", "number": "GI 47100012", "year": 2010},
        ],
    )
    add_photo(product, alt_text="The scarf on the loom")
    return publish(product)


# --- the product page -----------------------------------------------------------------------------


def test_product_page_shows_price_stock_and_the_local_brand_panel(client, scarf, khon_kaen):
    page = page_of(client, scarf)
    text = html.unescape(page)

    assert "<h1>Mudmee silk scarf</h1>" in page
    assert "฿1,200" in text and "1 piece, 180 × 45 cm" in text
    assert "5 in stock" in text and "Sold out" not in text
    assert 'name="quantity"' in page or "contact" in text.lower(), "a buy box"

    origin = scarf.origin
    assert "Made in" in text
    assert f"Tambon {origin.name_en}" in text and "Khon Kaen" in text
    assert "Boonma Silk" in text and "Mudmee ikat" in text and "Thai silk, lac dye" in text
    assert "5 stars, OTOP Product Champion (1–5 stars)" in text
    assert f"awarded 2022, valid to {scarf.star_valid_until}" in text
    assert "Thai Community Product Standard (TCPS / มผช.)" in text and "No. มผช. 57/2565 (2022)" in text
    assert "Geographical Indication (GI)" in text and "Khon Kaen silk · No. GI 47100012 (2010)" in text

    assert "Hand-woven mudmee silk, dyed with lac." in text
    assert "Its story" in text and "Grandmother Boonma taught the village" in text
    assert "The scarf on the loom" in text


def test_product_page_shows_the_producer_card(client, scarf, group_a):
    page = page_of(client, scarf)
    assert f'href="/producers/{group_a.slug}/"' in page
    assert "Tha Sawang Silk Weavers" in page
    assert "Tambon Tha Sawang" in page


def test_product_page_says_sold_out_without_a_buy_form(client, make_product):
    product = make_product(stock=0, status="published")
    text = html.unescape(page_of(client, product))
    assert "Sold out" in text and "in stock" not in text
    assert 'name="quantity"' not in text


@pytest.mark.parametrize(
    "country_fixture, price, shown",
    [("oita_group", "1500", "¥1,500"), ("vietnam_group", "120000", "120,000₫"), ("group_a", "89.50", "฿89.50")],
)
def test_product_page_shows_the_price_in_the_producers_currency(client, make_product, request, country_fixture, price, shown):
    producer = request.getfixturevalue(country_fixture)
    product = make_product(producer=producer, price=Decimal(price), status="published")
    page = page_of(client, product)
    assert shown in html.unescape(page)
    assert og(page, "product:price:currency") == producer.currency


def test_product_page_lists_more_from_the_producer_and_the_village(client, scarf, group_a, make_product, tha_sawang, khon_kaen):
    sibling = make_product(name_en="Silk cushion cover", status="published")
    make_product(name_en="Unpublished silk tie")  # a draft: never shown
    neighbour = ProducerFactory(name_en="Khon Kaen Basket Makers", place=scarf.origin)
    from_village = make_product(producer=neighbour, category="basketry", name_en="Sticky rice basket", status="published")

    text = html.unescape(page_of(client, scarf))

    assert "More from Tha Sawang Silk Weavers" in text and sibling.name_en in text
    assert f"More from {scarf.origin.name_en} and nearby" in text and from_village.name_en in text
    assert "Unpublished silk tie" not in text


def test_product_page_in_thai_and_japanese(client, scarf):
    assert "<h1>ผ้าพันคอไหมมัดหมี่</h1>" in page_of(client, scarf, "/th")
    assert "<h1>マッドミー絹スカーフ</h1>" in page_of(client, scarf, "/ja")


def test_product_page_carries_open_graph_tags(client, scarf):
    page = page_of(client, scarf)
    assert og(page, "og:type") == "product"
    assert og(page, "og:title") == "Mudmee silk scarf"
    assert og(page, "og:description").startswith("Hand-woven mudmee silk")
    assert og(page, "og:url") == f"http://testserver/products/{scarf.slug}/"
    photo = scarf.photos.get()
    assert og(page, "og:image") == "http://testserver/media/" + photo.image.name.replace(".jpg", "__large.jpg")
    assert og(page, "product:price:amount") == "1200.00"
    assert og(page, "product:price:currency") == "THB"


def test_product_page_carries_product_json_ld(client, scarf, group_a):
    data = jsonld(page_of(client, scarf))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Product"
    assert data["name"] == "Mudmee silk scarf"
    assert data["url"] == f"http://testserver/products/{scarf.slug}/"
    assert data["brand"]["name"] == "Boonma Silk"
    assert data["manufacturer"]["name"] == group_a.name_en
    assert data["countryOfOrigin"] == "TH"
    assert data["image"] and all(url.startswith("http://testserver/media/products/") for url in data["image"])
    offers = data["offers"]
    assert offers["@type"] == "Offer"
    assert offers["price"] == "1200.00"
    assert offers["priceCurrency"] == "THB"
    assert offers["availability"] == "https://schema.org/InStock"
    assert "award" not in data  # OTOP 2022 lapsed after 2024: no award is claimed


def test_json_ld_names_a_current_award_and_the_card_marks_a_lapsed_one(client, make_product):
    from django.utils import timezone

    year = timezone.localdate().year
    current = make_product(name_en="Current silk", star_scheme="otop", star_rating=5, star_year=year, status="published")
    lapsed = make_product(name_en="Lapsed silk", star_scheme="otop", star_rating=4, star_year=year - 4, status="published")
    award = jsonld(page_of(client, current))["award"]
    assert "5★" in award and str(year) in award
    assert "award" not in jsonld(page_of(client, lapsed))
    cards = client.get("/products/").content.decode()
    lapsed_card = cards[cards.index("Lapsed silk"):][:1500]
    current_card = cards[cards.index("Current silk"):][:1500]
    assert "stars__lapsed" in lapsed_card.split("</li>")[0]
    assert "stars__lapsed" not in current_card.split("</li>")[0]


def test_json_ld_of_a_sold_out_product_in_yen(client, make_product, oita_group):
    product = make_product(producer=oita_group, price=Decimal("1500"), stock=0, status="published")
    offers = jsonld(page_of(client, product))["offers"]
    assert (offers["price"], offers["priceCurrency"], offers["availability"]) == (
        "1500.00", "JPY", "https://schema.org/OutOfStock",
    )


def test_json_ld_follows_the_stock(client, scarf):
    services.product_set_stock(product=scarf, stock=0)
    assert jsonld(page_of(client, scarf))["offers"]["availability"] == "https://schema.org/OutOfStock"
    services.product_set_stock(product=scarf, stock=2)
    assert jsonld(page_of(client, scarf))["offers"]["availability"] == "https://schema.org/InStock"


EVIL = '</script><script>alert("x")</script>'


def test_what_producers_write_is_escaped_in_the_page_and_the_json_ld(client, make_product, places, tha_sawang):
    producer = ProducerFactory(name_en=f"Weavers {EVIL}", place=tha_sawang)
    product = make_product(
        producer=producer,
        name_en=f"Silk {EVIL}",
        description_en=f"<img src=x onerror=alert(1)> {EVIL}",
        story_en=f"Our story {EVIL}",
        local_brand_name=f"Brand {EVIL}",
        technique=f"<b>bold</b> {EVIL}",
        certifications=[{"kind": "gi", "name": f"GI {EVIL}", "number": "<i>1</i>", "year": 2020}],
        status="published",
    )
    add_photo(product, alt_text='" onload="alert(1)')

    page = page_of(client, product)

    assert "<script>alert(" not in page
    assert "<img src=x" not in page and "<b>bold</b>" not in page and "<i>1</i>" not in page
    assert 'onload="alert(1)' not in page
    assert "&lt;script&gt;alert(" in page

    blocks = jsonld_blocks(page)
    assert len(blocks) == 1, "no user text closes the JSON-LD block early"
    block = blocks[0]
    assert "</script" not in block.lower() and "<" not in block and ">" not in block
    data = json.loads(block)
    assert data["name"] == f"Silk {EVIL}"
    assert data["brand"]["name"] == f"Brand {EVIL}"
    assert data["manufacturer"]["name"] == f"Weavers {EVIL}"
    assert data["description"].startswith("<img src=x onerror=alert(1)>")

    scripts = re.findall(r"<script\b[^>]*>", page)
    assert all("alert" not in tag for tag in scripts)


def test_product_lists_escape_what_producers_write(client, make_product):
    make_product(name_en=f"Silk {EVIL}", status="published")
    for url in ("/products/", "/"):
        page = client.get(url).content.decode()
        assert "<script>alert(" not in page, url
        assert "&lt;script&gt;alert(" in page, url


# --- producers ------------------------------------------------------------------------------------


def test_producer_profile_lists_its_published_products_only(client, make_product, group_a, group_b):
    make_product(name_en="Published scarf", status="published")
    make_product(name_en="Draft scarf")
    make_product(name_en="Archived scarf", status="archived")
    make_product(producer=group_b, name_en="Another group's scarf", status="published")

    response = client.get(f"/producers/{group_a.slug}/")

    assert response.status_code == 200
    assert [p.name_en for p in response.context["products"]] == ["Published scarf"]
    page = response.content.decode()
    assert "Published scarf" in page
    assert "Draft scarf" not in page and "Archived scarf" not in page and "Another group" not in page


@pytest.mark.parametrize(
    "category, expected",
    [
        ("food", {"Chonnabot Mudmee Group", "Oita Kabosu Farmers"}),
        ("textiles-garments", {"Tha Sawang Silk Weavers"}),
        ("beverages", set()),
        ("herbal-non-food", set()),
    ],
)
def test_producer_directory_filters_by_the_category_of_published_products(
    client, make_product, group_a, group_b, oita_group, vietnam_group, category, expected
):
    make_product(producer=group_a, category="silk", status="published")
    make_product(producer=group_a, category="chili-pastes-and-sauces")  # a draft does not count
    make_product(producer=group_b, category="chili-pastes-and-sauces", status="published")
    make_product(producer=oita_group, category="seasonings-and-condiments", price=Decimal(800), status="published")
    make_product(producer=vietnam_group, category="juices-and-syrups", price=Decimal(30000), status="archived")

    response = client.get(f"/producers/?category={category}")

    assert response.status_code == 200
    assert {p.name_en for p in response.context["producers"]} == expected
    assert not response.context["filter"].errors


def test_producer_directory_without_a_category_lists_every_verified_producer(client, group_a, group_b, oita_group):
    response = client.get("/producers/")
    assert {p.name_en for p in response.context["producers"]} >= {group_a.name_en, group_b.name_en, oita_group.name_en}


# --- the home page --------------------------------------------------------------------------------


def test_home_page_lists_the_newest_products(client, make_product):
    for n in range(10):
        make_product(name_en=f"Product {n}", status="published", published_at=minutes_ago(100 - n))
    make_product(name_en="A draft product")
    make_product(name_en="An archived product", status="archived")

    response = client.get("/")

    assert response.status_code == 200
    listed = [p.name_en for p in response.context["featured_products"]]
    assert listed == [f"Product {n}" for n in range(9, 1, -1)]
    page = response.content.decode()
    assert "New from the villages" in page and "Product 9" in page
    assert "A draft product" not in page and "An archived product" not in page
    assert f'href="/products/{Product.objects.get(name_en="Product 9").slug}/"' in page


def test_home_page_in_thai_shows_thai_names(client, make_product):
    make_product(name_en="Chili paste", name_th="น้ำพริกเผา", category="chili-pastes-and-sauces", status="published")
    with translation.override("th"):
        page = client.get("/th/").content.decode()
    assert "น้ำพริกเผา" in page


def test_json_ld_award_without_a_year_has_no_empty_brackets(client, make_product):
    product = make_product(star_scheme="otop", star_rating=4, star_year=None, status="published")
    award = jsonld(page_of(client, product))["award"]
    assert "4★" in award and "OTOP" in award
    assert "()" not in award and not award.endswith(" ")
