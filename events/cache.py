"""Cached floor plans. A plan's fragments are keyed by its event's layout version, which any
change to the event, its zones, stalls or assignments renews once committed (signals, and the
services that bulk-insert), and by the catalogue version, which a producer's change renews."""

import uuid
import zlib

from django.core.cache import caches
from django.db import transaction

from catalogue.cache import VERSION_KEY as CATALOGUE_VERSION_KEY
from otop_site.page_cache import versions

TIMEOUT = 60 * 60
# Renewed with any event's plan: the version of whatever shows where producers exhibit (the
# whole-page cache of otop_site/page_cache.py keys event and product pages by it).
EVENTS_VERSION_KEY = "events:version"


def _key(event_id: int) -> str:
    return f"events:plan-version:{event_id}"


def plan_version(event_id: int) -> str:
    return versions(_key(event_id))[0]


def plan_changed(event_id: int) -> None:
    def renew():
        caches["pages"].set_many({_key(event_id): uuid.uuid4().hex, EVENTS_VERSION_KEY: uuid.uuid4().hex}, timeout=None)

    transaction.on_commit(renew)


def plan_fragment_key(event_id: int, *parts: str) -> str:
    plan, catalogue = versions(_key(event_id), CATALOGUE_VERSION_KEY)  # one cache read
    return ":".join(["events:plan", str(event_id), plan, catalogue, *parts])


def get_html(key: str) -> str | None:
    """A cached HTML fragment; stored compressed, as a large plan is mostly repeated markup."""
    packed = caches["pages"].get(key)
    return zlib.decompress(packed).decode() if packed is not None else None


def put_html(key: str, html: str) -> None:
    caches["pages"].set(key, zlib.compress(html.encode(), 6), timeout=TIMEOUT)

