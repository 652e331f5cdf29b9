"""Who may act on an event: its organisers (staff organise every event), and a producer's members
for the producer's own applications."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from producers.models import Producer, ProducerMembership

from .models import Event, EventOrganiser


def require_organiser(*, event: Event, user) -> None:
    """PermissionDenied unless the user organises this event (staff organise every event)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    if user.is_staff or EventOrganiser.objects.filter(event=event, user=user).exists():
        return
    raise PermissionDenied(_("You do not organise this event."))


def is_member(producer: Producer, user) -> bool:
    """Whether `user` is a member of `producer`."""
    return ProducerMembership.objects.filter(producer=producer, user=user).exists()
