"""The buyer's side: cart, checkout, orders, reviews, favourites."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_ratelimit.core import is_ratelimited

from accounts.views.mixins import VerifiedEmailRequiredMixin
from catalogue.models import Product
from core.views import ActionView, add_service_errors, flash_errors
from producers.models import Producer

from .. import services
from ..forms import AddressForm, AddToCartForm, CancelForm, CartQuantityForm, ReviewForm, SlipForm
from ..models import BuyerAddress, DeliveryMethod, Order, OrderLine, PaymentSlip
from ..payments import provider_for
from ..selectors import buyer_order, buyer_orders, cart_groups, checkout_options, favourites, may_review, viewable_slip

CHECKOUT_TOKEN_KEY = "checkout_token"  # noqa: S105 - a session key

# Slip uploads a buyer may send, against an account or a script filling the producer's inbox
# (each slip mails the producer) and the storage: per account, and per order.
SLIP_UPLOADS_PER_ACCOUNT = "10/h"
SLIP_UPLOADS_PER_ORDER = "5/h"


def _back(request, fallback: str) -> str:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


class CartView(TemplateView):
    template_name = "orders/cart.html"

    def get_context_data(self, **kwargs):
        cart = services.cart_get(user=self.request.user, session=self.request.session)
        return super().get_context_data(**kwargs) | {"groups": cart_groups(cart=cart)}


class CartAddView(View):
    """POST /cart/add/ with `product` (id or slug) and `quantity`, from cards and product pages."""

    def post(self, request):
        form = AddToCartForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a quantity from 1 to 999."))
            return redirect(_back(request, reverse("orders:cart")))
        cart = services.cart_get(user=request.user, session=request.session, create=True)
        try:
            item = services.cart_add_item(cart=cart, product=form.cleaned_data["product"], quantity=form.cleaned_data["quantity"])
        except ValidationError as error:
            flash_errors(request, error)
            return redirect(_back(request, reverse("orders:cart")))
        messages.success(request, _("%(name)s is in your cart.") % {"name": item.product.name})
        return redirect("orders:cart")


class CartUpdateView(View):
    def post(self, request):
        cart = services.cart_get(user=request.user, session=request.session)
        if cart is None:
            return redirect("orders:cart")
        form = CartQuantityForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a quantity from 0 to 999."))
            return redirect("orders:cart")
        try:
            if "remove" in request.POST:
                services.cart_remove_item(cart=cart, item_id=form.cleaned_data["item"])
            else:
                services.cart_set_quantity(cart=cart, item_id=form.cleaned_data["item"], quantity=form.cleaned_data["quantity"])
        except ValidationError as error:
            flash_errors(request, error)
        return redirect("orders:cart")


class CheckoutView(LoginRequiredMixin, VerifiedEmailRequiredMixin, TemplateView):
    """Address and contact, then delivery and payment for each producer; one POST places it all.
    Only with a confirmed e-mail address (order and payment details go there; no hoarding of stock
    by throw-away accounts)."""

    template_name = "orders/checkout.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.cart = services.cart_get(user=request.user, session=request.session)
        self.groups = cart_groups(cart=self.cart)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        if CHECKOUT_TOKEN_KEY not in self.request.session:
            self.request.session[CHECKOUT_TOKEN_KEY] = services.new_checkout_token()
        form = kwargs.pop("form", None) or AddressForm(initial=self._initial_address())
        chosen = kwargs.pop("chosen", {})
        options = checkout_options(groups=self.groups)
        for option in options:
            # What the buyer chose before (a form shown again), where the producer takes it;
            # else the default pair, which always goes together.
            previous = chosen.get(option["group"].producer.pk, {})
            ways = option["ways"]
            delivery = previous.get("delivery") if previous.get("delivery") in ways else option["default_delivery"]
            payments = ways.get(delivery, [])
            option["chosen_delivery"] = delivery
            option["chosen_payment"] = previous.get("payment") if previous.get("payment") in payments else (payments or [""])[0]
            option["chosen_event"] = services.parse_id(previous.get("event", ""))
        return super().get_context_data(**kwargs) | {
            "form": form,
            "options": options,
            "checkout_token": self.request.session[CHECKOUT_TOKEN_KEY],
        }

    def _initial_address(self) -> dict:
        saved = BuyerAddress.objects.filter(user=self.request.user).first()
        if saved:
            return {name: getattr(saved, name) for name in services.ADDRESS_FIELDS}
        user = self.request.user
        return {"full_name": user.get_full_name(), "email": user.email}

    def get(self, request, *args, **kwargs):
        if not self.groups:
            messages.info(request, _("Your cart is empty."))
            return redirect("orders:cart")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        token = request.POST.get("checkout_token", "")
        # A second submission of a checkout already placed (two clicks, a reload) shows its orders.
        placed = list(Order.objects.filter(buyer=request.user, checkout_token=token)) if token else []
        if placed:
            return self._done(placed)
        if not self.groups:
            messages.info(request, _("Your cart is empty."))
            return redirect("orders:cart")
        form = AddressForm(request.POST)
        choices, chosen = {}, {}
        for group in self.groups:
            pid = group.producer.pk
            delivery = request.POST.get(f"delivery_{pid}", DeliveryMethod.SHIPPING)
            event = request.POST.get(f"pickup_event_{pid}", "")
            chosen[pid] = {"delivery": delivery, "payment": request.POST.get(f"payment_{pid}", ""), "event": event}
            choices[pid] = services.ProducerChoice(
                delivery=delivery, payment=chosen[pid]["payment"], pickup_event_id=services.parse_id(event)
            )
        # A delivery and payment the producer cannot take together is said first (nothing is
        # placed), not hidden behind an address the buyer would not need for it.
        refused = self._refused_choices(choices)
        ships = any(choice.delivery == DeliveryMethod.SHIPPING for choice in choices.values())
        if not form.is_valid() or refused or (ships and not form.require_postal_address()):
            if refused:
                form.add_error(None, refused)
            return self.render_to_response(self.get_context_data(form=form, chosen=chosen))
        try:
            orders = services.order_place(
                buyer=request.user, cart=self.cart, checkout_token=token, address=form.address(), choices=choices
            )
        except ValidationError as error:
            add_service_errors(form, error)
            self.groups = cart_groups(cart=self.cart)
            return self.render_to_response(self.get_context_data(form=form, chosen=chosen))
        return self._done(orders)

    def _refused_choices(self, choices: dict) -> list[str]:
        refused = []
        for group in self.groups:
            try:
                services.checkout_choice_check(producer=group.producer, choice=choices[group.producer.pk])
            except ValidationError as error:
                refused.extend(error.messages)
        return refused

    def _done(self, orders):
        self.request.session.pop(CHECKOUT_TOKEN_KEY, None)
        numbers = ", ".join(order.number for order in orders)
        messages.success(self.request, _("Thank you! Your orders: %(numbers)s.") % {"numbers": numbers})
        if len(orders) == 1:
            return redirect("orders:order_detail", number=orders[0].number)
        return redirect("orders:order_list")


class OrderListView(LoginRequiredMixin, TemplateView):
    template_name = "orders/order_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"orders": buyer_orders(user=self.request.user)}


class OrderDetailView(LoginRequiredMixin, ActionView, TemplateView):
    """The buyer's own order (404 for anybody else's), with payment instructions while unpaid;
    its buttons POST `action`: a transfer slip, cancelling, a review."""

    template_name = "orders/order_detail.html"

    def get_order(self) -> Order:
        try:
            order = buyer_order(user=self.request.user, number=self.kwargs["number"])
        except Order.DoesNotExist:
            raise Http404 from None
        return services.order_expire_if_due(order)

    def get_context_data(self, **kwargs):
        order = kwargs.pop("order", None) or self.get_order()
        unpaid = order.state == Order.State.PENDING_PAYMENT
        return super().get_context_data(**kwargs) | {
            "order": order,
            "payment": provider_for(order.payment_method).instructions(order) if unpaid else None,
            "slip_form": kwargs.get("slip_form") or SlipForm(),
            "cancel_form": CancelForm(),
            "review_form": ReviewForm(),
            "may_review": order.state == Order.State.DELIVERED and may_review(user=self.request.user, order=order),
        }

    def post(self, request, *args, **kwargs):
        self.order = self.get_order()
        return super().post(request, *args, **kwargs)

    def get_redirect_url(self) -> str:
        return reverse("orders:order_detail", kwargs={"number": self.order.number})

    def action_slip(self, request, *args, **kwargs):
        form = SlipForm(request.POST, request.FILES)
        if _slip_uploads_exceeded(request, self.order):
            form.add_error("slip", _("You have sent too many slips for now. Please wait up to an hour, then send it again."))
            return self.render_to_response(self.get_context_data(order=self.order, slip_form=form), status=429)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(order=self.order, slip_form=form))
        try:
            services.slip_upload(order=self.order, buyer=request.user, upload=form.cleaned_data["slip"])
        except ValidationError as error:
            add_service_errors(form, error, field="slip")
            return self.render_to_response(self.get_context_data(order=self.order, slip_form=form))
        messages.success(request, _("Slip received. The producer will confirm your payment."))

    def action_cancel(self, request, *args, **kwargs):
        form = CancelForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.order_transition(order=self.order, to_state=Order.State.CANCELLED, by=request.user, note=reason)
        messages.success(request, _("Your order is cancelled."))

    def action_review(self, request, *args, **kwargs):
        form = ReviewForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose 1 to 5 stars and write a few words."))
        line = get_object_or_404(OrderLine, pk=form.cleaned_data["line"], order=self.order)
        services.review_create(line=line, buyer=request.user, rating=form.cleaned_data["rating"], text=form.cleaned_data["text"])
        messages.success(request, _("Thank you for your review."))


def _slip_uploads_exceeded(request, order: Order) -> bool:
    """Count this upload against the account and against the order; True past either limit.
    Every attempt counts, refused images included: each one costs a decoding."""
    per_account = is_ratelimited(
        request, group="orders.slip_upload.account", key="user", rate=SLIP_UPLOADS_PER_ACCOUNT, increment=True
    )
    per_order = is_ratelimited(
        request, group="orders.slip_upload.order", key=lambda _group, _request: order.number,
        rate=SLIP_UPLOADS_PER_ORDER, increment=True,
    )
    return per_account or per_order


class SlipImageView(View):
    """A transfer slip's image, streamed from the private storage to the order's buyer, a member
    of its producer, or staff; 404 for anyone else, so the page gives away nothing. Never kept
    by a browser cache or a proxy."""

    def get(self, request, number: str, slip_id: int):
        try:
            slip = viewable_slip(user=request.user, number=number, slip_id=slip_id)
            handle = slip.image.storage.open(slip.image.name, "rb")
        except (PaymentSlip.DoesNotExist, FileNotFoundError):
            raise Http404 from None
        # Slips are re-encoded as JPEG when they are received.
        response = FileResponse(handle, content_type="image/jpeg", filename=f"slip-{slip.order.number}-{slip.pk}.jpg")
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class FavouriteToggleView(LoginRequiredMixin, View):
    def post(self, request):
        product_id, producer_id = services.parse_id(request.POST.get("product", "")), services.parse_id(request.POST.get("producer", ""))
        if product_id is not None:
            product = get_object_or_404(Product.objects.public(), pk=product_id)
            added = services.favourite_toggle(user=request.user, product=product)
            name = product.name
        elif producer_id is not None:
            producer = get_object_or_404(Producer.objects.public(), pk=producer_id)
            added = services.favourite_toggle(user=request.user, producer=producer)
            name = producer.display_name
        else:
            raise Http404
        messages.success(request, (_("%(name)s is in your favourites.") if added else _("%(name)s is no longer in your favourites.")) % {"name": name})
        return redirect(_back(request, reverse("orders:favourites")))


class FavouritesView(LoginRequiredMixin, TemplateView):
    template_name = "orders/favourites.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | favourites(user=self.request.user)
