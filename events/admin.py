"""Events in the Django admin: the events themselves with their organisers, and producers' stall
applications, read only, decided through the services."""

from django.contrib import admin, messages
from django.db import models
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdminMixin, ReadOnlyInline, StateChangeInline

from . import services
from .models import (
    ApplicationStateChange,
    Event,
    EventOrganiser,
    EventStatusChange,
    StallApplication,
    StallAssignment,
)


class OrganiserInline(admin.TabularInline):
    model = EventOrganiser
    raw_id_fields = ("user",)
    extra = 0


class StatusChangeInline(StateChangeInline):
    """The event's status history: written by the organisers' status changes, never here."""

    model = EventStatusChange


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("name", "venue", "starts_on", "ends_on", "status")
    list_filter = ("status",)
    search_fields = ("name", "name_th", "name_ja", "slug")
    raw_id_fields = ("place",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # The status moves only through the event lifecycle (the organisers' buttons), which checks
    # the move and writes its history row; a new event starts as a draft.
    readonly_fields = ("status",)
    inlines = [OrganiserInline, StatusChangeInline]


# --- Stall applications -------------------------------------------------------------------------


class ApplicationHistoryInline(StateChangeInline):
    """The application's state history: written by its moves (organisers, the producer, staff)."""

    model = ApplicationStateChange

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class AssignmentInline(ReadOnlyInline):
    """The stall the application was given, its fee and check-in: the organisers' plan and the
    fair days' page set them."""

    model = StallAssignment
    fk_name = "application"
    fields = ("stall", "fee_state", "checked_in_at", "assigned_by", "assigned_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("stall__zone", "assigned_by")


@admin.register(StallApplication)
class StallApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Producers' applications for a stall, to look up; staff decide them with the actions below,
    through the same service as the organisers' buttons (its rules, its history, its messages)."""

    list_display = ("producer", "event", "state", "preferred_zone", "needs", "created_at")
    list_filter = ("state", ("event", admin.RelatedOnlyFieldListFilter), "needs_power", "needs_corner", "needs_double", "exhibited_before")
    search_fields = (
        "producer__name", "producer__name_en", "producer__name_ja", "producer__slug",
        "event__name", "event__name_th", "event__name_ja", "event__slug",
    )
    list_select_related = ("producer", "event", "preferred_zone")
    date_hierarchy = "created_at"
    raw_id_fields = ("event", "producer", "preferred_zone", "products")
    inlines = [AssignmentInline, ApplicationHistoryInline]
    actions = ["accept_selected", "waitlist_selected", "reject_selected"]

    @admin.display(description=_("needs"))
    def needs(self, application):
        return ", ".join(str(feature.label) for feature in application.needs) or "—"

    def has_decide_permission(self, request):
        return request.user.has_perm("events.change_stallapplication")

    def _move(self, request, queryset, to_state: str, note: str = "") -> int:
        moved = 0
        for application in queryset.select_related("producer", "event"):
            try:
                services.application_transition(application=application, to_state=to_state, by=request.user, note=note)
                moved += 1
            except (ValidationError, PermissionDenied) as error:
                reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"{application}: {reason}", messages.ERROR)
        return moved

    @admin.action(description=_("Accept the selected applications"), permissions=["decide"])
    def accept_selected(self, request, queryset):
        moved = self._move(request, queryset, StallApplication.State.ACCEPTED)
        self.message_user(request, ngettext("%d application accepted.", "%d applications accepted.", moved) % moved)

    @admin.action(description=_("Waitlist the selected applications"), permissions=["decide"])
    def waitlist_selected(self, request, queryset):
        moved = self._move(request, queryset, StallApplication.State.WAITLISTED)
        self.message_user(request, ngettext("%d application waitlisted.", "%d applications waitlisted.", moved) % moved)

    @admin.action(description=_("Reject the selected applications"), permissions=["decide"])
    def reject_selected(self, request, queryset):
        moved = self._move(request, queryset, StallApplication.State.REJECTED, str(_("Rejected by the site's staff.")))
        self.message_user(request, ngettext("%d application rejected.", "%d applications rejected.", moved) % moved)
