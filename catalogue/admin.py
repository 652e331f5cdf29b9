"""The catalogue in the Django admin, for staff to look things up: listings with their photos and
certifications, and the category tree. Nothing is edited here by hand. A listing is written by its
producer's members through the services, which derive its currency, reference price, province,
country and slug; staff publish or archive it with the actions below, through the same service."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdminMixin, ReadOnlyInline

from . import services
from .models import Category, Certification, Product, ProductPhoto


class CertificationInline(ReadOnlyInline):
    model = Certification
    fields = ("kind", "name", "number", "year")


class PhotoInline(ReadOnlyInline):
    model = ProductPhoto
    fields = ("position", "image", "alt_text")


@admin.register(Product)
class ProductAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name_en", "producer", "category", "status", "visible", "price", "currency", "stock", "updated_at")
    list_filter = ("status", "visible", "country", "star_scheme", ("category", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name_en", "name_th", "name_ja", "name_local", "slug", "producer__name", "producer__name_en")
    list_select_related = ("producer", "category")
    date_hierarchy = "created_at"
    raw_id_fields = ("producer", "origin")
    # Shown beside the form's fields, which the admin shows read only (no change permission).
    readonly_fields = ("currency", "price_reference", "visible", "country", "province", "published_at", "created_at", "updated_at")
    inlines = [CertificationInline, PhotoInline]
    actions = ["publish_selected", "archive_selected"]

    def has_set_status_permission(self, request):
        return request.user.has_perm("catalogue.change_product")

    def _set_status(self, request, queryset, status: str) -> int:
        changed = 0
        for product in queryset.exclude(status=status):
            try:
                services.product_set_status(product=product, status=status)
                changed += 1
            except ValidationError as error:
                self.message_user(request, f"{product}: {' '.join(error.messages)}", messages.ERROR)
        return changed

    @admin.action(description=_("Publish the selected listings"), permissions=["set_status"])
    def publish_selected(self, request, queryset):
        changed = self._set_status(request, queryset, Product.Status.PUBLISHED)
        self.message_user(request, ngettext("%d listing published.", "%d listings published.", changed) % changed)

    @admin.action(description=_("Archive the selected listings"), permissions=["set_status"])
    def archive_selected(self, request, queryset):
        changed = self._set_status(request, queryset, Product.Status.ARCHIVED)
        self.message_user(request, ngettext("%d listing archived.", "%d listings archived.", changed) % changed)


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The category tree is loaded from catalogue/taxonomy.py (`categories_load`), not made here."""

    list_display = ("slug", "name_en", "name_th", "name_ja", "parent", "position")
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("slug", "name_en", "name_th", "name_ja")
    list_select_related = ("parent",)
