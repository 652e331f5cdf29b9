"""Caching as one small subsystem: versions, whole shared pages and shared fragments.

A cached thing is kept under a key that holds the *tokens* of everything it shows. A token is the
current value of a version key ("product:silk-scarf", "listings"), a random string renewed when
what it names changes, once the transaction that changed it commits. A renewal makes every entry
built from the old data unreachable at once; nothing is deleted, old entries expire by themselves.
The apps declare their versions with `declare` (catalogue/cache.py, events/cache.py) and renew them
from receivers bound to their models and from the services that write with bulk updates;
docs/caching.md lists every version, what renews it and how far it may lag.

A version declared with a `lag` is renewed at most once per `lag` seconds: a change within that
time of the last renewal marks the version due, and the first read after the hold ends renews it.
So what is keyed by it is never more than `lag` seconds behind the data, and a burst of sales
does not rebuild every listing once a sale.

Two ways to use them:

- `SharedPageMixin` on a view: a GET by a visitor without a session (most visitors: a search
  engine, a shared link, a stall's QR code) gets the whole page, the same for all of them. It is
  rendered once with a placeholder where the CSRF token goes and kept under the versions the view
  `shows()`, the parameters it `reads()`, the language, host and day; each visitor's own token is
  put in when it is sent. Others (signed in, a cart, a message) get the page rendered for them.
- `{% fragment name tokens %}…{% endfragment %}` (core/templatetags/caching.py) and `fragment()`:
  the parts everyone shares, for the pages rendered per visitor. A view passes the data as a lazy
  object, so a fragment found in the cache costs no query.

Entries never change under a key, so each web worker keeps its own copy of what it served in a
bounded local-memory cache ("pages-local") in front of the shared one ("pages": Redis when
REDIS_URL is set, the database otherwise): a request costs one read of the tokens (the
"versions" cache, never culled) and no rendering.
"""

import gzip
import hashlib
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

CSRF_PLACEHOLDER = "csrf0placeholder0for0a0shared0page"
TIMEOUT = 60 * 60
# What is kept per signed-in user (their account and roles, cart count, menu) lives two minutes
# at most in each cache level, whatever renews it: the bound on a missed renewal.
PER_USER_TIMEOUT = 2 * 60
MESSAGES_COOKIE = "messages"
NOT_KEPT = "page_cache_not_kept"


def _shared():
    return caches["pages"]


def _local():
    return caches["pages-local"]


def _versions():
    return caches["versions"]


# --- Versions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """A declared version: `name`, or `name:<part>` for one of many ("product:<slug>")."""

    name: str
    renewed_by: str
    lag: int | str = 0
    per: str = ""

    @property
    def lag_seconds(self) -> int:
        """The lag, given as seconds or as the name of the setting that holds them."""
        return int(getattr(settings, self.lag)) if isinstance(self.lag, str) else self.lag

    def key(self, *parts) -> str:
        return ":".join([self.name, *(str(part) for part in parts)])


VERSIONS: dict[str, Version] = {}


def declare(name: str, *, renewed_by: str, lag: int | str = 0, per: str = "") -> Version:
    """Declare the version `name` (one per `per`, when given: "product" per slug). `renewed_by`
    says in words what renews it; `lag` is how many seconds what it keys may be behind the data
    (or the name of the setting that says so)."""
    version = Version(name=name, renewed_by=renewed_by, lag=lag, per=per)
    VERSIONS[name] = version
    return version


SITE = declare(
    "site",
    renewed_by="categories or places loaded or renamed, the whole search index rebuilt, demo or benchmark data seeded",
)


def site_changed() -> None:
    """Everything shown may have changed (a taxonomy load, a full reindex, seeding)."""
    renew(SITE.key())


# What a kind of page shows that an app above the one drawing it adds (a product page shows
# where its producer exhibits today, from events): registered from the adding app's
# AppConfig.ready() with page_shows(), read by the page's view with also_shown_on().
_also_shown: dict[str, list[str]] = {}


def page_shows(page: str, version_key: str) -> None:
    """Pages of the kind `page` ("product", "producer", "home") show what `version_key` names."""
    keys = _also_shown.setdefault(page, [])
    if version_key not in keys:
        keys.append(version_key)


def also_shown_on(page: str) -> tuple[str, ...]:
    return tuple(_also_shown.get(page, ()))


def _lag(key: str) -> int:
    version = VERSIONS.get(key.partition(":")[0])
    return version.lag_seconds if version is not None else 0


def _new_token() -> str:
    return uuid.uuid4().hex


