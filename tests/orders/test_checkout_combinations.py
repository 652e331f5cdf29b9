"""Checkout offers only the delivery and payment pairs a producer can take (pick-up only at a
stall of a running or coming event, paying at the stall only with pick-up, cash on delivery only
with shipping, transfers only into details in force), preselects a pair that goes together, and
refuses a forged pair with a clear message, changing nothing."""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from catalogue.models import Product
from orders import services
from orders.models import CartItem, Order, OrderEvent, SalesTerms
from orders.services import ProducerChoice
from tests.factories import ADDRESS, checkout_post, fill_cart, listing, make_shop, published_event, stall_at

CHECKOUT = "/checkout/"
CONTACT_ONLY = {"full_name": "Naree Srisuk", "phone": "0812345678", "email": "naree@example.com", "country": "TH"}


def radios(page: str, name: str) -> dict[str, bool]:
    """The radio buttons named `name`: value → checked."""
    found = {}
    for tag in re.findall(rf'<input type="radio" name="{name}"[^>]*>', page):
        value = re.search(r'value="([^"]*)"', tag).group(1)
        found[value] = " checked" in tag
    return found


def checkout_page(client) -> str:
    response = client.get(CHECKOUT)
    assert response.status_code == 200
    return response.content.decode()


def token_of(client) -> str:
    return client.get(CHECKOUT).context["checkout_token"]


@pytest.fixture
def fair(places):
    return published_event(name="OTOP City", slug="otop-city")


@pytest.fixture
def stall_only_shop(categories, places, fair):
    """A verified group without a bank account or PromptPay ID, with a stall at a coming fair:
    its buyers can only pick up and pay at the stall."""
    from places.models import Place
    from tests.factories import tambon_of

    producer = make_shop(
        name_en="Ban Mai Weavers", slug="ban-mai", place=tambon_of(Place.objects.get(slug="khon-kaen", level="province")),
        bank_name="", bank_account_name="", bank_account_number="", promptpay_id="",
        terms={"accepts_promptpay": False, "accepts_cash_on_delivery": False},
    )
    stall_at(fair, producer)
    return producer


@pytest.fixture
def basket(stall_only_shop):
    return listing(stall_only_shop, name_en="Bamboo basket", price=Decimal("250.00"), stock=6)


def nothing_changed(buyer, product: Product, *, stock: int, in_cart: int) -> None:
    assert not Order.objects.exists() and not OrderEvent.objects.exists()
    assert Product.objects.get(pk=product.pk).stock == stock
    assert CartItem.objects.get(cart__user=buyer, product=product).quantity == in_cart


# --- what each producer's setup offers ----------------------------------------------------------


def test_a_producer_taking_everything_offers_both_deliveries_with_their_payments(buyer_client, buyer, shop, scarf, fair):
    stall_at(fair, shop, code="B-01")
    fill_cart(buyer, (scarf, 1))
    page = checkout_page(buyer_client)
    assert radios(page, f"delivery_{shop.pk}") == {"shipping": True, "pickup": False}
    assert radios(page, f"payment_{shop.pk}") == {"bank_transfer": True, "promptpay": False, "cod": False, "stall": False}
    assert 'value="cod" data-deliveries="shipping"' in page and 'value="stall" data-deliveries="pickup"' in page
    assert 'value="bank_transfer" data-deliveries="shipping pickup"' in page
    assert "(only with pick-up at the stall)" in page and "(only with shipping)" in page


def test_a_group_without_payout_details_offers_only_pick_up_and_paying_at_the_stall(buyer_client, buyer, stall_only_shop, basket, fair):
    fill_cart(buyer, (basket, 1))
    page = checkout_page(buyer_client)
    pid = stall_only_shop.pk
    assert radios(page, f"delivery_{pid}") == {"pickup": True}, "shipping is neither offered nor preselected"
    assert radios(page, f"payment_{pid}") == {"stall": True}
    assert f'name="pickup_event_{pid}" value="{fair.pk}"' in page
    assert "only with" not in page  # one delivery: nothing to pair


def test_a_group_taking_only_cash_on_delivery_offers_only_shipping(buyer_client, buyer, other_shop, pillow):
    SalesTerms.objects.filter(producer=other_shop).update(accepts_bank_transfer=False, accepts_promptpay=False, accepts_pay_at_stall=False)
    fill_cart(buyer, (pillow, 1))
    page = checkout_page(buyer_client)
    assert radios(page, f"delivery_{other_shop.pk}") == {"shipping": True}
    assert radios(page, f"payment_{other_shop.pk}") == {"cod": True}


def test_pick_up_is_not_offered_once_the_fair_is_over(buyer_client, buyer, stall_only_shop, basket, fair):
    fill_cart(buyer, (basket, 1))
    type(fair).objects.filter(pk=fair.pk).update(
        starts_on=timezone.localdate() - timedelta(days=5), ends_on=timezone.localdate() - timedelta(days=1)
    )
    page = checkout_page(buyer_client)
    assert radios(page, f"delivery_{stall_only_shop.pk}") == {} and radios(page, f"payment_{stall_only_shop.pk}") == {}
    assert "This producer cannot take orders at the moment" in page
    response = buyer_client.post(
        CHECKOUT, checkout_post({stall_only_shop.pk: {"delivery": "pickup", "payment": "stall", "event": fair.pk}}, token=token_of(buyer_client))
    )
    assert response.status_code == 200
    assert "Ban Mai Weavers cannot take orders at the moment: there is no way to pay it yet." in response.content.decode()
    nothing_changed(buyer, basket, stock=6, in_cart=1)


