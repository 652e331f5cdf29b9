"""The catalogue's filters, facets and sorts, each declared once.

Every query parameter of /products/ is one `CatalogueFilter` in FILTERS (its URL parameter, its
form field, the product column it compares and, when it has one, its `Facet`), and every order
one `Sort` in SORTS. From these two lists come:

- `ProductFilter` (catalogue/filters.py), the django-filter FilterSet that reads and validates
  the parameters;
- the ORM path (the catalogue without a search): `condition()` for each filter, the facet counts
  in selectors._facet_counts;
- the search path: `search_sql()` (the same comparison as SQL over the matched rows of
  selectors._search_pass), the columns those rows keep (`search_columns()`), and each sort's
  ORDER BY (`Sort.search_order`).

Adding a filter is adding one entry to FILTERS; see docs/catalogue-search.md.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import django_filters
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from places.models import Country, Place

from . import search
from .models import Category, Certification, CertificationType

STAR_CHOICES = [(str(n), str(n)) for n in range(1, 6)]
MAX_PRICE = Decimal("1000000000")
PROVINCE_FACET_SIZE = 12

# Stands for "each value of the facet in turn" in the parameters a facet counts with: a facet
# counts the products as if its own value were chosen, which is what its links show.
EACH_VALUE = object()

# How a lookup reads as SQL over the search's matched rows.
SQL_LOOKUPS = {"exact": "{column} = %s", "gt": "{column} > %s", "gte": "{column} >= %s", "lte": "{column} <= %s",
               "in": "{column} = ANY(%s)"}


@dataclass(frozen=True)
class Choice:
    """One value of a facet as it is shown: its URL value, label and count."""

    value: str
    label: Any
    count: int
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Facet:
    """The counts beside a filter: each of its values with the number of products choosing it shows.

    `key` is the product column counted by (an `annotation` when it is computed, a column of
    `related` when counted through a related table); `search_key` its name among the search's
    matched rows when that differs. `drops` are the other filters its links clear. `limit` keeps
    the values with the most products only; `counts_null` False leaves products without a value
    out (`key_type` reads the keys back from the search's text). How it renders: under `heading`,
    `choices(counts, data, total)` gives the values shown, in order, `chosen(value)` the URL value
    of the filter's current value (the one marked selected), `star_marks` draws stars.
    """

    heading: Any
    key: str
    choices: Callable[[dict | list, dict, int], list[Choice]]
    chosen: Callable[[Any], str] = str
    search_key: str = ""
    annotation: Callable[[], Any] | None = None
    related: type | None = None
    drops: tuple[str, ...] = ()
    limit: int | None = None
    counts_null: bool = True
    key_type: type = str
    star_marks: bool = False

    @property
    def row_key(self) -> str:
        return self.search_key or self.key


@dataclass(frozen=True)
class CatalogueFilter:
    """One query parameter of /products/.

    `form_field()` makes its django-filter filter (label, choices, bounds). What it selects is either
    `column` compared by `lookup` with `value(cleaned value)` (the column may depend on the other
    parameters: `column(data)`, which then names every column it may be in `columns`), or a
    boolean `expression(cleaned value)`, kept in the search's
    matched rows as the column named `column`, or for the text the `match` itself. `prefilter`
    filters are applied to the search's matched products before they are kept (no facet is
    counted without them). `on_form` filters have their own input on the filter form (written in
    catalogue_results.html); every other filter travels through the form as a hidden field, so a
    new filter is kept without a template edit.
    """

    name: str
    form_field: Callable[[], django_filters.Filter]
    column: str | Callable[[dict], str] = ""
    columns: tuple[str, ...] = ()
    lookup: str = "exact"
    value: Callable[[Any], Any] = lambda value: value
    expression: Callable[[Any], Any] | None = None
    match: bool = False
    prefilter: bool = False
    facet: Facet | None = None
    on_form: bool = False

    def column_for(self, data: dict) -> str:
        return self.column(data) if callable(self.column) else self.column

    def condition(self, value, data: dict):
        """What the filter selects, for QuerySet.filter(); None when it selects everything."""
        if self.match:
            tsquery = search.query(value)
            return search.match_expression(tsquery) if tsquery else None
        if self.expression is not None:
            return self.expression(value)
        return Q(**{f"{self.column_for(data)}__{self.lookup}": self.value(value)})

    def search_params(self, value) -> list:
        """The parameters of search_sql() for the cleaned value (read once per search)."""
        if self.expression is not None:
            return []
        compared = self.value(value)
        return [list(compared) if self.lookup == "in" else compared]

    def search_sql(self, data: dict) -> str:
        """The same condition as SQL over the search's matched rows, with search_params()."""
        if self.expression is not None:
            return self.column_for(data)
        return SQL_LOOKUPS[self.lookup].format(column=self.column_for(data))


