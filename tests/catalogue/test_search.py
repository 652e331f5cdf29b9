"""Search in Thai, Japanese and English (catalogue/search.py, search_index.py): real queries in each
language and what they must and must not find, ranking, search with the catalogue's filters and
facets, highlighting, "did you mean", the empty result, suggestions as you type, bad input, keeping
the documents up to date, and `manage.py reindex_search`.

The catalogue is the one of tests/catalogue/search_data.py; products are named by its keys.
"""

import io
import random
import re
import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from catalogue import search, search_index, services
from catalogue.models import Certification, Product
from producers.models import Producer
from producers.services import producer_update_profile
from tests.factories import tambon_of
from tests.catalogue.search_data import FDA_NUMBER, PRODUCTS, get, results

PRODUCERS = "/producers/"
SUGGEST = "/search/suggest/"


# --- what each query finds, and what it must not ---------------------------------------------------

QUERIES = [
    # Thai: segmented into words, in the names, categories, places and producers' names.
    ("มัดหมี่", {"mudmee"}),  # the draft (ผ้าคลุมไหมมัดหมี่) is never shown
    ("ผ้าไหม", {"mudmee", "surin"}),
    ("ผ้าไหมมัดหมี่", {"mudmee"}),
    ("ผ้าไหมสุรินทร์", {"surin"}),
    ("ผ้าฝ้ายย้อมคราม", {"indigo"}),
    ("ย้อมคราม", {"indigo"}),
    ("ขอนแก่น", {"mudmee"}),  # by its producer's province
    ("ชนบท", {"mudmee"}),  # by its district and tambon
    ("สุรินทร์", {"surin"}),
    ("สกลนคร", {"indigo"}),
    ("น้ำพริก", {"namprik"}),
    ("น้ำพริกเผา", {"namprik"}),
    ("เพชรบุรี", {"namprik", "sugar"}),
    ("เชียงใหม่", {"celadon", "balm"}),
    ("เซลาดอน", {"celadon"}),
    ("ยาหม่อง", {"balm"}),
    ("ครัวแม่บุญมี", {"namprik", "sugar"}),  # the producer's Thai name
    ("ผ้าไหม ขอนแก่น", {"mudmee"}),
    # Japanese: SudachiPy words and character pairs.
    ("湯布院", {"yuzu"}),  # only in its description
    ("柚子胡椒", {"yuzu"}),
    ("かぼす", {"kabosu"}),
    ("大分", {"kabosu", "yuzu"}),  # the place, 大分県
    ("大分県", {"kabosu", "yuzu"}),
    ("豊後農園", {"kabosu", "yuzu"}),  # the producer
    ("青磁", {"celadon"}),
    ("シルク", {"mudmee", "surin"}),  # the category's Japanese name
    # English: words, folded to lower case, the last one a prefix.
    ("kabosu", {"kabosu"}),
    ("KABOSU", {"kabosu"}),
    ("silk", {"mudmee", "surin", "balm"}),  # the balm by its description
    ("silk khon kaen", {"mudmee"}),
    ("silk kho", {"mudmee"}),  # prefix of the last word
    ("khon kaen silk", {"mudmee"}),
    ("surin silk", {"surin"}),
    ("khon kaen", {"mudmee"}),
    ("chonnabot", {"mudmee"}),
    ("ikat", {"mudmee"}),  # the technique
    ("yufuin", {"yuzu"}),
    ("oita", {"kabosu", "yuzu"}),
    ("celadon", {"celadon"}),
    ("chili", {"namprik", "yuzu"}),
    ("indigo", {"indigo"}),
    ("juice", {"kabosu"}),  # the category Juices and syrups
    ("pottery", {"celadon"}),  # the category
    ("condiments", {"sugar", "yuzu"}),  # the category Seasonings and condiments
    ("food", {"namprik", "sugar", "yuzu", "balm"}),  # the parent category Food; the balm is "not food"
    # Certifications: the kind, its label, the number.
    ("gi", {"surin", "sugar"}),
    ("geographical indication", {"surin", "sugar"}),
    (FDA_NUMBER, {"balm"}),
    ("thai fda", {"balm"}),
    ("GI-55100032", {"surin"}),
    # The producer's name finds its products.
    ("boonmee", {"namprik", "sugar"}),
    ("mae boonmee kitchen", {"namprik", "sugar"}),
    ("bungo farmers", {"kabosu", "yuzu"}),
    ("tha sawang", {"surin"}),
    # Nothing.
    ("kimchi", set()),
    ("silk oita", set()),
    ("มัดหมี่ สุรินทร์", set()),
    ("湯布院 kabosu", set()),
]


@pytest.mark.parametrize("q, expected", QUERIES, ids=[q for q, _ in QUERIES])
def test_a_query_finds_exactly_what_it_means(client, search_catalogue, q, expected):
    assert set(results(client, search_catalogue, q)) == expected


@pytest.mark.parametrize("q", ["มัดหมี่", "ผ้าไหม", "silk", "draft", "ผ้าคลุม"])
def test_a_draft_is_never_found(client, search_catalogue, q):
    assert "draft" not in results(client, search_catalogue, q)
    assert "Draft mudmee silk shawl" not in get(client, SUGGEST, {"q": q}).content.decode()


