"""The reads of the catalogue pages: the home page, /products/ with its facets, a product page,
the producer directory."""

from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.urls import reverse

from places.models import Country, Place
from places.querysets import ANCESTOR_PATH
from producers.models import Producer

from . import search
from .filters import PRODUCER_SORTS, SORT_CHOICES, SORTS, ProducerFilter, ProductFilter
from .models import Category, Certification, CertificationType, Product, ProductPhoto

PAGE_SIZE = 24
HOME_PRODUCERS = 8
HOME_PRODUCTS = 8
PROVINCE_FACET_SIZE = 12
MORE_LIKE_THIS = 4
FACETS = ("category", "country", "province", "stars", "certification")


def home_page_content() -> dict:
    """What the home page shows: new products, featured producers, countries (the events to come
    are events' own tag in the template). A fixed number of queries whatever the size of the
    catalogue.
    """
    products = list(Product.objects.public().with_card_data().order_by(*SORTS["newest"])[:HOME_PRODUCTS])
    producers = list(
        Producer.objects.public().select_related(f"place__{ANCESTOR_PATH}").order_by("-created_at")[:HOME_PRODUCERS]
    )
    producer_counts = dict(Producer.objects.public().order_by().values_list("country").annotate(n=Count("*")))
    countries = [
        {"code": code, "name": label, "producer_count": producer_counts.get(code, 0)} for code, label in Country.choices
    ]
    return {"featured_products": products, "featured_producers": producers, "countries": countries}


def _apply_filters(filterset: ProductFilter, queryset, *, exclude: tuple[str, ...] = ()):
    """Apply the valid filters of a validated filterset, leaving out `exclude` (for facets)."""
    for name, value in filterset.form.cleaned_data.items():
        if name in exclude or name == "sort" or value in (None, ""):
            continue
        queryset = filterset.filters[name].filter(queryset, value)
    return queryset


def _link(params: QueryDict, key: str, value: str | None, *, drop: tuple[str, ...] = ()) -> str:
    query = params.copy()
    for name in ("page", *drop):
        query.pop(name, None)
    if value is None:
        query.pop(key, None)
    else:
        query[key] = value
    return "?" + query.urlencode() if query else "?"


def _price_between(queryset, *, low, high, column: str):
    if low is not None:
        queryset = queryset.filter(**{f"{column}__gte": low})
    if high is not None:
        queryset = queryset.filter(**{f"{column}__lte": high})
    return queryset


def _facet_counts(filterset: ProductFilter) -> dict:
    """The raw counts beside each filter, one query a facet (the catalogue without a search,
    where each is an index-only scan). Each facet counts the products that match every other
    filter, so each count equals the number of results that clicking it shows."""
    base = Product.objects.public().order_by()
    data = filterset.form.cleaned_data
    counts = {}
    rows = (
        _apply_filters(filterset, base, exclude=("category",))
        .annotate(top=Coalesce("category__parent_id", "category_id"))
        .values("top")
        .annotate(n=Count("*"))
    )
    counts["category"] = {row["top"]: row["n"] for row in rows}
    # A country's link leaves the province out (it lies in one country) and, with a country chosen,
    # prices are read in its currency: count each country that way, so its count is what its
    # link shows.
    rows = (
        _price_between(
            _apply_filters(filterset, base, exclude=("country", "province", "min_price", "max_price")),
            low=data.get("min_price"),
            high=data.get("max_price"),
            column="price",
        )
        .values("country")
        .annotate(n=Count("*"))
    )
    counts["country"] = {row["country"]: row["n"] for row in rows}
    rows = (
        _apply_filters(filterset, base, exclude=("province",))
        .values("province")
        .annotate(n=Count("*"))
        .order_by("-n", "province")[:PROVINCE_FACET_SIZE]
    )
    counts["province"] = [(row["province"], row["n"]) for row in rows]
    rows = _apply_filters(filterset, base, exclude=("stars",)).values("star_rating").annotate(n=Count("*"))
    counts["stars"] = {row["star_rating"]: row["n"] for row in rows if row["star_rating"]}
    products = _apply_filters(filterset, base, exclude=("certification",))
    rows = (
        Certification.objects.filter(product__in=products.values("pk"))
        .values("kind")
        .annotate(n=Count("*"))  # (product, kind) is unique: no DISTINCT needed
    )
    counts["certification"] = {row["kind"]: row["n"] for row in rows}
    return counts


