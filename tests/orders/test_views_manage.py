"""The producer's order tools in /dashboard/: the list filtered by state, the CSV export, the
packing slip, and the sales terms (managers only)."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from orders import services
from orders.models import Order, PaymentMethod, SalesTerms, ShippingBand
from producers.models import ProducerMembership
from producers.views.mixins import CURRENT_PRODUCER_SESSION_KEY
from tests.factories import ADDRESS, ProducerMembershipFactory, listing, log_in, place_one, place_order

State = Order.State


@pytest.fixture
def manager_client(client, manager):
    return log_in(client, manager)


@pytest.fixture
def orders_in_states(buyer, other_buyer, manager, scarf):
    pending = place_one(buyer, scarf)
    paid = services.order_transition(order=place_one(other_buyer, scarf, 2), to_state=State.PAID, by=manager)
    cancelled = services.order_transition(order=place_one(buyer, scarf), to_state=State.CANCELLED, by=manager, note="Out of dye")
    return {"pending": pending, "paid": paid, "cancelled": cancelled}


def test_the_order_list_filters_by_state(manager_client, orders_in_states):
    numbers = {name: order.number for name, order in orders_in_states.items()}
    page = manager_client.get("/dashboard/orders/").content.decode()
    assert all(number in page for number in numbers.values())
    page = manager_client.get("/dashboard/orders/?state=paid").content.decode()
    assert numbers["paid"] in page
    assert numbers["pending"] not in page and numbers["cancelled"] not in page
    response = manager_client.get("/dashboard/orders/?state=pending_payment")
    assert [order.number for order in response.context["orders"]] == [numbers["pending"]]
    assert response.context["counts"] == {"pending_payment": 1, "paid": 1, "cancelled": 1}


@pytest.mark.parametrize("state", ["garbage", "", "paid' OR 1=1 --", "x" * 500])
def test_the_order_list_ignores_an_unknown_state(manager_client, orders_in_states, state):
    response = manager_client.get("/dashboard/orders/", {"state": state})
    assert response.status_code == 200
    assert len(response.context["orders"]) == 3


def test_the_order_list_shows_only_the_producers_own_orders(client, other_manager, orders_in_states, other_shop, buyer):
    own = place_one(buyer, listing(other_shop, name_en="Triangle pillow"))
    response = log_in(client, other_manager).get("/dashboard/orders/")
    assert [order.number for order in response.context["orders"]] == [own.number]


def test_the_csv_export_has_one_row_per_order_line(manager_client, buyer, manager, shop, other_shop, scarf):
    shawl = listing(shop, name_en="Lotus silk shawl", price=Decimal("1200.00"), stock=3)
    pillow = listing(other_shop, name_en="Triangle pillow")
    orders = place_order(buyer, (scarf, 2), (shawl, 1), (pillow, 1))
    order = next(o for o in orders if o.producer_id == shop.pk)
    services.order_transition(order=order, to_state=State.PAID, by=manager)
    services.order_transition(order=order, to_state=State.SHIPPED, by=manager, carrier="Thailand Post", tracking_number="EMS1TH")
    cod = place_one(buyer, scarf, 1, payment=PaymentMethod.CASH_ON_DELIVERY)

    response = manager_client.get("/dashboard/orders/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"] and "tha-sawang-silk" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0]) == [
        "order", "placed", "state", "buyer", "product", "quantity", "unit_price", "line_total", "shipping",
        "order_total", "currency", "payment", "delivery", "carrier", "tracking_number",
    ]
    assert len(rows) == 3  # two lines of the shipped order, one of the COD order; not the other shop's
    assert {row["product"] for row in rows} == {"Mudmee silk scarf", "Lotus silk shawl"}
    shipped = sorted((row for row in rows if row["order"] == order.number), key=lambda row: row["product"])
    assert [(r["product"], r["quantity"], r["unit_price"], r["line_total"]) for r in shipped] == [
        ("Lotus silk shawl", "1", "1200.00", "1200.00"),
        ("Mudmee silk scarf", "2", "850.00", "1700.00"),
    ]
    for row in shipped:
        assert (row["state"], row["order_total"], row["shipping"], row["currency"]) == ("shipped", "2950.00", "50.00", "THB")
        assert (row["carrier"], row["tracking_number"], row["payment"], row["delivery"]) == ("Thailand Post", "EMS1TH", "bank_transfer", "shipping")
        assert row["buyer"] == "Naree Srisuk"
    (cod_row,) = [row for row in rows if row["order"] == cod.number]
    assert (cod_row["state"], cod_row["payment"], cod_row["order_total"]) == ("pending_payment", "cod", "900.00")


def test_the_csv_export_keeps_thai_names(manager_client, buyer, shop):
    thai = listing(shop, name_en="Mudmee silk", name_th="ผ้าไหมมัดหมี่")
    place_one(buyer, thai, address=ADDRESS | {"full_name": "นารี ศรีสุข"})
    text = manager_client.get("/dashboard/orders/export.csv").content.decode("utf-8")
    assert "นารี ศรีสุข" in text


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.example","Click")', "+66 81 234 5678", "-1+1", "@SUM(A1)"])
def test_the_csv_export_keeps_buyer_text_from_becoming_a_formula(manager_client, buyer, scarf, name):
    place_one(buyer, scarf, address=ADDRESS | {"full_name": name})
    text = manager_client.get("/dashboard/orders/export.csv").content.decode("utf-8").lstrip("\ufeff")
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["buyer"] == "'" + name


def test_the_packing_slip_lists_what_to_pack_and_where(manager_client, buyer, shop, scarf):
    shawl = listing(shop, name_en="Lotus silk shawl", stock=3)
    (order,) = place_order(buyer, (scarf, 2), (shawl, 1))
    response = manager_client.get(f"/dashboard/orders/{order.number}/packing-slip/")
    assert response.status_code == 200
    page = response.content.decode()
    assert order.number in page
    assert "Mudmee silk scarf" in page and "Lotus silk shawl" in page
    assert "Naree Srisuk" in page and "081 234 5678" in page and "32000" in page
    assert "Packing slip" in page


def test_the_packing_slip_needs_a_member_of_the_producer(client, buyer, other_buyer, scarf):
    order = place_one(buyer, scarf)
    assert client.get(f"/dashboard/orders/{order.number}/packing-slip/").status_code == 302
    response = log_in(client, other_buyer).get(f"/dashboard/orders/{order.number}/packing-slip/")
    assert response.status_code != 200


def test_the_sales_terms_page_is_for_managers(manager_client, shop):
    response = manager_client.get("/dashboard/sales-terms/")
    assert response.status_code == 200
    data = {
        "accepts_bank_transfer": "on", "accepts_cash_on_delivery": "on", "flat_shipping_rate": "60.00",
        "unpaid_expiry_hours": "24",
        "bands-TOTAL_FORMS": "1", "bands-INITIAL_FORMS": "0", "bands-MIN_NUM_FORMS": "0", "bands-MAX_NUM_FORMS": "10",
        "bands-0-max_weight_grams": "1000", "bands-0-price": "45.00",
    }
    assert manager_client.post("/dashboard/sales-terms/", data).status_code == 302
    terms = SalesTerms.objects.get(producer=shop)
    assert (terms.accepts_bank_transfer, terms.accepts_promptpay, terms.accepts_cash_on_delivery, terms.accepts_pay_at_stall) == (True, False, True, False)
    assert (terms.flat_shipping_rate, terms.unpaid_expiry_hours) == (Decimal("60.00"), 24)
    assert list(ShippingBand.objects.filter(terms=terms).values_list("max_weight_grams", "price")) == [(1000, Decimal("45.00"))]
    shop.refresh_from_db()
    shop.sales_terms.refresh_from_db()
    assert services.payment_methods_for(shop) == [PaymentMethod.BANK_TRANSFER, PaymentMethod.CASH_ON_DELIVERY]


def test_the_sales_terms_page_refuses_bad_values(manager_client, shop):
    data = {"flat_shipping_rate": "-5", "unpaid_expiry_hours": "0", "bands-TOTAL_FORMS": "0", "bands-INITIAL_FORMS": "0"}
    response = manager_client.post("/dashboard/sales-terms/", data)
    assert response.status_code == 200
    terms = SalesTerms.objects.get(producer=shop)
    assert (terms.flat_shipping_rate, terms.unpaid_expiry_hours) == (Decimal("50.00"), 48)


def test_the_sales_terms_page_is_403_for_a_plain_member(client, member, shop):
    log_in(client, member)
    assert client.get("/dashboard/sales-terms/").status_code == 403
    assert client.post("/dashboard/sales-terms/", {"flat_shipping_rate": "0", "unpaid_expiry_hours": "1"}).status_code == 403
    assert SalesTerms.objects.get(producer=shop).flat_shipping_rate == Decimal("50.00")


def test_a_plain_member_still_handles_orders(client, member, buyer, scarf):
    order = place_one(buyer, scarf)
    log_in(client, member)
    assert client.get("/dashboard/orders/").status_code == 200
    client.post(f"/dashboard/orders/{order.number}/", {"action": "paid"})
    order.refresh_from_db()
    assert order.state == State.PAID


@pytest.mark.parametrize("number", ["garbage", "OT000000-AAAAAA", "x" * 300, "'; DROP TABLE orders_order; --", "%E0%B8%81"])
def test_a_garbage_order_number_is_a_404_in_the_dashboard(manager_client, number):
    for url in (f"/dashboard/orders/{number}/", f"/dashboard/orders/{number}/packing-slip/"):
        assert manager_client.get(url).status_code == 404
    assert manager_client.post(f"/dashboard/orders/{number}/", {"action": "paid"}).status_code == 404


# --- a member of several groups follows an order link ---------------------------------------------


@pytest.fixture
def member_of_both(manager, other_shop):
    """The shop's manager is also a member of the other shop, whose name sorts first, so the
    dashboard shows the other shop until he chooses."""
    ProducerMembershipFactory(producer=other_shop, user=manager, role=ProducerMembership.Role.MEMBER)
    return manager


@pytest.mark.parametrize("page", ["", "packing-slip/"])
def test_an_order_link_opens_the_orders_group_for_a_member_of_several(client, member_of_both, buyer, shop, other_shop, scarf, page):
    order = place_one(buyer, scarf)
    client = log_in(client, member_of_both)
    assert client.get("/dashboard/").context["producer"] == other_shop  # another group selected

    response = client.get(f"/dashboard/orders/{order.number}/{page}")

    assert response.status_code == 200
    assert response.context["order"] == order
    assert response.context["producer"] == shop
    assert client.session[CURRENT_PRODUCER_SESSION_KEY] == shop.pk
    dashboard = client.get("/dashboard/")
    assert dashboard.context["producer"] == shop
    shown = [str(message) for message in get_messages(response.wsgi_request)] + [
        str(message) for message in dashboard.context["messages"]
    ]
    assert any(order.number in message and shop.display_name in message for message in shown)


def test_an_order_action_works_for_a_member_of_several_whatever_group_is_selected(client, member_of_both, buyer, shop, other_shop, scarf):
    order = place_one(buyer, scarf)
    client = log_in(client, member_of_both)
    client.post("/dashboard/switch/", {"producer": other_shop.pk})
    response = client.post(f"/dashboard/orders/{order.number}/", {"action": "paid"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == State.PAID


@pytest.mark.parametrize("page", ["", "packing-slip/"])
def test_an_order_of_a_group_one_is_not_member_of_is_still_not_found(client, other_manager, buyer, other_shop, scarf, page):
    order = place_one(buyer, scarf)
    client = log_in(client, other_manager)
    assert client.get(f"/dashboard/orders/{order.number}/{page}").status_code == 404
    assert client.post(f"/dashboard/orders/{order.number}/", {"action": "paid"}).status_code == 404
    order.refresh_from_db()
    assert order.state == State.PENDING_PAYMENT
    assert client.session.get(CURRENT_PRODUCER_SESSION_KEY) != order.producer_id
