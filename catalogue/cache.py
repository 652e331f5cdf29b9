"""Cached fragments of the catalogue's public pages, and their invalidation.

Every cached fragment's key holds the catalogue version; any change that could alter a public
page (a product, its photos or certifications, a category, a producer) sets a new version once
its transaction has committed, so no page is served from before the change. Old entries are
never read again and expire by themselves.

The fragments live in the "pages" cache (Redis when REDIS_URL is set, the database otherwise).
"""

import hashlib
import uuid

from django.core.cache import caches
from django.db import transaction

from otop_site.page_cache import versions

VERSION_KEY = "catalogue:version"
FRAGMENT_TIMEOUT = 60 * 60

# The versions a whole product page is kept by: the catalogue's, and those of what apps above
# the catalogue put on it through their template tags (where the producer exhibits today), which
# they add from their AppConfig.ready() with product_page_shows().
_product_page_versions = [VERSION_KEY]


def _cache():
    return caches["pages"]


def catalogue_version() -> str:
    return versions(VERSION_KEY)[0]


def catalogue_changed() -> None:
    """Invalidate every cached catalogue fragment once the current transaction commits."""
    transaction.on_commit(lambda: _cache().set(VERSION_KEY, uuid.uuid4().hex, timeout=None))


def fragment_key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"catalogue:{kind}:{catalogue_version()}:{digest}"


def get_fragment(key: str):
    return _cache().get(key)


def set_fragment(key: str, value) -> None:
    _cache().set(key, value, timeout=FRAGMENT_TIMEOUT)


def product_page_shows(version_key: str) -> None:
    """A product page shows something renewed under `version_key`: keep it by that version too."""
    if version_key not in _product_page_versions:
        _product_page_versions.append(version_key)


def product_page_version_keys() -> tuple[str, ...]:
    """The version keys a whole product page is kept by (otop_site/page_cache.py)."""
    return tuple(_product_page_versions)
