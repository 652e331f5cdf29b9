"""The reads of the catalogue pages: the home page, /products/ with its facets, a product page."""

from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.urls import reverse

from events.models import Event
from places.models import Country, Place
from places.querysets import ANCESTOR_PATH
from producers.models import Producer

from . import search
from .filters import SORT_CHOICES, SORTS, ProductFilter
from .models import Category, Certification, CertificationType, Product, ProductPhoto

PAGE_SIZE = 24
HOME_PRODUCERS = 8
HOME_PRODUCTS = 8
HOME_EVENTS = 3
PROVINCE_FACET_SIZE = 12
MORE_LIKE_THIS = 4
FACETS = ("category", "country", "province", "stars", "certification")


def home_page_content() -> dict:
    """What the home page shows: new products, featured producers, upcoming events, countries.

    A fixed number of queries whatever the size of the catalogue.
    """
    products = list(Product.objects.public().with_card_data().order_by(*SORTS["newest"])[:HOME_PRODUCTS])
    producers = list(
        Producer.objects.public().select_related(f"place__{ANCESTOR_PATH}").order_by("-created_at")[:HOME_PRODUCERS]
    )
    events = list(Event.objects.upcoming().select_related(f"place__{ANCESTOR_PATH}")[:HOME_EVENTS])
    producer_counts = dict(Producer.objects.public().order_by().values_list("country").annotate(n=Count("*")))
    countries = [
        {"code": code, "name": label, "producer_count": producer_counts.get(code, 0)} for code, label in Country.choices
    ]
    return {"featured_products": products, "featured_producers": producers, "upcoming_events": events, "countries": countries}


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


def _facets(filterset: ProductFilter, params: QueryDict, *, total: int) -> dict:
    """Counts beside each filter: each facet counts the products that match every other filter,
    so each count equals the number of results that clicking it shows. `total` is the number of
    results with every filter applied. Five queries."""
    base = Product.objects.public().order_by()
    data = filterset.form.cleaned_data
    facets = {}

    categories = {c.pk: c for c in Category.objects.filter(parent__isnull=True)}
    rows = (
        _apply_filters(filterset, base, exclude=("category",))
        .annotate(top=Coalesce("category__parent_id", "category_id"))
        .values("top")
        .annotate(n=Count("*"))
    )
    counts = {row["top"]: row["n"] for row in rows}
    selected = data.get("category")
    selected_top = selected.top if selected else None
    facets["category"] = [
        {
            "label": category.name,
            "count": counts.get(pk, 0),
            "selected": selected_top is not None and selected_top.pk == pk,
            "url": _link(params, "category", None if selected_top and selected_top.pk == pk else category.slug),
        }
        for pk, category in sorted(categories.items(), key=lambda item: item[1].position)
    ]

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
    counts = {row["country"]: row["n"] for row in rows}
    facets["country"] = [
        {
            "label": label,
            "count": counts.get(code, 0),
            "selected": data.get("country") == code,
            "url": _link(params, "country", None if data.get("country") == code else code, drop=("province",)),
        }
        for code, label in Country.choices
    ]

    rows = list(
        _apply_filters(filterset, base, exclude=("province",))
        .values("province")
        .annotate(n=Count("*"))
        .order_by("-n", "province")[:PROVINCE_FACET_SIZE]
    )
    chosen = data.get("province")
    ids = [row["province"] for row in rows]
    places = {p.pk: p for p in Place.objects.filter(pk__in=ids + ([chosen.pk] if chosen else []))}
    entries = [(places[row["province"]], row["n"]) for row in rows if row["province"] in places]
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

    rows = _apply_filters(filterset, base, exclude=("stars",)).values("star_rating").annotate(n=Count("*"))
    by_rating = {row["star_rating"]: row["n"] for row in rows if row["star_rating"]}
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

    products = _apply_filters(filterset, base, exclude=("certification",))
    rows = (
        Certification.objects.filter(product__in=products.values("pk"))
        .values("kind")
        .annotate(n=Count("*"))  # (product, kind) is unique: no DISTINCT needed
    )
    counts = {row["kind"]: row["n"] for row in rows}
    facets["certification"] = [
        {
            "label": label,
            "count": counts.get(kind, 0),
            "selected": data.get("certification") == kind,
            "url": _link(params, "certification", None if data.get("certification") == kind else kind),
        }
        for kind, label in CertificationType.choices
    ]
    return facets


def catalogue_page(*, params: QueryDict, page: str | None) -> dict:
    """One page of /products/ with every filter of SPEC §3 and the facet counts.

    Invalid parameters are reported by the filter form and ignored, so the page always answers.
    A fixed number of queries for any page size and catalogue size.
    """
    filterset = ProductFilter(params, queryset=Product.objects.public())
    filterset.is_valid()
    text = filterset.form.cleaned_data.get("q") or ""
    tsquery = search.query(text)
    sort = filterset.form.cleaned_data.get("sort") or ("relevance" if tsquery else "newest")
    results = _apply_filters(filterset, Product.objects.public())
    if sort == "relevance" and tsquery:
        results = results.annotate(relevance=search.relevance_expression(tsquery, text)).order_by("-relevance", "-pk")
    else:
        results = results.order_by(*SORTS[sort])
    # Page through ids only (an index-only scan, fast even on a deep page), then load the page.
    paginator = Paginator(results.values_list("pk", flat=True), PAGE_SIZE)
    page_obj = paginator.get_page(page)
    ids = list(page_obj.object_list)
    by_id = {product.pk: product for product in Product.objects.filter(pk__in=ids).with_card_data()}
    page_obj.object_list = [by_id[pk] for pk in ids if pk in by_id]
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
        "facets": _facets(filterset, params, total=paginator.count),
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
    """A public product with everything its page shows, and "more from" lists. Fixed queries."""
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
    from orders.selectors import product_reviews

    return {
        "product": product,
        "photos": list(product.photos.all()),
        "more_from_producer": from_producer,
        "more_from_place": from_place,
        "place": village,
    } | product_reviews(product_id=product.pk)


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

    tsquery = search.query(text, weights="A")  # names only: what the visitor sees in the list
    if not tsquery or len(text.strip()) < 2:
        return {"products": [], "producers": [], "places": []}
    products = (
        Product.objects.public().filter(search.match_expression(tsquery))
        .only("slug", "name_en", "name_th", "name_ja", "name_local")[:SUGGESTIONS]
    )
    producers = Producer.objects.public().filter(search.match_expression(tsquery)).only(
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
