"""Fair stock: one account cannot hoard a product with unpaid orders (a few unpaid orders at once,
and of one product at most a few units or a share of its stock), methods that pay at once hold
the stock briefly, producers see what unpaid orders hold, and nobody buys from or reviews their
own group. The races of one account's checkouts are in test_services_concurrency.py."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalogue.models import Product
from orders import services
from orders.models import CartItem, DeliveryMethod, Order, PaymentMethod, Review, SalesTerms
from producers.models import ProducerMembership
from tests.factories import (
    ADDRESS,
    TEST_PASSWORD,
    ProducerMembershipFactory,
    cart_of,
    checkout_post,
    fill_cart,
    listing,
    log_in,
    place_one,
)
from tests.producers import imagefiles

State = Order.State
CHECKOUT = "/checkout/"
LISTINGS = "/dashboard/products/"


def stock_of(product: Product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def check_out(buyer, cart, *producers, payment: str = PaymentMethod.BANK_TRANSFER, token: str = "t-fair") -> list[Order]:
    choice = services.ProducerChoice(delivery=DeliveryMethod.SHIPPING, payment=payment)
    return services.order_place(
        buyer=buyer, cart=cart, checkout_token=token, address=ADDRESS, choices={producer.pk: choice for producer in producers}
    )


def test_the_limits_have_documented_defaults(settings):
    assert settings.ORDERS_UNPAID_ORDERS_PER_ACCOUNT == 5
    assert (settings.ORDERS_UNPAID_UNITS_PER_PRODUCT, settings.ORDERS_UNPAID_SHARE_PERCENT) == (2, 25)
    assert settings.ORDERS_PAYMENT_HOLD_HOURS == {"promptpay": 2, "bank_transfer": 24}


# --- How many unpaid orders one account may have -----------------------------------------------------


def test_a_sixth_unpaid_order_is_refused_and_nothing_is_placed(buyer, shop):
    products = [listing(shop, name_en=f"Scarf {n}") for n in range(6)]
    for product in products[:5]:
        place_one(buyer, product)
    cart = fill_cart(buyer, (products[5], 1))
    with pytest.raises(ValidationError) as caught:
        check_out(buyer, cart, shop)
    assert caught.value.messages == [
        "You have 5 unpaid orders; one account may have at most 5 at once. Pay for or cancel an order before placing more."
    ]
    assert Order.objects.count() == 5
    assert stock_of(products[5]) == 10
    assert cart.items.get().quantity == 1


def test_paid_and_cancelled_orders_do_not_count_against_the_limit(buyer, manager, shop):
    products = [listing(shop, name_en=f"Scarf {n}") for n in range(7)]
    orders = [place_one(buyer, product) for product in products[:5]]
    services.order_transition(order=orders[0], to_state=State.PAID, by=manager)
    services.order_transition(order=orders[1], to_state=State.CANCELLED, by=buyer, note="Ordered twice")
    place_one(buyer, products[5])
    place_one(buyer, products[6])
    assert Order.objects.filter(buyer=buyer, state=State.PENDING_PAYMENT).count() == 5


def test_each_producers_order_of_one_checkout_counts(buyer, shop, other_shop, pillow):
    for n in range(4):
        place_one(buyer, listing(shop, name_en=f"Scarf {n}"))
    cart = fill_cart(buyer, (listing(shop, name_en="Shawl"), 1), (pillow, 1))
    with pytest.raises(ValidationError, match="at most 5 at once"):
        check_out(buyer, cart, shop, other_shop)
    assert Order.objects.count() == 4 and stock_of(pillow) == 5


def test_the_count_limit_follows_the_setting(settings, buyer, shop, other_buyer):
    settings.ORDERS_UNPAID_ORDERS_PER_ACCOUNT = 1
    place_one(buyer, listing(shop, name_en="Scarf"))
    with pytest.raises(ValidationError, match="at most 1 at once"):
        place_one(buyer, listing(shop, name_en="Shawl"))
    place_one(other_buyer, listing(shop, name_en="Pillow"))  # the limit is each account's own


# --- How much of one product one account may hold unpaid ----------------------------------------------


def test_of_a_small_stock_one_account_holds_at_most_two_units_unpaid(buyer, shop, scarf):
    place_one(buyer, scarf, 2)
    cart = fill_cart(buyer, (scarf, 1))
    with pytest.raises(ValidationError) as caught:
        check_out(buyer, cart, shop)
    assert caught.value.messages == [
        "Mudmee silk scarf: one account may hold at most 2 units unpaid (you hold 2 in unpaid orders and asked for 1). "
        "Pay for your unpaid orders first, or order fewer."
    ]
    assert stock_of(scarf) == 8 and Order.objects.count() == 1


def test_the_whole_stock_cannot_go_to_one_unpaid_order(buyer, shop):
    """The hoarding of the issue: one account ordering everything there is without paying."""
    basket = listing(shop, name_en="Bamboo basket", stock=4)
    with pytest.raises(ValidationError, match="Bamboo basket: one account may hold at most 2 units unpaid"):
        place_one(buyer, basket, 4)
    assert stock_of(basket) == 4 and not Order.objects.exists()


def test_of_a_large_stock_one_account_holds_a_quarter_unpaid(buyer, shop):
    rice = listing(shop, name_en="Hom Mali rice", stock=100)
    place_one(buyer, rice, 25)
    with pytest.raises(ValidationError, match="at most 25 units unpaid"):
        place_one(buyer, rice, 1)
    assert stock_of(rice) == 75


def test_the_share_is_of_the_whole_stock_including_what_unpaid_orders_hold(buyer, other_buyer, shop):
    rice = listing(shop, name_en="Hom Mali rice", stock=40)
    place_one(other_buyer, rice, 2)
    # 38 in stock and 2 held: a quarter of 40 is 10 (of the 38 left it would be 9).
    place_one(buyer, rice, 10)
    assert stock_of(rice) == 28


def test_a_paid_order_no_longer_holds_against_the_share(buyer, manager, scarf):
    order = place_one(buyer, scarf, 2)
    services.order_transition(order=order, to_state=State.PAID, by=manager)
    place_one(buyer, scarf, 2)
    assert stock_of(scarf) == 6


def test_every_product_over_its_share_is_named(buyer, shop):
    scarf = listing(shop, name_en="Mudmee silk scarf", stock=8)
    shawl = listing(shop, name_en="Lotus silk shawl", stock=12)
    cart = fill_cart(buyer, (scarf, 3), (shawl, 4))
    with pytest.raises(ValidationError) as caught:
        check_out(buyer, cart, shop)
    assert [message.split(":")[0] for message in caught.value.messages] == ["Mudmee silk scarf", "Lotus silk shawl"]
    assert "at most 3 units unpaid" in caught.value.messages[1]
    assert (stock_of(scarf), stock_of(shawl)) == (8, 12) and not Order.objects.exists()


def test_the_share_follows_the_settings(settings, buyer, scarf):
    settings.ORDERS_UNPAID_UNITS_PER_PRODUCT = 1
    settings.ORDERS_UNPAID_SHARE_PERCENT = 50
    place_one(buyer, scarf, 5)
    with pytest.raises(ValidationError, match="at most 5 units unpaid"):
        place_one(buyer, scarf, 1)


def test_the_checkout_page_shows_the_limit_and_places_nothing(buyer_client, buyer, shop, scarf):
    place_one(buyer, scarf, 2)
    fill_cart(buyer, (scarf, 1))
    token = buyer_client.get(CHECKOUT).context["checkout_token"]
    response = buyer_client.post(CHECKOUT, checkout_post({shop.pk: {}}, token=token))
    assert response.status_code == 200
    assert "Mudmee silk scarf: one account may hold at most 2 units unpaid" in response.content.decode()
    assert Order.objects.count() == 1 and stock_of(scarf) == 8


# --- How long an unpaid order holds its stock ---------------------------------------------------------


def hours_held(order: Order) -> float:
    return (order.expires_at - order.created_at).total_seconds() / 3600


def test_promptpay_holds_two_hours_and_a_transfer_a_day(buyer, shop):
    promptpay = place_one(buyer, listing(shop, name_en="Scarf"), payment=PaymentMethod.PROMPTPAY)
    transfer = place_one(buyer, listing(shop, name_en="Shawl"), payment=PaymentMethod.BANK_TRANSFER)
    cod = place_one(buyer, listing(shop, name_en="Pillow"), payment=PaymentMethod.CASH_ON_DELIVERY)
    assert round(hours_held(promptpay)) == 2
    assert round(hours_held(transfer)) == 24
    assert cod.expires_at is None


def test_a_producer_allowing_less_time_than_the_method_decides(buyer, shop, scarf):
    SalesTerms.objects.filter(producer=shop).update(unpaid_expiry_hours=1)
    assert round(hours_held(place_one(buyer, scarf, payment=PaymentMethod.PROMPTPAY))) == 1
    assert round(hours_held(place_one(buyer, listing(shop, name_en="Shawl")))) == 1


def test_the_holds_follow_the_settings(settings, buyer, scarf):
    settings.ORDERS_PAYMENT_HOLD_HOURS = {"promptpay": 5, "bank_transfer": 30}
    assert round(hours_held(place_one(buyer, scarf, payment=PaymentMethod.PROMPTPAY))) == 5
    assert round(hours_held(place_one(buyer, scarf))) == 30


def test_an_unpaid_promptpay_order_is_released_after_its_hold(buyer, shop, scarf):
    promptpay = place_one(buyer, scarf, 2, payment=PaymentMethod.PROMPTPAY)
    transfer = place_one(buyer, listing(shop, name_en="Shawl"))
    assert services.orders_expire(now=timezone.now() + timedelta(hours=1)) == 0
    assert services.orders_expire(now=timezone.now() + timedelta(hours=3)) == 1
    promptpay.refresh_from_db(), transfer.refresh_from_db()
    assert (promptpay.state, transfer.state) == (State.CANCELLED, State.PENDING_PAYMENT)
    assert stock_of(scarf) == 10


def test_a_slip_sent_in_time_keeps_the_order_until_the_producers_own_expiry(buyer, scarf):
    order = place_one(buyer, scarf, payment=PaymentMethod.PROMPTPAY)
    services.slip_upload(order=order, buyer=buyer, upload=imagefiles.upload("slip.png", imagefiles.png_bytes(), "image/png"))
    order.refresh_from_db()
    assert round(hours_held(order)) == 48
    assert services.orders_expire(now=timezone.now() + timedelta(hours=3)) == 0


def test_a_rejected_slip_no_longer_keeps_the_order_past_the_methods_hold(buyer, manager, scarf):
    """Any picture sent as a slip extends a PromptPay order to the producer's own expiry; once the
    producer rejects it, the order is back to the method's hold (from the rejection)."""
    order = place_one(buyer, scarf, payment=PaymentMethod.PROMPTPAY)
    slip = services.slip_upload(order=order, buyer=buyer, upload=imagefiles.upload("cat.png", imagefiles.png_bytes(), "image/png"))

    services.slip_review(slip=slip, by=manager, accept=False, note="This is not a transfer slip.")

    order.refresh_from_db()
    assert (order.expires_at - timezone.now()) <= timedelta(hours=2)
    assert services.orders_expire(now=timezone.now() + timedelta(hours=3)) == 1
    assert stock_of(scarf) == 10


