"""The reads of the catalogue pages: the home page, /products/ with its facets, a product page,
the producer directory."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Value, Window
from django.http import QueryDict
from django.urls import reverse

from core.cache import query_of

from places.models import Country, Place
from places.querysets import ANCESTOR_PATH
from producers.models import Producer

from . import queries, search
from .facets import DEFAULT_SORT, EACH_VALUE, SORT_BY_KEY, SORT_CHOICES, search_columns
from .filters import PRODUCER_SORTS, ProducerFilter, ProductFilter
from .models import Certification, Product, ProductPhoto

PAGE_SIZE = 24
HOME_PRODUCERS = 8
HOME_PRODUCTS = 8
MORE_LIKE_THIS = 4


def home_page_content() -> dict:
    """What the home page shows: new products, featured producers, countries (the events to come
    are events' own tag in the template). A fixed number of queries whatever the size of the
    catalogue.
    """
    products = list(Product.objects.public().with_card_data().order_by(*SORT_BY_KEY[DEFAULT_SORT].order)[:HOME_PRODUCTS])
    producers = list(
        Producer.objects.public().select_related(f"place__{ANCESTOR_PATH}").order_by("-created_at")[:HOME_PRODUCERS]
    )
    producer_counts = dict(Producer.objects.public().order_by().values_list("country").annotate(n=Count("*")))
    countries = [
        {"code": code, "name": label, "producer_count": producer_counts.get(code, 0)} for code, label in Country.choices
    ]
    return {"featured_products": products, "featured_producers": producers, "countries": countries}


def _apply_filters(filterset: ProductFilter, queryset, *, exclude: tuple[str, ...] = (), data: dict | None = None):
    """Apply the valid filters of a validated filterset, leaving out `exclude` (for facets); the
    filters read the other parameters from `data` (a facet's view of them) when given."""
    cleaned = filterset.form.cleaned_data
    data = cleaned if data is None else data
    for declaration in filterset.declarations:
        value = cleaned.get(declaration.name)
        if declaration.name in exclude or value in (None, ""):
            continue
        condition = declaration.condition(value, data)
        if condition is not None:
            queryset = queryset.filter(condition)
    return queryset


def _link(params: QueryDict, key: str, value: str | None, *, drop: tuple[str, ...] = ()) -> str:
    """The parameters with `key` set to `value` (in its place, or last) or taken out (None),
    and the page and `drop` taken out, as a query string (as QueryDict would write it, without
    copying one for each of the facets' links)."""
    pairs, placed = [], False
    for name, values in params.lists():
        if name == "page" or name in drop:
            continue
        if name == key:
            placed = True
            if value is not None:
                pairs.append((name, value))
        else:
            pairs.extend((name, item) for item in values)
    if not placed and value is not None:
        pairs.append((key, value))
    return "?" + urlencode(pairs) if pairs else "?"


def _faceted(filterset: ProductFilter):
    return [declaration for declaration in filterset.declarations if declaration.facet]


def _facet_data(filterset: ProductFilter, name: str) -> dict:
    """The parameters as a facet counts with them: its own value chosen, each in turn (a country
    chosen reads the prices in its currency)."""
    return filterset.form.cleaned_data | {name: EACH_VALUE}


def _facet_counts(filterset: ProductFilter) -> dict:
    """The raw counts beside each filter, one query a facet (the catalogue without a search,
    where each is an index-only scan). Each facet counts the products that match every other
    filter, so each count equals the number of results that clicking it shows."""
    base = Product.objects.public().order_by()
    counts = {}
    for declaration in _faceted(filterset):
        facet, name = declaration.facet, declaration.name
        products = _apply_filters(
            filterset, base, exclude=(name, *facet.drops), data=_facet_data(filterset, name)
        )
        if facet.related is not None:
            rows = facet.related.objects.filter(product__in=products.values("pk"))
        elif facet.annotation is not None:
            rows = products.annotate(**{facet.key: facet.annotation()})
        else:
            rows = products
        rows = rows.values(facet.key).annotate(n=Count("*"))
        if facet.limit:
            counts[name] = [(row[facet.key], row["n"]) for row in rows.order_by("-n", facet.key)[: facet.limit]]
        else:
            counts[name] = {row[facet.key]: row["n"] for row in rows if facet.counts_null or row[facet.key] is not None}
    return counts


# The product columns FacetCount's combinations hold, under the same names.
_COMBINATION_COLUMNS = ("category_id", "country", "province_id", "star_rating")
# What their facets may count by: those columns, and the top category.
_COMBINATION_KEYS = (*_COMBINATION_COLUMNS, "top")
# Rows the triggers added since FacetCount was last folded. A worker folds them every few minutes
# (catalogue.tasks.facet_counts_fold); past this many, a read folds them itself, a safety valve
# for when no worker runs.
FACET_ROWS_SLACK = 20_000


def _combination_counts(filterset: ProductFilter) -> tuple[int, dict] | None:
    """The number of results and the facet counts, added up over FacetCount's combinations (a
    few thousand rows) in one statement instead of counted over the products: the same numbers
    as _facet_counts. Each filter reads as its declaration's SQL (as over a search's matched
    rows). None when a chosen filter compares something the combinations do not hold (a price,
    a search): those are counted over the products. Returns (total, counts)."""

    from .services import facet_counts_compact

    data = filterset.form.cleaned_data
    for declaration in _faceted(filterset):
        facet = declaration.facet
        if facet.related is not Certification and facet.row_key not in _COMBINATION_KEYS:
            return None
    conditions, in_stock, kind_filter = {}, False, None
    for declaration in filterset.declarations:
        value = data.get(declaration.name)
        if value in (None, ""):
            continue
        if declaration.facet is not None and declaration.facet.related is Certification:
            kind_filter = declaration.name
        elif declaration.match or declaration.expression is not None:
            return None
        elif (declaration.column_for(data), declaration.lookup, declaration.value(value)) == ("stock", "gt", 0):
            in_stock = True
        elif declaration.column_for(data) in _COMBINATION_COLUMNS:
            conditions[declaration.name] = (declaration.search_sql(data), declaration.search_params(value))
        else:
            return None
    params: list = []

    def where(*exclude: str, kinds: bool = False) -> str:
        # The products' own combinations, or their certifications': each kind (`kinds`, for
        # the certifications' facet), or the chosen one when that filter applies.
        if kinds:
            parts = ["certification <> ''"]
        elif kind_filter and kind_filter not in exclude:
            parts = ["certification = %s"]
            params.append(data[kind_filter])
        else:
            parts = ["certification = ''"]
        for name, (sql, values) in conditions.items():
            if name not in exclude:
                parts.append(sql)
                params.extend(values)
        return " AND ".join(parts)

    # The statement is put together from the declarations' column names; every value from the
    # visitor travels in `params` (hence the S608 markers).
    stocked = " WHERE f.in_stock" if in_stock else ""
    pieces = [
        "WITH c AS MATERIALIZED (SELECT f.category_id, coalesce(t.parent_id, f.category_id) AS top, f.country,"  # noqa: S608
        " f.province_id, f.star_rating, f.certification, f.products"
        f" FROM catalogue_facetcount f JOIN catalogue_category t ON t.id = f.category_id{stocked})",
        f"SELECT 'total', NULL, sum(products) FROM c WHERE {where()}",  # noqa: S608
        "SELECT 'unfolded', NULL, count(*) FROM catalogue_facetcount WHERE NOT folded",
    ]
    faceted = _faceted(filterset)
    for declaration in faceted:
        facet, name = declaration.facet, declaration.name
        related = facet.related is not None
        key = "certification" if related else facet.row_key
        condition = where(name, *facet.drops, kinds=related)
        if not facet.counts_null:
            condition += f" AND {key} IS NOT NULL AND {key} <> 0"
        select = (
            f"SELECT '{name}', {key}::text, sum(products) FROM c WHERE {condition} "  # noqa: S608
            f"GROUP BY {key} HAVING sum(products) > 0"
        )
        if facet.limit:
            select = f"({select} ORDER BY sum(products) DESC, {key} LIMIT {int(facet.limit)})"
        pieces.append(select)
    with queries.reading().cursor() as cursor:
        cursor.execute(pieces[0] + " " + " UNION ALL ".join(pieces[1:]), params)
        rows = cursor.fetchall()
    facets = {declaration.name: declaration.facet for declaration in faceted}
    counts = {name: [] if facet.limit else {} for name, facet in facets.items()}
    total = unfolded = 0
    for kind, key, n in rows:
        if kind == "total":
            total = int(n or 0)
        elif kind == "unfolded":
            unfolded = n
        else:
            value = facets[kind].key_type(key)
            if facets[kind].limit:
                counts[kind].append((value, int(n)))
            else:
                counts[kind][value] = int(n)
    for name, facet in facets.items():
        if facet.limit:
            counts[name].sort(key=lambda item: (-item[1], item[0]))
    if unfolded > FACET_ROWS_SLACK:
        facet_counts_compact()
    return total, counts


class _CountedResults:
    """The ids of the results for the Paginator, whose number is known already (from the facet
    counts): the paginator does not count them again."""

    def __init__(self, results, *, total: int):
        self.results, self.total = results, total

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, window: slice):
        return list(self.results[window])


def _search_pass(filterset: ProductFilter, *, tsquery: str, text: str, sort: str, offset: int) -> tuple[int, list[int], dict]:
    """A search's number of results, one page of their ids and the facet counts, from one pass
    over the matched products: the text is matched once (the rows kept in a materialised CTE),
    not once for the count, the page and each facet. Every filter, facet and sort comes from
    its declaration in catalogue.filters. Returns (total, ids, counts)."""

    declarations = filterset.declarations
    data = filterset.form.cleaned_data
    order = {s.key: s for s in filterset.sorts}
    chosen_sort = order.get(sort) or order[DEFAULT_SORT]
    matched = Product.objects.public().order_by()
    for declaration in declarations:
        if declaration.prefilter and data.get(declaration.name) not in (None, ""):
            condition = declaration.condition(data[declaration.name], data)
            if condition is not None:
                matched = matched.filter(condition)
    annotations = {
        declaration.facet.key: declaration.facet.annotation()
        for declaration in _faceted(filterset)
        if declaration.facet.annotation is not None
    }
    annotations["relevance"] = search.relevance_expression(tsquery, text) if chosen_sort.with_search else Value(0.0)
    for declaration in declarations:
        if declaration.expression is not None:
            value = data.get(declaration.name)
            annotations[declaration.column] = declaration.expression(value) if value else Value(False)
    columns = (*search_columns(declarations, filterset.sorts), *annotations)
    matched = matched.annotate(**annotations).values(*columns)
    matched_sql, params = matched.query.sql_with_params()
    params = list(params)
    # Each condition's values once (a category's sub-categories are looked up here).
    conditions = {
        declaration.name: declaration.search_params(data[declaration.name])
        for declaration in declarations
        if not declaration.prefilter and data.get(declaration.name) not in (None, "")
    }

    def where(*exclude: str, facet_data: dict | None = None) -> str:
        parts = []
        for declaration in declarations:
            if declaration.name in conditions and declaration.name not in exclude:
                parts.append(declaration.search_sql(data if facet_data is None else facet_data))
                params.extend(conditions[declaration.name])
        return " AND ".join(parts) or "TRUE"

    # The statement is put together from the declarations' column names and the ORM's own SQL;
    # every value from the visitor travels in `params` (hence the S608 markers below).
    pieces = [f"WITH m ({', '.join(columns)}) AS MATERIALIZED ({matched_sql})"]
    pieces.append(f"SELECT 'total', NULL, count(*) FROM m WHERE {where()}")  # noqa: S608
    for declaration in _faceted(filterset):
        facet, name = declaration.facet, declaration.name
        if facet.related is not None:
            meta = facet.related._meta
            key = f"c.{facet.key}"
            source = f"m JOIN {meta.db_table} c ON c.{meta.get_field('product').column} = m.id"
        else:
            key, source = f"m.{facet.row_key}", "m"
        condition = where(name, *facet.drops, facet_data=_facet_data(filterset, name))
        if not facet.counts_null:
            condition += f" AND {key} IS NOT NULL"
        select = f"SELECT '{name}', {key}::text, count(*) FROM {source} WHERE {condition} GROUP BY {key}"  # noqa: S608
        if facet.limit:
            select = f"({select} ORDER BY count(*) DESC, {key} LIMIT {int(facet.limit)})"
        pieces.append(select)
    page_where = where()
    params.extend([PAGE_SIZE, offset])
    sql_order = chosen_sort.search_order()
    pieces.append(
        f"SELECT 'page', id::text, position FROM (SELECT id, row_number() OVER (ORDER BY {sql_order}) AS position "  # noqa: S608
        f"FROM m WHERE {page_where} ORDER BY {sql_order} LIMIT %s OFFSET %s) AS page"
    )
    sql = pieces[0] + " " + " UNION ALL ".join(pieces[1:])
    with queries.reading().cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    facets = {declaration.name: declaration.facet for declaration in _faceted(filterset)}
    counts = {name: [] if facet.limit else {} for name, facet in facets.items()}
    total, page = 0, []
    for kind, key, n in rows:
        if kind == "total":
            total = n
        elif kind == "page":
            page.append((n, int(key)))
        else:
            value = None if key is None else facets[kind].key_type(key)
            if facets[kind].limit:
                counts[kind].append((value, n))
            else:
                counts[kind][value] = n
    for name, facet in facets.items():
        if facet.limit:
            counts[name].sort(key=lambda item: (-item[1], item[0]))
    return total, [pk for _position, pk in sorted(page)], counts


class _SearchHits:
    """The ids of a search's results for the Paginator: their number and the page already
    fetched by _search_pass; another page (an out-of-range number) is read from `results`."""

    def __init__(self, *, total: int, offset: int, ids: list[int], results):
        self.total, self.offset, self.ids, self.results = total, offset, ids, results

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, window: slice):
        if window.start != self.offset:
            return list(self.results[window])
        return self.ids


