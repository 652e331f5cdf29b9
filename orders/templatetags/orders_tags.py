"""What the marketplace adds to other apps' pages: the stock held by unpaid orders on the
producer's listings, favourites and reviews."""

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


@register.simple_tag(takes_context=True)
def is_favourite(context, *, product=None, producer=None) -> bool:
    """`{% is_favourite product=product.pk as favourite %}` (or `producer=`): whether the
    visitor has it among their favourites; no query for a visitor who is not logged in."""
    return selectors.is_favourite(user=context["user"], product=product, producer=producer)


@register.simple_tag
def product_reviews(product_id: int) -> dict:
    """`{% product_reviews product.pk as reviews %}`: the product's latest reviews (`reviews`)
    with their average (`review_average`) and number (`review_count`). Two queries."""
    return selectors.product_reviews(product_id=product_id)
