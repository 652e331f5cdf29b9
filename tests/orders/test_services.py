"""orders.services: saving a producer's sales terms."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from orders import services
from orders.models import PaymentMethod, SalesTerms, ShippingBand
from tests.factories import ProducerFactory

TERMS = {
    "accepts_bank_transfer": True, "accepts_promptpay": False, "accepts_cash_on_delivery": True,
    "accepts_pay_at_stall": False, "flat_shipping_rate": Decimal("60.00"), "unpaid_expiry_hours": 24,
}


def bands_of(terms: SalesTerms) -> list[tuple[int, Decimal]]:
    return list(terms.bands.values_list("max_weight_grams", "price"))


def test_sales_terms_save_makes_the_terms_of_a_producer_that_had_none(places):
    producer = ProducerFactory()
    terms = services.sales_terms_save(producer=producer, bands=[{"max_weight_grams": 500, "price": Decimal("40")}], **TERMS)

    terms = SalesTerms.objects.get(producer=producer, pk=terms.pk)
    assert terms.payment_methods == [PaymentMethod.BANK_TRANSFER, PaymentMethod.CASH_ON_DELIVERY]
    assert (terms.flat_shipping_rate, terms.unpaid_expiry_hours) == (Decimal("60.00"), 24)
    assert bands_of(terms) == [(500, Decimal("40.00"))]


def test_sales_terms_save_replaces_the_bands_it_had(shop):
    services.sales_terms_save(
        producer=shop, bands=[{"max_weight_grams": 500, "price": Decimal("40")}, {"max_weight_grams": 1000, "price": Decimal("60")}],
        **TERMS,
    )
    # Two weights swapped between bands, and one band gone.
    services.sales_terms_save(producer=shop, bands=[{"max_weight_grams": 1000, "price": Decimal("45")}], **TERMS)

    assert SalesTerms.objects.filter(producer=shop).count() == 1
    assert bands_of(shop.sales_terms) == [(1000, Decimal("45.00"))]


def test_sales_terms_save_refuses_two_bands_of_one_weight_and_saves_nothing(shop):
    before = (shop.sales_terms.flat_shipping_rate, bands_of(shop.sales_terms))
    with pytest.raises(ValidationError):
        services.sales_terms_save(
            producer=shop,
            bands=[{"max_weight_grams": 500, "price": Decimal("40")}, {"max_weight_grams": 500, "price": Decimal("50")}],
            **TERMS,
        )

    shop.sales_terms.refresh_from_db()
    assert (shop.sales_terms.flat_shipping_rate, bands_of(shop.sales_terms)) == before


def test_sales_terms_save_refuses_an_invalid_value_and_saves_nothing(shop):
    with pytest.raises(ValidationError) as error:
        services.sales_terms_save(producer=shop, bands=[], **TERMS | {"unpaid_expiry_hours": 0})

    assert "unpaid_expiry_hours" in error.value.message_dict
    shop.sales_terms.refresh_from_db()
    assert shop.sales_terms.unpaid_expiry_hours == 48
    assert not ShippingBand.objects.filter(terms__producer=shop, max_weight_grams=0).exists()


def test_sales_terms_save_refuses_fields_that_are_not_sales_terms(shop):
    with pytest.raises(ValueError):
        services.sales_terms_save(producer=shop, bands=[], producer_id=1)
