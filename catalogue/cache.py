"""The catalogue's versions (core/cache.py) and what renews them.

A sale changes one product's stock: it renews that product's version, so its page shows the new
stock at once, and nothing else, unless the product sold out or came back (then the listings,
which show "Sold out" and count what is in stock, follow within their lag). Receivers bound to
the models (catalogue/receivers.py, orders/receivers.py) renew on saves and deletes, the admin's
included; services that write with bulk updates call these functions themselves.
docs/caching.md lists every cached thing with its versions and lag.
"""

from core import cache
from core.cache import SITE, site_changed  # noqa: F401 - the catalogue's callers name them here
from producers.cache import PRODUCER, PRODUCERS

PRODUCT = cache.declare(
    "product",
    per="slug",
    renewed_by=(
        "the product saved, its stock changed (a sale, a cancellation, the dashboard), its photos or certifications, "
        "a review of it or its reviewer renamed, its producer's profile or verification state"
    ),
)
LISTINGS = cache.declare(
    "listings",
    lag="CACHE_LISTINGS_LAG",
    renewed_by=(
        "anything a product card or a listing's counts show: a product published, edited, hidden or archived, "
        "sold out or back in stock, its cover photo, a producer's name, place or state, search documents rebuilt"
    ),
)
def product_page_version_keys(slug: str) -> tuple[str, ...]:
    """The version keys a whole product page is kept by."""
    return (PRODUCT.key(slug), SITE.key(), LISTINGS.key(), *cache.also_shown_on("product"))


def products_changed(slugs, *, cards: bool = True) -> None:
    """The products `slugs` changed; `cards` when what their cards or the listings' counts show
    changed too (not for a review, or for a sale that left some in stock)."""
    keys = [PRODUCT.key(slug) for slug in slugs]
    cache.renew(*keys, *([LISTINGS.key()] if cards else []))


def listings_changed() -> None:
    cache.renew(LISTINGS.key())


def producer_changed(producer_id: int) -> None:
    """The producer's profile or state changed: its page, the pages of its products (which show
    who made them), and the listings and directory naming it. One query."""
    from producers.models import Producer

    from .models import Product

    slug = Producer.objects.filter(pk=producer_id).values_list("slug", flat=True).first()
    products = Product.objects.filter(producer_id=producer_id).values_list("slug", flat=True)
    cache.renew(
        *([PRODUCER.key(slug)] if slug else []), PRODUCERS.key(), LISTINGS.key(), *(PRODUCT.key(slug) for slug in products)
    )
