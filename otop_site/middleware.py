"""Site-wide request guards."""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.template import loader
from django.utils.cache import patch_cache_control


class RejectNulBytesMiddleware:
    """Answer 400 to a request whose parameters hold a NUL byte.

    PostgreSQL refuses NUL in text, so such a value would fail deep inside any query that uses it
    (the admin's filters included); no legitimate form or link sends one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or self._has_nul(request.GET) or (request.method == "POST" and self._has_nul(request.POST)):
            body = loader.get_template("400.html").render({}, request)
            return HttpResponseBadRequest(body)
        return self.get_response(request)

    @staticmethod
    def _has_nul(query) -> bool:
        return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())


# The parts of the site that show one person's own data: their cart and checkout, their orders and
# favourites, the producer's dashboard, the organiser's area, staff pages, their account and the
# admin. Paths as they are without the language prefix (/th/, /ja/). robots.txt keeps crawlers out
# of the same areas.
PERSONAL_AREAS = ("cart/", "checkout/", "orders/", "favourites/", "dashboard/", "organiser/", "staff/", "accounts/", "admin/")


def is_personal_area(path: str) -> bool:
    """Whether `path` (a request's path_info) lies in one of the PERSONAL_AREAS."""
    path = path.lstrip("/")
    prefix, _slash, rest = path.partition("/")
    if prefix in dict(settings.LANGUAGES) and prefix != settings.LANGUAGE_CODE:
        path = rest
    return path.startswith(PERSONAL_AREAS)


class PrivatePagesMiddleware:
    """Keep personal pages out of shared caches (a proxy, a CDN, an office's cache).

    Pages of the personal areas answer `Cache-Control: private, no-store`: nothing keeps them,
    not even the browser, so the next person at a shared computer cannot bring back someone's
    orders or dashboard. Any other page seen by a visitor with a session (signed in, or with a
    cart or a message waiting) is `private`: its header names them or counts their cart. Pages
    for visitors without a session are the same for everyone and keep whatever caching their
    view gave them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_personal_area(request.path_info):
            patch_cache_control(response, private=True, no_store=True)
        elif self._has_session(request, response):
            patch_cache_control(response, private=True)
        return response

    @staticmethod
    def _has_session(request, response) -> bool:
        if settings.SESSION_COOKIE_NAME in request.COOKIES or settings.SESSION_COOKIE_NAME in response.cookies:
            return True
        if "messages" in request.COOKIES:  # the messages framework's cookie: a message for this visitor
            return True
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)


class ServedByMiddleware:
    """Name the web machine that answered in an X-Served-By header (NODE_NAME), so a test or an
    operator behind a load balancer can tell the nodes apart. Installed only when NODE_NAME is set,
    and outermost, so a page served from the shared cache still names the node serving it now."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.node_name = settings.NODE_NAME

    def __call__(self, request):
        response = self.get_response(request)
        response["X-Served-By"] = self.node_name
        return response
