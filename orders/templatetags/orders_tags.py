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


@register.inclusion_tag("orders/partials/favourite_button.html", takes_context=True)
def favourite_button(context, *, product=None, producer=None) -> dict:
    """`{% favourite_button product=product.pk %}` (or `producer=`): the button that adds it to
    the visitor's favourites or takes it out; nothing for a visitor who is not logged in."""
    user = context["user"]
    return {
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "kind": "product" if product is not None else "producer",
        "pk": product if product is not None else producer,
        "is_favourite": user.is_authenticated
        and selectors.is_favourite(user=user, product=product, producer=producer),
    }


@register.simple_tag
def product_reviews(product_id: int) -> dict:
    """`{% product_reviews product.pk as reviews %}`: the product's latest reviews (`reviews`)
    with their average (`review_average`) and number (`review_count`). One query."""
    return selectors.product_reviews(product_id=product_id)
