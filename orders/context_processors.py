from django.utils.functional import SimpleLazyObject

from .selectors import cart_count_for


def cart(request):
    """`cart_count` for the header, counted only when a page shows it (one query)."""
    return {"cart_count": SimpleLazyObject(lambda: cart_count_for(user=request.user, session=request.session))}
