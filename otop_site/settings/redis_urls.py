"""Which Redis database the RQ task queue uses (docs/tasks.md, "Backends and configuration").

The cache's database may be emptied after an outage (docs/operations.md, "Redis stopped") and is
usually run with an eviction policy; the queue's must never be: so without a TASKS_REDIS_URL of
its own, the queue takes the database after the cache's on the same server, never the cache's.
"""

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

DEFAULT_QUEUE_URL = "redis://127.0.0.1:6379/0"


def _database(parts) -> int:
    query = parse_qs(parts.query)
    if "db" in query:
        return int(query["db"][0])
    path = parts.path.strip("/")
    return int(path) if parts.scheme != "unix" and path else 0


def redis_database(url: str) -> tuple[str, str, int, int]:
    """What names one Redis database: (server, socket path, port, database number)."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return ("", parts.path, 0, _database(parts))
    return ((parts.hostname or "localhost").lower(), "", parts.port or 6379, _database(parts))


def next_database_url(url: str) -> str:
    """`url` with the database number after its own (redis://host/2 → redis://host/3)."""
    parts = urlsplit(url)
    following = _database(parts) + 1
    query = parse_qs(parts.query)
    if parts.scheme == "unix" or "db" in query:
        query["db"] = [str(following)]
        # Written out: urlunsplit would drop the empty host of unix:///path.
        return f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(query, doseq=True)}"
    return urlunsplit(parts._replace(path=f"/{following}"))


def task_queue_redis_url(*, queue_url: str, cache_url: str) -> str:
    """The Redis URL of the RQ queue: TASKS_REDIS_URL (`queue_url`) when set; else the database
    after the cache's (`cache_url`, REDIS_URL) on the cache's server; else Redis on this machine."""
    if queue_url:
        return queue_url
    if cache_url:
        return next_database_url(cache_url)
    return DEFAULT_QUEUE_URL
