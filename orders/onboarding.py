"""The orders app's part of a group's onboarding (producers/onboarding.py): whether buyers can
pay the group with at least one way of delivery (the rule the catalogue's publishing obeys), and
the checklist's payment-details and sales-terms steps. Registered in OrdersConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext as _

from events.selectors import pickup_events_for
from producers.models import PayoutChange, Producer, mask_payout_value
from producers.onboarding import MANAGERS_ONLY, Remedy, SalesReadiness, Step, StepState, manager_link

from .models import DeliveryMethod, PaymentMethod
from .payments import provider_for
from .services import sales_terms_for, selling_ways


def _ways_text(ways: dict[str, list[str]]) -> list[str]:
    return [
        _("%(delivery)s: %(payments)s")
        % {
            "delivery": DeliveryMethod(delivery).label,
            "payments": ", ".join(str(PaymentMethod(method).label) for method in methods),
        }
        for delivery, methods in ways.items()
    ]


def _details_in_force(producer: Producer) -> bool:
    """Whether buyers have an account or a PromptPay ID to pay into (a held change does not count)."""
    return any(provider_for(method).available_for(producer) for method in (PaymentMethod.BANK_TRANSFER, PaymentMethod.PROMPTPAY))


def _held_change(producer: Producer) -> bool:
    return PayoutChange.objects.filter(producer=producer, state=PayoutChange.State.HELD).exists()


def sales_readiness_of(producer: Producer) -> SalesReadiness:
    """How buyers can pay `producer` now (selling_ways), or, when they cannot at all, what
    would let them: payout details, a payment method to accept, a stall at a fair. Three
    queries at most (the sales terms, the pick-up events, a held payout change)."""
    events = pickup_events_for(producer)
    ways = selling_ways(producer, pickup_events=events)
    if ways:
        return SalesReadiness(ways=_ways_text(ways))
    terms = sales_terms_for(producer)
    payment_url, terms_url = reverse("producers:payment"), reverse("orders:sales_terms")
    remedies = []
    ahead = terms.accepts_bank_transfer or (terms.accepts_promptpay and producer.currency == "THB")
    if not _details_in_force(producer):
        if _held_change(producer):
            text = _("wait until our staff approve the payment details you sent (then buyers can pay by transfer)")
        elif producer.currency == "THB":
            text = _("add a bank account or a PromptPay ID, so buyers can pay by transfer and you can ship")
        else:
            text = _("add a bank account, so buyers can pay by transfer and you can ship")
        if not ahead:
            text = _("%(remedy)s, and accept bank transfer in your sales terms") % {"remedy": text}
        remedies.append(Remedy(text=text, url=payment_url, link_text=_("Payment details"), managers_only=True))
    elif not ahead:
        remedies.append(Remedy(text=_("accept bank transfer or PromptPay in your sales terms"), url=terms_url, link_text=_("Sales terms"), managers_only=True))
    if not terms.accepts_cash_on_delivery:
        remedies.append(Remedy(text=_("accept cash on delivery in your sales terms"), url=terms_url, link_text=_("Sales terms"), managers_only=True))
    if not events:
        remedies.append(
            Remedy(
                text=_("take a stall at a coming fair and accept paying at the stall: buyers then pick up and pay there"),
                url=reverse("events:my_applications"),
                link_text=_("Events and stalls"),
            )
        )
    elif not terms.accepts_pay_at_stall:
        remedies.append(Remedy(text=_("accept paying at your stall in your sales terms"), url=terms_url, link_text=_("Sales terms"), managers_only=True))
    return SalesReadiness(remedies=remedies)


def payment_details_step(producer: Producer, *, is_manager: bool) -> Step:
    """Done when buyers have a bank account or PromptPay ID in force to pay into; waiting while
    a new group's details wait for staff review."""
    in_force = _details_in_force(producer)
    held = _held_change(producer)
    if in_force:
        parts = []
        if producer.bank_account_number:
            parts.append(_("bank account %(number)s") % {"number": mask_payout_value(producer.bank_account_number)})
        if producer.promptpay_id:
            parts.append(_("PromptPay %(id)s") % {"id": mask_payout_value(producer.promptpay_id)})
        detail = _("Buyers pay into: %(details)s.") % {"details": ", ".join(parts)}
        if held:
            detail += " " + _("A change waits for review by our staff.")
        state = StepState.DONE
    elif held:
        state, detail = StepState.WAITING, _("Your details wait for review by our staff; buyers can pay into them once approved.")
    else:
        state, detail = StepState.TODO, _("No bank account or PromptPay ID yet.")
    if not is_manager and state != StepState.DONE:
        detail = f"{detail} {MANAGERS_ONLY}"
    return Step(
        key="payment",
        title=_("Add your payment details"),
        state=state,
        detail=detail,
        unlocks=_("Buyers can pay by bank transfer or PromptPay, so you can ship orders to them."),
        **manager_link("producers:payment", _("Payment details"), is_manager=is_manager),
    )


def sales_terms_step(producer: Producer, *, is_manager: bool) -> Step:
    """Done when the group has saved its own sales terms and buyers can pay it with at least
    one way of delivery (the rule before publishing)."""
    readiness = sales_readiness_of(producer)
    saved = sales_terms_for(producer).pk is not None
    if readiness.can_sell:
        detail = _("Buyers can choose: %(ways)s.") % {"ways": "; ".join(readiness.ways)}
        if not saved:
            detail += " " + _("These are the standard terms: check the shipping rate and save your own.")
    else:
        detail = _("Buyers could not pay you with any way of delivery yet. Any one of these would do:")
    if not is_manager and not (saved and readiness.can_sell):
        detail = f"{detail} {MANAGERS_ONLY}"
    return Step(
        key="sales_terms",
        title=_("Set your sales terms"),
        state=StepState.DONE if saved and readiness.can_sell else StepState.TODO,
        detail=detail,
        unlocks=_("Needed before your products can be published: buyers must be able to pay you with at least one way of delivery."),
        remedies=readiness.remedies,
        **manager_link("orders:sales_terms", _("Sales terms"), is_manager=is_manager),
    )
