"""Every write about events: layout, applications, assignment (by hand and automatic), the day."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from producers.models import Producer, ProducerMembership

from .assignment import ApplicationInput, StallInput, assign_stalls
from .cache import plan_changed
from .models import (
    ApplicationStateChange,
    AssignmentProposal,
    Event,
    EventOrganiser,
    Stall,
    StallApplication,
    StallAssignment,
    Zone,
)

EVENT_TRANSITIONS = {
    Event.Status.DRAFT: {Event.Status.OPEN},
    Event.Status.OPEN: {Event.Status.CLOSED, Event.Status.DRAFT},
    Event.Status.CLOSED: {Event.Status.OPEN, Event.Status.PUBLISHED},
    Event.Status.PUBLISHED: {Event.Status.CLOSED, Event.Status.FINISHED},
    Event.Status.FINISHED: set(),
}
MAX_GRID = 40
# What an organiser may change of one stall (never its event: the stall's assignments point at
# the stall and its event together).
STALL_FIELDS = frozenset({"code", "zone", "x", "y", "width", "depth", "fee", "has_power", "is_corner", "is_double"})
# An application's need, the stall feature that meets it, and how a message names it.
NEED_FEATURES = (
    ("needs_power", "has_power", gettext_lazy("power")),
    ("needs_corner", "is_corner", gettext_lazy("a corner")),
    ("needs_double", "is_double", gettext_lazy("a double stall")),
)


def require_organiser(*, event: Event, user) -> None:
    """PermissionDenied unless the user organises this event (staff organise every event)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    if user.is_staff or EventOrganiser.objects.filter(event=event, user=user).exists():
        return
    raise PermissionDenied(_("You do not organise this event."))


# --- Events and layout ------------------------------------------------------------------------


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


@transaction.atomic
def zone_save(*, event: Event, by: User, zone: Zone | None = None, **fields) -> Zone:
    require_organiser(event=event, user=by)
    zone = zone or Zone(event=event)
    if zone.event_id != event.pk:
        raise PermissionDenied
    for name, value in fields.items():
        setattr(zone, name, value)
    zone.full_clean()
    zone.save()
    return zone


