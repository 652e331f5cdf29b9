"""/products/ through the test client: every query parameter of the catalogue's public URL contract, their combinations, bad
values, facet counts that match what their links show, pagination, and what visitors
never see."""

from decimal import Decimal

import pytest
from django.http import QueryDict

from catalogue import facets, selectors, services
from catalogue.filters import ProductFilter
from catalogue.models import Product
from producers.models import Producer
from producers.services import producer_set_state
from tests.factories import ProducerFactory, ProductFactory, UserFactory, minutes_ago, tambon_of

URL = "/products/"


def names(response) -> list[str]:
    return [product.name_en for product in response.context["products"]]


def total(response) -> int:
    return response.context["paginator"].count


def get(client, query: str = "", **headers):
    response = client.get(URL + (query if query.startswith("?") or not query else "?" + query), **headers)
    assert response.status_code == 200, response.status_code
    return response


@pytest.fixture
def catalogue(categories, group_a, group_b, oita_group, vietnam_group, khon_kaen, django_capture_on_commit_callbacks):
    """Eight published products in three countries, newest first in this order, and four that
    visitors must never see. Texts the search reads are given explicitly (the factory's defaults
    mention silk); the search documents are written on commit, hence the captured callbacks."""
    with django_capture_on_commit_callbacks(execute=True):
        _make_catalogue(categories, group_a, group_b, oita_group, vietnam_group, khon_kaen)


def _make_catalogue(categories, group_a, group_b, oita_group, vietnam_group, khon_kaen):
    def make(name, producer, category, price, stock, *, minutes, stars=None, certifications=(), **fields):
        if stars:
            fields |= {"star_scheme": stars[0], "star_rating": stars[1], "star_year": 2022}
        fields = {"name_th": "", "name_ja": "", "description_en": ""} | fields
        return ProductFactory(
            producer=producer, category=categories[category], name_en=name, price=Decimal(price), stock=stock,
            certifications=[{"kind": kind, "number": f"{kind.upper()}-{n}", "year": 2021} for n, kind in enumerate(certifications)],
            status="published", published_at=minutes_ago(minutes), **fields,
        )

    make("Mudmee silk scarf", group_a, "silk", "1200", 5, minutes=10, stars=("otop", 5), certifications=["tcps"],
         technique="Mudmee ikat", name_th="ผ้าพันคอไหมมัดหมี่")
    make("Lac-dyed silk sarong", group_a, "silk", "3500", 0, minutes=20, stars=("otop", 4), certifications=["tcps", "gi"])
    make("Nam prik pao", group_b, "chili-pastes-and-sauces", "95", 50, minutes=30, stars=("otop", 3),
         certifications=["thai-fda", "halal"])
    make("Bamboo rice basket", group_b, "basketry", "450", 3, minutes=40, local_brand_name="Isan Heritage")
    make("Kabosu juice", oita_group, "juices-and-syrups", "1500", 12, minutes=50, certifications=["jas"])
    make("Yuzu kosho", oita_group, "seasonings-and-condiments", "800", 0, minutes=60)
    make("Palm sugar", vietnam_group, "seasonings-and-condiments", "120000", 7, minutes=70, stars=("ocop", 4),
         certifications=["organic"])
    make("Indigo cotton shirt", group_a, "indigo-and-natural-dye", "890", 2, minutes=80, stars=("otop", 2),
         origin=tambon_of(khon_kaen, 2))

    # Never shown: a draft, an archived listing, and published listings of producers that are
    # pending verification or suspended.
    ProductFactory(producer=group_a, category=categories["silk"], name_en="Draft silk shawl", price=Decimal(100),
                   description_en="")
    archived = make("Archived silk stole", group_a, "silk", "100", 5, minutes=5, stars=("otop", 5), certifications=["tcps"])
    services.product_set_status(product=archived, status=Product.Status.ARCHIVED)
    for state in (Producer.State.PENDING, Producer.State.SUSPENDED):
        producer = ProducerFactory(place=group_a.place, state=state, name_en=f"{state} group")
        make(f"Silk of a {state} group", producer, "silk", "100", 5, minutes=1, stars=("otop", 5), certifications=["tcps"])


