"""The catalogue's part of the demo site (seed_demo): its categories, the listings of the demo
producers (catalogue/demo_listings.py), and at the end the search index and the page caches."""

from core.demo import DemoSite, demo_step

from .cache import site_changed
from .demo_listings import demo_products_create
from .search_index import producers_reindex, products_reindex
from .services import categories_load


@demo_step(order=20)
def demo_categories_step(site: DemoSite) -> str:
    categories_load()
    return ""


@demo_step(order=50, label="products")
def demo_products_step(site: DemoSite) -> str:
    low, high = site.options["products_per_producer"]
    count = demo_products_create(rng=site.rng, producers=site.made.get("producers", []), per_producer=(low, high))
    return f"{count} products"


@demo_step(order=80, label="search index")
def demo_search_index_step(site: DemoSite) -> str:
    indexed = producers_reindex() + products_reindex()
    return f"{indexed} documents"


@demo_step(order=90)
def demo_pages_renewed_step(site: DemoSite) -> str:
    site_changed()
    return ""