# Beyond any catalogue: a larger page number is the last page, as any page past the end is.
MAX_PAGE = 1_000_000


def _page_number(page: str | None) -> str:
    """The page asked for, as the paginator takes it: a number below 1 is the first page (not
    the last, as Django's get_page would make it), one past any catalogue is bounded."""
    try:
        number = int(str(page or "1").strip())
    except (TypeError, ValueError):
        return "1"
    return str(min(max(number, 1), MAX_PAGE))


def _requested_offset(page: str) -> int:
    return (int(page) - 1) * PAGE_SIZE


def _facets(filterset: ProductFilter, params: QueryDict, *, counts: dict, total: int) -> dict:
    """The facets beside the results: each value with its count and the link that toggles it.
    `total` is the number of results with every filter applied."""
    data = filterset.form.cleaned_data
    facets = {}
    for declaration in _faceted(filterset):
        facet, name = declaration.facet, declaration.name
        choices = facet.choices(counts[name], data, total)
        value = data.get(name)
        chosen = facet.chosen(value) if value not in (None, "") else None
        facets[name] = [
            {
                "label": choice.label,
                **choice.extra,
                "count": choice.count,
                "selected": chosen == choice.value,
                "url": _link(params, name, None if chosen == choice.value else choice.value, drop=facet.drops),
            }
            for choice in choices
        ]
    return facets


