"""Every write of the marketplace: carts, placing orders, stock, payments, order life, reviews,
favourites."""

import secrets
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from catalogue.cache import products_changed
from catalogue.models import Product
from core import images
from events.selectors import pickup_events_for
from producers.models import Producer, ProducerMembership

from . import emails
from .lifecycles import ORDER_LIFECYCLE, is_member
from .models import (
    BuyerAddress,
    Cart,
    CartItem,
    DeliveryMethod,
    FavouriteProducer,
    FavouriteProduct,
    Order,
    OrderLine,
    PaymentMethod,
    PaymentSlip,
    Review,
    SalesTerms,
)
from .payments import provider_for

MAX_QUANTITY = 999
NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone


class SoldOut(ValidationError):
    """Not enough stock for one or more products; nothing was reserved."""


# --- Carts -----------------------------------------------------------------------------------


# The session key naming a visitor's cart before they log in.
SESSION_CART_KEY = "cart_id"


def cart_get(*, user, session, create: bool = False) -> Cart | None:
    """The visitor's cart: the account's when logged in, else the one the session names."""
    if getattr(user, "is_authenticated", False):
        if create:
            return Cart.objects.get_or_create(user=user)[0]
        return Cart.objects.filter(user=user).first()
    cart_id = session.get(SESSION_CART_KEY)
    cart = Cart.objects.filter(pk=cart_id, user__isnull=True).first() if cart_id else None
    if cart is None and create:
        cart = Cart.objects.create()
        session[SESSION_CART_KEY] = cart.pk
    return cart


def parse_id(value) -> int | None:
    """A row id sent by a visitor, or None. str.isdigit() alone also accepts digits int() refuses
    ("²") and numbers too long to convert, which would answer 500."""
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _public_product(product_ref) -> Product:
    query = Product.objects.public().select_related("producer")
    product = None
    if isinstance(product_ref, Product):
        product = query.filter(pk=product_ref.pk).first()
    elif parse_id(product_ref) is not None:
        product = query.filter(pk=parse_id(product_ref)).first()
    elif product_ref:
        product = query.filter(slug=str(product_ref)[:140]).first()
    if product is None:
        raise ValidationError({"product": _("This product is not for sale.")})
    return product


def _refuse_own_products(*, user, products) -> None:
    """Members of a producer do not buy its products: an order to one's own group would let one
    mark it delivered and review it. Raises ValidationError naming them."""
    if not getattr(user, "is_authenticated", False):
        return
    producer_ids = {product.producer_id for product in products}
    own = set(ProducerMembership.objects.filter(user=user, producer_id__in=producer_ids).values_list("producer_id", flat=True))
    names = [product.name for product in products if product.producer_id in own]
    if names:
        raise ValidationError(
            _("You cannot buy your own group's products: %(names)s. Remove them from your cart.") % {"names": ", ".join(names)}
        )


@transaction.atomic
def cart_add_item(*, cart: Cart, product, quantity: int) -> CartItem:
    """Put `quantity` of a public product (by id, slug or instance) in the cart, adding to what is
    there. The total may not exceed the stock, and a member of the product's producer may not
    add it (see _refuse_own_products). Raises ValidationError."""
    product = _public_product(product)
    _refuse_own_products(user=cart.user, products=[product])
    if not isinstance(quantity, int) or quantity < 1 or quantity > MAX_QUANTITY:
        raise ValidationError({"quantity": _("Choose a quantity from 1 to %(max)s.") % {"max": MAX_QUANTITY}})
    item = CartItem.objects.select_for_update().filter(cart=cart, product=product).first()
    wanted = quantity + (item.quantity if item else 0)
    if product.stock < 1:
        raise SoldOut({"quantity": _("%(name)s is sold out.") % {"name": product.name}})
    if wanted > product.stock:
        raise ValidationError(
            {"quantity": _("Only %(stock)s of %(name)s left.") % {"stock": product.stock, "name": product.name}}
        )
    if item is None:
        item = CartItem(cart=cart, product=product, quantity=wanted, price_when_added=product.price)
    item.quantity = wanted
    item.full_clean()
    item.save()
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
    return item


