"""A django-redis client that stops asking a Redis that does not answer, for a moment.

With IGNORE_EXCEPTIONS every cache operation on a Redis that is down is a miss (or a dropped
write) instead of an error. A stopped Redis refuses connections at once, but a hung one (a
frozen machine, a network path that drops packets) lets each operation wait its socket timeout,
and a page makes a dozen of them: seconds per page. So after a failure this process skips
Redis for REDIS_RETRY_AFTER seconds (default 2): every operation fails at once, as with a
stopped Redis, and the first one after the pause tries again. A hung Redis then costs one
socket timeout per process every few seconds, not one per operation.
"""

from __future__ import annotations

import time

from django.conf import settings
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted

# Until when (time.monotonic()) each Redis server is skipped, by its address; shared by every
# cache on the same server.
_skipped_until: dict[str, float] = {}

# The operations the site's caches and sessions use; others go to Redis as usual.
GUARDED_OPERATIONS = (
    "get", "set", "add", "delete", "get_many", "set_many", "delete_many", "incr", "decr",
    "has_key", "touch", "expire", "persist", "ttl", "keys", "iter_keys", "delete_pattern", "clear",
)  # fmt: skip


def _guarded(name: str):
    operation = getattr(DefaultClient, name)

    def guarded(self, *args, **kwargs):
        server = self._otop_server
        if time.monotonic() < _skipped_until.get(server, 0.0):
            raise ConnectionInterrupted(connection=None)
        try:
            return operation(self, *args, **kwargs)
        except ConnectionInterrupted:
            _skipped_until[server] = time.monotonic() + float(getattr(settings, "REDIS_RETRY_AFTER", 2))
            raise

    guarded.__name__ = name
    guarded.__doc__ = operation.__doc__
    return guarded


class CircuitBreakerClient(DefaultClient):
    """DefaultClient whose operations fail at once while their Redis is being skipped."""

    @property
    def _otop_server(self) -> str:
        return ",".join(self._server)


for _name in GUARDED_OPERATIONS:
    setattr(CircuitBreakerClient, _name, _guarded(_name))