ALL = [
    "Mudmee silk scarf", "Lac-dyed silk sarong", "Nam prik pao", "Bamboo rice basket",
    "Kabosu juice", "Yuzu kosho", "Palm sugar", "Indigo cotton shirt",
]
HIDDEN = ["Draft silk shawl", "Archived silk stole", "Silk of a pending group", "Silk of a suspended group"]


# --- each parameter -------------------------------------------------------------------------------


def test_without_filters_every_public_product_is_listed_newest_first(client, catalogue):
    response = get(client)
    assert names(response) == ALL
    assert response.context["sort"] == "newest"
    assert "8 products" in response.content.decode()


@pytest.mark.parametrize(
    "query, expected",
    [
        # The search reads names, the producer's name, technique, brand, category, place...; the
        # order of a search is its own subject (test_search.py): here the newest first.
        ("q=silk&sort=newest", ["Mudmee silk scarf", "Lac-dyed silk sarong", "Indigo cotton shirt"]),  # the shirt by its producer
        ("q=SILK+scarf&sort=newest", ["Mudmee silk scarf"]),
        ("q=ikat&sort=newest", ["Mudmee silk scarf"]),  # the technique
        ("q=heritage&sort=newest", ["Bamboo rice basket"]),  # the local brand
        ("q=มัดหมี่&sort=newest", ["Mudmee silk scarf"]),  # the Thai name
        ("q=juice&sort=newest", ["Kabosu juice"]),
        ("q=nothing-like-this", []),
        ("category=textiles-garments", ["Mudmee silk scarf", "Lac-dyed silk sarong", "Indigo cotton shirt"]),
        ("category=silk", ["Mudmee silk scarf", "Lac-dyed silk sarong"]),
        ("category=food", ["Nam prik pao", "Yuzu kosho", "Palm sugar"]),
        ("category=herbal-non-food", []),
        ("country=JP", ["Kabosu juice", "Yuzu kosho"]),
        ("country=VN", ["Palm sugar"]),
        ("country=LA", []),
        ("province=khon-kaen", ["Nam prik pao", "Bamboo rice basket", "Indigo cotton shirt"]),  # the shirt by origin
        ("province=surin", ["Mudmee silk scarf", "Lac-dyed silk sarong"]),
        ("province=oita", ["Kabosu juice", "Yuzu kosho"]),
        ("stars=4", ["Mudmee silk scarf", "Lac-dyed silk sarong", "Palm sugar"]),
        ("stars=5", ["Mudmee silk scarf"]),
        ("stars=1", ["Mudmee silk scarf", "Lac-dyed silk sarong", "Nam prik pao", "Palm sugar", "Indigo cotton shirt"]),
        # Without a country, prices are compared in Thai baht at the reference rates:
        # ¥1,500 = ฿345, ¥800 = ฿184, 120,000₫ = ฿156.
        ("min_price=1000", ["Mudmee silk scarf", "Lac-dyed silk sarong"]),
        ("max_price=200", ["Nam prik pao", "Yuzu kosho", "Palm sugar"]),
        ("min_price=150&max_price=1000",
         ["Bamboo rice basket", "Kabosu juice", "Yuzu kosho", "Palm sugar", "Indigo cotton shirt"]),
        ("min_price=1200&max_price=1200", ["Mudmee silk scarf"]),
        # With a country, in that country's currency.
        ("country=JP&min_price=1000", ["Kabosu juice"]),
        ("country=JP&max_price=1000", ["Yuzu kosho"]),
        ("country=VN&max_price=100000", []),
        ("country=VN&min_price=100000&max_price=150000", ["Palm sugar"]),
        ("country=TH&min_price=1000", ["Mudmee silk scarf", "Lac-dyed silk sarong"]),
        ("in_stock=1", ["Mudmee silk scarf", "Nam prik pao", "Bamboo rice basket", "Kabosu juice", "Palm sugar",
                        "Indigo cotton shirt"]),
        ("certification=tcps", ["Mudmee silk scarf", "Lac-dyed silk sarong"]),
        ("certification=gi", ["Lac-dyed silk sarong"]),
        ("certification=halal", ["Nam prik pao"]),
        ("certification=gap", []),
    ],
)
def test_each_filter_narrows_the_results(client, catalogue, query, expected):
    response = get(client, query)
    assert names(response) == expected
    assert not response.context["filter"].errors


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("newest", ALL),
        ("relevance", ALL),  # no ranking yet: the newest first
        ("price", ["Nam prik pao", "Palm sugar", "Yuzu kosho", "Kabosu juice", "Bamboo rice basket",
                   "Indigo cotton shirt", "Mudmee silk scarf", "Lac-dyed silk sarong"]),
        ("-price", ["Lac-dyed silk sarong", "Mudmee silk scarf", "Indigo cotton shirt", "Bamboo rice basket",
                    "Kabosu juice", "Yuzu kosho", "Palm sugar", "Nam prik pao"]),
        # Most stars first, ties newest first, products without stars last.
        ("stars", ["Mudmee silk scarf", "Lac-dyed silk sarong", "Palm sugar", "Nam prik pao", "Indigo cotton shirt",
                   "Bamboo rice basket", "Kabosu juice", "Yuzu kosho"]),
    ],
)
def test_each_sort_orders_the_results(client, catalogue, sort, expected):
    response = get(client, f"sort={sort}")
    assert names(response) == expected
    assert response.context["sort"] == sort


