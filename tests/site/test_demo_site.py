"""The site as `make run` serves it (issue 2, SPEC §5): seeded with `seed_demo`, every public page
answers in English, Thai and Japanese.

The other page tests start from an empty catalogue; this one fills it the way `make run` does, so
templates that only break when there are products, producers and events to show are caught here.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.slow

LANGUAGE_PREFIXES = ["", "/th", "/ja"]


@pytest.fixture
def demo_site(places):
    out = StringIO()
    call_command("seed_demo", "--producers", "12", "--orders", "4", stdout=out)
    return out.getvalue()


def first_link(body: str, prefix: str) -> str:
    match = re.search(rf'href="({re.escape(prefix)}[a-z0-9-]+/)"', body)
    assert match, f"no link under {prefix}"
    return match.group(1)


@pytest.mark.parametrize("language", LANGUAGE_PREFIXES)
def test_seeded_home_page_shows_the_demo_data_in_each_language(demo_site, language):
    visitor = Client(raise_request_exception=False)

    response = visitor.get(f"{language}/")

    assert response.status_code == 200, "the home page with demo products answers"
    body = response.content.decode()
    assert 'class="card product-card"' in body, "featured products are shown"
    assert f'href="{language}/producers/' in body
    assert f'href="{language}/events/' in body


@pytest.mark.parametrize("language", LANGUAGE_PREFIXES)
def test_seeded_product_producer_and_event_pages_answer_in_each_language(demo_site, language):
    visitor = Client(raise_request_exception=False)
    listings = {
        "products": visitor.get(f"{language}/products/"),
        "producers": visitor.get(f"{language}/producers/"),
        "events": visitor.get(f"{language}/events/"),
    }
    for section, response in listings.items():
        assert response.status_code == 200, section

    for section, response in listings.items():
        detail = first_link(response.content.decode(), f"{language}/{section}/")
        assert visitor.get(detail).status_code == 200, detail


def test_seeded_site_lets_the_demo_visitor_log_in(demo_site):
    browser = Client()

    response = browser.post("/accounts/login/", {"username": "visitor", "password": "otop-demo-2026"})

    assert response.status_code == 302
    assert browser.get("/").status_code == 200
    assert browser.get("/orders/").status_code == 200
