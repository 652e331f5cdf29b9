"""The events' versions (core/cache.py). An event's floor plan is kept by its plan version, which
any change to the event, its zones, stalls or assignments renews once committed (events/receivers.py,
and the services that bulk-insert), and by the producers' version, as the plan names the
exhibitors. The events version moves with any plan: it keys whatever shows where producers
exhibit (product pages' "at stall B-26 today", the event pages)."""

import zlib

from catalogue.cache import PRODUCERS, SITE
from core import cache

PLAN = cache.declare(
    "plan",
    per="event id",
    renewed_by="the event saved, its zones, stalls or stall assignments changed (but a check-in or a fee paid)",
)
EVENTS = cache.declare("events", renewed_by="any event's plan renewed (see plan)")
EVENTS_VERSION_KEY = EVENTS.key()


def plan_changed(event_id: int) -> None:
    cache.renew(PLAN.key(event_id), EVENTS.key())


# What a whole event page shows: its plan (any plan's change renews EVENTS), the exhibitors' names.
EVENT_PAGE_SHOWS = (EVENTS.key(), PRODUCERS.key(), SITE.key())


def plan_version(event_id: int) -> str:
    return cache.tokens(PLAN.key(event_id))[0]


def plan_fragment_key(event_id: int, *parts: str) -> str:
    """The key of an event's rendered plan, by its versions (one cache read) and `parts`."""
    return cache.fragment_key("plan", event_id, *cache.tokens(PLAN.key(event_id), PRODUCERS.key(), SITE.key()), *parts)


def get_html(key: str) -> str | None:
    """A cached HTML fragment; stored compressed, as a large plan is mostly repeated markup."""
    packed = cache.get(key)
    return zlib.decompress(packed).decode() if packed is not None else None


def put_html(key: str, html: str) -> None:
    cache.put(key, zlib.compress(html.encode(), 6))
