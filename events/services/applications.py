"""Producers' stall applications: submitting one, and moving it on (accept, waitlist, reject, withdraw)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from producers.models import Producer

from ..emails import application_decided_notify
from ..lifecycles import APPLICATION_LIFECYCLE
from ..models import Event, StallApplication, StallAssignment, StallFeature, Zone
from ..permissions import is_member


@transaction.atomic
def application_submit(
    *, event: Event, producer: Producer, by: User, preferred_zone: Zone | None = None, products=(), note: str = "",
    **needs: bool,
) -> StallApplication:
    """A producer applies for a stall while applications are open (one live application each).

    `needs` are the features the stall should have, by their application fields
    (StallFeature.need_fields(): ``needs_power=True``…); any other keyword is a TypeError.
    """
    unknown = set(needs) - set(StallFeature.need_fields())
    if unknown:
        raise TypeError(f"Not stall needs: {sorted(unknown)}")
    if not is_member(producer, by):
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
        event=event, producer=producer, preferred_zone=preferred_zone, note=note.strip(), exhibited_before=exhibited,
        **{field: bool(needs.get(field)) for field in StallFeature.need_fields()},
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationError(_("Your group has applied for this event already.")) from None
    application.products.set(products)
    APPLICATION_LIFECYCLE.start(application, by=by)
    return application


@transaction.atomic
def application_transition(*, application: StallApplication, to_state: str, by: User, note: str = "") -> StallApplication:
    """Accept, waitlist, reject (organisers) or withdraw (the producer's members, or organisers).

    Follows APPLICATION_LIFECYCLE (the database refuses any other move too). Leaving
    "accepted" gives back the stall, which is refused once the event has begun or its producer
    has checked in. `note` is the reason, written to the history and, for an acceptance, a
    place on the waiting list or a rejection, to the producer's e-mail (sent once the
    transaction commits, in each recipient's language). Raises PermissionDenied or
    ValidationError, and then nothing changes.
    """
    # The application row only: its event and producer stay free for other organisers' changes.
    application = (
        StallApplication.objects.select_for_update(of=("self",)).select_related("event__place", "producer").get(pk=application.pk)
    )
    APPLICATION_LIFECYCLE.authorise(application, to=to_state, by=by)
    from_state = APPLICATION_LIFECYCLE.check(application, to=to_state, by=by)
    if from_state == StallApplication.State.ACCEPTED:
        assignment = StallAssignment.objects.filter(application=application).first()
        if assignment is not None and assignment.checked_in_at is not None:
            # Checked in: the producer is at the fair, and the stall and its fee are its record.
            raise ValidationError(
                _("Checked in at the fair already: this application can no longer be withdrawn, and its stall is kept.")
            )
        if application.event.starts_on <= timezone.localdate():
            # The stall, its fee and check-in are the fair's record once it has begun.
            raise ValidationError(_("The event has begun: a stall can no longer be given up here. Ask the organisers."))
        StallAssignment.objects.filter(application=application).delete()
    change = APPLICATION_LIFECYCLE.record(application, to=to_state, by=by, note=note)
    application_decided_notify(application=application, change=change)
    return application


def applications_bulk_transition(*, applications, to_state: str, by: User, note: str = "") -> tuple[int, list[str]]:
    """Move many applications, each in its own transaction (with the same `note`, the reason the
    producers read); return how many moved and the errors."""
    moved, errors = 0, []
    for application in applications:
        try:
            application_transition(application=application, to_state=to_state, by=by, note=note)
            moved += 1
        except ValidationError as error:
            errors.append(f"{application.producer.display_name}: {' '.join(error.messages)}")
    return moved, errors
