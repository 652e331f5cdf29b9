"""Reads of public pages from a PostgreSQL streaming replica, when DATABASE_REPLICA_URL names one.

What goes to the replica is narrow on purpose; everything else stays on the primary:

- `ReplicaReadsMiddleware` marks a request as one that may read from the replica: a GET or HEAD
  outside the personal areas (cart, checkout, orders, dashboards, accounts, admin: see
  `otop_site.middleware.is_personal_area`), by a visitor whose own last write the replica has
  replayed, while the replica is no more than DATABASE_REPLICA_MAX_LAG seconds behind (checked
  at most once a second per process).
- `ReplicaRouter.db_for_read` sends such a request's reads of the public apps' models
  (DATABASE_REPLICA_APPS: the catalogue, producers, places, events) to the replica, and nothing
  else: sessions, accounts, carts and orders, the database cache's tables, anything read inside a
  transaction (`atomic`), and every read after the request wrote anything stay on the primary.
  Every write goes to the primary.
- Read-your-writes: a request that wrote (any ORM write, a login's included) or that was a POST,
  PUT, PATCH or DELETE answers with a cookie holding the primary's WAL position after it (its
  log sequence number), so the same visitor's next requests read the primary until the replica
  has replayed that position, however long that takes. The cookie lasts
  DATABASE_REPLICA_MAX_LAG seconds: past that, a replica still behind the write is no longer read
  by anyone.
- The page cache (core/cache.py) keeps what a request rendered under the versions' current
  tokens. A token is renewed when a change commits on the primary, so a page rendered from a
  replica that has not replayed that change yet would be kept as new while showing old data.
  Before rendering anything for the cache, a request that reads from the replica compares the
  replica's replayed WAL position with the primary's: what it renders is kept only if the
  replica has replayed everything the primary had written (`renders_may_be_kept`).

docs/scale-out.md says how to run it and how the tests start a real replica.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from core import cache

from .middleware import is_personal_area

logger = logging.getLogger(__name__)

REPLICA = "replica"
# The primary's WAL position after the visitor's last write, as PostgreSQL writes it ("16/B374D848").
STICKY_COOKIE = "read_primary_until"
SAFE_METHODS = ("GET", "HEAD")

# How far behind the primary the replica is, in seconds: 0 when it has replayed everything it
# received; NULL (unknown: read the primary) when it receives nothing. And the WAL position it
# has replayed (NULL when it is no standby: a test's mirror of the primary, always current).
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE coalesce(status, 'streaming') = 'streaming') THEN NULL
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE greatest(0, extract(epoch FROM now() - pg_last_xact_replay_timestamp()))
END, pg_last_wal_replay_lsn()::text
"""
REPLAYED_SQL = "SELECT pg_last_wal_replay_lsn()::text"


def lsn_value(text: str | None) -> int | None:
    """A WAL position ("16/B374D848") as a number to compare; None when `text` is not one."""
    high, slash, low = (text or "").partition("/")
    try:
        if slash and len(high) <= 8 and len(low) <= 8:
            return (int(high, 16) << 32) | int(low, 16)
    except ValueError:
        pass
    return None


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@dataclass
class ReadRoute:
    """Where the current request's reads go: `replica` while it may read from the replica and
    has written nothing."""

    replica: bool
    wrote: bool = False

    @property
    def reads_replica(self) -> bool:
        return self.replica and not self.wrote and not connections[DEFAULT_DB_ALIAS].in_atomic_block


_route: contextvars.ContextVar[ReadRoute | None] = contextvars.ContextVar("read_route", default=None)


def current_route() -> ReadRoute | None:
    """The route of the request being answered on this thread; None outside a request."""
    return _route.get()


class ReplicaRouter:
    """Reads of the public apps' models go to the replica while the request may; all else to
    the primary. Only installed when DATABASE_REPLICA_URL is set."""

    def db_for_read(self, model, **hints):
        route = _route.get()
        if (
            route is not None
            and model._meta.app_label in settings.DATABASE_REPLICA_APPS
            and route.reads_replica
            and replica_configured()
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        route = _route.get()
        # The database cache writes its entries through the router too: keeping a page is not a
        # change the visitor must read back.
        if route is not None and model._meta.app_label not in CACHE_APP_LABELS:
            route.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: objects from either may be related.
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA} or None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


# The app label of Django's database cache's model (django.core.cache.backends.db).
CACHE_APP_LABELS = ("django_cache",)