def test_a_product_of_a_suspended_producer_is_not_found(client, search_catalogue, staff_user):
    from producers.services import producer_suspend

    producer_suspend(producer=search_catalogue.producers["chonnabot"], by=staff_user, reason="Checking papers")
    assert results(client, search_catalogue, "มัดหมี่") == []
    assert results(client, search_catalogue, "ผ้าไหม") == ["surin"]


def test_the_documents_hold_segmented_words_with_weights(search_catalogue):
    """A look inside: Thai and Japanese words are lexemes, names weigh A, places B, texts C."""
    mudmee = search_catalogue.products["mudmee"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_document::text FROM catalogue_product WHERE id = %s", [mudmee.pk])
        document = cursor.fetchone()[0]
    assert re.search(r"'มัดหมี่':\d+A", document)
    assert re.search(r"'ขอนแก่น':\d+B", document)
    assert re.search(r"'khon':\d+B", document)
    assert re.search(r"'woven':\d+C", document)
    yuzu = search_catalogue.products["yuzu"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_document::text FROM catalogue_product WHERE id = %s", [yuzu.pk])
        document = cursor.fetchone()[0]
    assert re.search(r"'湯布院':\d+C", document)


def test_the_documents_have_a_gin_index(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename IN ('catalogue_product', 'producers_producer') "
            "AND indexdef ILIKE '%%gin%%search_document%%'"
        )
        definitions = [row[0] for row in cursor.fetchall()]
    assert any("catalogue_product" in d for d in definitions)
    assert any("producers_producer" in d for d in definitions)


def test_thai_typed_partly_still_finds_the_word(client, search_catalogue):
    """The last Thai word typed is a prefix too, though the segmenter cuts a half-typed word
    into pieces: "ผ้าไห" is on its way to ผ้าไหม, "มัดหม" to มัดหมี่."""
    assert set(results(client, search_catalogue, "ผ้าไห")) == {"mudmee", "surin"}
    assert set(results(client, search_catalogue, "มัดหม")) == {"mudmee"}
    assert set(results(client, search_catalogue, "ขอนแก")) == {"mudmee"}
    assert set(results(client, search_catalogue, "ยาหม่")) == {"balm"}
    assert set(results(client, search_catalogue, "น้ำพริ")) == {"namprik"}
    assert set(results(client, search_catalogue, "ผ้าไหมมัดห")) == {"mudmee"}
    # A half-typed word still has to be the start of a word.
    assert results(client, search_catalogue, "ไหมสุ") == []


def test_japanese_typed_partly_finds_by_character_pairs(client, search_catalogue):
    assert set(results(client, search_catalogue, "湯布")) == {"yuzu"}
    assert set(results(client, search_catalogue, "かぼ")) == {"kabosu"}


# --- ranking ---------------------------------------------------------------------------------------


def test_a_name_match_ranks_above_a_description_match(client, search_catalogue):
    # The balm has five stars and is in stock, but "silk" is only in its description; the Surin
    # silk is sold out.
    assert results(client, search_catalogue, "silk") == ["mudmee", "surin", "balm"]
    assert results(client, search_catalogue, "silk")[-1] == "balm"


def test_a_search_is_sorted_by_relevance_not_by_date(client, search_catalogue, make_listing,
                                                     django_capture_on_commit_callbacks):
    # The oldest product comes first when it matches best: "chili" in its name.
    with django_capture_on_commit_callbacks(execute=True):
        make_listing(search_catalogue.producers["boonmee"], "Chili salt", category="seasonings-and-condiments",
                     minutes=500, description_en="Sea salt.")
    response = get(client, PRODUCTS, {"q": "chili"})
    assert response.context["sort"] == "relevance"
    assert [p.name_en for p in response.context["products"]] == ["Chili salt", "Phetchaburi nam prik pao", "Yuzu kosho"]


def test_the_exact_phrase_in_a_name_ranks_first(client, search_catalogue, make_listing, django_capture_on_commit_callbacks):
    producer = search_catalogue.producers["phanna"]
    with django_capture_on_commit_callbacks(execute=True):
        make_listing(producer, "Scarf of cotton with indigo stripes", category="indigo-and-natural-dye",
                     stars=("otop", 5), minutes=2)
        make_listing(producer, "Indigo scarf", category="indigo-and-natural-dye", minutes=3)
    response = get(client, PRODUCTS, {"q": "indigo scarf"})
    assert [p.name_en for p in response.context["products"]] == ["Indigo scarf", "Scarf of cotton with indigo stripes"]


def test_with_equal_text_more_stars_rank_higher_and_in_stock_above_sold_out(
    client, search_catalogue, make_listing, django_capture_on_commit_callbacks
):
    producer = search_catalogue.producers["thawai"]
    same = {"category": "basketry", "name_th": "ตะกร้าหวาย", "description_en": "Woven by hand."}
    with django_capture_on_commit_callbacks(execute=True):
        # Made in an order unlike the expected one, newest last, so neither date nor id decides.
        sold_out = make_listing(producer, "Rattan basket", stars=("otop", 2), stock=0, minutes=1, **same)
        none = make_listing(producer, "Rattan basket", stock=3, minutes=2, **same)
        five = make_listing(producer, "Rattan basket", stars=("otop", 5), stock=3, minutes=3, **same)
        two = make_listing(producer, "Rattan basket", stars=("otop", 2), stock=3, minutes=4, **same)
    for q in ("rattan", "ตะกร้าหวาย", "rattan basket"):
        response = get(client, PRODUCTS, {"q": q})
        assert [p.pk for p in response.context["products"]] == [five.pk, two.pk, none.pk, sold_out.pk], q


def test_stars_and_stock_are_gentle_boosts_that_do_not_beat_the_name(client, search_catalogue, make_listing,
                                                                         django_capture_on_commit_callbacks):
    producer = search_catalogue.producers["doi_saket"]
    with django_capture_on_commit_callbacks(execute=True):
        make_listing(producer, "Lemongrass soap", category="soaps-and-cosmetics", stock=0, minutes=2)
        make_listing(producer, "Turmeric soap bar", category="soaps-and-cosmetics", stars=("otop", 5), minutes=3,
                     description_en="Scented with lemongrass oil.")
    response = get(client, PRODUCTS, {"q": "lemongrass"})
    assert [p.name_en for p in response.context["products"]] == ["Lemongrass soap", "Turmeric soap bar"]


def test_another_sort_wins_over_relevance_when_chosen(client, search_catalogue):
    assert results(client, search_catalogue, "silk", sort="price") == ["balm", "mudmee", "surin"]
    assert results(client, search_catalogue, "silk", sort="-price") == ["surin", "mudmee", "balm"]


# --- with the catalogue's filters and facets -------------------------------------------------------


@pytest.mark.parametrize(
    "q, params, expected",
    [
        ("silk", {"country": "TH"}, ["mudmee", "surin", "balm"]),
        ("silk", {"country": "JP"}, []),
        ("chili", {"country": "JP"}, ["yuzu"]),
        ("chili", {"country": "TH"}, ["namprik"]),
        ("chili", {"category": "food"}, None),  # both, by relevance
        ("chili", {"category": "chili-pastes-and-sauces"}, ["namprik"]),
        ("chili", {"category": "beverages"}, []),
        ("ผ้าไหม", {"category": "textiles-garments"}, ["mudmee", "surin"]),
        ("silk", {"category": "herbal-non-food"}, ["balm"]),
        ("silk", {"stars": "5"}, ["mudmee", "balm"]),
        ("silk", {"stars": "4"}, ["mudmee", "surin", "balm"]),
        ("เพชรบุรี", {"stars": "1"}, ["namprik"]),
        ("silk", {"in_stock": "1"}, ["mudmee", "balm"]),
        ("ผ้าไหม", {"in_stock": "1"}, ["mudmee"]),
        ("silk", {"province": "khon-kaen"}, ["mudmee"]),
        ("silk", {"certification": "gi"}, ["surin"]),
        ("gi", {"category": "food"}, ["sugar"]),
        ("oita", {"category": "beverages"}, ["kabosu"]),
        ("大分", {"country": "JP", "in_stock": "1", "category": "food"}, ["yuzu"]),
        ("silk", {"min_price": "1000", "max_price": "3000"}, ["mudmee"]),
        ("silk", {"country": "TH", "stars": "4", "in_stock": "1", "certification": "thai-fda"}, ["balm"]),
    ],
)
def test_search_combines_with_every_filter(client, search_catalogue, q, params, expected):
    shown = results(client, search_catalogue, q, **params)
    if expected is None:
        assert set(shown) == {"namprik", "yuzu"}
    else:
        assert shown == expected


def facet_counts(response, facet: str) -> dict[str, int]:
    return {entry["label"]: entry["count"] for entry in response.context["facets"][facet]}


def test_facet_counts_reflect_the_search(client, search_catalogue):
    response = get(client, PRODUCTS, {"q": "silk"})
    assert facet_counts(response, "country")["Thailand"] == 3
    assert facet_counts(response, "country")["Japan"] == 0
    assert facet_counts(response, "category")["Textiles and garments"] == 2
    assert facet_counts(response, "category")["Herbal products (not food)"] == 1
    assert facet_counts(response, "category")["Food"] == 0
    assert facet_counts(response, "stars") == {"5": 2, "4": 3, "3": 3, "2": 3, "1": 3}
    provinces = facet_counts(response, "province")
    assert provinces == {"Khon Kaen": 1, "Surin": 1, "Chiang Mai": 1}
    certifications = {entry["url"]: entry["count"] for entry in response.context["facets"]["certification"]}
    assert certifications["?q=silk&certification=gi"] == 1
    assert certifications["?q=silk&certification=thai-fda"] == 1
    assert certifications["?q=silk&certification=organic"] == 0

    response = get(client, PRODUCTS, {"q": "大分"})
    assert facet_counts(response, "country")["Japan"] == 2
    assert facet_counts(response, "country")["Thailand"] == 0


@pytest.mark.parametrize(
    "params",
    [
        {"q": "silk"},
        {"q": "ผ้าไหม"},
        {"q": "chili", "country": "TH"},
        {"q": "oita"},
        {"q": "silk", "in_stock": "1", "stars": "4"},
        {"q": "เพชรบุรี", "category": "food"},
        {"q": "gi", "certification": "gi"},
        {"q": "silk kho"},
    ],
)
def test_each_facet_count_under_a_search_equals_the_results_of_its_link(client, search_catalogue, params):
    response = get(client, PRODUCTS, params)
    total = response.context["paginator"].count
    checked = 0
    for facet, entries in response.context["facets"].items():
        for entry in entries:
            assert "q=" in entry["url"], (facet, entry)  # the link keeps the search
            followed = client.get(PRODUCTS + entry["url"])
            assert followed.status_code == 200
            if entry["selected"]:
                assert entry["count"] == total, (params, facet, entry)
            else:
                assert followed.context["paginator"].count == entry["count"], (params, facet, entry)
                checked += 1
    assert checked > 10


def test_the_search_box_of_the_filters_keeps_the_query(client, search_catalogue):
    page = get(client, PRODUCTS, {"q": "ผ้าไหม", "country": "TH"}).content.decode()
    assert 'value="ผ้าไหม"' in page
    assert 'name="country" value="TH"' in page


# --- highlighting ----------------------------------------------------------------------------------


def test_the_matched_words_are_marked_in_the_results(client, search_catalogue):
    page = get(client, PRODUCTS, {"q": "silk khon"}).content.decode()
    assert "Chonnabot mudmee <mark>silk</mark>" in page
    page = get(client, PRODUCTS, {"q": "KABOSU"}).content.decode()
    assert "Oita <mark>kabosu</mark> juice" in page


def test_thai_and_japanese_words_are_marked(client, search_catalogue):
    page = get(client, "/th" + PRODUCTS, {"q": "มัดหมี่"}).content.decode()
    assert "ผ้าไหม<mark>มัดหมี่</mark>ชนบท" in page
    page = get(client, "/ja" + PRODUCTS, {"q": "かぼす"}).content.decode()
    assert "大分の<mark>かぼす</mark>果汁" in page


def test_a_thai_word_with_sara_am_is_marked_whole(client, search_catalogue):
    # น้ำ is written with SARA AM (U+0E33), which the search folds to NIKHAHIT + SARA AA.
    page = get(client, "/th" + PRODUCTS, {"q": "น้ำพริก"}).content.decode()
    assert "<mark>น้ำ</mark>" in page or "<mark>น้ำพริก</mark>" in page
    assert "พริก</mark>เผาเพชรบุรี" in page


def test_highlighting_escapes_html(client, search_catalogue, make_listing, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_listing(search_catalogue.producers["chonnabot"], "<b>silk</b>", category="silk", minutes=0)
        make_listing(search_catalogue.producers["chonnabot"], "Silk & <script>alert('x')</script>", category="silk",
                     minutes=0)
    page = get(client, PRODUCTS, {"q": "silk"}).content.decode()
    assert "&lt;b&gt;<mark>silk</mark>&lt;/b&gt;" in page
    assert "<b>silk</b>" not in page
    assert "<mark>Silk</mark> &amp; &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<script>alert(" not in page


def test_a_query_that_looks_like_html_is_escaped(client, search_catalogue):
    page = get(client, PRODUCTS, {"q": "<script>alert(1)</script> silk"}).content.decode()
    assert "<script>alert(1)</script>" not in page
    page = get(client, PRODUCTS, {"q": 'mark"><img src=x onerror=alert(1)>'}).content.decode()
    assert "<img src=x" not in page


@pytest.mark.parametrize(
    "text, q, expected",
    [
        ("<b>silk</b>", "silk", "&lt;b&gt;<mark>silk</mark>&lt;/b&gt;"),
        ("Silk & cotton", "SILK cotton", "<mark>Silk</mark> &amp; <mark>cotton</mark>"),
        ("ผ้าไหมมัดหมี่ชนบท", "ผ้าไหม", "<mark>ผ้าไหม</mark>มัดหมี่ชนบท"),
        ("湯布院の柚子胡椒", "湯布院", "<mark>湯布院</mark>の柚子胡椒"),
        ("a.b*c", "b", "a.b*c"),  # one letter is not marked, and regex characters are only text
        ("c++ & c#", "c++", "c++ &amp; c#"),
        ("Silk", "", "Silk"),
    ],
)
def test_highlight(text, q, expected):
    assert str(search.highlight(text, search.query_words(q))) == expected


# --- did you mean, and the empty result ------------------------------------------------------------


@pytest.mark.parametrize(
    "q, suggestion",
    [("sillk", "silk"), ("kabossu", "kabosu"), ("celadn", "celadon"), ("sillk khon", "silk khon")],
)
def test_a_misspelt_english_word_gets_did_you_mean(client, search_catalogue, q, suggestion):
    response = get(client, PRODUCTS, {"q": q, "country": "TH"} if q.startswith("sillk") else {"q": q})
    assert response.context["did_you_mean"] == suggestion
    page = response.content.decode()
    assert "Did you mean" in page
    assert f"<strong>{suggestion}</strong>" in page
    url = response.context["did_you_mean_url"]
    assert "q=" + suggestion.replace(" ", "+") in url
    # The suggestion keeps the other filters and finds something.
    assert get(client, PRODUCTS + url).context["paginator"].count > 0


def test_no_did_you_mean_when_there_are_results_or_nothing_close(client, search_catalogue):
    assert get(client, PRODUCTS, {"q": "silk"}).context["did_you_mean"] == ""
    assert get(client, PRODUCTS, {"q": "zxqwv"}).context["did_you_mean"] == ""
    assert get(client, PRODUCTS, {"q": "ผ้าไหมม"}).context["did_you_mean"] == ""


def test_an_empty_result_suggests_removing_filters_and_shows_popular_products(client, search_catalogue):
    response = get(client, PRODUCTS, {"q": "kabosu", "country": "TH", "stars": "3"})
    assert response.context["paginator"].count == 0
    links = {link["name"]: link["url"] for link in response.context["remove_filter_links"]}
    assert links == {"Search": "?country=TH&stars=3", "Country": "?q=kabosu&stars=3", "Stars (at least)": "?q=kabosu&country=TH"}
    page = response.content.decode()
    assert "Try without:" in page
    assert 'href="?q=kabosu&amp;stars=3"' in page
    popular = response.context["popular_products"]
    assert popular and all(product.visible for product in popular)
    assert "Chonnabot mudmee silk" in [product.name_en for product in popular]  # five stars, the newest
    assert "Popular with other visitors" in page
    assert "Chonnabot mudmee silk" in page

    # Without the country the kabosu is found.
    response = get(client, PRODUCTS, {"q": "kabosu", "country": "TH"})
    links = {link["name"]: link["url"] for link in response.context["remove_filter_links"]}
    assert links == {"Search": "?country=TH", "Country": "?q=kabosu"}
    assert [p.name_en for p in get(client, PRODUCTS + links["Country"]).context["products"]] == ["Oita kabosu juice"]


def test_an_empty_search_without_filters_still_shows_popular_products(client, search_catalogue):
    response = get(client, PRODUCTS, {"q": "kimchi"})
    assert [link["url"] for link in response.context["remove_filter_links"]] == ["?"]
    assert response.context["popular_products"]


# --- suggestions as you type -----------------------------------------------------------------------


@pytest.fixture
def suggest(client, django_assert_max_num_queries):
    """GET /search/suggest/?q=… in at most `max_queries` queries; the JSON answer, checked."""

    def get_suggestions(q: str, max_queries: int = 3, *, prefix: str = "") -> dict:
        with django_assert_max_num_queries(max_queries):
            response = client.get(prefix + SUGGEST, {"q": q})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        data = response.json()
        assert set(data) == {"products", "producers", "places"}
        for entries in data.values():
            assert len(entries) <= 5
            for entry in entries:
                assert set(entry) == {"name", "url"}
        return data

    client.get(SUGGEST, {"q": "warm up"})  # the tokenizers and anything loaded once per process
    return get_suggestions


def names_of(entries) -> set[str]:
    return {entry["name"] for entry in entries}


def test_suggestions_offer_products_producers_and_places(search_catalogue, suggest):
    data = suggest("khon")
    assert {"name": "Khon Kaen", "url": reverse("catalogue:product_list") + "?province=khon-kaen"} in data["places"]

    data = suggest("mudm")
    mudmee = search_catalogue.products["mudmee"]
    assert data["products"] == [{"name": "Chonnabot mudmee silk", "url": reverse("catalogue:product_detail", args=[mudmee.slug])}]

    data = suggest("boon")
    assert data["producers"] == [{"name": "Mae Boonmee Kitchen", "url": reverse("producers:producer_detail", args=["mae-boonmee-kitchen"])}]

    data = suggest("silk ko")
    assert data == {"products": [], "producers": [], "places": []}

    data = suggest("ผ้าไหม")
    assert names_of(data["products"]) == {"Chonnabot mudmee silk", "Surin silk brocade"}

    data = suggest("ขอนแ")
    assert names_of(data["places"]) == {"Khon Kaen"}

    data = suggest("かぼす")
    assert names_of(data["products"]) == {"Oita kabosu juice"}

    data = suggest("大分")
    assert names_of(data["places"]) == {"Oita"}
    assert names_of(data["products"]) == {"Oita kabosu juice"}  # by its name, 大分のかぼす果汁
    assert names_of(data["producers"]) == set()

    data = suggest("豊後")
    assert names_of(data["producers"]) == {"Bungo Farmers"}


def test_suggestions_are_names_only_not_descriptions(search_catalogue, suggest):
    data = suggest("silk")
    assert names_of(data["products"]) == {"Chonnabot mudmee silk", "Surin silk brocade"}  # not the balm


def test_suggestions_in_thai_as_you_type(search_catalogue, suggest):
    data = suggest("ผ้าไห")
    assert names_of(data["products"]) == {"Chonnabot mudmee silk", "Surin silk brocade"}
    data = suggest("ครัวแม่")
    assert names_of(data["producers"]) == {"Mae Boonmee Kitchen"}


def test_suggestions_in_the_visitors_language(search_catalogue, suggest):
    data = suggest("มัดหมี่", prefix="/th")
    assert names_of(data["products"]) == {"ผ้าไหมมัดหมี่ชนบท"}
    data = suggest("kabosu", prefix="/ja")
    assert names_of(data["products"]) == {"大分のかぼす果汁"}


def test_suggestions_are_bounded(search_catalogue, make_listing, suggest, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(8):
            make_listing(search_catalogue.producers["phanna"], f"Indigo scarf {n}", category="indigo-and-natural-dye")
    data = suggest("indigo")
    assert len(data["products"]) == 5


@pytest.mark.parametrize(
    "q, max_queries",
    [("", 0), (" ", 0), ("k", 0), ("ก", 0), ("!!!???", 0), ("'", 0), ("--", 0), ("x" * 5000, 3), ("' OR 1=1 --", 3)],
)
def test_suggestions_for_too_little_or_too_much(search_catalogue, suggest, q, max_queries):
    assert suggest(q, max_queries) == {"products": [], "producers": [], "places": []}


def test_suggestions_can_be_cached_briefly(client, search_catalogue):
    response = client.get(SUGGEST, {"q": "silk"})
    assert "max-age=60" in response["Cache-Control"]


def test_the_search_box_works_without_javascript(client, search_catalogue):
    page = get(client, "/").content.decode()
    form = re.search(r'<form class="search"[^>]*>', page).group()
    assert 'action="/products/"' in form and 'method="get"' in form
    assert f'data-suggest-url="{SUGGEST}"' in form
    assert re.search(r'<input[^>]*type="search"[^>]*name="q"', page)
    # Submitting it is an ordinary GET of /products/?q=…
    assert set(results(client, search_catalogue, "kabosu")) == {"kabosu"}


# --- bad input never errors ------------------------------------------------------------------------

BAD_INPUT = [
    "",
    " ",
    "x" * 5000,
    "ผ้าไหม" * 1000,
    "!!!???",
    "' OR 1=1 --",
    "'; DROP TABLE catalogue_product; --",
    "silk'; DROP TABLE catalogue_product; --",
    "ผ้าไหม silk 湯布院",
    "silk湯布院ผ้าไหม",
    "\\",
    "\\\\'",
    "silk\\",
    "\\silk\\'",
    '"silk"',
    "'silk'",
    "''",
    "silk & | ! :*",
    "!silk",
    "silk:*A",
    "(silk",
    "silk)",
    "<->",
    "silk <-> khon",
    "silk <2> khon",
    "& | !",
    "%_%",
    "%",
    "_",
    "ー",
    "ๆ",
    "่",
    "ฯลฯ",
    "かぼす'",
    "湯布院\\",
    "🙂 silk",
    "ｓｉｌｋ",  # full-width
    "İstanbul ß",
    "\t\n",
    "a" * 201,
    "湯" * 200,
    "1;SELECT pg_sleep(5)",
    "/* */ silk",
    "$$ silk $$",
    "silk\u200bkhon",  # a zero-width space
    "\u0301\u0301silk",  # combining marks
    "\ufeffsilk",
    "٣٤٥ عربى",
    "ๅๅๅๅๅๅ",
    "\u0e33",  # SARA AM alone
]


def test_bad_input_never_errors(client, search_catalogue):
    """Every input of BAD_INPUT on /products/ (in English and Thai, alone and with filters),
    /producers/ and /search/suggest/: an answer, never an error (one test, so the catalogue is
    made once; the failures are listed together)."""
    count = Product.objects.count()
    failures = []
    for q in BAD_INPUT:
        for url, params in [
            (PRODUCTS, {"q": q}),
            ("/th" + PRODUCTS, {"q": q}),
            ("/ja" + PRODUCTS, {"q": q, "sort": "relevance"}),
            (PRODUCTS, {"q": q, "country": "TH", "stars": "3", "in_stock": "1", "category": "food"}),
            (PRODUCERS, {"q": q}),
            (PRODUCERS, {"q": q, "country": "TH"}),
            (SUGGEST, {"q": q}),
            ("/th" + SUGGEST, {"q": q}),
        ]:
            try:
                response = client.get(url, params)
                status = response.status_code
            except Exception as error:  # noqa: BLE001 - reported below with the input
                status = repr(error)
            if status != 200:
                failures.append((url, params, status))
            elif url.endswith(SUGGEST) and set(response.json()) != {"products", "producers", "places"}:
                failures.append((url, params, response.content[:200]))
    assert failures == []
    assert Product.objects.count() == count


@pytest.mark.parametrize("q", ["' OR 1=1 --", "'; DROP TABLE catalogue_product; --", "!!!???", "silk & | ! :*"])
def test_sql_and_operators_are_only_text(client, search_catalogue, q):
    shown = results(client, search_catalogue, q)
    if search.query(q):
        assert len(shown) < 9
    else:
        assert len(shown) == 9  # no words: nothing to search for, every product
    assert Product.objects.count() == 10


def test_tsquery_operators_are_words(client, search_catalogue):
    assert set(results(client, search_catalogue, "silk & | ! :*")) == {"mudmee", "surin", "balm"}
    assert set(results(client, search_catalogue, "!silk")) == {"mudmee", "surin", "balm"}
    assert results(client, search_catalogue, "silk | kabosu") == []  # "|" is not OR
    assert set(results(client, search_catalogue, "silk khon <-> kaen")) == {"mudmee"}


def test_a_very_long_query_is_reported_not_an_error(client, search_catalogue):
    response = get(client, PRODUCTS, {"q": "silk " * 1000})
    assert "q" in response.context["filter"].errors
    response = get(client, PRODUCERS, {"q": "silk " * 1000})
    assert response.status_code == 200


ALPHABET = (
    "abcXYZ019 _-'\"\\&|!:*()<>%$;/.,?@#[]{}~^`+=\t\n"
    "กขคงจฉชซญฎฏฐดตถทธนบปผฝพฟภมยรลวศษสหฬอฮะัาำิีึืุูเแโใไ็่้๊๋์ๆฯ฿๐๑"
    "あいうかぼすアイウカボスー湯布院大分県柚子胡椒。、ｶﾎﾞｽｓ"
    "\u200b\u0301\ufeff🙂é"
)


def test_any_text_makes_a_valid_tsquery_and_tsvector(db):
    """Thousands of random strings of every script, punctuation and tsquery syntax: each makes a
    query and a document that PostgreSQL accepts."""
    rng = random.Random(20240501)
    texts = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40))) for _ in range(1500)]
    texts += [ch for ch in ALPHABET]
    with connection.cursor() as cursor:
        for text in texts:
            for tsquery in {search.query(text), search.query(text, weights="A")}:
                if tsquery:
                    cursor.execute("SELECT %s::tsquery", [tsquery])
            cursor.execute("SELECT %s::tsvector", [search.document({"A": [text], "C": [text * 3]})])


