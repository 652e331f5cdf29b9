"""The catalogue's query parameters, and the producer directory's, as django-filter FilterSets."""

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from places.models import Country, Place
from producers.models import Producer

from . import search
from .models import Category, Certification, CertificationType, Product

SORTS = {
    "relevance": ("-published_at", "-pk"),  # until search ranks them: the newest first
    "newest": ("-published_at", "-pk"),
    "price": ("price_reference", "pk"),
    "-price": ("-price_reference", "-pk"),
    # PostgreSQL puts NULLs first in a descending order: products without stars go last.
    "stars": (F("star_rating").desc(nulls_last=True), "-published_at", "-pk"),
}
SORT_CHOICES = [
    ("relevance", _("Best match")),
    ("newest", _("Newest")),
    ("price", _("Price, low to high")),
    ("-price", _("Price, high to low")),
    ("stars", _("Most stars")),
]
STAR_CHOICES = [(str(n), str(n)) for n in range(1, 6)]
MAX_PRICE = Decimal("1000000000")


class ProductFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", _("The highest price is lower than the lowest price."))
            data.pop("max_price", None)
        return data


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text", max_length=200)
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.all(), to_field_name="slug", method="filter_category"
    )
    country = django_filters.ChoiceFilter(label=_("Country"), choices=Country.choices, field_name="country")
    province = django_filters.ModelChoiceFilter(
        label=_("Province"), queryset=Place.objects.filter(level="province"), to_field_name="slug", field_name="province"
    )
    stars = django_filters.ChoiceFilter(label=_("Stars (at least)"), choices=STAR_CHOICES, method="filter_stars")
    min_price = django_filters.NumberFilter(
        label=_("Lowest price"), method="filter_price", min_value=0, max_value=MAX_PRICE, max_digits=14, decimal_places=2
    )
    max_price = django_filters.NumberFilter(
        label=_("Highest price"), method="filter_price", min_value=0, max_value=MAX_PRICE, max_digits=14, decimal_places=2
    )
    in_stock = django_filters.ChoiceFilter(
        label=_("In stock only"), choices=[("1", _("In stock only"))], method="filter_in_stock"
    )
    certification = django_filters.ChoiceFilter(
        label=_("Certification"), choices=CertificationType.choices, method="filter_certification"
    )
    sort = django_filters.ChoiceFilter(label=_("Sort by"), choices=SORT_CHOICES, method="filter_sort", empty_label=None)

    class Meta:
        form = ProductFilterForm
        fields = ["q", "category", "country", "province", "stars", "min_price", "max_price", "in_stock", "certification"]

    def filter_text(self, queryset, name, value):
        """Full-text search in every language (catalogue/search.py); words only, so a query of
        punctuation alone filters nothing."""
        tsquery = search.query(value)
        return queryset.filter(search.match_expression(tsquery)) if tsquery else queryset

    def filter_category(self, queryset, name, value):
        # The category and its sub-categories as a list of ids, so the facet index serves it.
        return queryset.filter(category__in=Category.objects.filter(Q(pk=value.pk) | Q(parent=value)).values("pk"))

    def filter_stars(self, queryset, name, value):
        return queryset.filter(star_rating__gte=int(value))

    def filter_price(self, queryset, name, value):
        # One country: prices are in its currency, as the visitor sees them. Several: Thai baht
        # at the reference rates.
        column = "price" if self.form.cleaned_data.get("country") else "price_reference"
        lookup = "gte" if name == "min_price" else "lte"
        return queryset.filter(**{f"{column}__{lookup}": value})

    def filter_in_stock(self, queryset, name, value):
        return queryset.filter(stock__gt=0)

    def filter_certification(self, queryset, name, value):
        return queryset.filter(Exists(Certification.objects.filter(product=OuterRef("pk"), kind=value)))

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["newest"]))


# --- The producer directory ---------------------------------------------------------------

PRODUCER_SORTS = {"name": ("name_en", "pk"), "newest": ("-created_at", "-pk")}


class ProducerFilter(django_filters.FilterSet):
    """The producer directory's filters: country, province, what they make (the catalogue's
    categories), kind, a name search (the search documents the catalogue writes)."""

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
        return queryset.order_by(*PRODUCER_SORTS.get(value, PRODUCER_SORTS["name"]))

    def filter_name(self, queryset, name, value):
        """Names, places and stories in every language (search.py)."""
        tsquery = search.query(value)
        return queryset.filter(search.match_expression(tsquery)) if tsquery else queryset
