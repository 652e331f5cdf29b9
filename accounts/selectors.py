from .models import User
from .roles import role_names


class Roles:
    """Which areas of the site a user may enter: `is_staff`, and one flag per role the apps
    registered (`is_producer`, `is_organiser`: accounts/roles.py), False unless given."""

    __slots__ = ("_flags",)

    def __init__(self, *, is_staff: bool = False, **held: bool):
        unknown = set(held) - set(role_names())
        if unknown:
            raise TypeError(f"Unknown roles: {', '.join(sorted(unknown))}")
        flags = {name: bool(held.get(name, False)) for name in role_names()}
        object.__setattr__(self, "_flags", flags | {"is_staff": bool(is_staff)})

    def __getattr__(self, name: str) -> bool:
        try:
            return object.__getattribute__(self, "_flags")[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        raise AttributeError("Roles are read-only")

    def __eq__(self, other) -> bool:
        return isinstance(other, Roles) and self._flags == other._flags

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._flags.items())))

    def __repr__(self) -> str:
        return "Roles(" + ", ".join(f"{name}={value}" for name, value in self._flags.items()) + ")"


def user_roles(*, user) -> Roles:
    """Which areas of the site the user may enter; one query for a signed-in user, none when the
    roles came with the user."""
    if not getattr(user, "is_authenticated", False):
        return Roles()
    if all(hasattr(user, name) for name in role_names()):  # loaded with the user (accounts.backends)
        return Roles(is_staff=user.is_staff, **{name: getattr(user, name) for name in role_names()})
    flags = User.objects.with_roles().filter(pk=user.pk).values("pk", *role_names()).first()
    if flags is None:
        return Roles()
    del flags["pk"]
    return Roles(is_staff=user.is_staff, **flags)
