"""The figures of the producer's overview (/dashboard/): sales by week, orders waiting for
action, best sellers and low stock, in the group's own currency; only its own members see
them, and the page reads a fixed number of queries however many orders there are.

The figures come from the orders and the catalogue (higher floors than producers), through
their template tags: orders_tags.producer_figures, catalogue_tags.low_stock_products."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalogue.models import Product
from orders import selectors, services
from orders.models import DeliveryMethod, Order, PaymentMethod
from places.models import Place
from tests.factories import ProductFactory, UserFactory, listing, log_in, make_shop, member_of, place_one, published_event, stall_at, tambon_of
from tests.pages import page_queries
from tests.producers import imagefiles

State = Order.State


@pytest.fixture(autouse=True)
def unpaid_limits_raised(settings):
    """The fair-stock limits out of the way: these tests hold many unpaid orders at once."""
    settings.ORDERS_UNPAID_ORDERS_PER_ACCOUNT = 100
    settings.ORDERS_UNPAID_UNITS_PER_PRODUCT = 100


@pytest.fixture
def shop(categories, tha_sawang):
    return make_shop(name_en="Tha Sawang Silk Weavers", slug="tha-sawang-silk", place=tha_sawang)


@pytest.fixture
def manager(shop):
    return member_of(shop, username="somsri")


@pytest.fixture
def scarf(shop):
    return listing(shop, name_en="Mudmee silk scarf", price=Decimal("850.00"), stock=100)


@pytest.fixture
def yen_shop(categories, oita):
    return make_shop(name_en="Oita Kabosu Farmers", slug="oita-kabosu", place=oita, own_language="ja", promptpay_id="", terms={"flat_shipping_rate": Decimal("900")})


@pytest.fixture
def kabosu_juice(yen_shop):
    return listing(yen_shop, name_en="Kabosu juice", name_ja="かぼすジュース", price=Decimal("1200"), stock=100)


def sold(buyer, product, quantity=1, *, days_ago=0, state=State.PAID, by=None, **placing) -> Order:
    """An order of `quantity` × `product` placed `days_ago` days ago and moved (through the
    services) to `state`."""
    order = place_one(buyer, product, quantity, **placing)
    by = by or product.producer.memberships.first().user
    if state in (State.PAID, State.SHIPPED, State.DELIVERED, State.CANCELLED):
        if state != State.CANCELLED:
            order = services.order_transition(order=order, to_state=State.PAID, by=by)
        else:
            order = services.order_transition(order=order, to_state=State.CANCELLED, by=by, note="Out of silk")
    if state in (State.SHIPPED, State.DELIVERED):
        order = services.order_transition(order=order, to_state=State.SHIPPED, by=by, carrier="Thailand Post", tracking_number="EMS1TH")
    if state == State.DELIVERED:
        order = services.order_transition(order=order, to_state=State.DELIVERED, by=by)
    if days_ago:
        Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return order


# --- Sales by week ---------------------------------------------------------------------------------


def test_sales_by_week_sum_each_weeks_paid_and_sent_orders_in_twelve_weeks(buyer, manager, shop, scarf):
    sold(buyer, scarf, 1)
    sold(buyer, scarf, 2, state=State.SHIPPED)
    sold(buyer, scarf, 1, days_ago=21, state=State.DELIVERED)
    sold(buyer, scarf, 1, state=State.PENDING_PAYMENT)  # not paid yet: not a sale
    sold(buyer, scarf, 1, state=State.CANCELLED)
    sold(buyer, scarf, 1, days_ago=7 * 13)  # before the twelve weeks
    weeks = selectors.sales_by_week(producer=shop)
    assert len(weeks) == 12 and weeks[-1].starts_on == timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    assert [week.starts_on.weekday() for week in weeks] == [0] * 12
    # Shipping (50 baht flat) is part of what the buyer paid.
    assert (weeks[-1].total, weeks[-1].orders) == (Decimal("2650.00"), 2)
    assert (weeks[-4].total, weeks[-4].orders) == (Decimal("900.00"), 1)
    assert sum(week.total for week in weeks) == Decimal("3550.00")
    assert all(week.total == 0 for i, week in enumerate(weeks) if i not in (8, 11))


def test_a_week_starts_on_monday_in_the_sites_time_zone(buyer, manager, shop, scarf):
    order = sold(buyer, scarf, 1)
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    # Monday 00:30 in Bangkok is still Sunday in UTC: it counts for the week starting that Monday.
    early_monday = timezone.make_aware(timezone.datetime.combine(monday, timezone.datetime.min.time())) + timedelta(minutes=30)
    Order.objects.filter(pk=order.pk).update(created_at=early_monday)
    weeks = selectors.sales_by_week(producer=shop)
    assert weeks[-1].orders == 1 and weeks[-1].starts_on == monday


def test_the_overview_draws_the_weeks_and_writes_their_figures_in_baht(client, buyer, manager, shop, scarf):
    sold(buyer, scarf, 2)
    page = log_in(client, manager).get("/dashboard/").content.decode()
    assert 'data-chart="sales-by-week"' in page and 'class="chart__svg chart__svg--columns"' in page
    assert "฿1,750" in page  # 2 × 850 + 50 shipping, no satang shown for whole baht
    assert "฿1,750 in these weeks" in page


def test_a_japanese_group_sees_its_figures_in_yen_without_decimals(client, buyer, yen_shop, kabosu_juice):
    manager = member_of(yen_shop, username="kenta")
    sold(buyer, kabosu_juice, 2, by=manager)
    figures = selectors.producer_figures(producer=yen_shop)
    assert figures.currency == "JPY" and figures.weeks[-1].total == Decimal("3300.00")  # 2 × 1,200 + 900 shipping
    page = log_in(client, manager).get("/dashboard/").content.decode()
    assert "¥3,300" in page and "¥3,300.00" not in page and "฿" not in page
    page = client.get("/ja/dashboard/").content.decode()
    assert "¥3,300" in page and "かぼすジュース" in page  # the best seller under its Japanese name


def test_a_thai_group_with_satang_keeps_them(client, buyer, manager, shop):
    sweets = listing(shop, name_en="Thong yip", price=Decimal("45.50"), stock=20)
    sold(buyer, sweets, 1)
    page = log_in(client, manager).get("/th/dashboard/").content.decode()
    assert "฿95.50" in page  # 45.50 + 50 shipping


# --- Orders waiting for action ------------------------------------------------------------------


def test_orders_waiting_are_grouped_by_what_the_producer_does_next(buyer, manager, shop, scarf):
    with_slip = sold(buyer, scarf, state=State.PENDING_PAYMENT)
    services.slip_upload(order=with_slip, buyer=buyer, upload=imagefiles.good_jpeg("slip.jpg"))
    unpaid = sold(buyer, scarf, state=State.PENDING_PAYMENT)
    to_ship = sold(buyer, scarf)
    cash_on_delivery = sold(buyer, scarf, state=State.PENDING_PAYMENT, payment=PaymentMethod.CASH_ON_DELIVERY)
    event = published_event()
    stall_at(event, shop)
    at_the_stall = sold(buyer, scarf, delivery=DeliveryMethod.PICKUP, payment=PaymentMethod.PAY_AT_STALL, event=event)
    sold(buyer, scarf, state=State.SHIPPED)  # on its way: nothing to do
    sold(buyer, scarf, state=State.DELIVERED)
    actions = selectors.orders_to_act_on(producer=shop)
    numbers = {kind: [order.number for order in group.orders] for kind, group in actions.items()}
    assert numbers == {
        "confirm": [with_slip.number],
        "ship": [to_ship.number, cash_on_delivery.number],
        "hand_over": [at_the_stall.number],
        "unpaid": [unpaid.number],
    }
    assert {kind: group.count for kind, group in actions.items()} == {"confirm": 1, "ship": 2, "hand_over": 1, "unpaid": 1}


def test_the_overview_lists_the_oldest_waiting_orders_with_links_and_counts_them_all(client, buyer, manager, shop, scarf):
    orders = [sold(buyer, scarf, days_ago=10 - n) for n in range(7)]
    page = log_in(client, manager).get("/dashboard/").content.decode()
    assert "7 orders to ship" in page
    for order in orders[:5]:
        assert f'href="/dashboard/orders/{order.number}/"' in page
    assert orders[5].number not in page and orders[6].number not in page
    assert 'href="/dashboard/orders/?state=paid">See all 7' in page


def test_the_overview_says_when_no_order_waits(client, manager, shop):
    page = log_in(client, manager).get("/dashboard/").content.decode()
    assert "No order waits for you." in page


# --- Best sellers and low stock -----------------------------------------------------------------


def test_best_sellers_rank_by_revenue_over_ninety_days(buyer, manager, shop, scarf):
    pillow = listing(shop, name_en="Triangle pillow", price=Decimal("320.00"), stock=100)
    bag = listing(shop, name_en="Silk bag", price=Decimal("1500.00"), stock=100)
    sold(buyer, pillow, 4)  # 1,280
    sold(buyer, scarf, 1)  # 850
    sold(buyer, scarf, 1, days_ago=30)  # 850: 1,700 in all
    sold(buyer, bag, 2, days_ago=100)  # before the ninety days
    sold(buyer, bag, 1, state=State.PENDING_PAYMENT)  # not paid
    top = selectors.top_products(producer=shop)
    assert [(p.name, p.units, p.revenue) for p in top] == [
        ("Mudmee silk scarf", 2, Decimal("1700.00")),
        ("Triangle pillow", 4, Decimal("1280.00")),
    ]


def test_a_deleted_product_keeps_its_sales_under_the_name_it_was_sold_by(buyer, manager, shop, scarf):
    sold(buyer, scarf, 1)
    Product.objects.filter(pk=scarf.pk).delete()
    (top,) = selectors.top_products(producer=shop)
    assert (top.product_id, top.name, top.revenue) == (None, "Mudmee silk scarf", Decimal("850.00"))


def test_low_stock_lists_published_products_at_or_under_three_the_emptiest_first(client, manager, shop):
    listing(shop, name_en="Plenty", stock=4)
    listing(shop, name_en="Three left", stock=3)
    listing(shop, name_en="Sold out", stock=0)
    ProductFactory(producer=shop, name_en="A draft", stock=0, status=Product.Status.DRAFT)
    page = log_in(client, manager).get("/dashboard/").content.decode()
    section = page[page.index('data-figures="low-stock"'):]
    assert section.index("Sold out") < section.index("Three left")
    assert "3 left" in section and "sold out" in section
    assert "Plenty" not in section and "A draft" not in section


def test_a_new_group_sees_empty_figures_that_say_so(client, places, tha_sawang):
    newcomer = make_shop(name_en="New Group", slug="new-group", place=tambon_of(Place.objects.get(country="TH", level="province", slug="surin"), 1))
    manager = member_of(newcomer, username="newbie")
    page = log_in(client, manager).get("/dashboard/").content.decode()
    assert "No sales in these weeks yet." in page
    assert "Nothing sold in these days yet." in page
    assert "No order waits for you." in page
    assert "No published product has 3 units or fewer left." in page
    assert "<svg" not in page[page.index('data-figures="sales"'):page.index('data-figures="low-stock"')]


# --- Who sees them, and what they cost ----------------------------------------------------------


def test_another_groups_manager_never_sees_the_figures(client, buyer, manager, shop, scarf, categories, khon_kaen):
    order = sold(buyer, scarf, 3)
    other = make_shop(name_en="Chonnabot Mudmee Group", slug="chonnabot-mudmee", place=tambon_of(khon_kaen))
    other_manager = member_of(other, username="boonmee")
    log_in(client, other_manager)
    # Even with the other group forced into the session, the dashboard shows one's own group.
    session = client.session
    session["dashboard_producer_id"] = shop.pk
    session.save()
    page = client.get("/dashboard/").content.decode()
    assert "Chonnabot Mudmee Group" in page
    assert order.number not in page and "Mudmee silk scarf" not in page and "฿2,600" not in page
    assert "No sales in these weeks yet." in page


def test_a_visitor_is_sent_to_log_in(client, db):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_overview_reads_the_same_queries_for_3_orders_as_for_30(client, manager, shop, scarf, django_assert_max_num_queries):
    buyers = [UserFactory(username=f"buyer{n}") for n in range(3)]
    products = [scarf, *(listing(shop, name_en=f"Scarf {n}", stock=100) for n in range(4))]
    for n in range(3):
        sold(buyers[n % 3], products[n % 5], days_ago=n * 5, state=(State.PAID, State.PENDING_PAYMENT, State.DELIVERED)[n % 3])
    listing(shop, name_en="Nearly gone", stock=1)
    log_in(client, manager)
    few = page_queries(client, "/dashboard/")
    for n in range(3, 30):
        sold(buyers[n % 3], products[n % 5], days_ago=n * 3, state=(State.PAID, State.PENDING_PAYMENT, State.DELIVERED)[n % 3])
        listing(shop, name_en=f"Nearly gone {n}", stock=n % 3)
    assert page_queries(client, "/dashboard/") == few
    # The figures, the orders waiting, the low stock and the onboarding checklist (its steps ask
    # each app once): bounded, and the same however many orders.
    with django_assert_max_num_queries(18):
        client.get("/dashboard/")
