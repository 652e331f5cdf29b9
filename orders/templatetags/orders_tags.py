"""What the marketplace adds to other apps' pages: the stock held by unpaid orders on the
producer's listings."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def unpaid_reservations(products) -> dict:
    """`{% unpaid_reservations products as reservations %}`: the units each product (a list, or
    one product) has held by unpaid orders, in one query."""
    if products is None:
        return {}
    if hasattr(products, "pk"):
        products = [products]
    return selectors.unpaid_reservations(product_ids=[product.pk for product in products])


@register.inclusion_tag("orders/partials/reservation_note.html")
def reservation_note(reservations: dict, product) -> dict:
    """`{% reservation_note reservations product %}`: "N reserved in M unpaid orders", linking
    to those orders, or nothing when none holds the product."""
    return {"reservation": (reservations or {}).get(product.pk), "product": product}