def test_a_search_is_sorted_by_relevance_unless_told(client, catalogue):
    response = get(client, "q=silk")
    assert response.context["sort"] == "relevance"
    assert get(client, "q=silk&sort=-price").context["sort"] == "-price"


# --- combinations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ("category=textiles-garments&province=surin&in_stock=1", ["Mudmee silk scarf"]),
        ("category=textiles-garments&in_stock=1&sort=price", ["Indigo cotton shirt", "Mudmee silk scarf"]),
        ("country=TH&stars=3&certification=tcps&sort=-price", ["Lac-dyed silk sarong", "Mudmee silk scarf"]),
        ("q=silk&max_price=2000&sort=newest", ["Mudmee silk scarf", "Indigo cotton shirt"]),
        ("q=silk&category=silk&in_stock=1", ["Mudmee silk scarf"]),
        ("category=food&min_price=100&sort=price", ["Palm sugar", "Yuzu kosho"]),
        ("category=food&country=JP&min_price=100&sort=-price", ["Yuzu kosho"]),
        ("country=TH&province=khon-kaen&stars=2&sort=stars", ["Nam prik pao", "Indigo cotton shirt"]),
        ("country=JP&province=surin", []),
        ("in_stock=1&certification=organic&stars=4&country=VN&q=sugar", ["Palm sugar"]),
    ],
)
def test_filters_combine(client, catalogue, query, expected):
    assert names(get(client, query)) == expected


# --- bad values -----------------------------------------------------------------------------------

BAD_VALUES = [
    ("country=XX", "country"),
    ("province=nope", "province"),
    ("category=nope", "category"),
    ("stars=9", "stars"),
    ("stars=abc", "stars"),
    ("min_price=abc", "min_price"),
    ("max_price=-1", "max_price"),
    ("min_price=NaN", "min_price"),
    ("max_price=1e400", "max_price"),
    ("min_price=500&max_price=100", "max_price"),
    ("certification=foo", "certification"),
    ("sort=bogus", "sort"),
    ("in_stock=yes", "in_stock"),
    ("q=" + "x" * 5000, "q"),
]


@pytest.mark.parametrize("query, field", BAD_VALUES)
def test_a_bad_value_shows_the_error_and_is_ignored(client, catalogue, query, field):
    response = get(client, query)
    assert field in response.context["filter"].errors
    assert "Some filters were not understood" in response.content.decode()
    if field == "max_price" and "min_price" in query:
        # The lowest price (฿500) is valid and still applies.
        assert names(response) == ["Mudmee silk scarf", "Lac-dyed silk sarong", "Indigo cotton shirt"]
    else:
        assert names(response) == ALL, "the unfiltered result"