def test_a_rejected_slip_leaves_the_hold_of_another_slip_still_waiting(buyer, manager, scarf):
    order = place_one(buyer, scarf, payment=PaymentMethod.PROMPTPAY)
    first = services.slip_upload(order=order, buyer=buyer, upload=imagefiles.upload("a.png", imagefiles.png_bytes(), "image/png"))
    services.slip_upload(order=order, buyer=buyer, upload=imagefiles.upload("b.png", imagefiles.png_bytes(), "image/png"))

    services.slip_review(slip=first, by=manager, accept=False, note="Blurred.")

    order.refresh_from_db()
    assert round(hours_held(order)) == 48


def test_the_order_page_and_e_mail_say_when_to_pay_by(buyer_client, buyer, scarf, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = place_one(buyer, scarf, payment=PaymentMethod.PROMPTPAY)
    when = timezone.localtime(order.expires_at).strftime("%-d %b %Y %H:%M")
    assert f"Please pay by {when}" in buyer_client.get(f"/orders/{order.number}/").content.decode()
    (to_buyer,) = [message for message in mail.outbox if message.to == [buyer.email]]
    assert f"Please pay by {when}" in to_buyer.body
    assert f"Please pay by {when}" in to_buyer.alternatives[0][0]


# --- The producer sees what unpaid orders hold --------------------------------------------------------


def test_the_listings_show_what_unpaid_orders_hold_and_link_to_them(client, buyer, other_buyer, manager, shop, scarf):
    shawl = listing(shop, name_en="Lotus silk shawl")
    place_one(buyer, scarf, 2)
    place_one(other_buyer, scarf, 1)
    services.order_transition(order=place_one(other_buyer, shawl, 1), to_state=State.PAID, by=manager)
    log_in(client, manager)
    page = client.get(LISTINGS).content.decode()
    link = f"/dashboard/orders/?state=pending_payment&amp;product={scarf.pk}"
    assert f'<a class="reservation-note" href="{link}">3 reserved in 2 unpaid orders</a>' in page
    assert f"product={shawl.pk}" not in page  # a paid order holds nothing any more
    assert "3 reserved in 2 unpaid orders" in client.get(f"/dashboard/products/{scarf.pk}/").content.decode()


def test_the_reservation_link_lists_those_orders(client, buyer, other_buyer, manager, shop, scarf):
    shawl = listing(shop, name_en="Lotus silk shawl")
    with_scarf = place_one(buyer, scarf, 2)
    with_shawl = place_one(other_buyer, shawl, 1)
    log_in(client, manager)
    page = client.get(f"/dashboard/orders/?state=pending_payment&product={scarf.pk}").content.decode()
    assert with_scarf.number in page and with_shawl.number not in page
    assert client.get("/dashboard/orders/?product=abc").status_code == 200


def test_the_listings_read_what_is_held_in_one_query_however_many_products(client, buyer, other_buyer, manager, shop, scarf):
    place_one(buyer, scarf, 1)
    log_in(client, manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LISTINGS).status_code == 200
        return len(captured)

    one = queries()
    for n in range(4):
        product = listing(shop, name_en=f"Shawl {n}")
        place_one(buyer if n % 2 else other_buyer, product, 1)
    assert queries() == one
    assert client.get(LISTINGS).content.decode().count("reserved in 1 unpaid order<") == 5


# --- Nobody buys from or reviews their own group ------------------------------------------------------


def test_a_member_cannot_put_the_groups_product_in_the_cart(manager, scarf):
    with pytest.raises(ValidationError, match="You cannot buy your own group's products: Mudmee silk scarf."):
        services.cart_add_item(cart=cart_of(manager), product=scarf, quantity=1)
    assert not CartItem.objects.exists()


def test_the_cart_page_tells_a_member_why(client, member, scarf, pillow):
    log_in(client, member)
    response = client.post("/cart/add/", {"product": scarf.slug, "quantity": "1"}, follow=True)
    assert "You cannot buy your own group&#x27;s products: Mudmee silk scarf." in response.content.decode()
    client.post("/cart/add/", {"product": pillow.slug, "quantity": "1"})  # another group's is fine
    assert list(CartItem.objects.values_list("product_id", flat=True)) == [pillow.pk]


def test_checkout_refuses_a_product_of_a_group_joined_after_adding_it(buyer, shop, scarf):
    cart = fill_cart(buyer, (scarf, 1))
    ProducerMembershipFactory(producer=shop, user=buyer, role=ProducerMembership.Role.MEMBER)
    with pytest.raises(ValidationError, match="You cannot buy your own group's products: Mudmee silk scarf."):
        check_out(buyer, cart, shop)
    assert not Order.objects.exists() and stock_of(scarf) == 10


def test_an_anonymous_cart_brought_to_a_members_account_is_refused_at_checkout(client, manager, shop, scarf):
    client.post("/cart/add/", {"product": scarf.slug, "quantity": "1"})
    client.post(reverse("accounts:login"), {"username": manager.username, "password": TEST_PASSWORD})  # the carts join
    assert CartItem.objects.get(cart__user=manager).product_id == scarf.pk
    token = client.get(CHECKOUT).context["checkout_token"]
    response = client.post(CHECKOUT, checkout_post({shop.pk: {}}, token=token))
    assert response.status_code == 200
    assert "You cannot buy your own group&#x27;s products" in response.content.decode()
    assert not Order.objects.exists() and stock_of(scarf) == 10


def delivered_to(buyer, manager, product) -> Order:
    order = place_one(buyer, product)
    for state, extra in ((State.PAID, {}), (State.SHIPPED, {"carrier": "Kerry", "tracking_number": "K1"}), (State.DELIVERED, {})):
        order = services.order_transition(order=order, to_state=state, by=manager, **extra)
    return order


def test_a_member_of_the_producer_cannot_review_its_product(buyer, manager, shop, scarf):
    """An order from before the buyer joined the group (or from before this rule) still gives
    its member no review."""
    order = delivered_to(buyer, manager, scarf)
    ProducerMembershipFactory(producer=shop, user=buyer, role=ProducerMembership.Role.MEMBER)
    with pytest.raises(ValidationError, match="Members of a group cannot review its products."):
        services.review_create(line=order.lines.get(), buyer=buyer, rating=5, text="Best scarf ever")
    assert not Review.objects.exists()


def test_the_order_page_offers_a_member_no_review_form(buyer_client, buyer, manager, shop, scarf):
    order = delivered_to(buyer, manager, scarf)
    assert 'value="review"' in buyer_client.get(f"/orders/{order.number}/").content.decode()
    ProducerMembershipFactory(producer=shop, user=buyer, role=ProducerMembership.Role.MEMBER)
    page = buyer_client.get(f"/orders/{order.number}/").content.decode()
    assert 'value="review"' not in page
    assert "Members of a group cannot review its products." in page
    response = buyer_client.post(f"/orders/{order.number}/", {"action": "review", "line": order.lines.get().pk, "rating": "5", "text": "Best"}, follow=True)
    assert "Members of a group cannot review its products." in response.content.decode()
    assert not Review.objects.exists()


def test_a_buyer_from_another_group_still_reviews(buyer, manager, other_shop, scarf):
    ProducerMembershipFactory(producer=other_shop, user=buyer, role=ProducerMembership.Role.MEMBER)
    order = delivered_to(buyer, manager, scarf)
    services.review_create(line=order.lines.get(), buyer=buyer, rating=5, text="Lovely weave")
    assert Review.objects.count() == 1



def test_the_sales_terms_tell_the_producer_how_long_each_method_holds(client, manager):
    page = log_in(client, manager).get("/dashboard/sales-terms/").content.decode()
    assert "Unpaid PromptPay orders are held at most 2 hours and bank transfers 24 hours" in page


def test_a_slip_sent_after_the_hold_ran_out_extends_nothing(buyer, scarf):
    order = place_one(buyer, scarf, payment=PaymentMethod.PROMPTPAY)
    late = timezone.now() - timedelta(minutes=1)
    Order.objects.filter(pk=order.pk).update(expires_at=late)
    order.refresh_from_db()
    services.slip_upload(order=order, buyer=buyer, upload=imagefiles.upload("slip.png", imagefiles.png_bytes(), "image/png"))
    order.refresh_from_db()
    assert order.expires_at == late
    assert services.orders_expire() == 1