@dataclass(frozen=True)
class Sort:
    """One order of the results: its `sort` value, label and ORDER BY (ORM terms, as in
    QuerySet.order_by()); `with_search` replaces `order` when there is a search, and may order
    by `relevance` (search.relevance_expression)."""

    key: str
    label: Any
    order: tuple
    with_search: tuple = ()

    def search_order(self) -> str:
        """The ORDER BY over the search's matched rows."""
        terms = []
        for term in self.with_search or self.order:
            if isinstance(term, OrderBy):
                sql = f"{term.expression.name} {'DESC' if term.descending else 'ASC'}"
                terms.append(sql + (" NULLS LAST" if term.nulls_last else ""))
            else:
                name = term.lstrip("-")
                terms.append(f"{'id' if name == 'pk' else name} {'DESC' if term.startswith('-') else 'ASC'}")
        return ", ".join(terms)


# --- how the facets show their values ---------------------------------------------------------------


def _category_choices(counts: dict, data: dict, total: int) -> list[Choice]:
    categories = sorted(Category.objects.filter(parent__isnull=True), key=lambda category: category.position)
    return [Choice(category.slug, category.name, counts.get(category.pk, 0)) for category in categories]


def _country_choices(counts: dict, data: dict, total: int) -> list[Choice]:
    return [Choice(code, label, counts.get(code, 0)) for code, label in Country.choices]


def _province_choices(counts: list, data: dict, total: int) -> list[Choice]:
    chosen = data.get("province")
    ids = [pk for pk, _n in counts]
    places = {p.pk: p for p in Place.objects.filter(pk__in=ids + ([chosen.pk] if chosen else []))}
    entries = [(places[pk], n) for pk, n in counts if pk in places]
    if chosen and chosen.pk not in ids:
        # Outside the top provinces: its count is the number of results shown now.
        entries.insert(0, (chosen, total))
    return [Choice(place.slug, place.name, count) for place, count in entries]


def _star_choices(counts: dict, data: dict, total: int) -> list[Choice]:
    # "3 stars" means at least three: each counts the products rated that or more.
    return [
        Choice(str(stars), str(stars), sum(n for rating, n in counts.items() if rating >= stars), {"stars": stars})
        for stars in range(5, 0, -1)
    ]


def _certification_choices(counts: dict, data: dict, total: int) -> list[Choice]:
    return [Choice(kind, label, counts.get(kind, 0)) for kind, label in CertificationType.choices]


def _price_column(data: dict) -> str:
    # One country: prices are in its currency, as the visitor sees them. Several: Thai baht at
    # the reference rates.
    return "price" if data.get("country") else "price_reference"


def _price_field(label):
    return lambda: django_filters.NumberFilter(
        label=label, min_value=0, max_value=MAX_PRICE, max_digits=14, decimal_places=2
    )