# The order of a page of search results over the matched rows (the columns of _search_pass),
# as SORTS orders the catalogue.
SEARCH_ORDER = {
    "relevance": "relevance DESC, id DESC",
    "newest": "published_at DESC, id DESC",
    "price": "price_reference ASC, id ASC",
    "-price": "price_reference DESC, id DESC",
    "stars": "star_rating DESC NULLS LAST, published_at DESC, id DESC",
}
SEARCH_COLUMNS = ("id", "category_id", "country", "province_id", "star_rating", "price", "price_reference", "published_at")


def _search_conditions(filterset: ProductFilter) -> dict[str, tuple[str, list]]:
    """Every filter but the text (and in_stock, applied with it) as SQL over the matched rows,
    meaning what ProductFilter's filters mean (tests compare the two)."""
    data = filterset.form.cleaned_data
    conditions = {}
    if category := data.get("category"):
        ids = list(Category.objects.filter(Q(pk=category.pk) | Q(parent=category)).values_list("pk", flat=True))
        conditions["category"] = ("category_id = ANY(%s)", [ids])
    if country := data.get("country"):
        conditions["country"] = ("country = %s", [country])
    if province := data.get("province"):
        conditions["province"] = ("province_id = %s", [province.pk])
    if stars := data.get("stars"):
        conditions["stars"] = ("star_rating >= %s", [int(stars)])
    column = "price" if country else "price_reference"
    if (low := data.get("min_price")) is not None:
        conditions["min_price"] = (f"{column} >= %s", [low])
    if (high := data.get("max_price")) is not None:
        conditions["max_price"] = (f"{column} <= %s", [high])
    if data.get("certification"):
        conditions["certification"] = ("certified", [])  # looked up once per product, in _search_pass
    return conditions


