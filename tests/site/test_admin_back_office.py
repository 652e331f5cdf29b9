"""Staff's back office in the Django admin: listings, orders with their lines, reviews and stall
applications, each listed and shown to staff read only, searched and filtered, in a number of
queries that does not grow with the rows; the decisions staff take there go through the
services (a review taken down, an application rejected); nobody else gets in."""

from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import Product
from catalogue.services import product_set_status
from events import services as event_services
from events.models import ApplicationStateChange, Event, StallApplication
from orders import services as order_services
from orders.models import Order, Review
from orders.selectors import product_reviews
from tests.factories import EventFactory, UserFactory, listing, log_in, make_shop, member_of, place_one
from tests.pages import page_queries

PRODUCTS = "/admin/catalogue/product/"
ORDERS = "/admin/orders/order/"
REVIEWS = "/admin/orders/review/"
APPLICATIONS = "/admin/events/stallapplication/"
CHANGELISTS = [PRODUCTS, ORDERS, REVIEWS, APPLICATIONS]

numbers = count(1)


class BackOffice:
    """What staff look at: per round, a new shop with a manager, a published listing, a delivered
    order of it with a review, and the shop's application to the fair."""

    def __init__(self):
        self.buyer = UserFactory(username="naree", email="naree@example.com")
        self.fair = EventFactory(name="OTOP City 2026", slug="otop-city-2026", status=Event.Status.OPEN)
        self.shops, self.products, self.orders, self.reviews, self.applications = [], [], [], [], []

    def add(self, rounds: int = 1) -> "BackOffice":
        for _ in range(rounds):
            n = next(numbers)
            shop = make_shop(name_en=f"Silk Group {n}", slug=f"silk-group-{n}")
            manager = member_of(shop, username=f"manager{n}")
            product = listing(shop, name_en=f"Mudmee scarf {n}")
            order = place_one(self.buyer, product)
            for state in (Order.State.PAID, Order.State.SHIPPED, Order.State.DELIVERED):
                extra = {"carrier": "Thailand Post", "tracking_number": f"EF{n:09d}TH"} if state == Order.State.SHIPPED else {}
                order_services.order_transition(order=order, to_state=state, by=manager, **extra)
            review = order_services.review_create(line=order.lines.get(), buyer=self.buyer, rating=1 + n % 5, text=f"Fine weaving, number {n}.")
            application = event_services.application_submit(event=self.fair, producer=shop, by=manager, products=[product], note="Near the door.")
            self.shops.append(shop)
            self.products.append(product)
            self.orders.append(order)
            self.reviews.append(review)
            self.applications.append(application)
        return self

    def change_pages(self) -> list[str]:
        return [
            f"{PRODUCTS}{self.products[0].pk}/change/",
            f"{ORDERS}{self.orders[0].pk}/change/",
            f"{REVIEWS}{self.reviews[0].pk}/change/",
            f"{APPLICATIONS}{self.applications[0].pk}/change/",
        ]


@pytest.fixture
def back_office(categories, places, settings) -> BackOffice:
    settings.ORDERS_UNPAID_ORDERS_PER_ACCOUNT = 100
    return BackOffice().add(2)


def result_pks(response) -> list[int]:
    assert response.status_code == 200
    return sorted(row.pk for row in response.context["cl"].result_list)


# --- Every list and every page answers staff ---------------------------------------------------


@pytest.mark.parametrize("url", CHANGELISTS)
def test_each_changelist_answers_staff_with_its_rows(staff_client, back_office, url):
    response = staff_client.get(url)

    assert response.status_code == 200
    assert response.context["cl"].result_count == 2


def test_the_listing_changelist_answers_200_for_staff(staff_client, back_office):
    """The issue's symptom: /admin/catalogue/product/ was a 404."""
    assert staff_client.get(PRODUCTS).status_code == 200


def test_each_change_page_answers_staff_read_only_in_a_bounded_number_of_queries(staff_client, back_office):
    for url in back_office.change_pages():
        with CaptureQueriesContext(connection) as captured:
            response = staff_client.get(url)
        assert response.status_code == 200, url
        assert response.context["has_change_permission"] is False, url
        assert len(captured.captured_queries) <= 35, (url, len(captured.captured_queries))


@pytest.mark.parametrize("url", CHANGELISTS)
def test_a_changelist_costs_the_same_queries_however_many_rows(staff_client, back_office, url):
    few = page_queries(staff_client, url)

    back_office.add(3)

    assert page_queries(staff_client, url) == few
    assert few <= 15


def test_an_application_page_shows_its_history_and_no_field_to_edit(staff_client, back_office):
    application = back_office.applications[0]

    page = staff_client.get(f"{APPLICATIONS}{application.pk}/change/").content.decode()

    assert "Near the door." in page and "submitted" in page
    assert 'name="state"' not in page and 'name="note"' not in page


# --- Search and filters -----------------------------------------------------------------------


