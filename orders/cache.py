"""What the pages show of a signed-in visitor's own marketplace rows, kept between requests.

The header counts the items in the cart and the favourite buttons say whether a product or a
producer is a favourite: asked on every page, changed rarely. `visitor_bits` loads them in one
go and keeps them under the user's "visitor" version (core/cache.py), renewed by receivers on
the cart's items and the favourites (orders/receivers.py) once the change commits. Checkout
and the cart page always read the cart itself.
"""

from dataclasses import dataclass

from django.db.models import Sum

from core import cache

from .models import Cart, CartItem, FavouriteProducer, FavouriteProduct

VISITOR = cache.declare(
    "visitor",
    per="user",
    renewed_by="the user's cart items added, changed or removed (checkout included), a favourite added or removed",
)


@dataclass(frozen=True)
class VisitorBits:
    cart_count: int
    favourite_products: frozenset
    favourite_producers: frozenset


def visitor_changed(user_id) -> None:
    if user_id is not None:
        cache.renew(VISITOR.key(user_id))


def cart_changed(item: CartItem) -> None:
    """`item` of an account's cart was saved or deleted: its owner's bits are renewed."""
    if CartItem.cart.is_cached(item):
        owner = item.cart.user_id
    else:
        owner = Cart.objects.filter(pk=item.cart_id).values_list("user_id", flat=True).first()
    visitor_changed(owner)


def _load(user_id) -> VisitorBits:
    count = CartItem.objects.filter(cart__user_id=user_id).aggregate(n=Sum("quantity"))["n"] or 0
    return VisitorBits(
        cart_count=count,
        favourite_products=frozenset(FavouriteProduct.objects.filter(user_id=user_id).values_list("product_id", flat=True)),
        favourite_producers=frozenset(FavouriteProducer.objects.filter(user_id=user_id).values_list("producer_id", flat=True)),
    )


def visitor_bits(user) -> VisitorBits:
    """A signed-in `user`'s cart count and favourites: kept, or three small queries."""
    found = getattr(user, "version_tokens", None) or cache.user_tokens(user.pk)
    return cache.fragment("visitor", (user.pk, found["visitor"]), lambda: _load(user.pk))
