"""The layout of an event: zones, stalls made in blocks, copied or edited one by one."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User

from ..cache import plan_changed
from ..emails import stall_changed_notify
from ..models import AssignmentProposal, Event, Stall, StallApplication, StallAssignment, StallFeature, Zone
from .events import require_organiser
from .tariff import event_tariff

MAX_GRID = 40
# What an organiser may change of one stall (never its event: the stall's assignments point at
# the stall and its event together).
STALL_FIELDS = frozenset({"code", "zone", "x", "y", "width", "depth", "fee", "fee_by_hand", *StallFeature.stall_fields()})


@transaction.atomic
def zone_save(*, event: Event, by: User, zone: Zone | None = None, **fields) -> Zone:
    """Make a zone of the event, or change `zone` (which must be one of the event's)."""
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
def zone_delete(*, zone: Zone, by: User) -> int:
    """Remove a zone and its stalls, when no producer holds one of them and no proposal under
    review gives one away; applications that preferred the zone then have no preference.

    Returns how many stalls went with it. Raises PermissionDenied, or ValidationError (saying
    what to do first) with nothing removed.
    """
    require_organiser(event=zone.event, user=by)
    zone = Zone.objects.select_for_update().filter(pk=zone.pk, event_id=zone.event_id).first()
    if zone is None:
        raise ValidationError(_("This zone no longer exists: another organiser removed it."))
    stalls = list(Stall.objects.select_for_update().filter(zone=zone).order_by("pk"))
    held = StallAssignment.objects.filter(stall__zone=zone).count()
    if held:
        raise ValidationError(
            ngettext(
                "Zone %(code)s has %(count)s assigned stall: free it on the floor plan (or move its producer) before removing the zone.",
                "Zone %(code)s has %(count)s assigned stalls: free them on the floor plan (or move their producers) before removing the zone.",
                held,
            )
            % {"code": zone.code, "count": held}
        )
    stall_ids = {stall.pk for stall in stalls}
    proposed = any(
        int(stall_id) in stall_ids
        for pairs in AssignmentProposal.objects.filter(event_id=zone.event_id).values_list("pairs", flat=True)
        for _application_id, stall_id in pairs
    )
    if proposed:
        raise ValidationError(
            _("The automatic proposal under review gives away stalls of zone %(code)s: accept or discard the proposal first.") % {"code": zone.code}
        )
    event_id = zone.event_id
    zone.delete()
    plan_changed(event_id)
    return len(stalls)


@transaction.atomic
def stall_grid_create(
    *, event: Event, by: User, zone: Zone, rows: int, columns: int, width: Decimal = Decimal(3), depth: Decimal = Decimal(3),
    origin_x: Decimal = Decimal(0), origin_y: Decimal = Decimal(0), fee: Decimal | None = None, corners: bool = True,
    power_every: int = 0, aisle: Decimal = Decimal(3),
) -> list[Stall]:
    """A block of rows × columns stalls in `zone`, numbered on from the zone's last stall.

    Rows stand back to back in pairs with an aisle between pairs; the stalls at the ends of each
    row are corners (open on two sides) when `corners`; every `power_every`-th stall has power.
    A `fee` given is every stall's, set by hand; without one each stall has the fee of the
    event's tariff (0 while it has none).
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
                    **{
                        StallFeature.CORNER.stall_field: corners and column in (0, columns - 1),
                        StallFeature.POWER.stall_field: bool(power_every) and (number % power_every == 0),
                    },
                )
            )
    tariff = event_tariff(event) if fee is None else None
    for stall in stalls:
        stall.fee_by_hand = fee is not None
        stall.fee = fee if fee is not None else (tariff.fee_for(stall) if tariff else Decimal(0))
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
              fee_by_hand=s.fee_by_hand, **{name: getattr(s, name) for name in StallFeature.stall_fields()})
        for s in source.stalls.all()
    ]
    Stall.objects.bulk_create(stalls)
    plan_changed(target.pk)
    return len(stalls)


def _needs_unmet(application: StallApplication, stall: Stall) -> list[str]:
    """What the application needs that the stall lacks, named for a message."""
    return [str(feature.need_label) for feature in StallFeature.unmet(application, stall)]


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
    so does a stall that a proposal under review gives to someone. A fee given that differs from
    the stall's is set by hand (unless `fee_by_hand` says otherwise); a stall whose fee is not
    set by hand has the fee of the event's tariff, when it has one, computed from its new size
    and features. Returns the saved stall; raises PermissionDenied, or ValidationError with
    nothing changed.
    """
    unknown = set(fields) - STALL_FIELDS
    if unknown:
        raise TypeError(f"stall_update() cannot change {', '.join(sorted(unknown))}")
    require_organiser(event=stall.event, user=by)
    stall = _locked_stall(stall)
    seen_before = _what_the_holder_sees(stall)
    zone = fields.get("zone")
    if zone is not None and zone.event_id != stall.event_id:
        raise ValidationError({"zone": _("Choose a zone of this event.")})
    if "fee" in fields and "fee_by_hand" not in fields and fields["fee"] is not None:
        try:
            fields["fee_by_hand"] = stall.fee_by_hand or Decimal(str(fields["fee"])) != stall.fee
        except ArithmeticError:
            pass  # not a number: clean_fields says so below
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
    if not stall.fee_by_hand:
        tariff = event_tariff(stall.event)
        if tariff is not None:
            stall.fee = tariff.fee_for(stall)
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
    if holder is not None and _what_the_holder_sees(stall) != seen_before:
        holder = StallAssignment.objects.select_related("event__place", "stall__zone", "producer").get(pk=holder.pk)
        stall_changed_notify(assignment=holder, previous_code=seen_before[0])
    return stall


def _what_the_holder_sees(stall: Stall) -> tuple:
    """What the producer holding the stall is told of it: its code, zone, size, fee and features."""
    return (stall.code, stall.zone_id, Decimal(stall.width), Decimal(stall.depth), Decimal(stall.fee), tuple(stall.features))


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
