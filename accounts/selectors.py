from dataclasses import dataclass

from .models import User


@dataclass(frozen=True)
class Roles:
    is_producer: bool = False
    is_organiser: bool = False
    is_staff: bool = False


def user_roles(*, user) -> Roles:
    """Which areas of the site the user may enter; one query for a signed-in user."""
    if not getattr(user, "is_authenticated", False):
        return Roles()
    flags = User.objects.with_roles().filter(pk=user.pk).values("is_producer", "is_organiser").first()
    if flags is None:
        return Roles()
    return Roles(is_producer=flags["is_producer"], is_organiser=flags["is_organiser"], is_staff=user.is_staff)
