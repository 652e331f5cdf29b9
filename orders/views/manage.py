"""The producer's side of orders in /dashboard/: the list, actions, packing slips, CSV, terms."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.exports import spreadsheet_row
from core.views import ActionView, add_service_errors
from producers.views.mixins import (
    CURRENT_PRODUCER_SESSION_KEY,
    ProducerMemberRequiredMixin,
)

from .. import services
from ..forms import CancelForm, OrderFilterForm, SalesTermsForm, ShipForm, ShippingBandFormSet
from ..lifecycles import ORDER_LIFECYCLE
from ..models import DeliveryMethod, Order, PaymentMethod, PaymentSlip, SalesTerms
from ..onboarding import sales_readiness_of
from ..selectors import order_counts, producer_order, producer_orders, sender_address


class ProducerOrderListView(ProducerMemberRequiredMixin, TemplateView):
    template_name = "orders/manage/order_list.html"

    def get_context_data(self, **kwargs):
        form = OrderFilterForm(self.request.GET)
        state = form.cleaned_data["state"] if form.is_valid() else ""
        product_id = form.cleaned_data["product"] if form.is_valid() else None
        return super().get_context_data(**kwargs) | {
            "filter_form": form,
            "orders": producer_orders(producer=self.producer, state=state, product_id=product_id),
            "product_id": product_id,
            "counts": order_counts(producer=self.producer),
            "states": Order.State.choices,
            "state": state,
        }


class ProducerOrderMixin(ProducerMemberRequiredMixin):
    """An order of any group the user is a member of. The order e-mails link here, and a member
    of several groups must not meet a 404 because another group is selected in the dashboard:
    the order's group becomes the selected one, as the group switch would make it, and a message
    says so. Someone who is no member of the order's group gets a 404."""

    _order = None

    def get_order(self) -> Order:
        if self._order is None:
            try:
                self._order = producer_order(producer_ids=[m.producer_id for m in self.memberships], number=self.kwargs["number"])
            except Order.DoesNotExist:
                raise Http404 from None
            if self._order.producer_id != self.producer.pk:
                self._select_group_of(self._order)
        return self._order

    def _select_group_of(self, order: Order) -> None:
        self.membership = next(m for m in self.memberships if m.producer_id == order.producer_id)
        self.producer = self.membership.producer
        self.request.session[CURRENT_PRODUCER_SESSION_KEY] = self.producer.pk
        messages.info(
            self.request,
            _("Order %(number)s was placed with %(group)s: the dashboard now shows %(group)s.")
            % {"number": order.number, "group": self.producer.display_name},
        )


def offered_steps(order: Order) -> set[str]:
    """The moves the order's page offers under "Next step": those the lifecycle allows from the
    order's state that fit its delivery and payment (a shipment once paid, or unpaid for cash on
    delivery; a hand-over once shipped, or paid for a pick-up). A transfer slip waiting for review
    is the one way to confirm the payment while it waits, so no second button does the same.
    Empty once the order has nowhere to go (delivered, cancelled), and then no heading is shown."""
    targets = set(ORDER_LIFECYCLE.targets(order.state))
    steps = set()
    slip_waiting = any(slip.state == PaymentSlip.State.WAITING for slip in order.slips.all())
    if Order.State.PAID in targets and not slip_waiting:
        steps.add(Order.State.PAID)
    if (
        Order.State.SHIPPED in targets and order.delivery_method == DeliveryMethod.SHIPPING
        and (order.state == Order.State.PAID or order.payment_method == PaymentMethod.CASH_ON_DELIVERY)
    ):
        steps.add(Order.State.SHIPPED)
    if Order.State.DELIVERED in targets and (order.state == Order.State.SHIPPED or order.delivery_method == DeliveryMethod.PICKUP):
        steps.add(Order.State.DELIVERED)
    if Order.State.CANCELLED in targets:
        steps.add(Order.State.CANCELLED)
    return steps