@transaction.atomic
def cart_set_quantity(*, cart: Cart, item_id: int, quantity: int) -> CartItem | None:
    """Change an item's quantity (0 removes it). Raises ValidationError beyond the stock."""
    item = CartItem.objects.select_for_update().select_related("product").filter(cart=cart, pk=item_id).first()
    if item is None:
        raise ValidationError(_("That item is not in your cart."))
    if quantity <= 0:
        item.delete()
        return None
    if quantity > min(item.product.stock, MAX_QUANTITY):
        raise ValidationError(
            _("Only %(stock)s of %(name)s left.") % {"stock": item.product.stock, "name": item.product.name}
        )
    item.quantity = quantity
    item.save(update_fields=["quantity"])
    return item


def cart_remove_item(*, cart: Cart, item_id: int) -> None:
    CartItem.objects.filter(cart=cart, pk=item_id).delete()


@transaction.atomic
def cart_merge(*, user: User, anonymous_cart_id: int | None) -> Cart | None:
    """Move an anonymous session's cart into the account's cart at login (quantities add up,
    capped at the stock)."""
    if not anonymous_cart_id:
        return None
    anonymous = Cart.objects.select_for_update().filter(pk=anonymous_cart_id, user__isnull=True).first()
    if anonymous is None:
        return None
    cart = Cart.objects.get_or_create(user=user)[0]
    existing = {item.product_id: item for item in cart.items.select_for_update()}
    for item in anonymous.items.select_related("product"):
        mine = existing.get(item.product_id)
        if mine:
            mine.quantity = max(1, min(mine.quantity + item.quantity, max(item.product.stock, 1), MAX_QUANTITY))
            mine.save(update_fields=["quantity"])
        else:
            item.cart = cart
            item.save(update_fields=["cart"])
    anonymous.delete()
    return cart


# --- Shipping ----------------------------------------------------------------------------------


def sales_terms_for(producer: Producer) -> SalesTerms:
    terms = getattr(producer, "sales_terms", None)
    return terms if terms is not None else SalesTerms(producer=producer)


def shipping_cost(*, terms: SalesTerms, weight_grams: int) -> Decimal:
    """The producer's weight band for the parcel (the highest band beyond the last), else the
    flat rate."""
    bands = list(terms.bands.all()) if terms.pk else []
    if not bands:
        return terms.flat_shipping_rate
    for band in bands:
        if weight_grams <= band.max_weight_grams:
            return band.price
    return bands[-1].price


def payment_methods_for(producer: Producer) -> list[str]:
    """The methods the producer accepts and can actually take (e.g. PromptPay needs an id)."""
    terms = sales_terms_for(producer)
    return [method for method in terms.payment_methods if provider_for(method).available_for(producer)]


# Which payments go with which delivery: paying at the stall needs the buyer at the stall, cash
# on delivery is paid to the courier; a transfer or PromptPay is paid ahead of either.
PAYMENTS_BY_DELIVERY: dict[str, tuple[str, ...]] = {
    DeliveryMethod.SHIPPING: (PaymentMethod.BANK_TRANSFER, PaymentMethod.PROMPTPAY, PaymentMethod.CASH_ON_DELIVERY),
    DeliveryMethod.PICKUP: (PaymentMethod.BANK_TRANSFER, PaymentMethod.PROMPTPAY, PaymentMethod.PAY_AT_STALL),
}


def selling_ways(producer: Producer, *, pickup_events: list | None = None) -> dict[str, list[str]]:
    """The ways a buyer can get and pay for the producer's products now: for each delivery the
    producer offers, the payment methods it can take with it (payment_methods_for, paired by
    PAYMENTS_BY_DELIVERY). Pick-up is offered only while the producer has a stall at a running
    or coming event (`pickup_events`, read when not given). A delivery with no payment is left
    out, so an empty answer means nobody could pay the producer at all."""
    methods = payment_methods_for(producer)
    if pickup_events is None:
        pickup_events = pickup_events_for(producer)
    ways = {}
    for delivery, goes_with in PAYMENTS_BY_DELIVERY.items():
        if delivery == DeliveryMethod.PICKUP and not pickup_events:
            continue
        payments = [method for method in methods if method in goes_with]
        if payments:
            ways[delivery] = payments
    return ways


