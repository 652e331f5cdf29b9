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
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

CSRF_PLACEHOLDER = "csrf0placeholder0for0a0shared0page"
TIMEOUT = 60 * 60
MESSAGES_COOKIE = "messages"
NOT_KEPT = "page_cache_not_kept"


def do_not_keep(response: HttpResponse) -> HttpResponse:
    """Mark a page rendered for `serve` as this request's own: it is sent, not kept."""
    setattr(response, NOT_KEPT, True)
    return response


def _with_token(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A page rendered for sharing but sent as it is: this visitor's token where it goes."""
    if not getattr(response, "streaming", False) and CSRF_PLACEHOLDER.encode() in response.content:
        response.content = response.content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    return response


def is_shared_visitor(request: HttpRequest) -> bool:
    """A GET by a visitor without a session or pending messages: they see what everyone sees.
    Whatever the query string holds: a page is kept and rendered by the parameters it reads
    (`serve`'s `query`), so campaign tags or junk change nothing."""
    return (
        request.method == "GET"
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


def _key(request: HttpRequest, name: str, query: QueryDict, version_parts: list[str]) -> str:
    parts = [
        name, query.urlencode(), get_language() or "", request.get_host(), request.scheme, timezone.localdate().isoformat(),
        *version_parts,
    ]
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@contextmanager
def _asked_with(request: HttpRequest, query: QueryDict):
    """While the page renders, the request holds only `query`: the page's links (the language
    switcher, the search box, pagination) then carry what its key holds and nothing of the
    first visitor's other parameters, which the next visitors would otherwise be shown."""
    saved = request.GET, request.META.get("QUERY_STRING", "")
    request.GET, request.META["QUERY_STRING"] = query, query.urlencode()
    try:
        yield
    finally:
        request.GET, request.META["QUERY_STRING"] = saved


def serve(
    request: HttpRequest,
    *,
    name: str,
    version_keys: tuple[str, ...],
    render: Callable[[], HttpResponse],
    compress: bool = False,
    query: QueryDict | None = None,
) -> HttpResponse:
    """The shared page `name` (a path, say) for `request`, rendered by `render()` when no copy
    is kept. `render` must render its forms' tokens as {{ csrf_token }} from the context, which
    the views pass as CSRF_PLACEHOLDER. A response that is not a plain 200, or that its view
    marked with `do_not_keep`, is sent but not kept.

    `query` holds the parameters the page reads, in one spelling (see catalogue_query); a page
    that reads none leaves it out. The page is kept under them and rendered from them alone,
    so requests that differ in other parameters, or in their order, share one copy.

    With `compress`, a page without forms is kept gzip-compressed and sent so to a browser that
    accepts it (a large floor plan is mostly repeated markup)."""
    query = QueryDict() if query is None else query
    key = _key(request, name, query, versions(*version_keys))
    local, shared = caches["pages-local"], caches["pages"]
    kept = local.get(key)
    if kept is None:
        kept = shared.get(key)
        if kept is None:
            with _asked_with(request, query):
                response = render()
                if hasattr(response, "render"):
                    response.render()
            if response.status_code != 200 or response.cookies or getattr(response, NOT_KEPT, False):
                return _with_token(request, response)
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
