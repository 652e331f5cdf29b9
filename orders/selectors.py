"""The reads of the marketplace pages."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Avg, Case, CharField, Count, Exists, F, Max, OuterRef, Prefetch, Q, Sum, Value, When, Window
from django.db.models.functions import RowNumber, TruncWeek
from django.utils import timezone

from catalogue.models import Product, ProductPhoto
from events.selectors import pickup_events_for
from places.models import Place
from places.naming import postal_address
from producers.models import ProducerMembership

from .cache import visitor_bits
from .models import (
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
)
from .payments import provider_for
from .services import SESSION_CART_KEY, payment_methods_for, sales_terms_for, selling_ways, shipping_cost


@dataclass
class CartLine:
    item: object
    product: object
    line_total: Decimal
    price_changed: bool
    short_of_stock: bool
    unavailable: bool


@dataclass
class CartGroup:
    producer: object
    currency: str
    lines: list = field(default_factory=list)
    subtotal: Decimal = Decimal(0)
    weight_grams: int = 0


def cart_count_for(*, user, session) -> int:
    """How many items the visitor's cart holds, for the header: kept for a signed-in visitor
    (orders/cache.py), one query for a session's cart."""
    if getattr(user, "is_authenticated", False):
        return visitor_bits(user).cart_count
    cart_id = session.get(SESSION_CART_KEY)
    if not cart_id:
        return 0
    items = CartItem.objects.filter(cart_id=cart_id, cart__user__isnull=True)
    return items.aggregate(n=Sum("quantity"))["n"] or 0


def cart_groups(*, cart: Cart | None) -> list[CartGroup]:
    """The cart grouped by producer, each with its subtotal in its own currency, and what changed
    since each item was added (price, stock, still for sale). A fixed number of queries."""
    if cart is None:
        return []
    items = cart.items.select_related("product__producer__sales_terms").prefetch_related(
        Prefetch("product__photos", queryset=ProductPhoto.objects.order_by("position", "pk"))
    )
    groups: dict[int, CartGroup] = {}
    for item in items:
        product = item.product
        group = groups.setdefault(product.producer_id, CartGroup(producer=product.producer, currency=product.currency))
        line = CartLine(
            item=item,
            product=product,
            line_total=product.price * item.quantity,
            price_changed=product.price != item.price_when_added,
            short_of_stock=product.stock < item.quantity,
            unavailable=not product.visible,
        )
        group.lines.append(line)
        group.subtotal += line.line_total
        group.weight_grams += (product.weight_grams or 0) * item.quantity
    return list(groups.values())


def checkout_options(*, groups: list[CartGroup]) -> list[dict]:
    """For each producer in the cart, only what it can take (services.selling_ways): the
    deliveries it offers (shipping with its cost, pick-up at its stalls' events), each payment
    method with the deliveries it goes with, and a default pair that goes together (shipping
    first when it is offered). `ways` is empty for a producer nobody can pay: the page says so
    and the order cannot be placed."""
    options = []
    for group in groups:
        producer = group.producer
        terms = sales_terms_for(producer)
        events = pickup_events_for(producer)
        ways = selling_ways(producer, pickup_events=events)
        methods = [method for method in payment_methods_for(producer) if any(method in payments for payments in ways.values())]
        default_delivery = next(iter(ways), "")
        options.append(
            {
                "group": group,
                "ways": ways,
                "offers_shipping": DeliveryMethod.SHIPPING in ways,
                "pickup_events": events if DeliveryMethod.PICKUP in ways else [],
                "payment_methods": [
                    (method, provider_for(method), [delivery for delivery, payments in ways.items() if method in payments])
                    for method in methods
                ],
                "shipping": shipping_cost(terms=terms, weight_grams=group.weight_grams),
                "default_delivery": default_delivery,
                "default_payment": ways[default_delivery][0] if ways else "",
            }
        )
    return options


def buyer_orders(*, user) -> list[Order]:
    return list(Order.objects.filter(buyer=user).select_related("producer").prefetch_related("lines")[:200])


def buyer_order(*, user, number: str) -> Order:
    """One of the user's own orders (Order.DoesNotExist for anybody else's)."""
    return (
        Order.objects.filter(buyer=user, number=number)
        .select_related("producer", "pickup_event")
        .prefetch_related("lines__review", "events__by", "slips")
        .get()
    )


def producer_orders(*, producer, state: str = "", product_id: int | None = None) -> list[Order]:
    """The producer's orders, newest first, of one state and with one product when given."""
    orders = Order.objects.filter(producer=producer).select_related("buyer").prefetch_related("lines")
    if state:
        orders = orders.filter(state=state)
    if product_id:
        orders = orders.filter(pk__in=OrderLine.objects.filter(product_id=product_id).values("order_id"))
    return list(orders[:500])


