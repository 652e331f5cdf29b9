"""The site's URLs plus a trivial view, so pages are measured against it in the same server."""

from django.http import HttpResponse
from django.urls import path

from otop_site.urls import handler500, urlpatterns as site_urlpatterns  # noqa: F401


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial), *site_urlpatterns]