def _search_pass(filterset: ProductFilter, *, tsquery: str, text: str, sort: str, offset: int) -> tuple[int, list[int], dict]:
    """A search's number of results, one page of their ids and the facet counts, from one pass
    over the matched products: the text is matched once (the rows kept in a materialised CTE),
    not once for the count, the page and each facet. Returns (total, ids, counts)."""
    from django.db import connection

    data = filterset.form.cleaned_data
    matched = Product.objects.public().filter(search.match_expression(tsquery)).order_by()
    if data.get("in_stock"):
        matched = matched.filter(stock__gt=0)
    relevance = search.relevance_expression(tsquery, text) if sort == "relevance" else Value(0.0)
    kind = data.get("certification")
    certified = Exists(Certification.objects.filter(product=OuterRef("pk"), kind=kind)) if kind else Value(False)
    matched = matched.annotate(
        top=Coalesce("category__parent_id", "category_id"), relevance=relevance, certified=certified
    ).values(*SEARCH_COLUMNS, "top", "relevance", "certified")
    matched_sql, params = matched.query.sql_with_params()
    params = list(params)
    conditions = _search_conditions(filterset)

    def where(*exclude: str, extra: tuple[str, list] | None = None) -> str:
        parts = [(sql, values) for name, (sql, values) in conditions.items() if name not in exclude]
        if extra:
            parts.append(extra)
        for _sql, values in parts:
            params.extend(values)
        return " AND ".join(sql for sql, _values in parts) or "TRUE"

    column_list = ", ".join((*SEARCH_COLUMNS, "top", "relevance", "certified"))
    order = SEARCH_ORDER.get(sort, SEARCH_ORDER["newest"])
    pieces = [f"WITH m ({column_list}) AS MATERIALIZED ({matched_sql})"]
    pieces.append(f"SELECT 'total', NULL, count(*) FROM m WHERE {where()}")
    pieces.append(f"SELECT 'category', top::text, count(*) FROM m WHERE {where('category')} GROUP BY top")
    country_prices = []
    if data.get("min_price") is not None:
        country_prices.append(("price >= %s", [data["min_price"]]))
    if data.get("max_price") is not None:
        country_prices.append(("price <= %s", [data["max_price"]]))
    country_where = where("country", "province", "min_price", "max_price")
    for sql, values in country_prices:
        country_where += f" AND {sql}"
        params.extend(values)
    pieces.append(f"SELECT 'country', country, count(*) FROM m WHERE {country_where} GROUP BY country")
    pieces.append(
        f"(SELECT 'province', province_id::text, count(*) FROM m WHERE {where('province')} "
        f"GROUP BY m.province_id ORDER BY count(*) DESC, m.province_id LIMIT {PROVINCE_FACET_SIZE})"
    )
    pieces.append(
        f"SELECT 'stars', star_rating::text, count(*) FROM m WHERE {where('stars')} AND star_rating IS NOT NULL GROUP BY star_rating"
    )
    pieces.append(
        "SELECT 'certification', c.kind, count(*) FROM m JOIN catalogue_certification c ON c.product_id = m.id "
        f"WHERE {where('certification')} GROUP BY c.kind"
    )
    page_where = where()
    params.extend([PAGE_SIZE, offset])
    pieces.append(
        f"SELECT 'page', id::text, position FROM (SELECT id, row_number() OVER (ORDER BY {order}) AS position "
        f"FROM m WHERE {page_where} ORDER BY {order} LIMIT %s OFFSET %s) AS page"
    )
    sql = pieces[0] + " " + " UNION ALL ".join(pieces[1:])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    counts = {"category": {}, "country": {}, "province": [], "stars": {}, "certification": {}}
    total, page = 0, []
    for kind, key, n in rows:
        if kind == "total":
            total = n
        elif kind == "page":
            page.append((n, int(key)))
        elif kind == "province":
            counts["province"].append((int(key), n))
        elif kind in ("category", "stars"):
            counts[kind][int(key)] = n
        else:
            counts[kind][key] = n
    counts["province"].sort(key=lambda item: (-item[1], item[0]))
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

    categories = {c.pk: c for c in Category.objects.filter(parent__isnull=True)}
    selected = data.get("category")
    selected_top = selected.top if selected else None
    facets["category"] = [
        {
            "label": category.name,
            "count": counts["category"].get(pk, 0),
            "selected": selected_top is not None and selected_top.pk == pk,
            "url": _link(params, "category", None if selected_top and selected_top.pk == pk else category.slug),
        }
        for pk, category in sorted(categories.items(), key=lambda item: item[1].position)
    ]
    facets["country"] = [
        {
            "label": label,
            "count": counts["country"].get(code, 0),
            "selected": data.get("country") == code,
            "url": _link(params, "country", None if data.get("country") == code else code, drop=("province",)),
        }
        for code, label in Country.choices
    ]

    chosen = data.get("province")
    ids = [pk for pk, _n in counts["province"]]
    places = {p.pk: p for p in Place.objects.filter(pk__in=ids + ([chosen.pk] if chosen else []))}
    entries = [(places[pk], n) for pk, n in counts["province"] if pk in places]
    if chosen and chosen.pk not in ids:
        # Outside the top provinces: its count is the number of results shown now.
        entries.insert(0, (chosen, total))
    facets["province"] = [
        {
            "label": place.name,
            "count": count,
            "selected": chosen is not None and chosen.pk == place.pk,
            "url": _link(params, "province", None if chosen and chosen.pk == place.pk else place.slug),
        }
        for place, count in entries
    ]

    by_rating = counts["stars"]
    chosen_stars = data.get("stars")
    facets["stars"] = [
        {
            "label": str(stars),
            "stars": stars,
            "count": sum(n for rating, n in by_rating.items() if rating >= stars),
            "selected": chosen_stars == str(stars),
            "url": _link(params, "stars", None if chosen_stars == str(stars) else str(stars)),
        }
        for stars in range(5, 0, -1)
    ]
    facets["certification"] = [
        {
            "label": label,
            "count": counts["certification"].get(kind, 0),
            "selected": data.get("certification") == kind,
            "url": _link(params, "certification", None if data.get("certification") == kind else kind),
        }
        for kind, label in CertificationType.choices
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
    values = {name: (params.get(name) or "").strip() for name in ProductFilter.base_filters}
    values["page"] = _page_number(params.get("page"))
    if values["page"] == "1":
        del values["page"]
    query = QueryDict(mutable=True)
    for name in values:
        if values[name]:
            query[name] = values[name]
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
    sort = filterset.form.cleaned_data.get("sort") or ("relevance" if tsquery else "newest")
    results = _apply_filters(filterset, Product.objects.public())
    if sort == "relevance" and tsquery:
        results = results.annotate(relevance=search.relevance_expression(tsquery, text)).order_by("-relevance", "-pk")
    else:
        results = results.order_by(*SORTS[sort])
    results = results.values_list("pk", flat=True)
    if tsquery:
        offset = _requested_offset(page)
        total, ids, counts = _search_pass(filterset, tsquery=tsquery, text=text, sort=sort, offset=offset)
        paginator = Paginator(_SearchHits(total=total, offset=offset, ids=ids, results=results), PAGE_SIZE)
    else:
        # Page through ids only (an index-only scan, fast even on a deep page), then load the page.
        paginator = Paginator(results, PAGE_SIZE)
        counts = None
    page_obj = paginator.get_page(page)
    ids = list(page_obj.object_list)
    by_id = {product.pk: product for product in Product.objects.filter(pk__in=ids).with_card_data()}
    page_obj.object_list = [by_id[pk] for pk in ids if pk in by_id]
    if counts is None:
        counts = _facet_counts(filterset)
    suggestion = ""
    popular = []
    if paginator.count == 0:
        if tsquery:
            suggestion = search.did_you_mean(text, search_vocabulary())
        # The newest of the best-rated: served by the newest-first index, whatever the size.
        popular = list(
            Product.objects.public().filter(star_rating__gte=4, stock__gt=0).with_card_data().order_by(*SORTS["newest"])[:8]
        )
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
        "facets": _facets(filterset, params, counts=counts, total=paginator.count),
        "sort": sort,
        "sort_choices": SORT_CHOICES,
        "facet_values": [
            (name, getattr(value, "slug", value))
            for name in FACETS
            if (value := filterset.form.cleaned_data.get(name)) not in (None, "")
        ],
        "active_filters": [name for name, value in filterset.form.cleaned_data.items() if value not in (None, "") and name != "sort"],
    }