# --- Placing orders ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProducerChoice:
    delivery: str
    payment: str
    pickup_event_id: int | None = None


def new_checkout_token() -> str:
    return secrets.token_urlsafe(24)


def _order_number() -> str:
    day = timezone.localdate().strftime("%y%m%d")
    return f"OT{day}-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))


def _reserve_stock(lines: list[tuple[Product, int]]) -> None:
    """Take each line's quantity from stock with a conditional UPDATE, in product-id order so two
    checkouts never wait on each other in a circle. Raises SoldOut, and the transaction that
    called it rolls back whatever was taken."""
    sold_out = []
    for product, quantity in sorted(lines, key=lambda line: line[0].pk):
        taken = Product.objects.filter(pk=product.pk, visible=True, stock__gte=quantity).update(stock=F("stock") - quantity)
        if not taken:
            sold_out.append(product.name)
    if sold_out:
        raise SoldOut(_("Sold out, or fewer left than you asked for: %(names)s.") % {"names": ", ".join(sold_out)})
    _stock_changed([product.pk for product, _quantity in lines])


def _return_stock(order: Order) -> None:
    returned: dict[int, int] = {}
    for line in order.lines.exclude(product__isnull=True).order_by("product_id"):
        Product.objects.filter(pk=line.product_id).update(stock=F("stock") + line.quantity)
        returned[line.product_id] = returned.get(line.product_id, 0) + line.quantity
    _stock_changed(list(returned), returned=returned)


def _stock_changed(product_ids: list[int], *, returned: dict[int, int] | None = None) -> None:
    """Renew the pages of products whose stock just changed in this transaction: each one's own
    page at once, and the listings (which show "Sold out" and count what is in stock) only when
    one sold out, or came back from none (`returned`: the units given back, by product). One query."""
    if not product_ids:
        return
    rows = list(Product.objects.filter(pk__in=product_ids).values_list("pk", "slug", "stock"))
    if returned is None:
        crossed = any(stock == 0 for _pk, _slug, stock in rows)
    else:
        crossed = any(stock == returned.get(pk) for pk, _slug, stock in rows)
    products_changed([slug for _pk, slug, _stock in rows], cards=crossed)


def _expiry(*, now, terms: SalesTerms, payment: str):
    hold = provider_for(payment).unpaid_hold(terms)
    return now + hold if hold is not None else None


