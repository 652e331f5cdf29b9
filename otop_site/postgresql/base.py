"""Django's PostgreSQL backend, whose pool gives up at once on a database that does not answer.

A request that finds no usable connection in the pool waits for one up to DATABASE_POOL_TIMEOUT
seconds (4): right for a crowd on a healthy server, whose connections come free within
milliseconds, but a stopped server never gives one, and every visitor would wait the full time
for the 503. So a request waits a moment (POOL_FIRST_WAIT_SECONDS) and then asks the health
probe (otop_site/database.py: a fresh connection, its answer shared for a second): when the
server does not answer, the request gets the styled 503 at once; when it does, the pool is only
busy and the request waits the rest of the time. The probe's answer must be as recent as that
first wait (an older "up" may predate a crash); a starved pool asks at most five times a second.
"""

from __future__ import annotations

import time

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base
from psycopg_pool import PoolTimeout

from otop_site.database import probe

# How long a request waits for a connection before asking whether the server answers at all.
POOL_FIRST_WAIT_SECONDS = 0.2


class FailFastPool:
    """The pool Django made, whose `getconn` gives up at once when the server does not answer."""

    def __init__(self, pool, connection_params: dict):
        self._pool = pool
        self._connection_params = connection_params

    def getconn(self, timeout: float | None = None):
        total = self._pool.timeout if timeout is None else timeout
        started = time.monotonic()
        try:
            return self._pool.getconn(timeout=min(POOL_FIRST_WAIT_SECONDS, total))
        except PoolTimeout as busy_or_down:
            # An answer from before the wait may predate a crash: only one as recent as the wait counts.
            if not probe.answers(self._connection_params, timeout=settings.HEALTHZ_TIMEOUT, max_age=POOL_FIRST_WAIT_SECONDS):
                raise psycopg.OperationalError("the database does not answer") from busy_or_down
            remaining = total - (time.monotonic() - started)
            if remaining <= 0:
                raise
            return self._pool.getconn(timeout=remaining)

    def __getattr__(self, name):
        return getattr(self._pool, name)


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self):
        pool = super().pool
        if pool is None:
            return None
        wrapped = self.__dict__.get("_fail_fast_pool")
        if wrapped is None or wrapped._pool is not pool:
            wrapped = self.__dict__["_fail_fast_pool"] = FailFastPool(pool, self.get_connection_params())
        return wrapped