def test_a_bad_value_keeps_the_valid_filters(client, catalogue):
    response = get(client, "country=XX&category=silk&stars=9&in_stock=1")
    assert set(response.context["filter"].errors) == {"country", "stars"}
    assert names(response) == ["Mudmee silk scarf"]


@pytest.mark.parametrize(
    "query", ["q=%00", "q=silk%00", "country=%00", "province=%00", "category=%00", "certification=%00", "page=%00",
              "min_price=1%00"],
)
def test_a_nul_byte_in_a_parameter_is_a_bad_request_not_an_error(client, catalogue, query):
    # PostgreSQL cannot hold NUL in text; the site answers 400 for it everywhere.
    assert client.get(f"{URL}?{query}").status_code == 400


def test_a_search_that_looks_like_sql_is_only_text(client, catalogue):
    response = get(client, "q=' OR 1=1 --")
    assert not response.context["filter"].errors
    # Searched as the words "1 1" ("or" is a stop word): never "everything", as an injection would be.
    assert len(names(response)) < len(ALL)
    assert all("1" in " ".join(c.number for c in product.certifications.all()) for product in response.context["products"])
    response = get(client, "q=silk'; DROP TABLE catalogue_product; --")
    assert names(response) == []
    assert Product.objects.count() == 12


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "1.5", ""])
def test_a_bad_page_number_answers_a_page(client, catalogue, page):
    response = get(client, f"page={page}")
    assert names(response) == ALL


def test_unknown_parameters_are_ignored(client, catalogue):
    assert names(get(client, "utm_source=newsletter&fbclid=abc&category[]=silk")) == ALL


# --- facet counts ---------------------------------------------------------------------------------

FACET_QUERIES = [
    "",
    "country=TH",
    "country=JP",
    "category=food",
    "category=silk",
    "q=silk",
    "province=surin",
    "province=khon-kaen&in_stock=1",
    "stars=3",
    "certification=tcps",
    "min_price=150&max_price=1000",
    "min_price=1000",  # prices in baht here, in each country's currency once a country is chosen
    "country=TH&max_price=1000&stars=2",
    "category=textiles-garments&province=surin&certification=gi&sort=price",
    "country=XX&stars=9",  # invalid values are ignored by the counts as by the results
]


@pytest.mark.parametrize("query", FACET_QUERIES)
def test_each_facet_count_equals_the_results_of_its_link(client, catalogue, query):
    response = get(client, query)
    facets = response.context["facets"]
    assert set(facets) == {"category", "country", "province", "stars", "certification"}
    checked = 0
    for facet, entries in facets.items():
        assert entries, facet
        for entry in entries:
            followed = get(client, entry["url"])
            if entry["selected"]:
                # Its link takes the filter off; its count is what is shown now (for a sub-category,
                # its top category is the entry, counted whole).
                if facet == "category" and "category=silk" in query:
                    assert entry["count"] >= total(response), (facet, entry)
                else:
                    assert entry["count"] == total(response), (query, facet, entry)
                assert total(followed) >= total(response)
            else:
                assert total(followed) == entry["count"], (query, facet, entry["label"], entry["url"])
                checked += 1
    assert checked > 10


def test_facet_counts_without_filters(client, catalogue):
    facets = get(client).context["facets"]

    def counts(facet):
        return {entry["label"]: entry["count"] for entry in facets[facet]}

    assert counts("category") == {
        "Food": 3, "Beverages": 1, "Textiles and garments": 3,
        "Household goods, decorations and handicrafts": 1, "Herbal products (not food)": 0,
    }
    assert counts("country") == {"Thailand": 5, "Japan": 2, "Cambodia": 0, "Lao PDR": 0, "Myanmar": 0, "Vietnam": 1}
    assert counts("province") == {"Khon Kaen": 3, "Surin": 2, "Oita": 2, "An Giang": 1}
    assert counts("stars") == {"5": 1, "4": 3, "3": 4, "2": 5, "1": 5}
    certifications = {entry["url"]: entry["count"] for entry in facets["certification"]}
    assert certifications["?certification=tcps"] == 2
    assert certifications["?certification=halal"] == 1
    assert certifications["?certification=gap"] == 0


