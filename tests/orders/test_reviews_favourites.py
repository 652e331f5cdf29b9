"""Reviews and favourites: a buyer reviews a product from a delivered order, once,
1–5 stars with text, shown on the product page with the average; logged-in visitors keep
favourite products and producers."""

import pytest
from django.test import Client
from django.core.exceptions import PermissionDenied, ValidationError

from catalogue import services as catalogue_services
from catalogue.models import Product
from orders import services
from orders.models import FavouriteProducer, FavouriteProduct, Order, Review
from tests.factories import listing, place_one

State = Order.State
TOGGLE = "/favourites/toggle/"


def delivered(buyer, manager, product, quantity: int = 1) -> Order:
    order = place_one(buyer, product, quantity)
    services.order_transition(order=order, to_state=State.PAID, by=manager)
    services.order_transition(order=order, to_state=State.SHIPPED, by=manager, carrier="Kerry", tracking_number="K1")
    return services.order_transition(order=order, to_state=State.DELIVERED, by=manager)


# --- Reviews ---------------------------------------------------------------------------------------


def test_a_buyer_reviews_a_delivered_line(buyer, manager, scarf):
    line = delivered(buyer, manager, scarf).lines.get()
    review = services.review_create(line=line, buyer=buyer, rating=5, text="  Soft and bright, as in the photos.  ")
    assert (review.product, review.buyer, review.rating, review.text) == (scarf, buyer, 5, "Soft and bright, as in the photos.")


@pytest.mark.parametrize("state", ["pending", "paid", "shipped", "cancelled"])
def test_only_a_delivered_line_can_be_reviewed(buyer, manager, scarf, state):
    order = place_one(buyer, scarf)
    if state in ("paid", "shipped"):
        services.order_transition(order=order, to_state=State.PAID, by=manager)
    if state == "shipped":
        services.order_transition(order=order, to_state=State.SHIPPED, by=manager, carrier="Kerry", tracking_number="K1")
    if state == "cancelled":
        services.order_transition(order=order, to_state=State.CANCELLED, by=manager, note="Out of stock")
    with pytest.raises(ValidationError, match="once your order is delivered"):
        services.review_create(line=order.lines.get(), buyer=buyer, rating=4, text="Nice")
    assert not Review.objects.exists()


def test_a_line_is_reviewed_once(buyer, manager, scarf):
    line = delivered(buyer, manager, scarf).lines.get()
    services.review_create(line=line, buyer=buyer, rating=4, text="Good")
    with pytest.raises(ValidationError, match="reviewed this already"):
        services.review_create(line=line, buyer=buyer, rating=1, text="Changed my mind")
    assert list(Review.objects.values_list("rating", flat=True)) == [4]


@pytest.mark.parametrize("rating", [0, 6, -1, 10])
def test_ratings_run_from_one_to_five(buyer, manager, scarf, rating):
    line = delivered(buyer, manager, scarf).lines.get()
    with pytest.raises(ValidationError):
        services.review_create(line=line, buyer=buyer, rating=rating, text="Out of range")
    assert not Review.objects.exists()


def test_a_review_needs_text(buyer, manager, scarf):
    line = delivered(buyer, manager, scarf).lines.get()
    with pytest.raises(ValidationError):
        services.review_create(line=line, buyer=buyer, rating=5, text="   ")


def test_only_the_buyer_reviews_their_line(buyer, other_buyer, manager, scarf):
    line = delivered(buyer, manager, scarf).lines.get()
    for someone in (other_buyer, manager):
        with pytest.raises(PermissionDenied):
            services.review_create(line=line, buyer=someone, rating=1, text="Never bought it")
    assert not Review.objects.exists()


def test_reviews_are_shown_on_the_product_page_with_the_average(client, buyer, other_buyer, manager, scarf):
    services.review_create(line=delivered(buyer, manager, scarf).lines.get(), buyer=buyer, rating=5, text="Wonderful <b>silk</b>")
    services.review_create(line=delivered(other_buyer, manager, scarf).lines.get(), buyer=other_buyer, rating=4, text="Lovely colours")
    page = client.get(f"/products/{scarf.slug}/").content.decode()
    assert "4.5★ (2)" in page
    assert "Wonderful &lt;b&gt;silk&lt;/b&gt;" in page and "<b>silk</b>" not in page
    assert "Lovely colours" in page