def tokens(*keys: str) -> list[str]:
    """The current tokens of the version `keys`, in one read of the shared cache; a missing one
    is created, and a lagging one that is due and out of its hold is renewed now."""
    store = _versions()
    lagging = [key for key in keys if _lag(key)]
    wanted = list(keys) + [f"{key}#hold" for key in lagging] + [f"{key}#due" for key in lagging]
    found = store.get_many(wanted)
    result = []
    for key in keys:
        token = found.get(key)
        lag = _lag(key)
        if lag and found.get(f"{key}#due") and not found.get(f"{key}#hold") and store.add(f"{key}#hold", 1, timeout=lag):
            # Due first, then the new token: a change marked due after this delete is seen by
            # the next read after the hold, and one before it was committed before the new token.
            store.delete(f"{key}#due")
            token = _new_token()
            store.set(key, token, timeout=None)
        elif token is None:
            token = _new_token()
            if not store.add(key, token, timeout=None):
                token = store.get(key) or token  # another process made it first
        result.append(token)
    return result


def user_tokens(user_id) -> dict[str, str]:
    """The tokens of every version declared `per="user"` ("account", "visitor"), for the user
    `user_id`, by name: one read for all that a signed-in request shows of its visitor."""
    names = [name for name, version in VERSIONS.items() if version.per == "user"]
    return dict(zip(names, tokens(*(f"{name}:{user_id}" for name in names)), strict=True))


def token_string(*keys: str) -> str:
    """The tokens of `keys` as one string, for a fragment's key."""
    return ".".join(tokens(*keys))


def _renew_now(keys: list[str]) -> None:
    store = _versions()
    plain = [key for key in keys if not _lag(key)]
    if plain:
        store.set_many({key: _new_token() for key in plain}, timeout=None)
    for key in keys:
        if lag := _lag(key):
            if store.add(f"{key}#hold", 1, timeout=lag):
                store.set(key, _new_token(), timeout=None)
            else:
                store.set(f"{key}#due", 1, timeout=None)


def renew(*keys: str) -> None:
    """Renew the version `keys` once the current transaction commits (at once outside one): what
    was cached under their old tokens is no longer served (a lagging one within its lag)."""
    if keys:
        chosen = list(dict.fromkeys(keys))
        transaction.on_commit(lambda: _renew_now(chosen))


# --- Fragments ----------------------------------------------------------------------------------


def fragment_key(name: str, *parts: str) -> str:
    """The key of the fragment `name` for `parts` (the tokens it shows, and what else sets it
    apart), in the current language and for today (what runs today, stars that lapse)."""
    key_parts = [name, get_language() or "", timezone.localdate().isoformat(), *map(str, parts)]
    digest = hashlib.sha256("\x1f".join(key_parts).encode()).hexdigest()[:40]
    return f"fragment:{digest}"


def get(key: str, *, timeout: int = TIMEOUT):
    """A kept fragment or page, from this worker's copy or the shared cache; None when absent.
    A copy taken from the shared cache is kept here for `timeout` seconds."""
    local = _local()
    value = local.get(key)
    if value is None:
        value = _shared().get(key)
        if value is not None:
            local.set(key, value, timeout=timeout)
    return value


def put(key: str, value, *, timeout: int = TIMEOUT) -> None:
    _shared().set(key, value, timeout=timeout)
    _local().set(key, value, timeout=timeout)


# Whether what the current request renders may be kept under the tokens it has read: a request
# that reads from a database replica not yet caught up with the primary may not keep it (the
# tokens may already name a change the replica has not replayed). The database router sets it
# (otop_site/db_router.py); docs/scale-out.md.
_keep_renders_check: Callable[[], bool] | None = None


def keep_renders_when(check: Callable[[], bool]) -> None:
    """Keep what is rendered for the cache only when `check()`, asked before rendering, is true."""
    global _keep_renders_check
    _keep_renders_check = check


def _renders_may_be_kept() -> bool:
    return _keep_renders_check is None or _keep_renders_check()


def fragment(
    name: str, parts: tuple, render: Callable[[], object], *, keep: Callable[[object], bool] | None = None,
    timeout: int = TIMEOUT,
):
    """The fragment `name` for `parts`, from the cache or from `render()`; kept unless `keep`
    says the value is this request's own, for `timeout` seconds (PER_USER_TIMEOUT for what is
    kept per user: a change that reaches no receiver, or a renewal lost while the cache was
    unreachable, then shows within twice that)."""
    key = fragment_key(name, *parts)
    value = get(key, timeout=timeout)
    if value is None:
        may_keep = _renders_may_be_kept()
        value = render()
        if may_keep and (keep is None or keep(value)):
            put(key, value, timeout=timeout)
    return value


# --- Whole pages for visitors without a session ------------------------------------------------


def is_shared_visitor(request: HttpRequest) -> bool:
    """A GET by a visitor without a session or pending messages: they see what everyone sees.
    Whatever the query string holds: a page is kept and rendered by the parameters it reads, so
    campaign tags or junk change nothing."""
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


def do_not_keep(response: HttpResponse) -> HttpResponse:
    """Mark a page rendered for sharing as this request's own: it is sent, not kept."""
    setattr(response, NOT_KEPT, True)
    return response


