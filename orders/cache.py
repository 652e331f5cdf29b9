"""What the pages show of a signed-in visitor's own marketplace rows, kept between requests.

The header counts the items in the cart and the favourite buttons say whether a product or a
producer is a favourite: asked on every page, changed rarely. `visitor_bits` loads them in one
go and keeps them under the user's "visitor" version (core/cache.py), renewed by receivers on
the cart's items and the favourites (orders/receivers.py) once the change commits. Checkout
and the cart page always read the cart itself.
"""

from dataclasses import dataclass

from django.db import connection

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


# One statement of our own, not the ORM's: it runs on every signed-in page the cache has not kept,
# and building the equivalent queryset cost more than running it.
# The table names come from the models; the user id is a parameter.
VISITOR_SQL = f"""
    SELECT
        (SELECT COALESCE(SUM(item.quantity), 0) FROM {CartItem._meta.db_table} item
           JOIN {Cart._meta.db_table} cart ON cart.id = item.cart_id WHERE cart.user_id = %(user)s),
        ARRAY(SELECT product_id FROM {FavouriteProduct._meta.db_table} WHERE user_id = %(user)s),
        ARRAY(SELECT producer_id FROM {FavouriteProducer._meta.db_table} WHERE user_id = %(user)s)
"""  # noqa: S608


def _load(user_id) -> VisitorBits:
    """One query: the cart's count and both lists of favourites."""
    with connection.cursor() as cursor:
        cursor.execute(VISITOR_SQL, {"user": user_id})
        count, products, producers = cursor.fetchone()
    return VisitorBits(cart_count=int(count), favourite_products=frozenset(products), favourite_producers=frozenset(producers))


def visitor_bits(user) -> VisitorBits:
    """A signed-in `user`'s cart count and favourites: kept, or loaded (once per request: the
    header and each favourite button ask)."""
    token = (getattr(user, "version_tokens", None) or cache.user_tokens(user.pk))["visitor"]
    known = getattr(user, "_visitor_bits", None)
    if known is not None and known[0] == token:
        return known[1]
    bits = cache.fragment("visitor", (user.pk, token), lambda: _load(user.pk), timeout=cache.PER_USER_TIMEOUT)
    user._visitor_bits = (token, bits)
    return bits
