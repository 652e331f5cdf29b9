from django.contrib import admin

from .models import Place


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_local", "level", "country", "code", "slug")
    list_filter = ("country", "level")
    search_fields = ("name_en", "name_local", "name_th", "name_ja", "code", "slug")
    raw_id_fields = ("parent", "region")
    list_select_related = ("parent",)