def _with_token(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if not getattr(response, "streaming", False) and CSRF_PLACEHOLDER.encode() in response.content:
        response.content = response.content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    return response


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


def serve_shared(
    request: HttpRequest,
    *,
    name: str,
    shows: tuple[str, ...],
    render: Callable[[], HttpResponse],
    compress: bool = False,
    query: QueryDict | None = None,
) -> HttpResponse:
    """The shared page `name` (a path, say) for `request`, rendered by `render()` when no copy is
    kept. `render` must render its forms' tokens as {{ csrf_token }} from the context, which
    SharedPageMixin sets to CSRF_PLACEHOLDER. A response that is not a plain 200, or that its view
    marked with `do_not_keep`, is sent but not kept.

    `query` holds the parameters the page reads, in one spelling; the page is kept under them and
    rendered from them alone. With `compress`, a page without forms is kept gzip-compressed and
    sent so to a browser that accepts it (a large floor plan is mostly repeated markup)."""
    query = QueryDict() if query is None else query
    parts = [
        name, query.urlencode(), get_language() or "", request.get_host(), request.scheme,
        timezone.localdate().isoformat(), *tokens(*shows),
    ]
    key = "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    kept = get(key)
    if kept is None:
        may_keep = _renders_may_be_kept()
        with _asked_with(request, query):
            response = render()
            if hasattr(response, "render"):
                response.render()
        if not may_keep or response.status_code != 200 or response.cookies or getattr(response, NOT_KEPT, False):
            return _with_token(request, response)
        html = response.content.decode()
        kept = ("gzip", gzip.compress(html.encode(), 6)) if compress and CSRF_PLACEHOLDER not in html else ("html", html)
        put(key, kept)
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


def query_of(params: QueryDict, names) -> QueryDict:
    """The parameters `names` of `params` in one spelling, for `SharedPageMixin.reads()`: the last
    value of each, stripped, empty ones and the first page left out, in the order of `names`."""
    query = QueryDict(mutable=True)
    for name in names:
        value = (params.get(name) or "").strip()
        if value and not (name == "page" and value == "1"):
            query[name] = value
    query._mutable = False
    return query


class SharedPageMixin:
    """A view whose page is the same for every visitor without a session: it says what the page
    shows (`shows()`: version keys) and which parameters it reads (`reads()`), and such visitors
    get it from the cache. Others get it rendered for them; its shared parts come from fragments.
    """

    compress_shared_page = False
    serving_shared = False
    # Request headers that change the page besides the cookie and the language (a partial).
    vary_on: tuple[str, ...] = ()

    def shows(self) -> tuple[str, ...]:
        raise NotImplementedError

    def reads(self) -> QueryDict | None:
        """The parameters the page reads, in one spelling; None when it reads none."""
        return None

    def shares_page(self, request) -> bool:
        return is_shared_visitor(request)

    def dispatch(self, request, *args, **kwargs):
        if request.method != "GET" or not self.shares_page(request):
            return super().dispatch(request, *args, **kwargs)
        self.serving_shared = True
        response = serve_shared(
            request,
            name=request.resolver_match.view_name + ":" + ":".join(str(value) for value in kwargs.values()),
            shows=self.shows(),
            render=lambda: self._rendered_for_sharing(request, *args, **kwargs),
            compress=self.compress_shared_page,
            query=self.reads(),
        )
        patch_vary_headers(response, self.vary_on)
        return response

    # Named partials of template_name that everyone sees, rendered from shared_data() and kept for
    # every visitor (`shared.<name>` in the template): a signed-in visitor's page is put together
    # from them and their own header, without asking shared_data() again.
    shared_partials: tuple[str, ...] = ()
    keep_shared = True

    def shared_data(self) -> dict:
        """The data the shared partials show; asked only when they are rendered. A view sets
        `keep_shared = False` here for a page of this request's own (a form's error)."""
        return {}

    def _rendered_for_sharing(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        return response if self.keep_shared else do_not_keep(response)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.serving_shared:
            context["csrf_token"] = CSRF_PLACEHOLDER
        if self.shared_partials:
            context["shared"] = self._shared_parts(context)
            context.update(getattr(self, "_asked_shared_data", {}))  # when asked: for the tests' eyes too
        return context

    def _shared_parts(self, context) -> dict:
        request, query = self.request, self.reads()
        key_parts = (
            request.resolver_match.view_name, *map(str, self.kwargs.values()), query.urlencode() if query else "",
            request.get_host(), request.scheme, token_string(*self.shows()),
        )

        def render():
            # Rendered from the parameters the page reads alone, as a whole shared page is: they are
            # kept for everyone, so nothing else of this visitor's address may reach their links.
            with _asked_with(request, query if query is not None else QueryDict()):
                self._asked_shared_data = self.shared_data()
                data = context.copy()
                data.update(self._asked_shared_data)
                return {
                    name: render_to_string(f"{self.template_name}#{name}", data, request=request)
                    for name in self.shared_partials
                }

        parts = fragment("page-parts", key_parts, render, keep=lambda _parts: self.keep_shared)
        return {name: mark_safe(html) for name, html in parts.items()}  # noqa: S308 - rendered by our own templates
