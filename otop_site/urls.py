from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.static import serve

from catalogue.views.public import HomeView

from . import views
from .sitemaps import SITEMAPS

# Language-independent endpoints.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # An index of one sitemap per section, each paged at 10,000 addresses (search engines' limit
    # is 50,000), so a catalogue of any size fits.
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"}, name="sitemap"),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
]

if settings.SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

# Pages in English at unprefixed URLs, Thai under /th/, Japanese under /ja/.
urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    path("", include("catalogue.urls")),
    path("", include("orders.urls")),
    path("", include("events.urls")),
    path("", include("producers.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

handler500 = "otop_site.views.server_error"
