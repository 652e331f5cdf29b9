"""`python -m bench --seed-only` leaves a catalogue where every producer can sell."""

import pytest

from bench.__main__ import sales_terms_ensure
from orders.models import PaymentMethod, SalesTerms
from orders.services import payment_methods_for
from producers.models import Producer
from tests.factories import ProducerFactory, make_shop

pytestmark = pytest.mark.django_db


def shipped_order_methods(producer: Producer) -> list[str]:
    producer = Producer.objects.select_related("sales_terms").get(pk=producer.pk)
    return [method for method in payment_methods_for(producer) if method != PaymentMethod.PAY_AT_STALL]


def test_sales_terms_ensure_gives_every_producer_a_method_a_shipped_order_can_use(places):
    thai = ProducerFactory(bank_account_number="123-4-56789-0", promptpay_id="0812345678")
    without_details = ProducerFactory(bank_account_number="", promptpay_id="")

    counts = sales_terms_ensure()

    assert counts["added"] == 2
    assert SalesTerms.objects.count() == 2
    assert shipped_order_methods(thai) == [PaymentMethod.BANK_TRANSFER, PaymentMethod.PROMPTPAY, PaymentMethod.CASH_ON_DELIVERY]
    assert shipped_order_methods(without_details) == [PaymentMethod.CASH_ON_DELIVERY]


def test_sales_terms_ensure_adds_cash_on_delivery_only_where_no_method_works(places):
    stall_only = make_shop(terms={"accepts_bank_transfer": False, "accepts_promptpay": False, "accepts_cash_on_delivery": False})
    transfer_without_account = make_shop(
        bank_account_number="", terms={"accepts_promptpay": False, "accepts_cash_on_delivery": False}
    )
    working = make_shop(terms={"accepts_cash_on_delivery": False, "flat_shipping_rate": 70})

    counts = sales_terms_ensure()

    assert counts == {"added": 0, "fixed": 2, "producers": 3}
    assert shipped_order_methods(stall_only) == [PaymentMethod.CASH_ON_DELIVERY]
    assert shipped_order_methods(transfer_without_account) == [PaymentMethod.CASH_ON_DELIVERY]
    terms = SalesTerms.objects.get(producer=working)
    assert (terms.accepts_cash_on_delivery, terms.flat_shipping_rate) == (False, 70)


def test_sales_terms_ensure_twice_changes_nothing_the_second_time(places):
    ProducerFactory.create_batch(3)
    sales_terms_ensure()
    before = list(SalesTerms.objects.order_by("pk").values())

    assert sales_terms_ensure() == {"added": 0, "fixed": 0, "producers": 3}
    assert list(SalesTerms.objects.order_by("pk").values()) == before
