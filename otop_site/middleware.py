"""Site-wide request guards."""

from django.http import HttpResponseBadRequest
from django.template import loader


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