def catalogue_query(params: QueryDict) -> QueryDict:
    """The parameters of /products/ that decide what it shows, in one spelling: only those its
    filter form and its pages read, the last value of a repeated one (as the form takes it),
    without surrounding spaces, empty ones and the first page left out, in the form's order
    (the order its own submissions have).
    Campaign tags, junk and the order of the parameters are not in it, so two addresses that
    show the same page give the same query, which the caches key the page by and which it is
    rendered from. Checked without a query: invalid values stay in, and the page they give
    (the form's error beside the unfiltered result) is not kept (`catalogue_page_is_valid`)."""
    query = query_of(params, ProductFilter.base_filters).copy()
    page = _page_number(params.get("page"))
    if page != "1":
        query["page"] = page
    query._mutable = False
    return query


def catalogue_page_is_valid(context: dict, *, page: str | None = None) -> bool:
    """Whether a page of /products/ (catalogue_page's context) was made from valid parameters
    only, so that it may be kept for everyone who asks the same. A page number past the end
    shows the last page: that is not kept either, or each of the million numbers up to MAX_PAGE
    would keep one more copy of it."""
    if context["filter"].form.errors:
        return False
    return page is None or str(context["page_obj"].number) == _page_number(page)


def catalogue_page(*, params: QueryDict, page: str | None) -> dict:
    """One page of /products/ with every filter of the public URL contract and the facet counts.

    Invalid parameters are reported by the filter form and ignored, so the page always answers.
    A fixed number of queries for any page size and catalogue size: a search counts, pages and
    counts its facets in one statement (_search_pass); the catalogue without one pages through
    an index and counts each facet from the covering index.
    """
    filterset = ProductFilter(params, queryset=Product.objects.public())
    filterset.is_valid()
    page = _page_number(page)
    text = filterset.form.cleaned_data.get("q") or ""
    tsquery = search.query(text)
    sort = filterset.form.cleaned_data.get("sort") or ("relevance" if tsquery else DEFAULT_SORT)
    results = _apply_filters(filterset, Product.objects.public())
    if SORT_BY_KEY[sort].with_search and tsquery:
        results = results.annotate(relevance=search.relevance_expression(tsquery, text)).order_by(*SORT_BY_KEY[sort].with_search)
    else:
        results = results.order_by(*SORT_BY_KEY[sort].order)
    results = results.values_list("pk", flat=True)
    if tsquery:
        offset = _requested_offset(page)
        total, ids, counts = _search_pass(filterset, tsquery=tsquery, text=text, sort=sort, offset=offset)
        paginator = Paginator(_SearchHits(total=total, offset=offset, ids=ids, results=results), PAGE_SIZE)
    else:
        # Page through ids only (an index-only scan, fast even on a deep page), then load the page;
        # the number of results comes with the facet counts when those are added up.
        counted = _combination_counts(filterset)
        if counted is None:
            paginator, counts = Paginator(results, PAGE_SIZE), None
        else:
            total, counts = counted
            paginator = Paginator(_CountedResults(results, total=total), PAGE_SIZE)
    page_obj = paginator.get_page(page)
    ids = list(page_obj.object_list)
    page_obj.object_list = queries.product_cards(ids)
    if counts is None:
        counts = _facet_counts(filterset)
    suggestion = ""
    popular = []
    if paginator.count == 0:
        if tsquery:
            suggestion = search.did_you_mean(text, search_vocabulary())
        # The newest of the best-rated: served by the newest-first index, whatever the size.
        popular = list(
            Product.objects.public()
            .filter(star_rating__gte=4, stock__gt=0)
            .with_card_data()
            .order_by(*SORT_BY_KEY[DEFAULT_SORT].order)[:8]
        )
    facets = _facets(filterset, params, counts=counts, total=paginator.count)
    return {
        "filter": filterset,
        "search_words": search.query_words(text) if tsquery else [],
        "did_you_mean": suggestion,
        "did_you_mean_url": _link(params, "q", suggestion) if suggestion else "",
        "popular_products": popular,
        "remove_filter_links": [
            {"name": filterset.filters[name].label, "url": _link(params, name, None)}
            for name, value in filterset.form.cleaned_data.items()
            if value not in (None, "") and name != "sort"
        ] if paginator.count == 0 else [],
        "page_obj": page_obj,
        "paginator": paginator,
        "products": list(page_obj.object_list),
        "facets": facets,
        "facet_sections": [
            {"name": declaration.name, "heading": declaration.facet.heading, "entries": facets[declaration.name],
             "star_marks": declaration.facet.star_marks}
            for declaration in _faceted(filterset)
        ],
        "sort": sort,
        "sort_choices": SORT_CHOICES,
        # The chosen values of the filters without an input of their own, kept by the form.
        "facet_values": [
            (name, getattr(value, "slug", value))
            for name in (declaration.name for declaration in filterset.declarations if not declaration.on_form)
            if (value := filterset.form.cleaned_data.get(name)) not in (None, "")
        ],
        "active_filters": [name for name, value in filterset.form.cleaned_data.items() if value not in (None, "") and name != "sort"],
    }


