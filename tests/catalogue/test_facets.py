"""The catalogue's filters, facets and sorts are declared once (catalogue/facets.py): the
FilterSet, the ORM path and the search's SQL are generated from the declarations and agree,
for the declared filters and for one added in a single declaration."""

from decimal import Decimal

import django_filters
import pytest
from django.http import QueryDict

from catalogue import search, selectors
from catalogue.facets import FILTERS, SORTS, CatalogueFilter, Choice, Facet, search_columns
from catalogue.filters import ProductFilter, filterset_class
from catalogue.models import Product
from tests.factories import ProductFactory, minutes_ago


def test_the_filterset_has_one_filter_per_declaration_in_the_url_contracts_order():
    assert list(ProductFilter.base_filters) == [
        "q", "category", "country", "province", "stars", "min_price", "max_price", "in_stock", "certification", "sort",
    ]
    assert [name for name, _label in ProductFilter.base_filters["sort"].extra["choices"]] == [
        "relevance", "newest", "price", "-price", "stars",
    ]


def test_the_search_keeps_the_columns_its_filters_facets_and_sorts_read():
    assert search_columns() == (
        "id", "category_id", "country", "province_id", "star_rating", "price", "price_reference", "published_at",
    )


def test_each_sort_orders_the_search_as_it_orders_the_catalogue():
    orders = {sort.key: sort.search_order() for sort in SORTS}
    assert orders == {
        "relevance": "relevance DESC, id DESC",
        "newest": "published_at DESC, id DESC",
        "price": "price_reference ASC, id ASC",
        "-price": "price_reference DESC, id DESC",
        "stars": "star_rating DESC NULLS LAST, published_at DESC, id DESC",
    }


def test_a_facet_heading_per_faceted_filter_in_their_order():
    assert [declaration.name for declaration in FILTERS if declaration.facet] == [
        "category", "country", "province", "stars", "certification",
    ]


# --- the generator: both query paths from one declaration ----------------------------------------

UNIT = CatalogueFilter(
    "unit",
    lambda: django_filters.CharFilter(label="Unit"),
    column="unit",
    facet=Facet("Unit", key="unit", choices=lambda counts, data, total: [Choice(k, k, n) for k, n in sorted(counts.items())]),
)
HEAVIEST = CatalogueFilter(
    "max_weight", lambda: django_filters.NumberFilter(label="Heaviest"), column="weight_grams", lookup="lte"
)
WithUnit = filterset_class((*FILTERS, UNIT, HEAVIEST), SORTS, name="WithUnit")


@pytest.fixture
def woven(categories, group_a, group_b, oita_group, django_capture_on_commit_callbacks):
    """Nine silk products in three units and weights, two countries, some certified (with their
    search documents, written on commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(9):
            ProductFactory(
                producer=(group_a, group_b, oita_group)[n % 3],
                category=categories["silk" if n % 2 else "cotton"],
                name_en=f"Woven silk {n}",
                price=Decimal(100 + 50 * n),
                stock=n % 3,
                unit=("1 piece", "1 metre", "1 set")[n % 3 if n < 6 else 0],
                weight_grams=100 * n,
                star_scheme="otop" if n % 4 else "",
                star_rating=1 + n % 5 if n % 4 else None,
                star_year=2022 if n % 4 else None,
                certifications=[{"kind": "tcps", "number": f"T-{n}", "year": 2021}] if n % 2 else [],
                status="published",
                published_at=minutes_ago(n),
            )


def both_paths(params: str):
    """What the ORM path and the search's one statement give for the same parameters."""
    filterset = WithUnit(QueryDict(params), queryset=Product.objects.public())
    assert filterset.is_valid(), filterset.errors
    data = filterset.form.cleaned_data
    text = data["q"]
    sort = data.get("sort") or "relevance"
    ordered = selectors._apply_filters(filterset, Product.objects.public())
    if sort == "relevance":
        ordered = ordered.annotate(relevance=search.relevance_expression(search.query(text), text)).order_by("-relevance", "-pk")
    else:
        ordered = ordered.order_by(*next(s for s in SORTS if s.key == sort).order)
    orm = (ordered.count(), list(ordered.values_list("pk", flat=True)[: selectors.PAGE_SIZE]), selectors._facet_counts(filterset))
    total, ids, counts = selectors._search_pass(filterset, tsquery=search.query(text), text=text, sort=sort, offset=0)
    return orm, (total, ids, counts)


@pytest.mark.parametrize(
    "params",
    [
        "q=woven",
        "q=woven&unit=1+piece",
        "q=woven&unit=1+metre&sort=price",
        "q=woven&max_weight=500&sort=-price",
        "q=woven&unit=1+set&country=TH&in_stock=1",
        "q=woven&category=textiles-garments&stars=2&sort=stars",
        "q=woven&certification=tcps&max_weight=700&min_price=150&sort=newest",
        "q=woven&country=JP&min_price=200&max_price=400",
    ],
)
def test_a_filter_added_in_one_declaration_filters_counts_and_orders_alike_in_both_paths(woven, params):
    orm, searched = both_paths(params)
    assert searched == orm
    assert set(orm[2]) == {"category", "country", "province", "stars", "certification", "unit"}


def test_the_added_facet_counts_each_value_as_its_link_selects(woven):
    (_total, _ids, counts), _searched = both_paths("q=woven&max_weight=400")
    assert counts["unit"] == {"1 piece": 2, "1 metre": 2, "1 set": 1}
    for unit, n in counts["unit"].items():
        filterset = WithUnit(QueryDict(f"q=woven&max_weight=400&unit={unit}"), queryset=Product.objects.public())
        assert filterset.is_valid()
        assert filterset.qs.count() == n


def test_a_declared_filter_without_an_input_is_kept_by_the_filter_form(woven, monkeypatch):
    monkeypatch.setattr(selectors, "ProductFilter", WithUnit)
    context = selectors.catalogue_page(params=QueryDict("q=woven&max_weight=500&unit=g&min_price=150"), page=None)
    kept = dict(context["facet_values"])
    # Filters with an input of their own (the search, the prices) are not repeated as hidden fields.
    assert kept == {"unit": "g", "max_weight": 500}
