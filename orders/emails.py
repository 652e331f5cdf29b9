"""E-mails about an order, to the buyer and to the producer, each in their own language, as HTML
and text. Written when the event happens and sent by a worker once the transaction commits
(core.tasks.email_enqueue), so nobody hears of an order that then rolled back and a slow mail
server never slows checkout."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.tasks import email_enqueue
from producers.models import ProducerMembership

EVENTS_FOR_BUYER = {"placed", "paid", "shipped", "delivered", "cancelled"}
EVENTS_FOR_PRODUCER = {"placed", "paid", "cancelled", "slip"}


def _headline(event: str, role: str, number: str) -> str:
    lines = {
        ("placed", "buyer"): _("Thank you! Your order %(number)s is placed."),
        ("placed", "producer"): _("New order %(number)s"),
        ("paid", "buyer"): _("Your payment for order %(number)s is confirmed."),
        ("paid", "producer"): _("Order %(number)s is paid: please pack it."),
        ("shipped", "buyer"): _("Your order %(number)s is on its way."),
        ("delivered", "buyer"): _("Your order %(number)s is delivered. How was it?"),
        ("cancelled", "buyer"): _("Your order %(number)s is cancelled."),
        ("cancelled", "producer"): _("Order %(number)s is cancelled."),
        ("slip", "producer"): _("A transfer slip for order %(number)s is waiting for you."),
    }
    return lines[(event, role)] % {"number": number}


def _producer_recipients(order) -> list[tuple[str, str]]:
    recipients = {}
    if order.producer.contact_email:
        recipients[order.producer.contact_email.lower()] = (order.producer.contact_email, order.producer.own_language)
    for membership in ProducerMembership.objects.filter(producer=order.producer, role="manager").select_related("user"):
        # Only a confirmed address: an unconfirmed one may belong to someone else.
        if membership.user.email_verified:
            recipients.setdefault(membership.user.email.lower(), (membership.user.email, membership.user.language))
    return list(recipients.values())


def _send(order, event: str, role: str, address: str, language: str) -> None:
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        path = reverse("orders:order_detail" if role == "buyer" else "orders:manage_order", args=[order.number])
        context = {
            "order": order,
            "lines": list(order.lines.all()),
            "headline": _headline(event, role, order.number),
            "event": event,
            "role": role,
            "link": settings.SITE_URL + path,
        }
        text = render_to_string("orders/email/order.txt", context)
        html = render_to_string("orders/email/order.html", context)
    email_enqueue(subject=context["headline"], body=text, html=html, to=[address])


def order_notify(*, order, event: str) -> None:
    """Tell the buyer and/or the producer about `event` once the transaction commits."""
    if event in EVENTS_FOR_BUYER:
        # The account's confirmed address only. The address typed at checkout is a contact for
        # the delivery, shown to the producer; mailing it would let anyone make the site send
        # mail (with text of their own in the name and address lines) to any address.
        address = order.buyer.email if order.buyer.email_verified else ""
        if address:
            _send(order, event, "buyer", address, order.buyer.language)
    if event in EVENTS_FOR_PRODUCER:
        for address, language in _producer_recipients(order):
            _send(order, event, "producer", address, language)