def product_page(*, slug: str) -> dict:
    """A public product with everything its page shows, and "more from" lists (its reviews are
    orders' own tag in the template). Two statements whatever the product has: the product with
    its category, producer, places, photos and certifications; the cards of its "more from"
    lists (catalogue.queries). Raises Product.DoesNotExist for a product not shown."""
    product, photos, certifications = queries.public_product(slug)
    village = product.origin or product.producer.place
    from_producer, from_place = queries.more_from(product, village=village, limit=MORE_LIKE_THIS)
    return {
        "product": product,
        "photos": photos,
        "certifications": certifications,
        "more_from_producer": from_producer,
        "more_from_place": from_place,
        "place": village,
    }


def producer_listings(*, producer: Producer, status: str = "") -> list[Product]:
    """The producer's own listings in their order, with a cover photo, for the dashboard."""
    listings = Product.objects.filter(producer=producer).select_related("category").prefetch_related(
        Prefetch("photos", queryset=ProductPhoto.objects.order_by("position", "pk"))
    )
    if status:
        listings = listings.filter(status=status)
    return list(listings.order_by("position", "-created_at"))


# A published product with this many units or fewer is running out: the overview lists it.
LOW_STOCK_AT = 3


def low_stock(*, producer: Producer, at_most: int = LOW_STOCK_AT, limit: int = 10) -> tuple[list[Product], int]:
    """The producer's published products with `at_most` units in stock or fewer, the emptiest
    first (at most `limit` of them), and how many there are in all. One query."""
    products = list(
        Product.objects.filter(producer=producer, status=Product.Status.PUBLISHED, stock__lte=at_most)
        .annotate(low_count=Window(Count("*")))
        .only("pk", "slug", "name_en", "name_th", "name_ja", "name_local", "stock", "unit")
        .order_by("stock", "name_en", "pk")[:limit]
    )
    return products, (products[0].low_count if products else 0)