@transaction.atomic
def stall_grid_create(
    *, event: Event, by: User, zone: Zone, rows: int, columns: int, width: Decimal = Decimal(3), depth: Decimal = Decimal(3),
    origin_x: Decimal = Decimal(0), origin_y: Decimal = Decimal(0), fee: Decimal = Decimal(0), corners: bool = True,
    power_every: int = 0, aisle: Decimal = Decimal(3),
) -> list[Stall]:
    """A block of rows × columns stalls in `zone`, numbered on from the zone's last stall.

    Rows stand back to back in pairs with an aisle between pairs; the stalls at the ends of each
    row are corners (open on two sides) when `corners`; every `power_every`-th stall has power.
    """
    require_organiser(event=event, user=by)
    if zone.event_id != event.pk:
        raise PermissionDenied
    if not (1 <= rows <= MAX_GRID and 1 <= columns <= MAX_GRID):
        raise ValidationError(_("A block has 1 to %(max)s rows and columns.") % {"max": MAX_GRID})
    if width <= 0 or depth <= 0:
        raise ValidationError(_("Stalls need a width and a depth."))
    taken = set(Stall.objects.filter(event=event).values_list("code", flat=True))
    number = Stall.objects.filter(zone=zone).count()
    stalls = []
    for row in range(rows):
        y = origin_y + row * depth + (row // 2) * aisle
        for column in range(columns):
            number += 1
            code = f"{zone.code}-{number}"
            while code in taken:
                number += 1
                code = f"{zone.code}-{number}"
            taken.add(code)
            stalls.append(
                Stall(
                    event=event, zone=zone, code=code, x=origin_x + column * width, y=y, width=width, depth=depth,
                    fee=fee, is_corner=corners and column in (0, columns - 1),
                    has_power=bool(power_every) and (number % power_every == 0),
                )
            )
    for stall in stalls:
        stall.full_clean(exclude=["event", "zone"], validate_unique=False)
    try:
        with transaction.atomic():
            created = Stall.objects.bulk_create(stalls)
    except IntegrityError:
        # Another organiser made stalls in this event a moment ago, taking some of these codes.
        raise ValidationError(_("Another organiser added stalls at the same moment: look at the layout again and retry.")) from None
    plan_changed(event.pk)
    return created


@transaction.atomic
def layout_copy(*, source: Event, target: Event, by: User) -> int:
    """Copy the zones and stalls of a past event into an event that has none yet."""
    require_organiser(event=target, user=by)
    if target.stalls.exists() or target.zones.exists():
        raise ValidationError(_("This event has a layout already."))
    zone_map = {}
    for zone in source.zones.all():
        copy = Zone.objects.create(
            event=target, code=zone.code, name=zone.name, name_th=zone.name_th, name_ja=zone.name_ja,
            theme_category_id=zone.theme_category_id, theme_region_id=zone.theme_region_id, colour=zone.colour,
        )
        zone_map[zone.pk] = copy
    stalls = [
        Stall(event=target, zone=zone_map[s.zone_id], code=s.code, x=s.x, y=s.y, width=s.width, depth=s.depth, fee=s.fee,
              has_power=s.has_power, is_corner=s.is_corner, is_double=s.is_double)
        for s in source.stalls.all()
    ]
    Stall.objects.bulk_create(stalls)
    plan_changed(target.pk)
    return len(stalls)


def _needs_unmet(application: StallApplication, stall: Stall) -> list[str]:
    """What the application needs that the stall lacks, named for a message."""
    return [str(label) for need, feature, label in NEED_FEATURES if getattr(application, need) and not getattr(stall, feature)]


def _proposed_applications(stall: Stall) -> list[StallApplication]:
    """The applications that a proposal under review would put in this stall."""
    application_ids = [
        int(application_id)
        for pairs in AssignmentProposal.objects.filter(event_id=stall.event_id).values_list("pairs", flat=True)
        for application_id, stall_id in pairs
        if int(stall_id) == stall.pk
    ]
    return list(StallApplication.objects.filter(pk__in=application_ids).select_related("producer"))


def _locked_stall(stall: Stall) -> Stall:
    # Locked until the end of the transaction, so two edits of one stall happen one after the other.
    locked = Stall.objects.select_for_update().filter(pk=stall.pk, event_id=stall.event_id).first()
    if locked is None:
        raise ValidationError(_("Stall %(code)s no longer exists: another organiser deleted it.") % {"code": stall.code})
    return locked


@transaction.atomic
def stall_update(*, stall: Stall, by: User, **fields) -> Stall:
    """Change one stall: its code, zone, position, size, fee or features (STALL_FIELDS).

    The zone must be one of the stall's event and the code must be free in the event. A stall a
    producer holds keeps every feature that producer needs (power, a corner, a double stall), and
    so does a stall that a proposal under review gives to someone. Returns the saved stall;
    raises PermissionDenied, or ValidationError with nothing changed.
    """
    unknown = set(fields) - STALL_FIELDS
    if unknown:
        raise TypeError(f"stall_update() cannot change {', '.join(sorted(unknown))}")
    require_organiser(event=stall.event, user=by)
    stall = _locked_stall(stall)
    zone = fields.get("zone")
    if zone is not None and zone.event_id != stall.event_id:
        raise ValidationError({"zone": _("Choose a zone of this event.")})
    for name, value in fields.items():
        setattr(stall, name, value.strip() if name == "code" and isinstance(value, str) else value)
    # The fields first (turning the values into decimals), then the rules with messages an
    # organiser understands, then the model's own rules and constraints.
    stall.clean_fields()
    errors = {}
    if stall.width <= 0:
        errors["width"] = _("A stall needs a width.")
    if stall.depth <= 0:
        errors["depth"] = _("A stall needs a depth.")
    for name in ("x", "y", "fee"):
        if getattr(stall, name) < 0:
            errors[name] = _("This cannot be negative.")
    if Stall.objects.filter(event_id=stall.event_id, code=stall.code).exclude(pk=stall.pk).exists():
        errors["code"] = _("This event has a stall %(code)s already.") % {"code": stall.code}
    if errors:
        raise ValidationError(errors)
    stall.full_clean()
    holder = StallAssignment.objects.select_for_update().filter(stall=stall).select_related("application", "producer").first()
    if holder is not None:
        unmet = _needs_unmet(holder.application, stall)
        if unmet:
            raise ValidationError(
                _("Stall %(code)s is held by %(name)s, who needs %(needs)s: move them to another stall first.")
                % {"code": stall.code, "name": holder.producer.display_name, "needs": ", ".join(unmet)}
            )
    for application in _proposed_applications(stall):
        unmet = _needs_unmet(application, stall)
        if unmet:
            raise ValidationError(
                _("The automatic proposal under review gives stall %(code)s to %(name)s, who needs %(needs)s: discard the proposal first.")
                % {"code": stall.code, "name": application.producer.display_name, "needs": ", ".join(unmet)}
            )
    try:
        with transaction.atomic():
            stall.save()
    except IntegrityError:
        # Another organiser gave a stall this code a moment ago.
        raise ValidationError({"code": _("This event has a stall %(code)s already.") % {"code": stall.code}}) from None
    plan_changed(stall.event_id)
    return stall


@transaction.atomic
def stall_delete(*, stall: Stall, by: User) -> None:
    """Delete a stall that no producer holds and that no proposal under review gives away.

    Raises PermissionDenied, or ValidationError (saying what to do first) with nothing deleted.
    """
    require_organiser(event=stall.event, user=by)
    stall = _locked_stall(stall)
    holder = StallAssignment.objects.filter(stall=stall).select_related("producer").first()
    if holder is not None:
        raise ValidationError(
            _("Stall %(code)s is held by %(name)s: free it on the floor plan before deleting it.")
            % {"code": stall.code, "name": holder.producer.display_name}
        )
    if _proposed_applications(stall):
        raise ValidationError(
            _("Stall %(code)s is part of the automatic proposal under review: accept or discard the proposal before deleting it.")
            % {"code": stall.code}
        )
    event_id = stall.event_id
    stall.delete()
    plan_changed(event_id)


# --- Applications ----------------------------------------------------------------------------


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


# --- Assignment ----------------------------------------------------------------------------------


def _needs_met(application: StallApplication, stall: Stall) -> bool:
    return (
        (not application.needs_power or stall.has_power)
        and (not application.needs_corner or stall.is_corner)
        and (not application.needs_double or stall.is_double)
    )


@transaction.atomic
def stall_assign(*, application: StallApplication, stall: Stall, by: User) -> StallAssignment:
    """Give a stall to an accepted application, by hand.

    The stall row, then the application row, are locked (the order every plan change takes), so
    a swap, a stall edit or a withdrawal at the same moment waits for this one or this one for
    it, and what is checked here is still true when it commits. The database decides between
    two organisers assigning at once: the stall (and the producer) can be taken once, and the
    loser is told clearly, with nothing else lost.
    """
    require_organiser(event=application.event, user=by)
    if stall.event_id != application.event_id:
        raise ValidationError(_("That stall belongs to another event."))
    locked_stall = Stall.objects.select_for_update().filter(pk=stall.pk, event_id=stall.event_id).first()
    if locked_stall is None:
        raise ValidationError(_("Stall %(code)s no longer exists: another organiser deleted it.") % {"code": stall.code})
    stall = locked_stall
    application = StallApplication.objects.select_for_update(of=("self",)).select_related("producer").get(pk=application.pk)
    if application.state != StallApplication.State.ACCEPTED:
        raise ValidationError(_("Accept the application before giving it a stall."))
    if not _needs_met(application, stall):
        raise ValidationError(_("Stall %(code)s lacks something this producer needs.") % {"code": stall.code})
    try:
        with transaction.atomic():
            return StallAssignment.objects.create(
                event_id=application.event_id, stall=stall, application=application, producer_id=application.producer_id,
                assigned_by=by,
            )
    except IntegrityError:
        holder = StallAssignment.objects.filter(event_id=application.event_id, stall=stall).select_related("producer").first()
        if holder:
            raise ValidationError(
                _("Stall %(code)s was just given to %(name)s by another organiser.") % {"code": stall.code, "name": holder.producer.display_name}
            ) from None
        raise ValidationError(_("%(name)s has a stall already: move it instead.") % {"name": application.producer.display_name}) from None


@transaction.atomic
def stall_unassign(*, assignment: StallAssignment, by: User) -> None:
    require_organiser(event=assignment.event, user=by)
    assignment.delete()


@transaction.atomic
def stalls_swap(*, event: Event, first: Stall, second: Stall, by: User) -> None:
    """Swap the producers of two stalls (or move one into an empty stall), in one transaction."""
    require_organiser(event=event, user=by)
    if first.event_id != event.pk or second.event_id != event.pk or first.pk == second.pk:
        raise ValidationError(_("Choose two different stalls of this event."))
    locked = {s.pk: s for s in Stall.objects.select_for_update().filter(pk__in=[first.pk, second.pk]).order_by("pk")}
    # Then the holders' applications, as a hand assignment and a withdrawal lock them (so a swap
    # queues behind a withdrawal instead of crossing it), then the assignments themselves.
    list(
        StallApplication.objects.select_for_update(of=("self",))
        .filter(pk__in=StallAssignment.objects.filter(stall_id__in=locked).values("application_id"))
        .order_by("pk")
    )
    holders = {
        a.stall_id: a
        for a in StallAssignment.objects.select_for_update(of=("self",)).select_related("application").filter(stall_id__in=locked).order_by("pk")
    }
    if not holders:
        raise ValidationError(_("Both stalls are empty."))
    moves = []
    for source, target in ((first.pk, second.pk), (second.pk, first.pk)):
        holder = holders.get(source)
        if holder:
            if not _needs_met(holder.application, locked[target]):
                raise ValidationError(_("Stall %(code)s lacks something its new producer needs.") % {"code": locked[target].code})
            moves.append((holder, target))
    StallAssignment.objects.filter(pk__in=[holder.pk for holder, _target in moves]).delete()
    try:
        with transaction.atomic():
            for holder, target in moves:
                StallAssignment.objects.create(
                    event=event, stall_id=target, application=holder.application, producer_id=holder.producer_id,
                    fee_state=holder.fee_state, checked_in_at=holder.checked_in_at, assigned_by=by,
                )
    except IntegrityError:
        raise ValidationError(_("Another organiser changed these stalls at the same moment: look at the plan again.")) from None


def _inputs(event: Event):
    assigned_apps = StallAssignment.objects.filter(event=event).values("application_id")
    applications = (
        StallApplication.objects.filter(event=event, state=StallApplication.State.ACCEPTED)
        .exclude(pk__in=assigned_apps)
        .select_related("producer__province")
        .prefetch_related("products__category")
    )
    app_inputs = []
    for application in applications:
        needs = frozenset(
            name for name, wanted in (("power", application.needs_power), ("corner", application.needs_corner), ("double", application.needs_double)) if wanted
        )
        categories = [p.category.parent_id or p.category_id for p in application.products.all()]
        app_inputs.append(
            ApplicationInput(
                id=application.pk, preferred_zone=application.preferred_zone_id, needs=needs,
                category=max(set(categories), key=categories.count) if categories else None,
                region=application.producer.province.region_id, priority=application.exhibited_before,
                order=int(application.created_at.timestamp()),
            )
        )
    free = Stall.objects.filter(event=event).exclude(pk__in=StallAssignment.objects.filter(event=event).values("stall_id"))
    stall_inputs = [
        StallInput(
            id=s.pk, zone=s.zone_id, code=s.code,
            features=frozenset(n for n, has in (("power", s.has_power), ("corner", s.is_corner), ("double", s.is_double)) if has),
        )
        for s in free
    ]
    themes = {}
    for zone in event.zones.all():
        theme = set()
        if zone.theme_category_id:
            theme.add(("category", zone.theme_category_id))
        if zone.theme_region_id:
            theme.add(("region", zone.theme_region_id))
        themes[zone.pk] = theme
    return app_inputs, stall_inputs, themes


def assignment_propose(*, event: Event, by: User) -> AssignmentProposal:
    """Run the automatic assignment for the accepted applications without a stall, over the free
    stalls; store it as a proposal to review (nothing is assigned yet)."""
    require_organiser(event=event, user=by)
    applications, stalls, themes = _inputs(event)
    result = assign_stalls(applications, stalls, themes)
    return AssignmentProposal.objects.create(
        event=event, created_by=by, pairs=sorted([app, stall] for app, stall in result.pairs.items()),
        score=result.score(applications, stalls),
    )


@transaction.atomic
def proposal_accept(*, proposal: AssignmentProposal, by: User) -> int:
    """Make the proposal's assignments, all or none. If the plan changed since (someone assigned
    by hand meanwhile), nothing is made and the organiser is asked to propose again."""
    require_organiser(event=proposal.event, user=by)
    applications = {
        a.pk: a for a in StallApplication.objects.filter(pk__in=[app for app, _stall in proposal.pairs], state="accepted")
    }
    if len(applications) != len(proposal.pairs):
        raise ValidationError(_("Some applications changed since this proposal: make a new one."))
    rows = [
        StallAssignment(event=proposal.event, stall_id=stall, application_id=app, producer_id=applications[app].producer_id, assigned_by=by)
        for app, stall in proposal.pairs
    ]
    try:
        with transaction.atomic():
            StallAssignment.objects.bulk_create(rows)
        plan_changed(proposal.event_id)
    except IntegrityError:
        raise ValidationError(_("Stalls were assigned by hand since this proposal: make a new one.")) from None
    AssignmentProposal.objects.filter(event=proposal.event).delete()
    return len(rows)


@transaction.atomic
def proposal_discard(*, proposal: AssignmentProposal, by: User) -> None:
    require_organiser(event=proposal.event, user=by)
    proposal.delete()


# --- The days of the event -----------------------------------------------------------------


@transaction.atomic
def exhibitor_check_in(*, assignment: StallAssignment, by: User) -> StallAssignment:
    require_organiser(event=assignment.event, user=by)
    if assignment.checked_in_at is None:
        assignment.checked_in_at = timezone.now()
        assignment.save(update_fields=["checked_in_at"])
    return assignment


@transaction.atomic
def stall_fee_set(*, assignment: StallAssignment, by: User, state: str) -> StallAssignment:
    require_organiser(event=assignment.event, user=by)
    if state not in StallAssignment.Fee.values:
        raise ValidationError(_("Unknown fee state."))
    assignment.fee_state = state
    assignment.save(update_fields=["fee_state"])
    return assignment


