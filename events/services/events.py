"""Events themselves: who organises one, making and editing it, and its status."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import Event, EventOrganiser

EVENT_TRANSITIONS = {
    Event.Status.DRAFT: {Event.Status.OPEN},
    Event.Status.OPEN: {Event.Status.CLOSED, Event.Status.DRAFT},
    Event.Status.CLOSED: {Event.Status.OPEN, Event.Status.PUBLISHED},
    Event.Status.PUBLISHED: {Event.Status.CLOSED, Event.Status.FINISHED},
    Event.Status.FINISHED: set(),
}


def require_organiser(*, event: Event, user) -> None:
    """PermissionDenied unless the user organises this event (staff organise every event)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    if user.is_staff or EventOrganiser.objects.filter(event=event, user=user).exists():
        return
    raise PermissionDenied(_("You do not organise this event."))


@transaction.atomic
def event_create(*, by: User, **fields) -> Event:
    """A draft event; its creator becomes its first organiser."""
    event = Event(status=Event.Status.DRAFT, **fields)
    event.full_clean()
    event.save()
    EventOrganiser.objects.create(event=event, user=by)
    return event


@transaction.atomic
def event_update(*, event: Event, by: User, **fields) -> Event:
    """Change an event's names, slug, venue, place or dates (its status moves by event_set_status)."""
    require_organiser(event=event, user=by)
    for name, value in fields.items():
        setattr(event, name, value)
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def event_set_status(*, event: Event, by: User, status: str) -> Event:
    """Open applications, close them, publish the floor plan, finish. ValidationError otherwise."""
    require_organiser(event=event, user=by)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if status not in EVENT_TRANSITIONS.get(event.status, set()):
        raise ValidationError(_("An event that is %(from)s cannot become %(to)s.") % {"from": event.get_status_display(), "to": status})
    event.status = status
    event.save(update_fields=["status"])
    return event
