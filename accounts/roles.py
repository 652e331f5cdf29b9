"""The roles a user holds in the apps above accounts: a member of a producer, an organiser of an
event. Those apps own the rows that make someone a producer or an organiser, so they register
how to find them here, from their AppConfig.ready(); accounts names no app above it.

    register_role("is_producer", lambda user: Exists(ProducerMembership.objects.filter(user=user)), held_in=ProducerMembership)

`held_in` is the model whose rows (with a `user` foreign key) make a user hold the role: their
saves and deletes renew the user's kept account (accounts/cache.py).
"""

from collections.abc import Callable

from django.db.models import Exists, OuterRef

_providers: dict[str, Callable[[OuterRef], Exists]] = {}


def register_role(name: str, condition: Callable[[OuterRef], Exists], *, held_in) -> None:
    """Register the role `name` (an attribute of `Roles`): `condition(user)` is an `Exists`
    over the owning app's rows for `user`, an `OuterRef` to the user's primary key; `held_in`
    is the model of those rows."""
    from .cache import watch_role_holders

    _providers[name] = condition
    watch_role_holders(held_in)


def role_names() -> list[str]:
    """The registered roles, in the order their apps registered them."""
    return list(_providers)


def role_annotations() -> dict[str, Exists]:
    """One `Exists` annotation per registered role, for a queryset of users."""
    user = OuterRef("pk")
    return {name: condition(user) for name, condition in _providers.items()}