def test_the_facets_are_shown_beside_the_results(client, catalogue):
    page = get(client, "category=food").content.decode()
    assert 'href="?category=food&amp;country=JP"' in page or 'href="?country=JP&amp;category=food"' in page
    assert 'aria-current="true"' in page


# --- pagination -----------------------------------------------------------------------------------


@pytest.fixture
def thirty_products(categories, group_a):
    return [
        ProductFactory(producer=group_a, category=categories["silk"], name_en=f"Silk {n:02}", status="published",
                       published_at=minutes_ago(n))
        for n in range(30)
    ]


def test_pages_hold_twenty_four_products(client, thirty_products):
    first = get(client)
    assert selectors.PAGE_SIZE == 24
    assert names(first) == [f"Silk {n:02}" for n in range(24)]
    assert first.context["paginator"].num_pages == 2
    assert 'rel="next"' in first.content.decode() and "page=2" in first.content.decode()

    last = get(client, "page=2")
    assert names(last) == [f"Silk {n:02}" for n in range(24, 30)]
    assert 'rel="prev"' in last.content.decode()


@pytest.mark.parametrize("page", ["3", "99999"])
def test_a_page_past_the_end_shows_the_last_page(client, thirty_products, page):
    response = get(client, f"page={page}")
    assert response.context["page_obj"].number == 2
    assert names(response) == [f"Silk {n:02}" for n in range(24, 30)]


@pytest.fixture
def thirty_products_indexed(categories, group_a, django_capture_on_commit_callbacks):
    """The thirty products with their search documents (written on commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        return [
            ProductFactory(producer=group_a, category=categories["silk"], name_en=f"Silk {n:02}", status="published",
                           published_at=minutes_ago(n))
            for n in range(30)
        ]


@pytest.mark.parametrize("search", ["", "q=silk&sort=newest&"], ids=["catalogue", "search"])
@pytest.mark.parametrize(
    "page, number",
    [("0", 1), ("-1", 1), ("abc", 1), ("1.5", 1), ("", 1), ("2", 2), ("3", 2), ("99999", 2), ("384307168202282327", 2)],
)
def test_every_page_number_answers_the_nearest_page_with_and_without_a_search(
    client, thirty_products_indexed, search, page, number
):
    """A search pages in its own statement (selectors._search_pass): its edges are the catalogue's."""
    response = get(client, f"{search}page={page}")
    assert response.context["page_obj"].number == number
    expected = range(24) if number == 1 else range(24, 30)
    assert names(response) == [f"Silk {n:02}" for n in expected]


def test_pagination_keeps_the_filters(client, thirty_products):
    page = get(client, "category=silk&sort=-price").content.decode()
    assert "category=silk&amp;sort=-price&amp;page=2" in page


# --- what visitors never see ----------------------------------------------------------------------


def test_unpublished_products_and_those_of_unverified_producers_are_never_listed(client, catalogue):
    for query in ["", "q=silk", "category=silk", "stars=5", "certification=tcps", "sort=price", "province=surin"]:
        response = get(client, query)
        assert not set(names(response)) & set(HIDDEN), query
        for name in HIDDEN:
            assert name not in response.content.decode()


@pytest.mark.parametrize("name", HIDDEN)
def test_unpublished_products_and_those_of_unverified_producers_have_no_page(client, catalogue, name):
    product = Product.objects.get(name_en=name)
    assert client.get(f"/products/{product.slug}/").status_code == 404


def test_a_product_disappears_while_its_producer_is_suspended(client, catalogue, group_a):
    staff = UserFactory(username="verifier", is_staff=True)
    product = Product.objects.get(name_en="Mudmee silk scarf")
    assert client.get(f"/products/{product.slug}/").status_code == 200

    producer_set_state(producer=group_a, to_state=Producer.State.SUSPENDED, by=staff, reason="Fake certificates")
    assert client.get(f"/products/{product.slug}/").status_code == 404
    assert not {"Mudmee silk scarf", "Lac-dyed silk sarong", "Indigo cotton shirt"} & set(names(get(client)))

    producer_set_state(producer=group_a, to_state=Producer.State.VERIFIED, by=staff)
    assert client.get(f"/products/{product.slug}/").status_code == 200
    assert names(get(client)) == ALL


