"""Cached floor plans. A plan's fragments are keyed by its event's layout version, which any
change to the event, its zones, stalls or assignments renews once committed (signals, and the
services that bulk-insert), and by the catalogue version, which a producer's change renews."""

import uuid

from django.core.cache import caches
from django.db import transaction

from catalogue.cache import catalogue_version

TIMEOUT = 60 * 60


def _key(event_id: int) -> str:
    return f"events:plan-version:{event_id}"


def plan_version(event_id: int) -> str:
    cache = caches["pages"]
    version = cache.get(_key(event_id))
    if version is None:
        version = uuid.uuid4().hex
        cache.add(_key(event_id), version, timeout=None)
        version = cache.get(_key(event_id), version)
    return version


def plan_changed(event_id: int) -> None:
    transaction.on_commit(lambda: caches["pages"].set(_key(event_id), uuid.uuid4().hex, timeout=None))


def plan_fragment_key(event_id: int, *parts: str) -> str:
    return ":".join(["events:plan", str(event_id), plan_version(event_id), catalogue_version(), *parts])


def get(key: str):
    return caches["pages"].get(key)


def put(key: str, value) -> None:
    caches["pages"].set(key, value, timeout=TIMEOUT)
