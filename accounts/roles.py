"""The roles a user holds in the apps above accounts: a member of a producer, an organiser of an
event. Those apps own the rows that make someone a producer or an organiser, so they register
how to find them here, from their AppConfig.ready(); accounts names no app above it.

    register_role("is_producer", lambda user: Exists(ProducerMembership.objects.filter(user=user)))
"""

from collections.abc import Callable

from django.db.models import Exists, OuterRef

_providers: dict[str, Callable[[OuterRef], Exists]] = {}


def register_role(name: str, condition: Callable[[OuterRef], Exists]) -> None:
    """Register the role `name` (an attribute of `Roles`): `condition(user)` is an `Exists`
    over the owning app's rows for `user`, an `OuterRef` to the user's primary key."""
    _providers[name] = condition


def role_names() -> list[str]:
    """The registered roles, in the order their apps registered them."""
    return list(_providers)


def role_annotations() -> dict[str, Exists]:
    """One `Exists` annotation per registered role, for a queryset of users."""
    user = OuterRef("pk")
    return {name: condition(user) for name, condition in _providers.items()}
