from django.contrib import admin
from django.db import models

from core.admin import StateChangeInline

from .models import Event, EventOrganiser, EventStatusChange


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
