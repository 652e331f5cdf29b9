"""Payment providers: what the buyer is shown for each payment method, behind one small
interface so a card gateway can be added later as one more class.

A provider answers: does it need the buyer to upload a transfer slip, does an unpaid order expire
(the money should arrive before the goods leave), and what to show the buyer on the order page.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import segno
from django.conf import settings
from django.utils.safestring import mark_safe
from promptpay_qr import generate_payload

from .models import PaymentMethod


@dataclass(frozen=True)
class PaymentInstructions:
    method: str
    accepts_slip: bool = False
    promptpay_payload: str = ""
    qr_svg: str = ""
    bank: dict = field(default_factory=dict)


class PaymentProvider:
    method: str = ""
    prepaid = True  # unpaid orders expire and return their stock
    accepts_slip = False

    def available_for(self, producer) -> bool:
        return True

    def instructions(self, order) -> PaymentInstructions:
        return PaymentInstructions(method=self.method, accepts_slip=self.accepts_slip)

    def unpaid_hold(self, terms) -> timedelta | None:
        """How long an unpaid order holds its stock before it expires: the method's own hold
        (settings.ORDERS_PAYMENT_HOLD_HOURS) when it pays at once, never longer than the
        producer's `unpaid_expiry_hours`; None when unpaid orders do not expire."""
        if not self.prepaid:
            return None
        hours = terms.unpaid_expiry_hours
        own = settings.ORDERS_PAYMENT_HOLD_HOURS.get(str(self.method))
        if own:
            hours = min(hours, own)
        return timedelta(hours=hours)


class BankTransfer(PaymentProvider):
    method = PaymentMethod.BANK_TRANSFER
    accepts_slip = True

    def available_for(self, producer) -> bool:
        return bool(producer.bank_account_number)

    def instructions(self, order) -> PaymentInstructions:
        producer = order.producer
        return PaymentInstructions(
            method=self.method,
            accepts_slip=True,
            bank={"bank": producer.bank_name, "name": producer.bank_account_name, "number": producer.bank_account_number},
        )


def promptpay_payload(promptpay_id: str, amount: Decimal) -> str:
    """The EMVCo merchant-presented payload for a PromptPay transfer of `amount` baht."""
    return generate_payload(promptpay_id, amount=float(Decimal(amount).quantize(Decimal("0.01"))))


def qr_svg(payload: str) -> str:
    """The payload as an inline SVG QR code (no image file, nothing fetched)."""
    return mark_safe(segno.make(payload, error="m").svg_inline(scale=5, dark="#1f1a24", light="#ffffff"))  # noqa: S308


class PromptPay(PaymentProvider):
    method = PaymentMethod.PROMPTPAY
    accepts_slip = True

    def available_for(self, producer) -> bool:
        # PromptPay moves Thai baht only.
        return bool(producer.promptpay_id) and producer.currency == "THB"

    def instructions(self, order) -> PaymentInstructions:
        payload = promptpay_payload(order.producer.promptpay_id, order.total)
        return PaymentInstructions(method=self.method, accepts_slip=True, promptpay_payload=payload, qr_svg=qr_svg(payload))


class CashOnDelivery(PaymentProvider):
    method = PaymentMethod.CASH_ON_DELIVERY
    prepaid = False


class PayAtStall(PaymentProvider):
    method = PaymentMethod.PAY_AT_STALL
    prepaid = False


PROVIDERS: dict[str, PaymentProvider] = {
    provider.method: provider for provider in (BankTransfer(), PromptPay(), CashOnDelivery(), PayAtStall())
}


def provider_for(method: str) -> PaymentProvider:
    return PROVIDERS[method]
