from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Catalogue")

    def ready(self):
        from core.cache import page_shows

        from . import receivers  # noqa: F401 - connects the cache invalidation
        from .cache import LISTINGS

        # A producer's page lists its products (catalogue_tags.producer_products).
        page_shows("producer", LISTINGS.key())