def producer_products(*, producer: Producer, limit: int = 48) -> list[Product]:
    """A producer's published products for its public profile."""
    return list(
        Product.objects.public().filter(producer=producer).with_card_data().order_by("position", "-published_at")[:limit]
    )


DIRECTORY_PAGE_SIZE = 24


def producer_directory(*, params, page: str | None) -> dict:
    """One page of verified producers filtered by `params`; invalid values are reported by the
    filter form and ignored, so the result is never an error. A fixed number of queries.
    """
    base = Producer.objects.public().with_place().order_by(*PRODUCER_SORTS["name"])
    filterset = ProducerFilter(params, queryset=base)
    filterset.is_valid()
    queryset = filterset.qs
    paginator = Paginator(queryset, DIRECTORY_PAGE_SIZE)
    page_obj = paginator.get_page(page)
    return {"filter": filterset, "page_obj": page_obj, "producers": list(page_obj.object_list), "paginator": paginator}


VOCABULARY_KEY = "catalogue:search-vocabulary"


def search_vocabulary() -> list[str]:
    """The English words of the public catalogue, for "did you mean" (computed once a day)."""
    from django.core.cache import caches

    cache = caches["pages"]
    words = cache.get(VOCABULARY_KEY)
    if words is None:
        with queries.reading().cursor() as cursor:
            cursor.execute(
                "SELECT word FROM ts_stat('SELECT search_document FROM catalogue_product WHERE visible') "
                "WHERE word ~ '^[a-z]{3,}$' ORDER BY ndoc DESC LIMIT 20000"
            )
            words = [row[0] for row in cursor.fetchall()]
        cache.set(VOCABULARY_KEY, words, timeout=60 * 60 * 24)
    return words


