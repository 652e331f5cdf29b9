"""Staff in the Django admin (orders/admin.py): orders, reviews and sales terms to look up, read
only, in a fixed number of queries; the expiry of orders past their time through the service."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders import services
from orders.models import Order, OrderEvent, Review, SalesTerms
from tests.pages import page_queries
from tests.factories import log_in, place_one
from tests.producers import imagefiles

ORDERS = "/admin/orders/order/"
REVIEWS = "/admin/orders/review/"
SALES_TERMS = "/admin/orders/salesterms/"

pytestmark = pytest.mark.usefixtures("unpaid_limits_raised")


def test_the_order_changelist_answers_staff_in_the_same_queries_however_many_orders(staff_client, buyer, other_buyer, scarf, pillow):
    place_one(buyer, scarf)
    place_one(other_buyer, pillow)
    few = page_queries(staff_client, ORDERS)

    for _ in range(4):
        place_one(buyer, scarf)
        place_one(other_buyer, pillow)

    assert page_queries(staff_client, ORDERS) == few
    assert few <= 15


@pytest.mark.parametrize(("query", "expected"), [("state__exact=paid", ["paid"]), ("payment_method__exact=promptpay", ["promptpay"])])
def test_the_order_changelist_filters(staff_client, buyer, scarf, manager, query, expected):
    services.order_transition(order=place_one(buyer, scarf), to_state=Order.State.PAID, by=manager)
    place_one(buyer, scarf, payment="promptpay")

    response = staff_client.get(f"{ORDERS}?{query}")

    assert response.status_code == 200
    orders = response.context["cl"].result_list
    assert [order.state if "state" in query else order.payment_method for order in orders] == expected


def test_the_order_changelist_finds_an_order_by_number_and_buyer(staff_client, buyer, other_buyer, scarf):
    order = place_one(buyer, scarf)
    place_one(other_buyer, scarf)

    for q in (order.number, "buyer@example.com"):
        response = staff_client.get(ORDERS, {"q": q})
        assert [found.pk for found in response.context["cl"].result_list] == [order.pk], q


def test_an_orders_page_shows_its_lines_slips_and_history_read_only(staff_client, buyer, scarf):
    order = place_one(buyer, scarf, 2)
    slip = services.slip_upload(order=order, buyer=buyer, upload=imagefiles.good_jpeg("slip.jpg"))

    with CaptureQueriesContext(connection) as captured:
        response = staff_client.get(f"{ORDERS}{order.pk}/change/")

    assert response.status_code == 200
    assert len(captured.captured_queries) <= 30
    assert response.context["has_change_permission"] is False
    page = response.content.decode()
    assert order.number in page and "Mudmee silk scarf" in page
    assert 'name="state"' not in page and 'name="total"' not in page and order.checkout_token not in page
    slip_url = f"/orders/{order.number}/slips/{slip.pk}/"
    assert slip_url in page
    assert staff_client.get(slip_url).status_code == 200


def test_staff_cannot_add_change_or_delete_an_order_by_hand(staff_client, buyer, scarf):
    order = place_one(buyer, scarf)

    assert staff_client.get(f"{ORDERS}add/").status_code == 403
    assert staff_client.post(f"{ORDERS}{order.pk}/change/", {"state": "paid", "total": "1"}).status_code == 403
    assert staff_client.post(f"{ORDERS}{order.pk}/delete/", {"post": "yes"}).status_code == 403
    order.refresh_from_db()
    assert (order.state, order.total) == ("pending_payment", order.subtotal + order.shipping_cost)
    assert Order.objects.filter(pk=order.pk).exists()


def test_staff_cancel_the_selected_orders_past_their_time_and_only_those(staff_client, buyer, scarf):
    due = place_one(buyer, scarf, 3)
    in_time = place_one(buyer, scarf, 1)
    Order.objects.filter(pk=due.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = staff_client.post(ORDERS, {"action": "expire_selected", "_selected_action": [due.pk, in_time.pk]}, follow=True)

    assert "1 order cancelled." in [str(message) for message in response.context["messages"]]
    due.refresh_from_db()
    in_time.refresh_from_db()
    assert (due.state, in_time.state) == ("cancelled", "pending_payment")
    scarf.refresh_from_db()
    assert scarf.stock == 9
    event = OrderEvent.objects.get(order=due, to_state="cancelled")
    assert event.by is None and event.note == "Not paid in time."


def test_reviews_and_sales_terms_are_read_only(staff_client, buyer, manager, shop, scarf):
    order = place_one(buyer, scarf)
    for state in (Order.State.PAID, Order.State.SHIPPED, Order.State.DELIVERED):
        extra = {"carrier": "Thailand Post", "tracking_number": "EF123456789TH"} if state == Order.State.SHIPPED else {}
        services.order_transition(order=order, to_state=state, by=manager, **extra)
    review = services.review_create(line=order.lines.get(), buyer=buyer, rating=5, text="Beautiful weaving.")
    terms = SalesTerms.objects.get(producer=shop)

    assert page_queries(staff_client, REVIEWS) <= 15
    assert staff_client.get(f"{REVIEWS}{review.pk}/change/").status_code == 200
    assert page_queries(staff_client, SALES_TERMS) <= 15
    assert staff_client.get(f"{SALES_TERMS}{terms.pk}/change/").status_code == 200
    for url in (REVIEWS, SALES_TERMS):
        assert staff_client.get(f"{url}add/").status_code == 403
    assert staff_client.post(f"{REVIEWS}{review.pk}/change/", {"rating": "1"}).status_code == 403
    assert staff_client.post(f"{SALES_TERMS}{terms.pk}/change/", {"flat_shipping_rate": "0"}).status_code == 403
    assert Review.objects.get(pk=review.pk).rating == 5


def test_the_orders_admin_is_for_staff_only(client, buyer, manager):
    for user in (None, buyer, manager):
        if user is not None:
            log_in(client, user)
        for url in (ORDERS, REVIEWS, SALES_TERMS):
            assert client.get(url).status_code == 302, (user, url)