def _check_unpaid_limits(*, buyer: User, items: list[CartItem], new_orders: int) -> None:
    """One account may hold only so much stock with unpaid orders, so nobody can empty a product
    by ordering without paying: at most ORDERS_UNPAID_ORDERS_PER_ACCOUNT unpaid orders at once,
    and of each product at most the larger of ORDERS_UNPAID_UNITS_PER_PRODUCT units and
    ORDERS_UNPAID_SHARE_PERCENT of its whole stock (in stock plus held by unpaid orders). The
    caller holds the buyer's row lock, so two checkouts of one account are counted one after
    the other. Raises ValidationError naming the limit (and the products over it)."""
    unpaid = Order.objects.filter(buyer=buyer, state=Order.State.PENDING_PAYMENT).count()
    max_orders = settings.ORDERS_UNPAID_ORDERS_PER_ACCOUNT
    if unpaid + new_orders > max_orders:
        raise ValidationError(
            _(
                "You have %(unpaid)s unpaid orders; one account may have at most %(limit)s at once. "
                "Pay for or cancel an order before placing more."
            )
            % {"unpaid": unpaid, "limit": max_orders}
        )
    held = {
        row["product_id"]: row
        for row in OrderLine.objects.filter(
            order__state=Order.State.PENDING_PAYMENT, product_id__in=[item.product_id for item in items]
        )
        .values("product_id")
        .annotate(reserved=Sum("quantity"), mine=Sum("quantity", filter=Q(order__buyer=buyer)))
        .order_by()
    }
    over = []
    for item in items:
        row = held.get(item.product_id, {})
        whole_stock = item.product.stock + (row.get("reserved") or 0)
        limit = max(settings.ORDERS_UNPAID_UNITS_PER_PRODUCT, whole_stock * settings.ORDERS_UNPAID_SHARE_PERCENT // 100)
        mine = row.get("mine") or 0
        if mine + item.quantity > limit:
            over.append(
                _(
                    "%(name)s: one account may hold at most %(limit)s units unpaid (you hold %(mine)s in unpaid orders "
                    "and asked for %(quantity)s). Pay for your unpaid orders first, or order fewer."
                )
                % {"name": item.product.name, "limit": limit, "mine": mine, "quantity": item.quantity}
            )
    if over:
        raise ValidationError(over)


def _address_text(address: dict) -> str:
    parts = [address.get("address_line", ""), address.get("subdistrict", ""), address.get("district", ""),
             address.get("province", ""), address.get("postcode", ""), address.get("country", "")]
    return ", ".join(part for part in parts if part)


def order_place(*, buyer: User, cart: Cart, checkout_token: str, address: dict, choices: dict[int, ProducerChoice]) -> list[Order]:
    """Turn the cart into one order per producer, in one transaction.

    Prices and names are read from the catalogue now and copied onto the lines; nothing in the
    request decides an amount. Stock is reserved with conditional updates, so it never goes
    below zero whatever the concurrency. The checkout token makes the placement idempotent: a
    second submission of the same checkout returns the orders of the first. Only an account with
    a confirmed e-mail address may order (throwaway accounts cannot hold stock, and the order's
    mails reach the buyer). Raises SoldOut or ValidationError, and then nothing is saved.
    """
    if not buyer.email_verified:
        raise ValidationError(_("Confirm your e-mail address before you order: use the link we sent you."))
    try:
        return _order_place(buyer=buyer, cart=cart, checkout_token=checkout_token, address=address, choices=choices)
    except IntegrityError:
        # A concurrent submission of the same checkout won the race: return what it placed.
        placed = list(Order.objects.filter(buyer=buyer, checkout_token=checkout_token))
        if placed:
            return placed
        raise


@transaction.atomic
def _order_place(*, buyer, cart, checkout_token, address, choices) -> list[Order]:
    if not checkout_token:
        raise ValidationError(_("This checkout form has expired; please reload it."))
    placed = list(Order.objects.filter(buyer=buyer, checkout_token=checkout_token))
    if placed:
        return placed
    # One checkout of an account at a time: the unpaid limits count the account's orders, and a
    # checkout running alongside (another tab, another cart) must be counted with them.
    User.objects.select_for_update(no_key=True).filter(pk=buyer.pk).first()
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    placed = list(Order.objects.filter(buyer=buyer, checkout_token=checkout_token))
    if placed:
        return placed
    items = list(cart.items.select_related("product__producer__sales_terms").order_by("product_id"))
    if not items:
        raise ValidationError(_("Your cart is empty."))
    hidden = [item.product.name for item in items if not item.product.visible]
    if hidden:
        raise ValidationError(_("No longer for sale: %(names)s. Remove them from your cart.") % {"names": ", ".join(hidden)})
    _validate_address(address)
    # Membership may have come after the products went into the cart.
    _refuse_own_products(user=buyer, products=[item.product for item in items])

    by_producer: dict[int, list[CartItem]] = defaultdict(list)
    for item in items:
        by_producer[item.product.producer_id].append(item)
    plans = []
    for producer_id, producer_items in by_producer.items():
        producer = producer_items[0].product.producer
        choice = choices.get(producer_id)
        if choice is None:
            raise ValidationError(_("Choose delivery and payment for %(name)s.") % {"name": producer.display_name})
        plans.append((producer, producer_items, checkout_choice_check(producer=producer, choice=choice)))
    _check_unpaid_limits(buyer=buyer, items=items, new_orders=len(plans))

    orders = []
    now = timezone.now()
    for producer, producer_items, choice in plans:
        terms = sales_terms_for(producer)
        subtotal = sum((item.product.price * item.quantity for item in producer_items), Decimal(0))
        weight = sum((item.product.weight_grams or 0) * item.quantity for item in producer_items)
        shipping = shipping_cost(terms=terms, weight_grams=weight) if choice.delivery == DeliveryMethod.SHIPPING else Decimal(0)
        order = Order(
            number=_order_number(),
            buyer=buyer,
            producer=producer,
            checkout_token=checkout_token,
            currency=producer_items[0].product.currency,
            subtotal=subtotal,
            shipping_cost=shipping,
            total=subtotal + shipping,
            delivery_method=choice.delivery,
            pickup_event_id=choice.pickup_event_id,
            payment_method=choice.payment,
            ship_name=address["full_name"],
            ship_phone=address["phone"],
            ship_email=address["email"],
            ship_address=_address_text(address) if choice.delivery == DeliveryMethod.SHIPPING else "",
            expires_at=_expiry(now=now, terms=terms, payment=choice.payment),
        )
        order.full_clean(exclude=["pickup_event"])
        order.save()
        OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=order,
                    product=item.product,
                    product_name=item.product.name,
                    product_slug=item.product.slug,
                    unit_price=item.product.price,
                    quantity=item.quantity,
                    line_total=item.product.price * item.quantity,
                )
                for item in producer_items
            ]
        )
        ORDER_LIFECYCLE.start(order, by=buyer)
        orders.append(order)
    # Reserved last, so the product rows stay locked for as little of the transaction as possible;
    # running out rolls back everything above.
    _reserve_stock([(item.product, item.quantity) for item in items])
    cart.items.filter(pk__in=[item.pk for item in items]).delete()
    BuyerAddress.objects.update_or_create(user=buyer, defaults={k: address.get(k, "") for k in ADDRESS_FIELDS})
    for order in orders:
        emails.order_notify(order=order, event="placed")
    return orders


