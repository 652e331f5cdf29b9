"""The catalogue's query parameters as a django-filter FilterSet, made from their declarations
in catalogue/facets.py (one filter per declared filter, in their order, then `sort`)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .facets import DEFAULT_SORT, FILTERS, SORTS, CatalogueFilter, Sort


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
