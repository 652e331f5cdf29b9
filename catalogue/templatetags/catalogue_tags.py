from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

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
