from django.contrib import admin

from .models import Producer, ProducerMembership


class MembershipInline(admin.TabularInline):
    model = ProducerMembership
    raw_id_fields = ("user",)
    extra = 0


@admin.register(Producer)
class ProducerAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name", "kind", "state", "place", "created_at")
    list_filter = ("state", "kind", "place__country")
    search_fields = ("name", "name_en", "name_ja", "slug")
    raw_id_fields = ("place",)
    inlines = [MembershipInline]
    list_select_related = ("place",)
