"""Site-wide endpoints that belong to no part of the domain: health, robots.txt, error pages."""

import sys

from django.conf import settings
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from psycopg_pool import PoolTimeout

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

    Rendered without the request's context processors: they may need the database that is down.
    """
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN_ERRORS):
        # Every connection of the pool busy is a crowd, not a database down: the page says so.
        busy = isinstance(error.__cause__, PoolTimeout)
        body = loader.get_template("503.html").render({"request_path": request.path, "busy": busy})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render({"request_path": request.path}))
