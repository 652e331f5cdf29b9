import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from catalogue import search
from catalogue.models import Category, Product
from places.models import Country, Place

from .models import Producer

SORTS = {"name": ("name_en", "pk"), "newest": ("-created_at", "-pk")}


class ProducerFilter(django_filters.FilterSet):
    """The producer directory's filters: country, province, kind, a name search."""

    q = django_filters.CharFilter(label=_("Name"), method="filter_name", max_length=200)
    country = django_filters.ChoiceFilter(label=_("Country"), choices=Country.choices, empty_label=_("All countries"))
    province = django_filters.ModelChoiceFilter(
        label=_("Province"),
        queryset=Place.objects.filter(level="province").order_by("country", "name_en"),
        to_field_name="slug",
        empty_label=_("All provinces"),
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Makes"),
        queryset=Category.objects.filter(parent__isnull=True),
        to_field_name="slug",
        empty_label=_("All categories"),
        method="filter_category",
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Producer.Kind.choices, empty_label=_("All kinds"))
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[("name", _("Name")), ("newest", _("Newest"))],
        method="filter_sort",
        empty_label=None,
        null_label=None,
    )

    class Meta:
        model = Producer
        fields = ["q", "country", "province", "category", "kind"]

    def filter_category(self, queryset, name, value):
        """Producers with a published product in the category or one of its sub-categories."""
        products = Product.objects.public().filter(producer=OuterRef("pk")).filter(
            Q(category=value) | Q(category__parent=value)
        )
        return queryset.filter(Exists(products))

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["name"]))

    def filter_name(self, queryset, name, value):
        """Names, places and stories in every language (catalogue/search.py)."""
        tsquery = search.query(value)
        return queryset.filter(search.match_expression(tsquery)) if tsquery else queryset
