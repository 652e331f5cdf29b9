"""A visitor browses /products/: the filters and the sort change the list in place, the address
bar keeps a URL that can be shared, and a card opens the product page."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories import ProductFactory, minutes_ago
from tests.e2e.browser import PHONE, screenshot

MARKER = "window.__catalogueMarker"


@pytest.fixture
def small_catalogue(categories, group_a, group_b, oita_group, vietnam_group, django_capture_on_commit_callbacks):
    """Seven published products in Thailand, Japan and Vietnam, newest first in this order. The
    search documents are written on commit, hence the captured callbacks."""

    def make(name, producer, category, price, stock, *, minutes, **fields):
        fields = {"name_th": "", "name_ja": "", "description_en": ""} | fields
        return ProductFactory(
            producer=producer, category=categories[category], name_en=name, price=Decimal(price), stock=stock,
            status="published", published_at=minutes_ago(minutes), **fields,
        )

    with django_capture_on_commit_callbacks(execute=True):
        scarf = make(
            "Mudmee silk scarf", group_a, "silk", "1200", 5, minutes=10, name_th="ผ้าพันคอไหมมัดหมี่",
            technique="Mudmee ikat", local_brand_name="Tha Sawang Heritage", star_scheme="otop", star_rating=5,
            star_year=2024, certifications=[{"kind": "tcps", "number": "TCPS-1", "year": 2023}],
            description_en="Tie-dyed before weaving on a wooden loom.",
        )
        make("Lac-dyed silk sarong", group_a, "silk", "3500", 0, minutes=20)
        make("Nam prik pao", group_b, "chili-pastes-and-sauces", "95", 50, minutes=30)
        make("Bamboo rice basket", group_b, "basketry", "450", 3, minutes=40)
        make("Kabosu juice", oita_group, "juices-and-syrups", "1500", 12, minutes=50)
        make("Yuzu kosho", oita_group, "seasonings-and-condiments", "800", 6, minutes=60)
        make("Palm sugar", vietnam_group, "seasonings-and-condiments", "120000", 7, minutes=70)
    return scarf


def card_names(page) -> list[str]:
    return [name.strip() for name in page.locator("#catalogue-results .product-card__name").all_inner_texts()]


def expect_still_the_same_document(page) -> None:
    """The marker set before the change survives only if the page was not loaded again."""
    assert page.evaluate(MARKER) == 1, "the list was changed by loading a whole new page"


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways: {width}px wide at {PHONE['width']}px"


def test_filters_and_sort_update_the_list_in_place_with_a_shareable_url(page, small_catalogue):
    page.goto("/products/")
    results = page.locator("#catalogue-results")
    expect(results.locator(".results__count")).to_have_text("7 products")
    assert card_names(page)[:2] == ["Mudmee silk scarf", "Lac-dyed silk sarong"]
    filters = page.locator(".filters__panel")
    expect(filters).to_have_attribute("open", "")
    screenshot(page, "catalogue-filters-desktop")
    page.evaluate(f"{MARKER} = 1")

    # A country facet: the list changes in place, the URL says so, and the facet is marked chosen.
    page.locator(".filters").get_by_role("link", name=re.compile(r"^Japan\b")).click()
    page.wait_for_url(re.compile(r"/products/\?country=JP$"))
    expect(results.locator(".results__count")).to_have_text("2 products")
    assert card_names(page) == ["Kabosu juice", "Yuzu kosho"]
    expect(page.locator(".filters").get_by_role("link", name=re.compile(r"^Japan\b"))).to_have_attribute("aria-current", "true")
    expect(results.locator(".results")).to_have_attribute("aria-busy", "false")
    expect_still_the_same_document(page)

    # The sort control, in place too, keeping the country.
    page.get_by_label("Sort by").select_option("price")
    page.wait_for_url(re.compile(r"/products/\?(?=.*country=JP)(?=.*sort=price)"))
    expect(results.locator(".product-card__name").first).to_have_text("Yuzu kosho")
    assert card_names(page) == ["Yuzu kosho", "Kabosu juice"]
    expect(page.get_by_label("Sort by")).to_have_value("price")
    expect_still_the_same_document(page)

    # A category facet on top: food keeps the yuzu kosho only.
    page.locator(".filters").get_by_role("link", name=re.compile(r"^Food\b")).click()
    page.wait_for_url(re.compile(r"/products/\?(?=.*country=JP)(?=.*sort=price)(?=.*category=food)"))
    expect(results.locator(".results__count")).to_have_text("1 product")
    assert card_names(page) == ["Yuzu kosho"]
    expect_still_the_same_document(page)

    # The back button goes to the previous list, still in place.
    page.go_back()
    page.wait_for_url(re.compile(r"/products/\?country=JP&sort=price$"))
    expect(results.locator(".results__count")).to_have_text("2 products")
    assert card_names(page) == ["Yuzu kosho", "Kabosu juice"]
    expect_still_the_same_document(page)

    # The shared address, loaded fresh, shows the same list.
    shared = page.url
    shown = card_names(page)
    page.goto(shared)
    assert page.evaluate(MARKER) is None, "a fresh load is a new document"
    assert card_names(page) == shown
    expect(page.get_by_label("Sort by")).to_have_value("price")
    expect(page.locator(".filters").get_by_role("link", name=re.compile(r"^Japan\b"))).to_have_attribute("aria-current", "true")


def test_the_filter_form_searches_in_place_and_a_card_opens_the_product_page(page, small_catalogue):
    page.goto("/products/")
    page.evaluate(f"{MARKER} = 1")
    form = page.locator("form[data-filter-form]")
    # Without a country, prices are compared in Thai baht: the ¥1,500 kabosu juice is under ฿1,000.
    form.get_by_label("Lowest price").fill("1000")
    form.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"/products/\?min_price=1000(&|$)"))
    expect(page.locator(".results__count")).to_have_text("2 products")
    assert card_names(page) == ["Mudmee silk scarf", "Lac-dyed silk sarong"]
    expect_still_the_same_document(page)
    # A checkbox filters as soon as it changes (clicked, not check()ed: the list it belongs to is
    # replaced, so its state is read from the new one).
    page.locator("form[data-filter-form]").get_by_label("In stock only").click()
    page.wait_for_url(re.compile(r"/products/\?(?=.*min_price=1000)(?=.*in_stock=1)"))
    expect(page.locator(".results__count")).to_have_text("1 product")
    expect(page.locator("form[data-filter-form]").get_by_label("In stock only")).to_be_checked()
    assert card_names(page) == ["Mudmee silk scarf"]
    expect(page.locator("form[data-filter-form]").get_by_label("Lowest price")).to_have_value("1000")
    expect_still_the_same_document(page)

    page.goto("/products/?country=TH")
    page.locator(".product-card").filter(has_text="Mudmee silk scarf").get_by_role("link").click()
    page.wait_for_url(f"**/products/{small_catalogue.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mudmee silk scarf")
    expect(page.locator(".product__price")).to_have_text(re.compile(r"^฿1,200\b"))
    brand = page.get_by_role("region", name="Local brand")
    expect(brand).to_be_visible()
    expect(brand).to_contain_text("Tha Sawang Heritage")
    expect(brand).to_contain_text("Mudmee ikat")
    expect(brand).to_contain_text("5 stars")
    expect(brand).to_contain_text("Tha Sawang")
    buy_box = page.locator(".buy-box")
    expect(buy_box).to_be_visible()
    expect(buy_box.get_by_label("Quantity")).to_have_value("1")
    expect(buy_box.get_by_role("button", name="Add to cart")).to_be_visible()
    screenshot(page, "product-desktop")


def test_on_a_phone_the_filters_unfold_and_still_filter_in_place(phone_page, small_catalogue):
    page = phone_page
    page.goto("/products/")
    no_sideways_scroll(page)
    panel = page.locator(".filters__panel")
    # Folded on a phone so the products come first.
    expect(panel).not_to_have_attribute("open", "")
    expect(page.locator(".filters").get_by_role("link", name=re.compile(r"^Japan\b"))).to_be_hidden()
    page.evaluate(f"{MARKER} = 1")
    panel.locator("summary").click()
    expect(panel).to_have_attribute("open", "")
    japan = page.locator(".filters").get_by_role("link", name=re.compile(r"^Japan\b"))
    expect(japan).to_be_visible()
    screenshot(page, "catalogue-filters-phone")
    no_sideways_scroll(page)

    japan.click()
    page.wait_for_url(re.compile(r"/products/\?country=JP$"))
    assert card_names(page) == ["Kabosu juice", "Yuzu kosho"]
    expect(panel).to_have_attribute("open", "")  # the visitor's unfolded panel stays open
    expect_still_the_same_document(page)

    page.locator(".product-card").filter(has_text="Kabosu juice").get_by_role("link").click()
    page.wait_for_url("**/products/kabosu-juice/")
    expect(page.locator(".product__price")).to_have_text(re.compile(r"^¥1,500\b"))
    page.goto(f"/products/{small_catalogue.slug}/")
    expect(page.locator(".product__price")).to_have_text(re.compile(r"^฿1,200\b"))
    expect(page.get_by_role("region", name="Local brand")).to_be_visible()
    expect(page.locator(".buy-box").get_by_role("button", name="Add to cart")).to_be_visible()
    screenshot(page, "product-phone")


def test_a_product_page_with_a_long_certification_name_fits_a_phone(phone_page, small_catalogue):
    """The local-brand panel once squeezed its values to one letter a line beside "Thai Community
    Product Standard (TCPS / มผช.)", and the page scrolled sideways."""
    phone_page.goto(f"/products/{small_catalogue.slug}/")
    made_in = phone_page.get_by_role("region", name="Local brand").locator("dd").first
    expect(made_in).to_have_text("Tambon Tha Sawang, Mueang Surin, Surin")
    assert made_in.bounding_box()["width"] >= 120, "the panel's values are squeezed into a narrow column"
    no_sideways_scroll(phone_page)
