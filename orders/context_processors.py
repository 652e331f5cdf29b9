from django.utils.functional import SimpleLazyObject

from .selectors import cart_count
from .services import cart_get


def cart(request):
    """`cart_count` for the header, counted only when a page shows it (one query)."""
    return {"cart_count": SimpleLazyObject(lambda: cart_count(cart=cart_get(user=request.user, session=request.session)))}