def test_several_fairs_are_offered_in_one_list_and_the_chosen_one_is_kept(buyer_client, buyer, stall_only_shop, basket, fair):
    later = published_event(name="Silk Fair", slug="silk-fair", starts_on=timezone.localdate() + timedelta(days=40),
                            ends_on=timezone.localdate() + timedelta(days=44))
    stall_at(later, stall_only_shop, code="C-07")
    fill_cart(buyer, (basket, 1))
    page = checkout_page(buyer_client)
    pid = stall_only_shop.pk
    assert radios(page, f"delivery_{pid}") == {"pickup": True}
    assert f'<select name="pickup_event_{pid}">' in page
    assert f'<option value="{fair.pk}"' in page and f'<option value="{later.pk}"' in page
    data = checkout_post({pid: {"delivery": "pickup", "payment": "stall", "event": later.pk}}, token=token_of(buyer_client), address=CONTACT_ONLY)
    assert buyer_client.post(CHECKOUT, data).status_code == 302
    assert Order.objects.get().pickup_event == later


# --- forged pairs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ({"delivery": "shipping", "payment": "stall"}, "Paying at the stall needs pick-up at the stall."),
        ({"delivery": "shipping", "payment": "bank_transfer"}, "Ban Mai Weavers does not take that payment method."),
        ({"delivery": "pickup", "payment": "bank_transfer"}, "Ban Mai Weavers does not take that payment method."),
        ({"delivery": "pickup", "payment": "cod"}, "Ban Mai Weavers does not take that payment method."),
        ({"delivery": "drone", "payment": "stall"}, "Unknown delivery method."),
    ],
)
def test_a_forged_pair_is_refused_with_a_clear_message_and_nothing_changes(buyer_client, buyer, stall_only_shop, basket, fair, choice, message):
    fill_cart(buyer, (basket, 2))
    token = token_of(buyer_client)
    data = checkout_post({stall_only_shop.pk: choice | {"event": fair.pk}}, token=token, address=CONTACT_ONLY)
    response = buyer_client.post(CHECKOUT, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Needed for shipping." not in page, "the pair is what is wrong, not the address"
    nothing_changed(buyer, basket, stock=6, in_cart=2)
    assert buyer_client.session["checkout_token"] == token
    # The form comes back offering only what the producer takes, a valid pair chosen.
    assert radios(page, f"delivery_{stall_only_shop.pk}") == {"pickup": True}
    assert radios(page, f"payment_{stall_only_shop.pk}") == {"stall": True}


def test_a_post_without_a_delivery_is_not_taken_as_shipping_for_a_pick_up_only_group(buyer_client, buyer, stall_only_shop, basket):
    fill_cart(buyer, (basket, 1))
    data = checkout_post({}, token=token_of(buyer_client), address=CONTACT_ONLY) | {f"payment_{stall_only_shop.pk}": "stall"}
    response = buyer_client.post(CHECKOUT, data)
    assert response.status_code == 200 and "Paying at the stall needs pick-up at the stall." in response.content.decode()
    nothing_changed(buyer, basket, stock=6, in_cart=1)


def test_cash_on_delivery_is_refused_with_pick_up(buyer_client, buyer, shop, scarf, fair):
    stall_at(fair, shop, code="B-02")
    fill_cart(buyer, (scarf, 1))
    data = checkout_post({shop.pk: {"delivery": "pickup", "payment": "cod", "event": fair.pk}}, token=token_of(buyer_client))
    response = buyer_client.post(CHECKOUT, data)
    assert response.status_code == 200
    assert "Cash on delivery does not go with Pick up at the producer's stall: choose another payment." in html.unescape(response.content.decode())
    nothing_changed(buyer, scarf, stock=10, in_cart=1)


def test_a_valid_pair_of_the_pick_up_only_group_is_placed(buyer_client, buyer, stall_only_shop, basket, fair):
    fill_cart(buyer, (basket, 2))
    data = checkout_post({stall_only_shop.pk: {"delivery": "pickup", "payment": "stall", "event": fair.pk}}, token=token_of(buyer_client), address=CONTACT_ONLY)
    assert buyer_client.post(CHECKOUT, data).status_code == 302
    order = Order.objects.get()
    assert (order.delivery_method, order.payment_method, order.pickup_event_id, order.total) == ("pickup", "stall", fair.pk, Decimal("500.00"))


# --- the service's rule ---------------------------------------------------------------------------


def test_selling_ways_pair_each_delivery_with_the_payments_that_go_with_it(shop, stall_only_shop, fair):
    assert services.selling_ways(shop) == {"shipping": ["bank_transfer", "promptpay", "cod"]}
    stall_at(fair, shop, code="B-03")
    assert services.selling_ways(shop) == {"shipping": ["bank_transfer", "promptpay", "cod"], "pickup": ["bank_transfer", "promptpay", "stall"]}
    assert services.selling_ways(stall_only_shop) == {"pickup": ["stall"]}


def test_order_place_itself_refuses_a_pair_the_producer_cannot_take(buyer, stall_only_shop, basket, fair):
    cart = fill_cart(buyer, (basket, 1))
    choice = ProducerChoice(delivery="shipping", payment="stall")
    with pytest.raises(ValidationError, match="Paying at the stall needs pick-up"):
        services.order_place(buyer=buyer, cart=cart, checkout_token="t-1", address=ADDRESS, choices={stall_only_shop.pk: choice})
    nothing_changed(buyer, basket, stock=6, in_cart=1)
