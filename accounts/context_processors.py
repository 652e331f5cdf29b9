from django.utils.functional import SimpleLazyObject

from .cache import account_token
from .selectors import user_roles


def roles(request):
    """`roles.is_producer`, `roles.is_organiser` for the header, in one query when first used (none
    when they came with the user); `account_token` keys the header's parts kept per account."""
    return {
        "roles": SimpleLazyObject(lambda: user_roles(user=request.user)),
        "account_token": SimpleLazyObject(lambda: account_token(request.user)),
    }
