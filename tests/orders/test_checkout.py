"""Placing orders: one order per producer in one transaction, prices and names copied
from the catalogue, stock reserved, idempotent checkout, and a checkout POST that decides nothing
about amounts or products."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from catalogue import services as catalogue_services
from catalogue.models import Product
from orders import services
from orders.models import (
    BuyerAddress,
    CartItem,
    DeliveryMethod,
    Order,
    OrderEvent,
    OrderLine,
    PaymentMethod,
    SalesTerms,
    ShippingBand,
)
from orders.services import ProducerChoice, SoldOut
from tests.factories import (
    ADDRESS,
    ORDER_NUMBER,
    cart_of,
    checkout_post,
    fill_cart,
    listing,
    make_shop,
    place_one,
    place_order,
    published_event,
    stall_at,
)

CHECKOUT = "/checkout/"


def stock_of(product: Product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def bank_transfer_shipping(*producers) -> dict:
    return {p.pk: ProducerChoice(delivery=DeliveryMethod.SHIPPING, payment=PaymentMethod.BANK_TRANSFER) for p in producers}


# --- The service ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("unpaid_limits_raised")
def test_order_place_makes_one_order_per_producer_with_catalogue_prices_copied(buyer, shop, other_shop, scarf, pillow):
    shawl = listing(shop, name_en="Lotus silk shawl", price=Decimal("1200.00"), stock=3, weight_grams=300)
    orders = place_order(buyer, (scarf, 2), (shawl, 1), (pillow, 3))
    assert len(orders) == 2
    by_producer = {order.producer_id: order for order in orders}
    silk, pillows = by_producer[shop.pk], by_producer[other_shop.pk]

    assert [(line.product_name, line.unit_price, line.quantity, line.line_total) for line in silk.lines.order_by("product_name")] == [
        ("Lotus silk shawl", Decimal("1200.00"), 1, Decimal("1200.00")),
        ("Mudmee silk scarf", Decimal("850.00"), 2, Decimal("1700.00")),
    ]
    assert silk.subtotal == Decimal("2900.00")
    assert silk.shipping_cost == Decimal("50.00")
    assert silk.total == Decimal("2950.00")
    assert silk.currency == "THB"
    assert pillows.total == Decimal("3") * Decimal("320.00") + Decimal("50.00")
    assert {line.product_slug for line in silk.lines.all()} == {scarf.slug, shawl.slug}

    for order in orders:
        assert ORDER_NUMBER.match(order.number), order.number
        assert order.number[2:8] == timezone.localdate().strftime("%y%m%d")
        assert order.state == Order.State.PENDING_PAYMENT
        assert order.buyer == buyer
        assert order.ship_name == "Naree Srisuk"
        assert "Surin" in order.ship_address and "32000" in order.ship_address
        assert list(order.events.values_list("from_state", "to_state", "by")) == [("", "pending_payment", buyer.pk)]
    assert orders[0].number != orders[1].number
    assert len({order.checkout_token for order in orders}) == 1

    assert (stock_of(scarf), stock_of(shawl), stock_of(pillow)) == (8, 2, 2)
    assert not CartItem.objects.filter(cart__user=buyer).exists()


def test_each_order_is_in_its_producers_currency(buyer, places, categories, shop, scarf):
    from places.models import Place

    oita = Place.objects.get(country="JP", level="province", name_en="Oita")
    kabosu_farm = make_shop(name_en="Oita Kabosu Farmers", slug="oita-kabosu", place=oita, own_language="ja", terms={"flat_shipping_rate": Decimal("900")})
    kabosu = listing(kabosu_farm, name_en="Kabosu ponzu", price=Decimal("1200"), category=categories["seasonings-and-condiments"])
    orders = {order.producer_id: order for order in place_order(buyer, (scarf, 1), (kabosu, 2))}
    assert (orders[shop.pk].currency, orders[shop.pk].total) == ("THB", Decimal("900.00"))
    assert (orders[kabosu_farm.pk].currency, orders[kabosu_farm.pk].total) == ("JPY", Decimal("3300.00"))


def test_order_lines_keep_the_price_and_name_they_were_bought_at(buyer, scarf):
    order = place_one(buyer, scarf, 1)
    catalogue_services.product_update(product=scarf, price=Decimal("999.00"), name_en="Renamed scarf")
    line = OrderLine.objects.get(order=order)
    assert (line.product_name, line.unit_price) == ("Mudmee silk scarf", Decimal("850.00"))
    order.refresh_from_db()
    assert order.total == Decimal("900.00")


def test_order_place_charges_the_price_at_placement_not_when_added(buyer, shop, scarf):
    cart = fill_cart(buyer, (scarf, 2))
    catalogue_services.product_update(product=scarf, price=Decimal("700.00"))
    (order,) = services.order_place(
        buyer=buyer, cart=cart, checkout_token="t-1", address=ADDRESS, choices=bank_transfer_shipping(shop)
    )
    assert order.total == Decimal("1450.00")


@pytest.mark.usefixtures("unpaid_limits_raised")
def test_order_place_uses_the_producers_weight_bands(buyer, shop, scarf):
    terms = SalesTerms.objects.get(producer=shop)
    ShippingBand.objects.create(terms=terms, max_weight_grams=500, price=Decimal("40.00"))
    ShippingBand.objects.create(terms=terms, max_weight_grams=2000, price=Decimal("90.00"))
    assert place_one(buyer, scarf, 2).shipping_cost == Decimal("40.00")  # 400 g
    assert place_one(buyer, scarf, 5).shipping_cost == Decimal("90.00")  # 1000 g
    assert place_one(buyer, scarf, 3, payment=PaymentMethod.CASH_ON_DELIVERY).shipping_cost == Decimal("90.00")  # 600 g


@pytest.mark.usefixtures("unpaid_limits_raised")
def test_order_place_refuses_more_than_stock_and_saves_nothing(buyer, shop, scarf):
    cart = fill_cart(buyer, (scarf, 3))
    catalogue_services.product_set_stock(product=scarf, stock=2)
    with pytest.raises(SoldOut) as caught:
        services.order_place(buyer=buyer, cart=cart, checkout_token="t-1", address=ADDRESS, choices=bank_transfer_shipping(shop))
    assert "Sold out, or fewer left than you asked for: Mudmee silk scarf." in caught.value.messages
    assert not Order.objects.exists()
    assert stock_of(scarf) == 2
    assert cart.items.get().quantity == 3


@pytest.mark.usefixtures("unpaid_limits_raised")
def test_order_place_takes_all_stock_or_none(buyer, shop, other_shop, scarf, pillow):
    """When one product is short, nothing is taken from the others, in any of the orders."""
    cart = fill_cart(buyer, (scarf, 2), (pillow, 5))
    catalogue_services.product_set_stock(product=pillow, stock=4)
    with pytest.raises(SoldOut):
        services.order_place(buyer=buyer, cart=cart, checkout_token="t-1", address=ADDRESS, choices=bank_transfer_shipping(shop, other_shop))
    assert (stock_of(scarf), stock_of(pillow)) == (10, 4)
    assert not Order.objects.exists() and not OrderLine.objects.exists() and not OrderEvent.objects.exists()
    assert not BuyerAddress.objects.exists()


def test_order_place_refuses_a_product_no_longer_for_sale(buyer, shop, scarf):
    cart = fill_cart(buyer, (scarf, 1))
    catalogue_services.product_set_status(product=scarf, status=Product.Status.ARCHIVED)
    with pytest.raises(ValidationError) as caught:
        services.order_place(buyer=buyer, cart=cart, checkout_token="t-1", address=ADDRESS, choices=bank_transfer_shipping(shop))
    assert "No longer for sale: Mudmee silk scarf. Remove them from your cart." in caught.value.messages
    assert not Order.objects.exists()
    assert stock_of(scarf) == 10


def test_order_place_refuses_an_empty_cart(buyer, shop):
    with pytest.raises(ValidationError, match="Your cart is empty"):
        services.order_place(buyer=buyer, cart=cart_of(buyer), checkout_token="t-1", address=ADDRESS, choices={})


def test_order_place_needs_a_checkout_token(buyer, shop, scarf):
    cart = fill_cart(buyer, (scarf, 1))
    with pytest.raises(ValidationError):
        services.order_place(buyer=buyer, cart=cart, checkout_token="", address=ADDRESS, choices=bank_transfer_shipping(shop))
    assert not Order.objects.exists()


def test_order_place_needs_a_choice_for_every_producer(buyer, shop, other_shop, scarf, pillow):
    cart = fill_cart(buyer, (scarf, 1), (pillow, 1))
    with pytest.raises(ValidationError, match="Choose delivery and payment"):
        services.order_place(buyer=buyer, cart=cart, checkout_token="t-1", address=ADDRESS, choices=bank_transfer_shipping(shop))
    assert not Order.objects.exists()


def test_order_place_refuses_a_payment_method_the_producer_does_not_accept(buyer, shop, scarf):
    SalesTerms.objects.filter(producer=shop).update(accepts_cash_on_delivery=False)
    with pytest.raises(ValidationError, match="does not take that payment method"):
        place_one(buyer, scarf, payment=PaymentMethod.CASH_ON_DELIVERY)
    with pytest.raises(ValidationError, match="does not take that payment method"):
        place_one(buyer, scarf, payment="card")
    assert not Order.objects.exists()
    assert stock_of(scarf) == 10


def test_order_place_refuses_promptpay_without_a_promptpay_id(buyer, shop, scarf):
    shop.promptpay_id = ""
    shop.save(update_fields=["promptpay_id"])
    assert PaymentMethod.PROMPTPAY not in services.payment_methods_for(shop)
    with pytest.raises(ValidationError, match="does not take that payment method"):
        place_one(buyer, scarf, payment=PaymentMethod.PROMPTPAY)


def test_order_place_refuses_pickup_at_an_event_where_the_producer_has_no_stall(buyer, shop, other_shop, scarf):
    event = published_event()
    stall_at(event, other_shop)
    with pytest.raises(ValidationError, match="has no stall at that event"):
        place_one(buyer, scarf, delivery=DeliveryMethod.PICKUP, payment=PaymentMethod.PAY_AT_STALL, event=event)
    with pytest.raises(ValidationError, match="has no stall at that event"):
        place_one(buyer, scarf, delivery=DeliveryMethod.PICKUP, payment=PaymentMethod.PAY_AT_STALL)
    assert not Order.objects.exists()


def test_order_place_refuses_pickup_at_an_unpublished_or_finished_event(buyer, shop, scarf):
    draft = published_event(status="open")
    stall_at(draft, shop)
    past = published_event(starts_on=timezone.localdate() - timedelta(days=10), ends_on=timezone.localdate() - timedelta(days=3))
    stall_at(past, shop, code="A-02")
    for event in (draft, past):
        with pytest.raises(ValidationError, match="has no stall at that event"):
            place_one(buyer, scarf, delivery=DeliveryMethod.PICKUP, payment=PaymentMethod.PAY_AT_STALL, event=event)


def test_order_place_for_pickup_at_the_producers_stall(buyer, shop, scarf):
    event = published_event()
    stall_at(event, shop)
    order = place_one(buyer, scarf, 2, delivery=DeliveryMethod.PICKUP, payment=PaymentMethod.PAY_AT_STALL, event=event)
    assert order.pickup_event == event
    assert order.shipping_cost == Decimal("0")
    assert order.total == Decimal("1700.00")
    assert order.ship_address == ""
    assert order.expires_at is None  # paid at the stall: nothing to wait for


def test_paying_at_the_stall_needs_pickup(buyer, shop, scarf):
    with pytest.raises(ValidationError, match="Paying at the stall needs pick-up"):
        place_one(buyer, scarf, payment=PaymentMethod.PAY_AT_STALL)


def test_an_unknown_delivery_method_is_refused(buyer, shop, scarf):
    with pytest.raises(ValidationError, match="Unknown delivery method"):
        place_one(buyer, scarf, delivery="drone")


@pytest.mark.usefixtures("unpaid_limits_raised")
def test_prepaid_orders_expire_after_the_producers_hours_and_cash_on_delivery_does_not(settings, buyer, shop, scarf):
    # The methods' own holds longer than the producer's: the producer's hours decide.
    settings.ORDERS_PAYMENT_HOLD_HOURS = {"bank_transfer": 72, "promptpay": 72}
    SalesTerms.objects.filter(producer=shop).update(unpaid_expiry_hours=24)
    before = timezone.now()
    transfer = place_one(buyer, scarf)
    assert before + timedelta(hours=24) <= transfer.expires_at <= timezone.now() + timedelta(hours=24)
    promptpay = place_one(buyer, scarf, payment=PaymentMethod.PROMPTPAY)
    assert promptpay.expires_at is not None
    assert place_one(buyer, scarf, payment=PaymentMethod.CASH_ON_DELIVERY).expires_at is None


def test_the_same_checkout_token_twice_places_one_order_set(buyer, shop, other_shop, scarf, pillow):
    cart = fill_cart(buyer, (scarf, 2), (pillow, 1))
    choices = bank_transfer_shipping(shop, other_shop)
    first = services.order_place(buyer=buyer, cart=cart, checkout_token="same", address=ADDRESS, choices=choices)
    fill_cart(buyer, (scarf, 1))  # even with something new in the cart
    second = services.order_place(buyer=buyer, cart=cart, checkout_token="same", address=ADDRESS, choices=choices)
    assert sorted(o.pk for o in first) == sorted(o.pk for o in second)
    assert Order.objects.count() == 2
    assert (stock_of(scarf), stock_of(pillow)) == (8, 4)


def test_order_place_remembers_the_address_for_next_time(buyer, scarf):
    place_one(buyer, scarf)
    saved = BuyerAddress.objects.get(user=buyer)
    assert {name: getattr(saved, name) for name in ADDRESS} == ADDRESS
    place_one(buyer, scarf, address=ADDRESS | {"address_line": "7 Soi Ratchadamnoen", "postcode": "32001"})
    saved.refresh_from_db()
    assert (saved.address_line, saved.postcode) == ("7 Soi Ratchadamnoen", "32001")
    assert BuyerAddress.objects.filter(user=buyer).count() == 1


def test_order_place_needs_name_phone_and_email(buyer, shop, scarf):
    cart = fill_cart(buyer, (scarf, 1))
    with pytest.raises(ValidationError, match="Fill in your name, phone and e-mail"):
        services.order_place(buyer=buyer, cart=cart, checkout_token="t", address=ADDRESS | {"phone": " "}, choices=bank_transfer_shipping(shop))
    assert stock_of(scarf) == 10


# --- The checkout page ---------------------------------------------------------------------------


def checkout_token(client) -> str:
    response = client.get(CHECKOUT)
    assert response.status_code == 200
    return response.context["checkout_token"]


def test_checkout_needs_login(client, scarf):
    client.post("/cart/add/", {"product": scarf.slug, "quantity": "1"})
    response = client.get(CHECKOUT)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(CHECKOUT, checkout_post({}, token="x")).status_code == 302
    assert not Order.objects.exists()


def test_checkout_with_an_empty_cart_sends_the_buyer_back_to_the_cart(buyer_client):
    response = buyer_client.get(CHECKOUT, follow=True)
    assert response.redirect_chain[-1][0] == "/cart/"
    assert "Your cart is empty." in response.content.decode()
    response = buyer_client.post(CHECKOUT, checkout_post({}, token="abc"), follow=True)
    assert response.status_code == 200 and "Your cart is empty." in response.content.decode()
    assert not Order.objects.exists()


def test_checkout_page_offers_only_the_producers_methods(buyer_client, buyer, shop, scarf):
    SalesTerms.objects.filter(producer=shop).update(accepts_cash_on_delivery=False, accepts_promptpay=False)
    fill_cart(buyer, (scarf, 1))
    page = buyer_client.get(CHECKOUT).content.decode()
    assert f'name="payment_{shop.pk}" value="bank_transfer"' in page
    assert 'value="cod"' not in page and 'value="promptpay"' not in page


def test_checkout_places_the_order_and_shows_it(buyer_client, buyer, shop, scarf):
    fill_cart(buyer, (scarf, 2))
    token = checkout_token(buyer_client)
    response = buyer_client.post(CHECKOUT, checkout_post({shop.pk: {}}, token=token))
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.number}/"
    assert order.total == Decimal("1750.00")
    page = buyer_client.get(response["Location"]).content.decode()
    assert order.number in page and "Mudmee silk scarf" in page and "123-4-56789-0" in page


def test_checkout_with_two_producers_sends_the_buyer_to_the_order_list(buyer_client, buyer, shop, other_shop, scarf, pillow):
    fill_cart(buyer, (scarf, 1), (pillow, 1))
    response = buyer_client.post(CHECKOUT, checkout_post({shop.pk: {}, other_shop.pk: {"payment": "cod"}}, token=checkout_token(buyer_client)))
    assert response["Location"] == "/orders/"
    assert dict(Order.objects.values_list("producer_id", "payment_method")) == {shop.pk: "bank_transfer", other_shop.pk: "cod"}
    page = buyer_client.get("/orders/").content.decode()
    for order in Order.objects.all():
        assert order.number in page


def test_forged_amounts_in_the_checkout_post_change_nothing(buyer_client, buyer, shop, scarf):
    fill_cart(buyer, (scarf, 2))
    forged = {
        "total": "1.00", "subtotal": "1.00", "price": "0.01", "unit_price": "0.01", "shipping": "0",
        "shipping_cost": "0", f"total_{shop.pk}": "1", "line_total": "1", "quantity": "10", "currency": "JPY",
    }
    buyer_client.post(CHECKOUT, checkout_post({shop.pk: {}}, token=checkout_token(buyer_client), **forged))
    order = Order.objects.get()
    assert order.total == scarf.price * 2 + Decimal("50.00") == Decimal("1750.00")
    assert (order.subtotal, order.shipping_cost, order.currency) == (Decimal("1700.00"), Decimal("50.00"), "THB")
    assert list(order.lines.values_list("unit_price", "quantity")) == [(Decimal("850.00"), 2)]
    assert stock_of(scarf) == 8


def test_forged_product_ids_in_the_checkout_post_change_nothing(buyer_client, buyer, shop, scarf):
    hidden = listing(shop, name_en="Unreleased shawl", price=Decimal("10.00"))
    catalogue_services.product_set_status(product=hidden, status=Product.Status.DRAFT)
    fill_cart(buyer, (scarf, 1))
    buyer_client.post(
        CHECKOUT,
        checkout_post({shop.pk: {}}, token=checkout_token(buyer_client), product=str(hidden.pk), product_id=str(hidden.pk), item=str(hidden.pk)),
    )
    order = Order.objects.get()
    assert list(order.lines.values_list("product_id", flat=True)) == [scarf.pk]
    assert stock_of(hidden) == 10


def test_checkout_refuses_a_payment_method_the_producer_does_not_accept(buyer_client, buyer, shop, scarf):
    SalesTerms.objects.filter(producer=shop).update(accepts_cash_on_delivery=False)
    fill_cart(buyer, (scarf, 1))
    response = buyer_client.post(CHECKOUT, checkout_post({shop.pk: {"payment": "cod"}}, token=checkout_token(buyer_client)))
    assert response.status_code == 200
    assert "does not take that payment method" in response.content.decode()
    assert not Order.objects.exists() and stock_of(scarf) == 10


def test_checkout_refuses_pickup_where_the_producer_has_no_stall(buyer_client, buyer, shop, other_shop, scarf):
    event = published_event()
    stall_at(event, other_shop)
    fill_cart(buyer, (scarf, 1))
    data = checkout_post({shop.pk: {"delivery": "pickup", "payment": "stall", "event": event.pk}}, token=checkout_token(buyer_client))
    response = buyer_client.post(CHECKOUT, data)
    assert response.status_code == 200
    assert "has no stall at that event" in response.content.decode()
    assert not Order.objects.exists() and stock_of(scarf) == 10


def test_checkout_for_pickup_needs_only_the_contact(buyer_client, buyer, shop, scarf):
    event = published_event()
    stall_at(event, shop)
    fill_cart(buyer, (scarf, 1))
    contact_only = {"full_name": "Naree Srisuk", "phone": "0812345678", "email": "naree@example.com", "country": "TH"}
    page = buyer_client.get(CHECKOUT).content.decode()
    assert f'name="pickup_event_{shop.pk}" value="{event.pk}"' in page
    data = checkout_post({shop.pk: {"delivery": "pickup", "payment": "stall", "event": event.pk}}, token=checkout_token(buyer_client), address=contact_only)
    assert buyer_client.post(CHECKOUT, data).status_code == 302
    order = Order.objects.get()
    assert (order.delivery_method, order.pickup_event_id, order.shipping_cost) == ("pickup", event.pk, Decimal("0"))


def test_checkout_for_shipping_needs_the_postal_address(buyer_client, buyer, shop, scarf):
    fill_cart(buyer, (scarf, 1))
    data = checkout_post({shop.pk: {}}, token=checkout_token(buyer_client), address=ADDRESS | {"address_line": "", "postcode": ""})
    response = buyer_client.post(CHECKOUT, data)
    assert response.status_code == 200
    assert "Needed for shipping." in response.content.decode()
    assert not Order.objects.exists()


def test_checkout_posted_twice_with_the_same_token_places_one_order_set(buyer_client, buyer, shop, scarf):
    fill_cart(buyer, (scarf, 2))
    data = checkout_post({shop.pk: {}}, token=checkout_token(buyer_client))
    first = buyer_client.post(CHECKOUT, data)
    second = buyer_client.post(CHECKOUT, data)
    order = Order.objects.get()
    assert first["Location"] == second["Location"] == f"/orders/{order.number}/"
    assert stock_of(scarf) == 8


def test_checkout_remembers_the_address_for_next_time(buyer_client, buyer, shop, scarf):
    fill_cart(buyer, (scarf, 1))
    buyer_client.post(CHECKOUT, checkout_post({shop.pk: {}}, token=checkout_token(buyer_client), address=ADDRESS | {"address_line": "12 Moo 3"}))
    assert BuyerAddress.objects.get(user=buyer).address_line == "12 Moo 3"
    fill_cart(buyer, (scarf, 1))
    response = buyer_client.get(CHECKOUT)
    form = response.context["form"]
    assert form.initial["address_line"] == "12 Moo 3"
    assert form.initial["postcode"] == "32000" and form.initial["phone"] == "081 234 5678"
    assert 'value="12 Moo 3"' in response.content.decode()


def test_checkout_gives_a_new_token_after_placing(buyer_client, buyer, shop, scarf):
    fill_cart(buyer, (scarf, 1))
    token = checkout_token(buyer_client)
    buyer_client.post(CHECKOUT, checkout_post({shop.pk: {}}, token=token))
    fill_cart(buyer, (scarf, 1))
    assert checkout_token(buyer_client) != token


@pytest.mark.usefixtures("unpaid_limits_raised")
def test_checkout_when_stock_ran_out_says_sold_out(buyer_client, buyer, shop, scarf):
    fill_cart(buyer, (scarf, 3))
    token = checkout_token(buyer_client)
    catalogue_services.product_set_stock(product=scarf, stock=1)
    response = buyer_client.post(CHECKOUT, checkout_post({shop.pk: {}}, token=token))
    assert response.status_code == 200
    assert "Sold out, or fewer left than you asked for: Mudmee silk scarf." in response.content.decode()
    assert not Order.objects.exists() and stock_of(scarf) == 1


@pytest.mark.parametrize(
    "extra",
    [
        {"pickup_event_{pid}": "abc", "delivery_{pid}": "pickup", "payment_{pid}": "stall"},
        {"pickup_event_{pid}": "99999999", "delivery_{pid}": "pickup", "payment_{pid}": "stall"},
        {"delivery_{pid}": "teleport"},
        {"payment_{pid}": ""},
        {"payment_{pid}": "x" * 3000},
        {"country": "ZZ"},
        {"email": "not-an-address"},
        {"checkout_token": ""},
        {"phone": "call me"},
    ],
)
def test_checkout_with_bad_input_answers_with_the_form_not_a_500(buyer_client, buyer, shop, scarf, extra):
    fill_cart(buyer, (scarf, 1))
    data = checkout_post({shop.pk: {}}, token=checkout_token(buyer_client))
    data |= {key.format(pid=shop.pk): value for key, value in extra.items()}
    response = buyer_client.post(CHECKOUT, data)
    assert response.status_code == 200
    assert not Order.objects.exists() and stock_of(scarf) == 10