ADDRESS_FIELDS = ["full_name", "phone", "email", "address_line", "subdistrict", "district", "province", "postcode", "country"]


def _validate_address(address: dict) -> None:
    missing = [name for name in ("full_name", "phone", "email") if not (address.get(name) or "").strip()]
    if missing:
        raise ValidationError(_("Fill in your name, phone and e-mail."))


def checkout_choice_check(*, producer: Producer, choice: ProducerChoice) -> ProducerChoice:
    """The buyer's delivery and payment for one producer, if the producer can take them together
    (the pairs selling_ways offers); ValidationError saying what is wrong otherwise, or that the
    producer can take no order at all now. Reads only (order_place calls it for every producer
    inside its transaction; the checkout page, before asking for an address)."""
    try:
        return _checked_choice(producer, choice)
    except ValidationError:
        if not selling_ways(producer):
            raise ValidationError(
                _(
                    "%(name)s cannot take orders at the moment: there is no way to pay it yet. "
                    "Remove its products from your cart to order the rest."
                )
                % {"name": producer.display_name}
            ) from None
        raise


def _checked_choice(producer: Producer, choice: ProducerChoice) -> ProducerChoice:
    if choice.delivery not in DeliveryMethod.values:
        raise ValidationError(_("Unknown delivery method."))
    if choice.payment not in payment_methods_for(producer):
        raise ValidationError(_("%(name)s does not take that payment method.") % {"name": producer.display_name})
    if choice.delivery == DeliveryMethod.PICKUP:
        allowed = {event.pk for event in pickup_events_for(producer)}
        if choice.pickup_event_id not in allowed:
            raise ValidationError(_("%(name)s has no stall at that event.") % {"name": producer.display_name})
    else:
        choice = ProducerChoice(delivery=choice.delivery, payment=choice.payment, pickup_event_id=None)
    if choice.payment not in PAYMENTS_BY_DELIVERY[choice.delivery]:
        if choice.payment == PaymentMethod.PAY_AT_STALL:
            raise ValidationError(_("Paying at the stall needs pick-up at the stall."))
        raise ValidationError(
            _("%(payment)s does not go with %(delivery)s: choose another payment.")
            % {"payment": PaymentMethod(choice.payment).label, "delivery": DeliveryMethod(choice.delivery).label}
        )
    return choice


