"""The catalogue's template filters."""

import pytest
from django.urls import reverse, set_script_prefix
from django.utils import translation

from catalogue.templatetags.catalogue_tags import product_url


@pytest.mark.parametrize("language", ["en", "th", "ja"])
@pytest.mark.parametrize("script_prefix", ["/", "/market/"])
def test_product_url_is_the_address_the_url_tag_gives(language, script_prefix):
    try:
        set_script_prefix(script_prefix)
        with translation.override(language):
            for slug in ("mudmee-silk-scarf", "slug-placeholder", "a_1"):
                assert product_url(slug) == reverse("catalogue:product_detail", args=[slug])
            assert product_url("x").startswith(script_prefix)
    finally:
        set_script_prefix("/")
