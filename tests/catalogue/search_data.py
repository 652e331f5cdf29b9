"""A small, realistic catalogue for the search tests (tests/catalogue/test_search.py).

Six producers in Khon Kaen, Surin, Sakon Nakhon, Phetchaburi, Chiang Mai and Oita, and ten
listings: nine published and one draft. Every text is given explicitly (the factory's defaults
mention silk and indigo), so each query's expected results can be read off the table below.
The search documents are written on commit: the `search_catalogue` fixture (tests/conftest.py)
builds it inside `django_capture_on_commit_callbacks(execute=True)`.
"""

from dataclasses import dataclass
from decimal import Decimal

from catalogue.models import Product
from places.models import Place
from producers.models import Producer
from tests.factories import ProducerFactory, ProductFactory, minutes_ago, tambon_of

FDA_NUMBER = "10-1-65012-2-0001"
PRODUCTS = "/products/"


@dataclass
class SearchCatalogue:
    products: dict[str, Product]
    producers: dict[str, Producer]

    def key_of(self, name_en: str) -> str:
        return next(key for key, product in self.products.items() if product.name_en == name_en)

    def name(self, key: str) -> str:
        return self.products[key].name_en


def _stars(scheme: str | None, rating: int | None) -> dict:
    if not scheme:
        return {}
    return {"star_scheme": scheme, "star_rating": rating, "star_year": 2024}


def make_listing(producer, name_en, *, category, minutes=1, stars=(None, None), stock=5, status="published", **fields) -> Product:
    """Make a published listing with every text given (the factory's defaults left out)."""
    fields.setdefault("name_th", "")
    fields.setdefault("name_ja", "")
    fields.setdefault("description_en", "")
    return ProductFactory(
        producer=producer,
        name_en=name_en,
        category=category,
        price=fields.pop("price", Decimal("250")),
        stock=stock,
        status=status,
        published_at=minutes_ago(minutes) if status == "published" else None,
        **_stars(*stars),
        **fields,
    )


