from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import images
from core.admin import StateChangeInline
from places.models import Country

from . import services
from .models import PayoutChange, Producer, ProducerInvitation, ProducerMembership, ProducerPhoto, ProducerStateChange


class MembershipInline(admin.TabularInline):
    model = ProducerMembership
    raw_id_fields = ("user",)
    extra = 0


class PhotoInline(admin.TabularInline):
    """Captions and order only: a photo is added through the dashboard, where the upload is
    checked and re-encoded; a row added here would have no image at all."""

    model = ProducerPhoto
    extra = 0
    readonly_fields = ("image",)

    def has_add_permission(self, request, obj=None):
        return False


class VerificationHistoryInline(StateChangeInline):
    model = ProducerStateChange


class PayoutChangeInline(admin.TabularInline):
    """The group's payout history, read only: changes are reviewed in the payout change list."""

    model = PayoutChange
    extra = 0
    can_delete = False
    fields = ("created_at", "changed_by", "changes", "state", "reviewed_by", "reviewed_at", "review_note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ProducerAdminForm(forms.ModelForm):
    """Staff may move a producer; its province and country (not editable) follow the place.

    No Meta: the admin builds the fields (with its formfield_overrides) on top of this form.
    """

    def clean_logo(self):
        """A new logo is checked like every upload; it is stored, re-encoded and
        without its EXIF, by ProducerAdmin.save_model through the service."""
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            try:
                images.clean_upload(logo)
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from None
            self.new_logo = logo
            return None  # no change here: the service saves it
        return logo

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("place") is not None:
            try:
                for name, value in services.producer_place_fields(cleaned_data["place"]).items():
                    setattr(self.instance, name, value)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned_data


class CountryFilter(admin.SimpleListFilter):
    """The country by its name ("Thailand"), not its code; the parameter stays `country__exact`."""

    title = _("country")
    parameter_name = "country__exact"

    def lookups(self, request, model_admin):
        return Country.choices

    def queryset(self, request, queryset):
        return queryset.filter(country=self.value()) if self.value() else queryset


@admin.register(Producer)
class ProducerAdmin(admin.ModelAdmin):
    form = ProducerAdminForm
    list_display = ("name_en", "name", "kind", "state", "country", "province", "created_at")
    list_filter = ("state", "kind", CountryFilter, ("province", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "name_en", "name_ja", "slug")
    raw_id_fields = ("place",)
    readonly_fields = ("state", "country", "province")
    inlines = [MembershipInline, PhotoInline, VerificationHistoryInline, PayoutChangeInline]
    list_select_related = ("province",)
    actions = ["verify_selected", "suspend_selected"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        # Payout details go through the service, so the change is recorded and every manager told.
        payment = {name: form.cleaned_data[name] for name in services.PAYMENT_FIELDS if name in form.changed_data}
        if change:
            for name in payment:
                setattr(obj, name, form.initial[name])
        super().save_model(request, obj, form, change)
        if change and payment:
            services.producer_payment_set_by_staff(producer=obj, by=request.user, **payment)
        new_logo = getattr(form, "new_logo", None)
        if new_logo is not None:
            services.producer_set_logo(producer=obj, upload=new_logo)

    def _change_state(self, request, queryset, to_state, reason):
        changed = 0
        for producer in queryset:
            try:
                services.producer_set_state(producer=producer, to_state=to_state, by=request.user, reason=reason)
                changed += 1
            except ValidationError as error:
                self.message_user(request, f"{producer}: {' '.join(error.messages)}", messages.ERROR)
        return changed

    @admin.action(description=_("Verify the selected producers"))
    def verify_selected(self, request, queryset):
        changed = self._change_state(request, queryset, Producer.State.VERIFIED, "")
        self.message_user(request, ngettext("%d producer verified.", "%d producers verified.", changed) % changed)

    @admin.action(description=_("Suspend the selected producers"))
    def suspend_selected(self, request, queryset):
        changed = self._change_state(request, queryset, Producer.State.SUSPENDED, str(_("Suspended by staff.")))
        self.message_user(request, ngettext("%d producer suspended.", "%d producers suspended.", changed) % changed)


@admin.register(ProducerInvitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("producer", "user", "email", "role", "created_at", "accepted")
    raw_id_fields = ("producer", "user", "invited_by")


@admin.register(PayoutChange)
class PayoutChangeAdmin(admin.ModelAdmin):
    """Held payout changes are approved or rejected here (or on the staff page), through the
    service, so the decision is recorded and mailed to the managers; nothing is edited by hand."""

    list_display = ("producer", "created_at", "changed_by", "state", "reviewed_by", "reviewed_at")
    list_filter = ("state",)
    search_fields = ("producer__name", "producer__name_en", "changed_by__username")
    list_select_related = ("producer", "changed_by", "reviewed_by")
    fields = ("producer", "created_at", "changed_by", "changes", "proposed", "state", "reviewed_by", "reviewed_at", "review_note")
    readonly_fields = fields
    actions = ["approve_selected", "reject_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _review(self, request, queryset, *, approve: bool, note: str) -> int:
        reviewed = 0
        for change in queryset.filter(state=PayoutChange.State.HELD):
            try:
                services.payout_change_review(change=change, by=request.user, approve=approve, note=note)
                reviewed += 1
            except ValidationError as error:
                self.message_user(request, f"{change}: {' '.join(error.messages)}", messages.ERROR)
        return reviewed

    @admin.action(description=_("Approve the selected held payout changes"))
    def approve_selected(self, request, queryset):
        count = self._review(request, queryset, approve=True, note="")
        self.message_user(request, ngettext("%d change approved.", "%d changes approved.", count) % count)

    @admin.action(description=_("Reject the selected held payout changes"))
    def reject_selected(self, request, queryset):
        note = str(_("Rejected by staff: please contact us."))
        count = self._review(request, queryset, approve=False, note=note)
        self.message_user(request, ngettext("%d change rejected.", "%d changes rejected.", count) % count)
