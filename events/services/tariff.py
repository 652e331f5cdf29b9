"""Stall fees by a tariff: a base fee by the stall's size (a single or a double stall, or so much
a square metre) plus surcharges for a corner and for power. Each stall whose fee is not set by
hand has the fee the tariff computes; a stall's own page still sets one stall's fee by hand."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from ..cache import plan_changed
from ..models import Event, FeeTariff, Stall, StallAssignment
from .events import require_organiser

TARIFF_AMOUNTS = ("single_fee", "double_fee", "area_fee", "corner_surcharge", "power_surcharge")
# The largest amount a tariff takes (a stall's fee holds ten digits, two of them after the point).
MAX_AMOUNT = Decimal("9999999")


def event_tariff(event: Event) -> FeeTariff | None:
    """The event's tariff, or None while its fees are set per block of stalls or per stall."""
    return FeeTariff.objects.filter(event=event).select_related("event__place").first()


def _amounts(fields: dict) -> dict:
    errors, amounts = {}, {}
    for name in TARIFF_AMOUNTS:
        value = fields.get(name, 0)
        try:
            amount = Decimal(str(value if value not in (None, "") else 0))
        except InvalidOperation:
            errors[name] = _("Enter an amount, such as 1500.")
            continue
        if not amount.is_finite() or amount < 0:
            errors[name] = _("This cannot be negative.")
        elif amount > MAX_AMOUNT:
            errors[name] = _("At most %(max)s.") % {"max": f"{MAX_AMOUNT:,}"}
        else:
            amounts[name] = amount.quantize(Decimal("0.01"))
    if errors:
        raise ValidationError(errors)
    return amounts


@transaction.atomic
def fee_tariff_save(*, event: Event, by: User, basis: str, **amounts) -> tuple[FeeTariff, int, int]:
    """Set the event's tariff and give every stall whose fee is not set by hand the fee it
    computes. A stall whose fee is invoiced or paid already keeps its fee (the invoice stands).

    `amounts` are TARIFF_AMOUNTS (missing ones are 0). Returns the tariff, how many stalls'
    fees changed and how many kept theirs as invoiced or paid. Raises PermissionDenied, or
    ValidationError (per field) with nothing changed.
    """
    unknown = set(amounts) - set(TARIFF_AMOUNTS)
    if unknown:
        raise TypeError(f"Not tariff amounts: {sorted(unknown)}")
    require_organiser(event=event, user=by)
    if basis not in FeeTariff.Basis.values:
        raise ValidationError({"basis": _("Choose how the base fee is counted.")})
    values = _amounts(amounts)
    # The event row locked: two organisers saving the first tariff at once save one after the other.
    Event.objects.select_for_update().filter(pk=event.pk).first()
    tariff = FeeTariff.objects.select_for_update().filter(event=event).first() or FeeTariff(event=event)
    tariff.event = event
    tariff.basis = basis
    for name, value in values.items():
        setattr(tariff, name, value)
    tariff.updated_by = by
    tariff.full_clean()
    tariff.save()
    changed, kept = stall_fees_apply(event=event, tariff=tariff)
    return tariff, changed, kept


def stall_fees_apply(*, event: Event, tariff: FeeTariff) -> tuple[int, int]:
    """Give the event's stalls that follow the tariff the fee it computes (in the caller's
    transaction, the stalls locked); invoiced or paid stalls keep theirs. Returns how many
    changed and how many were kept."""
    billed = set(
        StallAssignment.objects.filter(event=event, fee_state__in=[StallAssignment.Fee.INVOICED, StallAssignment.Fee.PAID])
        .values_list("stall_id", flat=True)
    )
    stalls = list(Stall.objects.select_for_update().filter(event=event, fee_by_hand=False).order_by("pk"))
    changed, kept = [], 0
    for stall in stalls:
        fee = tariff.fee_for(stall)
        if fee == stall.fee:
            continue
        if stall.pk in billed:
            kept += 1
            continue
        stall.fee = fee
        changed.append(stall)
    Stall.objects.bulk_update(changed, ["fee"], batch_size=500)
    if changed:
        plan_changed(event.pk)
    return len(changed), kept
