"""The producer's listing tools in /dashboard/products/."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.views import ActionView, add_service_errors
from producers.onboarding import sales_readiness
from producers.views.mixins import CURRENT_PRODUCER_SESSION_KEY, ProducerMemberRequiredMixin

from .. import services
from ..forms import (
    CertificationFormSet,
    ListingForm,
    ListingPhotoForm,
    StockForm,
    certification_initial,
    certification_rows,
)
from ..models import Product
from ..selectors import producer_listings


class ListingMixin(ProducerMemberRequiredMixin):
    """A listing of one of the user's producers (404 for anyone else's); makes its producer current."""

    def get_product(self) -> Product:
        product = (
            Product.objects.managed_by(self.request.user)
            .select_related("producer__province", "category")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if product is None:
            raise Http404
        if product.producer_id != self.producer.pk:
            self.request.session[CURRENT_PRODUCER_SESSION_KEY] = product.producer_id
            self.membership = next(m for m in self.memberships if m.producer_id == product.producer_id)
            self.producer = self.membership.producer
        return product


class ListingListView(ProducerMemberRequiredMixin, TemplateView):
    template_name = "catalogue/manage/listing_list.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", "")
        if status not in Product.Status.values:
            status = ""
        return super().get_context_data(**kwargs) | {
            "products": producer_listings(producer=self.producer, status=status),
            "status": status,
            "statuses": Product.Status.choices,
            # Whether buyers could pay the group at all: the page says what is missing beside
            # the Publish buttons, before one is pressed (catalogue.services.product_set_status).
            "sales_readiness": sales_readiness(self.producer),
        }


class ListingFormMixin(ListingMixin):
    template_name = "catalogue/manage/listing_form.html"
    product = None

    def forms(self, data=None):
        instance = self.product or Product(producer=self.producer)
        form = ListingForm(data, instance=instance, producer=self.producer)
        initial = certification_initial(self.product) if self.product else []
        formset = CertificationFormSet(data, initial=initial, prefix="cert")
        return form, formset

    def render(self, form, formset):
        context = self.get_context_data(form=form, formset=formset, product=self.product)
        return self.render_to_response(context)

    def get(self, request, *args, **kwargs):
        return self.render(*self.forms())

    def post(self, request, *args, **kwargs):
        form, formset = self.forms(request.POST)
        if not (form.is_valid() and formset.is_valid()):
            return self.render(form, formset)
        fields = {name: form.cleaned_data.get(name) for name in services.LISTING_FIELDS}
        try:
            product = self.save(fields, certification_rows(formset))
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render(form, formset)
        messages.success(request, _("Listing saved."))
        return redirect(reverse("catalogue:listing_photos", args=[product.pk]) if self.product is None else reverse("catalogue:listings"))


class ListingCreateView(ListingFormMixin, TemplateView):
    def save(self, fields, certifications):
        return services.product_create(producer=self.producer, certifications=certifications, **fields)


class ListingUpdateView(ListingFormMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        self.product = self.get_product()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.product = self.get_product()
        return super().post(request, *args, **kwargs)

    def save(self, fields, certifications):
        return services.product_update(product=self.product, certifications=certifications, **fields)


class ListingActionView(ListingMixin, ActionView):
    """Publish, archive, back to draft (the action is the status), duplicate, move, set stock:
    one POST each, back to the listings."""

    def post(self, request, *args, **kwargs):
        self.product = self.get_product()
        return super().post(request, *args, **kwargs)

    def get_redirect_url(self) -> str:
        return reverse("catalogue:listings")

    def get_handler(self, name: str):
        if name in Product.Status.values:
            return partial(self.set_status, status=name)
        return super().get_handler(name)

    def set_status(self, request, *args, status: str, **kwargs):
        try:
            services.product_set_status(product=self.product, status=status)
        except ValidationError as error:
            if error.code != "cannot_be_paid":
                raise
            self.refused_unpayable(error)
            return
        messages.success(request, _("%(name)s is now %(status)s.") % {"name": self.product.name, "status": Product.Status(status).label})

    def refused_unpayable(self, error: ValidationError) -> None:
        """The refusal, with a link to each page where what is missing is done (the ones this
        member may open)."""
        pages = {
            remedy.url: remedy.link_text
            for remedy in sales_readiness(self.producer).remedies
            if remedy.url and (self.is_manager or not remedy.managers_only)
        }
        links = format_html_join(" · ", '<a href="{}">{}</a>', pages.items())
        messages.error(self.request, format_html("{} {}", error.messages[0], links) if pages else error.messages[0])

    def action_duplicate(self, request, *args, **kwargs):
        copy = services.product_duplicate(product=self.product)
        messages.success(request, _("Copied as a draft: %(name)s.") % {"name": copy.name_en})

    def action_up(self, request, *args, **kwargs):
        services.product_move(product=self.product, direction=-1)

    def action_down(self, request, *args, **kwargs):
        services.product_move(product=self.product, direction=1)

    def action_stock(self, request, *args, **kwargs):
        form = StockForm(request.POST)
        if not form.is_valid():
            raise ValidationError(form.errors["stock"])
        services.product_set_stock(product=self.product, stock=form.cleaned_data["stock"])
        messages.success(request, _("Stock of %(name)s set to %(stock)s.") % {"name": self.product.name, "stock": form.cleaned_data["stock"]})


class ListingPhotosView(ListingMixin, TemplateView):
    template_name = "catalogue/manage/listing_photos.html"

    def get_context_data(self, **kwargs):
        product = kwargs.get("product") or self.get_product()
        return super().get_context_data(**kwargs) | {
            "product": product,
            "photos": list(product.photos.all()),
            "form": kwargs.get("form") or ListingPhotoForm(),
            "max_photos": services.MAX_PHOTOS,
        }

    def post(self, request, pk: int):
        product = self.get_product()
        form = ListingPhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.product_add_photo(product=product, upload=form.cleaned_data["image"], alt_text=form.cleaned_data["alt_text"])
            except ValidationError as error:
                add_service_errors(form, error, field="image")
            else:
                messages.success(request, _("Photo added."))
                return redirect("catalogue:listing_photos", pk=product.pk)
        return self.render_to_response(self.get_context_data(product=product, form=form))


class ListingPhotoActionView(ListingMixin, ActionView):
    """Delete a photo, or move it earlier or later; a photo that is not the listing's is a 404."""

    def post(self, request, *args, **kwargs):
        self.product = self.get_product()
        return super().post(request, *args, **kwargs)

    def get_redirect_url(self) -> str:
        return reverse("catalogue:listing_photos", args=[self.product.pk])

    def action_failed(self, error: ValidationError):
        raise Http404

    def action_delete(self, request, pk: int, photo_id: int):
        services.product_delete_photo(product=self.product, photo_id=photo_id)

    def action_up(self, request, pk: int, photo_id: int):
        services.product_move_photo(product=self.product, photo_id=photo_id, direction=-1)

    def action_down(self, request, pk: int, photo_id: int):
        services.product_move_photo(product=self.product, photo_id=photo_id, direction=1)
