from django.utils.functional import SimpleLazyObject

from .selectors import user_roles


def roles(request):
    """`roles.is_producer`, `roles.is_organiser` for the header, in one query when first used."""
    return {"roles": SimpleLazyObject(lambda: user_roles(user=request.user))}
