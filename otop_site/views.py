"""Site-wide endpoints that belong to no part of the domain: health, robots.txt, error pages."""

import sys
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from psycopg_pool import PoolTimeout

from core.tasks import tasks_waiting

from .database import probe
from .middleware import PERSONAL_AREAS

DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)


@never_cache
@require_GET
def healthz(request):
    """200 with a small JSON body when the app and its database answer, 503 otherwise.

    The database must answer a fresh connection within HEALTHZ_TIMEOUT seconds (under one), so a
    load balancer hears "down" at once from a hung server instead of waiting with it; the probe
    runs in a thread of its own, one at a time (otop_site/database.py).
    """
    if not probe.answers(connection.get_connection_params(), timeout=settings.HEALTHZ_TIMEOUT):
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@never_cache
@require_GET
def readyz(request):
    """Whether this process should be sent visitors: 200 when the database and the cache answer,
    503 otherwise, with each part's state and the number of tasks waiting for a worker.

    The queue depth is for the operator's eye (a growing number means too few workers); it does
    not make the process unready, since a web process serves pages whatever the queue holds.
    """
    database_up = probe.answers(connection.get_connection_params(), timeout=settings.HEALTHZ_TIMEOUT)
    cache = cache_state()
    body = {
        "status": "ok" if database_up and cache != "down" else "unavailable",
        "database": "up" if database_up else "down",
        "cache": cache,
        "queue_depth": task_queue_depth() if database_up else None,
    }
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)


def cache_state() -> str:
    """"up" or "down" for a cache server of its own (Redis); "database" when the cache lives in
    the database, whose state the database check gives."""
    cache = caches["default"]
    if "DatabaseCache" in type(cache).__name__:
        return "database"
    probe_key, token = "readyz-probe", uuid.uuid4().hex
    try:
        cache.set(probe_key, token, timeout=10)
        return "up" if cache.get(probe_key) == token else "down"
    except Exception:  # noqa: BLE001 - any failure of the cache server means "down"
        return "down"


def task_queue_depth() -> int | None:
    """How many background tasks wait for a worker (core.tasks.tasks_waiting), or None when the
    queue cannot be read (its Redis down, say): the depth is informative, not a fault."""
    try:
        return tasks_waiting()
    except Exception:  # noqa: BLE001 - failing to read the depth is not a fault of this process
        return None


@require_GET
def robots_txt(request):
    """Keep crawlers out of the private areas in every language (/th/…, /ja/… too); name the sitemap."""
    prefixes = ["/"] + [f"/{code}/" for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    lines = ["User-agent: *"]
    lines += [f"Disallow: {prefix}{path}" for prefix in prefixes for path in PERSONAL_AREAS]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def server_error(request):
    """The styled 500 page, or the styled 503 when the database is what failed.

    Rendered without the request's context processors and without the fragment cache: either
    may need the database that is down.
    """
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN_ERRORS):
        # Every connection of the pool busy is a crowd, not a database down: the page says so.
        busy = isinstance(error.__cause__, PoolTimeout)
        body = loader.get_template("503.html").render({"request_path": request.path, "busy": busy, "render_live": True})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render({"request_path": request.path, "render_live": True}))
