"""Whole pages for visitors without a session, served from the cache.

Most visitors of a product page or a fair's floor plan have no session: they came from a search
engine, a shared link or a QR code on a stall sign. They all see the same page, but for the CSRF
token in its forms. Such a page is rendered once with a placeholder where the token goes, kept
under a key that holds the versions of everything it shows (catalogue/cache.py, events/cache.py)
and the day (an event runs on some days only), and served with this visitor's token put in.

Entries are never changed under a key, only left behind when a version moves on, so a copy kept
in the worker's own memory ("pages-local", a bounded local-memory cache) is as fresh as the
shared one: a request costs one read of the shared cache (the versions) and no rendering.
"""

import gzip
import hashlib
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

CSRF_PLACEHOLDER = "csrf0placeholder0for0a0shared0page"
TIMEOUT = 60 * 60
MESSAGES_COOKIE = "messages"


def is_shared_visitor(request: HttpRequest, *, query: bool = False) -> bool:
    """A GET by a visitor without a session or pending messages: they see what everyone sees.
    A query string (campaign tags, say) goes the ordinary way, unless the page is keyed by its
    query (`query`: the catalogue's filters)."""
    return (
        request.method == "GET"
        and (query or not request.META.get("QUERY_STRING"))
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
        and not request.user.is_authenticated
    )


def accepts_gzip(request: HttpRequest) -> bool:
    """Whether the Accept-Encoding header takes gzip (or anything, "*"), not refused with q=0."""
    weights = {}
    for item in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        coding, _semicolon, parameters = item.strip().partition(";")
        quality = 1.0
        for parameter in parameters.split(";"):
            name, _equals, value = parameter.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        weights[coding.strip().lower()] = quality
    return weights.get("gzip", weights.get("*", 0.0)) > 0


def versions(*keys: str) -> list[str]:
    """The current versions named by `keys`, in one read; a missing one is created."""
    shared = caches["pages"]
    found = shared.get_many(keys)
    result = []
    for key in keys:
        version = found.get(key)
        if version is None:
            version = uuid.uuid4().hex
            shared.add(key, version, timeout=None)
            version = shared.get(key, version)
        result.append(version)
    return result


def _key(request: HttpRequest, name: str, version_parts: list[str]) -> str:
    parts = [name, get_language() or "", request.get_host(), request.scheme, timezone.localdate().isoformat(), *version_parts]
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def serve(
    request: HttpRequest,
    *,
    name: str,
    version_keys: tuple[str, ...],
    render: Callable[[], HttpResponse],
    compress: bool = False,
) -> HttpResponse:
    """The shared page `name` (a path, say) for `request`, rendered by `render()` when no copy
    is kept. `render` must render its forms' tokens as {{ csrf_token }} from the context, which
    the views pass as CSRF_PLACEHOLDER. A response that is not a plain 200 is not kept.

    With `compress`, a page without forms is kept gzip-compressed and sent so to a browser that
    accepts it (a large floor plan is mostly repeated markup)."""
    key = _key(request, name, versions(*version_keys))
    local, shared = caches["pages-local"], caches["pages"]
    kept = local.get(key)
    if kept is None:
        kept = shared.get(key)
        if kept is None:
            response = render()
            if hasattr(response, "render"):
                response.render()
            if response.status_code != 200 or response.cookies:
                return response
            html = response.content.decode()
            kept = ("gzip", gzip.compress(html.encode(), 6)) if compress and CSRF_PLACEHOLDER not in html else ("html", html)
            shared.set(key, kept, timeout=TIMEOUT)
        local.set(key, kept, timeout=TIMEOUT)
    kind, payload = kept
    if kind == "gzip":
        if accepts_gzip(request):
            response = HttpResponse(payload, content_type="text/html; charset=utf-8")
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(gzip.decompress(payload), content_type="text/html; charset=utf-8")
        patch_vary_headers(response, ["Accept-Encoding"])
    else:
        if CSRF_PLACEHOLDER in payload:
            payload = payload.replace(CSRF_PLACEHOLDER, get_token(request))
        response = HttpResponse(payload, content_type="text/html; charset=utf-8")
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response
