"""Orders in the Django admin, for staff to look things up: each order with its lines, its
history and its transfer slips, the buyers' reviews, and each producer's sales terms. Nothing is edited
here by hand: an order's state, prices and totals change only through the services, which record
who moved it, return its stock and tell the buyer and the producer. The staff actions go through
the services too: the expiry the system itself runs (`manage.py expire_orders`), for the selected
orders, and taking down reviews that break the rules."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdminMixin, ReadOnlyInline, StateChangeInline

from . import services
from .models import Order, OrderEvent, OrderLine, PaymentSlip, Review, SalesTerms, ShippingBand


class LineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("product_name", "product", "unit_price", "quantity", "line_total")
    raw_id_fields = ("product",)


class HistoryInline(StateChangeInline):
    model = OrderEvent


class SlipInline(ReadOnlyInline):
    """The slip's image is private: it opens through the order's slip page, which lets staff in."""

    model = PaymentSlip
    fields = ("uploaded_at", "state", "note", "reviewed_at", "image_link")
    readonly_fields = ("image_link",)

    @admin.display(description=_("transfer slip"))
    def image_link(self, slip):
        url = reverse("orders:order_slip", kwargs={"number": slip.order.number, "slip_id": slip.pk})
        return format_html('<a href="{}">{}</a>', url, _("Open"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order")


@admin.register(Order)
class OrderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "producer", "buyer", "state", "total", "currency", "payment_method", "delivery_method", "created_at")
    list_filter = ("state", "payment_method", "delivery_method", "currency")
    search_fields = ("number", "buyer__username", "buyer__email", "ship_name", "ship_email", "producer__name", "producer__name_en")
    list_select_related = ("producer", "buyer")
    date_hierarchy = "created_at"
    raw_id_fields = ("buyer", "producer", "pickup_event")
    exclude = ("checkout_token",)
    inlines = [LineInline, SlipInline, HistoryInline]
    actions = ["expire_selected"]

    def has_expire_permission(self, request):
        return request.user.has_perm("orders.change_order")

    @admin.action(description=_("Cancel the selected orders that are past their time to pay"), permissions=["expire"])
    def expire_selected(self, request, queryset):
        expired = 0
        for order in queryset.filter(state=Order.State.PENDING_PAYMENT):
            if services.order_expire_if_due(order).state == Order.State.CANCELLED:
                expired += 1
        self.message_user(request, ngettext("%d order cancelled.", "%d orders cancelled.", expired) % expired)


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Reviews to read; one that breaks the rules is taken down through the service."""

    list_display = ("product", "buyer", "rating", "excerpt", "created_at")
    list_filter = ("rating",)
    search_fields = ("product__name_en", "product__name_th", "product__name_ja", "buyer__username", "buyer__email", "text")
    list_select_related = ("product", "buyer")
    date_hierarchy = "created_at"
    raw_id_fields = ("line", "product", "buyer")
    actions = ["remove_selected"]

    @admin.display(description=_("review"))
    def excerpt(self, review):
        return Truncator(review.text).chars(80)

    def has_remove_permission(self, request):
        return request.user.has_perm("orders.delete_review")

    @admin.action(description=_("Take down the selected reviews"), permissions=["remove"])
    def remove_selected(self, request, queryset):
        removed = 0
        for review in queryset:
            services.review_remove(review=review, by=request.user)
            removed += 1
        self.message_user(request, ngettext("%d review taken down.", "%d reviews taken down.", removed) % removed)


class ShippingBandInline(ReadOnlyInline):
    model = ShippingBand
    fields = ("max_weight_grams", "price")


@admin.register(SalesTerms)
class SalesTermsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A producer's managers set these in the dashboard."""

    list_display = (
        "producer", "accepts_bank_transfer", "accepts_promptpay", "accepts_cash_on_delivery", "accepts_pay_at_stall",
        "flat_shipping_rate", "unpaid_expiry_hours",
    )
    list_filter = ("accepts_bank_transfer", "accepts_promptpay", "accepts_cash_on_delivery", "accepts_pay_at_stall")
    search_fields = ("producer__name", "producer__name_en")
    list_select_related = ("producer",)
    raw_id_fields = ("producer",)
    inlines = [ShippingBandInline]