def test_the_buyer_reviews_from_the_order_page(buyer_client, buyer, manager, scarf):
    order = delivered(buyer, manager, scarf)
    line = order.lines.get()
    url = f"/orders/{order.number}/"
    page = buyer_client.get(url).content.decode()
    assert f'name="line" value="{line.pk}"' in page
    response = buyer_client.post(url, {"action": "review", "line": line.pk, "rating": "4", "text": "Fits perfectly"}, follow=True)
    assert "Thank you for your review." in response.content.decode()
    assert Review.objects.get().rating == 4
    response = buyer_client.post(url, {"action": "review", "line": line.pk, "rating": "1", "text": "Again"}, follow=True)
    assert "You have reviewed this already." in response.content.decode()
    assert Review.objects.count() == 1
    assert "Fits perfectly" in buyer_client.get(url).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"rating": "9", "text": "Too many stars"},
        {"rating": "abc", "text": "Garbage"},
        {"rating": "5", "text": ""},
        {"rating": "5"},
        {"line": "abc", "rating": "5", "text": "x"},
        {"line": "99999999", "rating": "5", "text": "x"},
    ],
)
def test_bad_review_posts_answer_a_message_not_a_500(buyer_client, buyer, manager, scarf, data):
    order = delivered(buyer, manager, scarf)
    data = {"action": "review", "line": str(order.lines.get().pk)} | data
    response = buyer_client.post(f"/orders/{order.number}/", data, follow=True)
    assert response.status_code in (200, 404)
    assert not Review.objects.exists()


def test_a_review_of_another_buyers_line_through_ones_own_order_is_refused(buyer_client, buyer, other_buyer, manager, scarf):
    mine = delivered(buyer, manager, scarf)
    theirs = delivered(other_buyer, manager, scarf)
    response = buyer_client.post(f"/orders/{mine.number}/", {"action": "review", "line": theirs.lines.get().pk, "rating": "1", "text": "Hijack"})
    assert response.status_code == 404
    assert not Review.objects.exists()


# --- Favourites -----------------------------------------------------------------------------------


def test_favourite_products_and_producers_toggle(buyer_client, buyer, shop, scarf):
    buyer_client.post(TOGGLE, {"product": str(scarf.pk)})
    buyer_client.post(TOGGLE, {"producer": str(shop.pk)})
    assert list(FavouriteProduct.objects.filter(user=buyer).values_list("product", flat=True)) == [scarf.pk]
    assert list(FavouriteProducer.objects.filter(user=buyer).values_list("producer", flat=True)) == [shop.pk]
    page = buyer_client.get("/favourites/").content.decode()
    assert "Mudmee silk scarf" in page and "Tha Sawang Silk Weavers" in page

    response = buyer_client.post(TOGGLE, {"product": str(scarf.pk)}, follow=True)
    assert "is no longer in your favourites" in response.content.decode()
    buyer_client.post(TOGGLE, {"producer": str(shop.pk)})
    assert not FavouriteProduct.objects.exists() and not FavouriteProducer.objects.exists()


def test_the_product_page_shows_whether_it_is_a_favourite(buyer_client, buyer, scarf):
    assert 'aria-pressed="false"' in buyer_client.get(f"/products/{scarf.slug}/").content.decode()
    buyer_client.post(TOGGLE, {"product": str(scarf.pk)})
    assert 'aria-pressed="true"' in buyer_client.get(f"/products/{scarf.slug}/").content.decode()


def test_favourites_need_login(client, shop, scarf):
    for response in (client.post(TOGGLE, {"product": str(scarf.pk)}), client.get("/favourites/")):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not FavouriteProduct.objects.exists()


def test_favourites_are_each_users_own(buyer_client, other_buyer, scarf):
    services.favourite_toggle(user=other_buyer, product=scarf)
    assert "Mudmee silk scarf" not in buyer_client.get("/favourites/").content.decode()


def test_a_hidden_product_cannot_be_made_a_favourite(buyer_client, shop):
    hidden = listing(shop, name_en="Unreleased shawl")
    catalogue_services.product_set_status(product=hidden, status=Product.Status.DRAFT)
    assert buyer_client.post(TOGGLE, {"product": str(hidden.pk)}).status_code == 404
    assert not FavouriteProduct.objects.exists()


@pytest.mark.parametrize("data", [{}, {"product": "abc"}, {"producer": "x"}, {"product": "99999999"}, {"producer": "99999999"}])
def test_bad_favourite_posts_are_404_not_500(buyer_client, data):
    assert buyer_client.post(TOGGLE, data).status_code == 404


def test_the_favourite_button_posts_with_its_token_on_product_and_producer_pages(buyer_client, shop, scarf):
    anonymous = Client()
    for url, kind, pk in ((f"/products/{scarf.slug}/", "product", scarf.pk), (f"/producers/{shop.slug}/", "producer", shop.pk)):
        page = buyer_client.get(url).content.decode()
        form = page[page.index('class="favourite-form"'):]
        form = form[: form.index("</form>")]
        assert 'name="csrfmiddlewaretoken"' in form
        assert f'name="{kind}" value="{pk}"' in form
        assert 'class="favourite-form"' not in anonymous.get(url).content.decode()
