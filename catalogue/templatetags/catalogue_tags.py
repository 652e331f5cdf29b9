from decimal import Decimal
from functools import lru_cache

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

from .. import selectors

register = template.Library()

SYMBOLS = {"THB": "฿", "JPY": "¥", "KHR": "៛", "LAK": "₭", "MMK": "K ", "VND": "₫"}
SUFFIXED = {"VND", "KHR"}
WHOLE_UNITS = {"JPY", "KHR", "LAK", "MMK", "VND"}


@register.filter
def money(amount, currency: str) -> str:
    """`{{ product.price|money:product.currency }}`: ฿350, ¥1,200, 35,000₫."""
    if amount is None or amount == "":
        return ""
    amount = Decimal(amount)
    if currency in WHOLE_UNITS or amount == amount.to_integral_value():
        number = intcomma(int(amount.quantize(Decimal(1))))
    else:
        number = intcomma(f"{amount:.2f}")
    symbol = SYMBOLS.get(currency, currency + " ")
    return f"{number}{symbol}" if currency in SUFFIXED else f"{symbol}{number}"


# A valid slug, to find where a product's slug goes in its address.
_SLUG_PLACEHOLDER = "slug-placeholder"


@register.filter
def product_url(slug: str) -> str:
    """`{{ product.slug|product_url }}`: the product page's address, the same as
    `{% url 'catalogue:product_detail' product.slug %}` gives, without resolving the pattern
    again for each card of a page (a slug needs no quoting)."""
    head, tail = _around_product_slug(get_script_prefix(), get_language())
    return f"{head}{slug}{tail}"


@lru_cache(maxsize=64)
def _around_product_slug(script_prefix: str, language: str | None) -> tuple[str, str]:
    """What comes before and after the slug in a product page's address, for the script prefix
    and the language (the addresses' own prefix) that are active: the URL configuration's, not
    the catalogue's, so kept for the life of the process."""
    head, _placeholder, tail = reverse("catalogue:product_detail", args=[_SLUG_PLACEHOLDER]).rpartition(_SLUG_PLACEHOLDER)
    return head, tail


@register.simple_tag
def star_range(count) -> range:
    return range(int(count or 0))


@register.filter
def get_count(counts: dict, key: str) -> int:
    """`{{ counts|get_count:state }}`: a count from a dict, 0 when absent."""
    return (counts or {}).get(key, 0)


@register.filter
def highlight(text, words):
    """`{{ product.name|highlight:search_words }}`: the text escaped, the searched words marked."""
    from catalogue.search import highlight as mark

    return mark(str(text or ""), list(words or []))


@register.simple_tag
def producer_products(producer) -> list:
    """`{% producer_products producer as products %}`: the producer's published products, for
    its public profile. One query."""
    return selectors.producer_products(producer=producer)


@register.simple_tag
def low_stock_products(producer) -> dict:
    """`{% low_stock_products producer as low_stock %}`: the producer's published products that
    are running out (`products`, the emptiest first, and `count` in all) and the threshold
    (`at_most`), for its dashboard. One query."""
    products, count = selectors.low_stock(producer=producer)
    return {"products": products, "count": count, "at_most": selectors.LOW_STOCK_AT}
