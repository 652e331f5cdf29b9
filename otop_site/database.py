"""Time limits on the database connection that PostgreSQL cannot enforce itself.

PostgreSQL cancels a statement that runs past `statement_timeout`, but only while it is
running: a server whose processes are stopped (SIGSTOP, a frozen virtual machine, a storage
stall) answers nothing, and the kernel still acknowledges every packet, so neither TCP
keepalives nor `tcp_user_timeout` notice. Without a bound on our side a request would wait
for as long as the server is stopped, holding its worker and its pooled connection.

Two pieces bound that wait:

- `GuardedConnection`, the psycopg connection the pool hands out: every round trip to the
  server (a query, a fetch, a commit, the pool's health check) is registered with the
  `watchdog`, which shuts the socket of a round trip still unanswered after
  ``DATABASE_ANSWER_TIMEOUT`` seconds. psycopg then raises ``OperationalError`` ("server closed
  the connection unexpectedly"), Django answers the styled 503, and the pool drops the broken
  connection. Shutting the socket (not closing it) leaves the file descriptor with libpq, so
  it can never be reused by another connection while libpq still holds it.
- `database_answers()`, the health check: a fresh connection and ``SELECT 1`` in a thread of
  its own, waited for at most ``HEALTHZ_TIMEOUT`` seconds. One probe runs at a time; while a
  probe is stuck, the next checks answer "down" at once instead of starting more.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager

import psycopg

logger = logging.getLogger(__name__)

# A health check's answer stands for this long: a burst of checks (or of visitors to /healthz)
# opens one connection a second, not one each.
PROBE_FRESH_SECONDS = 1.0
# How often the watchdog looks for round trips past their deadline: the answer to a hung
# server comes at most this much after DATABASE_ANSWER_TIMEOUT.
WATCHDOG_INTERVAL_SECONDS = 0.1


class RoundTripWatchdog:
    """Shuts the socket of a database round trip that has not been answered by its deadline."""

    def __init__(self, interval: float = WATCHDOG_INTERVAL_SECONDS):
        self._interval = interval
        self._lock = threading.Lock()
        self._deadlines: dict[object, tuple[float, int]] = {}
        self._monitor_pid: int | None = None
        self.dropped = 0

    @contextmanager
    def guard(self, fileno: int, seconds: float):
        """While the block runs, the socket ``fileno`` is shut if ``seconds`` pass first.

        The caller owns the connection for the whole block, so the descriptor stays libpq's
        until the entry is removed; the watchdog shuts it only under the same lock.
        """
        token = object()
        with self._lock:
            self._deadlines[token] = (time.monotonic() + seconds, fileno)
            self._ensure_monitor()
        try:
            yield
        finally:
            with self._lock:
                self._deadlines.pop(token, None)

    def _ensure_monitor(self) -> None:
        # A forked worker (gunicorn --preload) inherits the registry but not the thread.
        if self._monitor_pid != os.getpid():
            self._monitor_pid = os.getpid()
            threading.Thread(target=self._watch, name="database-watchdog", daemon=True).start()

    def _watch(self) -> None:
        while True:
            time.sleep(self._interval)
            now = time.monotonic()
            with self._lock:
                overdue = [token for token, (deadline, _fileno) in self._deadlines.items() if deadline <= now]
                shut = sum(self._shut(self._deadlines.pop(token)[1]) for token in overdue)
            if shut:
                self.dropped += shut
                logger.warning("The database did not answer in time: %d connection(s) dropped.", shut)

    @staticmethod
    def _shut(fileno: int) -> bool:
        try:
            # A duplicate descriptor: shutting it ends the connection for libpq's copy too,
            # and closing it leaves libpq's own descriptor alone.
            with socket.socket(fileno=os.dup(fileno)) as sock:
                sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            return False
        return True


watchdog = RoundTripWatchdog()


def answer_timeout() -> float:
    """Seconds a round trip may wait for the server (0: no bound), from the settings."""
    from django.conf import settings

    return float(getattr(settings, "DATABASE_ANSWER_TIMEOUT", 0) or 0)


class GuardedConnection(psycopg.Connection):
    """A psycopg connection whose every round trip is bounded by the watchdog.

    `wait()` is where psycopg blocks for the server on an open connection (queries, fetches,
    commits and rollbacks all go through it); opening a connection is bounded by libpq's
    ``connect_timeout`` instead.
    """

    def wait(self, *args, **kwargs):
        seconds = answer_timeout()
        if not seconds or self.closed:
            return super().wait(*args, **kwargs)
        with watchdog.guard(self.pgconn.socket, seconds):
            return super().wait(*args, **kwargs)


class DatabaseProbe:
    """A health check that never waits longer than its timeout and never piles up.

    Each check opens a fresh connection (not one from the pool), so it also notices a server
    that no longer accepts connections while old ones still work. A check finished less than
    PROBE_FRESH_SECONDS ago answers for the next ones.
    """

    def __init__(self, fresh_seconds: float = PROBE_FRESH_SECONDS):
        self._fresh_seconds = fresh_seconds
        self._lock = threading.Lock()
        self._running: Future | None = None
        self._started = 0.0
        self._finished = 0.0
        self._server: tuple = ()

    def answers(self, connection_params: dict, *, timeout: float, max_age: float | None = None) -> bool:
        """Whether the server answers ``SELECT 1`` on a new connection within ``timeout`` seconds.

        An answer younger than ``max_age`` seconds (default PROBE_FRESH_SECONDS) stands.
        """
        fresh_seconds = self._fresh_seconds if max_age is None else max_age
        server = tuple(str(connection_params.get(name)) for name in ("host", "port", "dbname", "user"))
        with self._lock:
            running = self._running
            same_server = running is not None and server == self._server
            if same_server and not running.done():
                if time.monotonic() - self._started > timeout:
                    return False  # the last probe is stuck: the database is not answering
            elif same_server and time.monotonic() - self._finished < fresh_seconds:
                return running.result()
            else:
                running = self._running = Future()
                self._started = time.monotonic()
                self._server = server
                threading.Thread(target=self._probe, args=(connection_params, running), name="database-probe", daemon=True).start()
        try:
            return running.result(timeout=timeout)
        except FutureTimeout:
            return False

    def _probe(self, connection_params: dict, result: Future) -> None:
        try:
            with GuardedConnection.connect(**connection_params, autocommit=True) as conn:
                conn.execute("SELECT 1").fetchone()
        except Exception:  # noqa: BLE001 - any failure means "down"; the probe must always report
            answer = False
        else:
            answer = True
        with self._lock:
            self._finished = time.monotonic()
        result.set_result(answer)


probe = DatabaseProbe()