def producer_order(*, producer_ids, number: str) -> Order:
    """The order `number` if it was placed with one of `producer_ids` (the groups of the member
    who asks), with what its dashboard page shows; Order.DoesNotExist otherwise."""
    return (
        Order.objects.filter(producer_id__in=list(producer_ids), number=number)
        .select_related("buyer", "pickup_event", "producer")
        .prefetch_related("lines", "events__by", "slips")
        .get()
    )


def sender_address(*, order: Order) -> str:
    """Where the parcel comes from, for the packing slip: the producer's place with its district,
    province, postcode and country (a producer gives no street address)."""
    place = Place.objects.with_ancestors().get(pk=order.producer.place_id)
    return postal_address(place)


def viewable_slip(*, user, number: str, slip_id: int) -> PaymentSlip:
    """A transfer slip of order `number`, if `user` may see it (the order's buyer, a member of
    its producer, staff). PaymentSlip.DoesNotExist for anybody else, so a slip that is not yours
    looks like no slip at all."""
    return PaymentSlip.objects.visible_to(user).select_related("order").get(pk=slip_id, order__number=number)


def order_counts(*, producer) -> dict[str, int]:
    return dict(Order.objects.filter(producer=producer).order_by().values_list("state").annotate(n=Count("*")))


def may_review(*, user, order: Order) -> bool:
    """Whether the order page offers the review form: not to members of the order's producer,
    who do not review their own products."""
    return not ProducerMembership.objects.filter(user=user, producer_id=order.producer_id).exists()


@dataclass(frozen=True)
class Reservation:
    units: int
    orders: int


def unpaid_reservations(*, product_ids) -> dict[int, Reservation]:
    """Per product, the units held by unpaid (pending payment) orders and how many orders hold
    them, for the producer's listings: one aggregate query however many products."""
    rows = (
        OrderLine.objects.filter(product_id__in=list(product_ids), order__state=Order.State.PENDING_PAYMENT)
        .values("product_id")
        .annotate(units=Sum("quantity"), orders=Count("order_id", distinct=True))
        .order_by()
    )
    return {row["product_id"]: Reservation(units=row["units"], orders=row["orders"]) for row in rows}


def product_reviews(*, product_id: int, limit: int = 20) -> dict:
    """A product's latest reviews with the average and number of all of them, in one query (the
    whole set's figures ride along each row as window aggregates)."""
    reviews = list(
        Review.objects.filter(product_id=product_id)
        .select_related("buyer")
        .annotate(all_average=Window(Avg("rating")), all_count=Window(Count("*")))[:limit]
    )
    average, count = (reviews[0].all_average, reviews[0].all_count) if reviews else (None, 0)
    return {"reviews": reviews, "review_average": average, "review_count": count}


def favourites(*, user) -> dict:
    from catalogue.models import Product
    from producers.models import Producer

    product_ids = FavouriteProduct.objects.filter(user=user).values("product_id")
    producer_ids = FavouriteProducer.objects.filter(user=user).values("producer_id")
    return {
        "favourite_products": list(Product.objects.public().filter(pk__in=product_ids).with_card_data()),
        "favourite_producers": list(Producer.objects.public().filter(pk__in=producer_ids).with_place()),
    }


def is_favourite(*, user, product=None, producer=None) -> bool:
    """Whether the product or producer (an instance or its id) is one of `user`'s favourites."""
    if not getattr(user, "is_authenticated", False):
        return False
    bits = visitor_bits(user)
    # An id may come as text, from a part of a page rendered ahead (the producer page's).
    if product is not None:
        return int(getattr(product, "pk", product)) in bits.favourite_products
    return int(getattr(producer, "pk", producer)) in bits.favourite_producers




# --- The producer's figures (the dashboard's overview) ---------------------------------------

# Sales: orders paid for or sent (cash on delivery is paid on arrival), not those waiting for
# their payment or cancelled.
SALES_STATES = (Order.State.PAID, Order.State.SHIPPED, Order.State.DELIVERED)


@dataclass(frozen=True)
class WeekSales:
    starts_on: date  # the week's Monday
    total: Decimal
    orders: int


@dataclass(frozen=True)
class ProductSales:
    product_id: int | None
    name: str
    slug: str
    units: int
    revenue: Decimal


@dataclass
class OrdersToAct:
    """Orders of one kind of action (`kind`), the oldest first: at most a few of them, and how
    many there are in all."""

    kind: str
    orders: list = field(default_factory=list)
    count: int = 0


@dataclass
class ProducerFigures:
    currency: str
    weeks: list[WeekSales]
    actions: dict[str, OrdersToAct]
    top_products: list[ProductSales]
    top_days: int

    @property
    def sales_total(self) -> Decimal:
        return sum((week.total for week in self.weeks), Decimal(0))


