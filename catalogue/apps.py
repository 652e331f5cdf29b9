from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Catalogue")

    def ready(self):
        from core.cache import page_shows
        from producers.onboarding import register_step

        from . import receivers  # noqa: F401 - connects the cache invalidation
        from .cache import LISTINGS
        from .onboarding import first_product_step

        # A producer's page lists its products (catalogue_tags.producer_products).
        page_shows("producer", LISTINGS.key())
        # The onboarding checklist's "first product" step, between the sales terms and verification.
        register_step(50, first_product_step)
