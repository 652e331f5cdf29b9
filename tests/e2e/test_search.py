"""The header search box: suggestions as the visitor types (an accessible combobox fed by
/search/suggest/), chosen with the keyboard, in English and Thai, and a search whose results mark
the words searched for. The catalogue is the one of tests/catalogue/search_data.py."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import PHONE, screenshot
from tests.factories import ProducerFactory


@pytest.fixture
def catalogue(search_catalogue, tha_sawang, django_capture_on_commit_callbacks):
    """The search catalogue and a producer named after its province, so that "surin" suggests a
    product, a producer and a place."""
    with django_capture_on_commit_callbacks(execute=True):
        ProducerFactory(name="กลุ่มผ้าไหมสุรินทร์", name_en="Surin Silk Guild", slug="surin-silk-guild", place=tha_sawang)
    return search_catalogue


def search_box(page):
    return page.get_by_role("search").get_by_role("combobox", name="Search products")


def test_suggestions_are_an_accessible_combobox_chosen_with_the_keyboard(phone_page, catalogue):
    page = phone_page
    page.goto("/")
    box = search_box(page)
    listbox = page.locator("#site-search-suggestions")
    expect(box).to_have_attribute("aria-autocomplete", "list")
    expect(box).to_have_attribute("aria-controls", "site-search-suggestions")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(listbox).to_have_attribute("role", "listbox")
    expect(listbox).to_be_hidden()

    # One letter is not enough to ask.
    box.click()
    box.press_sequentially("s")
    expect(box).to_have_value("s")
    expect(listbox).to_be_hidden()

    with page.expect_response(lambda r: "/search/suggest/?q=surin" in r.url) as answer:
        box.press_sequentially("urin", delay=40)
    assert answer.value.ok
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    expect(options).to_have_count(3)
    # Products, then producers, then places, each labelled with its kind.
    expect(options.nth(0)).to_contain_text("Surin silk brocade")
    expect(options.nth(0).locator(".suggestions__kind")).to_have_text("Products")
    expect(options.nth(1)).to_contain_text("Surin Silk Guild")
    expect(options.nth(1).locator(".suggestions__kind")).to_have_text("Producers")
    expect(options.nth(2)).to_contain_text("Surin")
    expect(options.nth(2).locator(".suggestions__kind")).to_have_text("Places")
    expect(options.nth(2).locator("a")).to_have_attribute("href", "/products/?province=surin")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "search-suggestions-phone")

    # The arrow keys move the active option (announced through aria-activedescendant) and wrap.
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "suggestion-0")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "suggestion-1")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    box.press("ArrowUp")
    expect(box).to_have_attribute("aria-activedescendant", "suggestion-0")
    box.press("ArrowUp")
    expect(box).to_have_attribute("aria-activedescendant", "suggestion-2")
    expect(box).to_be_focused()

    # Escape closes the list; Enter on an active option opens it.
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.fill("")
    box.press_sequentially("surin b", delay=40)
    expect(listbox).to_be_visible()
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Surin silk brocade")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "suggestion-0")
    box.press("Enter")
    page.wait_for_url(f"**/products/{catalogue.products['surin'].slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Surin silk brocade")


def test_the_keyboard_opens_a_suggested_producer(page, catalogue):
    page.goto("/products/")
    box = search_box(page)
    box.press_sequentially("surin", delay=40)
    options = page.locator("#site-search-suggestions").get_by_role("option")
    expect(options).to_have_count(3)
    box.press("ArrowDown")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "suggestion-1")
    box.press("Enter")
    page.wait_for_url("**/producers/surin-silk-guild/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Surin Silk Guild")


def test_thai_words_are_suggested_in_english_and_in_thai(page, catalogue):
    page.goto("/")
    box = search_box(page)
    box.press_sequentially("ผ้าไหม", delay=40)
    options = page.locator("#site-search-suggestions").get_by_role("option")
    # Two products and the producer whose Thai name is กลุ่มผ้าไหมสุรินทร์.
    expect(options).to_have_count(3)
    names = options.locator("a").evaluate_all("links => links.map(a => a.firstChild.textContent)")
    kinds = options.locator(".suggestions__kind").all_inner_texts()
    assert sorted(zip(names, kinds, strict=True)) == [
        ("Chonnabot mudmee silk", "Products"), ("Surin Silk Guild", "Producers"), ("Surin silk brocade", "Products"),
    ]

    # The Thai site suggests the Thai names, labelled in Thai.
    page.goto("/th/")
    box = page.get_by_role("search").get_by_role("combobox", name="ค้นหาสินค้า")
    box.press_sequentially("มัดหมี่", delay=40)
    options = page.locator("#site-search-suggestions").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first.locator("a")).to_contain_text("ผ้าไหมมัดหมี่ชนบท")
    expect(options.first.locator(".suggestions__kind")).to_have_text("สินค้า")
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url(f"**/th/products/{catalogue.products['mudmee'].slug}/")


def test_submitting_the_search_lists_the_results_with_the_words_marked(page, catalogue):
    page.goto("/")
    box = search_box(page)
    box.fill("surin silk")
    box.press("Enter")  # no option is active: the form is submitted
    page.wait_for_url(re.compile(r"/products/\?q=surin\+silk$"))
    expect(page.locator(".results__count")).to_have_text("1 product")
    expect(page.locator("#catalogue-results .product-card__name")).to_have_text(["Surin silk brocade"])
    expect(page.locator("#catalogue-results .product-card__name mark")).to_have_text(["Surin", "silk"])
    expect(search_box(page)).to_have_value("surin silk")

    # A Thai search marks the Thai word in the Thai names.
    page.goto("/th/")
    box = page.get_by_role("search").get_by_role("combobox", name="ค้นหาสินค้า")
    box.fill("มัดหมี่")
    page.get_by_role("search").get_by_role("button").click()
    page.wait_for_url(re.compile(r"/th/products/\?q="))
    expect(page.locator("#catalogue-results .product-card__name")).to_have_text(["ผ้าไหมมัดหมี่ชนบท"])
    expect(page.locator("#catalogue-results .product-card__name mark")).to_have_text(["มัดหมี่"])


# --- found while writing these journeys: each test says what should happen, and fails today ---


def test_escape_closes_the_suggestions_and_keeps_the_words_typed(page, catalogue):
    page.goto("/")
    box = search_box(page)
    box.press_sequentially("surin", delay=40)
    expect(page.locator("#site-search-suggestions")).to_be_visible()
    box.press("Escape")
    expect(page.locator("#site-search-suggestions")).to_be_hidden()
    expect(box).to_have_value("surin", timeout=1000)


def test_the_same_words_typed_again_are_suggested_again(page, catalogue):
    page.goto("/")
    box = search_box(page)
    box.press_sequentially("surin", delay=40)
    listbox = page.locator("#site-search-suggestions")
    expect(listbox.get_by_role("option")).to_have_count(3)
    box.fill("")
    expect(listbox).to_be_hidden()
    box.press_sequentially("surin", delay=40)
    expect(listbox.get_by_role("option")).to_have_count(3, timeout=3000)