class ProducerOrderDetailView(ProducerOrderMixin, ActionView, TemplateView):
    """One order of the producer's, and its buttons: each POSTs the state it moves the order to
    (`paid`, `shipped`, …) or a slip review (`slip_accept`, `slip_reject`)."""

    template_name = "orders/manage/order_detail.html"

    def get_context_data(self, **kwargs):
        # Expire first: the actions offered follow the state the order is really in.
        order = services.order_expire_if_due(self.get_order())
        return super().get_context_data(**kwargs) | {
            "order": order,
            "ship_form": ShipForm(),
            "cancel_form": CancelForm(),
            "next_steps": offered_steps(order),
        }

    def post(self, request, *args, **kwargs):
        self.order = self.get_order()
        return super().post(request, *args, **kwargs)

    def get_redirect_url(self) -> str:
        return reverse("orders:manage_order", kwargs={"number": self.order.number})

    def updated(self) -> None:
        messages.success(self.request, _("Order %(number)s updated.") % {"number": self.order.number})

    def action_paid(self, request, *args, **kwargs):
        services.order_transition(order=self.order, to_state=Order.State.PAID, by=request.user, note=_("Payment confirmed."))
        self.updated()

    def action_shipped(self, request, *args, **kwargs):
        form = ShipForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Give the carrier and the tracking number."))
        services.order_transition(order=self.order, to_state=Order.State.SHIPPED, by=request.user, **form.cleaned_data)
        self.updated()

    def action_delivered(self, request, *args, **kwargs):
        services.order_transition(order=self.order, to_state=Order.State.DELIVERED, by=request.user)
        self.updated()

    def action_cancelled(self, request, *args, **kwargs):
        form = CancelForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Say why the order is cancelled; the buyer will see it."))
        services.order_transition(
            order=self.order, to_state=Order.State.CANCELLED, by=request.user,
            note=form.cleaned_data["reason"], refund_note=form.cleaned_data["refund_note"],
        )
        self.updated()

    def action_slip_accept(self, request, *args, **kwargs):
        self.review_slip(accept=True)

    def action_slip_reject(self, request, *args, **kwargs):
        self.review_slip(accept=False)

    def review_slip(self, *, accept: bool) -> None:
        slip = self.order.slips.filter(pk=services.parse_id(self.request.POST.get("slip", "")) or 0).first()
        if slip is None:
            raise Http404
        services.slip_review(slip=slip, by=self.request.user, accept=accept, note=self.request.POST.get("note", ""))
        self.updated()


class PackingSlipView(ProducerOrderMixin, TemplateView):
    template_name = "orders/manage/packing_slip.html"

    def get_context_data(self, **kwargs):
        order = self.get_order()  # first: it may select the order's group, which the context names
        return super().get_context_data(**kwargs) | {
            "order": order, "sender_address": sender_address(order=order), "printed_at": timezone.now(),
        }


class OrdersCsvView(ProducerMemberRequiredMixin, View):
    """The producer's orders as CSV, one row per order line, for its own books."""

    COLUMNS = ["order", "placed", "state", "buyer", "product", "quantity", "unit_price", "line_total",
               "shipping", "order_total", "currency", "payment", "delivery", "carrier", "tracking_number"]

    def get(self, request):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="orders-{self.producer.slug}-{timezone.localdate():%Y%m%d}.csv"'
        response.write("\ufeff")  # so spreadsheet programs read the Thai and Japanese names as UTF-8
        writer = csv.writer(response)
        writer.writerow(self.COLUMNS)
        for order in producer_orders(producer=self.producer):
            for line in order.lines.all():
                # A buyer's name such as "=HYPERLINK(…)" must not become a live formula.
                writer.writerow(spreadsheet_row([
                    order.number, timezone.localtime(order.created_at).strftime("%Y-%m-%d %H:%M"), order.state,
                    order.ship_name, line.product_name, line.quantity,
                    line.unit_price, line.line_total, order.shipping_cost, order.total, order.currency,
                    order.payment_method, order.delivery_method, order.carrier, order.tracking_number,
                ]))
        return response


class SalesTermsView(ProducerMemberRequiredMixin, TemplateView):
    """Payment methods, shipping rates and how long unpaid orders hold stock. Managers only."""

    template_name = "orders/manage/sales_terms.html"
    managers_only = True

    def forms(self, data=None):
        terms = SalesTerms.objects.filter(producer=self.producer).first() or SalesTerms(producer=self.producer)
        return SalesTermsForm(data, instance=terms), ShippingBandFormSet(data, instance=terms, prefix="bands")

    def get_context_data(self, **kwargs):
        form, bands = kwargs.pop("forms", None) or self.forms()
        # What the saved terms let buyers choose now, or what would let them pay at all.
        readiness = sales_readiness_of(self.producer)
        return super().get_context_data(**kwargs) | {"form": form, "bands": bands, "sales_readiness": readiness}

    def post(self, request):
        form, bands = self.forms(request.POST)
        if form.is_valid() and bands.is_valid():
            kept = [band.cleaned_data for band in bands.forms if band.cleaned_data and band not in bands.deleted_forms]
            try:
                services.sales_terms_save(producer=self.producer, bands=kept, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your sales terms are saved."))
                return redirect("orders:sales_terms")
        return self.render_to_response(self.get_context_data(forms=(form, bands)))