def test_the_changelists_find_rows_by_search(staff_client, back_office):
    first = back_office
    product, order, review, application = first.products[0], first.orders[0], first.reviews[0], first.applications[0]

    assert result_pks(staff_client.get(PRODUCTS, {"q": product.name_en})) == [product.pk]
    assert result_pks(staff_client.get(ORDERS, {"q": order.number})) == [order.pk]
    assert result_pks(staff_client.get(REVIEWS, {"q": review.text})) == [review.pk]
    assert result_pks(staff_client.get(APPLICATIONS, {"q": application.producer.name_en})) == [application.pk]
    assert len(result_pks(staff_client.get(APPLICATIONS, {"q": "OTOP City"}))) == 2
    assert result_pks(staff_client.get(APPLICATIONS, {"q": "no such group"})) == []


def test_the_changelists_filter(staff_client, back_office, django_user_model):
    staff = django_user_model.objects.get(username="staffer")
    accepted = back_office.applications[0]
    event_services.application_transition(application=accepted, to_state=StallApplication.State.ACCEPTED, by=staff)
    product_set_status(product=back_office.products[1], status=Product.Status.ARCHIVED)
    other_fair = EventFactory(name="Kabosu Fair")
    shop = back_office.shops[0]
    elsewhere = event_services.application_submit(event=other_fair, producer=shop, by=shop.memberships.get().user)

    assert result_pks(staff_client.get(APPLICATIONS, {"state__exact": "accepted"})) == [accepted.pk]
    assert result_pks(staff_client.get(APPLICATIONS, {"event__id__exact": other_fair.pk})) == [elsewhere.pk]
    assert len(result_pks(staff_client.get(APPLICATIONS, {"event__id__exact": back_office.fair.pk}))) == 2
    assert result_pks(staff_client.get(PRODUCTS, {"status__exact": "archived"})) == [back_office.products[1].pk]
    assert len(result_pks(staff_client.get(ORDERS, {"state__exact": "delivered"}))) == 2
    rating = back_office.reviews[0].rating
    assert result_pks(staff_client.get(REVIEWS, {"rating": rating})) == [back_office.reviews[0].pk]


# --- Decisions go through the services --------------------------------------------------------


def test_staff_take_down_a_review_and_it_leaves_the_product(staff_client, back_office):
    review, kept = back_office.reviews

    response = staff_client.post(REVIEWS, {"action": "remove_selected", "_selected_action": [review.pk]}, follow=True)

    assert "1 review taken down." in [str(message) for message in response.context["messages"]]
    assert not Review.objects.filter(pk=review.pk).exists()
    assert Review.objects.filter(pk=kept.pk).exists()
    assert product_reviews(product_id=review.product_id)["review_count"] == 0


def test_review_remove_refuses_anyone_but_staff(back_office):
    from django.core.exceptions import PermissionDenied

    review = back_office.reviews[0]
    with pytest.raises(PermissionDenied):
        order_services.review_remove(review=review, by=back_office.buyer)
    assert Review.objects.filter(pk=review.pk).exists()


def test_staff_reject_applications_through_the_service_which_writes_the_history(staff_client, back_office):
    rejected, accepted = back_office.applications
    staff_client.post(APPLICATIONS, {"action": "accept_selected", "_selected_action": [accepted.pk]})

    response = staff_client.post(APPLICATIONS, {"action": "reject_selected", "_selected_action": [rejected.pk, accepted.pk]}, follow=True)

    rejected.refresh_from_db()
    accepted.refresh_from_db()
    assert (rejected.state, accepted.state) == ("rejected", "accepted")
    shown = [str(message) for message in response.context["messages"]]
    assert "1 application rejected." in shown
    assert any("An application that is accepted cannot become rejected." in message for message in shown)
    change = ApplicationStateChange.objects.get(application=rejected, to_state="rejected")
    assert change.by.username == "staffer" and change.note == "Rejected by the site's staff."


def test_staff_cannot_add_change_or_delete_rows_by_hand(staff_client, back_office):
    application, review = back_office.applications[0], back_office.reviews[0]

    assert staff_client.get(f"{APPLICATIONS}add/").status_code == 403
    assert staff_client.post(f"{APPLICATIONS}{application.pk}/change/", {"state": "accepted"}).status_code == 403
    assert staff_client.post(f"{APPLICATIONS}{application.pk}/delete/", {"post": "yes"}).status_code == 403
    assert staff_client.post(f"{REVIEWS}{review.pk}/delete/", {"post": "yes"}).status_code == 403
    application.refresh_from_db()
    assert application.state == "submitted"
    assert Review.objects.filter(pk=review.pk).exists()


# --- Nobody else ----------------------------------------------------------------------------------


def test_the_back_office_is_refused_to_visitors_producers_and_staff_without_permissions(client, back_office):
    manager = back_office.shops[0].memberships.get().user
    staff_without_permissions = UserFactory(username="intern", is_staff=True)
    pages = CHANGELISTS + back_office.change_pages()

    for url in pages:
        assert client.get(url).status_code == 302, url
    log_in(client, manager)
    for url in pages:
        assert client.get(url).status_code == 302, url
    log_in(client, staff_without_permissions)
    for url in pages:
        assert client.get(url).status_code == 403, url
    assert client.post(REVIEWS, {"action": "remove_selected", "_selected_action": [back_office.reviews[0].pk]}).status_code == 403
    assert Review.objects.filter(pk=back_office.reviews[0].pk).exists()