# --- Order life --------------------------------------------------------------------------------


@transaction.atomic
def order_transition(
    *, order: Order, to_state: str, by: User | None, note: str = "", carrier: str = "", tracking_number: str = "",
    refund_note: str = "",
) -> Order:
    """Move an order along ORDER_LIFECYCLE (pending payment, paid, shipped, delivered, cancelled) and record who, when and why.

    The producer's members confirm payment, ship (carrier and tracking number needed), deliver
    and cancel (a reason needed; a refund note when it was paid). The buyer may cancel an unpaid
    order. `by=None` is the system (expiry). Cancelling returns the stock, and cancelling an
    order never paid erases its transfer slips. Raises PermissionDenied or ValidationError
    (nothing changes).
    """
    order = Order.objects.select_for_update().select_related("producer").get(pk=order.pk)
    from_state = ORDER_LIFECYCLE.check(order, to=to_state, by=by)
    if to_state == Order.State.SHIPPED:
        if from_state == Order.State.PENDING_PAYMENT and order.payment_method != PaymentMethod.CASH_ON_DELIVERY:
            raise ValidationError(_("Confirm the payment before shipping."))
        if order.delivery_method != DeliveryMethod.SHIPPING:
            raise ValidationError(_("This order is picked up at the stall, not shipped."))
        if not carrier.strip() or not tracking_number.strip():
            raise ValidationError(_("Give the carrier and the tracking number."))
        order.carrier, order.tracking_number = carrier.strip()[:80], tracking_number.strip()[:80]
    if to_state == Order.State.DELIVERED and from_state == Order.State.PAID and order.delivery_method != DeliveryMethod.PICKUP:
        raise ValidationError(_("Ship the order before marking it delivered."))
    if to_state == Order.State.CANCELLED:
        if by is not None and not note.strip():
            raise ValidationError(_("Say why the order is cancelled; the buyer will see it."))
        order.cancel_reason = note.strip()
        if from_state == Order.State.PAID:
            order.refund_note = refund_note.strip() or _("Refund due.")
        else:
            # Never paid: the slips are in nobody's books and show the buyer's bank details, so
            # they go now (their images once this commits). A paid order keeps them for the
            # producer's books.
            order.slips.all().delete()
        _return_stock(order)
    if to_state != Order.State.PENDING_PAYMENT:
        order.expires_at = None
    ORDER_LIFECYCLE.record(
        order, to=to_state, by=by, note=note,
        fields=("carrier", "tracking_number", "cancel_reason", "refund_note", "expires_at"),
    )
    if to_state in (Order.State.PAID, Order.State.SHIPPED, Order.State.CANCELLED, Order.State.DELIVERED):
        emails.order_notify(order=order, event=to_state)
    return order


def orders_expire(*, now=None) -> int:
    """Cancel unpaid orders past their time and return their stock. Safe to run from several
    processes: each order is taken by one (row locks, skipping locked rows)."""
    now = now or timezone.now()
    expired = 0
    while True:
        with transaction.atomic():
            batch = list(
                Order.objects.select_for_update(skip_locked=True)
                .filter(state=Order.State.PENDING_PAYMENT, expires_at__lt=now)
                .order_by("expires_at")[:100]
            )
            if not batch:
                return expired
            for order in batch:
                order_transition(order=order, to_state=Order.State.CANCELLED, by=None, note=str(_("Not paid in time.")))
                expired += 1


