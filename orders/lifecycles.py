"""An order's lifecycle: its states, the moves between them and who may make them."""

from django.utils.translation import gettext_lazy as _

from core.lifecycle import Lifecycle, Move
from producers.models import ProducerMembership

from .models import Order, OrderEvent

State = Order.State


def is_member(producer_id: int, user) -> bool:
    """Whether `user` is a member of the producer with id `producer_id`."""
    return ProducerMembership.objects.filter(producer_id=producer_id, user=user).exists()


def producer_or_system(order: Order, by) -> bool:
    """The producer's members move an order; `by=None` is the system (an expiry)."""
    return by is None or is_member(order.producer_id, by)


def buyer_producer_or_system(order: Order, by) -> bool:
    """An unpaid order may also be cancelled by its buyer."""
    return by is None or by.pk == order.buyer_id or is_member(order.producer_id, by)


# Cash on delivery ships before it is paid; an order picked up at a stall is handed over
# (delivered) once paid. Which of these a given order may make (its delivery and payment
# methods) is orders.services.order_transition's business.
ORDER_LIFECYCLE = Lifecycle(
    model=Order,
    states=State,
    history=OrderEvent,
    subject="order",
    moves=[
        Move(State.PENDING_PAYMENT, State.PAID, producer_or_system),
        Move(State.PENDING_PAYMENT, State.CANCELLED, buyer_producer_or_system),
        Move(State.PENDING_PAYMENT, State.SHIPPED, producer_or_system),
        Move(State.PAID, State.SHIPPED, producer_or_system),
        Move(State.PAID, State.DELIVERED, producer_or_system),
        Move(State.PAID, State.CANCELLED, producer_or_system),
        Move(State.SHIPPED, State.DELIVERED, producer_or_system),
    ],
    refused=_("An order that is %(from)s cannot become %(to)s."),
    denied=_("You cannot change this order."),
    touch=("updated_at",),
)