class ReplicaHealth:
    """Whether the replica is close enough behind the primary to serve pages, asked of the
    replica at most once per `interval` seconds per process."""

    def __init__(self, interval: float = 1.0):
        self.interval = interval
        self._lock = threading.Lock()
        self._checked = float("-inf")
        self._usable = False
        # The WAL position the replica had replayed when last asked; None: it is no standby.
        self.replayed: int | None = 0

    def usable(self) -> bool:
        now = time.monotonic()
        if now - self._checked < self.interval:
            return self._usable
        with self._lock:
            if now - self._checked >= self.interval:
                self._usable = self._ask()
                self._checked = time.monotonic()
        return self._usable

    def has_replayed(self, position: int) -> bool:
        """Whether the replica has replayed the WAL `position`: from the last answer when it had,
        else asked once more (a visitor who wrote a moment ago)."""
        if self.replayed is None or self.replayed >= position:
            return True
        try:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute(REPLAYED_SQL)
                (replayed,) = cursor.fetchone()
        except DatabaseError:
            return False
        self.replayed = lsn_value(replayed) if replayed is not None else None
        return self.replayed is None or self.replayed >= position

    def forget(self) -> None:
        """Ask again on the next request (the tests change the replica's state)."""
        self._checked = float("-inf")

    def _ask(self) -> bool:
        try:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute(LAG_SQL)
                lag, replayed = cursor.fetchone()
        except DatabaseError:
            logger.warning("The database replica does not answer: reading from the primary.", exc_info=True)
            return False
        self.replayed = lsn_value(replayed) if replayed is not None else None
        if lag is None:
            logger.warning("The database replica receives nothing from the primary: reading from the primary.")
            return False
        if lag > settings.DATABASE_REPLICA_MAX_LAG:
            logger.warning("The database replica is %.1f s behind: reading from the primary.", lag)
            return False
        return True


replica_health = ReplicaHealth()


def own_writes_replayed(request) -> bool:
    """Whether the replica has replayed the visitor's last write (the position in their cookie);
    true without the cookie. A cookie that holds no position reads the primary until it lapses."""
    given = request.COOKIES.get(STICKY_COOKIE)
    if given is None:
        return True
    position = lsn_value(given)
    return position is not None and replica_health.has_replayed(position)


def primary_position() -> str | None:
    """The primary's current WAL position (after the request's committed writes)."""
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            return cursor.fetchone()[0]
    except DatabaseError:
        logger.warning("Could not read the primary's WAL position.", exc_info=True)
        return None


class ReplicaReadsMiddleware:
    """Marks the requests that may read from the replica, and keeps a visitor who wrote on the
    primary until the replica has replayed their write."""

    def __init__(self, get_response):
        self.get_response = get_response
        cache.keep_renders_when(renders_may_be_kept)

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        route = ReadRoute(replica=self.may_read_replica(request))
        request.read_route = route
        token = _route.set(route)
        try:
            response = self.get_response(request)
        finally:
            _route.reset(token)
        if route.wrote or request.method not in SAFE_METHODS:
            # Unknown (the primary did not answer): a value that is no position reads the primary
            # until the cookie lapses.
            position = primary_position() or "unknown"
            response.set_cookie(
                STICKY_COOKIE,
                position,
                max_age=max(1, int(settings.DATABASE_REPLICA_MAX_LAG)),
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    @staticmethod
    def may_read_replica(request) -> bool:
        return (
            request.method in SAFE_METHODS
            and not is_personal_area(request.path_info)
            # Inside a transaction already (a test's), nothing could be read from the replica.
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
            and replica_health.usable()
            and own_writes_replayed(request)
        )


def renders_may_be_kept() -> bool:
    """Whether what the current request renders now may be kept in the page cache: always when it
    reads the primary; when it reads the replica, only if the replica has replayed all that the
    primary had written when asked. Asked before rendering, after the tokens the render is kept
    under were read: the replica only moves forward, so every row the render then reads is at
    least as new as every change whose renewal those tokens saw."""
    route = _route.get()
    if route is None or not route.reads_replica:
        return True
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            (primary_lsn,) = cursor.fetchone()
        with connections[REPLICA].cursor() as cursor:
            # NULL: the "replica" is no standby (a test's mirror of the primary): it is current.
            cursor.execute("SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, true)", [primary_lsn])
            (caught_up,) = cursor.fetchone()
    except DatabaseError:
        logger.warning("Could not compare the replica's position with the primary's: not keeping the page.", exc_info=True)
        return False
    return bool(caught_up)
