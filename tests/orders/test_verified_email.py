"""Orders need a confirmed e-mail address: checkout refuses an account without one, order e-mails go
to an account's address only once confirmed, and the confirmation link adopts the session's cart."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import User
from orders.models import Cart, Order
from tests.factories import NEW_PASSWORD, UserFactory, checkout_post, fill_cart, log_in, place_one

CHECKOUT = "/checkout/"


def test_checkout_refuses_an_unconfirmed_account_and_offers_the_link(client, shop, scarf):
    buyer = UserFactory(username="naree", email="naree@example.com", email_verified_at=None)
    fill_cart(buyer, (scarf, 2))
    log_in(client, buyer)

    page = client.get(CHECKOUT)
    placed = client.post(CHECKOUT, checkout_post({shop.pk: {}}, token="a-token"))

    body = page.content.decode()
    assert page.status_code == placed.status_code == 403
    assert "Confirm your e-mail address first" in body
    assert "Open the link we sent to naree@example.com, or have it sent again." in body
    assert 'action="/accounts/email/confirm-again/"' in body
    assert 'name="checkout_token"' not in body
    assert not Order.objects.exists()
    scarf.refresh_from_db()
    assert scarf.stock == 10


def test_checkout_opens_for_a_confirmed_account(client, buyer, shop, scarf):
    fill_cart(buyer, (scarf, 1))

    page = log_in(client, buyer).get(CHECKOUT)

    assert page.status_code == 200 and 'name="checkout_token"' in page.content.decode()


def test_order_e_mails_skip_a_manager_whose_address_is_unconfirmed(buyer, manager, scarf, mailoutbox, django_capture_on_commit_callbacks):
    User.objects.filter(pk=manager.pk).update(email_verified_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        place_one(buyer, scarf)

    recipients = {address for message in mailoutbox for address in message.to}
    assert "somsri@example.com" not in recipients
    assert "orders@tha-sawang.example" in recipients


def test_the_confirmation_link_logs_in_and_adopts_the_sessions_cart(scarf, mailoutbox, django_capture_on_commit_callbacks):
    visitor = Client()
    visitor.post("/cart/add/", {"product": scarf.slug, "quantity": "2"})
    anonymous_cart = visitor.session["cart_id"]
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post("/accounts/signup/", {
            "username": "naree", "email": "naree@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "language": "en",
        })
    link = re.search(r"https?://[^/\s]+(/accounts/email/confirm/[^/\s]+/)", mailoutbox[0].body).group(1)

    assert visitor.post(link).status_code == 302

    user = User.objects.get(username="naree")
    assert {item.product_id: item.quantity for item in Cart.objects.get(user=user).items.all()} == {scarf.pk: 2}
    assert not Cart.objects.filter(pk=anonymous_cart).exists()
    assert "cart_id" not in visitor.session
    assert visitor.get(CHECKOUT).status_code == 200


def test_the_order_service_itself_refuses_an_account_without_a_confirmed_address(db, scarf):
    """Not only the checkout page: any caller of order_place (a future API, a command)."""
    unconfirmed = UserFactory(username="somchai", email_verified_at=None)
    stock = scarf.stock
    with pytest.raises(ValidationError, match="Confirm your e-mail address"):
        place_one(unconfirmed, scarf, 1)
    scarf.refresh_from_db()
    assert scarf.stock == stock and not Order.objects.filter(buyer=unconfirmed).exists()