def test_an_unknown_product_is_a_404(client, catalogue):
    assert client.get("/products/no-such-thing/").status_code == 404


# --- the results fragment -------------------------------------------------------------------------


def test_the_partial_header_returns_only_the_results_fragment(client, catalogue):
    full = get(client, "category=food")
    partial = get(client, "category=food", HTTP_X_PARTIAL="results")

    body = partial.content.decode()
    assert 'id="catalogue-results"' in body
    assert "<html" not in body and "<body" not in body and "<h1" not in body
    assert names(partial) == names(full) == ["Nam prik pao", "Yuzu kosho", "Palm sugar"]
    assert "Nam prik pao" in body and "Mudmee silk scarf" not in body
    assert "X-Partial" in partial["Vary"] and "X-Partial" in full["Vary"]
    assert "<html" in full.content.decode()


def test_a_chosen_province_outside_the_top_provinces_still_shows_its_count(client, categories, places):
    provinces = list(places.filter(country="TH", level="province").order_by("code")[: facets.PROVINCE_FACET_SIZE + 1])
    *busy, quiet = provinces
    for province in busy:
        producer = ProducerFactory(place=tambon_of(province))
        for _ in range(2):
            ProductFactory(producer=producer, category=categories["silk"], status="published")
    ProductFactory(producer=ProducerFactory(place=tambon_of(quiet)), category=categories["silk"], status="published")

    response = get(client, f"province={quiet.slug}")

    assert total(response) == 1
    (entry,) = [entry for entry in response.context["facets"]["province"] if entry["selected"]]
    assert entry["label"] == quiet.name_en
    assert entry["count"] == 1


# --- a search's own counting (selectors._search_pass) agrees with the filters ----------------------

SEARCH_QUERIES = [
    "q=s",
    "q=s&country=TH",
    "q=s&category=silk",
    "q=s&category=food&sort=price",
    "q=s&province=surin&in_stock=1",
    "q=s&stars=3",
    "q=s&certification=tcps",
    "q=s&min_price=150&max_price=1000",
    "q=s&country=TH&max_price=1000&stars=2",
    "q=s&category=textiles-garments&certification=gi&sort=-price",
    "q=s&sort=stars",
    "q=s&sort=newest&in_stock=1",
    "q=s&country=XX&stars=9",
]


def by_filters(query: str):
    """The products the catalogue's filters (ProductFilter, the path without a search) give."""
    filterset = ProductFilter(QueryDict(query.lstrip("?")), queryset=Product.objects.public())
    filterset.is_valid()
    return filterset.qs


@pytest.mark.parametrize("query", SEARCH_QUERIES)
def test_a_search_counts_pages_and_orders_as_the_filters_do(client, catalogue, query):
    """A search counts its results and facets in one statement of its own; what it shows must be
    what the filters select: the same products, in the same order for an explicit sort, and each
    facet count the number of products its link selects."""
    response = get(client, query)
    expected = list(by_filters(query).values_list("name_en", flat=True))
    assert total(response) == len(expected)
    if "sort=" in query:
        assert names(response) == expected
    else:
        assert sorted(names(response)) == sorted(expected)
    counted = 0
    for facet, entries in response.context["facets"].items():
        for entry in entries:
            if not entry["selected"]:
                assert entry["count"] == by_filters(entry["url"]).count(), (query, facet, entry["label"])
                counted += entry["count"]
    assert counted > 0


def test_a_facet_value_without_products_is_shown_but_not_offered_as_a_link(client, catalogue):
    page = get(client).content.decode()
    assert '<span class="facet__empty">Cambodia <span class="facet__count">0</span></span>' in page
    assert 'href="?country=KH"' not in page
    assert 'href="?country=JP"' in page
    assert "Prices in Thai baht" in page
    assert "Prices in the chosen country" in get(client, "country=JP").content.decode()
    assert 'href="#results"' in page and "Show the 8 products" in page