def test_a_huge_text_makes_a_valid_document(db):
    text = " ".join(f"word{n}" for n in range(20000)) + " ผ้าไหม" * 3000 + " 湯布院" * 3000
    with connection.cursor() as cursor:
        cursor.execute("SELECT length(%s::tsvector)", [search.document({"C": [text]})])
        assert 0 < cursor.fetchone()[0] <= search.MAX_LEXEMES


# --- keeping the documents up to date -------------------------------------------------------------


def test_a_renamed_product_is_found_by_its_new_name(client, search_catalogue, django_capture_on_commit_callbacks):
    celadon = search_catalogue.products["celadon"]
    with django_capture_on_commit_callbacks(execute=True):
        services.product_update(product=celadon, name_en="Chiang Mai celadon vase", name_th="แจกันเซลาดอนเชียงใหม่")
    search_catalogue.products["celadon"].refresh_from_db()
    assert results(client, search_catalogue, "vase") == ["celadon"]
    assert results(client, search_catalogue, "แจกัน") == ["celadon"]
    assert results(client, search_catalogue, "bowl") == []
    assert results(client, search_catalogue, "ชาม") == []


def test_a_product_moved_to_another_origin_is_found_there(client, search_catalogue, django_capture_on_commit_callbacks):
    from places.models import Place

    celadon = search_catalogue.products["celadon"]
    khon_kaen = Place.objects.get(level="province", slug="khon-kaen")
    with django_capture_on_commit_callbacks(execute=True):
        services.product_update(product=celadon, origin=tambon_of(khon_kaen, 3))
    assert set(results(client, search_catalogue, "ขอนแก่น")) == {"mudmee", "celadon"}


