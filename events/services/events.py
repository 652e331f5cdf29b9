"""Events themselves: who organises one, making and editing it, and its status."""

from django.db import transaction
from django.utils.text import slugify

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


def _free_slug(event: Event) -> str:
    """A slug made from the event's name, or from its first day when the name has no Latin
    letters or digits to make one of (a name in Thai or Japanese): "event-2026-12-04"; with
    "-2", "-3"… when another event has it already."""
    base = slugify(event.name)[:100].strip("-")
    if not base:
        base = f"event-{event.starts_on.isoformat()}" if event.starts_on else "event"
    taken = set(Event.objects.filter(slug__startswith=base).exclude(pk=event.pk).values_list("slug", flat=True))
    slug, suffix = base, 2
    while slug in taken:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


@transaction.atomic
def event_create(*, by: User, **fields) -> Event:
    """A draft event; its creator becomes its first organiser, and the draft the first status of
    its history. Without a slug, one is made from the name (or the first day)."""
    _only_event_fields(fields)
    event = Event(status=Event.Status.DRAFT, **fields)
    if not event.slug:
        event.slug = _free_slug(event)
    event.full_clean()
    event.save()
    EventOrganiser.objects.create(event=event, user=by)
    EVENT_LIFECYCLE.start(event, by=by)
    return event


@transaction.atomic
def event_update(*, event: Event, by: User, **fields) -> Event:
    """Change an event's names, slug, venue, place, dates, map link, requirements or organiser
    details (its status moves by event_set_status, through the event lifecycle, and by nothing
    else); a slug left empty is made afresh from the name. ValueError for any other field."""
    _only_event_fields(fields)
    require_organiser(event=event, user=by)
    for name, value in fields.items():
        setattr(event, name, value)
    if not event.slug:
        event.slug = _free_slug(event)
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def event_set_status(*, event: Event, by: User, status: str) -> Event:
    """Open applications, close them, publish the floor plan, finish: a move of EVENT_LIFECYCLE,
    made by an organiser and written to the event's status history. Raises PermissionDenied or
    ValidationError."""
    return EVENT_LIFECYCLE.transition(event, to=status, by=by)
