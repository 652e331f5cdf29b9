"""The marketplace: carts, orders split by producer, payments, reviews, favourites."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import StateChange

from .querysets import PaymentSlipQuerySet
from .storage import PrivateStorage


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    PROMPTPAY = "promptpay", _("PromptPay QR")
    CASH_ON_DELIVERY = "cod", _("Cash on delivery")
    PAY_AT_STALL = "stall", _("Pay at the stall")


class DeliveryMethod(models.TextChoices):
    SHIPPING = "shipping", _("Shipping")
    PICKUP = "pickup", _("Pick up at the producer's stall")


class SalesTerms(models.Model):
    """How a producer sells: payment methods it accepts, shipping rates, how long an unpaid order
    holds its stock."""

    producer = models.OneToOneField("producers.Producer", on_delete=models.CASCADE, related_name="sales_terms")
    accepts_bank_transfer = models.BooleanField(_("bank transfer"), default=True)
    accepts_promptpay = models.BooleanField(_("PromptPay"), default=False)
    accepts_cash_on_delivery = models.BooleanField(_("cash on delivery"), default=False)
    accepts_pay_at_stall = models.BooleanField(_("pay at the stall"), default=True)
    flat_shipping_rate = models.DecimalField(
        _("flat shipping rate"), max_digits=12, decimal_places=2, default=50, validators=[MinValueValidator(0)]
    )
    unpaid_expiry_hours = models.PositiveSmallIntegerField(
        _("unpaid orders expire after (hours)"), default=48, validators=[MinValueValidator(1), MaxValueValidator(720)]
    )

    class Meta:
        verbose_name = _("sales terms")
        verbose_name_plural = _("sales terms")
        constraints = [
            models.CheckConstraint(condition=Q(flat_shipping_rate__gte=0), name="orders_terms_rate_not_negative"),
            models.CheckConstraint(condition=Q(unpaid_expiry_hours__gte=1), name="orders_terms_expiry_positive"),
        ]

    @property
    def payment_methods(self) -> list[str]:
        accepted = [
            (self.accepts_bank_transfer, PaymentMethod.BANK_TRANSFER),
            (self.accepts_promptpay, PaymentMethod.PROMPTPAY),
            (self.accepts_cash_on_delivery, PaymentMethod.CASH_ON_DELIVERY),
            (self.accepts_pay_at_stall, PaymentMethod.PAY_AT_STALL),
        ]
        return [method for ok, method in accepted if ok]


class ShippingBand(models.Model):
    """A weight band: parcels up to `max_weight_grams` cost `price`. With bands, they replace the
    flat rate."""

    terms = models.ForeignKey(SalesTerms, on_delete=models.CASCADE, related_name="bands")
    max_weight_grams = models.PositiveIntegerField(_("up to (g)"), validators=[MinValueValidator(1)])
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["max_weight_grams"]
        constraints = [
            models.UniqueConstraint(fields=["terms", "max_weight_grams"], name="orders_band_unique_weight"),
            models.CheckConstraint(condition=Q(price__gte=0), name="orders_band_price_not_negative"),
        ]


class Cart(models.Model):
    """A visitor's cart: an account's (one per user), or an anonymous session's."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="cart")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    # The price when it was put in the cart, to tell the buyer when it has changed since.
    price_when_added = models.DecimalField(max_digits=14, decimal_places=2)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="orders_cart_item_once"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orders_cart_item_quantity_positive"),
        ]


