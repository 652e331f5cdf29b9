"""The producers' versions (core/cache.py): one per producer, for its public page, and one for
everything that names producers (the directory, floor plans), which may lag."""

from core import cache

PRODUCER = cache.declare(
    "producer",
    per="slug",
    renewed_by="the producer's profile, photos or verification state",
)
PRODUCERS = cache.declare(
    "producers",
    lag="CACHE_LISTINGS_LAG",
    renewed_by="a producer's name, place, logo or verification state (the directory and the floor plans name them)",
)

def producer_page_version_keys(slug: str) -> tuple[str, ...]:
    """The version keys a whole producer page is kept by: its profile, and what apps above add
    (its products, where it exhibits today)."""
    return (PRODUCER.key(slug), cache.SITE.key(), *cache.also_shown_on("producer"))
