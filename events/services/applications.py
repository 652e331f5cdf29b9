"""Producers' stall applications: submitting one, and moving it on (accept, waitlist, reject, withdraw)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from producers.models import Producer, ProducerMembership

from ..models import ApplicationStateChange, Event, StallApplication, StallAssignment, Zone
from .events import require_organiser


def _is_member(producer: Producer, user) -> bool:
    return ProducerMembership.objects.filter(producer=producer, user=user).exists()


@transaction.atomic
def application_submit(
    *, event: Event, producer: Producer, by: User, preferred_zone: Zone | None = None, products=(),
    needs_power: bool = False, needs_corner: bool = False, needs_double: bool = False, note: str = "",
) -> StallApplication:
    """A producer applies for a stall while applications are open (one live application each)."""
    if not _is_member(producer, by):
        raise PermissionDenied
    if producer.state != Producer.State.VERIFIED:
        raise ValidationError(_("Your group must be verified before it can apply."))
    if Event.objects.filter(pk=event.pk, status=Event.Status.OPEN).count() == 0:
        raise ValidationError(_("Applications for this event are not open."))
    if preferred_zone is not None and preferred_zone.event_id != event.pk:
        raise ValidationError({"preferred_zone": _("Choose a zone of this event.")})
    products = list(products)
    if any(product.producer_id != producer.pk for product in products):
        raise ValidationError({"products": _("Choose your own products.")})
    exhibited = StallAssignment.objects.filter(producer=producer, event__ends_on__lt=event.starts_on).exists()
    application = StallApplication(
        event=event, producer=producer, preferred_zone=preferred_zone, needs_power=needs_power, needs_corner=needs_corner,
        needs_double=needs_double, note=note.strip(), exhibited_before=exhibited,
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationError(_("Your group has applied for this event already.")) from None
    application.products.set(products)
    ApplicationStateChange.objects.create(application=application, from_state="", to_state=application.state, by=by)
    return application


@transaction.atomic
def application_transition(*, application: StallApplication, to_state: str, by: User, note: str = "") -> StallApplication:
    """Accept, waitlist, reject (organisers) or withdraw (the producer's members, or organisers).

    Follows StallApplication.TRANSITIONS (the database refuses any other move too). Leaving
    "accepted" gives back the stall. Raises PermissionDenied or ValidationError.
    """
    # The application row only: its event and producer stay free for other organisers' changes.
    application = StallApplication.objects.select_for_update(of=("self",)).select_related("event", "producer").get(pk=application.pk)
    if to_state == StallApplication.State.WITHDRAWN and _is_member(application.producer, by):
        pass
    else:
        require_organiser(event=application.event, user=by)
    if to_state not in StallApplication.TRANSITIONS.get(application.state, set()):
        raise ValidationError(
            _("An application that is %(from)s cannot become %(to)s.")
            % {"from": application.get_state_display(), "to": StallApplication.State(to_state).label if to_state in StallApplication.State.values else to_state}
        )
    from_state = application.state
    if from_state == StallApplication.State.ACCEPTED:
        if application.event.starts_on <= timezone.localdate():
            # The stall, its fee and check-in are the fair's record once it has begun.
            raise ValidationError(_("The event has begun: a stall can no longer be given up here. Ask the organisers."))
        StallAssignment.objects.filter(application=application).delete()
    application.state = to_state
    application.save(update_fields=["state", "updated_at"])
    ApplicationStateChange.objects.create(application=application, from_state=from_state, to_state=to_state, by=by, note=note.strip())
    return application


def applications_bulk_transition(*, applications, to_state: str, by: User) -> tuple[int, list[str]]:
    """Move many applications, each in its own transaction; return how many moved and the errors."""
    moved, errors = 0, []
    for application in applications:
        try:
            application_transition(application=application, to_state=to_state, by=by)
            moved += 1
        except ValidationError as error:
            errors.append(f"{application.producer.display_name}: {' '.join(error.messages)}")
    return moved, errors
