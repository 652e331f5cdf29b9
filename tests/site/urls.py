"""The site's URLs plus views that fail on purpose, to see the error pages visitors would get."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied
from django.urls import path

from otop_site.urls import handler500, urlpatterns as site_urlpatterns


def forbidden(request):
    raise PermissionDenied("not yours")


def broken(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [
    *i18n_patterns(
        path("test-errors/forbidden/", forbidden),
        path("test-errors/broken/", broken),
        prefix_default_language=False,
    ),
    *site_urlpatterns,
]

__all__ = ["handler500", "urlpatterns"]
