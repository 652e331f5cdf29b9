from django.contrib import admin

from .models import Event, EventOrganiser


class OrganiserInline(admin.TabularInline):
    model = EventOrganiser
    raw_id_fields = ("user",)
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("name", "venue", "starts_on", "ends_on", "status")
    list_filter = ("status",)
    search_fields = ("name", "name_th", "name_ja", "slug")
    raw_id_fields = ("place",)
    inlines = [OrganiserInline]