def build_search_catalogue(*, tha_sawang, oita, make_listing) -> SearchCatalogue:
    """The catalogue the search tests query (keys in brackets):

    [mudmee]   Chonnabot mudmee silk       ผ้าไหมมัดหมี่ชนบท    Chonnabot Weavers, Tambon Chonnabot, Khon Kaen
                                                                  silk, OTOP 5★, in stock, technique "Mudmee ikat"
    [surin]    Surin silk brocade          ผ้าไหมสุรินทร์        Tha Sawang Weavers, Surin; silk, 4★, SOLD OUT, GI
    [indigo]   Sakon Nakhon indigo cotton shirt  ผ้าฝ้ายย้อมครามสกลนคร  Phanna Indigo Group, Sakon Nakhon; no stars
    [namprik]  Phetchaburi nam prik pao    น้ำพริกเผาเพชรบุรี    Mae Boonmee Kitchen, Phetchaburi; 3★; "chili"
    [sugar]    Phetchaburi palm sugar      น้ำตาลโตนดเพชรบุรี    Mae Boonmee Kitchen; GI; no stars
    [celadon]  Chiang Mai celadon bowl     ชามเซลาดอนเชียงใหม่  Ban Thawai Celadon Works, Chiang Mai; 4★
    [balm]     Herbal balm                 ยาหม่องสมุนไพร        Doi Saket Herb Group, Chiang Mai; 5★; Thai FDA
                                                                  number; "silk" only in its description
    [kabosu]   Oita kabosu juice           大分のかぼす果汁       Bungo Farmers (豊後農園), Oita
    [yuzu]     Yuzu kosho                  柚子胡椒               Bungo Farmers; description 湯布院の柚子胡椒…, "chili"
    [draft]    Draft mudmee silk shawl     ผ้าคลุมไหมมัดหมี่      Chonnabot Weavers: a draft, never shown
    """
    khon_kaen = Place.objects.get(country="TH", level="province", slug="khon-kaen")
    chonnabot = Place.objects.get(level="subdistrict", slug="chonnabot-chonnabot", parent__parent=khon_kaen)
    sakon_nakhon = Place.objects.get(country="TH", level="province", slug="sakon-nakhon")
    phetchaburi = Place.objects.get(country="TH", level="province", slug="phetchaburi")
    chiang_mai = Place.objects.get(country="TH", level="province", slug="chiang-mai")

    producers = {
        "chonnabot": ProducerFactory(
            name="กลุ่มทอผ้าชนบท", name_en="Chonnabot Weavers", name_ja="チョンナボット織物グループ",
            slug="chonnabot-weavers", place=chonnabot,
        ),
        "tha_sawang": ProducerFactory(
            name="กลุ่มทอผ้าท่าสว่าง", name_en="Tha Sawang Weavers", name_ja="タサワン織物グループ",
            slug="tha-sawang-weavers", place=tha_sawang,
        ),
        "phanna": ProducerFactory(
            name="กลุ่มผ้าครามพรรณา", name_en="Phanna Indigo Group", name_ja="パンナー藍染グループ",
            slug="phanna-indigo", place=tambon_of(sakon_nakhon),
        ),
        "boonmee": ProducerFactory(
            name="ครัวแม่บุญมี", name_en="Mae Boonmee Kitchen", name_ja="メーブンミーの台所",
            slug="mae-boonmee-kitchen", place=tambon_of(phetchaburi),
        ),
        "thawai": ProducerFactory(
            name="บ้านถวายเซลาดอน", name_en="Ban Thawai Celadon Works", name_ja="バーンタワイ青磁工房",
            slug="ban-thawai-celadon", place=tambon_of(chiang_mai),
        ),
        "doi_saket": ProducerFactory(
            name="กลุ่มสมุนไพรดอยสะเก็ด", name_en="Doi Saket Herb Group", name_ja="ドイサケットハーブグループ",
            slug="doi-saket-herbs", place=tambon_of(chiang_mai, 1),
        ),
        "bungo": ProducerFactory(
            name="豊後農園", name_en="Bungo Farmers", name_ja="豊後農園", slug="bungo-farmers", place=oita,
            own_language="ja",
        ),
    }
    p = producers
    products = {
        "mudmee": make_listing(
            p["chonnabot"], "Chonnabot mudmee silk", category="silk", minutes=10, stars=("otop", 5), stock=4,
            name_th="ผ้าไหมมัดหมี่ชนบท", name_ja="チョンナボットのマットミー絹織物", technique="Mudmee ikat",
            description_en="Hand-woven and tie-dyed before weaving.", price=Decimal("2400"),
        ),
        "surin": make_listing(
            p["tha_sawang"], "Surin silk brocade", category="silk", minutes=20, stars=("otop", 4), stock=0,
            name_th="ผ้าไหมสุรินทร์", name_ja="スリンの絹錦", description_en="Gold brocade from the old court patterns.",
            certifications=[{"kind": "gi", "name": "Surin silk", "number": "GI-55100032", "year": 2012}],
            price=Decimal("3500"),
        ),
        "indigo": make_listing(
            p["phanna"], "Sakon Nakhon indigo cotton shirt", category="indigo-and-natural-dye", minutes=30, stock=6,
            name_th="ผ้าฝ้ายย้อมครามสกลนคร", name_ja="サコンナコーンの藍染綿シャツ",
            description_en="Cotton dyed in fermented indigo vats.", price=Decimal("890"),
        ),
        "namprik": make_listing(
            p["boonmee"], "Phetchaburi nam prik pao", category="chili-pastes-and-sauces", minutes=40,
            stars=("otop", 3), stock=20, name_th="น้ำพริกเผาเพชรบุรี", name_ja="ペッブリーのナムプリックパオ",
            description_en="Roasted chili paste sweetened with palm sugar.", price=Decimal("95"),
        ),
        "sugar": make_listing(
            p["boonmee"], "Phetchaburi palm sugar", category="seasonings-and-condiments", minutes=50, stock=15,
            name_th="น้ำตาลโตนดเพชรบุรี", name_ja="ペッブリーのヤシ砂糖", description_en="Boiled down from toddy palm sap.",
            certifications=[{"kind": "gi", "name": "Phetchaburi palm sugar", "number": "GI-56100051", "year": 2016}],
            price=Decimal("120"),
        ),
        "celadon": make_listing(
            p["thawai"], "Chiang Mai celadon bowl", category="pottery-and-ceramics", minutes=60, stars=("otop", 4),
            stock=8, name_th="ชามเซลาดอนเชียงใหม่", name_ja="チェンマイの青磁の鉢",
            description_en="Jade-green glaze over hand-thrown stoneware.", price=Decimal("650"),
        ),
        "balm": make_listing(
            p["doi_saket"], "Herbal balm", category="balms-and-oils", minutes=70, stars=("otop", 5), stock=30,
            name_th="ยาหม่องสมุนไพร", name_ja="ハーブバーム",
            description_en="Camphor and menthol balm, sold in a small silk pouch.",
            certifications=[{"kind": "thai-fda", "name": "", "number": FDA_NUMBER, "year": 2022}],
            price=Decimal("60"),
        ),
        "kabosu": make_listing(
            p["bungo"], "Oita kabosu juice", category="juices-and-syrups", minutes=80, stock=12,
            name_ja="大分のかぼす果汁", description_en="Pressed from kabosu picked in October.",
            description_ja="十月に収穫したかぼすを搾りました。", price=Decimal("1500"),
        ),
        "yuzu": make_listing(
            p["bungo"], "Yuzu kosho", category="seasonings-and-condiments", minutes=90, stock=9,
            name_ja="柚子胡椒", description_en="Yuzu peel and green chili paste from Yufuin.",
            description_ja="湯布院の柚子胡椒。青唐辛子と柚子の皮で作りました。", price=Decimal("800"),
        ),
        "draft": make_listing(
            p["chonnabot"], "Draft mudmee silk shawl", category="silk", status="draft",
            name_th="ผ้าคลุมไหมมัดหมี่", description_en="Not finished yet.",
        ),
    }
    return SearchCatalogue(products=products, producers=producers)


def get(client, url: str, params: dict | None = None):
    """GET `url` with `params` and insist on a 200."""
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, params, response.status_code)
    return response


def results(client, catalogue: SearchCatalogue, q: str = "", url: str = PRODUCTS, **params) -> list[str]:
    """The keys of the products /products/ lists for `q` and `params`, in their order."""
    if q:
        params["q"] = q
    response = get(client, url, params)
    assert not response.context["filter"].errors, response.context["filter"].errors
    shown = [catalogue.key_of(product.name_en) for product in response.context["products"]]
    assert len(shown) == response.context["paginator"].count
    return shown
