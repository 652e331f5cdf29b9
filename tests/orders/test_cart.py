"""The cart: add by id or slug, change, remove, stock limits, the anonymous cart
merged at login, and what the cart tells the buyer about price and stock changes."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from catalogue import services as catalogue_services
from catalogue.models import Product
from orders import services
from orders.models import Cart, CartItem
from orders.services import SoldOut
from producers.services import producer_suspend
from tests.factories import TEST_PASSWORD, cart_of, fill_cart, listing, log_in

CART = "/cart/"
ADD = "/cart/add/"
UPDATE = "/cart/update/"


def quantities(cart: Cart) -> dict[int, int]:
    return dict(cart.items.values_list("product_id", "quantity"))


# --- Services --------------------------------------------------------------------------------


def test_cart_add_item_takes_an_id_a_slug_or_a_product_and_adds_up(buyer, scarf):
    cart = cart_of(buyer)
    services.cart_add_item(cart=cart, product=str(scarf.pk), quantity=1)
    services.cart_add_item(cart=cart, product=scarf.slug, quantity=2)
    item = services.cart_add_item(cart=cart, product=scarf, quantity=3)
    assert item.quantity == 6
    assert quantities(cart) == {scarf.pk: 6}
    assert item.price_when_added == Decimal("850.00")


def test_cart_add_item_refuses_more_than_stock_counting_what_is_in_the_cart(buyer, scarf):
    cart = fill_cart(buyer, (scarf, 8))
    with pytest.raises(ValidationError) as caught:
        services.cart_add_item(cart=cart, product=scarf, quantity=3)
    assert "Only 10 of Mudmee silk scarf left." in caught.value.messages
    assert quantities(cart) == {scarf.pk: 8}


def test_cart_add_item_says_sold_out_when_nothing_is_left(buyer, scarf):
    catalogue_services.product_set_stock(product=scarf, stock=0)
    with pytest.raises(SoldOut) as caught:
        services.cart_add_item(cart=cart_of(buyer), product=scarf, quantity=1)
    assert "sold out" in " ".join(caught.value.messages)


@pytest.mark.parametrize("status", [Product.Status.DRAFT, Product.Status.ARCHIVED])
def test_cart_add_item_refuses_a_listing_visitors_cannot_see(buyer, shop, status):
    hidden = listing(shop, name_en="Unreleased shawl")
    catalogue_services.product_set_status(product=hidden, status=status)
    for ref in (hidden, str(hidden.pk), hidden.slug):
        with pytest.raises(ValidationError) as caught:
            services.cart_add_item(cart=cart_of(buyer), product=ref, quantity=1)
        assert caught.value.message_dict == {"product": ["This product is not for sale."]}
    assert not CartItem.objects.exists()


def test_cart_add_item_refuses_products_of_a_suspended_producer(buyer, shop, scarf, staff_user):
    producer_suspend(producer=shop, by=staff_user, reason="Complaints under review")
    with pytest.raises(ValidationError):
        services.cart_add_item(cart=cart_of(buyer), product=scarf, quantity=1)


@pytest.mark.parametrize("quantity", [0, -1, 1000])
def test_cart_add_item_refuses_quantities_outside_1_to_999(buyer, scarf, quantity):
    with pytest.raises(ValidationError):
        services.cart_add_item(cart=cart_of(buyer), product=scarf, quantity=quantity)


def test_cart_set_quantity_changes_it_and_zero_removes_it(buyer, scarf):
    cart = fill_cart(buyer, (scarf, 1))
    item = cart.items.get()
    services.cart_set_quantity(cart=cart, item_id=item.pk, quantity=4)
    assert quantities(cart) == {scarf.pk: 4}
    assert services.cart_set_quantity(cart=cart, item_id=item.pk, quantity=0) is None
    assert quantities(cart) == {}


def test_cart_set_quantity_refuses_more_than_stock(buyer, scarf):
    cart = fill_cart(buyer, (scarf, 1))
    with pytest.raises(ValidationError) as caught:
        services.cart_set_quantity(cart=cart, item_id=cart.items.get().pk, quantity=11)
    assert caught.value.messages == ["Only 10 of Mudmee silk scarf left."]
    assert quantities(cart) == {scarf.pk: 1}


def test_cart_items_are_changed_and_removed_only_in_their_own_cart(buyer, other_buyer, scarf):
    theirs = fill_cart(other_buyer, (scarf, 2))
    their_item = theirs.items.get()
    mine = cart_of(buyer)
    with pytest.raises(ValidationError):
        services.cart_set_quantity(cart=mine, item_id=their_item.pk, quantity=5)
    services.cart_remove_item(cart=mine, item_id=their_item.pk)
    assert quantities(theirs) == {scarf.pk: 2}


def test_cart_merge_adds_the_anonymous_cart_to_the_accounts_cart(buyer, scarf, pillow):
    fill_cart(buyer, (scarf, 2))
    anonymous = Cart.objects.create()
    services.cart_add_item(cart=anonymous, product=scarf, quantity=3)
    services.cart_add_item(cart=anonymous, product=pillow, quantity=1)
    cart = services.cart_merge(user=buyer, anonymous_cart_id=anonymous.pk)
    assert quantities(cart) == {scarf.pk: 5, pillow.pk: 1}
    assert not Cart.objects.filter(pk=anonymous.pk).exists()


def test_cart_merge_caps_the_sum_at_the_stock(buyer, scarf):
    fill_cart(buyer, (scarf, 7))
    anonymous = Cart.objects.create()
    services.cart_add_item(cart=anonymous, product=scarf, quantity=6)
    assert quantities(services.cart_merge(user=buyer, anonymous_cart_id=anonymous.pk)) == {scarf.pk: 10}


def test_cart_merge_never_takes_another_accounts_cart(buyer, other_buyer, scarf):
    theirs = fill_cart(other_buyer, (scarf, 2))
    assert services.cart_merge(user=buyer, anonymous_cart_id=theirs.pk) is None
    assert quantities(theirs) == {scarf.pk: 2}


# --- Views -------------------------------------------------------------------------------------


def test_post_cart_add_by_id_and_by_slug(client, buyer, scarf):
    log_in(client, buyer)
    response = client.post(ADD, {"product": str(scarf.pk), "quantity": "2"})
    assert response.status_code == 302 and response["Location"] == CART
    client.post(ADD, {"product": scarf.slug, "quantity": "1"})
    assert quantities(Cart.objects.get(user=buyer)) == {scarf.pk: 3}
    page = client.get(CART)
    assert page.status_code == 200
    assert "Mudmee silk scarf" in page.content.decode()


def test_anonymous_visitor_gets_a_session_cart(client, scarf):
    client.post(ADD, {"product": scarf.slug, "quantity": "2"})
    cart = Cart.objects.get(pk=client.session["cart_id"])
    assert cart.user is None
    assert quantities(cart) == {scarf.pk: 2}
    assert "Mudmee silk scarf" in client.get(CART).content.decode()


def test_post_cart_add_beyond_stock_is_refused_with_a_clear_message(buyer_client, buyer, scarf):
    response = buyer_client.post(ADD, {"product": scarf.slug, "quantity": "11"}, follow=True)
    assert response.status_code == 200
    assert "Only 10 of Mudmee silk scarf left." in response.content.decode()
    assert not CartItem.objects.filter(cart__user=buyer).exists()


def test_post_cart_add_of_a_hidden_product_id_changes_nothing(buyer_client, buyer, shop):
    hidden = listing(shop, name_en="Unreleased shawl")
    catalogue_services.product_set_status(product=hidden, status=Product.Status.DRAFT)
    response = buyer_client.post(ADD, {"product": str(hidden.pk), "quantity": "1"}, follow=True)
    assert "This product is not for sale." in response.content.decode()
    assert not CartItem.objects.exists()


def test_a_refused_add_never_redirects_off_site(buyer_client, scarf):
    response = buyer_client.post(ADD, {"product": scarf.slug, "quantity": "50", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == CART
    response = buyer_client.post(ADD, {"product": scarf.slug, "quantity": "50"}, HTTP_REFERER="https://evil.example/x")
    assert response["Location"] == CART
    response = buyer_client.post(ADD, {"product": scarf.slug, "quantity": "50", "next": f"/products/{scarf.slug}/"})
    assert response["Location"] == f"/products/{scarf.slug}/"


def test_cart_update_changes_and_removes_an_item(buyer_client, buyer, scarf):
    cart = fill_cart(buyer, (scarf, 1))
    item = cart.items.get()
    assert buyer_client.post(UPDATE, {"item": item.pk, "quantity": "3"}).status_code == 302
    assert quantities(cart) == {scarf.pk: 3}
    buyer_client.post(UPDATE, {"item": item.pk, "quantity": "3", "remove": "1"})
    assert quantities(cart) == {}


def test_cart_update_beyond_stock_is_refused_with_a_clear_message(buyer_client, buyer, scarf):
    cart = fill_cart(buyer, (scarf, 1))
    response = buyer_client.post(UPDATE, {"item": cart.items.get().pk, "quantity": "50"}, follow=True)
    assert "Only 10 of Mudmee silk scarf left." in response.content.decode()
    assert quantities(cart) == {scarf.pk: 1}


def test_cart_update_cannot_touch_another_visitors_item(buyer_client, other_buyer, scarf):
    theirs = fill_cart(other_buyer, (scarf, 2))
    buyer_client.post(ADD, {"product": scarf.slug, "quantity": "1"})
    buyer_client.post(UPDATE, {"item": theirs.items.get().pk, "quantity": "0", "remove": "1"})
    buyer_client.post(UPDATE, {"item": theirs.items.get().pk, "quantity": "9"})
    assert quantities(theirs) == {scarf.pk: 2}


def test_anonymous_cart_is_merged_into_the_accounts_cart_at_login(client, buyer, scarf, pillow):
    fill_cart(buyer, (scarf, 2))
    client.post(ADD, {"product": scarf.slug, "quantity": "3"})
    client.post(ADD, {"product": str(pillow.pk), "quantity": "1"})
    anonymous_id = client.session["cart_id"]
    response = client.post(reverse("accounts:login"), {"username": "buyer", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert quantities(Cart.objects.get(user=buyer)) == {scarf.pk: 5, pillow.pk: 1}
    assert not Cart.objects.filter(pk=anonymous_id).exists()
    assert "cart_id" not in client.session
    page = client.get(CART).content.decode()
    assert "Mudmee silk scarf" in page and "Triangle pillow" in page


def test_the_session_cart_is_adopted_by_any_log_in_not_only_the_log_in_form(client, staff_user, scarf):
    """The orders app adopts the cart on Django's `user_logged_in`, so a log-in through another
    page (here the admin's own) keeps what the visitor put in the cart too."""
    client.post(ADD, {"product": scarf.slug, "quantity": "2"})
    anonymous_id = client.session["cart_id"]

    response = client.post("/admin/login/", {"username": staff_user.username, "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert quantities(Cart.objects.get(user=staff_user)) == {scarf.pk: 2}
    assert not Cart.objects.filter(pk=anonymous_id).exists()
    assert "cart_id" not in client.session


def test_cart_page_warns_when_the_price_changed_since_it_was_added(buyer_client, buyer, scarf):
    fill_cart(buyer, (scarf, 1))
    catalogue_services.product_update(product=scarf, price=Decimal("900.00"))
    page = buyer_client.get(CART).content.decode()
    assert "The price changed from" in page
    assert "850" in page and "900" in page


def test_cart_page_warns_when_the_stock_dropped_below_the_quantity(buyer_client, buyer, scarf):
    fill_cart(buyer, (scarf, 4))
    catalogue_services.product_set_stock(product=scarf, stock=2)
    page = buyer_client.get(CART).content.decode()
    assert "Only 2 left: lower the quantity." in page
    assert "The price changed" not in page


def test_cart_page_warns_when_a_product_is_no_longer_for_sale(buyer_client, buyer, scarf):
    fill_cart(buyer, (scarf, 1))
    catalogue_services.product_set_status(product=scarf, status=Product.Status.ARCHIVED)
    assert "No longer for sale: remove it to check out." in buyer_client.get(CART).content.decode()


def test_cart_page_in_thai_shows_the_warning_in_thai(buyer_client, buyer, scarf):
    fill_cart(buyer, (scarf, 4))
    catalogue_services.product_set_stock(product=scarf, stock=2)
    page = buyer_client.get("/th/cart/").content.decode()
    assert "เหลือเพียง 2 ชิ้น: กรุณาลดจำนวน" in page


# --- Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"product": "1", "quantity": "abc"},
        {"product": "no-such-product", "quantity": "1"},
        {"product": "999999999", "quantity": "1"},
        {"product": "", "quantity": "1"},
        {"quantity": "1"},
        {"product": "x" * 5000, "quantity": "1"},
        {"product": "1", "quantity": "-3"},
        {"product": "1", "quantity": "1e9"},
        {},
    ],
)
def test_post_cart_add_with_bad_input_answers_with_a_message_not_a_500(buyer_client, scarf, data):
    if data.get("product") == "1":
        data = data | {"product": str(scarf.pk)}
    response = buyer_client.post(ADD, data, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose a quantity from 1 to 999." in page or "This product is not for sale." in page
    assert not CartItem.objects.exists()


@pytest.mark.parametrize("data", [{"item": "abc", "quantity": "1"}, {"item": "1", "quantity": "lots"}, {}, {"item": "99999999", "quantity": "2"}])
def test_post_cart_update_with_bad_input_is_not_a_500(buyer_client, buyer, scarf, data):
    cart = fill_cart(buyer, (scarf, 1))
    response = buyer_client.post(UPDATE, data, follow=True)
    assert response.status_code == 200
    assert quantities(cart) == {scarf.pk: 1}


def test_cart_add_is_post_only(client):
    assert client.get(ADD).status_code == 405


def test_anonymous_cart_is_merged_into_a_new_account_when_its_sign_up_link_is_opened(
    client, scarf, mailoutbox, django_capture_on_commit_callbacks
):
    client.post(ADD, {"product": scarf.slug, "quantity": "2"})
    data = {"username": "newbuyer", "email": "new@example.com", "password1": "a-Long-test-passw0rd", "password2": "a-Long-test-passw0rd", "language": "en"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("accounts:signup"), data).status_code == 302
    link = re.search(r"https?://[^/\s]+(/accounts/email/confirm/[^/\s]+/)", mailoutbox[0].body).group(1)
    assert client.post(link).status_code == 302
    assert quantities(Cart.objects.get(user__username="newbuyer")) == {scarf.pk: 2}
    assert not Cart.objects.filter(user__isnull=True).exists()