# What the producer does next with an order, in the order the overview lists them:
# a transfer slip to check, a parcel to send, an order to hand over at the stall, and (only
# counted) orders whose buyer has not paid yet.
ACTION_KINDS = ("confirm", "ship", "hand_over", "unpaid")


def _action_kind():
    """Which of ACTION_KINDS an order waits for ("" for none)."""
    pending, paid = Order.State.PENDING_PAYMENT, Order.State.PAID
    slip_waiting = Exists(PaymentSlip.objects.filter(order=OuterRef("pk"), state=PaymentSlip.State.WAITING))
    shipping, pickup = DeliveryMethod.SHIPPING, DeliveryMethod.PICKUP
    return Case(
        When(slip_waiting, state=pending, then=Value("confirm")),
        When(Q(state=paid) | Q(state=pending, payment_method=PaymentMethod.CASH_ON_DELIVERY), delivery_method=shipping, then=Value("ship")),
        When(state=paid, delivery_method=pickup, then=Value("hand_over")),
        When(state=pending, then=Value("unpaid")),
        default=Value(""),
        output_field=CharField(),
    )


def orders_to_act_on(*, producer, limit: int = 5) -> dict[str, OrdersToAct]:
    """The producer's orders waiting for something: per kind of action (ACTION_KINDS), the
    `limit` oldest and how many in all. One query, however many orders."""
    rows = (
        Order.objects.filter(producer=producer, state__in=(Order.State.PENDING_PAYMENT, Order.State.PAID))
        .annotate(kind=_action_kind())
        .exclude(kind="")
        .annotate(
            rank=Window(RowNumber(), partition_by=F("kind"), order_by=(F("created_at").asc(), F("pk").asc())),
            in_kind=Window(Count("*"), partition_by=F("kind")),
        )
        .filter(rank__lte=limit)
        .order_by("created_at", "pk")
        .only("number", "state", "currency", "total", "ship_name", "created_at", "delivery_method", "payment_method", "expires_at")
    )
    actions = {kind: OrdersToAct(kind=kind) for kind in ACTION_KINDS}
    for order in rows:
        group = actions[order.kind]
        group.orders.append(order)
        group.count = order.in_kind
    return actions


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def sales_by_week(*, producer, weeks: int = 12, today: date | None = None) -> list[WeekSales]:
    """The producer's sales (SALES_STATES) in each of the last `weeks` weeks, Monday to Sunday
    in the site's time zone, by the week each order was placed; the oldest week first, this
    week last, weeks without sales as nought. One query."""
    this_monday = _monday(today or timezone.localdate())
    first = this_monday - timedelta(weeks=weeks - 1)
    since = timezone.make_aware(datetime.combine(first, time.min))
    rows = (
        Order.objects.filter(producer=producer, state__in=SALES_STATES, created_at__gte=since)
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(total=Sum("total"), orders=Count("pk"))
        .order_by()
    )
    by_week = {timezone.localtime(row["week"]).date(): row for row in rows}
    result = []
    for index in range(weeks):
        monday = first + timedelta(weeks=index)
        row = by_week.get(monday, {})
        result.append(WeekSales(starts_on=monday, total=row.get("total") or Decimal(0), orders=row.get("orders", 0)))
    return result


def top_products(*, producer, days: int = 90, limit: int = 5) -> list[ProductSales]:
    """The producer's best-selling products of the last `days` days, by revenue (then units):
    the name as the product now has it in the visitor's language, or as it was sold when the
    product is gone. One query."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        OrderLine.objects.filter(order__producer=producer, order__state__in=SALES_STATES, order__created_at__gte=since)
        .values("product_id", "product__slug", "product__name_en", "product__name_th", "product__name_ja", "product__name_local")
        .annotate(units=Sum("quantity"), revenue=Sum("line_total"), sold_as=Max("product_name"))
        .order_by("-revenue", "-units", "product_id")[:limit]
    )
    sales = []
    for row in rows:
        names = {f"name_{language}": row[f"product__name_{language}"] or "" for language in ("en", "th", "ja", "local")}
        name = Product(**names).name if row["product_id"] else row["sold_as"]
        sales.append(
            ProductSales(
                product_id=row["product_id"], name=name or row["sold_as"], slug=row["product__slug"] or "",
                units=row["units"], revenue=row["revenue"],
            )
        )
    return sales


def producer_figures(*, producer, today: date | None = None, weeks: int = 12, top_days: int = 90) -> ProducerFigures:
    """The overview's figures: sales by week, orders waiting for action, the best sellers; in
    the producer's currency. Three queries."""
    return ProducerFigures(
        currency=producer.currency,
        weeks=sales_by_week(producer=producer, weeks=weeks, today=today),
        actions=orders_to_act_on(producer=producer),
        top_products=top_products(producer=producer, days=top_days),
        top_days=top_days,
    )