FILTERS: tuple[CatalogueFilter, ...] = (
    # Full-text search in every language (catalogue/search.py); words only, so a query of
    # punctuation alone filters nothing.
    CatalogueFilter(
        "q",
        lambda: django_filters.CharFilter(label=_("Search"), max_length=200),
        match=True,
        prefilter=True,
        on_form=True,
    ),
    CatalogueFilter(
        "category",
        lambda: django_filters.ModelChoiceFilter(
            label=_("Category"), queryset=Category.objects.all(), to_field_name="slug"
        ),
        # The category and its sub-categories as a list of ids, so the facet index serves it.
        column="category_id",
        lookup="in",
        value=lambda category: Category.objects.filter(Q(pk=category.pk) | Q(parent=category)).values_list("pk", flat=True),
        facet=Facet(
            _("Category"),
            key="top",
            annotation=lambda: Coalesce("category__parent_id", "category_id"),
            choices=_category_choices,
            chosen=lambda category: category.top.slug,
            key_type=int,
        ),
    ),
    CatalogueFilter(
        "country",
        lambda: django_filters.ChoiceFilter(label=_("Country"), choices=Country.choices),
        column="country",
        # A province lies in one country: a country's link leaves it out.
        facet=Facet(_("Country"), key="country", choices=_country_choices, drops=("province",)),
    ),
    CatalogueFilter(
        "province",
        lambda: django_filters.ModelChoiceFilter(
            label=_("Province"), queryset=Place.objects.filter(level="province"), to_field_name="slug",
        ),
        column="province_id",
        value=lambda place: place.pk,
        facet=Facet(
            _("Province"),
            key="province",
            search_key="province_id",
            choices=_province_choices,
            chosen=lambda place: place.slug,
            limit=PROVINCE_FACET_SIZE,
            key_type=int,
        ),
    ),
    CatalogueFilter(
        "stars",
        lambda: django_filters.ChoiceFilter(label=_("Stars (at least)"), choices=STAR_CHOICES),
        column="star_rating",
        lookup="gte",
        value=int,
        facet=Facet(
            _("Stars"), key="star_rating", choices=_star_choices, counts_null=False, key_type=int, star_marks=True
        ),
    ),
    CatalogueFilter(
        "min_price", _price_field(_("Lowest price")), column=_price_column, columns=("price", "price_reference"),
        lookup="gte", on_form=True,
    ),
    CatalogueFilter(
        "max_price", _price_field(_("Highest price")), column=_price_column, columns=("price", "price_reference"),
        lookup="lte", on_form=True,
    ),
    CatalogueFilter(
        "in_stock",
        lambda: django_filters.ChoiceFilter(
            label=_("In stock only"), choices=[("1", _("In stock only"))]
        ),
        column="stock",
        lookup="gt",
        value=lambda _checked: 0,
        prefilter=True,
        on_form=True,
    ),
    CatalogueFilter(
        "certification",
        lambda: django_filters.ChoiceFilter(
            label=_("Certification"), choices=CertificationType.choices
        ),
        # Looked up once per matched product in a search, as its column `certified`.
        column="certified",
        expression=lambda kind: Exists(Certification.objects.filter(product=OuterRef("pk"), kind=kind)),
        # (product, kind) is unique: counting certifications counts products.
        facet=Facet(_("Certification"), key="kind", related=Certification, choices=_certification_choices),
    ),
)

SORTS: tuple[Sort, ...] = (
    # Without a search, "best match" is the newest first.
    Sort("relevance", _("Best match"), ("-published_at", "-pk"), with_search=("-relevance", "-pk")),
    Sort("newest", _("Newest"), ("-published_at", "-pk")),
    Sort("price", _("Price, low to high"), ("price_reference", "pk")),
    Sort("-price", _("Price, high to low"), ("-price_reference", "-pk")),
    # PostgreSQL puts NULLs first in a descending order: products without stars go last.
    Sort("stars", _("Most stars"), (F("star_rating").desc(nulls_last=True), "-published_at", "-pk")),
)
SORT_BY_KEY = {sort.key: sort for sort in SORTS}
DEFAULT_SORT = "newest"
SORT_CHOICES = [(sort.key, sort.label) for sort in SORTS]


def search_columns(filters=FILTERS, sorts=SORTS) -> tuple[str, ...]:
    """The product columns the search keeps for each matched product: its id, the columns the
    filters (but the prefilters and expressions) compare and facets count, and those sorts order by."""
    columns = ["id"]
    for declaration in filters:
        if declaration.prefilter or declaration.expression is not None or declaration.match:
            continue
        columns += declaration.columns or [declaration.column]
        if declaration.facet and not declaration.facet.annotation and not declaration.facet.related:
            columns.append(declaration.facet.row_key)
    for sort in sorts:
        for term in sort.order:
            name = term.expression.name if isinstance(term, OrderBy) else term.lstrip("-")
            columns.append("id" if name == "pk" else name)
    return tuple(dict.fromkeys(columns))