def product_page(*, slug: str) -> dict:
    """A public product with everything its page shows, and "more from" lists (its reviews are
    orders' own tag in the template). Fixed queries."""
    product = (
        Product.objects.public()
        .select_related(
            "category__parent",
            "province",
            f"origin__{ANCESTOR_PATH}",
            f"producer__place__{ANCESTOR_PATH}",
        )
        .prefetch_related(
            Prefetch("photos", queryset=ProductPhoto.objects.order_by("position", "pk")),
            "certifications",
        )
        .get(slug=slug)
    )
    from_producer = list(
        Product.objects.public()
        .filter(producer_id=product.producer_id)
        .exclude(pk=product.pk)
        .with_card_data()
        .order_by("position", "-published_at")[:MORE_LIKE_THIS]
    )
    village = product.origin or product.producer.place
    neighbours = list(Producer.objects.filter(place=village).exclude(pk=product.producer_id).values_list("pk", flat=True))
    from_place = list(
        Product.objects.public()
        .filter(Q(origin=village) | Q(producer_id__in=neighbours))
        .exclude(producer_id=product.producer_id)
        .with_card_data()
        # NULLS LAST keeps the planner off the newest-first index, which it would walk far to find
        # the few products of one village.
        .order_by(F("published_at").desc(nulls_last=True))[:MORE_LIKE_THIS]
    )
    if not from_place:
        from_place = list(
            Product.objects.public()
            .filter(province_id=product.province_id)
            .exclude(producer_id=product.producer_id)
            .with_card_data()
            .order_by("-published_at")[:MORE_LIKE_THIS]
        )
    return {
        "product": product,
        "photos": list(product.photos.all()),
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
    from django.db import connection

    cache = caches["pages"]
    words = cache.get(VOCABULARY_KEY)
    if words is None:
        with connection.cursor() as cursor:
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
    from places.models import Place

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