def order_expire_if_due(order: Order) -> Order:
    if order.state == Order.State.PENDING_PAYMENT and order.expires_at and order.expires_at < timezone.now():
        try:
            return order_transition(order=order, to_state=Order.State.CANCELLED, by=None, note=str(_("Not paid in time.")))
        except ValidationError:
            order.refresh_from_db()
    return order


# --- Payments --------------------------------------------------------------------------------


def _check_takes_slip(order: Order) -> None:
    if order.state != Order.State.PENDING_PAYMENT or not provider_for(order.payment_method).accepts_slip:
        raise ValidationError(_("This order does not wait for a transfer slip."))


def slip_upload(*, order: Order, buyer: User, upload) -> PaymentSlip:
    """The buyer's transfer slip for an unpaid bank-transfer or PromptPay order.

    The upload must be a real image; it is re-encoded without its metadata and kept in the
    private storage (a slip shows names and account numbers). The order is locked while the slip
    is added, so a cancellation (which erases the order's slips) cannot pass in between. Raises
    PermissionDenied for anyone but the buyer, ValidationError for an order that waits for no
    slip or a file that is not an image; then nothing is stored.
    """
    if order.buyer_id != buyer.pk:
        raise PermissionDenied
    _check_takes_slip(order)
    content = images.clean_upload(upload)
    slip = PaymentSlip(order=order)
    try:
        with transaction.atomic():
            order = Order.objects.select_for_update().select_related("producer", "buyer").get(pk=order.pk)
            _check_takes_slip(order)
            slip.order = order
            slip.image.save(f"{uuid.uuid4().hex}.jpg", content, save=False)
            slip.save()
            _hold_for_slip(order)
            emails.order_notify(order=order, event="slip")
    except BaseException:
        if slip.image.name:
            slip.image.storage.delete(slip.image.name)
        raise
    return slip


def _hold_for_slip(order: Order) -> None:
    """A slip sent in time keeps the order (and its stock) until the producer's own expiry from
    placement, however short the method's hold: the buyer has paid and the producer still has
    to confirm."""
    until = order.created_at + timedelta(hours=sales_terms_for(order.producer).unpaid_expiry_hours)
    if order.expires_at and timezone.now() <= order.expires_at < until:
        Order.objects.filter(pk=order.pk, state=Order.State.PENDING_PAYMENT, expires_at__lt=until).update(expires_at=until)
        order.expires_at = until


@transaction.atomic
def slip_review(*, slip: PaymentSlip, by: User, accept: bool, note: str = "") -> PaymentSlip:
    """The producer accepts a slip (the order is paid) or rejects it with a note for the buyer.
    Raises PermissionDenied for anyone but the producer's members, ValidationError for a slip
    reviewed already, erased (its order was cancelled unpaid), or rejected without a note."""
    slip = PaymentSlip.objects.select_for_update().select_related("order").filter(pk=slip.pk).first()
    if slip is None:
        raise ValidationError(_("This slip is no longer there: the order was cancelled."))
    if not is_member(slip.order.producer_id, by):
        raise PermissionDenied
    if slip.state != PaymentSlip.State.WAITING:
        raise ValidationError(_("This slip was reviewed already."))
    if not accept and not note.strip():
        raise ValidationError(_("Tell the buyer why the slip is rejected."))
    slip.state = PaymentSlip.State.ACCEPTED if accept else PaymentSlip.State.REJECTED
    slip.note, slip.reviewed_at = note.strip()[:300], timezone.now()
    slip.save()
    if accept:
        order_transition(order=slip.order, to_state=Order.State.PAID, by=by, note=_("Transfer slip accepted."))
    else:
        _end_hold_for_slip(slip.order_id)
    return slip


