"""The catalogue's query parameters as a django-filter FilterSet, made from their declarations
in catalogue/facets.py (one filter per declared filter, in their order, then `sort`); the
producer directory's FilterSet."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from places.models import Country, Place
from producers.models import Producer

from . import search
from .facets import DEFAULT_SORT, FILTERS, SORTS, CatalogueFilter, Sort
from .models import Category, Product


class ProductFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", _("The highest price is lower than the lowest price."))
            data.pop("max_price", None)
        return data


class CatalogueFilterSet(django_filters.FilterSet):
    """The FilterSet of declared filters: each one filters through its declaration."""

    declarations: tuple[CatalogueFilter, ...] = ()
    sorts: tuple[Sort, ...] = ()

    @classmethod
    def declaration(cls, name: str) -> CatalogueFilter:
        return next(declaration for declaration in cls.declarations if declaration.name == name)

    def filter_declared(self, queryset, name, value):
        condition = self.declaration(name).condition(value, self.form.cleaned_data)
        return queryset if condition is None else queryset.filter(condition)

    def filter_sort(self, queryset, name, value):
        sorts = {sort.key: sort for sort in self.sorts}
        return queryset.order_by(*(sorts.get(value) or sorts[DEFAULT_SORT]).order)


def filterset_class(filters: tuple[CatalogueFilter, ...], sorts: tuple[Sort, ...], *, name: str = "ProductFilter"):
    """A FilterSet with one filter per declaration, in their order, then `sort`."""
    attributes = {}
    for declaration in filters:
        attributes[declaration.name] = declaration.form_field()
        attributes[declaration.name].method = "filter_declared"
    attributes["sort"] = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=[(sort.key, sort.label) for sort in sorts], method="filter_sort", empty_label=None
    )
    meta = type("Meta", (), {"form": ProductFilterForm, "fields": [declaration.name for declaration in filters]})
    return type(
        name,
        (CatalogueFilterSet,),
        attributes | {"Meta": meta, "declarations": filters, "sorts": sorts, "__module__": __name__},
    )


ProductFilter = filterset_class(FILTERS, SORTS)


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