def test_an_added_certification_is_found(client, search_catalogue, django_capture_on_commit_callbacks):
    kabosu = search_catalogue.products["kabosu"]
    assert results(client, search_catalogue, "jas") == []
    with django_capture_on_commit_callbacks(execute=True):
        Certification.objects.create(product=kabosu, kind="jas", number="JAS-ORG-0042", year=2023)
    assert results(client, search_catalogue, "jas") == ["kabosu"]
    assert results(client, search_catalogue, "JAS-ORG-0042") == ["kabosu"]


def test_certifications_replaced_by_the_service_are_found(client, search_catalogue, django_capture_on_commit_callbacks):
    celadon = search_catalogue.products["celadon"]
    with django_capture_on_commit_callbacks(execute=True):
        services.product_update(
            product=celadon, certifications=[{"kind": "tcps", "name": "", "number": "มผช. 57/2565", "year": 2022}]
        )
    assert results(client, search_catalogue, "มผช") == ["celadon"]
    surin = search_catalogue.products["surin"]
    with django_capture_on_commit_callbacks(execute=True):
        services.product_update(product=surin, certifications=[])
    assert results(client, search_catalogue, "gi") == ["sugar"]


def test_a_deleted_certification_is_no_longer_found(client, search_catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Certification.objects.get(number=FDA_NUMBER).delete()
    assert results(client, search_catalogue, FDA_NUMBER) == []


def test_a_renamed_producer_is_found_in_its_products(client, search_catalogue, django_capture_on_commit_callbacks):
    bungo = search_catalogue.producers["bungo"]
    with django_capture_on_commit_callbacks(execute=True):
        producer_update_profile(producer=bungo, name_en="Yufu Valley Farmers", name="由布の里農園",
                                name_ja="由布の里農園")
    assert set(results(client, search_catalogue, "yufu valley")) == {"kabosu", "yuzu"}
    assert set(results(client, search_catalogue, "由布の里")) == {"kabosu", "yuzu"}
    assert results(client, search_catalogue, "bungo") == []
    assert results(client, search_catalogue, "豊後") == []
    page = get(client, PRODUCERS, {"q": "yufu valley"})
    assert [p.name_en for p in page.context["producers"]] == ["Yufu Valley Farmers"]
    assert get(client, PRODUCERS, {"q": "bungo"}).context["producers"] == []


def test_a_producer_that_moves_is_found_in_its_new_place(client, search_catalogue, django_capture_on_commit_callbacks):
    from places.models import Place

    phanna = search_catalogue.producers["phanna"]
    surin = Place.objects.get(level="province", slug="surin")
    with django_capture_on_commit_callbacks(execute=True):
        producer_update_profile(producer=phanna, place=tambon_of(surin, 1))
    assert set(results(client, search_catalogue, "สุรินทร์")) == {"surin", "indigo"}
    assert results(client, search_catalogue, "sakon nakhon") == ["indigo"]  # still in its name
    assert results(client, search_catalogue, "สกลนคร") == ["indigo"]  # still in its Thai name
    assert [p.name_en for p in get(client, PRODUCERS, {"q": "surin"}).context["producers"]] == [
        "Phanna Indigo Group", "Tha Sawang Weavers"
    ]


def test_a_new_product_is_found_once_committed(client, search_catalogue, make_listing, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_listing(search_catalogue.producers["chonnabot"], "Khit cushion", category="cotton", name_th="หมอนขิด")
    response = get(client, PRODUCTS, {"q": "หมอนขิด"})
    assert [p.name_en for p in response.context["products"]] == ["Khit cushion"]


@pytest.mark.parametrize(
    "q, expected",
    [
        ("boonmee", ["Mae Boonmee Kitchen"]),
        ("ครัวแม่บุญมี", ["Mae Boonmee Kitchen"]),
        ("ขอนแก่น", ["Chonnabot Weavers"]),  # by its place
        ("chiang mai", ["Ban Thawai Celadon Works", "Doi Saket Herb Group"]),
        ("大分", ["Bungo Farmers"]),
        ("豊後農園", ["Bungo Farmers"]),
        ("weav", ["Chonnabot Weavers", "Tha Sawang Weavers"]),  # a prefix
        ("kimchi", []),
    ],
)
def test_producers_are_found_in_the_directory(client, search_catalogue, q, expected):
    response = get(client, PRODUCERS, {"q": q})
    assert [p.name_en for p in response.context["producers"]] == expected


def test_a_suspended_producer_is_not_found_in_the_directory_or_suggestions(client, search_catalogue, staff_user):
    from producers.services import producer_suspend

    producer_suspend(producer=search_catalogue.producers["boonmee"], by=staff_user, reason="Checking papers")
    assert get(client, PRODUCERS, {"q": "boonmee"}).context["producers"] == []
    assert client.get(SUGGEST, {"q": "boonmee"}).json()["producers"] == []


# --- manage.py reindex_search ----------------------------------------------------------------------


def test_reindex_search_rebuilds_every_document_in_batches(client, search_catalogue, monkeypatch):
    Product.objects.update(search_document=None)
    Producer.objects.update(search_document=None)
    assert results(client, search_catalogue, "kabosu") == []
    monkeypatch.setattr(search_index, "BATCH_SIZE", 4)
    out = io.StringIO()
    call_command("reindex_search", stdout=out)
    output = out.getvalue()
    total = Product.objects.count()
    producers = Producer.objects.count()
    assert total == 10
    assert "products 4/10" in output and "products 8/10" in output and "products 10/10" in output
    assert f"Reindexed {producers} producers and {total} products" in output
    assert not Product.objects.filter(search_document__isnull=True).exists()
    assert not Producer.objects.filter(search_document__isnull=True).exists()
    assert results(client, search_catalogue, "kabosu") == ["kabosu"]
    assert set(results(client, search_catalogue, "ผ้าไหม")) == {"mudmee", "surin"}
    assert set(results(client, search_catalogue, "湯布院")) == {"yuzu"}
    assert [p.name_en for p in get(client, PRODUCERS, {"q": "boonmee"}).context["producers"]] == ["Mae Boonmee Kitchen"]


def test_reindex_search_writes_each_batch_in_its_own_transaction(search_catalogue, monkeypatch):
    """Each batch commits on its own (so writers wait at most one batch), never the whole run."""
    import catalogue.search_index as module

    entered = []
    real_atomic = module.transaction.atomic

    def counting_atomic(*args, **kwargs):
        entered.append(1)
        return real_atomic(*args, **kwargs)

    monkeypatch.setattr(module, "BATCH_SIZE", 3)
    monkeypatch.setattr(module.transaction, "atomic", counting_atomic)
    done = module.products_reindex()
    assert done == 10
    assert len(entered) == 4  # 3 + 3 + 3 + 1


def test_reindex_search_on_an_empty_catalogue(db):
    out = io.StringIO()
    call_command("reindex_search", stdout=out)
    assert "Reindexed" in out.getvalue() and "0 products" in out.getvalue()


def test_the_document_is_the_same_after_a_reindex(search_catalogue):
    mudmee = search_catalogue.products["mudmee"]

    def document():
        with connection.cursor() as cursor:
            cursor.execute("SELECT search_document::text FROM catalogue_product WHERE id = %s", [mudmee.pk])
            return cursor.fetchone()[0]

    before = document()
    search_index.products_reindex()
    assert document() == before