def _end_hold_for_slip(order_id: int) -> None:
    """A rejected slip keeps the order no longer: unless another slip still waits, the order
    holds its stock for the method's own hold counted from now (time to send the right slip),
    never longer than it had. Otherwise any picture sent as a slip would keep a PromptPay order
    for the producer's whole expiry even after the producer turned it down."""
    order = Order.objects.select_for_update().select_related("producer").get(pk=order_id)
    if order.state != Order.State.PENDING_PAYMENT or order.expires_at is None:
        return
    if order.slips.filter(state=PaymentSlip.State.WAITING).exists():
        return
    hold = provider_for(order.payment_method).unpaid_hold(sales_terms_for(order.producer))
    if hold is not None and timezone.now() + hold < order.expires_at:
        Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() + hold)


# --- Reviews and favourites ------------------------------------------------------------------


@transaction.atomic
def review_create(*, line: OrderLine, buyer: User, rating: int, text: str) -> Review:
    """One review per delivered order line, by its buyer, 1–5 stars with text. Members of the
    product's producer do not review their own products. Raises PermissionDenied or
    ValidationError."""
    line = OrderLine.objects.select_related("order", "product").get(pk=line.pk)
    if line.order.buyer_id != buyer.pk:
        raise PermissionDenied
    producer_ids = {line.order.producer_id} | ({line.product.producer_id} if line.product else set())
    if ProducerMembership.objects.filter(user=buyer, producer_id__in=producer_ids).exists():
        raise ValidationError(_("Members of a group cannot review its products."))
    if line.order.state != Order.State.DELIVERED:
        raise ValidationError(_("You can review a product once your order is delivered."))
    if line.product_id is None:
        raise ValidationError(_("This product is no longer listed."))
    if Review.objects.filter(line=line).exists():
        raise ValidationError(_("You have reviewed this already."))
    review = Review(line=line, product_id=line.product_id, buyer=buyer, rating=rating, text=text.strip())
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def review_remove(*, review: Review, by: User) -> None:
    """Staff take down a review that breaks the site's rules (abuse, someone's personal details,
    advertising): it leaves its product's page and average at once (the page is renewed by the
    review's receiver). A review has no hidden state, so the row is deleted and its buyer may
    review that purchase again. Raises PermissionDenied for anyone who may not delete reviews."""
    if not (by.is_staff and by.has_perm("orders.delete_review")):
        raise PermissionDenied
    Review.objects.filter(pk=review.pk).delete()


def favourite_toggle(*, user: User, product: Product | None = None, producer: Producer | None = None) -> bool:
    """Add or remove a favourite product or producer; return whether it is now a favourite."""
    model, field, value = (FavouriteProduct, "product", product) if product is not None else (FavouriteProducer, "producer", producer)
    deleted, _count = model.objects.filter(user=user, **{field: value}).delete()
    if deleted:
        return False
    model.objects.get_or_create(user=user, **{field: value})
    return True


# --- Sales terms -------------------------------------------------------------------------------

SALES_TERMS_FIELDS = [
    "accepts_bank_transfer", "accepts_promptpay", "accepts_cash_on_delivery", "accepts_pay_at_stall",
    "flat_shipping_rate", "unpaid_expiry_hours",
]


@transaction.atomic
def sales_terms_save(*, producer: Producer, bands: list[dict], **fields) -> SalesTerms:
    """Set how `producer` sells: the payment methods, flat rate and unpaid hold in `fields`, and
    the weight bands (`max_weight_grams`, `price`) that replace the ones it had.

    One transaction, so buyers never meet terms with half their bands. Raises ValidationError
    for an invalid value or two bands of one weight (nothing is saved).
    """
    unknown = set(fields) - set(SALES_TERMS_FIELDS)
    if unknown:
        raise ValueError(f"Not sales terms fields: {sorted(unknown)}")
    terms = SalesTerms.objects.select_for_update().filter(producer=producer).first() or SalesTerms(producer=producer)
    for name, value in fields.items():
        setattr(terms, name, value)
    terms.full_clean()
    terms.save()
    terms.bands.all().delete()
    for values in bands:
        band = terms.bands.model(terms=terms, max_weight_grams=values["max_weight_grams"], price=values["price"])
        band.full_clean()
        band.save()
    return terms
