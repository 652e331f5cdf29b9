"""The site as `make run` serves it (issue 2): seeded with `seed_demo`, every public page
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


def test_seeded_home_page_shows_the_demo_data_in_each_language(demo_site):
    visitor = Client(raise_request_exception=False)

    for language in LANGUAGE_PREFIXES:
        response = visitor.get(f"{language}/")

        assert response.status_code == 200, f"the home page {language}/ with demo products answers"
        body = response.content.decode()
        assert 'class="card product-card"' in body, "featured products are shown"
        assert f'href="{language}/producers/' in body
        assert f'href="{language}/events/' in body


def test_seeded_product_producer_and_event_pages_answer_in_each_language(demo_site):
    visitor = Client(raise_request_exception=False)

    for language in LANGUAGE_PREFIXES:
        for section in ("products", "producers", "events"):
            listing = visitor.get(f"{language}/{section}/")
            assert listing.status_code == 200, listing.request["PATH_INFO"]

            detail = first_link(listing.content.decode(), f"{language}/{section}/")
            assert visitor.get(detail).status_code == 200, detail