class BuyerAddress(models.Model):
    """The delivery address and contact a buyer used last, offered again at the next checkout."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="buyer_address")
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=32)
    email = models.EmailField(_("e-mail"))
    address_line = models.CharField(_("address"), max_length=300)
    subdistrict = models.CharField(_("sub-district"), max_length=120, blank=True)
    district = models.CharField(_("district"), max_length=120, blank=True)
    province = models.CharField(_("province"), max_length=120)
    postcode = models.CharField(_("postcode"), max_length=12)
    country = models.CharField(_("country"), max_length=2, default="TH")


class Order(models.Model):
    class State(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("pending payment")
        PAID = "paid", _("paid")
        SHIPPED = "shipped", _("shipped")
        DELIVERED = "delivered", _("delivered")
        CANCELLED = "cancelled", _("cancelled")

    number = models.CharField(_("order number"), max_length=20, unique=True)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    producer = models.ForeignKey("producers.Producer", on_delete=models.PROTECT, related_name="orders")
    # One checkout makes one order per producer; the token makes a repeated submission place nothing twice.
    checkout_token = models.CharField(max_length=64)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING_PAYMENT)
    currency = models.CharField(_("currency"), max_length=3)
    subtotal = models.DecimalField(_("subtotal"), max_digits=14, decimal_places=2)
    shipping_cost = models.DecimalField(_("shipping"), max_digits=14, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    delivery_method = models.CharField(_("delivery"), max_length=10, choices=DeliveryMethod.choices)
    pickup_event = models.ForeignKey("events.Event", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    payment_method = models.CharField(_("payment"), max_length=20, choices=PaymentMethod.choices)

    # The address and contact, copied so later changes to the buyer's address do not alter it.
    ship_name = models.CharField(_("name"), max_length=150)
    ship_phone = models.CharField(_("phone"), max_length=32)
    ship_email = models.EmailField(_("e-mail"))
    ship_address = models.TextField(_("address"), blank=True)

    carrier = models.CharField(_("carrier"), max_length=80, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=80, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    refund_note = models.TextField(_("refund"), blank=True)
    expires_at = models.DateTimeField(_("unpaid order expires"), null=True, blank=True)
    created_at = models.DateTimeField(_("placed"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["checkout_token", "producer"], name="orders_one_order_per_checkout_and_producer"),
            models.CheckConstraint(condition=Q(subtotal__gte=0, shipping_cost__gte=0, total__gte=0), name="orders_amounts_not_negative"),
            models.CheckConstraint(
                condition=Q(total=models.F("subtotal") + models.F("shipping_cost")), name="orders_total_is_sum"
            ),
        ]
        indexes = [
            models.Index(fields=["producer", "state", "-created_at"]),
            models.Index(fields=["buyer", "-created_at"]),
            models.Index(fields=["state", "expires_at"], condition=Q(state="pending_payment"), name="orders_pending_expiry"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalogue.Product", null=True, on_delete=models.SET_NULL, related_name="order_lines")
    # Copied at placement: the order keeps what was bought at the price it was bought for.
    product_name = models.CharField(_("product"), max_length=200)
    product_slug = models.CharField(max_length=140)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    quantity = models.PositiveIntegerField(_("quantity"))
    line_total = models.DecimalField(_("line total"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orders_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="orders_line_price_not_negative"),
        ]


class OrderEvent(StateChange):
    """Every change of an order's state: from, to, who, when, and a note (see orders.lifecycles)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=20, choices=Order.State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=Order.State.choices)


class PaymentSlip(models.Model):
    """A buyer's bank-transfer slip. It shows names and account numbers, so the image is kept in
    the private storage and streamed only to the buyer, the producer's members and staff; it is
    erased with its row, and with an order cancelled before it was ever paid."""

    class State(models.TextChoices):
        WAITING = "waiting", _("waiting for the producer")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="slips")
    image = models.ImageField(_("transfer slip"), upload_to="slips/", storage=PrivateStorage(), max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    note = models.CharField(_("note"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = PaymentSlipQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]


class Review(models.Model):
    """A buyer's review of a product from a delivered order: one per order line."""

    line = models.OneToOneField(OrderLine, on_delete=models.CASCADE, related_name="review")
    product = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE, related_name="reviews")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField(_("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    text = models.TextField(_("your review"), max_length=3000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="orders_review_rating_range")]


class FavouriteProduct(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourite_products")
    product = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at"]
        constraints = [models.UniqueConstraint(fields=["user", "product"], name="orders_favourite_product_once")]


class FavouriteProducer(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourite_producers")
    producer = models.ForeignKey("producers.Producer", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at"]
        constraints = [models.UniqueConstraint(fields=["user", "producer"], name="orders_favourite_producer_once")]
