"""Events themselves: who organises one, making and editing it, and its status."""

from django.db import transaction

from accounts.models import User

from ..lifecycles import EVENT_LIFECYCLE
from ..models import Event, EventOrganiser
from ..permissions import require_organiser

# What an organiser writes of an event; its status moves only through EVENT_LIFECYCLE.
EVENT_FIELDS = [
    "name", "name_th", "name_ja", "slug", "venue", "place", "starts_on", "ends_on", "map_url", "requirements",
    "organiser_name", "organiser_address",
]


def _only_event_fields(fields: dict) -> None:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"Not event fields: {sorted(unknown)}")


@transaction.atomic
def event_create(*, by: User, **fields) -> Event:
    """A draft event; its creator becomes its first organiser, and the draft the first status of
    its history."""
    _only_event_fields(fields)
    event = Event(status=Event.Status.DRAFT, **fields)
    event.full_clean()
    event.save()
    EventOrganiser.objects.create(event=event, user=by)
    EVENT_LIFECYCLE.start(event, by=by)
    return event


@transaction.atomic
def event_update(*, event: Event, by: User, **fields) -> Event:
    """Change an event's names, slug, venue, place, dates, map link, requirements or organiser
    details (its status moves by event_set_status,
    through the event lifecycle, and by nothing else). ValueError for any other field."""
    _only_event_fields(fields)
    require_organiser(event=event, user=by)
    for name, value in fields.items():
        setattr(event, name, value)
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def event_set_status(*, event: Event, by: User, status: str) -> Event:
    """Open applications, close them, publish the floor plan, finish: a move of EVENT_LIFECYCLE,
    made by an organiser and written to the event's status history. Raises PermissionDenied or
    ValidationError."""
    return EVENT_LIFECYCLE.transition(event, to=status, by=by)
