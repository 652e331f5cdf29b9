"""Orders: shops with their sales terms, published listings, carts and placed orders, made
through the services, so the tests start from states the site itself can reach."""

import re
from decimal import Decimal

from accounts.models import User
from catalogue.models import Product
from events.models import Event
from orders import services
from orders.models import Cart, DeliveryMethod, Order, PaymentMethod, SalesTerms
from producers.models import Producer, ProducerMembership

from .accounts import UserFactory
from .catalogue import ProductFactory
from .producers import ProducerFactory, ProducerMembershipFactory

ORDER_NUMBER = re.compile(r"^OT\d{6}-[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}$")

ADDRESS = {
    "full_name": "Naree Srisuk",
    "phone": "081 234 5678",
    "email": "naree@example.com",
    "address_line": "99/9 Thanon Lak Mueang",
    "subdistrict": "Nai Mueang",
    "district": "Mueang Surin",
    "province": "Surin",
    "postcode": "32000",
    "country": "TH",
}


def make_shop(*, terms: dict | None = None, **fields) -> Producer:
    """A verified Thai producer that can take every payment method: a bank account, a PromptPay
    id, and sales terms accepting bank transfer, PromptPay, cash on delivery and paying at a
    stall (50 baht flat shipping, 48 hours to pay) unless `terms` says otherwise."""
    fields.setdefault("bank_name", "Krungthai Bank")
    fields.setdefault("bank_account_name", "Tha Sawang Silk Weavers")
    fields.setdefault("bank_account_number", "123-4-56789-0")
    fields.setdefault("promptpay_id", "0812345678")
    producer = ProducerFactory(**fields)
    SalesTerms.objects.create(
        producer=producer,
        **{
            "accepts_bank_transfer": True,
            "accepts_promptpay": True,
            "accepts_cash_on_delivery": True,
            "accepts_pay_at_stall": True,
            "flat_shipping_rate": Decimal("50.00"),
            "unpaid_expiry_hours": 48,
            **(terms or {}),
        },
    )
    return producer


def member_of(producer: Producer, *, username: str, role: str = ProducerMembership.Role.MANAGER, **user_fields) -> User:
    user = UserFactory(username=username, **user_fields)
    ProducerMembershipFactory(producer=producer, user=user, role=role)
    return user


def listing(producer: Producer, **fields) -> Product:
    """A published listing of `producer` (850.00, 10 in stock, 200 g unless told)."""
    fields.setdefault("price", Decimal("850.00"))
    fields.setdefault("stock", 10)
    fields.setdefault("weight_grams", 200)
    return ProductFactory(producer=producer, status=Product.Status.PUBLISHED, **fields)


def cart_of(user: User) -> Cart:
    return services.cart_get(user=user, session={}, create=True)


def fill_cart(user: User, *items: tuple[Product, int]) -> Cart:
    cart = cart_of(user)
    for product, quantity in items:
        services.cart_add_item(cart=cart, product=product, quantity=quantity)
    return cart


def place_order(
    buyer: User,
    *items: tuple[Product, int],
    payment: str = PaymentMethod.BANK_TRANSFER,
    delivery: str = DeliveryMethod.SHIPPING,
    event: Event | None = None,
    token: str | None = None,
    address: dict | None = None,
) -> list[Order]:
    """Put `items` in the buyer's cart and check out with the same delivery and payment for every
    producer; return the orders."""
    cart = fill_cart(buyer, *items)
    producers = {product.producer_id for product, _quantity in items}
    choice = services.ProducerChoice(delivery=delivery, payment=payment, pickup_event_id=event.pk if event else None)
    return services.order_place(
        buyer=buyer,
        cart=cart,
        checkout_token=token or services.new_checkout_token(),
        address=address or ADDRESS,
        choices={producer_id: choice for producer_id in producers},
    )


def place_one(buyer: User, product: Product, quantity: int = 1, **kwargs) -> Order:
    (order,) = place_order(buyer, (product, quantity), **kwargs)
    return order


def checkout_post(producers_choices: dict[int, dict], *, token: str, address: dict | None = None, **extra) -> dict:
    """The checkout form's POST: the address, then delivery/payment/pick-up per producer."""
    data = {"checkout_token": token, **(address or ADDRESS)}
    for producer_id, choice in producers_choices.items():
        data[f"delivery_{producer_id}"] = choice.get("delivery", DeliveryMethod.SHIPPING)
        data[f"payment_{producer_id}"] = choice.get("payment", PaymentMethod.BANK_TRANSFER)
        if "event" in choice:
            data[f"pickup_event_{producer_id}"] = str(choice["event"])
    return data | extra
