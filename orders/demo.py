"""Demo orders in every state, reviews and favourites (seed_demo)."""

import random
from datetime import timedelta

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.demo import demo_buyers_create
from accounts.models import User
from catalogue.models import Product
from core.demo import DemoSite, demo_step
from producers.models import Producer

from . import services
from .models import FavouriteProducer, FavouriteProduct, Order, SalesTerms

REVIEW_TEXTS = [
    "Beautiful work, exactly as in the photos. Thank you!",
    "ของดีมาก ส่งไว แพ็กมาอย่างดี",
    "とても丁寧な作りで、大切に使います。",
    "Tasty and fresh; we will order again for the New Year.",
    "สีสวย เนื้อผ้านุ่ม ใส่สบาย",
]


@transaction.atomic
def demo_sales_terms_create(*, rng: random.Random, producers: list[Producer]) -> None:
    SalesTerms.objects.bulk_create(
        [
            SalesTerms(
                producer=producer,
                accepts_bank_transfer=True,
                accepts_promptpay=producer.country == "TH",
                accepts_cash_on_delivery=producer.country == "TH" and rng.random() < 0.5,
                accepts_pay_at_stall=True,
                flat_shipping_rate={"TH": 50, "JP": 900, "KH": 8000, "LA": 30000, "MM": 5000, "VN": 35000}[producer.country],
                unpaid_expiry_hours=rng.choice([24, 48, 48, 72]),
            )
            for producer in producers
        ],
        ignore_conflicts=True,
    )


def demo_orders_create(*, rng: random.Random, buyers: list[User], count: int = 40) -> int:
    """Orders placed through the real services, then moved along to every state."""
    products = list(Product.objects.public().filter(stock__gte=5, country="TH").select_related("producer")[:200])
    if not products:
        return 0
    placed = 0
    for number in range(count):
        buyer = rng.choice(buyers)
        product = rng.choice(products)
        cart = services.cart_get(user=buyer, session={}, create=True)
        cart.items.all().delete()
        try:
            services.cart_add_item(cart=cart, product=product, quantity=rng.randint(1, 2))
            methods = services.payment_methods_for(product.producer)
            payment = next((m for m in methods if m != "stall"), methods[0])
            orders = services.order_place(
                buyer=buyer,
                cart=cart,
                checkout_token=services.new_checkout_token(),
                address={
                    "full_name": buyer.get_full_name() or buyer.username, "phone": "0812345678",
                    "email": buyer.email or "buyer@demo.otop.example", "address_line": "99/1 Moo 3",
                    "subdistrict": "Nai Mueang", "district": "Mueang Khon Kaen", "province": "Khon Kaen",
                    "postcode": "40000", "country": "TH",
                },
                choices={product.producer_id: services.ProducerChoice(delivery="shipping", payment=payment)},
            )
        except Exception:  # noqa: BLE001, S112 - a sold-out demo product is skipped
            continue
        order = orders[0]
        placed += 1
        manager = product.producer.memberships.filter(role="manager").select_related("user").first()
        actor = manager.user if manager else None
        target = number % 5  # pending, paid, shipped, delivered, cancelled
        if target >= 1 and target != 4 and actor:
            if order.payment_method == "cod":
                order = services.order_transition(order=order, to_state=Order.State.SHIPPED, by=actor, carrier="Thailand Post", tracking_number=f"EF{rng.randint(10**8, 10**9)}TH")
            else:
                order = services.order_transition(order=order, to_state=Order.State.PAID, by=actor, note="Transfer received.")
                if target >= 2:
                    order = services.order_transition(order=order, to_state=Order.State.SHIPPED, by=actor, carrier="Kerry Express", tracking_number=f"KEX{rng.randint(10**8, 10**9)}")
            if target >= 3:
                order = services.order_transition(order=order, to_state=Order.State.DELIVERED, by=actor)
                line = order.lines.first()
                services.review_create(line=line, buyer=buyer, rating=rng.choice([4, 5, 5, 3]), text=rng.choice(REVIEW_TEXTS))
        elif target == 4:
            services.order_transition(order=order, to_state=Order.State.CANCELLED, by=buyer, note="Ordered the wrong size.")
        Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=rng.randint(0, 60)))
    for buyer in buyers:
        for product in rng.sample(products, min(4, len(products))):
            FavouriteProduct.objects.get_or_create(user=buyer, product=product)
        for product in rng.sample(products, min(2, len(products))):
            FavouriteProducer.objects.get_or_create(user=buyer, producer=product.producer)
    return placed


@demo_step(order=60, label="sales terms and orders")
def demo_orders_step(site: DemoSite) -> str:
    # Demo orders would e-mail their buyers and producers: not while seeding (their e-mails are
    # tasks, dropped by the dummy backend; in-process sends go nowhere either).
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
    ):
        demo_sales_terms_create(rng=site.rng, producers=site.made.get("producers", []))
        buyers = [site.made["accounts"]["visitor"], *demo_buyers_create(rng=site.rng, count=8)]
        placed = demo_orders_create(rng=site.rng, buyers=buyers, count=site.options["orders"])
    return f"{placed} orders"