SUGGESTIONS = 5


def search_suggestions(*, text: str) -> dict:
    """What the search box offers as the visitor types: products, producers and places whose
    words start with what was typed. Three small queries, each limited."""
    if len(text.strip()) < 2:
        return {"products": [], "producers": [], "places": []}
    # Names only, what the visitor sees in the list: products by their names' own vector (its
    # own small index), producers by the names part of their document.
    tsquery = search.query(text)
    if not tsquery:
        return {"products": [], "producers": [], "places": []}
    products = (
        Product.objects.public().filter(search.match_expression(tsquery, "search_names"))
        .only("slug", "name_en", "name_th", "name_ja", "name_local")[:SUGGESTIONS]
    )
    producers = Producer.objects.public().filter(search.match_expression(search.query(text, weights="A"))).only(
        "slug", "name", "name_en", "name_ja", "own_language"
    )[:SUGGESTIONS]
    prefix = text.strip()[:60]
    places = (
        Place.objects.filter(level="province")
        .filter(Q(name_en__istartswith=prefix) | Q(name_th__startswith=prefix) | Q(name_ja__startswith=prefix) | Q(name_local__startswith=prefix))
        .order_by("name_en")[:SUGGESTIONS]
    )
    return {
        "products": [{"name": p.name, "url": reverse("catalogue:product_detail", args=[p.slug])} for p in products],
        "producers": [{"name": p.display_name, "url": reverse("producers:producer_detail", args=[p.slug])} for p in producers],
        "places": [{"name": p.name, "url": reverse("catalogue:product_list") + f"?province={p.slug}"} for p in places],
    }
